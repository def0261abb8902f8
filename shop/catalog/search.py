"""Product search: PostgreSQL full-text search per language, a plain fallback else.

On PostgreSQL a product's document in a language is its name and brand (weight A)
and its description (weight C) in that language, analysed with the language's
text-search configuration; the category's name adds weight B to the ranking.
Migration 0003 indexes exactly these documents (one GIN expression index per
language), so `search_document` and the migration must build the same expression.
A shopper searching in another language also searches the English fields, so a
product that is not translated yet can still be found.
"""

import re
from functools import lru_cache, reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connections
from django.db.models import Case, Expression, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from modeltranslation.utils import build_localized_fieldname

from shop.markets.services import shopper_language
from shop.models import Category, Product

# PostgreSQL text-search configuration per shopper language; a configuration the
# server lacks (Indonesian arrived in PostgreSQL 16) falls back to "simple".
SEARCH_CONFIGS = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "pt-br": "portuguese",
    "id": "indonesian",
}
FALLBACK_LANGUAGE = "en"
# A match found only through the English fallback counts for half.
FALLBACK_RANK_FACTOR = 0.5
MAX_QUERY_CHARS = 200
# The last word of a query also matches as a prefix ("jack" finds "jacket") from
# this many characters on.
PREFIX_MIN_CHARS = 3

_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


@lru_cache(maxsize=8)
def _server_configs(host: str, port: str, name: str, using: str) -> frozenset[str]:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_catalog.pg_ts_config")
        return frozenset(row[0] for row in cursor.fetchall())


def search_config(language: str, using: str = "default") -> str:
    """The text-search configuration for a language on this database server."""
    wanted = SEARCH_CONFIGS.get(language, "simple")
    settings_dict = connections[using].settings_dict
    available = _server_configs(
        str(settings_dict.get("HOST") or ""),
        str(settings_dict.get("PORT") or ""),
        str(settings_dict.get("NAME") or ""),
        using,
    )
    return wanted if wanted in available else "simple"


def search_document(language: str, config: str) -> CombinedSearchVector:
    """A product's weighted document in a language: the indexed expression."""
    return SearchVector(  # type: ignore[return-value]  # stubs miss SearchVector.__add__
        build_localized_fieldname("name", language), "brand", config=config, weight="A"
    ) + SearchVector(
        build_localized_fieldname("description", language), config=config, weight="C"
    )


def _terms(query: str) -> tuple[list[str], list[str]]:
    """(wanted, excluded) terms of a websearch-style query: quotes, -word, or."""
    wanted: list[str] = []
    excluded: list[str] = []
    for match in _TOKEN.finditer(query):
        phrase, word = match.group(2), match.group(4)
        text = (phrase if phrase is not None else word).strip()
        if word is not None and word.lower() == "or":
            continue
        if not _WORD.search(text):
            continue
        negated = match.group(1) or match.group(3)
        (excluded if negated else wanted).append(text)
    return wanted, excluded


def _without_exclusions(query: str) -> str:
    """The query less its -word and -"phrase" parts: ts_rank scores NOT as zero."""
    kept = [
        match.group(0)
        for match in _TOKEN.finditer(query)
        if not (match.group(1) or match.group(3))
    ]
    return " ".join(kept)


def _tsquery(query: str, config: str) -> SearchQuery:
    """websearch_to_tsquery, with the last word also matched as a prefix."""
    full = SearchQuery(query, config=config, search_type="websearch")
    words = query.split(" ")
    last = words[-1]
    if (
        len(last) < PREFIX_MIN_CHARS
        or not _WORD.fullmatch(last)
        or last.lower() == "or"
        or query.count('"') % 2
    ):
        return full
    prefix = SearchQuery(f"'{last}':*", config=config, search_type="raw")
    rest = " ".join(words[:-1])
    if _WORD.search(rest):
        prefix = SearchQuery(rest, config=config, search_type="websearch") & prefix
    return full | prefix


