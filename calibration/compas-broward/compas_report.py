"""The Markdown report of the COMPAS Broward calibration (aggregates only)."""

from __future__ import annotations

import math
import platform
from importlib.metadata import version

import numpy as np

import rnr

#: Models in the by-group and bias tables (the logistic and reference variants are in the
#: headline table only).
IN_GROUP_TABLES = ("points", "decile_isotonic", "decile_raw")
PACKAGES = ("numpy", "pandas", "scipy", "scikit-learn", "matplotlib")


def fmt(value, digits: int = 3) -> str:
    """A number to ``digits`` decimals; None or NaN as a dash; no negative zero."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):.{digits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def fmt_p(p) -> str:
    """A p-value to 4 decimals, or ``< 0.0001``."""
    if p is None or math.isnan(p):
        return "–"
    return "< 0.0001" if p < 0.0001 else fmt(p, 4)


def ci(pair, digits: int = 3) -> str:
    """An interval as ``low–high`` (``low to high`` when a bound is negative)."""
    if pair is None:
        return "–"
    low, high = fmt(pair[0], digits), fmt(pair[1], digits)
    return f"{low} to {high}" if low.startswith("-") or high.startswith("-") else f"{low}–{high}"


def table(headers, rows, align=None) -> str:
    """A GitHub Markdown table; ``align`` one letter (l/r) per column."""
    align = align or "l" + "r" * (len(headers) - 1)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def environment() -> list[tuple[str, str]]:
    """Versions that fix the artifacts' bytes."""
    return ([("python", platform.python_version()), ("rnr", rnr.__version__)]
            + [(p, version(p)) for p in PACKAGES])


def _data_section(data, y, facts) -> list[str]:
    n = len(data)
    by = []
    for column in ("race", "sex"):
        counts = data.groupby(column)[["two_year_recid"]].agg(["size", "sum"])
        counts.columns = ["n", "events"]
        counts = counts.sort_values("n", ascending=False)
        by.append(f"By {column} (n, two-year rate): " + "; ".join(
            f"{level} {int(r.n)} ({fmt(r.events / r.n)})" for level, r in counts.iterrows()) + ".")
    return [
        "## Data", "",
        "ProPublica's COMPAS file for Broward County, Florida: pretrial defendants screened with "
        "COMPAS in 2013-2014, followed for two years (Angwin, Larson, Mattu & Kirchner, "
        "\"Machine Bias\" and \"How We Analyzed the COMPAS Recidivism Algorithm\", ProPublica, "
        "23 May 2016; data from github.com/propublica/compas-analysis, commit bafff5d; direct "
        "identifiers removed in the shared copy).", "",
        f"- File: `{facts['file']}` in the shared data folder, SHA-256 `{facts['sha256']}`.",
        "- ProPublica's filter: `days_b_screening_arrest` within ±30 days, `is_recid != -1`, "
        "`c_charge_degree != \"O\"`, `score_text != \"N/A\"`.",
        f"- {facts['rows_read']:,} rows read, {n:,} kept; {int(y.sum()):,} with a new arrest "
        f"within two years (`two_year_recid`), base rate {fmt(y.mean())}.",
        f"- {by[0]}",
        f"- {by[1]}",
        "",
    ]


def _method_section(models, fold_items) -> list[str]:
    lines = [
        "## Method", "",
        "Five-fold stratified cross-validation (`StratifiedKFold(n_splits=5, shuffle=True, "
        "random_state=0)`), the same folds for every model. In each fold the models are fitted "
        "on four fifths and predict the fifth; the out-of-fold predictions of all 6,172 people "
        "are then validated together with `rnr.validate` (AUC with a stratified bootstrap 95% "
        "interval, 1,000 replicates, seed 0; Brier score; E/O; calibration intercept and slope "
        "by logistic recalibration, Wald 95%; by race and by sex, with the moderated-regression "
        "test of predictive bias). The per-fold means are computed the way issue 3 states its "
        "reference figures (scikit-learn's `roc_auc_score` and `brier_score_loss` in each fold, "
        "averaged).", "",
        "Models:", "",
        "- **PointsModel**: `rnr.PointsModel()` (at most 8 items, points in [-5, 5], logistic map "
        "from total to probability) on age, priors_count, juv_fel_count, juv_misd_count, "
        "juv_other_count, c_charge_degree and sex.",
        "- **COMPAS decile + ScoreCalibrator**: COMPAS's own decile score (1-10) mapped to a "
        "two-year probability by `rnr.ScoreCalibrator`, isotonic (saved) and logistic.",
        "- **Reference**: the decile isotonic-calibrated by scikit-learn's `IsotonicRegression` "
        "directly, the reference of issue 3.",
        "- **COMPAS decile as a score**: discrimination only (a score is not a probability).",
        "",
        "Items chosen by the PointsModel in each fold:", "",
    ]
    for k, items in enumerate(fold_items, 1):
        lines.append(f"{k}. {', '.join(items)} ({len(items)} items)")
    lines += ["", "The saved models are refitted on all 6,172 rows; their files carry the "
              "out-of-fold validation above.", ""]
    return lines


