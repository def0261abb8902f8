"""A stand-in for the assistant behind ``LIVE_COMMENT_SUGGESTER``, at its interface.

A comment with "?" is a question about the pinned product; "boom" makes it fail and
"slow" makes it wait until ``RELEASE`` is set (or ten seconds have passed); "cost"
cites the pinned product's page (in German), "shipping" a help article.
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
    if "cost" in text and pinned:
        path = "/de/" + pinned[0].get_absolute_url().split("/", 2)[-1]
        return Suggestion(text="It costs $120.", language="en", links=(path,))
    if "shipping" in text:
        links = ("/en/support/help/shipping/",)
        return Suggestion(text="Shipping is free.", language="en", links=links)
    name = pinned[0].name if pinned else "It"
    return Suggestion(text=f"Yes: {name} is waterproof (10,000 mm).", language="en")
