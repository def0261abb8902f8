"""Staff screens for live shows and their moderation queue.

Every state change goes through the live services: starting and ending shows (so the
sponsored-show rule holds), hiding comments (so viewers see them disappear), bans and
reports, banned words (so the comment check sees them at once).
"""

from collections.abc import Callable
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from live.models import (
    BannedWord,
    Comment,
    CommentReport,
    FlashDeal,
    PinEvent,
    Show,
    ShowBan,
    ShowProduct,
    ShowReminder,
)
from live.services.comments import (
    ban_refusal,
    banned_word_delete,
    banned_word_save,
    comment_delete,
    report_comment_delete,
    report_dismiss,
    report_user_ban,
    show_ban_add,
    show_ban_reason_set,
)
from live.services.deals import flash_deal_end
from live.services.errors import LiveRuleError
from live.services.shows import show_end, show_start
from shop.accounts.requests import SignedInRequest
from shop.compliance.forms import claims_validate, translated_names
from shop.models import User


def _run_each(
    admin_view: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    work: Callable,
    done_message: Callable[[int], str],
) -> None:
    """Apply a service to each selected row; report successes and each refusal."""
    done = 0
    for obj in queryset:
        try:
            with transaction.atomic():
                work(obj)
        except (LiveRuleError, PermissionDenied) as error:
            message = getattr(error, "message", None) or str(error)
            admin_view.message_user(request, f"{obj}: {message}", messages.ERROR)
        else:
            done += 1
    if done:
        admin_view.message_user(request, done_message(done), messages.SUCCESS)


class ShowProductInline(admin.TabularInline):
    model = ShowProduct
    fields = ("product", "position")
    raw_id_fields = ("product",)
    extra = 1


