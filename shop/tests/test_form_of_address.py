"""German and French speak to shoppers formally ("Sie", "vous") on every page and in
every email, allauth's included: its own German catalog says "du"."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from shop.models import User
from shop.tests.commerce_helpers import (
    DE_ADDRESS,
    cart_with,
    place,
    shipping_method,
)
from shop.tests.factories import make_product
from shop.tests.pages import catalog  # noqa: F401 (fixture)
from shop.tests.test_translations import _TextNodes

pytestmark = pytest.mark.django_db

PASSWORD = "wind-Trade-2187"

# Whole words only: "dir" is never part of "direkt", "ta" never part of "taille".
INFORMAL = {
    "de": re.compile(r"\b(du|dein\w*|dich|dir)\b", re.IGNORECASE),
    "fr": re.compile(r"\b(tu|ton|ta|tes|toi)\b", re.IGNORECASE),
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _informal_in_page(html: str, language: str) -> list[str]:
    parser = _TextNodes()
    parser.feed(html)
    return sorted(text for text in parser.texts if INFORMAL[language].search(text))


def _informal_in_text(text: str, language: str) -> list[str]:
    return [line for line in text.splitlines() if INFORMAL[language].search(line)]


def _shopper(email: str, language: str) -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, preferred_language=language
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def test_the_informal_patterns_find_informal_address_and_nothing_else():
    assert INFORMAL["de"].search("Bitte bestätige deine E-Mail-Adresse")
    assert INFORMAL["de"].search("Du hast dich abgemeldet.")
    assert not INFORMAL["de"].search("Bitte bestätigen Sie Ihre E-Mail-Adresse direkt")
    assert INFORMAL["fr"].search("Tu as oublié ton mot de passe ?")
    assert not INFORMAL["fr"].search("Vous avez oublié votre mot de passe ? Taille")


GUEST_PAGES = [
    "/{language}/",
    "/{language}/c/{root}/",
    "/{language}/p/{product}/",
    "/{language}/search/?q=storm",
    "/{language}/cart/",
    "/{language}/withdrawal/",
    "/{language}/accounts/login/",
    "/{language}/accounts/signup/",
    "/{language}/accounts/password/reset/",
    "/{language}/accounts/password/reset/done/",
    "/{language}/accounts/confirm-email/",
]
SHOPPER_PAGES = [
    "/{language}/accounts/profile/",
    "/{language}/accounts/email/",
    "/{language}/accounts/password/change/",
    "/{language}/accounts/logout/",
    "/{language}/orders/",
    "/{language}/orders/{order}/",
    "/{language}/orders/{order}/invoice/",
    "/{language}/orders/{order}/tracking/",
]


@pytest.mark.parametrize("language", ["de", "fr"])
def test_main_pages_address_the_shopper_formally(client, catalog, language):  # noqa: F811
    shopper = _shopper(f"{language}@example.com", language)
    jacket = make_product(prices={"DE": "119.00"})
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 1)], market_code="DE", user=shopper)
    order = place(cart, DE_ADDRESS, method, user=shopper, language=language)
    names = {
        "language": language,
        "root": catalog["root"].slug,
        "product": catalog["product"].slug,
        "order": order.number,
    }
    found = {}

    for template in GUEST_PAGES:
        url = template.format(**names)
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = _informal_in_page(response.content.decode(), language)
    client.force_login(shopper)
    for template in SHOPPER_PAGES:
        url = template.format(**names)
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = _informal_in_page(response.content.decode(), language)

    assert {url: texts for url, texts in found.items() if texts} == {}


@pytest.mark.parametrize("language", ["de", "fr"])
def test_emails_address_the_shopper_formally(
    client, django_capture_on_commit_callbacks, language
):
    client.post(
        f"/{language}/accounts/signup/",
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    _shopper("known@example.com", language)
    client.post(
        f"/{language}/accounts/signup/",
        {"email": "known@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post(f"/{language}/accounts/password/reset/", {"email": "known@example.com"})
    shopper = User.objects.get(email="known@example.com")
    jacket = make_product(prices={"DE": "119.00"})
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 1)], market_code="DE", user=shopper)
    with django_capture_on_commit_callbacks(execute=True):
        place(cart, DE_ADDRESS, method, user=shopper, language=language)

    # Confirmation, "account already exists", password reset, order confirmation.
    assert len(mail.outbox) == 4
    informal = {
        message.subject: _informal_in_text(
            f"{message.subject}\n{message.body}", language
        )
        for message in mail.outbox
    }
    assert {subject: lines for subject, lines in informal.items() if lines} == {}
