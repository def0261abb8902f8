"""Setting prices and promotions, the 30-day prior-price rule, and tax rates.

What a shopper pays is read in one place: `shop.pricing.selectors.price_effective`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Min, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.markets.addresses import region_name
from shop.models import (
    LocalTaxRate,
    Market,
    PriceHistory,
    Promotion,
    TaxRate,
    User,
    Variant,
    VariantPrice,
)
from shop.storefront.cache import catalog_version_bump

PRIOR_PRICE_WINDOW = timedelta(days=30)
CENT = Decimal("0.01")


def money_round(amount: Decimal) -> Decimal:
    """Round to cents, half up: done once, at the edge."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def cents_allocate(total: Decimal, exact: list[Decimal]) -> list[Decimal]:
    """Round each share to cents so that the shares add up to `total` exactly."""
    rounded = [money_round(value) for value in exact]
    difference = total - sum(rounded, Decimal("0"))
    if not exact or difference == 0:
        return rounded
    step = CENT if difference > 0 else -CENT
    # The shares that lost most to rounding take the remaining cents.
    order = sorted(
        range(len(exact)),
        key=lambda i: (exact[i] - rounded[i]) * (1 if step > 0 else -1),
        reverse=True,
    )
    index = 0
    while difference != 0:
        rounded[order[index % len(order)]] += step
        difference -= step
        index += 1
    return rounded


def tax_amounts(
    *, amounts: list[Decimal], rate: Decimal, included: bool
) -> tuple[Decimal, list[Decimal]]:
    """The tax of amounts at one rate, and each amount's share of it in cents that add
    up to it exactly: the VAT inside gross amounts, or the tax added to net ones."""
    factor = rate / (1 + rate) if included else rate
    total = money_round(sum(amounts, Decimal("0")) * factor)
    return total, cents_allocate(total, [amount * factor for amount in amounts])


def prior_lowest_amount(
    *, variant: Variant, market: Market, before: datetime
) -> Decimal | None:
    """Lowest price in effect at any time in the 30 days before `before`."""
    window_start = before - PRIOR_PRICE_WINDOW
    history = PriceHistory.objects.filter(variant=variant, market=market)
    in_window = history.filter(
        effective_from__gt=window_start, effective_from__lt=before
    ).aggregate(lowest=Min("amount"))["lowest"]
    # The price that was already in effect when the window opened counts too.
    at_start = (
        history.filter(effective_from__lte=window_start)
        .order_by("-effective_from")
        .values_list("amount", flat=True)
        .first()
    )
    candidates = [a for a in (in_window, at_start) if a is not None]
    return min(candidates) if candidates else None


@transaction.atomic
def price_set(
    *,
    variant: Variant,
    market: Market,
    amount: Decimal,
    regular_amount: Decimal | None = None,
    at: datetime | None = None,
) -> VariantPrice:
    """Set a variant's price in a market, with its history and prior lowest price."""
    at = at or timezone.now()
    amount = money_round(Decimal(amount))
    regular_amount = money_round(Decimal(regular_amount)) if regular_amount else None
    if amount < 0:
        raise ValueError("A price cannot be negative.")
    if regular_amount is not None and regular_amount <= amount:
        regular_amount = None
    price = (
        VariantPrice.objects.select_for_update()
        .filter(variant=variant, market=market)
        .first()
    )
    if price is not None and price.amount == amount:
        # Same selling price: only the regular (strike-through) price may change.
        if price.regular_amount != regular_amount:
            price.regular_amount = regular_amount
            price.save(update_fields=["regular_amount"])
            catalog_version_bump()
        return price
    prior = prior_lowest_amount(variant=variant, market=market, before=at)
    PriceHistory.objects.create(
        variant=variant, market=market, amount=amount, effective_from=at
    )
    if price is None:
        price = VariantPrice(variant=variant, market=market)
    price.amount = amount
    price.regular_amount = regular_amount
    price.prior_lowest_amount = prior
    price.effective_from = at
    price.save()
    catalog_version_bump()
    return price


def tax_rate_for(*, country: str, region: str = "") -> TaxRate | None:
    """The rate for a destination: the region's own, else the country's."""
    rates = {
        r.region: r
        for r in TaxRate.objects.filter(country=country, region__in={"", region})
    }
    return rates.get(region) or rates.get("")


@dataclass(frozen=True)
class DestinationTax:
    """The tax of an order to one destination: its rate, whether the market's
    prices include it (VAT) or it is added on top (sales tax), and for an added
    tax the jurisdiction whose rate it is ("San Francisco (CA)")."""

    rate: Decimal
    included: bool
    jurisdiction: str = ""


