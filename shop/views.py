from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe; also the bare view the storefront benchmark compares against."""
    return HttpResponse("ok", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/home.html")


def market_switch(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def language_switch(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
