import re
import time
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail

from shop.markets.services import MARKET_COOKIE
from shop.models import Market, User

pytestmark = pytest.mark.django_db

PASSWORD = "wind-Trade-2187"
LINK = re.compile(r"https?://testserver(/\S+)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_shopper(*, email: str = "ana@example.com", verified: bool = True, **fields):
    user = User.objects.create_user(email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def sign_up(client, *, email: str, language: str = "en", **headers):
    return client.post(
        f"/{language}/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        **headers,
    )


def log_in(client, *, email: str = "ana@example.com", password: str = PASSWORD):
    return client.post("/en/accounts/login/", {"login": email, "password": password})


def test_signup_sends_verification_email_in_the_shoppers_language(client):
    response = sign_up(
        client, email="lena@example.com", language="de", HTTP_ACCEPT_LANGUAGE="de-DE"
    )

    assert response.status_code == 302
    assert response["Location"] == "/de/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    site = Site.objects.get_current()
    assert message.to == ["lena@example.com"]
    assert message.subject == f"[{site.name}] Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert LINK.search(message.body).group(1).startswith("/de/accounts/confirm-email/")


def test_signup_stores_the_browsing_language_and_market_on_the_account(client):
    sign_up(
        client, email="lena@example.com", language="de", HTTP_ACCEPT_LANGUAGE="de-DE"
    )

    user = User.objects.get(email="lena@example.com")
    assert user.preferred_language == "de"
    assert user.preferred_market.code == "DE"


def test_unverified_account_cannot_log_in(client):
    sign_up(client, email="lena@example.com")
    client.cookies.clear()

    response = log_in(client, email="lena@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert signed_in_user_id(client) is None


def test_following_the_verification_link_verifies_and_logs_in(client):
    sign_up(client, email="lena@example.com", language="fr")
    path = LINK.search(mail.outbox[0].body).group(1)

    confirm_page = client.get(path)
    response = client.post(path)

    user = User.objects.get(email="lena@example.com")
    assert confirm_page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    assert EmailAddress.objects.get(user=user).verified is True
    assert signed_in_user_id(client) == str(user.pk)


def test_login_with_email_goes_home_in_the_preferred_language(client):
    user = make_shopper(preferred_language="pt-br")

    response = log_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/pt-br/"
    assert signed_in_user_id(client) == str(user.pk)


def test_login_without_a_preferred_language_goes_home_in_the_current_one(client):
    make_shopper(preferred_language="")

    response = log_in(client)

    assert response["Location"] == "/en/"


def test_login_with_wrong_password_is_refused_with_a_form_error(client):
    make_shopper()

    response = log_in(client, password="not-the-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]
    assert signed_in_user_id(client) is None


def test_market_follows_the_account_after_login(client):
    make_shopper(preferred_market=Market.objects.get(code="DE"))
    log_in(client)

    response = client.get("/en/accounts/profile/", HTTP_ACCEPT_LANGUAGE="en-US")

    assert response.context["market"].code == "DE"


def test_explicit_market_cookie_wins_over_the_account_after_login(client):
    make_shopper(preferred_market=Market.objects.get(code="DE"))
    log_in(client)
    client.cookies[MARKET_COOKIE] = "BR"

    response = client.get("/en/accounts/profile/")

    assert response.context["market"].code == "BR"


def test_password_reset_sends_an_email_with_a_reset_link(client):
    make_shopper()

    response = client.post("/en/accounts/password/reset/", {"email": "ana@example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.com"]
    path = LINK.search(mail.outbox[0].body).group(1)
    assert path.startswith("/en/accounts/password/reset/key/")
    assert client.get(path).status_code == 302  # to the key-less form URL


def test_sixth_failed_login_within_five_minutes_is_refused_with_429(client):
    make_shopper()
    first_five = [log_in(client, password="wrong").status_code for _ in range(5)]

    response = log_in(client, password="wrong")

    assert first_five == [200, 200, 200, 200, 200]
    assert response.status_code == 429
    assert "Too many failed login attempts. Try again later." in (
        response.content.decode()
    )


def test_right_password_after_five_failures_is_still_refused(client):
    make_shopper()
    for _ in range(5):
        log_in(client, password="wrong")

    response = log_in(client)

    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_login_is_allowed_again_five_minutes_after_the_failures(client, monkeypatch):
    user = make_shopper()
    for _ in range(5):
        log_in(client, password="wrong")
    later = SimpleNamespace(
        time=lambda: time.time() + 301, monotonic=time.monotonic, sleep=time.sleep
    )
    monkeypatch.setattr(ratelimit, "time", later)

    response = log_in(client)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_guest_is_sent_to_login_from_the_profile(client):
    response = client.get("/en/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/accounts/profile/"


def test_profile_shows_the_accounts_current_choices(client):
    user = make_shopper(
        full_name="Ana Souza",
        preferred_language="pt-br",
        preferred_market=Market.objects.get(code="BR"),
    )
    client.force_login(user)

    response = client.get("/en/accounts/profile/")

    form = response.context["form"]
    assert response.status_code == 200
    assert form["full_name"].value() == "Ana Souza"
    assert form["preferred_language"].value() == "pt-br"
    assert form["preferred_market"].value() == "BR"


def test_profile_links_to_password_email_and_a_logout_form(client):
    client.force_login(make_shopper())

    html = client.get("/en/accounts/profile/").content.decode()

    assert 'href="/en/accounts/password/change/"' in html
    assert 'href="/en/accounts/email/"' in html
    assert 'method="post" action="/en/accounts/logout/"' in html


def test_profile_update_saves_language_and_market(client):
    user = make_shopper(
        preferred_language="en", preferred_market=Market.objects.get(code="US")
    )
    client.force_login(user)

    client.post(
        "/en/accounts/profile/",
        {
            "full_name": " Ana Müller ",
            "preferred_language": "de",
            "preferred_market": "DE",
        },
    )

    user.refresh_from_db()
    assert user.full_name == "Ana Müller"
    assert user.preferred_language == "de"
    assert user.preferred_market.code == "DE"


def test_profile_update_redirects_to_the_new_language_with_a_message(client):
    client.force_login(make_shopper(preferred_language="de"))

    response = client.post(
        "/de/accounts/profile/",
        {"full_name": "", "preferred_language": "en", "preferred_market": "US"},
        follow=True,
    )

    assert response.redirect_chain == [("/en/accounts/profile/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Your profile has been saved."
    ]


def test_profile_update_makes_the_new_market_the_explicit_choice(client):
    client.force_login(make_shopper())
    client.cookies[MARKET_COOKIE] = "US"

    response = client.post(
        "/en/accounts/profile/",
        {"full_name": "", "preferred_language": "fr", "preferred_market": "FR"},
    )

    assert response.cookies[MARKET_COOKIE].value == "FR"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_profile_rejects_an_unknown_market_and_saves_nothing(client):
    user = make_shopper(full_name="Ana", preferred_language="en", preferred_market=None)
    client.force_login(user)

    response = client.post(
        "/en/accounts/profile/",
        {"full_name": "Eve", "preferred_language": "de", "preferred_market": "XX"},
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["preferred_market"]
    assert (user.full_name, user.preferred_language, user.preferred_market) == (
        "Ana",
        "en",
        None,
    )


def test_profile_rejects_an_inactive_market(client):
    Market.objects.filter(code="ID").update(is_active=False)
    client.force_login(make_shopper())

    response = client.post(
        "/en/accounts/profile/",
        {"full_name": "", "preferred_language": "id", "preferred_market": "ID"},
    )

    assert list(response.context["form"].errors) == ["preferred_market"]


def test_profile_rejects_a_language_shoppers_cannot_browse_in(client):
    user = make_shopper(full_name="Ana", preferred_language="en")
    client.force_login(user)

    response = client.post(
        "/en/accounts/profile/",
        {"full_name": "Eve", "preferred_language": "zh-hans", "preferred_market": "DE"},
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["preferred_language"]
    assert (user.full_name, user.preferred_language, user.preferred_market) == (
        "Ana",
        "en",
        None,
    )


def test_profile_only_ever_edits_the_signed_in_user(client):
    other = make_shopper(email="bob@example.com", full_name="Bob")
    me = make_shopper(email="ana@example.com", full_name="Ana")
    client.force_login(me)

    client.post(
        "/en/accounts/profile/",
        {
            "id": other.pk,
            "user": other.pk,
            "email": other.email,
            "full_name": "Mallory",
            "preferred_language": "de",
            "preferred_market": "DE",
        },
    )

    other.refresh_from_db()
    me.refresh_from_db()
    assert (other.full_name, other.preferred_language) == ("Bob", "")
    assert (me.full_name, me.email, me.preferred_language) == (
        "Mallory",
        "ana@example.com",
        "de",
    )


@pytest.mark.parametrize(
    "path",
    ["/en/accounts/login/", "/en/accounts/signup/", "/en/accounts/password/reset/"],
)
def test_entrance_pages_are_drawn_in_the_shop_layout(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]
    assert 'class="account-form' in response.content.decode()


def test_manage_pages_carry_the_account_navigation(client):
    client.force_login(make_shopper())

    response = client.get("/en/accounts/email/")

    html = response.content.decode()
    assert "base.html" in [template.name for template in response.templates]
    assert '<nav class="account-tabs"' in html
    assert '<a href="/en/accounts/email/" aria-current="page">' in html


def test_account_emails_name_the_shop_in_their_subject(client):
    user = User.objects.create_user(
        email="reset-me@example.com", password="a-long-password-1"
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    client.post("/en/accounts/password/reset/", {"email": "reset-me@example.com"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[Tradewind] ")


def _count_password_hashing(monkeypatch) -> list[str]:
    from django.contrib.auth.hashers import get_hasher

    hasher_class = type(get_hasher())
    calls: list[str] = []
    original = hasher_class.encode

    def encode(self, password, salt, *args, **kwargs):
        calls.append(salt)
        return original(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher_class, "encode", encode)
    return calls


def test_signup_for_a_taken_email_hashes_a_password_like_a_new_signup(
    client, monkeypatch
):
    make_shopper(email="ana@example.com")
    calls = _count_password_hashing(monkeypatch)

    new = sign_up(client, email="new@example.com")
    hashed_for_new = len(calls)
    taken = sign_up(client, email="ana@example.com")

    assert (new.status_code, taken.status_code) == (302, 302)
    assert new["Location"] == taken["Location"]
    assert hashed_for_new == 1
    assert len(calls) - hashed_for_new == hashed_for_new


def test_failures_on_one_account_do_not_lock_out_others_behind_the_same_ip(client):
    make_shopper(email="ana@example.com")
    colleague = make_shopper(email="ben@example.com")
    for _ in range(5):
        log_in(client, email="ana@example.com", password="wrong")
    locked = log_in(client, email="ana@example.com")

    response = log_in(client, email="ben@example.com")

    assert locked.status_code == 429
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(colleague.pk)


def test_failed_logins_are_limited_per_account_and_more_loosely_per_ip():
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "5/5m/key,50/5m/ip"
