"""ScoreCalibrator: scikit-learn's contract, monotonicity, and agreement with reference fits."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from rnr import InvalidRecord, RNRError
from rnr._models._calibrator import ScoreCalibrator

#: Deliberate deviations from scikit-learn's conventions, each with its reason.
_DEVIATIONS = {
    "check_fit1d": "a total score is naturally a 1d array: fit(scores, y) is accepted on "
                   "purpose (scikit-learn expects 1d X to be refused)",
    "check_fit2d_predict1d": "likewise predict_proba(scores) takes a 1d array of scores; a "
                             "model fitted on several columns then refuses it with an "
                             "n_features error, not scikit-learn's 'Reshape your data'",
}


def _expected_failures(estimator):
    return dict(_DEVIATIONS)


@parametrize_with_checks(
    [ScoreCalibrator(method="isotonic"), ScoreCalibrator(method="logistic")],
    expected_failed_checks=_expected_failures,
)
@pytest.mark.filterwarnings("ignore:The outcome falls as the score rises")
def test_scikit_learn_conformance(estimator, check):
    check(estimator)


def test_deviations_are_real():
    """The listed deviations are what the calibrator does: 1d scores are accepted."""
    cal = ScoreCalibrator().fit(np.array([0.0, 1, 2, 3]), [0, 0, 1, 1])
    assert cal.n_features_in_ == 1
    assert cal.predict_proba(np.array([0.5, 2.5])).shape == (2, 2)


@pytest.fixture
def scores():
    rng = np.random.default_rng(3)
    score = rng.integers(0, 30, 3000).astype(float)
    y = (rng.random(3000) < 1 / (1 + np.exp(-(score - 15) / 5))).astype(int)
    return score, y


def test_isotonic_matches_scikit_learn(scores):
    score, y = scores
    ours = ScoreCalibrator("isotonic").fit(score, y).predict_proba(score)[:, 1]
    ref = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(score, y).predict(score)
    np.testing.assert_allclose(ours, ref, atol=1e-12)


def test_logistic_matches_unpenalised_logistic_regression(scores):
    score, y = scores
    cal = ScoreCalibrator("logistic").fit(score, y)
    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(score[:, None], y)
    assert cal.slope_ == pytest.approx(ref.coef_[0, 0], rel=1e-4)
    assert cal.intercept_ == pytest.approx(ref.intercept_[0], rel=1e-4)


def test_sample_weight_equals_repetition(scores):
    score, y = scores
    w = np.arange(score.shape[0]) % 3
    rep = np.repeat(np.arange(score.shape[0]), w)
    for method in ("isotonic", "logistic"):
        a = ScoreCalibrator(method).fit(score, y, sample_weight=w)
        b = ScoreCalibrator(method).fit(score[rep], y[rep])
        grid = np.linspace(-5, 35, 81)
        np.testing.assert_allclose(a.predict_proba(grid), b.predict_proba(grid), atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-20, 20), st.booleans()), min_size=4, max_size=80),
    st.sampled_from(["isotonic", "logistic"]),
)
def test_monotone_non_decreasing_in_the_score(rows, method):
    score = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=int)
    if len(set(y)) < 2:
        y[0], y[1] = 0, 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        cal = ScoreCalibrator(method).fit(score, y)
    grid = np.linspace(-30, 30, 241)
    p = cal.predict_proba(grid)[:, 1]
    assert np.all(np.diff(p) >= -1e-15)
    assert np.all((p >= 0) & (p <= 1))


def test_falling_outcome_gives_flat_logistic_map_with_warning():
    score = np.arange(20.0)
    y = (score < 10).astype(int)
    with pytest.warns(UserWarning, match="falls as the score rises"):
        cal = ScoreCalibrator("logistic").fit(score, y)
    assert cal.slope_ == 0.0
    p = cal.predict_proba(score)[:, 1]
    np.testing.assert_allclose(p, y.mean())


def test_several_columns_are_summed_like_a_sum_scale(scores):
    score, y = scores
    parts = np.column_stack([score // 2, score - score // 2])
    a = ScoreCalibrator().fit(parts, y)
    b = ScoreCalibrator().fit(score, y)
    np.testing.assert_array_equal(a.predict_proba(parts), b.predict_proba(score))


def test_labels_other_than_zero_one():
    y = np.array(["no", "no", "yes", "no", "yes", "yes"])
    cal = ScoreCalibrator().fit([1, 2, 3, 4, 5, 6], y)
    assert cal.classes_.tolist() == ["no", "yes"]
    assert cal.predict([1, 6]).tolist() == ["no", "yes"]


def test_clone_get_set_params_and_unfitted():
    cal = ScoreCalibrator(method="logistic")
    assert cal.get_params() == {"method": "logistic"}
    twin = clone(cal).set_params(method="isotonic")
    assert twin.method == "isotonic" and cal.method == "logistic"
    with pytest.raises(NotFittedError):
        twin.predict_proba([1.0])


def test_bad_method_is_a_typed_error_naming_the_parameter():
    with pytest.raises(RNRError) as info:
        ScoreCalibrator(method="spline").fit([0, 1], [0, 1])
    assert info.value.field == "method"
    assert "isotonic" in str(info.value) and "spline" in str(info.value)


def test_bad_outcome_is_a_typed_error():
    with pytest.raises(InvalidRecord) as info:
        ScoreCalibrator().fit([0, 1, 2], [0, 1, 2])
    assert info.value.field == "y"
    with pytest.raises(InvalidRecord, match="one outcome per row"):
        ScoreCalibrator().fit([0, 1, 2], [0, 1])


def test_missing_score_is_a_typed_error():
    with pytest.raises(InvalidRecord, match="NaN"):
        ScoreCalibrator().fit([0, np.nan, 2], [0, 1, 1])
