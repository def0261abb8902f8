"""The assistant never offers a product that is gated in the shopper's market: a
product missing a required record is treated as not found there."""

from datetime import date

import pytest

from shop.catalog.services import category_save
from shop.management.demo.compliance import certificates_seed, rules_seed
from shop.models import Category, Product
from shop.tests.commerce_helpers import shipping_method
from shop.tests.factories import make_product, translated
from support.assistant.engine import assistant_answer
from support.assistant.live import live_comment_suggest
from support.tests.conftest import market

pytestmark = pytest.mark.django_db


def _electronic(category, *, slug, names):
    product = make_product(
        category=category,
        prices={"DE": "59.99", "BR": "349.90"},
        **translated("name", names),
    )
    Product.objects.filter(pk=product.pk).update(slug=slug)
    product.refresh_from_db()
    return product


@pytest.fixture
def speaker():
    """The demo's gap: an electronics product without its ANATEL code, so it may be
    offered in Germany but not in Brazil; its smaller sibling holds its code."""
    electronics = category_save(
        category=Category(slug="electronics", name="Electronics")
    )
    product = _electronic(
        electronics,
        slug="bluetooth-speaker-go",
        names={
            "en": "Bluetooth speaker Go",
            "de": "Bluetooth-Lautsprecher Go",
            "pt-br": "Caixa de som Bluetooth Go",
        },
    )
    _electronic(
        electronics,
        slug="bluetooth-speaker-mini",
        names={
            "en": "Bluetooth speaker Mini",
            "de": "Bluetooth-Lautsprecher Mini",
            "pt-br": "Caixa de som Bluetooth Mini",
        },
    )
    rules_seed()
    certificates_seed(today=date.today())
    shipping_method(market_code="BR", countries=["BR"])
    return product


def test_a_gated_product_gets_no_price_stock_or_link_in_brazil(speaker):
    reply = assistant_answer(
        text="Quanto custa a Caixa de som Bluetooth Go?", market=market("BR"), user=None
    )

    assert reply.language == "pt-br"
    assert "349" not in reply.text
    assert not any("349" in fact for fact in reply.facts)
    assert [link for link in reply.links if "/p/" in link] == []


def test_the_same_product_is_priced_in_germany(speaker):
    reply = assistant_answer(
        text="Was kostet der Bluetooth-Lautsprecher Go?", market=market("DE"), user=None
    )

    assert reply.facts[0] == "59,99\xa0€"
    assert [link for link in reply.links if speaker.slug in link] == [
        "/de/p/bluetooth-speaker-go/"
    ]


def test_a_quoted_sku_of_a_gated_product_finds_nothing(speaker):
    sku = speaker.variants.get().sku
    reply = assistant_answer(
        text=f"O {sku} está disponível?", market=market("BR"), user=None
    )

    assert [link for link in reply.links if "/p/" in link] == []
    assert not any("349" in fact for fact in reply.facts)


def test_a_gated_product_is_never_a_cheaper_alternative(speaker):
    reply = assistant_answer(
        text="Muito caro, tem algo mais barato até 500 reais?",
        market=market("BR"),
        user=None,
    )

    assert [link for link in reply.links if "/p/" in link] == [
        "/pt-br/p/bluetooth-speaker-mini/"
    ]


def test_the_certified_sibling_is_still_priced_in_brazil(speaker):
    reply = assistant_answer(
        text="Quanto custa a Caixa de som Bluetooth Mini?",
        market=market("BR"),
        user=None,
    )

    assert reply.facts[0] == "R$\xa0349,90"
    assert "/pt-br/p/bluetooth-speaker-mini/" in reply.links


def test_a_live_comment_about_a_gated_product_gets_no_suggestion(speaker):
    brazil = live_comment_suggest(
        text="Quanto custa a Caixa de som Bluetooth Go?", market=market("BR")
    )
    pinned = live_comment_suggest(
        text="Qual é o material, por favor?", market=market("BR"), pinned=[speaker]
    )
    germany = live_comment_suggest(
        text="Was kostet der Bluetooth-Lautsprecher Go?", market=market("DE")
    )

    assert (brazil, pinned) == (None, None)
    assert germany is not None and germany.facts[0] == "59,99\xa0€"


@pytest.mark.parametrize(
    "text",
    [
        "Quanto custa a Caixa de som Bluetooth Go?",
        "Muito caro, tem algo mais barato até 500 reais?",
        "Vocês têm caixa de som bluetooth?",
        "A caixa de som Go está em estoque?",
    ],
)
def test_the_assistant_never_names_a_gated_product(speaker, text):
    reply = assistant_answer(text=text, market=market("BR"), user=None)

    said = " ".join([reply.text, *reply.facts, *reply.links])
    assert "Bluetooth Go" not in said
    assert speaker.slug not in said
    assert speaker.variants.get().sku not in said
