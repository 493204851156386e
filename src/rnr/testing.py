"""Hypothesis strategies generated from an instrument's own definition.

Like pandera's ``schema.strategy()``: the definition says what a valid record is, so it can also
generate valid records (and invalid ones, each with the problem it should raise). Needs the
``hypothesis`` package (in the ``dev`` extra); importing :mod:`rnr` does not.

Examples
--------
>>> from hypothesis import given, settings
>>> import rnr
>>> from rnr.testing import records
>>> @settings(max_examples=5, deadline=None)
... @given(records("ogrs3"))
... def check(record):
...     assert 0 <= rnr.assess(record, "ogrs3").scales["ogrs3_2y"]["raw"] <= 1
>>> check()
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ._assess import assess
from ._errors import RNRError
from ._instrument._load import resolve
from ._instrument._model import Instrument

__all__ = ["records", "invalid_records", "any_records"]


def _st():
    from hypothesis import strategies as st

    return st


def _date_order(inst: Instrument) -> list[tuple[str, str]]:
    pairs = []
    for it in inst.items.values():
        if it.derive is not None:
            pairs.extend(it.derive.date_pairs)
    return pairs


def _number(st, lo: float | None, hi: float | None, integer: bool, edges=()):
    lo_ = lo if lo is not None else (min(edges) - 5 if edges else 0)
    hi_ = hi if hi is not None else max(lo_ + 60, (max(edges) + 5) if edges else 0)
    if integer:
        base = st.integers(int(math.ceil(lo_)), int(math.floor(hi_)))
        picks = [int(e) + d for e in edges for d in (-1, 0, 1) if lo_ <= int(e) + d <= hi_]
    else:
        base = st.floats(lo_, hi_, allow_nan=False, allow_infinity=False)
        picks = [float(e) for e in edges if lo_ <= e <= hi_]
    return st.one_of(base, st.sampled_from(picks)) if picks else base


def _fields(inst: Instrument, st) -> dict:
    """Strategies for every record key of ``inst`` (and of the instruments it sources)."""
    out: dict[str, Any] = {}
    for it in inst.items.values():
        if it.source is not None:
            out.update(_fields(resolve(it.source[0], it.source[2]), st))
    for k, inp in inst.inputs.items():
        if inp.type in ("category", "boolean"):
            out[k] = st.sampled_from(list(inp.values))
        elif inp.type == "number":
            hi = inp.max if inp.max is not None else (inp.min or 0) + 60
            out[k] = _number(st, inp.min, hi, inp.integer)
    for k, it in inst.items.items():
        if it.derive is not None or it.source is not None:
            continue
        if it.type == "categorical":
            out[k] = st.sampled_from(list(it.options))
        else:
            edges = tuple(it.band_mins.tolist()) if it.band_mins is not None else ()
            out[k] = _number(st, it.min, it.max, it.integer, edges)
    return out


def _dates(inst: Instrument, st):
    """Dates that respect the order the instrument's derivations need (start before end)."""
    date_inputs = [k for k, i in inst.inputs.items() if i.type == "date"]
    for it in inst.items.values():
        if it.source is not None:
            sub = resolve(it.source[0], it.source[2])
            date_inputs += [k for k, i in sub.inputs.items() if i.type == "date"]
    pairs = _date_order(inst)
    for it in inst.items.values():
        if it.source is not None:
            pairs += _date_order(resolve(it.source[0], it.source[2]))
    if not date_inputs:
        return st.just({})
    # a date is later the more other dates it must follow
    depth = {k: 0 for k in date_inputs}
    for _ in range(len(date_inputs)):
        for a, b in pairs:
            if a in depth and b in depth:
                depth[b] = max(depth[b], depth[a] + 1)
    names = sorted(date_inputs, key=lambda k: depth[k])

    @st.composite
    def build(draw):
        day = draw(st.dates(dt.date(1930, 1, 1), dt.date(1990, 12, 31)))
        out, level_day = {}, {}
        for k in names:
            d = depth[k]
            if d not in level_day:
                gap = draw(st.integers(0, 365 * 40)) if level_day else 0
                prev = max(level_day.values()) if level_day else day
                level_day[d] = prev + dt.timedelta(days=gap)
            out[k] = level_day[d].isoformat()
        return out

    return build()


