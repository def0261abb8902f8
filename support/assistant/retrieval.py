"""The facts an answer may use: products (by SKU, name or meaning), the shopper's
own orders and parcels, and the policy articles staff wrote.

Orders are only ever read through the shop's access helpers: a signed-in shopper
sees their own orders, a guest an order proven by its number and the email it was
placed with. Whatever the message says, nothing else comes back, and a number
that exists but is not the shopper's answers exactly like one that does not.
"""

import functools
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, Max, Q
from django.http import Http404
from modeltranslation.utils import build_localized_fieldname

from shop.catalog.fragments import product_facts
from shop.compliance.selectors import offerable_product_ids
from shop.models import AttributeValue, Market, Order, Product, User, Variant
from shop.orders.access import access_guest_order_by_email, access_order
from shop.orders.services import order_list_for_user
from support.assistant.intents import ORDER_NUMBER, text_fold
from support.models import PolicyArticle, ProductVector

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SKU = re.compile(r"\b[A-Z0-9]+(?:-[A-Z0-9]+){1,6}\b")
_TOKEN = re.compile(r"\w+")

# A product named in the message must cover this share of its name's weight.
NAME_MATCH_SHARE = 0.5
# Cosine similarity of message and product vectors that counts as "meant": with
# multilingual-e5-small, product questions score 0.84-0.87 against the product
# they mean and unrelated messages ("where is my parcel") about 0.82.
MEANING_MATCH_SIMILARITY = 0.835


@dataclass(frozen=True)
class ProductMatch:
    product: Product
    how: str  # "sku" | "name" | "meaning"
    score: float
    variants: tuple[Variant, ...] = ()  # the variants the message names, if any


@dataclass(frozen=True)
class OrderLookup:
    """What the message asked about orders and what the shopper may see."""

    order: Order | None
    status: str  # "found" | "not_found" | "needs_proof" | "no_orders"
    number: str = ""


@dataclass
class _NameIndex:
    names: dict[int, list[list[str]]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text_fold(text)) if len(t) >= 2 or t.isdigit()]


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    return len(a) >= 5 and len(b) >= 5 and (a.startswith(b) or b.startswith(a))


def _name_index(products: Sequence[Product], languages: Sequence[str]) -> _NameIndex:
    index = _NameIndex()
    document_frequency: Counter[str] = Counter()
    for product in products:
        variants = []
        for language in languages:
            name = getattr(product, build_localized_fieldname("name", language)) or ""
            tokens = _tokens(name)
            if tokens and tokens not in variants:
                variants.append(tokens)
        index.names[product.pk] = variants
        document_frequency.update({t for tokens in variants for t in tokens})
    count = max(len(products), 1)
    index.weights = {
        token: math.log(1 + count / frequency)
        for token, frequency in document_frequency.items()
    }
    return index


def _name_score(
    named: Callable[[str], bool], name: list[str], weights: dict[str, float]
) -> tuple[float, float]:
    """The share of the name's weight the message covers, and that weight."""
    total = sum(weights.get(t, 1.0) for t in name)
    found = sum(weights.get(t, 1.0) for t in name if named(t))
    return (found / total if total else 0.0), found


_name_cache: dict[str, tuple[tuple, list[Product], _NameIndex]] = {}
_name_cache_lock = threading.Lock()


def _products_with_names() -> tuple[list[Product], _NameIndex]:
    """Active products with their names in every language, and the name index;
    kept per process until a product is added, changed or removed."""
    state = Product.objects.filter(is_active=True).aggregate(
        count=Count("id"), changed=Max("updated_at"), last=Max("id")
    )
    key = (state["count"], state["changed"], state["last"])
    cached = _name_cache.get("names")
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    fields = ["id", "slug", "category_id"] + [
        build_localized_fieldname("name", language)
        for language in settings.SHOPPER_LANGUAGES
    ]
    products = list(Product.objects.filter(is_active=True).only(*fields))
    index = _name_index(products, settings.SHOPPER_LANGUAGES)
    with _name_cache_lock:
        _name_cache["names"] = (key, products, index)
    return products, index


def _offerable_only(
    matches: list[ProductMatch], *, market: Market
) -> list[ProductMatch]:
    """The matches the assistant may name in the market: a gated product is treated
    as unknown, and no weaker match takes its place."""
    if not matches:
        return []
    offerable = offerable_product_ids(market=market)
    return [match for match in matches if match.product.pk in offerable]


def _by_sku(text: str) -> list[ProductMatch]:
    candidates = {match.group().upper() for match in _SKU.finditer(text.upper())}
    candidates = {c for c in candidates if not ORDER_NUMBER.fullmatch(c)}
    if not candidates:
        return []
    variants = Variant.objects.filter(sku__in=candidates, product__is_active=True)
    by_product: dict[int, list[Variant]] = {}
    for variant in variants.select_related("product"):
        by_product.setdefault(variant.product_id, []).append(variant)
    return [
        ProductMatch(
            product=found[0].product, how="sku", score=1.0, variants=tuple(found)
        )
        for found in by_product.values()
    ]


def products_by_sku(*, text: str, market: Market) -> list[ProductMatch]:
    """Products offerable in the market whose variant SKU the message quotes."""
    return _offerable_only(_by_sku(text), market=market)


