"""Shared arrangements of the flash deal tests."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from live.models import Show
from live.services.shows import product_pin, show_start
from live.tests.factories import make_show
from shop.models import Market, Promotion
from shop.pricing.services import price_set
from shop.tests.factories import make_product


def market(code: str) -> Market:
    return Market.objects.get(code=code)


def live_with_pinned(product, **fields) -> Show:
    """A live show featuring `product`, pinned by its host."""
    show = make_show(products=[product], **fields)
    show_start(show=show, host=show.host)
    product_pin(show=show, product=product, by=show.host)
    return show


def deal_amounts(deals) -> dict[str, Decimal]:
    return {deal.market.code: deal.amount for deal in deals}


def deals_expire(show: Show) -> None:
    """Move the show's deals into the past, as if their minutes had run out."""
    now = timezone.now()
    Promotion.objects.filter(flash_deal__show=show).update(
        starts_at=now - timedelta(minutes=10), ends_at=now - timedelta(seconds=1)
    )


def jacket_with_history(*, name: str = "Rain jacket"):
    """119.00 in DE now; 99.00 twenty days ago; 100.00 in the US."""
    jacket = make_product(name=name, prices={"US": "100.00"})
    variant, de = jacket.variants.get(), market("DE")
    now = timezone.now()
    price_set(
        variant=variant, market=de, amount=Decimal("99.00"), at=now - timedelta(days=20)
    )
    price_set(
        variant=variant,
        market=de,
        amount=Decimal("119.00"),
        at=now - timedelta(days=10),
    )
    return jacket


def offer_html(page: str) -> str:
    """The buy box of a show page."""
    match = re.search(r'<div id="live-offer".*?</form>', page, re.S)
    assert match, "no buy box on the page"
    return match.group(0)
