"""Live-show models: the database keeps the rules that must never break."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone, translation

from live.models import PinEvent, Show, ShowStatus
from live.tests.factories import make_featured_product, make_host, make_show
from shop.tests.factories import translated

pytestmark = pytest.mark.django_db


def test_database_refuses_a_sponsored_show_without_brand():
    with pytest.raises(IntegrityError):
        Show.objects.create(
            title="Unlabelled ad",
            host=make_host(),
            scheduled_start=timezone.now(),
            language="en",
            is_sponsored=True,
            brand_name="",
        )


def test_validation_asks_for_the_brand_of_a_sponsored_show():
    show = Show(
        title="Ad",
        host=make_host(),
        scheduled_start=timezone.now(),
        language="en",
        is_sponsored=True,
        brand_name="  ",
    )

    with pytest.raises(ValidationError) as raised:
        show.full_clean()

    assert list(raised.value.message_dict) == ["brand_name"]


def test_database_refuses_a_live_show_without_start_time():
    show = make_show()

    with pytest.raises(IntegrityError):
        Show.objects.filter(pk=show.pk).update(status=ShowStatus.LIVE)


def test_database_refuses_two_open_pins_in_one_show():
    show = make_show()
    first = make_featured_product(show=show)
    second = make_featured_product(show=show)
    PinEvent.objects.create(show=show, product=first, pinned_at=timezone.now())

    with pytest.raises(IntegrityError):
        PinEvent.objects.create(show=show, product=second, pinned_at=timezone.now())


def test_show_title_and_description_are_translated():
    show = make_show(
        **translated("title", {"en": "Rain gear", "de": "Regenkleidung"}),
        **translated("description", {"en": "Stay dry.", "de": "Bleiben Sie trocken."}),
    )

    with translation.override("de"):
        assert (show.title, show.description) == (
            "Regenkleidung",
            "Bleiben Sie trocken.",
        )
    with translation.override("fr"):
        assert show.title == "Rain gear"  # falls back to English


def test_show_url_is_its_viewer_page():
    show = make_show()

    with translation.override("de"):
        assert show.get_absolute_url() == f"/de/live/{show.pk}/"
