"""Unpenalised logistic regression by Newton's method (IRLS), with an offset and Wald tests.

Small and dependency-free on purpose: the calibration intercept and slope and the
moderated-regression test of predictive bias need exactly the maximum-likelihood fit and its
observed information (the Hessian), nothing more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtr
from scipy.stats import chi2

__all__ = ["LogisticFit", "fit_logistic", "wald_test"]


@dataclass(frozen=True, eq=False)
class LogisticFit:
    """A fitted logistic model: coefficients, their covariance and how the fit went."""

    coef: np.ndarray
    cov: np.ndarray
    converged: bool
    n_iter: int
    deviance: float

    @property
    def se(self) -> np.ndarray:
        """Standard errors from the inverse Hessian."""
        return np.sqrt(np.diag(self.cov))

    @property
    def z(self) -> np.ndarray:
        """Wald z statistics (coefficient over standard error)."""
        return self.coef / self.se

    @property
    def p(self) -> np.ndarray:
        """Two-sided Wald p-values."""
        return 2.0 * ndtr(-np.abs(self.z))


def _deviance(y: np.ndarray, eta: np.ndarray) -> float:
    # -2 log-likelihood = 2 * sum(softplus(-eta) + (1 - y) * eta), since -log p = softplus(-eta)
    # and -log(1 - p) = softplus(eta) = softplus(-eta) + eta; softplus computed stably
    softplus_neg = np.log1p(np.exp(-np.abs(eta))) + np.maximum(-eta, 0.0)
    return float(2.0 * (softplus_neg.sum() + (1.0 - y) @ eta))


def fit_logistic(
    X: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> LogisticFit:
    """Maximum-likelihood logistic regression of ``y`` on the columns of ``X`` (no penalty).

    ``X`` must include its own intercept column. Newton steps are halved while they fail to
    lower the deviance. The fit is flagged ``converged=False`` (and its numbers should not be
    used) when the largest step is still above ``tol`` after ``max_iter`` iterations, which is
    what (quasi-)complete separation looks like, or when the Hessian is singular.

    Examples
    --------
    A single binary covariate has a closed form: the intercept is the log-odds in group 0 and
    the slope the log odds ratio, with standard error ``sqrt(1/a + 1/b + 1/c + 1/d)``.

    >>> import numpy as np
    >>> x = np.repeat([0.0, 0.0, 1.0, 1.0], [30, 10, 20, 20])   # group 0: 10/40; group 1: 20/40
    >>> y = np.repeat([0.0, 1.0, 0.0, 1.0], [30, 10, 20, 20])
    >>> fit = fit_logistic(np.column_stack([np.ones_like(x), x]), y)
    >>> np.allclose(fit.coef, [np.log(10 / 30), np.log(3.0)]), fit.converged
    (True, True)
    >>> bool(np.isclose(fit.se[1], np.sqrt(1/30 + 1/10 + 1/20 + 1/20)))
    True
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    off = np.zeros(y.size) if offset is None else np.asarray(offset, dtype=float)
    beta = np.zeros(X.shape[1])
    eta = X @ beta + off
    dev = _deviance(y, eta)
    converged = False
    n_iter = 0
    hessian = np.eye(X.shape[1])
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is reported
        p = expit(eta)
        w = p * (1.0 - p)
        grad = X.T @ (y - p)
        hessian = (X * w[:, None]).T @ X
        try:
            step = np.linalg.solve(hessian, grad)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        t = 1.0
        for _ in range(40):
            new_beta = beta + t * step
            new_eta = X @ new_beta + off
            new_dev = _deviance(y, new_eta)
            if new_dev <= dev + 1e-12 * max(1.0, abs(dev)):
                break
            t *= 0.5
        beta, eta, dev = new_beta, new_eta, new_dev
        if np.max(np.abs(t * step)) < tol * max(1.0, float(np.max(np.abs(beta)))):
            converged = True
            break
    p = expit(eta)
    hessian = (X * (p * (1.0 - p))[:, None]).T @ X
    try:
        cov = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        cov = np.full_like(hessian, np.nan)
        converged = False
    if not np.all(np.isfinite(cov)):
        converged = False
    return LogisticFit(coef=beta, cov=cov, converged=converged, n_iter=n_iter, deviance=dev)


def wald_test(fit: LogisticFit, terms: list[int]) -> tuple[float, int, float]:
    """Joint Wald chi-square test that the coefficients ``terms`` are all zero.

    Returns ``(chi2, df, p)``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.repeat([0.0, 0.0, 1.0, 1.0], [30, 10, 20, 20])
    >>> y = np.repeat([0.0, 1.0, 0.0, 1.0], [30, 10, 20, 20])
    >>> fit = fit_logistic(np.column_stack([np.ones_like(x), x]), y)
    >>> stat, df, p = wald_test(fit, [1])
    >>> bool(np.isclose(stat, fit.z[1] ** 2)), df, bool(np.isclose(p, fit.p[1]))
    (True, 1, True)
    """
    if not terms:
        return math.nan, 0, math.nan
    b = fit.coef[terms]
    v = fit.cov[np.ix_(terms, terms)]
    try:
        stat = float(b @ np.linalg.solve(v, b))
    except np.linalg.LinAlgError:
        return math.nan, len(terms), math.nan
    return stat, len(terms), float(chi2.sf(stat, len(terms)))
