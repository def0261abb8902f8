"""The cart page and its forms; checkout: address, shipping method, then the
summary with every charge and the order button. The address and method chosen are
kept in the session meanwhile."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from shop.catalog.selectors import market_tax_rate
from shop.checkout.forms import (
    CartAddForm,
    CartLineForm,
    CheckoutAddressForm,
    PaymentForm,
    ShippingMethodForm,
)
from shop.checkout.services import cart as carts
from shop.checkout.services.cart import CartError
from shop.checkout.services.checkout import (
    CheckoutError,
    CheckoutSummary,
    ShippingAddress,
    checkout_prepare,
    checkout_preview,
    shipping_options,
)
from shop.markets.requests import MarketRequest
from shop.markets.services import shopper_language
from shop.orders.access import order_link_path
from shop.orders.payments import payment_provider
from shop.orders.selectors import order_by_idempotency_key
from shop.orders.services import (
    OutOfStock,
    PaymentDeclined,
    PaymentRetry,
    order_place,
)

if TYPE_CHECKING:  # annotations only: the view reads through services
    from shop.models import Cart, Order


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect(fallback)


@require_safe
def cart_detail(request: MarketRequest) -> HttpResponse:
    # A cart from another market is shown in this one; it moves on the next write.
    cart = carts.cart_get(user=request.user, session=request.session)
    rows = carts.cart_rows(cart=cart, market=request.market) if cart else []
    subtotal = sum(row.line_amount for row in rows)
    return render(
        request,
        "shop/cart.html",
        {
            "rows": rows,
            "subtotal": subtotal,
            "tax_rate": market_tax_rate(market=request.market),
            "can_checkout": bool(rows) and all(r.available for r in rows),
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    """A page script adding without leaving the page (a live show) asks for JSON."""
    return "application/json" in request.headers.get("Accept", "")


def _json_refused(errors: list[str]) -> JsonResponse:
    return JsonResponse({"ok": False, "errors": errors}, status=400)


@require_POST
def cart_add(request: MarketRequest) -> HttpResponse:
    as_json = _wants_json(request)
    form = CartAddForm(request.POST)
    if not form.is_valid():
        errors = [str(error) for field in form.errors.values() for error in field]
        if as_json:
            return _json_refused(errors)
        for error in errors:
            messages.error(request, error)
        return _back(request, "shop:cart")
    cart = carts.cart_get_or_create(
        user=request.user, session=request.session, market=request.market
    )
    try:
        change = carts.cart_add(
            cart=cart,
            variant_id=form.cleaned_data["variant"],
            quantity=form.cleaned_data["quantity"],
        )
    except CartError as error:
        if as_json:
            return _json_refused([str(error)])
        messages.error(request, str(error))
        return _back(request, "shop:cart")
    if as_json:
        count = carts.cart_item_count(user=request.user, session=request.session)
        return JsonResponse(
            {
                "ok": True,
                "count": count,
                "count_text": ngettext("item", "items", count),
                "message": _("Added to your cart."),
                "notices": change.notices,
            }
        )
    for notice in change.notices:
        messages.warning(request, notice)
    if not change.notices:
        messages.success(request, _("Added to your cart."))
    return redirect("shop:cart")


@require_POST
def cart_line_update(request: MarketRequest, line_id: int) -> HttpResponse:
    cart = carts.cart_get(user=request.user, session=request.session)
    form = CartLineForm(request.POST)
    if cart is None or not form.is_valid():
        messages.error(request, _("Enter a quantity from 0 to 99."))
        return redirect("shop:cart")
    try:
        change = carts.cart_line_update(
            cart=cart, line_id=line_id, quantity=form.cleaned_data["quantity"]
        )
    except CartError as error:
        messages.error(request, str(error))
        return redirect("shop:cart")
    for notice in change.notices:
        messages.warning(request, notice)
    return redirect("shop:cart")


@require_POST
def cart_line_remove(request: MarketRequest, line_id: int) -> HttpResponse:
    cart = carts.cart_get(user=request.user, session=request.session)
    if cart is not None:
        carts.cart_line_remove(cart=cart, line_id=line_id)
        messages.success(request, _("Removed from your cart."))
    return redirect("shop:cart")


CHECKOUT_SESSION_KEY = "tw_checkout"


def _state(request: HttpRequest) -> dict:
    return dict(request.session.get(CHECKOUT_SESSION_KEY) or {})


def _state_save(request: HttpRequest, **values) -> None:
    state = _state(request)
    state.update(values)
    request.session[CHECKOUT_SESSION_KEY] = state


def _cart(request: HttpRequest) -> Cart | None:
    """The shopper's cart, or None when it is empty; priced in `request.market`
    by the pages, moved there only by the order button (a POST)."""
    cart = carts.cart_get(user=request.user, session=request.session)
    if cart is None or carts.cart_is_empty(cart=cart):
        return None
    return cart


def _address(request: MarketRequest) -> ShippingAddress | None:
    data = _state(request).get("address")
    if not data:
        return None
    address = ShippingAddress.from_dict(data)
    return address if address.country in request.market.countries else None


def _new_key() -> str:
    return secrets.token_urlsafe(32)


@require_http_methods(["GET", "HEAD", "POST"])
def checkout_address(request: MarketRequest) -> HttpResponse:
    cart = _cart(request)
    if cart is None:
        return redirect("shop:cart")
    if request.method == "POST":
        form = CheckoutAddressForm(request.POST, market=request.market)
        if form.is_valid():
            address = ShippingAddress.from_dict(form.cleaned_data)
            _state_save(request, address=address.as_dict())
            return redirect("shop:checkout_shipping")
    else:
        saved = _address(request)
        initial = saved.as_dict() if saved else {}
        if not saved and request.user.is_authenticated:
            initial = {"email": request.user.email, "full_name": request.user.full_name}
        form = CheckoutAddressForm(initial=initial, market=request.market)
    return render(
        request, "shop/checkout_address.html", {"form": form, "step": "address"}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def checkout_shipping(request: MarketRequest) -> HttpResponse:
    cart = _cart(request)
    if cart is None:
        return redirect("shop:cart")
    address = _address(request)
    if address is None:
        return redirect("shop:checkout")
    rows = carts.cart_rows(cart=cart, market=request.market)
    subtotal = sum((row.line_amount for row in rows), Decimal("0"))
    options = shipping_options(
        market=request.market, country=address.country, subtotal=subtotal
    )
    chosen = _state(request).get("method")
    if request.method == "POST":
        form = ShippingMethodForm(request.POST, options=options)
        if form.is_valid():
            _state_save(request, method=form.cleaned_data["method"])
            return redirect("shop:checkout_review")
    else:
        form = ShippingMethodForm(
            initial={"method": chosen} if chosen else None, options=options
        )
    return render(
        request,
        "shop/checkout_shipping.html",
        {"form": form, "options": options, "address": address, "step": "shipping"},
    )


def _review(
    request: MarketRequest,
    *,
    cart: Cart,
    summary: CheckoutSummary,
    form: PaymentForm | None = None,
    key: str | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = PaymentForm(
            initial={
                "idempotency_key": key or _new_key(),
                "expected_total": summary.total,
            }
        )
    return render(
        request,
        "shop/checkout_review.html",
        {
            "summary": summary,
            "form": form,
            "step": "review",
            "test_payments": payment_provider().name == "offline",
        },
        status=status,
    )


def _summary_or_redirect(
    request: MarketRequest, *, expected_total: Decimal | None = None
) -> tuple[Cart | None, CheckoutSummary | None, HttpResponse | None]:
    """The summary in the current market at current prices and stock.

    A GET works the changes out in memory and writes nothing; a POST (the order
    button) moves the cart to the market and takes the changes into it, telling
    the shopper only what they have not seen in the summary they confirmed."""
    cart = _cart(request)
    if cart is None:
        return None, None, redirect("shop:cart")
    address = _address(request)
    if address is None:
        return None, None, redirect("shop:checkout")
    method = _state(request).get("method")
    try:
        if request.method == "POST":
            cart, summary, notices = checkout_prepare(
                cart=cart,
                market=request.market,
                address=address,
                shipping_method_id=method,
            )
        else:
            summary, notices = checkout_preview(
                cart=cart,
                market=request.market,
                address=address,
                shipping_method_id=method,
            )
        if summary is None:
            for notice in notices:
                messages.warning(request, notice)
            return None, None, redirect("shop:cart")
        if expected_total is None or summary.total != expected_total:
            for notice in notices:
                messages.warning(request, notice)
    except CheckoutError as error:
        for message in error.messages:
            messages.error(request, message)
        return None, None, redirect("shop:checkout_shipping")
    return cart, summary, None


@require_http_methods(["GET", "HEAD"])
def checkout_review(request: MarketRequest) -> HttpResponse:
    cart, summary, response = _summary_or_redirect(request)
    if response is not None:
        return response
    assert cart is not None and summary is not None  # no redirect: both are set
    return _review(request, cart=cart, summary=summary)


def _after_placing(request: MarketRequest, order: Order) -> HttpResponse:
    if order.user_id is not None:
        if order.user_id != request.user.pk:
            raise Http404
        return redirect(order.get_absolute_url() + "?placed=1")
    return redirect(order_link_path(order=order) + "?placed=1")


@sensitive_post_parameters("card_number")
@require_POST
def checkout_place(request: MarketRequest) -> HttpResponse:
    form = PaymentForm(request.POST)
    key = request.POST.get("idempotency_key", "")
    if form.is_valid():
        # A repeated request (double click, retry) gets the order the key made.
        placed = order_by_idempotency_key(key=form.cleaned_data["idempotency_key"])
        if placed is not None:
            return _after_placing(request, placed)
    cart, summary, response = _summary_or_redirect(
        request,
        expected_total=form.cleaned_data["expected_total"] if form.is_valid() else None,
    )
    if response is not None:
        return response
    assert cart is not None and summary is not None  # no redirect: both are set
    if not form.is_valid():
        return _review(request, cart=cart, summary=summary, form=form, status=400)
    data = form.cleaned_data
    try:
        order = order_place(
            cart=cart,
            address=summary.address,
            shipping_method_id=summary.shipping_option.method.pk,
            card_number=data["card_number"],
            idempotency_key=data["idempotency_key"],
            expected_total=data["expected_total"],
            language=shopper_language(get_language()),
            user=request.user,
            base_url=settings.SITE_URL + "/",
        )
    except PaymentRetry as error:
        for message in error.messages:
            messages.error(request, message)
        return _review(request, cart=cart, summary=summary, key=key, status=402)
    except PaymentDeclined as error:
        for message in error.messages:
            messages.error(request, message)
        # A new attempt with another card is a new payment: it gets a new key.
        return _review(request, cart=cart, summary=summary, status=402)
    except (OutOfStock, CheckoutError) as error:
        for message in error.messages:
            messages.warning(request, message)
        cart, summary, response = _summary_or_redirect(request)
        if response is not None:
            return response
        assert cart is not None and summary is not None  # no redirect: both are set
        return _review(request, cart=cart, summary=summary, key=key, status=409)
    request.session.pop(CHECKOUT_SESSION_KEY, None)
    return _after_placing(request, order)
