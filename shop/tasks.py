"""Celery entry points of the shop; each one calls a service."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError

from shop.models import ProductImage
from shop.services.images import product_image_thumbnails_make
from shop.services.reviews import review_sentiment_record, reviews_unscored
from shop.services.shipments import (
    carrier_webhook_deliveries_purge,
    shipment_anomalies_check,
)

logger = logging.getLogger(__name__)


@shared_task
def product_image_thumbnails_task(image_id: int) -> None:
    """Make a product image's thumbnails (scheduled when staff upload an image)."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None:
        return  # deleted before the worker got to it
    try:
        product_image_thumbnails_make(image=image)
    except ValidationError:
        # A damaged file: retrying cannot help, and the admin shows no thumbnail.
        logger.warning("Product image %s cannot be read; no thumbnails.", image_id)


@shared_task
def review_sentiment_score(review_id: int) -> None:
    """Score a new review's sentiment; alert staff when negative reviews pile up."""
    review_sentiment_record(review_id=review_id)


@shared_task
def reviews_unscored_score() -> None:
    """Score reviews whose scoring was never scheduled or never ran (periodic)."""
    for review_id in reviews_unscored():
        review_sentiment_record(review_id=review_id)


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
