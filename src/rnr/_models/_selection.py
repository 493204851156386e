"""Choose the items: bands from the smoothed curves, then features by forward selection.

1. :func:`smooth_effects` estimates every feature's effect per candidate bin.
2. :func:`segment` cuts each curve into at most ``max_bands`` bands (categorical levels are
   grouped the same way, in order of effect), each holding ``min_band`` weight or more.
3. Forward selection over features: at each step the feature whose bands most improve the
   logistic model's deviance, net of ``price`` per band added, enters; it stops at
   ``max_items`` items or when no feature pays its price (``log n`` per band for BIC, 2 for
   AIC).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._binning import Feature
from ._logistic import fit_logistic, log_loss
from ._patterns import Patterns
from ._segment import segment
from ._smooth import smooth_effects

__all__ = ["ItemModel", "select_items"]

#: Ridge penalty on band effects (logit units) in the band models: a weak prior that keeps
#: a band's effect finite if it separates the outcome; negligible for bands of a few dozen.
_L2 = 1e-3


@dataclass(frozen=True)
class ItemModel:
    """One selected item: its groups (bands or level groups) and their effects in logit units."""

    feature: int
    group_of_code: np.ndarray  # code -> group
    values: np.ndarray  # logit effect of each group (group 0 is 0.0)
    cut_indices: tuple  # numeric: candidate cut indices starting bands 2, 3, ...


def _groups(feat: Feature, curve, max_bands: int, min_band: float, price: float):
    if feat.kind == "numeric":
        starts = segment(curve.effect, curve.information, curve.weight, max_bands, min_band,
                         price)
        group = np.searchsorted(np.asarray(starts, dtype=np.int64), np.arange(feat.n_codes),
                                side="right")
        return group, tuple(s - 1 for s in starts)
    order = np.argsort(curve.effect, kind="stable")
    starts = segment(curve.effect[order], curve.information[order], curve.weight[order],
                     max_bands, min_band, price)
    rank = np.empty(feat.n_codes, dtype=np.int64)
    rank[order] = np.arange(feat.n_codes)
    group = np.searchsorted(np.asarray(starts, dtype=np.int64), rank, side="right")
    return group, ()


def _block(codes: np.ndarray, group: np.ndarray) -> np.ndarray:
    g = group[codes]
    return (g[:, None] == np.arange(1, group.max() + 1)[None, :]).astype("float64")


def select_items(patterns: Patterns, features: tuple, max_items: int, max_bands: int,
                 min_band: float, price: float) -> list[ItemModel]:
    """Return the chosen items, in order of entry, with their band effects.

    Examples
    --------
    >>> import numpy as np
    >>> from ._binning import Feature
    >>> from ._patterns import Patterns
    >>> feats = (Feature("priors", "numeric", cuts=(1.0,)),)
    >>> p = Patterns(np.array([[0], [1]], dtype=np.int32), np.array([20.0, 60.0]),
    ...              np.array([100.0, 100.0]))
    >>> items = select_items(p, feats, max_items=8, max_bands=5, min_band=10, price=4.0)
    >>> [round(float(v), 2) for v in items[0].values]
    [0.0, 1.79]
    """
    curves = smooth_effects(patterns, [f.kind for f in features], [f.n_codes for f in features])
    candidates = {}
    for j, feat in enumerate(features):
        group, cuts = _groups(feat, curves[j], max_bands, min_band, price)
        if group.max() > 0:
            candidates[j] = (group, cuts)
    events, trials = patterns.events, patterns.trials
    chosen: list[int] = []
    blocks: list[np.ndarray] = []
    empty = np.zeros((patterns.codes.shape[0], 0))
    a, _ = fit_logistic(empty, events, trials)
    current = log_loss(np.full(patterns.codes.shape[0], a), events, trials)
    while len(chosen) < max_items:
        best = None
        for j, (group, _) in candidates.items():
            if j in chosen:
                continue
            block = _block(patterns.codes[:, j], group)
            design = np.hstack([*blocks, block])
            a, b = fit_logistic(design, events, trials, l2=_L2)
            loss = log_loss(a + design @ b, events, trials)
            gain = 2 * (current - loss) - price * block.shape[1]
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, j, block, loss)
        if best is None:
            break
        _, j, block, current = best
        chosen.append(j)
        blocks.append(block)
    if not chosen:
        return []
    design = np.hstack(blocks)
    _, coef = fit_logistic(design, events, trials, l2=_L2)
    items, start = [], 0
    for j, block in zip(chosen, blocks, strict=True):
        width = block.shape[1]
        group, cuts = candidates[j]
        values = np.concatenate([[0.0], coef[start:start + width]])
        items.append(ItemModel(j, group, values, cuts))
        start += width
    return items
