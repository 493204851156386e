"""Stratified bootstrap of the AUC, vectorised, in blocks spread over joblib workers.

Events and non-events are resampled separately with replacement (their numbers stay fixed),
the usual stratified bootstrap for an AUC. A replicate only needs how many resampled events and
non-events fall at each distinct risk value, so:

- when there are few distinct values (``k <= n / 4``, e.g. deciles or a points total), the
  counts are drawn directly from a multinomial distribution over the distinct values, which has
  exactly the distribution of the counts of a row resample, in O(k) per replicate;
- otherwise each replicate draws how many times every event and every non-event is picked
  (``bincount`` of uniform indices) and, with the rows sorted by risk once, counts the
  non-events below each event by a cumulative sum over those weights, in O(n) per replicate.

Either way no sort is repeated. Replicates are drawn in fixed blocks of ``BLOCK`` with one
child seed each (``numpy.random.SeedSequence.spawn``), so the replicates depend on
``random_state`` only, never on ``n_jobs``.
"""

from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from ._auc import RankCounts

__all__ = ["BLOCK", "bootstrap_auc", "weighted_twice_u"]

#: Replicates per block (and per random stream).
BLOCK = 25


def _aucs(pos: np.ndarray, neg: np.ndarray, n1: int, n0: int) -> np.ndarray:
    """AUC of each row of count matrices ``pos`` and ``neg`` (replicates x values)."""
    below = np.cumsum(neg, axis=1) - neg
    twice = np.einsum("ij,ij->i", pos.astype(float), (2.0 * below + neg).astype(float))
    return twice / (2.0 * n1 * n0)


def _block_multinomial(pos, neg, seed, size) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n1, n0 = int(pos.sum()), int(neg.sum())
    bpos = rng.multinomial(n1, pos / n1, size=size)
    bneg = rng.multinomial(n0, neg / n0, size=size)
    return _aucs(bpos, bneg, n1, n0)


def weighted_twice_u(w: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> int:
    """Twice the Mann-Whitney U with row weights: events ``w``, non-events ``v`` (sorted by risk).

    ``lo[i]``/``hi[i]`` are the numbers of non-events with risk below / at or below event ``i``'s.
    With all weights 1 this is ``2 * AUC * n1 * n0``.
    """
    cv = np.zeros(v.size + 1, dtype=np.int64)
    np.cumsum(v, out=cv[1:])
    return int(w @ (cv[lo] + cv[hi]))


def _block_rows(lo, hi, n0, seed, size) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n1 = lo.size
    out = np.empty(size)
    for r in range(size):
        w = np.bincount(rng.integers(0, n1, n1), minlength=n1)
        v = np.bincount(rng.integers(0, n0, n0), minlength=n0)
        out[r] = weighted_twice_u(w, v, lo, hi) / (2.0 * n1 * n0)
    return out


def bootstrap_auc(
    counts: RankCounts,
    y: np.ndarray,
    n_boot: int,
    seed: np.random.SeedSequence,
    n_jobs: int | None = None,
) -> np.ndarray:
    """Return ``n_boot`` stratified-bootstrap replicates of the AUC.

    Parameters
    ----------
    counts : RankCounts
        The data grouped by distinct risk value.
    y : ndarray of bool
        Outcomes, row-aligned with ``counts.codes``.
    n_boot : int
        Number of replicates.
    seed : numpy.random.SeedSequence
        The root of the random streams.
    n_jobs : int or None
        joblib workers (None: 1, -1: all cores).
    """
    sizes = [BLOCK] * (n_boot // BLOCK) + ([n_boot % BLOCK] if n_boot % BLOCK else [])
    blocks = list(zip(seed.spawn(len(sizes)), sizes, strict=True))
    k = counts.values.size
    n = counts.codes.size
    if k <= n // 4:
        args: tuple = (counts.pos, counts.neg)
        one = _block_multinomial
    else:
        ybool = np.asarray(y, dtype=bool)
        pos_codes = np.sort(counts.codes[ybool])
        neg_codes = np.sort(counts.codes[~ybool])
        lo = np.searchsorted(neg_codes, pos_codes, side="left")
        hi = np.searchsorted(neg_codes, pos_codes, side="right")
        args = (lo, hi, neg_codes.size)
        one = _block_rows
    # a few tasks per worker, each running whole blocks: the results do not depend on n_jobs
    workers = effective_n_jobs(n_jobs)
    n_tasks = min(len(blocks), 4 * workers) if workers > 1 else 1
    chunks = [blocks[i::n_tasks] for i in range(n_tasks)]
    parts = Parallel(n_jobs=n_jobs)(delayed(_run)(one, args, chunk) for chunk in chunks)
    out = np.empty(n_boot)
    for i, chunk_result in enumerate(parts):
        for j, values in enumerate(chunk_result):
            b = i + j * n_tasks  # block number: blocks[i::n_tasks][j] is blocks[i + j*n_tasks]
            out[b * BLOCK : b * BLOCK + values.size] = values
    return out


def _run(one, args, chunk) -> list[np.ndarray]:
    return [one(*args, s, size) for s, size in chunk]
