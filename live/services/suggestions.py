"""Suggested answers to viewers' product questions, shown in the studio only.

The engine that recognises a product question and grounds its answer in the shop's
data is not part of live: ``settings.LIVE_COMMENT_SUGGESTER`` names it by dotted path
(empty turns the feature off), so live never imports it. It is called as
``suggester(*, text, market, pinned)`` with the comment's text, the commenter's
market and the show's pinned product (a list of at most one), and returns None or an
object with ``text`` and ``language`` (and optionally ``intent`` and ``links``, the
paths it cites).

A suggestion is kept for ``SUGGESTION_SECONDS`` so that the host can post it with
one click: the studio sends only the comment's id, never the text to post.
"""

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from live.access import ShowAction, access_show_for_control, show_may
from live.models import COMMENT_MAX_LENGTH, Comment, ShowProduct
from live.selectors.shows import pinned_product_id
from live.services.comments import comment_post
from live.services.errors import ModerationError
from shop.models import Market, Product, User

SUGGESTION_SECONDS = 3600
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


@lru_cache(maxsize=4)
def _suggester_load(path: str) -> Callable[..., Any]:
    return import_string(path)


def suggester_get() -> Callable[..., Any] | None:
    """The configured suggester, or None when the feature is off."""
    path = getattr(settings, "LIVE_COMMENT_SUGGESTER", "")
    return _suggester_load(path) if path else None


def _cache_key(comment_id: int) -> str:
    return f"live:suggestion:{comment_id}"


def _product_for(
    *,
    text: str,
    links: tuple[str, ...],
    featured: list[Product],
    pinned: Product | None,
) -> Product | None:
    """The featured product the answer cites, else the pinned one if it names it."""
    for product in featured:
        # Compared without the language prefix: the answer may be in another language.
        path = product.get_absolute_url().split("/", 2)[-1]
        if any(link.split("?")[0].endswith(path) for link in links):
            return product
    if pinned is not None and pinned.name and pinned.name in text:
        return pinned
    return None


def reply_text(*, author: str, text: str) -> str:
    """The host's reply to a viewer: a mention, then as many sentences as fit."""
    mention = f"@{author} "
    room = COMMENT_MAX_LENGTH - len(mention)
    kept = ""
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > room:
            break
        kept = candidate
    if not kept:
        kept = text[: room - 1].rstrip() + "…"
    return mention + kept


def comment_suggestion_make(
    *, comment: Comment, market: Market | None
) -> dict[str, Any] | None:
    """A suggested answer to a viewer's product question, kept for posting; or None.

    Returns the studio's ``suggestion`` frame. Comments by those who run the show,
    and comments whose market is unknown, get none.
    """
    suggester = suggester_get()
    show = comment.show
    if suggester is None or market is None or comment.is_deleted:
        return None
    if show_may(user=comment.user, show=show, action=ShowAction.STUDIO_OPEN):
        return None
    featured = [
        row.product
        for row in ShowProduct.objects.filter(show=show).select_related("product")
    ]
    pinned_id = pinned_product_id(show=show)
    pinned = next((p for p in featured if p.pk == pinned_id), None)
    if pinned is None and pinned_id is not None:
        pinned = Product.objects.filter(pk=pinned_id).first()
    suggestion = suggester(
        text=comment.text, market=market, pinned=[pinned] if pinned else []
    )
    if suggestion is None or not str(suggestion.text).strip():
        return None
    product = _product_for(
        text=str(suggestion.text),
        links=tuple(getattr(suggestion, "links", ())),
        featured=featured,
        pinned=pinned,
    )
    text = reply_text(author=comment.author_name, text=str(suggestion.text))
    language = str(suggestion.language)
    cache.set(
        _cache_key(comment.pk),
        {"show_id": show.pk, "text": text, "language": language},
        SUGGESTION_SECONDS,
    )
    return {
        "type": "suggestion",
        "comment_id": comment.pk,
        "text": text,
        "language": language,
        "intent": str(getattr(suggestion, "intent", "")),
        "product": _product_payload(product, language=show.language),
    }


def _product_payload(product: Product | None, *, language: str) -> dict | None:
    # The studio is the host's: the product's name in the show's language, whatever
    # language the viewer asked in.
    if product is None:
        return None
    with translation.override(language or None):
        return {"id": product.pk, "name": product.name}


def comment_suggestion_post(*, comment: Comment, by: User) -> Comment:
    """Post the suggested answer to a viewer's comment as the host's reply.

    It takes the path of every comment the host writes; posting twice (a double
    click, a resend) returns the reply posted the first time.
    """
    access_show_for_control(user=by, show=comment.show, action=ShowAction.STUDIO_OPEN)
    suggestion = cache.get(_cache_key(comment.pk))
    if suggestion is None or suggestion.get("show_id") != comment.show_id:
        raise ModerationError(
            _("There is no suggested answer for this comment."), code="no_suggestion"
        )
    return comment_post(
        show=comment.show,
        user=by,
        text=suggestion["text"],
        language=suggestion["language"],
        client_id=f"answer:{comment.pk}",
    )
