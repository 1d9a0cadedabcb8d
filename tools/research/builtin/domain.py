#!/usr/bin/env python3
"""The domain bound of a pooled training recipe, measured by grouped outer cross-validation.

Usage (from the repo root, after extract.py):
  python3 tools/research/builtin/domain.py --name NAME --controls real|exclude|fake [--no-extra]
                                           [--features all|axis|diag|lowhalf] (default all)
                                           [--work DIR] [--selection-work DIR]

The bound is specdet's DomainBound (Sources/SpecdetClassify/DomainBound.swift), re-implemented
here: on the *original* training profiles (float32, as Swift holds them; duplicates kept, as
`specdet train` on the folders counts a shared real crop once per folder)
  z = (x - mean) / std (population std, < 1e-12 -> 1), R = z'z / n,
  mu = tr(R) / d, alpha = clip(max(sum_k |z_k|^4 - n |R|_F^2, 0) / n^2 / |R - mu I|_F^2, 1e-4, 1),
  shrunk = (1 - alpha) R + alpha mu I, W = inverse Cholesky factor (stored as float32),
  d(x) = |W z(x)|; bound = the value at rank ceil(q n) of the sorted out-of-fold distances of the
  training originals over the training's cross-validation folds (each fold measured with the
  other folds' statistics); the model keeps the statistics of all training originals.

Outer fold k (the folds of universe.py, the same as crossval.py): the recipe's training rows outside
fold k are the "training originals"; their own 5 grouped folds (StratifiedGroupKFold, shuffle,
random_state 100 + k) give the out-of-fold distances (all stored, so any quantile or margin can
be read off later); the statistics of all of them measure every image of fold k (clean, and
q90/q75/half where cached), the nearest-neighbour enlargements of fold-k reals, and the
Fixtures/outside images. A last fit on all the recipe's rows (folds with random_state 0) gives
the shipped model's domain and the fixtures' distances to it.

--features restricts the domain (not the classifier) to a subset of the 300 sectors values:
axis (0-149), diag (150-299), lowhalf (the first 75 of each: the low-frequency half).

Writes results/domain_NAME[_FEATURES].pkl in the work folder.
"""

import argparse
import os
import pickle
import sys
import time

import numpy as np
from scipy.linalg import solve_triangular
from sklearn.model_selection import StratifiedGroupKFold

import universe
FEATS = {"all": np.arange(300), "axis": np.arange(150), "diag": np.arange(150, 300),
         "lowhalf": np.r_[0:75, 150:225]}


class Domain:
    def __init__(self, X):
        X = X.astype(np.float32).astype(np.float64)
        n, d = X.shape
        self.mean = X.mean(0)
        sd = np.sqrt(((X - self.mean) ** 2).mean(0))
        sd[~(sd > 1e-12)] = 1.0
        self.std = sd
        z = (X - self.mean) / sd
        R = z.T @ z / n
        mu = np.trace(R) / d
        disp = np.sum((R - mu * np.eye(d)) ** 2)
        fourth = np.sum(np.sum(z * z, 1) ** 2)
        spread = max(fourth - n * np.sum(R * R), 0.0)
        self.alpha = min(1.0, max(spread / (n * n) / disp, 1e-4)) if disp > 0 else 1.0
        shrunk = (1 - self.alpha) * R + self.alpha * mu * np.eye(d)
        L = np.linalg.cholesky(shrunk)
        W = solve_triangular(L, np.eye(d), lower=True)
        self.W = W.astype(np.float32).astype(np.float64)      # asStored

    def dist(self, X):
        X = np.asarray(X, np.float32).astype(np.float64)
        z = (X - self.mean) / self.std
        return np.sqrt(np.sum((z @ self.W.T) ** 2, 1))


def oof_distances(X, y, groups, seed, k=5):
    sg = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    d = np.full(len(X), np.nan)
    for tr, te in sg.split(X, y, groups):
        d[te] = Domain(X[tr]).dist(X[te])
    return d


def bound(oof, q):
    s = np.sort(oof)
    rank = min(len(s), max(1, int(np.ceil(q * len(s) - 1e-9))))
    return s[rank - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--controls", default="exclude", choices=["real", "exclude", "fake"])
    ap.add_argument("--no-extra", action="store_true")
    ap.add_argument("--features", default="all", choices=list(FEATS))
    universe.add_args(ap)
    a = ap.parse_args()
    universe.configure(a)
    cols = FEATS[a.features]
    U = universe.Universe()
    idx, y = U.training_rows(a.controls, extra=not a.no_extra)
    nn, nn_fold = U.enlargements()
    nn = nn[:, cols]
    outside = universe.outside_images()[0][:, cols]
    X = U.X[:, :, cols]
    D = np.full((X.shape[0], 4), np.nan)
    NN = np.full(len(nn), np.nan)
    OUT = np.full((universe.K_OUT, len(outside)), np.nan)
    inner, alphas = [], []
    t0 = time.time()
    for k in range(universe.K_OUT):
        tr = idx[U.fold[idx] != k]
        Xtr = X[U.key[tr], 0]
        oof = oof_distances(Xtr, y[U.fold[idx] != k], U.group[tr], 100 + k)
        dom = Domain(Xtr)
        alphas.append(dom.alpha)
        inner.append(dict(rows=tr, oof=oof))
        keys = np.flatnonzero(U.key_fold == k)
        for c in range(4):
            kc = keys[~np.isnan(X[keys, c, 0])]
            D[kc, c] = dom.dist(X[kc, c])
        NN[nn_fold == k] = dom.dist(nn[nn_fold == k])
        OUT[k] = dom.dist(outside)
        print(f"domain {a.name} fold {k}: n {len(tr)} alpha {dom.alpha:.4f} bound(0.995) {bound(oof, 0.995):.2f} "
              f"{time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    Xall = X[U.key[idx], 0]
    oof_all = oof_distances(Xall, y, U.group[idx], 0)
    full = Domain(Xall)
    res = dict(dist=D, nn_dist=NN, outside_dist=OUT, inner=inner, alphas=alphas, full_oof=oof_all,
               full_alpha=full.alpha, full_outside=full.dist(outside), args=vars(a), wall_s=time.time() - t0)
    suffix = "" if a.features == "all" else "_" + a.features
    os.makedirs(universe.RES, exist_ok=True)
    with open(os.path.join(universe.RES, f"domain_{a.name}{suffix}.pkl"), "wb") as fh:
        pickle.dump(res, fh)
    print(f"domain {a.name}{suffix}: full alpha {full.alpha:.4f} bound(0.995) {bound(oof_all, 0.995):.2f}; "
          f"outside {np.round(res['full_outside'], 1)}; {time.time() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
