"""Rendering a :class:`ValidationReport` as Markdown."""

from __future__ import annotations

import math

from ._markdown import fmt, fmt_ci, markdown_table

__all__ = ["report_markdown"]

_RATES = ("selection_rate", "sensitivity", "specificity", "ppv", "npv", "fpr", "fnr")
_RATE_HEAD = ["selection rate", "sensitivity", "specificity", "PPV", "NPV", "FPR", "FNR"]


def _headline(r) -> str:
    rows = [
        ["AUC", fmt(r.auc), fmt_ci(r.auc_ci), "0.5 = chance, 1 = perfect"],
        ["Cohen's d (from AUC)", fmt(r.cohens_d, 2), fmt_ci(r.cohens_d_ci, 2), ""],
    ]
    if r.kind == "probability":
        rows += [
            ["Brier score", fmt(r.brier, 4), "", "lower is better"],
            ["E/O (expected / observed events)", fmt(r.eo_ratio), "", "1"],
            ["Calibration intercept", fmt(r.calibration_intercept),
             fmt_ci(r.calibration_intercept_ci), "0"],
            ["Calibration slope", fmt(r.calibration_slope), fmt_ci(r.calibration_slope_ci), "1"],
        ]
    else:
        rows.append(["Calibration", "n/a", "", "needs probabilities, not scores"])
    return markdown_table(["measure", "value", "95% CI", "target"], rows, align="lrrl")


def _rate_rows(t, first: str):
    return [
        [int(row[first]), fmt(row["lower"]), fmt(row["upper"]), int(row["n"]),
         int(row["events"]), fmt(row["observed_rate"]),
         fmt_ci((row["observed_low"], row["observed_high"])), fmt(row["predicted_rate"])]
        for _, row in t.iterrows()
    ]


def _level_span(lower: float, upper: float) -> str:
    if math.isinf(lower) and lower < 0:
        return f"< {fmt(upper)}"
    if math.isinf(upper):
        return f">= {fmt(lower)}"
    return f"{fmt(lower)} to < {fmt(upper)}"


def _cutoff_rows(t, prefix=()):
    return [
        [*prefix, fmt(row["cutoff"]), int(row["n_flagged"]), *(fmt(row[c]) for c in _RATES)]
        for _, row in t.iterrows()
    ]


def _group_section(column: str, audit) -> list[str]:
    out = [f"## By {column}", ""]
    if audit.n_missing:
        out += [f"{audit.n_missing} rows with no {column} are left out of this section.", ""]
    rows = []
    for level, r in audit.items():
        cal = r.kind == "probability"
        rows.append([
            level, r.n, fmt(r.base_rate), f"{fmt(r.auc)} ({fmt_ci(r.auc_ci)})",
            fmt(r.brier, 4) if cal else "n/a", fmt(r.eo_ratio) if cal else "n/a",
            fmt(r.calibration_intercept) if cal else "n/a",
            fmt(r.calibration_slope) if cal else "n/a",
        ])
    out += [markdown_table(["group", "n", "base rate", "AUC (95% CI)", "Brier", "E/O",
                            "cal. intercept", "cal. slope"], rows, align="lrrrrrrr"), ""]
    cut_rows = []
    for level, r in audit.items():
        cut_rows += _cutoff_rows(r.cutoff_table, prefix=(level,))
    if cut_rows:
        out += [f"### Error rates at each cut-off by {column}", "",
                markdown_table(["group", "cut-off", "flagged", *_RATE_HEAD], cut_rows,
                               align="l" + "r" * 9), ""]
    b = audit.bias
    out += ["### Predictive bias (moderated logistic regression)", ""]
    if b.reference is not None:
        out += [f"outcome ~ x + {column} + x × {column}; x = {b.predictor}. "
                f"Reference level: {b.reference} (intercept {fmt(b.reference_intercept)}, "
                f"slope {fmt(b.reference_slope)}).", ""]
        terms = [
            [row["level"], int(row["n"]),
             f"{fmt(row['intercept_difference'])} ({fmt(row['intercept_se'])})",
             fmt(row["intercept_p"], 4),
             f"{fmt(row['slope_difference'])} ({fmt(row['slope_se'])})", fmt(row["slope_p"], 4)]
            for _, row in b.terms.iterrows()
        ]
        out += [markdown_table(["level", "n", "intercept difference (SE)", "p",
                                "slope difference (SE)", "p"], terms, align="lrrrrr"), ""]
        tests = [[row["test"], fmt(row["chi2"], 2), int(row["df"]), fmt(row["p"], 4)]
                 for _, row in b.tests.iterrows()]
        out += [markdown_table(["joint Wald test", "chi²", "df", "p"], tests, align="lrrr"), ""]
    for _, row in b.excluded.iterrows():
        out.append(f"- {row['level']} (n = {int(row['n'])}, {int(row['events'])} events) "
                   f"left out of the bias test: {row['reason']}.")
    for note in b.notes:
        out.append(f"- {note}")
    if out[-1] != "":
        out.append("")
    out += [f"> {audit.note}", ""]
    return out


def report_markdown(r) -> str:
    """Render the whole report."""
    out = [f"# Validation report: {r.population}", ""]
    intro = (f"{r.n} people, {r.n_events} events (base rate {fmt(r.base_rate)}); "
             f"risks read as {'probabilities' if r.kind == 'probability' else 'scores'}.")
    if r.n_dropped:
        intro += f" {r.n_dropped} rows with a missing outcome or risk were dropped."
    out += [intro, "", _headline(r), "", f"AUC interval: {r.auc_ci_method}.", ""]
    out += ["## Calibration by risk decile", "",
            markdown_table(["bin", "risk from", "to", "n", "events", "observed", "95% CI",
                            "predicted"], _rate_rows(r.calibration_table, "bin")), ""]
    if len(r.cutoff_table):
        out += ["## Cut-offs (flagged when risk >= cut-off)", "",
                markdown_table(["cut-off", "flagged", *_RATE_HEAD], _cutoff_rows(r.cutoff_table)),
                ""]
    if r.level_table is not None:
        rows = []
        for _, row in r.level_table.iterrows():
            rows.append([int(row["level"]), _level_span(row["lower"], row["upper"]),
                         int(row["n"]), int(row["events"]), fmt(row["observed_rate"]),
                         fmt_ci((row["observed_low"], row["observed_high"])),
                         fmt(row["predicted_rate"])])
        out += ["## Risk levels", "",
                markdown_table(["level", "risk", "n", "events", "observed", "95% CI",
                                "predicted"], rows, align="llrrrrr"), ""]
    for column, audit in r.by_group.items():
        out += _group_section(column, audit)
    if r.notes:
        out += ["## Notes", ""] + [f"- {note}" for note in r.notes] + [""]
    return "\n".join(out).rstrip() + "\n"
