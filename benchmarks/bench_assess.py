"""Benchmark rnr.assess: one-record latency and batch throughput beside a plain-numpy bound.

Run: ``.venv/bin/python benchmarks/bench_assess.py [--rows 1000000]``. Prints figures; asserts
nothing. Batch rows are synthetic (drawn from each instrument's own options and ranges), which
is fine for speed and never evidence that a model works. Text answers are given as pandas
categoricals (``rows/s``), and again as plain text columns with ISO-date text, as
``pd.read_csv`` gives them (``text rows/s``). Each figure is the best of a few runs after a
warm-up; the first call on a fresh process is slower (memory is being mapped).

The numpy lower bound does only the arithmetic: item points as a matrix (codes already integer),
``X @ w`` for the sums and ``np.searchsorted`` for the cut-offs; for OGRS3 it also does the date
arithmetic and the logistic formula on ready arrays. rnr does that plus reading and checking
every value, missing-item handling, level robustness, needs and the error report.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

import rnr
from rnr._instrument._expr import completed_years


def synthetic_frame(inst_id: str, n: int, seed: int = 0) -> pd.DataFrame:
    """Valid synthetic rows for an instrument, drawn from its declared options and ranges."""
    rng = np.random.default_rng(seed)
    inst = rnr.load_instrument(inst_id)
    cols: dict[str, object] = {}
    if inst_id in ("ogrs3", "oasys"):
        base = np.datetime64("2020-01-01") + rng.integers(0, 1500, n).astype("timedelta64[D]")
        age = rng.integers(18 * 365 + 40, 70 * 365, n).astype("timedelta64[D]")
        hist = (rng.integers(0, 100, n) / 100 * (age.astype(int) - 10 * 365)).astype(int)
        cols["sex"] = rng.choice(["male", "female"], n)
        cols["birth_date"] = pd.to_datetime(base - age)
        cols["conviction_date"] = pd.to_datetime(base - rng.integers(0, 30, n).astype(
            "timedelta64[D]"))
        cols["first_sanction_date"] = pd.to_datetime(
            base - age + (10 * 365 + hist).astype("timedelta64[D]"))
        cols["first_sanction_date"] = np.minimum(cols["first_sanction_date"],
                                                 cols["conviction_date"])
        cols["assessment_date"] = pd.to_datetime(base)
        cols["previous_sanctions"] = rng.integers(0, 30, n)
        og = inst.items.get("offence_group") or rnr.load_instrument("ogrs3").items["offence_group"]
        cols["offence_group"] = rng.choice(list(og.options), n)
    for k, it in inst.items.items():
        if it.derive is not None or it.source is not None or k in cols:
            continue
        if it.type == "categorical":
            opts = list(it.options)
            dtype = object if isinstance(opts[0], str) else None
            cols[k] = rng.choice(np.array(opts, dtype=dtype), n)
        else:
            lo = it.min if it.min is not None else 0
            hi = it.max if it.max is not None else lo + 20
            cols[k] = rng.integers(int(lo), int(hi) + 1, n) if it.integer else rng.uniform(lo, hi, n)
    for k, inp in inst.inputs.items():
        if k in cols:
            continue
        if inp.type in ("category", "boolean"):
            cols[k] = rng.choice(np.array(list(inp.values), dtype=object), n)
        elif inp.type == "number":
            lo = inp.min or 0
            cols[k] = rng.integers(int(lo), int(lo) + 20, n)
    if "violent_sanctions" in cols and "previous_sanctions" in cols:  # OASys: violent <= all + 1
        cols["violent_sanctions"] = rng.integers(0, cols["previous_sanctions"] + 2)
    frame = pd.DataFrame(cols)
    for k in frame:  # string columns as pandas categoricals (see the README's note on dtypes)
        if frame[k].dtype == object or pd.api.types.is_string_dtype(frame[k].dtype):
            frame[k] = frame[k].astype("category")
    return frame


def numpy_bound(inst_id: str, frame: pd.DataFrame) -> float:
    """Seconds for the bare arithmetic on ready integer codes (the lower bound)."""
    inst = rnr.load_instrument(inst_id)
    codes, tables = [], []
    for k, it in inst.items.items():
        if it.derive is not None or it.source is not None or k not in frame:
            continue
        if it.type == "categorical":
            c = pd.Index(list(it.options), dtype=object).get_indexer(frame[k].astype(object))
            codes.append(c)
            tables.append(it.table[0])
    days = {k: frame[k].to_numpy("datetime64[D]").astype("int64").astype(float)
            for k in ("birth_date", "assessment_date", "conviction_date", "first_sanction_date")
            if k in frame}
    prev = frame["previous_sanctions"].to_numpy(float) if "previous_sanctions" in frame else None
    t0 = time.perf_counter()
    if codes:
        X = np.column_stack([t[c] for t, c in zip(tables, codes, strict=True)])
        w = np.ones(X.shape[1])
        total = X @ w
        np.searchsorted(np.array([10.0, 19.0, 31.0, 44.0]), total, side="right")
    if days and prev is not None:
        age = completed_years(days["birth_date"], days["assessment_date"])
        conv = completed_years(days["birth_date"], days["conviction_date"])
        first = completed_years(days["birth_date"], days["first_sanction_date"])
        band = np.searchsorted(np.array([10, 12, 14, 16, 18, 21, 25, 30, 35, 40, 50.0]), age,
                               side="right") - 1
        agesex = np.zeros((2, 11))[(frame["sex"].to_numpy() == "female").astype(int), band]
        copas = np.log((1 + np.minimum(prev, 50)) / (10 + conv - first))
        x = 2.12 + agesex + 0.46 * (prev > 0) + 1.25 * copas
        p = 1 / (1 + np.exp(-x))
        np.searchsorted(np.array([0.5, 0.75, 0.9]), p, side="right")
    return time.perf_counter() - t0


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as ``pd.read_csv`` would give it: answers and dates as text columns."""
    out = frame.copy()
    for k in out:
        if isinstance(out[k].dtype, pd.CategoricalDtype):
            out[k] = out[k].astype(str)
        elif pd.api.types.is_datetime64_any_dtype(out[k].dtype):
            out[k] = out[k].dt.strftime("%Y-%m-%d")
    return out


