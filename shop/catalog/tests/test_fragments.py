"""Product cards, facets, categories and product data kept as fragments per catalog
version, with the page cache off: the listing runs one query once they are kept,
prices follow writes at once and promotions at their start and end."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from shop.catalog.fragments import product_cards_html
from shop.catalog.selectors import product_list_for_market
from shop.compliance.selectors import today
from shop.models import VariantPrice
from shop.pricing.selectors import promotions_next_change
from shop.pricing.services import price_set, promotion_start
from shop.tests.factories import make_category, make_product
from shop.tests.pages import _html, _market

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_english_while_arranging", "no_page_cache"),
]


@pytest.fixture
def listing():
    category = make_category(name="Tents")
    products = [
        make_product(category=category, name=f"Tent {n}", prices={"US": f"{n}0"})
        for n in range(1, 4)
    ]
    return category, products


def _card_ttls(market_code: str = "US") -> list[int]:
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    pattern = cache.make_key(f"fragment:card:{market_code}:*")
    return [client.ttl(name) for name in client.scan_iter(match=pattern)]


def _kept(pattern: str) -> list[str]:
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    return [name.decode() for name in client.scan_iter(match=cache.make_key(pattern))]


def test_listing_with_kept_fragments_runs_one_query(
    client, listing, django_assert_num_queries
):
    category, _products = listing
    url = f"/en/c/{category.slug}/"
    client.get(url)

    # The page's products with the listing's size; cards, facets, category and
    # filter form are kept.
    with django_assert_num_queries(1):
        html = _html(client.get(url))

    assert html.count('class="card__title"') == 3
    assert "Tent 2" in html
    assert "$20.00" in html


def test_listing_reads_its_kept_parts_in_two_cache_round_trips(
    client, listing, monkeypatch
):
    category, _products = listing
    url = f"/en/c/{category.slug}/"
    client.get(url)
    calls = []
    get_many = cache.get_many
    monkeypatch.setattr(
        cache, "get_many", lambda keys: calls.append(keys) or get_many(keys)
    )

    html = _html(client.get(url))

    # The category, its facets, the header's categories and the filter form in
    # one; the page's cards in the other.
    assert len(calls) == 2
    assert "Tent 2" in html


def test_bare_listing_keeps_its_filter_form_and_a_filtered_one_renders_its_own(
    client, listing
):
    category, _products = listing
    url = f"/en/c/{category.slug}/"
    fresh = _html(client.get(url))
    kept_keys = _kept("fragment:filters:*")

    filtered = _html(client.get(f"{url}?in_stock=on&page=1"))
    kept = _html(client.get(url))

    assert kept_keys == [
        cache.make_key(f"fragment:filters:US:{today().isoformat()}:en:{url}")
    ]
    assert 'name="in_stock" id="id_in_stock" checked' in filtered
    assert 'name="in_stock" id="id_in_stock" checked' not in kept
    assert _without_csrf(kept) == _without_csrf(fresh)


def _without_csrf(html: str) -> str:
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", html)


def test_kept_cards_show_a_new_price_on_the_next_request(
    client, listing, django_capture_on_commit_callbacks
):
    category, products = listing
    url = f"/en/c/{category.slug}/"
    assert "$20.00" in _html(client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        price_set(
            variant=products[1].variants.get(),
            market=_market("US"),
            amount=Decimal("25"),
        )

    html = _html(client.get(url))
    assert "$25.00" in html
    assert "$20.00" not in html


def test_kept_cards_are_per_market_and_language(client, listing):
    category, products = listing
    price_set(
        variant=products[0].variants.get(), market=_market("DE"), amount=Decimal("12")
    )
    client.get(f"/en/c/{category.slug}/")

    client.cookies["tw_market"] = "DE"
    html = _html(client.get(f"/de/c/{category.slug}/"))

    assert "12,00\xa0€" in html
    assert "$10.00" not in html


def test_card_is_kept_no_longer_than_until_a_promotion_starts(listing):
    category, products = listing
    market = _market("US")
    price = VariantPrice.objects.get(variant__product=products[0], market=market)
    starts = timezone.now() + timedelta(seconds=90)
    promotion_start(
        price=price, amount=Decimal("5"), ends_at=starts + timedelta(hours=1), at=starts
    )
    listing_qs = product_list_for_market(market=market, category=category)

    product_cards_html(page=listing_qs, market=market)

    ttls = sorted(_card_ttls())
    assert len(ttls) == 3
    assert 0 < ttls[0] <= 90  # the card of the promoted variant
    assert ttls[1] > 500  # the others: the fragment lifetime, 600 s


def test_running_promotion_cards_are_not_kept(listing):
    category, products = listing
    market = _market("US")
    price = VariantPrice.objects.get(variant__product=products[0], market=market)
    promotion_start(
        price=price, amount=Decimal("5"), ends_at=timezone.now() + timedelta(hours=1)
    )
    listing_qs = product_list_for_market(market=market, category=category)

    cards = product_cards_html(page=listing_qs, market=market)

    assert len(cards) == 3
    assert len(_card_ttls()) == 2


def test_next_change_is_the_earliest_start_or_end_after_now(listing):
    _category, products = listing
    market = _market("US")
    now = timezone.now()
    variants = []
    for product, (start, end) in zip(
        products[:2], [(-60, 3600), (600, 7200)], strict=True
    ):
        price = VariantPrice.objects.get(variant__product=product, market=market)
        promotion_start(
            price=price,
            amount=Decimal("1"),
            at=now + timedelta(seconds=start),
            ends_at=now + timedelta(seconds=end),
        )
    for product in products:
        variant = product.variants.get()
        variant.market_promotions = list(
            variant.promotions.filter(market=market, ends_at__gt=now)
        )
        variants.append(variant)

    assert promotions_next_change(variants=variants, at=now) == now + timedelta(
        seconds=600
    )
    assert promotions_next_change(variants=variants[2:], at=now) is None
