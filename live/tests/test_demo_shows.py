"""The demo shows for a first look: scheduled, featuring demo products, idempotent."""

import pytest
from django.core.management import call_command

from live.models import Show

pytestmark = pytest.mark.django_db


def test_demo_shows_are_scheduled_once_with_products_and_a_named_sponsor(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--force", stdout=None)
    call_command("seed_demo_shows")
    call_command("seed_demo_shows")

    shows = list(Show.objects.order_by("scheduled_start"))
    assert [show.host.email for show in shows] == ["host@example.com"] * 2
    assert [show.status for show in shows] == ["scheduled", "scheduled"]
    assert [show.products.count() for show in shows] == [4, 4]
    assert [(show.is_sponsored, show.brand_name) for show in shows] == [
        (False, ""),
        (True, "Ferro & Co"),
    ]
    assert shows[0].title_de == "Wanderausrüstung live im Test"
