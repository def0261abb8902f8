"""The cart: guests' carts live with their session, accounts' carts with the account.

Every line keeps the unit price the shopper saw when adding it, so the checkout can
tell them when a price changed meanwhile. What a line costs now is what
`shop.pricing.selectors.price_effective` says: the variant's price in the market,
or a running promotion's (a live show's flash deal) while that is lower.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.compliance.selectors import (
    gated_notice,
    variant_offerable,
    variant_offerable_annotation,
)
from shop.models import AttributeValue, Cart, CartLine, Market, Variant
from shop.pricing.selectors import EffectivePrice, price_effective, prices_prefetch

CART_SESSION_KEY = "tw_cart"
MAX_LINE_QUANTITY = 99


class CartError(Exception):
    """A cart change that cannot be made; the message is for the shopper."""


@dataclass
class CartChange:
    """The outcome of a cart change, with notices for the shopper."""

    quantity: int = 0
    notices: list[str] = field(default_factory=list)


def cart_line_unit_amount(
    *, variant: Variant, market: Market, at: datetime | None = None
) -> Decimal | None:
    """The unit price a cart line pays at `at` (now), from `price_effective`.

    None: the variant is not sold in the market.
    """
    price = price_effective(variant=variant, market=market, at=at)
    return price.amount if price is not None else None


def _variant_queryset(market: Market):
    return (
        Variant.objects.select_related("product")
        .annotate(product_offerable=variant_offerable_annotation(market=market))
        .prefetch_related(
            *prices_prefetch(market=market),
            Prefetch(
                "values",
                queryset=AttributeValue.objects.select_related("attribute").order_by(
                    "attribute__slug", "position", "slug"
                ),
                to_attr="value_list",
            ),
        )
    )


def variant_label(variant: Variant) -> str:
    """`Colour: Blue, Size: M` for a variant read with its `value_list`."""
    values = getattr(variant, "value_list", None)
    if values is None:
        values = variant.values.select_related("attribute")
    return ", ".join(f"{value.attribute.name}: {value.name}" for value in values)


def cart_get(*, user, session: SessionBase) -> Cart | None:
    """The shopper's cart if there is one: the account's, else the session's."""
    if user.is_authenticated:
        return Cart.objects.select_related("market").filter(user=user).first()
    cart_id = session.get(CART_SESSION_KEY)
    if cart_id is None:
        return None
    return Cart.objects.select_related("market").filter(pk=cart_id, user=None).first()


def cart_lines(*, cart: Cart, market: Market | None = None) -> list[CartLine]:
    """The lines of a cart with variant, product, attributes and the price in
    `market` (the cart's by default)."""
    return list(
        cart.lines.select_related(None)
        .prefetch_related(
            Prefetch("variant", queryset=_variant_queryset(market or cart.market)),
        )
        .order_by("added_at", "id")
    )


def cart_is_empty(*, cart: Cart) -> bool:
    """Whether a cart has no lines."""
    return not cart.lines.exists()


def cart_item_count(*, user, session: SessionBase) -> int:
    """How many items the shopper's cart holds, for the header; 0 without a cart."""
    if user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=user)
    else:
        cart_id = session.get(CART_SESSION_KEY)
        if cart_id is None:
            return 0
        lines = CartLine.objects.filter(cart_id=cart_id, cart__user=None)
    return lines.aggregate(total=Sum("quantity"))["total"] or 0


@transaction.atomic
def cart_get_or_create(*, user, session: SessionBase, market: Market) -> Cart:
    """The shopper's cart in `market`, created if missing, moved if in another."""
    cart = cart_get(user=user, session=session)
    if cart is None:
        if user.is_authenticated:
            cart, _created = Cart.objects.get_or_create(
                user=user, defaults={"market": market}
            )
        else:
            if session.session_key is None:
                session.save()
            cart, _created = Cart.objects.get_or_create(
                session_key=session.session_key,
                user=None,
                defaults={"market": market},
            )
            session[CART_SESSION_KEY] = cart.pk
    if cart.market_id != market.pk:
        cart = cart_market_switch(cart=cart, market=market)
    return cart


@transaction.atomic
def cart_market_switch(*, cart: Cart, market: Market) -> Cart:
    """Move a cart to another market: its lines take that market's prices."""
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    cart.market = market
    cart.save(update_fields=["market", "updated_at"])
    for line in cart_lines(cart=cart):
        amount = cart_line_unit_amount(variant=line.variant, market=market)
        # Not sold there: the line stays, and the checkout says so.
        line.unit_amount = amount if amount is not None else Decimal("0")
        line.save(update_fields=["unit_amount"])
    return cart


