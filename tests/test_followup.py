"""Tests of follow-up windows: rnr._validation.followup_outcome and outcome_within."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnr._validation import InvalidData, followup_outcome, outcome_within, validate
from rnr._validation._kaplan_meier import km_event_probability

DATA = Path(
    os.environ.get("RNR_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
NC = DATA / "nc_recid_1978" / "recid.csv"
ROSSI = DATA / "rossi" / "rossi.csv"


@pytest.fixture(scope="module")
def nc():
    if not NC.exists():
        pytest.skip(f"North Carolina data not found at {NC}")
    return pd.read_csv(NC)


@pytest.fixture(scope="module")
def rossi():
    if not ROSSI.exists():
        pytest.skip(f"Rossi data not found at {ROSSI}")
    return pd.read_csv(ROSSI)


# ----------------------------------------------------------------------------- North Carolina 1978
def test_nc_552_of_1445_returned_over_the_whole_follow_up(nc):
    # README: 552 of 1,445 returned to prison during follow-up (cens == 0); follow-up 70-81 months
    assert len(nc) == 1445
    out = followup_outcome(nc["durat"], 1 - nc["cens"], horizon=81, unit="months")
    assert out.n_events == 552
    # people followed for less than 81 months without returning cannot be scored at 81
    assert out.n_excluded == int(((nc["cens"] == 1) & (nc["follow"] < 81)).sum()) > 0
    assert out.n_included + out.n_excluded == 1445
    assert out.window == "81 months"
    assert any("excluded" in note for note in out.notes)


@pytest.mark.parametrize("months", [12, 24, 36, 70])
def test_nc_any_horizon_up_to_70_months_is_fully_observed(nc, months):
    # README: "Every person has at least 70 months of follow-up, so any horizon up to 70 months
    # is fully observed"; the label there is "durat <= h and cens == 0".
    out = followup_outcome(nc["durat"], 1 - nc["cens"], horizon=months, unit="months")
    expected = ((nc["durat"] <= months) & (nc["cens"] == 0)).to_numpy()
    assert out.n_excluded == 0 and out.n_included == 1445
    assert np.array_equal(out.y, expected.astype(float))
    # with no censoring before the horizon, Kaplan-Meier equals the plain proportion
    assert out.km_rate == pytest.approx(expected.mean(), abs=1e-12)
    assert out.rate == pytest.approx(expected.mean(), abs=1e-12)


def test_nc_outcome_feeds_validate(nc):
    out = followup_outcome(nc["durat"], 1 - nc["cens"], horizon=81)
    r = validate(out.y, nc["priors"], missing="drop", n_boot=0)
    assert r.n == out.n_included and r.n_dropped == out.n_excluded
    assert r.n_events == 552


# ----------------------------------------------------------------------------- Rossi
def test_rossi_114_of_432_arrested_within_one_year(rossi):
    # README: 114 arrests out of 432 over 52 weeks; the non-arrested have week == 52
    out = followup_outcome(rossi["week"], rossi["arrest"], horizon=52, unit="weeks")
    assert (out.n, out.n_included, out.n_excluded, out.n_events) == (432, 432, 0, 114)
    assert out.rate == pytest.approx(114 / 432)
    assert out.km_rate == pytest.approx(114 / 432, abs=1e-12)
    lo, hi = out.rate_ci
    assert lo < 114 / 432 < hi


def test_rossi_beyond_the_follow_up_excludes_the_censored(rossi):
    out = followup_outcome(rossi["week"], rossi["arrest"], horizon=53, unit="weeks")
    assert out.n_excluded == 432 - 114 and out.n_events == 114 and out.rate == 1.0


def test_rossi_half_year(rossi):
    out = followup_outcome(rossi["week"], rossi["arrest"], horizon=26, unit="weeks")
    assert out.n_excluded == 0
    assert out.n_events == int(((rossi["week"] <= 26) & (rossi["arrest"] == 1)).sum())


# ----------------------------------------------------------------------------- rule and KM by hand
def test_window_rule_on_hand_made_cases():
    time = [5, 12, 12, 7, 30, 30]
    event = [1, 1, 0, 0, 1, 0]
    out = followup_outcome(time, event, horizon=12)
    # event at 5 -> 1; event exactly at 12 -> 1; censored exactly at 12 -> followed: 0;
    # censored at 7 -> excluded; event after the window -> 0; censored after -> 0
    assert [None if math.isnan(v) else v for v in out.y] == [1.0, 1.0, 0.0, None, 0.0, 0.0]
    assert out.included.tolist() == [True, True, True, False, True, True]
    assert out.summary()["n_excluded"] == 1


def test_kaplan_meier_by_hand_with_censoring():
    # t: 1 2+ 3 3 4+ 5 ; S(1)=5/6, S(3)=5/6*(1-2/4), S(5)=S(3)*(1-1/1)=0
    t = np.array([1, 2, 3, 3, 4, 5])
    e = np.array([1, 0, 1, 1, 0, 1])
    est, (lo, hi) = km_event_probability(t, e, 3)
    s3 = 5 / 6 * 2 / 4
    assert est == pytest.approx(1 - s3)
    # Greenwood: S^2 * sum d / (n (n - d)); the log(-log) interval contains the estimate
    var = s3**2 * (1 / (6 * 5) + 2 / (4 * 2))
    # log(-log) interval written as S ** exp(+-z * se), se = sqrt(var) / (S |log S|)
    se = math.sqrt(var) / (s3 * abs(math.log(s3)))
    z = 1.959963984540054
    assert lo == pytest.approx(1 - s3 ** math.exp(-z * se))
    assert hi == pytest.approx(1 - s3 ** math.exp(z * se))
    assert lo < est < hi
    assert km_event_probability(t, e, 0.5)[0] == 0.0
    assert km_event_probability(t, e, 5)[0] == 1.0
    # the exclusion rule ignores the person censored at 2 and so overstates the rate
    out = followup_outcome(t, e, horizon=3)
    assert out.rate == pytest.approx(3 / 5) and out.km_rate == pytest.approx(1 - s3)


@pytest.mark.parametrize(
    "time,event,horizon,field",
    [
        ([1, -2], [0, 1], 5, "time"),
        ([1, np.nan], [0, 1], 5, "time"),
        ([1, 2], [0, 2], 5, "event"),
        ([1, 2], [0], 5, "event"),
        ([1, 2], [0, 1], 0, "horizon"),
        ([1, 2], [0, 1], "2 years", "horizon"),
    ],
)
def test_followup_bad_input(time, event, horizon, field):
    with pytest.raises(InvalidData) as err:
        followup_outcome(time, event, horizon)
    assert err.value.field == field


# ----------------------------------------------------------------------------- calendar windows
def test_outcome_within_calendar_years_and_leap_days():
    start = ["2016-02-29", "2016-02-29", "2015-06-15", "2015-06-15", "2015-06-15"]
    end = ["2020-01-01", "2020-01-01", "2017-06-15", "2017-06-14", "2017-06-14"]
    event = ["2017-02-28", "2017-03-01", None, None, "2016-01-01"]
    one = outcome_within(start, end, event, years=1)
    # 29 Feb 2016 + 1 year = 28 Feb 2017 (inclusive)
    assert one.y[:2].tolist() == [1.0, 0.0]
    two = outcome_within(start, end, event, years=2)
    # followed to 15 Jun 2017 exactly -> 0; to 14 Jun -> excluded; event in window -> 1
    assert two.y[2] == 0.0 and math.isnan(two.y[3]) and two.y[4] == 1.0
    assert two.n_excluded == 1 and two.window == "2 years"
    assert two.km_rate is None
    months = outcome_within(start, end, event, months=18)
    assert months.window == "18 months"


@pytest.mark.parametrize(
    "start,end,event,field",
    [
        (["2015-01-01"], ["2014-01-01"], [None], "end"),
        (["2015-01-01"], ["2016-01-01"], ["2014-12-31"], "event_date"),
        (["2015-01-01"], ["2016-01-01"], ["2016-01-02"], "event_date"),
        ([None], ["2016-01-01"], [None], "start"),
        (["not a date"], ["2016-01-01"], [None], "start"),
    ],
)
def test_outcome_within_bad_dates(start, end, event, field):
    with pytest.raises(InvalidData) as err:
        outcome_within(start, end, event, years=1)
    assert err.value.field == field


def test_outcome_within_needs_a_window():
    with pytest.raises(InvalidData):
        outcome_within(["2015-01-01"], ["2016-01-01"])
