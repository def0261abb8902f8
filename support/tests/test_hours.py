"""Business hours per market team, across time zones, and the first-response target."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shop.models import Market
from support.services.hours import (
    first_response_due,
    local_time_text,
    support_is_open,
    support_next_opening,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
JAKARTA = ZoneInfo("Asia/Jakarta")
UTC = ZoneInfo("UTC")


def test_berlin_team_is_open_on_a_weekday_morning_seen_from_utc():
    de = Market.objects.get(code="DE")  # 08:00-18:00 Europe/Berlin, Mon-Fri

    # Tuesday 2026-12-08 07:30 UTC is 08:30 in Berlin.
    assert support_is_open(market=de, at=datetime(2026, 12, 8, 7, 30, tzinfo=UTC))
    # 17:00 UTC is 18:00 in Berlin: closed.
    assert not support_is_open(market=de, at=datetime(2026, 12, 8, 17, 0, tzinfo=UTC))


def test_on_saturday_the_berlin_team_opens_on_monday_at_eight_berlin_time():
    de = Market.objects.get(code="DE")
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=BERLIN)

    opening = support_next_opening(market=de, at=saturday)

    assert opening == datetime(2026, 12, 7, 8, 0, tzinfo=BERLIN)


def test_the_opening_is_told_in_the_shoppers_own_zone_and_language():
    de = Market.objects.get(code="DE")
    opening = datetime(2026, 12, 7, 8, 0, tzinfo=BERLIN)

    text = local_time_text(opening, zone=NEW_YORK, market=de, language="de")

    # 08:00 in Berlin is 02:00 in New York, the same Monday.
    assert text == "Montag, 7. Dezember 2026, 02:00 (America/New_York)"


def test_a_us_team_closes_at_six_new_york_time_friday_until_monday_nine():
    us = Market.objects.get(code="US")  # 09:00-18:00 America/New_York
    friday_evening = datetime(2026, 12, 11, 23, 0, tzinfo=UTC)  # 18:00 in New York

    opening = support_next_opening(market=us, at=friday_evening)

    assert opening == datetime(2026, 12, 14, 9, 0, tzinfo=NEW_YORK)
    assert support_is_open(market=us, at=datetime(2026, 12, 11, 22, 59, tzinfo=UTC))


def test_jakarta_late_evening_waits_for_the_next_morning():
    id_market = Market.objects.get(code="ID")  # 08:00-17:00 Asia/Jakarta
    wednesday_night = datetime(2026, 12, 9, 21, 0, tzinfo=JAKARTA)

    opening = support_next_opening(market=id_market, at=wednesday_night)

    assert opening == datetime(2026, 12, 10, 8, 0, tzinfo=JAKARTA)


def test_a_market_without_hours_is_staffed_around_the_clock():
    fr = Market.objects.get(code="FR")
    fr.support_opens = None
    fr.save(update_fields=["support_opens"])
    sunday_night = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)

    assert support_is_open(market=fr, at=sunday_night)


def test_a_team_open_past_midnight_is_open_in_the_small_hours():
    us = Market.objects.get(code="US")
    us.support_opens, us.support_closes = time(20, 0), time(4, 0)
    us.save(update_fields=["support_opens", "support_closes"])

    # Tuesday 02:00 New York belongs to Monday's shift.
    assert support_is_open(market=us, at=datetime(2026, 12, 8, 2, 0, tzinfo=NEW_YORK))


def test_first_response_target_us_minutes_eu_hours():
    us = Market.objects.get(code="US")
    de = Market.objects.get(code="DE")
    at_work = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # 10:00 NY, 16:00 Berlin

    assert first_response_due(market=us, at=at_work) - at_work == timedelta(minutes=10)
    assert first_response_due(market=de, at=at_work) - at_work == timedelta(hours=4)


def test_first_response_clock_starts_when_the_team_opens():
    de = Market.objects.get(code="DE")
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=BERLIN)

    due = first_response_due(market=de, at=saturday)

    assert due == datetime(2026, 12, 7, 12, 0, tzinfo=BERLIN)