def _current_variant(variant_id: int, market: Market) -> Variant:
    variant = _variant_queryset(market).filter(pk=variant_id).first()
    if variant is None or not variant.product.is_active:
        raise CartError(_("This product is no longer available."))
    if not variant_offerable(variant):
        raise CartError(gated_notice(product=variant.product, market=market))
    return variant


def _capped(*, variant: Variant, wanted: int, change: CartChange) -> int:
    """The quantity the stock allows, with a notice when it is less than wanted."""
    limit = min(variant.stock, MAX_LINE_QUANTITY)
    if wanted <= limit:
        return wanted
    if variant.stock <= 0:
        change.notices.append(
            _("Sorry, %(product)s is out of stock.") % {"product": variant.product.name}
        )
    elif limit == MAX_LINE_QUANTITY and variant.stock > MAX_LINE_QUANTITY:
        change.notices.append(
            _("You can order at most %(count)d of %(product)s at once.")
            % {"count": MAX_LINE_QUANTITY, "product": variant.product.name}
        )
    else:
        change.notices.append(
            _("Only %(count)d of %(product)s in stock: your cart holds %(count)d.")
            % {"count": limit, "product": variant.product.name}
        )
    return max(limit, 0)


@transaction.atomic
def cart_add(*, cart: Cart, variant_id: int, quantity: int) -> CartChange:
    """Add a quantity of a variant, capped by its stock; the price is noted as seen."""
    if quantity < 1:
        raise CartError(_("Choose a quantity of at least 1."))
    cart = Cart.objects.select_for_update().select_related("market").get(pk=cart.pk)
    variant = _current_variant(variant_id, cart.market)
    amount = cart_line_unit_amount(variant=variant, market=cart.market)
    if amount is None:
        raise CartError(
            _("%(product)s is not sold in your market.")
            % {"product": variant.product.name}
        )
    if variant.stock <= 0:
        raise CartError(
            _("Sorry, %(product)s is out of stock.") % {"product": variant.product.name}
        )
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    change = CartChange()
    wanted = (line.quantity if line else 0) + quantity
    change.quantity = _capped(variant=variant, wanted=wanted, change=change)
    if line is None:
        CartLine.objects.create(
            cart=cart, variant=variant, quantity=change.quantity, unit_amount=amount
        )
    else:
        # The shopper has just seen the current price on the product page.
        line.quantity = change.quantity
        line.unit_amount = amount
        line.save(update_fields=["quantity", "unit_amount"])
    cart.save(update_fields=["updated_at"])
    return change


@transaction.atomic
def cart_line_update(*, cart: Cart, line_id: int, quantity: int) -> CartChange:
    """Set a line's quantity, capped by stock; 0 removes the line."""
    cart = Cart.objects.select_for_update().select_related("market").get(pk=cart.pk)
    line = CartLine.objects.filter(cart=cart, pk=line_id).first()
    if line is None:
        raise CartError(_("This item is no longer in your cart."))
    change = CartChange()
    if quantity <= 0:
        line.delete()
        cart.save(update_fields=["updated_at"])
        return change
    variant = _current_variant(line.variant_id, cart.market)
    change.quantity = _capped(variant=variant, wanted=quantity, change=change)
    if change.quantity == 0:
        line.delete()
    else:
        line.quantity = change.quantity
        line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return change


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: int) -> None:
    """Remove a line from a cart."""
    CartLine.objects.filter(cart=cart, pk=line_id).delete()
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


@dataclass
class CartRefreshPlan:
    """What taking current prices and stock into a cart changes, worked out in
    memory: `lines` carry the new quantities and prices, nothing is saved."""

    lines: list[CartLine]
    removed: list[CartLine]
    changed: dict[int, list[str]]
    notices: list[str]


def cart_refresh_plan(*, cart: Cart, market: Market | None = None) -> CartRefreshPlan:
    """The cart's lines at current prices and stock in `market` (the cart's by
    default), with what changed in words; writes nothing, so a GET may ask it.

    In another market than the cart's the prices are that market's, as a market
    switch would note them, so they are not reported as changes."""
    market = market or cart.market
    moving = market.pk != cart.market_id
    plan = CartRefreshPlan(lines=[], removed=[], changed={}, notices=[])
    for line in cart_lines(cart=cart, market=market):
        variant = line.variant
        name = variant.product.name
        amount = cart_line_unit_amount(variant=variant, market=market)
        if amount is None or not variant.product.is_active:
            plan.notices.append(
                _("%(product)s is no longer sold in your market and was removed.")
                % {"product": name}
            )
            plan.removed.append(line)
            continue
        if not variant_offerable(variant):
            plan.notices.append(gated_notice(product=variant.product, market=market))
            plan.removed.append(line)
            continue
        if variant.stock <= 0:
            plan.notices.append(
                _("%(product)s sold out and was removed.") % {"product": name}
            )
            plan.removed.append(line)
            continue
        fields = []
        if line.quantity > variant.stock:
            plan.notices.append(
                _("Only %(count)d of %(product)s left: your cart now holds %(count)d.")
                % {"count": variant.stock, "product": name}
            )
            line.quantity = variant.stock
            fields.append("quantity")
        if amount != line.unit_amount:
            if not moving:
                plan.notices.append(
                    _("The price of %(product)s changed.") % {"product": name}
                )
            line.unit_amount = amount
            fields.append("unit_amount")
        if fields:
            plan.changed[line.pk] = fields
        plan.lines.append(line)
    return plan


