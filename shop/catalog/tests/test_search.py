import pytest
from django.db import connection

from shop.catalog.search import product_search
from shop.models import Product
from shop.tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def _names(products) -> list[str]:
    return [product.name_en for product in products]


def test_german_product_is_found_by_another_word_form():
    make_product(name="Waterproof jacket", name_de="Wasserdichte Jacke")
    make_product(name="Wool socks", name_de="Wollsocken")

    assert _names(product_search(query="jacken", language="de")) == [
        "Waterproof jacket"
    ]
    assert _names(product_search(query="wasserdichten", language="de")) == [
        "Waterproof jacket"
    ]


@pytest.mark.parametrize(
    ("language", "field", "name", "query"),
    [
        ("fr", "name_fr", "Chaussures de randonnée", "chaussure"),
        ("es", "name_es", "Zapatillas de montaña", "zapatilla"),
        ("pt-br", "name_pt_br", "Tênis de corrida", "corridas"),
        ("id", "name_ind", "Sepatu lari gunung", "sepatu"),
    ],
)
def test_each_language_searches_its_own_translation(language, field, name, query):
    make_product(name="Hiking shoes", **{field: name})
    make_product(name="Desk lamp")

    assert _names(product_search(query=query, language=language)) == ["Hiking shoes"]


def test_english_search_stems_running_to_run():
    make_product(name="Shorts to run in")
    make_product(name="Reading lamp")

    assert _names(product_search(query="running", language="en")) == [
        "Shorts to run in"
    ]


def test_name_match_ranks_above_description_only_match():
    make_product(
        name="Cardigan Fjord", description="Knitted from merino wool, warm and soft."
    )
    make_product(name="Merino sweater", description="A classic crew neck.")

    assert _names(product_search(query="merino", language="en")) == [
        "Merino sweater",
        "Cardigan Fjord",
    ]


def test_minus_word_excludes_products_that_contain_it():
    make_product(name="Rain jacket", description="Red, with a hood.")
    make_product(name="Rain jacket Sky", description="Blue, with a hood.")

    assert _names(product_search(query="rain jacket -red", language="en")) == [
        "Rain jacket Sky"
    ]


def test_excluding_a_word_keeps_the_ranking_of_the_other_words():
    make_product(name="Rain jacket Sky", description="Blue, with a hood.")
    make_product(name="Parka", description="A warm rain jacket, blue.")
    make_product(name="Rain jacket Ember", description="Red, with a hood.")

    found = product_search(query="rain jacket -red", language="en")

    assert _names(found) == ["Rain jacket Sky", "Parka"]
    assert found[0].rank > found[1].rank > 0


def test_quoted_phrase_matches_only_words_in_that_order():
    make_product(name="Jacket with a rain hood")
    make_product(name="Rain jacket")

    assert _names(product_search(query='"rain jacket"', language="en")) == [
        "Rain jacket"
    ]


def test_inactive_products_are_not_returned():
    make_product(name="Trail shoes", is_active=False)
    make_product(name="Trail shoes Ridge")

    assert _names(product_search(query="trail shoes", language="en")) == [
        "Trail shoes Ridge"
    ]


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_query_returns_no_products(query):
    make_product(name="Trail shoes")

    assert list(product_search(query=query, language="en")) == []


@pytest.mark.parametrize(
    "query",
    [
        "'&|!():*",
        "jacket'&|!():*",
        "rain & (jacket | !hood):*",
        "'; DROP TABLE shop_product; --",
        '"unclosed jacket',
        "jacket -",
        "a:* & b",
        "\\'",
    ],
)
def test_query_with_special_characters_does_not_error(query):
    make_product(name="Rain jacket")

    results = list(product_search(query=query, language="en"))

    assert all(isinstance(product, Product) for product in results)
    assert Product.objects.count() == 1


def test_untranslated_product_is_found_through_the_english_fields():
    make_product(name="Waterproof jacket")

    assert _names(product_search(query="jacket", language="de")) == [
        "Waterproof jacket"
    ]


def test_last_word_also_matches_as_a_prefix():
    make_product(name="Waterproof jacket")
    make_product(name="Water bottle")

    assert _names(product_search(query="waterpr", language="en")) == [
        "Waterproof jacket"
    ]


def test_category_name_finds_the_products_of_its_subtree():
    outdoor = make_category(name="Outdoor", name_de="Draußen")
    jackets = make_category(name="Jackets", name_de="Jacken", parent=outdoor)
    make_product(category=jackets, name="Parka Nordkap", name_de="Parka Nordkap")
    make_product(name="Desk lamp", name_de="Schreibtischlampe")

    assert _names(product_search(query="jacke", language="de")) == ["Parka Nordkap"]
    assert _names(product_search(query="outdoor", language="en")) == ["Parka Nordkap"]


def test_category_match_ranks_above_description_only_match():
    lamps = make_category(name="Lamps")
    make_product(name="Reading light", description="A lamp for the bedside.")
    make_product(category=lamps, name="Arc Nova")

    assert _names(product_search(query="lamp", language="en")) == [
        "Arc Nova",
        "Reading light",
    ]


def test_search_uses_the_language_indexes_on_postgresql():
    category = make_category()
    Product.objects.bulk_create(
        Product(category=category, slug=f"lamp-{n}", name_en=f"Lamp {n}")
        for n in range(300)
    )
    make_product(name="Waterproof jacket", name_de="Wasserdichte Jacke")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE shop_product")
        cursor.execute("SET LOCAL enable_seqscan = off")

    plan = product_search(query="wasserdicht", language="de").explain()

    assert "Bitmap Index Scan on shop_product_fts_de" in plan
    assert "Bitmap Index Scan on shop_product_fts_en" in plan
