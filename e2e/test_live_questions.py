"""A viewer asks about the pinned product in the chat; the host's studio (on a phone)
shows a suggested answer beside the question, posts it with one click or edits it,
and the viewer sees the answer. Through daphne, on the Redis channel layer.

The engine behind ``LIVE_COMMENT_SUGGESTER`` is the stand-in of the live tests, at
the interface live defines; the server gets it through its environment.
"""

import pytest
from django.conf import settings
from django.test import Client

from live.services.shows import product_pin
from live.tests.factories import make_host, make_show, make_user
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_MS = 15_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def suggester_in_server(monkeypatch):
    """Name the stand-in engine for the server started after this fixture."""
    monkeypatch.setenv("LIVE_COMMENT_SUGGESTER", "live.tests.suggesters.suggest")


def _signed_in(new_page, base_url: str, user, **options):
    client = Client()
    client.force_login(user)
    page = new_page(**options)
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


def test_the_host_answers_a_product_question_with_one_click(
    suggester_in_server, asgi_server, new_page
):
    host = make_host(full_name="Mia Host")
    jacket = make_product(name="Rain jacket", prices={"US": "120.00"})
    show = make_show(host=host, products=[jacket], title="Rain gear live")
    product_pin(show=show, product=jacket, by=host)
    answer = "@Ana Yes: Rain jacket is waterproof (10,000 mm)."

    studio = _signed_in(new_page, asgi_server, host, viewport=PHONE)
    studio.goto(f"{asgi_server}/en/live/{show.pk}/studio/")
    viewer = _signed_in(new_page, asgi_server, make_user(full_name="Ana Asker"))
    viewer.goto(f"{asgi_server}/en/live/{show.pk}/")
    viewer.fill("#comment-text", "Is the jacket waterproof?")
    viewer.press("#comment-text", "Enter")

    box = studio.locator(".comment-suggestion").first
    box.wait_for(timeout=WAIT_MS)
    assert box.locator(".comment-suggestion__text").inner_text() == answer
    assert box.locator(".comment-suggestion__text").get_attribute("lang") == "en"
    assert box.locator(".comment-suggestion__product").inner_text() == (
        "about Rain jacket"
    )
    question = box.locator("xpath=..")
    assert question.locator(".comment__text").inner_text() == (
        "Is the jacket waterproof?"
    )

    box.get_by_role("button", name="Post answer").click()

    viewer.wait_for_selector(
        f".comment--host .comment__text:text-is('{answer}')", timeout=WAIT_MS
    )
    studio.wait_for_selector(
        ".comment-suggestion--posted [data-suggestion=post]", state="hidden"
    )
    assert viewer.locator(".comment-suggestion").count() == 0

    # "Edit", from the keyboard: the text goes into the host's box to be changed.
    viewer.fill("#comment-text", "And is it waterproof in heavy rain?")
    viewer.press("#comment-text", "Enter")
    second = studio.locator(".comment-suggestion:not(.comment-suggestion--posted)")
    second.wait_for(timeout=WAIT_MS)
    second.locator("[data-suggestion=edit]").focus()
    studio.keyboard.press("Enter")
    assert studio.evaluate("() => document.activeElement.id") == "comment-text"
    assert studio.input_value("#comment-text") == answer
    studio.keyboard.type(" Taped seams too.")
    studio.keyboard.press("Enter")
    viewer.wait_for_selector(
        f".comment--host .comment__text:text-is('{answer} Taped seams too.')",
        timeout=WAIT_MS,
    )
