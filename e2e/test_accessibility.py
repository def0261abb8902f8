"""axe-core (WCAG 2.1 A/AA and best practices) finds no violation on any shopper
page, in two languages and markets, on a desktop and a 390x844 phone screen.

`PAGES` lists the pages; a page added to the shop is added here with the data its
path needs (see `pages_data`). The consent banner is checked as a first visit shows
it (on every anonymous page), and the chat widget open on top of the home page.
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
from privacy.services.legal_seed import legal_pages_seed_demo
from shop.markets.services import MARKET_COOKIE
from shop.tests.commerce_helpers import (
    DE_ADDRESS,
    cart_with,
    place,
    shipping_method,
)
from shop.tests.factories import make_category, make_product
from support.services.conversations import human_request, message_post
from support.tests.factories import make_agent, make_conversation

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class A11yPage:
    name: str
    path: str  # formatted with the language and `pages_data`
    signed_in: bool = False
    agent: bool = False  # a staff member who answers conversations
    markets: tuple[str, ...] = ()  # the markets the page exists in; all when empty


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
    A11yPage("support", "/{lang}/support/"),
    A11yPage("help-article", "/{lang}/support/help/shipping-and-delivery/"),
    A11yPage("call", "/{lang}/support/{conversation}/call/", signed_in=True),
    A11yPage("inbox", "/{lang}/support/inbox/", agent=True),
    A11yPage("inbox-conversation", "/{lang}/support/inbox/{conversation}/", agent=True),
    A11yPage("privacy-requests", "/{lang}/privacy/requests/"),
    A11yPage("privacy-requests-mine", "/{lang}/privacy/requests/", signed_in=True),
    A11yPage("cookie-settings", "/{lang}/privacy/consent/settings/"),
    A11yPage("imprint", "/{lang}/privacy/legal/imprint/", markets=("DE",)),
    A11yPage("terms", "/{lang}/privacy/legal/terms/"),
    A11yPage("privacy-notice", "/{lang}/privacy/legal/privacy/"),
    A11yPage("legal-withdrawal", "/{lang}/privacy/legal/withdrawal/"),
    A11yPage("legal-shipping", "/{lang}/privacy/legal/shipping/"),
    A11yPage("legal-contact", "/{lang}/privacy/legal/contact/"),
    A11yPage("do-not-sell", "/{lang}/privacy/do-not-sell/", markets=("US",)),
    A11yPage("limit-sensitive", "/{lang}/privacy/limit-sensitive/", markets=("US",)),
]
# (language, market): every page is checked in both.
LOCALES = [("en", "US"), ("de", "DE")]
# A question the chat answers from the catalog, with a price and a link.
CHAT_QUESTION = {
    "en": "How much is the Rain jacket?",
    "de": "Was kostet die Regenjacke?",
}
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
    legal_pages_seed_demo()
    conversation = make_conversation(user=shopper, market="DE", language="de")
    message_post(conversation=conversation, text="Was kostet der Versand?")
    human_request(conversation=conversation)
    return {
        "agent": make_agent(),
        "conversation": conversation.pk,
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


def _session_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}


# axe no longer reports duplicate ids, yet a label or aria reference then points to
# the first element of that id (the banner's checkbox, not the page's).
DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const element of document.querySelectorAll("[id]")) {
    seen.set(element.id, (seen.get(element.id) || 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}"""


def _check(axe: Axe, browser_page, url: str, failures: list[str]) -> None:
    violations = axe.run(browser_page).response["violations"]
    if violations:
        failures.append(_violations_text(url, violations))
    duplicated = browser_page.evaluate(DUPLICATE_IDS)
    if duplicated:
        failures.append(f"{url}\n  duplicate ids: {duplicated}")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_has_no_axe_violation(live_server, new_page, pages_data, viewport):
    axe = Axe()
    failures: list[str] = []
    for language, market in LOCALES:
        anonymous = new_page(**VIEWPORTS[viewport])
        signed_in = new_page(**VIEWPORTS[viewport])
        agent = new_page(**VIEWPORTS[viewport])
        for page in (anonymous, signed_in, agent):
            page.context.add_cookies(
                [{"name": MARKET_COOKIE, "value": market, "url": live_server.url}]
            )
        signed_in.context.add_cookies(
            [_session_cookie(pages_data["shopper"], live_server.url)]
        )
        agent.context.add_cookies(
            [_session_cookie(pages_data["agent"], live_server.url)]
        )
        for entry in PAGES:
            if entry.markets and market not in entry.markets:
                continue
            browser_page = (
                agent if entry.agent else signed_in if entry.signed_in else anonymous
            )
            url = live_server.url + entry.path.format(lang=language, **pages_data)
            response = browser_page.goto(url)
            assert response is not None and response.status == 200, url
            if browser_page is anonymous:
                # A first visit: nothing chosen yet, so the banner is on screen.
                assert browser_page.locator("#consent-banner").is_visible(), url
            _check(axe, browser_page, url, failures)
        # The banner's categories, then the chat widget, opened on the home page.
        url = f"{live_server.url}/{language}/"
        anonymous.goto(url)
        anonymous.locator(".consent-banner__details summary").click()
        anonymous.locator(".consent-banner__details [type=checkbox]").first.wait_for()
        _check(axe, anonymous, url + " (banner categories open)", failures)
        anonymous.locator("[data-support-toggle]").click()
        anonymous.locator("#support-text").wait_for(state="visible")
        _check(axe, anonymous, url + " (chat open)", failures)
        anonymous.locator("#support-text").fill(CHAT_QUESTION[language])
        anonymous.keyboard.press("Enter")
        anonymous.locator(".support-log__item--assistant").first.wait_for()
        _check(axe, anonymous, url + " (chat answered)", failures)
    assert failures == [], "\n".join(failures)
