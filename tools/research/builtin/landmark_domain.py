#!/usr/bin/env python3
"""A second domain criterion that needs no extra storage: the Euclidean distance from a profile
to its nearest Nystroem landmark (the landmarks are in the model anyway). Far from every
landmark, every kernel value is ~0 and the decision value is just the bias b, whatever the image.

Usage (from the repo root, after extract.py):
  python3 tools/research/builtin/landmark_domain.py [--controls real] [--q 0.995,0.999,1]
                                                    [--work DIR] [--selection-work DIR] > TABLE.md

Grouped outer CV as domain.py. Outer fold k: landmarks drawn exactly as the model draws them
(nested.Model._fit_nystroem: default_rng(0).choice over the originals and the 6 copies of the
training rows); the bound is the q quantile of out-of-fold nearest-landmark distances over 5
inner grouped folds (random_state 100 + k), each inner fold measured against landmarks drawn
the same way from the other inner folds, over originals and copies. Reported alone and OR-ed
with the Mahalanobis bound of the 'copies' variant (explore_domain.py: statistics and bound
from the originals and their copies, q 0.995).
"""

import argparse
import sys

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

import universe
from domain import Domain, bound
from explore_domain import COPY_SLOTS, oof
from report import Boot, fmt, unique_rows

M = 2000


def landmarks(X):
    """X (n, 10, d) of training keys -> the model's landmarks"""
    slots = [[0, 4 + 2 * k, 5 + 2 * k] for k in range(3)]
    allrows = np.concatenate([X[:, 0]] + [X[:, s] for sl in slots for s in sl[1:]])
    return allrows[np.random.default_rng(0).choice(len(allrows), min(M, len(allrows)), replace=False)]


def nearest(A, L):
    out = np.empty(len(A))
    LL = (L * L).sum(1)
    for i in range(0, len(A), 4000):
        a = A[i:i + 4000]
        d = (a * a).sum(1)[:, None] + LL[None] - 2 * a @ L.T
        out[i:i + 4000] = np.sqrt(np.maximum(d.min(1), 0))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--controls", default="real")
    ap.add_argument("--q", default="0.995,0.999,1")
    universe.add_args(ap)
    a = ap.parse_args()
    universe.configure(a)
    U = universe.Universe()
    Bt = Boot(U)
    idx, y = U.training_rows(a.controls)
    nn, nn_fold = U.enlargements()
    outside, onames = universe.outside_images()
    qs = [float(q) for q in a.q.split(",")]
    DL = np.full((U.X.shape[0], 4), np.nan)      # nearest-landmark distance
    DM = np.full((U.X.shape[0], 4), np.nan)      # Mahalanobis, copies variant
    NNL, NNM = np.full(len(nn), np.nan), np.full(len(nn), np.nan)
    OL, OM = np.full((5, 6), np.nan), np.full((5, 6), np.nan)
    inner_l, inner_m = [], []
    for k in range(universe.K_OUT):
        sel = U.fold[idx] != k
        tr, ytr = idx[sel], y[sel]
        X = U.X[U.key[tr]]
        sg = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=100 + k)
        o = np.full((len(tr), len(COPY_SLOTS)), np.nan)
        for itr, ite in sg.split(X[:, 0], ytr, U.group[tr]):
            L = landmarks(X[itr])
            o[ite] = nearest(X[ite][:, COPY_SLOTS].reshape(-1, 300), L).reshape(len(ite), -1)
        inner_l.append(o.ravel())
        inner_m.append(oof(X[:, COPY_SLOTS], ytr, U.group[tr], 100 + k).ravel())
        L = landmarks(X)
        dom = Domain(X[:, COPY_SLOTS].reshape(-1, 300))
        keys = np.flatnonzero(U.key_fold == k)
        for c in range(4):
            kc = keys[~np.isnan(U.X[keys, c, 0])]
            DL[kc, c] = nearest(U.X[kc, c], L)
            DM[kc, c] = dom.dist(U.X[kc, c])
        NNL[nn_fold == k] = nearest(nn[nn_fold == k], L)
        NNM[nn_fold == k] = dom.dist(nn[nn_fold == k])
        OL[k] = nearest(outside, L)
        OM[k] = dom.dist(outside)
        print(f"fold {k} done", file=sys.stderr, flush=True)
    allreal = unique_rows(U, U.kind == "real")
    dreal = unique_rows(U, (U.source == "dev") & (U.kind == "real"))
    blocks = [("all reals", allreal, 0),
              ("dcgan64 reals", unique_rows(U, (U.corpus == "dev/dcgan64") & (U.kind == "real")), 0),
              ("ae128 reals", unique_rows(U, (U.source == "dev") & (U.corpus != "dev/dcgan64") & (U.kind == "real")), 0),
              ("sr reals", unique_rows(U, (U.source != "dev") & (U.kind == "real")), 0),
              ("dev reals q75", dreal, 2), ("dev reals half", dreal, 3),
              ("dev-sr reals half", unique_rows(U, (U.source == "dev-sr") & (U.kind == "real")), 3),
              ("network fakes", unique_rows(U, U.kind == "net"), 0),
              ("controls", unique_rows(U, U.kind == "control"), 0)]
    print(f"Training set: pooled, controls {a.controls}, with sr-extra. % of held-out images beyond "
          "[95 % group-bootstrap interval]. 'landmark': nearest-landmark distance > its bound; "
          "'copies-Mahalanobis': the Mahalanobis distance with statistics and bound (q 0.995) from "
          "originals + copies; 'either': beyond one or the other.\n")
    print("| rule | landmark q | " + " | ".join(b[0] for b in blocks) + " | NN ×2/×4 beyond | fixtures beyond (of 5 folds) |")
    print("|---|---|" + "---:|" * len(blocks) + "---:|---|")
    bm = np.array([bound(o, 0.995) for o in inner_m])
    outM = DM[U.key] > bm[U.fold][:, None]
    for q in qs:
        bl = np.array([bound(o, q) for o in inner_l])
        outL = DL[U.key] > bl[U.fold][:, None]
        for rule, out, nnb, ob in (("landmark", outL, NNL > bl[nn_fold], OL > bl[:, None]),
                                   ("either", outL | outM, (NNL > bl[nn_fold]) | (NNM > bm[nn_fold]),
                                    (OL > bl[:, None]) | (OM > bm[:, None]))):
            cells = []
            for l, m, c in blocks:
                mm = m & ~np.isnan(DL[U.key][:, c])
                p, b = Bt.mean(out[:, c], mm)
                cells.append(fmt(p, b))
            fx = ", ".join(f"{n} {ob[:, j].sum()}/5" for j, n in enumerate(onames))
            print(f"| {rule} | {q:g} | " + " | ".join(cells) + f" | {100 * nnb.mean():.1f} | {fx} |")
        print(f"\nq {q:g}: landmark bound per fold {', '.join(f'{b:.2f}' for b in bl)}; fixtures' nearest-landmark "
              f"distance (fold 0): {', '.join(f'{n} {d:.2f}' for n, d in zip(onames, OL[0]))}\n", file=sys.stderr)
    cells = []
    for l, m, c in blocks:
        mm = m & ~np.isnan(DM[U.key][:, c])
        p, b = Bt.mean(outM[:, c], mm)
        cells.append(fmt(p, b))
    ob = OM > bm[:, None]
    print("| copies-Mahalanobis alone | – | " + " | ".join(cells) + f" | {100 * np.mean(NNM > bm[nn_fold]):.1f} | "
          + ", ".join(f"{n} {ob[:, j].sum()}/5" for j, n in enumerate(onames)) + " |")


if __name__ == "__main__":
    sys.exit(main())
