#!/usr/bin/env python3
"""Nested grouped cross-validation of one training configuration (development part only).

Usage (from the repo root, after extract.py and sizes.py):
  python3 tools/research/selection/nested.py --name NAME --features SET[,SET...] [--mode raw|std|nys]
                    [--C 6.37[,...]] [--gamma 0.86[,...]] [--rounds 3] [--landmarks 1000]
                    [--train dev/dcgan64,...|corpora|sr|pooled] [--work DIR]

For each training set (a corpus, or `pooled` = the five dev corpora and the four dev-sr
networks together, identical files counted once):

The pooled set keeps every row of every corpus folder (the real crops shared by the four
ae128_* folders count four times, the dev-sr real crops once per network folder), as
`specdet train` does when given all the folders; identical files share a group, so they
always sit in the same fold.

* outer: StratifiedGroupKFold(5, shuffle, random_state=0) over the images, grouped by source
  photograph (`group` of split.csv). Each outer-training part gets
* inner: StratifiedGroupKFold(5, shuffle, random_state=100 + outer fold) over the outer-training
  images. For every (C, gamma) of the grid the full model (all rounds) is fitted on each inner
  training part and scores the inner held-out originals (clean) and their 6 augmentation
  copies: out-of-fold (OOF) decision values. The grid point with the highest
  0.5 * AUC(OOF originals) + 0.5 * AUC(OOF copies) is chosen (ties: the first listed). Its OOF
  values are stored for the threshold rules (analyse.py).
* the chosen model is refitted on the whole outer-training part and scores the held-out
  images under every test condition (clean, q90, q75, half), and, for dev-sr training sets,
  the bicubic-control fakes of the held-out photographs.

Model: `rounds` RBF SVMs (sklearn SVC = libsvm C-SVC), round k trained on the originals and
copies 2k, 2k+1 (seed k), decision value = mean over rounds (rounds 0: one SVM on the
originals only). mode raw: features as they are (specdet's default). mode std: every column
z-scored with the mean/std of the training rows (originals + all rounds' copies), then each
feature set multiplied by 1/sqrt(its dimension), so every set has total variance 1; gamma is
then given per set: the kernel uses gamma / (number of sets).

mode nys: raw features, RBF kernel approximated by 1000 Nystroem landmarks and a linear SVM per
round, rounds averaged (Model._fit_nystroem): a model of exactly 1000 "support vectors".

Writes results/NAME/<training set>.pkl in the work folder (read by analyse.py); skips a
training set whose file exists.
"""

import argparse
import csv
import os
import pickle
import sys
import time

import numpy as np

import common as C



class Data:
    def __init__(self, sets):
        self.rows = list(csv.DictReader(open(os.path.join(C.CACHE, "index.csv"))))
        for r in self.rows:
            r["key"] = int(r["key"])
            r["y"] = int(r["y"])
        n = 1 + max(r["key"] for r in self.rows)
        self.y = np.full(n, -1)
        self.group = np.empty(n, dtype=object)
        for r in self.rows:
            self.y[r["key"]] = r["y"]
            self.group[r["key"]] = r["group"]
        self.sets = sets
        self.F = [np.load(os.path.join(C.CACHE, f"feat_{s}.npy")) for s in sets]
        self.dims = [f.shape[2] for f in self.F]
        self.X = np.concatenate(self.F, axis=2)          # (keys, 10 slots, D)

    def keys(self, corpora, label=None):
        """unique keys of the corpora (sorted)"""
        out = set()
        for r in self.rows:
            if r["corpus"] in corpora and (label is None or r["label"] == label):
                out.add(r["key"])
        return np.array(sorted(out))

    def row_keys(self, corpora):
        """(keys, corpus) of every row of the corpora, duplicates kept: an image that sits in
        several corpus folders (the shared real crops) counts once per folder, as when
        `specdet train` is given all the folders"""
        sel = [r for r in self.rows if r["corpus"] in corpora]
        return np.array([r["key"] for r in sel]), np.array([r["corpus"].replace("/", "_") for r in sel])


def training_sets(spec):
    if spec == "corpora":
        return [(c, [c]) for c in C.DEV_CORPORA]
    if spec == "sr":
        return [(c, [c]) for c in C.SR_NETS + C.SR_CONTROLS]
    if spec == "pooled":
        return [("pooled", list(C.DEV_CORPORA + C.SR_NETS))]
    return [(c, [c]) for c in spec.split(",")]