def one_record_latency(inst_id: str, repeats: int = 5000) -> tuple[float, float]:
    rec = synthetic_frame(inst_id, 1, seed=1).iloc[0].to_dict()
    rec = {k: (v.date().isoformat() if isinstance(v, pd.Timestamp) else v) for k, v in rec.items()}
    rnr.assess(rec, inst_id)
    times = np.empty(repeats)
    for i in range(repeats):
        t = time.perf_counter()
        rnr.assess(rec, inst_id)
        times[i] = time.perf_counter() - t
    return float(np.percentile(times, 50) * 1e6), float(np.percentile(times, 99) * 1e6)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--instruments", default="ogrs3,oasys,rnr-c8")
    args = ap.parse_args()
    installed = set(rnr.instruments()["id"])
    print(f"rnr {rnr.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}")
    print(f"{'instrument':10} {'p50 us':>8} {'p99 us':>8} {'rows/s':>12} {'numpy rows/s':>13} "
          f"{'ratio':>6} {'text rows/s':>12}")
    for inst_id in args.instruments.split(","):
        if inst_id not in installed:
            print(f"{inst_id:10} not installed")
            continue
        p50, p99 = one_record_latency(inst_id)
        frame = synthetic_frame(inst_id, args.rows)
        rnr.assess(frame.head(1000), inst_id)
        best = bound = np.inf
        for _ in range(3):
            t = time.perf_counter()
            out = rnr.assess(frame, inst_id)
            best = min(best, time.perf_counter() - t)
            bound = min(bound, numpy_bound(inst_id, frame))
        bad = int((out["status"] != "ok").sum())
        text = as_text(frame)
        text_best = np.inf
        for _ in range(2):
            t = time.perf_counter()
            rnr.assess(text, inst_id)
            text_best = min(text_best, time.perf_counter() - t)
        print(f"{inst_id:10} {p50:8.1f} {p99:8.1f} {args.rows / best:12,.0f} "
              f"{args.rows / bound:13,.0f} {best / bound:6.1f} {args.rows / text_best:12,.0f}"
              + (f"  ({bad} rows reported as errors)" if bad else ""))


if __name__ == "__main__":
    main()
