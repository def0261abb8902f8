import pytest

from shop.catalog.services import product_save
from support.assistant.retrieval import (
    articles_for,
    products_by_meaning,
    products_by_name,
    products_by_sku,
    products_find,
)
from support.assistant.vectors import product_vectors_refresh
from support.models import ArticleTopic, PolicyArticle, ProductVector
from support.tests.conftest import market

pytestmark = pytest.mark.django_db


def test_a_quoted_sku_finds_its_product_and_variant(catalog):
    matches = products_by_sku(text="Is yoga-cork-sand back soon?", market=market("US"))

    assert [(m.product.slug, m.how) for m in matches] == [("yoga-mat-cork", "sku")]
    assert [v.sku for v in matches[0].variants] == ["YOGA-CORK-SAND"]


def test_a_name_in_another_language_finds_the_product(catalog):
    matches = products_by_name(text="Combien pèse le tapis Cork ?", market=market("DE"))

    assert [m.product.slug for m in matches] == ["yoga-mat-cork"]


def test_the_longest_name_the_message_covers_wins(catalog):
    pro = products_by_name(
        text="Was kostet der Wasserkocher Brew Pro?", market=market("DE")
    )
    plain = products_by_name(
        text="Was kostet der Wasserkocher Brew?", market=market("DE")
    )

    assert [m.product.slug for m in pro] == ["kettle-brew-pro"]
    assert [m.product.slug for m in plain] == ["kettle-brew"]


def test_a_colour_named_in_the_message_picks_the_variant(catalog):
    matches = products_find(
        text="Ist die blaue Yogamatte Cork auf Lager?",
        embedding=None,
        language="de",
        market=market("DE"),
        by_meaning=False,
    )

    assert [v.sku for v in matches[0].variants] == ["YOGA-CORK-BLUE"]


def test_an_unrelated_message_names_no_product(catalog):
    assert products_by_name(text="Where is my parcel?", market=market("DE")) == []


def test_a_product_is_found_by_meaning_from_its_stored_vector(catalog):
    from shop.reviews.sentiment import text_embedding

    written = product_vectors_refresh()
    text = "a mat to do my stretching exercises on"
    matches = products_by_meaning(
        embedding=text_embedding(text=text, language="en"),
        language="en",
        market=market("US"),
    )

    assert written == 18  # 3 products x 6 languages
    assert [m.product.slug for m in matches] == ["yoga-mat-cork"]


def test_vectors_are_refreshed_only_for_changed_products(catalog):
    product_vectors_refresh()
    mat = catalog["mat"]
    mat.name_en = "Yoga mat Cork Deluxe"
    product_save(product=mat)

    written = product_vectors_refresh()

    # English and the three languages whose name falls back to it.
    assert written == 4
    assert ProductVector.objects.count() == 18


def test_vectors_of_inactive_products_are_removed(catalog):
    product_vectors_refresh()
    brew = catalog["brew"]
    brew.is_active = False
    product_save(product=brew)

    product_vectors_refresh()

    assert not ProductVector.objects.filter(product=brew).exists()
    assert ProductVector.objects.count() == 12


def test_articles_follow_market_and_publication():
    de, us = market("DE"), market("US")
    only_us = PolicyArticle.objects.create(
        topic=ArticleTopic.RETURNS, slug="us-returns", title="US", summary="US only"
    )
    only_us.markets.set([us])
    PolicyArticle.objects.create(
        topic=ArticleTopic.RETURNS,
        slug="draft",
        title="Draft",
        summary="Not yet",
        is_published=False,
    )

    for_de = articles_for(topics=[ArticleTopic.RETURNS], market=de)
    for_us = articles_for(topics=[ArticleTopic.RETURNS], market=us)

    assert [a.slug for a in for_de] == ["returns-and-withdrawal"]
    assert [a.slug for a in for_us] == ["returns-and-withdrawal", "us-returns"]
