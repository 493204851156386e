"""Collapse people who share the same codes on every feature into one weighted row.

Everything PointsModel learns depends on a person only through their codes, so fitting on
answer patterns (with the number of people and of outcomes in each) gives the same result as
fitting on people, at a fraction of the cost: a million synthetic COMPAS-like rows
(``benchmarks/bench_points_model.py``) have about 14,000 patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Patterns", "collapse"]


@dataclass(frozen=True)
class Patterns:
    """Distinct code rows with their summed weights (``trials``) and weighted outcomes."""

    codes: np.ndarray  # (n_patterns, n_features) int32
    events: np.ndarray  # (n_patterns,) weighted number with the outcome
    trials: np.ndarray  # (n_patterns,) weighted number of people

    @property
    def total(self) -> float:
        """Total weight."""
        return float(self.trials.sum())


def collapse(codes: np.ndarray, y01: np.ndarray, w: np.ndarray, n_codes: list[int]) -> Patterns:
    """Group rows by their codes.

    Parameters
    ----------
    codes : ndarray of shape (n_rows, n_features)
        Non-negative codes, feature ``j`` below ``n_codes[j]``.
    y01, w : ndarray of shape (n_rows,)
        Outcome (0/1) and weight of each row.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([[0, 1], [0, 1], [1, 0]], dtype=np.int32)
    >>> p = collapse(codes, np.array([1.0, 0.0, 1.0]), np.ones(3), [2, 2])
    >>> p.codes.tolist(), p.events.tolist(), p.trials.tolist()
    ([[0, 1], [1, 0]], [1.0, 1.0], [2.0, 1.0])
    """
    radix = [max(int(k), 1) for k in n_codes]
    if float(np.prod([float(r) for r in radix])) < 2.0**62:
        key = np.zeros(codes.shape[0], dtype=np.int64)
        for j, r in enumerate(radix):
            key = key * r + codes[:, j]
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        unique_codes = codes[first]
    else:
        unique_codes, inverse = np.unique(codes, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    g = unique_codes.shape[0]
    events = np.bincount(inverse, weights=w * y01, minlength=g)
    trials = np.bincount(inverse, weights=w, minlength=g)
    return Patterns(np.ascontiguousarray(unique_codes, dtype=np.int32), events, trials)
