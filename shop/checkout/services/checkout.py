"""Checkout rules: shipping options and the summary that names every charge before
the order button (addresses per country: `shop.markets.addresses`).

Tax (`shop.pricing.services.destination_tax`): in markets whose prices include tax
(EU VAT) the gross price shown is the price paid in every country of the market;
only the VAT inside it follows the destination country's rate, and is shown.
Elsewhere (US) prices are net and sales tax for the destination is added as its own
line.
Shipping is taxed like the goods where VAT applies; US sales tax is on the goods only.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from shop.checkout.services.cart import (
    cart_is_empty,
    cart_line_unit_amount,
    cart_lines,
    cart_market_switch,
    cart_refresh,
    cart_refresh_plan,
    variant_label,
)
from shop.compliance.selectors import variant_offerable
from shop.models import (
    Cart,
    CartLine,
    DutiesMode,
    Market,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
)
from shop.pricing.services import destination_tax, tax_amounts
from shop.shipping.customs import duties_for_shipment
from shop.storefront.formatting import babel_locale, tax_label


def country_name(code: str, language: str | None = None) -> str:
    """A country's name in a language (the active one by default): DE -> Deutschland."""
    locale = Locale.parse(babel_locale(language or get_language() or "en", code))
    return locale.territories.get(code, code)


@dataclass(frozen=True)
class ShippingAddress:
    email: str
    full_name: str
    line1: str
    postal_code: str
    city: str
    country: str
    line2: str = ""
    region: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ShippingAddress":
        names = cls.__dataclass_fields__
        return cls(**{key: str(value) for key, value in data.items() if key in names})


# --- Shipping ----------------------------------------------------------------------


def _add_business_days(start: date, days: int) -> date:
    current, added = start, 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


@dataclass(frozen=True)
class ShippingOption:
    """A shipping method as offered to one address, priced in the market."""

    method: ShippingMethod
    name: str
    carrier: str
    amount: Decimal
    is_free: bool
    days_min: int
    days_max: int
    first_day: date
    last_day: date


def shipping_options(
    *,
    market: Market,
    country: str,
    subtotal: Decimal,
    now: datetime | None = None,
) -> list[ShippingOption]:
    """Active methods of the zones that cover `country`, priced in `market`."""
    zones = [z for z in ShippingZone.objects.all() if country in (z.countries or [])]
    if not zones:
        return []
    methods = (
        ShippingMethod.objects.filter(zone__in=zones, is_active=True)
        .select_related("zone")
        .prefetch_related(
            Prefetch(
                "rates",
                queryset=ShippingRate.objects.filter(market=market),
                to_attr="market_rates",
            )
        )
        .order_by("position", "id")
    )
    today = (now or timezone.now()).astimezone(ZoneInfo(market.timezone)).date()
    options = []
    for method in methods:
        if not method.market_rates:
            continue
        rate = method.market_rates[0]
        is_free = rate.free_above is not None and subtotal >= rate.free_above
        options.append(
            ShippingOption(
                method=method,
                name=method.name,
                carrier=method.carrier,
                amount=Decimal("0.00") if is_free else rate.amount,
                is_free=is_free,
                days_min=method.delivery_days_min,
                days_max=method.delivery_days_max,
                first_day=_add_business_days(today, method.delivery_days_min),
                last_day=_add_business_days(today, method.delivery_days_max),
            )
        )
    return options


# --- The summary -----------------------------------------------------------------


@dataclass(frozen=True)
class SummaryLine:
    """A cart line as it will be ordered: amounts for the destination."""

    cart_line: CartLine
    product_name: str
    variant_name: str
    sku: str
    quantity: int
    unit_amount: Decimal
    line_amount: Decimal
    tax_rate: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class Charge:
    """One line of the summary that adds to the total."""

    kind: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class CheckoutSummary:
    """Everything the shopper pays, line by line, before the order button."""

    market: Market
    currency: str
    address: ShippingAddress
    shipping_option: ShippingOption
    lines: list[SummaryLine]
    subtotal: Decimal
    shipping: Decimal
    shipping_tax_rate: Decimal
    shipping_tax: Decimal
    tax: Decimal
    tax_rate: Decimal
    tax_included: bool
    tax_label: str
    # Where an added sales tax's rate came from: "San Francisco (CA)".
    tax_jurisdiction: str
    duties: Decimal
    duties_mode: str
    duty_rate: Decimal
    # DAP: what the carrier will likely collect; None when no rate is known.
    duties_estimate: Decimal | None
    duty_free_threshold: Decimal
    total: Decimal
    charges: list[Charge]
    # True when a price, stock level or availability differs from the cart's notes.
    stale: bool

    @property
    def charges_sum(self) -> Decimal:
        return sum((charge.amount for charge in self.charges), Decimal("0"))

    @property
    def duties_on_delivery(self) -> bool:
        return self.duties_mode == DutiesMode.DAP

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


