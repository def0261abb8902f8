"""Choices and limits of live shows that pages, sockets and models share.

Kept apart from `live.models` so that views and consumers can name a status or a
reaction without importing the models (they read through `live.selectors`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

COMMENT_CLIENT_ID_MAX_LENGTH = 64
COMMENT_MAX_LENGTH = 300


class ShowStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")


class Reaction(models.TextChoices):
    """What viewers can tap during a show; counted, never stored one by one."""

    HEART = "heart", _("Love it")
    FIRE = "fire", _("Hot deal")
    CLAP = "clap", _("Applause")
    WOW = "wow", _("Wow")
    LAUGH = "laugh", _("Funny")


REACTION_EMOJI = {"heart": "❤️", "fire": "🔥", "clap": "👏", "wow": "😮", "laugh": "😂"}


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive or hateful")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Something else")
