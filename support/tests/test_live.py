import pytest

from support.assistant.live import live_comment_suggest
from support.tests.conftest import market

pytestmark = pytest.mark.django_db


def test_a_product_question_in_a_comment_gets_a_grounded_answer(catalog):
    suggestion = live_comment_suggest(
        text="Was kostet der Wasserkocher Brew Pro?", market=market("DE")
    )

    assert suggestion is not None
    assert (suggestion.language, suggestion.intent) == ("de", "price_shipping")
    assert suggestion.facts[0] == "74,99\xa0€"
    assert suggestion.text.startswith("Wasserkocher Brew Pro kostet 74,99\xa0€")


def test_a_question_without_a_product_is_about_the_pinned_one(catalog):
    suggestion = live_comment_suggest(
        text="Quelle est la matière, s'il vous plaît ?",
        market=market("FR"),
        pinned=[catalog["mat"]],
    )

    assert suggestion is not None
    assert suggestion.language == "fr"
    assert "liège" in suggestion.facts


def test_a_comment_that_is_no_product_question_gets_nothing(catalog):
    assert live_comment_suggest(text="Hallo zusammen!", market=market("DE")) is None
    assert (
        live_comment_suggest(text="Where is my order TW-000001?", market=market("US"))
        is None
    )
