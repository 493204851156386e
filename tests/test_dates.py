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
