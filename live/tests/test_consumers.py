"""The show sockets, through the real ASGI stack and the Redis pub/sub channel layer."""

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from live import realtime
from live.models import (
    BannedWord,
    ChatDelivery,
    Comment,
    CommentReport,
    Show,
    ShowBan,
)
from live.services.comments import comment_delete
from live.tests.factories import make_host, make_show, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10  # generous: the machine running the suite may be busy


def test_tests_run_on_the_redis_pubsub_layer():
    assert (
        settings.CHANNEL_LAYERS["default"]["BACKEND"]
        == "channels_redis.pubsub.RedisPubSubChannelLayer"
    )


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _open(show, user=None, *, host=False, origin=b"http://testserver", lang=""):
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if user is not None:
        cookie = await database_sync_to_async(_session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    path = f"/ws/live/{show.pk}/{'host/' if host else ''}"
    if lang:
        path += f"?lang={lang}"
    return WebsocketCommunicator(application, path, headers=headers)


async def _join(show, user=None, **options):
    """Connect and read the sync frame; returns (communicator, sync frame)."""
    communicator = await _open(show, user, **options)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    sync = await communicator.receive_json_from(timeout=TIMEOUT)
    assert sync["type"] == "sync"
    return communicator, sync


async def _next(communicator, match, timeout=TIMEOUT):
    """The first frame for which match(frame) is true; frames before it are skipped."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("expected frame did not arrive")
        frame = await communicator.receive_json_from(timeout=remaining)
        if match(frame):
            return frame


def _tick_with_comment(frame):
    return frame["type"] == "tick" and frame["comments"]


async def _closed_with(communicator) -> int:
    """Read frames until the close; return its code."""
    while True:
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            return output["code"]


async def _refused(communicator, expected_code: str) -> int:
    error = await _next(communicator, lambda f: f["type"] == "error")
    assert error["code"] == expected_code
    assert error["message"]
    return await _closed_with(communicator)


_db = database_sync_to_async


async def test_comment_is_stored_before_it_is_broadcast():
    show = await _db(make_show)()
    poster = await _db(make_user)(full_name="Ana Souza")
    poster_socket, _ = await _join(show, poster)
    watcher_socket, _ = await _join(show)

    await poster_socket.send_json_to(
        {"type": "comment", "text": "  Love the blue one  "}
    )
    ack = await _next(poster_socket, lambda f: f["type"] == "ack")
    tick = await _next(watcher_socket, _tick_with_comment)

    stored = await _db(Comment.objects.get)(pk=ack["id"])
    assert stored.text == "Love the blue one"
    assert tick["comments"] == [
        {
            "id": stored.pk,
            "author": "Ana",
            "text": "Love the blue one",
            "at": stored.created_at.isoformat(),
            "host": False,
        }
    ]
    await poster_socket.disconnect()
    await watcher_socket.disconnect()


async def test_comment_text_travels_as_text_not_markup():
    show = await _db(make_show)()
    poster = await _db(make_user)()
    socket, _ = await _join(show, poster)

    await socket.send_json_to(
        {"type": "comment", "text": "<img src=x onerror=alert(1)>"}
    )
    tick = await _next(socket, _tick_with_comment)

    assert tick["comments"][0]["text"] == "<img src=x onerror=alert(1)>"
    await socket.disconnect()


async def test_anonymous_viewer_receives_comments_but_cannot_post():
    show = await _db(make_show)()
    anonymous, sync = await _join(show)
    assert sync["signed_in"] is False

    await anonymous.send_json_to({"type": "comment", "text": "hello"})
    error = await _next(anonymous, lambda f: f["type"] == "error")

    assert error["code"] == "sign_in"
    assert error["message"] == "Sign in to comment."
    assert await _db(Comment.objects.count)() == 0
    await anonymous.send_json_to({"type": "ping"})
    assert (await _next(anonymous, lambda f: f["type"] == "pong")) == {"type": "pong"}
    await anonymous.disconnect()


@pytest.mark.parametrize(
    ("frame", "code", "close_code"),
    [
        ({"type": "comment", "text": "x" * 301}, "too_long", 4422),
        ({"type": "comment", "text": "   \n\t  "}, "empty", 4422),
        ({"type": "comment", "text": 42}, "malformed", 4400),
        ({"type": "shout", "text": "hi"}, "malformed", 4400),
    ],
)
async def test_invalid_comment_frame_gets_error_and_close_and_nothing_stored(
    frame, code, close_code
):
    show = await _db(make_show)()
    socket, _ = await _join(show, await _db(make_user)())

    await socket.send_json_to(frame)

    assert await _refused(socket, code) == close_code
    assert await _db(Comment.objects.count)() == 0


async def test_comment_of_exactly_300_characters_is_accepted():
    show = await _db(make_show)()
    socket, _ = await _join(show, await _db(make_user)())

    await socket.send_json_to({"type": "comment", "text": "y" * 300})
    ack = await _next(socket, lambda f: f["type"] in {"ack", "error"})

    assert ack["type"] == "ack"
    assert len((await _db(Comment.objects.get)(pk=ack["id"])).text) == 300
    await socket.disconnect()


async def test_non_json_frame_gets_error_and_close():
    show = await _db(make_show)()
    socket, _ = await _join(show, await _db(make_user)())

    await socket.send_to(text_data="{not json")

    assert await _refused(socket, "malformed") == 4400
    assert await _db(Comment.objects.count)() == 0


async def test_binary_frame_gets_error_and_close():
    show = await _db(make_show)()
    socket, _ = await _join(show, await _db(make_user)())

    await socket.send_to(bytes_data=b"\x00\x01")

    assert await _refused(socket, "malformed") == 4400


async def test_oversized_frame_gets_error_and_close_and_nothing_stored():
    show = await _db(make_show)()
    socket, _ = await _join(show, await _db(make_user)())

    await socket.send_to(
        text_data=json.dumps({"type": "comment", "text": "ok", "pad": "z" * 5000})
    )

    assert await _refused(socket, "too_large") == 4413
    assert await _db(Comment.objects.count)() == 0


async def test_banned_word_of_the_language_is_rejected_with_reason():
    await _db(BannedWord.objects.create)(language="de", word="Mist")
    show = await _db(make_show)(language="de")
    socket, _ = await _join(show, await _db(make_user)(), lang="de")

    await socket.send_json_to({"type": "comment", "text": "So ein MIST heute"})
    error = await _next(socket, lambda f: f["type"] == "error")

    assert error["code"] == "banned_word"
    assert "mist" in error["message"]
    assert await _db(Comment.objects.count)() == 0
    await socket.send_json_to({"type": "comment", "text": "Mistral ist ein Wind"})
    assert (await _next(socket, lambda f: f["type"] in {"ack", "error"}))[
        "type"
    ] == "ack"
    await socket.disconnect()


async def test_link_is_rejected_with_reason():
    show = await _db(make_show)()
    socket, _ = await _join(show, await _db(make_user)())

    await socket.send_json_to(
        {"type": "comment", "text": "cheaper at shop.example.com"}
    )
    error = await _next(socket, lambda f: f["type"] == "error")

    assert error == {
        "type": "error",
        "code": "link",
        "message": "Links and web addresses are not allowed in comments.",
    }
    assert await _db(Comment.objects.count)() == 0
    await socket.disconnect()


async def test_slow_mode_rejects_a_second_comment_within_the_interval():
    show = await _db(make_show)(slow_mode_seconds=30)
    socket, _ = await _join(show, await _db(make_user)())

    await socket.send_json_to({"type": "comment", "text": "first"})
    first = await _next(socket, lambda f: f["type"] in {"ack", "error"})
    await socket.send_json_to({"type": "comment", "text": "second"})
    second = await _next(socket, lambda f: f["type"] in {"ack", "error"})

    assert first["type"] == "ack"
    assert second["code"] == "slow_mode"
    assert second["message"] == "Slow mode is on: one comment every 30 seconds."
    assert await _db(Comment.objects.count)() == 1
    await socket.disconnect()


async def test_rate_limit_rejects_the_sixth_comment_within_ten_seconds():
    show = await _db(make_show)()
    socket, _ = await _join(show, await _db(make_user)())
    # Start right after a window boundary so all six land in one 10 s window.
    await asyncio.sleep(10 - time.time() % 10 + 0.05 if time.time() % 10 > 8 else 0)

    replies = []
    for n in range(6):
        await socket.send_json_to({"type": "comment", "text": f"comment {n}"})
        replies.append(await _next(socket, lambda f: f["type"] in {"ack", "error"}))

    assert [r["type"] for r in replies] == ["ack"] * 5 + ["error"]
    assert replies[5]["code"] == "rate_limited"
    assert await _db(Comment.objects.count)() == 5
    await socket.disconnect()


async def test_banned_user_cannot_post():
    show = await _db(make_show)()
    user = await _db(make_user)()
    await _db(ShowBan.objects.create)(show=show, user=user)
    socket, _ = await _join(show, user)

    await socket.send_json_to({"type": "comment", "text": "let me back in"})
    error = await _next(socket, lambda f: f["type"] == "error")

    assert error["code"] == "banned"
    assert await _db(Comment.objects.count)() == 0
    await socket.disconnect()


async def test_host_deletes_a_comment_for_every_viewer():
    host = await _db(make_host)()
    show = await _db(make_show)(host=host)
    poster = await _db(make_user)()
    poster_socket, _ = await _join(show, poster)
    host_socket, sync = await _join(show, host)
    assert sync["can_moderate"] is True
    await poster_socket.send_json_to({"type": "comment", "text": "spam spam"})
    comment_id = (await _next(poster_socket, lambda f: f["type"] == "ack"))["id"]

    await host_socket.send_json_to({"type": "delete", "comment_id": comment_id})
    done = await _next(host_socket, lambda f: f["type"] == "done")
    tick = await _next(poster_socket, lambda f: f["type"] == "tick" and f["events"])

    assert done == {"type": "done", "action": "delete", "comment_id": comment_id}
    assert tick["events"][0]["kind"] == "comment_deleted"
    assert tick["events"][0]["id"] == comment_id
    assert (await _db(Comment.objects.get)(pk=comment_id)).is_deleted is True
    await poster_socket.disconnect()
    await host_socket.disconnect()


async def test_staff_pins_a_comment_for_every_viewer():
    show = await _db(make_show)()
    staff = await _db(make_user)(is_staff=True)
    poster_socket, _ = await _join(show, await _db(make_user)())
    staff_socket, _ = await _join(show, staff)
    await poster_socket.send_json_to(
        {"type": "comment", "text": "Does it come in red?"}
    )
    comment_id = (await _next(poster_socket, lambda f: f["type"] == "ack"))["id"]

    await staff_socket.send_json_to({"type": "pin", "comment_id": comment_id})
    tick = await _next(
        poster_socket,
        lambda f: (
            f["type"] == "tick"
            and any(e["kind"] == "comment_pinned" for e in f["events"])
        ),
    )

    pinned = [e for e in tick["events"] if e["kind"] == "comment_pinned"][0]
    assert pinned["comment"]["id"] == comment_id
    assert pinned["comment"]["text"] == "Does it come in red?"
    assert (await _db(Show.objects.get)(pk=show.pk)).pinned_comment_id == comment_id
    await poster_socket.disconnect()
    await staff_socket.disconnect()


async def test_viewer_cannot_delete_or_ban():
    show = await _db(make_show)()
    poster_socket, _ = await _join(show, await _db(make_user)())
    await poster_socket.send_json_to({"type": "comment", "text": "mine"})
    comment_id = (await _next(poster_socket, lambda f: f["type"] == "ack"))["id"]
    other, _ = await _join(show, await _db(make_user)())

    await other.send_json_to({"type": "delete", "comment_id": comment_id})
    delete_error = await _next(other, lambda f: f["type"] == "error")
    await other.send_json_to({"type": "ban", "comment_id": comment_id})
    ban_error = await _next(other, lambda f: f["type"] == "error")

    assert delete_error["code"] == ban_error["code"] == "forbidden"
    assert (await _db(Comment.objects.get)(pk=comment_id)).is_deleted is False
    assert await _db(ShowBan.objects.count)() == 0
    await poster_socket.disconnect()
    await other.disconnect()


async def test_host_bans_the_author_of_a_comment_who_then_cannot_post():
    host = await _db(make_host)()
    show = await _db(make_show)(host=host)
    troll = await _db(make_user)()
    troll_socket, _ = await _join(show, troll)
    await troll_socket.send_json_to({"type": "comment", "text": "boo"})
    comment_id = (await _next(troll_socket, lambda f: f["type"] == "ack"))["id"]
    host_socket, _ = await _join(show, host, host=True)

    await host_socket.send_json_to({"type": "ban", "comment_id": comment_id})
    await _next(host_socket, lambda f: f["type"] == "done")
    await troll_socket.send_json_to({"type": "comment", "text": "boo again"})
    error = await _next(troll_socket, lambda f: f["type"] == "error")

    assert error["code"] == "banned"
    assert await _db(ShowBan.objects.filter(show=show, user=troll).count)() == 1
    await troll_socket.disconnect()
    await host_socket.disconnect()


async def test_non_host_is_refused_on_the_host_socket_with_4403():
    show = await _db(make_show)()
    socket = await _open(show, await _db(make_user)(is_host=True), host=True)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected

    assert await _refused(socket, "forbidden") == 4403


async def test_anonymous_is_refused_on_the_host_socket_with_4403():
    show = await _db(make_show)()
    socket = await _open(show, host=True)
    await socket.connect(timeout=TIMEOUT)

    assert await _refused(socket, "forbidden") == 4403


async def test_report_is_queued_and_the_host_socket_is_told():
    host = await _db(make_host)()
    show = await _db(make_show)(host=host)
    poster_socket, _ = await _join(show, await _db(make_user)())
    await poster_socket.send_json_to({"type": "comment", "text": "rude words"})
    comment_id = (await _next(poster_socket, lambda f: f["type"] == "ack"))["id"]
    studio, _ = await _join(show, host, host=True)
    reporter = await _db(make_user)()
    reporter_socket, _ = await _join(show, reporter)

    await reporter_socket.send_json_to(
        {"type": "report", "comment_id": comment_id, "reason": "abuse"}
    )
    reported = await _next(reporter_socket, lambda f: f["type"] == "reported")
    notice = await _next(studio, lambda f: f["type"] == "report")

    assert reported == {"type": "reported", "comment_id": comment_id}
    assert notice == {"type": "report", "comment_id": comment_id, "reason": "abuse"}
    report = await _db(CommentReport.objects.get)(comment_id=comment_id)
    assert (report.reporter_id, report.reason, report.status) == (
        reporter.pk,
        "abuse",
        "open",
    )
    for socket in (poster_socket, studio, reporter_socket):
        await socket.disconnect()


async def test_reconnecting_client_is_resynced_with_recent_comments():
    show = await _db(make_show)()
    user = await _db(make_user)()

    def post_history():
        comments = [
            Comment.objects.create(
                show=show,
                user=user,
                author_name="Ana",
                text=f"old {n}",
                created_at=show.created_at,
            )
            for n in range(55)
        ]
        comment_delete(comment=comments[-1], by=show.host)
        return comments

    comments = await _db(post_history)()
    first, _ = await _join(show, user)
    await first.disconnect()

    again, sync = await _join(show, user)

    assert [c["text"] for c in sync["comments"]] == [f"old {n}" for n in range(4, 54)]
    assert sync["comments"][-1]["id"] == comments[53].pk
    assert sync["pinned_product_id"] is None
    await again.disconnect()


async def test_socket_with_a_foreign_origin_is_refused():
    show = await _db(make_show)()
    socket = await _open(show, origin=b"https://evil.example")

    connected, _ = await socket.connect(timeout=TIMEOUT)

    assert connected is False


async def test_unknown_show_is_refused_with_4404():
    socket = WebsocketCommunicator(
        application,
        "/ws/live/987654/",
        headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    await socket.connect(timeout=TIMEOUT)

    assert await _refused(socket, "not_found") == 4404


async def test_ten_reaction_taps_arrive_as_one_tick_counting_ten(settings):
    settings.LIVE_TICK_SECONDS = 3600  # this test drives the tick itself
    show = await _db(make_show)()
    tapper, _ = await _join(show, await _db(make_user)())
    watcher, _ = await _join(show)

    for _ in range(10):
        await tapper.send_json_to({"type": "react", "kind": "heart"})
    await tapper.send_json_to({"type": "ping"})
    await _next(tapper, lambda f: f["type"] == "pong")  # all ten taps handled
    pump = realtime.pump_get(show.pk)
    published = pump.published_ticks
    await pump.tick()
    tick = await _next(watcher, lambda f: f["type"] == "tick")

    assert pump.published_ticks == published + 1
    assert tick["reactions"] == {"heart": 10}
    assert tick["viewers"] == 2
    assert await watcher.receive_nothing(timeout=0.3)
    await tapper.disconnect()
    await watcher.disconnect()


async def test_unknown_reaction_is_refused_without_closing():
    show = await _db(make_show)()
    socket, _ = await _join(show)

    await socket.send_json_to({"type": "react", "kind": "thumbs-down"})
    error = await _next(socket, lambda f: f["type"] == "error")

    assert error["code"] == "reaction"
    await socket.send_json_to({"type": "ping"})
    assert (await _next(socket, lambda f: f["type"] == "pong")) == {"type": "pong"}
    await socket.disconnect()


async def test_viewer_count_follows_connections_and_leaves():
    show = await _db(make_show)()
    first, sync = await _join(show)
    assert sync["viewers"] == 1
    second, sync = await _join(show)
    assert sync["viewers"] == 2

    await second.disconnect()
    tick = await _next(first, lambda f: f["type"] == "tick" and f["viewers"] == 1)

    assert tick["viewers"] == 1
    await first.disconnect()


async def test_host_socket_is_not_counted_as_a_viewer():
    host = await _db(make_host)()
    show = await _db(make_show)(host=host)
    studio, _ = await _join(show, host, host=True)
    viewer, sync = await _join(show)

    assert sync["viewers"] == 1
    await studio.disconnect()
    await viewer.disconnect()


async def test_stale_presence_of_a_crashed_process_is_not_counted():
    show = await _db(make_show)()
    store = realtime.store_new()
    now = time.time()
    await store.presence_touch(show.pk, ["ghost-1", "ghost-2"], now - 60)
    await store.presence_touch(show.pk, ["alive"], now)

    assert await store.viewers_count(show.pk, now) == 1
    await store.close()


async def test_only_one_pump_per_show_publishes_each_tick(settings):
    """Two pumps stand for two daphne processes: one leads, the batch goes out once."""
    settings.LIVE_TICK_SECONDS = 3600  # this test drives the ticks itself
    show = await _db(make_show)()
    first, second = realtime.ShowPump(show.pk), realtime.ShowPump(show.pk)
    await first.start()
    await second.start()
    layer = get_channel_layer()
    listener = await layer.new_channel()
    await layer.group_add(realtime.group_name(show.pk), listener)
    realtime.buffer_push(show.pk, json.dumps({"kind": "comment", "comment": {"id": 1}}))
    try:
        results = [await first.tick(), await second.tick()]
        message = await asyncio.wait_for(layer.receive(listener), TIMEOUT)

        assert results == [True, False]
        assert json.loads(message["text"])["comments"] == [{"id": 1}]
        await first.stop()
        assert await second.tick() is True  # the lease passed on when the leader left
    finally:
        await first.stop()
        await second.stop()
        await layer.group_discard(realtime.group_name(show.pk), listener)


async def test_direct_delivery_broadcasts_each_comment_at_once(settings):
    settings.LIVE_TICK_SECONDS = 3600  # no ticks: the comment must come by itself
    show = await _db(make_show)(chat_delivery=ChatDelivery.DIRECT)
    poster, _ = await _join(show, await _db(make_user)())
    watcher, _ = await _join(show)

    await poster.send_json_to({"type": "comment", "text": "straight through"})
    tick = await _next(watcher, _tick_with_comment)

    assert [c["text"] for c in tick["comments"]] == ["straight through"]
    assert tick["viewers"] is None
    await poster.disconnect()
    await watcher.disconnect()


async def test_ticks_are_numbered_one_after_another(settings):
    settings.LIVE_TICK_SECONDS = 3600  # this test drives the tick itself
    show = await _db(make_show)()
    poster, _ = await _join(show, await _db(make_user)())
    pump = realtime.pump_get(show.pk)
    numbers = []
    for n in range(3):
        await poster.send_json_to({"type": "comment", "text": f"number {n}"})
        await _next(poster, lambda f: f["type"] == "ack")
        await pump.tick()
        numbers.append((await _next(poster, _tick_with_comment))["seq"])

    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    await poster.disconnect()


async def test_a_batch_whose_publish_failed_goes_out_with_the_next_tick(settings):
    settings.LIVE_TICK_SECONDS = 3600
    show = await _db(make_show)()
    poster, _ = await _join(show, await _db(make_user)())
    await poster.send_json_to({"type": "comment", "text": "keep me"})
    await _next(poster, lambda f: f["type"] == "ack")
    pump = realtime.pump_get(show.pk)
    layer = pump._channel_layer

    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis went away")

    pump._channel_layer = BrokenLayer()
    with pytest.raises(ConnectionError):
        await pump.tick()
    pump._channel_layer = layer
    await pump.tick()
    tick = await _next(poster, _tick_with_comment)

    assert [c["text"] for c in tick["comments"]] == ["keep me"]
    assert await pump.tick() is False  # published once, then removed
    await poster.disconnect()


async def test_client_that_saw_a_gap_gets_a_fresh_sync(monkeypatch, settings):
    from live import consumers

    settings.LIVE_TICK_SECONDS = 3600  # no ticks: only the sync may arrive
    show = await _db(make_show)()
    user = await _db(make_user)()
    socket, _ = await _join(show, user)
    await socket.send_json_to({"type": "comment", "text": "already stored"})
    await _next(socket, lambda f: f["type"] == "ack")

    await socket.send_json_to({"type": "sync"})
    assert await socket.receive_nothing(timeout=0.3)  # too soon after the last sync
    monkeypatch.setattr(consumers, "SYNC_INTERVAL_SECONDS", 0)
    await socket.send_json_to({"type": "sync"})
    sync = await _next(socket, lambda f: f["type"] == "sync")

    assert [c["text"] for c in sync["comments"]] == ["already stored"]
    await socket.disconnect()
