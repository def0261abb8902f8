"""The show sockets, through the real ASGI stack and the Redis pub/sub channel layer."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from config.asgi import application
from live.models import (
    BannedWord,
    Comment,
    CommentReport,
    Show,
    ShowBan,
)
from live.services.comments import comment_delete
from live.tests.factories import make_host, make_show, make_user
from live.tests.sockets import (
    TIMEOUT,
    frame_next,
    refused,
    socket_join,
    socket_open,
    tick_with_comment,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_tests_run_on_the_redis_pubsub_layer():
    assert (
        settings.CHANNEL_LAYERS["default"]["BACKEND"]
        == "channels_redis.pubsub.RedisPubSubChannelLayer"
    )


_db = database_sync_to_async


async def test_comment_is_stored_before_it_is_broadcast():
    show = await _db(make_show)()
    poster = await _db(make_user)(full_name="Ana Souza")
    poster_socket, _ = await socket_join(show, poster)
    watcher_socket, _ = await socket_join(show)

    await poster_socket.send_json_to(
        {"type": "comment", "text": "  Love the blue one  "}
    )
    ack = await frame_next(poster_socket, lambda f: f["type"] == "ack")
    tick = await frame_next(watcher_socket, tick_with_comment)

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
    socket, _ = await socket_join(show, poster)

    await socket.send_json_to(
        {"type": "comment", "text": "<img src=x onerror=alert(1)>"}
    )
    tick = await frame_next(socket, tick_with_comment)

    assert tick["comments"][0]["text"] == "<img src=x onerror=alert(1)>"
    await socket.disconnect()


async def test_anonymous_viewer_receives_comments_but_cannot_post():
    show = await _db(make_show)()
    anonymous, sync = await socket_join(show)
    assert sync["signed_in"] is False

    await anonymous.send_json_to({"type": "comment", "text": "hello"})
    error = await frame_next(anonymous, lambda f: f["type"] == "error")

    assert error["code"] == "sign_in"
    assert error["message"] == "Sign in to comment."
    assert await _db(Comment.objects.count)() == 0
    await anonymous.send_json_to({"type": "ping"})
    assert (await frame_next(anonymous, lambda f: f["type"] == "pong")) == {
        "type": "pong"
    }
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
    socket, _ = await socket_join(show, await _db(make_user)())

    await socket.send_json_to(frame)

    assert await refused(socket, code) == close_code
    assert await _db(Comment.objects.count)() == 0


async def test_comment_of_exactly_300_characters_is_accepted():
    show = await _db(make_show)()
    socket, _ = await socket_join(show, await _db(make_user)())

    await socket.send_json_to({"type": "comment", "text": "y" * 300})
    ack = await frame_next(socket, lambda f: f["type"] in {"ack", "error"})

    assert ack["type"] == "ack"
    assert len((await _db(Comment.objects.get)(pk=ack["id"])).text) == 300
    await socket.disconnect()


async def test_non_json_frame_gets_error_and_close():
    show = await _db(make_show)()
    socket, _ = await socket_join(show, await _db(make_user)())

    await socket.send_to(text_data="{not json")

    assert await refused(socket, "malformed") == 4400
    assert await _db(Comment.objects.count)() == 0


async def test_binary_frame_gets_error_and_close():
    show = await _db(make_show)()
    socket, _ = await socket_join(show, await _db(make_user)())

    await socket.send_to(bytes_data=b"\x00\x01")

    assert await refused(socket, "malformed") == 4400


async def test_oversized_frame_gets_error_and_close_and_nothing_stored():
    show = await _db(make_show)()
    socket, _ = await socket_join(show, await _db(make_user)())

    await socket.send_to(
        text_data=json.dumps({"type": "comment", "text": "ok", "pad": "z" * 5000})
    )

    assert await refused(socket, "too_large") == 4413
    assert await _db(Comment.objects.count)() == 0


async def test_banned_word_of_the_language_is_rejected_with_reason():
    await _db(BannedWord.objects.create)(language="de", word="Mist")
    show = await _db(make_show)(language="de")
    socket, _ = await socket_join(show, await _db(make_user)(), lang="de")

    await socket.send_json_to({"type": "comment", "text": "So ein MIST heute"})
    error = await frame_next(socket, lambda f: f["type"] == "error")

    assert error["code"] == "banned_word"
    assert "mist" in error["message"]
    assert await _db(Comment.objects.count)() == 0
    await socket.send_json_to({"type": "comment", "text": "Mistral ist ein Wind"})
    assert (await frame_next(socket, lambda f: f["type"] in {"ack", "error"}))[
        "type"
    ] == "ack"
    await socket.disconnect()


async def test_link_is_rejected_with_reason():
    show = await _db(make_show)()
    socket, _ = await socket_join(show, await _db(make_user)())

    await socket.send_json_to(
        {"type": "comment", "text": "cheaper at shop.example.com"}
    )
    error = await frame_next(socket, lambda f: f["type"] == "error")

    assert error == {
        "type": "error",
        "code": "link",
        "message": "Links and web addresses are not allowed in comments.",
    }
    assert await _db(Comment.objects.count)() == 0
    await socket.disconnect()


async def test_slow_mode_rejects_a_second_comment_within_the_interval():
    show = await _db(make_show)(slow_mode_seconds=30)
    socket, _ = await socket_join(show, await _db(make_user)())

    await socket.send_json_to({"type": "comment", "text": "first"})
    first = await frame_next(socket, lambda f: f["type"] in {"ack", "error"})
    await socket.send_json_to({"type": "comment", "text": "second"})
    second = await frame_next(socket, lambda f: f["type"] in {"ack", "error"})

    assert first["type"] == "ack"
    assert second["code"] == "slow_mode"
    assert second["message"] == "Slow mode is on: one comment every 30 seconds."
    assert await _db(Comment.objects.count)() == 1
    await socket.disconnect()


async def test_rate_limit_rejects_the_sixth_comment_within_ten_seconds():
    # The window slides with each comment: six in a row always fall in one.
    show = await _db(make_show)()
    socket, _ = await socket_join(show, await _db(make_user)())

    replies = []
    for n in range(6):
        await socket.send_json_to({"type": "comment", "text": f"comment {n}"})
        replies.append(
            await frame_next(socket, lambda f: f["type"] in {"ack", "error"})
        )

    assert [r["type"] for r in replies] == ["ack"] * 5 + ["error"]
    assert replies[5]["code"] == "rate_limited"
    assert await _db(Comment.objects.count)() == 5
    await socket.disconnect()


async def test_banned_user_cannot_post():
    show = await _db(make_show)()
    user = await _db(make_user)()
    await _db(ShowBan.objects.create)(show=show, user=user)
    socket, _ = await socket_join(show, user)

    await socket.send_json_to({"type": "comment", "text": "let me back in"})
    error = await frame_next(socket, lambda f: f["type"] == "error")

    assert error["code"] == "banned"
    assert await _db(Comment.objects.count)() == 0
    await socket.disconnect()


async def test_host_deletes_a_comment_for_every_viewer():
    host = await _db(make_host)()
    show = await _db(make_show)(host=host)
    poster = await _db(make_user)()
    poster_socket, _ = await socket_join(show, poster)
    host_socket, sync = await socket_join(show, host)
    assert sync["can_moderate"] is True
    await poster_socket.send_json_to({"type": "comment", "text": "spam spam"})
    comment_id = (await frame_next(poster_socket, lambda f: f["type"] == "ack"))["id"]

    await host_socket.send_json_to({"type": "delete", "comment_id": comment_id})
    done = await frame_next(host_socket, lambda f: f["type"] == "done")
    tick = await frame_next(
        poster_socket, lambda f: f["type"] == "tick" and f["events"]
    )

    assert done == {"type": "done", "action": "delete", "comment_id": comment_id}
    assert tick["events"][0]["kind"] == "comment_deleted"
    assert tick["events"][0]["id"] == comment_id
    assert (await _db(Comment.objects.get)(pk=comment_id)).is_deleted is True
    await poster_socket.disconnect()
    await host_socket.disconnect()


async def test_staff_pins_a_comment_for_every_viewer():
    show = await _db(make_show)()
    staff = await _db(make_user)(is_staff=True)
    poster_socket, _ = await socket_join(show, await _db(make_user)())
    staff_socket, _ = await socket_join(show, staff)
    await poster_socket.send_json_to(
        {"type": "comment", "text": "Does it come in red?"}
    )
    comment_id = (await frame_next(poster_socket, lambda f: f["type"] == "ack"))["id"]

    await staff_socket.send_json_to({"type": "pin", "comment_id": comment_id})
    tick = await frame_next(
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
    poster_socket, _ = await socket_join(show, await _db(make_user)())
    await poster_socket.send_json_to({"type": "comment", "text": "mine"})
    comment_id = (await frame_next(poster_socket, lambda f: f["type"] == "ack"))["id"]
    other, _ = await socket_join(show, await _db(make_user)())

    await other.send_json_to({"type": "delete", "comment_id": comment_id})
    delete_error = await frame_next(other, lambda f: f["type"] == "error")
    await other.send_json_to({"type": "ban", "comment_id": comment_id})
    ban_error = await frame_next(other, lambda f: f["type"] == "error")

    assert delete_error["code"] == ban_error["code"] == "forbidden"
    assert (await _db(Comment.objects.get)(pk=comment_id)).is_deleted is False
    assert await _db(ShowBan.objects.count)() == 0
    await poster_socket.disconnect()
    await other.disconnect()


async def test_host_bans_the_author_of_a_comment_who_then_cannot_post():
    host = await _db(make_host)()
    show = await _db(make_show)(host=host)
    troll = await _db(make_user)()
    troll_socket, _ = await socket_join(show, troll)
    await troll_socket.send_json_to({"type": "comment", "text": "boo"})
    comment_id = (await frame_next(troll_socket, lambda f: f["type"] == "ack"))["id"]
    host_socket, _ = await socket_join(show, host, host=True)

    await host_socket.send_json_to({"type": "ban", "comment_id": comment_id})
    await frame_next(host_socket, lambda f: f["type"] == "done")
    await troll_socket.send_json_to({"type": "comment", "text": "boo again"})
    error = await frame_next(troll_socket, lambda f: f["type"] == "error")

    assert error["code"] == "banned"
    assert await _db(ShowBan.objects.filter(show=show, user=troll).count)() == 1
    await troll_socket.disconnect()
    await host_socket.disconnect()


async def test_non_host_is_refused_on_the_host_socket_with_4403():
    show = await _db(make_show)()
    socket = await socket_open(show, await _db(make_user)(is_host=True), host=True)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected

    assert await refused(socket, "forbidden") == 4403


async def test_anonymous_is_refused_on_the_host_socket_with_4403():
    show = await _db(make_show)()
    socket = await socket_open(show, host=True)
    await socket.connect(timeout=TIMEOUT)

    assert await refused(socket, "forbidden") == 4403


async def test_report_is_queued_and_the_host_socket_is_told():
    host = await _db(make_host)()
    show = await _db(make_show)(host=host)
    poster_socket, _ = await socket_join(show, await _db(make_user)())
    await poster_socket.send_json_to({"type": "comment", "text": "rude words"})
    comment_id = (await frame_next(poster_socket, lambda f: f["type"] == "ack"))["id"]
    studio, _ = await socket_join(show, host, host=True)
    reporter = await _db(make_user)()
    reporter_socket, _ = await socket_join(show, reporter)

    await reporter_socket.send_json_to(
        {"type": "report", "comment_id": comment_id, "reason": "abuse"}
    )
    reported = await frame_next(reporter_socket, lambda f: f["type"] == "reported")
    notice = await frame_next(studio, lambda f: f["type"] == "report")

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
    first, _ = await socket_join(show, user)
    await first.disconnect()

    again, sync = await socket_join(show, user)

    assert [c["text"] for c in sync["comments"]] == [f"old {n}" for n in range(4, 54)]
    assert sync["comments"][-1]["id"] == comments[53].pk
    assert sync["pinned_product_id"] is None
    await again.disconnect()


async def test_socket_with_a_foreign_origin_is_refused():
    show = await _db(make_show)()
    socket = await socket_open(show, origin=b"https://evil.example")

    connected, _ = await socket.connect(timeout=TIMEOUT)

    assert connected is False


async def test_unknown_show_is_refused_with_4404():
    socket = WebsocketCommunicator(
        application,
        "/ws/live/987654/",
        headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    await socket.connect(timeout=TIMEOUT)

    assert await refused(socket, "not_found") == 4404


# --- frames that break the parser, and leaving whatever ends the socket -------------

DEEP_FRAME = '{"type":"ping","x":' + "[" * 2000 + "]" * 2000 + "}"


async def _viewers_become(watcher, count: int) -> dict:
    return await frame_next(
        watcher, lambda f: f["type"] == "tick" and f["viewers"] == count
    )


async def test_a_deeply_nested_frame_closes_the_socket_and_the_viewer_leaves():
    show = await _db(make_show)()
    watcher, _ = await socket_join(show)
    attacker, _ = await socket_join(show)
    await _viewers_become(watcher, 2)
    assert len(DEEP_FRAME.encode()) < 4096

    await attacker.send_to(text_data=DEEP_FRAME)

    assert await refused(attacker, "too_deep") == 4400
    await _viewers_become(watcher, 1)
    await attacker.disconnect()
    await watcher.disconnect()


async def test_a_crash_in_a_handler_still_leaves_the_show(monkeypatch):
    show = await _db(make_show)()
    watcher, _ = await socket_join(show)
    crasher, _ = await socket_join(show)
    await _viewers_become(watcher, 2)

    async def crash(self, frame):
        raise RuntimeError("handler bug")

    monkeypatch.setattr("live.consumers.ShowConsumer.on_ping", crash)
    await crasher.send_json_to({"type": "ping"})

    with pytest.raises(RuntimeError):
        await crasher.wait(timeout=TIMEOUT)
    await _viewers_become(watcher, 1)
    await watcher.disconnect()


# --- comments: acked once stored, stored once, and never silently lost -------------


async def test_a_resent_comment_is_acked_with_the_same_id_and_stored_once():
    show = await _db(make_show)()
    socket, _ = await socket_join(show, await _db(make_user)())
    message = {"type": "comment", "text": "Does it fit a 15-inch laptop?"}

    acks = []
    for _ in range(2):
        await socket.send_json_to({**message, "client_id": "tab1-0001"})
        acks.append(await frame_next(socket, lambda f: f["type"] == "ack"))

    assert acks[0] == acks[1]
    assert acks[0]["client_id"] == "tab1-0001"
    assert await _db(Comment.objects.filter(show=show).count)() == 1
    await socket.disconnect()


async def test_a_client_id_that_is_not_text_closes_the_socket():
    show = await _db(make_show)()
    socket, _ = await socket_join(show, await _db(make_user)())

    await socket.send_json_to({"type": "comment", "text": "hi", "client_id": 7})

    assert await refused(socket, "malformed") == 4400


async def test_a_comment_whose_publish_fails_is_acked_and_viewers_resync(monkeypatch):
    from live.realtime import publish as realtime_publish

    show = await _db(make_show)()
    poster, _ = await socket_join(show, await _db(make_user)())
    watcher, _ = await socket_join(show)
    before = await frame_next(watcher, lambda f: f["type"] == "tick" and f["seq"])

    def down(show_id, item):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(realtime_publish, "buffer_push", down)
    await poster.send_json_to({"type": "comment", "text": "Still there?"})
    ack = await frame_next(poster, lambda f: f["type"] in {"ack", "error"})
    assert ack["type"] == "ack"

    # The watcher never gets the comment in a tick, but sees a number skipped …
    seen = before["seq"]
    while True:
        tick = await frame_next(watcher, lambda f: f["type"] == "tick" and f["seq"])
        assert not tick["comments"]
        if tick["seq"] > seen + 1:
            break
        seen = tick["seq"]
    # … asks for a sync as the page does, and gets the comment from the database.
    await watcher.send_json_to({"type": "sync"})
    sync = await frame_next(watcher, lambda f: f["type"] == "sync")
    assert [c["id"] for c in sync["comments"]] == [ack["id"]]
    await poster.disconnect()
    await watcher.disconnect()
