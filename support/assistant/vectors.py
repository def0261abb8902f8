"""Product vectors per language, for finding products by meaning.

Each active product gets one passage embedding per shopper language, computed
from its name, category, description and specifications in that language. A
refresh re-embeds only products whose text changed (a hash of the text is
stored) and removes vectors of products that are gone or inactive; a Celery beat
task runs it periodically, and `assistant_vectors_refresh` on demand.
"""

import hashlib

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import translation

from shop.markets.models import Market
from shop.models import Product, Specification
from shop.reviews.sentiment import passage_embeddings
from shop.storefront.formatting import specification_value
from support.models import ProductVector

BATCH = 32


def product_vector_text(*, product: Product, language: str, market: Market) -> str:
    """What a product's vector in `language` is computed from."""
    with translation.override(language):
        parts = [product.name, product.category.name, product.description]
        for spec in product.specification_list:  # type: ignore[attr-defined]
            value = specification_value(spec, market, language)
            if value:
                parts.append(f"{spec.label}: {value}")
    return ". ".join(part.strip() for part in parts if part and part.strip())


def product_vectors_refresh(*, product_ids: list[int] | None = None) -> int:
    """Embed every active product (or those given) whose text changed; returns how
    many vectors were written."""
    products = (
        Product.objects.filter(is_active=True)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "specifications",
                queryset=Specification.objects.order_by("position", "id"),
                to_attr="specification_list",
            )
        )
        .order_by("id")
    )
    if product_ids is not None:
        products = products.filter(pk__in=product_ids)
    # Units follow a metric market: vectors are about meaning, not display.
    market = Market.objects.filter(measurement_system="metric").first() or Market()
    stored = {
        (row.product_id, row.language): row.source_hash
        for row in ProductVector.objects.only("product_id", "language", "source_hash")
    }
    pending: list[tuple[int, str, str, str]] = []
    for product in products:
        for language in settings.SHOPPER_LANGUAGES:
            text = product_vector_text(
                product=product, language=language, market=market
            )
            digest = hashlib.sha256(text.encode()).hexdigest()
            if stored.get((product.pk, language)) != digest:
                pending.append((product.pk, language, text, digest))
    written = 0
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        vectors = passage_embeddings(texts=[text for _p, _l, text, _d in batch])
        with transaction.atomic():
            for (product_id, language, _text, digest), vector in zip(
                batch, vectors, strict=True
            ):
                ProductVector.objects.update_or_create(
                    product_id=product_id,
                    language=language,
                    defaults={
                        "source_hash": digest,
                        "vector": np.asarray(vector, dtype="<f4").tobytes(),
                    },
                )
                written += 1
    if product_ids is None:
        ProductVector.objects.exclude(product__is_active=True).delete()
    return written
