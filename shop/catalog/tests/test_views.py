import re
from decimal import Decimal

import pytest
from django.utils import translation

from shop.catalog.selectors import delivery_window
from shop.models import ProductImage, SpecificationKind
from shop.storefront.formatting import tax_label
from shop.storefront.templatetags.shop_tags import locale_date
from shop.tests.factories import make_category, make_product, make_spec
from shop.tests.pages import (
    EURO_1299,
    _attribute,
    _discounted,
    _fill_category,
    _html,
    _in_market,
    _market,
    _variant,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_english_while_arranging"),
]


def test_product_names_are_shown_in_the_page_language(client, catalog):
    assert "Sturmzelt" in _html(client.get(f"/de/p/{catalog['product'].slug}/"))
    assert "Storm tent" in _html(client.get(f"/en/p/{catalog['product'].slug}/"))


# --- Money, tax and the prior price --------------------------------------------------


def test_de_market_shows_euro_price_with_vat_included(client, catalog):
    de = _market("DE")
    with translation.override("de"):
        label = tax_label(de, Decimal("0.19"))

    html = _html(_in_market(client, "DE").get(f"/de/p/{catalog['product'].slug}/"))

    assert EURO_1299 in html
    assert f'<p class="price__tax">{label}</p>' in html


def test_de_market_in_english_names_the_vat_rate(client, catalog):
    html = _html(_in_market(client, "DE").get(f"/en/p/{catalog['product'].slug}/"))

    # English as read in Germany (CLDR en_DE) keeps the German number format.
    assert EURO_1299 in html
    assert '<p class="price__tax">incl. 19% VAT</p>' in html


def test_us_market_shows_dollar_price_plus_sales_tax(client, catalog):
    html = _html(_in_market(client, "US").get(f"/en/p/{catalog['product'].slug}/"))

    assert "$1,299.00" in html
    assert '<p class="price__tax">plus sales tax</p>' in html


def test_listing_cards_show_the_market_price(client, catalog):
    html = _html(_in_market(client, "DE").get(f"/de/c/{catalog['root'].slug}/"))

    assert f'<strong class="price__amount">{EURO_1299}</strong>' in html


def test_discounted_product_in_de_shows_regular_and_prior_lowest_price(client):
    product = _discounted(code="DE", regular="1299", now_amount="999")

    html = _html(_in_market(client, "DE").get(f"/en/p/{product.slug}/"))

    assert f'<del class="price__regular">{EURO_1299}</del>' in html
    assert "999,00\xa0€" in html
    assert f"Lowest price in the last 30 days: {EURO_1299}" in html


def test_discounted_product_in_us_shows_no_prior_lowest_price(client):
    product = _discounted(code="US", regular="1299", now_amount="999")

    html = _html(_in_market(client, "US").get(f"/en/p/{product.slug}/"))

    assert '<del class="price__regular">$1,299.00</del>' in html
    assert "Lowest price in the last 30 days" not in html


def test_product_without_price_in_the_market_is_not_available(client):
    product = make_product(prices={"US": "10"})

    response = _in_market(client, "BR").get(f"/en/p/{product.slug}/")

    assert response.status_code == 200
    assert "Not available in your market" in _html(response)
    assert "Delivery in" not in _html(response)


# --- Product page --------------------------------------------------------------------


def test_inactive_product_is_not_found(client):
    product = make_product(prices={"US": "10"}, is_active=False)

    assert client.get(f"/en/p/{product.slug}/").status_code == 404


def test_unknown_product_and_category_are_not_found(client):
    assert client.get("/en/p/no-such-thing/").status_code == 404
    assert client.get("/en/c/no-such-thing/").status_code == 404


