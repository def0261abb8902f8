from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shop.pricing.selectors import price_effective
from shop.pricing.tests.test_selectors import _market, _promote, _variant_priced

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = get_user_model().objects.create_user(
        email="staff@example.com",
        password="a-long-staff-password",
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(staff)
    return client


def test_staff_see_promotions_and_end_one_early(staff_client):
    variant = _variant_priced([(40, "100.00")])
    promotion = _promote(variant, "DE", "80.00")
    listing = reverse("admin:shop_promotion_changelist")

    assert staff_client.get(listing).status_code == 200
    response = staff_client.post(
        listing,
        {"action": "end_now", "_selected_action": [promotion.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 promotion ended." in response.content.decode()
    price = price_effective(variant=variant, market=_market("DE"))
    assert price is not None and price.amount == Decimal("100.00")


def test_promotions_cannot_be_added_or_edited_by_hand(staff_client):
    variant = _variant_priced([(40, "100.00")])
    promotion = _promote(variant, "DE", "80.00")

    assert staff_client.get(reverse("admin:shop_promotion_add")).status_code == 403
    change = reverse("admin:shop_promotion_change", args=[promotion.pk])
    assert staff_client.post(change, {"amount": "1.00"}).status_code == 403
    promotion.refresh_from_db()
    assert promotion.amount == Decimal("80.00")
