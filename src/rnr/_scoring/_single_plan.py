"""What the one-record path looks up, prepared once per compiled instrument as plain Python.

Scoring one record is a few hundred dictionary look-ups; everything that does not depend on
the record (points tables as lists, each option's points and digest pair, static parts of the
result, which keys a sourced instrument reads, the status warning) is worked out here once, so
that :mod:`._single` does only the record's own work. The rules stay in :mod:`._single` and
``docs/instrument-format.md``.
"""

from __future__ import annotations

import functools
import math
import sys
from typing import Any, NamedTuple

from .._instrument._model import Instrument
from ._compiled import Compiled
from ._digest import canonical_json, json_key
from ._values import FieldSpec

__all__ = ["SinglePlan", "single_plan", "status_warning", "sub_spec"]


def status_warning(inst: Instrument) -> str | None:
    """Return the warning every result of a not-validated or incomplete instrument carries.

    Examples
    --------
    >>> import rnr
    >>> status_warning(rnr.load_instrument("rnr-c8"))[:30]
    'rnr-c8 0.1.0 is NOT VALIDATED:'
    """
    if inst.status == "not-validated":
        return (f"{inst.id} {inst.version} is NOT VALIDATED: its cut-offs are provisional; "
                "calibrate it on local data before using it for decisions")
    if inst.status == "incomplete":
        return (f"{inst.id} {inst.version} is INCOMPLETE: some values could not be verified "
                f"from its sources ({len(inst.unverified)} listed as unverified)")
    return None


def sub_spec(c: Compiled, k: str) -> FieldSpec:
    """Return the reader of record key ``k`` that only a sourced instrument of ``c`` declares."""
    for sub in c.sources.values():
        if k in sub.inputs:
            return sub.inputs[k]
        if k in sub.items:
            return sub.items[k]
        if k in sub.record_keys:
            return sub_spec(sub, k)
    raise KeyError(k)


class InputStep(NamedTuple):
    """One input: its reader, and whether it is a category (-1 when omitted) and required.

    ``pair`` starts its pair in the input digest's JSON; ``pairs`` are a category's whole
    pairs, one per value (see :func:`._digest.pairs_digest`).
    """

    id: str
    spec: FieldSpec
    is_category: bool
    required: bool
    pair: str
    pairs: tuple


class Derivation(NamedTuple):
    """A derived item's expression, and the pairs of dates it needs in order."""

    expression: Any
    date_pairs: tuple


class Sourcing(NamedTuple):
    """A sourced item: the other instrument's plan, its scale and the note in the result.

    ``shared`` are the other instrument's inputs that this instrument reads the same way.
    """

    plan: SinglePlan
    scale: str
    note: str
    shared: frozenset


class ItemStep(NamedTuple):
    """One item, in dependency order.

    ``options`` maps each string or integer option to its index (the commonest answers,
    looked up directly; anything else goes through ``spec.scalar``). ``answers`` gives, for
    each option of a categorical item, its points (from the first row of the table: with
    ``by`` they are looked up per record), its value and its pair in the input digest.
    ``pair`` starts a numeric item's pair. ``table`` is the points table as lists; ``by_input``
    says whether ``by`` names an input (else an item). ``low`` and ``high`` are the declared
    range as finite numbers (the largest finite float where none is declared). ``feeds``
    says whether a derivation reads the item.
    """

    id: str
    spec: FieldSpec
    derive: Derivation | None
    source: Sourcing | None
    is_category: bool
    options: dict
    answers: tuple
    by: str | None
    counted: bool
    required: bool
    pair: str
    feeds: bool
    bands: list | None
    table: list
    by_input: bool
    low: float
    high: float


class ScaleStep(NamedTuple):
    """One scale, in dependency order, with its lookups as lists."""

    id: str
    scale: Any
    is_sum: bool
    weights: tuple  # sums: ((item, weight, lowest added, highest added), ...)
    needs_items: tuple  # formulas: the items that must all be answered
    scaled_mins: list | None
    scaled_values: list | None
    bounds: tuple  # JSON-ready (None for an infinite bound)
    level_mins: dict  # norm group -> cut-offs
    prorate: bool  # the instrument's missing-item policy for sums


class DomainStep(NamedTuple):
    """One domain: its items with their lowest and highest points, and its static fields."""

    id: str
    domain: Any
    mins: list
    members: tuple  # ((item, lowest points, highest points), ...)
    span: float
    c8_rank: int
    rankable: bool  # a dynamic need domain (criminogenic need), ranked
    row_start: dict  # the result's row with its static fields (copied per record)


class SubKey(NamedTuple):
    """A record key only a sourced instrument declares.

    Its reader, the start of its digest pair, and the sourced item whose instrument reads the
    key itself (as an input, or else an item; None when it is read further down, or is an item
    that instrument may also score from another).
    """

    spec: FieldSpec
    pair: str
    item: str | None
    is_input: bool


class SinglePlan(NamedTuple):
    """Everything :func:`._single.score_record` needs that does not depend on the record."""

    compiled: Compiled
    inst: Instrument
    warning: str | None
    inputs: tuple
    items: tuple
    scales: tuple
    scale_steps: dict  # scale id -> ScaleStep
    has_formulas: bool
    domains: tuple
    sub_keys: dict  # record keys only a sourced instrument declares -> SubKey
    sub_keys_read_by: frozenset | None  # the sourced items whose scoring reads all of them


def _pairs(key: str, spec: FieldSpec) -> tuple:
    """Return a category's whole pairs for the input digest, one per value (else none)."""
    if spec.kind != "category":
        return ()
    return tuple(json_key(key) + canonical_json(v) for v in spec.values)


