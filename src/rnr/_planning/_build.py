"""``rnr.plan``: apply a policy to an assessment and return a :class:`Plan`.

Pure: the same assessment, policy and arguments always give the same plan. Dates are arguments
(``assessed_on``, ``intake_on``, ``release_on``); nothing reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._dates import add_months, as_date
from ._errors import InvalidPlan
from ._lines import (
    normalise_responsivity,
    normalise_stabilisation,
    responsivity_lines,
    stabilisation_lines,
    step_line,
)
from ._needs import intervention_for, ranked_criminogenic, split_hours
from ._plan import FORMAT_VERSION, Plan, rnr_version
from ._policy import Policy, load_policy
from ._rationale import rationale_line
from ._risk import place, select_tier
from ._view import assessment_dict

__all__ = ["plan", "assemble"]


def _stage(policy: Policy, stage: str | None) -> Mapping:
    stage = policy["policy"]["default_stage"] if stage is None else stage
    for entry in policy["stages"]:
        if entry["id"] == stage:
            return entry
    allowed = "one of " + ", ".join(s["id"] for s in policy["stages"])
    raise InvalidPlan("stage", stage, allowed, "not_an_option")


def _targets(ranked: list, tier: dict, policy: Policy) -> list[dict]:
    if tier["dosage_hours"] == 0:
        return []
    chosen = ranked[: policy["targets"]["max"]]
    hours = split_hours(tier["dosage_hours"], len(chosen))
    out = []
    for need, h in zip(chosen, hours, strict=True):
        iv = intervention_for(need, policy)
        out.append({"domain": need["domain"], "central_eight": need["central_eight"],
                    "need_level": need.get("level"), "rank": need.get("rank"),
                    "intervention": iv["id"], "intervention_label": dict(iv["label"]),
                    "hours": h, "rule": f"interventions.{iv['id']}",
                    "hours_rule": "targets.split"})
    return out


def _need_lines(a: dict, ranked: list, targets: list, stab: list, tier: dict,
                policy: Policy) -> list[dict]:
    crim = {n["domain"] for n in ranked}
    targeted = {t["domain"] for t in targets}
    stab_domains = {src.split(":", 1)[1]: s["need"] for s in stab for src in s["found_in"]
                    if src.startswith("assessment:")}
    lines = []
    for need in a["needs"]:
        if need.get("need") is not True:
            continue
        domain = need["domain"]
        if domain in targeted:
            rule = "targets.max"
        elif domain in crim:
            rule = tier["dosage_rule"] if tier["dosage_hours"] == 0 else "targets.max"
        elif domain in stab_domains:
            rule = f"stabilisation.{stab_domains[domain]}"
        elif need.get("role") == "responsivity":
            rule = "rnr.responsivity.assessment_domain"
        else:
            rule = "rnr.needs.not_criminogenic"
        lines.append({"domain": domain, "central_eight": need["central_eight"],
                      "level": need.get("level"), "rank": need.get("rank"),
                      "kind": need["kind"], "role": need["role"],
                      "criminogenic": domain in crim, "targeted": domain in targeted,
                      "rule": rule})
    return lines


def _services(policy: Policy, targets: list, stab: list, steps: list, stage: Mapping,
              juvenile: dict | None) -> list[dict]:
    labels = {s["id"]: s for s in policy.get("services", ())}
    found: dict[str, dict] = {}

    def add(sid: str, why: str, rule: str) -> None:
        line = found.setdefault(sid, {"id": sid, "label": dict(labels[sid]["label"]), "for": [],
                                      "rule": rule})
        if why not in line["for"]:
            line["for"].append(why)

    ivs = {iv["id"]: iv for iv in policy["interventions"]}
    for t in targets:
        for sid in ivs[t["intervention"]].get("services", ()):
            add(sid, f"target:{t['domain']}", t["rule"])
    for s in stab:
        for st in s["steps"]:
            if st["service"]:
                add(st["service"], f"stabilisation:{s['need']}", st["rule"])
    for st in steps:
        if st["service"]:
            add(st["service"], f"stage:{stage['id']}", st["rule"])
    for sid in stage.get("services", ()):
        add(sid, f"stage:{stage['id']}", f"stages.{stage['id']}")
    for st in (juvenile or {}).get("steps", ()):
        if st["service"]:
            add(st["service"], "juvenile", st["rule"])
    return list(found.values())


def _reassessment(policy: Policy, inputs: dict, warnings: list) -> dict:
    r = policy["reassessment"]
    assessed_on = as_date(inputs["assessed_on"], "assessed_on")
    intake_on = as_date(inputs["intake_on"], "intake_on")
    first = None
    if intake_on is not None:
        if assessed_on is None:
            raise InvalidPlan("assessed_on", None, "a date when intake_on is given",
                              "missing_required")
        days = (assessed_on - intake_on).days
        if days < 0:
            raise InvalidPlan("intake_on", inputs["intake_on"], "on or before assessed_on",
                              "date_order")
        on_time = days <= r["first_within_days"]
        if not on_time:
            warnings.append(f"The first assessment came {days} days after intake; the policy "
                            f"asks for it within {r['first_within_days']} days.")
        first = {"intake_on": intake_on.isoformat(), "days_after_intake": days,
                 "on_time": on_time, "rule": "reassessment.first_within_days"}
    if assessed_on is None:
        warnings.append("No assessed_on date was given: reassessment dates are not set.")
    return {
        "interval_months": r["interval_months"],
        "expires_months": r["expires_months"],
        "due_on": add_months(assessed_on, r["interval_months"]).isoformat()
        if assessed_on else None,
        "expires_on": add_months(assessed_on, r["expires_months"]).isoformat()
        if assessed_on else None,
        "triggers": [t["id"] for t in r["triggers"]],
        "first_assessment": first,
        "rule": "reassessment.interval_months",
    }


def _section(name: str, p: dict, release_on: str | None) -> Any:
    services = {s["id"]: s for s in p["services"]}
    if name == "risk":
        return {"instrument": p["risk"]["instrument"], "level": p["risk"]["level"],
                "common_level": p["risk"]["common_level"],
                "common_level_id": p["risk"]["common_level_id"], "tier": p["tier"]["id"]}
    if name == "needs":
        return {"criminogenic": [n["domain"] for n in p["needs"] if n["criminogenic"]],
                "stabilisation": [s["need"] for s in p["stabilisation"]]}
    if name == "targets":
        return [{"domain": t["domain"], "intervention": t["intervention"], "hours": t["hours"]}
                for t in p["targets"]]
    if name == "supervision":
        return {"tier": p["tier"]["id"], "contacts_per_month": p["tier"]["contacts_per_month"],
                "dosage_hours": p["tier"]["dosage_hours"]}
    if name == "responsivity":
        return [{"factor": r["factor"], "value": r["value"], "sequence": r["sequence"]}
                for r in p["responsivity"]]
    if name == "stabilisation":
        return [s["need"] for s in p["stabilisation"]]
    if name == "services":
        return [s["id"] for s in p["services"]]
    if name == "reassessment":
        return {"due_on": p["reassessment"]["due_on"],
                "expires_on": p["reassessment"]["expires_on"]}
    if name == "juvenile":
        return p["juvenile"]
    if name == "employment":
        found = [t["domain"] for t in p["targets"] if t["central_eight"] == "education_employment"]
        found += [n["domain"] for n in p["needs"] if n["criminogenic"] and not n["targeted"]
                  and n["central_eight"] == "education_employment"]
        steps = [s["id"] for s in p["stage_steps"] if s["section"] == "employment"]
        svc = [sid for sid, s in services.items()
               if any(w.startswith("target:") and w.split(":", 1)[1] in found for w in s["for"])
               or any(st["service"] == sid for st in p["stage_steps"]
                      if st["section"] == "employment")]
        return {"status": "need_identified" if found else "to_confirm", "on": release_on,
                "needs": found, "steps": steps, "services": svc}
    if name == "housing":
        housing = [s for s in p["stabilisation"] if s["need"] == "housing"]
        steps = [s["id"] for s in p["stage_steps"] if s["section"] == "housing"]
        steps += [st["id"] for s in housing for st in s["steps"]]
        svc = [sid for sid, s in services.items() if "stabilisation:housing" in s["for"]
               or any(st["service"] == sid for st in p["stage_steps"]
                      if st["section"] == "housing")]
        return {"status": "need_identified" if housing else "to_confirm", "on": release_on,
                "steps": steps, "services": svc}
    raise AssertionError(name)  # pragma: no cover - the schema limits section names


def _rationale(policy: Policy, p: dict) -> list[dict]:
    lines = [("risk.common_level", p["risk"]["rule"])]
    if p["override"] is not None:
        lines.append(("risk.common_level", "override"))
    lines += [("tier", p["tier"]["rule"]), ("tier.contacts_per_month", p["tier"]["rule"]),
              ("tier.dosage_hours", p["tier"]["dosage_rule"])]
    for i, n in enumerate(p["needs"]):
        lines.append((f"needs[{i}]", n["rule"]))
    for i, t in enumerate(p["targets"]):
        lines += [(f"targets[{i}]", t["rule"]), (f"targets[{i}].hours", t["hours_rule"])]
    for i, r in enumerate(p["responsivity"]):
        lines.append((f"responsivity[{i}]", r["rule"]))
    for i, s in enumerate(p["stabilisation"]):
        lines.append((f"stabilisation[{i}]", s["rule"]))
    for i, s in enumerate(p["stage_steps"]):
        lines.append((f"stage_steps[{i}]", s["rule"]))
    for i, s in enumerate(p["services"]):
        lines.append((f"services[{i}]", s["rule"]))
    lines.append(("reassessment", p["reassessment"]["rule"]))
    if p["reassessment"]["first_assessment"]:
        lines.append(("reassessment.first_assessment",
                      p["reassessment"]["first_assessment"]["rule"]))
    for i, o in enumerate(p["outputs"]):
        lines.append((f"outputs[{i}]", o["rule"]))
    if p["juvenile_profile"] is not None:
        lines.append(("juvenile_profile", p["juvenile_profile"]["rule"]))
    return [rationale_line(policy, line, rule) for line, rule in lines]


def assemble(policy: Policy, inputs: dict, *, override: dict | None = None, version: int = 1,
             history: Iterable[dict] = (), case_id: str | None = None) -> dict:
    """Build the plan mapping from checked inputs (used by :func:`plan` and overrides)."""
    a = inputs["assessment"]
    risk, warnings = place(a, policy, inputs["probability"])
    status = "provisional" if risk["rule"] == "common_scale.undetermined.upper_bound" else "final"
    if override is not None:
        risk["common_level"] = override["final_level"]
    level_ids = {lv["level"]: lv["id"] for lv in policy["common_scale"]["levels"]}
    risk["common_level_id"] = level_ids[risk["common_level"]]
    ranked = ranked_criminogenic(a["needs"], policy)
    tier = select_tier(policy, risk["common_level"], len(ranked))
    targets = _targets(ranked, tier, policy)
    if tier["dosage_hours"] > 0 and not ranked:
        status = "provisional"
        warnings.append(f"The tier sets {tier['dosage_hours']} programme hours but the "
                        f"assessment ({a['instrument']}) identifies no dynamic criminogenic need: "
                        "a needs assessment is required before the hours can be allocated.")
    stab, more = stabilisation_lines(inputs["stabilisation"], a["needs"],
                                     {n["domain"] for n in ranked}, policy)
    warnings += more
    stage = _stage(policy, inputs["stage"])
    steps = [step_line(st, f"stages.{stage['id']}.steps.{st['id']}")
             for st in stage.get("steps", ())]
    juvenile = None
    if inputs["juvenile"]:
        jp = policy.get("juvenile")
        if jp is None:
            raise InvalidPlan("juvenile", True, f"False: policy {policy.id!r} has no juvenile "
                              "profile", "no_juvenile_profile")
        validated = a["instrument"] in jp.get("instruments", ())
        if not validated:
            warnings.append(f"Instrument {a['instrument']!r} is not listed by policy "
                            f"{policy.id!r} as validated for juveniles: treat its risk level "
                            "with caution.")
        juvenile = {"label": dict(jp["label"]), "instrument_validated": validated,
                    "steps": [step_line(st, f"juvenile.steps.{st['id']}")
                              for st in jp["steps"]], "rule": "juvenile"}
    if a.get("status") not in (None, "published"):
        warnings.append(f"Instrument status is {a['status']!r}: the plan inherits its limits.")
    if policy.status != "published":
        warnings.append(f"Policy {policy.id!r} has status {policy.status!r}: see its "
                        "'unverified' list before relying on it.")
    p: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "policy": {"id": policy.id, "version": policy.version, "status": policy.status,
                   "digest": policy.digest},
        "version": version,
        "case_id": case_id,
        "status": status,
        "assessed_on": inputs["assessed_on"],
        "stage": {"id": stage["id"], "label": dict(stage["label"]), "rule": f"stages.{stage['id']}"},
        "juvenile": inputs["juvenile"],
        "risk": risk,
        "tier": tier,
        "needs": None,
        "targets": targets,
        "responsivity": responsivity_lines(inputs["responsivity"], a["needs"], policy),
        "stabilisation": stab,
        "stage_steps": steps,
        "services": None,
        "reassessment": _reassessment(policy, inputs, warnings),
        "outputs": None,
        "juvenile_profile": juvenile,
        "override": override,
        "rationale": None,
        "warnings": warnings,
        "inputs": inputs,
        "history": list(history),
        "rnr_version": rnr_version(),
    }
    p["needs"] = _need_lines(a, ranked, targets, stab, tier, policy)
    p["services"] = _services(policy, targets, stab, steps, stage, juvenile)
    p["outputs"] = [{"id": stage["output"], "label": dict(stage["output_label"]),
                     "stage": stage["id"], "rule": f"stages.{stage['id']}",
                     "sections": {name: _section(name, p, inputs["release_on"])
                                  for name in stage["sections"]}}]
    p["rationale"] = _rationale(policy, p)
    return p


def check_inputs(assessment: Any, policy: Policy, *, stage, responsivity, juvenile, probability,
                 assessed_on, intake_on, release_on, stabilisation) -> dict:
    """Check every argument of :func:`plan` and return them as JSON-ready inputs."""
    if not isinstance(juvenile, bool):
        raise InvalidPlan("juvenile", juvenile, "True or False", "wrong_type")
    assessed = as_date(assessed_on, "assessed_on")
    release = as_date(release_on, "release_on")
    if release is not None and assessed is not None and release < assessed:
        raise InvalidPlan("release_on", release.isoformat(), "on or after assessed_on",
                          "date_order")
    intake = as_date(intake_on, "intake_on")
    return {
        "assessment": assessment_dict(assessment),
        "stage": _stage(policy, stage)["id"],
        "responsivity": normalise_responsivity(responsivity, policy),
        "juvenile": juvenile,
        "probability": None if probability is None else float(probability)
        if not isinstance(probability, bool) else probability,
        "assessed_on": assessed.isoformat() if assessed else None,
        "intake_on": intake.isoformat() if intake else None,
        "release_on": release.isoformat() if release else None,
        "stabilisation": normalise_stabilisation(stabilisation, policy),
    }


def plan(assessment: Any, policy: str | Mapping | Policy = "default", *, stage: str | None = None,
         responsivity: Mapping | None = None, juvenile: bool = False,
         probability: float | None = None, assessed_on=None, intake_on=None, release_on=None,
         stabilisation: Iterable[str] | None = None, case_id: str | None = None,
         previous: Plan | Mapping | None = None) -> Plan:
    """Turn an assessment into an individual plan under a policy.

    Risk (mapped onto the policy's common scale) decides the tier: supervision contacts a month
    and programme dosage hours. The dynamic criminogenic needs, ranked, decide the targets (the
    top ``targets.max``), each served by an intervention from the policy's catalogue, with the
    hours split across them. Responsivity changes delivery and sequencing only. Stabilisation
    needs become the steps of the programme of social and legal help. The stage decides the
    output (a pre-trial report, a pre-release plan, ...). Every line names its rule.

    Parameters
    ----------
    assessment : rnr.Assessment or Mapping
        An assessment or the mapping its ``to_dict()`` returns.
    policy : str, path, Mapping or Policy, default "default"
        A shipped policy id (``rnr.policies()``), a ``.toml`` path, a mapping or a Policy.
    stage : str, optional
        One of the policy's stages (default: the policy's ``default_stage``).
    responsivity : Mapping, optional
        Factor to value, e.g. ``{"language": "kk", "motivation": "low"}``.
    juvenile : bool, default False
        Apply the policy's juvenile profile.
    probability : float, optional
        A calibrated probability; the policy's probability bands then set the common level.
    assessed_on, intake_on, release_on : datetime.date or str, optional
        Dates the plan's dates count from (no clock is read).
    stabilisation : iterable of str, optional
        Stabilisation needs known outside the instrument, e.g. ``["housing"]``.
    case_id : str, optional
        A reference kept with the plan and its versions.
    previous : Plan or Mapping, optional
        The plan this one replaces: the new plan's version is one higher and it keeps the history.

    Returns
    -------
    Plan

    Raises
    ------
    UndeterminedRisk
        The risk level is undetermined and the policy refuses to guess.
    InvalidPlan
        An argument is not allowed; the error names it, its value and what is allowed.

    Examples
    --------
    >>> a = {"instrument": "ogrs3", "version": "3.0.0", "risk_level": "high", "needs": [],
    ...      "scales": {"ogrs3_2y": {"level": "high", "level_range": None}}}
    >>> p = plan(a, stage="penitentiary", assessed_on="2025-01-15", release_on="2025-06-01")
    >>> p.tier["id"], p.tier["contacts_per_month"], p.tier["dosage_hours"]
    ('high', 4, 200)
    >>> p.reassessment["due_on"], p.outputs[0]["id"]
    ('2025-07-15', 'pre_release_plan')
    >>> p.outputs[0]["sections"]["housing"]["status"]
    'to_confirm'
    """
    pol = load_policy(policy)
    inputs = check_inputs(assessment, pol, stage=stage, responsivity=responsivity,
                          juvenile=juvenile, probability=probability, assessed_on=assessed_on,
                          intake_on=intake_on, release_on=release_on, stabilisation=stabilisation)
    version, history = 1, []
    if previous is not None:
        prev = previous if isinstance(previous, Plan) else Plan.from_dict(previous)
        version = prev.version + 1
        history = prev.history_with_self()
        case_id = prev.case_id if case_id is None else case_id
    if case_id is not None and not isinstance(case_id, str):
        raise InvalidPlan("case_id", case_id, "a string or None", "wrong_type")
    return Plan.from_dict(assemble(pol, inputs, version=version, history=history,
                                   case_id=case_id))
