"""Flash deals: who may start one, on what, one at a time, what viewers are told."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from live.models import FlashDeal
from live.services import deals as deal_services
from live.services.deals import (
    DealError,
    flash_deal_end,
    flash_deal_start,
)
from live.services.shows import product_pin, show_end, show_start
from live.tests.deal_setup import (
    deal_amounts,
    live_with_pinned,
    market,
)
from live.tests.factories import make_host, make_show, make_user
from shop.checkout.services.cart import cart_line_unit_amount
from shop.models import Promotion, Variant
from shop.pricing.selectors import price_effective
from shop.pricing.services import price_set
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_while_arranging():
    with translation.override("en"):
        yield


# --- Who may start a deal, and on what --------------------------------------------


def test_host_starts_a_deal_priced_from_the_current_price_in_every_market():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00", "BR": "249.90"})
    show = live_with_pinned(jacket)

    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )

    assert deal_amounts(deals) == {
        "US": Decimal("80.00"),
        "DE": Decimal("95.20"),
        "BR": Decimal("199.92"),
    }
    assert {deal.ends_at - deal.starts_at for deal in deals} == {timedelta(minutes=5)}
    assert {deal.created_by_id for deal in deals} == {show.host.pk}


def test_deal_amounts_are_rounded_half_up_to_cents_once():
    mug = make_product(prices={"US": "19.99", "DE": "0.99"})
    show = live_with_pinned(mug)

    deals = flash_deal_start(
        show=show, product=mug, by=show.host, minutes=5, percent_off=15
    )

    # 19.99 * 0.85 = 16.9915 and 0.99 * 0.85 = 0.8415
    assert deal_amounts(deals) == {"US": Decimal("16.99"), "DE": Decimal("0.84")}


def test_every_variant_of_the_pinned_product_gets_the_deal():
    jacket = make_product(prices={"US": "100.00"})
    second = Variant.objects.create(product=jacket, sku="JACKET-L", stock=3)
    price_set(variant=second, market=market("US"), amount=Decimal("110.00"))
    show = live_with_pinned(jacket)

    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=10
    )

    assert {deal.variant.sku: deal.amount for deal in deals} == {
        jacket.variants.get(sku__startswith="SKU-").sku: Decimal("90.00"),
        "JACKET-L": Decimal("99.00"),
    }


def test_a_deal_runs_only_in_the_markets_of_its_show():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00"})
    show = live_with_pinned(jacket)
    show.markets.set([market("DE")])

    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )

    assert deal_amounts(deals) == {"DE": Decimal("95.20")}


def test_fixed_amounts_set_the_deal_price_per_variant_and_market():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00"})
    variant = jacket.variants.get()
    show = live_with_pinned(jacket)

    deals = flash_deal_start(
        show=show,
        product=jacket,
        by=show.host,
        minutes=10,
        amounts={(variant.pk, market("DE").pk): Decimal("89.999")},
    )

    assert deal_amounts(deals) == {"DE": Decimal("90.00")}


def test_a_fixed_amount_at_or_above_the_current_price_is_refused():
    jacket = make_product(prices={"DE": "119.00"})
    show = live_with_pinned(jacket)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show,
            product=jacket,
            by=show.host,
            minutes=10,
            amounts={(jacket.variants.get().pk, market("DE").pk): Decimal("119.00")},
        )

    assert refused.value.code == "amount"
    assert FlashDeal.objects.count() == 0


def test_a_viewer_cannot_start_a_deal():
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)

    with pytest.raises(PermissionDenied):
        flash_deal_start(
            show=show, product=jacket, by=make_user(), minutes=5, percent_off=20
        )

    assert FlashDeal.objects.count() == 0


def test_the_host_of_another_show_cannot_start_a_deal_in_this_one():
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
    other_host = make_host()
    make_show(host=other_host)

    with pytest.raises(PermissionDenied):
        flash_deal_start(
            show=show, product=jacket, by=other_host, minutes=5, percent_off=20
        )

    assert FlashDeal.objects.count() == 0


def test_staff_can_start_a_deal():
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
    staff = make_user(is_staff=True)

    deals = flash_deal_start(
        show=show, product=jacket, by=staff, minutes=5, percent_off=20
    )

    assert deal_amounts(deals) == {"US": Decimal("80.00")}


def test_no_deal_before_the_show_is_live():
    jacket = make_product(prices={"US": "100.00"})
    show = make_show(products=[jacket])

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=20
        )

    assert refused.value.code == "not_live"
    assert FlashDeal.objects.count() == 0


def test_no_deal_after_the_show_ended():
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
    show_end(show=show, host=show.host)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=20
        )

    assert refused.value.code == "not_live"


def test_no_deal_on_a_featured_product_that_is_not_pinned():
    jacket = make_product(prices={"US": "100.00"})
    boots = make_product(prices={"US": "80.00"})
    show = make_show(products=[jacket, boots])
    show_start(show=show, host=show.host)
    product_pin(show=show, product=jacket, by=show.host)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=boots, by=show.host, minutes=5, percent_off=20
        )

    assert refused.value.code == "not_pinned"
    assert FlashDeal.objects.count() == 0


@pytest.mark.parametrize("minutes", [0, 61, -5])
def test_deal_length_outside_one_to_sixty_minutes_is_refused(minutes):
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=minutes, percent_off=20
        )

    assert refused.value.code == "minutes"
    assert FlashDeal.objects.count() == 0


@pytest.mark.parametrize("minutes", [1, 60])
def test_deal_length_of_one_and_sixty_minutes_is_accepted(minutes):
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)

    (deal,) = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=minutes, percent_off=20
    )

    assert deal.ends_at - deal.starts_at == timedelta(minutes=minutes)


@pytest.mark.parametrize("percent", [0, 91, "lots"])
def test_percent_off_outside_the_bounds_is_refused(percent):
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=percent
        )

    assert refused.value.code == "percent"


# --- One deal at a time -------------------------------------------------------------


def test_a_second_deal_while_one_runs_is_refused():
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=30
        )

    assert refused.value.code == "running"
    assert list(Promotion.objects.values_list("amount", flat=True)) == [
        Decimal("80.00")
    ]


def test_the_database_refuses_overlapping_deals_for_a_variant_in_a_market():
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
    (deal,) = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=10, percent_off=20
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Promotion.objects.create(
            variant=deal.variant,
            market=deal.market,
            amount=Decimal("50.00"),
            starts_at=deal.starts_at + timedelta(minutes=5),
            ends_at=deal.ends_at + timedelta(minutes=5),
        )

    assert Promotion.objects.count() == 1


def test_the_database_allows_back_to_back_deals_and_other_markets():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00"})
    show = live_with_pinned(jacket)
    show.markets.set([market("US")])
    (deal,) = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=10, percent_off=20
    )

    Promotion.objects.create(
        variant=deal.variant,
        market=deal.market,
        amount=Decimal("70.00"),
        starts_at=deal.ends_at,
        ends_at=deal.ends_at + timedelta(minutes=5),
    )
    Promotion.objects.create(
        variant=deal.variant,
        market=market("DE"),
        amount=Decimal("99.00"),
        starts_at=deal.starts_at,
        ends_at=deal.ends_at,
    )

    assert Promotion.objects.count() == 3


@pytest.mark.parametrize(
    ("amount", "minutes"), [(Decimal("0.00"), 5), (Decimal("-1.00"), 5)]
)
def test_the_database_refuses_a_deal_price_that_is_not_positive(amount, minutes):
    jacket = make_product(prices={"US": "100.00"})
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        Promotion.objects.create(
            variant=jacket.variants.get(),
            market=market("US"),
            amount=amount,
            starts_at=now,
            ends_at=now + timedelta(minutes=minutes),
        )


def test_the_database_refuses_a_deal_that_ends_before_it_starts():
    jacket = make_product(prices={"US": "100.00"})
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        Promotion.objects.create(
            variant=jacket.variants.get(),
            market=market("US"),
            amount=Decimal("10.00"),
            starts_at=now,
            ends_at=now,
        )


def test_ending_a_deal_restores_the_price_and_allows_a_new_one():
    jacket = make_product(prices={"US": "100.00"})
    variant, us = jacket.variants.get(), market("US")
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    ended = flash_deal_end(show=show, product=jacket, by=show.host)

    assert ended == 1
    assert cart_line_unit_amount(variant=variant, market=us) == Decimal("100.00")
    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=30
    )
    assert deal_amounts(deals) == {"US": Decimal("70.00")}


def test_ending_without_a_running_deal_is_refused():
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)

    with pytest.raises(DealError) as refused:
        flash_deal_end(show=show, product=jacket, by=show.host)

    assert refused.value.code == "no_deal"


def test_a_viewer_cannot_end_a_deal():
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    with pytest.raises(PermissionDenied):
        flash_deal_end(show=show, product=jacket, by=make_user())

    assert price_effective(
        variant=jacket.variants.get(), market=market("US"), at=timezone.now()
    ).amount == Decimal("80.00")


# --- What viewers are told, on server time ------------------------------------------


def test_deal_start_announces_ends_at_and_the_server_clock_in_utc(
    monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        deal_services.realtime,
        "item_publish",
        lambda **kwargs: published.append(kwargs),
    )
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        (deal,) = flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=20
        )
    after = timezone.now()

    assert len(published) == 1
    assert published[0]["show_id"] == show.pk
    item = published[0]["item"]
    assert {key: item[key] for key in ("kind", "state", "product_id")} == {
        "kind": "deal",
        "state": "started",
        "product_id": jacket.pk,
    }
    assert item["ends_at"].endswith("Z") and item["server_now"].endswith("Z")
    ends_at = datetime.fromisoformat(item["ends_at"])
    server_now = datetime.fromisoformat(item["server_now"])
    assert ends_at == deal.ends_at.replace(
        microsecond=deal.ends_at.microsecond // 1000 * 1000
    )
    # The announcement's clock is read on commit (in milliseconds): within the call.
    assert before - timedelta(milliseconds=1) <= server_now <= after
    assert timedelta(minutes=4) < ends_at - server_now <= timedelta(minutes=5)


def test_deal_end_announces_the_end(monkeypatch, django_capture_on_commit_callbacks):
    published = []
    monkeypatch.setattr(
        deal_services.realtime,
        "item_publish",
        lambda **kwargs: published.append(kwargs["item"]),
    )
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    with django_capture_on_commit_callbacks(execute=True):
        flash_deal_end(show=show, product=jacket, by=show.host)

    assert [(item["kind"], item["state"]) for item in published] == [("deal", "ended")]


def test_nothing_is_announced_when_the_deal_is_refused(
    monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        deal_services.realtime, "item_publish", lambda **kw: published.append(kw)
    )
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DealError):
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=99, percent_off=20
        )

    assert published == []
