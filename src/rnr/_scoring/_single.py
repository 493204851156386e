"""Scoring one record in plain Python (fast for one record; the batch path is vectorised).

Both paths implement the rules of ``docs/instrument-format.md``; the property tests check
that they agree row for row. What does not depend on the record is prepared once per
instrument in :mod:`._single_plan`.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from operator import itemgetter
from typing import Any

from .. import __version__
from .._assessment import Assessment
from .._errors import InvalidRecord, TooManyMissing
from ._compiled import Compiled
from ._digest import canonical_json, canonical_value, pairs_digest, value_json
from ._single_plan import (
    ItemStep,
    ScaleStep,
    SinglePlan,
    single_plan,
    status_warning,
    sub_spec,
)
from ._values import FieldSpec, is_missing

__all__ = ["score_record", "status_warning"]

_sub_spec = sub_spec  # the batch path reads sourced instruments' keys with it


def score_record(c: Compiled, record: Any) -> Assessment:
    """Score one record with compiled instrument ``c``; raises InvalidRecord subclasses."""
    if not isinstance(record, Mapping):
        raise InvalidRecord("<record>", type(record).__name__,
                            "a mapping of input and item ids to values", "not_a_record")
    _check_keys(c, record)
    plan = single_plan(c)
    inst = plan.inst
    canon: dict[str, str] = {}  # the input digest's pairs, as JSON text
    items_out: dict[str, dict] = {}
    inputs = _read_inputs(plan, record, canon)
    values, points, omitted, sourced = _read_items(plan, record, inputs, canon, items_out)
    _read_only_sourced(plan, record, canon, sourced)
    _check_omitted(plan, omitted)
    warnings = [plan.warning] if plan.warning else []
    if omitted:
        note = "; raw sums prorated" if inst.prorate else ""
        warnings.append(f"{len(omitted)} item(s) omitted: {', '.join(omitted)}{note}")
    scales_out = _scales(plan, inputs, points, warnings)
    flags = _flags(plan, scales_out, values, warnings)
    needs = _needs(plan, points, warnings)
    primary = inst.primary_scale
    risk = scales_out[primary]["level"] if primary is not None else None
    return Assessment._of(  # in the order of CONTRACT_KEYS
        inst.id,
        inst.version,
        inst.status,
        scales_out,
        risk,
        flags,
        needs,
        items_out,
        warnings,
        __version__,
        inst.digest,
        pairs_digest(canon),
    )


def _check_keys(c: Compiled, record: Mapping) -> None:
    """Raise for the first key that is not an input or item of ``c`` (or of what it sources)."""
    if type(record) is dict and c.record_keys.issuperset(record):
        return
    for k in record:
        if not isinstance(k, str) or k not in c.record_keys:
            raise InvalidRecord(str(k), record[k], c.allowed_keys(), "unknown_field")


# -- reading the record ------------------------------------------------------------------------

def _read_inputs(plan: SinglePlan, record: Mapping, canon: dict | None, known: dict | None = None,
                 shared: frozenset = frozenset()) -> dict:
    """Read every input (NaN, or -1 for a category, when omitted); add answered ones to ``canon``.

    Inputs in ``shared`` are taken from ``known``: the same key already read the same way.
    """
    inputs: dict[str, Any] = {}
    for k, spec, is_cat, required, pair, pairs in plan.inputs:
        v = known[k] if k in shared else spec.scalar(record.get(k))
        missing = v < 0 if is_cat else v != v
        if missing and required:
            raise InvalidRecord(k, None, spec.allowed, "missing_required")
        inputs[k] = v
        if canon is not None and not missing:
            canon[k] = pairs[v] if is_cat else pair + value_json(spec.kind, v)
    return inputs


def _read_items(plan: SinglePlan, record: Mapping, inputs: dict, canon: dict | None,
                items_out: dict | None) -> tuple[dict, dict, list, dict]:
    """Read or compute every item in dependency order.

    Return values, points, omitted item ids, and for each item scored from another
    instrument, what that instrument read (its inputs and values). With ``items_out`` (and
    ``canon``), also fill the result's items (and the digest's pairs).
    """
    values: dict[str, Any] = {}
    points: dict[str, float] = {}
    omitted: list[str] = []
    sourced: dict[str, tuple] = {}
    env = dict(inputs)  # what derivations read: inputs, and items as derivations see them
    answer_of = record.get
    for step in plan.items:
        k, spec, derive, source, is_cat, options, answers, by, counted, required, pair, feeds = \
            step[:12]
        note = None
        if derive is not None:
            x = _derived(step, inputs, env)
        elif source is not None and is_missing(answer_of(k)):
            x, sourced[k] = _sourced(step, record, inputs)
            note = source.note
        else:
            v = answer_of(k)
            t = type(v)
            x = options.get(v) if t is str or t is int else None  # the common answers
            if x is None:
                x = spec.scalar(v)
        values[k] = x
        if feeds:  # a categorical item enters as its option's index (NaN when omitted)
            env[k] = (math.nan if x < 0 else float(x)) if is_cat else x
        missing = x < 0 if is_cat else x != x
        if missing:
            p, shown, answer = _UNANSWERED
        elif is_cat:
            p, shown, answer = answers[x]
            if by is not None:
                p = _points(step, x, inputs, values)
        else:
            p = _points(step, x, inputs, values)
            shown = canonical_value("number", x) if items_out is not None else None
            answer = None
        points[k] = p
        is_omitted = p != p
        if is_omitted and counted:
            if required:
                raise InvalidRecord(k, None, "an answer (this item is required)", "missing_required")
            omitted.append(k)
        if items_out is not None:
            if not missing and derive is None and (source is None or k in record):
                canon[k] = answer if is_cat else pair + canonical_json(shown)
            entry = {"value": shown, "points": None if is_omitted else p, "omitted": is_omitted}
            if note:
                entry["source"] = note
            items_out[k] = entry
    return values, points, omitted, sourced


_UNANSWERED = (math.nan, None, None)  # points, shown value, digest pair of an omitted item


def _points(step: ItemStep, x: Any, inputs: dict, values: dict) -> float:
    """Return an answered item's points: its option's or band's table entry (or its value)."""
    if step.is_category:
        idx = x
    elif step.bands is None:
        return x
    else:
        idx = bisect_right(step.bands, x) - 1
    if step.by is None:
        return step.table[0][idx]
    bi = int(inputs[step.by] if step.by_input else values[step.by])
    return math.nan if bi < 0 else step.table[bi][idx]