def _languages(language: str) -> list[str]:
    return [language] if language == FALLBACK_LANGUAGE else [language, "en"]


def _categories_matching(*, query: str, languages: list[str], using: str) -> list[int]:
    """Ids of the categories whose name matches, with their subcategories."""
    annotations, matches = {}, []
    for language in languages:
        config = search_config(language, using)
        alias = f"_name_{language.replace('-', '_')}"
        annotations[alias] = SearchVector(
            build_localized_fieldname("name", language), config=config
        )
        matches.append(Q(**{alias: _tsquery(query, config)}))
    paths = list(
        Category.objects.using(using)
        .alias(**annotations)
        .filter(reduce(or_, matches))
        .values_list("path", flat=True)
    )
    if not paths:
        return []
    subtrees = reduce(or_, [Q(path=p) | Q(path__startswith=f"{p}.") for p in paths])
    return list(
        Category.objects.using(using).filter(subtrees).values_list("pk", flat=True)
    )


def _postgresql_search(
    products: QuerySet[Product], *, query: str, language: str
) -> QuerySet[Product]:
    using = products.db
    languages = _languages(language)
    ranked_query = _without_exclusions(query)
    documents, matches, ranks = {}, [], []
    for position, code in enumerate(languages):
        config = search_config(code, using)
        tsquery = _tsquery(query, config)
        rank_tsquery = _tsquery(ranked_query, config)
        document = search_document(code, config)
        alias = f"_document_{code.replace('-', '_')}"
        documents[alias] = document
        matches.append(Q(**{alias: tsquery}))
        category_name = SearchVector(
            f"category__{build_localized_fieldname('name', code)}",
            config=config,
            weight="B",
        )
        rank = SearchRank(document + category_name, rank_tsquery)
        ranks.append(rank if position == 0 else rank * Value(FALLBACK_RANK_FACTOR))
    category_ids = _categories_matching(query=query, languages=languages, using=using)
    if category_ids:
        matches.append(Q(category_id__in=category_ids))
    return (
        products.alias(**documents)
        .filter(reduce(or_, matches))
        .annotate(rank=reduce(lambda a, b: a + b, ranks))
        .order_by("-rank", "pk")
    )


def _fallback_search(
    products: QuerySet[Product], *, query: str, language: str
) -> QuerySet[Product]:
    """Every wanted term in some field, no excluded term anywhere (SQLite)."""
    wanted, excluded = _terms(query)
    languages = _languages(language)
    fields = ["brand"]
    names = []
    for code in languages:
        names.append(build_localized_fieldname("name", code))
        fields += [
            build_localized_fieldname("description", code),
            f"category__{build_localized_fieldname('name', code)}",
        ]
    fields += names

    def anywhere(term: str) -> Q:
        return reduce(or_, [Q(**{f"{field}__icontains": term}) for field in fields])

    def in_name(term: str) -> Q:
        return reduce(or_, [Q(**{f"{field}__icontains": term}) for field in names])

    found = products.filter(reduce(and_, [anywhere(term) for term in wanted]))
    for term in excluded:
        found = found.exclude(anywhere(term))
    name_hits: list[Expression] = [
        Case(When(in_name(term), then=Value(1.0)), default=Value(0.0))
        for term in wanted
    ]
    return found.annotate(
        rank=Coalesce(reduce(lambda a, b: a + b, name_hits), Value(0.0))
    ).order_by("-rank", "pk")


def product_search(*, query: str, language: str) -> QuerySet[Product]:
    """Active products matching a shopper's query in a language, best match first."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS].strip()
    wanted, _excluded = _terms(query)
    if not wanted:
        return Product.objects.none()
    language = shopper_language(language)
    products = Product.objects.filter(is_active=True)
    if connections[products.db].vendor == "postgresql":
        return _postgresql_search(products, query=query, language=language)
    return _fallback_search(products, query=query, language=language)