@transaction.atomic
def cart_refresh(*, cart: Cart) -> list[str]:
    """Take current prices and stock into the cart; returns what changed, in words."""
    cart = Cart.objects.select_for_update().select_related("market").get(pk=cart.pk)
    plan = cart_refresh_plan(cart=cart)
    for line in plan.removed:
        line.delete()
    for line in plan.lines:
        if line.pk in plan.changed:
            line.save(update_fields=plan.changed[line.pk])
    return plan.notices


@transaction.atomic
def cart_market_follow(*, user, session: SessionBase, market: Market) -> Cart | None:
    """Move the shopper's cart, if any, to the market they chose."""
    cart = cart_get(user=user, session=session)
    if cart is None or cart.market_id == market.pk:
        return cart
    return cart_market_switch(cart=cart, market=market)


@transaction.atomic
def cart_merge(*, user, session: SessionBase) -> CartChange:
    """On login: add the guest cart's lines to the account's cart, capped by stock."""
    change = CartChange()
    cart_id = session.pop(CART_SESSION_KEY, None)
    if cart_id is None:
        return change
    guest = (
        Cart.objects.select_for_update()
        .select_related("market")
        .filter(pk=cart_id, user=None)
        .first()
    )
    if guest is None:
        return change
    own = Cart.objects.select_for_update().filter(user=user).first()
    if own is None:
        guest.user = user
        guest.session_key = ""
        guest.save(update_fields=["user", "session_key", "updated_at"])
        return change
    # The shopper is browsing in the guest cart's market: the merged cart follows.
    if own.market_id != guest.market_id:
        cart_market_switch(cart=own, market=guest.market)
    existing = {line.variant_id: line for line in cart_lines(cart=own)}
    for line in cart_lines(cart=guest):
        mine = existing.get(line.variant_id)
        wanted = line.quantity + (mine.quantity if mine else 0)
        quantity = _capped(variant=line.variant, wanted=wanted, change=change)
        if mine is not None:
            if quantity == 0:
                mine.delete()
            else:
                mine.quantity = quantity
                mine.save(update_fields=["quantity"])
        elif quantity > 0:
            CartLine.objects.create(
                cart=own,
                variant=line.variant,
                quantity=quantity,
                unit_amount=line.unit_amount,
            )
    guest.delete()
    own.save(update_fields=["updated_at"])
    change.quantity = sum(own.lines.values_list("quantity", flat=True))
    return change


@transaction.atomic
def cart_clear(*, cart: Cart) -> None:
    """Empty a cart (after its order was placed)."""
    CartLine.objects.filter(cart=cart).delete()


@dataclass(frozen=True)
class CartRow:
    """A cart line as the cart page shows it: the current price beside the noted."""

    line: CartLine
    unit_amount: Decimal | None
    line_amount: Decimal
    price_changed: bool
    available: bool
    short_of_stock: bool
    # While a reduction may be announced: the struck reference price, and in
    # markets with the EU rule the lowest price of the 30 days before it.
    regular_amount: Decimal | None = None
    prior_lowest_amount: Decimal | None = None
    price: EffectivePrice | None = None


def cart_rows(*, cart: Cart, market: Market | None = None) -> list[CartRow]:
    """The cart's lines at current prices in `market` (the cart's by default),
    marking changes since they were added; writes nothing.

    A cart from another market is priced in `market` as it stands; its noted
    prices are in the other currency, so they are not compared."""
    market = market or cart.market
    same_market = market.pk == cart.market_id
    rows = []
    now = timezone.now()
    for line in cart_lines(cart=cart, market=market):
        variant = line.variant
        price = price_effective(variant=variant, market=market, at=now)
        amount = price.amount if price is not None else None
        available = price is not None and variant.product.is_active
        rows.append(
            CartRow(
                line=line,
                unit_amount=amount,
                line_amount=(amount or Decimal("0")) * line.quantity,
                price_changed=(
                    same_market and available and amount != line.unit_amount
                ),
                available=available,
                short_of_stock=line.quantity > variant.stock,
                regular_amount=(
                    price.reference_amount if available and price else None
                ),
                prior_lowest_amount=(
                    price.prior_lowest_amount if available and price else None
                ),
                price=price,
            )
        )
    return rows
