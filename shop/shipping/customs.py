"""Customs borders and import duties: a shipment owes duties only when it leaves one
customs territory for another; the market says who pays them (DDP: the shop,
charged at checkout; DAP: the buyer, to the carrier on delivery) and at what rate."""

from dataclasses import dataclass
from decimal import Decimal

from shop.markets.models import DutiesMode, Market
from shop.pricing.services import money_round

# Countries that trade without customs formalities between them. A country in none
# of these is a customs territory of its own.
CUSTOMS_UNIONS: dict[str, frozenset[str]] = {
    # The EU's 27 members, and Monaco, which is inside the EU's customs territory.
    "EU": frozenset(
        {
            "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR",
            "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MC", "MT", "NL", "PL", "PT",
            "RO", "SE", "SI", "SK",
        }
    ),
}  # fmt: skip


def customs_territory(country: str) -> str:
    """The customs union a country belongs to, else the country itself."""
    for union, members in CUSTOMS_UNIONS.items():
        if country in members:
            return union
    return country


def crosses_customs_border(*, origin: str, destination: str) -> bool:
    """Whether a parcel from `origin` to `destination` goes through customs."""
    return customs_territory(origin) != customs_territory(destination)


def shipment_origin(market: Market) -> str:
    """Where a market's parcels leave from: the seller's country, else the market's."""
    return market.seller_country or market.default_country


@dataclass(frozen=True)
class Duties:
    """The import duties of one shipment.

    `mode` is NONE when no customs border is crossed. `amount` is charged at
    checkout (DDP); `estimate` is what the carrier will likely collect (DAP), None
    when the market knows no rate and the destination's customs decide alone.
    """

    mode: str
    rate: Decimal
    threshold: Decimal
    amount: Decimal
    estimate: Decimal | None


def duties_for_shipment(*, market: Market, country: str, goods: Decimal) -> Duties:
    """Import duties of goods worth `goods` sent by `market` to `country`."""
    zero = Decimal("0.00")
    rate, threshold = market.duty_rate, market.duty_free_threshold
    if market.duties_mode == DutiesMode.NONE or not crosses_customs_border(
        origin=shipment_origin(market), destination=country
    ):
        return Duties(DutiesMode.NONE, rate, threshold, zero, None)
    due = money_round(goods * rate) if rate > 0 and goods > threshold else zero
    if market.duties_mode == DutiesMode.DDP:
        return Duties(DutiesMode.DDP, rate, threshold, due, None)
    return Duties(DutiesMode.DAP, rate, threshold, zero, due if rate > 0 else None)