class Model:
    """rounds averaged RBF SVMs with an optional per-set standardisation."""

    def __init__(self, C_, gamma, rounds, mode, dims):
        self.C, self.gamma, self.rounds, self.mode, self.dims = C_, gamma, rounds, mode, dims

    def _scale(self, X):
        if self.mode == "raw":
            return X
        return (X - self.mu) * self.w

    def fit(self, X, y):
        """X: (n, 10, D) slots of the training keys."""
        from sklearn.svm import SVC
        slots = [[0]] if self.rounds == 0 else [[0, 4 + 2 * k, 5 + 2 * k] for k in range(self.rounds)]
        if self.mode == "std":
            allrows = np.concatenate([X[:, 0]] + [X[:, s] for sl in slots for s in sl[1:]])
            self.mu = allrows.mean(0)
            sd = allrows.std(0)
            sd[sd == 0] = 1.0
            per_set = np.concatenate([np.full(d, 1 / np.sqrt(d)) for d in self.dims])
            self.w = per_set / sd
            g = self.gamma / len(self.dims)
        else:
            g = self.gamma
        if self.mode == "nys":
            return self._fit_nystroem(X, y, slots)
        self.svms = []
        self.n_sv_unique = 0
        orig_sv = set()
        for sl in slots:
            Xtr = np.concatenate([X[:, s] for s in sl])
            ytr = np.concatenate([y] * len(sl))
            m = SVC(C=self.C, kernel="rbf", gamma=g, cache_size=500).fit(self._scale(Xtr), ytr)
            self.svms.append(m)
            n = X.shape[0]
            orig_sv |= set(int(i) for i in m.support_ if i < n)
            self.n_sv_unique += int(np.sum(m.support_ >= n))
        self.n_sv_unique += len(orig_sv)
        return self

    NYS_M = 1000

    def _fit_nystroem(self, X, y, slots):
        """Explicit-kernel model: m = NYS_M (--landmarks, default 1000) landmarks drawn (seed 0) from the training rows of
        all rounds; phi(x) = k(x, L) K_LL^(-1/2) (eigenvalues < 1e-10 dropped); per round a
        linear SVM (hinge loss, C) on phi; the rounds' weights and biases are averaged. The
        result is exactly an RBF expansion over the 1000 landmarks:
        f(x) = sum_j a_j exp(-gamma |x - l_j|^2) + b, a = K_LL^(-1/2) w (no per-SV limit)."""
        from sklearn.svm import LinearSVC
        allrows = np.concatenate([X[:, 0]] + [X[:, s] for sl in slots for s in sl[1:]])
        rng = np.random.default_rng(0)
        m = min(self.NYS_M, len(allrows))
        L = allrows[rng.choice(len(allrows), m, replace=False)]
        Kll = self._k(L, L)
        ev, U = np.linalg.eigh(Kll)
        keep = ev > 1e-10
        T = U[:, keep] / np.sqrt(ev[keep])
        ws, bs = [], []
        for sl in slots:
            Xtr = np.concatenate([X[:, s] for s in sl])
            ytr = np.concatenate([y] * len(sl))
            phi = self._k(Xtr, L) @ T
            lin = LinearSVC(C=self.C, loss="hinge", dual=True, max_iter=20000, tol=1e-4).fit(phi, ytr)
            ws.append(lin.coef_[0])
            bs.append(lin.intercept_[0])
        self.L, self.a, self.b = L, T @ np.mean(ws, 0), float(np.mean(bs))
        self.n_sv_unique = m
        self.svms = []
        return self

    def _k(self, A, Bm):
        d = (A * A).sum(1)[:, None] + (Bm * Bm).sum(1)[None, :] - 2 * A @ Bm.T
        return np.exp(-self.gamma * np.maximum(d, 0))

    def decision(self, Xs):
        if self.mode == "nys":
            return self._k(Xs, self.L) @ self.a + self.b
        Z = self._scale(Xs)
        return np.mean([m.decision_function(Z) for m in self.svms], axis=0)


def auc(y, s):
    from sklearn.metrics import roc_auc_score
    if len(set(y.tolist())) < 2:
        return float("nan")
    return float(roc_auc_score(y, s))


def folds(y, groups, k, seed):
    from sklearn.model_selection import StratifiedGroupKFold
    sgkf = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    f = np.full(len(y), -1)
    for i, (_, te) in enumerate(sgkf.split(np.zeros(len(y)), y, groups)):
        f[te] = i
    return f


