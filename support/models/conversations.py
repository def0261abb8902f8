"""Support conversations: messages, the agent inbox, 1:1 calls, outcomes."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.markets.models import SHOPPER_LANGUAGE_CHOICES, Market


class ConversationStatus(models.TextChoices):
    ASSISTANT = "assistant", _("With the assistant")
    QUEUED = "queued", _("Waiting for a person")
    ASSIGNED = "assigned", _("With a person")
    CLOSED = "closed", _("Closed")


class HandoffReason(models.TextChoices):
    NONE = "", _("None")
    REQUESTED = "requested", _("Asked for a person")
    COMPLAINT = "complaint", _("Complaint")
    NEGATIVE = "negative", _("Negative message")
    LOW_CONFIDENCE = "low_confidence", _("Low confidence")
    UNHELPFUL = "unhelpful", _("Two unhelpful answers")
    UNSUPPORTED_LANGUAGE = "unsupported_language", _("Unsupported language")
    SHOPPER_CALL = "shopper_call", _("Shopper started a call")


class Author(models.TextChoices):
    SHOPPER = "shopper", _("Shopper")
    ASSISTANT = "assistant", _("Assistant")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class Csat(models.TextChoices):
    UP = "up", _("Thumbs up")
    DOWN = "down", _("Thumbs down")


class Resolution(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Resolved by the assistant, confirmed")
    ASSUMED = "assumed", _("Resolved by the assistant, assumed")
    HUMAN = "human", _("Handled by a person")
    UNRESOLVED = "unresolved", _("Unresolved")


class SupportTeam(models.Model):
    """A market's support team: how fast a person must first answer."""

    market = models.OneToOneField(
        Market,
        on_delete=models.CASCADE,
        related_name="support_team",
        verbose_name=_("market"),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first-response target (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
        help_text=_("Counted from the handoff, or from opening time when closed."),
    )
    alert_minutes = models.PositiveIntegerField(
        _("alert before the target (minutes)"),
        default=5,
        help_text=_("The inbox warns this long before a target is missed."),
    )

    class Meta:
        verbose_name = _("support team")
        verbose_name_plural = _("support teams")

    def __str__(self) -> str:
        return str(self.market)


class Conversation(models.Model):
    """One shopper's chat: a guest's by session, an account's by user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_conversations",
        verbose_name=_("shopper"),
    )
    session_key = models.CharField(
        _("session"), max_length=64, blank=True, db_index=True
    )
    # The address a guest gave in the chat (to have an order looked up, or to be
    # reached), lower-cased: a privacy request by that address finds the chat.
    contact_email = models.EmailField(
        _("email address"), max_length=254, blank=True, db_index=True
    )
    market = models.ForeignKey(
        Market, on_delete=models.PROTECT, related_name="+", verbose_name=_("market")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=SHOPPER_LANGUAGE_CHOICES
    )
    shopper_timezone = models.CharField(_("shopper's time zone"), max_length=64)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ConversationStatus,
        default=ConversationStatus.ASSISTANT,
    )
    handoff_reason = models.CharField(
        _("handoff reason"), max_length=24, choices=HandoffReason, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agent"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), auto_now_add=True)
    handed_off_at = models.DateTimeField(_("handed off"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(
        _("first response due"), null=True, blank=True
    )
    first_response_at = models.DateTimeField(
        _("first response by a person"), null=True, blank=True
    )
    alerted_at = models.DateTimeField(_("target alert sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        permissions = [
            ("answer_conversation", _("Can answer support conversations")),
            ("supervise_conversations", _("Can see and assign every conversation")),
        ]
        indexes = [
            models.Index(
                fields=["status", "first_response_due_at"], name="support_queue"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Message(models.Model):
    """One message of a conversation; stored before anyone is told of it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.CharField(_("author"), max_length=16, choices=Author)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    intent = models.CharField(_("intent"), max_length=32, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    handoff = models.BooleanField(_("handed off"), default=False)
    clarify = models.BooleanField(_("clarifying question"), default=False)
    helpful = models.BooleanField(_("helpful"), default=True)
    facts = models.JSONField(_("facts"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=~models.Q(client_id=""),
                name="support_message_client_id_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class CannedReply(models.Model):
    """A ready answer agents insert, per language; staff keep them in the admin."""

    language = models.CharField(
        _("language"), max_length=8, choices=SHOPPER_LANGUAGE_CHOICES
    )
    title = models.CharField(_("title"), max_length=80)
    text = models.TextField(_("text"), max_length=2000)

    class Meta:
        ordering = ["language", "title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return f"{self.language}: {self.title}"


class CallStatus(models.TextChoices):
    RINGING = "ringing", _("Ringing")
    CONNECTED = "connected", _("Connected")
    ENDED = "ended", _("Ended")


class Call(models.Model):
    """A 1:1 video call from a conversation, browser to browser."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="calls"
    )
    started_by = models.CharField(_("started by"), max_length=16, choices=Author)
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus, default=CallStatus.RINGING
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    connected_at = models.DateTimeField(_("connected"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    first_frame_ms = models.PositiveIntegerField(
        _("time to first frame (ms)"), null=True, blank=True
    )
    shopper_recording_consent_at = models.DateTimeField(
        _("shopper agreed to recording"), null=True, blank=True
    )
    agent_recording_consent_at = models.DateTimeField(
        _("agent agreed to recording"), null=True, blank=True
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"{self.conversation} {self.started_at:%Y-%m-%d %H:%M}"


class ConversationOutcome(models.Model):
    """What came of one conversation: the measures in the admin read only this."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="outcome"
    )
    market = models.ForeignKey(
        Market, on_delete=models.PROTECT, related_name="+", verbose_name=_("market")
    )
    started_at = models.DateTimeField(_("started"))
    assistant_involved = models.BooleanField(_("assistant answered"), default=False)
    handoff_reason = models.CharField(
        _("handoff reason"), max_length=24, choices=HandoffReason, blank=True
    )
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=Resolution, default=Resolution.OPEN
    )
    first_response_seconds = models.PositiveIntegerField(
        _("first response (s)"), null=True, blank=True
    )
    reopened = models.BooleanField(_("came back within a day"), default=False)
    csat = models.CharField(_("rating"), max_length=4, choices=Csat, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("conversation outcome")
        verbose_name_plural = _("conversation outcomes")

    def __str__(self) -> str:
        return str(self.conversation)
