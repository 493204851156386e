"""Reading the columns of a feature table: numbers or categories, never missing.

A column is numeric when its dtype is a number (booleans excluded) or when an object column
converts to numbers entirely; anything else (strings, pandas categories, booleans) is
categorical, its levels being text, integers or booleans (the value types an instrument's
``options`` accept).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._errors import InvalidRecord

__all__ = ["as_frame", "numeric_values", "category_values", "is_numeric_column"]


def as_frame(X: Any) -> pd.DataFrame:
    """Return ``X`` as a DataFrame; arrays get the column names ``x0, x1, ...``.

    Raises
    ------
    rnr.InvalidRecord
        ``field="X"`` when ``X`` is not a 2d table, has no rows or no columns.
    TypeError
        For sparse matrices.

    Examples
    --------
    >>> as_frame([[1, "a"], [2, "b"]]).columns.tolist()
    ['x0', 'x1']
    """
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError("PointsModel needs dense data; a sparse matrix was passed "
                        "(convert it with .toarray()).")
    if isinstance(X, pd.DataFrame):
        frame = X
    else:
        arr = np.asarray(X) if not isinstance(X, np.ndarray) else X
        if np.iscomplexobj(arr):
            raise InvalidRecord("X", "complex numbers", "real numbers or categories "
                                "(Complex data not supported)", code="wrong_type")
        if arr.ndim != 2:
            raise InvalidRecord("X", f"an array with {arr.ndim} dimension(s)",
                                "a 2d table (n_samples, n_features). Reshape your data: "
                                "X.reshape(-1, 1) for one feature, X.reshape(1, -1) for one row",
                                code="wrong_type")
        frame = pd.DataFrame(arr, columns=[f"x{j}" for j in range(arr.shape[1])], copy=False)
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        what = "sample" if frame.shape[0] == 0 else "feature"
        raise InvalidRecord("X", f"a table of shape {frame.shape}",
                            f"at least one row and one column; found 0 {what}(s) "
                            f"(shape={frame.shape}) while a minimum of 1 is required",
                            code="wrong_type")
    return frame


def is_numeric_column(column: pd.Series) -> bool:
    """Whether a column holds numbers (booleans and text are categories).

    Examples
    --------
    >>> import pandas as pd
    >>> is_numeric_column(pd.Series([1, 2])), is_numeric_column(pd.Series(["F", "M"]))
    (True, False)
    """
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_complex_dtype(dtype):
        raise InvalidRecord(str(column.name), "complex numbers", "real numbers or categories "
                            "(Complex data not supported)", code="wrong_type")
    if pd.api.types.is_numeric_dtype(dtype):
        return True
    if pd.api.types.is_object_dtype(dtype):
        values = column.to_numpy()
        return all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            for v in values
        )
    return False


def numeric_values(column: pd.Series, name: str) -> np.ndarray:
    """Return a numeric column as finite float64 values.

    Raises
    ------
    rnr.InvalidRecord
        Naming the column: a value that is not a number, missing (NaN) or infinite.

    Examples
    --------
    >>> import pandas as pd
    >>> numeric_values(pd.Series([1.0, float("nan")]), "age")
    Traceback (most recent call last):
    ...
    rnr._errors.InvalidRecord: age: nan is not allowed (allowed: a number in every row; ...
    """
    try:
        values = pd.to_numeric(column, errors="raise").to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        bad = next((v for v in column.to_numpy() if not _is_number(v)), None)
        raise InvalidRecord(name, bad, "a number in every row (the column was numeric in fit)",
                            code="wrong_type") from None
    finite = np.isfinite(values)
    if not finite.all():
        bad = float(values[~finite][0])
        what = "NaN (missing)" if np.isnan(bad) else "inf (infinite)"
        raise InvalidRecord(name, bad, f"a number in every row; {what} values cannot be scored: "
                            "impute or drop them first", code="missing_required")
    return values


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _plain(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def category_values(column: pd.Series, name: str) -> np.ndarray:
    """Return a categorical column as an object array of text, integers or booleans.

    Raises
    ------
    rnr.InvalidRecord
        Naming the column: a missing value, or a value of another type.

    Examples
    --------
    >>> import pandas as pd
    >>> category_values(pd.Series(["F", None]), "charge")
    Traceback (most recent call last):
    ...
    rnr._errors.InvalidRecord: charge: nan is not allowed (allowed: a category in every row; ...
    """
    values = column.astype(object).to_numpy()
    missing = pd.isna(values)
    if missing.any():
        bad = values[missing][0]
        raise InvalidRecord(name, bad, "a category in every row; NaN (missing) values cannot be "
                            "scored: impute or drop them first", code="missing_required")
    try:
        uniques = pd.unique(values)
    except TypeError:  # unhashable values (lists, dicts)
        uniques = values
    for v in uniques:
        if not isinstance(v, (str, bool, int, np.integer, np.bool_)):
            raise InvalidRecord(name, v, "categories as text, integers or booleans",
                                code="wrong_type")
    if any(isinstance(v, (np.integer, np.bool_)) for v in uniques):
        values = np.array([_plain(v) for v in values], dtype=object)
    return values
