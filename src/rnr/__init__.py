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
    RNRError,
    TooManyMissing,
    UnknownInstrument,
)
from ._instrument._load import instruments, load_instrument
from ._instrument._model import Instrument

# --- issue 3: calibration and validation (added below) ---

# --- issue 4: plans (added below) ---

__all__ = [
    "__version__",
    "assess",
    "Assessment",
    "Instrument",
    "instruments",
    "load_instrument",
    "RNRError",
    "InvalidRecord",
    "TooManyMissing",
    "InvalidInstrument",
    "UnknownInstrument",
]
