"""Outcomes within a fixed follow-up window, from times to event or from dates.

Rule (the choice documented for rnr): a person's outcome within a window of length ``h`` is

- 1 if the event happened at or before ``h``;
- 0 if they were observed event-free for the whole window (followed to ``h`` or beyond);
- undefined if follow-up stopped (censoring) before ``h`` without an event: such people are
  **excluded** from that window and counted (``n_excluded``), never silently counted as 0.

Excluding people censored early can bias the observed rate upward when censoring is common;
:func:`followup_outcome` therefore also gives the Kaplan-Meier estimate of the probability of
the event by ``h`` over everyone, to compare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._errors import InvalidData
from ._inputs import as_vector
from ._intervals import wilson_interval
from ._kaplan_meier import km_event_probability

__all__ = ["FollowUpOutcome", "followup_outcome", "outcome_within"]


@dataclass(frozen=True, eq=False)
class FollowUpOutcome:
    """Outcomes within a follow-up window.

    Attributes
    ----------
    window : str
        The window, e.g. ``"24 months"`` or ``"2 years"``.
    y : numpy.ndarray of float
        1.0 or 0.0 per person, NaN for those excluded (not followed for the whole window).
        ``validate(out.y, risk, missing="drop")`` validates on the people included and counts
        the others in ``n_dropped``.
    included : numpy.ndarray of bool
        Whether each person was followed for the whole window (or had the event in it).
    n, n_included, n_excluded, n_events : int
    rate, rate_ci : float, (float, float)
        Observed rate among those included, with a Wilson 95% interval.
    km_rate, km_ci : float or None, (float, float) or None
        Kaplan-Meier probability of the event within the window over everyone (None when the
        window is in calendar units, as in :func:`outcome_within`).
    notes : tuple of str

    Examples
    --------
    >>> out = followup_outcome([3, 10, 14, 20], [1, 0, 1, 0], horizon=12)
    >>> out.y.tolist(), out.n_excluded
    ([1.0, nan, 0.0, 0.0], 1)
    """

    window: str
    y: np.ndarray
    included: np.ndarray
    n: int
    n_included: int
    n_excluded: int
    n_events: int
    rate: float
    rate_ci: tuple[float, float]
    km_rate: float | None
    km_ci: tuple[float, float] | None
    notes: tuple[str, ...] = ()

    def summary(self) -> dict:
        """Return the counts and rates as a JSON-ready mapping (no per-person data).

        Examples
        --------
        >>> followup_outcome([3, 10, 14, 20], [1, 0, 1, 0], horizon=12).summary()["n_excluded"]
        1
        """
        def num(v):
            return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

        return {
            "window": self.window,
            "n": self.n,
            "n_included": self.n_included,
            "n_excluded": self.n_excluded,
            "n_events": self.n_events,
            "rate": num(self.rate),
            "rate_ci": [num(v) for v in self.rate_ci],
            "km_rate": num(self.km_rate),
            "km_ci": None if self.km_ci is None else [num(v) for v in self.km_ci],
            "notes": list(self.notes),
        }


def _finish(window, y, included, km_rate, km_ci, notes) -> FollowUpOutcome:
    n = int(y.size)
    n_inc = int(included.sum())
    events = int(np.nansum(y))
    rate = events / n_inc if n_inc else math.nan
    low, high = wilson_interval(events, n_inc)
    notes = list(notes)
    if n - n_inc:
        notes.append(f"{n - n_inc} of {n} people were not followed for the whole {window} "
                     "window without an event and are excluded from it.")
    return FollowUpOutcome(window, y, included, n, n_inc, n - n_inc, events, rate,
                           (float(low), float(high)), km_rate, km_ci, tuple(notes))


def followup_outcome(time, event, horizon: float, unit: str = "") -> FollowUpOutcome:
    """Outcome within ``horizon`` from the time to the event or to the end of follow-up.

    Parameters
    ----------
    time : array_like of float
        Time from the start of follow-up to the event (if ``event``) or to the end of follow-up
        (if not), e.g. weeks or months. No missing values; not negative.
    event : array_like of 0/1 or bool
        1 if the event was observed at ``time``; 0 if follow-up ended (censored) at ``time``.
    horizon : float
        Window length, in the unit of ``time`` (positive).
    unit : str, optional
        The unit's name, used in messages (e.g. ``"months"``).

    Returns
    -------
    FollowUpOutcome
        ``y`` is 1 for an event at or before ``horizon``, 0 when observed event-free up to
        ``horizon``, NaN (excluded, counted) when censored before ``horizon``.

    Examples
    --------
    Rossi et al.: arrests within one year (52 weeks) of release; everyone not arrested was
    followed for exactly 52 weeks, so nobody is excluded.

    >>> out = followup_outcome([20, 52, 52, 8], [1, 0, 0, 1], horizon=52, unit="weeks")
    >>> out.n_events, out.n_excluded, out.window
    (2, 0, '52 weeks')
    """
    t = as_vector(time, "time")
    e = as_vector(event, "event")
    if t.size != e.size:
        raise InvalidData("event", f"{e.size} values", f"{t.size} values, one per time",
                          code="wrong_length")
    for field, arr in (("time", t), ("event", e)):
        if np.isnan(arr).any():
            raise InvalidData(field, f"{int(np.isnan(arr).sum())} missing values",
                              "no missing values", code="missing")
    if np.any(t < 0) or np.isinf(t).any():
        raise InvalidData("time", float(t[(t < 0) | np.isinf(t)][0]), "finite times >= 0",
                          code="out_of_range")
    if np.any((e != 0) & (e != 1)):
        raise InvalidData("event", float(e[(e != 0) & (e != 1)][0]), "0 or 1 (or True/False)",
                          code="out_of_range")
    if isinstance(horizon, bool) or not isinstance(horizon, (int, float, np.number)) or not (
            math.isfinite(horizon) and horizon > 0):
        raise InvalidData("horizon", horizon, "a positive number", code="out_of_range")
    ev = e.astype(bool)
    hit = ev & (t <= horizon)
    included = hit | (t >= horizon)
    y = np.where(included, hit.astype(float), np.nan)
    km, km_ci = km_event_probability(t, ev, float(horizon))
    window = f"{horizon:g} {unit}".strip()
    return _finish(window, y, included, km, km_ci, [])


def _dates(values, field: str) -> pd.Series:
    try:
        s = pd.Series(pd.to_datetime(pd.Series(values) if not isinstance(values, pd.Series)
                                     else values, errors="raise"))
    except (ValueError, TypeError) as exc:
        raise InvalidData(field, "values that are not dates", "dates (or NaT where allowed)",
                          code="wrong_type") from exc
    return s.reset_index(drop=True)


def outcome_within(start, end, event_date=None, *, years: int = 0, months: int = 0,
                   days: int = 0) -> FollowUpOutcome:
    """Outcome within a calendar window from dates (e.g. reconviction within 2 years of release).

    Parameters
    ----------
    start : array_like of dates
        Start of follow-up (release, sentence or assessment date).
    end : array_like of dates
        End of follow-up: the last date the person could have been seen to offend (data
        extraction date, death, emigration...).
    event_date : array_like of dates, optional
        Date of the first event after ``start`` (NaT/None when there was none).
    years, months, days : int
        The window, in calendar units: it ends on ``start + years/months/days`` (a 29 February
        start plus one year ends on 28 February), inclusive.

    Returns
    -------
    FollowUpOutcome
        ``y`` is 1 for an event on or before the window's end, 0 when followed to the window's
        end without one, NaN (excluded, counted) otherwise. ``km_rate`` is None.

    Raises
    ------
    InvalidData
        Missing or non-date ``start``/``end``, an end before the start, or an event before the
        start or after the end of follow-up.

    Examples
    --------
    >>> out = outcome_within(["2016-02-29", "2016-03-01", "2017-01-10"],
    ...                      ["2019-01-01", "2019-01-01", "2017-06-30"],
    ...                      ["2017-02-28", None, None], years=1)
    >>> out.y.tolist(), out.n_excluded
    ([1.0, 0.0, nan], 1)
    """
    for field, v in (("years", years), ("months", months), ("days", days)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise InvalidData(field, v, "a whole number >= 0", code="out_of_range")
    if years == months == days == 0:
        raise InvalidData("years", 0, "a window of at least one day (years, months or days)",
                          code="out_of_range")
    s = _dates(start, "start")
    f = _dates(end, "end")
    n = s.size
    ev = _dates([None] * n if event_date is None else event_date, "event_date")
    if f.size != n or ev.size != n:
        raise InvalidData("end" if f.size != n else "event_date",
                          f"{f.size if f.size != n else ev.size} values",
                          f"{n} values, one per start date", code="wrong_length")
    for field, col in (("start", s), ("end", f)):
        if col.isna().any():
            raise InvalidData(field, f"{int(col.isna().sum())} missing dates", "no missing dates",
                              code="missing")
    if (f < s).any():
        raise InvalidData("end", f"{int((f < s).sum())} ends before their start",
                          "end of follow-up on or after its start", code="date_order")
    has = ev.notna()
    if (has & ((ev < s) | (ev > f))).any():
        raise InvalidData("event_date", f"{int((has & ((ev < s) | (ev > f))).sum())} events "
                          "outside follow-up", "event dates between start and end of follow-up",
                          code="date_order")
    window_end = s + pd.DateOffset(years=int(years), months=int(months), days=int(days))
    hit = (has & (ev <= window_end)).to_numpy()
    included = hit | (f >= window_end).to_numpy()
    y = np.where(included, hit.astype(float), np.nan)
    parts = [(years, "year"), (months, "month"), (days, "day")]
    window = " ".join(f"{v} {u}{'s' if v != 1 else ''}" for v, u in parts if v)
    return _finish(window, y, included, None, None, [])