def records(instrument: str | Instrument, omit: bool = True):
    """Generate valid records for ``instrument`` (filtered to those it accepts).

    Parameters
    ----------
    instrument : str or Instrument
        Id, path or instrument.
    omit : bool
        Also omit up to the instrument's ``max_omitted`` items (never required ones).
    """
    st = _st()
    inst = resolve(instrument)
    fields = _fields(inst, st)
    optional = [k for k, it in inst.items.items()
                if it.derive is None and it.source is None and not it.required]

    @st.composite
    def build(draw):
        rec = draw(_dates(inst, st))
        for k, s in fields.items():
            rec[k] = draw(s)
        if omit and inst.max_omitted and optional:
            n = draw(st.integers(0, min(inst.max_omitted, len(optional))))
            for k in draw(st.permutations(optional))[:n]:
                rec.pop(k, None)
        return rec

    def ok(rec: dict) -> bool:
        try:
            assess(rec, inst)
        except RNRError:
            return False
        return True

    return build().filter(ok)


def invalid_records(instrument: str | Instrument):
    """Generate (record, expected error codes) pairs, each record broken in one way."""
    st = _st()
    inst = resolve(instrument)
    valid = records(inst, omit=False)
    cats = [k for k, it in inst.items.items() if it.type == "categorical" and it.derive is None]
    nums = [k for k, it in inst.items.items()
            if it.type == "numeric" and it.derive is None and it.source is None
            and (it.min is not None or it.max is not None)]
    kinds = ["unknown_field", "wrong_type"]
    if cats:
        kinds.append("not_an_option")
    if nums:
        kinds.append("out_of_range")
    readable = [k for k, it in inst.items.items() if it.derive is None and it.source is None]
    if len(readable) > inst.max_omitted:
        kinds.append("too_many_missing")

    @st.composite
    def build(draw):
        rec = dict(draw(valid))
        kind = draw(st.sampled_from(kinds))
        if kind == "unknown_field":
            rec["no_such_item_" + draw(st.text("abc", min_size=1, max_size=4))] = 1
        elif kind == "wrong_type":
            k = draw(st.sampled_from(sorted(k for k in rec if k in inst.items or k in inst.inputs)))
            rec[k] = draw(st.sampled_from([[1], {"a": 1}, "object?", b"\x00"]))
            return rec, ("wrong_type", "not_an_option")
        elif kind == "not_an_option":
            rec[draw(st.sampled_from(cats))] = "not-an-option"
        elif kind == "out_of_range":
            k = draw(st.sampled_from(nums))
            it = inst.items[k]
            rec[k] = (it.min - 1) if it.min is not None else (it.max + 1)
        else:
            required = [k for k in readable if inst.items[k].required]
            for k in readable[: inst.max_omitted + 1]:
                rec.pop(k, None)
            return rec, ("too_many_missing", "missing_required") if required else (
                "too_many_missing",)
        return rec, (kind,)

    return build()


def any_records(instrument: str | Instrument):
    """Generate arbitrary mappings (and non-mappings) with the instrument's keys and junk."""
    st = _st()
    inst = resolve(instrument)
    keys = sorted(set(inst.inputs) | set(inst.items)) + ["junk"]
    values = st.one_of(
        st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(), st.text(max_size=12),
        st.dates(), st.datetimes(), st.lists(st.integers(), max_size=2),
        st.sampled_from(["1990-01-01", "2020-02-30", "male", "female", "yes", "no"]),
    )
    mappings = st.dictionaries(st.one_of(st.sampled_from(keys), st.text(max_size=5)), values)
    return st.one_of(mappings, st.none(), st.integers(), st.text(), st.lists(st.integers()))
