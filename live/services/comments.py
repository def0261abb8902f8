"""Comments and their moderation: checks, storage before broadcast, bans, reports."""

import re
import unicodedata
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_stubs_ext import StrOrPromise

from live import realtime
from live.access import (
    ShowAction,
    ShowRole,
    access_show_for_control,
    show_may,
    show_role,
)
from live.models import (
    COMMENT_CLIENT_ID_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    BannedWord,
    Comment,
    CommentReport,
    ReportReason,
    ReportStatus,
    Show,
    ShowBan,
    ShowStatus,
)
from live.selectors import comment_payload
from live.services.errors import CommentRejected, ModerationError
from shop.compliance.services import claims_found
from shop.models import User

RATE_LIMIT_COMMENTS = 5
RATE_LIMIT_WINDOW_SECONDS = 10
BANNED_WORDS_CACHE_SECONDS = 300

# Codes of rejections a well-behaved client never causes (its form checks them).
FATAL_CODES = frozenset({"empty", "too_long"})

_COMMON_TLDS = (
    "com|net|org|info|biz|io|co|me|tv|ly|gl|gg|app|dev|shop|store|online|site|xyz|"
    "link|club|live|news|blog|top|vip|pro|tech|club|eu|asia"
)
_LINK = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\d{0,3}\.)"  # a scheme or www.
    r"|\b[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"  # a domain label …
    r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
    rf"\.(?:[a-z]{{2}}|{_COMMON_TLDS})\b"  # … then a country or common top level
    rf"|\b[a-z0-9-]{{2,63}}\s*(?:\(dot\)|\[dot\]|\sdot\s)\s*(?:{_COMMON_TLDS})\b",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def text_clean(text: str) -> str:
    """One line of text: control and invisible characters gone, spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def text_has_link(text: str) -> bool:
    """Whether the text holds anything that looks like a web address or domain."""
    return _LINK.search(unicodedata.normalize("NFKC", text)) is not None


def _banned_words_cache_key(language: str) -> str:
    return f"live:banned-words:{language or '*'}"


def banned_words_for(language: str) -> list[str]:
    """The banned words of one language ("" for all languages), cached briefly."""
    key = _banned_words_cache_key(language)
    words = cache.get(key)
    if words is None:
        words = [
            unicodedata.normalize("NFKC", word).casefold()
            for word in BannedWord.objects.filter(language=language).values_list(
                "word", flat=True
            )
        ]
        cache.set(key, words, BANNED_WORDS_CACHE_SECONDS)
    return words


def banned_word_found(text: str, languages: set[str]) -> str | None:
    """The first banned word or phrase the text contains, as a whole word."""
    words = {
        word for language in languages | {""} for word in banned_words_for(language)
    }
    if not words:
        return None
    folded = unicodedata.normalize("NFKC", text).casefold()
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")(?!\w)"
    )
    match = pattern.search(folded)
    return match.group(0) if match else None


def banned_word_save(*, word: BannedWord) -> BannedWord:
    """Save a banned word (trimmed) and make the comment check see it at once."""
    word.word = " ".join(word.word.split())
    word.save()
    transaction.on_commit(lambda: cache.delete(_banned_words_cache_key(word.language)))
    return word


def banned_word_delete(*, word: BannedWord) -> None:
    """Delete a banned word and make the comment check forget it at once."""
    language = word.language
    word.delete()
    transaction.on_commit(lambda: cache.delete(_banned_words_cache_key(language)))


def author_name_for(user: User) -> str:
    """The name shown beside a comment: a first name, never the email address."""
    first = user.full_name.split()[0] if user.full_name.strip() else ""
    return first[:40] or f"user-{user.pk}"


def can_moderate(*, show: Show, user: User | AnonymousUser) -> bool:
    """Staff and the show's host may delete and pin comments and ban viewers."""
    return show_may(user=user, show=show, action=ShowAction.MODERATE)


def _moderator_check(show: Show, user: User) -> None:
    access_show_for_control(user=user, show=show, action=ShowAction.MODERATE)


