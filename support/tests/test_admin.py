import pytest

from support.models import PolicyArticle

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_superuser(
        email="admin@example.com", password="pw-for-tests-only"
    )
    client.force_login(staff)
    return client


def test_staff_edit_a_policy_article_in_every_shopper_language(staff_client):
    response = staff_client.get("/admin/support/policyarticle/add/")

    html = response.content.decode()
    assert response.status_code == 200
    for suffix in ("en", "de", "fr", "es", "pt_br", "ind"):
        assert f'name="summary_{suffix}"' in html


def test_staff_add_a_translated_article(staff_client):
    response = staff_client.post(
        "/admin/support/policyarticle/add/",
        {
            "topic": "warranty",
            "slug": "repairs",
            "title_en": "Repairs",
            "title_de": "Reparaturen",
            "summary_en": "We repair what we sell.",
            "summary_de": "Wir reparieren, was wir verkaufen.",
            "is_published": "on",
        },
    )

    assert response.status_code == 302
    article = PolicyArticle.objects.get(slug="repairs")
    assert (article.title_de, article.summary_en) == (
        "Reparaturen",
        "We repair what we sell.",
    )


def test_the_articles_are_listed(staff_client):
    response = staff_client.get("/admin/support/policyarticle/")

    assert response.status_code == 200
    assert "Returns and withdrawal" in response.content.decode()
