"""Near-due and overdue requests: the staff alert and the admin queue."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from live.tests.factories import make_user
from privacy.models import DataSubjectRequest, RequestKind
from privacy.services.alerts import deadlines_alert
from privacy.services.requests import (
    RequestNotAllowed,
    request_create,
    request_extend,
)
from shop.models import Market

pytestmark = pytest.mark.django_db


def _request(days_left: float, market: str = "DE") -> DataSubjectRequest:
    request = request_create(
        kind=RequestKind.CORRECTION,
        market=Market.objects.get(code=market),
        email=f"s{days_left}@example.net",
        details="name",
        start=False,
    )
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        due_at=timezone.now() + timedelta(days=days_left)
    )
    request.refresh_from_db()
    return request


def _privacy_officer():
    officer = make_user(is_staff=True, email="officer@example.com")
    group = Group.objects.create(name="privacy test officers")
    group.permissions.add(Permission.objects.get(codename="change_datasubjectrequest"))
    officer.groups.add(group)
    make_user(is_staff=True, email="catalog@example.com")
    return officer


def test_overdue_and_near_due_requests_alert_the_privacy_staff_once_a_day():
    _privacy_officer()
    overdue = _request(-1)
    near = _request(3)
    _request(20)
    mail.outbox.clear()

    alerted = deadlines_alert()

    assert [r.pk for r in alerted] == [overdue.pk, near.pk]
    assert [m.to for m in mail.outbox] == [["officer@example.com"]]
    assert f"#{overdue.pk}" in mail.outbox[0].body
    assert "OVERDUE" in mail.outbox[0].body
    assert deadlines_alert() == []
    assert [r.pk for r in deadlines_alert(now=timezone.now() + timedelta(days=1))] == [
        overdue.pk,
        near.pk,
    ]


def test_answered_requests_do_not_alert():
    _privacy_officer()
    request = _request(-1)
    DataSubjectRequest.objects.filter(pk=request.pk).update(status="completed")

    assert deadlines_alert() == []


def test_an_extension_is_granted_once_within_the_first_period(
    django_capture_on_commit_callbacks,
):
    request = request_create(
        kind=RequestKind.CORRECTION,
        market=Market.objects.get(code="DE"),
        email="ext@example.net",
        start=False,
    )
    first_due = request.due_at

    with django_capture_on_commit_callbacks(execute=True):
        request_extend(request=request, reason="Many records", actor=None)

    assert request.extended_due_at is not None
    assert request.extended_due_at > first_due + timedelta(days=58)
    assert mail.outbox[-1].to == ["ext@example.net"]
    with pytest.raises(RequestNotAllowed):
        request_extend(request=request, reason="again", actor=None)


def test_an_extension_after_the_first_period_is_refused():
    request = _request(-1)

    with pytest.raises(RequestNotAllowed):
        request_extend(request=request, reason="late", actor=None)


def test_the_admin_queue_highlights_overdue_and_near_due_requests(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    _request(-1)
    _request(3)
    _request(20)

    html = client.get(
        reverse("admin:privacy_datasubjectrequest_changelist")
    ).content.decode()

    assert html.count("privacy-due--overdue") == 1
    assert html.count("privacy-due--near") == 1
    assert html.count("privacy-due--ok") == 1
    assert "privacy/admin.css" in html


def test_staff_extend_a_deadline_from_the_admin(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    request = _request(10, market="US")

    client.post(
        reverse("admin:privacy_datasubjectrequest_change", args=[request.pk]),
        {
            "extension_reason": "Records in archive",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    request.refresh_from_db()
    assert request.extension_reason == "Records in archive"
    assert request.extended_due_at is not None
