"""A smooth first look at every feature: each code's effect under a random-walk penalty.

Every numeric feature's candidate bins get their own effect, neighbouring bins pulled
together by a penalty ``lam * sum (f[c+1] - f[c])^2`` (a first-order random walk: a step
function that changes only where the data insist); each categorical level gets its own
effect, pulled towards 0 by ``lam * sum f[l]^2``. The penalty ``lam`` is chosen on a grid by
AIC with the effective degrees of freedom ``trace((H + P)^-1 H)`` (Hastie & Tibshirani,
*Generalized Additive Models*, 1990). The result feeds the choice of bands (``_segment``)
and is never shown to the user.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit

from ._logistic import log_loss
from ._patterns import Patterns

__all__ = ["Curve", "smooth_effects"]

#: A tiny ridge on every effect: identifies each feature's level against the intercept.
_EPS = 1e-6
#: Candidate penalties.
_GRID = np.geomspace(0.01, 1e4, 19)


@dataclass(frozen=True)
class Curve:
    """One feature's smoothed effect per code, with each code's Fisher information and weight."""

    feature: int
    effect: np.ndarray
    information: np.ndarray
    weight: np.ndarray


def _design(patterns: Patterns, sizes: list[int]) -> sparse.csr_matrix:
    g, p = patterns.codes.shape
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    cols = (patterns.codes + offsets[None, :]).ravel()
    rows = np.repeat(np.arange(g), p)
    return sparse.csr_matrix((np.ones(g * p), (rows, cols)), shape=(g, int(sum(sizes))))


def _penalty(kinds: list[str], sizes: list[int]) -> np.ndarray:
    total = int(sum(sizes))
    pen = np.zeros((total, total))
    start = 0
    for kind, size in zip(kinds, sizes, strict=True):
        block = slice(start, start + size)
        if kind == "numeric" and size > 1:
            diff = np.diff(np.eye(size), axis=0)
            pen[block, block] = diff.T @ diff
        else:
            pen[block, block] = np.eye(size)
        start += size
    return pen


def _newton(z, pen, events, trials, theta, intercept, max_iter=50):
    k = z.shape[1]

    def objective(t, a):
        return log_loss(a + z @ t, events, trials) + 0.5 * t @ pen @ t

    current = objective(theta, intercept)
    for _ in range(max_iter):
        eta = intercept + z @ theta
        p = expit(eta)
        r = trials * p - events
        v = trials * p * (1 - p)
        grad = np.concatenate([[r.sum()], z.T @ r + pen @ theta])
        zv = z.multiply(v[:, None]).tocsc()
        hess = np.empty((k + 1, k + 1))
        hess[0, 0] = v.sum()
        hess[0, 1:] = hess[1:, 0] = np.asarray(zv.sum(axis=0)).ravel()
        hess[1:, 1:] = (z.T @ zv).toarray() + pen
        step = np.linalg.solve(hess + 1e-12 * np.eye(k + 1), grad)
        shrink = 1.0
        while True:
            a_new, t_new = intercept - shrink * step[0], theta - shrink * step[1:]
            value = objective(t_new, a_new)
            if value <= current + 1e-12 * abs(current) or shrink < 1e-6:
                break
            shrink /= 2
        moved = float(np.max(np.abs(shrink * step)))
        gain = current - value
        intercept, theta, current = a_new, t_new, value
        if moved < 1e-8 or 0 <= gain < 1e-12 * max(abs(current), 1.0):
            break
    return intercept, theta, hess


def smooth_effects(patterns: Patterns, kinds: list[str], sizes: list[int]) -> list[Curve]:
    """Fit the penalised all-codes model, penalty by AIC; return one curve per feature.

    Examples
    --------
    >>> import numpy as np
    >>> from ._patterns import Patterns
    >>> p = Patterns(np.array([[0], [1], [2]], dtype=np.int32), np.array([10.0, 20, 30]),
    ...              np.array([50.0, 50, 50]))
    >>> curve = smooth_effects(p, ["numeric"], [3])[0]
    >>> bool(np.all(np.diff(curve.effect) > 0))
    True
    """
    z = _design(patterns, sizes)
    base = _penalty(kinds, sizes)
    k = z.shape[1]
    rate = min(max(patterns.events.sum() / patterns.total, 1e-9), 1 - 1e-9)
    theta, intercept = np.zeros(k), float(np.log(rate / (1 - rate)))
    best = None
    for lam in _GRID[::-1]:  # strongest penalty first: each fit warm-starts the next
        pen = lam * base + _EPS * np.eye(k)
        intercept, theta, hess = _newton(z, pen, patterns.events, patterns.trials, theta,
                                         intercept)
        full = hess.copy()
        full[1:, 1:] -= pen
        edf = float(np.trace(np.linalg.solve(hess, full)))
        aic = 2 * log_loss(intercept + z @ theta, patterns.events, patterns.trials) + 2 * edf
        if best is None or aic < best[0]:
            best = (aic, intercept, theta.copy())
    _, intercept, theta = best
    p = expit(intercept + z @ theta)
    info = np.asarray(z.T @ (patterns.trials * p * (1 - p))).ravel()
    weight = np.asarray(z.T @ patterns.trials).ravel()
    curves, start = [], 0
    for j, size in enumerate(sizes):
        part = slice(start, start + size)
        curves.append(Curve(j, theta[part] - theta[part][0], info[part], weight[part]))
        start += size
    return curves
