"""Consent writes: every choice becomes a consent record and a new cookie state."""

import secrets
from collections.abc import Iterable

from privacy.consent import OPT_OUTS, OPTIONAL_CATEGORIES, ConsentState
from privacy.legal_selectors import legal_state
from privacy.models import ConsentMethod, ConsentRecord
from shop.models import User


def consent_policy_version() -> int:
    """The consent policy version: the number of the privacy notice in force (its
    new versions ask everyone again); 0 before one is published."""
    return legal_state()["policy"]


def consent_record(
    *,
    state: ConsentState,
    user: User | None,
    granted: Iterable[str],
    method: ConsentMethod,
    market_code: str,
    opt_outs: Iterable[str] | None = None,
) -> ConsentState:
    """Store a choice of categories (and opt-outs) as proof; return the new state."""
    granted_set = frozenset(c for c in granted if c in OPTIONAL_CATEGORIES)
    opt_out_set = (
        state.opt_outs
        if opt_outs is None
        else frozenset(o for o in opt_outs if o in OPT_OUTS)
    )
    if state.gpc:
        opt_out_set |= {"sale_sharing"}
    new_state = ConsentState(
        anonymous_id=state.anonymous_id or secrets.token_hex(16),
        policy_version=state.current_version,
        granted=granted_set,
        opt_outs=opt_out_set,
        gpc=state.gpc,
        current_version=state.current_version,
    )
    _record_create(state=new_state, user=user, method=method, market_code=market_code)
    return new_state


def consent_opt_out_record(
    *,
    state: ConsentState,
    user: User | None,
    opt_out: str,
    method: ConsentMethod,
    market_code: str,
) -> ConsentState:
    """Record a US opt-out (sale/sharing or sensitive use); no identity is needed."""
    if opt_out not in OPT_OUTS:
        raise ValueError(opt_out)
    new_state = ConsentState(
        anonymous_id=state.anonymous_id or secrets.token_hex(16),
        policy_version=state.policy_version,
        granted=state.granted,
        opt_outs=state.opt_outs | {opt_out},
        gpc=state.gpc,
        current_version=state.current_version,
    )
    _record_create(state=new_state, user=user, method=method, market_code=market_code)
    return new_state


def consent_gpc_record(
    *, state: ConsentState, user: User | None, market_code: str
) -> ConsentState | None:
    """Record a GPC signal as an opt-out of sale and sharing, once per visitor."""
    if not state.gpc or "sale_sharing" in state.opt_outs:
        return None
    return consent_opt_out_record(
        state=state,
        user=user,
        opt_out="sale_sharing",
        method=ConsentMethod.GPC,
        market_code=market_code,
    )


def _record_create(
    *, state: ConsentState, user: User | None, method: str, market_code: str
) -> ConsentRecord:
    choices: dict[str, bool] = {"necessary": True}
    choices.update({name: name in state.granted for name in OPTIONAL_CATEGORIES})
    choices.update({f"opt_out_{name}": name in state.opt_outs for name in OPT_OUTS})
    choices["gpc"] = state.gpc
    return ConsentRecord.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        anonymous_id=state.anonymous_id,
        policy_version=state.policy_version,
        choices=choices,
        method=method,
        market_code=market_code[:8],
    )