class PinEventInline(admin.TabularInline):
    model = PinEvent
    fields = ("product", "pinned_at", "unpinned_at", "pinned_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ShowForm(forms.ModelForm):
    """A show's title in every language makes no claim its markets restrict."""

    class Meta:
        model = Show
        fields = ("title", "description", "markets")

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None
        claims_validate(
            form=self,
            fields=translated_names("title"),
            markets=list(data.get("markets") or []) or None,
        )
        return data


@admin.register(Show)
class ShowAdmin(TabbedTranslationAdmin):
    form = ShowForm
    list_display = (
        "title",
        "host",
        "scheduled_start",
        "status",
        "language",
        "is_sponsored",
        "brand_name",
    )
    list_filter = ("status", "is_sponsored", "language", "markets")
    list_select_related = ("host",)
    search_fields = ("title", "brand_name", "host__email", "host__full_name")
    date_hierarchy = "scheduled_start"
    fieldsets = (
        (None, {"fields": ("title", "description", "host", "scheduled_start")}),
        (_("Audience"), {"fields": ("language", "markets")}),
        (_("Disclosure"), {"fields": ("is_sponsored", "brand_name")}),
        (
            _("Chat"),
            {"fields": ("slow_mode_seconds", "block_links", "chat_delivery")},
        ),
        (_("Status"), {"fields": ("status", "started_at", "ended_at")}),
    )
    readonly_fields = ("status", "started_at", "ended_at")
    filter_horizontal = ("markets",)
    raw_id_fields = ("host",)
    inlines = (ShowProductInline, PinEventInline)
    actions = ("start_shows", "end_shows")

    @admin.action(description=_("Go live with the selected shows"))
    def start_shows(self, request: SignedInRequest, queryset: QuerySet[Show]) -> None:
        _run_each(
            self,
            request,
            queryset,
            lambda show: show_start(show=show, host=request.user),
            lambda n: (
                ngettext("%(n)d show is live.", "%(n)d shows are live.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("End the selected shows"))
    def end_shows(self, request: SignedInRequest, queryset: QuerySet[Show]) -> None:
        _run_each(
            self,
            request,
            queryset,
            lambda show: show_end(show=show, host=request.user),
            lambda n: ngettext("%(n)d show ended.", "%(n)d shows ended.", n) % {"n": n},
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "show",
        "author_name",
        "text",
        "by_host",
        "is_deleted",
    )
    list_filter = ("is_deleted", "by_host", "show")
    list_select_related = ("show", "user")
    search_fields = ("text", "author_name", "user__email")
    date_hierarchy = "created_at"
    fields = (
        "show",
        "user",
        "author_name",
        "by_host",
        "text",
        "created_at",
        "is_deleted",
        "deleted_at",
        "deleted_by",
    )
    readonly_fields = fields
    actions = ("hide_comments",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # comments are hidden through the action, so viewers see it

    @admin.action(description=_("Delete the selected comments for every viewer"))
    def hide_comments(
        self, request: SignedInRequest, queryset: QuerySet[Comment]
    ) -> None:
        _run_each(
            self,
            request,
            queryset.select_related("show"),
            lambda comment: comment_delete(comment=comment, by=request.user),
            lambda n: (
                ngettext("%(n)d comment deleted.", "%(n)d comments deleted.", n)
                % {"n": n}
            ),
        )


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    """The moderation queue: open reports first, acted on through the services."""

    list_display = (
        "created_at",
        "status",
        "reason",
        "comment_text",
        "comment_author",
        "show",
        "reporter",
    )
    list_filter = ("status", "reason", "comment__show")
    list_select_related = ("comment", "comment__show", "reporter")
    search_fields = ("comment__text", "comment__author_name", "reporter__email")
    fields = (
        "comment",
        "reporter",
        "reason",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    )
    readonly_fields = fields
    actions = ("delete_comments", "ban_authors", "dismiss_reports")
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("comment"))
    def comment_text(self, report: CommentReport) -> str:
        return report.comment.text

    @admin.display(description=_("author"))
    def comment_author(self, report: CommentReport) -> str:
        return report.comment.author_name

    @admin.display(description=_("show"))
    def show(self, report: CommentReport) -> Show:
        return report.comment.show

    @admin.action(description=_("Delete the reported comments"))
    def delete_comments(self, request: SignedInRequest, queryset: QuerySet) -> None:
        _run_each(
            self,
            request,
            queryset,
            lambda report: report_comment_delete(report=report, by=request.user),
            lambda n: (
                ngettext(
                    "%(n)d reported comment deleted.",
                    "%(n)d reported comments deleted.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.action(description=_("Ban the authors from the show and delete"))
    def ban_authors(self, request: SignedInRequest, queryset: QuerySet) -> None:
        _run_each(
            self,
            request,
            queryset,
            lambda report: report_user_ban(report=report, by=request.user),
            lambda n: (
                ngettext("%(n)d author banned.", "%(n)d authors banned.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Dismiss the selected reports"))
    def dismiss_reports(self, request: SignedInRequest, queryset: QuerySet) -> None:
        _run_each(
            self,
            request,
            queryset,
            lambda report: report_dismiss(report=report, by=request.user),
            lambda n: (
                ngettext("%(n)d report dismissed.", "%(n)d reports dismissed.", n)
                % {"n": n}
            ),
        )


@admin.register(BannedWord)
class BannedWordAdmin(admin.ModelAdmin):
    list_display = ("word", "language")
    list_filter = ("language",)
    search_fields = ("word",)

    def save_model(self, request, obj, form, change) -> None:
        banned_word_save(word=obj)

    def delete_model(self, request, obj) -> None:
        banned_word_delete(word=obj)

    def delete_queryset(self, request, queryset) -> None:
        for word in queryset:
            banned_word_delete(word=word)


class ShowBanForm(forms.ModelForm):
    class Meta:
        model = ShowBan
        fields = ("show", "user", "reason")

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # the base clean() returns cleaned_data
        show, user = data.get("show"), data.get("user")
        if show is not None and user is not None:
            refusal = ban_refusal(show=show, user=user)
            if refusal is not None:
                raise forms.ValidationError(refusal)
        return data


@admin.register(ShowBan)
class ShowBanAdmin(admin.ModelAdmin):
    form = ShowBanForm
    list_display = ("user", "show", "banned_by", "reason", "created_at")
    list_select_related = ("user", "show", "banned_by")
    list_filter = ("show",)
    search_fields = ("user__email", "reason")
    raw_id_fields = ("show", "user")

    def get_readonly_fields(self, request, obj=None):
        return ("show", "user") if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        if change:
            show_ban_reason_set(ban=obj, reason=obj.reason)
            return
        ban = show_ban_add(
            show=obj.show, user=obj.user, by=request.user, reason=obj.reason
        )
        obj.pk = ban.pk


@admin.register(ShowReminder)
class ShowReminderAdmin(admin.ModelAdmin):
    list_display = ("user", "show", "created_at", "sent_at")
    list_select_related = ("user", "show")
    list_filter = (("sent_at", admin.EmptyFieldListFilter), "show")
    search_fields = ("user__email",)
    fields = ("show", "user", "created_at", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(FlashDeal)
class FlashDealAdmin(admin.ModelAdmin):
    """Deals are started and ended by hosts in the studio; staff see every one here
    and can end a running deal, which goes through the same service."""

    list_display = (
        "show",
        "promotion__variant",
        "promotion__market",
        "promotion__amount",
        "promotion__prior_lowest_amount",
        "promotion__starts_at",
        "promotion__ends_at",
        "promotion__created_by",
    )
    list_filter = ("promotion__market", "show")
    list_select_related = (
        "show",
        "promotion__variant",
        "promotion__market",
        "promotion__created_by",
    )
    search_fields = ("promotion__variant__sku", "show__title")
    date_hierarchy = "promotion__starts_at"
    actions = ["end_deals"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("End the selected deals now"))
    def end_deals(self, request: HttpRequest, queryset) -> None:
        running = queryset.filter(promotion__ends_at__gt=timezone.now()).select_related(
            "show", "promotion__variant__product"
        )
        ended = 0
        for show, product in {(d.show, d.promotion.variant.product) for d in running}:
            try:
                # The admin lets only signed-in staff reach an action.
                by = cast(User, request.user)
                ended += flash_deal_end(show=show, product=product, by=by)
            except LiveRuleError as error:
                self.message_user(request, str(error), messages.ERROR)
        self.message_user(
            request,
            ngettext(
                "%(count)d deal price ended.", "%(count)d deal prices ended.", ended
            )
            % {"count": ended},
        )
