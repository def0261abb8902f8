"""WHIP ingest (RFC 9725) and WHEP-style playback: the show's video over plain HTTP.

``POST /live/<id>/whip`` with ``Content-Type: application/sdp`` and
``Authorization: Bearer <stream key>`` publishes the show (OBS and other encoders);
``POST /live/<id>/whep`` with a receive-only offer plays it. Both answer ``201
Created`` with the SDP answer and a ``Location`` of the session, which ``DELETE``
ends: the unguessable address is what lets its holder end it. WHEP plays a show only
in a market it is offered in (``live.access``). ICE is not trickled (offers and
answers carry every candidate), so ``PATCH`` on a session answers 405.

These are async views: under daphne they run on the event loop that holds the
show's relay (``live.streaming.sessions``), like the signaling sockets. Refusals have
a plain-text body saying why: 401 no or wrong stream key, 403 the show is not live,
404 no such show or session, 409 someone is already publishing, 413 the offer is too
large, 415 the body is not ``application/sdp``, 400 the SDP cannot be used, 422 it
lacks the show's codec, 429 this client already holds as many video connections as
it may (per IP address, account or browser session), 503 this server is full or
negotiation timed out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from live import streaming
from live.access import access_show_for_view
from live.choices import ShowStatus
from live.selectors import show_for_stream
from live.services.stream_keys import stream_key_matches
from live.streaming import StreamError

if TYPE_CHECKING:  # annotations only: rows are read through the selectors
    from live.models import Show

SDP_TYPE = "application/sdp"

_STATUS = {
    "not_live": 403,
    "busy": 409,
    "too_large": 413,
    "bad_sdp": 400,
    "codec": 422,
    "too_many": 429,
    "full": 503,
    "timeout": 503,
    "restart": 503,
}


def _plain(status: int, message: str, **headers: str) -> HttpResponse:
    response = HttpResponse(
        message + "\n", status=status, content_type="text/plain; charset=utf-8"
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _offer(request: HttpRequest) -> str | HttpResponse:
    """The SDP offer of a POST, or the response refusing it."""
    content_type = request.content_type or ""
    if content_type.lower() != SDP_TYPE:
        return _plain(415, _("Send the SDP offer as application/sdp."))
    limit = streaming.max_sdp_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _plain(413, _("The SDP offer is too large."))
    body = request.body
    if len(body) > limit:
        return _plain(413, _("The SDP offer is too large."))
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return _plain(400, _("The SDP offer is not UTF-8 text."))


async def _viewable(request: HttpRequest, show: Show) -> bool:
    """Whether the request's market is offered the show (``live.access``)."""
    user = await request.auser()
    market = getattr(request, "market", None)
    try:
        await sync_to_async(access_show_for_view)(user=user, show=show, market=market)
    except Http404:
        return False
    return True


def _bearer(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _refused(error: StreamError) -> HttpResponse:
    status = _STATUS.get(error.code, 400)
    headers = {"Retry_After": "5"} if status in (429, 503) else {}
    return _plain(status, str(error.message), **headers)


def _created(session: streaming.PeerSession, location: str) -> HttpResponse:
    response = HttpResponse(session.answer_sdp, status=201, content_type=SDP_TYPE)
    response["Location"] = location
    return response


def _options(allow: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = allow
    response["Accept-Post"] = SDP_TYPE
    return response


async def _session_end(
    request: HttpRequest, pk: int, session_id: str, role: streaming.Role
) -> HttpResponse:
    if request.method != "DELETE":
        return _plain(
            405,
            _("This server does not take trickled ICE: the offer has it all."),
            Allow="DELETE",
        )
    session = streaming.session_get(session_id=session_id, show_id=pk, role=role)
    if session is None:
        return _plain(404, _("There is no such session."))
    await streaming.session_close(session=session)
    return _plain(200, _("The session has ended."))


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
async def whip_endpoint(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "OPTIONS":
        return _options("POST, OPTIONS")
    show = await show_for_stream(pk=pk)
    if show is None:
        return _plain(404, _("There is no such show."))
    key = _bearer(request)
    if not key:
        return _plain(
            401,
            _("Send the show's stream key as a Bearer token."),
            WWW_Authenticate='Bearer realm="whip"',
        )
    if not stream_key_matches(show=show, key=key):
        return _plain(
            401,
            _("The stream key is wrong or was replaced. Copy it from the studio."),
            WWW_Authenticate='Bearer realm="whip", error="invalid_token"',
        )
    offer = _offer(request)
    if isinstance(offer, HttpResponse):
        return offer
    if show.status != ShowStatus.LIVE:
        return _plain(403, _("The show is not live: go live in the studio first."))
    try:
        session = await streaming.stream_publish(
            show=show, offer_sdp=offer, takeover=False
        )
    except StreamError as error:
        return _refused(error)
    return _created(
        session,
        reverse("live_media:whip_session", kwargs={"pk": pk, "session_id": session.id}),
    )


@csrf_exempt
@require_http_methods(["DELETE", "PATCH"])
async def whip_session(request: HttpRequest, pk: int, session_id: str) -> HttpResponse:
    return await _session_end(request, pk, session_id, "publish")


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
async def whep_endpoint(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "OPTIONS":
        return _options("POST, OPTIONS")
    show = await show_for_stream(pk=pk)
    if show is None or not await _viewable(request, show):
        return _plain(404, _("There is no such show."))
    offer = _offer(request)
    if isinstance(offer, HttpResponse):
        return offer
    try:
        viewer = streaming.Viewer.of(
            address=request.META.get("REMOTE_ADDR"),
            user=await request.auser(),
            session_key=request.session.session_key,
        )
        session = await streaming.stream_watch(
            show=show, offer_sdp=offer, viewer=viewer
        )
    except StreamError as error:
        return _refused(error)
    return _created(
        session,
        reverse("live_media:whep_session", kwargs={"pk": pk, "session_id": session.id}),
    )


@csrf_exempt
@require_http_methods(["DELETE", "PATCH"])
async def whep_session(request: HttpRequest, pk: int, session_id: str) -> HttpResponse:
    return await _session_end(request, pk, session_id, "watch")
