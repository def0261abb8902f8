"""Live-show services: going live, pins, reminders, comment rules and moderation."""

import json
import time
from types import SimpleNamespace

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from config import sockets as shared_sockets
from live.models import (
    BannedWord,
    Comment,
    CommentReport,
    PinEvent,
    ReportStatus,
    Show,
    ShowBan,
    ShowReminder,
    ShowStatus,
)
from live.realtime import publish as realtime_publish
from live.realtime import stores as realtime_stores
from live.services.comments import (
    banned_word_delete,
    banned_word_save,
    comment_delete,
    comment_post,
    comment_report,
    report_dismiss,
    report_user_ban,
    show_ban_add,
    text_has_link,
)
from live.services.errors import CommentRejected, ModerationError, ShowError
from live.services.shows import (
    product_pin,
    product_unpin,
    show_end,
    show_reminder_add,
    show_start,
)
from live.tasks import show_reminders_send
from live.tests.factories import (
    make_featured_product,
    make_host,
    make_show,
    make_user,
)
from shop.models import Market
from shop.tests.factories import make_product, translated

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery(settings):
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _buffered(show: Show) -> list[dict]:
    """What waits in the show's Redis buffer for the next tick."""
    client = realtime_stores._sync_client()
    return [
        json.loads(raw) for raw in client.lrange(f"live:show:{show.pk}:buffer", 0, -1)
    ]


# --- going live ------------------------------------------------------------------


def test_sponsored_show_with_blank_brand_cannot_start():
    host = make_host()
    show = make_show(host=host, is_sponsored=True, brand_name="   ")

    with pytest.raises(ShowError) as raised:
        show_start(show=show, host=host)

    assert raised.value.code == "sponsor_missing"
    assert "brand" in str(raised.value.message)
    show.refresh_from_db()
    assert (show.status, show.started_at) == (ShowStatus.SCHEDULED, None)


def test_sponsored_flag_set_without_brand_in_an_unsaved_edit_cannot_start():
    host = make_host()
    show = make_show(host=host)
    show.is_sponsored = True  # e.g. an admin edit that was never saved

    with pytest.raises(ShowError):
        show_start(show=show, host=host)

    assert Show.objects.get(pk=show.pk).status == ShowStatus.SCHEDULED


def test_sponsored_show_with_brand_starts(django_capture_on_commit_callbacks):
    host = make_host()
    show = make_show(host=host, is_sponsored=True, brand_name="Acme")

    with django_capture_on_commit_callbacks() as callbacks:
        show_start(show=show, host=host)

    show.refresh_from_db()
    assert show.status == ShowStatus.LIVE
    assert show.started_at is not None
    assert len(callbacks) == 2  # the status event and the reminders task


def test_only_the_host_or_staff_can_start_a_show():
    show = make_show()

    with pytest.raises(PermissionDenied):
        show_start(show=show, host=make_host())

    show_start(show=show, host=make_user(is_staff=True))
    assert Show.objects.get(pk=show.pk).status == ShowStatus.LIVE


def test_a_live_show_cannot_start_again():
    show = make_show()
    show_start(show=show, host=show.host)

    with pytest.raises(ShowError) as raised:
        show_start(show=show, host=show.host)

    assert raised.value.code == "not_scheduled"


def test_status_change_is_broadcast_after_commit(django_capture_on_commit_callbacks):
    show = make_show()

    with django_capture_on_commit_callbacks(execute=True):
        show_start(show=show, host=show.host)

    assert [(i["kind"], i["status"]) for i in _buffered(show)] == [("status", "live")]


# --- pins ------------------------------------------------------------------------


def test_pins_are_recorded_with_their_times():
    show = make_show()
    jacket = make_featured_product(show=show, name="Jacket")
    boots = make_featured_product(show=show, name="Boots")
    show_start(show=show, host=show.host)
    before = timezone.now()

    first = product_pin(show=show, product=jacket, by=show.host)
    second = product_pin(show=show, product=boots, by=show.host)
    closed = product_unpin(show=show, by=show.host)
    after = timezone.now()

    first.refresh_from_db()
    pins = list(PinEvent.objects.filter(show=show).order_by("pinned_at", "pk"))
    assert [p.product_id for p in pins] == [jacket.pk, boots.pk]
    assert before <= first.pinned_at <= second.pinned_at <= after
    assert first.unpinned_at == second.pinned_at
    assert closed.pk == second.pk
    assert second.pinned_at <= closed.unpinned_at <= after
    assert second.pinned_by == show.host


