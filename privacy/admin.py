"""The privacy staff's queue of data-subject requests, with their deadlines."""

from datetime import timedelta
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from privacy.models import DataSubjectRequest, LegalHoldRecord, RequestEvent
from privacy.services.alerts import OPEN_STATUSES
from privacy.services.requests import (
    RequestNotAllowed,
    request_complete,
    request_extend,
)
from shop.models import User


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ExtensionForm(forms.ModelForm):
    class Meta:
        model = DataSubjectRequest
        fields = ("extension_reason",)


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(admin.ModelAdmin):
    form = ExtensionForm
    list_display = (
        "__str__",
        "status",
        "market",
        "received_at",
        "receipt_confirmed_at",
        "deadline",
        "completed_at",
    )
    list_filter = ("status", "kind", "market")
    search_fields = ("=email", "=id")
    ordering = ("status", "due_at")
    inlines = (RequestEventInline,)
    actions = ("complete",)
    readonly_fields = (
        "kind",
        "status",
        "user",
        "email",
        "market",
        "regimes",
        "details",
        "received_at",
        "receipt_due_at",
        "receipt_confirmed_at",
        "deadline",
        "due_at",
        "extended_due_at",
        "extended_at",
        "completed_at",
        "progress_done",
        "progress_total",
        "export_expires_at",
        "outcome",
    )
    fieldsets = (
        (None, {"fields": ("kind", "status", "user", "email", "market", "regimes")}),
        (
            _("Deadlines"),
            {
                "fields": (
                    "received_at",
                    "receipt_due_at",
                    "receipt_confirmed_at",
                    "deadline",
                    "due_at",
                    "extended_due_at",
                    "extended_at",
                    "completed_at",
                )
            },
        ),
        (
            _("Extension"),
            {
                "fields": ("extension_reason",),
                "description": _(
                    "Write the reason and save to extend the deadline once; the "
                    "shopper is told by email."
                ),
            },
        ),
        (
            _("Answer"),
            {
                "fields": (
                    "details",
                    "progress_done",
                    "progress_total",
                    "export_expires_at",
                    "outcome",
                )
            },
        ),
    )

    class Media:
        css = {"all": ("privacy/admin.css",)}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("deadline"), ordering="due_at")
    def deadline(self, obj: DataSubjectRequest) -> str:
        due = obj.effective_due_at
        if obj.status not in OPEN_STATUSES:
            return format_html("<span>{}</span>", due.strftime("%Y-%m-%d"))
        now = timezone.now()
        if due < now:
            state, label = "overdue", gettext("overdue")
        elif due < now + timedelta(days=settings.PRIVACY_NEAR_DUE_DAYS):
            state, label = "near", gettext("due soon")
        else:
            state, label = "ok", ""
        return format_html(
            '<span class="privacy-due privacy-due--{}">{} {}</span>',
            state,
            due.strftime("%Y-%m-%d %H:%M UTC"),
            label,
        )

    def save_model(self, request, obj, form, change) -> None:
        if "extension_reason" not in form.changed_data or not obj.extension_reason:
            return
        reason = obj.extension_reason
        obj.refresh_from_db()
        try:
            request_extend(request=obj, reason=reason, actor=cast(User, request.user))
        except RequestNotAllowed as error:
            self.message_user(request, str(error), level=messages.ERROR)

    @admin.action(description=_("Mark answered"), permissions=["change"])
    def complete(self, request: HttpRequest, queryset) -> None:
        count = 0
        for item in queryset.filter(status__in=OPEN_STATUSES):
            request_complete(request=item, actor=cast(User, request.user))
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d request marked answered.",
                "%(count)d requests marked answered.",
                count,
            )
            % {"count": count},
        )


@admin.register(LegalHoldRecord)
class LegalHoldRecordAdmin(admin.ModelAdmin):
    list_display = ("content_type", "object_id", "reason", "held_until", "created_at")
    list_filter = ("content_type",)
    readonly_fields = (
        "content_type",
        "object_id",
        "reason",
        "held_until",
        "created_at",
        "request",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# Consent records, legal pages, the audit log and incidents register in their own
# module.
from privacy.admins import compliance as compliance_admin  # noqa: E402

__all__ = ["compliance_admin"]
