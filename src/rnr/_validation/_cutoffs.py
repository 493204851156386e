"""``choose_cutoffs``: cut points that split risks into k risk levels, validated.

Two ways to place them:

- ``by="proportions"``: ``targets`` are the shares of people wanted in each level (default:
  equal). Each cut-off is the distinct risk value whose share of people below it is closest to
  the cumulative target share.
- ``by="rates"``: ``targets`` are the ``k - 1`` outcome rates at which a new level starts. The
  outcome-rate curve over risk is estimated by isotonic regression (pool-adjacent-violators,
  non-decreasing), and level ``i + 1`` starts at the lowest risk whose estimated rate reaches
  ``targets[i]``.

Ties: cut-offs are always risk values present in the data; a risk equal to a cut-off belongs to
the level above (``risk >= cutoff``); people with the same risk are never split between levels,
so achieved shares can differ from the targets (both are reported). Levels must be strictly
increasing in observed outcome rate: otherwise :class:`InvalidData` (code ``not_monotone``) is
raised rather than returning levels that do not order risk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._auc import rank_counts
from ._errors import InvalidData
from ._inputs import as_outcome, as_risk, as_vector, check_choice, check_int
from ._isotonic import isotonic_rates
from ._report import ValidationReport
from ._serial import decode_float, decode_table, encode_float, encode_table
from ._validate import validate

__all__ = ["CutoffChoice", "choose_cutoffs"]

_LEVEL_SCHEMA = (
    ("level", "int"),
    ("label", "str"),
    ("lower", "float"),
    ("upper", "float"),
    ("n", "int"),
    ("share", "float"),
    ("target", "float"),
    ("events", "int"),
    ("observed_rate", "float"),
    ("observed_low", "float"),
    ("observed_high", "float"),
    ("predicted_rate", "float"),
)
FORMAT = "rnr.CutoffChoice"
FORMAT_VERSION = 1


@dataclass(frozen=True, eq=False)
class CutoffChoice:
    """Cut-offs for risk levels and their validation.

    Attributes
    ----------
    cutoffs : tuple of float
        Strictly increasing; level ``i`` (1-based) is ``cutoffs[i-2] <= risk < cutoffs[i-1]``.
    labels : tuple of str
        A name per level.
    by : str
        ``"proportions"`` or ``"rates"``.
    targets : tuple of float
        The targets used (shares per level, or boundary rates).
    levels : pandas.DataFrame
        Per level: ``level, label, lower, upper, n, share, target, events, observed_rate,
        observed_low, observed_high`` (Wilson 95%) and ``predicted_rate`` (mean probability;
        NaN for scores). ``target`` is the target share (``by="proportions"``) or the rate at
        which the level starts (``by="rates"``; NaN for the first level).
    validation : ValidationReport
        :func:`validate` at these cut-offs.
    notes : tuple of str

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0, 1, 2000); y = rng.random(2000) < p
    >>> choice = choose_cutoffs(y, p, n_levels=3, n_boot=0)
    >>> len(choice.cutoffs), int(choice.levels["n"].sum())
    (2, 2000)
    >>> choice.assign([0.01, 0.99]).tolist()
    ['1', '3']
    """

    cutoffs: tuple[float, ...]
    labels: tuple[str, ...]
    by: str
    targets: tuple[float, ...]
    levels: pd.DataFrame
    validation: ValidationReport
    notes: tuple[str, ...] = ()

    def __eq__(self, other) -> bool:
        return isinstance(other, CutoffChoice) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def assign(self, risk) -> np.ndarray:
        """Level label of each risk (``risk >= cutoff`` moves up a level).

        Missing risks get ``None``.
        """
        r = as_vector(risk, "risk")
        idx = np.searchsorted(np.asarray(self.cutoffs), r, side="right")
        out = np.array([self.labels[i] for i in np.minimum(idx, len(self.labels) - 1)],
                       dtype=object)
        out[np.isnan(r)] = None
        return out

    def to_dict(self) -> dict:
        """JSON-ready mapping (same conventions as :meth:`ValidationReport.to_dict`)."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "cutoffs": [encode_float(c) for c in self.cutoffs],
            "labels": list(self.labels),
            "by": self.by,
            "targets": [encode_float(t) for t in self.targets],
            "levels": encode_table(self.levels, _LEVEL_SCHEMA),
            "validation": self.validation.to_dict(),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data) -> CutoffChoice:
        """Rebuild from :meth:`to_dict` output, checking every field."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InvalidData("format", None if not isinstance(data, dict) else data.get("format"),
                              repr(FORMAT), code="bad_format")
        if data.get("format_version") != FORMAT_VERSION:
            raise InvalidData("format_version", data.get("format_version"), str(FORMAT_VERSION),
                              code="bad_format")
        for key in ("cutoffs", "labels", "targets", "notes"):
            if not isinstance(data.get(key), list):
                raise InvalidData(key, data.get(key), "a list", code="bad_format")
        if not all(isinstance(x, str) for x in data["labels"] + data["notes"]):
            raise InvalidData("labels", data["labels"], "strings", code="bad_format")
        if data.get("by") not in ("proportions", "rates"):
            raise InvalidData("by", data.get("by"), "'proportions' or 'rates'", code="bad_format")
        return cls(
            cutoffs=tuple(decode_float(c, "cutoffs") for c in data["cutoffs"]),
            labels=tuple(data["labels"]),
            by=data["by"],
            targets=tuple(decode_float(t, "targets") for t in data["targets"]),
            levels=decode_table(data.get("levels"), _LEVEL_SCHEMA, "levels"),
            validation=ValidationReport.from_dict(data.get("validation"), where="validation"),
            notes=tuple(data["notes"]),
        )


def _targets(targets, field: str) -> np.ndarray:
    try:
        arr = np.asarray(targets, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InvalidData(field, targets, "a list of numbers", code="wrong_type") from exc
    return arr


def _by_proportions(cum_before: np.ndarray, n: int, shares: np.ndarray) -> list[int]:
    """Return the distinct-value indices where levels start, nearest the cumulative shares."""
    k = shares.size
    wanted = np.cumsum(shares)[:-1] * n
    chosen: list[int] = []
    m = cum_before.size
    for i, w in enumerate(wanted):
        lo = (chosen[-1] + 1) if chosen else 1
        hi = m - (k - 2 - i)  # leave a distinct value for each later level
        candidates = np.arange(lo, hi)
        best = candidates[np.argmin(np.abs(cum_before[candidates] - w))]
        chosen.append(int(best))
    return chosen


def _by_rates(fitted: np.ndarray, rates: np.ndarray) -> list[int]:
    chosen: list[int] = []
    for i, t in enumerate(rates):
        reached = np.flatnonzero(fitted >= t)
        if reached.size == 0:
            raise InvalidData("targets", float(t),
                              f"rates up to {float(fitted.max()):.4g}, the highest estimated "
                              "outcome rate", code="unreachable")
        j = int(reached[0])
        if j == 0:
            raise InvalidData("targets", float(t),
                              f"rates above {float(fitted[0]):.4g}, the lowest estimated outcome "
                              "rate (the first level would be empty)", code="unreachable")
        if chosen and j == chosen[-1]:
            raise InvalidData("targets", [float(rates[i - 1]), float(t)],
                              "targets separated by at least one step of the estimated outcome-"
                              "rate curve (these two would leave a level empty)",
                              code="unreachable")
        chosen.append(j)
    return chosen


def choose_cutoffs(
    y,
    risk,
    n_levels: int | None = None,
    by: str = "proportions",
    targets=None,
    *,
    labels=None,
    groups=None,
    n_boot: int = 1000,
    random_state: int | None = None,
    kind: str = "auto",
    missing: str = "raise",
    n_jobs: int | None = None,
) -> CutoffChoice:
    """Choose cut-offs that split risks into ``n_levels`` risk levels, and validate them.

    Parameters
    ----------
    y : array_like of 0/1 or bool
        Observed outcomes.
    risk : array_like of float
        Probabilities or scores.
    n_levels : int, optional
        Number of risk levels (at least 2). Default: from ``targets``, else 3.
    by : {"proportions", "rates"}
        ``"proportions"``: ``targets`` are shares of people per level (positive, summing to 1;
        default equal shares). ``"rates"``: ``targets`` are the ``n_levels - 1`` strictly
        increasing outcome rates at which each level above the first starts (required).
    targets : sequence of float, optional
        See ``by``.
    labels : sequence of str, optional
        Level names (default ``"1"``, ``"2"``, ...).
    groups, n_boot, random_state, kind, missing, n_jobs
        Passed to :func:`validate`, run at the chosen cut-offs.

    Returns
    -------
    CutoffChoice

    Raises
    ------
    InvalidData
        Bad targets, fewer distinct risks than levels, a rate target that cannot be reached, or
        levels that would not be strictly increasing in observed outcome rate.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> p = rng.uniform(0, 1, 3000); y = rng.random(3000) < p
    >>> c = choose_cutoffs(y, p, by="rates", targets=[0.3, 0.6], labels=["low", "medium", "high"],
    ...                    n_boot=0)
    >>> c.labels, bool(c.levels["observed_rate"].is_monotonic_increasing)
    (('low', 'medium', 'high'), True)
    """
    by = check_choice(by, "by", ("proportions", "rates"))
    missing_mode = check_choice(missing, "missing", ("raise", "drop"))
    y_arr = as_outcome(y)
    r_arr = as_risk(risk, y_arr.size)
    lost = np.isnan(y_arr) | np.isnan(r_arr)
    if lost.any() and missing_mode == "raise":
        raise InvalidData("y" if np.isnan(y_arr).any() else "risk",
                          f"{int(lost.sum())} rows with a missing outcome or risk",
                          "no missing values, or missing='drop' to drop and count them",
                          code="missing")
    y_arr, r_arr = y_arr[~lost], r_arr[~lost]

    if by == "proportions":
        if targets is None:
            k = 3 if n_levels is None else check_int(n_levels, "n_levels", 2)
            shares = np.full(k, 1.0 / k)
        else:
            shares = _targets(targets, "targets")
            if shares.size < 2 or np.any(shares <= 0) or not math.isclose(shares.sum(), 1.0,
                                                                             abs_tol=1e-6):
                raise InvalidData("targets", shares.tolist(),
                                  "at least two positive shares summing to 1", code="out_of_range")
            k = shares.size
        used_targets = shares
    else:
        if targets is None:
            raise InvalidData("targets", None, "the outcome rates at which each level above the "
                              "first starts (by='rates' needs them)", code="missing")
        used_targets = _targets(targets, "targets")
        if (used_targets.size < 1 or np.any(used_targets <= 0) or np.any(used_targets >= 1)
                or np.any(np.diff(used_targets) <= 0)):
            raise InvalidData("targets", used_targets.tolist(),
                              "strictly increasing rates between 0 and 1", code="out_of_range")
        k = used_targets.size + 1
    if n_levels is not None and check_int(n_levels, "n_levels", 2) != k:
        raise InvalidData("n_levels", n_levels, f"{k}, the number of levels the targets imply",
                          code="inconsistent")
    if labels is None:
        labels = tuple(str(i) for i in range(1, k + 1))
    else:
        labels = tuple(labels)
        if len(labels) != k or not all(isinstance(x, str) for x in labels) or len(
                set(labels)) != k:
            raise InvalidData("labels", list(labels), f"{k} distinct strings", code="wrong_length")

    counts = rank_counts(y_arr.astype(bool), r_arr)
    size = counts.pos + counts.neg
    if counts.values.size < k:
        raise InvalidData("n_levels", k, f"at most {counts.values.size}, the number of distinct "
                          "risk values", code="out_of_range")
    if by == "proportions":
        starts = _by_proportions(np.cumsum(size) - size, int(size.sum()), shares)
    else:
        starts = _by_rates(isotonic_rates(counts.pos, size), used_targets)
    cutoffs = counts.values[starts].astype(float)

    report = validate(y, risk, groups=groups, cutoffs=cutoffs, n_boot=n_boot,
                      random_state=random_state, kind=kind, missing=missing, n_jobs=n_jobs)
    table = report.level_table
    rates = table["observed_rate"].to_numpy()
    if not np.all(np.diff(rates) > 0):
        raise InvalidData("cutoffs", [round(float(r), 4) for r in rates],
                          "levels whose observed outcome rates strictly increase (try fewer "
                          "levels or other targets)", code="not_monotone")
    target_col = (used_targets if by == "proportions"
                  else np.concatenate([[np.nan], used_targets]))
    levels = pd.DataFrame(
        {
            "level": table["level"].to_numpy(),
            "label": pd.Series(labels, dtype=object),
            "lower": table["lower"].to_numpy(),
            "upper": table["upper"].to_numpy(),
            "n": table["n"].to_numpy(),
            "share": table["n"].to_numpy() / report.n,
            "target": target_col.astype(float),
            "events": table["events"].to_numpy(),
            "observed_rate": rates,
            "observed_low": table["observed_low"].to_numpy(),
            "observed_high": table["observed_high"].to_numpy(),
            "predicted_rate": table["predicted_rate"].to_numpy(),
        }
    )
    notes = []
    if by == "proportions":
        gap = np.max(np.abs(levels["share"].to_numpy() - shares))
        if gap > 0.02:
            notes.append(f"Tied risks kept the achieved shares up to {gap:.3f} away from the "
                         "targets.")
    return CutoffChoice(
        cutoffs=tuple(float(c) for c in cutoffs),
        labels=labels,
        by=by,
        targets=tuple(float(t) for t in used_targets),
        levels=levels,
        validation=report,
        notes=tuple(notes),
    )