def test_pinning_the_pinned_product_again_keeps_one_pin():
    show = make_show()
    jacket = make_featured_product(show=show)

    first = product_pin(show=show, product=jacket, by=show.host)
    again = product_pin(show=show, product=jacket, by=show.host)

    assert again.pk == first.pk
    assert PinEvent.objects.filter(show=show).count() == 1


def test_only_featured_products_can_be_pinned():
    show = make_show()

    with pytest.raises(ShowError) as raised:
        product_pin(show=show, product=make_product(), by=show.host)

    assert raised.value.code == "not_featured"
    assert PinEvent.objects.count() == 0


def test_ending_a_show_closes_its_open_pin():
    show = make_show()
    jacket = make_featured_product(show=show)
    show_start(show=show, host=show.host)
    pin = product_pin(show=show, product=jacket, by=show.host)

    show_end(show=show, host=show.host)

    pin.refresh_from_db()
    show.refresh_from_db()
    assert show.status == ShowStatus.ENDED
    assert pin.unpinned_at == show.ended_at


def test_pin_event_is_broadcast_after_commit(django_capture_on_commit_callbacks):
    show = make_show()
    jacket = make_featured_product(show=show)

    with django_capture_on_commit_callbacks(execute=True):
        pin = product_pin(show=show, product=jacket, by=show.host)

    items = _buffered(show)
    assert [(i["kind"], i["product_id"], i["pin_id"]) for i in items] == [
        ("product_pinned", jacket.pk, pin.pk)
    ]


# --- reminders -------------------------------------------------------------------


def test_reminders_are_emailed_on_start_in_each_shoppers_language(
    eager_celery, django_capture_on_commit_callbacks
):
    show = make_show(
        **translated("title", {"en": "Rain gear", "de": "Regenkleidung", "fr": "Pluie"})
    )
    german = make_user(email="anna@example.com", preferred_language="de")
    french = make_user(email="louis@example.com", preferred_language="fr")
    brazilian = make_user(
        email="bia@example.com", preferred_market=Market.objects.get(code="BR")
    )
    for user in (german, french, brazilian):
        show_reminder_add(show=show, user=user)

    with django_capture_on_commit_callbacks(execute=True):
        show_start(show=show, host=show.host)

    sent = {message.to[0]: message for message in mail.outbox}
    assert sorted(sent) == ["anna@example.com", "bia@example.com", "louis@example.com"]
    assert sent["anna@example.com"].subject == "Jetzt live: Regenkleidung"
    site = f"https://{Site.objects.get_current().domain}"
    assert sent["anna@example.com"].body.endswith(
        f"Hier ansehen: {site}/de/live/{show.pk}/"
    )
    assert sent["louis@example.com"].subject == "En direct : Pluie"
    assert sent["louis@example.com"].body.endswith(
        f"Regardez-la ici : {site}/fr/live/{show.pk}/"
    )
    # No Portuguese title: modeltranslation falls back (pt-br → es → en).
    assert sent["bia@example.com"].subject == "Ao vivo agora: Rain gear"
    assert ShowReminder.objects.filter(sent_at__isnull=True).count() == 0


def test_each_reminder_is_emailed_only_once():
    show = make_show()
    show_reminder_add(show=show, user=make_user())
    Show.objects.filter(pk=show.pk).update(
        status=ShowStatus.LIVE, started_at=timezone.now()
    )

    assert show_reminders_send(show.pk) == 1
    assert show_reminders_send(show.pk) == 0
    assert len(mail.outbox) == 1


def test_reminders_are_only_for_scheduled_shows():
    show = make_show()
    show_start(show=show, host=show.host)

    with pytest.raises(ShowError):
        show_reminder_add(show=show, user=make_user())


# --- comments ---------------------------------------------------------------------


def test_comment_is_stored_and_queued_for_broadcast_only_on_commit(
    django_capture_on_commit_callbacks,
):
    show = make_show()
    user = make_user(full_name="Ana Souza")

    with django_capture_on_commit_callbacks() as callbacks:
        comment = comment_post(show=show, user=user, text="Nice!")
        assert _buffered(show) == []
    for callback in callbacks:
        callback()

    assert Comment.objects.get(pk=comment.pk).author_name == "Ana"
    [item] = _buffered(show)
    assert item["kind"] == "comment"
    assert item["comment"]["id"] == comment.pk
    assert item["comment"]["text"] == "Nice!"


def test_author_without_a_name_is_not_shown_by_email():
    comment = comment_post(
        show=make_show(), user=make_user(email="secret@example.com"), text="hi"
    )

    assert "secret" not in comment.author_name
    assert comment.author_name == f"user-{comment.user_id}"


