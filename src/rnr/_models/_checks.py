"""Checks shared by rnr's estimators: parameters, outcomes and sample weights.

Bad input raises a typed :class:`rnr.RNRError` subclass naming the field, the value and
what is allowed. Estimator parameters are declared in a ``_parameter_constraints`` mapping
(name -> :class:`Rule`) and checked when ``fit`` starts, never in ``__init__``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d

from .._errors import InvalidRecord, RNRError

__all__ = [
    "InvalidParameter", "Rule", "check_params", "binary_outcome", "check_weights", "outcome_per_row",
]


class InvalidParameter(RNRError):
    """An estimator parameter has a value the estimator cannot use.

    Parameters
    ----------
    field : str
        The parameter's name.
    value : object
        The offending value.
    allowed : str
        What would have been accepted.

    Examples
    --------
    >>> print(InvalidParameter("method", "spline", "'isotonic' or 'logistic'"))
    method: 'spline' is not allowed (allowed: 'isotonic' or 'logistic')
    """

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        text = repr(value)
        text = text if len(text) <= 80 else text[:77] + "..."
        super().__init__(f"{field}: {text} is not allowed (allowed: {allowed})")

    def __reduce__(self):
        return (type(self), (self.field, self.value, self.allowed))


@dataclass(frozen=True)
class Rule:
    """A declared constraint on one parameter: a test and the words for what is allowed."""

    test: Callable[[Any], bool]
    allowed: str


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def one_of(*options: Any) -> Rule:
    """Return a rule accepting exactly one of ``options``."""
    return Rule(lambda v: isinstance(v, str) and v in options,
                " or ".join(repr(o) for o in options))


def int_at_least(low: int) -> Rule:
    """Return a rule accepting an integer ``>= low``."""
    return Rule(lambda v: _is_int(v) and v >= low, f"an integer >= {low}")


def real_between(low: float, high: float) -> Rule:
    """Return a rule accepting a real number in ``[low, high]``."""
    return Rule(lambda v: _is_real(v) and low <= v <= high, f"a number from {low} to {high}")


def check_params(estimator: Any) -> None:
    """Check every parameter of ``estimator`` against its ``_parameter_constraints``.

    Raises
    ------
    InvalidParameter
        Naming the first parameter at fault.

    Examples
    --------
    >>> class E:
    ...     _parameter_constraints = {"k": int_at_least(1)}
    ...     k = 0
    >>> check_params(E())
    Traceback (most recent call last):
    ...
    rnr._models._checks.InvalidParameter: k: 0 is not allowed (allowed: an integer >= 1)
    """
    for name, rule in type(estimator)._parameter_constraints.items():
        value = getattr(estimator, name)
        if not rule.test(value):
            raise InvalidParameter(name, value, rule.allowed)


def binary_outcome(y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Check that ``y`` holds exactly two outcome classes; return ``(classes, y01)``.

    The larger class (in sorted order, e.g. ``1`` of ``0/1``) is the outcome whose
    probability is predicted.

    Raises
    ------
    rnr.InvalidRecord
        ``field="y"``: not one-dimensional, missing values, one class only, or more than two.

    Examples
    --------
    >>> classes, y01 = binary_outcome(["no", "yes", "yes"])
    >>> classes.tolist(), y01.tolist()
    (['no', 'yes'], [0.0, 1.0, 1.0])
    >>> binary_outcome([1, 1, 1])
    Traceback (most recent call last):
    ...
    rnr._errors.InvalidRecord: y: 'one class: [1]' is not allowed (allowed: both outcome classes ...
    """
    if y is None:
        raise InvalidRecord("y", None, "outcomes: this estimator requires y to be passed, but "
                            "the target y is None", code="missing_required")
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = column_or_1d(arr, warn=True)
    kind = type_of_target(arr, input_name="y", raise_unknown=True)
    if kind not in ("binary", "multiclass"):
        raise InvalidRecord("y", f"outcomes of type {kind!r}",
                            "Only binary classification is supported: two outcome classes, "
                            "e.g. 0/1", code="wrong_type")
    classes, y01 = np.unique(arr, return_inverse=True)
    if len(classes) == 1:
        raise InvalidRecord("y", f"one class: {classes.tolist()!r}",
                            "both outcome classes (a classifier cannot learn from one class)",
                            code="wrong_type")
    if len(classes) > 2:
        raise InvalidRecord("y", f"{len(classes)} classes",
                            "Only binary classification is supported: exactly two outcome "
                            "classes, e.g. 0/1", code="wrong_type")
    return classes, y01.astype("float64")


def check_weights(sample_weight: Any, n: int) -> np.ndarray:
    """Return sample weights as a float array of length ``n`` (ones when ``None``).

    Raises
    ------
    rnr.InvalidRecord
        ``field="sample_weight"``: wrong length, negative or non-finite values, or all zero.

    Examples
    --------
    >>> check_weights(None, 2).tolist()
    [1.0, 1.0]
    """
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype="float64")
    if w.ndim == 0:
        w = np.full(n, float(w))
    if w.ndim != 1 or w.shape[0] != n:
        raise InvalidRecord("sample_weight", f"shape {w.shape}",
                            f"a 1d array with one weight per sample: shape ({n},)",
                            code="wrong_type")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise InvalidRecord("sample_weight", "negative or non-finite weights",
                            "finite weights >= 0", code="out_of_range")
    if not np.any(w > 0):
        raise InvalidRecord("sample_weight", "all weights zero",
                            "at least one positive weight", code="out_of_range")
    return w


def outcome_per_row(y: Any, n: int) -> np.ndarray:
    """Return ``y`` as a 1d array with one outcome per row of ``X`` (``n`` rows).

    Raises
    ------
    rnr.InvalidRecord
        ``field="y"``: missing, or not one outcome per row.

    Examples
    --------
    >>> outcome_per_row([0, 1], 3)
    Traceback (most recent call last):
    ...
    rnr._errors.InvalidRecord: y: '2 outcomes' is not allowed (allowed: one outcome per row of X (3)) [wrong_type]
    """
    if y is None:
        raise InvalidRecord("y", None, "outcomes: this estimator requires y to be passed, but "
                            "the target y is None", code="missing_required")
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = column_or_1d(arr, warn=True)
    if arr.ndim != 1 or arr.shape[0] != n:
        shown = f"{arr.shape[0]} outcomes" if arr.ndim == 1 else f"an array of shape {arr.shape}"
        raise InvalidRecord("y", shown, f"one outcome per row of X ({n})", code="wrong_type")
    return arr
