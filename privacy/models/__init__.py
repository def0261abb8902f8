"""Every model of the privacy app, defined in its module and gathered here."""

from privacy.models.audit import AuditAction, AuditEvent
from privacy.models.consent import (
    BiometricConsent,
    ConsentMethod,
    ConsentRecord,
)
from privacy.models.incidents import Incident, IncidentNotice
from privacy.models.legal import LegalPage, LegalPageKind, LegalPageVersion
from privacy.models.requests import (
    DataSubjectRequest,
    LegalHoldRecord,
    RequestEvent,
    RequestEventKind,
    RequestKind,
    RequestStatus,
)

__all__ = [
    "AuditAction",
    "AuditEvent",
    "BiometricConsent",
    "ConsentMethod",
    "ConsentRecord",
    "Incident",
    "IncidentNotice",
    "LegalPage",
    "LegalPageKind",
    "LegalPageVersion",
    "DataSubjectRequest",
    "LegalHoldRecord",
    "RequestEvent",
    "RequestEventKind",
    "RequestKind",
    "RequestStatus",
]