def _limits_check(*, show: Show, user: User) -> None:
    """Slow mode (per show and user) and the rate limit (per user, sliding), atomic."""
    allowed = realtime.window_hit(
        key=f"comments:{user.pk}",
        limit=RATE_LIMIT_COMMENTS,
        window_seconds=RATE_LIMIT_WINDOW_SECONDS,
    )
    if not allowed:
        raise CommentRejected(
            _(
                "You are commenting too fast: at most %(count)d comments in "
                "%(seconds)d seconds."
            )
            % {"count": RATE_LIMIT_COMMENTS, "seconds": RATE_LIMIT_WINDOW_SECONDS},
            code="rate_limited",
        )
    if show.slow_mode_seconds and not can_moderate(show=show, user=user):
        slow_key = f"live:slow:{show.pk}:{user.pk}"
        if not cache.add(slow_key, 1, show.slow_mode_seconds):
            raise CommentRejected(
                ngettext_lazy(
                    "Slow mode is on: one comment every %(seconds)d second.",
                    "Slow mode is on: one comment every %(seconds)d seconds.",
                    "seconds",
                )
                % {"seconds": show.slow_mode_seconds},
                code="slow_mode",
            )


def comment_post(
    *,
    show: Show,
    user: User | AnonymousUser,
    text: str,
    language: str = "",
    client_id: str = "",
) -> Comment:
    """Check a viewer's comment against every rule, store it, broadcast on commit.

    `client_id` is the posting client's id for this message: sending it again (after
    a lost ack) returns the comment stored the first time instead of a second one.
    """
    if not user.is_authenticated:
        raise CommentRejected(_("Sign in to comment."), code="sign_in")
    if not isinstance(client_id, str) or len(client_id) > COMMENT_CLIENT_ID_MAX_LENGTH:
        raise CommentRejected(_("The message id is not valid."), code="client_id")
    if client_id:
        stored = Comment.objects.filter(
            show=show, user=user, client_id=client_id
        ).first()
        if stored is not None:
            return stored
    if not isinstance(text, str):
        raise CommentRejected(_("A comment must be text."), code="empty")
    text = text_clean(text)
    if not text:
        raise CommentRejected(_("A comment cannot be empty."), code="empty")
    if len(text) > COMMENT_MAX_LENGTH:
        raise CommentRejected(
            _("A comment can have at most %(max)d characters.")
            % {"max": COMMENT_MAX_LENGTH},
            code="too_long",
        )
    show.refresh_from_db(
        fields=["status", "slow_mode_seconds", "block_links", "language", "host"]
    )
    if show.status == ShowStatus.ENDED:
        raise CommentRejected(
            _("Comments are closed: the show has ended."), code="closed"
        )
    if ShowBan.objects.filter(show=show, user=user).exists():
        raise CommentRejected(
            _("You can no longer comment in this show."), code="banned"
        )
    word = banned_word_found(text, {show.language, language})
    if word is not None:
        raise CommentRejected(
            _("“%(word)s” is not allowed in comments here.") % {"word": word},
            code="banned_word",
        )
    is_host = show_role(user=user, show=show) == ShowRole.HOST
    if is_host:
        # A host speaks for the seller: the markets' restricted claims apply.
        claims = claims_found(texts=[text], markets=list(show.markets.all()) or None)
        if claims:
            raise CommentRejected(claims[0].message(), code="claim")
    if show.block_links and text_has_link(text):
        raise CommentRejected(
            _("Links and web addresses are not allowed in comments."), code="link"
        )
    _limits_check(show=show, user=user)
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                show=show,
                user=user,
                author_name=author_name_for(user),
                by_host=is_host,
                text=text,
                created_at=timezone.now(),
                client_id=client_id,
            )
            _publish_on_commit(
                show, {"kind": "comment", "comment": comment_payload(comment)}
            )
    except IntegrityError:
        if not client_id:
            raise
        # The same message arrived twice at once; the other copy was stored first.
        return Comment.objects.get(show=show, user=user, client_id=client_id)
    return comment


def _publish_on_commit(show: Show, item: dict[str, Any]) -> None:
    """Publish once the write commits; a failed publish never undoes the write.

    ``realtime.item_publish`` retries, and when it gives up it makes viewers resync
    from the database; robust=True keeps an error there from reaching the caller,
    who has stored the comment and must hear so.
    """
    show_id, delivery = show.pk, show.chat_delivery
    transaction.on_commit(
        lambda: realtime.item_publish(show_id=show_id, delivery=delivery, item=item),
        robust=True,
    )


@transaction.atomic
def comment_delete(*, comment: Comment, by: User) -> Comment:
    """Hide a comment for everyone (kept for the moderation record)."""
    show = comment.show
    _moderator_check(show, by)
    if comment.is_deleted:
        return comment
    comment.is_deleted = True
    comment.deleted_at = timezone.now()
    comment.deleted_by = by
    comment.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
    # Whoever deleted it, the reports about it are answered.
    _reports_resolve(comment=comment, by=by, status=ReportStatus.COMMENT_DELETED)
    if Show.objects.filter(pk=show.pk, pinned_comment=comment).update(
        pinned_comment=None
    ):
        show.pinned_comment = None
    _publish_on_commit(show, {"kind": "comment_deleted", "id": comment.pk})
    return comment


