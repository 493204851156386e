"""Scoring a DataFrame, vectorised with numpy: item points as a matrix, cut-offs by searchsorted.

Every row comes back: good rows scored, bad rows with ``status == "error"`` and their problems
listed (row, field, value, allowed, code) in ``result.attrs["errors"]``.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .. import __version__
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
        if isinstance(s.dtype, pd.CategoricalDtype):  # codes and labels: no per-row hashing
            h.update(repr(list(s.cat.categories)).encode())
            h.update(s.cat.codes.to_numpy().tobytes())
            continue
        if s.dtype.kind in "iu" and len(s):  # small integers (answer codes): hashed as int8
            a = s.to_numpy()
            if a.min() >= -128 and a.max() <= 127:  # lossless; the tag keeps the dtype
                h.update(f"{s.dtype.str}->i1".encode())
                h.update(a.astype(np.int8).tobytes())
                continue
        if s.dtype.kind in "iufbmM":  # plain numbers and datetimes: their bytes are the data
            h.update(s.dtype.str.encode())
            h.update(np.ascontiguousarray(s.to_numpy()).tobytes())
            continue
        try:
            h.update(pd.util.hash_pandas_object(s, index=False).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists, dicts): hash their text
            h.update("\x1f".join(map(repr, s.tolist())).encode())
    return "sha256:" + h.hexdigest()


def _level_ids(levels, values: np.ndarray) -> np.ndarray:
    return _thresholds(np.array([lv.min for lv in levels]), values)


def _band_index(mins: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Index of the band each value falls in: -1 below the first band and when omitted (NaN)."""
    if len(mins) <= 8:  # a few comparisons beat a binary search
        idx = np.full(len(x), -1, dtype=np.int8)
        for m in mins:
            idx += x >= m  # NaN compares false
        return idx
    idx = np.searchsorted(mins, x, side="right") - 1
    idx[np.isnan(x)] = -1
    return idx


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
            for r in np.flatnonzero(wrong):
                later = canonical_value("date", vb[r])
                self.problems.add_at(np.array([r]), a, [canonical_value("date", va[r])],
                                     f"a date on or before {b} ({later})", "date_order")
        env = {}
        for n in it.derive.names | it.derive.date_names:
            if n in self.inputs:
                env[n] = self.inputs[n]
            elif self.inst.items[n].type == "categorical":  # option index; omitted is NaN
                v = self.values[n]
                env[n] = np.where(v < 0, np.nan, v.astype("float64"))
            else:
                env[n] = self.values[n]
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.asarray(it.derive.evaluate(env), dtype="float64")
        if x.ndim == 0:
            x = np.full(self.n, float(x))
        return self._check(k, x)

    def _check(self, k: str, x: np.ndarray) -> np.ndarray:
        spec = self.c.items[k]
        sub = Problems(self.n)
        x = spec.check_numbers(x, sub)
        self.problems.merge(sub)
        return x

    def _source(self, k: str, it) -> np.ndarray:
        spec = self.c.items[k]
        given = spec.column(self.col(k), self.n, self.problems)
        need = np.isnan(given) & ~self.problems.bad
        if need.any():
            sub = self.c.sources[k]
            cols = [col for col in self.df.columns if col in sub.record_keys]
            rows = np.flatnonzero(need)
            sub_frame = self.df[cols] if len(rows) == self.n else self.df[cols].iloc[rows]
            sb, sub_out = _score(sub, sub_frame)  # the other instrument's arrays, no frame
            s = sub.inst.scales[it.source[1]]
            got = sub_out[f"{it.source[1]}.scaled" if s.scaled_mins is not None
                          else f"{it.source[1]}.raw"]
            given = given.copy()
            given[rows] = np.where(sb.problems.bad, np.nan, got)
            self.problems.merge(sb.problems, positions=rows, only_new=False)
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
        ext = self.c.table_ext[it.id]  # points with a NaN row and column for "missing"
        if it.type == "categorical":
            idx = x
        elif it.band_mins is None:
            return x
        else:
            idx = _band_index(it.band_mins, x)
        if it.by is None:
            return ext[0][idx]
        bv = self.inputs[it.by] if it.by in self.inputs else self.values[it.by]
        return ext[bv, idx]

    def check_missing(self) -> None:
        """Find omitted items (NaN points): ``omitted`` maps each such item to its rows."""
        self.omitted = {}
        for k, p in self.points.items():
            m = np.isnan(p)
            if m.any():
                self.omitted[k] = m
        # points with omitted ones as 0, for sums
        self.points0 = {k: (np.where(self.omitted[k], 0.0, p) if k in self.omitted else p)
                        for k, p in self.points.items()}
        counted = [k for k in self.c.counted if k in self.omitted]
        if not counted:
            return
        for k in counted:
            if self.inst.items[k].required:
                self.problems.add(self.omitted[k] & ~self.problems.bad, k, None,
                                  "an answer (this item is required)", "missing_required")
        count = np.zeros(self.n, dtype=np.int64)
        for k in counted:
            count += self.omitted[k]
        too_many = (count > self.inst.max_omitted) & ~self.problems.bad
        rows = np.flatnonzero(too_many)
        self.problems.add_at(rows, "<record>", [self._omitted_names(r, counted) for r in rows],
                             f"at most {self.inst.max_omitted} omitted items", "too_many_missing")
        note = "; raw sums prorated" if self.inst.prorate else ""
        for r in np.flatnonzero((count > 0) & ~self.problems.bad):
            names = self._omitted_names(r, counted)
            self.warn(r, f"{len(names)} item(s) omitted: {', '.join(names)}{note}")

    def _omitted_names(self, r: int, counted: list) -> list:
        return [k for k in counted if self.omitted[k][r]]

    def warn(self, rows, text) -> None:
        self.row_warnings.append((np.atleast_1d(rows), text))


