"""A digest of a record's normalised input, the same for one record and for a batch row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math

__all__ = ["canonical_value", "record_digest"]

_EPOCH = dt.date(1970, 1, 1)


def canonical_value(kind: str, value: float | int, values: tuple = ()) -> object:
    """Normalised value: an ISO date, an option value, an int for whole numbers, else a float.

    Examples
    --------
    >>> canonical_value("date", 0.0), canonical_value("number", 3.0), canonical_value("category", 1, ("a", "b"))
    ('1970-01-01', 3, 'b')
    """
    if kind == "date":
        return (_EPOCH + dt.timedelta(days=int(value))).isoformat()
    if kind == "category":
        return values[int(value)]
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def record_digest(pairs: dict) -> str:
    """SHA-256 of the canonical JSON of ``pairs`` (a dict of normalised values; key order free).

    Examples
    --------
    >>> record_digest({"a": 1, "b": "x"}) == record_digest({"b": "x", "a": 1})
    True
    """
    clean = {k: v for k, v in pairs.items() if not (isinstance(v, float) and math.isnan(v))}
    blob = json.dumps(clean, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()
