"""Candidate cut-offs for numeric features and levels for categorical ones.

Each feature becomes a small integer code per row: for a numeric feature the number of
candidate cut-offs at or below the value (``x >= cut``), for a categorical one the index of
its level. Candidate cut-offs are observed values: every distinct value when there are few,
otherwise weighted quantiles, so that repeating a row and doubling its weight give the same
candidates. A cut-off is a candidate only if at least ``min_band`` weight lies on each side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import InvalidRecord
from ._columns import category_values, is_numeric_column, numeric_values

__all__ = ["Feature", "learn_features", "encode", "read_columns"]


@dataclass(frozen=True)
class Feature:
    """One feature: its kind and the candidate cut-offs (numeric) or levels (categorical)."""

    name: str
    kind: str  # "numeric" | "categorical"
    cuts: tuple = ()  # candidate cut-offs, increasing: code = number of cuts <= value
    levels: tuple = ()  # categorical levels, in a stable order: code = index
    minimum: float = 0.0  # smallest value seen in fit (numeric)
    integer: bool = False  # numeric and stored as integers in fit

    @property
    def n_codes(self) -> int:
        """How many distinct codes the feature can take."""
        return len(self.cuts) + 1 if self.kind == "numeric" else len(self.levels)


def read_columns(frame: pd.DataFrame, features: tuple[Feature, ...] | None = None) -> list:
    """Read every column as numbers or categories (as in ``features`` when given).

    Examples
    --------
    >>> import pandas as pd
    >>> [v.dtype.kind for v in read_columns(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))]
    ['f', 'O']
    """
    out = []
    for j, name in enumerate(frame.columns):
        col = frame.iloc[:, j]
        numeric = is_numeric_column(col) if features is None else features[j].kind == "numeric"
        if numeric:
            out.append(numeric_values(col, str(name)))
        else:
            out.append(category_values(col, str(name)))
    return out


def _level_key(value) -> tuple:
    return (type(value).__name__, str(value))


def _numeric_feature(name: str, x: np.ndarray, w: np.ndarray, integer: bool,
                     max_candidates: int, min_band: float) -> Feature:
    codes, found = pd.factorize(x, sort=True)  # hashing: faster than sorting a long column
    uniq = np.asarray(found, dtype="float64")
    weight = np.bincount(codes, weights=w, minlength=uniq.shape[0])
    below = np.cumsum(weight)  # weight at or below each distinct value
    total = below[-1]
    if uniq.shape[0] - 1 <= max_candidates:
        picks = np.arange(1, uniq.shape[0])
    else:
        probs = np.arange(1, max_candidates + 1) / (max_candidates + 1)
        picks = np.unique(np.searchsorted(below / total, probs, side="left") + 1)
        picks = picks[picks < uniq.shape[0]]
    under = below[picks - 1]
    ok = (under >= min_band) & (total - under >= min_band)
    cuts = tuple(float(v) for v in uniq[picks[ok]])
    return Feature(name, "numeric", cuts=cuts, minimum=float(uniq[0]), integer=integer)


def learn_features(frame: pd.DataFrame, columns: list, w: np.ndarray, max_candidates: int,
                   min_band: float) -> tuple[Feature, ...]:
    """Learn each feature's candidate cut-offs or levels from the rows with positive weight.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"priors": [0, 0, 1, 2, 5], "sex": ["F", "M", "M", "M", "F"]})
    >>> feats = learn_features(frame, read_columns(frame), np.ones(5), 8, 1.0)
    >>> feats[0].cuts, feats[1].levels
    ((1.0, 2.0, 5.0), ('F', 'M'))
    """
    features = []
    for j, values in enumerate(columns):
        name = str(frame.columns[j])
        if values.dtype.kind == "f":
            integer = pd.api.types.is_integer_dtype(frame.iloc[:, j].dtype)
            features.append(_numeric_feature(name, values, w, integer, max_candidates, min_band))
        else:
            levels = sorted(pd.unique(values).tolist(), key=_level_key)
            features.append(Feature(name, "categorical", levels=tuple(levels)))
    return tuple(features)


def encode(columns: list, features: tuple[Feature, ...], check_levels: bool = True) -> np.ndarray:
    """Return the code matrix, shape ``(n_rows, n_features)``, dtype int32.

    Raises
    ------
    rnr.InvalidRecord
        A categorical value not seen in fit (when ``check_levels``; otherwise code -1).

    Examples
    --------
    >>> import numpy as np
    >>> f = Feature("age", "numeric", cuts=(25.0, 35.0))
    >>> encode([np.array([18.0, 25.0, 40.0])], (f,)).ravel().tolist()
    [0, 1, 2]
    """
    n = columns[0].shape[0] if columns else 0
    codes = np.empty((n, len(features)), dtype=np.int32)
    for j, (values, feat) in enumerate(zip(columns, features, strict=True)):
        if feat.kind == "numeric":
            codes[:, j] = np.searchsorted(np.asarray(feat.cuts, dtype="float64"), values,
                                          side="right")
        else:
            index = {_level_key(v): k for k, v in enumerate(feat.levels)}
            inverse, uniq = pd.factorize(values)
            mapped = np.array([index.get(_level_key(u), -1) for u in uniq], dtype=np.int32)
            if check_levels and np.any(mapped < 0):
                bad = uniq[int(np.argmax(mapped < 0))]
                allowed = ", ".join(repr(v) for v in feat.levels)
                raise InvalidRecord(feat.name, bad, f"one of {allowed}", code="not_an_option")
            codes[:, j] = mapped[inverse] if len(uniq) else 0
    return codes