class _Rank:
    """A small-integer column (nullable Int8 in the result)."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values


class _Cat:
    """Category codes (-1 for none) and their labels: a cheap object-free level column."""

    def __init__(self, codes: np.ndarray, categories: list) -> None:
        self.codes = codes
        self.categories = categories


def _sum(b: _Batch, terms: tuple) -> tuple:
    """One sum scale, adding weighted item columns in declared order (as one record sums).

    Returns the answered sum and, when items are omitted, (low add, high add, answered count).
    """
    n = b.n
    answered = np.zeros(n)
    for k, w, _, _ in terms:
        answered += b.points0[k] if w == 1 else w * b.points0[k]
    omitted = [(k, lo, hi) for k, _, lo, hi in terms if k in b.omitted]
    if not omitted:
        return answered, None
    lo_add, hi_add, n_omitted = np.zeros(n), np.zeros(n), np.zeros(n)
    for k, lo, hi in omitted:
        m = b.omitted[k]
        lo_add += m * lo
        hi_add += m * hi
        n_omitted += m
    return answered, (lo_add, hi_add, len(terms) - n_omitted)


def _scales(b: _Batch, out: dict) -> None:
    inst, n = b.inst, b.n
    env_scale: dict[str, np.ndarray] = {}
    for sid, s in inst.scales.items():
        if s.type == "sum":
            terms = b.c.sum_terms[sid]
            answered, extra = _sum(b, terms)
            if extra is not None:
                lo_add, hi_add, n_ans = extra
                lo, hi = answered + lo_add, answered + hi_add
                if inst.prorate:
                    with np.errstate(invalid="ignore", divide="ignore"):
                        prorated = answered * len(terms) / n_ans
                    raw = np.where(n_ans == len(terms), answered,
                                   np.where(n_ans > 0, prorated, np.nan))
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


def _scale_levels(b: _Batch, sid: str, s, lo: np.ndarray, hi: np.ndarray) -> _Cat:
    n = b.n
    same_range = lo is hi
    on_lo = lo if s.levels_on == "raw" else _scaled(s, lo)
    on_hi = on_lo if same_range else (hi if s.levels_on == "raw" else _scaled(s, hi))
    cats: list[str] = []
    for levels in s.levels.values():
        cats += [lv.id for lv in levels if lv.id not in cats]
    und = len(cats)
    cats.append("undetermined")
    codes = np.full(n, -1, dtype=np.int64)
    groups = [(None, None)]
    if s.levels_by is not None:
        key_codes = b.inputs[s.levels_by]
        vals = b.c.inputs[s.levels_by].values
        groups = [(vals[i], key_codes == i) for i in range(len(vals))]
        nokey = (key_codes < 0) & ~np.isnan(lo) & ~b.problems.bad
        if nokey.any():
            b.warn(np.flatnonzero(nokey), f"scale {sid}: no level without {s.levels_by}")
    has = ~np.isnan(on_lo)
    for key, mask in groups:
        levels = s.levels[key]
        to_cat = np.array([cats.index(lv.id) for lv in levels])
        ok = has if mask is None else (mask & has)
        i_lo = _level_ids(levels, on_lo)
        if same_range:
            codes = np.where(ok, to_cat[i_lo], codes)
            continue
        i_hi = _level_ids(levels, on_hi)
        same = i_lo == i_hi
        codes = np.where(ok, np.where(same, to_cat[i_lo], und), codes)
        diff = ok & ~same
        if diff.any():
            ids = [lv.id for lv in levels]
            for r in np.flatnonzero(diff & ~b.problems.bad):
                b.warn(r, f"scale {sid}: level undetermined ({ids[i_lo[r]]} to {ids[i_hi[r]]}) "
                       "because of omitted items")
    return _Cat(codes, cats)


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


def _thresholds(mins: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Index of the last threshold at or below x (0 below the first, and for NaN)."""
    return np.maximum(_band_index(mins, x), 0)


