"""The endpoint another deployment publishes its catalog to."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from privacy.services.catalog_publish import (
    CatalogTokenError,
    catalog_import,
    catalog_token_check,
)


@csrf_exempt  # a server-to-server call, authenticated by its signed token
@require_POST
def catalog_import_view(request: HttpRequest) -> HttpResponse:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    document = request.body
    try:
        if scheme != "Bearer":
            raise CatalogTokenError("Bearer token expected.")
        catalog_token_check(token=token, document=document)
    except CatalogTokenError:
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    count = catalog_import(document=document)
    return HttpResponse(str(count), content_type="text/plain")
