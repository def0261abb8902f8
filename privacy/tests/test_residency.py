import pytest
from django.contrib.sessions.models import Session

from privacy.models import ConsentRecord
from shop.models import Cart

pytestmark = pytest.mark.django_db


@pytest.fixture
def eu_deployment(settings):
    settings.DATA_REGION = "eu"
    settings.DATA_REGION_URLS = {
        "eu": "https://eu.shop.example",
        "us": "https://us.shop.example",
    }


def test_other_region_shopper_is_redirected_before_anything_is_stored(
    client, eu_deployment
):
    page = client.get("/en/cart/?x=1", HTTP_ACCEPT_LANGUAGE="en-US")
    post = client.post(
        "/en/privacy/consent/",
        {"decision": "accept_all"},
        HTTP_ACCEPT_LANGUAGE="en-US",
        HTTP_SEC_GPC="1",
    )

    assert page.status_code == 302
    assert page["Location"] == "https://us.shop.example/en/cart/?x=1"
    assert post.status_code == 307
    assert post["Location"] == "https://us.shop.example/en/privacy/consent/"
    assert not post.cookies
    assert Session.objects.count() == 0
    assert Cart.objects.count() == 0
    assert ConsentRecord.objects.count() == 0


def test_own_region_shopper_is_served(client, eu_deployment):
    response = client.post(
        "/en/privacy/consent/", {"decision": "reject_all"}, HTTP_ACCEPT_LANGUAGE="de-DE"
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert ConsentRecord.objects.get().market_code == "DE"


def test_region_without_a_deployment_url_is_refused_not_stored(client, settings):
    settings.DATA_REGION = "eu"
    settings.DATA_REGION_URLS = {}

    response = client.get("/en/", HTTP_ACCEPT_LANGUAGE="pt-BR", HTTP_SEC_GPC="1")

    assert response.status_code == 421
    assert ConsentRecord.objects.count() == 0


def test_market_switch_stays_reachable(client, eu_deployment):
    response = client.post(
        "/market/", {"market": "DE", "next": "/en/"}, HTTP_ACCEPT_LANGUAGE="en-US"
    )

    assert response.status_code == 302
    assert response.cookies["tw_market"].value == "DE"


def test_embedded_default_serves_every_region(client, settings):
    settings.DATA_REGION = ""

    assert client.get("/en/", HTTP_ACCEPT_LANGUAGE="en-US").status_code == 200
    assert client.get("/en/", HTTP_ACCEPT_LANGUAGE="id-ID").status_code == 200
