"""The validation report: discrimination, calibration, cut-offs and groups in one object."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import pandas as pd

from ._calibration_table import TABLE_SCHEMA
from ._cutoff_rates import CUTOFF_SCHEMA
from ._errors import InvalidData
from ._group_audit import GroupAudit
from ._serial import decode_float, decode_table, encode_float, encode_table

__all__ = ["FORMAT", "FORMAT_VERSION", "ValidationReport"]

#: Written into every ``to_dict`` output and checked by ``from_dict``.
FORMAT = "rnr.ValidationReport"
#: Bump when the layout of ``to_dict`` changes incompatibly.
FORMAT_VERSION = 1

_BIN_SCHEMA = (("bin", "int"),) + TABLE_SCHEMA
_LEVEL_SCHEMA = (("level", "int"),) + TABLE_SCHEMA

_FLOATS = ("base_rate", "auc", "auc_se", "cohens_d")
_OPTIONAL_FLOATS = ("brier", "expected_events", "eo_ratio", "calibration_intercept",
                    "calibration_slope")
_PAIRS = ("auc_ci", "cohens_d_ci")
_OPTIONAL_PAIRS = ("calibration_intercept_ci", "calibration_slope_ci")
_INTS = ("n", "n_events", "n_dropped", "n_boot")
_STRINGS = ("population", "kind", "auc_ci_method")


@dataclass(frozen=True, eq=False)
class ValidationReport:
    """How well risks (probabilities or scores) predict a binary outcome, overall and by group.

    Made by :func:`validate`; every field is plain data.

    Attributes
    ----------
    population : str
        ``"all"``, or ``"<column> = <level>"`` in a group's report.
    kind : {"probability", "score"}
        Whether the risks were treated as probabilities (calibration measured) or bare scores
        (discrimination only: the calibration fields are None and a note says why).
    n, n_events, n_dropped : int
        People validated, events among them, and rows dropped for missing values
        (``missing="drop"``).
    base_rate : float
        ``n_events / n``.
    auc, auc_ci, auc_ci_method, auc_se : float, (float, float), str, float
        Area under the ROC curve (ties count one half), its 95% interval and how it was
        obtained, and the DeLong standard error.
    cohens_d, cohens_d_ci : float, (float, float)
        The AUC's Cohen's d equivalent, ``sqrt(2) * Phi^-1(AUC)`` (Rice & Harris 2005), and the
        same transform of the AUC interval.
    brier : float or None
        Mean squared difference between probability and outcome.
    expected_events, eo_ratio : float or None
        Sum of the probabilities, and that over the observed events (target 1).
    calibration_intercept, calibration_intercept_ci : float or None, tuple or None
        Calibration-in-the-large: ``a`` in ``logit P(y) = a + logit(p)`` (target 0), Wald 95%.
    calibration_slope, calibration_slope_ci : float or None, tuple or None
        ``b`` in ``logit P(y) = a + b logit(p)`` (target 1), Wald 95%.
    cutoffs : tuple of float
        The cut-offs validated (flagged when ``risk >= cutoff``).
    calibration_table : pandas.DataFrame
        By risk decile (see ``_calibration_table``): ``bin, lower, upper`` (smallest and
        largest risk in the bin), ``n, events, observed_rate, observed_low, observed_high``
        (Wilson 95%) and ``predicted_rate`` (mean probability; NaN for scores).
    cutoff_table : pandas.DataFrame
        At each cut-off: ``n_flagged, selection_rate, tp, fp, tn, fn, sensitivity,
        specificity, ppv, npv, fpr, fnr``.
    level_table : pandas.DataFrame or None
        The calibration table by risk level (``lower <= risk < upper``) when cut-offs are given.
    by_group : dict of str to GroupAudit
        Per grouping column: a report per level, the predictive-bias test and the note that
        calibration within groups and equal error rates cannot all hold when base rates differ.
    notes : tuple of str
        Everything the numbers need said beside them.
    n_boot, random_state : int, int or None
        The bootstrap settings used (``n_boot`` is 0 for DeLong intervals).

    Examples
    --------
    >>> import numpy as np
    >>> from rnr._validation import validate
    >>> rng = np.random.default_rng(1)
    >>> p = rng.uniform(0.05, 0.95, 500); y = rng.random(500) < p
    >>> report = validate(y, p, cutoffs=[0.5], n_boot=200, random_state=0)
    >>> report.kind, report.n, round(report.auc, 3) == round(report.to_dict()["auc"], 3)
    ('probability', 500, True)
    >>> ValidationReport.from_dict(report.to_dict()) == report
    True
    """

    population: str
    kind: str
    n: int
    n_events: int
    n_dropped: int
    base_rate: float
    auc: float
    auc_ci: tuple[float, float]
    auc_ci_method: str
    auc_se: float
    cohens_d: float
    cohens_d_ci: tuple[float, float]
    brier: float | None
    expected_events: float | None
    eo_ratio: float | None
    calibration_intercept: float | None
    calibration_intercept_ci: tuple[float, float] | None
    calibration_slope: float | None
    calibration_slope_ci: tuple[float, float] | None
    cutoffs: tuple[float, ...]
    calibration_table: pd.DataFrame
    cutoff_table: pd.DataFrame
    level_table: pd.DataFrame | None
    by_group: dict[str, GroupAudit] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    n_boot: int = 0
    random_state: int | None = None

    def __eq__(self, other) -> bool:
        return isinstance(other, ValidationReport) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        cal = (
            f", brier={self.brier:.4f}, eo_ratio={self.eo_ratio:.3f}, "
            f"calibration_slope={self.calibration_slope:.3f}"
            if self.kind == "probability" else ", calibration=n/a (scores)"
        )
        return (
            f"ValidationReport(population={self.population!r}, n={self.n}, "
            f"base_rate={self.base_rate:.3f}, auc={self.auc:.3f} "
            f"[{self.auc_ci[0]:.3f}, {self.auc_ci[1]:.3f}]{cal}, "
            f"by_group={list(self.by_group)})"
        )

    # ------------------------------------------------------------------ tables
    def to_frame(self, table: str = "summary") -> pd.DataFrame:
        """Return the report as a DataFrame, overall first, then every group level.

        Parameters
        ----------
        table : {"summary", "cutoffs", "calibration", "levels", "bias"}
            ``summary``: one row of headline measures per population; ``cutoffs``,
            ``calibration``, ``levels``: the corresponding table of each population stacked
            with ``grouping`` and ``group`` columns; ``bias``: the bias-test terms of every
            grouping column.

        Examples
        --------
        >>> import numpy as np
        >>> from rnr._validation import validate
        >>> y = np.array([0, 1, 0, 1, 1, 0, 0, 1]); s = np.array([1, 5, 2, 7, 3, 4, 2, 6])
        >>> frame = validate(y, s, n_boot=0).to_frame()
        >>> frame.index.tolist(), float(frame.loc[("overall", "all"), "auc"])
        ([('overall', 'all')], 0.9375)
        """
        if table == "summary":
            return self._summary_frame()
        if table == "bias":
            parts = [a.bias.terms.assign(grouping=c) for c, a in self.by_group.items()]
            if not parts:
                return pd.DataFrame(columns=["grouping", "level"])
            frame = pd.concat(parts, ignore_index=True)
            return frame[["grouping"] + [c for c in frame.columns if c != "grouping"]]
        attr = {"cutoffs": "cutoff_table", "calibration": "calibration_table",
                "levels": "level_table"}.get(table)
        if attr is None:
            raise InvalidData("table", table,
                              "one of 'summary', 'cutoffs', 'calibration', 'levels', 'bias'",
                              code="not_an_option")
        parts = []
        for grouping, group, report in self._populations():
            t = getattr(report, attr)
            if t is not None:
                parts.append(t.assign(grouping=grouping, group=group))
        if not parts:
            return pd.DataFrame(columns=["grouping", "group"])
        frame = pd.concat(parts, ignore_index=True)
        first = ["grouping", "group"]
        return frame[first + [c for c in frame.columns if c not in first]]

    def _populations(self):
        yield "overall", "all", self
        for column, audit in self.by_group.items():
            for level, report in audit.items():
                yield column, level, report

    def _summary_frame(self) -> pd.DataFrame:
        rows, index = [], []
        for grouping, group, r in self._populations():
            index.append((grouping, group))
            none = math.nan
            rows.append(
                {
                    "n": r.n,
                    "n_events": r.n_events,
                    "base_rate": r.base_rate,
                    "auc": r.auc,
                    "auc_low": r.auc_ci[0],
                    "auc_high": r.auc_ci[1],
                    "cohens_d": r.cohens_d,
                    "brier": none if r.brier is None else r.brier,
                    "eo_ratio": none if r.eo_ratio is None else r.eo_ratio,
                    "calibration_intercept": none if r.calibration_intercept is None
                    else r.calibration_intercept,
                    "calibration_slope": none if r.calibration_slope is None
                    else r.calibration_slope,
                }
            )
        frame = pd.DataFrame(rows)
        frame.index = pd.MultiIndex.from_tuples(index, names=["grouping", "group"])
        return frame

    def to_markdown(self) -> str:
        """Render the report as Markdown (headline measures, tables, groups, bias tests, notes).

        Examples
        --------
        >>> import numpy as np
        >>> from rnr._validation import validate
        >>> y = np.array([0, 1, 0, 1, 1, 0, 0, 1]); s = np.array([1, 5, 2, 7, 3, 4, 2, 6])
        >>> print(validate(y, s, n_boot=0).to_markdown().splitlines()[0])
        # Validation report: all
        """
        from ._report_markdown import report_markdown

        return report_markdown(self)

    # ------------------------------------------------------------------ dict I/O
    def to_dict(self) -> dict:
        """Return a JSON-ready mapping that :meth:`from_dict` turns back into an equal report.

        Floats are kept exactly (``json`` round-trips them); NaN and infinities are written as
        ``"nan"``, ``"inf"``, ``"-inf"``; tables as ``{"columns": [...], "data": [[...]]}``.
        The mapping starts with ``format`` and ``format_version``.
        """
        out: dict = {"format": FORMAT, "format_version": FORMAT_VERSION}
        for f in fields(self):
            value = getattr(self, f.name)
            name = f.name
            if name in _FLOATS or name in _OPTIONAL_FLOATS:
                out[name] = encode_float(value)
            elif name in _PAIRS or name in _OPTIONAL_PAIRS:
                out[name] = None if value is None else [encode_float(v) for v in value]
            elif name == "cutoffs":
                out[name] = [encode_float(v) for v in value]
            elif name == "calibration_table":
                out[name] = encode_table(value, _BIN_SCHEMA)
            elif name == "level_table":
                out[name] = encode_table(value, _LEVEL_SCHEMA)
            elif name == "cutoff_table":
                out[name] = encode_table(value, CUTOFF_SCHEMA)
            elif name == "by_group":
                out[name] = [audit.to_dict() for audit in value.values()]
            elif name == "notes":
                out[name] = list(value)
            else:
                out[name] = value
        return out

    @classmethod
    def from_dict(cls, data, where: str = "report") -> ValidationReport:
        """Rebuild a report from :meth:`to_dict` output (e.g. read from a JSON model file).

        Every field is type-checked; nothing is executed. A malformed mapping raises
        :class:`InvalidData` naming the key at fault.
        """
        if not isinstance(data, dict):
            raise InvalidData(where, type(data).__name__, "a mapping", code="bad_format")
        if data.get("format") != FORMAT:
            raise InvalidData(f"{where}.format", data.get("format"), repr(FORMAT),
                              code="bad_format")
        if data.get("format_version") != FORMAT_VERSION:
            raise InvalidData(f"{where}.format_version", data.get("format_version"),
                              str(FORMAT_VERSION), code="bad_format")
        known = {f.name for f in fields(cls)} | {"format", "format_version"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidData(f"{where}.{unknown[0]}", "an unknown key", sorted(known),
                              code="bad_format")
        kw: dict = {}
        for f in fields(cls):
            name = f.name
            at = f"{where}.{name}"
            if name not in data:
                raise InvalidData(at, "absent", "present", code="bad_format")
            value = data[name]
            if name in _FLOATS:
                kw[name] = decode_float(value, at)
            elif name in _OPTIONAL_FLOATS:
                kw[name] = decode_float(value, at, optional=True)
            elif name in _PAIRS or name in _OPTIONAL_PAIRS:
                if value is None and name in _OPTIONAL_PAIRS:
                    kw[name] = None
                elif isinstance(value, list) and len(value) == 2:
                    kw[name] = tuple(decode_float(v, at) for v in value)
                else:
                    raise InvalidData(at, value, "a list of two numbers", code="bad_format")
            elif name in _INTS:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise InvalidData(at, value, "a non-negative integer", code="bad_format")
                kw[name] = value
            elif name in _STRINGS:
                if not isinstance(value, str):
                    raise InvalidData(at, value, "a string", code="bad_format")
                kw[name] = value
            elif name == "random_state":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise InvalidData(at, value, "an integer or null", code="bad_format")
                kw[name] = value
            elif name == "cutoffs":
                if not isinstance(value, list):
                    raise InvalidData(at, value, "a list of numbers", code="bad_format")
                kw[name] = tuple(decode_float(v, f"{at}[{i}]") for i, v in enumerate(value))
            elif name == "calibration_table":
                kw[name] = decode_table(value, _BIN_SCHEMA, at)
            elif name == "level_table":
                kw[name] = decode_table(value, _LEVEL_SCHEMA, at, optional=True)
            elif name == "cutoff_table":
                kw[name] = decode_table(value, CUTOFF_SCHEMA, at)
            elif name == "by_group":
                if not isinstance(value, list):
                    raise InvalidData(at, value, "a list of group audits", code="bad_format")
                audits = [GroupAudit.from_dict(a, where=f"{at}[{i}]") for i, a in enumerate(value)]
                kw[name] = {a.column: a for a in audits}
            elif name == "notes":
                if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                    raise InvalidData(at, value, "a list of strings", code="bad_format")
                kw[name] = tuple(value)
        if kw["kind"] not in ("probability", "score"):
            raise InvalidData(f"{where}.kind", kw["kind"], "'probability' or 'score'",
                              code="bad_format")
        return cls(**kw)
