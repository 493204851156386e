"""Tests of rnr._validation.choose_cutoffs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.isotonic import IsotonicRegression

from rnr._validation import CutoffChoice, InvalidData, choose_cutoffs

DATA = Path(
    os.environ.get("RNR_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
COMPAS = DATA / "compas" / "compas-scores-two-years.csv"


def _data(n=5000, seed=0, integer=False):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 3, n)
    y = (rng.random(n) < p).astype(int)
    return y, (np.round(p * 20) if integer else p)


def test_proportions_hit_the_target_shares_on_continuous_risk():
    y, p = _data()
    c = choose_cutoffs(y, p, by="proportions", targets=[0.5, 0.3, 0.2], n_boot=0)
    assert c.levels["share"].to_numpy() == pytest.approx([0.5, 0.3, 0.2], abs=1e-3)
    assert c.levels["target"].tolist() == [0.5, 0.3, 0.2]
    assert all(cut in set(p) for cut in c.cutoffs)  # cut-offs are observed risks
    assert c.levels["observed_rate"].is_monotonic_increasing
    # the validation is at exactly these cut-offs
    assert c.validation.cutoffs == c.cutoffs
    assert c.validation.level_table["n"].tolist() == c.levels["n"].tolist()


def test_default_is_three_equal_levels():
    y, p = _data(seed=1)
    c = choose_cutoffs(y, p, n_boot=0)
    assert len(c.cutoffs) == 2 and c.labels == ("1", "2", "3")
    assert c.levels["share"].to_numpy() == pytest.approx([1 / 3] * 3, abs=1e-3)


def test_ties_are_never_split_and_assign_agrees():
    y, s = _data(seed=2, integer=True)
    c = choose_cutoffs(y, s, n_levels=4, n_boot=0, labels=["low", "medium", "high", "very high"])
    levels = c.assign(s)
    for value in np.unique(s):
        assert len(set(levels[s == value])) == 1  # one level per score
    # risk equal to a cut-off goes to the level above
    assert c.assign([c.cutoffs[0]]).tolist() == ["medium"]
    assert c.assign([np.nextafter(c.cutoffs[0], -np.inf)]).tolist() == ["low"]
    counts = pd.Series(levels).value_counts().reindex(list(c.labels)).tolist()
    assert counts == c.levels["n"].tolist()


def test_rates_start_each_level_where_the_isotonic_rate_reaches_the_target():
    y, p = _data(n=8000, seed=3)
    targets = [0.25, 0.5, 0.7]
    c = choose_cutoffs(y, p, by="rates", targets=targets, n_boot=0)
    assert c.levels["target"].isna().tolist() == [True, False, False, False]
    iso = IsotonicRegression().fit(p, y)
    values = np.unique(p)
    fitted = iso.predict(values)
    for cut, t in zip(c.cutoffs, targets, strict=True):
        first = values[np.argmax(fitted >= t - 1e-12)]
        assert cut == first
    rates = c.levels["observed_rate"].to_numpy()
    # each level's observed rate lies below the target that starts the next level
    assert (rates[:-1] < np.array(targets)).all()
    assert (rates[1:] >= np.array(targets)).all()


def test_rate_targets_that_cannot_be_reached_are_refused():
    # three scores with observed rates 0.2, 0.4, 0.6
    s = np.repeat([1, 2, 3], 100)
    y = np.concatenate([np.repeat([1, 0], [20, 80]), np.repeat([1, 0], [40, 60]),
                        np.repeat([1, 0], [60, 40])])
    assert choose_cutoffs(y, s, by="rates", targets=[0.3, 0.5], n_boot=0).cutoffs == (2.0, 3.0)
    for targets in ([0.3, 0.7], [0.1], [0.45, 0.5]):  # too high, first level empty, same step
        with pytest.raises(InvalidData) as err:
            choose_cutoffs(y, s, by="rates", targets=targets, n_boot=0)
        assert err.value.code == "unreachable"


def test_levels_that_do_not_order_risk_are_refused():
    # the middle third of the scores has the lowest outcome rate
    s = np.repeat([1, 2, 3], 300)
    y = np.concatenate([np.r_[np.ones(150), np.zeros(150)], np.r_[np.ones(30), np.zeros(270)],
                        np.r_[np.ones(240), np.zeros(60)]])
    with pytest.raises(InvalidData) as err:
        choose_cutoffs(y, s, n_levels=3, n_boot=0)
    assert err.value.code == "not_monotone"


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"by": "quantiles"}, "by"),
        ({"targets": [0.5, 0.6]}, "targets"),
        ({"targets": [0.5, 0.3, 0.2], "n_levels": 4}, "n_levels"),
        ({"by": "rates"}, "targets"),
        ({"by": "rates", "targets": [0.6, 0.3]}, "targets"),
        ({"n_levels": 3, "labels": ["a", "b"]}, "labels"),
        ({"n_levels": 1}, "n_levels"),
    ],
)
def test_bad_arguments_raise_typed_errors(kwargs, field):
    y, p = _data(n=300, seed=5)
    with pytest.raises(InvalidData) as err:
        choose_cutoffs(y, p, n_boot=0, **kwargs)
    assert err.value.field == field


def test_more_levels_than_distinct_risks_is_refused():
    y = np.array([0, 1, 0, 1, 1, 0])
    with pytest.raises(InvalidData) as err:
        choose_cutoffs(y, np.array([1, 1, 2, 2, 2, 1]), n_levels=3, n_boot=0)
    assert err.value.field == "n_levels"


def test_round_trip_through_json():
    y, p = _data(n=1500, seed=6)
    groups = pd.Series(np.where(np.arange(1500) % 2, "f", "m"), name="sex")
    c = choose_cutoffs(y, p, n_levels=3, groups=groups, n_boot=200, random_state=1)
    back = CutoffChoice.from_dict(json.loads(json.dumps(c.to_dict(), allow_nan=False)))
    assert back == c and back.cutoffs == c.cutoffs
    assert list(back.validation.by_group["sex"]) == ["f", "m"]


def test_compas_deciles_into_three_levels():
    if not COMPAS.exists():
        pytest.skip(f"COMPAS data not found at {COMPAS}")
    df = pd.read_csv(COMPAS)
    df = df[df["days_b_screening_arrest"].between(-30, 30) & (df["is_recid"] != -1)
            & (df["c_charge_degree"] != "O") & (df["score_text"] != "N/A")]
    c = choose_cutoffs(df["two_year_recid"], df["decile_score"], n_levels=3, n_boot=0)
    assert set(c.cutoffs) <= set(range(1, 11))
    assert c.levels["n"].sum() == 6172
    assert c.levels["observed_rate"].is_monotonic_increasing
    # ProPublica's Medium/High split (decile >= 5) by rates: where the observed rate passes 0.45
    r = choose_cutoffs(df["two_year_recid"], df["decile_score"], by="rates", targets=[0.45],
                       n_boot=0)
    assert r.cutoffs == (5.0,)  # README: observed rate .437 at decile 4, .481 at decile 5


def test_missing_values_are_dropped_and_counted_when_asked():
    y, p = _data(n=1000, seed=7)
    p = p.copy()
    p[:4] = np.nan
    with pytest.raises(InvalidData) as err:
        choose_cutoffs(y, p, n_boot=0)
    assert err.value.code == "missing"
    c = choose_cutoffs(y, p, n_boot=0, missing="drop")
    assert c.validation.n_dropped == 4 and int(c.levels["n"].sum()) == 996
    assert c.assign([np.nan, 0.5])[0] is None
