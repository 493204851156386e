"""Estimators with scikit-learn's API that turn an agency's own cases into risk probabilities.

- :class:`ScoreCalibrator` re-norms an existing instrument: its total score to the
  probability of the outcome within the follow-up window (isotonic or logistic, monotone).
- :class:`PointsModel` learns a short integer-points instrument from raw features (banded
  numbers, scored categories) with a calibrated map from total points to probability, and
  writes it in rnr's instrument format (``to_instrument``) for ``rnr.assess``.

Both follow scikit-learn's contract (``fit`` / ``predict_proba`` / ``get_params`` /
``set_params``, fitted attributes ending in ``_``) and pass its conformance checks
(``tests/test_calibrator.py``, ``tests/test_points_model.py``). Save them with ``rnr.save``.
"""

from ._calibrator import ScoreCalibrator
from ._checks import InvalidParameter
from ._points import PointsModel

__all__ = ["ScoreCalibrator", "PointsModel", "InvalidParameter"]
