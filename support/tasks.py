"""Celery entry points of support; each calls a service."""

from celery import shared_task

from support.assistant.vectors import product_vectors_refresh
from support.services.conversations import (
    conversations_idle_close,
    first_response_alerts_send,
)


@shared_task
def product_vectors_refresh_task() -> int:
    """Re-embed the products whose text changed since the last refresh."""
    return product_vectors_refresh()


@shared_task
def first_response_alerts_task() -> list[int]:
    """Warn the inbox before a first-response target is missed (every minute)."""
    return first_response_alerts_send()


@shared_task
def conversations_idle_close_task() -> int:
    """Close assistant conversations the shopper has left (every five minutes)."""
    return conversations_idle_close()
