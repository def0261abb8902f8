"""Phrasing by a language model, against a small OpenAI-compatible server run in
the test (the endpoint is outside the shop; our code is exercised as it is)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from support.assistant import assistant_answer
from support.tests.conftest import market

pytestmark = pytest.mark.django_db


class _FakeModel:
    """Answers every chat completion with `content`; records the requests."""

    def __init__(self, content: str) -> None:
        self.content = content
        self.requests: list[dict] = []
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers["Content-Length"])
                model.requests.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                body = json.dumps(
                    {"choices": [{"message": {"content": model.content}}]}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "_FakeModel":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _configure(settings, url: str) -> None:
    settings.ASSISTANT_LLM_URL = url
    settings.ASSISTANT_LLM_MODEL = "tiny"
    settings.ASSISTANT_LLM_API_KEY = "secret"


def _ask():
    return assistant_answer(
        text="Was kostet der Wasserkocher Brew Pro?", market=market("DE"), user=None
    )


def test_a_grounded_phrasing_is_used(settings, catalog):
    phrased = (
        "Gern! Der Wasserkocher Brew Pro kostet 74,99\xa0€ inklusive 19\xa0% "
        "Mehrwertsteuer."
    )
    with _FakeModel(phrased) as model:
        _configure(settings, model.url)
        reply = _ask()

    assert reply.text == phrased
    request = model.requests[0]
    assert (request["path"], request["auth"]) == (
        "/v1/chat/completions",
        "Bearer secret",
    )
    sent = json.loads(request["body"]["messages"][1]["content"])
    assert sent["facts"] == ["74,99\xa0€"]


def test_a_phrasing_with_an_invented_price_falls_back(settings, catalog):
    with _FakeModel("Heute nur 59,99\xa0€ statt 74,99\xa0€!") as model:
        _configure(settings, model.url)
        reply = _ask()

    assert reply.text.startswith("Wasserkocher Brew Pro kostet 74,99\xa0€")
    assert len(model.requests) == 1


def test_an_unreachable_model_falls_back(settings, catalog):
    with _FakeModel("unused") as model:
        url = model.url
    _configure(settings, url)  # the server is gone: the connection is refused

    reply = _ask()

    assert reply.text.startswith("Wasserkocher Brew Pro kostet 74,99\xa0€")


def test_without_a_configured_model_nothing_is_sent(settings, catalog):
    with _FakeModel("unused") as model:
        settings.ASSISTANT_LLM_URL = ""
        reply = _ask()

    assert model.requests == []
    assert reply.text.startswith("Wasserkocher Brew Pro kostet 74,99\xa0€")
