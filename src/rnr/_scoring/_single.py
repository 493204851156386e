"""Scoring one record in plain Python (fast for one record; the batch path is vectorised).

Both paths implement the rules of ``docs/instrument-format.md``; the property tests check
that they agree row for row.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from .. import __version__
from .._assessment import Assessment
from .._errors import InvalidRecord, TooManyMissing
from ._compiled import Compiled
from ._digest import canonical_value, record_digest
from ._values import is_missing

__all__ = ["score_record", "status_warning"]


def status_warning(inst) -> str | None:
    """Return the warning every result of a not-validated or incomplete instrument carries."""
    if inst.status == "not-validated":
        return (f"{inst.id} {inst.version} is NOT VALIDATED: its cut-offs are provisional; "
                "calibrate it on local data before using it for decisions")
    if inst.status == "incomplete":
        return (f"{inst.id} {inst.version} is INCOMPLETE: some values could not be verified "
                f"from its sources ({len(inst.unverified)} listed as unverified)")
    return None


def _nan(x: float) -> bool:
    return x != x


def _num(x: float) -> float | None:
    return None if _nan(x) else x


def _level_at(levels: tuple, mins: list, v: float):
    i = bisect_right(mins, v) - 1
    return levels[max(i, 0)]


def _check_date_pairs(pairs: tuple, inputs: dict) -> None:
    for a, b in pairs:
        va, vb = inputs.get(a, math.nan), inputs.get(b, math.nan)
        if not (_nan(va) or _nan(vb)) and va > vb:
            shown = canonical_value("date", va)
            raise InvalidRecord(a, shown, f"a date on or before {b} ({canonical_value('date', vb)})",
                                "date_order")


def _derive_value(c: Compiled, name: str, x: Any) -> Any:
    """Return a derivation input: a categorical item's option index, NaN when omitted."""
    if c.inst.items[name].type == "categorical":
        return math.nan if x < 0 else float(x)
    return x


def _item_value(c: Compiled, k: str, record: Mapping, inputs: dict, values: dict) -> tuple:
    """Return (value, source note) for item ``k``."""
    it = c.inst.items[k]
    spec = c.items[k]
    if it.derive is not None:
        _check_date_pairs(it.derive.date_pairs, inputs)
        env = {n: (inputs[n] if n in inputs else _derive_value(c, n, values[n]))
               for n in it.derive.names}
        env.update({n: inputs[n] for n in it.derive.date_names})
        x = float(it.derive.evaluate(env))
        return spec.check_number(x), None
    if it.source is not None and is_missing(record.get(k)):
        sub = c.sources[k]
        sub_record = {kk: v for kk, v in record.items() if kk in sub.record_keys}
        res = score_record(sub, sub_record)
        s = res.scales[it.source[1]]
        x = s["scaled"] if s["scaled"] is not None else s["raw"]
        x = math.nan if x is None else float(x)
        return spec.check_number(x), f"{sub.inst.id} {sub.inst.version} {it.source[1]}"
    return spec.scalar(record.get(k)), None


