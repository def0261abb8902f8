"""The live shows' admin: lists, go-live action, sponsorship, moderation queue."""

import pytest
from django.utils import translation

from live.models import Show, ShowStatus
from live.tests.factories import (
    make_host,
    make_show,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_while_arranging():
    """Test data is written in English whatever language an earlier request left on."""
    with translation.override("en"):
        yield


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model",
    ["show", "comment", "commentreport", "bannedword", "showban", "showreminder"],
)
def test_staff_opens_every_live_admin_list(staff_client, model):
    make_show()

    assert staff_client.get(f"/admin/live/{model}/").status_code == 200


@pytest.mark.parametrize("model", ["show", "bannedword", "showban"])
def test_staff_opens_the_live_admin_add_pages(staff_client, model):
    assert staff_client.get(f"/admin/live/{model}/add/").status_code == 200


def test_admin_go_live_action_refuses_a_sponsored_show_without_brand(staff_client):
    show = make_show(is_sponsored=True, brand_name="  ")
    ready = make_show(title="Ready")

    response = staff_client.post(
        "/admin/live/show/",
        {"action": "start_shows", "_selected_action": [show.pk, ready.pk]},
        follow=True,
    )

    html = _html(response)
    assert "cannot start without the brand" in html
    assert "1 show is live." in html
    assert Show.objects.get(pk=show.pk).status == ShowStatus.SCHEDULED
    assert Show.objects.get(pk=ready.pk).status == ShowStatus.LIVE


def test_admin_show_form_asks_for_the_brand_of_a_sponsored_show(staff_client):
    host = make_host()
    response = staff_client.post(
        "/admin/live/show/add/",
        {
            "title_en": "Sponsored",
            "host": host.pk,
            "scheduled_start_0": "2031-12-01",
            "scheduled_start_1": "18:00:00",
            "language": "en",
            "is_sponsored": "on",
            "brand_name": "",
            "slow_mode_seconds": "0",
            "chat_delivery": "batched",
            "featured-TOTAL_FORMS": "0",
            "featured-INITIAL_FORMS": "0",
            "pins-TOTAL_FORMS": "0",
            "pins-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "A sponsored show needs the name of the brand." in _html(response)
    assert Show.objects.count() == 0


def test_admin_report_queue_bans_the_author_through_the_services(staff_client):
    from live.models import CommentReport, ShowBan
    from live.services.comments import comment_post, comment_report

    show = make_show()
    troll = make_user()
    comment = comment_post(show=show, user=troll, text="rude")
    report = comment_report(comment=comment, reporter=make_user(), reason="abuse")

    staff_client.post(
        "/admin/live/commentreport/",
        {"action": "ban_authors", "_selected_action": [report.pk]},
    )

    comment.refresh_from_db()
    assert comment.is_deleted is True
    assert ShowBan.objects.get(show=show).user == troll
    assert CommentReport.objects.get(pk=report.pk).status == "banned"


def test_admin_saves_banned_words_trimmed(staff_client):
    from live.models import BannedWord

    staff_client.post(
        "/admin/live/bannedword/add/", {"language": "de", "word": "  Mist "}
    )

    assert list(BannedWord.objects.values_list("language", "word")) == [("de", "Mist")]
