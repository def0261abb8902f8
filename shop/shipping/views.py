"""Parcel tracking: the shopper's timeline and the carriers' signed webhook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from shop.orders.access import access_guest_order, access_order
from shop.shipping.selectors import shipment_timelines
from shop.shipping.services.webhooks import (
    SIGNATURE_HEADER,
    WebhookRejected,
    carrier_delivery_receive,
    carrier_payload_parse,
    carrier_signature_verify,
)

if TYPE_CHECKING:  # annotations only: orders are read through access_order
    from shop.models import Order


def _tracking(request: HttpRequest, order: Order, token: str = "") -> HttpResponse:
    return render(
        request,
        "shop/tracking.html",
        {
            "order": order,
            "token": token,
            "timelines": shipment_timelines(
                order=order, language=get_language() or settings.LANGUAGE_CODE
            ),
        },
    )


@require_safe
@login_required
def order_tracking(request: HttpRequest, number: str) -> HttpResponse:
    return _tracking(request, access_order(user=request.user, number=number))


@require_safe
def order_link_tracking(request: HttpRequest, token: str) -> HttpResponse:
    return _tracking(request, access_guest_order(token=token), token=token)


def _body(request: HttpRequest) -> bytes:
    limit = settings.CARRIER_WEBHOOK_MAX_BYTES
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > limit else request.read(limit + 1)
    if declared > limit or len(body) > limit:
        raise WebhookRejected(
            f"The body is larger than {limit} bytes; send one event per delivery.",
            status=413,
        )
    return body


@csrf_exempt  # carriers sign their deliveries instead
@require_POST
def carrier_webhook(request: HttpRequest, carrier: str) -> JsonResponse:
    """A carrier's tracking event: 200 "accepted", or 200 "duplicate" for a delivery
    ID or event seen before (nothing written); errors are JSON with a status."""
    try:
        body = _body(request)
        carrier_signature_verify(
            carrier=carrier,
            header=request.headers.get(SIGNATURE_HEADER, ""),
            body=body,
        )
        payload = carrier_payload_parse(body=body)
        result = carrier_delivery_receive(carrier=carrier, payload=payload)
    except WebhookRejected as rejection:
        return JsonResponse({"error": rejection.message}, status=rejection.status)
    return JsonResponse(
        {
            "status": "duplicate" if result.duplicate else "accepted",
            "event": payload.event_id,
        }
    )
