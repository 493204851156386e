"""``rnr.override_report``: how often, in which direction and in which groups levels are overridden.

Override rates are a quality signal (Wormith, Hogg & Guzzo 2012): a rate drifting above the
policy's configured ``override.max_rate`` is reported as a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._errors import InvalidPlan
from ._plan import Plan
from ._policy import load_policy, policies

__all__ = ["override_report", "OverrideReport"]


@dataclass(frozen=True)
class OverrideReport:
    """Override rates overall and by group.

    Attributes
    ----------
    overall : dict
        ``n``, ``overridden``, ``up``, ``down``, ``rate``, ``up_rate``, ``down_rate``.
    by_group : dict
        The same figures for each group label.
    max_rate : float
        The rate above which a warning is given.
    warnings : tuple of str
    """

    overall: dict
    by_group: dict
    max_rate: float
    warnings: tuple = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """Return the report as JSON-ready data.

        Examples
        --------
        >>> r = override_report([{"override": None}], max_rate=0.1)
        >>> r.to_dict()["overall"]["rate"]
        0.0
        """
        return {"overall": dict(self.overall),
                "by_group": {k: dict(v) for k, v in self.by_group.items()},
                "max_rate": self.max_rate, "warnings": list(self.warnings)}


def _as_dict(p: Any, i: int) -> Mapping:
    if isinstance(p, Plan):
        return p.to_dict()
    if isinstance(p, Mapping):
        return p
    raise InvalidPlan(f"plans[{i}]", type(p).__name__, "a Plan or its to_dict() mapping",
                      "wrong_type")


def _direction(p: Mapping, i: int) -> str | None:
    ov = p.get("override")
    if ov is None:
        return None
    if not isinstance(ov, Mapping) or ov.get("direction") not in ("up", "down"):
        raise InvalidPlan(f"plans[{i}].override.direction", ov,
                          "'up' or 'down' (or override = None)", "not_an_option")
    return ov["direction"]


def _lookup(p: Mapping, path: str, i: int) -> Any:
    node: Any = p
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise InvalidPlan("groups", path, f"a field present in every plan (missing in "
                              f"plans[{i}])", "unknown_field")
        node = node[part]
    if isinstance(node, Mapping) and "id" in node:
        node = node["id"]
    return node


def _figures(directions: list) -> dict:
    n = len(directions)
    up = sum(d == "up" for d in directions)
    down = sum(d == "down" for d in directions)
    return {"n": n, "overridden": up + down, "up": up, "down": down,
            "rate": (up + down) / n if n else 0.0, "up_rate": up / n if n else 0.0,
            "down_rate": down / n if n else 0.0}


def _configured_rate(dicts: list) -> float:
    ids = {d.get("policy", {}).get("id") if isinstance(d.get("policy"), Mapping) else None
           for d in dicts}
    if None in ids or not ids <= set(policies()):
        raise InvalidPlan("max_rate", None, "a rate from 0 to 1 (the plans do not all name a "
                          "shipped policy whose override.max_rate could be used)",
                          "missing_required")
    rates = {load_policy(i)["override"]["max_rate"] for i in ids}
    if len(rates) > 1:
        raise InvalidPlan("max_rate", None, f"a rate from 0 to 1 (the plans' policies disagree: "
                          f"{sorted(rates)})", "missing_required")
    return rates.pop()


def override_report(plans: Iterable[Plan | Mapping], groups: str | Sequence | None = None, *,
                    max_rate: float | None = None) -> OverrideReport:
    """Return override rates by direction, overall and by group, with drift warnings.

    Pass each case's current plan once (an overridden plan counts as one override).

    Parameters
    ----------
    plans : iterable of Plan or Mapping
        Plans (or their ``to_dict()``); only ``override`` (and ``policy`` for the default
        ``max_rate``) are read.
    groups : str or sequence, optional
        A field path read from each plan (``"stage"``, ``"tier"``, ``"risk.instrument"``,
        ``"juvenile"``, ...) or one label per plan.
    max_rate : float, optional
        Warn when an override rate is above it (default: the plans' policy ``override.max_rate``).

    Returns
    -------
    OverrideReport

    Examples
    --------
    >>> ps = [{"override": {"direction": "up"}}] + [{"override": None}] * 3
    >>> r = override_report(ps, groups=["a", "a", "b", "b"], max_rate=0.25)
    >>> r.overall["rate"], r.by_group["a"]["up_rate"]
    (0.25, 0.5)
    >>> r.warnings
    ("Group 'a': override rate 0.50 (1 of 2) is above the configured 0.25.",)
    """
    dicts = [_as_dict(p, i) for i, p in enumerate(plans)]
    if not dicts:
        raise InvalidPlan("plans", [], "at least one plan", "missing_required")
    directions = [_direction(d, i) for i, d in enumerate(dicts)]
    if max_rate is None:
        max_rate = _configured_rate(dicts)
    if isinstance(max_rate, bool) or not isinstance(max_rate, (int, float)) \
            or not 0 <= max_rate <= 1:
        raise InvalidPlan("max_rate", max_rate, "a rate from 0 to 1", "out_of_range")
    if groups is None:
        labels = None
    elif isinstance(groups, str):
        labels = [_lookup(d, groups, i) for i, d in enumerate(dicts)]
    else:
        labels = list(groups)
        if len(labels) != len(dicts):
            raise InvalidPlan("groups", f"{len(labels)} labels",
                              f"one label per plan ({len(dicts)})", "wrong_length")
    overall = _figures(directions)
    warnings = []
    if overall["rate"] > max_rate:
        warnings.append(f"Overall: override rate {overall['rate']:.2f} ({overall['overridden']} "
                        f"of {overall['n']}) is above the configured {max_rate:.2f}.")
    by_group: dict[str, dict] = {}
    if labels is not None:
        for label in dict.fromkeys(str(x) for x in labels):
            ds = [d for d, lab in zip(directions, labels, strict=True) if str(lab) == label]
            by_group[label] = _figures(ds)
            fig = by_group[label]
            if fig["rate"] > max_rate:
                warnings.append(f"Group {label!r}: override rate {fig['rate']:.2f} "
                                f"({fig['overridden']} of {fig['n']}) is above the configured "
                                f"{max_rate:.2f}.")
    return OverrideReport(overall=overall, by_group=by_group, max_rate=float(max_rate),
                          warnings=tuple(warnings))
