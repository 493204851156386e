"""Weighted logistic regression on grouped (binomial) data, by Newton's method.

Both estimators fit small logistic models: the score-to-probability map of
:class:`ScoreCalibrator` and the band models of :class:`PointsModel`. Rows may be groups:
``events`` of ``trials`` (trials are summed sample weights), so a million people who share
a few thousand answer patterns cost a few thousand rows. An optional ridge penalty
``l2 * ||coef||^2 / 2`` (never on the intercept) keeps coefficients finite when a band
separates the outcome perfectly.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit

__all__ = ["fit_logistic", "log_loss"]


def log_loss(eta: np.ndarray, events: np.ndarray, trials: np.ndarray) -> float:
    """Total binomial negative log-likelihood at linear predictor ``eta``.

    Examples
    --------
    >>> import numpy as np
    >>> round(log_loss(np.zeros(1), np.array([1.0]), np.array([2.0])), 6)  # 2 * log(2)
    1.386294
    """
    return float(-(events @ log_expit(eta) + (trials - events) @ log_expit(-eta)))


def fit_logistic(
    design: np.ndarray,
    events: np.ndarray,
    trials: np.ndarray,
    l2: float = 0.0,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> tuple[float, np.ndarray]:
    """Fit ``logit P(event) = intercept + design @ coef`` to grouped outcomes.

    Parameters
    ----------
    design : ndarray of shape (n_rows, n_terms)
        The terms (no intercept column).
    events, trials : ndarray of shape (n_rows,)
        Weighted number of events and of people in each row (``0 <= events <= trials``).
    l2 : float
        Ridge penalty on ``coef``.
    max_iter, tol : int, float
        Newton iterations and the convergence tolerance on the largest step.

    Returns
    -------
    intercept : float
    coef : ndarray of shape (n_terms,)

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0.0], [1.0]])
    >>> a, b = fit_logistic(x, events=np.array([1.0, 3.0]), trials=np.array([4.0, 4.0]))
    >>> round(float(expit(a)), 6), round(float(expit(a + b[0])), 6)
    (0.25, 0.75)
    """
    n_rows, k = design.shape
    total = trials.sum()
    rate = min(max(events.sum() / total, 1e-12), 1 - 1e-12)
    theta = np.zeros(k + 1)
    theta[0] = np.log(rate / (1 - rate))
    x = np.hstack([np.ones((n_rows, 1)), design])
    penalty = np.full(k + 1, float(l2))
    penalty[0] = 0.0

    def objective(t: np.ndarray) -> float:
        return log_loss(x @ t, events, trials) + 0.5 * float(penalty @ (t * t))

    current = objective(theta)
    for _ in range(max_iter):
        p = expit(x @ theta)
        grad = x.T @ (trials * p - events) + penalty * theta
        hess = (x * (trials * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        hess[np.diag_indices_from(hess)] += 1e-12 * max(total, 1.0)
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        shrink = 1.0
        while True:
            trial = theta - shrink * step
            value = objective(trial)
            if value <= current + 1e-12 * abs(current) or shrink < 1e-8:
                break
            shrink /= 2
        theta, moved = trial, float(np.max(np.abs(shrink * step)))
        improved = current - value
        current = value
        if moved < tol or (improved >= 0 and improved < 1e-13 * max(abs(current), 1.0)):
            break
    return float(theta[0]), theta[1:].copy()
