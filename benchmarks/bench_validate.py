"""Wall time and peak memory of rnr validate() with 1,000 bootstrap replicates.

Synthetic rows shaped like ProPublica's COMPAS Broward data (sex about 81% male; race shares
close to the filtered 6,172 rows; age, priors; two-year base rate about 45%). Two kinds of risk:

- "continuous": a logistic model's probability (age, priors, sex and one continuous factor),
  almost every row distinct;
- "deciles": the probability of the person's decile (10 distinct values), like a calibrated
  COMPAS decile score.

Each run: validate(y, risk, groups=[race, sex], cutoffs=[0.3, 0.5, 0.7], n_boot=1000,
random_state=0, n_jobs=2), i.e. bootstrap intervals for the overall AUC and for each of the
8 group levels (9 x 1,000 replicates). A DeLong run (n_boot=0) is shown for comparison.

Memory: tracemalloc's peak of the main process during the call (numpy buffers included), and
the high-water resident size (VmHWM) of the largest joblib worker, read from /proc (Linux).
Workers are shut down between runs so each figure belongs to one run.

Usage: python benchmarks/bench_validate.py [--rows 25000 1000000] [--boot 1000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from joblib.externals.loky import get_reusable_executor

from rnr._validation import validate

RACES = ["African-American", "Caucasian", "Hispanic", "Other", "Asian", "Native American"]
RACE_SHARES = np.array([3175, 2103, 509, 343, 31, 11]) / 6172  # filtered COMPAS (data README)


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = np.where(rng.random(n) < 4997 / 6172, "Male", "Female")
    race = rng.choice(RACES, size=n, p=RACE_SHARES)
    age = np.clip(np.round(18 + rng.gamma(2.0, 8.0, n)), 18, 90)
    priors = rng.negative_binomial(1, 0.22, n)
    other = rng.normal(size=n)  # a continuous risk factor, so that almost every risk is distinct
    lp = 1.1 - 0.045 * age + 0.48 * np.sqrt(priors) + 0.2 * (sex == "Male") + 0.3 * other
    p = 1 / (1 + np.exp(-lp))
    y = (rng.random(n) < p).astype(np.int8)
    # decile of the probability, then the decile's mean probability (10 distinct values)
    decile = np.minimum((pd.Series(p).rank(method="first").to_numpy() - 1) * 10 // n, 9)
    p_decile = pd.Series(p).groupby(decile).transform("mean").to_numpy()
    return pd.DataFrame({"y": y, "continuous": p, "deciles": p_decile, "race": race, "sex": sex})


def _worker_peak_mib() -> float:
    """Largest VmHWM among direct children (joblib's loky workers), in MiB."""
    me = os.getpid()
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip() or 0) != me:
            continue
        hwm = fields.get("VmHWM", "0 kB").split()[0]
        peak = max(peak, int(hwm))
    return peak / 1024


def run(df: pd.DataFrame, risk: str, n_boot: int, n_jobs: int) -> dict:
    get_reusable_executor().shutdown(wait=True)
    tracemalloc.start()
    t0 = time.perf_counter()
    report = validate(df["y"], df[risk], groups=df[["race", "sex"]], cutoffs=[0.3, 0.5, 0.7],
                      n_boot=n_boot, random_state=0, n_jobs=n_jobs)
    wall = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": len(df),
        "risk": risk,
        "n_boot": n_boot,
        "wall_s": wall,
        "main_peak_mib": peak / 2**20,
        "worker_peak_mib": _worker_peak_mib() if n_boot else 0.0,
        "distinct": int(df[risk].nunique()),
        "auc": report.auc,
        "auc_ci": report.auc_ci,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[25_000, 1_000_000])
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs visible, n_jobs={args.jobs}")
    print(f"{'rows':>9} {'risk':>10} {'distinct':>8} {'n_boot':>6} {'wall s':>8} {'main peak MiB':>13} "
          f"{'worker peak MiB':>15}  AUC [95% CI]")
    for n in args.rows:
        df = synthetic(n)
        for risk in ("deciles", "continuous"):
            for n_boot in (args.boot, 0):
                r = run(df, risk, n_boot, args.jobs)
                print(f"{r['rows']:>9} {r['risk']:>10} {r['distinct']:>8} {r['n_boot']:>6} "
                      f"{r['wall_s']:>8.2f} "
                      f"{r['main_peak_mib']:>13.1f} {r['worker_peak_mib']:>15.1f}  "
                      f"{r['auc']:.4f} [{r['auc_ci'][0]:.4f}, {r['auc_ci'][1]:.4f}]", flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"main process max RSS over the whole script: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
