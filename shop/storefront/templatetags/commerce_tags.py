"""Template filters for orders and invoices: amounts in the order's own currency."""

from datetime import datetime
from decimal import Decimal

from django import template
from django.utils.translation import get_language

from shop.checkout.services.checkout import country_name as _country_name
from shop.markets.addresses import address_lines
from shop.models import Order
from shop.storefront.formatting import moment_text, money

register = template.Library()


@register.filter
def order_money(amount: Decimal | None, order: Order) -> str:
    """`{{ amount|order_money:order }}`: in the order's currency and page language."""
    if amount is None:
        return ""
    return money(amount, order.currency, get_language(), order.market.default_country)


@register.filter
def order_time(moment: datetime | None, order: Order) -> str:
    """`{{ moment|order_time:order }}`: in the market's zone, the zone named."""
    if moment is None:
        return ""
    return moment_text(moment, market=order.market, language=get_language())


@register.filter
def percent(rate: Decimal | None) -> str:
    """`{{ 0.0725|percent }}` -> `7.25`: a tax rate as a percentage, no trailing 0s."""
    if rate is None:
        return ""
    return f"{(Decimal(rate) * 100).normalize():f}"


@register.filter
def country_name(code: str) -> str:
    """`{{ "AT"|country_name }}` -> `Austria` / `Österreich`, in the page's language."""
    return _country_name(code) if code else ""


@register.filter
def postal_lines(address) -> list[str]:
    """`{% for line in order|postal_lines %}`: a delivery address (an order or a
    checkout address) line by line as its country writes it, without the country:
    "San Francisco, CA 94105", "10115 Berlin"."""
    return address_lines(
        country=address.country,
        full_name=address.full_name,
        line1=address.line1,
        line2=address.line2,
        postal_code=address.postal_code,
        city=address.city,
        region=address.region,
    )
