"""Rule violations the services report, with a code for clients and a clear reason."""

from django.utils.functional import Promise


class LiveRuleError(Exception):
    """A request a live-show rule refuses; `message` is lazily translated."""

    code = "refused"

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code


class ShowError(LiveRuleError):
    code = "show"


class CommentRejected(LiveRuleError):
    code = "comment"


class ModerationError(LiveRuleError):
    code = "moderation"
