#!/usr/bin/env python3
"""The reference pipeline trained on clean images, tested on degraded copies of held-out ones.

Usage (from the repo root):

    python3 tools/reference_robustness.py --variants DIR/variants.csv [--jobs 2]
            [--classifiers lr,svm_rbf] [--out RESULTS.json] [--predictions PRED.csv]

VARIANTS.csv is what `tools/make_variants.py` writes: `path,label,fold,variant,corpus,source`.
For every corpus and every fold k: fit the reference classifiers on the `clean` images of
the other folds (never on any other variant), then predict every variant of fold k's images.
Each image is thus tested exactly once per variant. Accuracy per corpus and variant is
pooled over the folds (correct / tested).

Features and classifiers come from ../shared/peers/durall_reference.py, imported by path
(or --reference FILE, or $DURALL_REFERENCE), never copied: preset `generic` (N = 300,
cubic resampling, divide by the first value) with its `_extract_one`, classifiers from its
`make_classifier` unchanged (`lr` = LogisticRegression(liblinear, C = 1), `svm_rbf` =
SVC(C = 6.37, gamma = 0.86), no feature scaling).

Output: a JSON object {"corpora": {corpus: {variant: {classifier: {accuracy, n, correct}}}},
"mean": {variant: {classifier: mean accuracy over corpora}}, ...} to --out (or stdout), and
with --predictions one CSV row per test image and classifier.

Exit status: 0 ok; 1 some images could not be read (left out, reported); 2 usage error or
the reference script is missing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time

# The reference loader and feature extraction are reference_cv.py's (beside this file).
from reference_cv import (  # noqa: E402
    PRESET, LABELS, UsageError, classifier_names, load_reference, reference_path)
from reference_cv import reference_features as _ok_features  # noqa: E402


def reference_features(paths, jobs=1, reference=None):
    """(X, ok, failures) of the reference's `generic` features, one row per path in order
    (NaN rows for images the reference could not read)."""
    import numpy as np

    X_ok, ok, failures = _ok_features(paths, jobs, reference)
    X = np.full((len(paths), X_ok.shape[1]), np.nan)
    X[np.array(ok, dtype=bool)] = X_ok
    return X, ok, failures


def read_variants(path: str) -> list[dict]:
    try:
        fh = open(path, newline="", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    need = {"path", "label", "fold", "variant", "corpus"}
    with fh:
        rd = csv.DictReader(fh)
        if not rd.fieldnames or not need <= set(rd.fieldnames):
            raise UsageError(f"{path}: needs the columns {','.join(sorted(need))}")
        rows = []
        for i, r in enumerate(rd, start=2):
            if r["label"] not in LABELS:
                raise UsageError(f"{path}:{i}: label must be real or fake")
            r["fold"] = int(r["fold"])
            rows.append(r)
    if not rows:
        raise UsageError(f"{path}: no rows")
    return rows


def evaluate(rows, X, ok, classifiers, ref, seed=0):
    """Per corpus / fold: fit on the clean images of the other folds, predict every
    variant of the fold. Returns (results, predictions)."""
    import numpy as np

    y = np.array([LABELS[r["label"]] for r in rows])
    fold = np.array([r["fold"] for r in rows])
    variant = np.array([r["variant"] for r in rows])
    corpus = np.array([r["corpus"] for r in rows])
    ok = np.array(ok)
    results: dict = {}
    preds = []
    for c in sorted(set(corpus.tolist())):
        in_c = (corpus == c) & ok
        counts: dict = {}
        for k in sorted(set(fold[in_c].tolist())):
            tr = in_c & (fold != k) & (variant == "clean")
            te = in_c & (fold == k)
            if len(np.unique(y[tr])) < 2:
                raise UsageError(f"{c}: the training folds of fold {k} hold a single class")
            for name in classifiers:
                clf = ref.make_classifier(name)
                np.random.seed(seed)
                clf.fit(X[tr], y[tr])
                p = clf.predict(X[te])
                for idx, pv in zip(np.flatnonzero(te), p):
                    v = variant[idx]
                    e = counts.setdefault(v, {}).setdefault(name, [0, 0])
                    e[0] += int(pv == y[idx])
                    e[1] += 1
                    preds.append((rows[idx]["path"], c, v, rows[idx]["label"], k, name, int(pv)))
        results[c] = {v: {n: dict(accuracy=cn[0] / cn[1], correct=cn[0], n=cn[1])
                          for n, cn in d.items()} for v, d in counts.items()}
    return results, preds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="reference_robustness.py",
                                 description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", required=True, help="variants.csv of tools/make_variants.py")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--classifiers", default="lr,svm_rbf")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reference", help="path of durall_reference.py")
    ap.add_argument("--out", help="write the JSON here (default: stdout)")
    ap.add_argument("--predictions", help="write per-image predictions (CSV) here")
    a = ap.parse_args(argv)
    try:
        ref = load_reference(a.reference)
        names = classifier_names(ref, a.classifiers)
        if a.jobs < 1:
            raise UsageError("--jobs must be >= 1")
        rows = read_variants(a.variants)
    except UsageError as exc:
        print(f"reference_robustness: error: {exc}", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    X, ok, failures = reference_features([r["path"] for r in rows], a.jobs, a.reference)
    feat_secs = time.perf_counter() - t0
    for p, msg in failures:
        print(f"reference_robustness: warning: skipped {p}: {msg}", file=sys.stderr)
    try:
        res, preds = evaluate(rows, X, ok, names, ref, a.seed)
    except UsageError as exc:
        print(f"reference_robustness: error: {exc}", file=sys.stderr)
        return 2
    variants = sorted({v for c in res.values() for v in c})
    mean = {v: {n: sum(res[c][v][n]["accuracy"] for c in res if v in res[c])
                / sum(1 for c in res if v in res[c]) for n in names} for v in variants}
    out = dict(reference=os.path.relpath(reference_path(a.reference)), preset=PRESET,
               classifiers={n: repr(ref.make_classifier(n)) for n in names},
               n_images=len(rows), skipped=[dict(path=p, error=m) for p, m in failures],
               feature_seconds=round(feat_secs, 2), corpora=res, mean=mean)
    text = json.dumps(out, indent=2) + "\n"
    if a.out:
        with open(a.out, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    if a.predictions:
        with open(a.predictions, "w", newline="", encoding="utf-8") as fh:
            wr = csv.writer(fh, lineterminator="\n")
            wr.writerow(["path", "corpus", "variant", "label", "fold", "classifier",
                         "predicted_fake"])
            wr.writerows(preds)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
