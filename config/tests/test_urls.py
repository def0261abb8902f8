import pytest
from django.templatetags.static import static


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response.headers["Location"] == static("img/favicon.svg")


@pytest.mark.django_db
def test_the_static_icon_is_served_as_svg(client):
    response = client.get(static("img/favicon.svg"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_pages_link_the_icon(client):
    response = client.get("/en/")

    assert response.status_code == 200
    assert (
        f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">'
        in response.content.decode()
    )
