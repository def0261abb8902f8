"""The request pages: who may ask, prove, follow and download."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from live.tests.factories import make_user
from privacy.models import (
    DataSubjectRequest,
    RequestEventKind,
    RequestKind,
    RequestStatus,
)
from privacy.services.export import export_build
from privacy.services.requests import request_create
from privacy.tests.shopper import EMAIL, shopper_who_uses_everything

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"


def _exported(user) -> DataSubjectRequest:
    request = request_create(
        kind=RequestKind.ACCESS, market=user.preferred_market, user=user, start=False
    )
    return export_build(request=request)


def _signed_in(client, email: str = EMAIL):
    response = client.post(
        reverse("account_login"), {"login": email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_a_signed_in_shopper_asks_for_an_export_and_follows_it(
    client, eager_celery, django_capture_on_commit_callbacks
):
    shopper = shopper_who_uses_everything()
    _signed_in(client)
    asked = client.post(reverse("privacy:requests"), {"kind": "access"})
    assert asked["Location"].startswith(reverse("account_reauthenticate"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(asked["Location"], {"password": PASSWORD}, follow=True)

    request = DataSubjectRequest.objects.filter(user=shopper.user).latest("pk")
    assert request.kind == RequestKind.ACCESS
    assert response.redirect_chain[-1][0] == reverse(
        "privacy:request_detail", kwargs={"pk": request.pk}
    )
    status = client.get(reverse("privacy:request_status", kwargs={"pk": request.pk}))
    assert status.json()["status"] == "completed"
    assert status.json()["percent"] == 100
    download = client.get(status.json()["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert list(request.events.values_list("kind", flat=True)) == [
        RequestEventKind.RECEIVED,
        RequestEventKind.RECEIPT_CONFIRMED,
        RequestEventKind.EXPORT_READY,
        RequestEventKind.DOWNLOADED,
    ]


def test_a_shopper_not_recently_signed_in_signs_in_again(client):
    shopper = shopper_who_uses_everything()
    client.force_login(shopper.user)

    response = client.post(reverse("privacy:requests"), {"kind": "access"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert DataSubjectRequest.objects.filter(kind=RequestKind.ACCESS).count() == 1


def test_opting_out_needs_no_new_sign_in(client):
    shopper = shopper_who_uses_everything()
    client.force_login(shopper.user)

    response = client.post(reverse("privacy:requests"), {"kind": "opt_out"})

    request = DataSubjectRequest.objects.get(kind=RequestKind.OPT_OUT)
    assert response.status_code == 302
    assert (request.user, request.status) == (shopper.user, RequestStatus.COMPLETED)


def test_a_guest_opts_out_without_any_address(client):
    response = client.post(reverse("privacy:requests"), {"kind": "opt_out"})

    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    assert (request.email, request.status) == ("", RequestStatus.COMPLETED)
    assert client.get(response["Location"]).status_code == 200


def test_a_guest_proves_the_address_by_the_emailed_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:requests"),
            {"kind": "correction", "email": "guest@example.net", "details": "Typo"},
        )
    assert response.status_code == 200
    assert DataSubjectRequest.objects.count() == 0
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)

    page = client.get(link)
    assert page.status_code == 200
    assert DataSubjectRequest.objects.count() == 0  # a GET never writes
    confirmed = client.post(link)

    request = DataSubjectRequest.objects.get()
    assert (request.kind, request.email, request.details) == (
        RequestKind.CORRECTION,
        "guest@example.net",
        "Typo",
    )
    assert confirmed["Location"] == reverse(
        "privacy:request_detail", kwargs={"pk": request.pk}
    )
    assert client.get(confirmed["Location"]).status_code == 200


def test_an_expired_or_altered_guest_link_is_refused(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("privacy:requests"),
            {"kind": "access", "email": "guest@example.net"},
        )
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)

    altered = client.get(link.replace("/confirm/", "/confirm/x"))
    settings.PRIVACY_GUEST_LINK_SECONDS = -1
    expired = client.post(link)

    assert (altered.status_code, expired.status_code) == (400, 400)
    assert DataSubjectRequest.objects.count() == 0


def test_nobody_else_sees_or_downloads_the_export(client):
    shopper = shopper_who_uses_everything()
    request = _exported(shopper.user)
    staff = make_user(is_staff=True, is_superuser=True)
    client.force_login(staff)

    for name in ("request_detail", "request_status", "request_download"):
        url = reverse(f"privacy:{name}", kwargs={"pk": request.pk})
        assert client.get(url).status_code == 404
    client.logout()
    url = reverse("privacy:request_download", kwargs={"pk": request.pk})
    assert client.get(url).status_code == 404


def test_an_expired_export_is_not_downloaded(client):
    shopper = shopper_who_uses_everything()
    request = _exported(shopper.user)
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        export_expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(shopper.user)

    url = reverse("privacy:request_download", kwargs={"pk": request.pk})

    assert client.get(url).status_code == 404
    status = client.get(reverse("privacy:request_status", kwargs={"pk": request.pk}))
    assert status.json()["download_url"] is None


def test_the_request_page_loads_its_progress_script_as_a_module(client):
    shopper = shopper_who_uses_everything()
    request = DataSubjectRequest.objects.get(user=shopper.user)
    client.force_login(shopper.user)

    html = client.get(
        reverse("privacy:request_detail", kwargs={"pk": request.pk})
    ).content.decode()

    assert 'type="module" src="/static/js/privacy_progress.js"' in html
    assert "<script>" not in html
