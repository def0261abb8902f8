"""Fill the shop with demo data: a translated catalog, prices in every market, demo
accounts. Safe to run again: rows are found by slug, SKU or email and updated, prices
and images that exist are kept, so a second run changes nothing and is quick."""

import io
import math
import random
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from modeltranslation.utils import build_localized_fieldname
from PIL import Image, ImageDraw, ImageFont

from shop import demo_data as data
from shop.catalog.images import product_image_save
from shop.catalog.services import (
    catalog_object_save,
    category_save,
    product_save,
    variant_save,
)
from shop.models import (
    Attribute,
    AttributeValue,
    Category,
    Market,
    Product,
    ProductImage,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    Specification,
    SpecificationKind,
    User,
    Variant,
    VariantPrice,
)
from shop.pricing.services import price_set, tax_rate_for

# Rough exchange rates from a US dollar: demo prices only need to look plausible.
USD_RATES = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "BRL": Decimal("5.6"),
    "IDR": Decimal("16000"),
}
# Every ninth product is on sale: a regular price, a lower one 20 days ago (so the
# 30-day prior lowest price is worth showing), and the sale price now.
DISCOUNT_EVERY = 9
SALE_FACTOR = Decimal("0.75")
EARLIER_FACTOR = Decimal("0.9")
STOCK_LEVELS = (0, 3, 8, 12, 25, 40, 60, 120)
IMAGE_SIZE = 1000
# Letters that slugify would drop rather than spell in ASCII.
_ASCII = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "ß": "ss"})


def _localized(field: str, texts: dict[str, str]) -> dict[str, str]:
    return {
        build_localized_fieldname(field, language): texts[language]
        for language in data.LANGUAGES
    }