def test_comments_are_closed_after_the_show():
    show = make_show()
    show_start(show=show, host=show.host)
    show_end(show=show, host=show.host)

    with pytest.raises(CommentRejected) as raised:
        comment_post(show=show, user=make_user(), text="late")

    assert raised.value.code == "closed"


def test_banned_word_for_all_languages_applies_to_every_show(
    django_capture_on_commit_callbacks,
):
    show = make_show(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        banned_word_save(word=BannedWord(language="", word="  scam  "))

    with pytest.raises(CommentRejected) as raised:
        comment_post(show=show, user=make_user(), text="What a SCAM!")

    assert raised.value.code == "banned_word"
    assert BannedWord.objects.get().word == "scam"


def test_removed_banned_word_is_allowed_again(django_capture_on_commit_callbacks):
    show = make_show()
    with django_capture_on_commit_callbacks(execute=True):
        word = banned_word_save(word=BannedWord(language="en", word="cheap"))
    with pytest.raises(CommentRejected):
        comment_post(show=show, user=make_user(), text="so cheap")

    with django_capture_on_commit_callbacks(execute=True):
        banned_word_delete(word=word)

    assert comment_post(show=show, user=make_user(), text="so cheap").pk


def test_links_are_allowed_when_the_show_allows_them():
    show = make_show(block_links=False)

    comment = comment_post(show=show, user=make_user(), text="see www.example.com")

    assert comment.text == "see www.example.com"


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com",
        "go to www.example.org now",
        "shop.example.com has it",
        "bit.ly/abc",
        "example dot com",
        "example(dot)com",
        "cheap at store.de",
        "ＷＷＷ．example．com",
    ],
)
def test_link_looking_text_is_detected(text):
    assert text_has_link(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "e.g. the blue one",
        "4.5 stars, i.e. great",
        "U.S. sizes run large",
        "great.thanks a lot",
        "I love the dot pattern",
        "size 42/43",
    ],
)
def test_ordinary_text_is_not_taken_for_a_link(text):
    assert text_has_link(text) is False


def test_control_and_invisible_characters_are_removed():
    comment = comment_post(
        show=make_show(), user=make_user(), text="a\u200bb\x00c\n\nd"
    )

    assert comment.text == "a b c d"


# --- moderation -------------------------------------------------------------------


def test_host_and_staff_cannot_be_banned():
    show = make_show()
    staff = make_user(is_staff=True)

    for user in (show.host, staff):
        with pytest.raises(ModerationError):
            show_ban_add(show=show, user=user, by=staff)

    assert ShowBan.objects.count() == 0


def test_viewer_cannot_ban():
    show = make_show()

    with pytest.raises(PermissionDenied):
        show_ban_add(show=show, user=make_user(), by=make_user())


def test_a_comment_is_reported_once_per_reporter():
    comment = comment_post(show=make_show(), user=make_user(), text="hmm")
    reporter = make_user()

    first = comment_report(comment=comment, reporter=reporter, reason="spam")
    again = comment_report(comment=comment, reporter=reporter, reason="abuse")

    assert again.pk == first.pk
    assert CommentReport.objects.count() == 1


def test_banning_from_a_report_bans_deletes_and_resolves_all_its_reports():
    show = make_show()
    troll = make_user()
    comment = comment_post(show=show, user=troll, text="rude")
    reports = [
        comment_report(comment=comment, reporter=make_user(), reason="abuse")
        for _ in range(2)
    ]
    staff = make_user(is_staff=True)

    report_user_ban(report=reports[0], by=staff)

    comment.refresh_from_db()
    assert comment.is_deleted is True
    assert ShowBan.objects.get(show=show).user == troll
    assert set(CommentReport.objects.values_list("status", flat=True)) == {
        ReportStatus.USER_BANNED
    }
    with pytest.raises(CommentRejected):
        comment_post(show=show, user=troll, text="again")


def test_the_host_deleting_a_reported_comment_resolves_its_open_reports():
    host = make_host()
    show = make_show(host=host)
    comment = comment_post(show=show, user=make_user(), text="rude")
    reports = [
        comment_report(comment=comment, reporter=make_user(), reason="abuse")
        for _ in range(2)
    ]
    other = comment_post(show=show, user=make_user(), text="also rude")
    untouched = comment_report(comment=other, reporter=make_user(), reason="abuse")

    comment_delete(comment=comment, by=host)

    for report in reports:
        report.refresh_from_db()
        assert report.status == ReportStatus.COMMENT_DELETED
        assert report.resolved_by == host
        assert report.resolved_at is not None
    untouched.refresh_from_db()
    assert untouched.status == ReportStatus.OPEN


