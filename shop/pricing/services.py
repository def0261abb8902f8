"""Setting prices, the 30-day prior-price rule, and tax shown per market."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from shop.models import Market, PriceHistory, TaxRate, Variant, VariantPrice
from shop.storefront.cache import catalog_version_bump

PRIOR_PRICE_WINDOW = timedelta(days=30)
CENT = Decimal("0.01")


def money_round(amount: Decimal) -> Decimal:
    """Round to cents, half up: done once, at the edge."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


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
class DisplayPrice:
    """A price as a shopper in one market sees it."""

    amount: Decimal
    currency: str
    regular_amount: Decimal | None
    prior_lowest_amount: Decimal | None
    includes_tax: bool
    tax_rate: Decimal | None

    @property
    def is_discounted(self) -> bool:
        return self.regular_amount is not None and self.regular_amount > self.amount

    @property
    def discount_percent(self) -> int:
        if not self.is_discounted:
            return 0
        assert self.regular_amount is not None  # is_discounted
        return int(
            ((1 - self.amount / self.regular_amount) * 100).to_integral_value(
                ROUND_HALF_UP
            )
        )


def display_price(
    *, price: VariantPrice, market: Market, tax_rate: TaxRate | None = None
) -> DisplayPrice:
    """A price as shown in a market: gross where prices include tax, else net.

    Prices in tax-inclusive markets are entered gross, so they are shown as entered;
    the rate is carried along so the page can name it.
    """
    prior = price.prior_lowest_amount if market.shows_prior_price else None
    return DisplayPrice(
        amount=price.amount,
        currency=market.currency,
        regular_amount=price.regular_amount if price.is_discounted else None,
        prior_lowest_amount=prior if price.is_discounted else None,
        includes_tax=market.prices_include_tax,
        tax_rate=tax_rate.rate if tax_rate else None,
    )


def gross_for_destination(
    *, gross: Decimal, origin_rate: Decimal, destination_rate: Decimal
) -> Decimal:
    """Re-base a gross price entered at one VAT rate onto another country's rate."""
    net = gross / (1 + origin_rate)
    return money_round(net * (1 + destination_rate))
