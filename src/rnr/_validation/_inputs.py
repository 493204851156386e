"""Checking and aligning the arrays given to :func:`validate` and friends."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._errors import InvalidData
from ._serial import plain

__all__ = [
    "as_vector",
    "as_outcome",
    "as_risk",
    "as_groups",
    "as_cutoffs",
    "check_choice",
    "check_int",
    "check_random_state",
    "same_index",
]


def _index_of(values) -> pd.Index | None:
    return values.index if isinstance(values, (pd.Series, pd.DataFrame)) else None


def as_vector(values, field: str) -> np.ndarray:
    """Return a 1-D numeric float array (NaN for missing); raise InvalidData otherwise."""
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise InvalidData(field, f"a table of {values.shape[1]} columns", "one column",
                              code="wrong_type")
        values = values.iloc[:, 0]
    if not isinstance(values, pd.Series):
        arr = np.asarray(values, dtype=object if not hasattr(values, "dtype") else None)
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if arr.ndim != 1:
            raise InvalidData(field, f"an array of shape {arr.shape}", "a 1-D sequence",
                              code="wrong_type")
        values = pd.Series(arr)
    if values.dtype == bool or str(values.dtype) == "boolean":
        values = values.astype("Float64")
    try:
        numeric = pd.to_numeric(values, errors="raise")
    except (ValueError, TypeError) as exc:
        bad = next((v for v in values if not _is_number_or_missing(v)), None)
        raise InvalidData(field, bad, "numbers (missing values as NaN/None)",
                          code="wrong_type") from exc
    return numeric.astype("float64").to_numpy(dtype=float, na_value=np.nan)


def _is_number_or_missing(v) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, (numbers.Number, np.number, bool, np.bool_)):
        return True
    return False


def same_index(*values) -> None:
    """Raise InvalidData when pandas inputs carry different indexes (matched by position)."""
    named = [(field, _index_of(v)) for field, v in values]
    named = [(f, ix) for f, ix in named if ix is not None]
    for field, ix in named[1:]:
        if not ix.equals(named[0][1]):
            raise InvalidData(
                field, "a pandas object whose index differs from that of " + named[0][0],
                "the same index (inputs are matched row by row); use .reset_index(drop=True)",
                code="misaligned",
            )


def as_outcome(y) -> np.ndarray:
    """Outcomes as float 0.0/1.0 with NaN for missing."""
    arr = as_vector(y, "y")
    bad = ~np.isnan(arr) & (arr != 0.0) & (arr != 1.0)
    if bad.any():
        raise InvalidData("y", plain(arr[bad][0]), "0 or 1 (or True/False)", code="out_of_range")
    return arr


def as_risk(risk, n: int) -> np.ndarray:
    """Risks (probabilities or scores) as floats with NaN for missing; infinities refused."""
    arr = as_vector(risk, "risk")
    if arr.size != n:
        raise InvalidData("risk", f"{arr.size} values", f"{n} values, one per outcome in y",
                          code="wrong_length")
    if np.isinf(arr).any():
        raise InvalidData("risk", plain(arr[np.isinf(arr)][0]), "finite numbers",
                          code="out_of_range")
    return arr


def as_groups(groups, n: int) -> dict[str, tuple[np.ndarray, list]]:
    """Return grouping columns as ``{name: (codes, labels)}``; code -1 marks a missing label.

    Accepts a Series (its name, or ``"group"``), a DataFrame (each column), a mapping of names
    to sequences, or one plain sequence (named ``"group"``). Labels are returned as plain Python
    scalars (str, int, float or bool; anything else as its ``str``).
    """
    if groups is None:
        return {}
    if isinstance(groups, pd.DataFrame):
        columns = {str(c): groups[c] for c in groups.columns}
    elif isinstance(groups, pd.Series):
        columns = {str(groups.name) if groups.name is not None else "group": groups}
    elif isinstance(groups, Mapping):
        columns = {str(k): v for k, v in groups.items()}
    else:
        columns = {"group": groups}
    if not columns:
        raise InvalidData("groups", "no columns", "at least one grouping column", code="wrong_type")
    out = {}
    for name, col in columns.items():
        if not isinstance(col, pd.Series):
            arr = np.asarray(col, dtype=object)
            if arr.ndim != 1:
                raise InvalidData(f"groups[{name!r}]", f"an array of shape {arr.shape}",
                                  "a 1-D sequence of labels", code="wrong_type")
            col = pd.Series(arr)
        if col.size != n:
            raise InvalidData(f"groups[{name!r}]", f"{col.size} labels",
                              f"{n} labels, one per outcome in y", code="wrong_length")
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        labels = [_label(v, name) for v in np.asarray(uniques, dtype=object)]
        if len(set(map(repr, labels))) != len(labels):
            raise InvalidData(f"groups[{name!r}]", labels, "labels that stay distinct as text",
                              code="ambiguous")
        out[name] = (np.asarray(codes, dtype=np.int64), labels)
    return out


def _label(v, name: str):
    v = plain(v)
    if isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            raise InvalidData(f"groups[{name!r}]", v, "finite labels", code="out_of_range")
        return v
    return str(v)


def as_cutoffs(cutoffs) -> np.ndarray:
    """Cut-offs as a strictly increasing float array (possibly empty)."""
    if cutoffs is None:
        return np.empty(0)
    arr = np.atleast_1d(np.asarray(cutoffs, dtype=object))
    try:
        values = arr.astype(float)
    except (TypeError, ValueError) as exc:
        raise InvalidData("cutoffs", cutoffs, "numbers", code="wrong_type") from exc
    if values.ndim != 1 or not np.all(np.isfinite(values)):
        raise InvalidData("cutoffs", cutoffs, "a list of finite numbers", code="out_of_range")
    if values.size > 1 and not np.all(np.diff(values) > 0):
        raise InvalidData("cutoffs", values.tolist(), "strictly increasing numbers",
                          code="not_increasing")
    return values


def check_choice(value, field: str, choices: tuple[str, ...]) -> str:
    """Check a string option."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidData(field, value, "one of " + ", ".join(repr(c) for c in choices),
                          code="not_an_option")
    return value


def check_int(value, field: str, minimum: int) -> int:
    """Check an integer setting."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidData(field, value, f"an integer >= {minimum}", code="out_of_range")
    return int(value)


def check_random_state(value) -> int | None:
    """``random_state`` must be None or a non-negative integer (it is recorded in the report)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise InvalidData("random_state", value, "None or a non-negative integer",
                          code="wrong_type")
    return int(value)
