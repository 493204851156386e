"""Kaplan-Meier estimate of the probability of an event by a horizon, with a 95% interval."""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri

__all__ = ["km_event_probability"]


def km_event_probability(time: np.ndarray, event: np.ndarray, horizon: float):
    """``1 - S(horizon)`` by Kaplan-Meier, with Greenwood's variance and a log(-log) interval.

    At tied times events are counted before censorings (the usual convention). Returns
    ``(estimate, (low, high))``; the interval is NaN when the estimate is 0 or 1.

    Examples
    --------
    Six people: events at 1, 3, 3 and 5; censored at 2 and 4. ``S(3) = (5/6) * (2/4)``.

    >>> import numpy as np
    >>> t = np.array([1, 2, 3, 3, 4, 5]); e = np.array([1, 0, 1, 1, 0, 1])
    >>> est, ci = km_event_probability(t, e, 3)
    >>> round(est, 6) == round(1 - (5 / 6) * (2 / 4), 6)
    True
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    times = np.unique(time[event & (time <= horizon)])
    if times.size == 0:
        return 0.0, (math.nan, math.nan)
    sorted_time = np.sort(time)
    at_risk = time.size - np.searchsorted(sorted_time, times, side="left")
    deaths = np.bincount(np.searchsorted(times, time[event & (time <= horizon)]),
                         minlength=times.size)
    surv = float(np.prod(1.0 - deaths / at_risk))
    if surv <= 0.0:
        return 1.0, (math.nan, math.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = deaths / (at_risk * (at_risk - deaths))
    greenwood = float(np.sum(terms[np.isfinite(terms)]))
    if surv >= 1.0 or greenwood == 0.0:
        return 1.0 - surv, (math.nan, math.nan)
    # log(-log S) interval (Kalbfleisch & Prentice); S's bounds are exp(-exp(...))
    z = float(ndtri(0.975))
    se_loglog = math.sqrt(greenwood) / abs(math.log(surv))
    c = math.log(-math.log(surv))
    s_low = math.exp(-math.exp(c + z * se_loglog))
    s_high = math.exp(-math.exp(c - z * se_loglog))
    return 1.0 - surv, (1.0 - s_high, 1.0 - s_low)