def _needs(b: _Batch, out: dict) -> None:
    inst, n = b.inst, b.n
    keys, doms = [], []
    for did, terms in b.c.domain_terms.items():
        d = inst.domains[did]
        score, extra = _sum(b, terms)
        lo_add = hi_add = None
        if extra is not None and (extra[0].any() or extra[1].any()):
            lo_add, hi_add = extra[0], extra[1]
        out[f"need.{did}.score"] = score
        if d.thresholds:
            mins = np.array([t[1] for t in d.thresholds])
            names = [t[0] for t in d.thresholds]
            if lo_add is None:
                i_lo = _thresholds(mins, score)
                codes = i_lo
                need = i_lo > 0
            else:
                i_lo = _thresholds(mins, score + lo_add)
                i_hi = _thresholds(mins, score + hi_add)
                same = i_lo == i_hi
                codes = np.where(same, i_lo, len(names))
                need = i_lo > 0  # an undetermined level counts as a need when its low end is one
                for r in np.flatnonzero(~same & ~b.problems.bad):
                    b.warn(r, f"need {did}: level undetermined ({names[i_lo[r]]} to "
                           f"{names[i_hi[r]]}) because of omitted items")
            out[f"need.{did}.level"] = _Cat(codes, names + ["undetermined"])
            order = i_lo
        else:
            need = score > d.min_score
            order = np.full(n, -1, dtype=np.int8)
            out[f"need.{did}.need"] = need
        if d.role == "need" and d.kind == "dynamic":
            # the one-record key (not need, -level, Central Eight order, -share) as one number:
            # (whole-number part) + (1 - share) * 0.99, computed in place
            span = d.max_score - d.min_score
            key = np.subtract(score, d.min_score) if d.min_score else score.copy()
            if span > 0:
                key /= span  # share
                np.subtract(1.0, key, out=key)
            else:
                key.fill(1.0)
            key *= 0.99
            rank = b.c.c8_rank[d.central_eight]
            if d.thresholds:  # need is level > 0: the whole part by look-up on the level
                levels = np.arange(len(d.thresholds) + 1)
                whole = (levels == 0) * 10000.0 - levels * 100.0 + rank
                key += whole[order]
            else:
                key += np.where(need, 100.0 + rank, 10100.0 + rank)
            keys.append(key)
            doms.append(did)
    if keys:
        # rank = 1 + how many domains sort before this one (ties: declaration order, as the
        # one-record path's stable sort); pairwise counts beat a row-wise argsort here
        d = len(doms)
        ranks = [np.ones(n, dtype=np.int8) for _ in range(d)]
        for i in range(d):
            for j in range(i + 1, d):
                before = keys[i] <= keys[j]  # i sorts first when smaller or tied (earlier)
                ranks[j] += before
                ranks[i] += ~before
        for j, did in enumerate(doms):
            out[f"need.{did}.rank"] = _Rank(ranks[j])


def _row_digests(b: _Batch) -> np.ndarray:
    c = b.c
    digests = np.empty(b.n, dtype=object)
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


def _filled(n: int, value: object) -> np.ndarray:
    """Return ``n`` references to ``value`` in an object array (np.full is far slower)."""
    return np.broadcast_to(np.array(value, dtype=object), (n,)).copy()


