"""Product search: full-text search per language, stemmed on every database.

On PostgreSQL a product's document in a language is its name and brand (weight A)
and its description (weight C) in that language, analysed with the language's
text-search configuration; the category's name adds weight B to the ranking.
Migration 0003 indexes exactly these documents (one GIN expression index per
language), so `search_document` and the migration must build the same expression.
A shopper searching in another language also searches the English fields, so a
product that is not translated yet can still be found. On SQLite (the embedded
default) the same documents are stemmed in Python with the same Snowball algorithms
into an FTS5 table (`shop.catalog.search_index`), so word forms match there too.
"""

import re
from functools import lru_cache, reduce
from operator import or_

from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.cache import cache
from django.db import connections
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from modeltranslation.utils import build_localized_fieldname

from shop.catalog import search_index
from shop.catalog.search_index import Term
from shop.markets.services import shopper_language
from shop.models import Category, Product
from shop.storefront.cache import CATALOG_VERSION_KEY

# PostgreSQL text-search configuration per shopper language: PostgreSQL's Snowball
# configurations carry the algorithms' names, the ones the SQLite index uses. A
# configuration the server lacks (older servers have no Indonesian) falls back to
# "simple".
SEARCH_CONFIGS = search_index.STEMMERS
FALLBACK_LANGUAGE = "en"
# A match found only through the English fallback counts for half.
FALLBACK_RANK_FACTOR = 0.5
MAX_QUERY_CHARS = 200
# The last word of a query also matches as a prefix ("jack" finds "jacket") from
# this many characters on.
PREFIX_MIN_CHARS = 3
# On SQLite, the best this many matches per language are ranked and returned.
SQLITE_MAX_RESULTS = 1000
VOCABULARY_SECONDS = 3600

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


def _without_exclusions(query: str) -> str:
    """The query less its -word and -"phrase" parts: ts_rank scores NOT as zero."""
    kept = [
        match.group(0)
        for match in _TOKEN.finditer(query)
        if not (match.group(1) or match.group(3))
    ]
    return " ".join(kept)


def _tsquery(
    query: str, config: str, compounds: dict[str, tuple[str, ...]] | None = None
) -> SearchQuery:
    """websearch_to_tsquery, with the last word also matched as a prefix, and a
    word also matched by the compounds it heads (one word at a time)."""
    found = SearchQuery(query, config=config, search_type="websearch")
    words = query.split(" ")
    for word, lexemes in (compounds or {}).items():
        # The lexemes are the index's own: "simple" keeps them as they are.
        heads = " | ".join(f"'{lexeme}'" for lexeme in lexemes)
        alternative = SearchQuery(heads, config="simple", search_type="raw")
        rest = " ".join(w for w in words if w != word)
        if _WORD.search(rest):
            rest_query = SearchQuery(rest, config=config, search_type="websearch")
            alternative = rest_query & alternative
        found = found | alternative
    last = words[-1]
    if (
        len(last) < PREFIX_MIN_CHARS
        or not _WORD.fullmatch(last)
        or last.lower() == "or"
        or query.count('"') % 2
    ):
        return found
    prefix = SearchQuery(f"'{last}':*", config=config, search_type="raw")
    rest = " ".join(words[:-1])
    if _WORD.search(rest):
        prefix = SearchQuery(rest, config=config, search_type="websearch") & prefix
    return found | prefix


def _name_vocabulary(*, language: str, using: str) -> frozenset[str]:
    """The stems of the product names in a language, cached per catalog version."""
    version = cache.get(CATALOG_VERSION_KEY, 0)
    key = f"search:names:{using}:{language}:{version}"
    vocabulary = cache.get(key)
    if vocabulary is not None:
        return vocabulary
    if connections[using].vendor != "postgresql":
        vocabulary = search_index.index_name_vocabulary(language=language, using=using)
    else:
        config = search_config(language, using)
        column = build_localized_fieldname("name", language)
        # The configuration comes from the server's own list, the column from the
        # model: neither is user input.
        documents = (
            f"SELECT to_tsvector('{config}', coalesce({column}, '')) "  # noqa: S608
            "FROM shop_product WHERE is_active"
        )
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT word FROM ts_stat(%s)", [documents])
            vocabulary = frozenset(
                row[0] for row in cursor.fetchall() if _WORD.fullmatch(row[0])
            )
    cache.set(key, vocabulary, VOCABULARY_SECONDS)
    return vocabulary


