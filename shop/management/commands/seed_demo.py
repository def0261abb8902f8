"""Fill the shop with demo data: a translated catalog, prices in every market, demo
accounts. The catalog is read from the JSON files in shop/management/demo/. Safe to
run again: rows are found by slug, SKU or email and updated, prices and images that
exist are kept, so a second run changes nothing and is quick."""

import random
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from shop.catalog.images import product_image_save
from shop.catalog.services import (
    catalog_object_save,
    category_save,
    product_save,
    variant_save,
)
from shop.management.demo.builders import (
    market_price,
    nice_price,
    product_description,
    product_image,
    product_measures,
    product_names,
    product_slug,
)
from shop.management.demo.compliance import (
    certificates_seed,
    rules_seed,
    safety_seed,
)
from shop.management.demo.loader import LANGUAGES, DemoCatalog, load_catalog
from shop.models import (
    Attribute,
    AttributeValue,
    Category,
    Market,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
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
from shop.orders.services import order_line_amounts
from shop.pricing.selectors import price_effective
from shop.pricing.services import price_set, tax_amounts, tax_rate_for
from shop.pricing.tax_import import local_tax_rates_import
from shop.shipping.services.shipments import shipment_create, tracking_event_add

# Every ninth product is on sale: a regular price, a lower one 20 days ago (so the
# 30-day prior lowest price is worth showing), and the sale price now.
DISCOUNT_EVERY = 9
SALE_FACTOR = Decimal("0.75")
# ZIP code sales tax rates in a tax-rate provider's CSV format (San Francisco…).
DEMO_TAX_RATES = Path(__file__).resolve().parent.parent / "demo" / "tax_rates_us.csv"
EARLIER_FACTOR = Decimal("0.9")
STOCK_LEVELS = (0, 3, 8, 12, 25, 40, 60, 120)


def _localized(field: str, texts: dict[str, str]) -> dict[str, str]:
    return {
        build_localized_fieldname(field, language): texts[language]
        for language in LANGUAGES
    }


def _assign(obj, values: dict) -> bool:
    """Set attributes; True if any changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


# --- The seeder ---------------------------------------------------------------------


class DemoSeeder:
    """Creates or updates every demo row; reports progress through `write`."""

    def __init__(
        self,
        *,
        catalog: DemoCatalog,
        write: Callable[[str], None],
        products: int | None = None,
    ) -> None:
        self.catalog = catalog
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
        top_level = sum(1 for c in self.catalog.categories if c.parent is None)
        self.write(f"Categories: {len(categories)} ({top_level} top-level)")
        values = self.attributes_seed()
        attributes = len(self.catalog.attributes)
        self.write(f"Attributes: {attributes} with {len(values)} values")
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
        for index, product in enumerate(
            Product.objects.filter(
                slug__in=[product_slug(p, line) for p, _i, line in plan]
            ).order_by("slug")
        ):
            safety_seed(product=product, index=index)
        rules = rules_seed()
        certificates = certificates_seed(today=self.now.date())
        self.write(f"Compliance: {rules} market rules, {certificates} certificates")
        self.accounts_seed()
        self.write(f"Accounts: {len(self.catalog.accounts)}")
        methods = self.shipping_seed()
        zones = len(self.catalog.shipping_zones)
        self.write(f"Shipping: {zones} zones, {methods} methods")
        taxes = local_tax_rates_import(data=DEMO_TAX_RATES.read_bytes())
        self.write(f"ZIP code tax rates: {taxes.imported} ({', '.join(taxes.states)})")
        orders = self.orders_seed()
        self.write(f"Orders: {orders} demo orders with their parcels")

    def _product_plan(self) -> Iterator[tuple]:
        for ptype in self.catalog.product_types:
            for line_index, line in enumerate(ptype.lines):
                yield ptype, line_index, line

    def categories_seed(self) -> dict[str, Category]:
        existing = {category.slug: category for category in Category.objects.all()}
        seeded: dict[str, Category] = {}
        for position, item in enumerate(self.catalog.categories):
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
        for item in self.catalog.attributes:
            slug = item.slug
            attribute = Attribute.objects.filter(slug=slug).first() or Attribute(
                slug=slug
            )
            if (
                _assign(attribute, _localized("name", item.names))
                or attribute.pk is None
            ):
                catalog_object_save(obj=attribute)
            existing = {v.slug: v for v in attribute.values.all()}
            for position, option in enumerate(item.values):
                value = existing.get(option.slug) or AttributeValue(
                    attribute=attribute, slug=option.slug
                )
                fields = {"position": position, **_localized("name", option.names)}
                if _assign(value, fields) or value.pk is None:
                    catalog_object_save(obj=value)
                values[(slug, option.slug)] = value
        return values

    def product_seed(
        self, *, ptype, line_index: int, line, category, values, ordinal: int
    ) -> Product:
        names = product_names(ptype, line)
        slug = product_slug(ptype, line)
        measures = product_measures(ptype, line)
        descriptions = {
            language: product_description(
                catalog=self.catalog,
                ptype=ptype,
                line=line,
                line_index=line_index,
                language=language,
                measures=measures,
            )
            for language in LANGUAGES
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
            variants=variants,
            usd_net=ptype.usd_net * line.price_scale,
            discounted=discounted,
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
                _localized("text_value", self.catalog.materials[line.material]),
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
                **_localized("label", self.catalog.specification_labels[label]),
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
            sizes: tuple[str | None, ...]
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
                regular = market_price(
                    usd_net,
                    currency=market.currency,
                    prices_include_tax=market.prices_include_tax,
                    tax=self.taxes[market.pk],
                )
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
                        amount=nice_price(regular * EARLIER_FACTOR, currency),
                        at=self.now - timedelta(days=20),
                    )
                    price_set(
                        variant=variant,
                        market=market,
                        amount=nice_price(regular * SALE_FACTOR, currency),
                        regular_amount=regular,
                        at=self.now,
                    )
                else:
                    price_set(variant=variant, market=market, amount=regular)
                self.priced.add((variant.pk, market.pk))

    def image_seed(self, *, product: Product, names, ptype, colour: str) -> None:
        image = self.images.get(product.pk)
        if image is not None and all(
            f.name and f.storage.exists(f.name)
            for f in (image.image, image.thumbnail, image.thumbnail_large)
        ):
            return
        content = product_image(
            catalog=self.catalog, ptype=ptype, name_en=names["en"], colour=colour
        )
        if image is None:
            image = ProductImage(product=product, position=0)
        for stale in (image.image, image.thumbnail, image.thumbnail_large):
            if stale.name and stale.storage.exists(stale.name):
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
        zones = {zone.name_en: zone for zone in ShippingZone.objects.all()}  # type: ignore[attr-defined]  # modeltranslation field
        count = 0
        for zone_data in self.catalog.shipping_zones:
            zone = zones.get(zone_data.names["en"]) or ShippingZone()
            wanted: dict[str, object] = {
                "countries": list(zone_data.countries),
                **_localized("name", zone_data.names),
            }
            if _assign(zone, wanted) or zone.pk is None:
                zone.save()
            existing = {
                (method.name_en, method.carrier): method  # type: ignore[attr-defined]  # modeltranslation field
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
                            "amount": amount,
                            "free_above": free_above,
                        },
                    )
        return count

    def orders_seed(self) -> int:
        """The demo orders and their parcels; orders that exist are left alone."""
        existing = set(
            Order.objects.filter(
                number__in=[row[0] for row in DEMO_ORDERS]
            ).values_list("number", flat=True)
        )
        markets = {market.code: market for market in self.markets}
        for (
            number,
            email,
            guest_email,
            code,
            slug,
            quantity,
            days_ago,
            scans,
            carrier,
            tracking,
        ) in DEMO_ORDERS:
            variant = (
                Variant.objects.filter(product__slug=slug)
                .select_related("product")
                .order_by("position", "id")
                .first()
            )
            market = markets.get(code)
            if number in existing or variant is None or market is None:
                continue
            price = price_effective(variant=variant, market=market)
            if price is None:
                continue
            user = User.objects.filter(email=email).first() if email else None
            placed_at = self.now - timedelta(days=days_ago)
            order = self.order_create(
                number=number,
                user=user,
                email=email or guest_email,
                market=market,
                variant=variant,
                quantity=quantity,
                unit=price.amount,
                placed_at=placed_at,
            )
            if carrier:
                shipment = shipment_create(
                    order=order, carrier=carrier, tracking_number=tracking
                )
                tracking_event_add(
                    shipment=shipment,
                    code="label_created",
                    occurred_at=placed_at + timedelta(hours=6),
                    external_id=f"{number}-label",
                )
                for position, (status, scan_days_ago, location) in enumerate(scans):
                    tracking_event_add(
                        shipment=shipment,
                        code=status,
                        occurred_at=self.now - timedelta(days=scan_days_ago),
                        location=location,
                        external_id=f"{number}-{position}",
                    )
        return len(DEMO_ORDERS)

    def order_create(
        self, *, number, user, email, market, variant, quantity, unit, placed_at
    ) -> Order:
        """A paid order of one line, as checkout leaves it."""
        rate = self.taxes[market.pk]
        gross = market.prices_include_tax
        line_amount = unit * quantity
        shipping_rate = (
            ShippingRate.objects.filter(market=market).select_related("method").first()
        )
        shipping = Decimal(0)
        if shipping_rate is not None and not (
            shipping_rate.free_above is not None
            and line_amount >= shipping_rate.free_above
        ):
            shipping = shipping_rate.amount
        # The tax as checkout works it out: VAT inside shipping too where prices
        # include it.
        if gross:
            tax, (line_tax, shipping_tax) = tax_amounts(
                amounts=[line_amount, shipping], rate=rate, included=True
            )
        else:
            tax, (line_tax,) = tax_amounts(
                amounts=[line_amount], rate=rate, included=False
            )
            shipping_tax = Decimal(0)
        method = shipping_rate.method if shipping_rate else None
        order = Order.objects.create(
            number=number,
            user=user,
            email=email,
            language=market.language,
            market=market,
            currency=market.currency,
            status=OrderStatus.PAID,
            idempotency_key=f"demo-{number}",
            full_name=user.full_name if user else "Erika Mustermann",
            **DEMO_ADDRESSES[market.code],
            country=market.default_country,
            shipping_method=method,
            shipping_method_name=method.name if method else "",
            shipping_carrier=method.carrier if method else "",
            delivery_days_min=method.delivery_days_min if method else 1,
            delivery_days_max=method.delivery_days_max if method else 5,
            subtotal=line_amount,
            shipping=shipping,
            tax=tax,
            shipping_tax_rate=rate if gross else Decimal(0),
            shipping_tax=shipping_tax,
            total=line_amount + shipping + (Decimal(0) if gross else tax),
            prices_include_tax=gross,
            duties_mode=market.duties_mode,
            withdrawal_days=market.withdrawal_days,
            placed_at=placed_at,
            paid_at=placed_at,
            payment_provider="offline-test",
        )
        OrderLine.objects.create(
            order=order,
            variant=variant,
            product_name=variant.product.name,
            sku=variant.sku,
            quantity=quantity,
            tax_rate=rate,
            tax_amount=line_tax,
            **order_line_amounts(
                unit=unit, line=line_amount, tax=line_tax, rate=rate, gross=gross
            ),
        )
        OrderEvent.objects.bulk_create(
            [
                OrderEvent(
                    order=order,
                    status=OrderStatus.PENDING_PAYMENT,
                    note="placed",
                    created_at=placed_at,
                ),
                OrderEvent(order=order, status=OrderStatus.PAID, created_at=placed_at),
            ]
        )
        return order

    def accounts_seed(self) -> None:
        markets = {market.code: market for market in Market.objects.all()}
        for account in self.catalog.accounts:
            user, created = User.objects.update_or_create(
                email=account.email,
                defaults={
                    "full_name": account.full_name,
                    "is_active": True,
                    "is_host": account.is_host,
                    "is_staff": account.is_staff,
                    # Its password is published: never a superuser.
                    "is_superuser": False,
                    "preferred_language": account.language,
                    "preferred_market": markets.get(account.market),
                },
            )
            password = self.catalog.password
            if created or not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user,
                email=account.email,
                defaults={"verified": True, "primary": True},
            )
            if account.is_staff:
                user.groups.add(self.demo_staff_group())

    def demo_staff_group(self) -> Group:
        """Staff rights over the shop's own data, none over accounts' rights."""
        group, _ = Group.objects.get_or_create(name=DEMO_STAFF_GROUP)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label__in=DEMO_STAFF_APPS)
        )
        return group


DEMO_STAFF_GROUP = "Demo staff"

DEMO_ADDRESSES = {
    "US": {
        "line1": "1 Demo Street",
        "postal_code": "10001",
        "city": "New York",
        "region": "NY",
    },
    "DE": {"line1": "Hauptstraße 5", "postal_code": "10115", "city": "Berlin"},
}

# Demo orders, found again by number (outside the TW-000001 sequence): the demo
# shopper's account orders and one guest order proven by number and email.
# (number, account email or None, guest email, market, product slug, quantity,
#  days ago, scans as (status, days ago, location), carrier, tracking number)
DEMO_ORDERS = (
    (
        "TW-DEMO01",
        "shopper@example.com",
        "",
        "US",
        "wireless-headphones-aura-studio",
        1,
        20,
        (("in_transit", 18, "Chicago, IL"), ("delivered", 16, "Denver, CO")),
        "USPS",
        "9400100000000000000011",
    ),
    (
        "TW-DEMO02",
        "shopper@example.com",
        "",
        "US",
        "daypack-35",
        2,
        3,
        (("in_transit", 2, "Memphis, TN"),),
        "UPS",
        "1Z999AA10123456784",
    ),
    (
        "TW-DEMO03",
        "shopper@example.com",
        "",
        "US",
        "yoga-mat-cork",
        1,
        1,
        (),
        "",
        "",
    ),
    (
        "TW-DEMO04",
        None,
        "gast@example.com",
        "DE",
        "electric-kettle-brew-pro",
        1,
        5,
        (("in_transit", 4, "Leipzig"),),
        "DHL",
        "JJD000390007001",
    ),
)
DEMO_STAFF_APPS = ("shop", "live", "support", "privacy")


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
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (the demo password is public).",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options.get("force"):
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo accounts "
                "have a published password. Pass --force to seed anyway."
            )
        started = time.monotonic()
        products = options.get("products")
        if products is not None and products < 0:
            raise CommandError("--products must not be negative.")
        catalog = load_catalog()
        with transaction.atomic():
            DemoSeeder(
                catalog=catalog, write=self.stdout.write, products=products
            ).run()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f} s."
            )
        )
        self.stdout.write(f"Demo logins (password: {catalog.password}):")
        for account in catalog.accounts:
            roles = [
                role
                for role, held in (
                    ("staff", account.is_staff),
                    ("live host", account.is_host),
                )
                if held
            ] or ["shopper"]
            self.stdout.write(f"  {account.email:<22} {', '.join(roles)}")
