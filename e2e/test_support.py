"""A shopper asks the chat in German about a product's size and gets the figures from
the catalog, asks for a person, an agent answers from the inbox, and the two start a
video call that plays real frames; all through daphne (HTTP and WebSockets)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from shop.models import Market
from shop.storefront.formatting import specification_value
from shop.tests.factories import make_product, make_spec, translated
from support.models import Call, Conversation, ConversationStatus
from support.tests.factories import make_agent

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_MS = 20_000


def _cookies(base_url: str, user=None) -> list[dict]:
    cookies = [{"name": "tw_market", "value": "DE", "url": base_url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies.append(
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        )
    return cookies


def _remote_frames(page) -> int:
    return page.evaluate(
        "() => document.querySelector('[data-remote-video]')"
        ".getVideoPlaybackQuality().totalVideoFrames"
    )


def test_german_question_handoff_agent_reply_and_video_call(asgi_server, new_page):
    product = make_product(
        prices={"DE": "89.99"},
        **translated("name", {"en": "Yoga mat Cork", "de": "Yogamatte Cork"}),
    )
    spec = make_spec(
        product=product,
        kind="dimensions",
        value=Decimal("1830"),
        value_2=Decimal("610"),
        value_3=Decimal("40"),
        **translated("label", {"en": "Dimensions", "de": "Abmessungen"}),
    )
    agent_user = make_agent()
    # The figures as the product page shows them in the German market.
    size = specification_value(spec, Market.objects.get(code="DE"), "de")

    shopper = new_page(viewport={"width": 390, "height": 844})
    shopper.context.add_cookies(_cookies(asgi_server))
    shopper.goto(f"{asgi_server}/de/")
    shopper.locator("[data-support-toggle]").click()
    shopper.locator("#support-text").fill("Wie groß ist die Yogamatte Cork?")
    shopper.keyboard.press("Enter")
    answer = shopper.locator(".support-log__item--assistant").first
    answer.wait_for(timeout=WAIT_MS)
    text = answer.inner_text()
    assert "Abmessungen" in text
    assert size == "183 × 61 × 4 cm"
    assert f"Abmessungen: {size}" in text
    assert "89,99\xa0€" in text
    assert answer.get_attribute("lang") == "de"

    shopper.locator("[data-support-human]").click()
    shopper.locator("[data-support-widget][data-status=queued]").wait_for(
        timeout=WAIT_MS
    )
    conversation_id = shopper.locator("[data-support-widget]").get_attribute(
        "data-conversation"
    )

    agent = new_page(viewport={"width": 1280, "height": 900})
    agent.context.add_cookies(_cookies(asgi_server, agent_user))
    agent.goto(f"{asgi_server}/en/support/inbox/")
    agent.locator(f"[data-inbox-rows] a[href$='/{conversation_id}/']").click()
    agent.locator("[data-support-log]").get_by_text("Yogamatte Cork").first.wait_for()
    agent.locator("#agent-text").fill("Guten Tag, ich zeige Ihnen die Matte gern.")
    agent.locator("[data-agent-send]").click()
    shopper.locator(".support-log__item--agent").get_by_text(
        "Guten Tag, ich zeige Ihnen die Matte gern."
    ).wait_for(timeout=WAIT_MS)
    assert Conversation.objects.get(pk=conversation_id).status == (
        ConversationStatus.ASSIGNED
    )

    shopper.locator("[data-support-start-call]").click()
    shopper.wait_for_url(f"**/support/{conversation_id}/call/", timeout=WAIT_MS)
    shopper.locator("[data-call-join]").click()
    agent.locator("[data-support-call-invite] a").click()
    agent.wait_for_url(f"**/support/{conversation_id}/call/")
    agent.locator("[data-call-join]").click()

    for page in (shopper, agent):
        page.locator("[data-remote-video][data-first-frame-ms]").wait_for(
            state="attached", timeout=WAIT_MS
        )
    first = _remote_frames(shopper)
    shopper.wait_for_function(
        f"() => document.querySelector('[data-remote-video]')"
        f".getVideoPlaybackQuality().totalVideoFrames > {first}",
        timeout=WAIT_MS,
    )
    call = Call.objects.get(conversation_id=conversation_id)
    assert call.status == "connected"
    assert call.first_frame_ms is not None
    assert 0 < call.first_frame_ms < WAIT_MS