def _results_section(models) -> list[str]:
    rows = []
    for m in models.values():
        r = m.report
        prob = m.kind == "probability"
        auc_sd = float(np.std(m.fold_auc, ddof=1))
        rows.append([
            m.label,
            f"{fmt(np.mean(m.fold_auc), 4)} ± {fmt(auc_sd, 4)}",
            fmt(np.mean(m.fold_brier), 4) if prob else "n/a",
            f"{fmt(r.auc, 4)} ({ci(r.auc_ci)})",
            fmt(r.brier, 4) if prob else "n/a",
            fmt(r.eo_ratio) if prob else "n/a",
            f"{fmt(r.calibration_intercept)} ({ci(r.calibration_intercept_ci)})" if prob else "n/a",
            f"{fmt(r.calibration_slope)} ({ci(r.calibration_slope_ci)})" if prob else "n/a",
        ])
    iso = models["decile_isotonic"].risk
    ref = models["decile_reference"].risk
    gap = float(np.max(np.abs(iso - ref)))
    same = ("give identical out-of-fold probabilities" if gap == 0
            else f"give out-of-fold probabilities that differ by at most {gap:.3g}")
    pooled = models["decile_isotonic"]
    return [
        "## Results", "",
        table(["model", "AUC, mean of folds ± SD", "Brier, mean of folds",
               "AUC out of fold (95% CI)", "Brier out of fold", "E/O",
               "calibration intercept (95% CI)", "calibration slope (95% CI)"], rows),
        "",
        "Targets: E/O 1, calibration intercept 0, slope 1. Issue 3's reference figures on the "
        "same folds: COMPAS's decile isotonic-calibrated 0.705 / 0.2151; a continuous logistic "
        "model on banded age and priors 0.737 / 0.2058; the PointsModel's target AUC >= 0.733 "
        "and Brier <= 0.2075 with at most 8 items.", "",
        "Two ways of summarising the same folds: the mean of the per-fold AUCs, and the AUC of "
        "all out-of-fold predictions pooled. They differ most for the isotonic decile "
        f"({fmt(np.mean(pooled.fold_auc), 4)} against {fmt(pooled.report.auc, 4)}): each fold's "
        "map gives the same decile a slightly different probability, so pooling interleaves "
        "neighbouring deciles from different folds (the raw decile, with no map, loses nothing). "
        "Issue 3's 0.705 for the decile matches the pooled figure.", "",
        f"`ScoreCalibrator(isotonic)` and scikit-learn's `IsotonicRegression` {same}.",
        "",
        "![ROC curves, out of fold](roc.png)", "",
        "![Calibration curves, out of fold](calibration.png)", "",
    ]


def _followup_section(followup) -> list[str]:
    f = followup
    rows = []
    for key, label in (("points", "PointsModel"), ("decile_isotonic",
                                                   "COMPAS decile + ScoreCalibrator(isotonic)")):
        for how, r in f["rows"][key].items():
            rows.append([label, how, f"{fmt(r.auc, 4)} ({ci(r.auc_ci)})", fmt(r.brier, 4),
                         fmt(r.eo_ratio), f"{fmt(r.calibration_intercept)} "
                         f"({ci(r.calibration_intercept_ci)})", fmt(r.calibration_slope)])
    return [
        "## Follow-up check: who is in the two-year file", "",
        f"Nobody without a new arrest within two years was screened after {f['last']}: the "
        f"{f['n_late']:,} people screened later are in the file only because they were "
        f"re-arrested (two-year rate {fmt(f['rate_late'])}), while the {f['n_followed']:,} "
        f"screened up to that date have a two-year rate of {fmt(f['rate_followed'])}. Whether "
        "someone is in the file thus depends on the outcome for the later screenings, which "
        f"inflates the base rate ({fmt(f['rate_all'])} overall) and every probability fitted "
        "to it. The "
        "models above, applied to the people who could be followed for two years, and the same "
        "models cross-validated afresh on those people alone (same procedure, DeLong intervals):",
        "",
        table(["model", "on people screened up to " + f["last"], "AUC (95% CI)", "Brier",
               "E/O", "calibration intercept (95% CI)", "calibration slope"], rows,
              align="llrrrrr"),
        "",
        "On people who could be followed, the models fitted to the whole file expect "
        f"{' and '.join(fmt(f['rows'][k]['as fitted above'].eo_ratio) for k in f['rows'])} "
        "times the arrests that happened (E/O); refitted, "
        f"{' and '.join(fmt(f['rows'][k]['refitted on them'].eo_ratio) for k in f['rows'])}. "
        "The saved models follow issue 3's specification (ProPublica's filter, 6,172 rows); "
        "anyone using their probabilities should prefer a cohort whose membership does not "
        "depend on the outcome. This is read off the file's own dates; it is the same "
        "principle as `rnr.followup_outcome`: exclude people by when they started, never by "
        "what happened to them.", "",
    ]


