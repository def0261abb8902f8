from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from shop.catalog.selectors import (
    ProductSort,
    StockState,
    category_ancestors,
    delivery_window,
    facet_groups,
    listing_page,
    market_tax_rate,
    nav_categories,
    product_cards,
    product_detail_for_market,
    product_list_for_market,
    product_variant_options,
)
from shop.catalog.services import category_save
from shop.models import Attribute, AttributeValue, Category, Market, Variant
from shop.pricing.services import price_set
from shop.tests.factories import make_category, make_product, translated

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_while_arranging():
    """Test data is written in English whatever language an earlier test left on."""
    with translation.override("en"):
        yield


def _market(code: str) -> Market:
    return Market.objects.get(code=code)


def _attribute(slug: str, *values: str) -> list[AttributeValue]:
    attribute = Attribute.objects.create(name=slug.title(), slug=slug)
    return [
        AttributeValue.objects.create(
            attribute=attribute, name=value.title(), slug=value, position=index
        )
        for index, value in enumerate(values)
    ]


def _variant(product, sku: str, *, values=(), stock: int = 5, prices=None) -> Variant:
    variant = Variant.objects.create(product=product, sku=sku, stock=stock)
    variant.values.set(values)
    for code, amount in (prices or {}).items():
        price_set(variant=variant, market=_market(code), amount=Decimal(amount))
    return variant


def test_product_list_includes_the_whole_subtree_and_nothing_else():
    root = make_category(name="Outdoor")
    child = make_category(name="Tents", parent=root)
    grandchild = make_category(name="Pegs", parent=child)
    sibling = make_category(name="Kitchen")
    in_root = make_product(category=root, prices={"US": "10"})
    in_child = make_product(category=child, prices={"US": "10"})
    in_grandchild = make_product(category=grandchild, prices={"US": "10"})
    make_product(category=sibling, prices={"US": "10"})

    found = product_list_for_market(market=_market("US"), category=root)

    assert {p.pk for p in found} == {in_root.pk, in_child.pk, in_grandchild.pk}


def test_product_list_subtree_does_not_match_categories_sharing_a_path_prefix():
    category = make_category()
    # A sibling whose path starts with the same digits but is not a descendant.
    other = make_category()
    other.path = f"{category.path}9"
    other.save(update_fields=["path"])
    make_product(category=other, prices={"US": "10"})
    mine = make_product(category=category, prices={"US": "10"})

    found = product_list_for_market(market=_market("US"), category=category)

    assert [p.pk for p in found] == [mine.pk]


def test_product_list_leaves_out_inactive_products_and_those_without_a_market_price():
    category = make_category()
    sold = make_product(category=category, prices={"DE": "10"})
    make_product(category=category, prices={"DE": "10"}, is_active=False)
    make_product(category=category, prices={"US": "10"})

    found = product_list_for_market(market=_market("DE"), category=category)

    assert [p.pk for p in found] == [sold.pk]


def test_from_price_is_the_lowest_variant_price_in_the_market():
    product = make_product(prices={"DE": "30", "US": "5"})
    _variant(product, "CHEAP", prices={"DE": "12.50", "US": "40"})
    _variant(product, "DEAR", prices={"DE": "99"})

    found = product_list_for_market(market=_market("DE")).get(pk=product.pk)

    assert found.from_price == Decimal("12.50")


def test_price_filter_applies_to_variant_prices_of_the_market():
    category = make_category()
    cheap = make_product(category=category, prices={"DE": "10", "US": "100"})
    middle = make_product(category=category, prices={"DE": "50", "US": "1"})
    make_product(category=category, prices={"DE": "90"})

    found = product_list_for_market(
        market=_market("DE"),
        category=category,
        price_min=Decimal("10"),
        price_max=Decimal("50"),
        sort=ProductSort.PRICE_ASC,
    )

    assert [p.pk for p in found] == [cheap.pk, middle.pk]


def test_attribute_filter_needs_one_variant_matching_every_chosen_attribute():
    red, blue = _attribute("colour", "red", "blue")
    small, large = _attribute("size", "s", "l")
    category = make_category()
    red_small = make_product(category=category)
    _variant(red_small, "RS", values=[red, small], prices={"US": "10"})
    # Red and small exist, but never together in one variant.
    split = make_product(category=category)
    _variant(split, "RL", values=[red, large], prices={"US": "10"})
    _variant(split, "BS", values=[blue, small], prices={"US": "10"})

    found = product_list_for_market(
        market=_market("US"),
        category=category,
        value_groups=[[red.pk], [small.pk]],
    )

    assert [p.pk for p in found] == [red_small.pk]