def _derived(step: ItemStep, inputs: dict, env: dict) -> float:
    """Compute a derived item: its expression on inputs and earlier items' values (``env``).

    Dates must be in order where the expression counts the time between them.
    """
    d = step.derive
    for a, b in d.date_pairs:
        va, vb = inputs.get(a, math.nan), inputs.get(b, math.nan)
        if not (va != va or vb != vb) and va > vb:
            shown = canonical_value("date", va)
            raise InvalidRecord(a, shown, f"a date on or before {b} ({canonical_value('date', vb)})",
                                "date_order")
    x = float(d.expression.evaluate(env))
    if step.low <= x <= step.high and (x.is_integer() or not step.spec.integer):
        return x  # within the declared range: what check_number returns, without its checks
    return step.spec.check_number(x)


def _sourced(step: ItemStep, record: Mapping, known: dict) -> tuple[float, tuple]:
    """Score the other instrument's scale on the same record (only its scales).

    The other instrument reads and checks its inputs and items exactly as when it scores the
    record itself, so it raises the same errors; inputs it reads exactly as this instrument
    does are taken from ``known``. Its warnings are not carried over. Return the item's value
    and what the other instrument read: (its inputs, its values).
    """
    sub = step.source.plan
    inputs = _read_inputs(sub, record, None, known, step.source.shared)
    values, points, omitted, sourced = _read_items(sub, record, inputs, None, None)
    _read_only_sourced(sub, record, None, sourced)
    _check_omitted(sub, omitted)
    env = _scale_env(sub, inputs, points)
    raws: dict[str, float] = {}
    for s in sub.scales:
        raws[s.id], _, _ = _scale_value(s, points, env, [])
    sid = step.source.scale
    scaled = env[sid]
    # the scale's result: scaled where its table gives a value, else raw
    x = scaled if sub.scale_steps[sid].scaled_mins is not None and scaled == scaled else raws[sid]
    return step.spec.check_number(float(x)), (inputs, values)


