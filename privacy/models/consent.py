"""Consent to cookies and scripts, US opt-outs, and biometric (camera) consent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentMethod(models.TextChoices):
    BANNER = "banner", _("Banner")
    SETTINGS = "settings", _("Settings page")
    GPC = "gpc", _("Global Privacy Control signal")
    DO_NOT_SELL = "do_not_sell", _("Do Not Sell or Share link")
    LIMIT_SENSITIVE = "limit_sensitive", _("Limit sensitive data link")


class ConsentRecord(models.Model):
    """One choice a visitor made, as proof: who, which policy, what, when, how."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    anonymous_id = models.CharField(_("anonymous ID"), max_length=32, db_index=True)
    policy_version = models.PositiveIntegerField(_("policy version"))
    choices = models.JSONField(_("choices"), default=dict)
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod)
    market_code = models.CharField(_("market"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.anonymous_id} v{self.policy_version} {self.method}"


class BiometricConsent(models.Model):
    """A host's or shopper's written consent before the camera is used (BIPA, CUBI)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account"),
    )
    purpose = models.CharField(_("purpose"), max_length=40)
    regimes = models.JSONField(_("laws"), default=list)
    notice_version = models.PositiveIntegerField(_("notice version"))
    signed_name = models.CharField(_("signed name"), max_length=150)
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("biometric consent")
        verbose_name_plural = _("biometric consents")

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose}"