def test_values_of_one_attribute_are_alternatives():
    red, blue, green = _attribute("colour", "red", "blue", "green")
    category = make_category()
    red_one = make_product(category=category)
    _variant(red_one, "R", values=[red], prices={"US": "10"})
    blue_one = make_product(category=category)
    _variant(blue_one, "B", values=[blue], prices={"US": "10"})
    green_one = make_product(category=category)
    _variant(green_one, "G", values=[green], prices={"US": "10"})

    found = product_list_for_market(
        market=_market("US"), category=category, value_groups=[[red.pk, blue.pk]]
    )

    assert {p.pk for p in found} == {red_one.pk, blue_one.pk}


def test_in_stock_filter_leaves_out_products_without_stock():
    category = make_category()
    available = make_product(category=category, prices={"US": "10"}, stock=1)
    make_product(category=category, prices={"US": "10"}, stock=0)

    found = product_list_for_market(
        market=_market("US"), category=category, in_stock=True
    )

    assert [p.pk for p in found] == [available.pk]


def test_sort_by_price_descending_and_newest():
    category = make_category()
    first = make_product(category=category, prices={"US": "20"})
    second = make_product(category=category, prices={"US": "5"})
    third = make_product(category=category, prices={"US": "50"})
    us = _market("US")

    by_price = product_list_for_market(
        market=us, category=category, sort=ProductSort.PRICE_DESC
    )
    newest = product_list_for_market(market=us, category=category)

    assert [p.pk for p in by_price] == [third.pk, first.pk, second.pk]
    assert [p.pk for p in newest] == [third.pk, second.pk, first.pk]


def test_sort_by_name_uses_the_active_language_with_fallback_to_english():
    category = make_category()
    apfel = make_product(
        category=category,
        prices={"US": "1"},
        **translated("name", {"en": "Zebra lamp", "de": "Apfellampe"}),
    )
    untranslated = make_product(
        category=category,
        prices={"US": "1"},
        **translated("name", {"en": "Mango lamp"}),
    )

    with translation.override("de"):
        found = list(
            product_list_for_market(
                market=_market("US"), category=category, sort=ProductSort.NAME
            )
        )

    assert [p.pk for p in found] == [apfel.pk, untranslated.pk]


def test_facet_groups_list_values_present_in_the_subtree_and_market_only():
    red, blue, green = _attribute("colour", "red", "blue", "green")
    (small,) = _attribute("size", "s")
    root = make_category()
    child = make_category(parent=root)
    _variant(make_product(category=child), "A", values=[red, small], prices={"DE": "1"})
    _variant(make_product(category=root), "B", values=[blue], prices={"US": "1"})
    _variant(make_product(), "C", values=[green], prices={"DE": "1"})

    groups = facet_groups(category=root, market=_market("DE"))

    assert [(g.attribute.slug, [v.slug for v in g.values]) for g in groups] == [
        ("colour", ["red"]),
        ("size", ["s"]),
    ]


def test_category_ancestors_run_from_root_to_the_category():
    root = make_category(name="A")
    child = make_category(name="B", parent=root)
    leaf = make_category(name="C", parent=child)

    assert [c.name for c in category_ancestors(category=leaf)] == ["A", "B", "C"]


