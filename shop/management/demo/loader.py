"""Read the demo catalog from the JSON files next to this module.

The files hold plain data in the six shopper languages; the seed_demo command turns
them into rows. Every translated text is an object with exactly the keys of
LANGUAGES. Amounts and factors are strings, read as Decimal so they stay exact.

- categories.json: categories in display order, `parent` by slug; a top-level
  category has a `picture` (the shape and background of its product images).
- attributes.json: attributes and their values in display order; a colour value
  has the `rgb` it is drawn in.
- materials.json: material slug -> its name.
- texts.json: `specification_labels` (per specification row) and `closings`
  (three closing sentences of a description per language; German has none).
- products.json: product types, each sold in three lines (models). A line's
  `price_scale` multiplies the type's `usd_net` price, its `size_scale` the
  weight (and the dimensions by its cube root); both default to 1.
- accounts.json: the demo logins and their shared password.
- shipping.json: zones, their methods and the rate per market code
  (`free_above` the items subtotal from which shipping is free, or null).
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

DATA_DIR = Path(__file__).resolve().parent
LANGUAGES = ("en", "de", "fr", "es", "pt-br", "id")

Texts = dict[str, str]
RGB = tuple[int, int, int]


@dataclass(frozen=True)
class CategoryData:
    slug: str
    names: Texts
    parent: str | None = None
    shape: str | None = None  # of the product images, top level only
    background: RGB | None = None


@dataclass(frozen=True)
class AttributeValueData:
    slug: str
    names: Texts
    rgb: RGB | None = None


@dataclass(frozen=True)
class AttributeData:
    slug: str
    names: Texts
    values: tuple[AttributeValueData, ...]


@dataclass(frozen=True)
class Line:
    """One model of a product type: its name, material and size relative to the type."""

    label: str | Texts
    material: str
    price_scale: Decimal = Decimal("1")
    size_scale: Decimal = Decimal("1")  # weight; dimensions by its cube root
    volume_ml: int | None = None
    length_mm: int | None = None
    power_w: int | None = None

    def label_in(self, language: str) -> str:
        return self.label if isinstance(self.label, str) else self.label[language]


@dataclass(frozen=True)
class ProductType:
    key: str
    category: str
    brand: str
    names: Texts
    benefits: Texts
    lines: tuple[Line, ...]
    usd_net: Decimal  # net price of a line at price scale 1
    weight_g: int
    dimensions_mm: tuple[int, int, int]  # width, height, depth
    variants: str  # "apparel", "shoes", "colours" or "single"
    colours: tuple[str, ...]
    power_w: int | None = None


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    market: str
    language: str
    is_host: bool = False
    is_staff: bool = False


@dataclass(frozen=True)
class ShippingMethodData:
    names: Texts
    carrier: str
    days: tuple[int, int]
    # Market code -> (price, free from items subtotal or None), in its currency.
    rates: dict[str, tuple[Decimal, Decimal | None]]


@dataclass(frozen=True)
class ShippingZoneData:
    names: Texts
    countries: tuple[str, ...]
    methods: tuple[ShippingMethodData, ...]


@dataclass(frozen=True)
class DemoCatalog:
    categories: tuple[CategoryData, ...]
    attributes: tuple[AttributeData, ...]
    materials: dict[str, Texts]
    specification_labels: dict[str, Texts]
    closings: dict[str, tuple[str, ...]]
    product_types: tuple[ProductType, ...]
    password: str
    accounts: tuple[DemoAccount, ...]
    shipping_zones: tuple[ShippingZoneData, ...]

    def category(self, slug: str) -> CategoryData:
        return next(c for c in self.categories if c.slug == slug)

    def colour_rgb(self, slug: str) -> RGB:
        colours = next(a for a in self.attributes if a.slug == "colour")
        rgb = next(v.rgb for v in colours.values if v.slug == slug)
        if rgb is None:
            raise DemoDataError(f"colour {slug}: no rgb")
        return rgb


class DemoDataError(ValueError):
    """A demo data file does not have the expected shape."""


def _read(directory: Path, name: str) -> Any:
    with (directory / name).open(encoding="utf-8") as file:
        return json.load(file)


def _texts(value: dict, where: str) -> Texts:
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        raise DemoDataError(f"{where}: expected texts in {', '.join(LANGUAGES)}")
    return {language: value[language] for language in LANGUAGES}


def _decimal(value: str, where: str) -> Decimal:
    if not isinstance(value, str):  # a JSON number would be read as a float
        raise DemoDataError(f"{where}: expected a decimal string, got {value!r}")
    return Decimal(value)


def _rgb(value: str) -> RGB:
    return cast(RGB, tuple(int(value[i : i + 2], 16) for i in (1, 3, 5)))


def _category(item: dict) -> CategoryData:
    picture = item.get("picture")
    return CategoryData(
        slug=item["slug"],
        names=_texts(item["names"], f"categories.json {item['slug']}"),
        parent=item.get("parent"),
        shape=picture["shape"] if picture else None,
        background=_rgb(picture["background"]) if picture else None,
    )


def _attribute(item: dict) -> AttributeData:
    where = f"attributes.json {item['slug']}"
    return AttributeData(
        slug=item["slug"],
        names=_texts(item["names"], where),
        values=tuple(
            AttributeValueData(
                slug=value["slug"],
                names=_texts(value["names"], f"{where} {value['slug']}"),
                rgb=_rgb(value["rgb"]) if "rgb" in value else None,
            )
            for value in item["values"]
        ),
    )


def _line(item: dict, where: str) -> Line:
    label = item["label"]
    return Line(
        label=label if isinstance(label, str) else _texts(label, where),
        material=item["material"],
        price_scale=_decimal(item.get("price_scale", "1"), where),
        size_scale=_decimal(item.get("size_scale", "1"), where),
        volume_ml=item.get("volume_ml"),
        length_mm=item.get("length_mm"),
        power_w=item.get("power_w"),
    )


def _product_type(item: dict) -> ProductType:
    where = f"products.json {item['key']}"
    dimensions = item["dimensions_mm"]
    return ProductType(
        key=item["key"],
        category=item["category"],
        brand=item["brand"],
        names=_texts(item["names"], where),
        benefits=_texts(item["benefits"], where),
        lines=tuple(_line(line, where) for line in item["lines"]),
        usd_net=_decimal(item["usd_net"], where),
        weight_g=item["weight_g"],
        dimensions_mm=(dimensions["width"], dimensions["height"], dimensions["depth"]),
        variants=item["variants"],
        colours=tuple(item["colours"]),
        power_w=item.get("power_w"),
    )


def _shipping_zone(item: dict) -> ShippingZoneData:
    where = f"shipping.json {item['names'].get('en')}"
    methods = []
    for method in item["methods"]:
        rates = {}
        for code, rate in method["rates"].items():
            free_above = rate["free_above"]
            rates[code] = (
                _decimal(rate["amount"], where),
                _decimal(free_above, where) if free_above is not None else None,
            )
        methods.append(
            ShippingMethodData(
                names=_texts(method["names"], where),
                carrier=method["carrier"],
                days=(method["delivery_days"]["min"], method["delivery_days"]["max"]),
                rates=rates,
            )
        )
    return ShippingZoneData(
        names=_texts(item["names"], where),
        countries=tuple(item["countries"]),
        methods=tuple(methods),
    )


def load_catalog(directory: Path = DATA_DIR) -> DemoCatalog:
    """The demo catalog from the JSON files in `directory`."""
    texts = _read(directory, "texts.json")
    accounts = _read(directory, "accounts.json")
    return DemoCatalog(
        categories=tuple(map(_category, _read(directory, "categories.json"))),
        attributes=tuple(map(_attribute, _read(directory, "attributes.json"))),
        materials={
            slug: _texts(names, f"materials.json {slug}")
            for slug, names in _read(directory, "materials.json").items()
        },
        specification_labels={
            label: _texts(names, f"texts.json {label}")
            for label, names in texts["specification_labels"].items()
        },
        closings={
            language: tuple(sentences)
            for language, sentences in texts["closings"].items()
        },
        product_types=tuple(map(_product_type, _read(directory, "products.json"))),
        password=accounts["password"],
        accounts=tuple(DemoAccount(**account) for account in accounts["accounts"]),
        shipping_zones=tuple(map(_shipping_zone, _read(directory, "shipping.json"))),
    )
