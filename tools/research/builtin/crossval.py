#!/usr/bin/env python3
"""Grouped outer cross-validation of one pooled training recipe (fixed C = 6.37, gamma = 0.86,
sectors, 3 rounds x 2 copies, Nystroem 2000 landmarks, rounds' linear weights averaged: the
selection study's `nested.Model` in mode nys, imported unchanged).

Usage (from the repo root, after extract.py):
  python3 tools/research/builtin/crossval.py --name NAME --controls real|exclude|fake [--no-extra]
                                             [--landmarks 2000] [--work DIR] [--selection-work DIR]

Outer folds: one StratifiedGroupKFold(5, shuffle, random_state 0) over the whole universe
(universe.Universe: dev + dev-sr development rows + all sr-extra rows, grouped by photograph),
so every recipe is tested on the same held-out photographs (paired comparisons). For fold k
the model is trained on the recipe's rows outside fold k and scores *every* image of fold k
(whether or not the recipe trains on its kind): clean for all, q90 / q75 / half for the dev and
dev-sr images (the selection study's cache), plus the nearest-neighbour enlargements of fold-k real
crops (cache/feat_nn.npy) and the 6 Fixtures/outside images (every fold).

With fixed C and gamma there is nothing to select inside a fold and the threshold is the sign
(specdet's rule), so no inner loop is needed for these numbers.

Writes results/NAME.pkl in the work folder: dict(scores (n_keys, 4) NaN where not measured, nn_scores,
outside_scores (5, 6), fit_s per fold, n_train per fold, args).
"""

import argparse
import os
import pickle
import sys
import time

import numpy as np

import universe
from nested import Model     # tools/research/selection/nested.py (path set by universe)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--controls", default="exclude", choices=["real", "exclude", "fake"])
    ap.add_argument("--no-extra", action="store_true")
    ap.add_argument("--landmarks", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    universe.add_args(ap)
    a = ap.parse_args()
    universe.configure(a)
    os.makedirs(universe.RES, exist_ok=True)
    out_path = os.path.join(universe.RES, a.name + ".pkl")
    U = universe.Universe()
    Model.NYS_M = a.landmarks
    idx, y = U.training_rows(a.controls, extra=not a.no_extra)
    nn, nn_fold = U.enlargements()
    outside, _ = universe.outside_images()
    nprev = int(np.sum(~np.isnan(U.X[:, 1, 0])))     # keys with the q90/q75/half slots
    S = np.full((U.X.shape[0], 4), np.nan)
    NN = np.full(len(nn), np.nan)
    OUT = np.full((universe.K_OUT, len(outside)), np.nan)
    fit_s, n_train = [], []
    t0 = time.time()
    for k in range(universe.K_OUT):
        tr = idx[U.fold[idx] != k]
        ytr = y[U.fold[idx] != k]
        t = time.perf_counter()
        m = Model(6.37, 0.86, a.rounds, "nys", [300]).fit(U.X[U.key[tr]], ytr)
        fit_s.append(time.perf_counter() - t)
        n_train.append(len(tr))
        keys = np.flatnonzero(U.key_fold == k)
        S[keys, 0] = m.decision(U.X[keys, 0])
        kp = keys[~np.isnan(U.X[keys, 1, 0])]
        for c in (1, 2, 3):
            S[kp, c] = m.decision(U.X[kp, c])
        NN[nn_fold == k] = m.decision(nn[nn_fold == k])
        OUT[k] = m.decision(outside)
        print(f"{a.name} fold {k}: {len(tr)} training originals, fit {fit_s[-1]:.0f}s, "
              f"total {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    res = dict(scores=S, nn_scores=NN, outside_scores=OUT, fit_s=fit_s, n_train=n_train, args=vars(a),
               wall_s=time.time() - t0, nprev=nprev)
    with open(out_path, "wb") as fh:
        pickle.dump(res, fh)
    m = ~np.isnan(S[U.key, 0])
    print(f"{a.name}: {time.time() - t0:.0f}s; clean acc (all rows) "
          f"{np.mean((S[U.key[m], 0] > 0) == (U.fake[m] == 1)):.3f}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
