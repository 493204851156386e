"""Turn a parsed definition (a dict) into a frozen :class:`Instrument`, checking references."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np

from .._errors import InvalidInstrument
from ._expr import ExpressionError, parse_expression
from ._model import Domain, Flag, Input, Instrument, Item, Level, Scale
from ._schema import check_schema

__all__ = ["build_instrument", "definition_digest"]


def definition_digest(definition: dict) -> str:
    """SHA-256 of a definition's canonical JSON form (key order and whitespace do not matter).

    Examples
    --------
    >>> definition_digest({"a": 1, "b": 2}) == definition_digest({"b": 2, "a": 1})
    True
    """
    blob = json.dumps(definition, sort_keys=True, ensure_ascii=False, default=str).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()


class _Ctx:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> None:
        raise InvalidInstrument(self.source, path, problem)


def _key(value: Any) -> str:
    """Points tables keyed by a ``by`` value use the value's text (TOML keys are strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _points_row(points: Any, by_values: tuple, path: str, ctx: _Ctx) -> list[float]:
    if not by_values:
        if isinstance(points, dict):
            ctx.fail(path, "a table of points needs `by` on the item")
        return [float(points)]
    if not isinstance(points, dict):
        return [float(points)] * len(by_values)
    keys = [_key(v) for v in by_values]
    if set(points) != set(keys):
        ctx.fail(path, f"the points table's keys {sorted(points)} must be exactly {sorted(keys)}")
    return [float(points[k]) for k in keys]


def _build_inputs(defn: dict, ctx: _Ctx) -> dict:
    inputs = {}
    for i, raw in enumerate(defn.get("inputs", [])):
        path = f"inputs[{i}]"
        if raw["type"] == "category" and "values" not in raw:
            ctx.fail(path, "a category input needs `values`")
        values = tuple(raw.get("values", ()))
        if raw["type"] == "boolean":
            values = (False, True)
        if len(set(map(_key, values))) != len(values):
            ctx.fail(f"{path}.values", "values must be distinct")
        inputs[raw["id"]] = Input(
            id=raw["id"],
            type=raw["type"],
            label=raw.get("label", {"en": raw["id"]}),
            required=raw.get("required", True),
            min=raw.get("min"),
            max=raw.get("max"),
            integer=raw.get("integer", False),
            values=values,
        )
    return inputs


def _by_values(name: str | None, inputs: dict, items_raw: dict, path: str, ctx: _Ctx) -> tuple:
    if name is None:
        return ()
    if name in inputs and inputs[name].type in ("category", "boolean"):
        return inputs[name].values
    raw = items_raw.get(name)
    if raw is not None and raw["type"] == "categorical":
        return tuple(o["value"] for o in raw["options"])
    ctx.fail(path, f"{name!r} is not a category input or categorical item")
    return ()


