"""PNG figures of the COMPAS Broward calibration, byte-stable from run to run.

Byte stability: the Agg backend, matplotlib's own default style (no user matplotlibrc), its
bundled DejaVu font, a fixed size and dpi, and no ``Software`` metadata in the PNG. The same
versions of matplotlib and its dependencies give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import roc_curve  # noqa: E402

#: Groups smaller than this are in the tables but not drawn: their curves are noise.
MIN_GROUP_TO_DRAW = 300
#: Models drawn in the calibration figures.
CALIBRATED = ("points", "decile_isotonic", "decile_logistic")
BY_GROUP = ("points", "decile_isotonic")
_STYLE = {
    "points": {"color": "#1b6ca8", "marker": "o"},
    "decile_isotonic": {"color": "#d1495b", "marker": "s"},
    "decile_logistic": {"color": "#edae49", "marker": "^"},
    "decile_raw": {"color": "#555555", "marker": None},
}
_GROUP_COLOURS = ("#1b6ca8", "#d1495b", "#00798c", "#edae49", "#66a182", "#8d96a3")


def _start():
    matplotlib.rcdefaults()
    plt.style.use("default")
    plt.rcParams.update({"svg.hashsalt": "rnr-compas-broward", "font.size": 9,
                         "axes.titlesize": 10, "figure.dpi": 100, "savefig.dpi": 100})


def _save(fig, path: Path) -> str:
    fig.savefig(path, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return path.name


def _unit_axes(ax, xlabel: str, ylabel: str) -> None:
    ax.plot([0, 1], [0, 1], color="#999999", linewidth=0.8, linestyle="--")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, linewidth=0.3)


def roc(models, y, path: Path) -> str:
    """ROC curves of the out-of-fold risks."""
    fig, ax = plt.subplots(figsize=(5, 5))
    for key in ("points", "decile_isotonic", "decile_raw"):
        m = models[key]
        fpr, tpr, _ = roc_curve(y, m.risk)
        ax.plot(fpr, tpr, color=_STYLE[key]["color"], linewidth=1.4,
                label=f"{m.label}: AUC {m.report.auc:.3f}")
    _unit_axes(ax, "False-positive rate (1 - specificity)", "True-positive rate (sensitivity)")
    ax.set_title(f"ROC, out of fold (5-fold CV), COMPAS Broward, n = {len(y)}")
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    return _save(fig, path)


def _calibration_line(ax, table, colour, marker, label, errorbars=True):
    x = table["predicted_rate"].to_numpy()
    obs = table["observed_rate"].to_numpy()
    if errorbars:
        err = np.vstack([obs - table["observed_low"].to_numpy(),
                         table["observed_high"].to_numpy() - obs])
        ax.errorbar(x, obs, yerr=err, color=colour, marker=marker, markersize=3.5,
                    linewidth=1.1, elinewidth=0.7, capsize=1.5, label=label)
    else:
        ax.plot(x, obs, color=colour, marker=marker, markersize=3.5, linewidth=1.1, label=label)


def calibration(models, path: Path) -> str:
    """Observed against predicted two-year rates by risk decile, everyone."""
    fig, ax = plt.subplots(figsize=(5, 5))
    for key in CALIBRATED:
        m = models[key]
        style = _STYLE[key]
        _calibration_line(ax, m.report.calibration_table, style["color"], style["marker"],
                          m.label)
    _unit_axes(ax, "Predicted probability (mean in risk decile)",
               "Observed two-year rate (95% Wilson CI)")
    ax.set_title("Calibration, out of fold, everyone")
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    return _save(fig, path)


def calibration_by(models, column: str, path: Path) -> str:
    """Calibration curves per level of ``column``, one panel per model."""
    fig, axes = plt.subplots(1, len(BY_GROUP), figsize=(9, 4.6))
    for ax, key in zip(axes, BY_GROUP, strict=True):
        audit = models[key].report.by_group[column]
        drawn = [level for level in audit if audit[level].n >= MIN_GROUP_TO_DRAW]
        for colour, level in zip(_GROUP_COLOURS, drawn, strict=False):
            r = audit[level]
            _calibration_line(ax, r.calibration_table, colour, "o",
                              f"{level} (n = {r.n})", errorbars=True)
        _unit_axes(ax, "Predicted probability (mean in risk decile)", "Observed two-year rate")
        ax.set_title(models[key].label, fontsize=9)
        ax.legend(loc="upper left", fontsize=7)
    fig.suptitle(f"Calibration by {column}, out of fold (groups of at least "
                 f"{MIN_GROUP_TO_DRAW} people drawn)", fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def draw_all(models, y, data, out: Path) -> dict:
    """Draw every figure into ``out``; returns figure name to file name."""
    _start()
    return {
        "roc": roc(models, y, out / "roc.png"),
        "calibration": calibration(models, out / "calibration.png"),
        "calibration_race": calibration_by(models, "race", out / "calibration-by-race.png"),
        "calibration_sex": calibration_by(models, "sex", out / "calibration-by-sex.png"),
    }