def _read_only_sourced(plan: SinglePlan, record: Mapping, canon: dict | None,
                       sourced: dict) -> None:
    """Check (and add to ``canon``) answered keys that only a sourced instrument declares.

    They are checked in the record's order. Where the sourced instruments have all been scored
    on this record (``sourced``), they have read and checked every such key already: their
    values are taken from there.
    """
    if not plan.sub_keys:
        return
    if plan.sub_keys_read_by is not None and plan.sub_keys_read_by.issubset(sourced):
        if canon is not None:
            for k, (spec, pair, item, is_input) in plan.sub_keys.items():
                read_inputs, read_values = sourced[item]
                x = read_inputs[k] if is_input else read_values[k]
                if not (x < 0 if spec.kind == "category" else x != x):  # answered
                    canon[k] = pair + _value_json(spec, x)
        return
    for k, v in record.items():
        found = plan.sub_keys.get(k)
        if found is not None and not is_missing(v):
            x = found.spec.scalar(v)
            if canon is not None:
                canon[k] = found.pair + _value_json(found.spec, x)


def _value_json(spec: FieldSpec, x: Any) -> str:
    """Return a value read by ``spec`` as JSON, normalised (see :mod:`._digest`)."""
    if spec.kind == "category":
        return canonical_json(spec.values[x])
    return value_json(spec.kind, x)


def _check_omitted(plan: SinglePlan, omitted: list) -> None:
    if len(omitted) > plan.inst.max_omitted:
        raise TooManyMissing("<record>", omitted, f"at most {plan.inst.max_omitted} omitted items")


# -- scales, flags, needs ----------------------------------------------------------------------

def _scaled(s: ScaleStep, raw: float) -> float:
    if s.scaled_mins is None or raw != raw:
        return raw
    i = bisect_right(s.scaled_mins, raw) - 1
    return s.scaled_values[max(i, 0)]


def _scale_env(plan: SinglePlan, inputs: dict, points: dict) -> dict:
    """Return what formulas read: item points and inputs (scales are added as they are scored)."""
    return {**inputs, **points} if plan.has_formulas else {}


def _scale_value(s: ScaleStep, points: dict, env: dict,
                 warnings: list) -> tuple[float, float, float]:
    """Return a scale's (raw, lowest, highest) and add its scaled value to ``env``.

    Sums with omitted items span the omitted items' lowest to highest points; formulas need
    every one of their items.
    """
    lo = hi = raw = math.nan
    if s.is_sum:
        answered = lo_add = hi_add = 0.0
        n_ans = 0
        for k, w, w_lo, w_hi in s.weights:
            p = points[k]
            if p != p:
                lo_add += w_lo
                hi_add += w_hi
            else:
                answered += w * p
                n_ans += 1
        n = len(s.weights)
        prorate = s.prorate
        if n_ans == n:
            raw = lo = hi = answered
        else:
            lo, hi = answered + lo_add, answered + hi_add
            if prorate and n_ans:
                raw = answered * n / n_ans
            elif not prorate:
                raw = answered
    elif not _answered(points, s.needs_items):
        warnings.append(f"scale {s.id} not computed: it needs every one of its items")
    else:
        raw = lo = hi = float(s.scale.expression.evaluate(env))
    env[s.id] = _scaled(s, raw) if s.scaled_mins is not None else raw
    return raw, lo, hi


def _answered(points: dict, items: tuple) -> bool:
    for k in items:
        p = points[k]
        if p != p:
            return False
    return True


def _num(x: float) -> float | None:
    return None if x != x else x


def _scales(plan: SinglePlan, inputs: dict, points: dict, warnings: list) -> dict:
    out: dict[str, dict] = {}
    env = _scale_env(plan, inputs, points)
    for s in plan.scales:
        raw, lo, hi = _scale_value(s, points, env, warnings)
        entry = {
            "raw": None if raw != raw else raw,
            "scaled": _num(env[s.id]) if s.scaled_mins is not None else None,
            "level": None,
            "level_range": None,
            "raw_range": None if (lo == hi or lo != lo) else [lo, hi],
            "bounds": list(s.bounds),
            "common": None,
        }
        if s.level_mins:
            _level(plan, s, lo, hi, inputs, entry, warnings)
        out[s.id] = entry
    return out


