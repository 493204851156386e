"""Read an assessment (an ``rnr.Assessment`` or its ``to_dict()`` mapping) as plain data.

Only the parts a plan needs are kept (no item answers): instrument, version, status, scales,
risk_level, flags, needs, warnings, rnr_version and the digests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ._errors import InvalidPlan

__all__ = ["assessment_dict", "KEPT"]

KEPT = ("instrument", "version", "status", "scales", "risk_level", "flags", "needs", "warnings",
        "rnr_version", "instrument_digest", "input_digest")
_REQUIRED = ("instrument", "version", "scales", "risk_level", "needs")
_NEED_KEYS = ("domain", "need", "rank", "kind", "role", "central_eight")


def assessment_dict(assessment: Any) -> dict:
    """Return the JSON-ready parts of an assessment that a plan uses.

    Parameters
    ----------
    assessment : rnr.Assessment or Mapping
        Anything with ``to_dict()``, or the mapping it returns.

    Returns
    -------
    dict
        The keys in :data:`KEPT` (absent optional keys become ``None`` or empty).

    Raises
    ------
    InvalidPlan
        A required key is missing or a need entry lacks its fields.

    Examples
    --------
    >>> a = {"instrument": "ogrs3", "version": "3", "scales": {}, "risk_level": "low",
    ...      "needs": [], "items": {"age": {"value": 30}}}
    >>> sorted(assessment_dict(a))[:3], "items" in assessment_dict(a)
    (['flags', 'input_digest', 'instrument'], False)
    """
    if hasattr(assessment, "to_dict") and not isinstance(assessment, Mapping):
        data = assessment.to_dict()
    elif isinstance(assessment, Mapping):
        data = assessment
    else:
        raise InvalidPlan("assessment", type(assessment).__name__,
                          "an rnr.Assessment or the mapping its to_dict() returns", "wrong_type")
    for key in _REQUIRED:
        if key not in data:
            raise InvalidPlan(f"assessment.{key}", None, "present (see Assessment.to_dict())",
                              "missing_required")
    if not isinstance(data["needs"], (list, tuple)):
        raise InvalidPlan("assessment.needs", data["needs"], "a list of need entries",
                          "wrong_type")
    if not isinstance(data["scales"], Mapping):
        raise InvalidPlan("assessment.scales", data["scales"], "a mapping of scale id to result",
                          "wrong_type")
    for i, need in enumerate(data["needs"]):
        if not isinstance(need, Mapping):
            raise InvalidPlan(f"assessment.needs[{i}]", need, "a mapping", "wrong_type")
        for key in _NEED_KEYS:
            if key not in need:
                raise InvalidPlan(f"assessment.needs[{i}].{key}", None, "present",
                                  "missing_required")
    kept = {key: data.get(key) for key in KEPT}
    kept["flags"] = list(kept["flags"] or [])
    kept["warnings"] = list(kept["warnings"] or [])
    try:
        return json.loads(json.dumps(kept, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InvalidPlan("assessment", "<not JSON-ready>", f"JSON-ready values ({exc})",
                          "wrong_type") from None
