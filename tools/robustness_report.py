#!/usr/bin/env python3
"""Markdown tables of robustness accuracy: specdet configurations beside the reference.

Usage (from the repo root; tools/robustness.sh calls it):

    python3 tools/robustness_report.py --variants WORK/variants.csv
            --reference WORK/reference.json
            --specdet "NAME=SCORES_DIR" [--specdet "NAME2=DIR2" ...] [--json OUT.json]

SCORES_DIR holds the CSV files of `specdet score` (columns path,status,probability_fake,
label,...) for the held-out copies of every fold; each path is looked up in variants.csv
(path,label,fold,variant,corpus) to know its true label, corpus and condition. A row whose
status is not `ok` counts as wrong (and is reported). Accuracy per corpus and condition is
pooled over the folds; the "mean" row is the unweighted mean over the corpora, the number
the acceptance thresholds are about:

    clean >= 0.97, q90 >= 0.93, q75 >= 0.90, half (half_area) >= 0.85

`half_bicubic` (a Pillow-style bicubic halving) is shown beside `half_area` as a second,
harder halving; the threshold is checked on `half_area` (OpenCV INTER_AREA) only.
`half_q90` (the area halving, then JPEG q90) is the compound of the two that images meet on
the web; it has no threshold in the issue and is shown for honesty.

Exit status: 0 ok (whatever the accuracy); 1 some scores are missing or failed; 2 usage.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import sys

CONDITIONS = ("clean", "q90", "q75", "half_area", "half_bicubic", "half_q90")
TITLES = {"clean": "clean", "q90": "JPEG q90", "q75": "JPEG q75", "half_area": "half (area)",
          "half_bicubic": "half (bicubic)", "half_q90": "half + q90"}
THRESHOLDS = {"clean": 0.97, "q90": 0.93, "q75": 0.90, "half_area": 0.85}
REF_NAMES = {"lr": "reference LR", "svm_rbf": "reference SVM-RBF"}


def read_variants(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["path"]: r for r in csv.DictReader(fh)}


def specdet_accuracy(variants, folder):
    """{corpus: {condition: accuracy}}, number of problems."""
    counts = {}
    seen = set()
    problems = 0
    files = sorted(glob.glob(os.path.join(folder, "**", "*.csv"), recursive=True))
    for f in files:
        with open(f, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                v = variants.get(r["path"])
                if v is None:
                    print(f"robustness_report: warning: {f}: unknown path {r['path']}",
                          file=sys.stderr)
                    problems += 1
                    continue
                seen.add(r["path"])
                c = counts.setdefault(v["corpus"], {}).setdefault(v["variant"], [0, 0])
                c[1] += 1
                if r["status"] != "ok":
                    print(f"robustness_report: warning: {r['path']}: {r['status']}",
                          file=sys.stderr)
                    problems += 1
                elif r["label"] == v["label"]:
                    c[0] += 1
    missing = set(variants) - seen
    if missing:
        print(f"robustness_report: warning: {folder}: no score for {len(missing)} test "
              f"images (e.g. {sorted(missing)[0]})", file=sys.stderr)
        problems += 1
    acc = {c: {v: n[0] / n[1] for v, n in d.items()} for c, d in counts.items()}
    return acc, problems


def mean_over(acc, cond):
    vals = [d[cond] for d in acc.values() if cond in d]
    return sum(vals) / len(vals) if vals else None


def fmt(x):
    return "—" if x is None else f"{x:.3f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="robustness_report.py", description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", required=True)
    ap.add_argument("--reference", help="JSON of tools/reference_robustness.py")
    ap.add_argument("--specdet", action="append", default=[], metavar="NAME=DIR")
    ap.add_argument("--json", help="also write all accuracies as JSON here")
    a = ap.parse_args(argv)
    try:
        variants = read_variants(a.variants)
    except (OSError, KeyError) as exc:
        print(f"robustness_report: error: {a.variants}: {exc}", file=sys.stderr)
        return 2
    models = []   # (name, {corpus: {cond: acc}})
    problems = 0
    for spec in a.specdet:
        if "=" not in spec:
            print(f"robustness_report: error: --specdet wants NAME=DIR, not {spec!r}",
                  file=sys.stderr)
            return 2
        name, folder = spec.split("=", 1)
        acc, p = specdet_accuracy(variants, folder)
        problems += p
        models.append((name, acc))
    if a.reference:
        with open(a.reference, encoding="utf-8") as fh:
            ref = json.load(fh)
        for clf, title in REF_NAMES.items():
            acc = {c: {v: d[clf]["accuracy"] for v, d in cd.items() if clf in d}
                   for c, cd in ref["corpora"].items()}
            if any(acc.values()):
                models.append((title, acc))
    conds = [c for c in CONDITIONS if any(c in d for _, acc in models for d in acc.values())]
    corpora = sorted({c for _, acc in models for c in acc})

    out = []
    out.append("Mean accuracy over the %d corpora (held-out photographs, trained on clean "
               "images only):\n" % len(corpora))
    out.append("| model | " + " | ".join(TITLES[c] for c in conds) + " |")
    out.append("|---|" + "---:|" * len(conds))
    out.append("| *threshold* | " + " | ".join(
        f"*≥ {THRESHOLDS[c]:.2f}*" if c in THRESHOLDS else "" for c in conds) + " |")
    for name, acc in models:
        cells = []
        for c in conds:
            m = mean_over(acc, c)
            mark = ""
            if c in THRESHOLDS and m is not None:
                mark = " ✓" if m >= THRESHOLDS[c] else " ✗"
            cells.append(fmt(m) + mark)
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Per corpus:\n")
    out.append("| corpus | model | " + " | ".join(TITLES[c] for c in conds) + " |")
    out.append("|---|---|" + "---:|" * len(conds))
    for corpus in corpora:
        for name, acc in models:
            d = acc.get(corpus, {})
            out.append(f"| {corpus} | {name} | " + " | ".join(fmt(d.get(c)) for c in conds)
                       + " |")
    print("\n".join(out))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump({name: dict(corpora=acc, mean={c: mean_over(acc, c) for c in conds})
                       for name, acc in models}, fh, indent=2)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
