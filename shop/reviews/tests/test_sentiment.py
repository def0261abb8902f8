import json
import socket
import threading
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from shop.reviews import language_detect, sentiment
from shop.reviews.language_detect import review_language_detect
from shop.reviews.sentiment import SentimentLabel, sentiment_score

LABELLED_PATH = Path(__file__).parent / "data" / "reviews_labelled.json"


def _labelled_reviews() -> list[dict[str, str]]:
    return json.loads(LABELLED_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scored_reviews():
    """Every labelled review with the detected language and the sentiment result."""
    return [
        (
            review,
            review_language_detect(text=review["text"]),
            sentiment_score(text=review["text"], language=review["language"]),
        )
        for review in _labelled_reviews()
    ]


def test_labelled_reviews_hold_twenty_polar_reviews_per_language_none_from_seed():
    seed = json.loads(sentiment.SEED_PATH.read_text(encoding="utf-8"))
    seed_texts = {
        text for groups in seed.values() for g in groups.values() for text in g
    }
    polar_per_language = defaultdict(int)
    for review in _labelled_reviews():
        assert review["text"] not in seed_texts
        assert review["label"] in SentimentLabel.values
        if review["label"] != SentimentLabel.NEUTRAL:
            polar_per_language[review["language"]] += 1
    assert set(polar_per_language) == set(settings.SHOPPER_LANGUAGES)
    assert min(polar_per_language.values()) >= 20


@pytest.mark.parametrize("language", settings.SHOPPER_LANGUAGES)
def test_sentiment_labels_eighty_percent_of_polar_reviews_right_in(
    language, scored_reviews
):
    polar = [
        (review, result)
        for review, _detected, result in scored_reviews
        if review["language"] == language and review["label"] != SentimentLabel.NEUTRAL
    ]
    wrong = [
        review["text"] for review, result in polar if result.label != review["label"]
    ]
    accuracy = 1 - len(wrong) / len(polar)
    assert accuracy >= 0.8, wrong


@pytest.mark.parametrize("language", settings.SHOPPER_LANGUAGES)
def test_language_detected_right_on_ninety_percent_of_reviews_in(
    language, scored_reviews
):
    reviews = [
        (review, detected)
        for review, detected, _result in scored_reviews
        if review["language"] == language
    ]
    wrong = [review["text"] for review, detected in reviews if detected != language]
    accuracy = 1 - len(wrong) / len(reviews)
    assert accuracy >= 0.9, wrong


@pytest.mark.parametrize("text", ["ok", "👍👍👍", "12345", "", "   "])
def test_language_detect_returns_empty_when_text_is_too_short_to_tell(text):
    assert review_language_detect(text=text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "Il prodotto è arrivato rotto e il venditore non risponde.",
        "De schoenen zijn heel comfortabel, ik draag ze elke dag.",
        "Produkt przyszedł uszkodzony, nie polecam.",
        "Ürün çok kaliteli, tavsiye ederim.",
        "这个产品质量很好，物流也很快。",
    ],
)
def test_language_detect_returns_empty_for_languages_the_shop_does_not_serve(text):
    assert review_language_detect(text=text) == ""


def test_language_detect_reads_malay_as_indonesian():
    # Both detectors put Malay first for this sentence ("kerana", "berbaloi").
    text = "Saya akan membeli lagi kerana kualitinya memang berbaloi."
    assert review_language_detect(text=text) == "id"


def test_language_detect_reads_european_portuguese_as_pt_br():
    text = "Recebi a encomenda ontem, o casaco é giro e veste lindamente."
    assert review_language_detect(text=text) == "pt-br"


def test_sentiment_score_is_the_same_on_every_call_and_within_bounds():
    text = "Die Lieferung war schnell, aber der Deckel schließt nicht richtig."
    first = sentiment_score(text=text, language="de")
    second = sentiment_score(text=text, language="de")
    assert first == second
    assert -1.0 <= first.score <= 1.0


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("Honestly not bad for the price.", "en", SentimentLabel.POSITIVE),
        ("The pan is not good, food sticks to it.", "en", SentimentLabel.NEGATIVE),
        ("Der Klang ist wirklich nicht gut.", "de", SentimentLabel.NEGATIVE),
        (
            "Die Lautsprecher sind nicht schlecht, klarer Klang.",
            "de",
            SentimentLabel.POSITIVE,
        ),
        ("Le son n'est pas bon du tout.", "fr", SentimentLabel.NEGATIVE),
        (
            "Les chaussures ne sont pas mal, assez confortables.",
            "fr",
            SentimentLabel.POSITIVE,
        ),
        ("El sonido no es bueno.", "es", SentimentLabel.NEGATIVE),
        ("No está nada mal por ese precio.", "es", SentimentLabel.POSITIVE),
        ("O som não é bom.", "pt-br", SentimentLabel.NEGATIVE),
        (
            "Os tênis não são ruins, bem confortáveis.",
            "pt-br",
            SentimentLabel.POSITIVE,
        ),
        ("Suaranya tidak bagus.", "id", SentimentLabel.NEGATIVE),
        ("Sepatunya tidak jelek, cukup nyaman.", "id", SentimentLabel.POSITIVE),
    ],
)
def test_sentiment_reads_negated_words(text, language, label):
    assert sentiment_score(text=text, language=language).label == label


