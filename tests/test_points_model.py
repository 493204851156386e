"""PointsModel: scikit-learn's contract, the instrument it writes, and the COMPAS target."""

import tomllib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.estimator_checks import parametrize_with_checks

import rnr
from rnr import InvalidRecord, RNRError
from rnr._models._points import PointsModel
from rnr._models._to_instrument import points_instrument

FEATURES = ["age", "priors_count", "juv_fel_count", "juv_misd_count", "juv_other_count",
            "c_charge_degree", "sex"]


@parametrize_with_checks([PointsModel()], expected_failed_checks=lambda est: {})
def test_scikit_learn_conformance(estimator, check):
    check(estimator)


def load_compas(shared_data):
    """ProPublica's two-year file with their standard filter (6,172 rows)."""
    d = pd.read_csv(shared_data / "compas" / "compas-scores-two-years.csv")
    d = d[(d.days_b_screening_arrest <= 30) & (d.days_b_screening_arrest >= -30)
          & (d.is_recid != -1) & (d.c_charge_degree != "O") & (d.score_text != "N/A")]
    return d[FEATURES].reset_index(drop=True), d["two_year_recid"].to_numpy()


@pytest.fixture(scope="module")
def compas(shared_data):
    X, y = load_compas(shared_data)
    assert len(X) == 6172 and int(y.sum()) == 2809  # the README's counts
    return X, y


@pytest.mark.slow
def test_compas_target(compas):
    """Issue 3's target: 5-fold stratified CV (shuffled, seed 0), AUC >= 0.733, Brier <= 0.2075."""
    X, y = compas
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    aucs, briers, items = [], [], []
    for train, test in folds.split(X, y):
        model = PointsModel(max_items=8, point_range=(-5, 5)).fit(X.iloc[train], y[train])
        p = model.predict_proba(X.iloc[test])[:, 1]
        aucs.append(roc_auc_score(y[test], p))
        briers.append(brier_score_loss(y[test], p))
        items.append(len(model.items_))
        assert all(-5 <= pts <= 5 for spec in model.items_ for pts in spec["points"])
    auc, brier = float(np.mean(aucs)), float(np.mean(briers))
    print(f"COMPAS PointsModel 5-fold CV: AUC {auc:.4f}, Brier {brier:.4f}, items {items}")
    assert max(items) <= 8
    assert auc >= 0.733
    assert brier <= 0.2075


@pytest.fixture(scope="module")
def compas_model(compas):
    X, y = compas
    return PointsModel().fit(X, y)


def test_assess_scores_the_written_instrument_exactly(compas, compas_model, tmp_path):
    X, _ = compas
    path = tmp_path / "compas-points.toml"
    text = compas_model.to_instrument("compas-points", "0.1.0", path=path)
    assert path.read_text(encoding="utf-8") == text
    inst = rnr.load_instrument(path)
    assert inst.status == "not-validated"
    items = list(compas_model.points_)
    result = rnr.assess(X[items], inst)
    assert (result["status"] == "ok").all()
    np.testing.assert_array_equal(result["total.raw"].to_numpy(), compas_model.total_points(X))
    np.testing.assert_array_equal(result["total.scaled"].to_numpy(),
                                  compas_model.predict_proba(X)[:, 1])
    one = rnr.assess(X[items].iloc[7].to_dict(), inst).to_dict()
    assert one["scales"]["total"]["scaled"] == compas_model.predict_proba(X.iloc[[7]])[0, 1]


def test_instrument_text_reads_back_as_the_definition(compas_model):
    definition = points_instrument(compas_model, "compas-points", "0.1.0")
    text = compas_model.to_instrument("compas-points", "0.1.0")
    assert tomllib.loads(text) == definition


def test_instrument_refuses_values_below_the_training_range(compas, compas_model, tmp_path):
    X, _ = compas
    path = tmp_path / "p.toml"
    compas_model.to_instrument("p", "1", path=path)
    record = X[list(compas_model.points_)].iloc[0].to_dict()
    record["age"] = int(X["age"].min()) - 1
    with pytest.raises(InvalidRecord) as info:
        rnr.assess(record, path)
    assert info.value.field == "age"


def test_summary_describes_every_band(compas, compas_model):
    X, y = compas
    table = compas_model.summary
    assert list(table.columns) == ["item", "band", "points", "n", "observed_rate"]
    for _, rows in table.groupby("item", sort=False):
        assert rows["n"].sum() == len(X)
        observed = (rows["n"] * rows["observed_rate"]).sum()
        assert observed == pytest.approx(y.sum())
    assert set(table["item"]) == set(compas_model.points_)
    assert len(compas_model.items_) <= 8


