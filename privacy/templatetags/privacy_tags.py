"""Consent-aware template tags: scripts of a category render only with consent."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

from privacy.consent import ConsentState
from privacy.legal_selectors import legal_kinds_for
from privacy.regimes import US_OPT_OUT_REGIMES

register = template.Library()

_NO_CONSENT = ConsentState()


def _state(context: template.Context) -> ConsentState:
    request = context.get("request")
    return getattr(request, "consent", _NO_CONSENT)


@register.simple_tag(takes_context=True)
def consent_script(context: template.Context, category: str, path: str) -> str:
    """`<script type="module">` for a static file of a consent category, rendered
    only when the visitor has granted that category."""
    if not _state(context).allows(category):
        return ""
    return format_html(
        '<script type="module" src="{}" data-consent-category="{}"></script>',
        static(path),
        category,
    )


@register.inclusion_tag("privacy/consent_banner.html", takes_context=True)
def consent_banner(context: template.Context) -> dict:
    """The banner, on a visit that has not chosen under the current policy."""
    request = context.get("request")
    state = _state(context)
    return {
        "show": not state.answered,
        "state": state,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "category_scripts": settings.CONSENT_CATEGORY_SCRIPTS,
    }


@register.inclusion_tag("privacy/footer_links.html", takes_context=True)
def privacy_footer(context: template.Context) -> dict:
    """Legal pages, cookie settings, and the US opt-out links where they apply."""
    market = context.get("market")
    code = market.code if market is not None else ""
    regimes = set(market.privacy_regimes) if market is not None else set()
    return {
        "legal_kinds": legal_kinds_for(market_code=code),
        "us_opt_outs": bool(regimes & US_OPT_OUT_REGIMES),
    }