def test_variant_query_parameter_selects_the_variant(client):
    red, blue = _attribute("colour", "red", "blue")
    product = make_product(name="Mug")
    product.variants.all().delete()
    _variant(product, "MUG-RED", values=[red], prices={"US": "10"}, stock=8)
    _variant(product, "MUG-BLUE", values=[blue], prices={"US": "12"}, stock=0)

    html = _html(client.get(f"/en/p/{product.slug}/?variant=MUG-BLUE"))

    assert re.search(r'value="MUG-BLUE" id="variant-2" checked>', html)
    assert not re.search(r'value="MUG-RED" id="variant-1" checked>', html)
    assert '<strong class="price__amount">$12.00</strong>' in html


def test_each_variant_shows_its_price_and_stock_state(client):
    small, large = _attribute("size", "s", "l")
    product = make_product(name="Shirt")
    product.variants.all().delete()
    _variant(product, "SH-S", values=[small], prices={"US": "20"}, stock=0)
    _variant(product, "SH-L", values=[large], prices={"US": "22"}, stock=2)

    html = _html(client.get(f"/en/p/{product.slug}/"))

    small_label = html[html.index("Size: S") : html.index("Size: L")]
    large_label = html[html.index("Size: L") :]
    assert "$20.00" in small_label
    assert "Out of stock" in small_label
    assert "$22.00" in large_label
    assert "Only 2 left" in large_label


def test_specifications_are_shown_in_the_market_units(client):
    product = make_product(prices={"US": "10", "DE": "10"})
    make_spec(
        product=product,
        kind=SpecificationKind.WEIGHT,
        label="Weight",
        value=Decimal("2000"),
    )

    us_html = _html(_in_market(client, "US").get(f"/en/p/{product.slug}/"))
    de_html = _html(_in_market(client, "DE").get(f"/de/p/{product.slug}/"))

    assert '<th scope="row">Weight</th><td>4.4 lb</td>' in us_html
    assert '<th scope="row">Weight</th><td>2 kg</td>' in de_html


def test_product_page_shows_the_delivery_estimate_with_dates(client, catalog):
    de = _market("DE")
    first, last = delivery_window(market=de)
    with translation.override("de"):
        estimate = translation.gettext(
            "Delivery in %(first)s–%(last)s business days"
        ) % {"first": 1, "last": 3}
        expected = translation.gettext("Expected between %(first)s and %(last)s") % {
            "first": locale_date(first, de),
            "last": locale_date(last, de),
        }

    html = _html(_in_market(client, "DE").get(f"/de/p/{catalog['product'].slug}/"))

    assert estimate == "Lieferung in 1–3 Werktagen"
    assert estimate in html
    assert expected in html


def test_product_page_uses_the_large_thumbnail_and_alt_text(client):
    product = make_product(prices={"US": "10"})
    ProductImage.objects.create(
        product=product,
        image="products/1/tent.jpg",
        thumbnail="thumbs/tent_small.jpg",
        thumbnail_large="thumbs/tent_large.jpg",
        alt_text="A green tent",
    )
    ProductImage.objects.create(product=product, image="products/1/raw.jpg", position=1)

    html = _html(client.get(f"/en/p/{product.slug}/"))

    assert '<img src="/media/thumbs/tent_large.jpg" alt="A green tent">' in html
    assert (
        f'<img src="/media/products/1/raw.jpg" alt="{product.name}" loading="lazy">'
        in html
    )


def test_product_card_uses_the_small_thumbnail(client, catalog):
    ProductImage.objects.create(
        product=catalog["product"],
        image="products/1/tent.jpg",
        thumbnail="thumbs/tent_small.jpg",
        thumbnail_large="thumbs/tent_large.jpg",
        alt_text="A tent",
    )

    html = _html(client.get("/en/"))

    assert (
        '<img src="/media/thumbs/tent_small.jpg" alt="A tent" loading="lazy">' in html
    )


@pytest.mark.parametrize("alt_text", ["", "name"])
def test_a_card_picture_that_only_repeats_the_title_is_decorative(
    client, catalog, alt_text
):
    product = catalog["product"]
    ProductImage.objects.create(
        product=product,
        image="products/1/tent.jpg",
        thumbnail="thumbs/tent_small.jpg",
        alt_text=product.name if alt_text == "name" else "",
    )

    html = _html(client.get("/en/"))

    assert '<img src="/media/thumbs/tent_small.jpg" alt="" loading="lazy">' in html


