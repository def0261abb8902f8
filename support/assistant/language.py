"""Which language to answer in: an explicit choice, then a confident detection of
this message, then the language kept from earlier in the conversation, then the
page's language, then the market's.

Detection is the reviews' detector (fastText lite + lingua, offline). A short
message ("ok", "Danke!") is too short to tell, so the language the conversation
already has stays; a message confidently written in a language the shop does not
serve goes to a person.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from shop.reviews.language_detect import language_votes
from support.assistant.types import Turn

# The winning language needs this share of the detectors' mean vote and the message
# this many letters; below either, detection is not trusted on its own.
CONFIDENT_SHARE = 0.55
CONFIDENT_LETTERS = 12
# A language the shop does not serve must win clearly to send the shopper away.
UNSUPPORTED_SHARE = 0.7
UNSUPPORTED_LETTERS = 15


@dataclass(frozen=True)
class LanguageChoice:
    language: str  # the shopper language to answer in
    detected: str  # the detection of this message: a code, "~xx" (not ours) or ""
    confident: bool  # the detection of this message is trusted
    unsupported: bool  # confidently written in a language the shop does not serve


def language_detect(*, text: str) -> tuple[str, float]:
    """The most likely language of a text ("~xx" when not a shopper language) and
    its share of the vote; ("", 0.0) for text without letters."""
    cleaned = " ".join(text.split())[:1000]
    if sum(char.isalpha() for char in cleaned) < 2:
        return "", 0.0
    votes = language_votes(text=cleaned)
    code, share = max(votes.items(), key=lambda item: item[1])
    return code, share


def language_choose(
    *,
    text: str,
    history: Sequence[Turn] = (),
    explicit_language: str | None = None,
    page_language: str | None = None,
    market_language: str = "en",
) -> LanguageChoice:
    """The language to answer a message in, and whether to hand over for it."""
    shopper_languages = settings.SHOPPER_LANGUAGES
    detected, share = language_detect(text=text)
    letters = sum(char.isalpha() for char in text)
    confident = (
        detected in shopper_languages
        and share >= CONFIDENT_SHARE
        and letters >= CONFIDENT_LETTERS
    )
    unsupported = (
        detected.startswith("~")
        and share >= UNSUPPORTED_SHARE
        and letters >= UNSUPPORTED_LETTERS
    )
    if explicit_language in shopper_languages:
        return LanguageChoice(explicit_language, detected, confident, False)
    if confident:
        return LanguageChoice(detected, detected, True, False)
    kept = next(
        (
            turn.language
            for turn in reversed(history)
            if turn.language in shopper_languages
        ),
        "",
    )
    for candidate in (kept, page_language, market_language, "en"):
        if candidate in shopper_languages:
            return LanguageChoice(candidate, detected, False, unsupported)
    return LanguageChoice("en", detected, False, unsupported)
