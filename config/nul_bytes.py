"""Answer 400 to NUL characters in a request's path, query or form fields.

PostgreSQL cannot store or compare a NUL in a text value: `/en/orders/TW%00/` or a
form field holding one raised a database error, a 500, on every page that looks
the value up. No legitimate input carries one, so the request is refused before any
view runs. JSON bodies are checked by the views that parse them.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGE = "The request holds a NUL character."


def _has_nul(items) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in items
    )


def request_has_nul(request: HttpRequest) -> bool:
    """Whether the path, the query string or a form field contains a NUL."""
    if "\x00" in request.path or "\x00" in request.path_info:
        return True
    if _has_nul(request.GET.lists()):
        return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        return _has_nul(request.POST.lists())
    return False


class NulByteMiddleware:
    """400 for a request carrying a NUL; JSON for machine endpoints."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_has_nul(request):
            if request.path.startswith("/webhooks/") or (
                request.content_type == "application/json"
            ):
                return JsonResponse({"error": MESSAGE}, status=400)
            return HttpResponse(
                MESSAGE + "\n", status=400, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
