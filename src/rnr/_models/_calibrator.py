"""ScoreCalibrator: an instrument's total score to the probability of the outcome."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.validation import check_is_fitted

from ._checks import binary_outcome, check_params, check_weights, one_of, outcome_per_row
from ._data import numeric_matrix
from ._digest import training_digest
from ._logistic import fit_logistic

__all__ = ["ScoreCalibrator"]

#: Ridge penalty on the standardised slope of the logistic map: negligible on real data, it
#: keeps the slope finite when the score separates the outcome perfectly.
_L2 = 1e-6


class ScoreCalibrator(ClassifierMixin, BaseEstimator):
    """Map an instrument's total score to the probability of the outcome within follow-up.

    Re-norms an instrument to an agency's own population: fitted on past cases' scores and
    outcomes (e.g. reconviction within two years), it returns for any score the probability
    of the outcome. The map is monotone non-decreasing in the score.

    Parameters
    ----------
    method : {"isotonic", "logistic"}, default="isotonic"
        ``"isotonic"``: a non-decreasing step-and-ramp function (pool-adjacent-violators,
        linear between the fitted thresholds, clipped beyond them); honest when the
        relation is not logistic, needs a few hundred cases. ``"logistic"``:
        ``logistic(intercept_ + slope_ * score)``, two parameters (Platt scaling); if the
        outcome falls with the score the slope is set to 0 with a warning.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The outcome labels; ``predict_proba(X)[:, 1]`` is the probability of ``classes_[1]``.
    thresholds_, probabilities_ : ndarray
        ``"isotonic"`` only: scores and probabilities the map interpolates between.
    intercept_, slope_ : float
        ``"logistic"`` only, in the score's own units.
    n_features_in_ : int
        Columns seen in ``fit``: 1 for a total score. With several columns (e.g. the points
        of each item) the row sums are the score, as in a sum scale.
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame with string column names.
    training_digest_ : str
        SHA-256 of the training scores, outcome and weights (saved with the model).

    See Also
    --------
    PointsModel : learns a short integer-points instrument and its calibration.

    Notes
    -----
    Isotonic regression: Zadrozny & Elkan (2002); Platt scaling: Platt (1999). Judge the
    result out of sample (cross-validation) with ``rnr.validate``.

    Examples
    --------
    >>> import numpy as np
    >>> score = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    >>> outcome = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    >>> cal = ScoreCalibrator(method="isotonic").fit(score, outcome)
    >>> cal.predict_proba([1, 4, 7])[:, 1].round(3).tolist()
    [0.0, 0.5, 1.0]
    >>> cal = ScoreCalibrator(method="logistic").fit(score, outcome)
    >>> bool(cal.slope_ > 0)
    True
    """

    _parameter_constraints = {"method": one_of("isotonic", "logistic")}

    def __init__(self, method: str = "isotonic") -> None:
        self.method = method

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        # a monotone map of one score (the row sum) cannot separate arbitrary classes
        tags.classifier_tags.poor_score = True
        return tags

    def fit(self, X, y, sample_weight=None):
        """Learn the map from score to probability.

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_columns)
            The total score (rows are summed when there are several columns).
        y : array-like of shape (n_samples,)
            The outcome, two classes (e.g. 0/1).
        sample_weight : array-like of shape (n_samples,), optional
            Case weights.

        Returns
        -------
        self : ScoreCalibrator

        Raises
        ------
        rnr.InvalidRecord
            Non-finite scores, or an outcome without exactly two classes.
        InvalidParameter
            An unknown ``method``.
        """
        check_params(self)
        score = numeric_matrix(self, X, reset=True).sum(axis=1)
        y = outcome_per_row(y, score.shape[0])
        w = check_weights(sample_weight, score.shape[0])
        keep = w > 0
        self.classes_, y01 = binary_outcome(y[keep])
        names = [str(c) for c in getattr(self, "feature_names_in_", ["score"])]
        self.training_digest_ = training_digest(["+".join(names)], [score], y, w)
        score, w = score[keep], w[keep]
        if self.method == "isotonic":
            iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
            iso.fit(score, y01, sample_weight=w)
            self.thresholds_ = np.asarray(iso.X_thresholds_, dtype="float64")
            self.probabilities_ = np.asarray(iso.y_thresholds_, dtype="float64")
        else:
            self.intercept_, self.slope_ = _logistic_map(score, y01, w)
        return self

    def _score(self, X) -> np.ndarray:
        check_is_fitted(self)
        return numeric_matrix(self, X, reset=False).sum(axis=1)

    def predict_proba(self, X):
        """Return the probabilities of the two outcome classes for each score.

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_columns)
            Scores, as in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Column 1 is the probability of ``classes_[1]`` (the outcome).
        """
        score = self._score(X)
        if self.method == "isotonic" and hasattr(self, "thresholds_"):
            p = np.interp(score, self.thresholds_, self.probabilities_)
        else:
            p = expit(self.intercept_ + self.slope_ * score)
        return np.column_stack([1.0 - p, p])

    def predict(self, X):
        """Return the more probable outcome class for each score (probability above 0.5).

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_columns)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        p = self.predict_proba(X)[:, 1]
        return self.classes_[(p > 0.5).astype(int)]


def _logistic_map(score: np.ndarray, y01: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Weighted logistic regression of the outcome on the score, slope constrained >= 0."""
    total = w.sum()
    mean = float(w @ score / total)
    sd = float(np.sqrt(w @ (score - mean) ** 2 / total))
    rate = float(w @ y01 / total)
    if sd == 0.0:
        return float(np.log(rate / (1 - rate))), 0.0
    z = ((score - mean) / sd)[:, None]
    a, b = fit_logistic(z, events=y01 * w, trials=w, l2=_L2)
    if b[0] < 0:
        warnings.warn("The outcome falls as the score rises: the logistic map is flat (slope 0).",
                      UserWarning, stacklevel=3)
        return float(np.log(rate / (1 - rate))), 0.0
    slope = float(b[0] / sd)
    return float(a - slope * mean), slope