def test_nav_categories_are_cached_until_the_catalog_changes(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    make_category(**translated("name", {"en": "Garden", "de": "Garten"}))
    with translation.override("de"):
        assert [c.name for c in nav_categories()] == ["Garten"]
        with django_assert_num_queries(0):
            assert [c.name for c in nav_categories()] == ["Garten"]
        with django_capture_on_commit_callbacks(execute=True):
            category_save(
                category=Category(
                    slug="kitchen",
                    **translated("name", {"en": "Kitchen", "de": "Küche"}),
                )
            )
        assert [c.name for c in nav_categories()] == ["Garten", "Küche"]


def test_product_cards_show_the_cheapest_price_and_whether_prices_differ(
    django_assert_num_queries,
):
    product = make_product(prices={"DE": "30"}, stock=0)
    _variant(product, "LOW", prices={"DE": "20"}, stock=2)
    de = _market("DE")
    products = list(product_list_for_market(market=de))
    rate = market_tax_rate(market=de)

    with django_assert_num_queries(0):
        (card,) = product_cards(products=products, market=de, tax_rate=rate)

    assert card.price.amount == Decimal("20.00")
    assert card.price.tax_rate == Decimal("0.1900")
    assert card.has_price_range is True
    assert card.in_stock is True


def test_product_detail_is_none_for_inactive_products():
    product = make_product(prices={"US": "1"}, is_active=False)

    assert product_detail_for_market(slug=product.slug, market=_market("US")) is None


def test_variant_options_select_the_requested_sku_else_the_first_in_stock():
    product = make_product(prices={"US": "10"}, stock=0)
    in_stock = _variant(product, "IN", prices={"US": "12"}, stock=9)
    _variant(product, "FEW", prices={"US": "14"}, stock=2)
    us = _market("US")
    detail = product_detail_for_market(slug=product.slug, market=us)

    default = product_variant_options(
        product=detail, market=us, tax_rate=None, sku=None
    )
    chosen = product_variant_options(
        product=detail, market=us, tax_rate=None, sku="FEW"
    )

    assert [o.variant.pk for o in default if o.selected] == [in_stock.pk]
    assert [o.variant.sku for o in chosen if o.selected] == ["FEW"]
    assert [o.stock_state for o in chosen] == [
        StockState.OUT,
        StockState.IN_STOCK,
        StockState.LOW,
    ]


def test_delivery_window_skips_weekends():
    de = _market("DE")  # 1 to 3 business days
    friday_night = datetime(2025, 5, 16, 21, 30, tzinfo=ZoneInfo("UTC"))

    first, last = delivery_window(market=de, now=friday_night)

    assert (first, last) == (date(2025, 5, 19), date(2025, 5, 21))


def test_delivery_window_starts_counting_from_the_local_date():
    indonesia = _market("ID")  # 3 to 8 business days, Asia/Jakarta
    # 20:00 UTC on Sunday is already 03:00 on Monday in Jakarta.
    now = datetime(2025, 5, 18, 20, 0, tzinfo=ZoneInfo("UTC"))

    first, last = delivery_window(market=indonesia, now=now)

    assert (first, last) == (date(2025, 5, 22), date(2025, 5, 29))


@pytest.mark.parametrize(
    ("number", "shown", "titles"),
    [
        ("2", 2, ["Item 05", "Item 04", "Item 03", "Item 02", "Item 01", "Item 00"]),
        (None, 1, None),
        ("abc", 1, None),
        ("0", 2, ["Item 05", "Item 04", "Item 03", "Item 02", "Item 01", "Item 00"]),
        ("9", 2, ["Item 05", "Item 04", "Item 03", "Item 02", "Item 01", "Item 00"]),
    ],
)
def test_listing_page_picks_the_page_as_get_page_does(number, shown, titles):
    category = make_category()
    for index in range(30):
        make_product(category=category, name=f"Item {index:02d}", prices={"US": "5"})
    products = product_list_for_market(
        market=Market.objects.get(code="US"), category=category
    )

    page = listing_page(products=products, number=number, per_page=24)

    assert page.number == shown
    assert page.paginator.count == 30
    assert page.paginator.num_pages == 2
    names = [product.name for product in page.object_list]
    assert len(names) == (6 if shown == 2 else 24)
    if titles is not None:
        assert names == titles


def test_listing_page_reads_the_page_and_the_listing_size_in_one_query(
    django_assert_num_queries,
):
    category = make_category()
    for index in range(3):
        make_product(category=category, name=f"Item {index}", prices={"US": "5"})
    products = product_list_for_market(
        market=Market.objects.get(code="US"), category=category
    )

    with django_assert_num_queries(1):
        page = listing_page(products=products, number="1", per_page=24)
        assert page.paginator.count == 3
        assert len(page.object_list) == 3


def test_listing_page_of_an_empty_listing_is_the_first(django_assert_num_queries):
    category = make_category()
    products = product_list_for_market(
        market=Market.objects.get(code="US"), category=category
    )

    with django_assert_num_queries(1):
        page = listing_page(products=products, number=None, per_page=24)

    assert page.number == 1
    assert page.paginator.count == 0
    assert list(page.object_list) == []
