"""Place an assessment on the policy's common risk scale, and choose the tier for a level.

The mapping from each instrument's levels (or from a calibrated probability) onto the common
scale is read from the policy file; nothing here knows any instrument.
"""

from __future__ import annotations

import math
from typing import Any

from ._errors import InvalidPlan, UndeterminedRisk
from ._policy import Policy

__all__ = ["place", "select_tier", "UNDETERMINED"]

UNDETERMINED = "undetermined"


def _level_of(a: dict, scale: str | None) -> tuple[str, list | None, str]:
    if scale is None:
        level = a["risk_level"]
        rng = None
        if level == UNDETERMINED:
            open_scales = [s for s, r in a["scales"].items()
                           if isinstance(r, dict) and r.get("level") == UNDETERMINED]
            if len(open_scales) == 1:
                scale = open_scales[0]
                rng = a["scales"][scale].get("level_range")
        return level, rng, scale or "risk_level"
    result = a["scales"].get(scale)
    if not isinstance(result, dict) or "level" not in result:
        raise InvalidPlan("assessment.scales", sorted(a["scales"]),
                          f"a result for the scale {scale!r} named by the policy", "missing_scale")
    return result["level"], result.get("level_range"), scale


def _probability_band(policy: Policy, probability: Any) -> tuple[int, str]:
    if (isinstance(probability, bool) or not isinstance(probability, (int, float))
            or not math.isfinite(probability) or not 0 <= probability <= 1):
        raise InvalidPlan("probability", probability, "a calibrated probability from 0 to 1",
                          "out_of_range")
    prob = policy["common_scale"].get("probability")
    if prob is None:
        raise InvalidPlan("probability", probability,
                          f"None: policy {policy.id!r} declares no common_scale.probability bands",
                          "no_probability_bands")
    index = max(i for i, band in enumerate(prob["bands"]) if band["min"] <= probability)
    return prob["bands"][index]["level"], f"common_scale.probability.bands[{index}]"


