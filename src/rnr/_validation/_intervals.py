"""Confidence intervals for a proportion (Wilson score interval)."""

from __future__ import annotations

import numpy as np

__all__ = ["Z95", "wilson_interval"]

#: The 97.5th percentile of the standard normal distribution (two-sided 95%).
Z95 = 1.959963984540054


def wilson_interval(events, n, z: float = Z95):
    """Wilson (1927) score interval for proportions ``events / n``.

    Works element-wise on arrays; where ``n == 0`` both bounds are NaN.

    Parameters
    ----------
    events, n : array_like of int
        Numbers of events and of people.
    z : float
        Normal quantile (1.96 for 95%).

    Returns
    -------
    low, high : ndarray of float

    Examples
    --------
    >>> low, high = wilson_interval(0, 10)
    >>> float(low), round(float(high), 4)
    (0.0, 0.2775)
    """
    events = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = events / n
        z2 = z * z
        denom = 1.0 + z2 / n
        centre = (p + z2 / (2.0 * n)) / denom
        half = (z / denom) * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    # exact ends: no events -> low is 0, all events -> high is 1 (avoid rounding residue)
    low = np.where(events == 0, 0.0, low)
    high = np.where(events == n, 1.0, high)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)
