"""From band effects in logit units to integer points.

As in FasterRisk (Liu et al., 2022) and RiskSLIM (Ustun & Rudin, 2019): the effects are
multiplied by a common multiplier and rounded, the multiplier chosen on a grid so that the
logistic fit of the outcome on the integer total loses least log-likelihood; then a local
search moves single points by one while that improves the fit. Every item's points stay
within ``point_range``; the multiplier grid stops where an item's spread of effects would
need more than the range.
"""

from __future__ import annotations

import numpy as np

from ._logistic import fit_logistic, log_loss

__all__ = ["integer_points"]


def _fit_total(total: np.ndarray, events: np.ndarray, trials: np.ndarray) -> float:
    """Log-loss of the logistic fit of the outcome on the total (rows grouped by total)."""
    values, index = np.unique(total, return_inverse=True)
    events = np.bincount(index, weights=events, minlength=values.shape[0])
    trials = np.bincount(index, weights=trials, minlength=values.shape[0])
    total = values
    if np.ptp(total) == 0:
        a, _ = fit_logistic(np.zeros((total.shape[0], 0)), events, trials)
        return log_loss(np.full(total.shape[0], a), events, trials)
    a, b = fit_logistic(total[:, None].astype("float64"), events, trials)
    return log_loss(a + b[0] * total, events, trials)


def _into_range(points: np.ndarray, reference: int, low: int, high: int) -> np.ndarray:
    """Shift an item's points so its reference group has 0, or as close as the range allows."""
    points = points - points[reference]
    if points.max() > high:
        points = points - (points.max() - high)
    if points.min() < low:
        points = points + (low - points.min())
    return np.clip(points, low, high)


def integer_points(values: list[np.ndarray], groups: np.ndarray, references: list[int],
                   events: np.ndarray, trials: np.ndarray, point_range: tuple[int, int],
                   n_multipliers: int = 200, max_sweeps: int = 10,
                   n_starts: int = 5) -> list[np.ndarray]:
    """Round band effects to integer points.

    Parameters
    ----------
    values : list of ndarray
        Each item's effect per group (band or level), logit units.
    groups : ndarray of shape (n_patterns, n_items)
        The group each answer pattern falls in, per item.
    references : list of int
        Each item's reference group, given 0 points when the range allows.
    events, trials : ndarray of shape (n_patterns,)
        Weighted outcomes and people per pattern.
    point_range : (int, int)
        Lowest and highest points any group may get.

    Returns
    -------
    list of ndarray of int
        Points per group, per item.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.special import expit
    >>> groups = np.array([[0], [1], [2]])
    >>> effects = np.array([0.0, 0.5, 1.0])          # equal steps in logit units
    >>> events = 1000 * expit(effects - 0.5)           # outcomes that follow them exactly
    >>> pts = integer_points([effects], groups, [0], events, np.full(3, 1000.0), (-5, 5))
    >>> pts[0].tolist()                                # the smallest exact points
    [0, 1, 2]
    """
    low, high = int(point_range[0]), int(point_range[1])
    spread = max(float(np.ptp(v)) for v in values)
    if spread == 0.0 or high == low:
        return [np.zeros(v.shape[0], dtype=np.int64) for v in values]
    top = (high - low) / spread
    grid = np.unique(np.concatenate([np.linspace(top / n_multipliers, top, n_multipliers),
                                     np.arange(1, high - low + 1) / spread]))

    def build(mult: float) -> list[np.ndarray]:
        return [_into_range(np.round(mult * v).astype(np.int64), r, low, high)
                for v, r in zip(values, references, strict=True)]

    def total_of(points: list[np.ndarray]) -> np.ndarray:
        out = np.zeros(groups.shape[0], dtype=np.int64)
        for i, pts in enumerate(points):
            out += pts[groups[:, i]]
        return out

    def improve(best: list[np.ndarray], best_loss: float) -> tuple[list[np.ndarray], float]:
        for _ in range(max_sweeps):
            improved = False
            for i in range(len(best)):
                for g in range(best[i].shape[0]):
                    for step in (-1, 1):
                        moved = best[i].copy()
                        moved[g] += step
                        if moved[g] < low or moved[g] > high:
                            continue
                        trial = [*best[:i], moved, *best[i + 1:]]
                        loss = _fit_total(total_of(trial), events, trials)
                        if loss < best_loss - 1e-9 * abs(best_loss):
                            best, best_loss, improved = trial, loss, True
            if not improved:
                break
        return best, best_loss

    starts: dict[tuple, tuple[float, list[np.ndarray]]] = {}
    for mult in grid:
        points = build(float(mult))
        key = tuple(int(v) for p in points for v in p)
        if key not in starts:  # the first (smallest) multiplier giving these points
            starts[key] = (_fit_total(total_of(points), events, trials), points)
    def rank(loss: float, points: list[np.ndarray], floor: float) -> tuple:
        # losses equal to within 1e-9 (relative) are ties: fewer points (a simpler scale) wins
        return (round(loss / (1e-9 * max(abs(floor), 1e-300))), sum(int(np.ptp(p)) for p in points))

    floor = min(loss for loss, _ in starts.values())
    ranked = sorted(starts.values(), key=lambda t: rank(t[0], t[1], floor))[:n_starts]
    finals = [improve(points, loss) for loss, points in ranked]
    floor = min(loss for _, loss in finals)
    best, _ = min(finals, key=lambda t: rank(t[1], t[0], floor))
    return [_into_range(p, r, low, high) for p, r in zip(best, references, strict=True)]
