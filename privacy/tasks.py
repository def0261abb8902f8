"""Celery entry points of privacy; each one calls a service."""

from celery import shared_task

from privacy.models import DataSubjectRequest
from privacy.services.alerts import deadlines_alert
from privacy.services.catalog_publish import catalog_publish, catalog_publish_targets
from privacy.services.erasure import erasure_execute, legal_holds_purge
from privacy.services.export import export_build, exports_expire

# Both are safe to run again: a worker that dies midway (reject_on_worker_lost,
# with acks late from settings) or a step that fails (retried with backoff) leaves
# the task to be run again, which completes the request.
_RERUNNABLE = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 30,
    "max_retries": 5,
}


@shared_task(**_RERUNNABLE)
def privacy_export_task(request_id: int) -> None:
    """Build a request's export ZIP."""
    export_build(request=DataSubjectRequest.objects.get(pk=request_id))


@shared_task(**_RERUNNABLE)
def privacy_erasure_task(request_id: int) -> None:
    """Erase a request's subject."""
    erasure_execute(request=DataSubjectRequest.objects.get(pk=request_id))


@shared_task
def privacy_deadlines_alert_task() -> None:
    """Tell the privacy staff of near-due and overdue requests (daily)."""
    deadlines_alert()


@shared_task
def privacy_legal_holds_purge_task() -> None:
    """Delete held records whose retention has ended (daily)."""
    legal_holds_purge()


@shared_task
def privacy_exports_expire_task() -> None:
    """Delete export files past their download period (hourly)."""
    exports_expire()


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def catalog_publish_task(url: str | None = None) -> dict[str, int]:
    """Publish the catalog to one deployment, or to every other region's."""
    targets = [url] if url else catalog_publish_targets()
    return {target: catalog_publish(url=target) for target in targets}
