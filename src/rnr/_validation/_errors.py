"""The typed error raised on bad validation data."""

from __future__ import annotations

from typing import Any

from rnr._errors import RNRError

__all__ = ["InvalidData"]


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class InvalidData(RNRError):
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

    def __init__(self, field: str, value: Any, allowed: str, code: str = "invalid") -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.code = code
        super().__init__(f"{field}: {_short(value)} is not allowed (allowed: {allowed}) [{code}]")

    def __reduce__(self):
        return (type(self), (self.field, self.value, self.allowed, self.code))

    def to_dict(self) -> dict:
        """Return the error as a JSON-ready mapping.

        Examples
        --------
        >>> InvalidData("risk", "abc", "numbers", "wrong_type").to_dict()["field"]
        'risk'
        """
        return {
            "field": self.field,
            "value": _short(self.value),
            "allowed": self.allowed,
            "code": self.code,
            "message": str(self),
        }
