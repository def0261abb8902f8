"""The accessibility statement, per market and language; safety information on the
product page."""

import pytest

from shop.compliance.tests.helpers import certify, require
from shop.models import ProductImage
from shop.tests.factories import make_category, make_product
from shop.tests.pages import _in_market

pytestmark = pytest.mark.django_db


def test_each_market_has_its_accessibility_statement_with_its_authority(client):
    german = _in_market(client, "DE").get("/de/accessibility/")

    assert german.status_code == 200
    assert "<h1>Erklärung zur Barrierefreiheit</h1>" in german.text
    assert "Germany &amp; Austria" in german.text or "Deutschland" in german.text
    assert "Marktüberwachungsstelle der Länder" in german.text
    us = _in_market(client, "US").get("/en/accessibility/")
    assert us.status_code == 200
    assert "Marktüberwachungsstelle" not in us.text
    assert "accessibility@example.com" in us.text


def test_the_footer_links_to_the_statement(client):
    assert 'href="/fr/accessibility/"' in _in_market(client, "FR").get("/fr/").text


def test_the_product_page_shows_manufacturer_warnings_and_the_anatel_code(client):
    category = make_category()
    product = make_product(category=category, name="Router", prices={"BR": "399"})
    require(market_code="BR", category=category, kinds=("anatel",))
    certify(
        product=product, kind="anatel", market_code="BR", reference="01234-26-05678"
    )

    html = _in_market(client, "BR").get(f"/pt-br/p/{product.slug}/").text

    assert 'id="product-safety"' in html
    assert "Nordwind GmbH" in html
    assert "Keep away from fire." in html
    assert "Código de homologação ANATEL: <strong>01234-26-05678</strong>" in html


def test_the_safety_section_shows_the_picture_that_identifies_the_product(client):
    product = make_product(name="Kettle", prices={"DE": "39"})
    ProductImage.objects.create(
        product=product,
        image="products/kettle.jpg",
        thumbnail="thumbs/kettle_small.jpg",
        alt_text="A steel kettle",
    )

    html = _in_market(client, "DE").get(f"/de/p/{product.slug}/").text
    safety = html[html.index('id="product-safety"') :]

    assert (
        '<img class="safety__picture" src="/media/thumbs/kettle_small.jpg" '
        'alt="A steel kettle" width="160" loading="lazy">'
    ) in safety
