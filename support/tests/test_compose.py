from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.catalog.services import stock_set
from shop.models import VariantPrice
from shop.pricing.services import promotion_start
from support.assistant import assistant_answer
from support.tests.conftest import market, order_with_parcel

pytestmark = pytest.mark.django_db


def _ask(text, code="DE", user=None, **kwargs):
    return assistant_answer(text=text, market=market(code), user=user, **kwargs)


def test_germany_gets_every_specification_with_units_and_the_gross_price(catalog):
    reply = _ask("Wie groß ist die Yogamatte Cork?")

    assert reply.intent == "product_question"
    assert reply.text == (
        "Yogamatte Cork: Abmessungen: 183 × 61 × 0,4 cm; Gewicht: 2,2 kg; "
        "Material: Kork. Yogamatte Cork kostet 89,99\xa0€ (inkl. 19\xa0% MwSt.)."
    )
    assert reply.facts == ("183 × 61 × 0,4 cm", "2,2 kg", "Kork", "89,99\xa0€")
    assert reply.links == ("/de/p/yoga-mat-cork/",)


def test_the_us_gets_the_price_first_in_imperial_units(catalog):
    reply = _ask("How heavy is the Yoga mat Cork?", code="US")

    assert reply.text.startswith("Yoga mat Cork costs $79.00 (plus sales tax).")
    assert "Weight: 4.9 lb" in reply.text


def test_france_gets_the_material_first(catalog):
    reply = _ask("Quelle est la matière du tapis Cork ?", code="FR", page_language="fr")

    assert reply.language == "fr"
    assert reply.text.startswith("Material: liège;")


def test_a_running_promotion_is_the_price_quoted(catalog):
    variant = catalog["brew_pro"].variants.get()
    price = VariantPrice.objects.get(variant=variant, market=market("DE"))
    promotion_start(
        price=price,
        amount=Decimal("59.99"),
        ends_at=timezone.now() + timedelta(days=3),
    )

    reply = _ask("Gibt es Rabatt auf den Wasserkocher Brew Pro?")

    assert reply.intent == "price_discount"
    assert "59,99\xa0€" in reply.facts
    assert "74,99\xa0€" not in reply.text or "statt" in reply.text


def test_no_discount_is_invented_when_none_runs(catalog):
    reply = _ask("Haben Sie gerade einen Rabattcode für mich?")

    assert reply.intent == "price_discount"
    assert reply.text.startswith("Derzeit laufen keine Preisaktionen.")
    assert "Über diese Angebote hinaus kann ich selbst keine Rabatte" in reply.text


def test_over_budget_suggests_cheaper_products_of_the_category(catalog):
    reply = _ask("Der Wasserkocher Brew Pro ist mir zu teuer")

    assert reply.intent == "price_over_budget"
    assert reply.text.startswith(
        "Wasserkocher Brew Pro gibt es ab 74,99\xa0€. Günstigere Alternativen auf "
        "Lager: Wasserkocher Brew für 39,99\xa0€;"
    )
    assert reply.links == ("/de/p/kettle-brew-pro/", "/de/p/kettle-brew/")


def test_stock_is_read_per_variant(catalog):
    reply = _ask("Ist die Yogamatte Cork auf Lager?")

    assert reply.intent == "availability"
    assert "Farbe: Blau: 3 auf Lager; Farbe: Sand: nicht auf Lager" in reply.text


def test_shipping_cost_comes_from_the_market_rates(catalog, de_shipping):
    reply = _ask("Wie hoch sind die Versandkosten nach Deutschland?")

    assert reply.intent == "price_shipping"
    assert reply.text.startswith(
        "Versand Standard (DHL): 4,90\xa0€, kostenlos ab 50,00\xa0€, 1–3 Werktage."
    )


def test_returns_state_the_markets_withdrawal_period_and_cite_the_article():
    reply = _ask("Wie funktioniert bei Ihnen die Rücksendung?")

    assert reply.intent == "returns"
    assert reply.text.startswith(
        "Sie können innerhalb von 14 Tagen nach Lieferung ohne Angabe von Gründen"
    )
    assert reply.links == (
        "/de/withdrawal/",
        "/de/support/help/returns-and-withdrawal/",
    )


def test_a_market_without_withdrawal_period_only_cites_the_article():
    reply = _ask("How do returns work in your shop?", code="US")

    assert reply.text.startswith("Returns and withdrawal: Send the item back")
    assert reply.links == ("/en/support/help/returns-and-withdrawal/",)


def test_a_returning_customer_is_welcomed_back(shopper, catalog):
    order_with_parcel(user=shopper, email="sam@example.com", tracking="JJD1")

    reply = _ask("Hallo, was kostet die Yogamatte Cork?", user=shopper)

    assert reply.text.startswith("Willkommen zurück, Sam!")


def test_a_first_visit_gets_no_welcome_back(shopper, catalog):
    reply = _ask("Hallo, was kostet die Yogamatte Cork?", user=shopper)

    assert not reply.text.startswith("Willkommen zurück")


def test_without_the_facts_it_says_so_and_offers_a_person(catalog):
    from support.models import PolicyArticle

    PolicyArticle.objects.filter(topic="payment").delete()

    reply = _ask("Welche Zahlungsarten bieten Sie an?")

    assert reply.intent == "payment_methods"
    assert reply.helpful is False
    assert reply.text == (
        "Diese Information habe ich nicht. Möchten Sie mit jemandem aus unserem "
        "Team sprechen?"
    )


def test_a_stock_change_is_answered_at_once(
    catalog, django_capture_on_commit_callbacks
):
    _ask("Ist die Yogamatte Cork auf Lager?")  # the product's facts are now kept
    sand = catalog["mat"].variants.get(sku="YOGA-CORK-SAND")

    # The catalog version moves when the write commits.
    with django_capture_on_commit_callbacks(execute=True):
        stock_set(variant=sand, quantity=7)
    reply = _ask("Ist die Yogamatte Cork auf Lager?")

    assert "Farbe: Sand: 7 auf Lager" in reply.text
