"""axe-core (WCAG 2.1 A/AA and best practices) finds no violation on any shopper
page, in two languages and markets, on a desktop and a 390x844 phone screen.

`PAGES` lists the pages; a page added to the shop is added here with the data its
path needs (see `pages_data`).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.utils import timezone

from live.models import ShowStatus
from live.tests.factories import make_show
from shop.markets.services import MARKET_COOKIE
from shop.tests.commerce_helpers import (
    DE_ADDRESS,
    cart_with,
    place,
    shipping_method,
)
from shop.tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class A11yPage:
    name: str
    path: str  # formatted with the language and `pages_data`
    signed_in: bool = False


PAGES = [
    A11yPage("home", "/{lang}/"),
    A11yPage("category", "/{lang}/c/{category}/"),
    A11yPage("product", "/{lang}/p/{product}/"),
    A11yPage("search", "/{lang}/search/?q=jacket"),
    A11yPage("search-empty", "/{lang}/search/"),
    A11yPage("accessibility", "/{lang}/accessibility/"),
    A11yPage("withdrawal", "/{lang}/withdrawal/"),
    A11yPage("login", "/{lang}/accounts/login/"),
    A11yPage("signup", "/{lang}/accounts/signup/"),
    A11yPage("password-reset", "/{lang}/accounts/password/reset/"),
    A11yPage("live-list", "/{lang}/live/"),
    A11yPage("live-show", "/{lang}/live/{show}/"),
    A11yPage("replay", "/{lang}/live/{replay}/"),
    A11yPage("profile", "/{lang}/accounts/profile/", signed_in=True),
    A11yPage("cart", "/{lang}/cart/", signed_in=True),
    A11yPage("checkout", "/{lang}/checkout/", signed_in=True),
    A11yPage("orders", "/{lang}/orders/", signed_in=True),
    A11yPage("order", "/{lang}/orders/{order}/", signed_in=True),
    A11yPage("tracking", "/{lang}/orders/{order}/tracking/", signed_in=True),
]
# (language, market): every page is checked in both.
LOCALES = [("en", "US"), ("de", "DE")]
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}


@pytest.fixture
def pages_data():
    """The rows the pages show, and a signed-in shopper with a cart and an order."""
    from shop.models import User

    category = make_category(name="Jackets", name_de="Jacken")
    product = make_product(
        category=category,
        name="Rain jacket",
        name_de="Regenjacke",
        description="A light jacket for rainy days.",
        prices={"US": "99.00", "DE": "119.00"},
    )
    shopper = User.objects.create_user(
        email="shopper@example.com", password="pw-for-tests-only"
    )
    method = shipping_method(market_code="DE", countries=["DE"])
    order = place(
        cart_with([(product, 1)], market_code="DE", user=shopper),
        DE_ADDRESS,
        method,
        user=shopper,
    )
    cart_with([(product, 1)], market_code="DE", user=shopper)
    show = make_show(products=[product], title="Rain gear live", title_de="Regen live")
    replay = make_show(
        products=[product],
        title="Autumn picks",
        status=ShowStatus.ENDED,
        started_at=timezone.now() - timedelta(hours=2),
        ended_at=timezone.now() - timedelta(hours=1),
    )
    return {
        "category": category.slug,
        "product": product.slug,
        "order": order.number,
        "show": show.pk,
        "replay": replay.pk,
        "shopper": shopper,
    }


def _violations_text(url: str, violations: list[dict]) -> str:
    lines = [url]
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(
            f"  {violation['id']} ({violation['impact']}): {violation['help']} "
            f"-> {targets[:4]}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_has_no_axe_violation(live_server, new_page, pages_data, viewport):
    axe = Axe()
    client = Client()
    client.force_login(pages_data["shopper"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    failures = []
    for language, market in LOCALES:
        anonymous = new_page(**VIEWPORTS[viewport])
        signed_in = new_page(**VIEWPORTS[viewport])
        for page in (anonymous, signed_in):
            page.context.add_cookies(
                [{"name": MARKET_COOKIE, "value": market, "url": live_server.url}]
            )
        signed_in.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session,
                    "url": live_server.url,
                }
            ]
        )
        for entry in PAGES:
            browser_page = signed_in if entry.signed_in else anonymous
            url = live_server.url + entry.path.format(lang=language, **pages_data)
            response = browser_page.goto(url)
            assert response is not None and response.status == 200, url
            results = axe.run(browser_page)
            violations = results.response["violations"]
            if violations:
                failures.append(_violations_text(url, violations))
    assert failures == [], "\n".join(failures)
