"""The SQLite product search index: Snowball-stemmed text in an FTS5 table.

PostgreSQL stems with its text-search configurations (see `shop.catalog.search`).
SQLite has no stemmer, so on SQLite the shop keeps its own index: for every product
and shopper language one row of an FTS5 table whose columns hold the stems of the
name and brand, of the category path's names and of the description, stemmed in
Python with the language's Snowball stemmer (the same algorithms PostgreSQL uses).
Queries are stemmed the same way, so "Regenjacken" finds "Regenjacke" on both
databases. German words also find the names' compounds they are the head of
("Pfannen" finds "Bratpfanne"): `compounds_ending_in` picks them from the names'
vocabulary (an fts5vocab table here, ts_stat on PostgreSQL).

The table's rowid is `product id * SLOTS + language position`, so a product's rows
are one rowid range. Catalog services rewrite a product's rows when it or its
category changes; `manage.py search_index_rebuild` (and migration 0014) builds the
index from existing rows. On PostgreSQL every function here does nothing.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connections
from django.db.models import Model, Q
from modeltranslation.utils import build_localized_fieldname

from shop.models import Category, Product

TABLE = "shop_product_search"
# Shopper language -> Snowball algorithm. Indonesian is a Snowball algorithm too
# (snowballstemmer ships it; PostgreSQL has it from version 13 on).
STEMMERS = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "pt-br": "portuguese",
    "id": "indonesian",
}
LANGUAGES = tuple(STEMMERS)
SLOTS = 8  # rowids per product; more than the number of languages
# Languages whose compounds end in their head word: a "Bratpfanne" is a "Pfanne", so
# "Pfannen" also finds the names' words that end in its stem (from this length on).
COMPOUNDING = frozenset({"de"})
HEAD_MIN_CHARS = 4
MAX_COMPOUNDS = 20
CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "name, category, description, tokenize = 'unicode61 remove_diacritics 0')"
)
DROP_SQL = f"DROP TABLE IF EXISTS {TABLE}"
CREATE_VOCABULARY_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS shop_product_search_vocabulary "
    "USING fts5vocab(shop_product_search, 'instance')"
)
DROP_VOCABULARY_SQL = "DROP TABLE IF EXISTS shop_product_search_vocabulary"
_NAME_WORDS = (
    "SELECT DISTINCT term FROM shop_product_search_vocabulary "
    "WHERE col = 'name' AND doc %% %s = %s"
)
_DELETE_ALL = "DELETE FROM shop_product_search"
_DELETE_RANGE = "DELETE FROM shop_product_search WHERE rowid BETWEEN %s AND %s"
_INSERT = (
    "INSERT INTO shop_product_search (rowid, name, category, description) "
    "VALUES (%s, %s, %s, %s)"
)
_PRUNE = (
    "DELETE FROM shop_product_search "
    "WHERE rowid / %s NOT IN (SELECT id FROM shop_product)"
)
# bm25 weights of the columns (name, category, description) are ts_rank's A, B, C.
_MATCH = (
    "SELECT rowid, -bm25(shop_product_search, 1.0, 0.4, 0.2) "
    "FROM shop_product_search WHERE shop_product_search MATCH %s "
    "AND rowid %% %s = %s ORDER BY bm25(shop_product_search, 1.0, 0.4, 0.2) LIMIT %s"
)
_MATCH_IDS = (
    "SELECT rowid FROM shop_product_search "
    "WHERE shop_product_search MATCH %s AND rowid %% %s = %s"
)

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=len(STEMMERS))
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(STEMMERS[language])


def stems(text: str, *, language: str) -> list[str]:
    """The Snowball stems of the words of a text, in order."""
    words = _WORD.findall(text.lower())
    return list(_stemmer(language).stemWords(words)) if words else []


def enabled(using: str = "default") -> bool:
    """Whether this database keeps the stemmed index (SQLite only)."""
    return connections[using].vendor == "sqlite"


@dataclass(frozen=True)
class _Models:
    product: type[Model]
    category: type[Model]


def _category_paths(models: _Models, *, using: str) -> dict[int, dict[str, str]]:
    """Category id -> language -> the names of the category and its ancestors."""
    fields = [build_localized_fieldname("name", code) for code in LANGUAGES]
    rows = models.category.objects.using(using).values("pk", "path", *fields)  # type: ignore[attr-defined]
    by_path = {row["path"]: row for row in rows}
    paths: dict[int, dict[str, str]] = {}
    for row in by_path.values():
        parts = row["path"].split(".")
        chain = [
            by_path[".".join(parts[: n + 1])]
            for n in range(len(parts))
            if ".".join(parts[: n + 1]) in by_path
        ]
        paths[row["pk"]] = {
            code: " ".join(
                item[build_localized_fieldname("name", code)] or "" for item in chain
            )
            for code in LANGUAGES
        }
    return paths


def _write(models: _Models, *, product_ids: Iterable[int] | None, using: str) -> None:
    products = models.product.objects.using(using)  # type: ignore[attr-defined]
    if product_ids is not None:
        products = products.filter(pk__in=list(product_ids))
    fields = ["pk", "category_id", "brand"] + [
        build_localized_fieldname(field, code)
        for field in ("name", "description")
        for code in LANGUAGES
    ]
    paths = _category_paths(models, using=using)
    rows = []
    ids = []
    for product in products.values(*fields):
        ids.append(product["pk"])
        for position, code in enumerate(LANGUAGES):
            name = product[build_localized_fieldname("name", code)] or ""
            description = product[build_localized_fieldname("description", code)]
            category = paths.get(product["category_id"], {}).get(code, "")
            rows.append(
                (
                    product["pk"] * SLOTS + position,
                    " ".join(stems(f"{name} {product['brand']}", language=code)),
                    " ".join(stems(category, language=code)),
                    " ".join(stems(description or "", language=code)),
                )
            )
    with connections[using].cursor() as cursor:
        if product_ids is None:
            cursor.execute(_DELETE_ALL)
        else:
            cursor.executemany(
                _DELETE_RANGE, [(pk * SLOTS, pk * SLOTS + SLOTS - 1) for pk in ids]
            )
        cursor.executemany(_INSERT, rows)


def _models() -> _Models:
    return _Models(product=Product, category=Category)


def index_products(*, product_ids: Sequence[int], using: str = "default") -> None:
    """Rewrite the index rows of these products (a no-op off SQLite)."""
    if enabled(using) and product_ids:
        _write(_models(), product_ids=product_ids, using=using)


def index_category_subtree(*, path: str, using: str = "default") -> None:
    """Rewrite the rows of the products under a category whose names changed."""
    if not enabled(using):
        return
    product_ids = (
        Product.objects.using(using)
        .filter(Q(category__path=path) | Q(category__path__startswith=f"{path}."))
        .values_list("pk", flat=True)
    )
    index_products(product_ids=list(product_ids), using=using)


def index_prune(*, using: str = "default") -> None:
    """Drop the rows of products that no longer exist."""
    if not enabled(using):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(_PRUNE, [SLOTS])


def index_rebuild(
    *,
    using: str = "default",
    product_model: type[Model] | None = None,
    category_model: type[Model] | None = None,
) -> None:
    """Create the index if needed and fill it from every product (SQLite only).

    A migration passes its historical models; everything else the current ones.
    """
    if not enabled(using):
        return
    models = _models()
    if product_model is not None and category_model is not None:
        models = _Models(product=product_model, category=category_model)
    with connections[using].cursor() as cursor:
        cursor.execute(CREATE_SQL)
        cursor.execute(CREATE_VOCABULARY_SQL)
    _write(models, product_ids=None, using=using)


def _phrase(words: list[str]) -> str:
    # Stems hold only word characters, so a quoted FTS5 string needs no escaping.
    return '"' + " ".join(words) + '"'


@dataclass(frozen=True)
class Term:
    """One wanted or excluded part of a query: a word, a phrase, or a prefix word."""

    text: str
    prefix: bool = False
    joins_previous: bool = False  # "a or b": b joins a's group
    compounds: tuple[str, ...] = ()  # stems of names' compounds with this head


def compounds_ending_in(
    *, word: str, language: str, vocabulary: Iterable[str]
) -> tuple[str, ...]:
    """The words of the vocabulary that are compounds of this word as their head.

    "Pfannen" -> ("bratpfann",); empty for a language without such compounds.
    """
    if language not in COMPOUNDING:
        return ()
    found = stems(word, language=language)
    if len(found) != 1 or len(found[0]) < HEAD_MIN_CHARS:
        return ()
    head = found[0]
    matches = sorted(w for w in vocabulary if w != head and w.endswith(head))
    return tuple(matches[:MAX_COMPOUNDS])


def index_name_vocabulary(*, language: str, using: str = "default") -> frozenset[str]:
    """The stems of every product name in a language, as the index holds them."""
    if not enabled(using):
        return frozenset()
    with connections[using].cursor() as cursor:
        cursor.execute(_NAME_WORDS, [SLOTS, LANGUAGES.index(language)])
        return frozenset(row[0] for row in cursor.fetchall())


def _match_expression(terms: Sequence[Term], *, language: str) -> str:
    """An FTS5 query: groups ANDed, the members of a group ORed."""
    groups: list[list[str]] = []
    for term in terms:
        words = stems(term.text, language=language)
        if not words:
            continue
        alternatives = [_phrase(words)]
        if term.prefix:
            raw = _WORD.findall(term.text.lower())
            alternatives.append(f"{_phrase(raw)} *")
        if language in COMPOUNDING:
            alternatives += [_phrase([compound]) for compound in term.compounds]
        expression = (
            alternatives[0]
            if len(alternatives) == 1
            else "(" + " OR ".join(alternatives) + ")"
        )
        if term.joins_previous and groups:
            groups[-1].append(expression)
        else:
            groups.append([expression])
    return " AND ".join(
        group[0] if len(group) == 1 else "(" + " OR ".join(group) + ")"
        for group in groups
    )


def index_match(
    *,
    wanted: Sequence[Term],
    excluded: Sequence[Term],
    languages: Sequence[tuple[str, float]],
    limit: int,
    using: str = "default",
) -> dict[int, float]:
    """Product id -> score of the products matching in any of the languages.

    Each (language, factor) contributes factor x bm25 of its row; a product with
    an excluded term in any searched language's row is left out.
    """
    scores: dict[int, float] = {}
    out: set[int] = set()
    with connections[using].cursor() as cursor:
        for language, factor in languages:
            position = LANGUAGES.index(language)
            expression = _match_expression(wanted, language=language)
            if not expression:
                continue
            cursor.execute(_MATCH, [expression, SLOTS, position, limit])
            for rowid, score in cursor.fetchall():
                pk = rowid // SLOTS
                scores[pk] = scores.get(pk, 0.0) + factor * score
            excluded_expression = " OR ".join(
                _phrase(words)
                for words in (stems(t.text, language=language) for t in excluded)
                if words
            )
            if excluded_expression:
                cursor.execute(_MATCH_IDS, [excluded_expression, SLOTS, position])
                out.update(rowid // SLOTS for (rowid,) in cursor.fetchall())
    return {pk: score for pk, score in scores.items() if pk not in out}
