import pytest
from django.test import override_settings

from privacy.models import LegalPageKind
from privacy.registry import registry_entries
from privacy.services.legal import (
    PublishedVersionError,
    legal_page_upsert,
    legal_version_draft,
    legal_version_publish,
)
from privacy.services.legal_seed import legal_pages_seed_demo

pytestmark = pytest.mark.django_db


def _publish(kind, market_code="", title="T", body="B", **extra):
    page = legal_page_upsert(kind=kind, market_code=market_code)
    version = legal_version_draft(page=page, title=title, body=body, **extra)
    return legal_version_publish(version=version)


def test_publishing_refreshes_the_cached_footer(
    client, django_capture_on_commit_callbacks
):
    assert "legal/terms" not in client.get("/en/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _publish(LegalPageKind.TERMS, title="Terms")

    assert 'href="/en/privacy/legal/terms/"' in client.get("/en/").content.decode()


def test_imprint_is_linked_in_germany_only(client):
    _publish(LegalPageKind.IMPRINT, "DE", title="Imprint DE")

    de = client.get("/en/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
    us = client.get("/en/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()

    assert 'href="/en/privacy/legal/imprint/"' in de
    assert "legal/imprint" not in us
    assert (
        client.get(
            "/en/privacy/legal/imprint/", HTTP_ACCEPT_LANGUAGE="en-US"
        ).status_code
        == 404
    )


def test_published_version_shown_and_old_versions_stay_readable(client):
    _publish(LegalPageKind.TERMS, title="Terms one", body="Old terms.")
    _publish(LegalPageKind.TERMS, title="Terms two", body="New terms.")

    current = client.get("/en/privacy/legal/terms/").content.decode()
    old = client.get("/en/privacy/legal/terms/v1/").content.decode()

    assert "New terms." in current and "Old terms." not in current
    assert 'href="/en/privacy/legal/terms/v1/"' in current
    assert "Old terms." in old
    assert client.get("/en/privacy/legal/terms/v3/").status_code == 404


def test_draft_is_not_shown_and_published_version_cannot_be_published_again(client):
    published = _publish(LegalPageKind.SHIPPING, title="Shipping", body="Shipped.")
    legal_version_draft(page=published.page, title="Draft", body="Not yet.")

    html = client.get("/en/privacy/legal/shipping/").content.decode()

    assert "Shipped." in html and "Not yet." not in html
    with pytest.raises(PublishedVersionError):
        legal_version_publish(version=published)


def test_pages_are_translated(client):
    _publish(
        LegalPageKind.CONTACT,
        title="Contact",
        body="Write to us.",
        title_de="Kontakt",
        body_de="Schreiben Sie uns.",
    )

    assert (
        "Schreiben Sie uns."
        in client.get("/de/privacy/legal/contact/").content.decode()
    )
    assert "Write to us." in client.get("/fr/privacy/legal/contact/").content.decode()


def test_privacy_notice_lists_every_registered_model_and_where_data_is_stored(client):
    html = client.get("/en/privacy/legal/privacy/", HTTP_ACCEPT_LANGUAGE="de-DE")
    html = html.content.decode()

    for entry in registry_entries():
        assert str(entry.purpose).replace("'", "&#x27;") in html
    assert (
        "stored in the data region European Union (Frankfurt am Main, Germany)" in html
    )
    assert "does no biometric processing" in html


@override_settings(DATA_REGION_LOCATIONS={"us": "Oregon, USA"})
def test_privacy_notice_location_comes_from_settings(client):
    html = client.get("/en/privacy/legal/privacy/", HTTP_ACCEPT_LANGUAGE="en-US")

    assert "data region United States (Oregon, USA)" in html.content.decode()


def test_checkout_review_links_terms_privacy_and_withdrawal():
    from django.template.loader import render_to_string

    html = render_to_string("privacy/checkout_legal.html")

    assert 'href="/en/privacy/legal/terms/"' in html
    assert 'href="/en/privacy/legal/privacy/"' in html
    assert 'href="/en/privacy/legal/withdrawal/"' in html


def test_demo_seed_publishes_every_kind_once(client):
    assert legal_pages_seed_demo() == 6
    assert legal_pages_seed_demo() == 0

    html = client.get("/de/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
    for kind in LegalPageKind.values:
        assert f'href="/de/privacy/legal/{kind}/"' in html