class CheckoutError(Exception):
    """The checkout cannot go on; the messages are for the shopper."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


def checkout_summary(
    *,
    cart: Cart,
    address: ShippingAddress,
    shipping_method_id: int | None,
    lines: list[CartLine] | None = None,
    now: datetime | None = None,
    market: Market | None = None,
) -> CheckoutSummary:
    """Every charge of an order of this cart to this address, in `market` (the
    cart's by default); `lines` may be the lines of a refresh plan.

    Raises CheckoutError when the cart is empty, the country is not one the market
    ships to, or the shipping method does not serve it.
    """
    market = market or cart.market
    lines = cart_lines(cart=cart, market=market) if lines is None else lines
    if not lines:
        raise CheckoutError(_("Your cart is empty."))
    if address.country not in market.countries:
        raise CheckoutError(
            _("This shop does not deliver to %(country)s from your market.")
            % {"country": address.country}
        )
    destination = destination_tax(
        market=market,
        country=address.country,
        region=address.region,
        postal_code=address.postal_code,
    )
    gross, rate = destination.included, destination.rate

    stale = False
    priced = []
    for line in lines:
        variant = line.variant
        amount = cart_line_unit_amount(variant=variant, market=market, at=now)
        if (
            amount is None
            or not variant.product.is_active
            or not variant_offerable(variant)
            or line.quantity > variant.stock
            or amount != line.unit_amount
        ):
            stale = True
        unit = amount if amount is not None else line.unit_amount
        priced.append((line, unit, unit * line.quantity))
    subtotal = sum((amount for _line, _unit, amount in priced), Decimal("0"))

    options = shipping_options(
        market=market, country=address.country, subtotal=subtotal, now=now
    )
    option = next((o for o in options if o.method.pk == shipping_method_id), None)
    if option is None:
        raise CheckoutError(_("Choose a shipping method for your address."))
    shipping = option.amount

    amounts = [amount for _line, _unit, amount in priced]
    if gross:
        # The shipping price includes VAT too, at the goods' rate.
        tax, shares = tax_amounts(
            amounts=[*amounts, shipping], rate=rate, included=True
        )
        *line_taxes, shipping_tax = shares
        shipping_tax_rate = rate
    else:
        tax, line_taxes = tax_amounts(amounts=amounts, rate=rate, included=False)
        shipping_tax, shipping_tax_rate = Decimal("0.00"), Decimal("0")

    duties = duties_for_shipment(market=market, country=address.country, goods=subtotal)

    summary_lines = [
        SummaryLine(
            cart_line=line,
            product_name=line.variant.product.name,
            variant_name=variant_label(line.variant),
            sku=line.variant.sku,
            quantity=line.quantity,
            unit_amount=unit,
            line_amount=amount,
            tax_rate=rate,
            tax_amount=line_tax,
        )
        for (line, unit, amount), line_tax in zip(priced, line_taxes, strict=True)
    ]
    count = sum(line.quantity for line in lines)
    charges = [
        Charge(
            "items",
            ngettext("%(count)d item", "%(count)d items", count) % {"count": count},
            subtotal,
        ),
        Charge(
            "shipping",
            _("Shipping: %(method)s") % {"method": option.name},
            shipping,
        ),
    ]
    if not gross:
        if destination.jurisdiction:
            label = _("Sales tax, %(where)s: %(rate)s%%") % {
                "where": destination.jurisdiction,
                "rate": _percent(rate),
            }
        else:
            label = _("Sales tax (%(rate)s%%)") % {"rate": _percent(rate)}
        charges.append(Charge("tax", label, tax))
    if duties.mode == DutiesMode.DDP:
        charges.append(
            Charge(
                "duties",
                _("Import duties, paid by us on your behalf (%(rate)s%%)")
                % {"rate": _percent(duties.rate)}
                if duties.amount
                else _("Import duties (none below the duty-free threshold)"),
                duties.amount,
            )
        )
    total = sum((charge.amount for charge in charges), Decimal("0"))
    return CheckoutSummary(
        market=market,
        currency=market.currency,
        address=address,
        shipping_option=option,
        lines=summary_lines,
        subtotal=subtotal,
        shipping=shipping,
        shipping_tax_rate=shipping_tax_rate,
        shipping_tax=shipping_tax,
        tax=tax,
        tax_rate=rate,
        tax_included=gross,
        tax_label=tax_label(market, rate) if gross else _("plus sales tax"),
        tax_jurisdiction=destination.jurisdiction,
        duties=duties.amount,
        duties_mode=duties.mode,
        duty_rate=duties.rate,
        duties_estimate=duties.estimate,
        duty_free_threshold=duties.threshold,
        total=total,
        charges=charges,
        stale=stale,
    )


def checkout_preview(
    *,
    cart: Cart,
    market: Market,
    address: ShippingAddress,
    shipping_method_id: int | None,
) -> tuple[CheckoutSummary | None, list[str]]:
    """The summary in `market` at current prices and stock, with what changed in
    words; writes nothing (a GET shows it). None: nothing is left to order."""
    plan = cart_refresh_plan(cart=cart, market=market)
    if not plan.lines:
        return None, plan.notices
    summary = checkout_summary(
        cart=cart,
        address=address,
        shipping_method_id=shipping_method_id,
        lines=plan.lines,
        market=market,
    )
    return summary, plan.notices


def checkout_prepare(
    *,
    cart: Cart,
    market: Market,
    address: ShippingAddress,
    shipping_method_id: int | None,
) -> tuple[Cart, CheckoutSummary | None, list[str]]:
    """Move the cart to `market` and take current prices and stock into it, then
    its summary, with what changed in words. None: nothing is left to order."""
    if cart.market_id != market.pk:
        cart = cart_market_switch(cart=cart, market=market)
    summary = checkout_summary(
        cart=cart, address=address, shipping_method_id=shipping_method_id
    )
    if not summary.stale:
        return cart, summary, []
    notices = cart_refresh(cart=cart)
    if cart_is_empty(cart=cart):
        return cart, None, notices
    summary = checkout_summary(
        cart=cart, address=address, shipping_method_id=shipping_method_id
    )
    return cart, summary, notices
