"""Written consent before the camera is used where biometric-privacy laws apply.

The shop does no biometric processing (no face geometry, no recognition); the laws
still ask for informed written consent before a camera picture is captured.
"""

from django.db import transaction

from privacy.models import BiometricConsent
from privacy.regimes import BIOMETRIC_NOTICE_VERSION, BIOMETRIC_REGIMES
from shop.models import Market, User


def biometric_regimes_for(*, user: User, market: Market | None) -> list[str]:
    """The biometric laws that apply to `user`: their account's market's, else those
    of the market they chose."""
    home = user.preferred_market if user.preferred_market_id else market
    if home is None:
        return []
    return sorted(set(home.privacy_regimes) & BIOMETRIC_REGIMES.keys())


def biometric_consent_required(
    *, user: User, market: Market | None, purpose: str = "camera"
) -> bool:
    """Whether `user` must sign the written consent before using the camera."""
    if not user.is_authenticated:
        return False
    if not biometric_regimes_for(user=user, market=market):
        return False
    return not BiometricConsent.objects.filter(
        user=user, purpose=purpose, notice_version=BIOMETRIC_NOTICE_VERSION
    ).exists()


def biometric_consent_record(
    *, user: User, market: Market | None, signed_name: str, purpose: str = "camera"
) -> BiometricConsent:
    """Store the signed written consent, with the laws and the notice it answered."""
    with transaction.atomic():
        return BiometricConsent.objects.create(
            user=user,
            purpose=purpose,
            regimes=biometric_regimes_for(user=user, market=market),
            notice_version=BIOMETRIC_NOTICE_VERSION,
            signed_name=signed_name.strip()[:150],
        )
