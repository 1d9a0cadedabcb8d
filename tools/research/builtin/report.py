#!/usr/bin/env python3
"""Markdown tables from results/*.pkl (crossval.py, domain.py) of the work folder.

Usage (from the repo root; R = tools/research/builtin; every command also takes --work DIR
and --selection-work DIR):
  python3 R/report.py q1 CONFIG[,CONFIG...] [--base CONFIG]   controls: real / excluded / fake
  python3 R/report.py q3 WITH WITHOUT                          adding sr-extra
  python3 R/report.py q2 DOMAIN_NAME [QxMARGIN...]             domain bound
  python3 R/report.py q2q DOMAIN_NAME                          inner-OOF vs held-out distance quantiles

Decision rule: the sign of the decision value (specdet's rule), fake when f >= 0... the same as
libsvm predict (f > 0 fake; no value is exactly 0 here).

Intervals: 95 % percentile intervals of 2,000 bootstrap resamples of photographs (groups),
resampled within each source (dev, dev-sr, sr-extra; each dcgan64 fake is its own group), the
same draws for every configuration, so differences are paired. A mean over corpora is the mean of
the per-corpus means within each draw. They do not include fold-assignment, landmark or
augmentation-seed variance.
"""

import argparse
import csv
import os
import pickle
import sys

import numpy as np

import universe

B = 2000
SR_DEV_NETS = ["waifu2x_upconv7", "realcugan_se", "realesr_animevideov3_x4", "realesrgan_x4plus"]
DEV5 = ["dev/dcgan64", "dev/ae128_convtranspose", "dev/ae128_nearest", "dev/ae128_bilinear", "dev/ae128_pixelshuffle"]
COND = ["clean", "q90", "q75", "half"]


class Boot:
    """Group-bootstrap weights per row of the universe (B, n_rows)."""

    def __init__(self, U, seed=12345):
        self.U = U
        rng = np.random.default_rng(seed)
        groups = np.unique(U.group)
        gi = {g: i for i, g in enumerate(groups)}
        src_of = {}
        for g, s in zip(U.group, U.source):
            src_of[g] = "dev-sr" if s == "dev-sr" else s
        counts = np.zeros((B, len(groups)))
        for s in sorted(set(src_of.values())):
            idx = np.array([gi[g] for g in groups if src_of[g] == s])
            draws = rng.integers(0, len(idx), size=(B, len(idx)))
            np.add.at(counts, (np.repeat(np.arange(B), len(idx)), idx[draws.ravel()]), 1)
        self.gidx = np.array([gi[g] for g in U.group])
        self.counts = counts

    def mean(self, v, mask):
        """point mean of v over rows `mask` and its B bootstrap means."""
        v = np.asarray(v, float)[mask]
        W = self.counts[:, self.gidx[mask]]
        with np.errstate(invalid="ignore", divide="ignore"):
            return v.mean(), (W * v[None, :]).sum(1) / W.sum(1)


def ci(b):
    b = b[np.isfinite(b)]
    return np.percentile(b, 2.5), np.percentile(b, 97.5)


def fmt(p, b, pct=True, sign=False):
    lo, hi = ci(b)
    f = 100 if pct else 1
    s = "+" if sign else ""
    return f"{p * f:{s}.1f} [{lo * f:{s}.1f}, {hi * f:{s}.1f}]"


def load(name):
    with open(os.path.join(universe.RES, name + ".pkl"), "rb") as fh:
        return pickle.load(fh)


def unique_rows(U, mask):
    """the first row of each distinct key within mask (an image counted once)"""
    out = np.zeros(len(mask), bool)
    seen = set()
    for i in np.flatnonzero(mask):
        if U.key[i] not in seen:
            seen.add(U.key[i])
            out[i] = True
    return out