def test_sentiment_expands_indonesian_shorthand():
    result = sentiment_score(text="kualitas gk sesuai harga", language="id")
    assert result.label == SentimentLabel.NEGATIVE


def test_sentiment_score_of_blank_text_is_neutral_zero():
    result = sentiment_score(text=" \n ", language="fr")
    assert result == sentiment.SentimentResult(
        score=0.0, label=SentimentLabel.NEUTRAL, language="fr"
    )


def test_sentiment_score_rejects_a_language_shoppers_do_not_write_in():
    with pytest.raises(ValueError, match="zh-hans"):
        sentiment_score(text="质量很好", language="zh-hans")


def test_sentiment_scores_text_whose_language_is_unknown():
    result = sentiment_score(text="Terrible, broke on day one.", language="")
    assert result.label == SentimentLabel.NEGATIVE
    assert result.language == ""


def test_sentiment_scores_a_very_long_review_by_its_opening_and_ending():
    text = (
        "Absolutely love this rug, the colours are rich and it feels soft. "
        + "We measured the room twice before ordering and checked the pile. " * 200
        + "Highly recommended, we will buy another one for the hallway."
    )
    assert sentiment_score(text=text, language="en").label == SentimentLabel.POSITIVE


def test_models_load_and_score_without_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(language_detect, "_detectors", None)
    monkeypatch.setattr(sentiment, "_scorer", None)
    text = "Pengiriman cepat dan barangnya bagus sekali, terima kasih."
    assert review_language_detect(text=text) == "id"
    assert sentiment_score(text=text, language="id").label == SentimentLabel.POSITIVE


def test_models_load_once_when_threads_ask_at_the_same_time(monkeypatch):
    loads = defaultdict(int)
    real_scorer_load = sentiment._scorer_load
    real_detectors_load = language_detect._detectors_load

    def counted_scorer_load():
        loads["sentiment"] += 1
        return real_scorer_load()

    def counted_detectors_load():
        loads["language"] += 1
        return real_detectors_load()

    monkeypatch.setattr(sentiment, "_scorer", None)
    monkeypatch.setattr(sentiment, "_scorer_load", counted_scorer_load)
    monkeypatch.setattr(language_detect, "_detectors", None)
    monkeypatch.setattr(language_detect, "_detectors_load", counted_detectors_load)
    text = "Muy buena calidad, llegó antes de lo previsto."
    start = threading.Barrier(4)
    results = []

    def work():
        start.wait()
        results.append(
            (
                review_language_detect(text=text),
                sentiment_score(text=text, language="es"),
            )
        )

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == {"sentiment": 1, "language": 1}
    assert len(results) == 4
    assert len(set(results)) == 1
    assert results[0][0] == "es"


def test_stored_head_was_trained_from_the_current_seed_and_settings():
    stored = json.loads(sentiment.HEAD_PATH.read_text(encoding="utf-8"))
    assert stored["fingerprint"] == sentiment._fingerprint()


def test_stale_stored_head_is_replaced_by_the_same_head_trained_in_process(
    monkeypatch, tmp_path, caplog
):
    stored = json.loads(sentiment.HEAD_PATH.read_text(encoding="utf-8"))
    stale_path = tmp_path / "sentiment_head.json"
    stale_path.write_text(json.dumps({**stored, "fingerprint": "older"}))
    monkeypatch.setattr(sentiment, "HEAD_PATH", stale_path)
    monkeypatch.setattr(sentiment, "_scorer", None)
    sentiment.sentiment_model_load()
    head = sentiment._scorer.head
    assert "stale" in caplog.text
    # Training is deterministic on one machine, but the encoder's SIMD kernels differ
    # between CPU generations in the fifth decimal (parameters are about 0.1 in size).
    assert np.allclose(head.mean, stored["mean"], rtol=0, atol=1e-3)
    assert np.allclose(head.scale, stored["scale"], rtol=0, atol=1e-3)
    assert np.allclose(head.weights, stored["weights"], rtol=0, atol=1e-3)
