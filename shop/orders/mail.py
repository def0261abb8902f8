"""Emails the shop sends: templated messages in one language, and who staff are."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def site_url(path: str = "") -> str:
    """An absolute URL on this site, for links in emails sent outside a request."""
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{Site.objects.get_current().domain}{path}"


def staff_alert_recipients() -> list[str]:
    """STAFF_ALERT_EMAILS when set, else the addresses of active staff accounts."""
    if settings.STAFF_ALERT_EMAILS:
        return list(settings.STAFF_ALERT_EMAILS)
    return list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )


def templated_email_send(
    *, template: str, context: dict, to: list[str], language: str
) -> None:
    """Render `<template>_subject.txt` and `<template>.txt` in a language; send them."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    ).send()
