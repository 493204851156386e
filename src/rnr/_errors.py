"""Typed exceptions raised by rnr.

Every error rnr raises on bad input derives from :class:`RNRError`, which subclasses
:class:`ValueError`, and names the field, the value and what is allowed.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "RNRError",
    "InvalidValue",
    "InvalidRecord",
    "TooManyMissing",
    "InvalidInstrument",
    "UnknownInstrument",
]


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class RNRError(ValueError):
    """Base class of every error rnr raises on bad input.

    Examples
    --------
    >>> issubclass(RNRError, ValueError)
    True
    """


class InvalidValue(RNRError):
    """A value is not allowed: the shared shape of rnr's field-level errors.

    Parameters
    ----------
    field : str
        The field at fault.
    value : object
        The offending value.
    allowed : str
        What would have been accepted.
    code : str
        A stable machine-readable reason.

    Examples
    --------
    >>> print(InvalidValue("stage", "court", "one of pre_trial, sentencing", "not_an_option"))
    stage: 'court' is not allowed (allowed: one of pre_trial, sentencing) [not_an_option]
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
        >>> InvalidRecord("sex", "x", "one of 'male', 'female'", "not_an_option").to_dict()["code"]
        'not_an_option'
        """
        return {
            "field": self.field,
            "value": _short(self.value),
            "allowed": self.allowed,
            "code": self.code,
            "message": str(self),
        }



class InvalidRecord(InvalidValue):
    """A record (one person's answers) cannot be scored.

    ``code`` is one of ``unknown_field``, ``wrong_type``, ``out_of_range``, ``not_an_option``,
    ``missing_required``, ``too_many_missing``, ``date_order``, ``not_a_record``.

    Examples
    --------
    >>> err = InvalidRecord("age", -3, "an integer from 10 to 120", code="out_of_range")
    >>> print(err)
    age: -3 is not allowed (allowed: an integer from 10 to 120) [out_of_range]
    >>> err.field, err.code
    ('age', 'out_of_range')
    """


class TooManyMissing(InvalidRecord):
    """More items are omitted than the instrument's missing-item policy allows.

    Examples
    --------
    >>> err = TooManyMissing("<record>", ["a", "b"], "at most 1 omitted item")
    >>> err.code
    'too_many_missing'
    """

    def __init__(self, field: str, value: Any, allowed: str, code: str = "too_many_missing"):
        super().__init__(field, value, allowed, code)


class InvalidInstrument(RNRError):
    """An instrument (or policy) definition is malformed.

    Parameters
    ----------
    source : str
        The file (or ``"<dict>"``) the definition came from.
    path : str
        Where inside the definition, e.g. ``items[3].bands[0].min``.
    problem : str
        What is wrong and what is allowed.

    Examples
    --------
    >>> print(InvalidInstrument("x.toml", "items[0].type", "'text' is not one of numeric, categorical"))
    x.toml: items[0].type: 'text' is not one of numeric, categorical
    """

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source = source
        self.path = path
        self.problem = problem
        super().__init__(f"{source}: {path}: {problem}")

    def __reduce__(self):
        return (type(self), (self.source, self.path, self.problem))


class UnknownInstrument(RNRError):
    """No installed instrument (or version) has the requested id.

    Examples
    --------
    >>> print(UnknownInstrument("lsi", None, ["ogrs3", "pattern"]))
    instrument: 'lsi' is not installed (allowed: ogrs3, pattern, or a path to a .toml file)
    """

    def __init__(self, name: str, version: str | None, available: list[str]) -> None:
        self.field = "instrument" if version is None else "version"
        self.value = name if version is None else version
        self.available = list(available)
        what = repr(name) if version is None else f"version {version!r} of {name!r}"
        allowed = ", ".join(self.available) + (", or a path to a .toml file" if version is None else "")
        super().__init__(f"{self.field}: {what} is not installed (allowed: {allowed})")

    def __reduce__(self):
        return (type(self), (self.value if self.field == "instrument" else "?", None, self.available))