def _by_name(text: str) -> list[ProductMatch]:
    products, index = _products_with_names()
    message = _tokens(text)
    words = set(message)

    # The catalog's names share most of their words: each is compared with the
    # message once, not once per product and language.
    @functools.cache
    def named(token: str) -> bool:
        return token in words or any(_same_word(token, m) for m in message)

    scored = []
    for product in products:
        # A name must be mostly covered; among those, the one covering the most
        # weight wins, so "Brew Pro" beats "Brew" when the message says "Brew Pro".
        candidates = [
            score
            for name in index.names[product.pk]
            if (score := _name_score(named, name, index.weights))[0] >= NAME_MATCH_SHARE
        ]
        if candidates:
            share, weight = max(candidates, key=lambda pair: (pair[1], pair[0]))
            scored.append((weight, share, product))
    if not scored:
        return []
    scored.sort(key=lambda row: (-row[0], -row[1], row[2].pk))
    top_weight, top_share = scored[0][0], scored[0][1]
    return [
        ProductMatch(product=product, how="name", score=share)
        for weight, share, product in scored
        if weight >= top_weight - 1e-9 and share >= top_share - 1e-9
    ]


def products_by_name(*, text: str, market: Market) -> list[ProductMatch]:
    """Products offerable in the market whose name (in any shopper language) the
    message names, best first."""
    return _offerable_only(_by_name(text), market=market)


def product_named_is_gated(*, text: str, market: Market) -> bool:
    """Whether the message names a product (by SKU or name) that may not be offered
    in the market, and no product that may."""
    named = _by_sku(text) or _by_name(text)
    return bool(named) and not _offerable_only(named, market=market)


def products_by_meaning(
    *, embedding: np.ndarray | None, language: str, market: Market
) -> list[ProductMatch]:
    """The product offerable in the market whose stored vector in `language` is
    closest to the message's, if it is close enough."""
    if embedding is None:
        return []
    rows = list(
        ProductVector.objects.filter(
            language=language,
            product_id__in=offerable_product_ids(market=market),
        ).select_related("product")
    )
    if not rows:
        return []
    matrix = np.stack([np.frombuffer(bytes(row.vector), dtype="<f4") for row in rows])
    query = embedding / (np.linalg.norm(embedding) or 1.0)
    norms = np.linalg.norm(matrix, axis=1)
    norms[norms == 0] = 1.0
    similarities = (matrix @ query) / norms
    best = int(np.argmax(similarities))
    if similarities[best] < MEANING_MATCH_SIMILARITY:
        return []
    return [
        ProductMatch(
            product=rows[best].product, how="meaning", score=float(similarities[best])
        )
    ]


def variants_named(*, variants: Sequence[Variant], text: str) -> tuple[Variant, ...]:
    """Of a product's variants (each with its `value_list`), those whose colour or
    size the message names."""
    message = _tokens(text)
    if not message:
        return ()

    def named(value: AttributeValue) -> bool:
        for language in settings.SHOPPER_LANGUAGES:
            name = getattr(value, build_localized_fieldname("name", language)) or ""
            words = _tokens(name)
            if words and all(
                any(w == m or (len(w) >= 4 and m.startswith(w)) for m in message)
                for w in words
            ):
                return True
        return False

    values_of = {
        variant.pk: {value.pk for value in variant.value_list}  # type: ignore[attr-defined]
        for variant in variants
    }
    named_values = {
        value.pk
        for variant in variants
        for value in variant.value_list  # type: ignore[attr-defined]
        if named(value)
    }
    if not named_values:
        return ()
    return tuple(v for v in variants if named_values <= values_of[v.pk]) or tuple(
        v for v in variants if named_values & values_of[v.pk]
    )


def products_find(
    *,
    text: str,
    embedding: np.ndarray | None,
    language: str,
    market: Market,
    by_meaning: bool,
) -> list[ProductMatch]:
    """The products offerable in the market a message is about: by SKU, then by
    name, then by meaning. A product gated in the market is not found, and a
    message naming one finds nothing rather than a weaker match."""
    named = _by_sku(text) or _by_name(text)
    matches = _offerable_only(named, market=market)
    if not named and by_meaning:
        matches = products_by_meaning(
            embedding=embedding, language=language, market=market
        )
    found = []
    for match in matches:
        if not match.variants:
            # The variants come with the product's facts, which the answer reads
            # next (and finds kept).
            facts = product_facts(slug=match.product.slug, market=market)
            variants = facts.variant_list if facts is not None else []
            match = ProductMatch(
                product=match.product,
                how=match.how,
                score=match.score,
                variants=variants_named(variants=variants, text=text),
            )
        found.append(match)
    return found


def order_lookup(*, text: str, user: User | None) -> OrderLookup:
    """The order the message is about, if the shopper may see it."""
    number_match = ORDER_NUMBER.search(text)
    email_match = EMAIL.search(text)
    signed_in = user is not None and user.is_authenticated
    if number_match is None:
        if not signed_in:
            return OrderLookup(order=None, status="needs_proof")
        latest = order_list_for_user(user=user).first()
        if latest is None:
            return OrderLookup(order=None, status="no_orders")
        return OrderLookup(
            order=access_order(user=user, number=latest.number), status="found"
        )
    number = number_match.group().upper()
    if signed_in:
        try:
            return OrderLookup(
                order=access_order(user=user, number=number),
                status="found",
                number=number,
            )
        except Http404:
            pass
    if email_match is None:
        status = "not_found" if signed_in else "needs_proof"
        return OrderLookup(order=None, status=status, number=number)
    try:
        order = access_guest_order_by_email(number=number, email=email_match.group())
    except Http404:
        return OrderLookup(order=None, status="not_found", number=number)
    return OrderLookup(order=order, status="found", number=number)


def articles_for(*, topics: Sequence[str], market: Market) -> list[PolicyArticle]:
    """Published articles on the topics that apply to the market, in topic order."""
    if not topics:
        return []
    articles = PolicyArticle.objects.filter(
        Q(markets=market) | Q(markets__isnull=True),
        topic__in=topics,
        is_published=True,
    ).distinct()
    ordered: list[PolicyArticle] = sorted(
        articles, key=lambda article: (list(topics).index(article.topic), article.slug)
    )
    return ordered
