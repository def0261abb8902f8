"""Writing a review of a product the shopper bought, and the review part of the
product page."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from shop.catalog.selectors import product_active_by_slug
from shop.reviews.services import (
    RATING_MAX,
    RATING_MIN,
    TEXT_MAX_LENGTH,
    TEXT_MIN_LENGTH,
    TITLE_MAX_LENGTH,
    ReviewEligibility,
    review_eligibility,
    review_submit,
)

if TYPE_CHECKING:  # annotations only: products are read through the selectors
    from shop.models import Product


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5 stars.")},
    )
    title = forms.CharField(
        label=_("Title (optional)"), max_length=TITLE_MAX_LENGTH, required=False
    )
    text = forms.CharField(
        label=_("Your review"),
        min_length=TEXT_MIN_LENGTH,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What did you like or dislike? At least 10 characters."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Labels in the language of the request, best rating first.
        cast(forms.ChoiceField, self.fields["rating"]).choices = [
            (
                stars,
                ngettext("%(count)d star", "%(count)d stars", stars) % {"count": stars},
            )
            for stars in range(RATING_MAX, RATING_MIN - 1, -1)
        ]


def product_review_context(*, request: HttpRequest, product: Product) -> dict:
    """The product page's review form, or why the visitor cannot review."""
    eligibility = review_eligibility(user=request.user, product=product)
    return {
        "review_eligibility": eligibility,
        "review_form": ReviewForm() if eligibility.allowed else None,
    }


def _form_page(
    request: HttpRequest,
    *,
    product: Product,
    eligibility: ReviewEligibility,
    form: ReviewForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "shop/reviews_form.html",
        {
            "product": product,
            "review_eligibility": eligibility,
            "review_form": form if eligibility.allowed else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_write(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_active_by_slug(slug=slug)
    if product is None:
        raise Http404
    eligibility = review_eligibility(user=request.user, product=product)
    if request.method != "POST":
        return _form_page(
            request, product=product, eligibility=eligibility, form=ReviewForm()
        )
    form = ReviewForm(request.POST)
    if not eligibility.allowed:
        return _form_page(
            request, product=product, eligibility=eligibility, form=form, status=403
        )
    if form.is_valid():
        try:
            review_submit(user=request.user, product=product, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext(
                    "Thank you for your review. It appears here once our team has "
                    "checked it."
                ),
            )
            return redirect(f"{product.get_absolute_url()}#reviews")
    return _form_page(
        request, product=product, eligibility=eligibility, form=form, status=400
    )