def _assign(obj, values: dict) -> bool:
    """Set attributes; True if any changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


# --- Prices -----------------------------------------------------------------------


def _nice(amount: Decimal, currency: str) -> Decimal:
    """A shop price near `amount`: 47.99, 249.90 BRL, 899,000 IDR."""
    if currency == "IDR":
        step = Decimal(5000) if amount < 1_000_000 else Decimal(10000)
        rounded = (amount / step).to_integral_value(ROUND_HALF_UP) * step
        return max(rounded - 1000, Decimal(1000))
    ending = Decimal("0.10") if currency == "BRL" else Decimal("0.01")
    if amount < 100:
        step = Decimal(1)
    elif amount < 1000:
        step = Decimal(5) if currency != "BRL" else Decimal(10)
    else:
        step = Decimal(10)
    rounded = (amount / step).to_integral_value(ROUND_HALF_UP) * step
    return max(rounded, step) - ending


def _market_price(usd_net: Decimal, market: Market, tax: Decimal) -> Decimal | None:
    rate = USD_RATES.get(market.currency)
    if rate is None:
        return None
    amount = usd_net * rate
    if market.prices_include_tax:
        amount *= 1 + tax
    return _nice(amount, market.currency)


# --- Images -------------------------------------------------------------------------


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (OSError, ImportError):  # Pillow built without FreeType
        return ImageFont.load_default()


def _polygon(sides: int, radius: int, rotation: float = 0) -> list[tuple[float, float]]:
    centre = IMAGE_SIZE / 2
    return [
        (
            centre + radius * math.cos(rotation + 2 * math.pi * k / sides),
            centre + radius * math.sin(rotation + 2 * math.pi * k / sides),
        )
        for k in range(sides)
    ]


def demo_image(*, initials: str, shape: str, background, colour) -> bytes:
    """A product picture: the category's shape in the product's colour, initials."""
    picture = Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), background)
    draw = ImageDraw.Draw(picture)
    outline = tuple(max(0, c - 60) for c in colour)
    style = {"fill": colour, "outline": outline, "width": 8}
    if shape == "triangle":
        draw.polygon([(500, 150), (870, 820), (130, 820)], **style)
    elif shape == "circle":
        draw.ellipse((180, 180, 820, 820), **style)
    elif shape == "rounded":
        draw.rounded_rectangle((160, 250, 840, 750), radius=90, **style)
    elif shape == "diamond":
        draw.polygon(_polygon(4, 380, -math.pi / 2), **style)
    elif shape == "hexagon":
        draw.polygon(_polygon(6, 370), **style)
    elif shape == "ellipse":
        draw.ellipse((260, 130, 740, 870), **style)
    else:
        for box in ((100, 520, 480, 880), (520, 520, 900, 880), (310, 120, 690, 480)):
            draw.rectangle(box, **style)
    luminance = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
    ink = (30, 30, 34) if luminance > 150 else (250, 250, 248)
    centre_y = {"triangle": 620, "squares": 680}.get(shape, 520)
    draw.text((500, centre_y), initials, fill=ink, font=_font(240), anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


# --- Descriptions -----------------------------------------------------------------


def _de_number(value: Decimal | int) -> str:
    text = f"{Decimal(value).normalize():,f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _de_volume(ml: int) -> str:
    return f"{_de_number(Decimal(ml) / 1000)} l" if ml >= 1000 else f"{ml} ml"


def _de_length(mm: int) -> str:
    return (
        f"{_de_number(Decimal(mm) / 1000)} m"
        if mm >= 1000
        else (f"{_de_number(Decimal(mm) / 10)} cm")
    )


def _description(*, ptype, line, line_index: int, language: str, measures: dict) -> str:
    benefit = ptype.benefits[language]
    material = data.MATERIALS[line.material][language]
    if language == "de":
        width, height, depth = measures["dimensions"]
        parts = [
            benefit,
            f"Material: {material}.",
            f"Gewicht: {_de_number(measures['weight'])} g.",
            f"Maße (B × H × T): {width} × {height} × {depth} mm.",
        ]
        if measures.get("volume"):
            parts.append(f"Fassungsvermögen: {_de_volume(measures['volume'])}.")
        if measures.get("length"):
            parts.append(f"Länge: {_de_length(measures['length'])}.")
        if measures.get("power"):
            parts.append(f"Leistung: {_de_number(measures['power'])} W.")
        return " ".join(parts)
    closing = data.CLOSINGS[language][line_index % 3]
    if language == "en":
        return f"{benefit} Made from {material}. {closing}"
    label = {
        "fr": "Matière\u00a0:",
        "es": "Material:",
        "pt-br": "Material:",
        "id": "Bahan:",
    }[language]
    return f"{benefit} {label} {material}. {closing}"


# --- The seeder ---------------------------------------------------------------------


class DemoSeeder:
    """Creates or updates every demo row; reports progress through `write`."""

    def __init__(
        self, *, write: Callable[[str], None], products: int | None = None
    ) -> None:
        self.write = write
        self.product_limit = products
        self.now = timezone.now()
        self.markets = list(Market.objects.filter(is_active=True).order_by("code"))
        self.taxes = {}
        for market in self.markets:
            rate = tax_rate_for(country=market.default_country)
            self.taxes[market.pk] = rate.rate if rate else Decimal(0)
        self.priced = set(VariantPrice.objects.values_list("variant_id", "market_id"))
        self.images = {
            image.product_id: image for image in ProductImage.objects.filter(position=0)
        }
        self.discounted_products = 0

    def run(self) -> None:
        categories = self.categories_seed()
        top_level = sum(1 for c in data.CATEGORIES if c.parent is None)
        self.write(f"Categories: {len(categories)} ({top_level} top-level)")
        values = self.attributes_seed()
        self.write(f"Attributes: {len(data.ATTRIBUTES)} with {len(values)} values")
        plan = list(self._product_plan())
        if self.product_limit is not None:
            plan = plan[: self.product_limit]
        for number, (ptype, line_index, line) in enumerate(plan, start=1):
            self.product_seed(
                ptype=ptype,
                line_index=line_index,
                line=line,
                category=categories[ptype.category],
                values=values,
                ordinal=number,
            )
            if number % 10 == 0 or number == len(plan):
                self.write(f"Products: {number}/{len(plan)}")
        self.accounts_seed()
        self.write(f"Accounts: {len(data.DEMO_ACCOUNTS)}")
        methods = self.shipping_seed()
        self.write(f"Shipping: {len(data.SHIPPING_ZONES)} zones, {methods} methods")

    @staticmethod
    def _product_plan() -> Iterator[tuple]:
        for ptype in data.PRODUCT_TYPES:
            for line_index, line in enumerate(ptype.lines):
                yield ptype, line_index, line

    def categories_seed(self) -> dict[str, Category]:
        existing = {category.slug: category for category in Category.objects.all()}
        seeded: dict[str, Category] = {}
        for position, item in enumerate(data.CATEGORIES):
            category = existing.get(item.slug) or Category(slug=item.slug)
            parent = seeded[item.parent] if item.parent else None
            changed = _assign(
                category,
                {
                    "parent_id": parent.pk if parent else None,
                    "position": position,
                    **_localized("name", item.names),
                },
            )
            if changed or category.pk is None:
                category.parent = parent
                category_save(category=category)
            seeded[item.slug] = category
        return seeded

    def attributes_seed(self) -> dict[tuple[str, str], AttributeValue]:
        values = {}
        for slug, names in data.ATTRIBUTES.items():
            attribute = Attribute.objects.filter(slug=slug).first() or Attribute(
                slug=slug
            )
            if _assign(attribute, _localized("name", names)) or attribute.pk is None:
                catalog_object_save(obj=attribute)
            options = data.COLOURS if slug == "colour" else data.SIZES
            existing = {v.slug: v for v in attribute.values.all()}
            for position, (value_slug, value_names) in enumerate(options.items()):
                value = existing.get(value_slug) or AttributeValue(
                    attribute=attribute, slug=value_slug
                )
                fields = {"position": position, **_localized("name", value_names)}
                if _assign(value, fields) or value.pk is None:
                    catalog_object_save(obj=value)
                values[(slug, value_slug)] = value
        return values

    def product_seed(
        self, *, ptype, line_index: int, line, category, values, ordinal: int
    ) -> Product:
        names = {
            language: f"{ptype.names[language]} {line.label_in(language)}"
            for language in data.LANGUAGES
        }
        slug = slugify(f"{ptype.key} {line.label_in('en')}".translate(_ASCII))
        size = line.size
        dimension_factor = Decimal(float(size) ** (1 / 3))
        measures = {
            "weight": int((ptype.weight_g * size / 10).to_integral_value()) * 10,
            "dimensions": tuple(
                max(1, int((d * dimension_factor).to_integral_value()))
                for d in ptype.dimensions_mm
            ),
            "volume": line.volume_ml,
            "length": line.length_mm,
            "power": line.power_w or ptype.power_w,
        }
        descriptions = {
            language: _description(
                ptype=ptype,
                line=line,
                line_index=line_index,
                language=language,
                measures=measures,
            )
            for language in data.LANGUAGES
        }
        product = Product.objects.filter(slug=slug).first() or Product(slug=slug)
        changed = _assign(
            product,
            {
                "category_id": category.pk,
                "brand": ptype.brand,
                "is_active": True,
                **_localized("name", names),
                **_localized("description", descriptions),
            },
        )
        if changed or product.pk is None:
            product_save(product=product)
        self.specifications_seed(product=product, line=line, measures=measures)
        variants = self.variants_seed(
            product=product, ptype=ptype, line_index=line_index, values=values
        )
        discounted = ordinal % DISCOUNT_EVERY == DISCOUNT_EVERY // 2
        self.prices_seed(
            variants=variants, usd_net=ptype.usd * line.scale, discounted=discounted
        )
        first_colour = variants[0][1] or ptype.colours[0]
        self.image_seed(product=product, names=names, ptype=ptype, colour=first_colour)
        return product

    def specifications_seed(self, *, product: Product, line, measures: dict) -> None:
        width, height, depth = measures["dimensions"]
        rows = [
            (
                "dimensions",
                SpecificationKind.DIMENSIONS,
                {"value": width, "value_2": height, "value_3": depth},
            ),
            ("weight", SpecificationKind.WEIGHT, {"value": measures["weight"]}),
            (
                "material",
                SpecificationKind.TEXT,
                _localized("text_value", data.MATERIALS[line.material]),
            ),
        ]
        if measures["volume"]:
            rows.append(
                ("volume", SpecificationKind.VOLUME, {"value": measures["volume"]})
            )
        if measures["length"]:
            rows.append(
                ("length", SpecificationKind.LENGTH, {"value": measures["length"]})
            )
        if measures["power"]:
            rows.append(
                ("power", SpecificationKind.POWER, {"value": measures["power"]})
            )
        existing = {spec.position: spec for spec in product.specifications.all()}
        for position, (label, kind, fields) in enumerate(rows):
            spec = existing.get(position) or Specification(
                product=product, position=position
            )
            wanted = {
                "kind": kind,
                **_localized("label", data.SPEC_LABELS[label]),
                **{
                    name: Decimal(value) if name.startswith("value") else value
                    for name, value in fields.items()
                },
            }
            if _assign(spec, wanted) or spec.pk is None:
                catalog_object_save(obj=spec)

    def variants_seed(
        self, *, product: Product, ptype, line_index: int, values
    ) -> list[tuple[Variant, str | None]]:
        colours = ptype.colours
        if ptype.variants == "apparel":
            sizes = (("s", "m", "l"), ("m", "l"), ("s", "m", "l", "xl"))[line_index]
            colours = colours[: (2, 1, 1)[line_index]]
        elif ptype.variants == "shoes":
            sizes = (
                ("eu-40", "eu-42", "eu-44"),
                ("eu-38", "eu-40", "eu-42", "eu-44"),
                ("eu-40", "eu-42"),
            )[line_index]
            colours = colours[: (2, 1, 1)[line_index]]
        elif ptype.variants == "colours":
            sizes = (None,)
            colours = colours[: 1 + line_index % len(colours)]
        else:
            sizes, colours = (None,), (None,)
        existing = {variant.sku: variant for variant in product.variants.all()}
        seeded = []
        randomness = random.Random(product.slug)  # noqa: S311 - demo stock levels
        for position, (colour, size) in enumerate(
            (c, s) for c in colours for s in sizes
        ):
            sku = "-".join(p for p in (product.slug, colour, size) if p).upper()
            variant = existing.get(sku)
            stock = randomness.choice(STOCK_LEVELS)
            if variant is None:
                # Stock is only set on creation: later runs keep what sales left.
                variant = Variant(product=product, sku=sku, stock=stock)
            if _assign(variant, {"position": position}) or variant.pk is None:
                variant_save(variant=variant)
            wanted = [
                values[("colour", colour)].pk if colour else None,
                values[("size", size)].pk if size else None,
            ]
            wanted_ids = {pk for pk in wanted if pk}
            if {v.pk for v in variant.values.all()} != wanted_ids:
                variant.values.set(wanted_ids)
            seeded.append((variant, colour))
        return seeded

    def prices_seed(
        self, *, variants: list[tuple[Variant, str | None]], usd_net, discounted: bool
    ) -> None:
        if discounted:
            self.discounted_products += 1
        for variant, _colour in variants:
            for market in self.markets:
                if (variant.pk, market.pk) in self.priced:
                    continue  # keep prices that exist, whoever set them
                regular = _market_price(usd_net, market, self.taxes[market.pk])
                if regular is None:
                    continue
                if discounted:
                    currency = market.currency
                    price_set(
                        variant=variant,
                        market=market,
                        amount=regular,
                        at=self.now - timedelta(days=45),
                    )
                    price_set(
                        variant=variant,
                        market=market,
                        amount=_nice(regular * EARLIER_FACTOR, currency),
                        at=self.now - timedelta(days=20),
                    )
                    price_set(
                        variant=variant,
                        market=market,
                        amount=_nice(regular * SALE_FACTOR, currency),
                        regular_amount=regular,
                        at=self.now,
                    )
                else:
                    price_set(variant=variant, market=market, amount=regular)
                self.priced.add((variant.pk, market.pk))

    def image_seed(self, *, product: Product, names, ptype, colour: str) -> None:
        image = self.images.get(product.pk)
        if image is not None and all(
            f and f.storage.exists(f.name)
            for f in (image.image, image.thumbnail, image.thumbnail_large)
        ):
            return
        top = next(c for c in data.CATEGORIES if c.slug == ptype.category).parent
        shape, background = data.CATEGORY_SHAPES[top or ptype.category]
        words = [w for w in names["en"].split() if w[:1].isalpha()]
        initials = "".join(w[0] for w in words[:2]).upper()
        content = demo_image(
            initials=initials,
            shape=shape,
            background=background,
            colour=data.COLOUR_RGB[colour],
        )
        if image is None:
            image = ProductImage(product=product, position=0)
        for stale in (image.image, image.thumbnail, image.thumbnail_large):
            if stale and stale.storage.exists(stale.name):
                stale.storage.delete(stale.name)
        image.thumbnail = ""
        image.thumbnail_large = ""
        _assign(image, _localized("alt_text", names))
        filename = f"{product.slug}.jpg"
        target = image.image.field.generate_filename(image, filename)
        if image.image.storage.exists(target):
            image.image.storage.delete(target)  # left by an earlier database
        image.image.save(filename, ContentFile(content), save=False)
        product_image_save(image=image, make_thumbnails_now=True)
        self.images[product.pk] = image

    def shipping_seed(self) -> int:
        """Zones, methods and their rates per market; found again by English name."""
        markets = {market.code: market for market in self.markets}
        zones = {zone.name_en: zone for zone in ShippingZone.objects.all()}
        count = 0
        for zone_data in data.SHIPPING_ZONES:
            zone = zones.get(zone_data.names["en"]) or ShippingZone()
            wanted = {
                "countries": list(zone_data.countries),
                **_localized("name", zone_data.names),
            }
            if _assign(zone, wanted) or zone.pk is None:
                zone.save()
            existing = {
                (method.name_en, method.carrier): method
                for method in zone.methods.all()
            }
            for position, method_data in enumerate(zone_data.methods):
                key = (method_data.names["en"], method_data.carrier)
                method = existing.get(key) or ShippingMethod(
                    zone=zone, carrier=method_data.carrier
                )
                wanted = {
                    "delivery_days_min": method_data.days[0],
                    "delivery_days_max": method_data.days[1],
                    "position": position,
                    **_localized("name", method_data.names),
                }
                if _assign(method, wanted) or method.pk is None:
                    method.save()
                count += 1
                for code, (amount, free_above) in method_data.rates.items():
                    market = markets.get(code)
                    if market is None:
                        continue
                    ShippingRate.objects.update_or_create(
                        method=method,
                        market=market,
                        defaults={
                            "amount": Decimal(amount),
                            "free_above": Decimal(free_above) if free_above else None,
                        },
                    )
        return count

    def accounts_seed(self) -> None:
        markets = {market.code: market for market in Market.objects.all()}
        for account in data.DEMO_ACCOUNTS:
            user, created = User.objects.update_or_create(
                email=account.email,
                defaults={
                    "full_name": account.full_name,
                    "is_active": True,
                    "is_host": account.is_host,
                    "is_staff": account.is_staff,
                    "is_superuser": account.is_staff,
                    "preferred_language": account.language,
                    "preferred_market": markets.get(account.market),
                },
            )
            if created or not user.check_password(data.DEMO_PASSWORD):
                user.set_password(data.DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user,
                email=account.email,
                defaults={"verified": True, "primary": True},
            )


class Command(BaseCommand):
    help = (
        "Fill the shop with a translated demo catalog, shipping methods for every "
        "market and demo accounts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=None,
            help="Seed only the first N demo products (default: all of them).",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        products = options.get("products")
        if products is not None and products < 0:
            raise CommandError("--products must not be negative.")
        with transaction.atomic():
            DemoSeeder(write=self.stdout.write, products=products).run()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f} s."
            )
        )
        self.stdout.write(f"Demo logins (password: {data.DEMO_PASSWORD}):")
        for account in data.DEMO_ACCOUNTS:
            roles = [
                role
                for role, held in (
                    ("staff, admin", account.is_staff),
                    ("live host", account.is_host),
                )
                if held
            ] or ["shopper"]
            self.stdout.write(f"  {account.email:<22} {', '.join(roles)}")