def _reads_alike(a: FieldSpec, b: FieldSpec) -> bool:
    """Whether two readers of the same key give the same value for every record."""
    def rule(s: FieldSpec) -> tuple:
        return (s.field, s.kind, s.min, s.max, s.integer, tuple((type(v), v) for v in s.values))

    return rule(a) == rule(b)


def _finite_range(spec: FieldSpec) -> tuple[float, float]:
    """Return the declared range within the finite floats (so that no infinity is within it)."""
    big = sys.float_info.max
    low = -big if spec.min is None else max(spec.min, -big)
    high = big if spec.max is None else min(spec.max, big)
    return float(low), float(high)


def _item_step(c: Compiled, k: str, counted: frozenset, read: frozenset) -> ItemStep:
    inst = c.inst
    it = inst.items[k]
    spec = c.items[k]
    derive = Derivation(it.derive, tuple(it.derive.date_pairs)) if it.derive is not None else None
    source = None
    if it.source is not None:
        sub = c.sources[k]
        shared = frozenset(name for name, reader in sub.inputs.items()
                           if name in c.inputs and _reads_alike(reader, c.inputs[name]))
        source = Sourcing(single_plan(sub), it.source[1],
                          f"{sub.inst.id} {sub.inst.version} {it.source[1]}", shared)
    is_cat = it.type == "categorical"
    options = {v: i for i, v in enumerate(spec.values) if type(v) in (str, int)} if is_cat else {}
    table = it.table.tolist()
    answers = tuple(zip(table[0], spec.values, _pairs(k, spec), strict=True)) if is_cat else ()
    bands = it.band_mins.tolist() if it.band_mins is not None else None
    return ItemStep(k, spec, derive, source, is_cat, options, answers, it.by, k in counted,
                    it.required, json_key(k), k in read, bands, table, it.by in inst.inputs,
                    *_finite_range(spec))


def _scale_step(c: Compiled, sid: str) -> ScaleStep:
    inst = c.inst
    s = inst.scales[sid]
    weights: tuple = ()
    needs_items: tuple = ()
    if s.type == "sum":
        weights = tuple(
            (k, w, min(w * inst.items[k].points_min, w * inst.items[k].points_max),
             max(w * inst.items[k].points_min, w * inst.items[k].points_max))
            for k, w in s.weights)
    else:
        needs_items = tuple(c.scale_item_sets[sid])
    scaled_mins = scaled_values = None
    if s.scaled_mins is not None:
        scaled_mins = s.scaled_mins.tolist()
        scaled_values = [float(v) for v in s.scaled_values]
    bounds = tuple(None if math.isinf(b) else b for b in s.bounds)
    level_mins = {key: c.level_mins[(sid, key)] for key in s.levels}
    return ScaleStep(sid, s, s.type == "sum", weights, needs_items, scaled_mins,
                     scaled_values, bounds, level_mins, inst.prorate)


def _domain_step(c: Compiled, did: str, mins: list, members: list) -> DomainStep:
    d = c.inst.domains[did]
    row_start = {"domain": did, "score": None, "max": d.max_score, "level": None, "need": None,
                 "rank": None, "kind": d.kind, "role": d.role, "central_eight": d.central_eight}
    return DomainStep(did, d, mins, tuple(members), d.max_score - d.min_score,
                      c.c8_rank[d.central_eight], d.role == "need" and d.kind == "dynamic",
                      row_start)


@functools.lru_cache(maxsize=64)
def single_plan(c: Compiled) -> SinglePlan:
    """Return the one-record plan of compiled instrument ``c`` (cached).

    Examples
    --------
    >>> import rnr
    >>> from rnr._scoring._compiled import compiled
    >>> plan = single_plan(compiled(rnr.load_instrument("ogrs3")))
    >>> [s.id for s in plan.scales]
    ['ogrs3_1y', 'ogrs3_2y']
    """
    inst = c.inst
    inputs = tuple(InputStep(k, spec, spec.kind == "category", inst.inputs[k].required,
                             json_key(k), _pairs(k, spec))
                   for k, spec in c.inputs.items())
    counted = frozenset(c.counted)
    read = frozenset(n for it in inst.items.values() if it.derive is not None
                     for n in it.derive.names | it.derive.date_names)
    items = tuple(_item_step(c, k, counted, read) for k in inst.item_order)
    scales = tuple(_scale_step(c, sid) for sid in inst.scales)
    domains = tuple(_domain_step(c, did, mins, members) for did, _, mins, members in c.domain_plan)
    only_sourced = c.record_keys - set(c.inputs) - set(inst.items)
    sub_keys = {k: _sub_key(c, k) for k in sorted(only_sourced)}
    read_by = None
    if all(key.item is not None for key in sub_keys.values()):
        read_by = frozenset(key.item for key in sub_keys.values())
    return SinglePlan(c, inst, status_warning(inst), inputs, items, scales,
                      {s.id: s for s in scales}, any(not s.is_sum for s in scales), domains,
                      sub_keys, read_by)


def _sub_key(c: Compiled, k: str) -> SubKey:
    spec = sub_spec(c, k)
    for item, sub in c.sources.items():  # the first sourced instrument that has the key
        if k in sub.record_keys:
            if sub.inputs.get(k) is spec:
                return SubKey(spec, json_key(k), item, True)
            if sub.items.get(k) is spec and sub.inst.items[k].source is None:
                return SubKey(spec, json_key(k), item, False)
            break
    return SubKey(spec, json_key(k), None, False)
