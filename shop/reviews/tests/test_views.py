from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shop.models import Product, Review, ReviewStatus
from shop.reviews.services import ReviewBlock, review_submit, reviews_moderate
from shop.reviews.tests.helpers import (
    GERMAN_REVIEW,
    _buyer,
    _html,
    _review,
    _text,
    _user,
)

pytestmark = pytest.mark.django_db


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
