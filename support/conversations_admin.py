"""Staff admin of conversations, canned replies, support teams and the measures."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from support.models import (
    Call,
    CannedReply,
    Conversation,
    ConversationOutcome,
    Message,
    SupportTeam,
)
from support.selectors import recent_window, support_measures


@admin.register(SupportTeam)
class SupportTeamAdmin(admin.ModelAdmin):
    list_display = ["market", "first_response_minutes", "alert_minutes"]


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "language"]
    list_filter = ["language"]
    search_fields = ["title", "text"]


class MessageInline(admin.TabularInline):
    model = Message
    fields = readonly_fields = (
        "created_at",
        "author",
        "text",
        "language",
        "intent",
        "handoff",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CallInline(admin.TabularInline):
    model = Call
    fields = readonly_fields = (
        "started_at",
        "started_by",
        "status",
        "first_frame_ms",
        "shopper_recording_consent_at",
        "agent_recording_consent_at",
        "ended_at",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "market",
        "language",
        "status",
        "handoff_reason",
        "assigned_to",
        "last_message_at",
    ]
    list_filter = ["status", "handoff_reason", "market", "language"]
    readonly_fields = [
        "user",
        "session_key",
        "contact_email",
        "market",
        "language",
        "shopper_timezone",
        "status",
        "handoff_reason",
        "created_at",
        "last_message_at",
        "handed_off_at",
        "first_response_due_at",
        "first_response_at",
        "alerted_at",
        "closed_at",
    ]
    fields = [*readonly_fields, "assigned_to"]
    inlines = [MessageInline, CallInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ConversationOutcome)
class ConversationOutcomeAdmin(admin.ModelAdmin):
    list_display = [
        "conversation",
        "market",
        "started_at",
        "assistant_involved",
        "resolution",
        "handoff_reason",
        "first_response_seconds",
        "reopened",
        "csat",
    ]
    list_filter = ["resolution", "handoff_reason", "csat", "market", "reopened"]
    change_list_template = "admin/support/conversationoutcome/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None) -> TemplateResponse:
        days = 30
        extra_context = {
            **(extra_context or {}),
            "measures": support_measures(since=recent_window(days)),
            "measures_days": days,
            "measures_title": _("Support measures"),
        }
        return super().changelist_view(request, extra_context)  # type: ignore[return-value]
