"""Reproduce the COMPAS Broward calibration: a PointsModel instrument, a ScoreCalibrator for
COMPAS's decile, their out-of-fold validation, a Markdown report and PNG figures.

Run from the repository root::

    .venv/bin/python calibration/compas-broward/make.py [--out DIR]

Data: ``$RNR_SHARED_DATA/compas/compas-scores-two-years.csv`` (default ``../shared/data``),
filtered as ProPublica did (6,172 rows). Everything is deterministic: running it again writes
the same bytes. Only aggregates are printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

import rnr

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import compas_data  # noqa: E402
import compas_figures  # noqa: E402
import compas_report  # noqa: E402

N_SPLITS = 5
SEED = 0
N_BOOT = 1000
#: Cut-off for error rates: probability 0.5, and ProPublica's "medium or high" for the decile.
PROBABILITY_CUTOFF = 0.5
DECILE_CUTOFF = 5
INSTRUMENT_ID = "compas-points"
INSTRUMENT_VERSION = "1.0.0"


@dataclass
class Model:
    """One model compared: its out-of-fold risks, per-fold figures and validation."""

    key: str
    label: str
    kind: str  # "probability" | "score"
    risk: np.ndarray
    fold_auc: list = field(default_factory=list)
    fold_brier: list = field(default_factory=list)
    report: object = None


def cross_validate(data, y):
    """Fit every model on 4 folds and predict the fifth; returns the models and fold facts."""
    X = data[compas_data.FEATURES]
    decile = data[["decile_score"]]
    n = len(data)
    models = {
        "points": Model("points", "PointsModel (7 raw features)", "probability", np.empty(n)),
        "decile_isotonic": Model("decile_isotonic", "COMPAS decile + ScoreCalibrator(isotonic)",
                                 "probability", np.empty(n)),
        "decile_logistic": Model("decile_logistic", "COMPAS decile + ScoreCalibrator(logistic)",
                                 "probability", np.empty(n)),
        "decile_reference": Model("decile_reference",
                                  "COMPAS decile, scikit-learn IsotonicRegression (reference)",
                                  "probability", np.empty(n)),
        "decile_raw": Model("decile_raw", "COMPAS decile as a score (1-10)", "score",
                            data["decile_score"].to_numpy(dtype=float)),
    }
    folds = StratifiedKFold(n_splits=N_SPLITS, shuffle=True, random_state=SEED)
    fold_items = []
    for train, test in folds.split(X, y):
        points = rnr.PointsModel().fit(X.iloc[train], y[train])
        fold_items.append([spec["feature"] for spec in points.items_])
        models["points"].risk[test] = points.predict_proba(X.iloc[test])[:, 1]
        for method in ("isotonic", "logistic"):
            cal = rnr.ScoreCalibrator(method=method).fit(decile.iloc[train], y[train])
            models[f"decile_{method}"].risk[test] = cal.predict_proba(decile.iloc[test])[:, 1]
        reference = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        reference.fit(data["decile_score"].iloc[train], y[train])
        models["decile_reference"].risk[test] = reference.predict(data["decile_score"].iloc[test])
        for m in models.values():
            m.fold_auc.append(float(roc_auc_score(y[test], m.risk[test])))
            if m.kind == "probability":
                m.fold_brier.append(float(brier_score_loss(y[test], m.risk[test])))
    return models, fold_items


def validate_all(models, data, y):
    """Out-of-fold validation of each model, by race and by sex, with the bias test."""
    groups = data[compas_data.GROUPS]
    for m in models.values():
        cut = [PROBABILITY_CUTOFF] if m.kind == "probability" else [DECILE_CUTOFF]
        m.report = rnr.validate(y, m.risk, groups=groups, cutoffs=cut, n_boot=N_BOOT,
                                random_state=SEED, kind=m.kind)


def followup_check(data, y, models) -> dict:
    """Who could be followed for two years, and what the models do on them alone.

    The last screening date of anyone *without* a two-year arrest marks where full follow-up
    ends in the file; people screened later appear only if re-arrested. On the people screened
    up to that date: the out-of-fold risks above, and the models cross-validated afresh.
    """
    screened = pd.to_datetime(data["compas_screening_date"])
    last = screened[y == 0].max()
    followed = (screened <= last).to_numpy()
    cohort = data[followed].reset_index(drop=True)
    refit, _ = cross_validate(cohort, y[followed])
    rows = {}
    for key in ("points", "decile_isotonic"):
        rows[key] = {
            "as fitted above": rnr.validate(y[followed], models[key].risk[followed], n_boot=0,
                                            kind="probability"),
            "refitted on them": rnr.validate(y[followed], refit[key].risk, n_boot=0,
                                             kind="probability"),
        }
    return {"last": last.date().isoformat(), "n_followed": int(followed.sum()),
            "rate_all": float(y.mean()), "rate_followed": float(y[followed].mean()), "n_late": int((~followed).sum()),
            "rate_late": float(y[~followed].mean()), "rows": rows}


def fit_full(data, y, models, followup, out: Path):
    """Refit on all rows and write the model files and the instrument."""
    X = data[compas_data.FEATURES]
    points = rnr.PointsModel().fit(X, y)
    rnr.save(points, out / "points-model.json", validation=models["points"].report)
    points.to_instrument(
        INSTRUMENT_ID, INSTRUMENT_VERSION, path=out / "points-instrument.toml",
        title="COMPAS Broward points instrument (rnr re-analysis; not COMPAS)",
        purpose="Probability of a new arrest within two years of a COMPAS pretrial screening, "
                "in Broward County, Florida. A research re-analysis; not for use elsewhere "
                "without local validation.",
        population="Pretrial defendants screened with COMPAS in Broward County, Florida, "
                   "2013-2014 (ProPublica's two-year file, standard filter, 6,172 people). "
                   f"People screened after {followup['last']} are in the file only if "
                   "re-arrested, so its probabilities run high (see report.md, follow-up "
                   "check).",
        licence="Fitted by rnr from ProPublica's published COMPAS Broward data, which carry "
                "no stated licence; it is not COMPAS (Equivant) and uses none of its items.",
        citation="Angwin, Larson, Mattu & Kirchner (2016), 'Machine Bias' and 'How We Analyzed "
                 "the COMPAS Recidivism Algorithm', ProPublica, 23 May 2016; data from "
                 "github.com/propublica/compas-analysis (commit bafff5d).",
    )
    calibrator = rnr.ScoreCalibrator(method="isotonic").fit(data[["decile_score"]], y)
    rnr.save(calibrator, out / "decile-calibrator.json",
             validation=models["decile_isotonic"].report)
    return points


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder for the artifacts (default: this script's folder)")
    args = parser.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    data, facts = compas_data.load()
    y = data[compas_data.OUTCOME].to_numpy()
    print(f"data: {facts['rows_read']} rows read, {facts['rows_kept']} kept, "
          f"{int(y.sum())} recidivists")
    models, fold_items = cross_validate(data, y)
    cv_done = time.perf_counter()
    validate_all(models, data, y)
    followup = followup_check(data, y, models)
    validated = time.perf_counter()
    points = fit_full(data, y, models, followup, out)
    figures = compas_figures.draw_all(models, y, data, out)
    text = compas_report.render(data, y, facts, models, fold_items, points, figures,
                                followup, compas_figures.MIN_GROUP_TO_DRAW)
    (out / "report.md").write_text(text, encoding="utf-8")
    done = time.perf_counter()

    for m in models.values():
        brier = f", Brier {np.mean(m.fold_brier):.4f}" if m.fold_brier else ""
        print(f"{m.label}: AUC {np.mean(m.fold_auc):.4f}{brier} (mean of {N_SPLITS} folds)")
    print(f"follow-up: {followup['n_followed']} screened up to {followup['last']} (rate "
          f"{followup['rate_followed']:.3f}), {followup['n_late']} later (rate "
          f"{followup['rate_late']:.3f})")
    print(f"time: cross-validation {cv_done - started:.1f} s, validation and follow-up check "
          f"{validated - cv_done:.1f} s, models, figures and report {done - validated:.1f} s, "
          f"total {done - started:.1f} s")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