def _build_item(i: int, raw: dict, inputs: dict, items_raw: dict, ctx: _Ctx) -> Item:
    path = f"items[{i}]"
    by = raw.get("by")
    if by == raw["id"]:
        ctx.fail(f"{path}.by", "an item cannot be keyed by itself")
    by_values = _by_values(by, inputs, items_raw, f"{path}.by", ctx)
    derive = None
    if "derive" in raw:
        try:
            derive = parse_expression(raw["derive"])
        except ExpressionError as exc:
            ctx.fail(f"{path}.derive", str(exc))
    source = None
    if "source" in raw:
        s = raw["source"]
        source = (s["instrument"], s["scale"], s.get("version"))
    if raw["type"] == "categorical":
        if "options" not in raw:
            ctx.fail(path, "a categorical item needs `options`")
        for bad in ("bands", "derive", "source", "min", "max", "integer"):
            if bad in raw:
                ctx.fail(f"{path}.{bad}", "not allowed on a categorical item")
        values = tuple(o["value"] for o in raw["options"])
        if len(set(map(_key, values))) != len(values):
            ctx.fail(f"{path}.options", "option values must be distinct")
        rows = [
            _points_row(o["points"], by_values, f"{path}.options[{j}].points", ctx)
            for j, o in enumerate(raw["options"])
        ]
        table = np.array(rows, dtype="float64").T
        labels = tuple(o.get("label") for o in raw["options"])
        band_mins = None
        lo, hi = None, None
    else:
        if "options" in raw:
            ctx.fail(f"{path}.options", "not allowed on a numeric item (use bands)")
        if derive is not None and source is not None:
            ctx.fail(path, "an item is either derived or sourced, not both")
        lo, hi = raw.get("min"), raw.get("max")
        if lo is not None and hi is not None and lo > hi:
            ctx.fail(f"{path}.min", f"min {lo} is above max {hi}")
        values, labels = (), ()
        if "bands" in raw:
            mins = [b["min"] for b in raw["bands"]]
            if any(b <= a for a, b in zip(mins, mins[1:], strict=False)):
                ctx.fail(f"{path}.bands", f"band minimums must increase strictly: {mins}")
            if lo is not None and lo < mins[0]:
                ctx.fail(f"{path}.min", f"min {lo} is below the first band's min {mins[0]}")
            if lo is None:
                lo = mins[0]
            band_mins = np.array(mins, dtype="float64")
            rows = [
                _points_row(b["points"], by_values, f"{path}.bands[{j}].points", ctx)
                for j, b in enumerate(raw["bands"])
            ]
            table = np.array(rows, dtype="float64").T
            labels = tuple(b.get("label") for b in raw["bands"])
        else:
            if by is not None:
                ctx.fail(f"{path}.by", "`by` needs bands whose points are tables")
            band_mins = None
            table = np.zeros((1, 0))
    if band_mins is None and raw["type"] == "numeric":
        pmin = lo if lo is not None else -math.inf
        pmax = hi if hi is not None else math.inf
    else:
        # only bands reachable within [min, max] count towards the bounds
        reach = np.ones(table.shape[1], dtype=bool)
        if band_mins is not None and hi is not None:
            reach = band_mins <= hi
        if band_mins is not None and lo is not None:
            nxt = np.append(band_mins[1:], np.inf)
            reach &= nxt > lo
        pmin = float(table[:, reach].min())
        pmax = float(table[:, reach].max())
    return Item(
        id=raw["id"],
        type=raw["type"],
        label=raw["label"],
        prompt=raw.get("prompt"),
        domain=raw.get("domain"),
        required=raw.get("required", False),
        min=lo,
        max=hi,
        integer=raw.get("integer", False),
        derive=derive,
        source=source,
        by=by,
        by_values=by_values,
        band_mins=band_mins,
        options=values,
        option_labels=labels,
        table=table,
        points_min=pmin,
        points_max=pmax,
    )


def _order_items(items: dict, inputs: dict, ctx: _Ctx) -> tuple:
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, trail: tuple) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            ctx.fail(f"items.{name}", f"circular dependency: {' -> '.join(trail + (name,))}")
        state[name] = 1
        item = items[name]
        deps = set()
        if item.derive is not None:
            deps |= item.derive.names | item.derive.date_names
        if item.by is not None:
            deps.add(item.by)
        for d in sorted(deps):
            if d in items:
                visit(d, trail + (name,))
            elif d not in inputs:
                ctx.fail(f"items.{name}", f"{d!r} is neither an input nor an item")
        state[name] = 2
        order.append(name)

    for name in items:
        visit(name, ())
    for name, item in items.items():
        if item.derive is not None:
            for d in item.derive.date_names:
                if d not in inputs or inputs[d].type != "date":
                    ctx.fail(f"items.{name}.derive", f"{d!r} is not a date input")
            for d in item.derive.names:
                if d in inputs and inputs[d].type != "number":
                    ctx.fail(f"items.{name}.derive", f"{d!r} is a {inputs[d].type} input; "
                             "only number inputs (or dates inside date functions) can be used")
    return tuple(order)


def _levels(raw: dict, i: int, inputs: dict, ctx: _Ctx) -> tuple[str | None, dict]:
    path = f"scales[{i}].levels"
    by = raw.get("levels_by")
    spec = raw.get("levels")
    if spec is None:
        if by is not None:
            ctx.fail(f"scales[{i}].levels_by", "levels_by needs levels")
        return None, {}
    if by is None:
        if isinstance(spec, dict):
            ctx.fail(path, "levels by group need `levels_by`")
        groups = {None: spec}
    else:
        if by not in inputs or inputs[by].type not in ("category", "boolean"):
            ctx.fail(f"scales[{i}].levels_by", f"{by!r} is not a category input")
        if not isinstance(spec, dict):
            ctx.fail(path, "with levels_by, levels must be a table of lists keyed by group")
        keys = [_key(v) for v in inputs[by].values]
        if set(spec) != set(keys):
            ctx.fail(path, f"level groups {sorted(spec)} must be exactly {sorted(keys)}")
        groups = {v: spec[_key(v)] for v in inputs[by].values}
    out = {}
    for key, lst in groups.items():
        mins = [lv["min"] for lv in lst]
        if any(b <= a for a, b in zip(mins, mins[1:], strict=False)):
            ctx.fail(path, f"level minimums must increase strictly: {mins}")
        ids = [lv["id"] for lv in lst]
        if len(set(ids)) != len(ids):
            ctx.fail(path, f"level ids must be distinct: {ids}")
        out[key] = tuple(
            Level(lv["id"], float(lv["min"]), lv.get("label"), lv.get("common"), lv.get("outcome"))
            for lv in lst
        )
    return by, out


