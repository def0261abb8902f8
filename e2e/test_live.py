"""A host goes live from the studio; a viewer in another browser watches, comments and
buys the pinned product, all through daphne (HTTP, WebSockets and the media relay)."""

import time

import pytest
from django.conf import settings
from django.test import Client

from live.models import Show
from live.tests.factories import make_host, make_show, make_user
from shop.models import CartLine
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_MS = 15_000


def _signed_in(new_page, base_url: str, user):
    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            },
            {"name": "tw_market", "value": "US", "url": base_url},
        ]
    )
    return page


def _frames_decoded(page) -> int:
    return page.evaluate(
        "() => window.tradewindLive ? window.tradewindLive.framesDecoded() : 0"
    )


def _wait_for_frames(page, more_than: int, timeout: float = 15.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        frames = _frames_decoded(page)
        if frames > more_than:
            return frames
        assert time.monotonic() < deadline, f"decoded frames stuck at {frames}"
        page.wait_for_timeout(200)


def test_host_goes_live_and_a_viewer_watches_comments_and_buys(asgi_server, new_page):
    host = make_host(full_name="Mia Host")
    viewer = make_user(full_name="Vic Viewer")
    jacket = make_product(name="Rain jacket", prices={"US": "120.00"})
    show = make_show(host=host, products=[jacket], title="Rain gear live")

    studio = _signed_in(new_page, asgi_server, host)
    studio.goto(f"{asgi_server}/en/live/{show.pk}/studio/")
    studio.wait_for_function(
        "() => document.getElementById('studio-preview').srcObject !== null",
        timeout=WAIT_MS,
    )
    studio.click("button.button-live")
    studio.wait_for_selector(
        "#live-studio[data-status='live'] form[action$='/studio/end/']",
        timeout=WAIT_MS,
    )
    studio.wait_for_function(
        "() => document.querySelector('[data-publish-state]').textContent"
        ".startsWith('On air')",
        timeout=WAIT_MS,
    )

    watcher = _signed_in(new_page, asgi_server, viewer)
    watcher.goto(f"{asgi_server}/en/live/{show.pk}/")
    first = _wait_for_frames(watcher, 0)
    later = _wait_for_frames(watcher, first + 10)
    assert later > first
    assert watcher.locator("[data-unmute]").is_visible()
    assert watcher.evaluate("() => document.getElementById('show-video').muted")
    assert watcher.locator("#live-show .show-status").inner_text() == "Live now"

    # "Go live" swapped the studio's controls in: the count shown is the live one.
    # The host's own socket is not counted, the viewer's is.
    studio.wait_for_function(
        "() => document.querySelector('#live-studio [data-viewer-count]')"
        ".textContent === '1'",
        timeout=WAIT_MS,
    )
    watcher.wait_for_function(
        "() => document.querySelector('#live-show [data-viewer-count]')"
        ".textContent === '1'",
        timeout=WAIT_MS,
    )

    watcher.fill("#comment-text", "Does it come in blue?")
    watcher.press("#comment-text", "Enter")
    studio.wait_for_selector(
        "#comments .comment__text:text-is('Does it come in blue?')", timeout=WAIT_MS
    )

    # Pinning is sent in the background while publishing: the stream goes on.
    studio.click(f"form[action$='/studio/pin/'] button[aria-label='Pin {jacket.name}']")
    studio.wait_for_selector(".studio__product--pinned", timeout=WAIT_MS)
    # The swapped-in controls show the count at once, not the server-rendered 0.
    assert studio.locator("#live-studio [data-viewer-count]").inner_text() == "1"
    assert studio.evaluate(
        "() => document.querySelector('[data-publish-state]').textContent"
    ).startswith("On air")
    watcher.wait_for_selector(
        f"#pinned-product [data-product-id='{jacket.pk}']", timeout=WAIT_MS
    )
    _wait_for_frames(watcher, _frames_decoded(watcher) + 10)

    # The pinned product's buy box adds to the cart without leaving the stream.
    buy = f"#live-offer [data-product-id='{jacket.pk}'] form[data-add-to-cart]"
    watcher.click(f"{buy} button[type=submit]", timeout=WAIT_MS)
    watcher.wait_for_selector(".cart-link__count", timeout=WAIT_MS)
    assert watcher.locator(".cart-link__count").inner_text().startswith("(1")
    assert watcher.url == f"{asgi_server}/en/live/{show.pk}/"
    line = CartLine.objects.select_related("cart").get()
    assert (line.cart.user_id, line.variant.product_id) == (viewer.pk, jacket.pk)
    assert _frames_decoded(watcher) > later

    # Ending the show stops the stream; the replay plays the recording in the browser.
    studio.click("form[action$='/studio/end/'] button[type=submit]")
    studio.wait_for_selector("#live-studio[data-status='ended']", timeout=WAIT_MS)
    # The viewer's page, still open, follows the socket to the ended state.
    watcher.wait_for_selector(
        "#live-show[data-status='ended'] .show-status--ended", timeout=WAIT_MS
    )
    assert watcher.locator("#live-show .show-status").inner_text() == "Replay"
    assert watcher.locator("#live-show .show-status--live").count() == 0
    assert watcher.locator("[data-ended-notice]").is_visible()
    assert watcher.locator("#comment-text").is_disabled()
    deadline = time.monotonic() + 15
    while not Show.objects.get(pk=show.pk).recording:
        assert time.monotonic() < deadline, "the recording was not attached"
        time.sleep(0.2)
    replay = new_page()
    replay.goto(f"{asgi_server}/en/live/{show.pk}/")
    replay.wait_for_function(
        "() => { const v = document.getElementById('show-video');"
        " return v.readyState >= 1 && v.duration > 1; }",
        timeout=WAIT_MS,
    )
    assert replay.locator("a[data-seek]").count() == 1
    # The jump link seeks: the server answers the browser's byte ranges (206), so
    # the recording does not restart at 0 s.
    mark = float(replay.locator("a[data-seek]").get_attribute("data-seek"))
    replay.click("a[data-seek]")
    replay.wait_for_function(
        "mark => { const v = document.getElementById('show-video');"
        " return !v.seeking && v.currentTime >= mark; }",
        arg=mark,
        timeout=WAIT_MS,
    )
    assert replay.evaluate(
        "() => { const v = document.getElementById('show-video');"
        " return v.seekable.length > 0 && v.seekable.end(0) >= v.duration - 0.1; }"
    )
    # A shared link to a later moment lands there too, not at the start.
    later_mark = replay.evaluate(
        "() => Math.floor(document.getElementById('show-video').duration * 0.6 * 10)"
        " / 10"
    )
    assert later_mark > 0.5
    replay.evaluate(f"() => {{ window.location.hash = '#t={later_mark}'; }}")
    replay.wait_for_function(
        "mark => { const v = document.getElementById('show-video');"
        " return !v.seeking && v.currentTime >= mark; }",
        arg=later_mark,
        timeout=WAIT_MS,
    )
