"""Live show pages: the listing, the viewer page, the host studio, reminders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from live import selectors
from live.access import ShowAction, access_show_for_control, access_show_for_view
from live.choices import REACTION_EMOJI, Reaction, ReportReason
from live.forms import FlashDealStartForm
from live.services.deals import (
    DealError,
    flash_deal_end,
    flash_deal_start,
)
from live.services.errors import ShowError
from live.services.shows import (
    product_pin,
    product_unpin,
    show_end,
    show_reminder_add,
    show_reminder_remove,
    show_start,
)
from shop.catalog.selectors import product_get

if TYPE_CHECKING:  # annotations only: shows are read through the selectors
    from live.models import Show
    from shop.models import User


def _host(request: HttpRequest) -> User:
    """The signed-in user of a studio action (`_studio_show` has let them in)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


def _socket_url(request: HttpRequest, show: Show, *, host: bool = False) -> str:
    scheme = "wss" if request.is_secure() else "ws"
    path = f"/ws/live/{show.pk}/{'host/' if host else ''}"
    return f"{scheme}://{request.get_host()}{path}?lang={get_language()}"


def _show(pk: int, *, with_host: bool = False) -> Show:
    show = selectors.show_get(pk=pk, with_host=with_host)
    if show is None:
        raise Http404
    return show


def _language() -> str:
    return get_language() or "en"


def _viewed_show(request: HttpRequest, pk: int) -> Show:
    """The show, when the request's market is offered it; 404 otherwise."""
    return access_show_for_view(
        user=request.user,
        show=_show(pk),
        market=getattr(request, "market", None),
    )


@require_GET
def show_list(request: HttpRequest) -> HttpResponse:
    market = getattr(request, "market", None)
    listing = selectors.show_listing(market=market)
    language = _language()
    upcoming = [
        (
            show,
            selectors.start_time_text(
                moment=show.scheduled_start, market=market, language=language
            ),
        )
        for show in listing.upcoming
    ]
    reminded = selectors.show_reminded_ids(
        user=request.user, show_ids=[show.pk for show in listing.upcoming]
    )
    return render(
        request,
        "live/show_list.html",
        {
            "live_shows": listing.live,
            "upcoming": upcoming,
            "replays": listing.replays,
            "reminded": reminded,
        },
    )


@require_GET
def show_detail(request: HttpRequest, pk: int) -> HttpResponse:
    show = selectors.show_detail(pk=pk)
    if show is None:
        raise Http404
    market = getattr(request, "market", None)
    access_show_for_view(user=request.user, show=show, market=market)
    language = _language()
    pinned_id = selectors.pinned_product_id(show=show)
    cards = selectors.product_cards(
        product_ids=[item.product_id for item in show.featured_list],
        market=market,
        language=language,
    )
    pinned = next((card for card in cards if card.id == pinned_id), None)
    if pinned_id is not None and pinned is None:
        pinned = next(
            iter(
                selectors.product_cards(
                    product_ids=[pinned_id], market=market, language=language
                )
            ),
            None,
        )
    reminded = bool(selectors.show_reminded_ids(user=request.user, show_ids=[show.pk]))
    return render(
        request,
        "live/show_detail.html",
        {
            "show": show,
            "products": cards,
            "pinned": pinned,
            "comments": selectors.comments_recent(show=show),
            "timeline": selectors.pin_timeline(show=show) if show.is_ended else [],
            "start_text": selectors.start_time_text(
                moment=show.scheduled_start, market=market, language=language
            ),
            "reminded": reminded,
            "offer": selectors.pinned_offer(
                show=show, market=market, language=language
            ),
            "socket_url": _socket_url(request, show),
            "report_reasons": ReportReason.choices,
            "reactions": [
                (value, label, REACTION_EMOJI[value])
                for value, label in Reaction.choices
            ],
        },
    )


@require_GET
def show_pinned(request: HttpRequest, pk: int) -> JsonResponse:
    """The pinned product's card, priced for the viewer's market and language."""
    show = _viewed_show(request, pk)
    pinned_id = selectors.pinned_product_id(show=show)
    cards = selectors.product_cards(
        product_ids=[pinned_id] if pinned_id else [],
        market=getattr(request, "market", None),
        language=_language(),
    )
    response = JsonResponse({"product": cards[0].as_dict() if cards else None})
    response["Cache-Control"] = "private, max-age=5"
    return response


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def show_remind(request: HttpRequest, pk: int) -> HttpResponse:
    show = _viewed_show(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(show.get_absolute_url(), reverse("account_login"))
    if request.POST.get("action") == "cancel":
        show_reminder_remove(show=show, user=request.user)
        messages.success(request, _("We will not remind you about this show."))
    else:
        try:
            show_reminder_add(show=show, user=request.user)
        except ShowError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("We will email you when “%(title)s” starts.") % {"title": show.title},
            )
    return redirect(_safe_next(request, show.get_absolute_url()))


