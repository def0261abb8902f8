"""Shows: going live and ending, pinning products, reminders."""

import logging

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from live import realtime
from live.access import ShowAction, access_show_for_control
from live.models import (
    PinEvent,
    Show,
    ShowProduct,
    ShowReminder,
    ShowStatus,
)
from live.services.errors import ShowError
from shop.compliance.selectors import markets_refusing_product
from shop.markets.services import markets_active, shopper_language
from shop.models import Product, User

logger = logging.getLogger(__name__)


def _sponsorship_check(show: Show) -> None:
    if show.is_sponsored and not show.brand_name.strip():
        raise ShowError(
            gettext_lazy(
                "A sponsored show cannot start without the brand's name: viewers "
                "must see who paid for it."
            ),
            code="sponsor_missing",
        )


def _publish_on_commit(show: Show, item: dict) -> None:
    show_id, delivery = show.pk, show.chat_delivery
    transaction.on_commit(
        lambda: realtime.item_publish(show_id=show_id, delivery=delivery, item=item)
    )


@transaction.atomic
def show_start(*, show: Show, host: User) -> Show:
    """Go live: a scheduled show only, a sponsored one only with its brand named."""
    access_show_for_control(user=host, show=show, action=ShowAction.GO_LIVE)
    _sponsorship_check(show)
    locked = Show.objects.select_for_update().get(pk=show.pk)
    _sponsorship_check(locked)
    if locked.status != ShowStatus.SCHEDULED:
        raise ShowError(
            gettext_lazy("Only a scheduled show can go live."), code="not_scheduled"
        )
    show.status = ShowStatus.LIVE
    show.started_at = timezone.now()
    Show.objects.filter(pk=show.pk).update(
        status=show.status, started_at=show.started_at
    )
    _publish_on_commit(show, {"kind": "status", "status": ShowStatus.LIVE.value})
    show_id = show.pk

    def reminders_schedule() -> None:
        from live.tasks import show_reminders_send

        show_reminders_send.delay(show_id)

    transaction.on_commit(reminders_schedule)
    return show


@transaction.atomic
def show_end(*, show: Show, host: User) -> Show:
    """End a live show; its open product pin closes at the same moment."""
    access_show_for_control(user=host, show=show, action=ShowAction.END)
    locked = Show.objects.select_for_update().get(pk=show.pk)
    if locked.status != ShowStatus.LIVE:
        raise ShowError(gettext_lazy("Only a live show can end."), code="not_live")
    now = timezone.now()
    show.status = ShowStatus.ENDED
    show.ended_at = now
    Show.objects.filter(pk=show.pk).update(status=show.status, ended_at=now)
    PinEvent.objects.filter(show=show, unpinned_at__isnull=True).update(unpinned_at=now)
    _publish_on_commit(show, {"kind": "status", "status": ShowStatus.ENDED.value})
    show_id = show.pk

    def stream_end() -> None:
        # The relay, its connections and the recording live in the event loop.
        from live.streaming.sessions import stream_end_soon

        stream_end_soon(show_id=show_id)

    transaction.on_commit(stream_end)
    return show


def _offerable_check(*, show: Show, product: Product) -> None:
    """A show may not advertise a product in a market that may not be offered it."""
    markets = list(show.markets.all()) or list(markets_active().values())
    refusing = markets_refusing_product(product=product, markets=markets)
    if refusing:
        raise ShowError(
            gettext_lazy(
                "%(product)s cannot be pinned: it may not be offered in %(markets)s "
                "(a required safety record or certificate is missing)."
            )
            % {
                "product": product.name,
                "markets": ", ".join(market.name for market in refusing),
            },
            code="not_offerable",
        )


@transaction.atomic
def product_pin(*, show: Show, product: Product, by: User) -> PinEvent:
    """Pin one of the show's featured products, closing the pin before it."""
    access_show_for_control(user=by, show=show, action=ShowAction.PIN)
    locked = Show.objects.select_for_update().get(pk=show.pk)
    if locked.status == ShowStatus.ENDED:
        raise ShowError(gettext_lazy("The show has ended."), code="ended")
    if not ShowProduct.objects.filter(show=show, product=product).exists():
        raise ShowError(
            gettext_lazy("Only products featured in this show can be pinned."),
            code="not_featured",
        )
    _offerable_check(show=show, product=product)
    current = PinEvent.objects.filter(show=show, unpinned_at__isnull=True).first()
    if current is not None and current.product_id == product.pk:
        return current
    now = timezone.now()
    if current is not None:
        current.unpinned_at = now
        current.save(update_fields=["unpinned_at"])
    pin = PinEvent.objects.create(
        show=show, product=product, pinned_by=by, pinned_at=now
    )
    _publish_on_commit(
        show, {"kind": "product_pinned", "product_id": product.pk, "pin_id": pin.pk}
    )
    return pin


@transaction.atomic
def product_unpin(*, show: Show, by: User) -> PinEvent | None:
    """Close the show's open product pin, if there is one."""
    access_show_for_control(user=by, show=show, action=ShowAction.PIN)
    Show.objects.select_for_update().get(pk=show.pk)
    current = PinEvent.objects.filter(show=show, unpinned_at__isnull=True).first()
    if current is None:
        return None
    current.unpinned_at = timezone.now()
    current.save(update_fields=["unpinned_at"])
    _publish_on_commit(show, {"kind": "product_unpinned", "pin_id": current.pk})
    return current


def show_reminder_add(*, show: Show, user: User) -> ShowReminder:
    """Ask for an email when a scheduled show starts (once per shopper)."""
    if show.status != ShowStatus.SCHEDULED:
        raise ShowError(
            gettext_lazy("Reminders are only for shows that have not started."),
            code="not_scheduled",
        )
    reminder, _created = ShowReminder.objects.get_or_create(show=show, user=user)
    return reminder


def show_reminder_remove(*, show: Show, user: User) -> None:
    """Cancel a shopper's reminder for a show."""
    ShowReminder.objects.filter(show=show, user=user, sent_at__isnull=True).delete()


def _reminder_language(user: User) -> str:
    if user.preferred_language:
        return shopper_language(user.preferred_language)
    if user.preferred_market is not None:
        return shopper_language(user.preferred_market.language)
    return settings.LANGUAGE_CODE


def show_reminders_email(*, show: Show) -> int:
    """Email every shopper who asked, in their own language; each one only once."""
    site = (
        f"{'http' if settings.DEBUG else 'https'}://{Site.objects.get_current().domain}"
    )
    pending = list(
        ShowReminder.objects.filter(
            show=show, sent_at__isnull=True, user__is_active=True
        ).values_list("pk", flat=True)
    )
    sent = 0
    for pk in pending:
        with transaction.atomic():
            reminder = (
                ShowReminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user", "user__preferred_market")
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if reminder is None:  # sent meanwhile by another worker
                continue
            user = reminder.user
            with translation.override(_reminder_language(user)):
                path = reverse("live:show", args=[show.pk])
                subject = _("Live now: %(title)s") % {"title": show.title}
                body = _(
                    "The show you asked us to remind you about has started.\n\n"
                    "%(title)s\n\nWatch it here: %(url)s"
                ) % {"title": show.title, "url": f"{site}{path}"}
            try:
                send_mail(subject, body, None, [user.email])
            except OSError:
                logger.exception("live: reminder %s could not be sent", pk)
                continue
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["sent_at"])
            sent += 1
    return sent
