"""Typed errors raised while loading policies and building, overriding or checking plans."""

from __future__ import annotations

from typing import Any

from .._errors import InvalidInstrument, InvalidValue

__all__ = ["InvalidPolicy", "InvalidPlan", "UndeterminedRisk", "OverrideRefused"]


class InvalidPolicy(InvalidInstrument):
    """A policy file (or mapping) is malformed.

    A subclass of :class:`rnr.InvalidInstrument` (a definition error), so it names the file, the
    path inside it and the problem.

    Examples
    --------
    >>> print(InvalidPolicy("x.toml", "tiers[1].dosage_hours", "must not decrease as risk rises"))
    x.toml: tiers[1].dosage_hours: must not decrease as risk rises
    """


class InvalidPlan(InvalidValue):
    """An argument to :func:`rnr.plan` (or a plan given as a mapping) cannot be used.

    Parameters
    ----------
    field : str
        The argument or plan field at fault, e.g. ``"stage"`` or ``"responsivity.language"``.
    value : object
        The offending value.
    allowed : str
        What would have been accepted.
    code : str
        A stable machine-readable reason.

    Examples
    --------
    >>> err = InvalidPlan("stage", "court", "one of pre_trial, sentencing", "not_an_option")
    >>> print(err)
    stage: 'court' is not allowed (allowed: one of pre_trial, sentencing) [not_an_option]
    """


class UndeterminedRisk(InvalidPlan):
    """The risk level is ``"undetermined"`` and the policy refuses to guess.

    Examples
    --------
    >>> err = UndeterminedRisk("scales.ogrs3_2y.level", "undetermined",
    ...                        "a determined level: answer the omitted items")
    >>> err.code
    'undetermined_risk'
    """

    def __init__(self, field: str, value: Any, allowed: str, code: str = "undetermined_risk"):
        super().__init__(field, value, allowed, code)


class OverrideRefused(InvalidPlan):
    """An override lacks a reason, a rationale or an approver, or does not change the level.

    Examples
    --------
    >>> OverrideRefused("approved_by", "", "the name or id of the approving officer").code
    'override_refused'
    """

    def __init__(self, field: str, value: Any, allowed: str, code: str = "override_refused"):
        super().__init__(field, value, allowed, code)
