import itertools
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from config.celery import app as celery_app
from shop.models import (
    OrderLine,
    OrderStatus,
    Product,
    Review,
    ReviewStatus,
    SentimentAlert,
    SentimentLabel,
    User,
    Variant,
)
from shop.reviews.dashboard import dashboard_weeks
from shop.reviews.services import ReviewBlock, review_submit, reviews_moderate
from shop.storefront.cache import CATALOG_VERSION_KEY
from shop.tests.commerce_helpers import bought
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)

GERMAN_REVIEW = (
    "Die Jacke ist warm und wasserdicht, die Nähte sind sauber verarbeitet. "
    "Ich würde sie wieder kaufen."
)
ENGLISH_NEGATIVE = (
    "Terrible quality, it broke after two days and support never replied."
)


@pytest.fixture
def eager_celery(settings):
    """Tasks run in the test's process, as in the embedded default."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def no_page_cache(settings):
    settings.STOREFRONT_CACHE_SECONDS = 0


@pytest.fixture
def product() -> Product:
    return make_product(name="Rain jacket", prices={"US": "99.00"})


def _user(email: str | None = None, **fields) -> User:
    return User.objects.create(
        email=email or f"shopper{next(_seq)}@example.com", **fields
    )


def _buyer(product: Product, status: str = OrderStatus.PAID) -> User:
    user = _user()
    bought(user=user, variant=product.variants.first(), status=status)
    return user


def _review(product: Product, *, status=ReviewStatus.APPROVED, **fields) -> Review:
    values = {"rating": 4, "text": "Good jacket, keeps the rain out.", **fields}
    return Review.objects.create(product=product, user=_user(), status=status, **values)


def _html(response) -> str:
    return response.content.decode()


def _text(html: str) -> str:
    """The page's text with tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- Submitting -----------------------------------------------------------------------


def test_review_submit_stores_a_pending_review_in_the_detected_language(product):
    buyer = _buyer(product)

    review = review_submit(
        user=buyer, product=product, rating=5, title="Sehr gut", text=GERMAN_REVIEW
    )

    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
    assert review.language == "de"
    assert review.rating == 5
    assert review.title == "Sehr gut"
    assert review.text == GERMAN_REVIEW
    assert review.order_line == OrderLine.objects.get(order__user=buyer)
    assert review.sentiment_label == ""
    assert review.scored_at is None


def test_review_submit_scores_the_review_only_once_the_transaction_commits(
    product, eager_celery, django_capture_on_commit_callbacks
):
    buyer = _buyer(product)

    with django_capture_on_commit_callbacks() as callbacks:
        review = review_submit(
            user=buyer, product=product, rating=1, title="", text=ENGLISH_NEGATIVE
        )
    review.refresh_from_db()
    assert review.scored_at is None
    assert len(callbacks) == 1

    callbacks[0]()

    review.refresh_from_db()
    assert review.language == "en"
    assert review.sentiment_label == SentimentLabel.NEGATIVE
    assert review.sentiment_score < 0
    assert review.scored_at is not None


@pytest.mark.parametrize(
    "status",
    [
        OrderStatus.PAID,
        OrderStatus.PROCESSING,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    ],
)
def test_review_submit_accepts_a_buyer_whose_order_is(product, status):
    buyer = _buyer(product, status=status)

    review = review_submit(
        user=buyer, product=product, rating=4, title="", text=ENGLISH_NEGATIVE
    )

    assert Review.objects.get() == review


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, OrderStatus.REFUNDED],
)
def test_review_submit_refuses_a_shopper_whose_order_is(product, status):
    shopper = _buyer(product, status=status)

    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=shopper, product=product, rating=4, title="", text=ENGLISH_NEGATIVE
        )

    assert raised.value.code == ReviewBlock.NOT_PURCHASED
    assert not Review.objects.exists()


def test_review_submit_accepts_a_buyer_of_another_variant_of_the_product(product):
    other = Variant.objects.create(product=product, sku="JACKET-XL", stock=3)
    buyer = _user()
    line = bought(user=buyer, variant=other)

    review = review_submit(
        user=buyer, product=product, rating=3, title="", text=ENGLISH_NEGATIVE
    )

    assert review.order_line == line


def test_review_submit_refuses_a_buyer_of_another_product(product):
    other = make_product(name="Umbrella", prices={"US": "20.00"})
    buyer = _buyer(other)

    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=buyer, product=product, rating=3, title="", text=ENGLISH_NEGATIVE
        )

    assert raised.value.code == ReviewBlock.NOT_PURCHASED


