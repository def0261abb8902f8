"""The shopper's orders: history, detail, invoice, guests' signed links, and the
withdrawal information with its model form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from shop.markets.requests import MarketRequest
from shop.markets.tax_ids import seller_tax_ids
from shop.orders.access import access_guest_order, access_order
from shop.orders.services import invoice_tax_breakdown, order_list_for_user

if TYPE_CHECKING:  # annotations only: orders are read through access_order
    from shop.models import Order


@require_safe
@login_required
def order_history(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shop/order_list.html",
        {"orders": order_list_for_user(user=request.user)},
    )


def _detail(request: HttpRequest, order: Order, token: str = "") -> HttpResponse:
    return render(
        request,
        "shop/order_detail.html",
        {
            "order": order,
            "token": token,
            "just_placed": request.GET.get("placed") == "1",
            "tax_breakdown": invoice_tax_breakdown(order=order),
        },
    )


def _invoice(request: HttpRequest, order: Order) -> HttpResponse:
    # The invoice speaks the order's language, whatever page language is shown.
    with translation.override(order.language):
        return render(
            request,
            "shop/invoice.html",
            {
                "order": order,
                "seller": order.market,
                "seller_tax_ids": seller_tax_ids(market=order.market),
                "tax_breakdown": invoice_tax_breakdown(order=order),
            },
        )


@require_safe
@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, access_order(user=request.user, number=number))


@require_safe
@login_required
def order_invoice(request: HttpRequest, number: str) -> HttpResponse:
    return _invoice(request, access_order(user=request.user, number=number))


@require_safe
def order_link(request: HttpRequest, token: str) -> HttpResponse:
    order = access_guest_order(token=token)
    return _detail(request, order, token=token)


@require_safe
def order_link_invoice(request: HttpRequest, token: str) -> HttpResponse:
    return _invoice(request, access_guest_order(token=token))


@require_safe
def withdrawal(request: MarketRequest) -> HttpResponse:
    return render(request, "shop/withdrawal.html", {"seller": request.market})
