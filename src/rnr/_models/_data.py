"""Validation of numeric input arrays, turning scikit-learn's errors into rnr's typed errors."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import validate_data

from .._errors import InvalidRecord, RNRError

__all__ = ["numeric_matrix"]


def numeric_matrix(estimator: Any, X: Any, reset: bool) -> np.ndarray:
    """Return ``X`` as a finite float matrix, setting or checking ``n_features_in_``.

    A 1d array is read as one column. Errors from :func:`sklearn.utils.validation.validate_data`
    that are :class:`ValueError` are re-raised as :class:`rnr.InvalidRecord` (``field="X"``)
    keeping scikit-learn's message; :class:`TypeError` (sparse or unsupported objects) passes.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> numeric_matrix(BaseEstimator(), [1, 2, 3], reset=True).shape
    (3, 1)
    """
    if not hasattr(X, "columns") and not hasattr(X, "toarray"):
        arr = np.asarray(X) if not isinstance(X, np.ndarray) else X
        if arr.ndim == 1:
            X = arr.reshape(-1, 1)
    try:
        return validate_data(estimator, X, reset=reset, dtype="numeric", ensure_all_finite=True)
    except RNRError:
        raise
    except ValueError as exc:
        raise InvalidRecord("X", f"a {type(X).__name__} input", f"{exc}",
                            code="wrong_type") from None
