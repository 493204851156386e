"""The :class:`Plan`: an individual plan, JSON-ready, versioned, overridable on the record."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from ._dates import as_date
from ._errors import InvalidPlan, OverrideRefused
from ._policy import Policy, load_policy

__all__ = ["Plan", "FORMAT_VERSION", "rnr_version"]

FORMAT_VERSION = 1


def rnr_version() -> str:
    """Return the installed rnr version (``"0+unknown"`` when not installed).

    Examples
    --------
    >>> isinstance(rnr_version(), str)
    True
    """
    try:
        from importlib.metadata import PackageNotFoundError, version
        return version("rnr")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "0+unknown"


_TYPES: dict[str, tuple] = {
    "format_version": (int,), "policy": (dict,), "version": (int,), "case_id": (str, type(None)),
    "status": (str,), "assessed_on": (str, type(None)), "stage": (dict,), "juvenile": (bool,),
    "risk": (dict,), "tier": (dict,), "needs": (list,), "targets": (list,),
    "responsivity": (list,), "stabilisation": (list,), "stage_steps": (list,),
    "services": (list,), "reassessment": (dict,), "outputs": (list,),
    "juvenile_profile": (dict, type(None)), "override": (dict, type(None)),
    "rationale": (list,), "warnings": (list,), "inputs": (dict,), "history": (list,),
    "rnr_version": (str,),
}


_FIELD = {"override": "override_record"}  # to_dict() key -> attribute (the method is override)
_KEY = {v: k for k, v in _FIELD.items()}


def _text(label: Mapping | None, lang: str) -> str:
    if not label:
        return ""
    return label.get(lang) or label.get("en", "")


@dataclass(frozen=True)
class Plan:
    """An individual plan built by :func:`rnr.plan` under a policy.

    Every field is JSON-ready; :meth:`to_dict` and :meth:`from_dict` round-trip exactly. Each line
    (tier, targets, responsivity, stabilisation, services, outputs) carries the ``rule`` that
    produced it, and :attr:`rationale` lists them with their sources.

    Attributes
    ----------
    risk : dict
        The instrument's level, the common level it maps to and the rule.
    tier : dict
        ``id``, ``contacts_per_month``, ``dosage_hours``, ``intensive``, ``residential``.
    targets : list of dict
        The ranked criminogenic needs targeted, each with its intervention and hours.
    responsivity, stabilisation, stage_steps, services, outputs : list of dict
        Delivery adjustments; stabilisation steps; stage steps; services; the stage's output.
    reassessment : dict
        Interval, ``due_on``, ``expires_on``, triggers.
    override_record : dict or None
        Original and final level, direction, reason, rationale and approver (``"override"`` in
        :meth:`to_dict`; :meth:`override` makes a new, overridden plan).
    version : int
        1 for a first plan; each override or reassessment adds one. ``history`` keeps the rest.

    Examples
    --------
    >>> from rnr._planning import plan
    >>> a = {"instrument": "ogrs3", "version": "3.0.0", "risk_level": "medium", "needs": [
    ...     {"domain": "attitudes", "need": True, "rank": 1, "kind": "dynamic", "role": "need",
    ...      "central_eight": "antisocial_cognition", "level": "need"}],
    ...     "scales": {"ogrs3_2y": {"level": "medium", "level_range": None}}}
    >>> p = plan(a, assessed_on="2025-03-01")
    >>> p.tier["dosage_hours"], p.targets[0]["intervention"], p.targets[0]["hours"]
    (100, 'cognitive_behavioural', 100)
    >>> Plan.from_dict(p.to_dict()) == p
    True
    >>> q = p.override(level=4, reason_code="aggravating_information",
    ...                rationale="Threats to the victim reported by police.",
    ...                approved_by="senior officer 17")
    >>> q.override_record["direction"], q.tier["id"], q.version, len(q.versions())
    ('up', 'high', 2, 2)
    """

    format_version: int
    policy: dict
    version: int
    case_id: str | None
    status: str
    assessed_on: str | None
    stage: dict
    juvenile: bool
    risk: dict
    tier: dict
    needs: list
    targets: list
    responsivity: list
    stabilisation: list
    stage_steps: list
    services: list
    reassessment: dict
    outputs: list
    juvenile_profile: dict | None
    override_record: dict | None
    rationale: list
    warnings: list
    inputs: dict
    history: list
    rnr_version: str

    __hash__ = None  # plans hold dicts and lists: compare them, do not hash them

    # ------------------------------------------------------------------ data in and out
    def to_dict(self) -> dict:
        """Return the plan as a JSON-ready mapping (a deep copy).

        Examples
        --------
        >>> import json
        >>> from rnr._planning import plan
        >>> a = {"instrument": "ogrs3", "version": "3", "risk_level": "low", "needs": [],
        ...      "scales": {"ogrs3_2y": {"level": "low"}}}
        >>> d = plan(a).to_dict()
        >>> json.loads(json.dumps(d)) == d
        True
        """
        return {_KEY.get(f.name, f.name): copy.deepcopy(getattr(self, f.name))
                for f in fields(self)}

    def to_json(self, **kwargs: Any) -> str:
        """Return :meth:`to_dict` as JSON text (UTF-8 labels kept as they are).

        Examples
        --------
        >>> from rnr._planning import plan
        >>> a = {"instrument": "ogrs3", "version": "3", "risk_level": "low", "needs": [],
        ...      "scales": {"ogrs3_2y": {"level": "low"}}}
        >>> plan(a).to_json().startswith('{"format_version": 1')
        True
        """
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: Mapping) -> Plan:
        """Rebuild a plan from :meth:`to_dict` output (for example read back from JSON).

        Raises
        ------
        InvalidPlan
            A field is missing, unknown or of the wrong type.

        Examples
        --------
        >>> Plan.from_dict({"format_version": 1})
        Traceback (most recent call last):
        ...
        rnr._planning._errors.InvalidPlan: plan.policy: None is not allowed (allowed: present) [missing_required]
        """
        if not isinstance(data, Mapping):
            raise InvalidPlan("plan", type(data).__name__, "a mapping from Plan.to_dict()",
                              "wrong_type")
        for key, types in _TYPES.items():
            if key not in data:
                raise InvalidPlan(f"plan.{key}", None, "present", "missing_required")
            value = data[key]
            if not isinstance(value, types) or (types == (int,) and isinstance(value, bool)):
                names = " or ".join("null" if t is type(None) else t.__name__ for t in types)
                raise InvalidPlan(f"plan.{key}", value, names, "wrong_type")
        extra = sorted(set(data) - set(_TYPES))
        if extra:
            raise InvalidPlan(f"plan.{extra[0]}", data[extra[0]],
                              "only the fields of Plan.to_dict()", "unknown_field")
        if data["format_version"] != FORMAT_VERSION:
            raise InvalidPlan("plan.format_version", data["format_version"],
                              str(FORMAT_VERSION), "unsupported_version")
        if data["version"] < 1:
            raise InvalidPlan("plan.version", data["version"], "an integer from 1", "out_of_range")
        for i, old in enumerate(data["history"]):
            if not isinstance(old, Mapping) or "version" not in old:
                raise InvalidPlan(f"plan.history[{i}]", old, "an earlier plan's to_dict()",
                                  "wrong_type")
        try:
            plain = json.loads(json.dumps({k: data[k] for k in _TYPES}, allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise InvalidPlan("plan", "<not JSON-ready>", f"JSON-ready values ({exc})",
                              "wrong_type") from None
        return cls(**{_FIELD.get(k, k): v for k, v in plain.items()})

    # ------------------------------------------------------------------ versions
    def history_with_self(self) -> list[dict]:
        """Return the history a successor of this plan keeps: earlier versions, then this one.

        Examples
        --------
        >>> from rnr._planning import plan
        >>> a = {"instrument": "ogrs3", "version": "3", "risk_level": "low", "needs": [],
        ...      "scales": {"ogrs3_2y": {"level": "low"}}}
        >>> [h["version"] for h in plan(a).history_with_self()]
        [1]
        """
        own = self.to_dict()
        own["history"] = []
        return copy.deepcopy(self.history) + [own]

    def versions(self) -> list[Plan]:
        """Return every version of this plan, oldest first, ending with this one.

        Examples
        --------
        >>> from rnr._planning import plan
        >>> a = {"instrument": "ogrs3", "version": "3", "risk_level": "low", "needs": [],
        ...      "scales": {"ogrs3_2y": {"level": "low"}}}
        >>> p1 = plan(a)
        >>> p2 = plan(a, previous=p1)
        >>> [p.version for p in p2.versions()], p2.versions()[0] == p1
        ([1, 2], True)
        """
        out = []
        for i, old in enumerate(self.history):
            entry = copy.deepcopy(dict(old))
            entry["history"] = copy.deepcopy(self.history[:i])
            out.append(Plan.from_dict(entry))
        return out + [self]

    # ------------------------------------------------------------------ override
    def override(self, *, level: int, reason_code: str, rationale: str, approved_by: str,
                 approved_on=None, policy: str | Mapping | Policy | None = None) -> Plan:
        """Return a new plan at another common level, recording the override.

        The tier, dose and targets are rebuilt at the final level under the same policy and
        inputs; the new plan records the original and final level, the direction, the reason
        code, the rationale and the approver, has ``version + 1`` and keeps this plan in its
        history.

        Parameters
        ----------
        level : int
            The final level on the policy's common scale.
        reason_code : str
            One of the policy's ``override.reasons``.
        rationale : str
            Why, in words (required).
        approved_by : str
            Who approved it (required).
        approved_on : datetime.date or str, optional
            When it was approved.
        policy : str, Mapping or Policy, optional
            The policy the plan was built with, when it is not a shipped one.

        Raises
        ------
        OverrideRefused
            No reason, rationale or approver; an unknown reason code; a level that is not on the
            common scale or does not change the level.

        Examples
        --------
        >>> from rnr._planning import plan
        >>> a = {"instrument": "ogrs3", "version": "3", "risk_level": "low", "needs": [],
        ...      "scales": {"ogrs3_2y": {"level": "low"}}}
        >>> plan(a).override(level=4, reason_code="aggravating_information",
        ...                      rationale="", approved_by="x")
        Traceback (most recent call last):
        ...
        rnr._planning._errors.OverrideRefused: rationale: '' is not allowed (allowed: a non-empty explanation of the override) [override_refused]
        """
        from ._build import assemble

        pol = load_policy(self.policy["id"] if policy is None else policy)
        if pol.digest != self.policy["digest"]:
            raise InvalidPlan("policy", pol.id, f"the policy this plan was built with "
                              f"({self.policy['id']} {self.policy['digest'][:19]}...)",
                              "policy_changed")
        levels = pol.common_levels
        if isinstance(level, bool) or not isinstance(level, int) or level not in levels:
            raise OverrideRefused("level", level, f"a common level from {levels[0]} to "
                                  f"{levels[-1]}")
        reasons = {r["id"]: r for r in pol["override"]["reasons"]}
        if reason_code not in reasons:
            raise OverrideRefused("reason_code", reason_code, "one of " + ", ".join(reasons))
        if not isinstance(rationale, str) or not rationale.strip():
            raise OverrideRefused("rationale", rationale, "a non-empty explanation of the override")
        if not isinstance(approved_by, str) or not approved_by.strip():
            raise OverrideRefused("approved_by", approved_by,
                                  "the name or id of the approving officer")
        approved = as_date(approved_on, "approved_on")
        original = self.risk["assessed_common_level"]
        if level == self.risk["common_level"]:
            raise OverrideRefused("level", level,
                                  f"a level other than the current {self.risk['common_level']}")
        if level == original:
            raise OverrideRefused("level", level, f"a level other than the assessed level "
                                  f"{original}; to withdraw an override use plan.versions()")
        record = {"original_level": original, "final_level": level,
                  "direction": "up" if level > original else "down",
                  "reason_code": reason_code, "reason_label": dict(reasons[reason_code]["label"]),
                  "rationale": rationale.strip(), "approved_by": approved_by.strip(),
                  "approved_on": approved.isoformat() if approved else None, "rule": "override"}
        return Plan.from_dict(assemble(pol, copy.deepcopy(self.inputs), override=record,
                                       version=self.version + 1,
                                       history=self.history_with_self(), case_id=self.case_id))

    # ------------------------------------------------------------------ reassessment
    def reassessment_status(self, on, events: Iterable[str] = ()) -> str:
        """Say whether a reassessment is ``"current"``, ``"due"``, ``"expired"`` or ``"due_now"``.

        ``due`` from ``due_on`` (inclusive), ``expired`` from ``expires_on`` (inclusive), and
        ``due_now`` at once when a trigger event (e.g. a new arrest) is given.

        Examples
        --------
        >>> from rnr._planning import plan
        >>> a = {"instrument": "ogrs3", "version": "3", "risk_level": "low", "needs": [],
        ...      "scales": {"ogrs3_2y": {"level": "low"}}}
        >>> p = plan(a, assessed_on="2025-01-10")
        >>> p.reassessment_status("2025-07-09"), p.reassessment_status("2025-07-10")
        ('current', 'due')
        >>> p.reassessment_status("2025-02-01", events=["new_arrest"])
        'due_now'
        """
        day = as_date(on, "on")
        if day is None:
            raise InvalidPlan("on", on, "a date", "missing_required")
        triggers = self.reassessment["triggers"]
        events = [events] if isinstance(events, str) else list(events)
        for event in events:
            if event not in triggers:
                raise InvalidPlan("events", event, "one of " + ", ".join(triggers),
                                  "not_an_option")
        if events:
            return "due_now"
        if self.reassessment["due_on"] is None:
            raise InvalidPlan("assessed_on", None, "a plan built with assessed_on",
                              "missing_required")
        if day < as_date(self.assessed_on, "assessed_on"):
            raise InvalidPlan("on", day.isoformat(), "on or after assessed_on", "date_order")
        if day >= as_date(self.reassessment["expires_on"], "expires_on"):
            return "expired"
        if day >= as_date(self.reassessment["due_on"], "due_on"):
            return "due"
        return "current"

    # ------------------------------------------------------------------ reading
    def summary(self, lang: str = "en") -> str:
        """Return the plan as text, one line per decision, each with its rule.

        Parameters
        ----------
        lang : {"en", "ru", "kk"}
            Labels in this language where the policy has them (else English).

        Examples
        --------
        >>> from rnr._planning import plan
        >>> a = {"instrument": "ogrs3", "version": "3", "risk_level": "medium", "needs": [],
        ...      "scales": {"ogrs3_2y": {"level": "medium"}}}
        >>> print(plan(a, "kz-probation").summary("ru").splitlines()[2])
        Tier: moderate, Средний: около 100 часов программ: 2 contacts a month, 100 programme hours [tiers.moderate]
        """
        r, t = self.risk, self.tier
        out = [f"Plan v{self.version} ({self.policy['id']} {self.policy['version']}, "
               f"{self.status}); stage: {_text(self.stage['label'], lang)}; output: "
               + ", ".join(_text(o["label"], lang) for o in self.outputs)]
        source = (f"probability {r['probability']}" if r["probability"] is not None
                  else f"level {r['level']!r}")
        out.append(f"Risk: {r['instrument']} {source} -> common level {r['common_level']} "
                   f"({r['common_level_id']}) [{r['rule']}]")
        out.append(f"Tier: {t['id']}, {_text(t['label'], lang)}: {t['contacts_per_month']} "
                   f"contacts a month, {t['dosage_hours']} programme hours [{t['dosage_rule']}]")
        if self.override_record:
            o = self.override_record
            out.append(f"Override: {o['direction']} from {o['original_level']} to "
                       f"{o['final_level']} ({o['reason_code']}; approved by {o['approved_by']}):"
                       f" {o['rationale']}")
        for i, tg in enumerate(self.targets, 1):
            out.append(f"Target {i}: {tg['domain']} ({tg['central_eight']}) -> "
                       f"{_text(tg['intervention_label'], lang)}, {tg['hours']} h [{tg['rule']}]")
        for line in self.responsivity:
            text = _text(line["delivery"], lang) or line.get("note", "")
            out.append(f"Responsivity: {line['factor']}={line['value']}: {text} "
                       f"({line['sequence']}) [{line['rule']}]")
        for s in self.stabilisation:
            steps = "; ".join(_text(st["label"], lang) for st in s["steps"])
            out.append(f"Stabilisation: {_text(s['label'], lang)}: {steps} [{s['rule']}]")
        for st in self.stage_steps:
            out.append(f"Stage step: {_text(st['label'], lang)} [{st['rule']}]")
        if self.juvenile_profile:
            for st in self.juvenile_profile["steps"]:
                out.append(f"Juvenile: {_text(st['label'], lang)} [{st['rule']}]")
        if self.services:
            out.append("Services: " + "; ".join(_text(s["label"], lang) for s in self.services))
        ra = self.reassessment
        out.append(f"Reassessment: due {ra['due_on']}, expires {ra['expires_on']}; at once on "
                   f"{', '.join(ra['triggers'])} [{ra['rule']}]")
        out += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(out)
