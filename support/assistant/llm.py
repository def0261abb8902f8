"""Optional phrasing of an answer by a language model at an OpenAI-compatible
endpoint (`ASSISTANT_LLM_URL`, `ASSISTANT_LLM_MODEL`, `ASSISTANT_LLM_API_KEY`).

The model sees only the built-in answer and its facts and is asked to rephrase it
in the market's tone; the guardrails check its output, and any error, timeout or
stray figure leaves the built-in answer in place. Off unless the URL is set.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings

from support.assistant.guardrails import reply_grounded

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 8.0


def llm_enabled() -> bool:
    return bool(getattr(settings, "ASSISTANT_LLM_URL", ""))


def _prompt(
    *, draft: str, facts: tuple[str, ...], language: str, tone: str, notes: str
) -> list[dict[str, str]]:
    system = (
        "You rephrase a shop assistant's answer for a shopper. Write in the language "
        f"with the code '{language}'. Tone: {tone}. {notes}".strip()
        + " Use only the facts given; copy every fact exactly as written; add no "
        "number, price, date, product, discount or promise that is not given. "
        "Answer with the rephrased text only."
    )
    user = json.dumps({"answer": draft, "facts": list(facts)}, ensure_ascii=False)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def llm_phrase(
    *, draft: str, facts: tuple[str, ...], language: str, tone: str, notes: str = ""
) -> str | None:
    """The model's phrasing of `draft` if it keeps to the facts, else None."""
    if not llm_enabled():
        return None
    url = settings.ASSISTANT_LLM_URL.rstrip("/") + "/chat/completions"
    body = json.dumps(
        {
            "model": settings.ASSISTANT_LLM_MODEL,
            "messages": _prompt(
                draft=draft, facts=facts, language=language, tone=tone, notes=notes
            ),
            "temperature": 0.2,
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    if settings.ASSISTANT_LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.ASSISTANT_LLM_API_KEY}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - staff-configured URL
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            payload = json.loads(response.read())
        text = payload["choices"][0]["message"]["content"]
    except (
        OSError,
        urllib.error.URLError,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
    ):
        logger.warning(
            "The language model did not answer; the built-in answer is used."
        )
        return None
    if not isinstance(text, str) or not reply_grounded(
        text=text, facts=facts, draft=draft
    ):
        logger.info("The language model strayed from the facts; not used.")
        return None
    return text.strip()
