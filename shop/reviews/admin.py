"""The staff admin of reviews: moderation, sentiment alerts and the dashboard."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from shop.markets.admin import translated_fields
from shop.models import Review, ReviewStatus, SentimentAlert
from shop.reviews.dashboard import (
    dashboard_weeks,
    sentiment_chart,
    sentiment_per_product_week,
)
from shop.reviews.services import (
    reviews_delete,
    reviews_moderate,
    sentiment_alerts_acknowledge,
)

# --- Reviews and sentiment alerts ---------------------------------------------------


def _moderate_action(status: str, description: StrOrPromise):
    def action(modeladmin, request: HttpRequest, queryset) -> None:
        changed = reviews_moderate(reviews=queryset, status=status)
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d review changed to “%(status)s”.",
                "%(count)d reviews changed to “%(status)s”.",
                changed,
            )
            % {"count": changed, "status": ReviewStatus(status).label},
        )

    action.__name__ = f"reviews_{status}"
    return admin.action(description=description, permissions=["change"])(action)


class ReviewModerationForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ("status",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewModerationForm
    list_display = (
        "product",
        "rating",
        "excerpt",
        "status",
        "sentiment_label",
        "sentiment_score",
        "language",
        "created_at",
    )
    list_filter = ("status", "sentiment_label", "rating", "language")
    list_select_related = ("product",)
    search_fields = (
        *(f"product__{f}" for f in translated_fields("name")),
        "title",
        "user__email",
    )
    ordering = ("-created_at", "-id")
    fields = (
        "product",
        "user",
        "order_line",
        "rating",
        "title",
        "text",
        "language",
        "status",
        "sentiment_label",
        "sentiment_score",
        "scored_at",
        "created_at",
    )
    readonly_fields = tuple(name for name in fields if name != "status")
    actions = (
        _moderate_action(ReviewStatus.APPROVED, _("Approve the selected reviews")),
        _moderate_action(ReviewStatus.REJECTED, _("Reject the selected reviews")),
    )

    @admin.display(description=_("review"))
    def excerpt(self, obj: Review) -> str:
        text = " ".join(part for part in (obj.title, obj.text) if part)
        return text if len(text) <= 80 else f"{text[:79]}…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # Moderation is the one change staff make here, through the service.
        if "status" in form.changed_data:
            reviews_moderate(
                reviews=Review.objects.filter(pk=obj.pk), status=obj.status
            )

    def delete_model(self, request, obj) -> None:
        reviews_delete(reviews=Review.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        reviews_delete(reviews=queryset)


@admin.register(SentimentAlert)
class SentimentAlertAdmin(admin.ModelAdmin):
    list_display = (
        "product",
        "negative_count",
        "window_minutes",
        "created_at",
        "acknowledged_at",
    )
    list_filter = (("acknowledged_at", admin.EmptyFieldListFilter),)
    list_select_related = ("product",)
    search_fields = tuple(f"product__{f}" for f in translated_fields("name"))
    ordering = ("-created_at", "-id")
    fields = (
        "product",
        "negative_count",
        "window_minutes",
        "created_at",
        "acknowledged_at",
    )
    readonly_fields = fields
    actions = ("acknowledge",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(
        description=_("Acknowledge the selected alerts"), permissions=["change"]
    )
    def acknowledge(self, request: HttpRequest, queryset) -> None:
        count = sentiment_alerts_acknowledge(alerts=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d alert acknowledged.",
                "%(count)d alerts acknowledged.",
                count,
            )
            % {"count": count},
        )

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="shop_sentiment_dashboard",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest) -> TemplateResponse:
        """Review sentiment per product and week: a chart and a table for each."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review sentiment per product and week"),
            "opts": self.model._meta,
            "weeks": dashboard_weeks(),
            "panels": sentiment_chart(series=sentiment_per_product_week()),
        }
        return TemplateResponse(request, "admin/shop/sentiment_dashboard.html", context)
