"""The append-only audit log of staff access to customers' personal data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")


class AuditEvent(models.Model):
    """Who did what to whose personal data, when and why; rows are never changed."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    action = models.CharField(_("action"), max_length=8, choices=AuditAction)
    object_type = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record ID"), max_length=64, blank=True)
    subject_id = models.BigIntegerField(
        _("customer account ID"), null=True, blank=True, db_index=True
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.object_type}:{self.object_id}"
