"""From an assessment to an individual plan: tiers, dosage, targets, responsivity, override.

The RNR model says risk decides how much (supervision contacts and programme dosage), needs
decide what is targeted, responsivity decides how it is delivered, and professional discretion
may override, on the record. A declarative policy file (``instruments/policies/*.toml``) holds
every rule and cites its sources; :func:`plan` applies it to an assessment and returns a
:class:`Plan` whose every line names the rule that produced it.
"""

from ._adherence import AdherenceReport, check_adherence
from ._build import plan
from ._compare import Comparison, compare
from ._errors import InvalidPlan, InvalidPolicy, OverrideRefused, UndeterminedRisk
from ._override_report import OverrideReport, override_report
from ._plan import Plan
from ._policy import Policy, load_policy, policies

__all__ = [
    "plan",
    "Plan",
    "override_report",
    "OverrideReport",
    "compare",
    "Comparison",
    "check_adherence",
    "AdherenceReport",
    "load_policy",
    "policies",
    "Policy",
    "InvalidPolicy",
    "InvalidPlan",
    "UndeterminedRisk",
    "OverrideRefused",
]
