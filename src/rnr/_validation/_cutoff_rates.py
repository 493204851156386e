"""Error rates at cut-offs: a person is flagged when ``risk >= cut-off``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._auc import RankCounts

__all__ = ["CUTOFF_SCHEMA", "cutoff_table"]

#: Column names and types of a cut-off table.
CUTOFF_SCHEMA = (
    ("cutoff", "float"),
    ("n_flagged", "int"),
    ("selection_rate", "float"),
    ("tp", "int"),
    ("fp", "int"),
    ("tn", "int"),
    ("fn", "int"),
    ("sensitivity", "float"),
    ("specificity", "float"),
    ("ppv", "float"),
    ("npv", "float"),
    ("fpr", "float"),
    ("fnr", "float"),
)


def cutoff_table(counts: RankCounts, cutoffs) -> pd.DataFrame:
    """Confusion counts and rates at each cut-off (flagged: ``risk >= cutoff``).

    A rate whose denominator is zero (e.g. PPV when nobody is flagged) is NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from rnr._validation._auc import rank_counts
    >>> t = cutoff_table(rank_counts(np.array([0, 0, 1, 1]), np.array([1, 2, 2, 3])), [2])
    >>> t[["tp", "fp", "tn", "fn", "sensitivity", "fpr", "ppv"]].iloc[0].tolist()
    [2.0, 1.0, 1.0, 0.0, 1.0, 0.5, 0.6666666666666666]
    """
    cut = np.asarray(cutoffs, dtype=float).reshape(-1)
    # events / non-events at or above each position in the sorted distinct values
    pos_above = np.concatenate([np.cumsum(counts.pos[::-1])[::-1], [0]])
    neg_above = np.concatenate([np.cumsum(counts.neg[::-1])[::-1], [0]])
    at = np.searchsorted(counts.values, cut, side="left")
    n1, n0 = counts.n_pos, counts.n_neg
    tp = pos_above[at].astype(np.int64)
    fp = neg_above[at].astype(np.int64)
    fn = n1 - tp
    tn = n0 - fp
    with np.errstate(invalid="ignore", divide="ignore"):
        div = lambda a, b: np.asarray(a, float) / np.asarray(b, float)  # noqa: E731
        frame = pd.DataFrame(
            {
                "cutoff": cut,
                "n_flagged": tp + fp,
                "selection_rate": div(tp + fp, n1 + n0),
                "tp": tp,
                "fp": fp,
                "tn": tn,
                "fn": fn,
                "sensitivity": div(tp, n1),
                "specificity": div(tn, n0),
                "ppv": div(tp, tp + fp),
                "npv": div(tn, tn + fn),
                "fpr": div(fp, n0),
                "fnr": div(fn, n1),
            }
        )
    return frame
