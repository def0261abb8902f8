"""Personal-data breaches and the notices drafted for the shoppers they affect."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

AUTHORITY_NOTICE_WINDOW = timedelta(hours=72)


class Incident(models.Model):
    """A personal-data breach: the authority must hear of it within 72 hours."""

    title = models.CharField(_("title"), max_length=200)
    detected_at = models.DateTimeField(_("detected at"))
    affected_data = models.TextField(_("affected data"))
    regions = models.JSONField(_("data regions"), default=list, blank=True)
    description = models.TextField(_("what happened"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    subjects = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("affected shoppers"),
    )
    authority_notified_at = models.DateTimeField(
        _("authority notified at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.title


class IncidentNotice(models.Model):
    """The drafted notice to one affected shopper, in that shopper's language."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="notices"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "user"], name="incident_notice_once"
            )
        ]
        verbose_name = _("incident notice")
        verbose_name_plural = _("incident notices")

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.user_id}"