def place(a: dict, policy: Policy, probability: float | None = None) -> tuple[dict, list[str]]:
    """Return the risk line of a plan (and warnings) for an assessment dict.

    Parameters
    ----------
    a : dict
        From :func:`assessment_dict`.
    policy : Policy
        Supplies the mapping onto the common scale.
    probability : float, optional
        A calibrated probability; when given, the policy's probability bands decide the level.

    Returns
    -------
    risk : dict
        ``instrument``, ``instrument_version``, ``scale``, ``level``, ``level_range``,
        ``probability``, ``assessed_common_level``, ``common_level``, ``rule``.
    warnings : list of str

    Raises
    ------
    UndeterminedRisk
        The level is undetermined and the policy says ``undetermined = "refuse"``.
    InvalidPlan
        The instrument or level has no mapping in the policy.

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> a = {"instrument": "ogrs3", "version": "3", "risk_level": "high", "needs": [],
    ...      "scales": {"ogrs3_2y": {"level": "high", "level_range": None}}}
    >>> risk, _ = place(a, load_policy("default"))
    >>> risk["common_level"], risk["rule"]
    (4, 'common_scale.instruments.ogrs3.levels.high')
    """
    cs = policy["common_scale"]
    warnings: list[str] = []
    instrument = a["instrument"]
    mapping = cs.get("instruments", {}).get(instrument)
    risk = {"instrument": instrument, "instrument_version": a["version"], "scale": None,
            "level": None, "level_range": None, "probability": probability,
            "assessed_common_level": None, "common_level": None, "rule": None}
    if probability is not None:
        common, rule = _probability_band(policy, probability)
        risk.update(assessed_common_level=common, common_level=common, rule=rule)
        if mapping is not None:
            level, _, scale = _level_of(a, mapping.get("scale"))
            risk.update(scale=scale, level=level)
            by_level = mapping["levels"].get(level)
            if by_level is not None and by_level != common:
                warnings.append(f"The probability places the person at common level {common}; "
                                f"the instrument's level {level!r} maps to {by_level}. "
                                "The probability was used.")
        return risk, warnings
    if mapping is None:
        known = ", ".join(sorted(cs.get("instruments", {}))) or "none"
        raise InvalidPlan("assessment.instrument", instrument,
                          f"an instrument mapped in policy {policy.id!r} ({known}), "
                          "or a calibrated probability", "unmapped_instrument")
    level, level_range, scale = _level_of(a, mapping.get("scale"))
    risk.update(scale=scale, level=level, level_range=level_range)
    if mapping.get("scale") and a["risk_level"] != level:
        warnings.append(f"The policy reads scale {scale!r} (level {level!r}); the assessment's "
                        f"headline risk level is {a['risk_level']!r}.")
    if level == UNDETERMINED:
        if cs["undetermined"] == "refuse" or not level_range:
            where = f"assessment.scales.{scale}.level" if scale != "risk_level" else \
                "assessment.risk_level"
            span = (f" (level range {level_range[0]}..{level_range[-1]})" if level_range else "")
            raise UndeterminedRisk(where, UNDETERMINED,
                                   f"a determined level{span}: answer the omitted items; policy "
                                   f"{policy.id!r} does not plan on an undetermined level "
                                   f"(common_scale.undetermined = {cs['undetermined']!r})")
        commons = []
        for lv in level_range:
            if lv not in mapping["levels"]:
                raise InvalidPlan(f"assessment.scales.{scale}.level_range", level_range,
                                  f"levels mapped in policy {policy.id!r}", "unmapped_level")
            commons.append(mapping["levels"][lv])
        common = max(commons)
        risk.update(assessed_common_level=common, common_level=common,
                    rule="common_scale.undetermined.upper_bound")
        warnings.append(f"The risk level is undetermined ({level_range[0]}..{level_range[-1]}); "
                        f"planned at the upper bound, common level {common}, under the rule "
                        "common_scale.undetermined = 'upper_bound'. Complete the assessment.")
        return risk, warnings
    if level not in mapping["levels"]:
        raise InvalidPlan(f"assessment.scales.{scale}.level", level,
                          f"one of {', '.join(mapping['levels'])} (mapped in policy "
                          f"{policy.id!r})", "unmapped_level")
    common = mapping["levels"][level]
    declared = a["scales"].get(scale, {}).get("common") if scale != "risk_level" else None
    if isinstance(declared, int) and not isinstance(declared, bool) and declared != common:
        warnings.append(f"The instrument declares common level {declared} for {level!r}; "
                        f"policy {policy.id!r} maps it to {common}. The policy's mapping was "
                        "used.")
    risk.update(assessed_common_level=common, common_level=common,
                rule=f"common_scale.instruments.{instrument}.levels.{level}")
    return risk, warnings


def select_tier(policy: Policy, common_level: int, n_needs: int) -> dict:
    """Return the tier line for a common level and a number of identified criminogenic needs.

    Examples
    --------
    >>> from rnr._planning._policy import load_policy
    >>> t = select_tier(load_policy("default"), 4, 3)
    >>> t["id"], t["dosage_hours"], t["dosage_rule"]
    ('high', 300, 'tiers.high.escalation')
    """
    levels = policy.common_levels
    if common_level not in levels:
        raise InvalidPlan("common_level", common_level,
                          f"a level of the common scale ({levels[0]}..{levels[-1]})",
                          "out_of_range")
    tier = [t for t in policy.tiers if t["common_min"] <= common_level][-1]
    dose, dose_rule = tier["dosage_hours"], f"tiers.{tier['id']}"
    esc = tier.get("escalation")
    if esc is not None and n_needs >= esc["needs_min"]:
        dose, dose_rule = esc["dosage_hours"], f"tiers.{tier['id']}.escalation"
    return {
        "id": tier["id"],
        "label": dict(tier["label"]),
        "contacts_per_month": tier["contacts_per_month"],
        "dosage_hours": dose,
        "intensive": bool(tier.get("intensive", False)),
        "residential": bool(tier.get("residential", False)),
        "rule": f"tiers.{tier['id']}",
        "dosage_rule": dose_rule,
    }
