from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from privacy.models import Incident, IncidentNotice
from privacy.services.incidents import (
    incident_authority_deadline,
    incident_notices_draft,
    incident_time_left,
)
from shop.models import Market

pytestmark = pytest.mark.django_db


def _incident(**fields):
    return Incident.objects.create(
        title="Leaked export",
        detected_at=datetime(2026, 3, 28, 22, 30, tzinfo=UTC),
        affected_data="Email addresses and order numbers",
        regions=["eu"],
        measures="We revoked the leaked key.",
        **fields,
    )


def test_authority_deadline_is_72_hours_after_detection():
    incident = _incident()

    assert incident_authority_deadline(incident=incident) == datetime(
        2026, 3, 31, 22, 30, tzinfo=UTC
    )
    now = datetime(2026, 3, 30, 22, 0, tzinfo=UTC)
    assert incident_time_left(incident=incident, now=now) == timedelta(
        hours=24, minutes=30
    )
    late = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)
    assert incident_time_left(incident=incident, now=late) == -timedelta(hours=2)


def test_notices_are_drafted_in_each_shoppers_language(django_user_model):
    incident = _incident()
    de = django_user_model.objects.create_user(
        email="de@example.com",
        password="pw",
        full_name="Jana Koch",
        preferred_language="de",
    )
    fr_market = Market.objects.get(code="FR")
    fr = django_user_model.objects.create_user(
        email="fr@example.com",
        password="pw",
        full_name="Luc Morel",
        preferred_market=fr_market,
    )
    en = django_user_model.objects.create_user(email="en@example.com", password="pw")
    incident.subjects.set([de, fr, en])

    assert incident_notices_draft(incident=incident) == 3
    assert incident_notices_draft(incident=incident) == 0

    notices = {n.user_id: n for n in IncidentNotice.objects.all()}
    assert notices[de.pk].language == "de"
    assert notices[de.pk].body.startswith("Guten Tag Jana,")
    assert "Email addresses and order numbers" in notices[de.pk].body
    assert notices[fr.pk].language == "fr"
    assert notices[fr.pk].body.startswith("Bonjour Luc,")
    assert notices[en.pk].language == "en"
    assert notices[en.pk].subject == (
        "Important: a security incident affecting your personal data"
    )


def test_admin_shows_the_countdown(client, django_user_model):
    staff = django_user_model.objects.create_superuser(
        email="officer@example.com", password="pw"
    )
    incident = Incident.objects.create(
        title="Lost laptop",
        detected_at=timezone.now() - timedelta(hours=10, minutes=1),
        affected_data="Addresses",
    )
    client.force_login(staff)

    listing = client.get("/admin/privacy/incident/").content.decode()
    page = client.get(f"/admin/privacy/incident/{incident.pk}/change/").content.decode()

    assert "61 h 59 min left" in listing or "61 h 58 min left" in listing
    assert "left" in page
