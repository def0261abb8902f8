"""What a comment or event looks like on the wire: plain data, text never HTML."""

from typing import Any

from live.models import Comment


def comment_payload(comment: Comment) -> dict[str, Any]:
    """A comment as clients receive it; the text is inserted as text, not markup."""
    return {
        "id": comment.pk,
        "author": comment.author_name,
        "text": comment.text,
        "at": comment.created_at.isoformat(),
        "host": comment.by_host,
    }
