#!/usr/bin/env python3
"""Markdown tables from the stored nested-CV results (results/NAME/*.pkl).

Usage (from the repo root; R = tools/research/selection):
  python3 R/report.py baselines  CONFIG[,CONFIG...] [RULE]   accuracy + AUC per corpus/condition
  python3 R/report.py oppoint    CONFIG                      threshold rules vs oracle, FPR targets
  python3 R/report.py compare    BASE CAND[,CAND...] [RULE]  paired differences vs BASE
  python3 R/report.py params     CONFIG[,CONFIG...]          chosen C/gamma, SVs, fit time
Options anywhere: --pooled (read every corpus from the pooled model's predictions), --work DIR
(the work folder of nested.py, default .build/research-selection).
Output goes to stdout (the README's commands redirect it into tables/).

Intervals: 95 % percentile intervals of 2,000 bootstrap resamples of the source photographs
(`group`; each dcgan64 fake is its own group) of the outer-fold predictions, per corpus; a mean
over corpora resamples every corpus independently (same draw index) and averages.
"""

import sys

import numpy as np

import analyse as A
import common as C

DEV = [c.replace("/", "_") for c in C.DEV_CORPORA]
SR = [c.replace("/", "_") for c in C.SR_NETS]
CTRL = [c.replace("/", "_") for c in C.SR_CONTROLS]
SHORT = {"dev_dcgan64": "dcgan64", "dev_ae128_convtranspose": "ae_convT", "dev_ae128_nearest": "ae_nearest",
         "dev_ae128_bilinear": "ae_bilinear", "dev_ae128_pixelshuffle": "ae_pixshuf",
         "dev-sr_waifu2x_upconv7": "sr_waifu2x", "dev-sr_realcugan_se": "sr_realcugan",
         "dev-sr_realesr_animevideov3_x4": "sr_animev3", "dev-sr_realesrgan_x4plus": "sr_esrganx4",
         "dev-sr_bicubic_x2": "ctrl_bicubic_x2", "dev-sr_bicubic_x4": "ctrl_bicubic_x4"}


POOLED = False        # --pooled: every corpus is read from the pooled model's predictions


def load_view(name, t):
    """(result, row mask): a per-corpus run, or with POOLED the pooled run's rows of corpus t."""
    if not POOLED:
        r = A.load(name, t)
        return r, np.ones(len(r["y"]), bool)
    r = A.load(name, "pooled")
    return r, r["corpus"] == t


def metrics(name, train, rule="sign", boot=True):
    """per condition: (acc, acc_boot(B), auc, auc_boot(B)); the same bootstrap draws for a
    given corpus whatever the config (seeded by group list)."""
    r, m = load_view(name, train)
    pred = A.predictions(r, rule)[m]
    y = r["y"][m]
    r = dict(r, scores=r["scores"][m], group=r["group"][m])
    W = A.group_weights(r["group"]) if boot else None
    out = {}
    for j, c in enumerate(A.COND):
        correct = (pred[:, j] == (y == 1)).astype(float)
        s = r["scores"][:, j]
        out[c] = dict(acc=correct.mean(), auc=A.auc_point(s, y), correct=correct, s=s, y=y,
                      acc_b=A.w_accuracy(correct, W) if boot else None,
                      auc_b=A.w_auc(s, y, W) if boot else None,
                      oracle=A.oracle_acc(s, y))
    return out


def mean_block(ms, key):
    p = np.mean([m[key] for m in ms])
    b = np.mean([m[key + "_b"] for m in ms], axis=0)
    return p, *A.ci(b)


def cmd_baselines(configs, rule="sign"):
    for metric in ("acc", "auc"):
        print(f"\n### {'Accuracy' if metric == 'acc' else 'ROC AUC'} "
              f"({'rule: ' + rule if metric == 'acc' else 'threshold-free'}), outer 5-fold grouped CV, "
              "development part; [95 % group-bootstrap interval]\n")
        print("| corpus | config | " + " | ".join(A.COND) + " |")
        print("|---|---|" + "---:|" * len(A.COND))
        for block, corpora in (("mean of 5 dev corpora", DEV), ("mean of 4 dev-sr networks", SR),
                               (None, DEV + SR + ([] if POOLED else CTRL))):
            if block is None:
                for t in corpora:
                    for cfg in configs:
                        m = metrics(cfg, t, rule)
                        cells = [A.fmt(m[c][metric], *A.ci(m[c][metric + "_b"])) for c in A.COND]
                        print(f"| {SHORT.get(t, t)} | {cfg} | " + " | ".join(cells) + " |")
            else:
                for cfg in configs:
                    ms = [metrics(cfg, t, rule) for t in corpora]
                    cells = [A.fmt(*mean_block([m[c] for m in ms], metric)) for c in A.COND]
                    print(f"| **{block}** | {cfg} | " + " | ".join(cells) + " |")


