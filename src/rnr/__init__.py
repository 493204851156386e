"""rnr: risk-need-responsivity assessment for probation and prison services.

Score declarative instruments (``rnr.assess``), calibrate and validate risk models on an
agency's own data, and turn assessments into individual plans.
"""

__version__ = "0.1.0"

from ._assess import assess
from ._assessment import Assessment
from ._errors import (
    InvalidInstrument,
    InvalidRecord,
    InvalidValue,
    RNRError,
    TooManyMissing,
    UnknownInstrument,
)
from ._instrument._load import instruments, load_instrument
from ._instrument._model import Instrument
from ._planning import (
    AdherenceReport,
    Comparison,
    InvalidPlan,
    InvalidPolicy,
    OverrideRefused,
    OverrideReport,
    Plan,
    Policy,
    UndeterminedRisk,
    check_adherence,
    compare,
    load_policy,
    override_report,
    plan,
    policies,
)

# Calibration and validation pull in scipy and scikit-learn (about half a second), so they are
# imported on first use: `import rnr` stays quick for a case system calling the command line.
_LAZY = {
    "validate": "._validation",
    "ValidationReport": "._validation",
    "choose_cutoffs": "._validation",
    "CutoffChoice": "._validation",
    "followup_outcome": "._validation",
    "outcome_within": "._validation",
    "FollowUpOutcome": "._validation",
    "GroupAudit": "._validation",
    "PredictiveBias": "._validation",
    "InvalidData": "._validation",
    "ScoreCalibrator": "._models",
    "PointsModel": "._models",
    "InvalidParameter": "._models",
    "save": "._persist",
    "load": "._persist",
    "InvalidModel": "._persist",
}


def __getattr__(name: str):
    """Import the calibration and validation names on first use."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rnr' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "__version__",
    "assess",
    "Assessment",
    "Instrument",
    "instruments",
    "load_instrument",
    "RNRError",
    "InvalidValue",
    "InvalidRecord",
    "TooManyMissing",
    "InvalidInstrument",
    "UnknownInstrument",
    # plans
    "plan",
    "Plan",
    "Policy",
    "policies",
    "load_policy",
    "override_report",
    "OverrideReport",
    "compare",
    "Comparison",
    "check_adherence",
    "AdherenceReport",
    "InvalidPolicy",
    "InvalidPlan",
    "UndeterminedRisk",
    "OverrideRefused",
    # calibration and validation (imported on first use)
    *_LAZY,
]
