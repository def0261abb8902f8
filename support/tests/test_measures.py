"""The support measures, read from one outcome record per conversation."""

import pytest

from support.models import ConversationOutcome, Resolution
from support.selectors import support_measures
from support.tests.factories import make_conversation

pytestmark = pytest.mark.django_db


def _outcome(**fields) -> None:
    conversation = make_conversation(market="US", language="en")
    ConversationOutcome.objects.filter(conversation=conversation).update(**fields)


def test_measures_count_resolution_handoffs_reopens_and_csat():
    _outcome(assistant_involved=True, resolution=Resolution.CONFIRMED, csat="up")
    _outcome(assistant_involved=True, resolution=Resolution.ASSUMED)
    _outcome(assistant_involved=True, resolution=Resolution.ASSUMED, reopened=True)
    _outcome(
        assistant_involved=True,
        resolution=Resolution.HUMAN,
        handoff_reason="requested",
        first_response_seconds=120,
        csat="down",
    )
    _outcome(
        assistant_involved=False,
        resolution=Resolution.HUMAN,
        handoff_reason="complaint",
        first_response_seconds=600,
        csat="up",
    )

    measures = support_measures()

    assert measures["conversations"] == 5
    assert measures["involvement_rate"] == 0.8
    # Confirmed 1 + assumed 1 (the one that came back is not counted), of 4 involved.
    assert measures["resolution_rate"] == 0.5
    assert (measures["resolved_confirmed"], measures["resolved_assumed"]) == (1, 1)
    assert measures["handoff_rate"] == 0.4
    assert {
        reason: (row["count"], row["rate"])
        for reason, row in measures["handoff_by_reason"].items()
    } == {"complaint": (1, 0.2), "requested": (1, 0.2)}
    assert measures["first_response_median_seconds"] == 600
    assert measures["reopen_rate"] == 0.2
    assert measures["csat"] == 0.6667
    assert (measures["csat_up"], measures["csat_down"]) == (2, 1)


def test_measures_without_conversations_are_empty_not_zero():
    measures = support_measures()

    assert measures["conversations"] == 0
    assert measures["resolution_rate"] is None
    assert measures["csat"] is None


def test_admin_shows_the_measures(admin_client):
    _outcome(assistant_involved=True, resolution=Resolution.CONFIRMED, csat="up")

    response = admin_client.get("/admin/support/conversationoutcome/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<td data-measure="conversations">1</td>' in html
    assert '<td data-measure="resolution_rate">100 %' in html
