"""Admin for consent records, legal pages, the audit log and incidents."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from privacy.models import (
    AuditEvent,
    BiometricConsent,
    ConsentRecord,
    Incident,
    IncidentNotice,
    LegalPage,
    LegalPageVersion,
)
from privacy.services.incidents import (
    incident_authority_deadline,
    incident_notices_draft,
    incident_time_left,
)
from privacy.services.legal import (
    PublishedVersionError,
    legal_version_draft,
    legal_version_publish,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept as proof: staff read them, nobody edits or deletes them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "anonymous_id", "user", "policy_version", "method")
    list_filter = ("method", "policy_version", "market_code")
    search_fields = ("anonymous_id",)
    list_select_related = ("user",)


@admin.register(BiometricConsent)
class BiometricConsentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "purpose", "regimes", "notice_version")
    list_select_related = ("user",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "subject_id",
        "reason",
    )
    list_filter = ("action", "object_type", "created_at", "actor")
    search_fields = ("=subject_id", "=object_id", "reason", "actor__email")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)


class LegalPageVersionInline(admin.TabularInline):
    model = LegalPageVersion
    fields = ("number", "title", "published_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ("kind", "market_code")
    list_filter = ("kind", "market_code")
    inlines = (LegalPageVersionInline,)


@admin.register(LegalPageVersion)
class LegalPageVersionAdmin(TabbedTranslationAdmin):
    list_display = ("page", "number", "title", "published_at")
    list_filter = ("page__kind", "page__market_code")
    actions = ("publish",)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is not None and obj.published_at is not None:
            return [f.name for f in self.model._meta.fields]
        return ("number", "published_at")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is not None and obj.published_at is None

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        translations = {
            name: value
            for name, value in form.cleaned_data.items()
            if name.startswith(("title_", "body_"))
        }
        created = legal_version_draft(
            page=obj.page, title=obj.title, body=obj.body, **translations
        )
        obj.pk, obj.number = created.pk, created.number

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        published = 0
        for version in queryset.filter(published_at__isnull=True):
            try:
                legal_version_publish(version=version)
            except PublishedVersionError:
                continue
            published += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d version published.",
                "%(count)d versions published.",
                published,
            )
            % {"count": published},
            messages.SUCCESS,
        )


class IncidentNoticeInline(admin.StackedInline):
    model = IncidentNotice
    fields = ("user", "language", "subject", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("title", "detected_at", "authority_deadline", "time_left")
    readonly_fields = ("authority_deadline", "time_left", "created_at")
    autocomplete_fields = ("subjects",)
    inlines = (IncidentNoticeInline,)
    actions = ("draft_notices",)

    @admin.display(description=_("notify the authority by"))
    def authority_deadline(self, obj: Incident):
        if obj.pk is None:
            return "-"
        return incident_authority_deadline(incident=obj)

    @admin.display(description=_("time left"))
    def time_left(self, obj: Incident) -> str:
        if obj.pk is None:
            return "-"
        if obj.authority_notified_at is not None:
            return str(_("Authority notified"))
        left = incident_time_left(incident=obj, now=timezone.now())
        minutes = int(left.total_seconds() // 60)
        hours, minutes = divmod(abs(minutes), 60)
        if left.total_seconds() < 0:
            return str(_("Overdue by %(h)d h %(m)02d min")) % {"h": hours, "m": minutes}
        return str(_("%(h)d h %(m)02d min left")) % {"h": hours, "m": minutes}

    @admin.action(description=_("Draft notices to the affected shoppers"))
    def draft_notices(self, request: HttpRequest, queryset: QuerySet) -> None:
        drafted = sum(incident_notices_draft(incident=i) for i in queryset)
        self.message_user(
            request,
            ngettext("%(count)d notice drafted.", "%(count)d notices drafted.", drafted)
            % {"count": drafted},
            messages.SUCCESS,
        )