# ----------------------------------------------------------------------------- metrics
def metric_blocks(U, extra_nets):
    """list of (label, kind, spec): kind 'acc' = accuracy over rows (sign rule) of a corpus
    folder, 'fake' = share called fake of distinct images; spec = (mask, condition) or a list of
    such for a mean over corpora."""
    blocks = []
    for n in SR_DEV_NETS:
        blocks.append((f"dev-sr {n}: acc (its fakes vs reals)", "acc", [(U.corpus == "dev-sr/" + n, 0)]))
    blocks.append(("**dev-sr: mean acc of 4 networks**", "acc", [(U.corpus == "dev-sr/" + n, 0) for n in SR_DEV_NETS]))
    for n in extra_nets:
        blocks.append((f"sr-extra {n}: acc", "acc", [(U.corpus == "sr-extra/" + n, 0)]))
    blocks.append(("**sr-extra: mean acc of 13 networks**", "acc", [(U.corpus == "sr-extra/" + n, 0) for n in extra_nets]))
    blocks.append(("**all 17 network folders: mean acc**", "acc",
                   [(U.corpus == "dev-sr/" + n, 0) for n in SR_DEV_NETS] + [(U.corpus == "sr-extra/" + n, 0) for n in extra_nets]))
    for folder in ("bicubic_x2", "bicubic_x4"):
        blocks.append((f"dev-sr control {folder}: called fake", "fake",
                       [(unique_rows(U, (U.corpus == "dev-sr/" + folder) & (U.kind == "control")), 0)]))
    for folder in sorted(universe.CONTROL_FOLDERS):
        blocks.append((f"sr-extra control {folder}: called fake", "fake",
                       [(unique_rows(U, (U.corpus == "sr-extra/" + folder) & (U.kind == "control")), 0)]))
    allc = unique_rows(U, U.kind == "control")
    blocks.append(("**all held-out controls: called fake**", "fake", [(allc, 0)]))
    for src in ("dev-sr", "sr-extra"):
        for sz in (256, 512, 1024):
            m = unique_rows(U, (U.source == src) & (U.kind == "real") & (U.size == sz))
            if m.any():
                blocks.append((f"{src} real crops {sz} px: called fake", "fake", [(m, 0)]))
    m = unique_rows(U, np.isin(U.source, ["dev-sr", "sr-extra"]) & (U.kind == "real") & np.isin(U.size, [256, 512]))
    blocks.append(("**real crops 256-512 px (dev-sr + sr-extra): called fake** (target <= 10)", "fake", [(m, 0)]))
    for c, cond in enumerate(COND):
        for corp in DEV5:
            blocks.append((f"{corp.split('/')[1]} acc {cond}", "acc", [(U.corpus == corp, c)]))
        blocks.append((f"**5 dev corpora: mean acc {cond}**", "acc", [(U.corpus == corp, c) for corp in DEV5]))
    blocks.append(("**5 dev corpora: mean acc over 4 conditions**", "acc",
                   [(U.corpus == corp, c) for corp in DEV5 for c in range(4)]))
    # threshold-free diagnostics: ROC AUC (x100) of the same held-out predictions
    blocks.append(("AUC: dev-sr mean of 4 networks (clean)", "auc", [(U.corpus == "dev-sr/" + n, 0) for n in SR_DEV_NETS]))
    blocks.append(("AUC: sr-extra mean of 13 networks (clean)", "auc", [(U.corpus == "sr-extra/" + n, 0) for n in extra_nets]))
    for c, cond in enumerate(COND):
        blocks.append((f"AUC: 5 dev corpora mean ({cond})", "auc", [(U.corpus == corp, c) for corp in DEV5]))
    return blocks


def evaluate(U, Bt, res, spec, kind):
    S = res["scores"][U.key]
    pts, bs = [], []
    for mask, c in spec:
        fake_call = (S[:, c] > 0).astype(float)
        m = mask & ~np.isnan(S[:, c])
        if kind == "auc":
            from analyse import w_auc        # tools/research/selection/analyse.py: weighted ROC AUC (ties 1/2)
            W = Bt.counts[:, Bt.gidx[m]]
            p = float(w_auc(S[m, c], U.fake[m], np.ones((1, m.sum())))[0])
            b = w_auc(S[m, c], U.fake[m], W)
        else:
            v = (fake_call == U.fake) if kind == "acc" else fake_call
            p, b = Bt.mean(v, m)
        pts.append(p)
        bs.append(b)
    return np.mean(pts), np.mean(bs, axis=0)


