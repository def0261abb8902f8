import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from shop.models import Product, Review, ReviewStatus, SentimentAlert, SentimentLabel
from shop.reviews.dashboard import dashboard_weeks
from shop.reviews.tests.helpers import _html, _review, _text, _user
from shop.storefront.cache import CATALOG_VERSION_KEY
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


# --- Moderation in the admin ----------------------------------------------------------


def _changelist(model: str) -> str:
    return reverse(f"admin:shop_{model}_changelist")


def test_staff_approve_selected_reviews_through_the_admin_action(
    admin_client, product, django_capture_on_commit_callbacks
):
    pending = [_review(product, status=ReviewStatus.PENDING) for _ in range(2)]
    other = _review(product, status=ReviewStatus.PENDING)
    cache.set(CATALOG_VERSION_KEY, 7, timeout=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            _changelist("review"),
            {
                "action": "reviews_approved",
                "_selected_action": [review.pk for review in pending],
            },
            follow=True,
        )

    assert "2 reviews changed to “Approved”." in _html(response)
    assert set(Review.objects.values_list("pk", "status")) == {
        (pending[0].pk, ReviewStatus.APPROVED),
        (pending[1].pk, ReviewStatus.APPROVED),
        (other.pk, ReviewStatus.PENDING),
    }
    assert cache.get(CATALOG_VERSION_KEY) == 8


def test_staff_reject_selected_reviews_through_the_admin_action(admin_client, product):
    review = _review(product, status=ReviewStatus.APPROVED)

    admin_client.post(
        _changelist("review"),
        {"action": "reviews_rejected", "_selected_action": [review.pk]},
    )

    review.refresh_from_db()
    assert review.status == ReviewStatus.REJECTED


def test_staff_moderate_one_review_on_its_change_page(admin_client, product):
    review = _review(product, status=ReviewStatus.PENDING, text="Original words here.")
    url = reverse("admin:shop_review_change", args=[review.pk])

    response = admin_client.post(url, {"status": ReviewStatus.APPROVED, "text": "x"})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    assert review.text == "Original words here."


def test_staff_acknowledge_sentiment_alerts_through_the_admin_action(
    admin_client, product
):
    alert = SentimentAlert.objects.create(
        product=product, negative_count=3, window_minutes=60
    )

    response = admin_client.post(
        _changelist("sentimentalert"),
        {"action": "acknowledge", "_selected_action": [alert.pk]},
        follow=True,
    )

    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert "1 alert acknowledged." in _html(response)


# --- The sentiment dashboard ----------------------------------------------------------


def _scored(product, label, score, created_at, status=ReviewStatus.APPROVED):
    return _review(
        product,
        status=status,
        sentiment_label=label,
        sentiment_score=score,
        scored_at=created_at,
        created_at=created_at,
    )


@pytest.fixture
def sentiment_data():
    """Two products' scored reviews in this week, three weeks ago and out of range."""
    weeks = dashboard_weeks()
    this_week = timezone.make_aware(datetime.combine(weeks[-1], datetime.min.time()))
    three_weeks_ago = this_week - timedelta(weeks=3) + timedelta(hours=5)
    too_old = this_week - timedelta(weeks=12) + timedelta(hours=5)
    jacket = make_product(name="Rain jacket")
    stove = make_product(name="Camping stove")
    _scored(jacket, SentimentLabel.POSITIVE, 0.8, this_week)
    _scored(jacket, SentimentLabel.POSITIVE, 0.6, this_week, ReviewStatus.PENDING)
    _scored(jacket, SentimentLabel.NEGATIVE, -0.9, this_week)
    _scored(jacket, SentimentLabel.NEUTRAL, 0.0, three_weeks_ago)
    _scored(jacket, SentimentLabel.NEGATIVE, -1.0, this_week, ReviewStatus.REJECTED)
    _scored(jacket, SentimentLabel.NEGATIVE, -1.0, too_old)
    _review(jacket)  # not scored yet
    for score in (-0.5, -0.7, -0.9):
        _scored(stove, SentimentLabel.NEGATIVE, score, this_week)
    return {"jacket": jacket, "stove": stove, "weeks": weeks}


def _dashboard_url() -> str:
    return reverse("admin:shop_sentiment_dashboard")


def _table_rows(html: str, product: Product) -> list[list[str]]:
    section = html.split(f'id="sentiment-{product.pk}"', 1)[1].split("</section>")[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_sentiment_dashboard_shows_each_products_weeks_with_exact_numbers(
    admin_client, sentiment_data
):
    response = admin_client.get(_dashboard_url())

    assert response.status_code == 200
    html = _html(response)
    weeks = sentiment_data["weeks"]

    def day(index: int) -> str:
        return formats.date_format(weeks[index], "DATE_FORMAT")

    assert _table_rows(html, sentiment_data["jacket"]) == [
        [day(-4), "0", "1", "0", "0.00"],
        [day(-1), "2", "0", "1", "0.17"],
    ]
    assert _table_rows(html, sentiment_data["stove"]) == [
        [day(-1), "0", "0", "3", "-0.70"],
    ]
    # The product with more negative reviews comes first.
    assert html.index("Camping stove") < html.index("Rain jacket")


def test_sentiment_dashboard_draws_stacked_bars_and_the_score_line(
    admin_client, sentiment_data
):
    html = _html(admin_client.get(_dashboard_url()))

    jacket = html.split(f'id="sentiment-{sentiment_data["jacket"].pk}"', 1)[1]
    jacket = jacket.split("</svg>", 1)[0]
    bars = re.findall(
        r'sentiment-chart__bar--(\w+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
        r'height="([\d.]+)"',
        jacket,
    )
    # The scale is shared: the busiest week (3 reviews) fills the 120-unit plot.
    assert bars == [
        ("neutral", "222.5", "90.0", "19", "40.0"),
        ("positive", "294.5", "50.0", "19", "80.0"),
        ("negative", "294.5", "10.0", "19", "40.0"),
    ]
    assert re.findall(r'<circle class="sentiment-chart__point" cx="([\d.]+)"', jacket)
    assert "<polyline" not in jacket  # the two scored weeks are not adjacent
    assert "<script" not in html.split('id="content-main"', 1)[1]


def test_sentiment_dashboard_reads_with_the_same_queries_however_many_products(
    admin_client, sentiment_data
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(_dashboard_url()).status_code == 200
        return len(captured)

    queries()
    few = queries()
    for n in range(5):
        _scored(
            make_product(name=f"Tent {n}"),
            SentimentLabel.POSITIVE,
            0.5,
            timezone.now() - timedelta(minutes=1),
        )

    assert queries() == few


def test_sentiment_dashboard_sends_shoppers_to_the_admin_sign_in(client):
    client.force_login(_user())

    response = client.get(_dashboard_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_sentiment_dashboard_is_forbidden_to_staff_without_the_permission(client):
    client.force_login(_user(is_staff=True))

    response = client.get(_dashboard_url())

    assert response.status_code == 403


def test_sentiment_dashboard_opens_for_staff_allowed_to_view_alerts(client):
    staff = _user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_sentimentalert"))
    client.force_login(staff)

    response = client.get(_dashboard_url())

    assert response.status_code == 200
    assert "No scored reviews in this period." in _html(response)


def test_sentiment_alert_list_links_to_the_dashboard(admin_client):
    html = _html(admin_client.get(_changelist("sentimentalert")))

    assert f'href="{_dashboard_url()}"' in html
