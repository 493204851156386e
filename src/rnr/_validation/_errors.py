"""The typed error raised on bad validation data."""

from __future__ import annotations

from rnr._errors import InvalidValue

__all__ = ["InvalidData"]


class InvalidData(InvalidValue):
    """Outcomes, risks, groups or settings given to a validation function are unusable.

    Parameters
    ----------
    field : str
        The argument (or saved-report key) at fault, e.g. ``"y"``, ``"risk"``, ``"cutoffs"``.
    value : object
        The offending value, or a short description of it (``"3 missing values"``).
    allowed : str
        What would have been accepted.
    code : str
        A stable machine-readable reason: ``wrong_type``, ``out_of_range``, ``missing``,
        ``wrong_length``, ``one_class``, ``not_monotone``, ``unreachable``, ``bad_format``.

    Examples
    --------
    >>> err = InvalidData("y", 2, "0 or 1 (or True/False)", code="out_of_range")
    >>> print(err)
    y: 2 is not allowed (allowed: 0 or 1 (or True/False)) [out_of_range]
    >>> isinstance(err, ValueError), err.field, err.code
    (True, 'y', 'out_of_range')
    """