def cmd_controls(configs, rule="sign"):
    """Share of bicubic-control fakes (real photos enlarged by PIL bicubic) that SR-net models
    call fake, on held-out photographs."""
    print(f"\n### Bicubic controls called fake by the dev-sr network models (rule: {rule}); "
          "lower is better; real FPR on the same held-out photos beside it\n")
    print("| trained on | config | " + " | ".join(f"ctrl fake-rate {c}" for c in A.COND)
          + " | real FPR clean |")
    print("|---|---|" + "---:|" * (len(A.COND) + 1))
    for t in (["pooled"] if POOLED else SR):
        for cfg in configs:
            r = A.load(cfg, t)
            p = A.ctrl_predictions(r, rule)
            pr = A.predictions(r, rule)
            cells = [f"{p[:, j].mean():.2f}" for j in range(4)]
            sr_real = (r["corpus"] == SR[0]) & (r["y"] == 0) if POOLED else r["y"] == 0
            fpr = pr[sr_real, 0].mean()
            print(f"| {SHORT.get(t, t)} | {cfg} | " + " | ".join(cells) + f" | {fpr:.2f} |")


def cmd_oppoint(cfg):
    rules = ["sign", "platt", "acc_clean", "acc_copies"] + (["acc_clean_band", "acc_copies_band"] if POOLED else [])
    ms = {t: {rule: metrics(cfg, t, rule) for rule in rules} for t in DEV + SR}
    for c in A.COND:
        print(f"\n### Operating point, condition {c}: outer accuracy per rule (config {cfg}); "
              "[95 % group-bootstrap interval]; oracle = best threshold on the outer scores\n")
        print("| corpus | " + " | ".join(rules) + " | oracle |")
        print("|---|" + "---:|" * (len(rules) + 1))
        for label, corpora in (("mean 5 dev", DEV), ("mean 4 dev-sr", SR)):
            cells = [A.fmt(*mean_block([ms[t][rule][c] for t in corpora], "acc")) for rule in rules]
            orc = np.mean([ms[t]["sign"][c]["oracle"] for t in corpora])
            print(f"| **{label}** | " + " | ".join(cells) + f" | {orc:.3f} |")
        for t in DEV + SR:
            cells = [A.fmt(ms[t][rule][c]["acc"], *A.ci(ms[t][rule][c]["acc_b"])) for rule in rules]
            print(f"| {SHORT.get(t, t)} | " + " | ".join(cells) + f" | {ms[t]['sign'][c]['oracle']:.3f} |")
    # paired difference of each rule vs sign, mean over 5 dev corpora, per condition
    print(f"\n### Paired difference to the sign rule (accuracy points x100), mean of the 5 dev corpora "
          f"/ 4 dev-sr nets [95 % interval] (config {cfg})\n")
    print("| rule | corpora | " + " | ".join(A.COND) + " |")
    print("|---|---|" + "---:|" * 4)
    for rule in rules[1:]:
        for label, corpora in (("5 dev", DEV), ("4 dev-sr", SR)):
            cells = []
            for c in A.COND:
                d = np.mean([ms[t][rule][c]["acc_b"] - ms[t]["sign"][c]["acc_b"] for t in corpora], 0)
                p = np.mean([ms[t][rule][c]["acc"] - ms[t]["sign"][c]["acc"] for t in corpora])
                lo, hi = A.ci(d)
                cells.append(f"{100 * p:+.1f} [{100 * lo:+.1f}, {100 * hi:+.1f}]")
            print(f"| {rule} | {label} | " + " | ".join(cells) + " |")
    # thresholds
    print(f"\n### Thresholds chosen per outer fold (decision-value units; config {cfg})\n")
    print("| corpus | platt | acc_clean | acc_copies | fpr0.05 | fpr0.01 |" + (" acc_copies_band (S / M / L) |" if POOLED else ""))
    print("|---|---|---|---|---|---|" + ("---|" if POOLED else ""))
    for t in (["pooled"] if POOLED else DEV + SR):
        th = A.thresholds(A.load(cfg, t))
        cells = [" ".join(f"{v:+.2f}" for v in th[k]) for k in ("platt", "acc_clean", "acc_copies",
                                                                   "fpr0.05", "fpr0.01")]
        if "acc_copies_band" in th and POOLED:
            cells.append(" / ".join(" ".join(f"{v:+.2f}" for v in row) for row in th["acc_copies_band"].T))
        print(f"| {SHORT.get(t, t)} | " + " | ".join(cells) + " |")
    # FPR targets
    for suffix in ("", "_copies"):
        print(f"\n### --target-fpr F, calibrated on inner OOF {'clean originals' if not suffix else 'originals + copies'}:"
              f" achieved outer FPR (reals called fake) / TPR per condition (config {cfg})\n")
        print("| corpus | F | " + " | ".join(f"FPR {c}" for c in A.COND) + " | " +
              " | ".join(f"TPR {c}" for c in A.COND) + " |")
        print("|---|---|" + "---:|" * 8)
        for F in (0.05, 0.01):
            rule = f"fpr{F:g}{suffix}"
            rows = []
            for t in DEV + SR:
                r, m = load_view(cfg, t)
                p = A.predictions(r, rule)[m]
                y = r["y"][m]
                rows.append((t, [p[y == 0, j].mean() for j in range(4)], [p[y == 1, j].mean() for j in range(4)]))
            for t, fp, tp in rows:
                print(f"| {SHORT.get(t, t)} | {F:g} | " + " | ".join(f"{v:.3f}" for v in fp) + " | " +
                      " | ".join(f"{v:.3f}" for v in tp) + " |")
            for label, corpora in (("mean 5 dev", DEV), ("mean 4 dev-sr", SR)):
                sel = [x for x in rows if x[0] in corpora]
                fp = np.mean([x[1] for x in sel], 0)
                tp = np.mean([x[2] for x in sel], 0)
                print(f"| **{label}** | {F:g} | " + " | ".join(f"{v:.3f}" for v in fp) + " | " +
                      " | ".join(f"{v:.3f}" for v in tp) + " |")


