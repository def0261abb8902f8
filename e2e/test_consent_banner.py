"""The consent banner in a real browser: reject all keeps analytics out, accept all
lets it run, and the banner works without JavaScript and from the keyboard."""

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

OPTIONAL_COOKIES = {"tw_analytics"}
# Screenshots for a person to look at, when PRIVACY_SCREENSHOTS names a directory.
SHOTS = os.environ.get("PRIVACY_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


def _cookie_names(page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


@pytest.mark.parametrize(
    ("language", "viewport"),
    [
        ("de-DE", {"width": 1280, "height": 800}),
        ("en-US", {"width": 390, "height": 844}),
    ],
)
def test_reject_all_on_the_banner_runs_no_analytics(
    live_server, new_page, language, viewport
):
    page = new_page(viewport=viewport, extra_http_headers={"Accept-Language": language})
    page.goto(f"{live_server.url}/")
    banner = page.locator("#consent-banner")
    reject = banner.locator('button[value="reject_all"]')
    accept = banner.locator('button[value="accept_all"]')
    assert banner.is_visible()
    assert reject.is_visible() and accept.is_visible()
    # Equally easy: the same size on screen.
    reject_box, accept_box = reject.bounding_box(), accept.bounding_box()
    assert abs(reject_box["height"] - accept_box["height"]) < 1
    assert abs(reject_box["width"] - accept_box["width"]) < 2
    _shot(page, f"banner-{language}-{viewport['width']}")

    reject.click()
    banner.wait_for(state="detached")
    page.reload()

    assert page.locator("#consent-banner").count() == 0
    assert page.locator('script[data-consent-category="analytics"]').count() == 0
    assert page.evaluate("document.documentElement.dataset.analyticsLoaded") is None
    assert not _cookie_names(page) & OPTIONAL_COOKIES
    assert "tw_consent" in _cookie_names(page)
    _shot(page, f"after-reject-{language}-{viewport['width']}")


def test_accept_all_runs_analytics(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/en/")

    page.locator('#consent-banner button[value="accept_all"]').click()
    # A function, not an expression: Playwright evaluates an expression with eval,
    # which the page's Content-Security-Policy refuses.
    page.wait_for_function(
        "() => document.documentElement.dataset.analyticsLoaded === 'true'"
    )

    assert "tw_analytics" in _cookie_names(page)
    assert page.locator("#consent-banner").count() == 0


def test_banner_works_without_javascript_and_withdraws_from_the_footer(
    live_server, new_page
):
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/en/")
    page.locator('#consent-banner button[value="accept_all"]').click()
    page.wait_for_load_state()
    assert page.locator("#consent-banner").count() == 0
    assert page.locator('script[data-consent-category="analytics"]').count() == 1

    page.get_by_role("link", name="Cookie settings").click()
    page.locator('main button[value="reject_all"]').click()
    page.goto(f"{live_server.url}/en/")

    assert page.locator('script[data-consent-category="analytics"]').count() == 0


def test_banner_is_reachable_from_the_keyboard(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/en/")
    focused = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.value || ''"))
        if focused[-1] == "reject_all":
            break

    assert focused[-1] == "reject_all"
    page.keyboard.press("Enter")
    page.locator("#consent-banner").wait_for(state="detached")


def test_california_links_work_without_an_account(live_server, new_page):
    page = new_page(
        viewport={"width": 390, "height": 844},
        extra_http_headers={"Accept-Language": "en-US"},
    )
    page.goto(f"{live_server.url}/en/")
    page.locator('#consent-banner button[value="reject_all"]').click()
    page.locator("#consent-banner").wait_for(state="detached")

    page.get_by_role(
        "link", name="Do Not Sell or Share My Personal Information"
    ).click()
    page.get_by_role("button", name="Opt out").click()

    assert page.get_by_role("status").inner_text().startswith("You have opted out")
    _shot(page, "do-not-sell-en-US-390")
