"""Load a policy file into a validated, frozen :class:`Policy`.

A policy says what a service does with an assessment: how each instrument's levels map onto one
common risk scale, the tier (supervision contacts, programme dosage) for each common level, which
intervention serves each criminogenic need, how responsivity changes delivery, the stabilisation
steps, the outputs of each stage, reassessment and override rules. Every default cites a source
declared in the file. Loading never executes code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._errors import InvalidPlan, InvalidPolicy
from ._policy_schema import CENTRAL_EIGHT_DYNAMIC, check_schema

__all__ = ["Policy", "load_policy", "policies"]

_DIR = Path(__file__).resolve().parent.parent / "instruments" / "policies"


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


@dataclass(frozen=True, eq=False)
class Policy:
    """A validated, read-only policy.

    Attributes
    ----------
    id, version, status : str
        From the file's ``[policy]`` table.
    source : str
        The file it was read from, or ``"<dict>"``.
    digest : str
        ``"sha256:..."`` of the canonical JSON of the definition; plans record it.
    data : Mapping
        The whole definition, deeply read-only.

    Examples
    --------
    >>> p = load_policy("default")
    >>> p.id, p.common_levels
    ('default', (1, 2, 3, 4, 5))
    >>> [t["id"] for t in p.tiers]
    ['low', 'moderate', 'high', 'very_high']
    """

    id: str
    version: str
    status: str
    source: str
    digest: str
    data: Mapping

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(self) -> str:
        return f"Policy(id={self.id!r}, version={self.version!r}, status={self.status!r})"

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """Return a top-level section, or ``default`` when the file has none.

        Examples
        --------
        >>> load_policy("default").get("juvenile")["label"]["en"]
        'Juvenile profile'
        """
        return self.data.get(key, default)

    @property
    def common_levels(self) -> tuple[int, ...]:
        """The levels of the common risk scale, lowest first."""
        return tuple(lv["level"] for lv in self.data["common_scale"]["levels"])

    @property
    def tiers(self) -> tuple[Mapping, ...]:
        """The tiers, lowest risk first."""
        return self.data["tiers"]

    @property
    def sources(self) -> Mapping[str, Mapping]:
        """The declared sources by id."""
        return MappingProxyType({s["id"]: s for s in self.data["policy"]["sources"]})

    def to_dict(self) -> dict:
        """Return the definition as plain, JSON-ready data.

        Examples
        --------
        >>> load_policy("default").to_dict()["format_version"]
        1
        """
        return _thaw(self.data)


def _digest(data: Mapping) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _walk_source_refs(node: Any, path: str):
    if isinstance(node, Mapping):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else key
            if key == "source" and isinstance(value, list):
                yield sub, value
            else:
                yield from _walk_source_refs(value, sub)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk_source_refs(value, f"{path}[{i}]")


_LABEL_KEYS = {"label", "title", "delivery", "output_label"}


def _walk_labels(node: Any, path: str):
    if isinstance(node, Mapping):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else key
            if key in _LABEL_KEYS and isinstance(value, Mapping):
                yield sub, value
            else:
                yield from _walk_labels(value, sub)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk_labels(value, f"{path}[{i}]")


def _unique(items: list, where: str, src: str) -> set:
    seen: set = set()
    for i, item in enumerate(items):
        if item["id"] in seen:
            raise InvalidPolicy(src, f"{where}[{i}].id", f"duplicate id {item['id']!r}")
        seen.add(item["id"])
    return seen


def _check_common_scale(d: dict, src: str) -> list[int]:
    cs = d["common_scale"]
    levels = [lv["level"] for lv in cs["levels"]]
    if levels != list(range(1, len(levels) + 1)):
        raise InvalidPolicy(src, "common_scale.levels",
                            f"levels must be 1, 2, ... in order; got {levels}")
    top = levels[-1]
    for inst, mapping in cs.get("instruments", {}).items():
        for level_id, common in mapping["levels"].items():
            if common > top:
                raise InvalidPolicy(src, f"common_scale.instruments.{inst}.levels.{level_id}",
                                    f"{common} is not a level of the common scale (1..{top})")
    prob = cs.get("probability")
    if prob is not None:
        bands = prob["bands"]
        if bands[0]["min"] != 0:
            raise InvalidPolicy(src, "common_scale.probability.bands[0].min",
                                "the first band must start at 0")
        for i in range(1, len(bands)):
            if bands[i]["min"] <= bands[i - 1]["min"]:
                raise InvalidPolicy(src, f"common_scale.probability.bands[{i}].min",
                                    "band minimums must increase")
            if bands[i]["level"] < bands[i - 1]["level"]:
                raise InvalidPolicy(src, f"common_scale.probability.bands[{i}].level",
                                    "levels must not decrease as probability rises")
        for i, band in enumerate(bands):
            if band["level"] > top:
                raise InvalidPolicy(src, f"common_scale.probability.bands[{i}].level",
                                    f"{band['level']} is not a level of the common scale")
    return levels


def _check_tiers(d: dict, src: str, top: int) -> None:
    tiers = d["tiers"]
    _unique(tiers, "tiers", src)
    if tiers[0]["common_min"] != 1:
        raise InvalidPolicy(src, "tiers[0].common_min", "the first tier must start at level 1")
    for i, tier in enumerate(tiers):
        if tier["common_min"] > top:
            raise InvalidPolicy(src, f"tiers[{i}].common_min",
                                f"{tier['common_min']} is above the top common level {top}")
        esc = tier.get("escalation")
        if esc is not None and esc["dosage_hours"] < tier["dosage_hours"]:
            raise InvalidPolicy(src, f"tiers[{i}].escalation.dosage_hours",
                                "an escalation must not lower the dosage")
        if i == 0:
            continue
        prev = tiers[i - 1]
        if tier["common_min"] <= prev["common_min"]:
            raise InvalidPolicy(src, f"tiers[{i}].common_min", "tiers must be in rising order")
        for key in ("contacts_per_month", "dosage_hours"):
            if tier[key] < prev[key]:
                raise InvalidPolicy(src, f"tiers[{i}].{key}",
                                    f"must not decrease as risk rises ({prev[key]} -> {tier[key]})")
        prev_esc = prev.get("escalation")
        if prev_esc is not None and prev_esc["dosage_hours"] > tier["dosage_hours"]:
            raise InvalidPolicy(src, f"tiers[{i - 1}].escalation.dosage_hours",
                                "must not exceed the next tier's dosage (dose never decreases "
                                "as risk rises)")
    g = d["guards"]
    for i, tier in enumerate(tiers):
        if tier["common_min"] > g["low_risk_max_common"]:
            continue
        doses = [tier["dosage_hours"]]
        if "escalation" in tier:
            doses.append(tier["escalation"]["dosage_hours"])
        if (tier["contacts_per_month"] >= g["intensive_contacts_min"] or tier.get("intensive")
                or tier.get("residential") or max(doses) >= g["high_dose_hours_min"]):
            raise InvalidPolicy(src, f"tiers[{i}]",
                                "a tier that low-risk levels fall into may not be intensive, "
                                "residential or high-dose (guards)")


def _check_catalogue(d: dict, src: str) -> None:
    service_ids = _unique(d.get("services", []), "services", src)
    mapped: dict[str, str] = {}
    _unique(d["interventions"], "interventions", src)
    for i, iv in enumerate(d["interventions"]):
        for j, c8 in enumerate(iv["central_eight"]):
            if c8 not in CENTRAL_EIGHT_DYNAMIC:
                raise InvalidPolicy(src, f"interventions[{i}].central_eight[{j}]",
                                    f"{c8!r} is not a dynamic Central Eight need "
                                    f"({', '.join(CENTRAL_EIGHT_DYNAMIC)})")
            if c8 in mapped:
                raise InvalidPolicy(src, f"interventions[{i}].central_eight[{j}]",
                                    f"{c8!r} is already mapped to {mapped[c8]!r}")
            mapped[c8] = iv["id"]
        for j, s in enumerate(iv.get("services", [])):
            if s not in service_ids:
                raise InvalidPolicy(src, f"interventions[{i}].services[{j}]",
                                    f"unknown service {s!r}")
    missing = [c for c in CENTRAL_EIGHT_DYNAMIC if c not in mapped]
    if missing:
        raise InvalidPolicy(src, "interventions",
                            f"no intervention for the criminogenic needs {', '.join(missing)}")
    for j, c8 in enumerate(d["targets"]["priority"]):
        if c8 not in CENTRAL_EIGHT_DYNAMIC:
            raise InvalidPolicy(src, f"targets.priority[{j}]",
                                f"{c8!r} is not a dynamic Central Eight need")
    for i, factor in enumerate(d.get("responsivity", [])):
        for j, adj in enumerate(factor["adjustments"]):
            if adj["when"] not in factor["values"]:
                raise InvalidPolicy(src, f"responsivity[{i}].adjustments[{j}].when",
                                    f"{adj['when']!r} is not one of the factor's values")
    _unique(d.get("responsivity", []), "responsivity", src)
    _unique(d.get("stabilisation", []), "stabilisation", src)
    steps = [(f"stabilisation[{i}].steps[{j}]", st)
             for i, s in enumerate(d.get("stabilisation", [])) for j, st in enumerate(s["steps"])]
    steps += [(f"stages[{i}].steps[{j}]", st)
              for i, s in enumerate(d["stages"]) for j, st in enumerate(s.get("steps", []))]
    if "juvenile" in d:
        steps += [(f"juvenile.steps[{j}]", st) for j, st in enumerate(d["juvenile"]["steps"])]
    for where, st in steps:
        if "service" in st and st["service"] not in service_ids:
            raise InvalidPolicy(src, f"{where}.service", f"unknown service {st['service']!r}")
    stage_ids = _unique(d["stages"], "stages", src)
    for i, stage in enumerate(d["stages"]):
        for j, s in enumerate(stage.get("services", [])):
            if s not in service_ids:
                raise InvalidPolicy(src, f"stages[{i}].services[{j}]", f"unknown service {s!r}")
    if d["policy"]["default_stage"] not in stage_ids:
        raise InvalidPolicy(src, "policy.default_stage",
                            f"{d['policy']['default_stage']!r} is not a declared stage")
    _unique(d["override"]["reasons"], "override.reasons", src)


def _validate(d: dict, src: str) -> None:
    check_schema(d, src)
    meta = d["policy"]
    if meta.get("unverified") and meta["status"] == "published":
        raise InvalidPolicy(src, "policy.status",
                            "a policy with unverified entries may not be 'published'")
    source_ids = {s["id"] for s in meta["sources"]}
    if len(source_ids) != len(meta["sources"]):
        _unique(meta["sources"], "policy.sources", src)
    for where, refs in _walk_source_refs(d, ""):
        for j, ref in enumerate(refs):
            if ref not in source_ids:
                raise InvalidPolicy(src, f"{where}[{j}]", f"unknown source {ref!r}")
    for where, label in _walk_labels(d, ""):
        for lang in meta["languages"]:
            if not label.get(lang, "").strip():
                raise InvalidPolicy(src, f"{where}.{lang}",
                                    f"missing the {lang!r} text (languages: "
                                    f"{', '.join(meta['languages'])})")
    levels = _check_common_scale(d, src)
    _check_tiers(d, src, levels[-1])
    if d["guards"]["low_risk_max_common"] >= levels[-1]:
        raise InvalidPolicy(src, "guards.low_risk_max_common",
                            "must be below the top common level")
    r = d["reassessment"]
    if r["expires_months"] <= r["interval_months"]:
        raise InvalidPolicy(src, "reassessment.expires_months",
                            "must be longer than interval_months")
    _check_catalogue(d, src)


def _build(data: Mapping, src: str) -> Policy:
    if not isinstance(data, Mapping):
        raise InvalidPolicy(src, "<top>", f"{type(data).__name__} is not a table")
    d = json.loads(json.dumps(data))  # plain, JSON-ready copy (TOML has no dates here)
    _validate(d, src)
    meta = d["policy"]
    return Policy(id=meta["id"], version=meta["version"], status=meta["status"], source=src,
                  digest=_digest(d), data=_freeze(d))


def _read(path: Path, name: str) -> Policy:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidPolicy(name, "<toml>", f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise InvalidPolicy(name, "<file>", f"cannot be read: {exc.strerror}") from None
    return _build(data, name)


@cache
def _shipped(policy_id: str) -> Policy:
    return _read(_DIR / f"{policy_id}.toml", f"{policy_id}.toml")


def policies() -> tuple[str, ...]:
    """Return the ids of the policies shipped with rnr.

    Examples
    --------
    >>> policies()
    ('default', 'kz-probation')
    """
    return tuple(sorted(p.stem for p in _DIR.glob("*.toml")))


def load_policy(policy: str | os.PathLike | Mapping | Policy = "default") -> Policy:
    """Load and validate a policy.

    Parameters
    ----------
    policy : str, path, mapping or Policy
        A shipped policy id (see :func:`policies`), a path to a ``.toml`` file, or the parsed
        definition as a mapping. A :class:`Policy` is returned unchanged.

    Returns
    -------
    Policy
        Validated and read-only.

    Raises
    ------
    InvalidPolicy
        The definition is malformed: names the file, the path inside it and the problem.
    InvalidPlan
        ``policy`` is neither a shipped id, nor a path, nor a mapping.

    Examples
    --------
    >>> load_policy("kz-probation").data["policy"]["languages"]
    ('en', 'ru', 'kk')
    >>> d = load_policy("default").to_dict()
    >>> d["tiers"][1]["dosage_hours"] = 10 ** 4
    >>> load_policy(d)
    Traceback (most recent call last):
    ...
    rnr._planning._errors.InvalidPolicy: <dict>: tiers[2].dosage_hours: must not decrease as risk rises (10000 -> 200)
    """
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, Mapping):
        return _build(policy, "<dict>")
    if isinstance(policy, str) and policy in policies():
        return _shipped(policy)
    if isinstance(policy, (str, os.PathLike)):
        path = Path(policy)
        if path.suffix == ".toml":
            if not path.is_file():
                raise InvalidPlan("policy", str(policy), "an existing .toml file", "no_such_file")
            return _read(path, str(path))
    allowed = ", ".join(policies()) + ", a path to a .toml file, or a mapping"
    raise InvalidPlan("policy", policy, allowed, "unknown_policy")
