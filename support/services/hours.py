"""Business hours of a market's support team and the first-response target."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time
from django.conf import settings

from shop.models import Market
from shop.storefront.formatting import babel_locale, market_zone
from support.models import SupportTeam


def support_next_opening(*, market: Market, at: datetime) -> datetime | None:
    """`at` when the team is at work then, else when it next opens; None if never.

    A market without opening and closing times is staffed around the clock.
    """
    if market.support_opens is None or market.support_closes is None:
        return at
    zone = market_zone(market)
    local = at.astimezone(zone)
    weekdays = {int(day) for day in market.support_weekdays}
    for offset in range(-1, 8):  # yesterday: a shift past midnight may still run
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        opens = datetime.combine(day, market.support_opens, tzinfo=zone)
        closes = datetime.combine(day, market.support_closes, tzinfo=zone)
        if closes <= opens:  # open past midnight
            closes += timedelta(days=1)
        if opens <= local < closes or (local < opens and offset >= 0):
            return max(opens, local).astimezone(at.tzinfo)
    return None


def support_is_open(*, market: Market, at: datetime) -> bool:
    """Whether a person of the market's team is at work at `at`."""
    return support_next_opening(market=market, at=at) == at


def first_response_target(*, market: Market) -> tuple[timedelta, timedelta]:
    """The market's first-response target and how long before it the inbox warns."""
    team = SupportTeam.objects.filter(market=market).first()
    if team is None:
        minutes = settings.SUPPORT_FIRST_RESPONSE_MINUTES
        return timedelta(minutes=minutes), timedelta(minutes=max(1, minutes // 10))
    return (
        timedelta(minutes=team.first_response_minutes),
        timedelta(minutes=team.alert_minutes),
    )


def first_response_due(*, market: Market, at: datetime) -> datetime:
    """When a person must first answer a conversation handed off at `at`.

    Outside business hours the clock starts when the team next opens.
    """
    target, _alert = first_response_target(market=market)
    start = support_next_opening(market=market, at=at) or at
    return start + target


def shopper_zone(name: str, *, market: Market) -> ZoneInfo:
    """The shopper's own time zone as their browser named it, else the market's."""
    try:
        return ZoneInfo(name) if name else market_zone(market)
    except (ZoneInfoNotFoundError, ValueError):
        return market_zone(market)


def local_time_text(
    moment: datetime, *, zone: ZoneInfo, market: Market, language: str
) -> str:
    """A moment in the shopper's zone and language, the zone named:
    `Montag, 7. Dezember 2026, 02:00 (America/New_York)`."""
    locale = babel_locale(language, market.default_country)
    local = moment.astimezone(zone)
    day = format_date(local.date(), format="full", locale=locale)
    clock = format_time(local, format="short", locale=locale)
    return f"{day}, {clock} ({zone.key})"