def score_record(c: Compiled, record: Any) -> Assessment:
    """Score one record with compiled instrument ``c``; raises InvalidRecord subclasses."""
    inst = c.inst
    if not isinstance(record, Mapping):
        raise InvalidRecord("<record>", type(record).__name__,
                            "a mapping of input and item ids to values", "not_a_record")
    for k in record:
        if not isinstance(k, str) or k not in c.record_keys:
            raise InvalidRecord(str(k), record[k], c.allowed_keys(), "unknown_field")
    canon: dict[str, Any] = {}
    inputs: dict[str, Any] = {}
    for k, spec in c.inputs.items():
        v = spec.scalar(record.get(k))
        missing = v < 0 if spec.kind == "category" else _nan(v)
        if missing and inst.inputs[k].required:
            raise InvalidRecord(k, None, spec.allowed, "missing_required")
        inputs[k] = v
        if not missing:
            canon[k] = canonical_value(spec.kind, v, spec.values)
    values: dict[str, Any] = {}
    points: dict[str, float] = {}
    items_out: dict[str, dict] = {}
    omitted: list[str] = []
    for k, it, spec, is_cat, bands, table, counted in c.item_plan:
        if it.derive is None and it.source is None:
            x = spec.scalar(record.get(k))
            note = None
        else:
            x, note = _item_value(c, k, record, inputs, values)
        values[k] = x
        missing = x < 0 if is_cat else x != x
        if missing:
            p = math.nan
        elif not is_cat and bands is None:
            p = x
        else:
            idx = x if is_cat else bisect_right(bands, x) - 1
            if it.by is None:
                p = table[0][idx]
            else:
                bi = int(inputs[it.by] if it.by in inputs else values[it.by])
                p = math.nan if bi < 0 else table[bi][idx]
        points[k] = p
        is_omitted = p != p
        shown = None
        if not missing:
            shown = it.options[x] if is_cat else canonical_value("number", x)
            if it.derive is None and (it.source is None or k in record):
                canon[k] = shown
        if is_omitted and counted:
            if it.required:
                raise InvalidRecord(k, None, "an answer (this item is required)", "missing_required")
            omitted.append(k)
        entry = {"value": shown, "points": None if is_omitted else p, "omitted": is_omitted}
        if note:
            entry["source"] = note
        items_out[k] = entry
    for k, v in record.items():
        if k not in canon and k not in c.inputs and k not in inst.items and not is_missing(v):
            spec = _sub_spec(c, k)
            canon[k] = canonical_value(spec.kind, spec.scalar(v), spec.values)
    if len(omitted) > inst.max_omitted:
        raise TooManyMissing("<record>", omitted, f"at most {inst.max_omitted} omitted items")
    warnings = []
    sw = status_warning(inst)
    if sw:
        warnings.append(sw)
    if omitted:
        note = "; raw sums prorated" if inst.prorate else ""
        warnings.append(f"{len(omitted)} item(s) omitted: {', '.join(omitted)}{note}")
    scales_out = _scales(c, inputs, points, warnings)
    flags = _flags(c, scales_out, values, warnings)
    needs = _needs(c, points, warnings)
    primary = inst.primary_scale
    risk = scales_out[primary]["level"] if primary is not None else None
    return Assessment(
        instrument=inst.id,
        version=inst.version,
        status=inst.status,
        scales=scales_out,
        risk_level=risk,
        flags=flags,
        needs=needs,
        items=items_out,
        warnings=warnings,
        rnr_version=__version__,
        instrument_digest=inst.digest,
        input_digest=record_digest(canon),
    )


def _sub_spec(c: Compiled, k: str):
    for sub in c.sources.values():
        if k in sub.inputs:
            return sub.inputs[k]
        if k in sub.items:
            return sub.items[k]
        if k in sub.record_keys:
            return _sub_spec(sub, k)
    raise KeyError(k)


def _scaled(s, raw: float) -> float:
    if s.scaled_mins is None or _nan(raw):
        return raw
    i = bisect_right(s.scaled_mins.tolist(), raw) - 1
    return float(s.scaled_values[max(i, 0)])


