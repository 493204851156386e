"""A digest of a record's normalised input, the same for one record and for a batch row.

The digest is the SHA-256 of the canonical JSON of the record's normalised pairs: keys sorted,
no spaces, UTF-8, non-ASCII kept (:func:`record_digest`). The one-record path writes the
same text from per-pair pieces (:func:`json_key`, :func:`canonical_json`, :func:`pairs_digest`)
so that pieces fixed by the instrument (keys, option values) are written once, not per record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from json.encoder import encode_basestring

__all__ = ["canonical_value", "record_digest", "json_key", "canonical_json", "value_json",
           "pairs_digest"]

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_value(kind: str, value: float | int, values: tuple = ()) -> object:
    """Normalised value: an ISO date, an option value, an int for whole numbers, else a float.

    Examples
    --------
    >>> canonical_value("date", 0.0), canonical_value("number", 3.0), canonical_value("category", 1, ("a", "b"))
    ('1970-01-01', 3, 'b')
    """
    if kind == "date":
        return dt.date.fromordinal(_EPOCH_ORDINAL + int(value)).isoformat()
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


def json_key(key: str) -> str:
    r"""Return the start of a pair in the canonical JSON: the key as JSON text, and a colon.

    Examples
    --------
    >>> print(json_key('say "hi"'))
    "say \"hi\"":
    """
    return encode_basestring(key) + ":"


def canonical_json(value: object) -> str:
    """Write a normalised value (:func:`canonical_value`) as JSON, as :func:`record_digest` does.

    Examples
    --------
    >>> canonical_json("Қазақ"), canonical_json(3), canonical_json(0.5), canonical_json(True)
    ('"Қазақ"', '3', '0.5', 'true')
    """
    t = type(value)
    if t is str:
        return encode_basestring(value)
    if t is int or (t is float and math.isfinite(value)):
        return repr(value)  # the JSON encoder writes ints and finite floats with repr
    return _ENCODER.encode(value)


def value_json(kind: str, value: float) -> str:
    """Write a date's or a number's normalised value as JSON (:func:`canonical_json`).

    Examples
    --------
    >>> value_json("date", 0.0), value_json("number", 2.0), value_json("number", 0.25)
    ('"1970-01-01"', '2', '0.25')
    """
    if kind == "date":  # an ISO date is digits and hyphens: nothing to escape
        return '"' + dt.date.fromordinal(_EPOCH_ORDINAL + int(value)).isoformat() + '"'
    return canonical_json(canonical_value(kind, value))


def pairs_digest(pairs: dict[str, str]) -> str:
    """:func:`record_digest` of the pairs, given each as ``json_key(k) + canonical_json(v)``.

    ``pairs`` maps each key to its written pair; omitted values (NaN) must be left out.

    Examples
    --------
    >>> values = {"b": "x", "a": 1, "c": 2.5, "d": "Қ"}
    >>> written = {k: json_key(k) + canonical_json(v) for k, v in values.items()}
    >>> pairs_digest(written) == record_digest(values)
    True
    """
    blob = "{" + ",".join([pairs[k] for k in sorted(pairs)]) + "}"
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()
