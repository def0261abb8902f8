"""Personal data of the consent, legal, audit and incident models, declared in the
privacy registry (imported by privacy.personal_data, which the registry's
autodiscovery loads)."""

from django.utils.translation import gettext_lazy as _

from privacy.models import (
    AuditEvent,
    BiometricConsent,
    ConsentRecord,
    IncidentNotice,
)
from privacy.registry import ErasureAction, LegalBasis, register

register(
    ConsentRecord,
    fields=(
        "anonymous_id",
        "policy_version",
        "choices",
        "method",
        "market_code",
        "created_at",
    ),
    purpose=_("Proof of your cookie and tracking choices and opt-outs."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    retention=_("Three years after the choice, as proof of consent."),
    user_path="user",
    # The choice stays as proof, no longer tied to the account.
    erasure=ErasureAction.ANONYMIZE,
    anonymize={"user": None},
)

register(
    BiometricConsent,
    fields=("purpose", "regimes", "notice_version", "signed_name", "created_at"),
    purpose=_("Proof of your written consent before your camera is used."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    retention=_("As long as the account, then deleted."),
    user_path="user",
    erasure=ErasureAction.DELETE,
)

register(
    AuditEvent,
    fields=("action", "object_type", "object_id", "created_at"),
    purpose=_("A log of staff access to your personal data, for accountability."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    retention=_("Kept unchanged: it names records by number only."),
    user_path="subject_id",
    # Append-only: rows hold record numbers, no names or addresses, and the
    # account they point to is itself erased.
    erasure=ErasureAction.ANONYMIZE,
    anonymize={"subject_id": None},
)

register(
    IncidentNotice,
    fields=("language", "subject", "body", "created_at"),
    purpose=_("Telling you about a security incident that affects your data."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    retention=_("Three years after the incident."),
    user_path="user",
    erasure=ErasureAction.DELETE,
)