def local_tax_rate_for(*, country: str, postal_code: str) -> LocalTaxRate | None:
    """The imported rate of a postal code (a ZIP+4 code counts by its ZIP code)."""
    code = postal_code.strip().upper().split("-")[0].replace(" ", "")
    if not code:
        return None
    return LocalTaxRate.objects.filter(country=country, postal_code=code).first()


def destination_tax(
    *, market: Market, country: str, region: str = "", postal_code: str = ""
) -> DestinationTax:
    """The tax rule of an order: where prices include tax, the gross price is what
    the shopper pays in every country of the market and only the VAT inside it
    follows the destination's rate; elsewhere the rate of the postal code (staff
    import them), else of the state, else of the country is added."""
    if market.prices_include_tax:
        found = tax_rate_for(country=country) or tax_rate_for(
            country=market.default_country
        )
        return DestinationTax(rate=found.rate if found else Decimal("0"), included=True)
    local = local_tax_rate_for(country=country, postal_code=postal_code)
    if local is not None and local.region == region:
        return DestinationTax(
            rate=local.rate,
            included=False,
            jurisdiction=f"{local.name} ({local.region})",
        )
    found = tax_rate_for(country=country, region=region)
    jurisdiction = ""
    if found is not None and found.region:
        jurisdiction = _("%(state)s, state rate") % {
            "state": region_name(country=country, code=found.region)
        }
    return DestinationTax(
        rate=found.rate if found else Decimal("0"),
        included=False,
        jurisdiction=jurisdiction,
    )


class PromotionError(Exception):
    """A promotion that cannot start; `code` says why: `amount` or `overlap`."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def promotion_start(
    *,
    price: VariantPrice,
    amount: Decimal,
    ends_at: datetime,
    by: User | None = None,
    label: str = "",
    at: datetime | None = None,
) -> Promotion:
    """Lower a variant's price in a market from `at` (now) until `ends_at`.

    The caller holds `price` locked (select_for_update) so that no price change
    slips in between. Keeps the lowest price of the 30 days before, for the EU rule.
    """
    at = at or timezone.now()
    amount = money_round(Decimal(amount))
    if not Decimal("0") < amount < price.amount:
        raise PromotionError(
            "A promotion price must be above zero and below the current price.",
            code="amount",
        )
    if ends_at <= at:
        raise PromotionError("A promotion must end after it starts.", code="ends_at")
    promotion = Promotion(
        variant_id=price.variant_id,
        market_id=price.market_id,
        amount=amount,
        prior_lowest_amount=prior_lowest_amount(
            variant=price.variant, market=price.market, before=at
        ),
        starts_at=at,
        ends_at=ends_at,
        label=label[:80],
        created_by=by,
    )
    overlapping = Promotion.objects.filter(
        variant_id=price.variant_id,
        market_id=price.market_id,
        starts_at__lt=ends_at,
        ends_at__gt=at,
    )
    if overlapping.exists():
        raise PromotionError(
            "Another promotion of this price overlaps.", code="overlap"
        )
    try:
        with transaction.atomic():
            promotion.save()
    except IntegrityError:
        # PostgreSQL's exclusion constraint: another promotion got there first.
        raise PromotionError(
            "Another promotion of this price overlaps.", code="overlap"
        ) from None
    catalog_version_bump()
    return promotion


def promotions_end(
    *, promotions: QuerySet[Promotion], at: datetime | None = None
) -> int:
    """End the promotions of `promotions` running at `at` (now); returns how many."""
    at = at or timezone.now()
    ended = promotions.filter(starts_at__lte=at, ends_at__gt=at).update(
        # A promotion ended in the microsecond it began still ends after it began.
        ends_at=Greatest(Value(at), F("starts_at") + timedelta(microseconds=1))
    )
    if ended:
        catalog_version_bump()
    return ended


@transaction.atomic
def variant_prices_save(
    *, prices: list[VariantPrice], deleted: Sequence[VariantPrice] = ()
) -> list[VariantPrice]:
    """Save price rows as staff edited them, each through `price_set`; a row moved
    to another market takes the old market's price away rather than keeping it."""
    for price in deleted:
        VariantPrice.objects.filter(pk=price.pk).delete()
    stored = VariantPrice.objects.in_bulk([p.pk for p in prices if p.pk is not None])
    saved = []
    for price in prices:
        before = stored.get(price.pk)
        if before is not None and before.market_id != price.market_id:
            before.delete()
        saved.append(
            price_set(
                variant=price.variant,
                market=price.market,
                amount=price.amount,
                regular_amount=price.regular_amount,
            )
        )
    if deleted:
        catalog_version_bump()
    return saved
