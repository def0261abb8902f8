"""Restricted claims, and the daily warning before certificates lapse."""

from datetime import timedelta

import pytest
from django.core import mail

from shop.compliance.selectors import today
from shop.compliance.services import (
    certificate_save,
    certificates_expiry_warn,
    claims_found,
)
from shop.compliance.tasks import certificates_expiry_warn_task
from shop.compliance.tests.helpers import certify
from shop.models import ClaimRestriction, Market, ProductCertificate
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted():
    de = Market.objects.get(code="DE")
    ClaimRestriction.objects.create(market=de, phrase="heilt Arthrose")
    ClaimRestriction.objects.create(
        market=Market.objects.get(code="US"), phrase="best in the world"
    )
    return de


def test_a_claim_matches_whole_words_ignoring_case_and_punctuation(restricted):
    found = claims_found(texts=["Dieser Tee HEILT   Arthrose!"])

    assert [(claim.phrase, claim.market.code) for claim in found] == [
        ("heilt Arthrose", "DE")
    ]
    assert claims_found(texts=["heilt Arthrosen nicht"]) == []


def test_claims_are_checked_against_the_markets_given(restricted):
    text = ["The best in the world, and heilt Arthrose"]

    assert [c.market.code for c in claims_found(texts=text, markets=[restricted])] == [
        "DE"
    ]
    assert [c.market.code for c in claims_found(texts=text)] == ["DE", "US"]


def test_staff_are_warned_once_before_a_certificate_lapses(
    settings, django_capture_on_commit_callbacks
):
    settings.STAFF_ALERT_EMAILS = ["compliance@example.com"]
    product = make_product(name="Speaker")
    soon = certify(product=product, kind="ce", expires_on=today() + timedelta(days=10))
    certify(product=product, kind="sni", expires_on=today() + timedelta(days=90))

    with django_capture_on_commit_callbacks(execute=True):
        warned = certificates_expiry_warn()
    with django_capture_on_commit_callbacks(execute=True):
        again = certificates_expiry_warn()

    assert warned == [soon.pk]
    assert again == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["compliance@example.com"]
    assert mail.outbox[0].subject == "Certificates: 1 lapses soon"
    assert "Speaker · CE marking with EU declaration of conformity REF-1" in (
        mail.outbox[0].body
    )


def test_a_renewed_certificate_is_warned_about_again(
    settings, django_capture_on_commit_callbacks
):
    settings.STAFF_ALERT_EMAILS = ["compliance@example.com"]
    certificate = certify(
        product=make_product(), kind="ce", expires_on=today() + timedelta(days=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificates_expiry_warn()

    certificate.expires_on = today() + timedelta(days=20)
    certificate_save(certificate=certificate)
    with django_capture_on_commit_callbacks(execute=True):
        warned = certificates_expiry_warn()

    assert warned == [certificate.pk]
    assert len(mail.outbox) == 2


def test_the_daily_task_marks_the_warned_certificates(
    settings, django_capture_on_commit_callbacks
):
    settings.STAFF_ALERT_EMAILS = ["compliance@example.com"]
    certificate = certify(
        product=make_product(), kind="ce", expires_on=today() - timedelta(days=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        certificates_expiry_warn_task.apply()

    assert ProductCertificate.objects.get(pk=certificate.pk).expiry_warned_on == (
        today()
    )
    assert len(mail.outbox) == 1


def test_the_daily_task_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["certificates-expiry-warn"]

    assert entry["task"] == "shop.compliance.tasks.certificates_expiry_warn_task"
