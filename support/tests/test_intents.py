import pytest

from shop.reviews.sentiment import text_embedding
from support.assistant import INTENTS
from support.assistant.intents import intent_scores, keyword_hits

# Phrasings that are neither in the classifier's examples nor in the question set.
CASES = [
    ("en", "Could you tell me what fabric the hoodie is?", "product_question"),
    ("de", "Ist die grüne Flasche momentan vorrätig?", "availability"),
    ("fr", "Quel est le tarif d'expédition vers Lyon ?", "price_shipping"),
    ("es", "¿En cuántos días me llega si compro ahora?", "delivery_time"),
    ("pt-br", "Cadê a minha encomenda? Ainda não recebi", "order_status"),
    ("id", "Saya mau refund karena salah ukuran", "returns"),
    ("en", "Can I pay with PayPal or only by card?", "payment_methods"),
    ("de", "Die Lieferung war beschädigt, ich bin sehr enttäuscht", "complaint"),
    ("fr", "Je voudrais parler à un humain s'il vous plaît", "human"),
    ("es", "¡Hola! Buenos días", "small_talk"),
    ("pt-br", "Está muito caro, tem algo mais barato?", "price_over_budget"),
    ("de", "Haben Sie einen Gutschein für mich?", "price_discount"),
    ("en", "Why is it cheaper on Amazon than here?", "price_competitor"),
]


def test_the_cases_cover_every_intent():
    assert sorted({intent for _l, _t, intent in CASES}) == sorted(INTENTS)


@pytest.mark.parametrize(("language", "text", "intent"), CASES)
def test_intent_is_recognised(language, text, intent):
    scores = intent_scores(
        text=text, embedding=text_embedding(text=text, language=language)
    )

    assert scores.best == intent


def test_keywords_ignore_accents_and_case():
    hits = keyword_hits(text="RÜCKSENDUNG bitte")

    assert hits["returns"] == 1


def test_an_order_number_counts_twice_for_the_order_status():
    hits = keyword_hits(text="TW-000123?")

    assert hits["order_status"] == 2


def test_probabilities_are_ranked_and_sum_to_one():
    scores = intent_scores(text="Where is my parcel?", embedding=None)

    probabilities = [probability for _intent, probability in scores.ranked]
    assert probabilities == sorted(probabilities, reverse=True)
    assert abs(sum(probabilities) - 1.0) < 1e-9
    assert scores.best == "order_status"
