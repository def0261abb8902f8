"""Legal pages per market, with every published version kept."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LegalPageKind(models.TextChoices):
    IMPRINT = "imprint", _("Imprint")
    TERMS = "terms", _("Terms and conditions")
    PRIVACY = "privacy", _("Privacy notice")
    WITHDRAWAL = "withdrawal", _("Right of withdrawal and returns")
    SHIPPING = "shipping", _("Shipping")
    CONTACT = "contact", _("Contact")


class LegalPage(models.Model):
    """One legal page of a market (or of every market when `market_code` is blank)."""

    kind = models.CharField(_("kind"), max_length=16, choices=LegalPageKind)
    market_code = models.CharField(
        _("market"),
        max_length=8,
        blank=True,
        help_text=_("Blank: the page every market without its own version shows."),
    )

    class Meta:
        ordering = ["kind", "market_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "market_code"], name="legal_page_kind_market"
            )
        ]
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.market_code or '*'})"

    def get_absolute_url(self) -> str:
        return reverse("privacy:legal_page", kwargs={"kind": self.kind})


class LegalPageVersion(models.Model):
    """A version of a legal page; published ones are never changed, only superseded."""

    page = models.ForeignKey(
        LegalPage,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("page"),
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Plain text; a blank line starts a new paragraph.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "number"], name="legal_page_version_number"
            )
        ]
        verbose_name = _("legal page version")
        verbose_name_plural = _("legal page versions")

    def __str__(self) -> str:
        return f"{self.page} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "privacy:legal_page_version",
            kwargs={"kind": self.page.kind, "number": self.number},
        )
