"""Support sockets on the real Redis layer: the conversation's and the inbox's."""

import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client, override_settings

from config.asgi import application
from support.models import Author, Call, Conversation, ConversationStatus, Message
from support.tests.factories import (
    make_agent,
    make_conversation,
    make_session_key,
    make_shopper,
)

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10
_db = database_sync_to_async

SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


def _login_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _socket(
    path: str, *, user=None, session_key: str = ""
) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    cookie = await _db(_login_cookie)(user) if user is not None else session_key
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator


async def _until(communicator, frame_type: str) -> dict:
    """The first frame of that type; others before it are skipped."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        frame = await communicator.receive_json_from(
            timeout=max(0.01, deadline - time.monotonic())
        )
        if frame["type"] == frame_type:
            return frame


async def _closed_with(communicator) -> int:
    while True:
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            return output["code"]


def _queued(conversation, **fields) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.QUEUED, **fields
    )


def test_tests_run_on_the_redis_pubsub_layer():
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == (
        "channels_redis.pubsub.RedisPubSubChannelLayer"
    )


async def test_a_message_is_stored_before_the_agent_sees_it():
    shopper = await _db(make_shopper)()
    conversation = await _db(make_conversation)(
        user=shopper, market="US", language="en"
    )
    await _db(_queued)(conversation)
    agent = await _db(make_agent)()
    path = f"/ws/support/{conversation.pk}/"
    shopper_socket = await _socket(path, user=shopper)
    agent_socket = await _socket(path, user=agent)
    assert (await _until(shopper_socket, "sync"))["role"] == "shopper"
    assert (await _until(agent_socket, "sync"))["role"] == "agent"

    await shopper_socket.send_json_to(
        {"type": "message", "text": "Is the blue one in stock?", "client_id": "m1"}
    )
    seen = await _until(agent_socket, "message")

    stored = await _db(Message.objects.get)(pk=seen["message"]["id"])
    assert (stored.author, stored.text) == (Author.SHOPPER, "Is the blue one in stock?")
    assert seen["message"]["text"] == "Is the blue one in stock?"
    ack = await _until(shopper_socket, "ack")
    assert ack == {"type": "ack", "id": stored.pk, "client_id": "m1"}
    await shopper_socket.disconnect()
    await agent_socket.disconnect()


async def test_the_agents_reply_reaches_the_guest():
    session = await _db(make_session_key)()
    conversation = await _db(make_conversation)(session_key=session)
    await _db(_queued)(conversation)
    agent = await _db(make_agent)()
    path = f"/ws/support/{conversation.pk}/"
    guest_socket = await _socket(path, session_key=session)
    agent_socket = await _socket(path, user=agent)
    await _until(guest_socket, "sync")
    await _until(agent_socket, "sync")

    await agent_socket.send_json_to(
        {"type": "message", "text": "Hallo, ich helfe gern."}
    )
    seen = await _until(guest_socket, "message")

    assert seen["message"]["author"] == "agent"
    assert seen["message"]["text"] == "Hallo, ich helfe gern."
    conversation = await _db(Conversation.objects.get)(pk=conversation.pk)
    assert conversation.status == ConversationStatus.ASSIGNED
    await guest_socket.disconnect()
    await agent_socket.disconnect()


async def test_another_shoppers_conversation_is_refused_on_the_socket():
    conversation = await _db(make_conversation)(user=await _db(make_shopper)())
    guest = await _db(make_conversation)()
    intruder = await _db(make_shopper)()

    by_account = await _socket(f"/ws/support/{conversation.pk}/", user=intruder)
    by_session = await _socket(
        f"/ws/support/{guest.pk}/", session_key=await _db(make_session_key)()
    )
    anonymous = await _socket(f"/ws/support/{guest.pk}/")

    for socket in (by_account, by_session, anonymous):
        error = await _until(socket, "error")
        assert error["code"] == "not_found"
        assert await _closed_with(socket) == 4404


async def test_an_agent_cannot_open_a_colleagues_conversation():
    conversation = await _db(make_conversation)()
    await _db(_queued)(conversation, assigned_to=await _db(make_agent)())

    socket = await _socket(
        f"/ws/support/{conversation.pk}/", user=await _db(make_agent)()
    )

    assert (await _until(socket, "error"))["code"] == "not_found"
    assert await _closed_with(socket) == 4404


@pytest.mark.parametrize(
    ("raw", "code", "close"),
    [
        ("x" * 40_000, "too_large", 4413),
        ('{"type": "message", "text": ' + "[" * 20 + "]" * 20 + "}", "too_deep", 4400),
        ('{"type": "launch"}', "malformed", 4400),
        ('{"type": "message", "text": 5}', "malformed", 4400),
        ("[1]", "malformed", 4400),
    ],
)
async def test_hostile_frames_close_the_socket(raw, code, close):
    session = await _db(make_session_key)()
    conversation = await _db(make_conversation)(session_key=session)
    socket = await _socket(f"/ws/support/{conversation.pk}/", session_key=session)
    await _until(socket, "sync")

    await socket.send_to(text_data=raw)

    assert (await _until(socket, "error"))["code"] == code
    assert await _closed_with(socket) == close
    assert await _db(Message.objects.count)() == 0


@override_settings(SUPPORT_FRAMES_PER_WINDOW=5)
async def test_a_flood_of_frames_closes_the_socket():
    session = await _db(make_session_key)()
    conversation = await _db(make_conversation)(session_key=session)
    socket = await _socket(f"/ws/support/{conversation.pk}/", session_key=session)
    await _until(socket, "sync")

    for _ in range(6):
        await socket.send_json_to({"type": "ping"})

    assert (await _until(socket, "error"))["code"] == "too_many"
    assert await _closed_with(socket) == 4429


async def test_an_oversized_chat_message_is_refused_but_the_socket_stays():
    session = await _db(make_session_key)()
    conversation = await _db(make_conversation)(session_key=session)
    socket = await _socket(f"/ws/support/{conversation.pk}/", session_key=session)
    await _until(socket, "sync")

    await socket.send_json_to({"type": "message", "text": "y" * 2001})
    error = await _until(socket, "error")
    await socket.send_json_to({"type": "ping"})

    assert error["code"] == "too_long"
    assert await _until(socket, "pong") == {"type": "pong"}
    await socket.disconnect()


async def test_call_signaling_reaches_the_other_side_only_and_is_checked():
    shopper = await _db(make_shopper)()
    conversation = await _db(make_conversation)(user=shopper)
    agent = await _db(make_agent)()
    path = f"/ws/support/{conversation.pk}/"
    shopper_socket = await _socket(path, user=shopper)
    await _until(shopper_socket, "sync")
    await shopper_socket.send_json_to({"type": "call_start"})
    call = (await _until(shopper_socket, "call"))["call"]
    agent_socket = await _socket(path, user=agent)  # the call queued it for agents
    await _until(agent_socket, "sync")

    await agent_socket.send_json_to(
        {"type": "signal", "kind": "offer", "call": call["id"], "sdp": SDP}
    )
    offer = await _until(shopper_socket, "signal")
    await agent_socket.send_json_to(
        {"type": "signal", "kind": "offer", "call": call["id"], "sdp": "<script>"}
    )
    bad = await _until(agent_socket, "error")
    await agent_socket.send_json_to(
        {
            "type": "signal",
            "kind": "offer",
            "call": call["id"],
            "sdp": SDP + "a" * 33000,
        }
    )
    large = await _until(agent_socket, "error")

    assert offer == {
        "type": "signal",
        "kind": "offer",
        "call": call["id"],
        "sdp": SDP,
        "from": "agent",
    }
    assert (bad["code"], large["code"]) == ("bad_sdp", "too_large")
    assert await agent_socket.receive_nothing(timeout=0.3)
    await shopper_socket.disconnect()
    await agent_socket.disconnect()


async def test_first_frame_time_and_consent_are_stored_and_the_call_shows_in_history():
    shopper = await _db(make_shopper)()
    conversation = await _db(make_conversation)(user=shopper, language="en")
    socket = await _socket(f"/ws/support/{conversation.pk}/", user=shopper)
    await _until(socket, "sync")
    await socket.send_json_to({"type": "call_start"})
    call_id = (await _until(socket, "call"))["call"]["id"]

    await socket.send_json_to({"type": "call_consent", "call": call_id})
    await socket.send_json_to({"type": "call_first_frame", "call": call_id, "ms": 840})
    await socket.send_json_to({"type": "call_end", "call": call_id})
    ended = await _until(socket, "call")
    while ended["call"]["status"] != "ended":
        ended = await _until(socket, "call")

    call = await _db(Call.objects.get)(pk=call_id)
    notes = await _db(list)(
        Message.objects.filter(conversation=conversation, author=Author.SYSTEM)
        .order_by("pk")
        .values_list("text", flat=True)
    )
    assert call.first_frame_ms == 840
    assert call.shopper_recording_consent_at is not None
    assert call.agent_recording_consent_at is None
    assert ended["call"]["recording_consent"] == {
        "shopper": True,
        "agent": False,
        "both": False,
    }
    assert notes[0] == "Video call started."
    assert notes[-1] == "Video call ended after 1 min."
    await socket.disconnect()


async def test_the_inbox_is_for_agents_and_hears_of_a_handoff():
    refused = await _socket("/ws/support/inbox/", user=await _db(make_shopper)())
    assert (await _until(refused, "error"))["code"] == "forbidden"
    assert await _closed_with(refused) == 4403

    agent = await _db(make_agent)()
    inbox = await _socket("/ws/support/inbox/", user=agent)
    assert (await _until(inbox, "queue"))["rows"] == []
    session = await _db(make_session_key)()
    conversation = await _db(make_conversation)(session_key=session, market="US")
    shopper_socket = await _socket(
        f"/ws/support/{conversation.pk}/", session_key=session
    )
    await _until(shopper_socket, "sync")

    await shopper_socket.send_json_to({"type": "human"})
    queue = await _until(inbox, "queue")

    assert [(row["id"], row["status"], row["reason"]) for row in queue["rows"]] == [
        (conversation.pk, "queued", "requested")
    ]
    await inbox.disconnect()
    await shopper_socket.disconnect()


async def test_shopper_only_frames_are_refused_to_agents():
    conversation = await _db(make_conversation)()
    await _db(_queued)(conversation)
    socket = await _socket(
        f"/ws/support/{conversation.pk}/", user=await _db(make_agent)()
    )
    await _until(socket, "sync")

    await socket.send_json_to({"type": "csat", "value": "up"})

    assert (await _until(socket, "error"))["code"] == "forbidden"
    await socket.disconnect()
