"""Threshold rules, accuracy/AUC and group-bootstrap intervals on nested.py's outputs.

Library used by report.py. Everything here works on the stored outer-fold
decision values and inner out-of-fold (OOF) decision values; nothing is refitted.

Threshold rules (a held-out image is called fake when its decision value f >= t; t is
chosen per outer fold from that fold's inner OOF values only, then applied to every test
condition of the fold):
  sign          t = 0 (specdet's default, `--threshold-rule` decision-sign; sklearn `predict`)
  platt         Platt's sigmoid P = 1/(1+exp(A f + B)) fitted (Lin, Lin & Weng 2007 algorithm,
                libsvm's targets) on the OOF values of the clean originals; fake when P >= 0.5,
                i.e. t = -B/A
  acc_clean     the accuracy-maximising threshold on the OOF clean originals: candidates are
                the midpoints between consecutive distinct OOF values (and +-inf); among the
                maximisers the one nearest to 0
  acc_copies    the same on the OOF originals plus their 6 augmentation copies (every row
                weight 1)
  acc_clean_band, acc_copies_band
                the same per size band of the image's smaller side (< 96, 96-191, >= 192 px; a
                copy or a halved test image falls in the band of its own size); a band with
                fewer than 10 reals or 10 fakes in the calibration set uses the global value
  fpr<F>        the smallest t whose OOF false-positive rate on the clean originals is <= F:
                k = floor(F * n_real); t = midpoint of the k-th and (k+1)-th largest real
                OOF value (so exactly k reals of the calibration set are at or above t)
  fpr<F>_copies the same on the originals plus copies
  oracle        (not a rule) the best single threshold on the pooled outer values of a
                corpus and condition
"""

import glob
import os
import pickle

import numpy as np

import common as C

COND = C.CONDITIONS
B = 2000


def load(name, train):
    p = os.path.join(C.RESULTS, name, train.replace("/", "_") + ".pkl")
    with open(p, "rb") as fh:
        return pickle.load(fh)


def available(name):
    return sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(C.RESULTS, name, "*.pkl")))


# ------------------------------------------------------------------------ threshold rules
def platt(f, y, iters=100):
    """libsvm sigmoid_train (Lin, Lin & Weng 2007): returns A, B of P = 1/(1+exp(A f + B))."""
    f = np.asarray(f, float)
    y = np.asarray(y)
    prior1, prior0 = float((y == 1).sum()), float((y == 0).sum())
    hi, lo = (prior1 + 1) / (prior1 + 2), 1 / (prior0 + 2)
    t = np.where(y == 1, hi, lo)
    A, Bb = 0.0, np.log((prior0 + 1) / (prior1 + 1))
    sigma, eps = 1e-12, 1e-5

    def fval(A, Bb):
        fApB = f * A + Bb
        return np.sum(np.where(fApB >= 0, t * fApB + np.log1p(np.exp(-np.abs(fApB))),
                               (t - 1) * fApB + np.log1p(np.exp(-np.abs(fApB)))))
    fv = fval(A, Bb)
    for _ in range(iters):
        fApB = f * A + Bb
        p = np.where(fApB >= 0, np.exp(-np.abs(fApB)) / (1 + np.exp(-np.abs(fApB))),
                     1 / (1 + np.exp(-np.abs(fApB))))
        q = 1 - p
        d2 = p * q
        h11 = sigma + np.sum(f * f * d2)
        h22 = sigma + np.sum(d2)
        h21 = np.sum(f * d2)
        d1 = t - p
        g1, g2 = np.sum(f * d1), np.sum(d1)
        if abs(g1) < eps and abs(g2) < eps:
            break
        det = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / det
        dB = -(-h21 * g1 + h11 * g2) / det
        gd = g1 * dA + g2 * dB
        step = 1.0
        while step >= 1e-10:
            nA, nB = A + step * dA, Bb + step * dB
            nf = fval(nA, nB)
            if nf < fv + 1e-4 * step * gd:
                A, Bb, fv = nA, nB, nf
                break
            step /= 2
        else:
            break
    return A, Bb


def acc_max_threshold(f, y, w=None):
    f = np.asarray(f, float)
    y = np.asarray(y)
    w = np.ones_like(f) if w is None else w
    u = np.unique(f)
    cands = np.concatenate([[-np.inf], (u[:-1] + u[1:]) / 2, [np.inf]])
    order = np.argsort(f)
    fs, ys, ws = f[order], y[order], w[order]
    # correct(t) = (weight of reals with f < t) + (weight of fakes with f >= t)
    pos = np.searchsorted(fs, cands, side="left")
    cr = np.concatenate([[0], np.cumsum(ws * (ys == 0))])
    cf = np.concatenate([[0], np.cumsum(ws * (ys == 1))])
    correct = cr[pos] + (cf[-1] - cf[pos])
    best = correct.max()
    ok = cands[correct >= best - 1e-9]
    finite = ok[np.isfinite(ok)]
    pool = finite if finite.size else ok
    return float(pool[np.argmin(np.abs(pool))])


