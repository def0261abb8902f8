"""Celery entry points of support; each calls a service."""

from celery import shared_task

from support.assistant.vectors import product_vectors_refresh


@shared_task
def product_vectors_refresh_task() -> int:
    """Re-embed the products whose text changed since the last refresh."""
    return product_vectors_refresh()
