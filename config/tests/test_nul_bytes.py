import pytest

pytestmark = pytest.mark.django_db


def test_a_nul_in_the_path_is_400_not_a_database_error(client):
    response = client.get("/en/orders/TW%00/")

    assert response.status_code == 400


def test_a_nul_in_the_query_is_400(client):
    response = client.get("/en/search/", {"q": "tent\x00"})

    assert response.status_code == 400


def test_a_nul_in_a_form_field_is_400(client):
    response = client.post("/en/accounts/login/", {"login": "a\x00b", "password": "x"})

    assert response.status_code == 400


def test_a_nul_in_the_webhooks_path_is_json_400(client):
    response = client.post(
        "/webhooks/carriers/dh%00l/", data=b"{}", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"error": "The request holds a NUL character."}


def test_the_same_requests_without_nul_pass(client):
    assert client.get("/en/search/", {"q": "tent"}).status_code == 200
    assert client.get("/en/orders/TW1/").status_code == 302  # to sign in