def run_one(D, name, corpora, grid, rounds, mode, kout=5, kin=5):
    keys, corp = D.row_keys(corpora)
    y, g = D.y[keys], D.group[keys]
    ctrl = D.keys(C.SR_CONTROLS, "fake") if any(c.startswith("dev-sr/") and c not in C.SR_CONTROLS
                                              for c in corpora) else np.array([], int)
    of = folds(y, g, kout, 0)
    out = dict(keys=keys, corpus=corp, y=y, group=g, fold=of, scores=np.full((len(keys), 4), np.nan),
               ctrl_keys=ctrl, ctrl_group=D.group[ctrl] if len(ctrl) else np.array([]),
               ctrl_scores=np.full((len(ctrl), 4), np.nan), inner=[], chosen=[], crit=[],
               fit_s=[], n_sv=[], grid=grid, rounds=rounds, mode=mode, sets=D.sets)
    for k in range(kout):
        tr, te = of != k, of == k
        Xtr, ytr, gtr = D.X[keys[tr]], y[tr], g[tr]
        inf = folds(ytr, gtr, kin, 100 + k)
        best, best_c, best_oof, crits = None, -1, None, []
        for (C_, gam) in grid:
            oof = np.full((tr.sum(), 7), np.nan)
            for j in range(kin):
                itr, ite = inf != j, inf == j
                m = Model(C_, gam, rounds, mode, D.dims).fit(Xtr[itr], ytr[itr])
                Xte = Xtr[ite]
                sl = [0] + list(range(4, 10))
                dec = m.decision(Xte[:, sl].reshape(-1, Xte.shape[2])).reshape(ite.sum(), 7)
                oof[ite] = dec
            c = 0.5 * auc(ytr, oof[:, 0]) + 0.5 * auc(np.repeat(ytr, 6), oof[:, 1:].ravel())
            crits.append(c)
            if c > best_c + 1e-12:
                best, best_c, best_oof = (C_, gam), c, oof
        t = time.perf_counter()
        m = Model(best[0], best[1], rounds, mode, D.dims).fit(Xtr, ytr)
        out["fit_s"].append(time.perf_counter() - t)
        out["n_sv"].append(m.n_sv_unique)
        Xte = D.X[keys[te]]
        out["scores"][te] = m.decision(Xte[:, :4].reshape(-1, Xte.shape[2])).reshape(te.sum(), 4)
        if len(ctrl):
            test_groups = set(g[te].tolist())
            cm = np.array([gg in test_groups for gg in out["ctrl_group"]])
            if cm.any():
                Xc = D.X[ctrl[cm]]
                out["ctrl_scores"][cm] = m.decision(Xc[:, :4].reshape(-1, Xc.shape[2])).reshape(cm.sum(), 4)
        out["inner"].append(dict(idx=np.flatnonzero(tr), y=ytr, group=gtr, oof=best_oof))
        out["chosen"].append(best)
        out["crit"].append(crits)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--features", default="sectors")
    ap.add_argument("--mode", default="raw", choices=["raw", "std", "nys"])
    ap.add_argument("--C", default="6.37")
    ap.add_argument("--gamma", default="0.86")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--train", default="corpora,sr")
    ap.add_argument("--landmarks", type=int, default=1000, help="mode nys: number of landmarks")
    C.add_work_arg(ap)
    a = ap.parse_args()
    C.set_work(a.work)
    sets = a.features.split(",")
    if a.mode in ("raw", "nys") and len(sets) > 1:
        ap.error("raw mode takes one feature set")
    Model.NYS_M = a.landmarks
    grid = [(float(c), float(gm)) for c in a.C.split(",") for gm in a.gamma.split(",")]
    D = Data(sets)
    outdir = os.path.join(C.RESULTS, a.name)
    os.makedirs(outdir, exist_ok=True)
    specs = []
    for part in a.train.split(";"):
        for sp in part.split(","):
            specs += training_sets(sp) if sp in ("corpora", "sr", "pooled") else [(sp, [sp])]
    for name, corpora in specs:
        path = os.path.join(outdir, name.replace("/", "_") + ".pkl")
        if os.path.exists(path):
            continue
        t = time.time()
        res = run_one(D, name, corpora, grid, a.rounds, a.mode)
        res["wall_s"] = time.time() - t
        res["args"] = vars(a)
        with open(path, "wb") as fh:
            pickle.dump(res, fh)
        acc = np.mean((res["scores"][:, 0] > 0) == (res["y"] == 1))
        print(f"{a.name} {name}: {time.time() - t:.0f}s clean acc(sign) {acc:.3f} "
              f"chosen {res['chosen']}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
