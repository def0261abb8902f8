"""Deadlines per regime, counted in the market's time zone."""

from datetime import UTC, datetime

from privacy.services.deadlines import add_business_days, add_months, deadlines_compute


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_gdpr_month_from_31_january_ends_on_29_february_in_a_leap_year():
    deadlines = deadlines_compute(
        regimes=["gdpr"], received_at=utc(2024, 1, 31, 10), time_zone="Europe/Berlin"
    )

    # End of 29 February in Berlin (UTC+1).
    assert deadlines.due_at == utc(2024, 2, 29, 22, 59, 59)
    assert deadlines.extended_due_at == utc(2024, 4, 29, 21, 59, 59)  # UTC+2 by then
    assert deadlines.receipt_due_at is None


def test_gdpr_month_from_31_january_ends_on_28_february_otherwise():
    deadlines = deadlines_compute(
        regimes=["gdpr"], received_at=utc(2025, 1, 31, 10), time_zone="Europe/Berlin"
    )

    assert deadlines.due_at == utc(2025, 2, 28, 22, 59, 59)


def test_uk_gdpr_gives_a_month_and_two_more_in_london_time():
    deadlines = deadlines_compute(
        regimes=["uk-gdpr"], received_at=utc(2025, 6, 2, 9), time_zone="Europe/London"
    )

    # End of 2 July in London (UTC+1 in summer).
    assert deadlines.due_at == utc(2025, 7, 2, 22, 59, 59)
    assert deadlines.extended_due_at == utc(2025, 9, 2, 22, 59, 59)
    assert deadlines.receipt_due_at is None


def test_a_request_late_in_the_utc_day_counts_from_the_local_day():
    # 23:30 UTC on 31 January is already 1 February in Berlin.
    deadlines = deadlines_compute(
        regimes=["gdpr"],
        received_at=utc(2024, 1, 31, 23, 30),
        time_zone="Europe/Berlin",
    )

    assert deadlines.due_at == utc(2024, 3, 1, 22, 59, 59)


def test_a_request_early_in_the_utc_day_counts_from_the_local_day_before():
    # 03:00 UTC on 1 March 2024 is still 29 February in New York.
    deadlines = deadlines_compute(
        regimes=["ccpa"], received_at=utc(2024, 3, 1, 3), time_zone="America/New_York"
    )

    # 29 February + 45 days = 14 April, end of day in New York (UTC-4 then).
    assert deadlines.due_at == utc(2024, 4, 15, 3, 59, 59)
    # +45 more: 29 May.
    assert deadlines.extended_due_at == utc(2024, 5, 30, 3, 59, 59)
    # 10 business days after Thursday 29 February: Thursday 14 March.
    assert deadlines.receipt_due_at == utc(2024, 3, 15, 3, 59, 59)


def test_us_market_takes_the_strictest_of_ccpa_and_texas_and_ignores_bipa():
    deadlines = deadlines_compute(
        regimes=["ccpa", "bipa", "tdpsa"],
        received_at=utc(2026, 12, 31, 15),
        time_zone="America/New_York",
    )

    assert deadlines.due_at == utc(2027, 2, 15, 4, 59, 59)  # 14 Feb + end of day
    # 31 March, end of day in New York, on summer time (UTC-4) by then.
    assert deadlines.extended_due_at == utc(2027, 4, 1, 3, 59, 59)


def test_texas_alone_allows_one_extension_of_45_days():
    deadlines = deadlines_compute(
        regimes=["tdpsa"], received_at=utc(2025, 6, 1, 12), time_zone="America/Chicago"
    )

    assert deadlines.due_at == utc(2025, 7, 17, 4, 59, 59)
    assert deadlines.extended_due_at == utc(2025, 8, 31, 4, 59, 59)


def test_gdpr_with_a_regime_without_extension_allows_none():
    deadlines = deadlines_compute(
        regimes=["gdpr", "lgpd"], received_at=utc(2025, 6, 1, 12), time_zone="UTC"
    )

    assert deadlines.due_at == utc(2025, 6, 16, 23, 59, 59)
    assert deadlines.extended_due_at is None


def test_markets_without_a_deadline_regime_get_the_shop_default():
    deadlines = deadlines_compute(
        regimes=["pdp"], received_at=utc(2025, 6, 1, 12), time_zone="Asia/Jakarta"
    )

    assert deadlines.due_at == utc(2025, 7, 1, 16, 59, 59)


def test_add_months_clamps_to_the_last_day():
    assert add_months(datetime(2023, 12, 31).date(), 2) == datetime(2024, 2, 29).date()
    assert add_months(datetime(2024, 11, 30).date(), 3) == datetime(2025, 2, 28).date()


def test_business_days_skip_weekends():
    friday = datetime(2026, 1, 2).date()

    assert add_business_days(friday, 1) == datetime(2026, 1, 5).date()
    assert add_business_days(friday, 10) == datetime(2026, 1, 16).date()
