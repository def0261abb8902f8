"""The studio's stream key page: how a host publishes from OBS by WHIP."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from live.selectors import show_get
from live.services.stream_keys import stream_key_rotate


@never_cache
@require_POST
def stream_key_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a new stream key and show it once, with the WHIP address to use it."""
    show = show_get(pk=pk)
    if show is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(
            reverse("live:studio", args=[pk]), reverse("account_login")
        )
    try:
        key = stream_key_rotate(show=show, by=request.user)
    except PermissionDenied as error:
        return HttpResponseForbidden(str(error))
    return render(
        request,
        "live/stream_key.html",
        {
            "show": show,
            "stream_key": key,
            "whip_url": request.build_absolute_uri(
                reverse("live_media:whip", args=[pk])
            ),
        },
    )
