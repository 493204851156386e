"""Completed years and calendar splitting agree with Python's datetime, scalar and vectorised."""

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rnr._instrument._expr import _ymd, completed_years

EPOCH = dt.date(1970, 1, 1)


def test_vectorised_calendar_split_matches_datetime64():
    days = np.arange(-800_000, 800_000, 7, dtype=float)
    y, m, d = _ymd(days)
    dd = days.astype("int64").astype("datetime64[D]")
    assert (y == dd.astype("datetime64[Y]").astype(int) + 1970).all()
    assert (m == (dd.astype("datetime64[M]") - dd.astype("datetime64[Y]").astype("datetime64[M]"))
            .astype(int) + 1).all()
    assert (d == (dd - dd.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1).all()


@settings(max_examples=300, deadline=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
       st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_completed_years_scalar_and_vector_agree_with_datetime(a, b):
    a, b = min(a, b), max(a, b)
    expected = b.year - a.year - ((b.month, b.day) < (a.month, a.day))
    da, db = float((a - EPOCH).days), float((b - EPOCH).days)
    assert completed_years(da, db) == expected
    assert completed_years(np.array([da]), np.array([db]))[0] == expected


def _expected_years(a: dt.date, b: dt.date) -> int:
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
                          st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
                min_size=1, max_size=40),
       st.booleans())
def test_vectorised_completed_years_inside_and_outside_the_day_table(pairs, near):
    # `near` keeps both dates within 1800-2199 (the day table); otherwise any datetime date,
    # either order, so the arithmetic fallback and negative differences are covered too
    if near:
        pairs = [(a.replace(year=1800 + a.year % 400), b.replace(year=1800 + b.year % 400))
                 for a, b in pairs if not (a.month == 2 and a.day == 29)
                 and not (b.month == 2 and b.day == 29)] or [(dt.date(1800, 1, 1),) * 2]
    da = np.array([(a - EPOCH).days for a, _ in pairs], dtype=float)
    db = np.array([(b - EPOCH).days for _, b in pairs], dtype=float)
    got = completed_years(da, db)
    assert got.tolist() == [float(_expected_years(a, b)) for a, b in pairs]


def test_vectorised_completed_years_keeps_omitted_values_and_broadcasts():
    start = np.array([0.0, np.nan, 366.0])
    end = np.array([365.0 * 20, 1000.0, np.nan])
    got = completed_years(start, end)
    assert got[0] == 19.0 and np.isnan(got[1]) and np.isnan(got[2])
    leap = float((dt.date(2000, 2, 29) - EPOCH).days)
    ends = np.array([(d - EPOCH).days for d in (dt.date(2001, 2, 28), dt.date(2001, 3, 1))],
                    dtype=float)
    assert completed_years(leap, ends).tolist() == [0.0, 1.0]
