"""Who may see a data-subject request and download its export."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from privacy.models import DataSubjectRequest
from shop.models import User

# Session key listing the requests a guest proved with an emailed link.
GUEST_REQUESTS_SESSION_KEY = "privacy_guest_requests"


def access_request(
    *,
    user: User | AnonymousUser,
    request_id: int,
    guest_request_ids: list[int],
) -> DataSubjectRequest:
    """The request for its own subject only: the account that made it, or the guest
    browser that proved the address; 404 for anyone else, staff included (they use
    the admin)."""
    request = (
        DataSubjectRequest.objects.select_related("market", "user")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404
    if user.is_authenticated and request.user_id == user.pk:
        return request
    if request.pk in guest_request_ids:
        return request
    raise Http404
