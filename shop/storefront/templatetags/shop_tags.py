"""Template tags for the storefront: money, dates, prices, images and hreflang links."""

from datetime import date
from decimal import Decimal

from babel.dates import format_skeleton
from django import template
from django.conf import settings
from django.db.models.fields.files import ImageFieldFile
from django.urls import translate_url
from django.utils.translation import get_language

from shop.models import Market, ProductImage, Specification
from shop.pricing.selectors import EffectivePrice, remaining_text
from shop.storefront.formatting import (
    babel_locale,
    money,
    specification_value,
    tax_label,
)

register = template.Library()


def _country(market: Market | None) -> str:
    return market.default_country if market is not None else ""


@register.filter(name="money")
def money_filter(amount: Decimal | None, market: Market | None) -> str:
    """`{{ amount|money:market }}`: the amount in the market's currency and locale."""
    if amount is None or market is None:
        return ""
    return money(amount, market.currency, get_language(), _country(market))


@register.filter
def locale_date(value: date | None, market: Market | None = None) -> str:
    """`{{ day|locale_date:market }}`: e.g. `Wed, May 14` / `Mi., 14. Mai`."""
    if value is None:
        return ""
    locale = babel_locale(get_language(), _country(market))
    return format_skeleton("MMMEd", value, locale=locale)


@register.inclusion_tag("shop/includes/price.html", takes_context=True)
def price_block(
    context: template.Context,
    price: EffectivePrice | None,
    is_from: bool = False,
) -> dict:
    """A price with tax label and, when a reduction may be announced, the struck
    reference price, the percentage, the 30-day low and a promotion's end."""
    market = context.get("market")
    if price is None or market is None:
        return {"available": False}
    language = get_language()
    country = _country(market)

    def fmt(amount: Decimal | None) -> str:
        if amount is None:
            return ""
        return money(amount, price.currency, language, country)

    return {
        "available": True,
        "is_from": is_from,
        "amount": fmt(price.amount),
        "is_discounted": price.is_reduced,
        "regular": fmt(price.reference_amount),
        "discount_percent": price.percent_off,
        "prior": fmt(price.prior_lowest_amount),
        "is_promotion": price.is_promotion,
        "ends_in": remaining_text(ends_at=price.ends_at) if price.is_promotion else "",
        "tax_label": tax_label(market, price.tax_rate),
    }


@register.simple_tag(takes_context=True)
def specification(context: template.Context, spec: Specification) -> str:
    """A specification's value in the market's units and the page's language."""
    market = context.get("market")
    if market is None:
        return spec.text_value
    return specification_value(spec, market, get_language())


def _image_url(image: ProductImage | None, *names: str) -> str:
    if image is None:
        return ""
    for name in (*names, "image"):
        field: ImageFieldFile = getattr(image, name)
        if field:
            return field.url
    return ""


@register.filter
def thumbnail_url(image: ProductImage | None) -> str:
    """The small thumbnail of a product image, else the image itself."""
    return _image_url(image, "thumbnail")


@register.filter
def large_image_url(image: ProductImage | None) -> str:
    """The large thumbnail of a product image, else the small one, else the image."""
    return _image_url(image, "thumbnail_large", "thumbnail")


@register.inclusion_tag("shop/includes/hreflang.html", takes_context=True)
def hreflang_links(context: template.Context) -> dict:
    """The page's canonical URL and its alternates in every shopper language, on
    the configured SITE_URL whatever Host the request named."""
    request = context.get("request")
    if request is None:
        return {"alternates": [], "canonical": ""}
    path = request.get_full_path()
    return {
        "alternates": _alternates(path, settings.SITE_URL),
        "canonical": settings.SITE_URL + path,
    }


_ALTERNATES_KEPT = 4096
_alternates_kept: dict[tuple[str, str], list[dict[str, str]]] = {}


def _alternates(path: str, site_url: str) -> list[dict[str, str]]:
    """A path in every shopper language; kept per process, since translating a URL
    resolves and reverses it once per language."""
    key = (path, site_url)
    if key not in _alternates_kept:
        alternates = [
            {"hreflang": code, "href": site_url + translate_url(path, code)}
            for code in settings.SHOPPER_LANGUAGES
        ]
        alternates.append(
            {
                "hreflang": "x-default",
                "href": site_url + translate_url(path, settings.LANGUAGE_CODE),
            }
        )
        if len(_alternates_kept) >= _ALTERNATES_KEPT:
            _alternates_kept.clear()
        _alternates_kept[key] = alternates
    return _alternates_kept[key]
