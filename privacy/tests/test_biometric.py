import pytest

from privacy.models import BiometricConsent
from privacy.services.biometric import (
    biometric_consent_record,
    biometric_consent_required,
)
from shop.models import Market

pytestmark = pytest.mark.django_db


@pytest.fixture
def us_host(django_user_model):
    return django_user_model.objects.create_user(
        email="host@example.com",
        password="pw",
        is_host=True,
        preferred_market=Market.objects.get(code="US"),
    )


def test_required_under_bipa_or_cubi_until_signed(us_host):
    us = Market.objects.get(code="US")
    assert biometric_consent_required(user=us_host, market=us) is True

    biometric_consent_record(user=us_host, market=us, signed_name=" Ada Host ")

    consent = BiometricConsent.objects.get()
    assert consent.regimes == ["bipa", "tdpsa"]
    assert consent.signed_name == "Ada Host"
    assert biometric_consent_required(user=us_host, market=us) is False


def test_not_required_where_no_biometric_law_applies(django_user_model):
    de = Market.objects.get(code="DE")
    host = django_user_model.objects.create_user(
        email="de-host@example.com", password="pw", preferred_market=de
    )

    assert biometric_consent_required(user=host, market=de) is False


def test_studio_asks_for_written_consent_first(client, us_host):
    client.force_login(us_host)

    response = client.get("/en/live/1/studio/")

    assert response.status_code == 302
    assert (
        response["Location"]
        == "/en/privacy/camera-consent/?next=%2Fen%2Flive%2F1%2Fstudio%2F"
    )
    page = client.get(response["Location"]).content.decode()
    assert "Illinois Biometric Information Privacy Act (BIPA)" in page
    assert "does no biometric processing" in page


def test_signing_the_consent_step_opens_the_studio(client, us_host):
    client.force_login(us_host)

    refused = client.post(
        "/en/privacy/camera-consent/",
        {"signed_name": "Ada", "next": "/en/live/1/studio/"},
    )
    signed = client.post(
        "/en/privacy/camera-consent/",
        {"agree": "on", "signed_name": "Ada Host", "next": "/en/live/1/studio/"},
    )

    assert refused.status_code == 200
    assert signed.status_code == 302
    assert signed["Location"] == "/en/live/1/studio/"
    assert BiometricConsent.objects.get().user == us_host
    # Past the gate: the studio view answers for itself (no such show here).
    assert client.get("/en/live/1/studio/").status_code == 404


def test_studio_gate_follows_the_account_market_not_the_browsed_one(
    client, django_user_model
):
    host = django_user_model.objects.create_user(
        email="travel-host@example.com", password="pw", is_host=True
    )
    client.cookies["tw_market"] = "US"
    client.force_login(host)

    # No account market: no biometric law is known to apply; the view answers.
    assert client.get("/en/live/1/studio/").status_code == 404