def fpr_threshold(f, y, F):
    real = np.sort(np.asarray(f)[np.asarray(y) == 0])[::-1]
    k = int(np.floor(F * real.size + 1e-9))
    if k >= real.size:
        return -np.inf
    if k == 0:
        return float(real[0] + 1e-9)
    return float((real[k - 1] + real[k]) / 2)


RULES = ("sign", "platt", "acc_clean", "acc_copies")
BAND_EDGES = (96, 192)      # size bands by the image's smaller side: < 96, 96..191, >= 192
MIN_BAND = 10               # a band needs >= 10 reals and >= 10 fakes, else the global threshold
_MINSIDE = None


def minside():
    global _MINSIDE
    if _MINSIDE is None:
        _MINSIDE = np.load(os.path.join(C.CACHE, "minside.npy"))
    return _MINSIDE


def band(sizes):
    return np.searchsorted(np.array(BAND_EDGES), sizes, side="right")


def banded(f, y, b, fallback):
    th = []
    for k in range(len(BAND_EDGES) + 1):
        m = b == k
        if (y[m] == 0).sum() >= MIN_BAND and (y[m] == 1).sum() >= MIN_BAND:
            th.append(acc_max_threshold(f[m], y[m]))
        else:
            th.append(fallback)
    return th


def thresholds(res):
    """dict rule -> array of one threshold per outer fold."""
    out = {}
    for inn in res["inner"]:
        oof, y = inn["oof"], inn["y"]
        clean_f, clean_y = oof[:, 0], y
        all_f = np.concatenate([oof[:, 0], oof[:, 1:].ravel()])
        all_y = np.concatenate([y, np.repeat(y, 6)])
        A, Bb = platt(clean_f, clean_y)
        th = dict(sign=0.0, platt=-Bb / A if A != 0 else 0.0,
                  acc_clean=acc_max_threshold(clean_f, clean_y),
                  acc_copies=acc_max_threshold(all_f, all_y))
        keys = res["keys"][inn["idx"]]
        ms = minside()[keys]
        th["acc_clean_band"] = banded(clean_f, clean_y, band(ms[:, 0]), th["acc_clean"])
        th["acc_copies_band"] = banded(all_f, all_y, band(np.concatenate([ms[:, 0], ms[:, 4:].ravel()])),
                                       th["acc_copies"])
        for F in (0.05, 0.01):
            th[f"fpr{F:g}"] = fpr_threshold(clean_f, clean_y, F)
            th[f"fpr{F:g}_copies"] = fpr_threshold(all_f, all_y, F)
        for r, v in th.items():
            out.setdefault(r, []).append(v)
    return {r: np.array(v) for r, v in out.items()}


def predictions(res, rule):
    """(n, 4) boolean 'called fake' of the outer test images under a rule."""
    t = thresholds(res)[rule][res["fold"]]
    if t.ndim == 2:                      # a threshold per size band
        b = band(minside()[res["keys"]][:, :4])
        t = np.take_along_axis(t, b, axis=1)
        return res["scores"] >= t
    return res["scores"] >= t[:, None]


def ctrl_predictions(res, rule):
    t_f = thresholds(res)[rule]
    # a control image was scored by the model of the fold holding its group out
    g2f = {g: f for g, f in zip(res["group"], res["fold"])}
    f = np.array([g2f[g] for g in res["ctrl_group"]])
    t = t_f[f]
    if t.ndim == 2:
        b = band(minside()[res["ctrl_keys"]][:, :4])
        return res["ctrl_scores"] >= np.take_along_axis(t, b, axis=1)
    return res["ctrl_scores"] >= t[:, None]


# ----------------------------------------------------------------------------- bootstrap
def group_weights(groups, b=B, seed=12345):
    """(b, n) weights: how often each item's group is drawn when resampling groups."""
    ug, inv = np.unique(groups.astype(str), return_inverse=True)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(ug), size=(b, len(ug)))
    counts = np.zeros((b, len(ug)))
    np.add.at(counts, (np.repeat(np.arange(b), len(ug)), draws.ravel()), 1)
    return counts[:, inv]


def w_accuracy(correct, W):
    return (W * correct[None, :]).sum(1) / W.sum(1)


def w_auc(s, y, W):
    """weighted ROC AUC per row of W (ties count one half)."""
    u, inv = np.unique(s, return_inverse=True)
    nb = len(u)
    pos = np.zeros((W.shape[0], nb))
    neg = np.zeros((W.shape[0], nb))
    for lab, arr in ((1, pos), (0, neg)):
        m = y == lab
        np.add.at(arr.T, inv[m], W[:, m].T)
    cneg = np.cumsum(neg, axis=1) - neg
    num = (pos * (cneg + 0.5 * neg)).sum(1)
    den = pos.sum(1) * neg.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def auc_point(s, y):
    return float(w_auc(s, y, np.ones((1, len(s))))[0])


def ci(a):
    a = a[np.isfinite(a)]
    return np.percentile(a, 2.5), np.percentile(a, 97.5)


def fmt(p, lo, hi, d=3):
    return f"{p:.{d}f} [{lo:.{d}f}, {hi:.{d}f}]"


def oracle_acc(s, y):
    t = acc_max_threshold(s, y)
    return float(np.mean((s >= t) == (y == 1)))