def test_score_table_is_the_probability_of_each_total(compas, compas_model):
    X, _ = compas
    table = compas_model.score_table
    total = compas_model.total_points(X)
    lookup = dict(zip(table["total"], table["probability"], strict=True))
    np.testing.assert_array_equal(compas_model.predict_proba(X)[:, 1],
                                  [lookup[t] for t in total])
    assert np.all(np.diff(table["probability"]) > 0)  # logistic calibration: increasing


def synthetic(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "age": rng.integers(18, 70, n),
        "priors": rng.poisson(2.5, n),
        "charge": rng.choice(["F", "M"], n),
        "region": rng.choice(["north", "south", "east"], n),
    })
    logit = (-1.5 * (X.age >= 30) - 1.0 * (X.age >= 45) + 0.5 * np.minimum(X.priors, 6) - 0.3
             + 0.6 * (X.charge == "F"))
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def test_learns_the_signal_and_accepts_strings():
    X, y = synthetic()
    model = PointsModel().fit(X, y)
    assert {"age", "priors", "charge"} <= set(model.points_)
    age = next(s for s in model.items_ if s["feature"] == "age")
    assert 30.0 in age["bands"] and 45.0 in age["bands"]  # the true cut-offs are found
    charge = next(s for s in model.items_ if s["feature"] == "charge")
    points = dict(zip(charge["levels"], charge["points"], strict=True))
    assert points["F"] > points["M"]
    auc = roc_auc_score(y, model.predict_proba(X)[:, 1])
    assert auc > 0.7


@settings(max_examples=25, deadline=None)
@given(
    max_items=st.integers(1, 4),
    max_bands=st.integers(2, 5),
    low=st.integers(-4, 0),
    width=st.integers(1, 6),
    seed=st.integers(0, 10_000),
)
def test_limits_are_respected(max_items, max_bands, low, width, seed):
    X, y = synthetic(n=600, seed=seed)
    model = PointsModel(max_items=max_items, max_bands=max_bands,
                        point_range=(low, low + width)).fit(X, y)
    assert len(model.items_) <= max_items
    for spec in model.items_:
        assert all(low <= p <= low + width for p in spec["points"])
        groups = spec["bands"] if spec["type"] == "numeric" else set(spec["points"])
        assert len(groups) <= max_bands
    p = model.predict_proba(X)[:, 1]
    assert np.all((p > 0) & (p < 1))


def test_isotonic_calibration_is_non_decreasing_in_the_total():
    X, y = synthetic()
    model = PointsModel(calibration="isotonic").fit(X, y)
    assert np.all(np.diff(model.probabilities_) >= 0)
    assert model.calibrator_.method == "isotonic"


def test_sample_weight_equals_repetition():
    X, y = synthetic(n=800, seed=4)
    w = np.arange(len(y)) % 3
    rep = np.repeat(np.arange(len(y)), w)
    a = PointsModel().fit(X, y, sample_weight=w)
    b = PointsModel().fit(X.iloc[rep].reset_index(drop=True), y[rep])
    assert a.items_ == b.items_
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-9)


def test_unseen_level_and_missing_values_are_typed_errors():
    X, y = synthetic(n=500)
    model = PointsModel().fit(X, y)
    bad = X.head(3).copy()
    bad["charge"] = ["F", "X", "M"]
    with pytest.raises(InvalidRecord) as info:
        model.predict_proba(bad)
    assert (info.value.field, info.value.value, info.value.code) == ("charge", "X",
                                                                     "not_an_option")
    holes = X.astype({"age": float})
    holes.loc[5, "age"] = np.nan
    with pytest.raises(InvalidRecord) as info:
        PointsModel().fit(holes, y)
    assert info.value.field == "age" and info.value.code == "missing_required"


def test_parameters_are_checked_in_fit_not_init():
    model = PointsModel(point_range=(3, 1))
    assert model.point_range == (3, 1)
    with pytest.raises(RNRError) as info:
        model.fit(*synthetic(n=200))
    assert info.value.field == "point_range"


def test_clone_and_unfitted():
    model = PointsModel(max_items=3, calibration="isotonic")
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        twin.predict_proba(synthetic(n=10)[0])


def test_training_digest_names_the_data():
    X, y = synthetic(n=400)
    a = PointsModel().fit(X, y).training_digest_
    assert a == PointsModel(max_items=2).fit(X.copy(), y.copy()).training_digest_
    changed = X.copy()
    changed.loc[0, "age"] += 1
    assert PointsModel().fit(changed, y).training_digest_ != a
    assert PointsModel().fit(X, 1 - y).training_digest_ != a


def test_to_instrument_refuses_column_names_that_are_not_ids():
    X, y = synthetic(n=400)
    model = PointsModel().fit(X.rename(columns={"age": "Age at release"}), y)
    with pytest.raises(InvalidRecord) as info:
        model.to_instrument("x", "1")
    assert info.value.field == "Age at release"