@transaction.atomic
def comment_pin(*, comment: Comment, by: User) -> Comment:
    """Pin a comment above the chat, replacing any pinned before."""
    show = comment.show
    _moderator_check(show, by)
    if comment.is_deleted:
        raise ModerationError(_("A deleted comment cannot be pinned."), code="deleted")
    show.pinned_comment = comment
    show.save(update_fields=["pinned_comment"])
    _publish_on_commit(
        show, {"kind": "comment_pinned", "comment": comment_payload(comment)}
    )
    return comment


@transaction.atomic
def comment_unpin(*, show: Show, by: User) -> None:
    """Remove the pinned comment of a show."""
    _moderator_check(show, by)
    show.pinned_comment = None
    show.save(update_fields=["pinned_comment"])
    _publish_on_commit(show, {"kind": "comment_unpinned"})


def ban_refusal(*, show: Show, user: User) -> StrOrPromise | None:
    """Why a user may not be banned from a show, or None when they may."""
    if can_moderate(show=show, user=user):
        return _("The host and staff cannot be banned.")
    return None


def show_ban_add(*, show: Show, user: User, by: User, reason: str = "") -> ShowBan:
    """Stop a user from commenting in a show; the host and staff cannot be banned."""
    _moderator_check(show, by)
    refusal = ban_refusal(show=show, user=user)
    if refusal is not None:
        raise ModerationError(refusal, code="not_bannable")
    ban, _created = ShowBan.objects.get_or_create(
        show=show, user=user, defaults={"banned_by": by, "reason": reason[:200]}
    )
    return ban


def show_ban_reason_set(*, ban: ShowBan, reason: str) -> ShowBan:
    """Change the note staff keep on why a user was banned from a show."""
    ban.reason = reason[:200]
    ban.save(update_fields=["reason"])
    return ban


def comment_report(
    *, comment: Comment, reporter: User, reason: str = ReportReason.OTHER
) -> CommentReport:
    """File a viewer's report of a comment into the moderation queue (once each)."""
    if not reporter.is_authenticated:
        raise ModerationError(_("Sign in to report a comment."), code="sign_in")
    if reason not in ReportReason.values:
        raise ModerationError(_("Choose a reason for the report."), code="reason")
    if comment.is_deleted:
        raise ModerationError(_("This comment was already removed."), code="deleted")
    try:
        with transaction.atomic():
            report, created = CommentReport.objects.get_or_create(
                comment=comment, reporter=reporter, defaults={"reason": reason}
            )
    except IntegrityError:
        report = CommentReport.objects.get(comment=comment, reporter=reporter)
        created = False
    if created:
        show_id = comment.show_id
        payload = {"type": "report", "comment_id": comment.pk, "reason": reason}
        transaction.on_commit(
            lambda: realtime.host_notify(show_id=show_id, payload=payload)
        )
    return report


def _reports_resolve(*, comment: Comment, by: User, status: str) -> int:
    return CommentReport.objects.filter(
        comment=comment, status=ReportStatus.OPEN
    ).update(status=status, resolved_at=timezone.now(), resolved_by=by)


@transaction.atomic
def report_dismiss(*, report: CommentReport, by: User) -> CommentReport:
    """Close a report without acting on the comment."""
    _moderator_check(report.comment.show, by)
    CommentReport.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
        status=ReportStatus.DISMISSED, resolved_at=timezone.now(), resolved_by=by
    )
    report.refresh_from_db()
    return report


@transaction.atomic
def report_comment_delete(*, report: CommentReport, by: User) -> CommentReport:
    """Delete the reported comment and close every open report of it."""
    comment_delete(comment=report.comment, by=by)
    _reports_resolve(comment=report.comment, by=by, status=ReportStatus.COMMENT_DELETED)
    report.refresh_from_db()
    return report


@transaction.atomic
def report_user_ban(*, report: CommentReport, by: User) -> CommentReport:
    """Ban the reported comment's author from the show and delete the comment."""
    comment = report.comment
    if comment.user is None:
        raise ModerationError(_("The author's account no longer exists."), code="gone")
    show_ban_add(show=comment.show, user=comment.user, by=by, reason=str(report))
    _reports_resolve(comment=comment, by=by, status=ReportStatus.USER_BANNED)
    comment_delete(comment=comment, by=by)
    report.refresh_from_db()
    return report
