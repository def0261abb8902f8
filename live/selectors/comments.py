"""Comments as clients receive them, and what a (re)connecting socket is sent."""

from typing import Any

from live.models import Comment, Show
from live.selectors.shows import pinned_product_id

RECENT_COMMENTS = 50


def comment_payload(comment: Comment) -> dict[str, Any]:
    """A comment as clients receive it; the text is inserted as text, not markup."""
    return {
        "id": comment.pk,
        "author": comment.author_name,
        "text": comment.text,
        "at": comment.created_at.isoformat(),
        "host": comment.by_host,
    }


def comments_recent(*, show: Show, limit: int = RECENT_COMMENTS) -> list[Comment]:
    """The latest visible comments of a show, oldest first."""
    latest = list(
        Comment.objects.filter(show=show, is_deleted=False).order_by("-id")[:limit]
    )
    latest.reverse()
    return latest


def show_sync_state(*, show: Show) -> dict[str, Any]:
    """What a (re)connecting socket needs: recent comments and what is pinned."""
    pinned_comment = Comment.objects.filter(
        pk=Show.objects.filter(pk=show.pk).values("pinned_comment")[:1],
        is_deleted=False,
    ).first()
    status = Show.objects.filter(pk=show.pk).values_list("status", flat=True).first()
    return {
        "type": "sync",
        "status": status,
        "comments": [comment_payload(c) for c in comments_recent(show=show)],
        "pinned_comment": comment_payload(pinned_comment) if pinned_comment else None,
        "pinned_product_id": pinned_product_id(show=show),
    }


def comment_in_show(*, comment_id: int, show_id: int) -> Comment | None:
    """A comment of a show with its show and author, or None."""
    return (
        Comment.objects.select_related("show", "user")
        .filter(pk=comment_id, show_id=show_id)
        .first()
    )
