"""Celery entry points of the catalog; each one calls a service."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError

from shop.catalog.images import product_image_thumbnails_make
from shop.models import ProductImage

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