def _compounds(*, query: str, language: str, using: str) -> dict[str, tuple[str, ...]]:
    """Plain query word -> the names' compounds it is the head of (German)."""
    if language not in search_index.COMPOUNDING:
        return {}
    words = [
        match.group(4)
        for match in _TOKEN.finditer(query)
        if match.group(4) and not match.group(3) and _WORD.fullmatch(match.group(4))
    ]
    if not words:
        return {}
    vocabulary = _name_vocabulary(language=language, using=using)
    found = {
        word: search_index.compounds_ending_in(
            word=word, language=language, vocabulary=vocabulary
        )
        for word in words
    }
    return {word: compounds for word, compounds in found.items() if compounds}


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
    compounds = _compounds(query=query, language=language, using=using)
    documents, matches, ranks = {}, [], []
    for position, code in enumerate(languages):
        config = search_config(code, using)
        heads = compounds if position == 0 else None
        tsquery = _tsquery(query, config, heads)
        rank_tsquery = _tsquery(ranked_query, config, heads)
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


def _query_terms(
    query: str, compounds: dict[str, tuple[str, ...]] | None = None
) -> tuple[list[Term], list[Term]]:
    """(wanted, excluded) terms as the SQLite index reads them: the last plain word
    is also a prefix, "a or b" makes b an alternative to a."""
    tokens = list(_TOKEN.finditer(query))
    wanted: list[Term] = []
    excluded: list[Term] = []
    joins = False
    for position, match in enumerate(tokens):
        phrase, word = match.group(2), match.group(4)
        text = (phrase if phrase is not None else word).strip()
        if word is not None and word.lower() == "or":
            joins = bool(wanted)
            continue
        if not _WORD.search(text):
            continue
        if match.group(1) or match.group(3):
            excluded.append(Term(text))
            continue
        last_word = (
            position == len(tokens) - 1
            and phrase is None
            and len(text) >= PREFIX_MIN_CHARS
            and _WORD.fullmatch(text) is not None
        )
        wanted.append(
            Term(
                text,
                prefix=last_word,
                joins_previous=joins,
                compounds=(compounds or {}).get(text, ()) if phrase is None else (),
            )
        )
        joins = False
    return wanted, excluded


def _sqlite_search(
    products: QuerySet[Product], *, query: str, language: str
) -> QuerySet[Product]:
    """The stemmed FTS5 index (shop.catalog.search_index), ranked like PostgreSQL."""
    compounds = _compounds(query=query, language=language, using=products.db)
    wanted, excluded = _query_terms(query, compounds)
    scores = search_index.index_match(
        wanted=wanted,
        excluded=excluded,
        languages=[
            (code, 1.0 if position == 0 else FALLBACK_RANK_FACTOR)
            for position, code in enumerate(_languages(language))
        ],
        limit=SQLITE_MAX_RESULTS,
        using=products.db,
    )
    if not scores:
        return products.none()
    rank = Case(
        *[When(pk=pk, then=Value(score)) for pk, score in scores.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    return (
        products.filter(pk__in=list(scores)).annotate(rank=rank).order_by("-rank", "pk")
    )


def product_search(*, query: str, language: str) -> QuerySet[Product]:
    """Active products matching a shopper's query in a language, best match first."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS].strip()
    wanted, _excluded = _query_terms(query)
    if not wanted:
        return Product.objects.none()
    language = shopper_language(language)
    products = Product.objects.filter(is_active=True)
    if connections[products.db].vendor == "postgresql":
        return _postgresql_search(products, query=query, language=language)
    return _sqlite_search(products, query=query, language=language)
