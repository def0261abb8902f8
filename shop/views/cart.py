"""The cart page and its forms."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from shop.forms import CartAddForm, CartLineForm
from shop.selectors import market_tax_rate
from shop.services import cart as carts
from shop.services.cart import CartError


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect(fallback)


@require_safe
def cart_detail(request: HttpRequest) -> HttpResponse:
    cart = carts.cart_get(user=request.user, session=request.session)
    if cart is not None and cart.market_id != request.market.pk:
        cart = carts.cart_market_switch(cart=cart, market=request.market)
    rows = carts.cart_rows(cart=cart) if cart is not None else []
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
def cart_add(request: HttpRequest) -> HttpResponse:
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
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
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
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    cart = carts.cart_get(user=request.user, session=request.session)
    if cart is not None:
        carts.cart_line_remove(cart=cart, line_id=line_id)
        messages.success(request, _("Removed from your cart."))
    return redirect("shop:cart")