def cmd_compare(base, cands, rule="acc_copies", base_rule=None):
    base_rule = base_rule or rule
    print(f"\n### Paired differences vs `{base}` (rule {base_rule}); candidate rule {rule}; "
          "accuracy and AUC points x100 [95 % group-bootstrap interval of the difference]\n")
    print("| candidate | corpora | " + " | ".join(f"Δacc {c}" for c in A.COND) + " | " +
          " | ".join(f"ΔAUC {c}" for c in A.COND) + " | mean Δacc over conditions |")
    print("|---|---|" + "---:|" * 9)
    import os
    have = [t for t in DEV + SR if POOLED or all(os.path.exists(os.path.join(C.RESULTS, n, t + ".pkl"))
                                                 for n in [base] + cands)]
    mb = {t: metrics(base, t, base_rule) for t in have}
    for cand in cands:
        mc = {t: metrics(cand, t, rule) for t in have}
        blocks = [(lab, cs) for lab, cs in [("5 dev", DEV), ("4 dev-sr", SR)] if set(cs) <= set(have)]
        for label, corpora in blocks + [(SHORT.get(t, t), [t]) for t in have]:
            cells = []
            allc = []
            for metric in ("acc", "auc"):
                for c in A.COND:
                    d = np.mean([mc[t][c][metric + "_b"] - mb[t][c][metric + "_b"] for t in corpora], 0)
                    p = np.mean([mc[t][c][metric] - mb[t][c][metric] for t in corpora])
                    lo, hi = A.ci(d)
                    cells.append(f"{100 * p:+.1f} [{100 * lo:+.1f}, {100 * hi:+.1f}]")
                    if metric == "acc":
                        allc.append(d)
            dm = np.mean(allc, 0)
            pm = np.mean([np.mean([mc[t][c]["acc"] - mb[t][c]["acc"] for t in corpora]) for c in A.COND])
            lo, hi = A.ci(dm)
            bold = "**" if lo > 0 else ""
            print(f"| {cand} | {label} | " + " | ".join(cells) +
                  f" | {bold}{100 * pm:+.1f} [{100 * lo:+.1f}, {100 * hi:+.1f}]{bold} |")


def cmd_params(configs):
    print("\n### Chosen (C, gamma) per outer fold, unique support vectors and fit time of the outer "
          "models (mean over the 5 outer fits)\n")
    print("| corpus | config | chosen (C, γ) per fold | SVs | fit s |")
    print("|---|---|---|---:|---:|")
    for t in DEV + SR:
        for cfg in configs:
            r = A.load(cfg, t)
            ch = " ".join(f"({c:g},{g:g})" for c, g in r["chosen"])
            print(f"| {SHORT.get(t, t)} | {cfg} | {ch} | {np.mean(r['n_sv']):.0f} | {np.mean(r['fit_s']):.2f} |")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
    if "--work" in sys.argv:
        i = sys.argv.index("--work")
        C.set_work(sys.argv[i + 1])
        del sys.argv[i:i + 2]
    if "--pooled" in sys.argv:
        sys.argv.remove("--pooled")
        POOLED = True
        print("\n(**pooled training**: one model per outer fold trained on all 5 dev corpora and "
              "the 4 dev-sr networks together; rows below are that model's held-out predictions "
              "restricted to each corpus)")
    cmd = sys.argv[1]
    if cmd == "baselines":
        cmd_baselines(sys.argv[2].split(","), *(sys.argv[3:4]))
        cmd_controls(sys.argv[2].split(","), *(sys.argv[3:4]))
    elif cmd == "oppoint":
        cmd_oppoint(sys.argv[2])
    elif cmd == "compare":
        cmd_compare(sys.argv[2], sys.argv[3].split(","), *sys.argv[4:6])
    elif cmd == "params":
        cmd_params(sys.argv[2].split(","))
