"""Money, units and dates as a shopper in one language and market reads them."""

import functools
from copy import copy
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_datetime
from babel.numbers import NumberPattern, format_decimal
from django.utils.translation import gettext as _

from shop.models import Market, MeasurementSystem, Specification, SpecificationKind


@functools.cache
def babel_locale(language: str, country: str) -> str:
    """The CLDR locale for a language shown to a market's country: de + DE -> de_DE."""
    base = language.split("-")[0]
    candidates = [f"{base}_{country}"]
    if "-" in language:
        candidates.insert(0, f"{base}_{language.split('-')[1].upper()}")
    candidates.append(base)
    for candidate in candidates:
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
        return candidate
    return "en"


def currency_digits(currency: str) -> int:
    """The decimals a currency is customarily written with: 2 for EUR, 0 for IDR.

    CLDR gives IDR two accounting digits (what `get_currency_precision` answers)
    but no minor unit in use (its cash digits): prices are read as `Rp2.749.000`.
    Amounts are still stored and summed with two decimals; only display rounds.
    """
    fractions = get_global("currency_fractions")
    _digits, _rounding, cash_digits, _cash_rounding = fractions.get(
        currency, fractions["DEFAULT"]
    )
    return cash_digits


def money(amount: Decimal, currency: str, language: str, country: str) -> str:
    """`1.299,00 €` in de-DE, `$1,299.00` in en-US, `Rp2.749.000` in id-ID."""
    locale, pattern = _currency_format(babel_locale(language, country), currency)
    return pattern.apply(amount, locale, currency=currency, currency_digits=False)


@functools.cache
def _currency_format(locale_name: str, currency: str) -> tuple[Locale, NumberPattern]:
    # Parsing a locale and its pattern costs more than formatting the amount; a page
    # formats dozens of prices in one or two locales.
    locale = Locale.parse(locale_name)
    pattern = copy(locale.currency_formats["standard"])
    digits = currency_digits(currency)
    pattern.frac_prec = (digits, digits)
    return locale, pattern


def number(value: Decimal, language: str, country: str, digits: int = 1) -> str:
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-digits))
    return format_decimal(quantized.normalize(), locale=babel_locale(language, country))


def market_zone(market: Market) -> ZoneInfo:
    """The market's time zone; UTC when staff typed a zone that does not exist."""
    try:
        return ZoneInfo(market.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def moment_text(moment: datetime, *, market: Market, language: str) -> str:
    """A moment in the market's zone and the reader's locale, the zone named:
    `20.05.2025, 10:30:00 (Europe/Berlin)`. Pages mark it up with `data-local-time`
    so that `local_time.js` rewrites it in the browser's own zone."""
    zone = market_zone(market)
    locale = babel_locale(language, market.default_country)
    text = format_datetime(moment, format="medium", tzinfo=zone, locale=locale)
    return f"{text} ({zone.key})"


MM_PER_INCH = Decimal("25.4")
G_PER_POUND = Decimal("453.59237")
G_PER_OUNCE = Decimal("28.349523125")
ML_PER_FL_OZ = Decimal("29.5735295625")


def _length(mm: Decimal, system: str) -> tuple[Decimal, str]:
    if system == MeasurementSystem.IMPERIAL:
        return mm / MM_PER_INCH, "in"
    if mm >= 1000:
        return mm / 1000, "m"
    if mm >= 10:
        return mm / 10, "cm"
    return mm, "mm"


def specification_value(spec: Specification, market: Market, language: str) -> str:
    """A specification's value in the market's units, e.g. `30 × 20 × 10 cm`."""
    system = market.measurement_system
    country = market.default_country

    def fmt(value: Decimal, digits: int = 1) -> str:
        return number(value, language, country, digits)

    if spec.kind == SpecificationKind.TEXT:
        return spec.text_value
    value = spec.value
    if value is None:  # only clean() requires it: an unmeasured row shows nothing
        return ""
    if spec.kind == SpecificationKind.DIMENSIONS:
        if spec.value_2 is None or spec.value_3 is None:
            return ""
        values = [value, spec.value_2, spec.value_3]
        largest = max(values)
        _, unit = _length(largest, system)
        factor = {
            "in": MM_PER_INCH,
            "m": Decimal(1000),
            "cm": Decimal(10),
            "mm": Decimal(1),
        }
        # A thin side must not read as nothing ("1,8 × 0,6 × 0 m" for a 4 mm
        # mat): then the next smaller unit, as far as millimetres.
        smaller = {"m": "cm", "cm": "mm"}
        while unit in smaller and any(
            0 < v / factor[unit] < Decimal("0.05") for v in values
        ):
            unit = smaller[unit]
        return " × ".join(fmt(v / factor[unit]) for v in values) + f" {unit}"
    if spec.kind == SpecificationKind.LENGTH:
        converted, unit = _length(value, system)
        return f"{fmt(converted)} {unit}"
    if spec.kind == SpecificationKind.WEIGHT:
        if system == MeasurementSystem.IMPERIAL:
            if value >= G_PER_POUND:
                return f"{fmt(value / G_PER_POUND)} lb"
            return f"{fmt(value / G_PER_OUNCE)} oz"
        if value >= 1000:
            return f"{fmt(value / 1000, 2)} kg"
        return f"{fmt(value, 0)} g"
    if spec.kind == SpecificationKind.VOLUME:
        if system == MeasurementSystem.IMPERIAL:
            return f"{fmt(value / ML_PER_FL_OZ)} fl oz"
        if value >= 1000:
            return f"{fmt(value / 1000, 2)} l"
        return f"{fmt(value, 0)} ml"
    if spec.kind == SpecificationKind.POWER:
        return f"{fmt(value, 0)} W"
    return str(value)


def tax_label(market: Market, rate: Decimal | None) -> str:
    """The label beside a price: `incl. 19% VAT` or `plus sales tax`."""
    if market.prices_include_tax:
        if rate:
            percent = (rate * 100).normalize()
            return _("incl. %(rate)s%% VAT") % {"rate": f"{percent:f}"}
        return _("incl. taxes")
    return _("plus sales tax")
