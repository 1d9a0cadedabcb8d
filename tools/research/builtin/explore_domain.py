#!/usr/bin/env python3
"""Small changes to the domain bound, compared by the same grouped outer CV as domain.py
(no SVM is involved, so this is fast).

Usage (from the repo root, after extract.py):
  python3 tools/research/builtin/explore_domain.py [--controls real|exclude|fake] [--grid QxM,...]
                                                   [--work DIR] [--selection-work DIR] > TABLE.md

Variants (each a change a Swift implementation can make in a line or two):
  features  all (300, as specdet) | sub5 (every 5th value of each 150-value sector half: 60) |
            sub10 (30) | lowhalf (the first 75 of each half: 150) | axis (150) | diag (150)
  rows      orig (the original training profiles) | copies (the originals and their
            6 augmentation copies, JPEG q60-95 and downscale x0.4-0.9, in the statistics and
            in the out-of-fold distances the bound is read from)
  bound     quantile q of the out-of-fold distances times a margin factor
Reported: share of held-out distinct real images beyond the bound (all; by corpus), of the dev
reals after q75 and halving, of held-out network fakes; nearest-neighbour x2/x4 enlargements
beyond; and the Fixtures/outside images beyond the all-data bound.
"""

import argparse
import sys

import numpy as np

import universe
from domain import Domain, bound
from report import Boot, fmt, unique_rows
from sklearn.model_selection import StratifiedGroupKFold

SETS = {"all": np.arange(300), "sub5": np.r_[0:150:5, 150:300:5], "sub10": np.r_[0:150:10, 150:300:10],
        "lowhalf": np.r_[0:75, 150:225], "axis": np.arange(150), "diag": np.arange(150, 300)}
COPY_SLOTS = [0, 4, 5, 6, 7, 8, 9]


def oof(Xs, y, groups, seed):
    """Xs: (n, s, d) slots per training image; OOF distances (n, s) over 5 grouped folds."""
    sg = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed)
    d = np.full(Xs.shape[:2], np.nan)
    for tr, te in sg.split(Xs[:, 0], y, groups):
        dom = Domain(Xs[tr].reshape(-1, Xs.shape[2]))
        d[te] = dom.dist(Xs[te].reshape(-1, Xs.shape[2])).reshape(len(te), Xs.shape[1])
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--controls", default="real")
    ap.add_argument("--grid", default="0.995x1,0.999x1,1x1,0.995x1.2,0.995x1.3")
    universe.add_args(ap)
    a = ap.parse_args()
    universe.configure(a)
    U = universe.Universe()
    Bt = Boot(U)
    idx, y = U.training_rows(a.controls)
    nn, nn_fold = U.enlargements()
    outside, onames = universe.outside_images()
    grid = [tuple(map(float, g.split("x"))) for g in a.grid.split(",")]
    allreal = unique_rows(U, U.kind == "real")
    blocks = [("all reals", allreal, 0),
              ("dcgan64 reals", unique_rows(U, (U.corpus == "dev/dcgan64") & (U.kind == "real")), 0),
              ("ae128 reals", unique_rows(U, (U.source == "dev") & (U.corpus != "dev/dcgan64") & (U.kind == "real")), 0),
              ("sr reals (dev-sr+sr-extra)", unique_rows(U, (U.source != "dev") & (U.kind == "real")), 0),
              ("dev reals q75", unique_rows(U, (U.source == "dev") & (U.kind == "real")), 2),
              ("dev reals half", unique_rows(U, (U.source == "dev") & (U.kind == "real")), 3),
              ("network fakes", unique_rows(U, U.kind == "net"), 0)]
    print(f"Training set: pooled, controls {a.controls}, with sr-extra. Cells: % beyond the bound "
          f"[95 % group-bootstrap interval]; NN = nearest-neighbour x2/x4 enlargements of held-out reals "
          f"(n = {len(nn)}); fixtures: beyond the all-data bound (constant is degenerate_spectrum anyway).\n")
    print("| features | rows | q × margin | " + " | ".join(b[0] for b in blocks) + " | NN beyond | fixtures beyond (all-data model) | noise dist / bound |")
    print("|---|---|---|" + "---:|" * len(blocks) + "---:|---|---:|")
    for fs in ("all", "sub5", "sub10", "lowhalf", "axis", "diag"):
        cols = SETS[fs]
        for rows in ("orig", "copies"):
            slots = [0] if rows == "orig" else COPY_SLOTS
            D = np.full((U.X.shape[0], 4), np.nan)
            NN = np.full(len(nn), np.nan)
            inner = []
            for k in range(universe.K_OUT):
                sel = U.fold[idx] != k
                tr = idx[sel]
                Xs = U.X[U.key[tr]][:, slots][:, :, cols]
                inner.append(oof(Xs, y[sel], U.group[tr], 100 + k).ravel())
                dom = Domain(Xs.reshape(-1, len(cols)))
                keys = np.flatnonzero(U.key_fold == k)
                for c in range(4):
                    kc = keys[~np.isnan(U.X[keys, c, 0])]
                    D[kc, c] = dom.dist(U.X[kc, c][:, cols])
                NN[nn_fold == k] = dom.dist(nn[nn_fold == k][:, cols])
            Xa = U.X[U.key[idx]][:, slots][:, :, cols]
            full_oof = oof(Xa, y, U.group[idx], 0).ravel()
            full_out = Domain(Xa.reshape(-1, len(cols))).dist(outside[:, cols])
            Dr = D[U.key]
            for q, mg in grid:
                bnd = np.array([bound(o, q) * mg for o in inner])
                out = Dr > bnd[U.fold][:, None]
                cells = []
                for l, m, c in blocks:
                    mm = m & ~np.isnan(Dr[:, c])
                    p, b = Bt.mean(out[:, c], mm)
                    cells.append(fmt(p, b))
                nnb = np.mean(NN > bnd[nn_fold])
                fb = bound(full_oof, q) * mg
                beyond = [n for n, dd in zip(onames, full_out) if dd > fb]
                noise = full_out[onames.index("noise_uniform_128")]
                print(f"| {fs} ({len(cols)}) | {rows} | {q:g} × {mg:g} | " + " | ".join(cells) +
                      f" | {100 * nnb:.1f} | {len(beyond)}/6 (inside: {', '.join(n for n in onames if n not in beyond)}) "
                      f"| {noise:.1f} / {fb:.1f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
