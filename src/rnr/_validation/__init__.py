"""Validation of risk predictions against observed outcomes, on an agency's own data.

A risk instrument is only as good as its fit to the population it is used on. This package
measures that fit:

- :func:`validate` gives discrimination (AUC with a 95% interval and its Cohen's d), calibration
  (Brier, E/O, calibration intercept and slope, observed vs predicted rates by decile and by risk
  level) and error rates at cut-offs, overall and per group, with the moderated-regression test
  of predictive bias, in a :class:`ValidationReport`;
- :func:`choose_cutoffs` derives cut-offs for risk levels and validates them
  (:class:`CutoffChoice`);
- :func:`followup_outcome` (times) and :func:`outcome_within` (dates) turn follow-up into
  outcomes within a fixed window, excluding and counting people not followed for the whole
  window (:class:`FollowUpOutcome`).
"""

from ._bias import PredictiveBias
from ._cutoffs import CutoffChoice, choose_cutoffs
from ._errors import InvalidData
from ._followup import FollowUpOutcome, followup_outcome, outcome_within
from ._group_audit import GroupAudit
from ._report import ValidationReport
from ._validate import validate

__all__ = [
    "CutoffChoice",
    "FollowUpOutcome",
    "GroupAudit",
    "InvalidData",
    "PredictiveBias",
    "ValidationReport",
    "choose_cutoffs",
    "followup_outcome",
    "outcome_within",
    "validate",
]
