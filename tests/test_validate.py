"""Tests of rnr._validation.validate and ValidationReport."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from rnr._errors import RNRError
from rnr._validation import InvalidData, ValidationReport, validate
from rnr._validation._auc import delong_se, rank_counts
from rnr._validation._intervals import wilson_interval
from rnr._validation._logistic import fit_logistic

DATA = Path(
    os.environ.get("RNR_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
COMPAS = DATA / "compas" / "compas-scores-two-years.csv"


def _synthetic(n=3000, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    p = 1 / (1 + np.exp(-(-0.4 + 1.1 * x)))
    if ties:
        p = np.round(p, 1)
    y = (rng.random(n) < p).astype(int)
    return y, p


# ----------------------------------------------------------------------------- headline metrics
@pytest.mark.parametrize("seed,ties", [(0, False), (1, True), (2, False)])
def test_auc_and_brier_equal_scikit_learn(seed, ties):
    y, p = _synthetic(seed=seed, ties=ties)
    r = validate(y, p, n_boot=0)
    assert abs(r.auc - roc_auc_score(y, p)) < 1e-9
    assert abs(r.brier - brier_score_loss(y, p)) < 1e-9
    assert r.n == y.size and r.n_events == int(y.sum())
    assert abs(r.base_rate - y.mean()) < 1e-15
    assert abs(r.eo_ratio - p.sum() / y.sum()) < 1e-12


def test_auc_of_a_score_equals_scikit_learn():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 800)
    score = rng.integers(0, 30, 800) + 4 * y
    r = validate(y, score, n_boot=0)
    assert r.kind == "score"
    assert abs(r.auc - roc_auc_score(y, score)) < 1e-9


def test_cohens_d_is_sqrt2_times_probit_of_auc():
    from scipy.stats import norm

    y, p = _synthetic(seed=3)
    r = validate(y, p, n_boot=0)
    assert r.cohens_d == pytest.approx(math.sqrt(2) * norm.ppf(r.auc), abs=1e-12)
    assert r.cohens_d_ci[0] == pytest.approx(math.sqrt(2) * norm.ppf(r.auc_ci[0]), abs=1e-12)


def test_delong_se_matches_brute_force_structural_components():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 300).astype(bool)
    s = rng.integers(0, 12, 300) + 2 * y  # many ties
    pos, neg = s[y], s[~y]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    auc = psi.mean()
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    se = math.sqrt(v10.var(ddof=1) / pos.size + v01.var(ddof=1) / neg.size)
    assert delong_se(rank_counts(y, s)) == pytest.approx(se, rel=1e-12)
    r = validate(y, s, n_boot=0)
    assert r.auc_ci == pytest.approx((auc - 1.959963984540054 * se, auc + 1.959963984540054 * se))
    assert "DeLong" in r.auc_ci_method


# ----------------------------------------------------------------------------- bootstrap
def test_bootstrap_is_reproducible_and_independent_of_n_jobs():
    y, p = _synthetic(n=2000, seed=4)
    a = validate(y, p, n_boot=200, random_state=11)
    b = validate(y, p, n_boot=200, random_state=11, n_jobs=2)
    c = validate(y, p, n_boot=200, random_state=12)
    assert a.auc_ci == b.auc_ci
    assert a.auc_ci != c.auc_ci
    assert a.auc_ci[0] < a.auc < a.auc_ci[1]
    assert "bootstrap" in a.auc_ci_method and "200" in a.auc_ci_method


@pytest.mark.parametrize("ties", [False, True])
def test_bootstrap_width_agrees_with_delong(ties):
    # both resampling paths (row indices for many distinct values, multinomial for few)
    y, p = _synthetic(n=4000, seed=8, ties=ties)
    boot = validate(y, p, n_boot=1000, random_state=0)
    width_delong = 2 * 1.959963984540054 * boot.auc_se
    width_boot = boot.auc_ci[1] - boot.auc_ci[0]
    assert width_boot == pytest.approx(width_delong, rel=0.15)


def test_too_few_replicates_are_refused():
    y, p = _synthetic(n=100)
    with pytest.raises(InvalidData) as err:
        validate(y, p, n_boot=20)
    assert err.value.field == "n_boot"


# ----------------------------------------------------------------------------- calibration
def test_calibration_of_in_sample_logistic_predictions_is_perfect():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(5000, 3))
    y = (rng.random(5000) < 1 / (1 + np.exp(-(X @ [0.8, -0.5, 0.3] - 0.7)))).astype(int)
    model = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    p = model.predict_proba(X)[:, 1]
    r = validate(y, p, n_boot=0)
    assert r.calibration_slope == pytest.approx(1.0, abs=1e-5)
    assert r.calibration_intercept == pytest.approx(0.0, abs=1e-5)
    assert r.eo_ratio == pytest.approx(1.0, abs=1e-5)
    lo, hi = r.calibration_slope_ci
    assert lo < 1 < hi


def test_miscalibration_is_detected_in_the_right_direction():
    rng = np.random.default_rng(10)
    x = rng.normal(size=20_000)
    true_p = 1 / (1 + np.exp(-x))
    y = (rng.random(x.size) < true_p).astype(int)
    too_extreme = 1 / (1 + np.exp(-2 * x))     # slope should be about 1/2
    too_high = 1 / (1 + np.exp(-(x + 1)))      # intercept should be about -1
    r1 = validate(y, too_extreme, n_boot=0)
    r2 = validate(y, too_high, n_boot=0)
    assert r1.calibration_slope == pytest.approx(0.5, abs=0.05)
    assert r2.calibration_intercept == pytest.approx(-1.0, abs=0.06)
    assert r2.eo_ratio > 1.2


def test_fit_logistic_matches_scikit_learn_and_closed_form():
    rng = np.random.default_rng(12)
    X = rng.normal(size=(3000, 2))
    y = (rng.random(3000) < 1 / (1 + np.exp(-(X @ [1.0, -2.0] + 0.3)))).astype(float)
    ours = fit_logistic(np.column_stack([np.ones(3000), X]), y)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    assert ours.converged
    assert np.allclose(ours.coef, np.r_[ref.intercept_, ref.coef_[0]], atol=1e-6)
    # 2x2 table: log odds ratio and its textbook standard error sqrt(1/a+1/b+1/c+1/d)
    a, b, c, d = 40, 60, 70, 30
    g = np.repeat([0.0, 0.0, 1.0, 1.0], [a, b, c, d])
    yy = np.repeat([1.0, 0.0, 1.0, 0.0], [a, b, c, d])
    fit = fit_logistic(np.column_stack([np.ones(g.size), g]), yy)
    assert fit.coef[1] == pytest.approx(math.log((c / d) / (a / b)), abs=1e-10)
    assert fit.se[1] == pytest.approx(math.sqrt(1 / a + 1 / b + 1 / c + 1 / d), rel=1e-8)


def test_fit_logistic_flags_separation():
    x = np.arange(20.0)
    y = (x >= 10).astype(float)
    assert not fit_logistic(np.column_stack([np.ones(20), x]), y).converged


def test_scores_get_discrimination_only_with_a_note():
    y, p = _synthetic(n=500)
    r = validate(y, p * 100)
    assert r.kind == "score"
    assert r.brier is None and r.eo_ratio is None
    assert r.calibration_intercept is None and r.calibration_slope is None
    assert any("needs probabilities" in note for note in r.notes)
    assert "needs probabilities" in r.to_markdown()
    assert r.calibration_table["predicted_rate"].isna().all()
    forced = validate(y, p, kind="score", n_boot=0)
    assert forced.kind == "score" and forced.brier is None


def test_probabilities_out_of_range_are_refused_when_declared():
    y, p = _synthetic(n=200)
    with pytest.raises(InvalidData) as err:
        validate(y, p + 0.5, kind="probability", n_boot=0)
    assert err.value.field == "risk" and err.value.code == "out_of_range"


def test_probabilities_of_exactly_zero_or_one_are_clipped_with_a_note():
    y, p = _synthetic(n=500)
    p = p.copy()
    p[0], p[1] = 0.0, 1.0
    r = validate(y, p, n_boot=0)
    assert any("clipped" in note for note in r.notes)
    assert np.isfinite(r.calibration_slope)


# ----------------------------------------------------------------------------- tables
def test_calibration_table_matches_a_groupby_and_keeps_ties_together():
    rng = np.random.default_rng(13)
    risk = rng.integers(0, 40, 2000) / 40
    y = (rng.random(2000) < risk).astype(int)
    r = validate(y, risk, n_boot=0)
    t = r.calibration_table
    assert t["n"].sum() == 2000 and t["events"].sum() == y.sum()
    # every bin is a closed range of risks, bins do not overlap: ties are never split
    assert (t["lower"].to_numpy()[1:] > t["upper"].to_numpy()[:-1]).all()
    for row in t.itertuples():
        inside = (risk >= row.lower) & (risk <= row.upper)
        assert inside.sum() == row.n
        assert y[inside].mean() == pytest.approx(row.observed_rate)
        assert risk[inside].mean() == pytest.approx(row.predicted_rate)
        low, high = wilson_interval(y[inside].sum(), inside.sum())
        assert (row.observed_low, row.observed_high) == pytest.approx((float(low), float(high)))
    assert 8 <= len(t) <= 10


def test_wilson_interval_known_values():
    # 0/10: upper bound z^2 / (n + z^2); 5/10 symmetric about 0.5
    z2 = 1.959963984540054**2
    assert wilson_interval(0, 10)[1] == pytest.approx(z2 / (10 + z2))
    low, high = wilson_interval(5, 10)
    assert low + high == pytest.approx(1.0)
    assert float(low) == pytest.approx(0.2366, abs=1e-4)


def test_cutoff_rates_and_level_table():
    y, p = _synthetic(n=3000, seed=14)
    r = validate(y, p, cutoffs=[0.3, 0.6], n_boot=0)
    for row in r.cutoff_table.itertuples():
        flag = p >= row.cutoff
        tp = int((flag & (y == 1)).sum())
        fp = int((flag & (y == 0)).sum())
        assert (row.tp, row.fp) == (tp, fp)
        assert row.sensitivity == pytest.approx(tp / y.sum())
        assert row.specificity == pytest.approx(((~flag) & (y == 0)).sum() / (y == 0).sum())
        assert row.ppv == pytest.approx(tp / flag.sum())
        assert row.npv == pytest.approx(((~flag) & (y == 0)).sum() / (~flag).sum())
        assert row.fpr == pytest.approx(1 - row.specificity)
        assert row.fnr == pytest.approx(1 - row.sensitivity)
    levels = np.digitize(p, [0.3, 0.6])  # 0: < .3, 1: [.3, .6), 2: >= .6
    lt = r.level_table
    assert lt["n"].tolist() == np.bincount(levels, minlength=3).tolist()
    assert lt["lower"].tolist() == [-math.inf, 0.3, 0.6]
    assert lt["upper"].tolist() == [0.3, 0.6, math.inf]


def test_decreasing_cutoffs_are_refused():
    y, p = _synthetic(n=100)
    with pytest.raises(InvalidData) as err:
        validate(y, p, cutoffs=[0.6, 0.3], n_boot=0)
    assert err.value.field == "cutoffs"


# ----------------------------------------------------------------------------- groups
def test_per_group_rates_equal_fairlearn_metricframe():
    fairlearn = pytest.importorskip("fairlearn.metrics")
    rng = np.random.default_rng(15)
    n = 4000
    groups = pd.DataFrame({
        "race": rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2]),
        "sex": rng.choice(["female", "male"], n, p=[0.2, 0.8]),
    })
    p = rng.uniform(0.02, 0.95, n)
    y = (rng.random(n) < p).astype(int)
    r = validate(y, p, groups=groups, cutoffs=[0.4, 0.7], n_boot=0)
    for cut in (0.4, 0.7):
        pred = (p >= cut).astype(int)
        for column in ("race", "sex"):
            mf = fairlearn.MetricFrame(
                metrics={
                    "selection_rate": fairlearn.selection_rate,
                    "fpr": fairlearn.false_positive_rate,
                    "fnr": fairlearn.false_negative_rate,
                    "sensitivity": fairlearn.true_positive_rate,
                },
                y_true=y, y_pred=pred, sensitive_features=groups[column],
            )
            for level, expected in mf.by_group.iterrows():
                table = r.by_group[column][level].cutoff_table
                row = table[table["cutoff"] == cut].iloc[0]
                for metric in ("selection_rate", "fpr", "fnr", "sensitivity"):
                    assert row[metric] == pytest.approx(expected[metric], abs=1e-12)
            overall = r.cutoff_table[r.cutoff_table["cutoff"] == cut].iloc[0]
            assert overall["fpr"] == pytest.approx(mf.overall["fpr"], abs=1e-12)


def test_group_reports_hold_everything_per_group():
    y, p = _synthetic(n=3000, seed=16)
    g = np.where(np.arange(3000) % 3 == 0, "x", "y")
    r = validate(y, p, groups=pd.Series(g, name="region"), cutoffs=[0.5], n_boot=0)
    audit = r.by_group["region"]
    assert list(audit) == ["x", "y"]
    for level in ("x", "y"):
        sub = audit[level]
        rows = g == level
        assert sub.population == f"region = {level}"
        assert sub.n == rows.sum()
        assert sub.auc == pytest.approx(roc_auc_score(y[rows], p[rows]), abs=1e-9)
        assert sub.brier == pytest.approx(brier_score_loss(y[rows], p[rows]), abs=1e-9)
        assert np.isfinite(sub.calibration_slope)
        assert len(sub.calibration_table) == 10 and len(sub.cutoff_table) == 1
    assert "Kleinberg" in audit.note and "Chouldechova" in audit.note
    frame = audit.to_frame()
    assert frame.index.tolist() == ["x", "y"]


def test_missing_group_labels_are_counted_not_dropped_from_the_rest():
    y, p = _synthetic(n=1000, seed=17)
    g = pd.Series(np.where(np.arange(1000) % 2 == 0, "a", "b"), name="sex", dtype=object)
    g.iloc[:7] = None
    r = validate(y, p, groups=g, n_boot=0)
    audit = r.by_group["sex"]
    assert audit.n_missing == 7
    assert audit["a"].n + audit["b"].n == 993
    assert r.n == 1000


def test_a_group_with_one_outcome_gets_nan_not_an_error():
    y, p = _synthetic(n=1000, seed=18)
    g = np.array(["big"] * 990 + ["tiny"] * 10)
    y = y.copy()
    y[-10:] = 0
    r = validate(y, p, groups=g, n_boot=200, random_state=0)
    tiny = r.by_group["group"]["tiny"]
    assert math.isnan(tiny.auc) and math.isnan(tiny.auc_ci[0])
    assert any("one outcome" in note for note in tiny.notes)
    bias = r.by_group["group"].bias
    assert bias.excluded["level"].tolist() == ["tiny"]


# ----------------------------------------------------------------------------- predictive bias
def _bias_data(slope_b: float, intercept_b: float, seed: int, n: int = 6000):
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b"], n, p=[0.6, 0.4])  # "a", the larger, is the reference
    p = rng.uniform(0.05, 0.9, n)
    lp = np.log(p / (1 - p))
    true_lp = np.where(g == "b", intercept_b + slope_b * lp, lp)
    y = (rng.random(n) < 1 / (1 + np.exp(-true_lp))).astype(int)
    return y, p, pd.Series(g, name="grp")


def test_bias_test_detects_an_injected_slope_difference():
    y, p, g = _bias_data(slope_b=0.6, intercept_b=0.0, seed=19)
    bias = validate(y, p, groups=g, n_boot=0).by_group["grp"].bias
    term = bias.terms.iloc[0]
    assert bias.converged and bias.reference == "a" and term["level"] == "b"
    assert term["slope_p"] < 0.001
    assert term["slope_difference"] == pytest.approx(-0.4, abs=0.15)
    assert bias.tests.set_index("test").loc["slopes", "p"] < 0.001


def test_bias_test_detects_an_injected_intercept_difference():
    y, p, g = _bias_data(slope_b=1.0, intercept_b=0.5, seed=20)
    term = validate(y, p, groups=g, n_boot=0).by_group["grp"].bias.terms.iloc[0]
    assert term["intercept_p"] < 0.001
    assert term["intercept_difference"] == pytest.approx(0.5, abs=0.15)


def test_bias_test_stays_quiet_on_null_data():
    y, p, g = _bias_data(slope_b=1.0, intercept_b=0.0, seed=22)  # any seed: ~5% reject
    bias = validate(y, p, groups=g, n_boot=0).by_group["grp"].bias
    assert bias.terms.iloc[0]["slope_p"] > 0.05
    assert bias.terms.iloc[0]["intercept_p"] > 0.05
    assert bias.tests.set_index("test").loc["both", "p"] > 0.05
    assert bias.reference_slope == pytest.approx(1.0, abs=0.1)


def test_bias_wald_p_values_are_roughly_uniform_under_the_null():
    # 200 null replications: about 5% should reject at 0.05 (a broken SE would not)
    rejections = 0
    for seed in range(200):
        y, p, g = _bias_data(1.0, 0.0, seed=1000 + seed, n=600)
        rejections += validate(y, p, groups=g, n_boot=0).by_group["grp"].bias.terms.iloc[0][
            "slope_p"] < 0.05
    assert 3 <= rejections <= 20


# ----------------------------------------------------------------------------- inputs
def test_missing_values_raise_by_default_and_are_counted_when_dropped():
    y, p = _synthetic(n=500)
    p = p.copy()
    p[[3, 9]] = np.nan
    with pytest.raises(InvalidData) as err:
        validate(y, p, n_boot=0)
    assert err.value.field == "risk" and err.value.code == "missing"
    assert isinstance(err.value, RNRError)
    r = validate(y, p, n_boot=0, missing="drop")
    assert r.n == 498 and r.n_dropped == 2
    assert any("2 rows" in note for note in r.notes)


@pytest.mark.parametrize(
    "y,risk,field,code",
    [
        ([0, 1, 2], [0.1, 0.2, 0.3], "y", "out_of_range"),
        ([0, 1, 1], [0.1, "x", 0.3], "risk", "wrong_type"),
        ([0, 1, 1], [0.1, 0.2], "risk", "wrong_length"),
        ([1, 1, 1], [0.1, 0.2, 0.3], "y", "one_class"),
        ([0, 1, 1], [0.1, np.inf, 0.3], "risk", "out_of_range"),
    ],
)
def test_bad_input_raises_typed_errors(y, risk, field, code):
    with pytest.raises(InvalidData) as err:
        validate(y, risk, n_boot=0)
    assert (err.value.field, err.value.code) == (field, code)


def test_misaligned_pandas_indexes_are_refused():
    y = pd.Series([0, 1, 0, 1], index=[0, 1, 2, 3])
    p = pd.Series([0.2, 0.8, 0.3, 0.6], index=[3, 2, 1, 0])
    with pytest.raises(InvalidData) as err:
        validate(y, p, n_boot=0)
    assert err.value.code == "misaligned"


def test_bad_settings_raise_typed_errors():
    y, p = _synthetic(n=100)
    for kwargs, field in [({"kind": "odds"}, "kind"), ({"missing": "ignore"}, "missing"),
                          ({"random_state": -1}, "random_state"), ({"n_bins": 1}, "n_bins")]:
        with pytest.raises(InvalidData) as err:
            validate(y, p, n_boot=0, **kwargs)
        assert err.value.field == field


# ----------------------------------------------------------------------------- serialisation
def _rich_report():
    rng = np.random.default_rng(22)
    n = 1500
    p = rng.uniform(0.02, 0.95, n)
    y = (rng.random(n) < p).astype(int)
    groups = pd.DataFrame({"sex": rng.choice(["f", "m"], n), "band": rng.choice([1, 2, 3], n)})
    groups.loc[groups.index[:3], "sex"] = None
    return validate(y, p, groups=groups, cutoffs=[0.3, 0.7], n_boot=200, random_state=3)


def test_to_dict_is_json_ready_and_round_trips_exactly():
    r = _rich_report()
    d = r.to_dict()
    text = json.dumps(d, allow_nan=False)  # no NaN/inf leaks into JSON
    back = ValidationReport.from_dict(json.loads(text))
    assert back == r
    assert back.to_dict() == d
    assert back.auc == r.auc and back.auc_ci == r.auc_ci  # exact floats
    pd.testing.assert_frame_equal(back.cutoff_table, r.cutoff_table, check_dtype=True)
    pd.testing.assert_frame_equal(back.calibration_table, r.calibration_table)
    assert list(back.by_group["band"]) == [1, 2, 3]  # integer labels stay integers
    assert back.by_group["sex"].n_missing == 3
    pd.testing.assert_frame_equal(back.by_group["sex"].bias.terms, r.by_group["sex"].bias.terms)
    assert math.isinf(back.level_table["lower"].iloc[0])


def test_score_report_round_trips_with_none_fields():
    y, p = _synthetic(n=400)
    r = validate(y, np.round(p * 10), n_boot=0)
    back = ValidationReport.from_dict(json.loads(json.dumps(r.to_dict(), allow_nan=False)))
    assert back == r and back.brier is None and back.calibration_slope_ci is None


@pytest.mark.parametrize(
    "mutate,field",
    [
        (lambda d: d.update(format="pickle"), "report.format"),
        (lambda d: d.update(format_version=99), "report.format_version"),
        (lambda d: d.update(auc="0.7"), "report.auc"),
        (lambda d: d.update(n=-1), "report.n"),
        (lambda d: d.update(extra=1), "report.extra"),
        (lambda d: d.pop("brier"), "report.brier"),
        (lambda d: d["cutoff_table"]["data"][0].pop(), "report.cutoff_table.data[0]"),
        (lambda d: d["by_group"][0].update(levels="x"), "report.by_group[0].levels"),
    ],
)
def test_from_dict_rejects_tampered_input(mutate, field):
    d = json.loads(json.dumps(_rich_report().to_dict()))
    mutate(d)
    with pytest.raises(InvalidData) as err:
        ValidationReport.from_dict(d)
    assert err.value.field == field


def test_to_frame_and_to_markdown():
    r = _rich_report()
    summary = r.to_frame()
    assert summary.index.names == ["grouping", "group"]
    assert summary.index[0] == ("overall", "all")
    assert len(summary) == 1 + 2 + 3
    assert summary.loc[("sex", "f"), "auc"] == r.by_group["sex"]["f"].auc
    cut = r.to_frame("cutoffs")
    assert len(cut) == 2 * 6 and {"grouping", "group", "fpr", "fnr"} <= set(cut.columns)
    assert len(r.to_frame("calibration")) == sum(len(x.calibration_table) for x in
                                                  [r, *r.by_group["sex"].values(),
                                                   *r.by_group["band"].values()])
    assert set(r.to_frame("bias")["grouping"]) == {"sex", "band"}
    with pytest.raises(InvalidData):
        r.to_frame("everything")
    md = r.to_markdown()
    for heading in ("# Validation report: all", "## Calibration by risk decile",
                    "## Cut-offs", "## Risk levels", "## By sex", "## By band",
                    "Predictive bias", "Kleinberg"):
        assert heading in md
    assert f"{r.auc:.3f}" in md


# ----------------------------------------------------------------------------- COMPAS (real data)
@pytest.fixture(scope="module")
def compas():
    if not COMPAS.exists():
        pytest.skip(f"COMPAS data not found at {COMPAS}")
    df = pd.read_csv(COMPAS)
    keep = (
        df["days_b_screening_arrest"].between(-30, 30)
        & (df["is_recid"] != -1)
        & (df["c_charge_degree"] != "O")
        & (df["score_text"] != "N/A")
    )
    return df.loc[keep, ["two_year_recid", "decile_score", "race", "sex"]].reset_index(drop=True)


def test_compas_figures_match_the_readme(compas):
    # README of ../shared/data/compas ("Baselines", computed there with scikit-learn 1.9.1)
    assert len(compas) == 6172
    r = validate(compas["two_year_recid"], compas["decile_score"], groups=compas[["race"]],
                 cutoffs=[5], n_boot=200, random_state=0)
    assert r.kind == "score" and r.n_events == 2809
    assert round(r.auc, 3) == 0.710
    rates = r.calibration_table["observed_rate"].round(3).tolist()
    assert rates == [0.215, 0.321, 0.377, 0.437, 0.481, 0.582, 0.601, 0.719, 0.714, 0.806]
    race = r.by_group["race"]
    expected = {
        "African-American": dict(auc=0.704, fpr=0.423, fnr=0.285, base=0.523, n=3175),
        "Caucasian": dict(auc=0.693, fpr=0.220, fnr=0.496, base=0.391, n=2103),
    }
    for level, e in expected.items():
        rep = race[level]
        row = rep.cutoff_table.iloc[0]
        assert rep.n == e["n"]
        assert round(rep.auc, 3) == e["auc"]
        assert round(rep.base_rate, 3) == e["base"]
        assert round(row["fpr"], 3) == e["fpr"] and round(row["fnr"], 3) == e["fnr"]
    # accuracy of "Medium/High => recidivates" (decile >= 5): 0.661
    row = r.cutoff_table.iloc[0]
    assert round((row["tp"] + row["tn"]) / r.n, 3) == 0.661


def test_weighted_mann_whitney_with_unit_weights_is_the_auc():
    from rnr._validation._bootstrap import weighted_twice_u

    rng = np.random.default_rng(23)
    y = rng.integers(0, 2, 700).astype(bool)
    s = rng.integers(0, 50, 700) + 5 * y  # ties across events and non-events
    pos, neg = np.sort(s[y]), np.sort(s[~y])
    lo = np.searchsorted(neg, pos, side="left")
    hi = np.searchsorted(neg, pos, side="right")
    twice = weighted_twice_u(np.ones(pos.size, np.int64), np.ones(neg.size, np.int64), lo, hi)
    assert twice / (2 * pos.size * neg.size) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    # doubling one event's weight counts its pairs twice
    w = np.ones(pos.size, np.int64)
    w[0] = 2
    extra = (neg < pos[0]).sum() * 2 + (neg == pos[0]).sum()
    assert weighted_twice_u(w, np.ones(neg.size, np.int64), lo, hi) == twice + extra


def test_property_auc_brier_and_rates_match_direct_computation():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.tuples(st.booleans(), st.integers(0, 8)), min_size=2, max_size=60),
        st.integers(0, 9),
    )
    def check(rows, cut):
        y = np.array([r[0] for r in rows], dtype=int)
        p = np.array([r[1] for r in rows]) / 8.0
        if y.min() == y.max():
            return
        r = validate(y, p, cutoffs=[cut / 8.0], n_boot=0)
        assert abs(r.auc - roc_auc_score(y, p)) < 1e-9
        assert abs(r.brier - brier_score_loss(y, p)) < 1e-9
        row = r.cutoff_table.iloc[0]
        flag = p >= cut / 8.0
        assert row["n_flagged"] == flag.sum()
        assert row["fpr"] == pytest.approx(((flag) & (y == 0)).sum() / (y == 0).sum())
        assert r.calibration_table["n"].sum() == y.size

    check()
