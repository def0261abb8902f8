"""Data-subject requests, their history, and the rows kept under legal hold."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.models import Market


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access and export")
    ERASURE = "erasure", _("Erasure")
    CORRECTION = "correction", _("Correction")
    OPT_OUT = "opt_out", _("Opt out of sale and sharing")
    LIMIT = "limit", _("Limit use of sensitive data")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")


class DataSubjectRequest(models.Model):
    """A shopper's request about their personal data, with its legal deadline."""

    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus,
        default=RequestStatus.RECEIVED,
        db_index=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="privacy_requests",
        verbose_name=_("account"),
    )
    email = models.EmailField(_("email address"), blank=True)
    # Kept after an erasure instead of the address: proves which request was
    # answered without keeping whom it was about in clear.
    subject_digest = models.CharField(
        _("subject digest"), max_length=64, blank=True, editable=False
    )
    market = models.ForeignKey(
        Market,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("market"),
    )
    regimes = models.JSONField(_("privacy regimes"), default=list, blank=True)
    details = models.TextField(
        _("details"),
        blank=True,
        help_text=_("What the shopper asked to correct, in their words."),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    receipt_due_at = models.DateTimeField(
        _("receipt confirmation due"), null=True, blank=True
    )
    receipt_confirmed_at = models.DateTimeField(
        _("receipt confirmed"), null=True, blank=True
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    extended_due_at = models.DateTimeField(_("extended due"), null=True, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in all"), default=0)
    export_file = models.FileField(
        _("export"), upload_to="privacy/exports/", blank=True, editable=False
    )
    export_expires_at = models.DateTimeField(_("export expires"), null=True, blank=True)
    # Erasure: the labels of the registry entries already done (a re-run after a
    # crash goes on from there) and what was kept and why, for the shopper.
    steps_done = models.JSONField(_("steps done"), default=list, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    last_alerted_at = models.DateTimeField(_("last alerted"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def effective_due_at(self):
        """The deadline in force: the extended one once the request was extended."""
        return self.extended_due_at or self.due_at


class RequestEventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Identity verified")
    RECEIPT_CONFIRMED = "receipt_confirmed", _("Receipt confirmed")
    EXTENDED = "extended", _("Deadline extended")
    EXPORT_READY = "export_ready", _("Export ready")
    DOWNLOADED = "downloaded", _("Export downloaded")
    ERASURE_STEP = "erasure_step", _("Erasure step done")
    COMPLETED = "completed", _("Completed")
    ALERTED = "alerted", _("Staff alerted")


class RequestEvent(models.Model):
    """A step in a request's history: what happened, when, by whom."""

    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=20, choices=RequestEventKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.kind}"


class LegalHoldRecord(models.Model):
    """A row that erasure minimized but the law requires to keep until a date."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(_("object"), max_length=64)
    reason = models.CharField(_("reason"), max_length=200)
    held_until = models.DateTimeField(_("held until"), db_index=True)
    created_at = models.DateTimeField(_("held since"), default=timezone.now)
    request = models.ForeignKey(
        DataSubjectRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holds",
        verbose_name=_("request"),
    )

    class Meta:
        ordering = ["held_until", "id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="privacy_hold_once"
            )
        ]

    def __str__(self) -> str:
        until = f"{self.held_until:%Y-%m-%d}"
        return f"{self.content_type_id}:{self.object_id} until {until}"
