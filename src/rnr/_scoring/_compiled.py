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
        kinds = self.field_kinds()
        self.category_keys = frozenset(k for k, ks in kinds.items() if ks == {"category"})
        self.counted = tuple(k for k in inst.item_order if inst.items[k].source is None)
        self.c8_rank = {c: i for i, c in enumerate(CENTRAL_EIGHT)}
        self.scale_item_sets = {
            sid: frozenset(k for k, _ in s.weights) if s.type == "sum"
            else frozenset(n for n in s.expression.names if n in inst.items)
            for sid, s in inst.scales.items()
        }
        self.level_mins = {
            (sid, key): [lv.min for lv in levels]
            for sid, s in inst.scales.items() for key, levels in s.levels.items()
        }
        # for the batch path: points tables with a NaN row and column for "omitted"
        self.table_ext = {}
        for k, it in inst.items.items():
            t = it.table
            ext = np.full((t.shape[0] + 1, t.shape[1] + 1), np.nan)
            ext[:-1, :-1] = t
            self.table_ext[k] = ext
        # each sum scale's and need domain's terms in declared order: (item, weight,
        # the low and high points an omitted item could add), summed as one record sums them
        self.sum_terms = {sid: self._terms(s.weights)
                          for sid, s in inst.scales.items() if s.type == "sum"}
        self.domain_terms = {did: self._terms([(k, 1.0) for k in d.items])
                             for did, d in inst.domains.items()}
        self.domain_plan = tuple(
            (did, d, [t[1] for t in d.thresholds],
             [(k, inst.items[k].points_min, inst.items[k].points_max) for k in d.items])
            for did, d in inst.domains.items()
        )

    def field_kinds(self) -> dict[str, set]:
        """Each record key's reading kinds (number, date, category), here and in sources."""
        kinds: dict[str, set] = {}
        for k, spec in (*self.inputs.items(), *((k, self.items[k]) for k in self.read_items)):
            kinds.setdefault(k, set()).add(spec.kind)
        for sub in self.sources.values():
            for k, ks in sub.field_kinds().items():
                kinds.setdefault(k, set()).update(ks)
        return kinds

    def _terms(self, weights) -> tuple:
        terms = []
        for k, w in weights:
            it = self.inst.items[k]
            with np.errstate(invalid="ignore"):
                a, b = np.nan_to_num([w * it.points_min, w * it.points_max])
            terms.append((k, float(w), float(min(a, b)), float(max(a, b))))
        return tuple(terms)

    def allowed_keys(self) -> str:
        """Describe the record keys, as a sentence for error messages."""
        keys = sorted(self.record_keys)
        shown = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "")
        return f"one of the instrument's inputs and items: {shown}"


@functools.lru_cache(maxsize=64)
def compiled(inst: Instrument) -> Compiled:
    """Return the :class:`Compiled` form of ``inst`` (cached)."""
    return Compiled(inst)
