"""Pool-adjacent-violators on counts: the non-decreasing outcome-rate curve over risk."""

from __future__ import annotations

import numpy as np

__all__ = ["isotonic_rates"]


def isotonic_rates(events: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Weighted isotonic (non-decreasing) fit of ``events / n`` over sorted distinct values.

    Each distinct risk value is one point weighted by its number of people, so tied risks are
    never split. Returns the fitted rate at each value; the fit is constant on blocks of pooled
    values, and each block's rate is the observed rate of the people in it.

    Examples
    --------
    >>> import numpy as np
    >>> isotonic_rates(np.array([1, 4, 2, 9]), np.array([10, 10, 10, 10])).tolist()
    [0.1, 0.3, 0.3, 0.9]
    """
    events = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    sums: list[float] = []
    weights: list[float] = []
    sizes: list[int] = []
    for e, w in zip(events, n, strict=True):
        sums.append(e)
        weights.append(w)
        sizes.append(1)
        while len(sums) > 1 and sums[-2] * weights[-1] >= sums[-1] * weights[-2]:
            # previous block's rate >= this block's: pool them
            s, w2, c = sums.pop(), weights.pop(), sizes.pop()
            sums[-1] += s
            weights[-1] += w2
            sizes[-1] += c
    rates = [s / w for s, w in zip(sums, weights, strict=True)]
    return np.repeat(rates, sizes)
