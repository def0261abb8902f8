"""Celery entry points of live shows: they call the services."""

from celery import shared_task

from live.models import Show
from live.services.shows import show_reminders_email


@shared_task
def show_reminders_send(show_id: int) -> int:
    """Email the shoppers who asked to be reminded that a show has started."""
    show = Show.objects.filter(pk=show_id).first()
    if show is None:
        return 0
    return show_reminders_email(show=show)
