"""Stream keys: the secret a host's encoder (OBS) sends to publish a show by WHIP.

Only a SHA-256 of the key is stored, so a copy of the database cannot publish; the
host (or staff) sees the key once, when it is made, and makes a new one to replace it.
"""

import hashlib
import hmac
import secrets

from live.access import ShowAction, access_show_for_control
from live.models import Show
from shop.models import User

KEY_BYTES = 24


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def stream_key_rotate(*, show: Show, by: User) -> str:
    """Give the show a new stream key (the old one stops working) and return it."""
    access_show_for_control(user=by, show=show, action=ShowAction.STREAM_KEY)
    key = f"tw{show.pk}_{secrets.token_urlsafe(KEY_BYTES)}"
    show.stream_key_hash = _digest(key)
    Show.objects.filter(pk=show.pk).update(stream_key_hash=show.stream_key_hash)
    return key


def stream_key_matches(*, show: Show, key: str) -> bool:
    """Whether a key is the show's current stream key (compared in constant time)."""
    if not show.stream_key_hash or not key:
        return False
    return hmac.compare_digest(_digest(key), show.stream_key_hash)
