"""Celery entry points of shipping; each one calls a service."""

import logging

from celery import shared_task

from shop.shipping.services.anomalies import shipment_anomalies_check
from shop.shipping.services.webhooks import carrier_webhook_deliveries_purge

logger = logging.getLogger(__name__)


@shared_task
def shipment_anomalies_check_task() -> None:
    """Alert staff and shoppers of parcels that went quiet, are late or sit in
    customs (periodic)."""
    alerts = shipment_anomalies_check()
    if alerts:
        logger.info("%s new shipment anomalies.", len(alerts))


@shared_task
def carrier_webhook_deliveries_purge_task() -> None:
    """Forget carrier webhook delivery IDs past their retention (periodic)."""
    carrier_webhook_deliveries_purge()
