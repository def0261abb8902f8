"""Refusals that support services raise; `code` names the rule for clients."""


class SupportRuleError(Exception):
    """A request the support rules refuse; the message is for the shopper or agent."""

    def __init__(self, message, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
