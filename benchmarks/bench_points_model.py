"""Fit time and peak memory of rnr's PointsModel on synthetic COMPAS-shaped rows.

Usage::

    python benchmarks/bench_points_model.py            # 25,000 and 1,000,000 rows
    python benchmarks/bench_points_model.py 50000      # other sizes

Each size runs in a fresh process. The rows are synthetic (for size only): age 18 to 96,
priors, three juvenile counts, charge degree F/M and sex, with an outcome from a banded
logistic model, so the fitted instrument is realistic in shape. Printed per size:

- ``fit_s``: wall-clock seconds of ``PointsModel().fit`` (best of ``--repeat`` runs);
- ``peak_traced_mb``: peak memory allocated during the fit, by :mod:`tracemalloc` (numpy and
  pandas report their buffers to it), in a separate run;
- ``max_rss_mb``: the process's peak resident memory, data generation included;
- ``predict_s``: seconds of ``predict_proba`` on all rows.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd


def compas_like(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    age = np.minimum(18 + rng.gamma(2.0, 8.5, n).astype(np.int64), 96)
    priors = np.minimum(rng.negative_binomial(0.8, 0.2, n), 38)
    juv_fel = (rng.random(n) < 0.06) * rng.poisson(1.2, n)
    juv_misd = (rng.random(n) < 0.06) * rng.poisson(1.2, n)
    juv_other = (rng.random(n) < 0.08) * rng.poisson(1.1, n)
    charge = np.where(rng.random(n) < 0.64, "F", "M")
    sex = np.where(rng.random(n) < 0.81, "Male", "Female")
    X = pd.DataFrame({"age": age, "priors_count": priors, "juv_fel_count": juv_fel,
                      "juv_misd_count": juv_misd, "juv_other_count": juv_other,
                      "c_charge_degree": charge, "sex": sex})
    logit = (0.9 - 0.6 * (age >= 23) - 0.4 * (age >= 30) - 0.5 * (age >= 45)
             + 0.35 * np.minimum(priors, 8) ** 0.8 + 0.4 * (juv_other > 0)
             + 0.15 * (charge == "F") - 0.3 * (sex == "Female") - 1.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return X, y


def run_one(n: int, repeat: int) -> dict:
    from rnr._models._points import PointsModel

    X, y = compas_like(n)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        model = PointsModel().fit(X, y)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    model.predict_proba(X)
    predict_s = time.perf_counter() - start
    tracemalloc.start()
    PointsModel().fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": n, "fit_s": round(min(times), 3), "peak_traced_mb": round(peak / 2**20, 1),
            "max_rss_mb": round(rss_kb / 1024, 1), "predict_s": round(predict_s, 3),
            "items": len(model.items_), "data_mb": round(
                X.memory_usage(deep=True).sum() / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[25_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.sizes[0], args.repeat)))
        return
    print(f"PointsModel fit on synthetic COMPAS-shaped rows; python {platform.python_version()}"
          f", numpy {np.__version__}, pandas {pd.__version__}, {platform.machine()}")
    print(f"{'rows':>10} {'fit_s':>8} {'peak_traced_mb':>15} {'max_rss_mb':>11} "
          f"{'predict_s':>10} {'items':>6} {'data_mb':>8}")
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, str(n), "--repeat", str(args.repeat),
                              "--child"], check=True, capture_output=True, text=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['rows']:>10,} {r['fit_s']:>8} {r['peak_traced_mb']:>15} "
              f"{r['max_rss_mb']:>11} {r['predict_s']:>10} {r['items']:>6} {r['data_mb']:>8}")


if __name__ == "__main__":
    main()
