"""``rnr.compare``: what changed between two assessments (or plans) and whether a new plan is due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._errors import InvalidPlan
from ._needs import is_criminogenic, ranked_criminogenic
from ._plan import Plan
from ._policy import Policy, load_policy
from ._risk import place, select_tier
from ._view import assessment_dict

__all__ = ["compare", "Comparison"]


@dataclass(frozen=True)
class Comparison:
    """The change between a previous and a current assessment or plan.

    Attributes
    ----------
    instrument : dict
        Previous and current ``instrument version``, and whether it changed.
    scales : dict
        Per scale: previous and current raw score and level, ``raw_change``, ``level_changed``.
    domains : dict
        Per need domain: scores, ``score_change``, need before and now, ``status``
        (``new``, ``resolved``, ``persisting`` or ``none``) and whether it is criminogenic.
    risk : dict
        Previous and current common level and the change.
    tier : dict
        Previous and current tier id and dosage, and whether they changed.
    new_plan_due : bool
    reasons : tuple of str
        Why a new plan is due (empty when it is not).
    """

    instrument: dict
    scales: dict
    domains: dict
    risk: dict
    tier: dict
    new_plan_due: bool
    reasons: tuple = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """Return the comparison as JSON-ready data.

        Examples
        --------
        >>> a = {"instrument": "ogrs3", "version": "3", "risk_level": "low", "needs": [],
        ...      "scales": {"ogrs3_2y": {"raw": 0.3, "level": "low"}}}
        >>> compare(a, a).to_dict()["new_plan_due"]
        False
        """
        return {"instrument": dict(self.instrument), "scales": dict(self.scales),
                "domains": dict(self.domains), "risk": dict(self.risk), "tier": dict(self.tier),
                "new_plan_due": self.new_plan_due, "reasons": list(self.reasons)}


def _is_plan(x: Any) -> bool:
    return isinstance(x, Plan) or (isinstance(x, Mapping) and "tier" in x and "inputs" in x)


def _side(x: Any, policy: Policy | None, name: str) -> tuple[dict, dict | None, Policy | None]:
    """Return (assessment dict, {common_level, tier, dosage_hours, targeted}, policy)."""
    if _is_plan(x):
        p = x if isinstance(x, Plan) else Plan.from_dict(x)
        pol = policy or load_policy(p.policy["id"])
        return (p.inputs["assessment"],
                {"common_level": p.risk["common_level"], "tier": p.tier["id"],
                 "dosage_hours": p.tier["dosage_hours"],
                 "targeted": [t["domain"] for t in p.targets]}, pol)
    try:
        a = assessment_dict(x)
    except InvalidPlan as exc:
        raise InvalidPlan(name, type(x).__name__, "a Plan, an Assessment or their to_dict()",
                          exc.code) from None
    return a, None, policy


def _placed(a: dict, pol: Policy) -> dict:
    risk, _ = place(a, pol)
    ranked = ranked_criminogenic(a["needs"], pol)
    tier = select_tier(pol, risk["common_level"], len(ranked))
    return {"common_level": risk["common_level"], "tier": tier["id"],
            "dosage_hours": tier["dosage_hours"], "targeted": None}


def _number(x: Any) -> float | None:
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def compare(previous: Any, current: Any, policy: str | Mapping | Policy | None = None
            ) -> Comparison:
    """Compare a previous and a current assessment (or plan) and say whether a new plan is due.

    Parameters
    ----------
    previous, current : Plan, rnr.Assessment or Mapping
        Plans (their tiers are used as they are) or assessments (placed under ``policy``).
    policy : str, Mapping or Policy, optional
        For assessments: the policy that sets common levels and tiers (default: the previous
        plan's policy, else ``"default"``).

    Returns
    -------
    Comparison

    Raises
    ------
    UndeterminedRisk
        An assessment's level is undetermined and the policy refuses to place it.

    Examples
    --------
    >>> def a(level, attitudes):
    ...     return {"instrument": "ogrs3", "version": "3", "risk_level": level,
    ...             "scales": {"ogrs3_2y": {"raw": 0.5, "level": level}},
    ...             "needs": [{"domain": "attitudes", "score": attitudes, "need": attitudes > 1,
    ...                        "rank": 1, "kind": "dynamic", "role": "need",
    ...                        "central_eight": "antisocial_cognition"}]}
    >>> c = compare(a("medium", 3), a("high", 1))
    >>> c.tier["previous"], c.tier["current"], c.domains["attitudes"]["status"]
    ('moderate', 'high', 'resolved')
    >>> c.new_plan_due
    True
    """
    pol = None if policy is None else load_policy(policy)
    a0, t0, pol0 = _side(previous, pol, "previous")
    a1, t1, pol1 = _side(current, pol or pol0, "current")
    use = pol or pol0 or pol1 or load_policy("default")
    t0 = t0 or _placed(a0, use)
    t1 = t1 or _placed(a1, pol1 or use)
    reasons: list[str] = []
    inst = {"previous": f"{a0['instrument']} {a0['version']}",
            "current": f"{a1['instrument']} {a1['version']}"}
    inst["changed"] = inst["previous"] != inst["current"]
    if inst["changed"]:
        reasons.append(f"Instrument changed: {inst['previous']} -> {inst['current']}.")
    scales = {}
    for sid in dict.fromkeys([*a0["scales"], *a1["scales"]]):
        s0, s1 = a0["scales"].get(sid) or {}, a1["scales"].get(sid) or {}
        r0, r1 = _number(s0.get("raw")), _number(s1.get("raw"))
        scales[sid] = {"previous": {"raw": s0.get("raw"), "level": s0.get("level")},
                       "current": {"raw": s1.get("raw"), "level": s1.get("level")},
                       "raw_change": None if r0 is None or r1 is None else r1 - r0,
                       "level_changed": s0.get("level") != s1.get("level")}
    n0 = {n["domain"]: n for n in a0["needs"]}
    n1 = {n["domain"]: n for n in a1["needs"]}
    domains = {}
    for dom in dict.fromkeys([*n0, *n1]):
        x0, x1 = n0.get(dom, {}), n1.get(dom, {})
        need0, need1 = x0.get("need") is True, x1.get("need") is True
        status = ("persisting" if need0 and need1 else "new" if need1 else
                  "resolved" if need0 else "none")
        crim = is_criminogenic({**x0, **x1, "need": True}, use)
        sc0, sc1 = _number(x0.get("score")), _number(x1.get("score"))
        domains[dom] = {"previous_score": x0.get("score"), "current_score": x1.get("score"),
                        "score_change": None if sc0 is None or sc1 is None else sc1 - sc0,
                        "previous_need": need0, "current_need": need1, "status": status,
                        "criminogenic": crim}
        if crim and status == "new":
            reasons.append(f"New criminogenic need identified: {dom}.")
        if crim and status == "resolved":
            reasons.append(f"Criminogenic need no longer identified: {dom}.")
    c0, c1 = t0["common_level"], t1["common_level"]
    risk = {"previous_common_level": c0, "current_common_level": c1,
            "change": "up" if c1 > c0 else "down" if c1 < c0 else "same"}
    if c0 != c1:
        reasons.append(f"Common risk level changed: {c0} -> {c1}.")
    tier = {"previous": t0["tier"], "current": t1["tier"], "changed": t0["tier"] != t1["tier"],
            "previous_dosage_hours": t0["dosage_hours"],
            "current_dosage_hours": t1["dosage_hours"]}
    if tier["changed"]:
        reasons.append(f"Tier changed: {t0['tier']} -> {t1['tier']}.")
    elif t0["dosage_hours"] != t1["dosage_hours"]:
        reasons.append(f"Dosage changed: {t0['dosage_hours']} -> {t1['dosage_hours']} hours.")
    return Comparison(instrument=inst, scales=scales, domains=domains, risk=risk, tier=tier,
                      new_plan_due=bool(reasons), reasons=tuple(reasons))