def _assemble(b: _Batch, out: dict, df: pd.DataFrame, keep: tuple, detail: bool,
              row_digests: bool) -> tuple:
    """Build the result frame: front columns, levels, numbers, then flags, warnings, errors."""
    inst, n = b.inst, b.n
    bad = b.problems.bad
    any_bad = bool(bad.any())
    front: dict[str, object] = {k: df[k].to_numpy() for k in keep if k in df.columns}
    front["status"] = pd.Categorical.from_codes(bad.astype(np.int8), categories=["ok", "error"])
    cats: dict[str, object] = {}
    floats: list[tuple[str, np.ndarray]] = []
    flags: dict[str, object] = {}
    for k, v in out.items():
        if k.startswith("_"):
            continue
        if isinstance(v, _Cat):
            codes = np.where(bad, -1, v.codes) if any_bad else v.codes
            cats[k] = pd.Categorical.from_codes(codes, categories=v.categories)
        elif isinstance(v, _Rank):
            cats[k] = pd.arrays.IntegerArray(v.values, bad.copy())
        elif v.dtype == bool:
            flags[k] = np.where(bad, None, v).astype(object) if any_bad else v
        else:
            floats.append((k, v))
    if detail:
        floats += [(f"item.{k}.points", b.points[k]) for k in inst.item_order]
    if inst.primary_scale is not None and f"{inst.primary_scale}.level" in cats:
        front["risk_level"] = cats[f"{inst.primary_scale}.level"].copy()
    # number columns go into the frame as they are (no copy into one block); a column is
    # copied only when it may share memory with the input or with another column
    numbers: dict[str, np.ndarray] = {}
    seen: set[int] = set()
    for k, v in floats:
        if any_bad:
            v = np.where(bad, np.nan, v)
        elif not v.flags.owndata or id(v) in seen:
            v = v.copy()
        seen.add(id(v))
        numbers[k] = v
    base = status_warning(inst)
    warnings = _filled(n, base)
    if b.row_warnings:
        extra: dict[int, list] = {}
        for rows, text in b.row_warnings:
            for r in rows:
                extra.setdefault(int(r), []).append(text)
        for r, texts in extra.items():
            warnings[r] = "; ".join(([base] if base else []) + texts)
    warnings[bad] = None
    errors = b.problems.frame(pd.RangeIndex(n))
    messages = np.empty(n, dtype=object)  # every cell None
    if len(errors):
        for row, grp in errors.groupby("row", sort=False):
            messages[int(row)] = "; ".join(grp["message"])
    back: dict[str, object] = dict(flags)
    back["warnings"] = warnings
    back["errors"] = messages
    if row_digests:
        back["input_digest"] = _row_digests(b)
    parts = [pd.DataFrame(front, index=df.index), pd.DataFrame(cats, index=df.index),
             pd.DataFrame(numbers, index=df.index, copy=False),
             pd.DataFrame(back, index=df.index)]
    frame = pd.concat(parts, axis=1, copy=False) if _CONCAT_COPY else pd.concat(parts, axis=1)
    return frame, errors


_CONCAT_COPY = tuple(int(x) for x in pd.__version__.split(".")[:1]) < (3,)


def _score(c: Compiled, df: pd.DataFrame, keep: tuple = ()) -> tuple[_Batch, dict]:
    """Read and score every row: the batch (values, problems, warnings) and the result arrays."""
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
    return b, out


def _strings_as_categories(df: pd.DataFrame, keys: frozenset) -> pd.DataFrame:
    """Encode all-text answer columns as categoricals, hashing each text once.

    Reading and the frame digest then work on small integer codes. Only columns whose values
    are all text (or missing) are encoded: a mixed column keeps its values' types (1, 1.0,
    True and "1" stay different).
    """
    encoded = {}
    for k in df.columns:
        if k not in keys:
            continue
        col = df[k]
        if isinstance(col.dtype, pd.StringDtype):
            values = np.asarray(col.array, dtype=object)  # missing as NaN or NA: code -1
        elif col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) == "string":
            values = col.to_numpy()
        else:
            continue
        codes, uniques = pd.factorize(values)
        encoded[k] = pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))
    if not encoded:
        return df
    out = df.copy(deep=False)
    for k, v in encoded.items():
        out[k] = pd.Series(v, index=df.index)
    return out


def score_frame(c: Compiled, df: pd.DataFrame, keep: tuple = (),
                row_digests: bool = False, detail: bool = False) -> pd.DataFrame:
    """Score every row of ``df``; see :func:`rnr.assess`."""
    given = df
    df = _strings_as_categories(df, c.category_keys)
    b, out = _score(c, df, keep)
    inst = c.inst
    frame, errors = _assemble(b, out, given, keep, detail, row_digests)
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
