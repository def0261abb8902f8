"""Legal deadlines of data-subject requests, per privacy regime.

Every period is counted in the market's time zone from the local day the request
arrived and ends at the end of the local day it falls on. A period of months ends
on the same day of the later month, or on that month's last day when it has no
such day (31 January + 1 month = 28 or 29 February), as EU law counts months.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class RegimeRule:
    """How long a regime gives to answer, and to confirm receipt."""

    name: StrOrPromise
    answer_months: int = 0
    answer_days: int = 0
    extension_months: int = 0
    extension_days: int = 0
    receipt_business_days: int | None = None


# Regimes without a rule here (BIPA has no request deadline) add none.
REGIME_RULES: dict[str, RegimeRule] = {
    # Art. 12(3): one month, extendable by two further months, with notice and
    # reasons within the first month.
    "gdpr": RegimeRule(name=_("EU GDPR"), answer_months=1, extension_months=2),
    # The UK GDPR kept Art. 12(3) as it was.
    "uk-gdpr": RegimeRule(name=_("UK GDPR"), answer_months=1, extension_months=2),
    # Cal. Civ. Code 1798.130 and CCPA regulations 7021: confirm within 10 business
    # days, answer within 45 calendar days, once extendable by 45 with notice.
    "ccpa": RegimeRule(
        name=_("California CCPA/CPRA"),
        answer_days=45,
        extension_days=45,
        receipt_business_days=10,
    ),
    # Tex. Bus. & Com. Code 541.052: 45 days, extendable once by 45.
    "tdpsa": RegimeRule(name=_("Texas TDPSA"), answer_days=45, extension_days=45),
    # LGPD Art. 19 II: a complete answer within 15 days.
    "lgpd": RegimeRule(name=_("Brazil LGPD"), answer_days=15),
}
# Markets whose regimes set no deadline still answer within this.
DEFAULT_RULE = RegimeRule(name=_("Shop policy"), answer_days=30)


@dataclass(frozen=True)
class Deadlines:
    """When a request must be answered; None where no regime asks for it."""

    due_at: datetime
    extended_due_at: datetime | None
    receipt_due_at: datetime | None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it has none."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_business_days(day: date, days: int) -> date:
    """The day `days` working days (Monday to Friday) after `day`."""
    current = day
    left = days
    while left:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def _end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(
        ZoneInfo("UTC")
    )


def _answer_day(rule: RegimeRule, start: date) -> date:
    return add_months(start, rule.answer_months) + timedelta(days=rule.answer_days)


def _extended_day(rule: RegimeRule, start: date) -> date | None:
    if not (rule.extension_months or rule.extension_days):
        return None
    answer = _answer_day(rule, start)
    return add_months(answer, rule.extension_months) + timedelta(
        days=rule.extension_days
    )


def deadlines_compute(
    *, regimes: list[str], received_at: datetime, time_zone: str
) -> Deadlines:
    """The strictest deadlines of the regimes that apply to a request."""
    zone = ZoneInfo(time_zone)
    start = received_at.astimezone(zone).date()
    rules = [REGIME_RULES[code] for code in regimes if code in REGIME_RULES]
    if not rules:
        rules = [DEFAULT_RULE]
    due = min(_answer_day(rule, start) for rule in rules)
    extended_days = [_extended_day(rule, start) for rule in rules]
    # An extension is only open when every regime that applies allows one.
    extended = (
        min(day for day in extended_days if day is not None)
        if all(day is not None for day in extended_days)
        else None
    )
    receipts = [
        add_business_days(start, rule.receipt_business_days)
        for rule in rules
        if rule.receipt_business_days is not None
    ]
    return Deadlines(
        due_at=_end_of_local_day(due, zone),
        extended_due_at=_end_of_local_day(extended, zone) if extended else None,
        receipt_due_at=_end_of_local_day(min(receipts), zone) if receipts else None,
    )