def _level(plan: SinglePlan, s: ScaleStep, lo: float, hi: float, inputs: dict, entry: dict,
           warnings: list) -> None:
    """Set a scale's level (``undetermined`` where omitted items could change it)."""
    by = s.scale.levels_by
    key = None
    if by is not None:
        key = inputs[by]
        key = None if key < 0 else plan.compiled.inputs[by].values[key]
        if key is None:
            warnings.append(f"scale {s.id}: no level without {by}")
            return
    if lo != lo:
        return
    levels = s.scale.levels[key]
    mins = s.level_mins[key]
    on_raw = s.scale.levels_on == "raw"
    on_lo = lo if on_raw else _scaled(s, lo)
    on_hi = hi if on_raw else _scaled(s, hi)
    a = levels[max(bisect_right(mins, on_lo) - 1, 0)]
    b = a if on_hi == on_lo else levels[max(bisect_right(mins, on_hi) - 1, 0)]
    if a is b:
        entry["level"] = a.id
        entry["common"] = a.common
        if a.outcome is not None:
            entry["outcome"] = dict(a.outcome)
    else:
        entry["level"] = "undetermined"
        entry["level_range"] = [a.id, b.id]
        warnings.append(f"scale {s.id}: level undetermined ({a.id} to {b.id}) "
                        "because of omitted items")


def _flags(plan: SinglePlan, scales: dict, values: dict, warnings: list) -> list:
    raised = []
    for f in plan.inst.flags:
        if f.scale is not None:
            s = plan.scale_steps[f.scale]
            entry = scales[f.scale]
            v = entry["scaled"] if s.scaled_mins is not None else entry["raw"]
            if v is None:
                continue
            rng = entry["raw_range"]
            if rng is not None:
                lo, hi = (_scaled(s, rng[0]), _scaled(s, rng[1]))
                if (lo >= f.min) != (hi >= f.min):
                    warnings.append(f"flag {f.id} undetermined because of omitted items")
                    continue
                v = lo
            if v >= f.min:
                raised.append(f.id)
        else:
            x = values[f.item]
            if x >= 0 and plan.inst.items[f.item].options[x] in f.values:
                raised.append(f.id)
    return raised


def _needs(plan: SinglePlan, points: dict, warnings: list) -> list:
    """Score every domain; rank the dynamic need domains (see the format's Domains section)."""
    rows = []
    ranking = []  # (sort key, row) of the domains that are ranked
    for did, d, mins, members, span, c8_rank, rankable, row_start in plan.domains:
        score = lo_add = hi_add = 0.0
        for k, pmin, pmax in members:
            p = points[k]
            if p != p:
                lo_add += pmin
                hi_add += pmax
            else:
                score += p
        level = None
        need: bool | None
        order = -1
        if mins:
            i_lo = max(bisect_right(mins, score + lo_add) - 1, 0)
            i_hi = i_lo if lo_add == hi_add else max(bisect_right(mins, score + hi_add) - 1, 0)
            order = i_lo
            if i_lo == i_hi:
                level = d.thresholds[i_lo][0]
                need = i_lo > 0
            else:
                level = "undetermined"
                need = True if i_lo > 0 else None
                warnings.append(f"need {did}: level undetermined ({d.thresholds[i_lo][0]} to "
                                f"{d.thresholds[i_hi][0]}) because of omitted items")
        else:
            need = score > d.min_score
        row = row_start.copy()  # domain, score, max, level, need, rank, kind, role, central_eight
        row["score"] = score
        row["level"] = level
        row["need"] = need
        rows.append(row)
        if rankable:
            share = (score - d.min_score) / span if span > 0 else 0.0
            ranking.append(((0 if need else 1, -order, c8_rank, -share), row))
    ranking.sort(key=itemgetter(0))  # stable: ties keep the domains' order
    for i, (_, row) in enumerate(ranking, 1):
        row["rank"] = i
    return [row for _, row in ranking] + [row for row in rows if row["rank"] is None]
