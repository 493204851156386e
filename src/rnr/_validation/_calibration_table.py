"""Observed (and predicted) outcome rates by risk decile or by risk level.

Deciles are formed from distinct risk values so that tied risks are never split: each distinct
value goes to the decile of its mid-rank, ``floor(10 * (rows below + rows at it / 2) / n)``.
Bins may therefore hold unequal numbers of people, and a heavily tied risk gives fewer than
ten bins; a risk with at most ten distinct values gets one bin per value.
Risk levels come from cut-offs ``c_1 < ... < c_k``: level 1 is ``risk < c_1``, level ``i`` is
``c_{i-1} <= risk < c_i``, the last level is ``risk >= c_k`` (a risk equal to a cut-off belongs to
the level above it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._auc import RankCounts
from ._intervals import wilson_interval

__all__ = ["TABLE_SCHEMA", "decile_of_value", "level_of_value", "rate_table"]

#: Column names and types of a calibration or risk-level table (first column ``bin``/``level``).
TABLE_SCHEMA = (
    ("lower", "float"),
    ("upper", "float"),
    ("n", "int"),
    ("events", "int"),
    ("observed_rate", "float"),
    ("observed_low", "float"),
    ("observed_high", "float"),
    ("predicted_rate", "float"),
)


def decile_of_value(counts: RankCounts, n_bins: int = 10) -> np.ndarray:
    """Bin number (0-based, consecutive) of each distinct risk value."""
    k = counts.values.size
    if k <= n_bins:
        return np.arange(k)
    size = counts.pos + counts.neg
    n = int(size.sum())
    mid = (np.cumsum(size) - size) + size / 2.0
    raw = np.minimum((n_bins * mid / n).astype(np.int64), n_bins - 1)
    _, dense = np.unique(raw, return_inverse=True)
    return dense


def level_of_value(values: np.ndarray, cutoffs: np.ndarray) -> np.ndarray:
    """Risk level (0-based) of each value: the number of cut-offs at or below it."""
    return np.searchsorted(np.asarray(cutoffs, dtype=float), values, side="right")


def rate_table(
    counts: RankCounts,
    bin_of_value: np.ndarray,
    n_bins: int,
    probabilities: bool,
    first: str = "bin",
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Observed rate with a Wilson 95% interval, and mean predicted rate, per bin.

    ``bounds`` gives each bin's (lower, upper) definition; by default the smallest and largest
    risk seen in the bin. ``predicted_rate`` (the mean risk) is NaN unless ``probabilities``.
    """
    size = counts.pos + counts.neg
    n = np.bincount(bin_of_value, weights=size, minlength=n_bins).astype(np.int64)
    events = np.bincount(bin_of_value, weights=counts.pos, minlength=n_bins).astype(np.int64)
    risk_sum = np.bincount(bin_of_value, weights=size * counts.values.astype(float),
                           minlength=n_bins)
    if bounds is None:
        lower = np.full(n_bins, np.nan)
        upper = np.full(n_bins, np.nan)
        present = size > 0
        bins, vals = bin_of_value[present], counts.values[present].astype(float)
        # values are sorted and bins non-decreasing in them: first and last value of each bin
        first_at = np.unique(bins, return_index=True)
        last_at = np.unique(bins[::-1], return_index=True)
        lower[first_at[0]] = vals[first_at[1]]
        upper[last_at[0]] = vals[::-1][last_at[1]]
    else:
        lower, upper = (np.asarray(x, dtype=float) for x in bounds)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = events / n
        predicted = risk_sum / n if probabilities else np.full(n_bins, np.nan)
    low, high = wilson_interval(events, n)
    return pd.DataFrame(
        {
            first: np.arange(1, n_bins + 1, dtype=np.int64),
            "lower": lower.astype(float),
            "upper": upper.astype(float),
            "n": n,
            "events": events,
            "observed_rate": rate,
            "observed_low": low,
            "observed_high": high,
            "predicted_rate": predicted,
        }
    )
