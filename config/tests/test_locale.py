import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_a_chinese_browser_gets_the_default_storefront(client):
    response = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_a_chinese_browser_gets_its_first_shopper_language(client):
    response = client.get("/", headers={"accept-language": "zh-CN,fr;q=0.8"})

    assert response["Location"] == "/fr/"


def test_a_staff_language_cookie_does_not_reach_the_storefront(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get("/")

    assert response["Location"] == "/en/"


def test_a_storefront_url_in_a_staff_language_redirects_to_the_default(client):
    response = client.get("/zh-hans/c/tents/?page=2")

    assert response.status_code == 302
    assert response["Location"] == "/en/c/tents/?page=2"


def test_the_storefront_home_in_a_staff_language_redirects_to_the_default(client):
    response = client.get("/zh-hans/")

    assert response["Location"] == "/en/"


def test_the_admin_speaks_chinese_to_staff_who_ask_for_it(admin_client):
    response = admin_client.get("/admin/", headers={"accept-language": "zh-CN"})

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "站点管理" in response.content.decode()


def test_the_account_language_wins_over_an_older_cookie(client, django_user_model):
    user = django_user_model.objects.create_user(
        email="fr@example.com", preferred_language="fr"
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_the_cookie_decides_for_guests(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    response = client.get("/", headers={"accept-language": "fr"})

    assert response["Location"] == "/de/"


def test_a_url_language_wins_over_the_account(client, django_user_model):
    user = django_user_model.objects.create_user(
        email="fr2@example.com", preferred_language="fr"
    )
    client.force_login(user)

    response = client.get("/de/")

    assert response.status_code == 200
    assert response["Content-Language"] == "de"
