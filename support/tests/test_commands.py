import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_assistant_ask_prints_the_reply_as_json(catalog):
    out = StringIO()

    call_command(
        "assistant_ask",
        "Was kostet der Wasserkocher Brew Pro?",
        market="DE",
        language="de",
        stdout=out,
    )

    printed = json.loads(out.getvalue())
    assert printed["intent"] == "price_shipping"
    assert (printed["language"], printed["handoff"]) == ("de", False)
    assert printed["facts"] == ["74,99\xa0€"]
    assert printed["links"] == [
        "/de/p/kettle-brew-pro/",
        "/de/support/help/shipping-and-delivery/",
    ]


def test_assistant_ask_answers_for_the_given_account(shopper):
    out = StringIO()

    call_command(
        "assistant_ask",
        "Where is my order?",
        market="US",
        user=shopper.email,
        stdout=out,
    )

    assert json.loads(out.getvalue())["text"] == "I see no orders in your account yet."


def test_assistant_ask_refuses_an_unknown_market():
    with pytest.raises(CommandError, match="No market 'XX'"):
        call_command("assistant_ask", "Hello", market="XX")


def test_vectors_refresh_reports_what_it_wrote(catalog):
    out = StringIO()

    call_command("assistant_vectors_refresh", stdout=out)
    call_command("assistant_vectors_refresh", stdout=out)

    assert out.getvalue() == "Product vectors written: 18\nProduct vectors written: 0\n"
