#!/usr/bin/env python3
"""Operating point of the built-in recipe: the sign against thresholds from false-positive targets.

Threshold rules for the built-in recipe (controls real, sr-extra, Nystroem 1600 landmarks),
evaluated on the outer held-out photographs of the development part: would a threshold from a
false-positive target on the training photographs call fewer photographs fake, and at what cost?

Usage (from the repo root; R = tools/research/builtin; both commands also take --work DIR and
--selection-work DIR):
  python3 R/operating_point.py inner [--kin 5]                       (about 20 min on one core)
  python3 R/operating_point.py report [--kin 5] [--inner FILE] > R/tables/q5_operating_point.md

Needs: extract.py's cache (this study's and the selection study's work folders, as crossval.py)
and, for `report`, results/ctrl_real_nys1600.pkl of the work folder (run_all.sh's
`run ctrl_real_nys1600 --controls real --landmarks 1600`, crossval.py).

inner: inner out-of-fold decision values of the built-in recipe (the selection study's
  nested.Model in mode nys, 1600 landmarks, C 6.37, gamma 0.86, 3 rounds x 2 copies, as
  crossval.py) inside each outer training set. For outer fold k (the folds of universe.py) the
  recipe's training rows outside fold k are split by StratifiedGroupKFold(KIN, shuffle,
  random_state 100 + k) grouped by photograph (as the selection study's nested.py inner loop);
  each inner model scores its held-out training rows in slot 0 (clean original) and slots 4..9
  (the 6 augmentation copies). Writes results/operating_point_inner_k{KIN}.pkl in the work folder:
  dict(folds = [dict(rows, y, oof (n, 7), ifold) per outer fold], kin, wall_s).

report: thresholds per outer fold from that fold's inner OOF values only, applied to the stored
  outer held-out decision values of results/ctrl_real_nys1600.pkl (nothing is refitted; the
  outer values are not recomputed). Rules (fake when f > t):
  sign            t = 0 (specdet's default)
  fpr5, fpr2      the selection study's analyse.fpr_threshold: k = floor(F n); t = midpoint of
                  the k-th and (k+1)-th largest OOF value of the training *real crops* (kind
                  real: real/ folders of dev, dev-sr, sr-extra; distinct images, a crop shared
                  by several folders once; controls labelled real are NOT counted), clean
                  originals only
  fpr5_copies     the same on the real crops' clean originals + their 6 augmentation copies
  fpr5_ge256      F 0.05 on training real crops whose smaller side >= 256 px (dev-sr +
                  sr-extra reals; clean originals)
  fpr7_ge256      F 0.075 on the same (exploratory, added after seeing the others)
  fpr10_ge256     F 0.10 on the same (the target itself, for reference)
  Metrics and intervals as report.py (the same Boot draws, seed 12345: 2,000 group resamples of
  photographs within dev / dev-sr / sr-extra; differences paired against sign). The sign column
  reproduces tables/q4_nys1600_vs_2000.md (11.7 / 76.2 / 86.5 / 83.5).

Development rows only (universe.Universe); no lockbox file is read.
"""

import argparse
import os
import pickle
import sys
import time

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

import universe
import report as R
from analyse import fpr_threshold    # tools/research/selection/analyse.py (path set by universe)
from nested import Model             # tools/research/selection/nested.py

OUTER = "ctrl_real_nys1600"


def inner_path(kin):
    return os.path.join(universe.RES, f"operating_point_inner_k{kin}.pkl")


