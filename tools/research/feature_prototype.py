#!/usr/bin/env python3
"""Prototype spectral feature variants on grouped folds of degraded copies (numpy FFT of the luma).

Research only: the numbers of docs/ACCURACY.md come from the lockbox harness
(tools/accuracy.py). Make DIR per corpus with `specdet train --groups G --folds-out F` (the
folds) and `tools/make_variants.py --folds F --out DIR --corpus NAME --groups G`, then, from
the repo root:

    python3 tools/research/feature_prototype.py --variants DIR/variants.csv
            [--features durall,logpow,...] [--classifiers lr,lr_tune,svm_tune]
            [--augment jpeg,resize|none] [--copies 3] [--rounds 1] [--scales 0.5-0.9] [--extra-scale 1]
            [--oracle] [--gate PLAIN/JPEG [--gate-originals both|plain]]
            [--corpora NAME,...] [--json OUT]

For every corpus and fold of DIR/variants.csv (tools/make_variants.py): fit on the clean
images of the other folds (plus, with --augment, augmented copies of them made here the
way `specdet train --augment` makes them: gray JPEG round trips at q60-95, Pillow-style
box/bilinear/bicubic/lanczos downscales by --scales (x0.5-0.9; specdet's default is
--copies 2 --scales 0.4-0.9 --rounds 3), copy i = jpeg /
resize / resize+jpeg by i mod 3), test every variant of the fold. With --rounds K, the copies
are drawn K times (seeds 0..K-1), one classifier is fitted per draw, and a test image is
labelled by the sign of the mean of their decision functions (`specdet train
--augment-rounds K`). With --oracle, train instead on
the SAME condition of the other folds (no augmentation): an upper bound telling whether
the features still separate the classes after the degradation at all. With --gate
"PLAIN/JPEG" (each side a comma list of copy recipes, steps joined by "+", e.g.
"resize,resize/jpeg,resize+jpeg"), fit two models per fold, each on the originals (only the
plain one with --gate-originals plain) and its side's copies, and score a `.jpg` test file
with the JPEG model, any other with the plain one.

Luma: cv2.imread(path, IMREAD_GRAYSCALE), as the reference. Spectrum: numpy fft2,
fftshift, rings r = floor(hypot(x - (W-1)/2, y - (H-1)/2)) as the reference.

Feature sets (--features):
  durall       the reference: mean of 20 ln|F| per ring, rings 1..floor(r_max)-1, cubic
               resampling to 300 points, divided by the first (equals the reference's
               `generic` preset to ~1e-12)
  logpow       10 ln(mean |F|^2) per ring (log of mean power) instead of mean of log,
               otherwise as durall
  centered     durall's rings and resampling, but minus the profile's mean instead of
               divided by the first value (a gain change of the image is then a no-op)
  absaxis      mean log magnitude on a fixed axis of cycles per pixel: ring r at
               f = (r + 0.5) / min(H, W), only inside the inscribed circle (f < 0.5),
               linear interpolation at 128 points f = 0.02 ... 0.49, minus its mean
  abslogpow    absaxis with 10 ln(mean |F|^2)
  inscribed    durall with the rings inside the inscribed circle only (r < min(H, W)/2,
               f < 0.5 cycles/pixel: the diagonal corners, which JPEG quantises hardest,
               left out), resampled to 300 points, divided by the first
  lowband      durall restricted to its first 150 of 300 features (f below ~0.35
               cycles/pixel: drops the band that JPEG q75 quantises away)
  slope        absaxis minus its least-squares line in ln f over f in [0.02, 0.25] (the
               content's 1/f^a slope removed), so only the shape of the top band is left
  sectors      durall-like profiles (150 points each) of the axis-aligned sectors (within
               22.5 degrees of an axis) and of the diagonal sectors, concatenated
  sectors3     the same with three sectors (within 15 degrees of an axis, 15-30, within
               15 degrees of a diagonal), 100 points each
  durall_abs   durall (300) concatenated with absaxis / 20 (128)
  multi        absaxis of the image concatenated with absaxis of its 2x area reduction
Sectors plus extra values (the 300 sector values, then the extra ones times --extra-scale;
the RBF kernel sees raw values, so the scale sets their weight):
  sectors_std    the standard deviation of 20 ln|F| per ring, resampled to 100 points,
                 divided by the first all-angle ring mean
  sectors_peak   (max - mean) of 20 ln|F| per ring, 100 points, same normalisation
  sectors_lines  2-D peaks at k/8 cycles/pixel (unshifted spectrum, in dB / 20): for k = 1..4
                 the mean of 20 ln|F| over the column fx = k/8 (fy != 0) minus the mean of
                 its two neighbouring columns, the same for rows, then the points (1/4, 1/4)
                 and (1/2, 1/2) minus the mean of their 8 neighbours (10 values): JPEG's 8x8
                 grid and the upsampling peaks of a stride-2 or stride-4 generator
  sectors_grid   JPEG grid phase: the column means of |horizontal gradient| folded by x mod 8,
                 |DFT| of the 8-vector at harmonics 1..4 over its DC term; the same vertically
                 (8 values)
Classifiers (--classifiers):
  lr           LogisticRegression(liblinear, C = 1), raw features (the reference's)
  svm          SVC(C = 6.37, RBF, gamma = 0.86), raw features (the reference's SVM-RBF,
               `specdet train --classifier svm`)
  lr_tune      standardised, C in {0.01, 0.1, 1, 10, 100} by a grouped 3-fold inner CV
  svm_tune     standardised RBF SVM, C in {1, 10, 100} x gamma in {1/4d, 1/d, 4/d} by a
               grouped 3-fold inner CV (balanced accuracy), like `specdet train --tune`

Prints one table per feature set: mean accuracy over the corpora per condition, and the
per-corpus numbers; --json writes everything.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
import zlib

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pillow_resize  # noqa: E402

CONDITIONS = ("clean", "q90", "q75", "half_area", "half_bicubic", "half_q90")
LABELS = {"real": 0, "fake": 1}
N = 300


# ------------------------------------------------------------------ augmentation (specdet's)
def pil_resize(img, width, height, filt):
    return pillow_resize.resize(img, width, height, filt, round_between_passes=False)


def jpeg_gray(img, q):
    import cv2

    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(q)])
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)


def augment(img, key, kinds, copies, seed=0, scales=(0.5, 0.9)):
    recipes = [kinds if len(kinds) == 1 else [["jpeg"], ["resize"], ["resize", "jpeg"]][i % 3]
               for i in range(copies)]
    return augment_recipes(img, key, recipes, seed, scales)


def augment_recipes(img, key, recipes, seed=0, scales=(0.5, 0.9)):
    """One copy per recipe (a list of steps, "jpeg" or "resize", applied in order)."""
    rng = np.random.default_rng([seed, zlib.crc32(key.encode())])
    out = []
    for steps in recipes:
        c = img
        for s in steps:
            if s == "jpeg":
                c = jpeg_gray(c, rng.integers(60, 96))
            else:
                sc = rng.uniform(*scales)
                filt = ("box", "bilinear", "bicubic", "lanczos")[rng.integers(0, 4)]
                w, h = int(round(c.shape[1] * sc)), int(round(c.shape[0] * sc))
                if w >= 8 and h >= 8:
                    c = pil_resize(c, w, h, filt)
        out.append(c)
    return out


# ------------------------------------------------------------------------------ features
def rings(img):
    """(mean 20 ln|F| per integer radius, mean |F|^2 per radius), radius 0..max."""
    f = np.fft.fftshift(np.fft.fft2(img.astype(float)))
    f += 1e-8
    mag = np.abs(f)
    h, w = img.shape
    y, x = np.indices((h, w))
    r = np.hypot(x - (w - 1) / 2.0, y - (h - 1) / 2.0).astype(int).ravel()
    cnt = np.bincount(r)
    ml = np.bincount(r, weights=(20 * np.log(mag)).ravel()) / cnt
    mp = np.bincount(r, weights=(mag ** 2).ravel()) / cnt
    return ml, mp


def _resample(p):
    from scipy.interpolate import interp1d

    pts = np.linspace(0, N, p.size)
    return interp1d(pts, p, kind="cubic")(np.linspace(0, N, N))


FGRID = np.linspace(0.02, 0.49, 128)


def _absaxis(ring_vals, img_shape):
    n = min(img_shape)
    rr = np.arange(1, n // 2)
    f = (rr + 0.5) / n
    v = np.interp(FGRID, f, ring_vals[1:n // 2])
    return v - v.mean()


def feature(img, name, extra_scale=1.0):
    if name.startswith("sectors_"):
        return np.concatenate([sector_profiles(img), extra_scale * extra_values(img, name[8:])])
    ml, mp = rings(img)
    if name == "durall":
        v = _resample(ml[1:-1])
        return v / v[0]
    if name == "logpow":
        v = _resample(10 * np.log(mp[1:-1]))
        return v / v[0]
    if name == "centered":
        v = _resample(ml[1:-1])
        return v - v.mean()
    if name == "inscribed":
        n = min(img.shape)
        v = _resample(ml[1:n // 2])
        return v / v[0]
    if name == "lowband":
        v = _resample(ml[1:-1])
        return (v / v[0])[:150]
    if name == "absaxis":
        return _absaxis(ml, img.shape)
    if name == "abslogpow":
        return _absaxis(10 * np.log(mp), img.shape)
    if name == "slope":
        v = _absaxis(ml, img.shape)
        lf = np.log(FGRID)
        m = FGRID <= 0.25
        A = np.vstack([lf[m], np.ones(m.sum())]).T
        coef, *_ = np.linalg.lstsq(A, v[m], rcond=None)
        return v - (coef[0] * lf + coef[1])
    if name == "sectors":
        return sector_profiles(img)
    if name == "sectors3":
        return sector_profiles(img, three=True)
    if name == "durall_abs":
        v = _resample(ml[1:-1])
        return np.concatenate([v / v[0], _absaxis(ml, img.shape) / 20.0])
    if name == "multi":
        import cv2

        h, w = img.shape
        small = cv2.resize(img, (max(8, w // 2), max(8, h // 2)), interpolation=cv2.INTER_AREA)
        return np.concatenate([_absaxis(ml, img.shape), _absaxis(rings(small)[0], small.shape)])
    raise ValueError(name)


def sector_profiles(img, three=False):
    """Mean 20 ln|F| per ring separately for the axis-aligned sectors (within 22.5 degrees
    of the fx or fy axis) and the diagonal ones, each resampled to 150 points like durall,
    both divided by the first value of the all-angle profile."""
    f = np.fft.fftshift(np.fft.fft2(img.astype(float)))
    f += 1e-8
    lm = (20 * np.log(np.abs(f))).ravel()
    h, w = img.shape
    y, x = np.indices((h, w))
    dx, dy = x - (w - 1) / 2.0, y - (h - 1) / 2.0
    r = np.hypot(dx, dy).astype(int).ravel()
    ang = np.degrees(np.arctan2(np.abs(dy), np.abs(dx))).ravel()   # 0..90
    dist = np.minimum(ang, 90 - ang)          # 0 on an axis, 45 on a diagonal
    if three:
        masks = (dist < 15, (dist >= 15) & (dist < 30), dist >= 30)
    else:
        masks = (dist < 22.5, dist >= 22.5)
    rmax = r.max()
    out = []
    allp = np.bincount(r, weights=lm, minlength=rmax + 1) / np.bincount(r, minlength=rmax + 1)
    first = _resample(allp[1:-1])[0]
    for m in masks:
        cnt = np.bincount(r[m], minlength=rmax + 1)
        s_ = np.bincount(r[m], weights=lm[m], minlength=rmax + 1)
        prof = s_[1:-1] / np.maximum(cnt[1:-1], 1)
        ok = cnt[1:-1] > 0
        idx = np.arange(prof.size)
        prof = np.interp(idx, idx[ok], prof[ok])
        from scipy.interpolate import interp1d
        out.append(interp1d(np.linspace(0, 1, prof.size), prof, kind="cubic")(
            np.linspace(0, 1, N // len(masks))) / first)
    return np.concatenate(out)


def extra_values(img, kind):
    """The values sectors_std / _peak / _lines / _grid append (see the module doc)."""
    if kind in ("std", "peak"):
        f = np.fft.fftshift(np.fft.fft2(img.astype(float))) + 1e-8
        lm = (20 * np.log(np.abs(f))).ravel()
        h, w = img.shape
        y, x = np.indices((h, w))
        r = np.hypot(x - (w - 1) / 2.0, y - (h - 1) / 2.0).astype(int).ravel()
        cnt = np.bincount(r)
        mean = np.bincount(r, weights=lm) / cnt
        if kind == "std":
            v = np.sqrt(np.maximum(np.bincount(r, weights=lm ** 2) / cnt - mean ** 2, 0))
        else:
            top = np.full(cnt.size, -np.inf)
            np.maximum.at(top, r, lm)
            v = top - mean
        from scipy.interpolate import interp1d
        v = interp1d(np.linspace(0, 1, v.size - 2), v[1:-1], kind="cubic")(np.linspace(0, 1, 100))
        return v / _resample(mean[1:-1])[0]
    if kind == "lines":
        lm = 20 * np.log(np.abs(np.fft.fft2(img.astype(float)) + 1e-8))
        h, w = lm.shape
        out = []
        for n, line in ((w, lambda c: lm[1:, c % w].mean()), (h, lambda c: lm[c % h, 1:].mean())):
            for k in (1, 2, 3, 4):
                c = int(round(k * n / 8))
                after = c + 1 if c + 1 < n else c - 2       # Nyquist has no right neighbour
                out.append(line(c) - 0.5 * (line(c - 1) + line(after)))
        for k in (2, 4):
            cy, cx = int(round(k * h / 8)) % h, int(round(k * w / 8)) % w
            around = [lm[(cy + dy) % h, (cx + dx) % w] for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                      if dy or dx]
            out.append(lm[cy, cx] - np.mean(around))
        return np.array(out) / 20.0
    if kind == "grid":
        a = img.astype(float)
        out = []
        for g in (np.abs(np.diff(a, axis=1)).mean(0), np.abs(np.diff(a, axis=0)).mean(1)):
            n = (g.size // 8) * 8
            spectrum = np.abs(np.fft.fft(g[:n].reshape(-1, 8).mean(0)))
            out.extend(spectrum[1:5] / max(spectrum[0], 1e-9))
        return np.array(out)
    raise ValueError(f"sectors_{kind}")


FEATURES = ("durall", "logpow", "centered", "lowband", "absaxis", "abslogpow", "slope", "multi")


# ---------------------------------------------------------------------------- classifiers
def make_fit(name, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    def fit(X, y, groups):
        d = X.shape[1]
        if name == "lr":
            clf = LogisticRegression(solver="liblinear", max_iter=1000)
            return clf.fit(X, y)
        if name == "svm":
            return SVC(C=6.37, kernel="rbf", gamma=0.86).fit(X, y)
        if name == "lr_tune":
            pipe = make_pipeline(StandardScaler(), LogisticRegression(solver="liblinear",
                                                                      max_iter=2000))
            grid = {"logisticregression__C": [0.01, 0.1, 1, 10, 100]}
        elif name == "svm_tune":
            pipe = make_pipeline(StandardScaler(), SVC(kernel="rbf"))
            grid = {"svc__C": [1, 10, 100], "svc__gamma": [0.25 / d, 1.0 / d, 4.0 / d]}
        else:
            raise ValueError(name)
        gs = GridSearchCV(pipe, grid, cv=GroupKFold(n_splits=3), scoring="balanced_accuracy",
                          n_jobs=1, refit=True)
        return gs.fit(X, y, groups=groups)
    return fit


# ---------------------------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="feature_prototype.py", description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", required=True)
    ap.add_argument("--features", default="durall")
    ap.add_argument("--classifiers", default="lr")
    ap.add_argument("--augment", default="jpeg,resize")
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=1,
                    help="draws of the copies (seeds 0..K-1); one classifier per draw, labels by the "
                         "sign of the mean decision function (specdet train --augment-rounds)")
    ap.add_argument("--scales", default="0.5-0.9", help="downscale range LO-HI")
    ap.add_argument("--extra-scale", type=float, default=1.0, help="weight of sectors_* extras")
    ap.add_argument("--oracle", action="store_true")
    ap.add_argument("--gate", default="",
                    help="PLAIN/JPEG recipes, e.g. 'resize,resize/jpeg,resize+jpeg': two models, "
                         "JPEG files scored by the second")
    ap.add_argument("--gate-originals", default="both", choices=["both", "plain"],
                    help="which branches train on the clean originals")
    ap.add_argument("--corpora", default="", help="comma-separated subset")
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    if a.rounds < 1:
        ap.error("--rounds must be at least 1")
    if a.gate:
        sides = a.gate.split("/")
        steps = {s for side in sides for r in side.split(",") if r for s in r.split("+")}
        if len(sides) != 2 or not steps <= {"jpeg", "resize"} or a.oracle:
            ap.error("--gate takes PLAIN/JPEG, each a comma list of recipes of the steps jpeg "
                     "and resize joined by '+' (and not --oracle)")
    import cv2

    cv2.setNumThreads(1)
    rows = list(csv.DictReader(open(a.variants, newline="", encoding="utf-8")))
    if a.corpora:
        keep = set(a.corpora.split(","))
        rows = [r for r in rows if r["corpus"] in keep]
    groups_of = {}
    for r in rows:
        if r["corpus"] not in groups_of:
            gfile = os.path.join(os.path.dirname(a.variants), r["corpus"], "groups.csv")
            groups_of[r["corpus"]] = {g["path"]: g["group"] for g in csv.DictReader(open(gfile))}
    scales = tuple(float(v) for v in a.scales.split("-"))
    kinds = [] if a.augment == "none" or a.oracle else a.augment.split(",")
    feats = a.features.split(",")
    clfs = a.classifiers.split(",")
    t0 = time.perf_counter()
    imgs = [cv2.imread(r["path"], cv2.IMREAD_GRAYSCALE) for r in rows]
    copies = [{} for _ in range(a.rounds if kinds else 1)]  # per round: path -> copies
    gate = None
    if a.gate:
        gate = [[r.split("+") for r in side.split(",") if r] for side in a.gate.split("/")]
        kinds = []
        gate_copies = [{}, {}]
        for r, im in zip(rows, imgs):
            if r["variant"] == "clean":
                for b in (0, 1):
                    gate_copies[b][r["path"]] = augment_recipes(im, r["path"], gate[b], seed=b,
                                                                scales=scales)
    if kinds:
        for r, im in zip(rows, imgs):
            if r["variant"] == "clean":
                for k, round_copies in enumerate(copies):
                    round_copies[r["path"]] = augment(im, r["path"], kinds, a.copies, seed=k,
                                                      scales=scales)
    print(f"loaded {len(rows)} images (+{sum(len(c) for rc in copies for c in rc.values())} copies) in "
          f"{time.perf_counter() - t0:.0f}s", file=sys.stderr)
    y = np.array([LABELS[r["label"]] for r in rows])
    fold = np.array([int(r["fold"]) for r in rows])
    var = np.array([r["variant"] for r in rows])
    present = tuple(v for v in CONDITIONS if v in set(var.tolist()))  # older folders lack half_q90
    corp = np.array([r["corpus"] for r in rows])
    grp = np.array([groups_of[r["corpus"]][r["source"]] for r in rows])
    results = {}
    for fname in feats:
        t1 = time.perf_counter()
        X = np.vstack([feature(im, fname, a.extra_scale) for im in imgs])
        Xcs = [{p: np.vstack([feature(c, fname, a.extra_scale) for c in cs]) for p, cs in rc.items()}
               for rc in copies]
        if gate:
            Xg = [{p: np.vstack([feature(c, fname, a.extra_scale) for c in cs]) if cs else None
                   for p, cs in gc.items()} for gc in gate_copies]
        print(f"features {fname}: {time.perf_counter() - t1:.0f}s", file=sys.stderr)
        for cname in clfs:
            fit = make_fit(cname)
            acc = {}
            t2 = time.perf_counter()
            for c in sorted(set(corp.tolist())):
                counts = {}
                for k in sorted(set(fold[corp == c].tolist())):
                    te = (corp == c) & (fold == k)
                    train_conds = CONDITIONS if a.oracle else ("clean",)
                    if gate:
                        tr = (corp == c) & (fold != k) & (var == "clean")
                        models = []
                        for b in (0, 1):
                            use_orig = b == 0 or a.gate_originals == "both"
                            Xtr = [X[tr]] if use_orig else []
                            ytr = [y[tr]] if use_orig else []
                            gtr = [grp[tr]] if use_orig else []
                            for i in np.flatnonzero(tr):
                                cc = Xg[b].get(rows[i]["path"])
                                if cc is not None:
                                    Xtr.append(cc)
                                    ytr.append(np.full(len(cc), y[i]))
                                    gtr.append(np.full(len(cc), grp[i]))
                            models.append(fit(np.vstack(Xtr), np.concatenate(ytr), np.concatenate(gtr)))
                        for v in CONDITIONS:
                            m = te & (var == v)
                            if m.any():
                                jpeg_file = np.array([rows[i]["path"].endswith(".jpg")
                                                      for i in np.flatnonzero(m)])
                                p = np.where(jpeg_file, models[1].predict(X[m]),
                                             models[0].predict(X[m]))
                                e = counts.setdefault(v, [0, 0])
                                e[0] += int((p == y[m]).sum())
                                e[1] += int(m.sum())
                        continue
                    for tc in train_conds:
                        tr = (corp == c) & (fold != k) & (var == tc)
                        models = []
                        for Xc in Xcs:  # one classifier per round of copies
                            Xtr, ytr, gtr = [X[tr]], [y[tr]], [grp[tr]]
                            for i in np.flatnonzero(tr):
                                cc = Xc.get(rows[i]["path"]) if not a.oracle else None
                                if cc is not None:
                                    Xtr.append(cc)
                                    ytr.append(np.full(len(cc), y[i]))
                                    gtr.append(np.full(len(cc), grp[i]))
                            models.append(fit(np.vstack(Xtr), np.concatenate(ytr), np.concatenate(gtr)))
                        for v in (CONDITIONS if not a.oracle else (tc,)):
                            m = te & (var == v)
                            if m.any():
                                p = (models[0].predict(X[m]) if len(models) == 1 else
                                     (np.mean([mo.decision_function(X[m]) for mo in models], 0) > 0)
                                     .astype(int))
                                e = counts.setdefault(v, [0, 0])
                                e[0] += int((p == y[m]).sum())
                                e[1] += int(m.sum())
                acc[c] = {v: e[0] / e[1] for v, e in counts.items()}
            mean = {v: float(np.mean([acc[c][v] for c in acc if v in acc[c]])) for v in present}
            key = (f"{fname}/{cname}" + (f"/x{a.extra_scale:g}" if fname.startswith("sectors_") else "")
                   + ("/oracle" if a.oracle else f"/gate={a.gate}/{a.gate_originals}" if gate
                      else f"/aug={a.augment}x{a.copies}" + (f"/rounds={a.rounds}" if a.rounds > 1 else "")))
            results[key] = dict(corpora=acc, mean=mean)
            print(f"\n{key} ({time.perf_counter() - t2:.0f}s)")
            print("  corpus               " + " ".join(f"{v:>12s}" for v in present))
            for c in acc:
                print(f"  {c:20s} " + " ".join(f"{acc[c].get(v, float('nan')):12.3f}"
                                               for v in present))
            print(f"  {'MEAN':20s} " + " ".join(f"{mean[v]:12.3f}" for v in present),
                  flush=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
