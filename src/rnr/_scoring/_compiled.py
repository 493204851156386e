"""Per-instrument lookups prepared once and shared by the one-record and the batch paths."""

from __future__ import annotations

import functools

import numpy as np

from .._instrument._load import resolve
from .._instrument._model import CENTRAL_EIGHT, Instrument
from ._values import FieldSpec

__all__ = ["Compiled", "compiled"]


class Compiled:
    """Field readers, record keys and dependency data for one instrument."""

    def __init__(self, inst: Instrument) -> None:
        self.inst = inst
        self.inputs = {
            k: FieldSpec(k, "category" if i.type in ("category", "boolean") else i.type,
                         i.min, i.max, i.integer, i.values)
            for k, i in inst.inputs.items()
        }
        self.items = {}
        for k, it in inst.items.items():
            if it.type == "categorical":
                self.items[k] = FieldSpec(k, "category", values=it.options)
            else:
                self.items[k] = FieldSpec(k, "number", it.min, it.max, it.integer)
        self.read_items = tuple(k for k in inst.item_order if inst.items[k].derive is None)
        self.sources = {}
        for k, it in inst.items.items():
            if it.source is not None:
                sub = resolve(it.source[0], it.source[2])
                self.sources[k] = compiled(sub)
        keys = set(inst.inputs) | set(self.read_items)
        for sub in self.sources.values():
            keys |= sub.record_keys
        self.record_keys = frozenset(keys)
        self.counted = tuple(k for k in inst.item_order if inst.items[k].source is None)
        self.c8_rank = {c: i for i, c in enumerate(CENTRAL_EIGHT)}
        self.scale_item_sets = {
            sid: frozenset(k for k, _ in s.weights) if s.type == "sum"
            else frozenset(n for n in s.expression.names if n in inst.items)
            for sid, s in inst.scales.items()
        }
        self.weights = {sid: np.array([w for _, w in s.weights]) for sid, s in inst.scales.items()}
        # plain-Python lookups for the one-record path
        counted = set(self.counted)
        self.item_plan = tuple(
            (k, it, self.items[k], it.type == "categorical",
             it.band_mins.tolist() if it.band_mins is not None else None,
             it.table.tolist(), k in counted)
            for k, it in ((k, inst.items[k]) for k in inst.item_order)
        )
        self.level_mins = {
            (sid, key): [lv.min for lv in levels]
            for sid, s in inst.scales.items() for key, levels in s.levels.items()
        }
        self.scaled_mins = {sid: s.scaled_mins.tolist() for sid, s in inst.scales.items()
                            if s.scaled_mins is not None}
        # matrices for the batch path, over items in dependency order
        order = inst.item_order
        pos = {k: j for j, k in enumerate(order)}
        self.table_ext = {}
        for k, it in inst.items.items():
            t = it.table
            ext = np.full((t.shape[0] + 1, t.shape[1] + 1), np.nan)
            ext[:-1, :-1] = t
            self.table_ext[k] = ext
        sums = [sid for sid, s in inst.scales.items() if s.type == "sum"]
        W = np.zeros((len(order), len(sums)))
        for j, sid in enumerate(sums):
            for k, w in inst.scales[sid].weights:
                W[pos[k], j] += w
        self.sum_weights = (W, sums)
        pmin = np.array([inst.items[k].points_min for k in order])[:, None]
        pmax = np.array([inst.items[k].points_max for k in order])[:, None]
        with np.errstate(invalid="ignore"):
            lo_w, hi_w = np.nan_to_num(pmin * W), np.nan_to_num(pmax * W)
        self.sum_ranges = (np.minimum(lo_w, hi_w), np.maximum(lo_w, hi_w))
        dom_ids = list(inst.domains)
        D = np.zeros((len(order), len(dom_ids)))
        for j, did in enumerate(dom_ids):
            for k in inst.domains[did].items:
                D[pos[k], j] = 1.0
        self.domain_matrix = (D, dom_ids)
        self.domain_ranges = (np.nan_to_num(D * pmin), np.nan_to_num(D * pmax))
        # domains whose scores are whole numbers in a small range: threshold index by look-up
        self.domain_luts = {}
        for did, d in inst.domains.items():
            tables = [inst.items[k].table for k in d.items]
            whole = all(np.all(np.mod(t, 1) == 0) for t in tables) and all(
                inst.items[k].band_mins is not None or inst.items[k].type == "categorical"
                for k in d.items)
            if d.thresholds and whole and d.items and 0 <= d.max_score - d.min_score <= 4096:
                mins = np.array([t[1] for t in d.thresholds])
                values = np.arange(d.min_score, d.max_score + 1)
                lut = np.maximum(np.searchsorted(mins, values, side="right") - 1, 0)
                self.domain_luts[did] = lut.astype(np.int8 if len(mins) < 127 else np.int64)
        self.domain_plan = tuple(
            (did, d, [t[1] for t in d.thresholds],
             [(k, inst.items[k].points_min, inst.items[k].points_max) for k in d.items])
            for did, d in inst.domains.items()
        )

    def allowed_keys(self) -> str:
        """Describe the record keys, as a sentence for error messages."""
        keys = sorted(self.record_keys)
        shown = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "")
        return f"one of the instrument's inputs and items: {shown}"


@functools.lru_cache(maxsize=64)
def compiled(inst: Instrument) -> Compiled:
    """Return the :class:`Compiled` form of ``inst`` (cached)."""
    return Compiled(inst)
