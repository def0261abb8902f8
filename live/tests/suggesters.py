"""A stand-in for the assistant behind ``LIVE_COMMENT_SUGGESTER``, at its interface.

A comment with "?" is a question about the pinned product; "boom" makes it fail and
"slow" makes it wait until ``RELEASE`` is set (or ten seconds have passed).
"""

import threading
from dataclasses import dataclass

RELEASE = threading.Event()


@dataclass(frozen=True)
class Suggestion:
    text: str
    language: str
    intent: str = "product_question"
    links: tuple[str, ...] = ()


def suggest(*, text, market, pinned):
    if "boom" in text:
        raise RuntimeError("the engine failed")
    if "slow" in text:
        RELEASE.wait(10)
    if "?" not in text:
        return None
    name = pinned[0].name if pinned else "It"
    return Suggestion(text=f"Yes: {name} is waterproof (10,000 mm).", language="en")