def _studio_show(request: HttpRequest, pk: int) -> Show | HttpResponse:
    show = _show(pk, with_host=True)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    try:
        return access_show_for_control(
            user=request.user, show=show, action=ShowAction.STUDIO_OPEN
        )
    except PermissionDenied as error:
        return HttpResponseForbidden(str(error))


@require_GET
def studio(request: HttpRequest, pk: int) -> HttpResponse:
    show: Show | HttpResponse | None = _studio_show(request, pk)
    if isinstance(show, HttpResponse):
        return show
    show = selectors.show_detail(pk=pk)
    if show is None:  # deleted since
        raise Http404
    market = getattr(request, "market", None)
    cards = selectors.product_cards(
        product_ids=[item.product_id for item in show.featured_list],
        market=market,
        language=_language(),
    )
    return render(
        request,
        "live/studio.html",
        {
            "show": show,
            "products": cards,
            "pinned_id": selectors.pinned_product_id(show=show),
            "offer": selectors.pinned_offer(
                show=show, market=market, language=_language()
            ),
            "deal_form": FlashDealStartForm(),
            "comments": selectors.comments_recent(show=show),
            "socket_url": _socket_url(request, show, host=True),
            "report_reasons": ReportReason.choices,
        },
    )


def _studio_action(request: HttpRequest, pk: int, action) -> HttpResponse:
    show = _studio_show(request, pk)
    if isinstance(show, HttpResponse):
        return show
    try:
        notice = action(show)
    except ShowError as error:
        messages.error(request, str(error.message))
    except PermissionDenied as error:
        return HttpResponseForbidden(str(error))
    else:
        messages.success(request, notice)
    return redirect("live:studio", pk=show.pk)


@require_POST
def studio_start(request: HttpRequest, pk: int) -> HttpResponse:
    def start(show: Show) -> str:
        show_start(show=show, host=_host(request))
        return _("You are live.")

    return _studio_action(request, pk, start)


@require_POST
def studio_end(request: HttpRequest, pk: int) -> HttpResponse:
    def end(show: Show) -> str:
        show_end(show=show, host=_host(request))
        return _("The show has ended. Its replay is on the show page.")

    return _studio_action(request, pk, end)


@require_POST
def studio_pin(request: HttpRequest, pk: int) -> HttpResponse:
    def pin(show: Show) -> str:
        product = product_get(pk=request.POST.get("product") or 0)
        if product is None or not product.pk:
            raise ShowError(_("Choose a product to pin."))
        product_pin(show=show, product=product, by=_host(request))
        return _("Pinned: %(name)s") % {"name": product.name}

    return _studio_action(request, pk, pin)


@require_POST
def studio_unpin(request: HttpRequest, pk: int) -> HttpResponse:
    def unpin(show: Show) -> str:
        product_unpin(show=show, by=_host(request))
        return _("No product is pinned now.")

    return _studio_action(request, pk, unpin)


@require_GET
def show_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """The pinned product's buy box (deal, countdown, add to cart) as a fragment."""
    show = _viewed_show(request, pk)
    offer = selectors.pinned_offer(
        show=show, market=getattr(request, "market", None), language=_language()
    )
    response = render(request, "live/_deal.html", {"show": show, "offer": offer})
    # It carries the server's clock for the countdown: never from a cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def studio_deal_start(request: HttpRequest, pk: int) -> HttpResponse:
    def start(show: Show) -> str:
        form = FlashDealStartForm(request.POST)
        if not form.is_valid():
            raise DealError(
                " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
        product = product_get(pk=form.cleaned_data["product"])
        if product is None:
            raise DealError(_("Choose a product for the deal."))
        flash_deal_start(
            show=show,
            product=product,
            by=_host(request),
            minutes=form.cleaned_data["minutes"],
            percent_off=form.cleaned_data["percent_off"],
        )
        return _(
            "Flash deal started: %(percent)d%% off %(name)s for %(minutes)d minutes."
        ) % {
            "percent": form.cleaned_data["percent_off"],
            "name": product.name,
            "minutes": form.cleaned_data["minutes"],
        }

    return _studio_action(request, pk, start)


@require_POST
def studio_deal_end(request: HttpRequest, pk: int) -> HttpResponse:
    def end(show: Show) -> str:
        product = product_get(pk=request.POST.get("product") or 0)
        if product is None:
            raise DealError(_("Choose a product for the deal."))
        flash_deal_end(show=show, product=product, by=_host(request))
        return _("The flash deal on %(name)s has ended.") % {"name": product.name}

    return _studio_action(request, pk, end)