def _build_scales(defn: dict, items: dict, inputs: dict, ctx: _Ctx) -> dict:
    raws = {s["id"]: (i, s) for i, s in enumerate(defn.get("scales", []))}
    scales: dict[str, Scale] = {}
    state: dict[str, int] = {}

    def visit(sid: str) -> None:
        if state.get(sid) == 2:
            return
        i, raw = raws[sid]
        path = f"scales[{i}]"
        if state.get(sid) == 1:
            ctx.fail(path, f"scale {sid!r} depends on itself")
        state[sid] = 1
        expr = None
        weights: tuple = ()
        if raw["type"] == "sum":
            if "expression" in raw:
                ctx.fail(f"{path}.expression", "a sum scale takes `weights` or `items`")
            if ("weights" in raw) == ("items" in raw):
                ctx.fail(path, "a sum scale needs exactly one of `weights` or `items`")
            w = raw.get("weights") or {k: 1.0 for k in raw["items"]}
            for k in w:
                if k not in items:
                    ctx.fail(f"{path}.weights.{k}", f"{k!r} is not an item")
            weights = tuple((k, float(v)) for k, v in w.items())
            lo = sum(min(v * items[k].points_min, v * items[k].points_max) for k, v in weights)
            hi = sum(max(v * items[k].points_min, v * items[k].points_max) for k, v in weights)
        else:
            if "expression" not in raw:
                ctx.fail(path, "a formula scale needs `expression`")
            for bad in ("weights", "items"):
                if bad in raw:
                    ctx.fail(f"{path}.{bad}", "not allowed on a formula scale")
            try:
                expr = parse_expression(raw["expression"])
            except ExpressionError as exc:
                ctx.fail(f"{path}.expression", str(exc))
            if expr.date_names:
                ctx.fail(f"{path}.expression", "date functions belong in derived items")
            for n in sorted(expr.names):
                if n in raws:
                    visit(n)
                elif n in items:
                    continue
                elif n in inputs and inputs[n].type == "number":
                    continue
                else:
                    ctx.fail(f"{path}.expression", f"{n!r} is not an item, number input or scale")
            lo, hi = raw.get("min", -math.inf), raw.get("max", math.inf)
        smins = svals = None
        if "scaled" in raw:
            smins = np.array([r["min"] for r in raw["scaled"]], dtype="float64")
            svals = np.array([r["value"] for r in raw["scaled"]], dtype="float64")
            if np.any(np.diff(smins) <= 0):
                ctx.fail(f"{path}.scaled", "raw minimums of the conversion table must increase")
        levels_on = raw.get("levels_on", "scaled" if smins is not None else "raw")
        if levels_on == "scaled" and smins is None:
            ctx.fail(f"{path}.levels_on", "'scaled' needs a `scaled` table")
        by, levels = _levels(raw, i, inputs, ctx)
        if levels_on == "scaled":
            lo, hi = float(svals.min()), float(svals.max())
        scales[sid] = Scale(sid, raw.get("label"), raw["type"], weights, expr, smins, svals,
                            levels_on, by, levels, (float(lo), float(hi)))
        state[sid] = 2

    for sid in raws:
        visit(sid)
    return scales


def _build_domains(defn: dict, items: dict, ctx: _Ctx) -> dict:
    domains = {}
    for i, raw in enumerate(defn.get("domains", [])):
        members = tuple(k for k, it in items.items() if it.domain == raw["id"])
        thresholds = tuple((t["level"], float(t["min"])) for t in raw.get("thresholds", []))
        mins = [t[1] for t in thresholds]
        if any(b <= a for a, b in zip(mins, mins[1:], strict=False)):
            ctx.fail(f"domains[{i}].thresholds", f"minimums must increase strictly: {mins}")
        domains[raw["id"]] = Domain(
            id=raw["id"],
            label=raw["label"],
            central_eight=raw.get("central_eight", "none"),
            kind=raw["kind"],
            role=raw.get("role", "need"),
            items=members,
            thresholds=thresholds,
            max_score=float(sum(items[k].points_max for k in members)),
            min_score=float(sum(items[k].points_min for k in members)),
        )
    for k, it in items.items():
        if it.domain is not None and it.domain not in domains:
            ctx.fail(f"items.{k}.domain", f"{it.domain!r} is not a declared domain")
    return domains