def _scales(c: Compiled, inputs: dict, points: dict, warnings: list) -> dict:
    inst = c.inst
    out: dict[str, dict] = {}
    env_scale: dict[str, float] = {}
    for sid, s in inst.scales.items():
        lo = hi = raw = math.nan
        if s.type == "sum":
            answered = 0.0
            n_ans = 0
            lo_add = hi_add = 0.0
            for k, w in s.weights:
                p = points[k]
                if _nan(p):
                    it = inst.items[k]
                    lo_add += min(w * it.points_min, w * it.points_max)
                    hi_add += max(w * it.points_min, w * it.points_max)
                else:
                    answered += w * p
                    n_ans += 1
            n = len(s.weights)
            if n_ans == n:
                raw = lo = hi = answered
            else:
                lo, hi = answered + lo_add, answered + hi_add
                if inst.prorate and n_ans:
                    raw = answered * n / n_ans
                elif not inst.prorate:
                    raw = answered
        else:
            used = c.scale_item_sets[sid]
            if any(_nan(points[k]) for k in used):
                warnings.append(f"scale {sid} not computed: it needs every one of its items")
            else:
                env = {}
                for n in s.expression.names:
                    env[n] = points[n] if n in points else (
                        inputs[n] if n in inputs else env_scale[n])
                raw = lo = hi = float(s.expression.evaluate(env))
        scaled = _scaled(s, raw)
        env_scale[sid] = scaled
        entry = {
            "raw": _num(raw),
            "scaled": _num(scaled) if s.scaled_mins is not None else None,
            "level": None,
            "level_range": None,
            "raw_range": None if (lo == hi or _nan(lo)) else [lo, hi],
            "bounds": [None if math.isinf(b) else b for b in s.bounds],
            "common": None,
        }
        if s.levels:
            key = None
            if s.levels_by is not None:
                key = inputs[s.levels_by]
                key = None if key < 0 else c.inputs[s.levels_by].values[key]
            if (s.levels_by is not None and key is None) or _nan(lo):
                if s.levels_by is not None and key is None:
                    warnings.append(f"scale {sid}: no level without {s.levels_by}")
            else:
                levels = s.levels[key]
                mins = c.level_mins[(sid, key)]
                on_lo = lo if s.levels_on == "raw" else _scaled(s, lo)
                on_hi = hi if s.levels_on == "raw" else _scaled(s, hi)
                a, b = _level_at(levels, mins, on_lo), _level_at(levels, mins, on_hi)
                if a is b:
                    entry["level"] = a.id
                    entry["common"] = a.common
                    if a.outcome is not None:
                        entry["outcome"] = dict(a.outcome)
                else:
                    entry["level"] = "undetermined"
                    entry["level_range"] = [a.id, b.id]
                    warnings.append(f"scale {sid}: level undetermined ({a.id} to {b.id}) "
                                    "because of omitted items")
        out[sid] = entry
    return out


def _flags(c: Compiled, scales: dict, values: dict, warnings: list) -> list:
    raised = []
    for f in c.inst.flags:
        if f.scale is not None:
            s = c.inst.scales[f.scale]
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
            if x >= 0 and c.inst.items[f.item].options[x] in f.values:
                raised.append(f.id)
    return raised


def _needs(c: Compiled, points: dict, warnings: list) -> list:
    rows = []
    for did, d, mins, members in c.domain_plan:
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
            i_hi = max(bisect_right(mins, score + hi_add) - 1, 0)
            if i_lo == i_hi:
                level = d.thresholds[i_lo][0]
                need = i_lo > 0
                order = i_lo
            else:
                level = "undetermined"
                need = True if i_lo > 0 else None
                order = i_lo
                warnings.append(f"need {did}: level undetermined ({d.thresholds[i_lo][0]} to "
                                f"{d.thresholds[i_hi][0]}) because of omitted items")
        else:
            need = score > d.min_score
        span = d.max_score - d.min_score
        share = (score - d.min_score) / span if span > 0 else 0.0
        rows.append({
            "domain": did,
            "score": score,
            "max": d.max_score,
            "level": level,
            "need": need,
            "rank": None,
            "kind": d.kind,
            "role": d.role,
            "central_eight": d.central_eight,
            "_key": (0 if need else 1, -order, c.c8_rank[d.central_eight], -share),
        })
    ranked = sorted((r for r in rows if r["role"] == "need" and r["kind"] == "dynamic"),
                    key=lambda r: r["_key"])
    for i, r in enumerate(ranked, 1):
        r["rank"] = i
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    for r in rows:
        del r["_key"]
    return rows
