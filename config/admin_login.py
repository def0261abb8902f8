"""The staff login at /admin/login/ under the same failed-login limit as shoppers'.

Django's admin login does not pass through allauth's forms, so on its own it lets a
password be guessed without limit. This view asks allauth's `login_failed` limit
(per IP and per account name, `ACCOUNT_RATE_LIMITS`) before the admin checks the
password, counts a failure after, and clears the count on success.
"""

from allauth.core import ratelimit
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

ACTION = "login_failed"


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin's own login view, rate-limited like the shop's."""
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    key = (request.POST.get("username") or "").strip().lower()
    if not ratelimit.consume(request, action=ACTION, key=key, dry_run=True):
        return render(
            request,
            "account/login_refused.html",
            {"reason": _("Too many failed login attempts. Try again later.")},
            status=429,
        )
    response = admin.site.login(request, extra_context)
    if request.user.is_authenticated and request.user.is_staff:
        ratelimit.clear(request, action=ACTION, key=key)
    else:
        ratelimit.consume(request, action=ACTION, key=key)
    return response
