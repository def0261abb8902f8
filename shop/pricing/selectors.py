"""What a shopper pays now: the one effective price, and the EU prior-price rule.

`price_effective` is the only place that decides a variant's price in a market:
product pages, listing cards, the cart, the checkout, order placement and the live
show's buy box all ask it. A price is the variant's `VariantPrice.amount` (which
may be a staff discount: `regular_amount` above it) or a running promotion's, the
lowest of them; a promotion never raises a price.

An announced reduction (struck price and percentage) is measured, in markets with
the EU rule (`Market.shows_prior_price`), against the lowest price in effect in the
30 days before the reduction began; when that low is not above the paid amount, no
reduction is announced at all. Elsewhere it is measured against the regular price.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.models import Market, Promotion, TaxRate, Variant, VariantPrice

PRICES_ATTR = "market_prices"
PROMOTIONS_ATTR = "market_promotions"
_TAX_RATE_ATTR = "_effective_price_tax_rate"
# `price_effective(tax_rate=...)` not given: the rate is looked up when a page asks.
_LOOKUP: Any = object()


class ReductionKind(models.TextChoices):
    NONE = "none", _("none")
    SALE = "sale", _("sale")
    PROMOTION = "promotion", _("promotion")


@dataclass(frozen=True)
class EffectivePrice:
    """What a shopper in one market pays for a variant at one moment, and how the
    pages may present it.

    `reference_amount` is the struck price of an announced reduction and
    `percent_off` its size; both are empty (None, 0) when no reduction may be
    announced, even if `kind` says one is in effect. `prior_lowest_amount` is the
    30-day low that EU pages name beside a reduction.
    """

    amount: Decimal
    currency: str
    includes_tax: bool
    market: Market = field(repr=False, compare=False)
    kind: str = ReductionKind.NONE
    reference_amount: Decimal | None = None
    percent_off: int = 0
    prior_lowest_amount: Decimal | None = None
    ends_at: datetime | None = None
    regular_amount: Decimal | None = None
    known_tax_rate: Any = field(default=_LOOKUP, repr=False, compare=False)

    @property
    def tax_rate(self) -> Decimal | None:
        """The rate the tax label names; looked up once per market, when asked."""
        if self.known_tax_rate is _LOOKUP:
            return market_tax_rate(market=self.market)
        return self.known_tax_rate

    @property
    def is_reduced(self) -> bool:
        """A reduction is announced: a struck price and a percentage."""
        return self.reference_amount is not None

    @property
    def is_promotion(self) -> bool:
        return self.kind == ReductionKind.PROMOTION


def prices_prefetch(*, market: Market, at: datetime | None = None) -> list[Prefetch]:
    """Prefetches for a Variant queryset that let `price_effective` run no query:
    the variant's price in `market` and its promotions not yet over at `at`."""
    return [
        Prefetch(
            "prices",
            queryset=VariantPrice.objects.filter(market=market),
            to_attr=PRICES_ATTR,
        ),
        Prefetch(
            "promotions",
            queryset=Promotion.objects.filter(
                market=market, ends_at__gt=at or timezone.now()
            ).order_by("starts_at", "id"),
            to_attr=PROMOTIONS_ATTR,
        ),
    ]


def market_tax_rate(*, market: Market) -> Decimal | None:
    """The tax rate of the market's home country, looked up once per market object
    (a request resolves its market once, so a page asks once)."""
    if _TAX_RATE_ATTR not in market.__dict__:
        rate = (
            TaxRate.objects.filter(country=market.default_country, region="")
            .values_list("rate", flat=True)
            .first()
        )
        market.__dict__[_TAX_RATE_ATTR] = rate
    return market.__dict__[_TAX_RATE_ATTR]


def _variant_price(variant: Variant, market: Market) -> VariantPrice | None:
    prices = getattr(variant, PRICES_ATTR, None)
    if prices is None:
        return VariantPrice.objects.filter(variant=variant, market=market).first()
    return next((p for p in prices if p.market_id == market.pk), None)


def _running_promotion(
    variant: Variant, market: Market, at: datetime
) -> Promotion | None:
    promotions = getattr(variant, PROMOTIONS_ATTR, None)
    if promotions is None:
        return (
            Promotion.objects.filter(
                variant=variant, market=market, starts_at__lte=at, ends_at__gt=at
            )
            .order_by("starts_at")
            .first()
        )
    return next(
        (p for p in promotions if p.market_id == market.pk and p.is_active_at(at)),
        None,
    )


def percent_off(*, amount: Decimal, reference: Decimal) -> int:
    """`17` for 144.99 against 174.99: rounded half up, 0 when nothing is off."""
    if reference <= 0 or amount >= reference:
        return 0
    return int(((1 - amount / reference) * 100).to_integral_value(ROUND_HALF_UP))


def price_effective(
    *,
    variant: Variant,
    market: Market,
    at: datetime | None = None,
    tax_rate: TaxRate | None = _LOOKUP,
) -> EffectivePrice | None:
    """What a shopper pays for `variant` in `market` at `at` (now); None when the
    variant is not sold there.

    Reads the variant's `prices_prefetch` attributes when present, else runs at most
    two queries. A page that has the market's `tax_rate` at hand passes it.
    """
    at = at or timezone.now()
    price = _variant_price(variant, market)
    if price is None:
        return None
    on_sale = price.regular_amount is not None and price.regular_amount > price.amount
    regular = price.regular_amount if on_sale else price.amount
    amount, kind = price.amount, ReductionKind.SALE if on_sale else ReductionKind.NONE
    prior, ends_at = price.prior_lowest_amount, None
    promotion = _running_promotion(variant, market, at)
    # A promotion never raises a price, even if the price dropped below it meanwhile.
    if promotion is not None and promotion.amount < amount:
        amount, kind = promotion.amount, ReductionKind.PROMOTION
        prior, ends_at = promotion.prior_lowest_amount, promotion.ends_at
    if kind == ReductionKind.NONE:
        reference = None
    elif market.shows_prior_price:
        reference = prior
    else:
        reference = regular
        prior = None
    if reference is None or reference <= amount:
        reference, prior = None, None
    return EffectivePrice(
        amount=amount,
        currency=market.currency,
        includes_tax=market.prices_include_tax,
        market=market,
        kind=kind,
        reference_amount=reference,
        percent_off=(
            percent_off(amount=amount, reference=reference) if reference else 0
        ),
        prior_lowest_amount=prior if market.shows_prior_price else None,
        ends_at=ends_at,
        regular_amount=regular,
        known_tax_rate=(
            tax_rate if tax_rate is _LOOKUP else getattr(tax_rate, "rate", None)
        ),
    )


def remaining_text(*, ends_at: datetime | None, now: datetime | None = None) -> str:
    """`4:59` (or `1:00:00`): the time left until `ends_at`, for pages."""
    if ends_at is None:
        return ""
    seconds = max(0, int((ends_at - (now or timezone.now())).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def promotions_next_change(
    *, variants: Iterable[Variant], at: datetime
) -> datetime | None:
    """The next time after `at` that a promotion of these variants starts or ends,
    from the promotions `prices_prefetch` fetched (no query): their prices stay as
    they are until then, barring a write."""
    times = [
        when
        for variant in variants
        for promotion in getattr(variant, PROMOTIONS_ATTR)
        for when in (promotion.starts_at, promotion.ends_at)
        if when > at
    ]
    return min(times, default=None)
