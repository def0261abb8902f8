"""A visitor's consent state as requests carry it: the signed consent cookie.

The cookie is strictly necessary (it stores the choice itself and the anonymous ID
that ties the choice to its consent record), so it is set only when the visitor
chooses, or when a Global Privacy Control signal is recorded.
"""

from dataclasses import dataclass

from django.core import signing

CONSENT_COOKIE = "tw_consent"
CONSENT_COOKIE_MAX_AGE = 365 * 24 * 3600
_SALT = "privacy.consent"

# Categories a visitor can grant; "necessary" is always on and never stored.
OPTIONAL_CATEGORIES = ("preferences", "analytics", "marketing")
CATEGORIES = ("necessary", *OPTIONAL_CATEGORIES)
# US opt-outs: sale and sharing (CCPA, GPC), use of sensitive data (CPRA).
OPT_OUTS = ("sale_sharing", "sensitive_use")


@dataclass(frozen=True)
class ConsentState:
    """What a request may do: granted categories under a policy version."""

    anonymous_id: str = ""
    policy_version: int = 0
    granted: frozenset[str] = frozenset()
    opt_outs: frozenset[str] = frozenset()
    gpc: bool = False
    current_version: int = 0

    @property
    def answered(self) -> bool:
        """The visitor chose under the current policy: the banner stays away."""
        return bool(self.anonymous_id) and self.policy_version == self.current_version

    def allows(self, category: str) -> bool:
        if category == "necessary":
            return True
        if not self.answered or category not in self.granted:
            return False
        # Marketing shares data with advertisers: a GPC or CCPA opt-out overrides it.
        return not (
            category == "marketing" and "sale_sharing" in self.effective_opt_outs
        )

    @property
    def effective_opt_outs(self) -> frozenset[str]:
        return self.opt_outs | ({"sale_sharing"} if self.gpc else set())

    @property
    def cache_variant(self) -> str:
        """The part of the state a cached page depends on (banner shown, scripts)."""
        if not self.answered:
            return "ask" + ("-gpc" if self.gpc else "")
        flags = "".join(
            "1" if self.allows(name) else "0" for name in OPTIONAL_CATEGORIES
        )
        return f"v{self.current_version}-{flags}"


def consent_cookie_value(state: ConsentState) -> str:
    return signing.dumps(
        {
            "id": state.anonymous_id,
            "v": state.policy_version,
            "c": sorted(state.granted),
            "o": sorted(state.opt_outs),
        },
        salt=_SALT,
        compress=True,
    )


def consent_cookie_read(
    value: str | None, *, current_version: int, gpc: bool
) -> ConsentState:
    """The state a (signed) cookie carries; a forged or stale cookie counts as none."""
    base = ConsentState(gpc=gpc, current_version=current_version)
    if not value or len(value) > 512:
        return base
    try:
        data = signing.loads(value, salt=_SALT)
        anonymous_id = str(data["id"])[:32]
        version = int(data["v"])
        granted = frozenset(c for c in data["c"] if c in OPTIONAL_CATEGORIES)
        opt_outs = frozenset(o for o in data["o"] if o in OPT_OUTS)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return base
    return ConsentState(
        anonymous_id=anonymous_id,
        policy_version=version,
        granted=granted,
        opt_outs=opt_outs,
        gpc=gpc,
        current_version=current_version,
    )
