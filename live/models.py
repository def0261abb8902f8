"""Live shows: schedule, featured products, pins, comments and their moderation."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from live.choices import (  # noqa: F401 (models' choices are read from here too)
    COMMENT_CLIENT_ID_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    REACTION_EMOJI,
    Reaction,
    ReportReason,
    ShowStatus,
)
from shop.models import SHOPPER_LANGUAGE_CHOICES, Market, Product, Promotion


class ChatDelivery(models.TextChoices):
    """How comments reach the viewers; see live.realtime for the why."""

    BATCHED = "batched", _("Batched into short ticks")
    DIRECT = "direct", _("One broadcast per comment")


class Show(models.Model):
    """A live shopping show: scheduled, then live, then a replay."""

    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hosted_shows",
        limit_choices_to={"is_host": True},
        verbose_name=_("host"),
    )
    scheduled_start = models.DateTimeField(_("scheduled start"))
    language = models.CharField(
        _("language"), max_length=8, choices=SHOPPER_LANGUAGE_CHOICES
    )
    markets = models.ManyToManyField(
        Market,
        blank=True,
        related_name="shows",
        verbose_name=_("markets"),
        help_text=_("Markets whose shoppers see the show; none means every market."),
    )
    products = models.ManyToManyField(
        Product,
        through="ShowProduct",
        blank=True,
        related_name="shows",
        verbose_name=_("featured products"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ShowStatus,
        default=ShowStatus.SCHEDULED,
        editable=False,
    )
    started_at = models.DateTimeField(
        _("started"), null=True, blank=True, editable=False
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, editable=False)
    is_sponsored = models.BooleanField(
        _("sponsored"),
        default=False,
        help_text=_(
            "A brand paid for this show: viewers see a paid-partnership label."
        ),
    )
    brand_name = models.CharField(_("brand"), max_length=80, blank=True)
    slow_mode_seconds = models.PositiveSmallIntegerField(
        _("slow mode (seconds)"),
        default=0,
        validators=[MaxValueValidator(600)],
        help_text=_("Seconds a viewer waits between two comments; 0 turns it off."),
    )
    block_links = models.BooleanField(
        _("block links in comments"),
        default=True,
        help_text=_("Reject comments with anything that looks like a web address."),
    )
    chat_delivery = models.CharField(
        _("comment delivery"),
        max_length=16,
        choices=ChatDelivery,
        default=ChatDelivery.BATCHED,
        help_text=_("Batched ticks scale to large audiences; keep the default."),
    )
    pinned_comment = models.ForeignKey(
        "Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("pinned comment"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    stream_key_hash = models.CharField(
        _("stream key (hashed)"), max_length=64, blank=True, editable=False
    )
    recording = models.FileField(
        _("recording"), upload_to="recordings/", blank=True, editable=False
    )
    recording_started_at = models.DateTimeField(
        _("recording started"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["scheduled_start", "id"]
        verbose_name = _("show")
        verbose_name_plural = _("shows")
        indexes = [models.Index(fields=["status", "scheduled_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_sponsored=False) | ~Q(brand_name=""),
                name="live_show_sponsored_has_brand",
            ),
            models.CheckConstraint(
                condition=Q(status=ShowStatus.SCHEDULED) | Q(started_at__isnull=False),
                name="live_show_started_has_start_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=ShowStatus.ENDED) | Q(ended_at__isnull=False),
                name="live_show_ended_has_end_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("live:show", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.is_sponsored and not self.brand_name.strip():
            raise ValidationError(
                {"brand_name": _("A sponsored show needs the name of the brand.")}
            )

    @property
    def is_live(self) -> bool:
        return self.status == ShowStatus.LIVE

    @property
    def is_ended(self) -> bool:
        return self.status == ShowStatus.ENDED


class ShowProduct(models.Model):
    """A product featured in a show, in the host's running order."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="featured")
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("featured product")
        verbose_name_plural = _("featured products")
        constraints = [
            models.UniqueConstraint(
                fields=["show", "product"], name="live_showproduct_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.show_id} #{self.position}: {self.product_id}"


class PinEvent(models.Model):
    """A product pinned during a show, from when to when: the replay's jump links."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="pins")
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pinned_at = models.DateTimeField(_("pinned at"))
    unpinned_at = models.DateTimeField(_("unpinned at"), null=True, blank=True)

    class Meta:
        ordering = ["pinned_at", "id"]
        verbose_name = _("product pin")
        verbose_name_plural = _("product pins")
        constraints = [
            models.UniqueConstraint(
                fields=["show"],
                condition=Q(unpinned_at__isnull=True),
                name="live_pinevent_one_open_per_show",
            )
        ]

    def __str__(self) -> str:
        return f"{self.show_id}: {self.product_id} @ {self.pinned_at:%H:%M:%S}"


class Comment(models.Model):
    """A viewer's comment; stored before anyone sees it, hidden rather than deleted."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_comments",
        verbose_name=_("user"),
    )
    author_name = models.CharField(_("author"), max_length=80)
    by_host = models.BooleanField(_("by the host"), default=False)
    text = models.CharField(_("text"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("posted"), db_index=True)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    # The posting client's id for this message: a resend after a lost ack finds the
    # comment already stored instead of storing it twice.
    client_id = models.CharField(
        _("client message id"), max_length=COMMENT_CLIENT_ID_MAX_LENGTH, blank=True
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.UniqueConstraint(
                fields=["show", "user", "client_id"],
                condition=~Q(client_id=""),
                name="live_comment_unique_client_id",
            )
        ]
        indexes = [
            models.Index(
                fields=["show", "-id"],
                condition=Q(is_deleted=False),
                name="live_comment_visible_recent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMMENT_DELETED = "deleted", _("Comment deleted")
    USER_BANNED = "banned", _("User banned")
    DISMISSED = "dismissed", _("Dismissed")


class CommentReport(models.Model):
    """A viewer's report of a comment, waiting in the moderation queue."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="live_report_once_per_reporter"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.comment}"


class ShowBan(models.Model):
    """A user who may no longer comment in one show."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="bans")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("banned by"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("banned at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        constraints = [
            models.UniqueConstraint(fields=["show", "user"], name="live_ban_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.show_id}"


BANNED_WORD_LANGUAGE_CHOICES = [("", _("All languages")), *SHOPPER_LANGUAGE_CHOICES]


class BannedWord(models.Model):
    """A word or phrase comments may not contain, for one language or all."""

    language = models.CharField(
        _("language"), max_length=8, choices=BANNED_WORD_LANGUAGE_CHOICES, blank=True
    )
    word = models.CharField(_("word or phrase"), max_length=80)

    class Meta:
        ordering = ["language", "word"]
        verbose_name = _("banned word")
        verbose_name_plural = _("banned words")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "word"], name="live_bannedword_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language or '*'}: {self.word}"


class ShowReminder(models.Model):
    """A shopper who wants an email when the show starts."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="show_reminders",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["show", "user"], name="live_reminder_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.show_id}"


class FlashDeal(models.Model):
    """A flash deal started during a show: the shop promotion it created.

    The price, its times and the EU prior-price data live on the shop's
    `Promotion`, which the whole shop reads through `price_effective`; this row
    only says which show ran it.
    """

    show = models.ForeignKey(
        Show,
        on_delete=models.CASCADE,
        related_name="flash_deals",
        verbose_name=_("show"),
    )
    promotion = models.OneToOneField(
        Promotion,
        on_delete=models.CASCADE,
        related_name="flash_deal",
        verbose_name=_("promotion"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("flash deal")
        verbose_name_plural = _("flash deals")

    def __str__(self) -> str:
        return f"{self.show_id}: {self.promotion}"
