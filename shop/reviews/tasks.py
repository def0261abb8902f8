"""Celery entry points of reviews; each one calls a service."""

import logging

from celery import shared_task

from shop.reviews.services import review_sentiment_record, reviews_unscored

logger = logging.getLogger(__name__)


@shared_task
def review_sentiment_score(review_id: int) -> None:
    """Score a new review's sentiment; alert staff when negative reviews pile up."""
    review_sentiment_record(review_id=review_id)


@shared_task
def reviews_unscored_score() -> None:
    """Score reviews whose scoring was never scheduled or never ran (periodic)."""
    for review_id in reviews_unscored():
        review_sentiment_record(review_id=review_id)
