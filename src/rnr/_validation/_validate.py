"""``validate``: discrimination, calibration, cut-offs and group audits of risks vs outcomes."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from threadpoolctl import threadpool_limits

from ._auc import auc_from_counts, auc_to_d, delong_se, rank_counts
from ._bias import predictive_bias
from ._bootstrap import bootstrap_auc
from ._calibration import calibration_summary, safe_logit
from ._calibration_table import decile_of_value, level_of_value, rate_table
from ._cutoff_rates import cutoff_table
from ._errors import InvalidData
from ._group_audit import GroupAudit
from ._inputs import (
    as_cutoffs,
    as_groups,
    as_outcome,
    as_risk,
    check_choice,
    check_int,
    check_random_state,
    same_index,
)
from ._intervals import Z95
from ._report import ValidationReport

__all__ = ["validate", "MIN_BOOT"]

#: Smallest number of bootstrap replicates accepted (0 means DeLong intervals instead).
MIN_BOOT = 100

_SCORE_NOTE = (
    "Risks were read as scores, not probabilities: the report gives discrimination (AUC) and "
    "observed rates only. Calibration (Brier, E/O, calibration intercept and slope) needs "
    "probabilities, e.g. from a calibrated model."
)


def _order(labels: list) -> list[int]:
    """Return indices of ``labels`` in sorted order (by value; by text if types are mixed)."""
    idx = list(range(len(labels)))
    try:
        return sorted(idx, key=lambda i: labels[i])
    except TypeError:
        return sorted(idx, key=lambda i: (type(labels[i]).__name__, str(labels[i])))


def _auc_interval(counts, y, auc, se, n_boot, seed, n_jobs):
    if math.isnan(auc):
        return (math.nan, math.nan)
    if n_boot == 0:
        return (max(0.0, auc - Z95 * se), min(1.0, auc + Z95 * se))
    reps = bootstrap_auc(counts, y, n_boot, seed, n_jobs)
    low, high = np.quantile(reps, [0.025, 0.975])
    return (float(low), float(high))


def _population(
    population: str,
    y: np.ndarray,
    risk: np.ndarray,
    kind: str,
    cutoffs: np.ndarray,
    n_boot: int,
    random_state: int | None,
    seed: np.random.SeedSequence,
    n_jobs,
    n_bins: int,
) -> ValidationReport:
    """Build the report of one population (everyone, or one group level), without groups."""
    notes: list[str] = []
    counts = rank_counts(y, risk)
    n = int(y.size)
    n1 = counts.n_pos
    auc = auc_from_counts(counts.pos, counts.neg)
    se = delong_se(counts)
    if math.isnan(auc):
        notes.append("Only one outcome is present: the AUC is undefined (NaN).")
    auc_ci = _auc_interval(counts, y, auc, se, n_boot, seed, n_jobs)
    if n_boot:
        method = (f"stratified bootstrap percentile interval, {n_boot} replicates (events and "
                  "non-events resampled separately)")
    else:
        method = ("DeLong et al. (1988) standard error, normal interval AUC ± 1.96 SE "
                  "clipped to [0, 1]")
    d = float(auc_to_d(auc))
    d_ci = tuple(float(v) for v in auc_to_d(np.array(auc_ci)))
    probabilities = kind == "probability"
    cal = calibration_summary(y, risk) if probabilities else None
    if cal is not None:
        notes.extend(cal.notes)
    bins = decile_of_value(counts, n_bins)
    n_b = int(bins.max()) + 1 if bins.size else 0
    table = rate_table(counts, bins, n_b, probabilities, first="bin")
    level_table = None
    if cutoffs.size:
        levels = level_of_value(counts.values, cutoffs)
        lower = np.concatenate([[-np.inf], cutoffs])
        upper = np.concatenate([cutoffs, [np.inf]])
        level_table = rate_table(counts, levels, cutoffs.size + 1, probabilities, first="level",
                                 bounds=(lower, upper))
    return ValidationReport(
        population=population,
        kind=kind,
        n=n,
        n_events=n1,
        n_dropped=0,
        base_rate=n1 / n if n else math.nan,
        auc=auc,
        auc_ci=auc_ci,
        auc_ci_method=method,
        auc_se=se,
        cohens_d=d,
        cohens_d_ci=d_ci,
        brier=cal.brier if cal else None,
        expected_events=cal.expected_events if cal else None,
        eo_ratio=cal.eo_ratio if cal else None,
        calibration_intercept=cal.intercept if cal else None,
        calibration_intercept_ci=cal.intercept_ci if cal else None,
        calibration_slope=cal.slope if cal else None,
        calibration_slope_ci=cal.slope_ci if cal else None,
        cutoffs=tuple(float(c) for c in cutoffs),
        calibration_table=table,
        cutoff_table=cutoff_table(counts, cutoffs),
        level_table=level_table,
        by_group={},
        notes=tuple(notes),
        n_boot=n_boot,
        random_state=random_state,
    )


def validate(
    y,
    risk,
    groups=None,
    cutoffs=None,
    n_boot: int = 1000,
    random_state: int | None = None,
    *,
    kind: str = "auto",
    missing: str = "raise",
    n_bins: int = 10,
    n_jobs: int | None = None,
) -> ValidationReport:
    """Validate risks (probabilities or scores) against observed binary outcomes.

    Parameters
    ----------
    y : array_like of 0/1 or bool
        Observed outcomes (e.g. reconviction within the follow-up window; see
        :func:`followup_outcome` for people not followed for the whole window).
    risk : array_like of float
        Predicted probabilities of the outcome, or bare scores (e.g. an instrument's total).
    groups : Series, DataFrame, mapping or sequence, optional
        Grouping columns to audit (sex, race or ethnicity, age band, region...). A DataFrame
        audits each column; a Series is named by its name (else ``"group"``). Rows whose label
        is missing are left out of that column's audit and counted (``n_missing``).
    cutoffs : sequence of float, optional
        Strictly increasing cut-offs. At each: sensitivity, specificity, PPV, NPV, FPR, FNR
        (flagged when ``risk >= cutoff``); together they define risk levels (``level_table``).
    n_boot : int, default 1000
        Bootstrap replicates for the AUC's 95% interval (stratified bootstrap percentile; at
        least 100). ``0`` gives DeLong's interval instead, without resampling.
    random_state : int or None
        Seed of the bootstrap; the same seed gives the same report whatever ``n_jobs``.
    kind : {"auto", "probability", "score"}
        ``"auto"``: probabilities when every risk lies in [0, 1], scores otherwise. Scores get
        discrimination only; the calibration fields are None and a note says why.
    missing : {"raise", "drop"}
        A missing outcome or risk raises :class:`InvalidData` (default) or, with ``"drop"``,
        the row is dropped and counted in ``n_dropped`` with a note. Nothing is dropped silently.
    n_bins : int, default 10
        Number of risk bins (deciles) of the calibration table.
    n_jobs : int or None
        joblib workers for the bootstrap (None: 1; -1: all cores).

    Returns
    -------
    ValidationReport

    Raises
    ------
    InvalidData
        Outcomes other than 0/1, non-numeric or infinite risks, mismatched lengths or indexes,
        missing values (``missing="raise"``), only one outcome present, probabilities outside
        [0, 1] with ``kind="probability"``, or bad settings.

    See Also
    --------
    choose_cutoffs : cut-offs for risk levels, with this validation at them.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.9, 1000)
    >>> y = rng.random(1000) < p
    >>> sex = pd.Series(rng.choice(["female", "male"], 1000), name="sex")
    >>> r = validate(y, p, groups=sex, cutoffs=[0.3, 0.6], n_boot=200, random_state=0)
    >>> r.kind, r.n, bool(r.auc_ci[0] < r.auc < r.auc_ci[1])
    ('probability', 1000, True)
    >>> sorted(r.by_group["sex"]), r.cutoff_table["cutoff"].tolist()
    (['female', 'male'], [0.3, 0.6])
    >>> s = validate(y, np.round(p * 20), n_boot=0)     # a bare score: discrimination only
    >>> s.kind, s.brier, s.calibration_slope
    ('score', None, None)
    """
    # The linear algebra here is on a handful of columns: multi-threaded BLAS gains nothing and,
    # on a busy machine, its spinning threads made dot products a thousand times slower.
    with threadpool_limits(limits=1, user_api="blas"):
        return _validate(y, risk, groups, cutoffs, n_boot, random_state, kind, missing, n_bins,
                         n_jobs)


def _validate(y, risk, groups, cutoffs, n_boot, random_state, kind, missing, n_bins, n_jobs):
    kind = check_choice(kind, "kind", ("auto", "probability", "score"))
    missing = check_choice(missing, "missing", ("raise", "drop"))
    n_boot = check_int(n_boot, "n_boot", 0)
    if 0 < n_boot < MIN_BOOT:
        raise InvalidData("n_boot", n_boot, f"0 (DeLong interval) or at least {MIN_BOOT}",
                          code="out_of_range")
    n_bins = check_int(n_bins, "n_bins", 2)
    random_state = check_random_state(random_state)
    same_index(("y", y), ("risk", risk), ("groups", groups))
    y_arr = as_outcome(y)
    r_arr = as_risk(risk, y_arr.size)
    group_cols = as_groups(groups, y_arr.size)
    cut = as_cutoffs(cutoffs)

    notes: list[str] = []
    lost = np.isnan(y_arr) | np.isnan(r_arr)
    n_dropped = int(lost.sum())
    if n_dropped:
        if missing == "raise":
            field = "y" if np.isnan(y_arr).any() else "risk"
            first = int(np.flatnonzero(np.isnan(y_arr) if field == "y" else np.isnan(r_arr))[0])
            raise InvalidData(
                field,
                f"{n_dropped} rows with a missing outcome or risk (first at position {first})",
                "no missing values, or missing='drop' to drop and count them",
                code="missing",
            )
        notes.append(f"{n_dropped} rows with a missing outcome or risk were dropped "
                     f"({n_dropped} of {y_arr.size}).")
        keep = ~lost
        y_arr, r_arr = y_arr[keep], r_arr[keep]
        group_cols = {k: (codes[keep], labels) for k, (codes, labels) in group_cols.items()}
    if y_arr.size == 0 or y_arr.min() == y_arr.max():
        raise InvalidData("y", "only one outcome value" if y_arr.size else "no rows",
                          "both outcomes (0 and 1) present", code="one_class")
    in_unit = bool(np.all((r_arr >= 0.0) & (r_arr <= 1.0)))
    if kind == "probability" and not in_unit:
        bad = r_arr[(r_arr < 0) | (r_arr > 1)][0]
        raise InvalidData("risk", float(bad), "probabilities in [0, 1] (or kind='score')",
                          code="out_of_range")
    if kind == "auto":
        kind = "probability" if in_unit else "score"
        if in_unit:
            notes.append("All risks lie in [0, 1], so they were read as probabilities "
                         "(pass kind='score' if they are not).")
    if kind == "score":
        notes.append(_SCORE_NOTE)

    yb = y_arr.astype(bool)
    root = np.random.SeedSequence(random_state)
    seeds = root.spawn(1 + len(group_cols))
    report = _population("all", yb, r_arr, kind, cut, n_boot, random_state, seeds[0], n_jobs,
                         n_bins)

    by_group: dict[str, GroupAudit] = {}
    if group_cols:
        x = safe_logit(r_arr)[0] if kind == "probability" else r_arr
        predictor = "logit(risk)" if kind == "probability" else "score"
        for (column, (codes, labels)), col_seed in zip(group_cols.items(), seeds[1:],
                                                       strict=True):
            order = _order(labels)
            level_seeds = col_seed.spawn(len(labels))
            reports = {}
            for j, i in enumerate(order):
                rows = codes == i
                reports[labels[i]] = _population(
                    f"{column} = {labels[i]}", yb[rows], r_arr[rows], kind, cut, n_boot,
                    random_state, level_seeds[j], n_jobs, n_bins,
                )
            # reorder codes so the bias test lists levels in the same order
            remap = np.full(len(labels) + 1, -1, dtype=np.int64)
            remap[np.array(order, dtype=np.int64)] = np.arange(len(order))
            ordered = remap[codes]  # codes == -1 picks remap[-1] == -1
            bias = predictive_bias(yb.astype(float), x, ordered, [labels[i] for i in order],
                                   column, predictor)
            by_group[column] = GroupAudit(column, reports, bias, int((codes < 0).sum()))
    return dataclasses.replace(
        report,
        n_dropped=n_dropped,
        by_group=by_group,
        notes=tuple(notes) + report.notes,
    )
