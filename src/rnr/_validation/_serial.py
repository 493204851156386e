"""JSON-ready encoding of numbers and tables, with exact round trips.

Non-finite floats are written as the strings ``"nan"``, ``"inf"`` and ``"-inf"`` (JSON has no
such numbers); finite floats are written as Python floats, whose shortest ``repr`` round-trips
exactly through :mod:`json`. Tables are ``{"columns": [...], "data": [[...], ...]}`` with a fixed
schema per table, so reading one back restores the same column types.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._errors import InvalidData

__all__ = [
    "encode_float",
    "decode_float",
    "encode_label",
    "encode_table",
    "decode_table",
    "plain",
]

_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def plain(value: Any) -> Any:
    """Return a numpy scalar as the equivalent Python scalar; other values unchanged."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def encode_float(value: float | None) -> float | str | None:
    """Encode a float (or None) for JSON."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def decode_float(value: Any, field: str, optional: bool = False) -> float | None:
    """Decode a float written by :func:`encode_float`, checking its type."""
    if value is None and optional:
        return None
    if isinstance(value, str) and value in _NONFINITE:
        return _NONFINITE[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        allowed = "a number, 'nan', 'inf' or '-inf'" + (" or null" if optional else "")
        raise InvalidData(field, value, allowed, code="bad_format")
    return float(value)


def encode_label(value: Any) -> Any:
    """Encode a group label (str, int, float or bool) for JSON."""
    return plain(value)


def _check_label(value: Any, field: str) -> Any:
    if isinstance(value, (str, int, float, bool)):
        return value
    raise InvalidData(field, value, "a string, integer, number or boolean", code="bad_format")


def encode_table(frame: pd.DataFrame | None, schema: Sequence[tuple[str, str]]) -> dict | None:
    """Encode a DataFrame with the given ``(column, type)`` schema.

    Types are ``"int"``, ``"float"``, ``"str"`` and ``"label"`` (a JSON scalar kept as is).
    """
    if frame is None:
        return None
    columns = [name for name, _ in schema]
    data = []
    for row in frame[columns].itertuples(index=False, name=None):
        out = []
        for value, (_, kind) in zip(row, schema, strict=True):
            if kind == "int":
                out.append(int(value))
            elif kind == "float":
                out.append(encode_float(value))
            elif kind == "str":
                out.append(str(value))
            else:
                out.append(encode_label(value))
        data.append(out)
    return {"columns": columns, "data": data}


def decode_table(
    payload: Any, schema: Sequence[tuple[str, str]], field: str, optional: bool = False
) -> pd.DataFrame | None:
    """Decode a table written by :func:`encode_table`, checking its schema and types."""
    if payload is None and optional:
        return None
    columns = [name for name, _ in schema]
    if not isinstance(payload, dict) or payload.get("columns") != columns:
        raise InvalidData(
            field, payload if not isinstance(payload, dict) else payload.get("columns"),
            f"a table with columns {columns}", code="bad_format",
        )
    data = payload.get("data")
    if not isinstance(data, list):
        raise InvalidData(f"{field}.data", data, "a list of rows", code="bad_format")
    cols: dict[str, list] = {name: [] for name in columns}
    for i, row in enumerate(data):
        if not isinstance(row, list) or len(row) != len(columns):
            raise InvalidData(f"{field}.data[{i}]", row, f"a list of {len(columns)} values",
                              code="bad_format")
        for value, (name, kind) in zip(row, schema, strict=True):
            where = f"{field}.data[{i}].{name}"
            if kind == "int":
                if isinstance(value, bool) or not isinstance(value, int):
                    raise InvalidData(where, value, "an integer", code="bad_format")
                cols[name].append(value)
            elif kind == "float":
                cols[name].append(decode_float(value, where))
            elif kind == "str":
                if not isinstance(value, str):
                    raise InvalidData(where, value, "a string", code="bad_format")
                cols[name].append(value)
            else:
                cols[name].append(_check_label(value, where))
    frame = pd.DataFrame(
        {
            name: pd.Series(cols[name], dtype=_DTYPES[kind])
            for name, kind in schema
        },
        columns=columns,
    )
    return frame


_DTYPES = {"int": "int64", "float": "float64", "str": object, "label": object}
