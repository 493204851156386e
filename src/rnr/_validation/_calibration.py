"""Calibration of predicted probabilities: Brier score, E/O, calibration intercept and slope.

Following Van Calster et al. (2016, *J Clin Epidemiol* 74; 2019, *BMC Medicine* 17:230):

- calibration intercept ("calibration-in-the-large"): ``a`` in ``logit P(y=1) = a + logit(p)``,
  a logistic model with ``logit(p)`` as offset; target 0 (negative: risks too high);
- calibration slope: ``b`` in ``logit P(y=1) = a + b * logit(p)``; target 1 (below 1: risks too
  extreme, typical of overfitting).

Both come with 95% Wald intervals from the Hessian. Probabilities of exactly 0 or 1 have no
logit: they are clipped to ``[EPS, 1 - EPS]`` for these two fits and the report says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logit

from ._intervals import Z95
from ._logistic import fit_logistic

__all__ = ["EPS", "Calibration", "calibration_summary", "safe_logit"]

#: Clipping bound for probabilities of exactly 0 or 1 before taking logits.
EPS = 1e-12


def safe_logit(p: np.ndarray) -> tuple[np.ndarray, int]:
    """Return ``logit(clip(p, EPS, 1 - EPS))`` and how many values were clipped."""
    clipped = int(np.count_nonzero((p < EPS) | (p > 1.0 - EPS)))
    return logit(np.clip(p, EPS, 1.0 - EPS)), clipped


@dataclass(frozen=True)
class Calibration:
    """The calibration numbers of one population."""

    brier: float
    expected_events: float
    eo_ratio: float
    intercept: float
    intercept_ci: tuple[float, float]
    slope: float
    slope_ci: tuple[float, float]
    notes: tuple[str, ...]


def _ci(est: float, se: float) -> tuple[float, float]:
    return (est - Z95 * se, est + Z95 * se)


def calibration_summary(y: np.ndarray, p: np.ndarray) -> Calibration:
    """Calibration of probabilities ``p`` against outcomes ``y`` (0/1).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    >>> p = np.array([.1, .3, .7, .6, .4, .8, .6, .3])
    >>> c = calibration_summary(y, p)
    >>> round(c.brier, 4), round(c.eo_ratio, 3), round(c.slope, 2)
    (0.175, 0.95, 1.47)
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    notes: list[str] = []
    brier = float(np.mean((p - y) ** 2))
    expected = float(p.sum())
    observed = float(y.sum())
    eo = expected / observed if observed > 0 else math.nan
    lp, clipped = safe_logit(p)
    if clipped:
        notes.append(
            f"{clipped} predicted probabilities of exactly 0 or 1 were clipped to "
            f"[{EPS:g}, 1 - {EPS:g}] for the calibration intercept and slope."
        )
    nan2 = (math.nan, math.nan)
    intercept, intercept_ci, slope, slope_ci = math.nan, nan2, math.nan, nan2
    if 0 < observed < y.size:
        ones = np.ones((y.size, 1))
        fit_a = fit_logistic(ones, y, offset=lp)
        if fit_a.converged:
            intercept = float(fit_a.coef[0])
            intercept_ci = _ci(intercept, float(fit_a.se[0]))
        fit_b = fit_logistic(np.column_stack([np.ones(y.size), lp]), y)
        if fit_b.converged:
            slope = float(fit_b.coef[1])
            slope_ci = _ci(slope, float(fit_b.se[1]))
        if not (fit_a.converged and fit_b.converged):
            notes.append("The calibration logistic fits did not converge (separation?): "
                         "intercept and slope are undefined (NaN).")
    else:
        notes.append("Only one outcome is present: calibration intercept and slope are "
                     "undefined (NaN).")
    return Calibration(brier, expected, eo, intercept, intercept_ci, slope, slope_ci, tuple(notes))
