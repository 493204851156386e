"""Plan lines that do not touch the tier or the dose: responsivity, stabilisation, services.

Responsivity changes delivery and sequencing only; these functions never see the tier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._errors import InvalidPlan
from ._policy import Policy

__all__ = ["responsivity_lines", "stabilisation_lines", "normalise_responsivity",
           "normalise_stabilisation", "step_line"]


def _label(value: Mapping) -> dict:
    return dict(value)


def step_line(step: Mapping, rule: str) -> dict:
    """Return a step as a plan line."""
    return {"id": step["id"], "label": _label(step["label"]), "service": step.get("service"),
            "section": step.get("section"), "rule": rule}


def normalise_responsivity(responsivity: Mapping | None, policy: Policy) -> dict:
    """Check the responsivity argument against the policy's factors and return a plain dict.

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> normalise_responsivity({"language": "kk"}, load_policy("default"))
    {'language': 'kk'}
    >>> normalise_responsivity({"language": "fr"}, load_policy("default"))
    Traceback (most recent call last):
    ...
    rnr._planning._errors.InvalidPlan: responsivity.language: 'fr' is not allowed (allowed: one of 'kk', 'ru', 'en', 'other') [not_an_option]
    """
    if responsivity is None:
        return {}
    if not isinstance(responsivity, Mapping):
        raise InvalidPlan("responsivity", responsivity, "a mapping of factor to value",
                          "wrong_type")
    factors = {f["id"]: f for f in policy.get("responsivity", ())}
    out: dict[str, Any] = {}
    for name, value in responsivity.items():
        if name not in factors:
            allowed = ", ".join(factors) or "none declared"
            raise InvalidPlan(f"responsivity.{name}", value, f"a factor of policy "
                              f"{policy.id!r}: {allowed}", "unknown_field")
        values = factors[name]["values"]
        if value is None:
            continue
        if not any(value == v and type(value) is type(v) for v in values):
            raise InvalidPlan(f"responsivity.{name}", value,
                              "one of " + ", ".join(repr(v) for v in values), "not_an_option")
        out[name] = value
    return out


def normalise_stabilisation(stabilisation: Iterable[str] | None, policy: Policy) -> list[str]:
    """Check the stabilisation needs named by the caller against the policy.

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> normalise_stabilisation(["housing", "debts"], load_policy("default"))
    ['housing', 'debts']
    """
    if stabilisation is None:
        return []
    if isinstance(stabilisation, (str, bytes)) or not isinstance(stabilisation, Iterable):
        raise InvalidPlan("stabilisation", stabilisation, "a list of stabilisation need ids",
                          "wrong_type")
    known = [s["id"] for s in policy.get("stabilisation", ())]
    out: list[str] = []
    for item in stabilisation:
        if item not in known:
            raise InvalidPlan("stabilisation", item, "one of " + (", ".join(known) or "none"),
                              "not_an_option")
        if item not in out:
            out.append(item)
    return out


def responsivity_lines(responsivity: Mapping, needs: list, policy: Policy) -> list[dict]:
    """Return the delivery and sequencing adjustments for the responsivity factors given.

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> lines = responsivity_lines({"motivation": "low"}, [], load_policy("default"))
    >>> lines[0]["sequence"], lines[0]["rule"]
    ('before_programme', 'responsivity.motivation.low')
    """
    lines = []
    for factor in policy.get("responsivity", ()):
        if factor["id"] not in responsivity:
            continue
        value = responsivity[factor["id"]]
        for adj in factor["adjustments"]:
            if adj["when"] == value and type(adj["when"]) is type(value):
                when = str(value).lower() if isinstance(value, bool) else value
                lines.append({"factor": factor["id"], "value": value,
                              "delivery": _label(adj["delivery"]),
                              "sequence": adj.get("sequence"),
                              "rule": f"responsivity.{factor['id']}.{when}"})
    known = {f["id"] for f in policy.get("responsivity", ())}
    for need in needs:
        if need.get("need") is not True or need.get("role") != "responsivity":
            continue
        if need["domain"] in responsivity:
            continue  # the caller already set this factor's value: its adjustment is above
        hint = (f"set responsivity={{'{need['domain']}': ...}} to choose the delivery"
                if need["domain"] in known else "adapt delivery by hand")
        lines.append({"factor": need["domain"], "value": need.get("level"), "delivery": None,
                      "sequence": None, "note": f"Flagged by the assessment: {hint}.",
                      "rule": "rnr.responsivity.assessment_domain"})
    return lines


def stabilisation_lines(named: list[str], needs: list, criminogenic_domains: set,
                        policy: Policy) -> tuple[list[dict], list[str]]:
    """Return the stabilisation lines (named by the caller or found in the assessment).

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> needs = [{"domain": "accommodation", "need": True, "role": "stabilisation"}]
    >>> lines, _ = stabilisation_lines([], needs, set(), load_policy("default"))
    >>> lines[0]["need"], lines[0]["found_in"]
    ('housing', ['assessment:accommodation'])
    """
    warnings: list[str] = []
    found: dict[str, list[str]] = {n: ["input"] for n in named}
    for need in needs:
        if need.get("need") is not True or need["domain"] in criminogenic_domains:
            continue
        hit = [s["id"] for s in policy.get("stabilisation", ())
               if need["domain"] in s.get("domains", ())]
        if hit:
            found.setdefault(hit[0], []).append(f"assessment:{need['domain']}")
        elif need.get("role") == "stabilisation":
            warnings.append(f"The assessment identifies the stabilisation need "
                            f"{need['domain']!r}, which policy {policy.id!r} does not map to a "
                            "stabilisation step.")
    lines = []
    for item in policy.get("stabilisation", ()):
        if item["id"] in found:
            rule = f"stabilisation.{item['id']}"
            lines.append({"need": item["id"], "label": _label(item["label"]),
                          "found_in": found[item["id"]],
                          "steps": [step_line(st, f"{rule}.steps.{st['id']}")
                                    for st in item["steps"]],
                          "rule": rule})
    return lines, warnings
