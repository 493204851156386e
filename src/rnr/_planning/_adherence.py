"""``rnr.check_adherence``: check that a plan (built or hand-written) follows RNR principles.

Risk: the tier, contacts and dose match what the policy sets for the common level (unless an
override is recorded), and a low-risk person gets no intensive, residential or high-dose
service without one (Lowenkamp & Latessa 2004). Need: the targets are identified criminogenic
needs and include the top-ranked ones (Andrews, Bonta & Wormith 2006); the hours add up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._errors import InvalidPlan
from ._needs import ranked_criminogenic
from ._plan import Plan
from ._policy import Policy, load_policy
from ._risk import select_tier

__all__ = ["check_adherence", "AdherenceReport"]


@dataclass(frozen=True)
class AdherenceReport:
    """The findings of an RNR-adherence check.

    Attributes
    ----------
    adherent : bool
        True when no finding has severity ``"error"``.
    findings : tuple of dict
        Each ``{"rule", "severity", "message"}``; severity is ``error``, ``warning`` or ``info``.
    expected : dict
        What the policy sets for this plan's level: ``tier``, ``contacts_per_month``,
        ``dosage_hours``, ``targets``.
    """

    adherent: bool
    findings: tuple = field(default_factory=tuple)
    expected: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return the report as JSON-ready data.

        Examples
        --------
        >>> r = check_adherence({"policy": "default", "risk": {"common_level": 1},
        ...                      "tier": {"id": "low", "dosage_hours": 0}})
        >>> r.to_dict()["adherent"]
        True
        """
        return {"adherent": self.adherent, "findings": [dict(f) for f in self.findings],
                "expected": dict(self.expected)}

    def errors(self) -> list[dict]:
        """Return the findings with severity ``"error"``.

        Examples
        --------
        >>> check_adherence({"policy": "default", "risk": {"common_level": 1},
        ...                  "tier": {"id": "low", "dosage_hours": 100}}).errors()[0]["rule"]
        'adherence.risk.dose'
        """
        return [f for f in self.findings if f["severity"] == "error"]


def _get(d: Mapping, path: str, required: bool = True) -> Any:
    node: Any = d
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            if required:
                raise InvalidPlan(f"plan.{path}", None, "present", "missing_required")
            return None
        node = node[part]
    return node


def _policy_of(d: Mapping, policy: Any) -> Policy:
    if policy is not None:
        return load_policy(policy)
    named = d.get("policy")
    if isinstance(named, Mapping):
        named = named.get("id")
    if named is None:
        raise InvalidPlan("plan.policy", None, "a policy id, or pass policy=",
                          "missing_required")
    return load_policy(named)


def _identified(d: Mapping) -> list[dict]:
    out = []
    for i, n in enumerate(d.get("needs") or []):
        if not isinstance(n, Mapping) or "domain" not in n:
            raise InvalidPlan(f"plan.needs[{i}]", n, "a mapping with 'domain'", "wrong_type")
        if n.get("need", True) is not True:
            continue
        out.append({"domain": n["domain"], "need": True, "kind": n.get("kind", "dynamic"),
                    "role": n.get("role", "need"), "central_eight": n.get("central_eight"),
                    "rank": n.get("rank", i + 1)})
    return out


