"""The result of scoring one record: :class:`Assessment` and its JSON contract."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field, fields
from typing import Any

from ._errors import RNRError

__all__ = ["Assessment", "CONTRACT_KEYS"]

#: The keys of ``Assessment.to_dict()``, in order. Adding a key is a minor change of the
#: contract; removing or renaming one is a major change.
CONTRACT_KEYS = (
    "instrument",
    "version",
    "status",
    "scales",
    "risk_level",
    "flags",
    "needs",
    "items",
    "warnings",
    "rnr_version",
    "instrument_digest",
    "input_digest",
)


@dataclass(frozen=True)
class Assessment:
    """One person's scored instrument.

    Attributes
    ----------
    instrument, version : str
        The instrument's id and version.
    status : str
        ``published``, ``incomplete`` or ``not-validated``.
    scales : dict
        Scale id to ``{"raw", "scaled", "level", "level_range", "raw_range", "bounds", "common"}``.
    risk_level : str or None
        The primary scale's level; ``"undetermined"`` when omitted items could change it.
    flags : list of str
        Flags raised.
    needs : list of dict
        Domains, ranked (``rank`` 1 is the most pressing criminogenic need).
    items : dict
        Item id to ``{"value", "points", "omitted"}``.
    warnings : list of str
        Everything the reader must know: omitted items, undetermined levels, an instrument
        that is not validated.
    rnr_version, instrument_digest, input_digest : str
        Library version, SHA-256 of the instrument definition and of the normalised input.

    Examples
    --------
    >>> import rnr
    >>> a = rnr.assess({"sex": "male", "birth_date": "1990-01-01", "conviction_date": "2020-01-01",
    ...                 "first_sanction_date": "2008-06-01", "assessment_date": "2020-02-01",
    ...                 "previous_sanctions": 4, "offence_group": "burglary_domestic"}, "ogrs3")
    >>> rnr.Assessment.from_dict(a.to_dict()) == a
    True
    """

    instrument: str
    version: str
    status: str
    scales: dict
    risk_level: str | None
    flags: list
    needs: list
    items: dict
    warnings: list
    rnr_version: str
    instrument_digest: str
    input_digest: str
    _extra: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def _of(cls, *values: Any) -> Assessment:
        """Build from the values of :data:`CONTRACT_KEYS`, in order: the scoring engine's way.

        The same object as ``cls(*values)`` (whose ``__init__`` checks nothing either), built
        in one step rather than one ``object.__setattr__`` per field.

        Examples
        --------
        >>> values = ("x", "1", "published", {}, None, [], [], {}, [], "0", "", "")
        >>> Assessment._of(*values) == Assessment(*values)
        True
        """
        self = object.__new__(cls)
        self.__dict__.update(zip(CONTRACT_KEYS, values, strict=True), _extra={})
        return self

    def to_dict(self) -> dict:
        """Return the JSON contract: a fresh, JSON-ready dict with :data:`CONTRACT_KEYS`.

        Examples
        --------
        >>> import rnr
        >>> a = rnr.assess({"sex": "female", "birth_date": "1985-03-02",
        ...                 "conviction_date": "2021-05-01", "first_sanction_date": "2021-05-01",
        ...                 "assessment_date": "2021-06-01", "previous_sanctions": 0,
        ...                 "offence_group": "theft_non_motor"}, "ogrs3")
        >>> list(a.to_dict())[:4]
        ['instrument', 'version', 'status', 'scales']
        """
        return {k: copy.deepcopy(getattr(self, k)) for k in CONTRACT_KEYS}

    def to_json(self, **kwargs: Any) -> str:
        """Serialise :meth:`to_dict` as JSON text (``ensure_ascii=False``)."""
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict) -> Assessment:
        """Restore an Assessment from :meth:`to_dict` output (exactly).

        Raises
        ------
        rnr.RNRError
            When keys are missing or unknown.

        Examples
        --------
        >>> Assessment.from_dict({"instrument": "x"})
        Traceback (most recent call last):
        ...
        rnr._errors.RNRError: assessment: missing keys version, status, scales, risk_level, flags, needs, items, warnings, rnr_version, instrument_digest, input_digest
        """
        if not isinstance(data, dict):
            raise RNRError(f"assessment: {type(data).__name__} is not allowed (allowed: a dict)")
        missing = [k for k in CONTRACT_KEYS if k not in data]
        if missing:
            raise RNRError(f"assessment: missing keys {', '.join(missing)}")
        names = {f.name for f in fields(cls)} - {"_extra"}
        extra = {k: v for k, v in data.items() if k not in names}
        return cls(**{k: copy.deepcopy(data[k]) for k in CONTRACT_KEYS}, _extra=extra)

    @classmethod
    def from_json(cls, text: str) -> Assessment:
        """Restore an Assessment from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))

    @property
    def ranked_needs(self) -> list[str]:
        """Dynamic domains identified as criminogenic needs, most pressing first.

        Examples
        --------
        >>> Assessment("x", "1", "published", {}, None, [], [
        ...     {"domain": "b", "need": True, "rank": 2, "role": "need"},
        ...     {"domain": "a", "need": True, "rank": 1, "role": "need"}], {}, [], "0", "", ""
        ... ).ranked_needs
        ['a', 'b']
        """
        needs = [n for n in self.needs if n.get("need") and n.get("rank") is not None]
        return [n["domain"] for n in sorted(needs, key=lambda n: n["rank"])]

    def summary(self, lang: str = "en") -> str:
        """One line a probation officer reads: scales, risk level, ranked needs.

        Examples
        --------
        >>> Assessment("x", "1", "published", {"total": {"raw": 3.0, "scaled": None,
        ...     "level": "low"}}, "low", [], [], {}, [], "0", "", "").summary()
        'x 1: total=3 (low); risk level: low; needs: not assessed by this instrument'
        """
        parts = []
        for sid, s in self.scales.items():
            val = s.get("scaled") if s.get("scaled") is not None else s.get("raw")
            shown = "n/a" if val is None else f"{val:.4g}"
            lvl = f" ({s['level']})" if s.get("level") else ""
            parts.append(f"{sid}={shown}{lvl}")
        needs = ", ".join(self.ranked_needs) or "none identified"
        if not self.needs:
            needs = "not assessed by this instrument"
        return (f"{self.instrument} {self.version}: {'; '.join(parts)}; "
                f"risk level: {self.risk_level or 'n/a'}; needs: {needs}")
