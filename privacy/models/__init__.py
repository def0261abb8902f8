"""Every model of the privacy app, defined in its module and gathered here."""

from privacy.models.requests import (
    DataSubjectRequest,
    LegalHoldRecord,
    RequestEvent,
    RequestEventKind,
    RequestKind,
    RequestStatus,
)

__all__ = [
    "DataSubjectRequest",
    "LegalHoldRecord",
    "RequestEvent",
    "RequestEventKind",
    "RequestKind",
    "RequestStatus",
]
