"""Importing local sales tax rates (by ZIP code) from the CSV files tax-rate
providers publish, such as Avalara's free rate tables:

    State,ZipCode,TaxRegionName,EstimatedCombinedRate,StateRate,
    EstimatedCountyRate,EstimatedCityRate,EstimatedSpecialRate,RiskLevel

A file replaces the rates of every state it contains, all or nothing: one bad row
and no row is written, and every bad row is reported with its line number."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.markets.addresses import address_rules
from shop.models import LocalTaxRate

HEADER = (
    "State",
    "ZipCode",
    "TaxRegionName",
    "EstimatedCombinedRate",
    "StateRate",
    "EstimatedCountyRate",
    "EstimatedCityRate",
    "EstimatedSpecialRate",
    "RiskLevel",
)
RATE_COLUMNS = HEADER[3:8]
# The largest state file (Texas) has about 2,700 ZIP codes; all states together
# about 42,000. The limits leave room and refuse anything else early.
MAX_BYTES = 8 * 1024 * 1024
MAX_ROWS = 60_000
# A combined rate may differ from the sum of its parts by the providers' rounding.
SUM_TOLERANCE = Decimal("0.00002")
NAME_LENGTH = LocalTaxRate._meta.get_field("name").max_length or 80


@dataclass(frozen=True)
class RowError:
    """A line of the file that cannot be imported; line 0 is the file itself."""

    line: int
    message: str


@dataclass
class TaxRateImport:
    """What an import did, or why it did nothing."""

    states: list[str] = field(default_factory=list)
    imported: int = 0
    replaced: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _shown(value: str) -> str:
    """A cell as quoted back to staff: short, whatever was uploaded."""
    value = value.strip()
    return value if len(value) <= 24 else value[:23] + "…"


def _rate(value: str) -> Decimal | None:
    try:
        rate = Decimal(value.strip())
    except InvalidOperation:
        return None
    if not rate.is_finite() or not Decimal("0") <= rate <= Decimal("1"):
        return None
    return rate.quantize(Decimal("0.000001"))


def _name(value: str) -> str:
    name = " ".join(value.split())
    # Providers publish names in capitals: SAN FRANCISCO -> San Francisco.
    return name.title() if name.isupper() else name


def _row_parse(cells: list[str], *, states: set[str]) -> tuple[dict | None, list[str]]:
    problems: list[str] = []
    if len(cells) != len(HEADER):
        return None, [
            _("expected %(expected)d columns, found %(found)d")
            % {"expected": len(HEADER), "found": len(cells)}
        ]
    state, zip_code, name = (cell.strip() for cell in cells[:3])
    if state.upper() not in states:
        problems.append(_("unknown state “%(value)s”") % {"value": _shown(state)})
    if not (len(zip_code) == 5 and zip_code.isascii() and zip_code.isdigit()):
        problems.append(
            _("the ZIP code must be 5 digits, not “%(value)s”")
            % {"value": _shown(zip_code)}
        )
    name = _name(name)
    if not name or len(name) > NAME_LENGTH:
        problems.append(
            _("the tax region name must have 1 to %(max)d characters")
            % {"max": NAME_LENGTH}
        )
    rates: dict[str, Decimal] = {}
    for column, cell in zip(RATE_COLUMNS, cells[3:8], strict=True):
        rate = _rate(cell)
        if rate is None:
            problems.append(
                _("%(column)s must be a rate from 0 to 1, not “%(value)s”")
                % {"column": column, "value": _shown(cell)}
            )
        else:
            rates[column] = rate
    risk = cells[8].strip()
    if risk and not (risk.isascii() and risk.isdigit() and len(risk) <= 3):
        problems.append(
            _("RiskLevel must be a whole number, not “%(value)s”")
            % {"value": _shown(risk)}
        )
    if not problems:
        parts = sum((rates[c] for c in RATE_COLUMNS[1:]), Decimal("0"))
        if abs(parts - rates["EstimatedCombinedRate"]) > SUM_TOLERANCE:
            problems.append(
                _("the combined rate %(combined)s is not the sum of its parts, %(sum)s")
                % {"combined": rates["EstimatedCombinedRate"], "sum": parts}
            )
    if problems:
        return None, problems
    return {
        "region": state.upper(),
        "postal_code": zip_code,
        "name": name,
        "rate": rates["EstimatedCombinedRate"],
        "state_rate": rates["StateRate"],
        "county_rate": rates["EstimatedCountyRate"],
        "city_rate": rates["EstimatedCityRate"],
        "special_rate": rates["EstimatedSpecialRate"],
    }, []


def _rows_read(data: bytes) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    if len(data) > MAX_BYTES:
        return [], [
            RowError(
                0,
                _("The file is larger than %(size)d MB.")
                % {"size": MAX_BYTES // (1024 * 1024)},
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(0, _("The file is not UTF-8 text (CSV)."))]
    if "\x00" in text:
        return [], [RowError(0, _("The file is not UTF-8 text (CSV)."))]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) > MAX_ROWS:
                return [], [
                    RowError(
                        0,
                        _("The file has more than %(count)d rows.")
                        % {"count": MAX_ROWS},
                    )
                ]
            rows.append((reader.line_num, cells))
    except csv.Error:
        return [], [
            RowError(reader.line_num, _("This line is not valid CSV (quotes)."))
        ]
    if not rows or tuple(c.strip() for c in rows[0][1]) != HEADER:
        return [], [
            RowError(
                1,
                _("The first line must be the header: %(header)s")
                % {"header": ",".join(HEADER)},
            )
        ]
    if len(rows) == 1:
        return [], [RowError(0, _("The file has no rates below its header."))]
    return rows[1:], []


def local_tax_rates_import(
    *, data: bytes, country: str = "US", at: datetime | None = None
) -> TaxRateImport:
    """Replace the ZIP-code rates of every state in a provider's CSV file, in one
    transaction; with any bad row nothing is written and every bad row is named."""
    result = TaxRateImport()
    rows, result.errors = _rows_read(data)
    if result.errors:
        return result
    states = {code for code, _name in address_rules(country).regions}
    parsed: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    for line, cells in rows:
        values, problems = _row_parse(cells, states=states)
        if values is not None and values["postal_code"] in first_line:
            problems = [
                _("ZIP code %(zip)s is already on line %(line)d")
                % {
                    "zip": values["postal_code"],
                    "line": first_line[values["postal_code"]],
                }
            ]
        if problems:
            result.errors.append(RowError(line, "; ".join(problems)))
            continue
        assert values is not None  # no problems: the row parsed
        first_line[values["postal_code"]] = line
        parsed[values["postal_code"]] = values
    if result.errors:
        return result
    at = at or timezone.now()
    result.states = sorted({values["region"] for values in parsed.values()})
    with transaction.atomic():
        replaced = LocalTaxRate.objects.filter(
            country=country, region__in=result.states
        )
        result.replaced = replaced.count()
        replaced.delete()
        # A ZIP code that moved to another state's file is replaced there too.
        LocalTaxRate.objects.filter(country=country, postal_code__in=parsed).delete()
        LocalTaxRate.objects.bulk_create(
            LocalTaxRate(country=country, imported_at=at, **values)
            for values in parsed.values()
        )
    result.imported = len(parsed)
    return result
