#!/usr/bin/env python3
"""Metrics of scored lockbox images with bootstrap intervals that resample photographs.

Used by tools/accuracy.py; `python3 tools/lockbox_stats.py` runs its self-checks.

* `resample_weights(groups, n_boot, seed, key)`: a (n_boot, n) matrix; row b gives each image
  the number of times its group (source photograph) was drawn in resample b, when the
  distinct groups are drawn with replacement as many times as there are groups. The draws
  depend only on `seed`, `key` (the corpus name) and the sorted distinct groups, so every
  model scored on the same corpus gets the same resamples (paired comparisons), and the
  corpora are resampled independently of each other.
* `metrics(score, y, predicted, weights, oracle_at=None)`: per weight row, the accuracy of
  the given labels, the best accuracy any threshold on `score` achieves (fake when score >=
  t; the oracle) and the ROC AUC (ties count one half), all weighted by the row; and the index
  of the first row's best threshold. With `oracle_at` (such an index, found on the whole
  lockbox), the oracle column is the accuracy at that one threshold instead: resampled, the
  best threshold of each resample would be chosen on the resample itself and bias the
  interval upward.
* `summary(point, boot)`: the estimate and the 95 % percentile interval.
"""

from __future__ import annotations

import hashlib

import numpy as np

N_BOOT = 2000
SEED = 20261207
LEVEL = 0.95


def resample_weights(groups, n_boot: int = N_BOOT, seed: int = SEED, key: str = ""):
    groups = np.asarray(groups, dtype=object)
    distinct = sorted(set(groups.tolist()))
    index = {g: i for i, g in enumerate(distinct)}
    member = np.array([index[g] for g in groups], dtype=np.int64)
    salt = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little")
    rng = np.random.default_rng([seed, salt])
    draws = rng.integers(0, len(distinct), size=(n_boot, len(distinct)))
    counts = np.zeros((n_boot, len(distinct)))
    np.add.at(counts, (np.repeat(np.arange(n_boot), len(distinct)), draws.ravel()), 1.0)
    return counts[:, member]


def metrics(score, y, predicted, weights, oracle_at=None):
    """(accuracy, oracle accuracy, ROC AUC, best threshold index), the first three arrays with
    one value per weight row.

    score: float array (higher leans fake; NaN for an image without a score, which counts as
    wrong in every metric: as the worst score of its class for the oracle and the AUC);
    y: 1 fake, 0 real; predicted: 1 fake, 0 real, -1 no label (wrong);
    weights: (B, n) or (n,)."""
    score = np.asarray(score, dtype=float)
    y = np.asarray(y, dtype=int)
    predicted = np.asarray(predicted, dtype=int)
    W = np.atleast_2d(np.asarray(weights, dtype=float))
    total = W.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        acc = (W * (predicted == y)).sum(axis=1) / total
    s = score.copy()
    missing = np.isnan(s)
    if missing.any():
        finite = s[~missing]
        lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
        s[missing & (y == 1)] = lo - 1.0   # a fake without a score ranks below every real
        s[missing & (y == 0)] = hi + 1.0   # a real without a score ranks above every fake
    order = np.argsort(s, kind="stable")
    s, yy, Wo = s[order], y[order], W[:, order]
    starts = np.r_[0, np.flatnonzero(np.diff(s)) + 1]
    R = np.add.reduceat(Wo * (yy == 0), starts, axis=1)
    F = np.add.reduceat(Wo * (yy == 1), starts, axis=1)
    tot_r, tot_f = R.sum(axis=1), F.sum(axis=1)
    below_r = np.cumsum(R, axis=1) - R          # real weight strictly below each value
    below_f = np.cumsum(F, axis=1) - F
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (F * (below_r + 0.5 * R)).sum(axis=1) / (tot_f * tot_r)
        # threshold at each distinct value (fake when score >= it), and above them all
        correct = np.concatenate([below_r + (tot_f[:, None] - below_f), tot_r[:, None]], axis=1)
        best = int(np.argmax(correct[0]))
        if oracle_at is None:
            oracle = correct.max(axis=1) / total
        else:
            oracle = correct[:, oracle_at] / total
    return acc, oracle, auc, best


def summary(point: float, boot, level: float = LEVEL) -> dict:
    boot = np.asarray(boot, dtype=float)
    boot = boot[~np.isnan(boot)]
    q = (1 - level) / 2
    if boot.size == 0 or np.isnan(point):
        return dict(estimate=None if np.isnan(point) else float(point), low=None, high=None)
    return dict(estimate=float(point), low=float(np.quantile(boot, q)),
                high=float(np.quantile(boot, 1 - q)))


def _selfcheck() -> None:
    rng = np.random.default_rng(1)
    n = 60
    y = np.r_[np.zeros(30, int), np.ones(30, int)]
    score = rng.normal(size=n) + y
    score[5] = score[40]                      # a tie across the classes
    pred = (score >= 0.5).astype(int)
    acc, oracle, auc, best = metrics(score, y, pred, np.ones(n))
    # brute force
    pairs = [(1.0 if a > b else 0.5 if a == b else 0.0) for a in score[y == 1] for b in score[y == 0]]
    assert abs(auc[0] - np.mean(pairs)) < 1e-12, (auc, np.mean(pairs))
    assert abs(acc[0] - np.mean(pred == y)) < 1e-12
    best_acc = max(np.mean((score >= t) == y) for t in np.r_[score, np.inf])
    assert abs(oracle[0] - best_acc) < 1e-12, (oracle, best_acc)
    assert abs(metrics(score, y, pred, np.ones((2, n)), oracle_at=best)[1][1] - best_acc) < 1e-12
    # integer weights equal repeating the images
    w = rng.integers(0, 3, size=n).astype(float)
    rep = np.repeat(np.arange(n), w.astype(int))
    a2, o2, u2, _ = metrics(score[rep], y[rep], pred[rep], np.ones(rep.size))
    a1, o1, u1, _ = metrics(score, y, pred, w)
    assert np.allclose([a1[0], o1[0], u1[0]], [a2[0], o2[0], u2[0]])
    # resamples: same key same draws, rows sum to n over groups
    groups = [f"g{i // 3}" for i in range(n)]
    W1 = resample_weights(groups, 50, key="c")
    W2 = resample_weights(groups, 50, key="c")
    assert (W1 == W2).all() and (W1.sum(axis=1) == n).all()
    assert not (resample_weights(groups, 50, key="d") == W1).all()
    # an image without a score is wrong everywhere
    s3 = score.copy()
    s3[0] = np.nan
    p3 = pred.copy()
    p3[0] = -1
    a3, o3, u3, _ = metrics(s3, y, p3, np.ones(n))
    assert a3[0] <= acc[0] and u3[0] <= auc[0] + 1e-12
    print("lockbox_stats: self-checks passed")


if __name__ == "__main__":
    _selfcheck()
