"""Cut a smoothed effect curve into a few bands, optimally, by dynamic programming.

The bands of a numeric feature are contiguous runs of its candidate bins; a categorical
feature's levels are first ordered by effect, so its groups are runs in that order. The cost
of a band is the Fisher-information-weighted squared distance of its bins' effects from
their mean, which approximates the deviance lost by giving the band one effect; the
partition into ``k`` bands minimising the total is exact (Bellman, 1961; Fisher, 1958, "On
grouping for maximum homogeneity"). Each band must hold at least ``min_band`` weight. Bands
are added while each new one buys at least ``price`` in deviance, up to ``max_bands``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["segment"]


def segment(effect: np.ndarray, information: np.ndarray, weight: np.ndarray, max_bands: int,
            min_band: float, price: float) -> list[int]:
    """Return the starts of bands 2, 3, ... as positions in ``effect`` (empty: one band).

    Examples
    --------
    >>> import numpy as np
    >>> f = np.array([0.0, 0.0, 1.0, 1.0, 3.0])
    >>> segment(f, np.ones(5) * 100, np.ones(5) * 100, max_bands=5, min_band=50, price=2.0)
    [2, 4]
    """
    n = effect.shape[0]
    big = np.inf
    cw = np.concatenate([[0.0], np.cumsum(information)])
    cf = np.concatenate([[0.0], np.cumsum(information * effect)])
    cf2 = np.concatenate([[0.0], np.cumsum(information * effect * effect)])
    cn = np.concatenate([[0.0], np.cumsum(weight)])

    def cost(a: int, b: int) -> float:
        if cn[b] - cn[a] < min_band:
            return big
        w = cw[b] - cw[a]
        if w <= 0:
            return 0.0
        s = cf[b] - cf[a]
        return max(cf2[b] - cf2[a] - s * s / w, 0.0)

    kmax = max(1, min(max_bands, n))
    best = np.full((kmax + 1, n + 1), big)
    back = np.zeros((kmax + 1, n + 1), dtype=np.int64)
    best[0, 0] = 0.0
    for k in range(1, kmax + 1):
        for b in range(k, n + 1):
            for a in range(k - 1, b):
                if best[k - 1, a] == big:
                    continue
                value = best[k - 1, a] + cost(a, b)
                if value < best[k, b]:
                    best[k, b], back[k, b] = value, a
    feasible = [k for k in range(1, kmax + 1) if best[k, n] < big]
    if not feasible:
        return []
    chosen = feasible[0]
    for k in feasible[1:]:
        if best[chosen, n] - best[k, n] >= price * (k - chosen):
            chosen = k
    starts, b = [], n
    for k in range(chosen, 0, -1):
        a = int(back[k, b])
        if a > 0:
            starts.append(a)
        b = a
    return sorted(starts)
