"""Breach incidents: the authority deadline and the notices to affected shoppers."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from privacy.models import Incident, IncidentNotice
from privacy.models.incidents import AUTHORITY_NOTICE_WINDOW
from shop.models import User


def incident_authority_deadline(*, incident: Incident) -> datetime:
    """When the authority must have been told: 72 hours after detection (GDPR 33)."""
    return incident.detected_at + AUTHORITY_NOTICE_WINDOW


def incident_time_left(*, incident: Incident, now: datetime | None = None) -> timedelta:
    """Time left until the authority deadline; negative once it has passed."""
    return incident_authority_deadline(incident=incident) - (now or timezone.now())


def _language_of(user: User) -> str:
    if user.preferred_language:
        return user.preferred_language
    market = user.preferred_market
    return market.language if market is not None else settings.LANGUAGE_CODE


def incident_notices_draft(*, incident: Incident) -> int:
    """Draft the notice to every affected shopper in their language; returns how many
    were new. Drafting twice keeps the first drafts."""
    existing = set(incident.notices.values_list("user_id", flat=True))
    subjects = incident.subjects.exclude(pk__in=existing).select_related(
        "preferred_market"
    )
    created = 0
    with transaction.atomic():
        for user in subjects:
            language = _language_of(user)
            context = {"incident": incident, "user": user}
            with translation.override(language):
                subject = render_to_string(
                    "privacy/emails/incident_notice_subject.txt", context
                ).strip()
                body = render_to_string("privacy/emails/incident_notice.txt", context)
            IncidentNotice.objects.create(
                incident=incident,
                user=user,
                language=language,
                subject=subject[:200],
                body=body,
            )
            created += 1
    return created