def test_a_dismissed_report_stays_dismissed_when_the_comment_is_deleted():
    host = make_host()
    show = make_show(host=host)
    comment = comment_post(show=show, user=make_user(), text="meh")
    report = comment_report(comment=comment, reporter=make_user(), reason="spam")
    report_dismiss(report=report, by=host)

    comment_delete(comment=comment, by=host)

    report.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED


def test_dismissing_a_report_leaves_the_comment():
    comment = comment_post(show=make_show(), user=make_user(), text="fine")
    report = comment_report(comment=comment, reporter=make_user(), reason="spam")

    report_dismiss(report=report, by=make_user(is_staff=True))

    comment.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED
    assert comment.is_deleted is False


# --- the comment rate limit slides ---------------------------------------------------


@pytest.fixture(params=["redis", "memory"])
def window_clock(request, settings, monkeypatch):
    """The rate limit's clock, set by the test, on Redis and on the in-memory store."""
    if request.param == "memory":
        settings.REDIS_URL = ""
        monkeypatch.setattr(shared_sockets, "_windows", {})
    clock = SimpleNamespace(now=0.0)
    monkeypatch.setattr(
        shared_sockets,
        "time",
        SimpleNamespace(time=lambda: clock.now, monotonic=time.monotonic),
    )
    return clock


def test_rate_limit_holds_across_the_edge_of_a_fixed_window(window_clock):
    show, user = make_show(), make_user()
    edge = (time.time() // 10 + 1) * 10  # where a fixed ten-second window turns over
    window_clock.now = edge - 0.1
    for n in range(5):
        comment_post(show=show, user=user, text=f"before the edge {n}")

    window_clock.now = edge + 0.1
    with pytest.raises(CommentRejected) as refused:
        comment_post(show=show, user=user, text="just after the edge")
    assert refused.value.code == "rate_limited"

    window_clock.now = edge - 0.1 + 10.01  # the first five have slid out
    comment_post(show=show, user=user, text="ten seconds later")
    assert Comment.objects.filter(show=show, user=user).count() == 6


# --- comments are stored once per client message, and published robustly -----------


def test_a_resent_comment_returns_the_stored_one():
    show, user = make_show(), make_user()

    first = comment_post(
        show=show, user=user, text="Is it waterproof?", client_id="m-1"
    )
    again = comment_post(
        show=show, user=user, text="Is it waterproof?", client_id="m-1"
    )

    assert again.pk == first.pk
    assert Comment.objects.filter(show=show).count() == 1


def test_client_ids_are_per_author():
    show, ana, ben = make_show(), make_user(), make_user()

    first = comment_post(show=show, user=ana, text="Blue please", client_id="m-1")
    other = comment_post(show=show, user=ben, text="Red please", client_id="m-1")

    assert other.pk != first.pk
    assert Comment.objects.filter(show=show).count() == 2


def test_a_resend_does_not_count_against_the_rate_limit():
    show, user = make_show(), make_user()
    for n in range(5):
        comment_post(show=show, user=user, text=f"comment {n}", client_id=f"m-{n}")

    again = comment_post(show=show, user=user, text="comment 4", client_id="m-4")

    assert again.text == "comment 4"
    assert Comment.objects.filter(show=show).count() == 5


def test_a_publish_that_fails_once_is_tried_again(monkeypatch):
    show = make_show()
    failures = iter([ConnectionError("redis blinked")])
    real_push = realtime_publish.buffer_push

    def flaky_push(show_id, item):
        for error in failures:
            raise error
        real_push(show_id, item)

    monkeypatch.setattr(realtime_publish, "buffer_push", flaky_push)
    realtime_publish.item_publish(
        show_id=show.pk,
        delivery=show.chat_delivery,
        item={"kind": "comment_deleted", "id": 7},
    )

    assert [(i["kind"], i["id"]) for i in _buffered(show)] == [("comment_deleted", 7)]


def test_a_publish_that_keeps_failing_skips_a_tick_number(monkeypatch):
    show = make_show()
    client = realtime_stores._sync_client()
    client.set(f"live:show:{show.pk}:seq", 41)

    def down(show_id, item):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(realtime_publish, "buffer_push", down)
    monkeypatch.setattr(realtime_publish, "PUBLISH_BACKOFF_SECONDS", 0)
    realtime_publish.item_publish(
        show_id=show.pk,
        delivery=show.chat_delivery,
        item={"kind": "comment_deleted", "id": 7},
    )

    assert int(client.get(f"live:show:{show.pk}:seq")) == 42
    assert _buffered(show) == []
