"""Validation of risk predictions against observed outcomes, on an agency's own data.

A risk instrument is only as good as its fit to the population it is used on. This package
measures that fit:

- :func:`validate` gives discrimination (AUC with a 95% interval and its Cohen's d), calibration
  (Brier, E/O, calibration intercept and slope, observed vs predicted rates by decile and by risk
  level) and error rates at cut-offs, overall and per group, with the moderated-regression test
  of predictive bias, in a :class:`ValidationReport`;
- :func:`choose_cutoffs` derives cut-offs for risk levels and validates them;
- :func:`followup_outcome` and :func:`outcome_within` turn follow-up times (or dates) into
  outcomes within a fixed window, leaving out (and counting) people not followed for the whole
  window.
"""

from ._errors import InvalidData
from ._group_audit import GroupAudit
from ._bias import PredictiveBias
from ._report import ValidationReport
from ._validate import validate

__all__ = [
    "InvalidData",
    "GroupAudit",
    "PredictiveBias",
    "ValidationReport",
    "validate",
]