def extra_nets(U):
    return sorted({f for f, s, k in zip(U.folder, U.source, U.kind) if s == "sr-extra" and k == "net"})


def cmd_q1(configs, base, U, Bt):
    R = {c: load(c) for c in configs}
    blocks = metric_blocks(U, extra_nets(U))
    others = [c for c in configs if c != base]
    print("| metric (%, held-out photographs, sign rule) | " + " | ".join(configs) + " | "
          + " | ".join(f"{c} − {base}" for c in others) + " |")
    print("|---|" + "---:|" * (len(configs) + len(others)))
    for label, kind, spec in blocks:
        vals = {c: evaluate(U, Bt, R[c], spec, kind) for c in configs}
        cells = [fmt(*vals[c]) for c in configs]
        cells += [fmt(vals[c][0] - vals[base][0], vals[c][1] - vals[base][1], sign=True) for c in others]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    print("| config | training originals per fold | fit s per fold (3 rounds) |")
    print("|---|---|---|")
    for c in configs:
        print(f"| {c} | {', '.join(map(str, R[c]['n_train']))} | {', '.join(f'{s:.0f}' for s in R[c]['fit_s'])} |")
    names = [l.strip() for l in open(os.path.join(universe.CACHE, "outside_index.csv"))][1:]
    print("\nFixtures/outside, decision value (5 outer-fold models; > 0 = fake):\n")
    print("| config | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for c in configs:
        O = R[c]["outside_scores"]
        print(f"| {c} | " + " | ".join(f"{O[:, j].min():+.2f}…{O[:, j].max():+.2f}" for j in range(len(names))) + " |")
    nn_idx = list(csv.DictReader(open(os.path.join(universe.CACHE, "nn_index.csv"))))
    fac = np.array([int(r["factor"]) for r in nn_idx])
    src = np.array([r["corpus"] for r in nn_idx])
    print("\nNearest-neighbour enlargements of held-out real crops, share called fake (%):\n")
    cols = [(s, f) for s in ("dev/dcgan64", "dev/ae128", "dev-sr", "sr-extra") for f in (2, 4)]
    print("| config | " + " | ".join(f"{s} ×{f}" for s, f in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for c in configs:
        v = R[c]["nn_scores"] > 0
        print(f"| {c} | " + " | ".join(f"{100 * v[(src == s) & (fac == f)].mean():.0f} (n={((src == s) & (fac == f)).sum()})"
                                      for s, f in cols) + " |")


# ------------------------------------------------------------------------------- domain
def domain_bounds(res, q, margin):
    from domain import bound
    return np.array([bound(inn["oof"], q) * margin for inn in res["inner"]])


def cmd_q2(names, variants, U, Bt):
    nn_idx = list(csv.DictReader(open(os.path.join(universe.CACHE, "nn_index.csv"))))
    nn_fold = np.array([U.g2f[r["group"]] for r in nn_idx])
    fac = np.array([int(r["factor"]) for r in nn_idx])
    src = np.array([r["corpus"] for r in nn_idx])
    onames = [l.strip() for l in open(os.path.join(universe.CACHE, "outside_index.csv"))][1:]
    real_blocks = [
        ("dev/dcgan64 reals 64 px", unique_rows(U, (U.corpus == "dev/dcgan64") & (U.kind == "real"))),
        ("dev/ae128 reals 128 px", unique_rows(U, (U.source == "dev") & (U.corpus != "dev/dcgan64") & (U.kind == "real"))),
        ("dev-sr reals 256 px", unique_rows(U, (U.source == "dev-sr") & (U.kind == "real") & (U.size == 256))),
        ("dev-sr reals 512 px", unique_rows(U, (U.source == "dev-sr") & (U.kind == "real") & (U.size == 512))),
        ("sr-extra reals 256 px", unique_rows(U, (U.source == "sr-extra") & (U.kind == "real") & (U.size == 256))),
        ("sr-extra reals 512 px", unique_rows(U, (U.source == "sr-extra") & (U.kind == "real") & (U.size == 512))),
        ("sr-extra reals 1024 px", unique_rows(U, (U.source == "sr-extra") & (U.kind == "real") & (U.size == 1024))),
    ]
    allreal = unique_rows(U, U.kind == "real")
    fake_blocks = [
        ("dcgan64 fakes", unique_rows(U, (U.corpus == "dev/dcgan64") & (U.kind == "net"))),
        ("ae128 fakes (4 decoders)", unique_rows(U, (U.source == "dev") & (U.corpus != "dev/dcgan64") & (U.kind == "net"))),
        ("dev-sr network fakes", unique_rows(U, (U.source == "dev-sr") & (U.kind == "net"))),
        ("sr-extra network fakes", unique_rows(U, (U.source == "sr-extra") & (U.kind == "net"))),
        ("controls (bicubic/lanczos)", unique_rows(U, U.kind == "control")),
    ]
    for name in names:
        res = load("domain_" + name)
        D = res["dist"][U.key]
        print(f"\n#### domain `{name}` (features {res['args']['features']}, controls {res['args']['controls']}, "
              f"extra {not res['args']['no_extra']}); shrinkage α per fold "
              f"{', '.join(f'{a:.4f}' for a in res['alphas'])}, full {res['full_alpha']:.4f}\n")
        hdr = ["q", "margin", "bound per fold"]
        print("Share of held-out images beyond the bound, % [95 % interval]; real photographs: all reals pooled "
              "as distinct images (target ≤ 1); then by corpus/size (clean); then JPEG/halved versions\n")
        for q, mg in variants:
            bnd = domain_bounds(res, q, mg)
            fb = bnd[U.fold]
            out = D > fb[:, None]
            rows = [("**all held-out reals (distinct), clean**", allreal, 0)] + [(l, m, 0) for l, m in real_blocks]
            rows += [(f"dev reals (dcgan64+ae128) {COND[c]}", unique_rows(U, (U.source == "dev") & (U.kind == "real")), c)
                     for c in (1, 2, 3)]
            rows += [(f"dev-sr reals {COND[c]}", unique_rows(U, (U.source == "dev-sr") & (U.kind == "real")), c)
                     for c in (1, 2, 3)]
            rows += [(l + " (clean)", m, 0) for l, m in fake_blocks]
            print(f"\n**q = {q}, margin × {mg}** — bound per outer fold: {', '.join(f'{b:.1f}' for b in bnd)}\n")
            print("| held-out images | n | beyond bound, % |")
            print("|---|---:|---:|")
            for l, m, c in rows:
                mm = m & ~np.isnan(D[:, c])
                p, b = Bt.mean(out[:, c], mm)
                print(f"| {l} | {mm.sum()} | {fmt(p, b)} |")
            nb = res["nn_dist"] > bnd[nn_fold]
            for s in ("dev/dcgan64", "dev/ae128", "dev-sr", "sr-extra"):
                for f in (2, 4):
                    m = (src == s) & (fac == f)
                    print(f"| nearest-neighbour ×{f} of {s} reals | {m.sum()} | {100 * nb[m].mean():.1f} |")
            ob = res["outside_dist"] > bnd[:, None]
            full_b = np.sort(res["full_oof"])
            from domain import bound
            fb_full = bound(res["full_oof"], q) * mg
            print(f"\nFixtures/outside — beyond the bound in how many of the 5 outer-fold models; and the distance "
                  f"to the all-data domain (bound {fb_full:.1f}):\n")
            print("| fixture | folds beyond | distance (all-data model) | beyond |")
            print("|---|---:|---:|---|")
            for j, n in enumerate(onames):
                print(f"| {n} | {ob[:, j].sum()}/5 | {res['full_outside'][j]:.1f} | "
                      f"{'yes' if res['full_outside'][j] > fb_full else '**no**'} |")


def cmd_q2_quantiles(name, U):
    """distances: the quantiles of held-out reals vs. the inner OOF quantiles, per fold"""
    res = load("domain_" + name)
    D = res["dist"][U.key]
    print("\n| outer fold | inner OOF 0.995 | 0.999 | max | held-out reals 0.99 | 0.995 | max |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for k, inn in enumerate(res["inner"]):
        r = unique_rows(U, (U.kind == "real") & (U.fold == k))
        d = D[r, 0]
        o = inn["oof"]
        print(f"| {k} | {np.quantile(o, .995):.1f} | {np.quantile(o, .999):.1f} | {o.max():.1f} | "
              f"{np.quantile(d, .99):.1f} | {np.quantile(d, .995):.1f} | {d.max():.1f} |")


def cmd_q3(with_, without, U, Bt):
    A, Bm = load(with_), load(without)
    blocks = []
    for n in SR_DEV_NETS:
        blocks.append((f"dev-sr {n}: acc", "acc", [(U.corpus == "dev-sr/" + n, 0)]))
    blocks.append(("**dev-sr: mean acc of 4 networks (clean)**", "acc", [(U.corpus == "dev-sr/" + n, 0) for n in SR_DEV_NETS]))
    for c in (1, 2, 3):
        blocks.append((f"dev-sr: mean acc of 4 networks ({COND[c]})", "acc",
                       [(U.corpus == "dev-sr/" + n, c) for n in SR_DEV_NETS]))
    blocks.append(("dev-sr reals: called fake", "fake", [(unique_rows(U, (U.source == "dev-sr") & (U.kind == "real")), 0)]))
    blocks.append(("dev-sr controls: called fake", "fake", [(unique_rows(U, (U.source == "dev-sr") & (U.kind == "control")), 0)]))
    for c, cond in enumerate(COND):
        for corp in DEV5:
            blocks.append((f"{corp.split('/')[1]} acc {cond}", "acc", [(U.corpus == corp, c)]))
        blocks.append((f"**5 dev corpora: mean acc {cond}**", "acc", [(U.corpus == corp, c) for corp in DEV5]))
    blocks.append(("**5 dev corpora: mean over 4 conditions**", "acc", [(U.corpus == corp, c) for corp in DEV5 for c in range(4)]))
    en = extra_nets(U)
    blocks.append(("sr-extra: mean acc of 13 networks (transfer for the model without it)", "acc",
                   [(U.corpus == "sr-extra/" + n, 0) for n in en]))
    blocks.append(("sr-extra reals: called fake", "fake", [(unique_rows(U, (U.source == "sr-extra") & (U.kind == "real")), 0)]))
    print(f"| metric (%, held-out photographs, sign rule) | {with_} | {without} | {with_} − {without} |")
    print("|---|---:|---:|---:|")
    for label, kind, spec in blocks:
        a = evaluate(U, Bt, A, spec, kind)
        b = evaluate(U, Bt, Bm, spec, kind)
        print(f"| {label} | {fmt(*a)} | {fmt(*b)} | {fmt(a[0] - b[0], a[1] - b[1], sign=True)} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cmd", choices=["q1", "q2", "q3", "q2q"])
    ap.add_argument("args", nargs="+")
    ap.add_argument("--base", default=None)
    universe.add_args(ap)
    a = ap.parse_args()
    universe.configure(a)
    U = universe.Universe()
    Bt = Boot(U)
    if a.cmd == "q1":
        configs = a.args[0].split(",")
        cmd_q1(configs, a.base or configs[0], U, Bt)
    elif a.cmd == "q3":
        cmd_q3(a.args[0], a.args[1], U, Bt)
    elif a.cmd == "q2":
        variants = [(float(v.split("x")[0]), float(v.split("x")[1])) for v in a.args[1:]] or [(0.995, 1.0)]
        cmd_q2(a.args[0].split(","), variants, U, Bt)
    elif a.cmd == "q2q":
        cmd_q2_quantiles(a.args[0], U)


if __name__ == "__main__":
    sys.exit(main())
