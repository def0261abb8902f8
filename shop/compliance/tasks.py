"""Celery entry points of product compliance; each one calls a service."""

import logging

from celery import shared_task

from shop.compliance.services import certificates_expiry_warn

logger = logging.getLogger(__name__)


@shared_task
def certificates_expiry_warn_task() -> None:
    """Warn staff of certificates about to lapse (daily)."""
    warned = certificates_expiry_warn()
    if warned:
        logger.info("%s certificates lapse soon.", len(warned))
