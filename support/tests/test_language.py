import pytest

from support.assistant import Turn, assistant_answer
from support.assistant.language import language_choose
from support.tests.conftest import market


def test_explicit_language_wins_over_a_confident_detection():
    choice = language_choose(
        text="Wie lange dauert die Lieferung nach Berlin?",
        explicit_language="fr",
        page_language="es",
    )

    assert choice.language == "fr"


def test_confident_detection_wins_over_the_page_language():
    choice = language_choose(
        text="Combien coûte la livraison en Belgique ?", page_language="de"
    )

    assert (choice.language, choice.confident) == ("fr", True)


def test_a_short_message_keeps_the_language_of_the_conversation():
    history = [Turn(author="shopper", text="Wo ist mein Paket?", language="de")]

    choice = language_choose(text="ok", history=history, page_language="en")

    assert (choice.language, choice.confident) == ("de", False)


def test_a_short_message_without_history_takes_the_page_language():
    choice = language_choose(text="ok", page_language="pt-br", market_language="de")

    assert choice.language == "pt-br"


def test_without_page_language_the_market_language_answers():
    choice = language_choose(text="ok", market_language="id")

    assert choice.language == "id"


def test_a_language_the_shop_does_not_serve_is_flagged():
    choice = language_choose(
        text="Dov'è il mio pacco? Non è ancora arrivato dopo due settimane"
    )

    assert choice.unsupported is True


@pytest.mark.django_db
def test_an_unsupported_language_goes_to_a_person():
    reply = assistant_answer(
        text="Dov'è il mio pacco? Non è ancora arrivato dopo due settimane",
        market=market("DE"),
        user=None,
        page_language="de",
    )

    assert (reply.handoff, reply.handoff_reason) == (True, "unsupported_language")
    assert reply.language == "de"
    assert reply.text.startswith("Ich antworte auf Englisch, Deutsch")


@pytest.mark.django_db
def test_the_reply_is_written_in_the_detected_language():
    reply = assistant_answer(
        text="Quels moyens de paiement acceptez-vous ?",
        market=market("DE"),
        user=None,
    )

    assert (reply.language, reply.intent) == ("fr", "payment_methods")
    assert reply.text.startswith("Moyens de paiement : Vous payez par carte")
