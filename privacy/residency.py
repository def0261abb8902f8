"""Data residency: which deployment keeps a market's shoppers' personal data.

A deployment serves one data region (`settings.DATA_REGION`); blank serves them all,
as the embedded default does. Each region's deployment has a base URL in
`settings.DATA_REGION_URLS` and a hosting location in `settings.DATA_REGION_LOCATIONS`.
"""

from dataclasses import dataclass

from django.conf import settings

from shop.models import DataRegion, Market


@dataclass(frozen=True)
class Residency:
    region: str
    region_label: str
    location: str
    served_here: bool


def residency_for(*, market: Market) -> Residency:
    """Where the personal data of `market`'s shoppers is stored."""
    region = market.data_region
    return Residency(
        region=region,
        region_label=str(DataRegion(region).label) if region in DataRegion else region,
        location=settings.DATA_REGION_LOCATIONS.get(region, ""),
        served_here=region_served_here(region=region),
    )


def region_served_here(*, region: str) -> bool:
    return not settings.DATA_REGION or settings.DATA_REGION == region


def region_url(*, region: str) -> str | None:
    """The base URL of the deployment that serves `region`, if one is configured."""
    url = settings.DATA_REGION_URLS.get(region)
    return url.rstrip("/") if url else None
