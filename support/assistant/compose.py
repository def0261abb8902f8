"""Answers composed from retrieved facts, in the market's tone.

Every figure comes from the shop: prices from `price_effective`, formatted with
the storefront's money format; stock, specifications, shipping rates, delivery
windows, orders and parcels from the database. A composer that lacks the facts it
needs says so (helpful=False) instead of guessing. Tone changes what comes first
and how much is said, never a figure: precise markets get every specification
with its unit, direct ones the price first, aesthetic ones material and look
first, warm ones a friendly word.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shop.catalog.fragments import product_facts
from shop.checkout.services.cart import variant_label
from shop.checkout.services.checkout import ShippingOption, shipping_options
from shop.compliance.selectors import offerable_product_ids
from shop.models import Market, Order, Product, ToneProfile, User, Variant, VariantPrice
from shop.pricing.selectors import EffectivePrice, price_effective, prices_prefetch
from shop.shipping.selectors import order_tracking_path, shipment_timelines
from shop.storefront.formatting import (
    babel_locale,
    money,
    specification_value,
    tax_label,
)
from support.assistant.retrieval import OrderLookup, ProductMatch, articles_for
from support.models import ArticleTopic, PolicyArticle

_BUDGET = re.compile(r"(\d+(?:[.,]\d{1,2})?)")
SUGGESTIONS = 3


@dataclass
class Draft:
    """An answer being written: its lines and the facts and links they state."""

    lines: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    helpful: bool = True
    clarify: bool = False

    def fact(self, value: str) -> str:
        if value and value not in self.facts:
            self.facts.append(value)
        return value

    def link(self, path: str) -> None:
        if path and path not in self.links:
            self.links.append(path)

    @property
    def text(self) -> str:
        return " ".join(line for line in self.lines if line)


@dataclass(frozen=True)
class Context:
    market: Market
    language: str
    user: User | None
    returning: bool  # the shopper has ordered before
    first_turn: bool  # nothing was answered yet in this conversation


# --- Formatting ------------------------------------------------------------------


def price_text(price: EffectivePrice, ctx: Context) -> str:
    return money(price.amount, price.currency, ctx.language, ctx.market.default_country)


def amount_text(amount: Decimal, ctx: Context) -> str:
    market = ctx.market
    return money(amount, market.currency, ctx.language, market.default_country)


def date_text(day: date, ctx: Context) -> str:
    locale = babel_locale(ctx.language, ctx.market.default_country)
    return format_date(day, format="long", locale=locale)


def days_text(low: int, high: int) -> str:
    """`1–3`, or `2` when the range is one day."""
    return str(low) if low == high else f"{low}–{high}"


def duration_text(low: int, high: int, draft: "Draft") -> str:
    """`1–3 business days` / `1 business day`; the figures become a fact."""
    return ngettext("%(days)s business day", "%(days)s business days", high) % {
        "days": draft.fact(days_text(low, high))
    }


def _product_path(product: Product) -> str:
    return reverse("shop:product", kwargs={"slug": product.slug})


def _article_path(article: PolicyArticle) -> str:
    return reverse("support_help:article", kwargs={"slug": article.slug})


def _articles(draft: Draft, ctx: Context, topics: list[str]) -> list[PolicyArticle]:
    articles = articles_for(topics=topics, market=ctx.market)
    for article in articles:
        draft.lines.append(
            _("%(title)s: %(summary)s")
            % {"title": article.title, "summary": article.summary.strip()}
        )
        draft.link(_article_path(article))
    return articles


def _detail(match: ProductMatch, ctx: Context) -> Product | None:
    return product_facts(slug=match.product.slug, market=ctx.market)


def _priced_variants(
    product: Product, ctx: Context
) -> list[tuple[Variant, EffectivePrice]]:
    now = timezone.now()
    rows = []
    for variant in product.variant_list:  # type: ignore[attr-defined]
        price = price_effective(variant=variant, market=ctx.market, at=now)
        if price is not None:
            rows.append((variant, price))
    return rows


def _chosen(
    product: Product, match: ProductMatch, ctx: Context
) -> list[tuple[Variant, EffectivePrice]]:
    priced = _priced_variants(product, ctx)
    named = {variant.pk for variant in match.variants}
    if named:
        chosen = [row for row in priced if row[0].pk in named]
        if chosen:
            return chosen
    return priced


def _price_line(product: Product, rows, ctx: Context, draft: Draft) -> None:
    """`Yoga mat Cork: 39,99 € (incl. 19% VAT)`, or from-to when variants differ."""
    if not rows:
        draft.lines.append(
            _("%(product)s is not sold in this market.") % {"product": product.name}
        )
        draft.helpful = False
        return
    amounts = sorted({price.amount for _variant, price in rows})
    label = tax_label(ctx.market, rows[0][1].tax_rate)
    low = draft.fact(amount_text(amounts[0], ctx))
    if len(amounts) == 1:
        draft.lines.append(
            _("%(product)s costs %(price)s (%(tax)s).")
            % {"product": product.name, "price": low, "tax": label}
        )
    else:
        high = draft.fact(amount_text(amounts[-1], ctx))
        draft.lines.append(
            _("%(product)s costs from %(low)s to %(high)s (%(tax)s), by variant.")
            % {"product": product.name, "low": low, "high": high, "tax": label}
        )
    reduced = [price for _variant, price in rows if price.is_reduced]
    if reduced:
        _reduction_line(product, reduced[0], ctx, draft)


def _reduction_line(
    product: Product, price: EffectivePrice, ctx: Context, draft: Draft
) -> None:
    assert price.reference_amount is not None
    values = {
        "product": product.name,
        "price": draft.fact(price_text(price, ctx)),
        "reference": draft.fact(amount_text(price.reference_amount, ctx)),
        "percent": draft.fact(f"-{price.percent_off} %"),
    }
    if price.ends_at is not None:
        values["until"] = draft.fact(
            date_text(timezone.localtime(price.ends_at).date(), ctx)
        )
        draft.lines.append(
            _(
                "%(product)s is reduced to %(price)s from %(reference)s "
                "(%(percent)s) until %(until)s."
            )
            % values
        )
    else:
        draft.lines.append(
            _("%(product)s is reduced to %(price)s from %(reference)s (%(percent)s).")
            % values
        )


def _spec_lines(
    product: Product, ctx: Context, draft: Draft, limit: int | None
) -> None:
    specs = list(product.specification_list)  # type: ignore[attr-defined]
    if ctx.market.tone_profile == ToneProfile.AESTHETIC:
        # Look and feel first: what it is made of, then its measures.
        specs.sort(key=lambda spec: spec.kind != "text")
    parts = []
    for spec in specs[:limit] if limit else specs:
        value = specification_value(spec, ctx.market, ctx.language)
        if value:
            parts.append(f"{spec.label}: {draft.fact(value)}")
    if parts:
        draft.lines.append("; ".join(parts) + ".")


def _sizes_line(product: Product, rows, draft: Draft) -> None:
    sizes = []
    for variant, _price in rows:
        for value in variant.value_list:
            if value.attribute.slug == "size" and value.name not in sizes:
                sizes.append(value.name)
    if sizes:
        draft.lines.append(
            _("Available sizes: %(sizes)s.")
            % {"sizes": ", ".join(draft.fact(size) for size in sizes)}
        )


def _ask_product(draft: Draft) -> Draft:
    draft.lines.append(
        _("Which product do you mean? Please tell me its name or article number.")
    )
    draft.clarify = True
    draft.helpful = False
    return draft


# --- One composer per intent ------------------------------------------------------


def _named_product(
    ctx: Context, matches: list[ProductMatch]
) -> tuple[Product, list[tuple[Variant, EffectivePrice]]] | None:
    """The product the message names, with its chosen variants and their prices."""
    if not matches:
        return None
    product = _detail(matches[0], ctx)
    if product is None:
        return None
    return product, _chosen(product, matches[0], ctx)


def compose_product_question(ctx: Context, matches: list[ProductMatch]) -> Draft:
    draft = Draft()
    named = _named_product(ctx, matches)
    if named is None:
        return _ask_product(draft)
    product, rows = named
    tone = ctx.market.tone_profile
    if tone == ToneProfile.DIRECT:
        _price_line(product, rows, ctx, draft)
        _spec_lines(product, ctx, draft, limit=3)
    elif tone == ToneProfile.AESTHETIC:
        _spec_lines(product, ctx, draft, limit=None)
        _price_line(product, rows, ctx, draft)
    else:
        draft.lines.append(_("%(product)s:") % {"product": product.name})
        _spec_lines(product, ctx, draft, limit=None)
        _price_line(product, rows, ctx, draft)
    _sizes_line(product, rows, draft)
    draft.link(_product_path(product))
    return draft


def compose_availability(ctx: Context, matches: list[ProductMatch]) -> Draft:
    draft = Draft()
    named = _named_product(ctx, matches)
    if named is None:
        return _ask_product(draft)
    product, rows = named
    if not rows:
        _price_line(product, rows, ctx, draft)
        return draft
    parts = []
    for variant, _price in rows:
        label = variant_label(variant)
        if variant.stock > 0:
            stock = _("%(count)s in stock") % {"count": draft.fact(str(variant.stock))}
        else:
            stock = _("out of stock")
        parts.append(f"{label}: {stock}" if label else stock)
    draft.lines.append(
        _("%(product)s: %(stock)s.")
        % {"product": product.name, "stock": "; ".join(parts)}
    )
    if any(variant.stock > 0 for variant, _price in rows):
        low, high = ctx.market.delivery_days_min, ctx.market.delivery_days_max
        draft.lines.append(
            _("In-stock items ship within %(duration)s.")
            % {"duration": duration_text(low, high, draft)}
        )
    draft.link(_product_path(product))
    return draft


def _shipping_lines(
    ctx: Context, draft: Draft, subtotal: Decimal, *, days: bool
) -> list[ShippingOption]:
    options = shipping_options(
        market=ctx.market, country=ctx.market.default_country, subtotal=subtotal
    )
    for option in options:
        values = {
            "method": option.name,
            "carrier": option.carrier,
            "duration": duration_text(option.days_min, option.days_max, draft),
        }
        rate = option.method.market_rates[0]  # type: ignore[attr-defined]
        if days:
            values["first"] = date_text(option.first_day, ctx)
            values["last"] = date_text(option.last_day, ctx)
            draft.lines.append(
                _(
                    "%(method)s (%(carrier)s): %(duration)s, arriving between "
                    "%(first)s and %(last)s if you order now."
                )
                % values
            )
            continue
        if option.is_free:
            draft.lines.append(
                _("Shipping %(method)s (%(carrier)s): free, %(duration)s.") % values
            )
            continue
        values["price"] = draft.fact(amount_text(option.amount, ctx))
        if rate.free_above is not None:
            values["free"] = draft.fact(amount_text(rate.free_above, ctx))
            draft.lines.append(
                _(
                    "Shipping %(method)s (%(carrier)s): %(price)s, free from "
                    "%(free)s, %(duration)s."
                )
                % values
            )
        else:
            draft.lines.append(
                _("Shipping %(method)s (%(carrier)s): %(price)s, %(duration)s.")
                % values
            )
    return options


def compose_price_shipping(ctx: Context, matches: list[ProductMatch]) -> Draft:
    draft = Draft()
    subtotal = Decimal(0)
    named = _named_product(ctx, matches)
    if named is not None:
        product, rows = named
        _price_line(product, rows, ctx, draft)
        if rows:
            subtotal = min(price.amount for _variant, price in rows)
        draft.link(_product_path(product))
    if not _shipping_lines(ctx, draft, subtotal, days=False):
        draft.lines.append(_("I have no shipping rate for this market."))
        # A price answered is still an answer; only nothing at all is not.
        draft.helpful = bool(draft.facts)
    _articles(draft, ctx, [ArticleTopic.SHIPPING])
    return draft


def compose_delivery_time(ctx: Context, matches: list[ProductMatch]) -> Draft:
    draft = Draft()
    if not _shipping_lines(ctx, draft, Decimal(0), days=True):
        draft.lines.append(_("I have no delivery times for this market."))
        draft.helpful = False
    named = _named_product(ctx, matches)
    if named is not None:
        product, rows = named
        if rows and all(variant.stock <= 0 for variant, _price in rows):
            draft.lines.append(
                _("%(product)s is out of stock at the moment.")
                % {"product": product.name}
            )
        draft.link(_product_path(product))
    return draft


def compose_order_status(ctx: Context, lookup: OrderLookup) -> Draft:
    draft = Draft()
    if lookup.status == "needs_proof":
        draft.lines.append(
            _(
                "Please sign in, or send me your order number together with the "
                "email address you ordered with."
            )
        )
        draft.clarify = True
        return draft
    if lookup.status == "no_orders":
        draft.lines.append(_("I see no orders in your account yet."))
        return draft
    if lookup.status == "not_found" or lookup.order is None:
        draft.lines.append(
            _(
                "I cannot find an order %(number)s for you. Please check the number "
                "and the email address you ordered with."
            )
            % {"number": lookup.number}
        )
        draft.helpful = False
        return draft
    order: Order = lookup.order
    draft.lines.append(
        _("Order %(number)s, placed on %(placed)s: %(status)s.")
        % {
            "number": draft.fact(order.number),
            "placed": draft.fact(
                date_text(timezone.localtime(order.placed_at).date(), ctx)
            ),
            "status": draft.fact(str(order.get_status_display())),
        }
    )
    for timeline in shipment_timelines(order=order, language=ctx.language):
        values = {
            "carrier": timeline.shipment.carrier,
            "tracking": draft.fact(timeline.shipment.tracking_number),
            "status": draft.fact(timeline.status_label),
        }
        if timeline.promised_text:
            values["promised"] = draft.fact(timeline.promised_text)
            draft.lines.append(
                _(
                    "Parcel %(tracking)s (%(carrier)s): %(status)s, expected by "
                    "%(promised)s."
                )
                % values
            )
        else:
            draft.lines.append(
                _("Parcel %(tracking)s (%(carrier)s): %(status)s.") % values
            )
    draft.link(order_tracking_path(order=order))
    return draft


def compose_returns(ctx: Context) -> Draft:
    draft = Draft()
    days = ctx.market.withdrawal_days
    if days:
        draft.lines.append(
            _(
                "You may withdraw from your purchase within %(days)s days of "
                "delivery, without giving a reason."
            )
            % {"days": draft.fact(str(days))}
        )
        draft.link(reverse("shop:withdrawal"))
    if not _articles(draft, ctx, [ArticleTopic.RETURNS]) and not days:
        return compose_unknown(draft)
    return draft


def compose_payment_methods(ctx: Context) -> Draft:
    draft = Draft()
    if not _articles(draft, ctx, [ArticleTopic.PAYMENT]):
        return compose_unknown(draft)
    return draft


def compose_over_budget(ctx: Context, matches: list[ProductMatch], text: str) -> Draft:
    """Cheaper variants of the product, else cheaper products of its category."""
    draft = Draft()
    budget = _budget(text)
    reference: Product | None = None
    ceiling = budget
    if matches:
        reference = _detail(matches[0], ctx)
    if reference is None and budget is None:
        draft.lines.append(
            _("Which product are you looking at, and what is your budget?")
        )
        draft.clarify = True
        draft.helpful = False
        return draft
    if reference is not None:
        rows = _priced_variants(reference, ctx)
        if rows:
            cheapest = min(rows, key=lambda row: row[1].amount)
            if ceiling is None:
                ceiling = cheapest[1].amount
            draft.lines.append(
                _("%(product)s starts at %(price)s.")
                % {
                    "product": reference.name,
                    "price": draft.fact(price_text(cheapest[1], ctx)),
                }
            )
        draft.link(_product_path(reference))
    assert ceiling is not None
    offers = _cheaper_offers(
        ctx=ctx,
        ceiling=ceiling,
        category_id=reference.category_id if reference is not None else None,
        exclude=reference.pk if reference is not None else None,
        inclusive=budget is not None,
    )
    if not offers:
        draft.lines.append(_("I found nothing cheaper in stock."))
        return draft
    draft.lines.append(_("Cheaper options in stock:"))
    for product, price in offers:
        draft.lines.append(
            _("%(product)s for %(price)s;")
            % {
                "product": draft.fact(product.name),
                "price": draft.fact(price_text(price, ctx)),
            }
        )
        draft.link(_product_path(product))
    return draft


def _budget(text: str) -> Decimal | None:
    numbers = [m.group(1) for m in _BUDGET.finditer(text)]
    values = []
    for raw in numbers:
        try:
            values.append(Decimal(raw.replace(",", ".")))
        except ArithmeticError:
            continue
    big = [value for value in values if value >= 5]
    if not big:
        return None
    budget = max(big)
    # "500 ribu" / "500 mil": Indonesian and Portuguese shoppers write thousands so.
    if re.search(r"\d\s*(ribu|rb|k|mil)\b", text.lower()):
        budget *= 1000
    return budget


def _offerable_variants(*, ctx: Context):
    """Variants in stock whose product may be offered in the market: the assistant
    never suggests a product gated there."""
    return Variant.objects.filter(
        product_id__in=offerable_product_ids(market=ctx.market), stock__gt=0
    )


def _cheaper_offers(
    *,
    ctx: Context,
    ceiling: Decimal,
    category_id: int | None,
    exclude: int | None,
    inclusive: bool,
) -> list[tuple[Product, EffectivePrice]]:
    now = timezone.now()
    variants = (
        _offerable_variants(ctx=ctx)
        .filter(pk__in=VariantPrice.objects.filter(market=ctx.market).values("variant"))
        .select_related("product")
        .prefetch_related(*prices_prefetch(market=ctx.market, at=now))
    )
    if category_id is not None:
        variants = variants.filter(product__category_id=category_id)
    if exclude is not None:
        variants = variants.exclude(product_id=exclude)
    best: dict[int, tuple[Product, EffectivePrice]] = {}
    for variant in variants:
        price = price_effective(variant=variant, market=ctx.market, at=now)
        if price is None:
            continue
        if price.amount > ceiling or (not inclusive and price.amount == ceiling):
            continue
        known = best.get(variant.product_id)
        if known is None or price.amount < known[1].amount:
            best[variant.product_id] = (variant.product, price)
    offers = sorted(best.values(), key=lambda row: (-row[1].amount, row[0].pk))
    return offers[:SUGGESTIONS]


def compose_discount(ctx: Context, matches: list[ProductMatch]) -> Draft:
    """The reductions running now, from `price_effective`; never a made-up code."""
    draft = Draft()
    named = _named_product(ctx, matches)
    if named is not None:
        product, rows = named
        reduced = [price for _variant, price in rows if price.is_reduced]
        if reduced:
            _reduction_line(product, reduced[0], ctx, draft)
        else:
            draft.lines.append(
                _("%(product)s is not reduced at the moment; it costs %(price)s.")
                % {
                    "product": product.name,
                    "price": draft.fact(
                        price_text(
                            min((r[1] for r in rows), key=lambda p: p.amount), ctx
                        )
                    )
                    if rows
                    else "",
                }
            )
        draft.link(_product_path(product))
    offers = current_reductions(ctx=ctx)
    if offers:
        draft.lines.append(_("Reduced right now:"))
        for product, price in offers:
            assert price.reference_amount is not None
            draft.lines.append(
                _("%(product)s for %(price)s instead of %(reference)s;")
                % {
                    "product": draft.fact(product.name),
                    "price": draft.fact(price_text(price, ctx)),
                    "reference": draft.fact(amount_text(price.reference_amount, ctx)),
                }
            )
            draft.link(_product_path(product))
    elif not draft.lines:
        draft.lines.append(_("There are no reductions running at the moment."))
    draft.lines.append(_("I cannot give discounts beyond these offers myself."))
    _articles(draft, ctx, [ArticleTopic.DISCOUNTS])
    return draft


def current_reductions(*, ctx: Context) -> list[tuple[Product, EffectivePrice]]:
    """Up to three products reduced now in the market, the largest reduction first."""
    now = timezone.now()
    variants = (
        _offerable_variants(ctx=ctx)
        .filter(
            pk__in=VariantPrice.objects.filter(
                market=ctx.market, regular_amount__isnull=False
            ).values("variant")
        )
        .select_related("product")
        .prefetch_related(*prices_prefetch(market=ctx.market, at=now))
    )
    promoted = (
        _offerable_variants(ctx=ctx)
        .filter(
            promotions__market=ctx.market,
            promotions__starts_at__lte=now,
            promotions__ends_at__gt=now,
        )
        .select_related("product")
        .prefetch_related(*prices_prefetch(market=ctx.market, at=now))
    )
    best: dict[int, tuple[Product, EffectivePrice]] = {}
    for variant in [*variants, *promoted]:
        price = price_effective(variant=variant, market=ctx.market, at=now)
        if price is None or not price.is_reduced:
            continue
        known = best.get(variant.product_id)
        if known is None or price.percent_off > known[1].percent_off:
            best[variant.product_id] = (variant.product, price)
    ranked = sorted(best.values(), key=lambda row: (-row[1].percent_off, row[0].pk))
    return ranked[:SUGGESTIONS]


def compose_competitor(ctx: Context, matches: list[ProductMatch]) -> Draft:
    """Facts to compare with: specifications, price, delivery, withdrawal, warranty."""
    draft = Draft()
    named = _named_product(ctx, matches)
    if named is not None:
        product, rows = named
        _price_line(product, rows, ctx, draft)
        _spec_lines(product, ctx, draft, limit=None)
        draft.link(_product_path(product))
    low, high = ctx.market.delivery_days_min, ctx.market.delivery_days_max
    draft.lines.append(
        _("We deliver in %(duration)s.") % {"duration": duration_text(low, high, draft)}
    )
    if ctx.market.withdrawal_days:
        draft.lines.append(
            _("You may withdraw within %(days)s days of delivery.")
            % {"days": draft.fact(str(ctx.market.withdrawal_days))}
        )
    _articles(draft, ctx, [ArticleTopic.WARRANTY])
    return draft


def compose_small_talk(ctx: Context) -> Draft:
    draft = Draft()
    draft.lines.append(
        _(
            "Hello! I can help with products, prices, shipping, delivery times, "
            "your orders and returns. What would you like to know?"
        )
    )
    return draft


def compose_unknown(draft: Draft | None = None) -> Draft:
    """Say plainly that the shop's data has no answer, and offer a person."""
    draft = draft or Draft()
    draft.lines.append(
        _(
            "I do not have that information. Would you like me to pass you to a "
            "member of our team?"
        )
    )
    draft.helpful = False
    return draft


def greeting(ctx: Context) -> str:
    """A first line for returning customers (first visits get straight to it)."""
    if not ctx.first_turn:
        return ""
    if ctx.returning and ctx.user is not None:
        name = (ctx.user.full_name or "").split(" ")[0]
        if name:
            return _("Welcome back, %(name)s!") % {"name": name}
        return _("Welcome back!")
    if ctx.market.tone_profile == ToneProfile.WARM:
        return _("Happy to help!")
    return ""
