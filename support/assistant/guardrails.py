"""Checks that keep an answer to what the shop knows.

A phrased answer (from the optional language model) may only state numbers that
the retrieved facts state, and must keep every figure the built-in answer gives:
prices, stock, dates and order numbers. Anything else falls back to the built-in
answer, which is composed from the facts alone.
"""

import re

_NUMBER = re.compile(r"\d+(?:[.,\u202f\u00a0 ]\d+)*")


def _digits(token: str) -> str:
    return re.sub(r"\D", "", token)


def numbers_in(text: str) -> set[str]:
    """The digit strings of every number in a text ("1.299,00 €" -> "129900")."""
    return {_digits(token) for token in _NUMBER.findall(text)}


def reply_grounded(*, text: str, facts: tuple[str, ...], draft: str) -> bool:
    """True when `text` states every fact and no number that the facts and the
    built-in draft do not state."""
    if not text.strip():
        return False
    normalized = " ".join(text.split())
    for fact in facts:
        if " ".join(fact.split()) not in normalized:
            return False
    allowed = numbers_in(draft)
    for fact in facts:
        allowed |= numbers_in(fact)
    return numbers_in(text) <= allowed
