"""Suggested answers to viewers' product questions: only the studio gets them.

The engine behind ``LIVE_COMMENT_SUGGESTER`` is replaced by ``live.tests.suggesters``
at the interface live defines; sockets, Redis and PostgreSQL are real.
"""

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache

from live.models import BannedWord, Comment
from live.services.comments import banned_word_save, comment_post
from live.services.errors import LiveRuleError, ModerationError
from live.services.shows import product_pin
from live.services.suggestions import (
    comment_suggestion_make,
    comment_suggestion_post,
    reply_text,
)
from live.tests import suggesters
from live.tests.factories import make_host, make_show, make_user
from live.tests.sockets import frame_next, frame_of_type, socket_join
from shop.models import Market
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)

_db = database_sync_to_async


@pytest.fixture(autouse=True)
def fake_suggester(settings):
    settings.LIVE_COMMENT_SUGGESTER = "live.tests.suggesters.suggest"
    settings.LIVE_COMMENT_SUGGEST_SECONDS = 5
    suggesters.RELEASE.clear()
    cache.clear()
    yield
    suggesters.RELEASE.set()


def _show_with_jacket():
    host = make_host(full_name="Hana Host")
    jacket = make_product(name="Storm Jacket")
    show = make_show(host=host, products=[jacket])
    product_pin(show=show, product=jacket, by=host)
    return show, host, jacket


async def _say(socket, text: str) -> dict:
    await socket.send_json_to({"type": "comment", "text": text})
    return await frame_of_type(socket, "ack")


def _is_suggestion(frame) -> bool:
    return frame["type"] == "suggestion"


async def test_a_product_question_reaches_the_studio_with_a_suggestion():
    show, host, jacket = await _db(_show_with_jacket)()
    studio, _ = await socket_join(show, host, host=True)
    viewer, _ = await socket_join(show, await _db(make_user)(full_name="Ana Souza"))

    ack = await _say(viewer, "Is the jacket waterproof?")
    suggestion = await frame_next(studio, _is_suggestion)

    assert suggestion == {
        "type": "suggestion",
        "comment_id": ack["id"],
        "text": "@Ana Yes: Storm Jacket is waterproof (10,000 mm).",
        "language": "en",
        "intent": "product_question",
        "product": {"id": jacket.pk, "name": "Storm Jacket"},
    }
    await studio.disconnect()
    await viewer.disconnect()


async def test_viewers_never_receive_suggestions_and_see_the_posted_answer():
    show, host, _jacket = await _db(_show_with_jacket)()
    studio, _ = await socket_join(show, host, host=True)
    asker, _ = await socket_join(show, await _db(make_user)(full_name="Ana Souza"))
    watcher, _ = await socket_join(show)

    ack = await _say(asker, "Is the jacket waterproof?")
    await frame_next(studio, _is_suggestion)
    await studio.send_json_to({"type": "answer", "comment_id": ack["id"]})
    answered = await frame_of_type(studio, "answered")

    seen = []

    def collect_until_answer(frame) -> bool:
        seen.append(frame)
        return frame["type"] == "tick" and any(
            c["id"] == answered["id"] for c in frame["comments"]
        )

    for socket in (asker, watcher):
        seen.clear()
        tick = await frame_next(socket, collect_until_answer)
        answer = next(c for c in tick["comments"] if c["id"] == answered["id"])
        assert (answer["text"], answer["host"]) == (
            "@Ana Yes: Storm Jacket is waterproof (10,000 mm).",
            True,
        )
        assert [f for f in seen if f["type"] == "suggestion"] == []
    for socket in (studio, asker, watcher):
        await socket.disconnect()


async def test_a_comment_that_is_no_question_gets_no_suggestion():
    show, host, _jacket = await _db(_show_with_jacket)()
    studio, _ = await socket_join(show, host, host=True)
    viewer, _ = await socket_join(show, await _db(make_user)(full_name="Ana"))

    await _say(viewer, "Hello from Lisbon")
    question = await _say(viewer, "Is it waterproof?")

    first = await frame_next(studio, _is_suggestion)
    assert first["comment_id"] == question["id"]
    await studio.disconnect()
    await viewer.disconnect()


@pytest.mark.parametrize("trouble", ["boom", "slow"])
async def test_a_failing_or_slow_suggester_neither_delays_nor_loses_the_comment(
    settings, trouble
):
    settings.LIVE_COMMENT_SUGGEST_SECONDS = 0.5
    show, host, _jacket = await _db(_show_with_jacket)()
    studio, _ = await socket_join(show, host, host=True)
    viewer, _ = await socket_join(show, await _db(make_user)(full_name="Ana"))
    watcher, _ = await socket_join(show)

    troubled = await _say(viewer, f"{trouble}: is it waterproof?")
    tick = await frame_next(
        watcher,
        lambda f: (
            f["type"] == "tick"
            and any(c["id"] == troubled["id"] for c in f["comments"])
        ),
    )
    question = await _say(viewer, "Is it waterproof?")
    first = await frame_next(studio, _is_suggestion)

    assert [c["text"] for c in tick["comments"]] == [f"{trouble}: is it waterproof?"]
    assert first["comment_id"] == question["id"]
    assert await _db(Comment.objects.filter(show=show).count)() == 2
    suggesters.RELEASE.set()
    for socket in (studio, viewer, watcher):
        await socket.disconnect()


