"""Scoring a DataFrame, vectorised with numpy: item points as a matrix, cut-offs by searchsorted.

Every row comes back: good rows scored, bad rows with ``status == "error"`` and their problems
listed (row, field, value, allowed, code) in ``result.attrs["errors"]``.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .. import __version__
from .._errors import InvalidRecord
from ._compiled import Compiled
from ._digest import canonical_value, record_digest
from ._single import status_warning
from ._values import Problems

__all__ = ["score_frame"]


def _frame_digest(df: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(",".join(map(str, df.columns)).encode())
    for col in df.columns:
        s = df[col]
        try:
            h.update(pd.util.hash_pandas_object(s, index=False).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists, dicts): hash their text
            h.update("\x1f".join(map(repr, s.tolist())).encode())
    return "sha256:" + h.hexdigest()


def _level_ids(levels, values: np.ndarray) -> np.ndarray:
    mins = np.array([lv.min for lv in levels])
    idx = np.searchsorted(mins, values, side="right") - 1
    return np.maximum(idx, 0)


class _Batch:
    def __init__(self, c: Compiled, df: pd.DataFrame) -> None:
        self.c = c
        self.inst = c.inst
        self.df = df
        self.n = len(df)
        self.problems = Problems(self.n)
        self.inputs: dict[str, np.ndarray] = {}
        self.values: dict[str, np.ndarray] = {}
        self.points: dict[str, np.ndarray] = {}
        self.row_warnings: list[tuple[np.ndarray, object]] = []

    def col(self, k: str):
        return self.df[k] if k in self.df.columns else None

    def read_inputs(self) -> None:
        for k, spec in self.c.inputs.items():
            v = spec.column(self.col(k), self.n, self.problems)
            missing = v < 0 if spec.kind == "category" else np.isnan(v)
            if self.inst.inputs[k].required:
                self.problems.add(missing & ~self.problems.bad, k, None, spec.allowed,
                                  "missing_required")
            self.inputs[k] = v

    def _derive(self, k: str, it) -> np.ndarray:
        for a, b in it.derive.date_pairs:
            va, vb = self.inputs[a], self.inputs[b]
            with np.errstate(invalid="ignore"):
                wrong = va > vb
            if wrong.any():
                shown = np.full(self.n, None, dtype=object)
                allowed = np.full(self.n, None, dtype=object)
                for r in np.flatnonzero(wrong):
                    shown[r] = canonical_value("date", va[r])
                    allowed[r] = canonical_value("date", vb[r])
                for r in np.flatnonzero(wrong):
                    mask = np.zeros(self.n, dtype=bool)
                    mask[r] = True
                    self.problems.add(mask, a, shown, f"a date on or before {b} ({allowed[r]})",
                                      "date_order")
        env = {n: (self.inputs[n] if n in self.inputs else self.values[n])
               for n in it.derive.names | it.derive.date_names}
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.asarray(it.derive.evaluate(env), dtype="float64")
        if x.ndim == 0:
            x = np.full(self.n, float(x))
        return self._check(k, x)

    def _check(self, k: str, x: np.ndarray) -> np.ndarray:
        spec = self.c.items[k]
        sub = Problems(self.n)
        x = spec._number_column(pd.Series(x), sub)
        for mask, field, vals, allowed, code in sub.entries:
            self.problems.add(mask & ~self.problems.bad, field, vals, allowed, code)
        return x

    def _source(self, k: str, it) -> np.ndarray:
        spec = self.c.items[k]
        given = spec.column(self.col(k), self.n, self.problems)
        need = np.isnan(given) & ~self.problems.bad
        if need.any():
            sub = self.c.sources[k]
            cols = [col for col in self.df.columns if col in sub.record_keys]
            res = score_frame(sub, self.df.loc[need, cols].reset_index(drop=True))
            s = sub.inst.scales[it.source[1]]
            name = f"{it.source[1]}.scaled" if s.scaled_mins is not None else f"{it.source[1]}.raw"
            got = res[name].to_numpy(dtype="float64")
            given = given.copy()
            pos = np.flatnonzero(need)
            given[pos] = got
            errs = res.attrs["errors"]
            for row, grp in errs.groupby("row", sort=False):
                r = pos[int(row)]
                mask = np.zeros(self.n, dtype=bool)
                mask[r] = True
                for rec in grp.itertuples():
                    self.problems.add(mask, rec.field, [rec.value] * self.n, rec.allowed, rec.code)
            given = self._check(k, given)
        return given

    def read_items(self) -> None:
        for k in self.inst.item_order:
            it = self.inst.items[k]
            if it.derive is not None:
                x = self._derive(k, it)
            elif it.source is not None:
                x = self._source(k, it)
            else:
                x = self.c.items[k].column(self.col(k), self.n, self.problems)
            self.values[k] = x
            self.points[k] = self._points(it, x)

    def _points(self, it, x: np.ndarray) -> np.ndarray:
        if it.type == "categorical":
            missing = x < 0
            idx = np.where(missing, 0, x)
        else:
            missing = np.isnan(x)
            if it.band_mins is None:
                return x
            idx = np.searchsorted(it.band_mins, np.where(missing, it.band_mins[0], x),
                                  side="right") - 1
            idx = np.maximum(idx, 0)
        if it.by is None:
            pts = it.table[0][idx]
        else:
            bv = self.inputs[it.by] if it.by in self.inputs else self.values[it.by]
            bmiss = bv < 0
            missing = missing | bmiss
            pts = it.table[np.where(bmiss, 0, bv), idx]
        return np.where(missing, np.nan, pts)

    def check_missing(self) -> np.ndarray:
        counted = [k for k in self.c.counted]
        if not counted:
            return np.zeros((self.n, 0), dtype=bool)
        om = np.column_stack([np.isnan(self.points[k]) for k in counted])
        for j, k in enumerate(counted):
            if self.inst.items[k].required:
                self.problems.add(om[:, j] & ~self.problems.bad, k, None,
                                  "an answer (this item is required)", "missing_required")
        count = om.sum(axis=1)
        too_many = (count > self.inst.max_omitted) & ~self.problems.bad
        if too_many.any():
            shown = np.full(self.n, None, dtype=object)
            for r in np.flatnonzero(too_many):
                shown[r] = [k for j, k in enumerate(counted) if om[r, j]]
            self.problems.add(too_many, "<record>", shown,
                              f"at most {self.inst.max_omitted} omitted items", "too_many_missing")
        any_om = om.any(axis=1)
        if any_om.any():
            note = "; raw sums prorated" if self.inst.prorate else ""
            for r in np.flatnonzero(any_om & ~self.problems.bad):
                names = [k for j, k in enumerate(counted) if om[r, j]]
                self.warn(r, f"{len(names)} item(s) omitted: {', '.join(names)}{note}")
        return om

    def warn(self, rows, text) -> None:
        self.row_warnings.append((np.atleast_1d(rows), text))


def _scales(b: _Batch, out: dict) -> None:
    inst, n = b.inst, b.n
    env_scale: dict[str, np.ndarray] = {}
    for sid, s in inst.scales.items():
        if s.type == "sum":
            keys = [k for k, _ in s.weights]
            w = b.c.weights[sid]
            P = np.column_stack([b.points[k] for k in keys]) if keys else np.zeros((n, 0))
            miss = np.isnan(P)
            WP = np.where(miss, 0.0, P) * w
            answered = WP.sum(axis=1)
            pmin = np.array([inst.items[k].points_min for k in keys]) * w
            pmax = np.array([inst.items[k].points_max for k in keys]) * w
            lo_w, hi_w = np.minimum(pmin, pmax), np.maximum(pmin, pmax)
            if miss.any():
                lo = answered + (miss * lo_w).sum(axis=1)
                hi = answered + (miss * hi_w).sum(axis=1)
                n_ans = (~miss).sum(axis=1)
                if inst.prorate:
                    with np.errstate(invalid="ignore", divide="ignore"):
                        raw = np.where(n_ans > 0, answered * len(keys) / n_ans, np.nan)
                else:
                    raw = answered
            else:
                raw = lo = hi = answered
        else:
            used = b.c.scale_item_sets[sid]
            env = {}
            for name in s.expression.names:
                env[name] = b.points[name] if name in b.points else (
                    b.inputs[name] if name in b.inputs else env_scale[name])
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                raw = np.asarray(s.expression.evaluate(env), dtype="float64")
            if raw.ndim == 0:
                raw = np.full(n, float(raw))
            lo = hi = raw
            if used:
                bad = np.zeros(n, dtype=bool)
                for k in used:
                    bad |= np.isnan(b.points[k])
                rows = np.flatnonzero(bad & ~b.problems.bad)
                if len(rows):
                    b.warn(rows, f"scale {sid} not computed: it needs every one of its items")
        scaled = _scaled(s, raw)
        env_scale[sid] = scaled
        out[f"{sid}.raw"] = raw
        if s.scaled_mins is not None:
            out[f"{sid}.scaled"] = scaled
        out[f"_{sid}.lo"], out[f"_{sid}.hi"] = lo, hi
        if s.levels:
            out[f"{sid}.level"] = _scale_levels(b, sid, s, lo, hi)


def _scaled(s, raw: np.ndarray) -> np.ndarray:
    if s.scaled_mins is None:
        return raw
    idx = np.maximum(np.searchsorted(s.scaled_mins, raw, side="right") - 1, 0)
    return np.where(np.isnan(raw), np.nan, s.scaled_values[idx])


def _scale_levels(b: _Batch, sid: str, s, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    n = b.n
    on_lo = lo if s.levels_on == "raw" else _scaled(s, lo)
    on_hi = hi if s.levels_on == "raw" else _scaled(s, hi)
    level = np.full(n, None, dtype=object)
    groups = [(None, np.ones(n, dtype=bool))]
    if s.levels_by is not None:
        codes = b.inputs[s.levels_by]
        vals = b.c.inputs[s.levels_by].values
        groups = [(vals[i], codes == i) for i in range(len(vals))]
        nokey = (codes < 0) & ~np.isnan(lo) & ~b.problems.bad
        if nokey.any():
            b.warn(np.flatnonzero(nokey), f"scale {sid}: no level without {s.levels_by}")
    for key, mask in groups:
        levels = s.levels[key]
        ids = np.array([lv.id for lv in levels], dtype=object)
        ok = mask & ~np.isnan(lo)
        i_lo = _level_ids(levels, on_lo)
        i_hi = _level_ids(levels, on_hi)
        same = ok & (i_lo == i_hi)
        level[same] = ids[i_lo[same]]
        diff = ok & (i_lo != i_hi)
        if diff.any():
            level[diff] = "undetermined"
            for r in np.flatnonzero(diff & ~b.problems.bad):
                b.warn(r, f"scale {sid}: level undetermined ({ids[i_lo[r]]} to {ids[i_hi[r]]}) "
                       "because of omitted items")
    return level


def _flags(b: _Batch, out: dict) -> None:
    for f in b.inst.flags:
        if f.scale is not None:
            s = b.inst.scales[f.scale]
            lo = _scaled(s, out[f"_{f.scale}.lo"])
            hi = _scaled(s, out[f"_{f.scale}.hi"])
            with np.errstate(invalid="ignore"):
                up_lo, up_hi = lo >= f.min, hi >= f.min
            und = (up_lo != up_hi)
            if und.any():
                b.warn(np.flatnonzero(und & ~b.problems.bad),
                       f"flag {f.id} undetermined because of omitted items")
            raised = up_lo & ~und
        else:
            x = b.values[f.item]
            opts = b.inst.items[f.item].options
            hit = np.array([o in f.values for o in opts] + [False])
            raised = hit[np.where(x < 0, len(opts), x)]
        out[f"flag.{f.id}"] = raised


def _needs(b: _Batch, out: dict) -> None:
    inst, n = b.inst, b.n
    keys, doms = [], []
    for did, d in inst.domains.items():
        score = np.zeros(n)
        lo_add = np.zeros(n)
        hi_add = np.zeros(n)
        for k in d.items:
            p = b.points[k]
            m = np.isnan(p)
            score += np.where(m, 0.0, p)
            if m.any():
                lo_add += m * inst.items[k].points_min
                hi_add += m * inst.items[k].points_max
        out[f"need.{did}.score"] = score
        if d.thresholds:
            mins = np.array([t[1] for t in d.thresholds])
            names = np.array([t[0] for t in d.thresholds], dtype=object)
            i_lo = np.maximum(np.searchsorted(mins, score + lo_add, side="right") - 1, 0)
            i_hi = np.maximum(np.searchsorted(mins, score + hi_add, side="right") - 1, 0)
            same = i_lo == i_hi
            level = np.where(same, names[i_lo], "undetermined").astype(object)
            need = np.where(same, (i_lo > 0).astype(float), np.where(i_lo > 0, 1.0, np.nan))
            if (~same).any():
                for r in np.flatnonzero(~same & ~b.problems.bad):
                    b.warn(r, f"need {did}: level undetermined ({names[i_lo[r]]} to "
                           f"{names[i_hi[r]]}) because of omitted items")
            out[f"need.{did}.level"] = level
            order = i_lo
        else:
            need = (score > d.min_score).astype(float)
            order = np.full(n, -1)
        out[f"need.{did}.need"] = need
        if d.role == "need":
            span = d.max_score - d.min_score
            share = (score - d.min_score) / span if span > 0 else np.zeros(n)
            is_need = need == 1.0
            keys.append(np.column_stack([np.where(is_need, 0, 1), -order, -share]))
            doms.append((did, b.c.c8_rank[d.central_eight]))
    if keys:
        tie = np.array([t for _, t in doms])
        K = np.stack(keys, axis=1)  # n x d x 3
        ranks = _rank(K, tie)
        for j, (did, _) in enumerate(doms):
            out[f"need.{did}.rank"] = ranks[:, j]


def _rank(K: np.ndarray, tie: np.ndarray) -> np.ndarray:
    """Rank domains per row by (need first, level desc, share desc, Central Eight order)."""
    n, d, _ = K.shape
    perm = np.argsort(tie, kind="stable")
    Kp = K[:, perm, :]
    order = np.arange(d)[None, :].repeat(n, axis=0)
    for col in (2, 1, 0):  # least significant first, stable sorts
        vals = np.take_along_axis(Kp[:, :, col], order, axis=1)
        o = np.argsort(vals, axis=1, kind="stable")
        order = np.take_along_axis(order, o, axis=1)
    ranks = np.empty((n, d), dtype=np.int64)
    np.put_along_axis(ranks, order, np.arange(1, d + 1)[None, :].repeat(n, axis=0), axis=1)
    out = np.empty_like(ranks)
    out[:, perm] = ranks
    return out


def _row_digests(b: _Batch) -> np.ndarray:
    c = b.c
    digests = np.full(b.n, None, dtype=object)
    present_cols = [k for k in b.df.columns if k in c.record_keys]
    specs = {}
    for k in present_cols:
        if k in c.inputs:
            specs[k] = (c.inputs[k], b.inputs[k])
        elif k in c.items and c.inst.items[k].derive is None:
            specs[k] = (c.items[k], b.values[k])
    others = [k for k in present_cols if k not in specs]
    for r in np.flatnonzero(~b.problems.bad):
        canon = {}
        for k, (spec, arr) in specs.items():
            v = arr[r]
            if (v < 0) if spec.kind == "category" else (v != v):
                continue
            if c.inst.items.get(k) is not None and c.inst.items[k].source is not None:
                if b.col(k) is None or pd.isna(b.df[k].iloc[r]):
                    continue
            canon[k] = canonical_value(spec.kind, v, spec.values)
        for k in others:
            v = b.df[k].iloc[r]
            if pd.isna(v) if not isinstance(v, (list, dict)) else False:
                continue
            from ._single import _sub_spec

            spec = _sub_spec(c, k)
            canon[k] = canonical_value(spec.kind, spec.scalar(v), spec.values)
        digests[r] = record_digest(canon)
    return digests


def score_frame(c: Compiled, df: pd.DataFrame, keep: tuple = (),
                row_digests: bool = False, detail: bool = False) -> pd.DataFrame:
    """Score every row of ``df``; see :func:`rnr.assess`."""
    b = _Batch(c, df)
    for col in df.columns:
        if col not in c.record_keys and col not in keep:
            present = df[col].notna().to_numpy()
            b.problems.add(present, str(col), df[col].to_numpy(),
                           c.allowed_keys() + " (or pass keep=[...])", "unknown_field")
    b.read_inputs()
    b.read_items()
    b.check_missing()
    out: dict[str, np.ndarray] = {}
    _scales(b, out)
    _flags(b, out)
    _needs(b, out)
    inst = c.inst
    bad = b.problems.bad
    result: dict[str, object] = {k: df[k].to_numpy() for k in keep if k in df.columns}
    result["status"] = np.where(bad, "error", "ok").astype(object)
    for k, v in out.items():
        if k.startswith("_"):
            continue
        if v.dtype == object:
            v = v.copy()
            v[bad] = None
        elif v.dtype == bool:
            v = np.where(bad, None, v).astype(object) if bad.any() else v
        else:
            v = np.where(bad, np.nan, v)
        result[k] = v
    if inst.primary_scale is not None and f"{inst.primary_scale}.level" in out:
        result["risk_level"] = result[f"{inst.primary_scale}.level"]
    if detail:
        for k in inst.item_order:
            result[f"item.{k}.points"] = np.where(bad, np.nan, b.points[k])
    warnings = np.full(b.n, None, dtype=object)
    base = status_warning(inst)
    lists = [[base] if base else [] for _ in range(b.n)] if b.row_warnings else None
    if lists is not None:
        for rows, text in b.row_warnings:
            for r in rows:
                lists[r].append(text)
        warnings[:] = ["; ".join(x) if x else None for x in lists]
    elif base:
        warnings[:] = base
    warnings[bad] = None
    result["warnings"] = warnings
    errors = b.problems.frame(pd.RangeIndex(b.n))
    messages = np.full(b.n, None, dtype=object)
    if len(errors):
        for row, grp in errors.groupby("row", sort=False):
            messages[int(row)] = "; ".join(grp["message"])
    result["errors"] = messages
    if row_digests:
        result["input_digest"] = _row_digests(b)
    frame = pd.DataFrame(result, index=df.index)
    if len(errors):
        errors["row"] = df.index[errors["row"].to_numpy(dtype=int)]
    frame.attrs = {
        "instrument": inst.id,
        "version": inst.version,
        "status": inst.status,
        "rnr_version": __version__,
        "instrument_digest": inst.digest,
        "input_digest": _frame_digest(df),
        "errors": errors,
    }
    return frame