def test_review_submit_refuses_a_second_review_of_the_same_product(product):
    buyer = _buyer(product)
    bought(user=buyer, variant=product.variants.first())
    review_submit(user=buyer, product=product, rating=3, title="", text=GERMAN_REVIEW)

    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=buyer, product=product, rating=1, title="", text=ENGLISH_NEGATIVE
        )

    assert raised.value.code == ReviewBlock.ALREADY_REVIEWED
    assert Review.objects.count() == 1


def test_review_submit_refuses_a_visitor_who_is_not_signed_in(product):
    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=AnonymousUser(),
            product=product,
            rating=3,
            title="",
            text=ENGLISH_NEGATIVE,
        )

    assert raised.value.code == ReviewBlock.SIGN_IN


@pytest.mark.parametrize(
    ("rating", "title", "text", "field"),
    [
        (0, "", ENGLISH_NEGATIVE, "rating"),
        (6, "", ENGLISH_NEGATIVE, "rating"),
        (True, "", ENGLISH_NEGATIVE, "rating"),
        (4, "t" * 121, ENGLISH_NEGATIVE, "title"),
        (4, "", "Too short", "text"),
        (4, "", "   short    ", "text"),
        (4, "", "x" * 4001, "text"),
    ],
)
def test_review_submit_rejects_input_outside_the_limits(
    product, rating, title, text, field
):
    buyer = _buyer(product)

    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=buyer, product=product, rating=rating, title=title, text=text
        )

    assert list(raised.value.message_dict) == [field]
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("rating", "title", "text"),
    [(1, "t" * 120, "x" * 10), (5, "", "x" * 4000)],
)
def test_review_submit_accepts_input_at_the_limits(product, rating, title, text):
    buyer = _buyer(product)

    review = review_submit(
        user=buyer, product=product, rating=rating, title=title, text=text
    )

    assert (review.rating, len(review.title), len(review.text)) == (
        rating,
        len(title),
        len(text),
    )


# --- The product page -----------------------------------------------------------------


def test_product_page_lists_only_approved_reviews_with_their_average(client, product):
    _review(product, rating=5, text="Approved and glowing review.")
    _review(product, rating=2, text="Approved but lukewarm review.")
    _review(product, rating=1, text="Pending review text.", status=ReviewStatus.PENDING)
    _review(
        product, rating=1, text="Rejected review text.", status=ReviewStatus.REJECTED
    )

    html = _html(client.get(f"/en/p/{product.slug}/"))

    text = _text(html)
    assert "3.5 out of 5 stars from 2 verified buyers" in text
    assert "Approved and glowing review." in text
    assert "Approved but lukewarm review." in text
    assert "Pending review text." not in text
    assert "Rejected review text." not in text
    assert html.count('class="review"') == 2


def test_product_page_says_when_there_are_no_reviews(client, product):
    text = _text(_html(client.get(f"/en/p/{product.slug}/")))

    assert "No reviews yet." in text


def test_product_page_shows_review_html_as_text(client, product):
    _review(
        product,
        title="<b>Bold</b>",
        text='<script>alert("x")</script><img src=x onerror=alert(1)>',
    )

    html = _html(client.get(f"/en/p/{product.slug}/"))

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_product_page_marks_each_review_with_its_language(client, product):
    _review(product, text=GERMAN_REVIEW, language="de")

    html = _html(client.get(f"/en/p/{product.slug}/"))

    assert f'<div class="review__text" lang="de">{GERMAN_REVIEW}</div>' in html


def test_product_page_asks_visitors_to_sign_in_to_review(client, product):
    html = _html(client.get(f"/en/p/{product.slug}/"))

    login = reverse("account_login")
    assert f'href="{login}?next=/en/p/{product.slug}/"' in html
    assert "Sign in to review this product." in html
    assert 'class="review-form"' not in html


def test_product_page_offers_the_review_form_to_a_buyer(client, product):
    client.force_login(_buyer(product))

    html = _html(client.get(f"/en/p/{product.slug}/"))

    action = reverse("shop:review_write", kwargs={"slug": product.slug})
    assert f'action="{action}"' in html
    assert 'name="rating"' in html
    assert 'name="text"' in html


def test_product_page_tells_a_shopper_without_a_purchase_why_they_cannot_review(
    client, product
):
    client.force_login(_user())

    html = _html(client.get(f"/en/p/{product.slug}/"))

    assert str(ReviewBlock.NOT_PURCHASED.label) in html
    assert 'class="review-form"' not in html