async def test_another_shows_host_never_receives_the_suggestion():
    show, host, _jacket = await _db(_show_with_jacket)()
    other_show, other_host, _other = await _db(_show_with_jacket)()
    studio, _ = await socket_join(show, host, host=True)
    other_studio, _ = await socket_join(other_show, other_host, host=True)
    viewer, _ = await socket_join(show, await _db(make_user)(full_name="Ana"))
    other_viewer, _ = await socket_join(
        other_show, await _db(make_user)(full_name="Ben")
    )

    await _say(viewer, "Is it waterproof?")
    await frame_next(studio, _is_suggestion)
    other_question = await _say(other_viewer, "Is it waterproof?")
    first = await frame_next(other_studio, _is_suggestion)

    assert first["comment_id"] == other_question["id"]
    for socket in (studio, other_studio, viewer, other_viewer):
        await socket.disconnect()


async def test_a_forged_answer_for_another_shows_comment_posts_nothing():
    show, host, _jacket = await _db(_show_with_jacket)()
    other_show, _other_host, _other = await _db(_show_with_jacket)()
    studio, _ = await socket_join(show, host, host=True)
    other_viewer, _ = await socket_join(
        other_show, await _db(make_user)(full_name="Ben")
    )
    ack = await _say(other_viewer, "Is it waterproof?")

    await studio.send_json_to({"type": "answer", "comment_id": ack["id"]})
    error = await frame_of_type(studio, "error")

    assert error["code"] == "not_found"
    assert await _db(Comment.objects.filter(by_host=True).count)() == 0
    await studio.disconnect()
    await other_viewer.disconnect()


async def test_a_viewer_cannot_post_a_suggested_answer():
    show, host, _jacket = await _db(_show_with_jacket)()
    studio, _ = await socket_join(show, host, host=True)
    viewer, _ = await socket_join(show, await _db(make_user)(full_name="Ana"))
    ack = await _say(viewer, "Is it waterproof?")
    await frame_next(studio, _is_suggestion)

    await viewer.send_json_to({"type": "answer", "comment_id": ack["id"]})
    error = await frame_of_type(viewer, "error")

    assert error["code"] == "forbidden"
    assert await _db(Comment.objects.filter(show=show).count)() == 1
    await studio.disconnect()
    await viewer.disconnect()


# --- services ----------------------------------------------------------------------


def test_posting_a_suggestion_replies_as_the_host_once():
    show, host, _jacket = _show_with_jacket()
    asker = make_user(full_name="Ana Souza")
    question = comment_post(show=show, user=asker, text="Is it waterproof?")
    comment_suggestion_make(comment=question, market=Market.objects.get(code="US"))

    reply = comment_suggestion_post(comment=question, by=host)
    again = comment_suggestion_post(comment=question, by=host)

    assert (reply.text, reply.by_host, reply.user) == (
        "@Ana Yes: Storm Jacket is waterproof (10,000 mm).",
        True,
        host,
    )
    assert again.pk == reply.pk
    assert Comment.objects.filter(show=show).count() == 2


def test_posting_goes_through_the_comment_rules():
    show, host, _jacket = _show_with_jacket()
    question = comment_post(show=show, user=make_user(), text="Is it waterproof?")
    comment_suggestion_make(comment=question, market=Market.objects.get(code="US"))
    banned_word_save(word=BannedWord(word="waterproof", language=""))

    with pytest.raises(LiveRuleError) as refused:
        comment_suggestion_post(comment=question, by=host)

    assert refused.value.code == "banned_word"
    assert Comment.objects.filter(show=show, by_host=True).count() == 0


def test_no_suggestion_means_nothing_to_post():
    show, host, _jacket = _show_with_jacket()
    greeting = comment_post(show=show, user=make_user(), text="Hello")

    assert (
        comment_suggestion_make(comment=greeting, market=Market.objects.get(code="US"))
        is None
    )
    with pytest.raises(ModerationError) as refused:
        comment_suggestion_post(comment=greeting, by=host)
    assert refused.value.code == "no_suggestion"


@pytest.mark.parametrize(
    ("question", "about_jacket"),
    [("What does it cost?", True), ("And shipping?", False)],
)
def test_the_suggestion_names_the_product_it_cites(question, about_jacket):
    show, _host, jacket = _show_with_jacket()
    comment = comment_post(show=show, user=make_user(), text=question)

    frame = comment_suggestion_make(
        comment=comment, market=Market.objects.get(code="US")
    )

    assert frame is not None
    expected = {"id": jacket.pk, "name": "Storm Jacket"} if about_jacket else None
    assert frame["product"] == expected


def test_the_feature_is_off_without_a_suggester(settings):
    settings.LIVE_COMMENT_SUGGESTER = ""
    show, _host, _jacket = _show_with_jacket()
    question = comment_post(show=show, user=make_user(), text="Is it waterproof?")

    assert (
        comment_suggestion_make(comment=question, market=Market.objects.get(code="US"))
        is None
    )


def test_a_long_answer_keeps_the_whole_sentences_that_fit():
    sentence = "The shell is a three-layer laminate rated 20,000 mm. " * 8

    text = reply_text(author="Ana", text=sentence)

    assert text.startswith("@Ana The shell")
    assert len(text) <= 300
    assert text.endswith("20,000 mm.")
