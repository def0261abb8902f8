from celery import shared_task

from privacy.services.catalog_publish import catalog_publish, catalog_publish_targets


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def catalog_publish_task(url: str | None = None) -> dict[str, int]:
    """Publish the catalog to one deployment, or to every other region's."""
    targets = [url] if url else catalog_publish_targets()
    return {target: catalog_publish(url=target) for target in targets}