def test_product_page_breadcrumbs_follow_the_category_path(client, catalog):
    html = _html(client.get(f"/de/p/{catalog['product'].slug}/"))

    crumbs = re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a></li>', html.split("breadcrumbs")[1]
    )
    assert crumbs[:3] == [
        ("/de/", crumbs[0][1]),
        (f"/de/c/{catalog['root'].slug}/", "Draußen"),
        (f"/de/c/{catalog['child'].slug}/", "Zelte"),
    ]


# --- Category listing ----------------------------------------------------------------


def test_category_listing_includes_subcategory_products(client, catalog):
    other = make_product(category=make_category(), prices={"US": "5"}, name="Whisk")

    html = _html(client.get(f"/en/c/{catalog['root'].slug}/"))

    assert "Storm tent" in html
    assert other.name not in html


def test_category_listing_filters_by_price(client):
    category = make_category()
    make_product(category=category, name="Cheap cup", prices={"US": "5"})
    make_product(category=category, name="Dear cup", prices={"US": "500"})

    html = _html(client.get(f"/en/c/{category.slug}/?price_min=10&price_max=1000"))

    assert "Dear cup" in html
    assert "Cheap cup" not in html


def test_category_listing_filters_by_attribute_value_checkboxes(client):
    red, blue = _attribute("colour", "red", "blue")
    category = make_category()
    red_one = make_product(category=category, name="Red scarf")
    _variant(red_one, "SC-R", values=[red], prices={"US": "10"})
    blue_one = make_product(category=category, name="Blue scarf")
    _variant(blue_one, "SC-B", values=[blue], prices={"US": "10"})

    html = _html(client.get(f"/en/c/{category.slug}/?colour=red"))

    assert "Red scarf" in html
    assert "Blue scarf" not in html
    assert re.search(
        r'<input type="checkbox" name="colour" value="red"[^>]* checked>', html
    )
    assert re.search(r'<input type="checkbox" name="colour" value="blue"[^>]*id', html)


def test_category_listing_filters_in_stock_only(client):
    category = make_category()
    make_product(category=category, name="Sold out lamp", prices={"US": "5"}, stock=0)
    make_product(category=category, name="Ready lamp", prices={"US": "5"}, stock=3)

    html = _html(client.get(f"/en/c/{category.slug}/?in_stock=on"))

    assert "Ready lamp" in html
    assert "Sold out lamp" not in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["Banana", "Cherry", "Apple"]),
        ("price_desc", ["Apple", "Cherry", "Banana"]),
        ("name", ["Apple", "Banana", "Cherry"]),
        ("newest", ["Cherry", "Banana", "Apple"]),
    ],
)
def test_category_listing_sorts(client, sort, expected):
    category = make_category()
    make_product(category=category, name="Apple", prices={"US": "30"})
    make_product(category=category, name="Banana", prices={"US": "10"})
    make_product(category=category, name="Cherry", prices={"US": "20"})

    html = _html(client.get(f"/en/c/{category.slug}/?sort={sort}"))

    assert re.findall(r'<h3 class="card__title">(\w+)</h3>', html) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("price_min=abc", "Enter the minimum price as a number, e.g. 10 or 10.50."),
        ("price_max=NaN", "Enter the maximum price as a number, e.g. 10 or 10.50."),
        (
            "price_max=1e999999",
            "Ensure that there are no more than 12 digits in total.",
        ),
        ("price_min=-5", "Ensure this value is greater than or equal to 0."),
        (
            "price_min=50&price_max=10",
            "The maximum price must not be below the minimum price.",
        ),
        ("sort=cheapest", "Select a valid choice. cheapest is not one of"),
        ("colour=purple", "purple is not one of the values you can filter by."),
    ],
)
def test_bad_filter_input_shows_a_message_and_lists_with_the_valid_filters(
    client, query, message
):
    (red,) = _attribute("colour", "red")
    category = make_category()
    product = make_product(category=category, name="Jumper")
    _variant(product, "J-R", values=[red], prices={"US": "60"})

    response = client.get(f"/en/c/{category.slug}/?{query}")

    assert response.status_code == 200
    assert message in _html(response)
    assert "Jumper" in _html(response)