def _instrument_section(points) -> list[str]:
    rows = [[r.item, r.band, int(r.points), int(round(r.n)), fmt(r.observed_rate)]
            for r in points.summary.itertuples()]
    scores = points.score_table
    srows = [[int(t), fmt(p)] for t, p in zip(scores["total"], scores["probability"],
                                               strict=True)]
    return [
        "## The points instrument (fitted on all rows)", "",
        f"`points-instrument.toml` (id `compas-points`, version 1.0.0, status "
        f"`not-validated`): {len(points.items_)} items; `rnr.assess` scores it to the same "
        "totals and probabilities as the saved model.", "",
        table(["item", "band or level", "points", "n", "two-year rate"], rows, align="llrrr"),
        "",
        f"Total points run from {points.total_min_} to {points.total_max_}; the probability of "
        "a new arrest within two years for each total (logistic map fitted on all rows):", "",
        table(["total", "probability"], srows),
        "",
    ]


def _group_rows(models, column):
    rows = []
    levels = list(models["points"].report.by_group[column])
    for level in levels:
        for key in IN_GROUP_TABLES:
            m = models[key]
            r = m.report.by_group[column][level]
            prob = m.kind == "probability"
            cut = r.cutoff_table.iloc[0]
            rows.append([level, m.label, r.n, fmt(r.base_rate), f"{fmt(r.auc)} ({ci(r.auc_ci)})",
                         fmt(r.brier, 4) if prob else "n/a", fmt(r.eo_ratio) if prob else "n/a",
                         fmt(r.calibration_slope) if prob else "n/a",
                         fmt(cut["fpr"]), fmt(cut["fnr"])])
    return rows


def _groups_section(models, column, figure) -> list[str]:
    audit = models["points"].report.by_group[column]
    return [
        f"## By {column}", "",
        "Out-of-fold risks. FPR and FNR at probability >= 0.5 (the calibrated models) or decile "
        ">= 5 (\"medium or high\", the decile as a score). Small groups have wide intervals.", "",
        table([column, "model", "n", "base rate", "AUC (95% CI)", "Brier", "E/O",
               "cal. slope", "FPR", "FNR"], _group_rows(models, column), align="llrrrrrrrr"),
        "",
        f"![Calibration by {column}]({figure})", "",
        f"> {audit.note}", "",
    ]


def _bias_reading(models, column) -> list[str]:
    """One sentence per model: does the joint test reject equal intercepts and slopes?"""
    out = []
    for key in IN_GROUP_TABLES:
        m = models[key]
        tests = m.report.by_group[column].bias.tests.set_index("test")
        parts = []
        for what in ("intercepts", "slopes"):
            p = tests.loc[what, "p"]
            shown = fmt_p(p) if p < 0.0001 else f"= {fmt_p(p)}"
            verb = "differ" if p < 0.05 else "do not differ at the 5% level"
            parts.append(f"{what} {verb} (p {shown})")
        out.append(f"- {m.label}, by {column} (joint Wald tests): {'; '.join(parts)}.")
    return out


