import re

import pytest
from django.core import signing

from privacy.consent import CONSENT_COOKIE, consent_cookie_read
from privacy.models import ConsentMethod, ConsentRecord, LegalPageKind
from privacy.services.consent import consent_policy_version
from privacy.services.legal import (
    legal_page_upsert,
    legal_version_draft,
    legal_version_publish,
)

pytestmark = pytest.mark.django_db

NON_NECESSARY = {"tw_analytics", "tw_consent_marketing"}
ANALYTICS_TAG = re.compile(r"<script[^>]*analytics\.js")


def _banner(html: str) -> bool:
    return 'id="consent-banner"' in html


def test_first_visit_shows_banner_sets_no_optional_cookie_and_no_category_script(
    client,
):
    response = client.get("/en/")

    html = response.content.decode()
    assert response.status_code == 200
    assert _banner(html)
    assert set(response.cookies) == {"csrftoken"}
    assert "Set-Cookie" not in str(response.headers).replace("csrftoken", "")
    assert ANALYTICS_TAG.search(html) is None
    assert ConsentRecord.objects.count() == 0


def test_reject_and_accept_buttons_are_equally_visible(client):
    html = client.get("/en/").content.decode()

    buttons = re.findall(
        r'<button type="submit" name="decision" value="(\w+)" class="([^"]+)"', html
    )
    by_value = dict(buttons)
    assert by_value["reject_all"] == by_value["accept_all"] == "consent-button"
    # Reject comes first in the tab order, beside accept, outside the details.
    assert html.index('value="reject_all"') < html.index('value="accept_all"')
    assert html.index('value="accept_all"') < html.index("<details")


def test_reject_all_records_choice_and_keeps_scripts_out(client):
    response = client.post(
        "/en/privacy/consent/", {"decision": "reject_all", "next": "/en/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert set(response.cookies) == {CONSENT_COOKIE}
    record = ConsentRecord.objects.get()
    assert record.method == ConsentMethod.BANNER
    assert record.user is None
    assert record.policy_version == consent_policy_version() == 0
    assert record.choices == {
        "necessary": True,
        "preferences": False,
        "analytics": False,
        "marketing": False,
        "opt_out_sale_sharing": False,
        "opt_out_sensitive_use": False,
        "gpc": False,
    }
    page = client.get("/en/")
    assert not _banner(page.content.decode())
    assert ANALYTICS_TAG.search(page.content.decode()) is None
    assert set(page.cookies) <= {"csrftoken"}


def test_accept_all_renders_analytics_script(client):
    client.post("/en/privacy/consent/", {"decision": "accept_all"})

    html = client.get("/en/").content.decode()

    assert not _banner(html)
    assert len(ANALYTICS_TAG.findall(html)) == 1
    assert 'data-consent-category="analytics"' in html


def test_granular_choice_from_settings_page_and_withdrawal(client, django_user_model):
    user = django_user_model.objects.create_user(email="ana@example.com", password="x")
    client.force_login(user)
    client.post(
        "/en/privacy/consent/",
        {"decision": "save", "categories": ["analytics"], "source": "settings"},
    )
    assert ANALYTICS_TAG.search(client.get("/en/").content.decode())

    client.post(
        "/en/privacy/consent/", {"decision": "reject_all", "source": "settings"}
    )

    assert ANALYTICS_TAG.search(client.get("/en/").content.decode()) is None
    first, second = ConsentRecord.objects.order_by("id")
    assert (first.choices["analytics"], second.choices["analytics"]) == (True, False)
    assert first.anonymous_id == second.anonymous_id
    assert {first.user_id, second.user_id} == {user.pk}
    assert {first.method, second.method} == {ConsentMethod.SETTINGS}


def test_settings_page_is_linked_from_the_footer_and_checks_current_choice(client):
    client.post(
        "/en/privacy/consent/", {"decision": "save", "categories": ["preferences"]}
    )

    home = client.get("/en/").content.decode()
    page = client.get("/en/privacy/consent/settings/").content.decode()

    assert 'href="/en/privacy/consent/settings/"' in home
    assert 'value="preferences" checked' in page
    assert 'value="analytics">' in page


def test_new_policy_version_asks_again(client, django_capture_on_commit_callbacks):
    client.post("/en/privacy/consent/", {"decision": "accept_all"})
    assert not _banner(client.get("/en/").content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        page = legal_page_upsert(kind=LegalPageKind.PRIVACY)
        version = legal_version_draft(page=page, title="Privacy", body="New vendor")
        legal_version_publish(version=version)

    html = client.get("/en/").content.decode()
    assert _banner(html)
    assert ANALYTICS_TAG.search(html) is None


def test_forged_cookie_counts_as_no_consent(client):
    forged = signing.dumps(
        {"id": "x", "v": 1, "c": ["analytics"], "o": []}, salt="someone-else"
    )
    client.cookies[CONSENT_COOKIE] = forged

    html = client.get("/en/").content.decode()

    assert _banner(html)
    assert ANALYTICS_TAG.search(html) is None


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "accept_everything"},
        {"decision": "save", "categories": ["necessary", "tracking"]},
        {"decision": "save", "next": "x" * 600},
        {},
    ],
)
def test_forged_or_oversized_consent_posts_are_refused(client, data):
    response = client.post("/en/privacy/consent/", data)

    assert response.status_code == 400
    assert ConsentRecord.objects.count() == 0
    assert CONSENT_COOKIE not in response.cookies


def test_consent_post_needs_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/en/privacy/consent/", {"decision": "accept_all"}
    )

    assert response.status_code == 403
    assert ConsentRecord.objects.count() == 0


def test_offsite_next_is_not_followed(client):
    response = client.post(
        "/en/privacy/consent/",
        {"decision": "reject_all", "next": "https://evil.example/"},
    )

    assert response["Location"] == "/en/"


def test_json_answer_for_the_es_module(client):
    response = client.post(
        "/en/privacy/consent/",
        {"decision": "save", "categories": ["marketing", "analytics"]},
        HTTP_ACCEPT="application/json",
    )

    assert response.json() == {"granted": ["analytics", "marketing"]}
    state = consent_cookie_read(
        response.cookies[CONSENT_COOKIE].value, current_version=0, gpc=False
    )
    assert state.granted == frozenset({"analytics", "marketing"})


def test_cached_storefront_page_follows_the_consent_state(client, settings):
    settings.STOREFRONT_CACHE_SECONDS = 600
    assert _banner(client.get("/en/").content.decode())  # stored with the banner

    client.post("/en/privacy/consent/", {"decision": "accept_all"})

    html = client.get("/en/").content.decode()
    assert not _banner(html)
    assert ANALYTICS_TAG.search(html)
