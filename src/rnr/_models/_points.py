"""PointsModel: learn a short integer-points instrument from an agency's own cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ._binning import encode, learn_features, read_columns
from ._calibrator import ScoreCalibrator
from ._checks import (
    Rule,
    binary_outcome,
    check_params,
    check_weights,
    int_at_least,
    one_of,
    outcome_per_row,
    real_between,
)
from ._columns import as_frame, category_values, numeric_values
from ._digest import training_digest
from ._labels import band_labels
from ._logistic import fit_logistic
from ._patterns import collapse
from ._rounding import integer_points
from ._selection import select_items

__all__ = ["PointsModel"]


def _is_point_range(value) -> bool:
    try:
        low, high = value
    except (TypeError, ValueError):
        return False
    ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (low, high))
    return ints and low < high


class PointsModel(ClassifierMixin, BaseEstimator):
    """Learn a sparse integer-points instrument, with a calibrated map from total to probability.

    From past cases' raw features (a DataFrame; numbers, text and booleans accepted) and
    outcomes, it builds an instrument a person can score by hand: each item is one feature,
    numeric features cut into a few bands, categorical ones scored by level, every band or
    level worth a whole number of points; the total points map to the probability of the
    outcome. ``to_instrument`` writes it in rnr's instrument format, so ``rnr.assess``
    scores it exactly as ``predict_proba`` does.

    How it learns (deterministic; no random state):

    1. Candidate cut-offs: every distinct value of a numeric feature when there are at most
       ``max_candidates`` + 1, otherwise ``max_candidates`` weighted quantiles, each leaving
       ``min_band_fraction`` of the weight on either side; each level of a categorical one.
    2. A smooth first look: one logistic model with an effect for every candidate bin and
       level, neighbouring bins pulled together by a random-walk penalty chosen by AIC.
    3. Bands: each feature's smoothed effects cut into at most ``max_bands`` bands by exact
       dynamic programming (categorical levels grouped in order of effect), every band holding
       at least ``min_band_fraction`` of the weight, a band added only if it pays the
       criterion's price.
    4. Items: forward selection of features, each with its bands, by the deviance of the
       logistic model net of the criterion's price per band (2 for AIC, ``log n`` for BIC),
       up to ``max_items``.
    5. Integer points: the band effects times a common multiplier, rounded, the multiplier
       chosen on a grid for the best logistic fit of the outcome on the integer total, then
       improved one point at a time from the five best multipliers (as in FasterRisk and
       RiskSLIM), all within ``point_range``; equal neighbouring bands are merged.
    6. Calibration: ``calibration`` ("logistic" or "isotonic") of the outcome on the total,
       by :class:`ScoreCalibrator`, tabulated for every reachable total.

    Everything is fitted on answer patterns (people sharing every code, with their counts),
    so a million COMPAS-like rows fit in about a second.

    Parameters
    ----------
    max_items : int, default=8
        Most items (features) used; a feature cut into several bands is one item.
    point_range : (int, int), default=(-5, 5)
        Lowest and highest points of any band or level.
    max_bands : int, default=6
        Most bands (or distinctly scored level groups) per item.
    calibration : {"logistic", "isotonic"}, default="logistic"
        The map from total points to probability.
    criterion : {"aic", "bic"}, default="aic"
        The price a band or item pays to enter. AIC aims at out-of-sample prediction (it is
        asymptotically equivalent to leave-one-out cross-validation; Stone, 1977); BIC gives
        shorter instruments.
    max_candidates : int, default=32
        Candidate cut-offs per numeric feature.
    min_band_fraction : float, default=0.01
        Least share of the (weighted) cases in any band.

    Attributes
    ----------
    items_ : list of dict
        One per item, in order of entry: ``feature``, ``type`` ("numeric" or "categorical"),
        ``bands`` (numeric: each band's minimum, a band covering ``[min, next min)``, the first
        starting at the smallest value seen in fit) or ``levels`` (categorical),
        ``points``, and per band or level the training ``n`` (weighted) and ``events``.
    points_ : dict
        Feature name to its list of points (per band or level).
    intercept_, slope_ : float
        The logistic fit of the outcome on the total: ``logit p = intercept_ + slope_ * total``
        (the map itself when ``calibration="logistic"``).
    calibrator_ : ScoreCalibrator
        The fitted map from total to probability.
    total_min_, total_max_ : int
        The lowest and highest reachable totals.
    probabilities_ : ndarray of shape (total_max_ - total_min_ + 1,)
        The probability of the outcome for each reachable total.
    classes_ : ndarray of shape (2,)
        Outcome labels; the probability predicted is that of ``classes_[1]``.
    feature_kinds_ : list of str
        "numeric" or "categorical" per input column.
    training_digest_ : str
        ``sha256:...`` of the training table, outcome and weights.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        When ``X`` was a DataFrame with string column names.

    See Also
    --------
    ScoreCalibrator : calibrate an existing instrument's total score.

    Notes
    -----
    Integer scoring systems: Ustun & Rudin (2019), "Learning optimized risk scores", JMLR 20;
    Liu et al. (2022), "FasterRisk", NeurIPS. Optimal grouping: Fisher (1958), JASA 53.
    Judge the instrument out of sample (cross-validation) with ``rnr.validate``; the in-sample
    fit flatters it.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"age": rng.integers(18, 70, 2000),
    ...                   "priors": rng.poisson(3, 2000),
    ...                   "charge": rng.choice(["F", "M"], 2000)})
    >>> logit = -0.05 * (X.age - 35) + 0.3 * X.priors - 1 + 0.4 * (X.charge == "F")
    >>> y = rng.random(2000) < 1 / (1 + np.exp(-logit))
    >>> model = PointsModel(max_items=3).fit(X, y)
    >>> sorted(model.points_)
    ['age', 'charge', 'priors']
    >>> p = model.predict_proba(X)[:, 1]
    >>> bool(np.all((p > 0) & (p < 1)))
    True
    """

    _parameter_constraints = {
        "max_items": int_at_least(1),
        "point_range": Rule(_is_point_range, "a pair of integers (low, high) with low < high"),
        "max_bands": int_at_least(2),
        "calibration": one_of("logistic", "isotonic"),
        "criterion": one_of("aic", "bic"),
        "max_candidates": int_at_least(1),
        "min_band_fraction": real_between(0.0, 0.5),
    }

    def __init__(self, max_items: int = 8, point_range: tuple = (-5, 5), max_bands: int = 6,
                 calibration: str = "logistic", criterion: str = "aic",
                 max_candidates: int = 32, min_band_fraction: float = 0.01) -> None:
        self.max_items = max_items
        self.point_range = point_range
        self.max_bands = max_bands
        self.calibration = calibration
        self.criterion = criterion
        self.max_candidates = max_candidates
        self.min_band_fraction = min_band_fraction

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags

    # ----------------------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None):
        """Learn the items, their points and the map from total to probability.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Raw features, one column each; no missing values.
        y : array-like of shape (n_samples,)
            The outcome, two classes (e.g. 0/1).
        sample_weight : array-like of shape (n_samples,), optional
            Case weights.

        Returns
        -------
        self : PointsModel

        Raises
        ------
        rnr.InvalidRecord
            Missing or non-finite values (naming the column), or an outcome without exactly
            two classes.
        InvalidParameter
            A parameter out of its allowed values.
        """
        check_params(self)
        frame = as_frame(X)
        validate_data(self, X, skip_check_array=True, reset=True)
        n = frame.shape[0]
        y = outcome_per_row(y, n)
        w = check_weights(sample_weight, n)
        columns = read_columns(frame)
        names = [str(c) for c in frame.columns]
        self.training_digest_ = training_digest(names, columns, y, w)
        keep = w > 0
        self.classes_, y01 = binary_outcome(y[keep])
        if not keep.all():
            columns = [c[keep] for c in columns]
            w = w[keep]
        total = float(w.sum())
        min_band = self.min_band_fraction * total
        features = learn_features(frame, columns, w, self.max_candidates, min_band)
        self.feature_kinds_ = [f.kind for f in features]
        codes = encode(columns, features)
        patterns = collapse(codes, y01, w, [f.n_codes for f in features])
        price = float(np.log(total)) if self.criterion == "bic" else 2.0
        price = max(price, 1e-9)
        chosen = select_items(patterns, features, self.max_items, self.max_bands, min_band,
                                 price)
        groups = np.column_stack(
            [it.group_of_code[patterns.codes[:, it.feature]] for it in chosen]
        ) if chosen else np.zeros((patterns.codes.shape[0], 0), dtype=np.int64)
        references = [self._reference(it, groups[:, i], patterns.trials, features)
                      for i, it in enumerate(chosen)]
        points = integer_points([it.values for it in chosen], groups, references,
                                patterns.events, patterns.trials, tuple(self.point_range)
                                ) if chosen else []
        self.items_ = []
        for i, it in enumerate(chosen):
            spec = self._item_spec(it, features[it.feature], points[i], groups[:, i], patterns)
            if spec is not None:
                self.items_.append(spec)
        self.points_ = {spec["feature"]: list(spec["points"]) for spec in self.items_}
        self._fit_map(self._totals_of_patterns(patterns, features), patterns)
        return self

    @staticmethod
    def _reference(item, group: np.ndarray, trials: np.ndarray, features) -> int:
        if features[item.feature].kind == "numeric":
            return 0
        weight = np.bincount(group, weights=trials, minlength=item.values.shape[0])
        return int(np.argmax(weight))  # the most common group of levels keeps 0 points

    @staticmethod
    def _item_spec(item, feat, points: np.ndarray, group: np.ndarray, patterns) -> dict | None:
        if np.all(points == points[0]):
            return None
        if feat.kind == "categorical":
            codes = patterns.codes[:, item.feature]
            n = np.bincount(codes, weights=patterns.trials, minlength=feat.n_codes)
            events = np.bincount(codes, weights=patterns.events, minlength=feat.n_codes)
            return {"feature": feat.name, "type": "categorical", "levels": list(feat.levels),
                    "points": [int(points[g]) for g in item.group_of_code],
                    "n": [float(v) for v in n], "events": [float(v) for v in events]}
        size = points.shape[0]
        n = np.bincount(group, weights=patterns.trials, minlength=size)
        events = np.bincount(group, weights=patterns.events, minlength=size)
        mins = [feat.minimum] + [feat.cuts[k] for k in item.cut_indices]
        keep = [0] + [b for b in range(1, size) if points[b] != points[b - 1]]
        bounds = [*keep, size]
        spans = list(zip(bounds, bounds[1:], strict=False))
        return {"feature": feat.name, "type": "numeric", "integer": bool(feat.integer),
                "bands": [float(mins[b]) for b in keep],
                "points": [int(points[b]) for b in keep],
                "n": [float(n[a:b].sum()) for a, b in spans],
                "events": [float(events[a:b].sum()) for a, b in spans]}

    def _totals_of_patterns(self, patterns, features) -> np.ndarray:
        index = {f.name: j for j, f in enumerate(features)}
        total = np.zeros(patterns.codes.shape[0], dtype=np.int64)
        for spec in self.items_:
            feat = features[index[spec["feature"]]]
            codes = patterns.codes[:, index[spec["feature"]]]
            if spec["type"] == "numeric":
                edges = np.asarray((feat.minimum, *feat.cuts), dtype="float64")
                values = edges[codes]  # the lowest value of each code's candidate bin
                band = np.searchsorted(np.asarray(spec["bands"][1:]), values, side="right")
            else:
                band = codes
            total += np.asarray(spec["points"], dtype=np.int64)[band]
        return total

    def _fit_map(self, total: np.ndarray, patterns) -> None:
        low = sum(min(s["points"]) for s in self.items_)
        high = sum(max(s["points"]) for s in self.items_)
        self.total_min_, self.total_max_ = int(low), int(high)
        if high > low:
            a, b = fit_logistic(total[:, None].astype("float64"), patterns.events,
                                patterns.trials, l2=1e-6)
            self.intercept_, self.slope_ = float(a), float(b[0])
        else:
            a, _ = fit_logistic(np.zeros((total.shape[0], 0)), patterns.events, patterns.trials)
            self.intercept_, self.slope_ = float(a), 0.0
        score = np.concatenate([total, total]).astype("float64")
        outcome = np.concatenate([np.ones(total.shape[0]), np.zeros(total.shape[0])])
        weight = np.concatenate([patterns.events, patterns.trials - patterns.events])
        positive = weight > 0
        self.calibrator_ = ScoreCalibrator(method=self.calibration).fit(
            score[positive, None], outcome[positive], sample_weight=weight[positive])
        # the calibrator sees 0/1 outcomes; map its classes back to ours
        reachable = np.arange(low, high + 1, dtype="float64")[:, None]
        self.probabilities_ = self.calibrator_.predict_proba(reachable)[:, 1]

    # ------------------------------------------------------------------------- predict
    def total_points(self, X) -> np.ndarray:
        """Return each row's total points.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The same columns as in ``fit``.

        Returns
        -------
        ndarray of int64, shape (n_samples,)

        Raises
        ------
        rnr.InvalidRecord
            Missing or non-finite values, or a level of a categorical item not seen in fit.
        """
        check_is_fitted(self)
        frame = as_frame(X)
        validate_data(self, X, skip_check_array=True, reset=False)
        names = [str(c) for c in frame.columns]
        values = {}
        for j, kind in enumerate(self.feature_kinds_):
            col = frame.iloc[:, j]
            values[names[j]] = (numeric_values(col, names[j]) if kind == "numeric"
                                else category_values(col, names[j]))
        total = np.zeros(frame.shape[0], dtype=np.int64)
        for spec in self.items_:
            x = values[spec["feature"]]
            pts = np.asarray(spec["points"], dtype=np.int64)
            if spec["type"] == "numeric":
                band = np.searchsorted(np.asarray(spec["bands"][1:], dtype="float64"), x,
                                       side="right")
            else:
                from ._binning import Feature

                feat = Feature(spec["feature"], "categorical", levels=tuple(spec["levels"]))
                band = encode([x], (feat,))[:, 0]
            total += pts[band]
        return total

    def predict_proba(self, X):
        """Return the probabilities of the two outcome classes.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Column 1 is the probability of ``classes_[1]``, read from ``probabilities_`` at
            each row's total.
        """
        total = self.total_points(X)
        p = np.asarray(self.probabilities_, dtype="float64")[total - self.total_min_]
        return np.column_stack([1.0 - p, p])

    def predict(self, X):
        """Return the more probable outcome class (probability above 0.5).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        p = self.predict_proba(X)[:, 1]
        return self.classes_[(p > 0.5).astype(int)]

    # ------------------------------------------------------------------------- reports
    @property
    def summary(self) -> pd.DataFrame:
        """The instrument as a table: one row per band or level of each item.

        Columns: ``item``, ``band`` (the band's range or the level), ``points``, ``n``
        (weighted training cases) and ``observed_rate`` (their outcome rate).

        Examples
        --------
        >>> import numpy as np
        >>> X = np.repeat([[0.0], [1.0]], 100, axis=0)
        >>> y = np.r_[np.zeros(80), np.ones(20), np.zeros(40), np.ones(60)]
        >>> table = PointsModel().fit(X, y).summary
        >>> table[["band", "points", "n", "observed_rate"]].to_dict("list")
        {'band': ['0 to under 1', '1 and over'], 'points': [0, 1], 'n': [100.0, 100.0], 'observed_rate': [0.2, 0.6]}
        """
        check_is_fitted(self)
        rows = []
        for spec in self.items_:
            if spec["type"] == "numeric":
                labels = band_labels(spec["bands"], spec["integer"])
            else:
                labels = [str(v) for v in spec["levels"]]
            for label, pts, n, ev in zip(labels, spec["points"], spec["n"], spec["events"],
                                         strict=True):
                rows.append({"item": spec["feature"], "band": label, "points": pts, "n": n,
                             "observed_rate": ev / n if n > 0 else float("nan")})
        return pd.DataFrame(rows, columns=["item", "band", "points", "n", "observed_rate"])

    @property
    def score_table(self) -> pd.DataFrame:
        """Every reachable total with its calibrated probability of the outcome.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.repeat([[0.0], [1.0]], 100, axis=0)
        >>> y = np.r_[np.zeros(80), np.ones(20), np.zeros(40), np.ones(60)]
        >>> PointsModel().fit(X, y).score_table.round(3).to_dict("list")
        {'total': [0, 1], 'probability': [0.2, 0.6]}
        """
        check_is_fitted(self)
        totals = np.arange(self.total_min_, self.total_max_ + 1)
        return pd.DataFrame({"total": totals, "probability": self.probabilities_})

    def to_instrument(self, id: str, version: str, path=None, **metadata) -> str:
        """Write the fitted model as an rnr instrument definition (TOML).

        See :func:`rnr._models._to_instrument.points_instrument` for the layout and the
        ``metadata`` accepted (``title``, ``purpose``, ``population``, ``licence``,
        ``citation``).

        Parameters
        ----------
        id : str
            The instrument id (``^[a-z][a-z0-9_-]*$``).
        version : str
            The instrument's own version.
        path : str or path-like, optional
            Where to write the file; the text is returned either way.

        Returns
        -------
        str
            The TOML text.
        """
        from ._to_instrument import points_instrument, write_instrument

        check_is_fitted(self)
        return write_instrument(points_instrument(self, id, version, **metadata), path)