def test_product_page_shows_a_buyer_the_status_of_their_own_review(client, product):
    buyer = _buyer(product)
    review_submit(user=buyer, product=product, rating=4, title="", text=GERMAN_REVIEW)
    client.force_login(buyer)

    text = _text(_html(client.get(f"/en/p/{product.slug}/")))

    assert "You reviewed this product on" in text
    assert "Status: Awaiting moderation." in text


def _product_page_queries(client, product: Product) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/en/p/{product.slug}/")
    assert response.status_code == 200
    return len(queries)


def test_product_page_runs_the_same_queries_however_many_reviews(
    client, product, no_page_cache
):
    client.force_login(_buyer(product))
    for _ in range(2):
        _review(product)
    _product_page_queries(client, product)  # warms per-process caches
    few = _product_page_queries(client, product)
    for _ in range(30):
        _review(product)

    many = _product_page_queries(client, product)

    assert many == few


def test_product_page_shows_the_twenty_newest_of_many_reviews(client, product):
    start = timezone.now() - timedelta(days=1)
    for minute in range(25):
        _review(
            product,
            text=f"Review number {minute:02d} of many.",
            created_at=start + timedelta(minutes=minute),
        )

    text = _text(_html(client.get(f"/en/p/{product.slug}/")))

    assert "Review number 24 of many." in text
    assert "Review number 05 of many." in text
    assert "Review number 04 of many." not in text
    assert "The 20 newest of 25 reviews." in text


def test_cached_product_page_shows_a_review_once_staff_approve_it(
    client, product, django_capture_on_commit_callbacks
):
    review = _review(
        product, text="Worth waiting for moderation.", status=ReviewStatus.PENDING
    )
    assert "Worth waiting" not in _html(client.get(f"/en/p/{product.slug}/"))

    with django_capture_on_commit_callbacks(execute=True):
        reviews_moderate(
            reviews=Review.objects.filter(pk=review.pk), status=ReviewStatus.APPROVED
        )

    assert "Worth waiting for moderation." in _html(
        client.get(f"/en/p/{product.slug}/")
    )


# --- Writing a review -----------------------------------------------------------------


def test_review_form_post_stores_a_pending_review_and_returns_to_the_product(
    client, product
):
    buyer = _buyer(product)
    client.force_login(buyer)
    url = reverse("shop:review_write", kwargs={"slug": product.slug})

    response = client.post(
        url, {"rating": "4", "title": "Dry at last", "text": "Kept me dry all week."}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/en/p/{product.slug}/#reviews"
    review = Review.objects.get()
    assert (review.user, review.rating, review.title, review.status) == (
        buyer,
        4,
        "Dry at last",
        ReviewStatus.PENDING,
    )
    page = _text(_html(client.get(f"/en/p/{product.slug}/")))
    assert "Thank you for your review." in page


def test_review_form_page_offers_the_form_to_a_buyer(client, product):
    client.force_login(_buyer(product))

    response = client.get(reverse("shop:review_write", kwargs={"slug": product.slug}))

    assert response.status_code == 200
    html = _html(response)
    assert "<h1" in html and "Review Rain jacket" in html
    assert "<h2>Write a review</h2>" in html
    assert 'class="review-form"' in html


def test_review_form_post_with_errors_shows_them_and_stores_nothing(client, product):
    client.force_login(_buyer(product))
    url = reverse("shop:review_write", kwargs={"slug": product.slug})

    response = client.post(url, {"rating": "9", "title": "", "text": "short"})

    assert response.status_code == 400
    html = _html(response)
    assert "Select a valid choice. 9 is not one of the available choices." in html
    assert "Ensure this value has at least 10 characters (it has 5)." in html
    assert not Review.objects.exists()


def test_review_form_post_by_a_shopper_who_did_not_buy_is_forbidden(client, product):
    client.force_login(_user())
    url = reverse("shop:review_write", kwargs={"slug": product.slug})

    response = client.post(url, {"rating": "5", "title": "", "text": GERMAN_REVIEW})

    assert response.status_code == 403
    assert str(ReviewBlock.NOT_PURCHASED.label) in _html(response)
    assert not Review.objects.exists()


def test_review_form_sends_visitors_to_sign_in(client, product):
    url = reverse("shop:review_write", kwargs={"slug": product.slug})

    response = client.post(url, {"rating": "5", "title": "", "text": GERMAN_REVIEW})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Review.objects.exists()


def test_review_form_page_of_an_inactive_product_is_not_found(client, product):
    client.force_login(_buyer(product))
    Product.objects.filter(pk=product.pk).update(is_active=False)

    response = client.get(reverse("shop:review_write", kwargs={"slug": product.slug}))

    assert response.status_code == 404


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