def _bias_section(models) -> list[str]:
    lines = [
        "## Predictive bias: the moderated-regression test", "",
        "For each model and grouping: `logit P(arrest) = b0 + b1 x + c_g + d_g x`, with x the "
        "logit of the out-of-fold probability (the decile itself for the score), centred; c_g "
        "and d_g are each group's intercept and slope differences from the reference level "
        "(the largest), with Wald tests (Cleary's model, as in Skeem & Lowenkamp 2016). A "
        "significant intercept difference means the same risk goes with a different observed "
        "rate in that group.", "",
    ]
    for column in ("race", "sex"):
        term_rows, test_rows, excluded = [], [], []
        for key in IN_GROUP_TABLES:
            m = models[key]
            b = m.report.by_group[column].bias
            for t in b.terms.itertuples():
                term_rows.append([m.label, f"{t.level} vs {b.reference}", int(t.n),
                                  f"{fmt(t.intercept_difference)} ({fmt(t.intercept_se)})",
                                  fmt_p(t.intercept_p),
                                  f"{fmt(t.slope_difference)} ({fmt(t.slope_se)})",
                                  fmt_p(t.slope_p)])
            for t in b.tests.itertuples():
                test_rows.append([m.label, t.test, fmt(t.chi2, 2), int(t.df), fmt_p(t.p)])
            for e in b.excluded.itertuples():
                excluded.append(f"{e.level} (n = {int(e.n)}, {int(e.events)} events): {e.reason}")
        lines += [f"### By {column}", "",
                  table(["model", "level", "n", "intercept difference (SE)", "p",
                         "slope difference (SE)", "p"], term_rows, align="llrrrrr"), "",
                  table(["model", "joint Wald test", "chi²", "df", "p"], test_rows,
                        align="llrrr"), ""]
        for text in sorted(set(excluded)):
            lines.append(f"- Left out of the test: {text}.")
        lines += _bias_reading(models, column)
        lines.append("")
    return lines


_LIMITS = [
    "## Limits", "",
    "- **Place and time.** US pretrial defendants in one county (Broward, Florida), screened in "
    "2013-2014. Law, policing, charging and release practice, and so base rates and the meaning "
    "of every item, differ elsewhere.",
    "- **Outcome.** `two_year_recid` is a new *arrest* within two years, as ProPublica coded it, "
    "not a conviction: it measures police contact as much as offending, and arrest rates differ "
    "by neighbourhood and group for reasons other than behaviour.",
    "- **Window.** Two years from screening; nothing here speaks to other windows. People "
    "screened late in 2014 are in the file only if re-arrested (see the follow-up check), so "
    "the probabilities run high.",
    "- **Groups.** Race as recorded in the data ProPublica published. {small} too small for "
    "reliable figures: they are in the tables, with wide intervals, but not drawn. Calibration "
    "within groups and equal error rates cannot all hold when base rates differ (see the note "
    "under each group table).",
    "- **Sex as an item.** The points instrument scores sex, as issue 3's feature list asks. "
    "Whether sex may be used in a decision is a legal and policy question for each service.",
    "- **Cut-offs.** The 0.5 cut-off for error rates is illustrative, not a recommended risk "
    "level.",
    "- **COMPAS.** COMPAS is Equivant's proprietary instrument; only its published decile is "
    "recalibrated here. The points instrument uses none of COMPAS's items.",
    "- **Not for use in Kazakhstan or anywhere else without local validation.** Refit and "
    "validate on the service's own cases first (see `notebooks/recalibrate.ipynb`): a model is "
    "only as good as its fit to the population it is used on.",
    "",
]


def _limits_section(models, min_drawn: int) -> list[str]:
    audit = models["points"].report.by_group["race"]
    small = [f"{level} ({audit[level].n})" for level in audit if audit[level].n < min_drawn]
    if not small:
        text = "No race group is"
    else:
        text = ("The " + " and ".join(small) + (" groups are" if len(small) > 1 else " group is"))
    return [line.replace("{small}", text) for line in _LIMITS]


def _artifacts_section(figures) -> list[str]:
    files = ["points-model.json", "points-instrument.toml", "decile-calibrator.json",
             "report.md", *figures.values()]
    return [
        "## Artifacts and environment", "",
        "Written by `calibration/compas-broward/make.py`: " + ", ".join(f"`{f}`" for f in files)
        + ". Model files load with `rnr.load` (JSON, never code) and carry their out-of-fold "
        "validation report. With the versions below, running the script again writes every file "
        "byte for byte the same (`tests/test_calibration_compas.py`).", "",
        table(["package", "version"], environment(), align="ll"),
        "",
    ]


def render(data, y, facts, models, fold_items, points, figures, followup, min_drawn) -> str:
    """The whole report."""
    lines = [
        "# COMPAS Broward: a points instrument and a recalibrated decile, validated out of fold",
        "",
        "Generated by `calibration/compas-broward/make.py`; do not edit by hand.", "",
    ]
    lines += _data_section(data, y, facts)
    lines += _method_section(models, fold_items)
    lines += _results_section(models)
    lines += _followup_section(followup)
    lines += _instrument_section(points)
    lines += _groups_section(models, "race", figures["calibration_race"])
    lines += _groups_section(models, "sex", figures["calibration_sex"])
    lines += _bias_section(models)
    lines += _limits_section(models, min_drawn)
    lines += _artifacts_section(figures)
    return "\n".join(lines).rstrip() + "\n"