def check_adherence(plan: Plan | Mapping, policy: str | Mapping | Policy | None = None
                    ) -> AdherenceReport:
    """Check a plan against the risk and need principles under its policy.

    Parameters
    ----------
    plan : Plan or Mapping
        A built plan or a hand-written mapping with at least ``risk.common_level``,
        ``tier.id`` and ``tier.dosage_hours``; optionally ``tier.contacts_per_month``,
        ``needs`` (identified needs: ``domain``, ``central_eight``, and ``kind``/``role``,
        which default to ``dynamic``/``need``), ``targets`` (``domain``, ``hours``) and
        ``override``.
    policy : str, Mapping or Policy, optional
        Default: the policy the plan names.

    Returns
    -------
    AdherenceReport

    Examples
    --------
    >>> hand_written = {
    ...     "policy": "default", "risk": {"common_level": 4},
    ...     "tier": {"id": "high", "dosage_hours": 200, "contacts_per_month": 4},
    ...     "needs": [{"domain": "attitudes", "central_eight": "antisocial_cognition"},
    ...               {"domain": "housing", "central_eight": "none", "role": "stabilisation"}],
    ...     "targets": [{"domain": "housing", "hours": 200}]}
    >>> r = check_adherence(hand_written)
    >>> r.adherent, [f["rule"] for f in r.errors()]
    (False, ['adherence.need.non_criminogenic_target', 'adherence.need.top_needs'])
    """
    d = plan.to_dict() if isinstance(plan, Plan) else plan
    if not isinstance(d, Mapping):
        raise InvalidPlan("plan", type(plan).__name__, "a Plan or a mapping", "wrong_type")
    pol = _policy_of(d, policy)
    level = _get(d, "risk.common_level")
    tier_id = _get(d, "tier.id")
    dose = _get(d, "tier.dosage_hours")
    contacts = _get(d, "tier.contacts_per_month", required=False)
    if isinstance(dose, bool) or not isinstance(dose, (int, float)):
        raise InvalidPlan("plan.tier.dosage_hours", dose, "a number of hours", "wrong_type")
    identified = _identified(d)
    crim = ranked_criminogenic(identified, pol)
    expected = select_tier(pol, level, len(crim))
    exp_targets = [n["domain"] for n in crim[: pol["targets"]["max"]]] \
        if expected["dosage_hours"] > 0 else []
    findings: list[dict] = []

    def add(rule: str, severity: str, message: str) -> None:
        findings.append({"rule": rule, "severity": severity, "message": message})

    ov = d.get("override")
    if ov is not None:
        if not (isinstance(ov, Mapping) and ov.get("reason_code") and ov.get("approved_by")
                and ov.get("rationale")):
            add("adherence.override.recorded", "error",
                "An override is present without a reason code, rationale and approver.")
        else:
            add("adherence.override.recorded", "info",
                f"Level overridden {ov.get('direction')} from {ov.get('original_level')} to "
                f"{ov.get('final_level')} ({ov.get('reason_code')}).")
    if tier_id != expected["id"]:
        add("adherence.risk.tier", "error",
            f"Tier {tier_id!r} does not match the tier {expected['id']!r} the policy sets for "
            f"common level {level}.")
    if dose < expected["dosage_hours"]:
        add("adherence.risk.dose", "error",
            f"{dose} programme hours is below the {expected['dosage_hours']} the policy sets "
            f"({expected['dosage_rule']}): under-dosed for the risk.")
    elif dose > expected["dosage_hours"]:
        add("adherence.risk.dose", "error",
            f"{dose} programme hours is above the {expected['dosage_hours']} the policy sets "
            f"({expected['dosage_rule']}): more service than the risk calls for.")
    if contacts is not None and contacts != expected["contacts_per_month"]:
        add("adherence.risk.contacts", "error",
            f"{contacts} contacts a month differs from the {expected['contacts_per_month']} the "
            f"policy sets for tier {expected['id']!r}.")
    g = pol["guards"]
    if level <= g["low_risk_max_common"] and ov is None:
        tier = d["tier"]
        if ((contacts or 0) >= g["intensive_contacts_min"] or tier.get("intensive")
                or tier.get("residential") or dose >= g["high_dose_hours_min"]):
            add("adherence.guards.low_risk", "error",
                "A low-risk person is given intensive supervision, residential placement or a "
                "high-dose programme without an override (risk principle).")
    targets = d.get("targets") or []
    domains = {n["domain"]: n for n in identified}
    crim_domains = {n["domain"] for n in crim}
    targeted = []
    for i, t in enumerate(targets):
        if not isinstance(t, Mapping) or "domain" not in t:
            raise InvalidPlan(f"plan.targets[{i}]", t, "a mapping with 'domain'", "wrong_type")
        targeted.append(t["domain"])
        if t["domain"] not in domains:
            add("adherence.need.unidentified_target", "error",
                f"Target {t['domain']!r} is not an identified need.")
        elif t["domain"] not in crim_domains:
            add("adherence.need.non_criminogenic_target", "error",
                f"Target {t['domain']!r} is not a criminogenic need: serve it as a "
                "stabilisation step, not with programme hours.")
    missing = [x for x in exp_targets if x not in targeted]
    if missing and dose > 0:
        add("adherence.need.top_needs", "error",
            f"The top-ranked criminogenic needs are {', '.join(exp_targets)}; not targeted: "
            f"{', '.join(missing)}.")
    if dose > 0 and crim and not targets:
        add("adherence.need.at_least_one", "error",
            "Programme hours are set but no identified criminogenic need is targeted.")
    if dose > 0 and not crim:
        add("adherence.need.none_identified", "warning",
            "Programme hours are set but no criminogenic need is identified: a needs assessment "
            "is required to allocate them.")
    hours = [t.get("hours") for t in targets]
    if targets and all(isinstance(h, (int, float)) and not isinstance(h, bool) for h in hours):
        if sum(hours) != dose:
            add("adherence.dose.split", "error",
                f"Target hours add up to {sum(hours)}, not the plan's {dose} programme hours.")
    if dose == 0 and targets:
        add("adherence.need.low_risk_targets", "warning",
            "Targets are listed for a tier with no programme hours.")
    return AdherenceReport(
        adherent=not any(f["severity"] == "error" for f in findings),
        findings=tuple(findings),
        expected={"tier": expected["id"], "contacts_per_month": expected["contacts_per_month"],
                  "dosage_hours": expected["dosage_hours"], "targets": exp_targets})