def test_page_beyond_the_last_shows_the_last_page(client, settings):
    category = make_category()
    for index in range(26):
        make_product(category=category, name=f"Item {index:02d}", prices={"US": "5"})

    html = _html(client.get(f"/en/c/{category.slug}/?page=999"))

    assert "Page 2 of 2" in html
    assert len(re.findall(r'class="card__title"', html)) == 2


@pytest.mark.parametrize("number", ["1000001", "99999999999999999999", "1" + "0" * 40])
def test_page_far_past_any_end_shows_the_last_page(client, number):
    category = make_category()
    for index in range(26):
        make_product(category=category, name=f"Item {index:02d}", prices={"US": "5"})

    response = client.get(f"/en/c/{category.slug}/?page={number}")

    assert response.status_code == 200
    assert "Page 2 of 2" in _html(response)


def test_non_numeric_page_shows_the_first_page(client):
    category = make_category()
    make_product(category=category, name="Only one", prices={"US": "5"})

    response = client.get(f"/en/c/{category.slug}/?page=abc")

    assert response.status_code == 200
    assert "Only one" in _html(response)


def test_pagination_links_keep_the_filters(client):
    category = make_category()
    for index in range(30):
        make_product(category=category, name=f"Item {index:02d}", prices={"US": "5"})

    html = _html(client.get(f"/en/c/{category.slug}/?sort=name&in_stock=on"))

    assert len(re.findall(r'class="card__title"', html)) == 24
    assert 'href="?sort=name&amp;in_stock=on&amp;page=2"' in html


@pytest.mark.parametrize("count", [3, 30])
def test_category_listing_runs_a_fixed_number_of_queries(
    client, no_page_cache, django_assert_max_num_queries, count
):
    category = make_category()
    _fill_category(make_category(parent=category), count)
    _in_market(client, "DE")

    # The thirteenth query reads the listed variants' running promotions; the
    # fourteenth the legal pages in force (footer links, consent policy version),
    # which are then kept for a minute.
    with django_assert_max_num_queries(14):
        response = client.get(
            f"/de/c/{category.slug}/?sort=price_asc&colour-{count}=red"
        )

    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_product_page_runs_a_fixed_number_of_queries(
    client, no_page_cache, django_assert_max_num_queries, count
):
    values = _attribute(f"size-{count}", *[f"s{i}" for i in range(count)])
    product = make_product(prices={"US": "10"})
    for index, value in enumerate(values):
        _variant(product, f"P-{count}-{index}", values=[value], prices={"US": "11"})
        make_spec(
            product=product,
            kind=SpecificationKind.LENGTH,
            label=f"Length {index}",
            value=Decimal("100"),
        )
        ProductImage.objects.create(product=product, image=f"products/{index}.jpg")

    # The eleventh query reads the product's newest approved reviews, the twelfth
    # the variants' running promotions, the thirteenth the certificates whose
    # reference the market's law asks the page to show (e.g. ANATEL), the
    # fourteenth the legal pages in force (footer links, consent policy version),
    # which are then kept for a minute.
    with django_assert_max_num_queries(14):
        response = client.get(f"/en/p/{product.slug}/")

    assert response.status_code == 200


def test_unknown_variant_parameter_falls_back_to_the_first_variant(client):
    product = make_product(name="Bottle", prices={"US": "7"})

    response = client.get(f"/en/p/{product.slug}/?variant=NOPE")

    assert response.status_code == 200
    assert '<strong class="price__amount">$7.00</strong>' in _html(response)
