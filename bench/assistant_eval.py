"""The shopping assistant against a labelled question set.

Each line of the question file (JSON Lines) is one shopper message:

    {"market": "DE", "language": "de", "user": null, "text": "...",
     "intent": "price_shipping", "facts": ["144,99 €"], "handoff": false}

`user` is null (a guest) or the email of an account; `facts` are strings the reply
must contain. Runs against the database in DATABASE_URL, which must hold the demo
data (`manage.py seed_demo`; `--prepare` seeds it and embeds the products first).
Prints intent accuracy, fact correctness, handoff precision and recall, language
accuracy and latency (p50/p95), the misses, and as its last line the same
figures as JSON. Before asking, it loads what a running server has loaded before
its first message (the URL configuration, each market's locale data, the encoder
and detectors, through one warm-up question) and makes the catalog's cached
fragments stale, so every product is fetched cold once. As a baseline measured
in the same run, each question's text is also embedded on its own (the
encoder's floor, which every answer pays): the latencies are given as a ratio to
it, and the load average before and after the run is printed.

    .venv/bin/python bench/assistant_eval.py [--questions FILE] [--prepare]
"""

import argparse
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_QUESTIONS = ROOT / "bench" / "data" / "assistant_questions.jsonl"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _load_average() -> str:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg gives them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="Seed the demo data and embed the products before asking.",
    )
    parser.add_argument("--verbose", action="store_true", help="Print every reply.")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command
    from django.urls import get_resolver, reverse
    from django.utils import translation

    from shop.models import Market, User
    from shop.reviews.sentiment import text_embedding
    from shop.storefront.cache import catalog_version_bump
    from shop.storefront.formatting import money
    from support.assistant import assistant_answer

    if args.prepare:
        call_command("seed_demo", force=True, verbosity=0)
        call_command("assistant_vectors_refresh", verbosity=0)

    questions = [
        json.loads(line)
        for line in args.questions.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    markets = {market.code: market for market in Market.objects.all()}
    users = {user.email.lower(): user for user in User.objects.all()}
    # What a serving process has loaded before its first message, outside the
    # measurement: the URL configuration and its names in each language (answers
    # link to pages), each market's locale data (its pages show prices; Babel
    # reads a locale on first use, up to 250 ms here), the detectors and the
    # encoder.
    get_resolver().url_patterns  # noqa: B018
    for market in markets.values():
        money(Decimal(1), market.currency, market.language, market.default_country)
        # Django builds each language's table of URL names on its first reverse().
        with translation.override(market.language):
            reverse("shop:product", kwargs={"slug": "warm-up"})
    assistant_answer(text="Hello there", market=next(iter(markets.values())), user=None)
    # Every product's facts are read cold once, as after a catalog change.
    catalog_version_bump()
    load_before = _load_average()

    intent_right = language_right = 0
    fact_questions = fact_right = 0
    # Facts of the replies whose intent was right: wrong facts, not a missed intent.
    fact_questions_on_intent = fact_right_on_intent = 0
    true_pos = false_pos = false_neg = 0
    latencies: list[float] = []
    baseline: list[float] = []  # the same text embedded on its own
    misses: list[str] = []
    for number, question in enumerate(questions, start=1):
        market = markets[question["market"].upper()]
        email = question.get("user")
        user = users.get(email.lower()) if email else None
        started = time.perf_counter()
        reply = assistant_answer(text=question["text"], market=market, user=user)
        latencies.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        text_embedding(text=question["text"], language=reply.language)
        baseline.append((time.perf_counter() - started) * 1000)
        expected_handoff = bool(question.get("handoff"))
        intent_ok = reply.intent == question["intent"]
        intent_right += intent_ok
        language_right += reply.language == question.get("language", reply.language)
        facts = question.get("facts") or []
        missing = [fact for fact in facts if fact not in reply.text]
        if facts:
            fact_questions += 1
            fact_right += not missing
            if intent_ok:
                fact_questions_on_intent += 1
                fact_right_on_intent += not missing
        if reply.handoff and expected_handoff:
            true_pos += 1
        elif reply.handoff:
            false_pos += 1
        elif expected_handoff:
            false_neg += 1
        wrong = not intent_ok or missing or reply.handoff != expected_handoff
        if wrong or args.verbose:
            misses.append(
                f"{number:>3} {question['market']} {question['text']!r}\n"
                f"    expected {question['intent']} handoff={expected_handoff}"
                f" facts={facts}\n"
                f"    got {reply.intent or '-'} ({reply.confidence:.2f})"
                f" handoff={reply.handoff} {reply.handoff_reason}"
                f" language={reply.language} missing={missing}\n"
                f"    {reply.text[:300]}"
            )
    total = len(questions)
    figures = {
        "questions": total,
        "intent_accuracy": round(intent_right / total, 4) if total else 0.0,
        "fact_questions": fact_questions,
        "fact_correctness": round(fact_right / fact_questions, 4)
        if fact_questions
        else 1.0,
        "fact_correctness_when_intent_right": round(
            fact_right_on_intent / fact_questions_on_intent, 4
        )
        if fact_questions_on_intent
        else 1.0,
        "handoff_precision": round(true_pos / (true_pos + false_pos), 4)
        if true_pos + false_pos
        else 1.0,
        "handoff_recall": round(true_pos / (true_pos + false_neg), 4)
        if true_pos + false_neg
        else 1.0,
        "language_accuracy": round(language_right / total, 4) if total else 0.0,
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else 0,
        "latency_p95_ms": round(_percentile(latencies, 0.95), 1),
        "embedding_p50_ms": round(statistics.median(baseline), 1) if baseline else 0,
        "embedding_p95_ms": round(_percentile(baseline, 0.95), 1),
        "load_before": load_before,
        "load_after": _load_average(),
    }
    for share, answer, floor in (
        ("p50", statistics.median(latencies), statistics.median(baseline)),
        ("p95", _percentile(latencies, 0.95), _percentile(baseline, 0.95)),
    ):
        figures[f"latency_{share}_ratio"] = round(answer / floor, 2) if floor else 0.0
    for line in misses:
        print(line)
    print(
        f"questions {total}: intent accuracy {figures['intent_accuracy']:.1%}, "
        f"facts {fact_right}/{fact_questions} correct ({fact_right_on_intent}/"
        f"{fact_questions_on_intent} where the intent was right), handoff precision "
        f"{figures['handoff_precision']:.1%} recall {figures['handoff_recall']:.1%}, "
        f"language {figures['language_accuracy']:.1%}, latency p50 "
        f"{figures['latency_p50_ms']} ms p95 {figures['latency_p95_ms']} ms "
        f"({figures['latency_p50_ratio']}x / {figures['latency_p95_ratio']}x one "
        f"embedding of the text: p50 {figures['embedding_p50_ms']} ms p95 "
        f"{figures['embedding_p95_ms']} ms), load average "
        f"{figures['load_before']} before, {figures['load_after']} after"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