def _build_flags(defn: dict, items: dict, scales: dict, ctx: _Ctx) -> tuple:
    flags = []
    for i, raw in enumerate(defn.get("flags", [])):
        path = f"flags[{i}]"
        if ("scale" in raw) == ("item" in raw):
            ctx.fail(path, "a flag names exactly one of `scale` (with `min`) or `item` (with `values`)")
        if "scale" in raw:
            if raw["scale"] not in scales:
                ctx.fail(f"{path}.scale", f"{raw['scale']!r} is not a scale")
            if "min" not in raw:
                ctx.fail(path, "a scale flag needs `min`")
        else:
            if raw["item"] not in items or items[raw["item"]].type != "categorical":
                ctx.fail(f"{path}.item", f"{raw['item']!r} is not a categorical item")
            if "values" not in raw:
                ctx.fail(path, "an item flag needs `values`")
            bad = [v for v in raw["values"] if v not in items[raw["item"]].options]
            if bad:
                ctx.fail(f"{path}.values", f"{bad} are not options of {raw['item']!r}")
        flags.append(Flag(raw["id"], raw.get("label"), raw.get("scale"), raw.get("min"),
                          raw.get("item"), tuple(raw.get("values", ()))))
    return tuple(flags)


def build_instrument(definition: dict, source: str = "<dict>") -> Instrument:
    """Validate ``definition`` and build the frozen :class:`Instrument`.

    Parameters
    ----------
    definition : dict
        A parsed definition (see ``docs/instrument-format.md``).
    source : str
        Where it came from, named in errors.

    Raises
    ------
    rnr.InvalidInstrument
        Naming the source, the path inside it and the problem.

    Examples
    --------
    >>> d = {"format_version": 1,
    ...      "instrument": {"id": "tiny", "version": "1", "title": {"en": "Tiny"},
    ...                     "status": "not-validated", "licence": "CC0",
    ...                     "sources": [{"citation": "made up"}]},
    ...      "items": [{"id": "a", "type": "numeric", "label": {"en": "A"}, "min": 0, "max": 3}],
    ...      "scales": [{"id": "total", "type": "sum", "items": ["a"]}]}
    >>> build_instrument(d).scales["total"].bounds
    (0.0, 3.0)
    """
    ctx = _Ctx(source)
    check_schema(definition, source)
    meta = definition["instrument"]
    inputs = _build_inputs(definition, ctx)
    items_raw = {}
    for i, raw in enumerate(definition["items"]):
        if raw["id"] in items_raw or raw["id"] in inputs:
            ctx.fail(f"items[{i}].id", f"{raw['id']!r} is used twice")
        items_raw[raw["id"]] = raw
    items = {
        raw["id"]: _build_item(i, raw, inputs, items_raw, ctx)
        for i, raw in enumerate(definition["items"])
    }
    order = _order_items(items, inputs, ctx)
    scales = _build_scales(definition, items, inputs, ctx)
    for sid in scales:
        if sid in items or sid in inputs:
            ctx.fail(f"scales.{sid}", f"{sid!r} is also an item or input id")
    domains = _build_domains(definition, items, ctx)
    flags = _build_flags(definition, items, scales, ctx)
    primary = meta.get("primary_scale")
    if primary is not None and primary not in scales:
        ctx.fail("instrument.primary_scale", f"{primary!r} is not a scale")
    if primary is None and len(scales) == 1:
        primary = next(iter(scales))
    if meta["status"] == "published" and meta.get("unverified"):
        ctx.fail("instrument.unverified", "a published instrument cannot list unverified values; "
                 "set status to 'incomplete'")
    missing = definition.get("missing", {})
    return Instrument(
        id=meta["id"],
        version=meta["version"],
        title=meta["title"],
        purpose=meta.get("purpose", ""),
        population=meta.get("population", ""),
        status=meta["status"],
        licence=meta["licence"],
        sources=tuple(meta["sources"]),
        notes=tuple(meta.get("notes", ())),
        unverified=tuple(meta.get("unverified", ())),
        primary_scale=primary,
        max_omitted=missing.get("max_omitted", 0),
        prorate=missing.get("prorate", False),
        inputs=inputs,
        items=items,
        scales=scales,
        flags=flags,
        domains=domains,
        item_order=order,
        digest=definition_digest(definition),
        origin=source,
        definition=definition,
    )
