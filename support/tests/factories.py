"""Small factories for support tests; conversations start through the service."""

import itertools

from django.contrib.auth.models import Permission
from django.contrib.sessions.backends.db import SessionStore

from shop.models import Market, User
from support.models import Conversation
from support.services.conversations import conversation_start

_seq = itertools.count(1)


def make_shopper(**fields) -> User:
    fields.setdefault("email", f"shopper{next(_seq)}@example.com")
    return User.objects.create_user(password="pw-for-tests-only", **fields)


def make_agent(*, supervisor: bool = False, **fields) -> User:
    fields.setdefault("email", f"agent{next(_seq)}@example.com")
    user = User.objects.create_user(
        password="pw-for-tests-only", is_staff=True, **fields
    )
    codenames = ["answer_conversation"] + (
        ["supervise_conversations"] if supervisor else []
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="support", codename__in=codenames
        )
    )
    return User.objects.get(pk=user.pk)  # a fresh copy: no cached permissions


def make_session_key() -> str:
    session = SessionStore()
    session.create()
    return session.session_key or ""


def make_conversation(
    *,
    user: User | None = None,
    session_key: str = "",
    market: str = "DE",
    language: str = "de",
    shopper_timezone: str = "",
) -> Conversation:
    if user is None and not session_key:
        session_key = make_session_key()
    return conversation_start(
        user=user,
        session_key=session_key,
        market=Market.objects.get(code=market),
        language=language,
        shopper_timezone=shopper_timezone,
    )