# ------------------------------------------------------------------------------------ inner
def cmd_inner(a):
    os.makedirs(universe.RES, exist_ok=True)
    out_path = inner_path(a.kin)
    Model.NYS_M = 1600
    U = universe.Universe()
    idx, y = U.training_rows("real", extra=True)
    out = []
    t0 = time.time()
    for k in range(universe.K_OUT):
        sel = U.fold[idx] != k
        tr, ytr = idx[sel], y[sel]
        sg = StratifiedGroupKFold(n_splits=a.kin, shuffle=True, random_state=100 + k)
        oof = np.full((len(tr), 7), np.nan)
        ifold = np.full(len(tr), -1)
        for j, (itr, ite) in enumerate(sg.split(np.zeros(len(tr)), ytr, U.group[tr])):
            m = Model(6.37, 0.86, 3, "nys", [300]).fit(U.X[U.key[tr[itr]]], ytr[itr])
            Xte = U.X[U.key[tr[ite]]][:, [0, 4, 5, 6, 7, 8, 9]]
            oof[ite] = m.decision(Xte.reshape(-1, Xte.shape[2])).reshape(len(ite), 7)
            ifold[ite] = j
            print(f"outer {k} inner {j}: {len(itr)} rows, total {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
        out.append(dict(rows=tr, y=ytr, oof=oof, ifold=ifold))
        with open(out_path, "wb") as fh:
            pickle.dump(dict(folds=out, kin=a.kin, wall_s=time.time() - t0), fh)
    print(f"done {time.time() - t0:.0f}s -> {out_path}", file=sys.stderr)


# ----------------------------------------------------------------------------------- report
def distinct(keys, vals):
    _, first = np.unique(keys, return_index=True)
    return vals[first]


def thresholds(U, inner):
    T = {r: [] for r in ("sign", "fpr5", "fpr2", "fpr5_copies", "fpr5_ge256", "fpr7_ge256", "fpr10_ge256")}
    diag = []
    for f in inner["folds"]:
        rows, oof = f["rows"], f["oof"]
        real = U.kind[rows] == "real"
        big = real & (U.size[rows] >= 256)
        keys = U.key[rows]
        # a shared crop has one key and one group -> one inner fold -> one value; check
        for m in (real,):
            for kk in np.unique(keys[m]):
                v = oof[m & (keys == kk), 0]
                assert np.ptp(v) == 0
        r0 = distinct(keys[real], oof[real, 0])
        rc = distinct(keys[real], oof[real]).ravel()
        b0 = distinct(keys[big], oof[big, 0])
        z = np.zeros
        T["sign"].append(0.0)
        T["fpr5"].append(fpr_threshold(r0, z(len(r0)), 0.05))
        T["fpr2"].append(fpr_threshold(r0, z(len(r0)), 0.02))
        T["fpr5_copies"].append(fpr_threshold(rc, z(len(rc)), 0.05))
        T["fpr5_ge256"].append(fpr_threshold(b0, z(len(b0)), 0.05))
        T["fpr7_ge256"].append(fpr_threshold(b0, z(len(b0)), 0.075))
        T["fpr10_ge256"].append(fpr_threshold(b0, z(len(b0)), 0.10))
        diag.append(dict(n_real=len(r0), n_big=len(b0), oof_fpr_sign_all=np.mean(r0 > 0),
                         oof_fpr_sign_big=np.mean(b0 > 0), oof_fpr_sign_copies=np.mean(rc > 0)))
    return {k: np.array(v) for k, v in T.items()}, diag


def blocks(U):
    nets = R.extra_nets(U)
    ur = R.unique_rows
    b = []
    for src in ("dev-sr", "sr-extra"):
        b.append((f"{src} real crops 256-512 px: called fake", "fake",
                  [(ur(U, (U.source == src) & (U.kind == "real") & np.isin(U.size, [256, 512])), 0)]))
    b.append(("**real crops 256-512 px (dev-sr + sr-extra): called fake** (target <= 10)", "fake",
              [(ur(U, np.isin(U.source, ["dev-sr", "sr-extra"]) & (U.kind == "real") & np.isin(U.size, [256, 512])), 0)]))
    b.append(("sr-extra real crops 1024 px: called fake", "fake",
              [(ur(U, (U.source == "sr-extra") & (U.kind == "real") & (U.size == 1024)), 0)]))
    b.append(("dev reals (64/128 px, dcgan64 + ae128): called fake", "fake", [(ur(U, (U.source == "dev") & (U.kind == "real")), 0)]))
    b.append(("**dev-sr: mean acc of 4 networks** (fakes vs reals)", "acc", [(U.corpus == "dev-sr/" + n, 0) for n in R.SR_DEV_NETS]))
    b.append(("**sr-extra: mean acc of 13 networks** (fakes vs reals)", "acc", [(U.corpus == "sr-extra/" + n, 0) for n in nets]))
    b.append(("dev-sr 4 networks: fakes called fake (TPR, mean)", "fake",
              [((U.corpus == "dev-sr/" + n) & (U.kind == "net"), 0) for n in R.SR_DEV_NETS]))
    b.append(("sr-extra 13 networks: fakes called fake (TPR, mean)", "fake",
              [((U.corpus == "sr-extra/" + n) & (U.kind == "net"), 0) for n in nets]))
    for c, cond in enumerate(R.COND):
        b.append((f"**5 dev corpora: mean acc {cond}**" if c == 0 else f"5 dev corpora: mean acc {cond}", "acc",
                  [(U.corpus == corp, c) for corp in R.DEV5]))
    b.append(("**bicubic/lanczos enlargements (all held-out controls): called fake**", "fake", [(ur(U, U.kind == "control"), 0)]))
    return b


def evaluate(U, Bt, S, thr_row, spec, kind):
    pts, bs = [], []
    for mask, c in spec:
        call = (S[:, c] > thr_row).astype(float)
        m = mask & ~np.isnan(S[:, c])
        v = (call == U.fake) if kind == "acc" else call
        p, b = Bt.mean(v, m)
        pts.append(p)
        bs.append(b)
    return np.mean(pts), np.mean(bs, axis=0)


def cmd_report(a):
    U = universe.Universe()
    assert set(np.unique(U.fold)) == set(range(5))
    Bt = R.Boot(U)
    S = R.load(OUTER)["scores"][U.key]
    with open(a.inner or inner_path(a.kin), "rb") as fh:
        inner = pickle.load(fh)
    assert len(inner["folds"]) == 5
    kin = inner.get("kin", a.kin)
    T, diag = thresholds(U, inner)
    rules = list(T)
    print(f"Built-in recipe (ctrl_real, sr-extra, Nyström 1600), outer held-out photographs of the development part; "
          f"thresholds from inner grouped {kin}-fold OOF values of each outer training set. "
          "% with 95 % group-bootstrap intervals; differences paired vs sign.\n")
    print("| metric (%) | " + " | ".join(rules) + " |")
    print("|---|" + "---:|" * len(rules))
    print("| threshold t per outer fold (min…max) | " + " | ".join(f"{T[r].min():+.2f}…{T[r].max():+.2f}" for r in rules) + " |")
    for label, kind, spec in blocks(U):
        vals = {r: evaluate(U, Bt, S, T[r][U.fold], spec, kind) for r in rules}
        cells = [R.fmt(*vals["sign"])]
        for r in rules[1:]:
            d = (vals[r][0] - vals["sign"][0], vals[r][1] - vals["sign"][1])
            cells.append(f"{R.fmt(*vals[r])}<br>Δ {R.fmt(*d, sign=True)}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\nInner OOF, per outer fold: distinct training real crops (all / >= 256 px) and their share > 0 "
          "(clean; clean + copies):\n")
    for k, d in enumerate(diag):
        print(f"- fold {k}: n_real {d['n_real']}, n>=256 {d['n_big']}; OOF FPR at sign: all {100 * d['oof_fpr_sign_all']:.1f} %, "
              f">=256 {100 * d['oof_fpr_sign_big']:.1f} %, copies {100 * d['oof_fpr_sign_copies']:.1f} %")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cmd", choices=["inner", "report"],
                    help="inner: inner out-of-fold values (slow); report: the markdown table (seconds)")
    ap.add_argument("--kin", type=int, default=5, help="inner folds (default 5)")
    ap.add_argument("--inner", default=None,
                    help="report: the inner pickle to read (default results/operating_point_inner_k{KIN}.pkl "
                         "of the work folder)")
    universe.add_args(ap)
    a = ap.parse_args()
    universe.configure(a)
    if a.cmd == "inner":
        cmd_inner(a)
    else:
        cmd_report(a)


if __name__ == "__main__":
    sys.exit(main())
