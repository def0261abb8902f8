import pytest

from support.models import PolicyArticle

pytestmark = pytest.mark.django_db


def test_a_help_article_shows_in_the_page_language(client):
    response = client.get("/de/support/help/returns-and-withdrawal/")

    assert response.status_code == 200
    assert "<h1>Rücksendung und Widerruf</h1>" in response.content.decode()


def test_an_unpublished_article_is_not_found(client):
    PolicyArticle.objects.filter(slug="warranty").update(is_published=False)

    response = client.get("/en/support/help/warranty/")

    assert response.status_code == 404
