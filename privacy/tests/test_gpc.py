import pytest

from privacy.consent import CONSENT_COOKIE
from privacy.models import ConsentMethod, ConsentRecord

pytestmark = pytest.mark.django_db


def test_gpc_signal_is_recorded_once_as_opt_out_of_sale_and_sharing(client):
    first = client.get("/en/", HTTP_SEC_GPC="1")
    second = client.get("/en/", HTTP_SEC_GPC="1")

    record = ConsentRecord.objects.get()
    assert record.method == ConsentMethod.GPC
    assert record.choices["opt_out_sale_sharing"] is True
    assert record.choices["gpc"] is True
    assert record.choices["marketing"] is False
    assert CONSENT_COOKIE in first.cookies
    assert CONSENT_COOKIE not in second.cookies


def test_gpc_keeps_marketing_off_even_after_accept_all(client, settings):
    settings.CONSENT_CATEGORY_SCRIPTS = [
        ("analytics", "js/analytics.js"),
        ("marketing", "js/marketing.js"),
    ]
    client.post("/en/privacy/consent/", {"decision": "accept_all"}, HTTP_SEC_GPC="1")

    html = client.get("/en/", HTTP_SEC_GPC="1").content.decode()

    assert "js/analytics.js" in html
    assert "js/marketing.js" not in html
    banner_record = ConsentRecord.objects.get(method=ConsentMethod.BANNER)
    assert banner_record.choices["marketing"] is True
    assert banner_record.choices["opt_out_sale_sharing"] is True


def test_without_gpc_nothing_is_recorded_on_a_visit(client):
    client.get("/en/", HTTP_SEC_GPC="0")

    assert ConsentRecord.objects.count() == 0


def test_california_market_shows_opt_out_links_and_germany_does_not(client):
    us = client.get("/en/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    de = client.get("/en/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()

    assert 'href="/en/privacy/do-not-sell/"' in us
    assert 'href="/en/privacy/limit-sensitive/"' in us
    assert "do-not-sell" not in de
    assert "limit-sensitive" not in de


@pytest.mark.parametrize(
    ("path", "method", "opt_out"),
    [
        ("/en/privacy/do-not-sell/", ConsentMethod.DO_NOT_SELL, "sale_sharing"),
        (
            "/en/privacy/limit-sensitive/",
            ConsentMethod.LIMIT_SENSITIVE,
            "sensitive_use",
        ),
    ],
)
def test_opt_out_links_work_without_an_account(client, path, method, opt_out):
    page = client.get(path)
    response = client.post(path)

    assert page.status_code == 200
    assert response.status_code == 200
    record = ConsentRecord.objects.get()
    assert (record.method, record.user) == (method, None)
    assert record.choices[f"opt_out_{opt_out}"] is True
    assert 'role="status"' in client.get(path).content.decode()
