#!/usr/bin/env python3
"""Cross-validated accuracy of the reference pipeline on given folds.

Research tool (the lockbox harness, tools/accuracy.py, replaced it for the published
numbers). Usage (from the repo root):

    python3 tools/research/reference_cv.py --folds FOLDS.csv [--jobs 2] [--json]

FOLDS.csv has a header and the columns `path,label,fold` (more columns are ignored):
`label` is `real` or `fake` (real = 0, fake = 1, as in the reference), `fold` an integer
0..K-1. Paths are used as written (relative ones relative to the current directory), so
the same script scores clean images or folders of already-transformed copies (JPEG
re-encoded, downscaled, ...): write a FOLDS.csv that points at them.

Features: ../shared/peers/durall_reference.py (found relative to the repo root, or given
with --reference), imported by path; preset `generic` (N = 300, cubic resampling, divide
by the first value), image by image with the reference's own `_extract_one`.
Images the reference cannot read are reported on stderr and left out of every fold
(exit status 1 at the end, like `specdet` when an input fails).

Classifiers: built by the reference's `make_classifier`, unchanged: `lr` =
LogisticRegression(solver='liblinear', max_iter=1000) (C = 1, L2) and `svm_rbf` =
SVC(C=6.37, kernel='rbf', gamma=0.86); `--classifiers lr,svm_rbf,svm_linear` adds the
linear SVM. No feature scaling. For every fold k: fit on all other folds, score on fold k.
numpy's global RNG is seeded (--seed) before each fit, so a solver that draws from it
would still be repeatable; the classifiers themselves are not changed.

Output: per classifier the mean of the per-fold accuracies (unweighted), their standard
deviation, the pooled accuracy (all test predictions together) and the per-fold
accuracies. With --json, stdout holds only one JSON object (the text goes to stderr).

Exit status: 0 ok; 1 some images were skipped or a fold could not be scored; 2 usage
error, a bad FOLDS.csv, or the reference script (../shared/peers) is missing.

As a module: `cross_validate(X, y, folds, classifiers)` can be used on its own
(`load_reference()` and `reference_features()` live in tools/reference.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time

# The reference loader and features are tools/reference.py's (one directory up).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from reference import (  # noqa: E402
    LABELS, N_FEATURES, PRESET, UsageError, classifier_names, load_reference,
    reference_features, reference_path)

DEFAULT_CLASSIFIERS = ("lr", "svm_rbf")


def cross_validate(X, y, folds, classifiers=DEFAULT_CLASSIFIERS, reference=None, seed=0):
    """Train on the other folds, test on each fold, with the reference's classifiers.

    Returns {name: {"folds": [{fold, n_train, n_test, accuracy | error}], "mean_accuracy",
    "std_accuracy", "pooled_accuracy", "n_folds_scored"}}.
    """
    import numpy as np

    ref = load_reference(reference)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    folds = np.asarray(folds)
    out = {}
    for name in classifiers:
        per_fold = []
        correct = 0
        tested = 0
        for k in sorted(set(folds.tolist())):
            te = folds == k
            tr = ~te
            entry = dict(fold=int(k), n_train=int(tr.sum()), n_test=int(te.sum()),
                         n_test_real=int((y[te] == 0).sum()),
                         n_test_fake=int((y[te] == 1).sum()))
            if len(np.unique(y[tr])) < 2:
                entry["error"] = "training folds hold a single class"
            elif te.sum() == 0:
                entry["error"] = "empty test fold"
            else:
                clf = ref.make_classifier(name)
                np.random.seed(seed)
                clf.fit(X[tr], y[tr])
                pred = clf.predict(X[te])
                c = int((pred == y[te]).sum())
                entry["accuracy"] = c / int(te.sum())
                correct += c
                tested += int(te.sum())
            per_fold.append(entry)
        accs = np.array([f["accuracy"] for f in per_fold if "accuracy" in f])
        out[name] = dict(
            classifier=ref.CLASSIFIER_NAMES.get(name, name),
            params=repr(ref.make_classifier(name)),
            folds=per_fold,
            n_folds_scored=int(accs.size),
            mean_accuracy=float(accs.mean()) if accs.size else None,
            std_accuracy=float(accs.std()) if accs.size else None,
            pooled_accuracy=correct / tested if tested else None,
        )
    return out


def read_folds(path: str) -> list[tuple[str, int, int]]:
    try:
        fh = open(path, newline="", encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    with fh:
        rd = csv.DictReader(fh)
        need = {"path", "label", "fold"}
        if not rd.fieldnames or not need <= set(rd.fieldnames):
            raise UsageError(f"{path}: needs the columns path,label,fold "
                             f"(has {rd.fieldnames})")
        rows = []
        for i, r in enumerate(rd, start=2):
            lab = (r["label"] or "").strip().lower()
            if lab not in LABELS:
                raise UsageError(f"{path}:{i}: label must be real or fake, not {r['label']!r}")
            try:
                fold = int(r["fold"])
            except (TypeError, ValueError):
                raise UsageError(f"{path}:{i}: fold must be an integer, not {r['fold']!r}")
            if fold < 0:
                raise UsageError(f"{path}:{i}: fold must be >= 0")
            if not r["path"]:
                raise UsageError(f"{path}:{i}: empty path")
            rows.append((r["path"], LABELS[lab], fold))
    if not rows:
        raise UsageError(f"{path}: no rows")
    seen = set()
    for p, _, _ in rows:
        if p in seen:
            raise UsageError(f"{path}: path {p} listed twice")
        seen.add(p)
    ks = sorted({f for _, _, f in rows})
    if len(ks) < 2:
        raise UsageError(f"{path}: needs at least 2 folds, has {ks}")
    if ks != list(range(len(ks))):
        print(f"reference_cv: warning: folds are {ks}, not 0..{len(ks) - 1}", file=sys.stderr)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="reference_cv.py", description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", required=True, help="CSV with columns path,label,fold")
    ap.add_argument("--jobs", type=int, default=2, help="feature worker processes (2)")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--classifiers", default=",".join(DEFAULT_CLASSIFIERS),
                    help="comma-separated reference names: lr, svm_rbf, svm_linear, svm_poly")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reference", help="path of durall_reference.py (default "
                                        "../shared/peers/durall_reference.py from the repo root)")
    a = ap.parse_args(argv)
    text = sys.stderr if a.json else sys.stdout
    try:
        if a.jobs < 1:
            raise UsageError("--jobs must be >= 1")
        ref = load_reference(a.reference)
        names = classifier_names(ref, a.classifiers)
        rows = read_folds(a.folds)
    except UsageError as exc:
        print(f"reference_cv: error: {exc}", file=sys.stderr)
        return 2

    import numpy as np

    paths = [p for p, _, _ in rows]
    t0 = time.perf_counter()
    X, ok, failures = reference_features(paths, a.jobs, a.reference)
    feat_secs = time.perf_counter() - t0
    for p, msg in failures:
        print(f"reference_cv: warning: skipped {p}: {msg}", file=sys.stderr)
    y = np.array([lab for (_, lab, _), g in zip(rows, ok) if g])
    folds = np.array([f for (_, _, f), g in zip(rows, ok) if g])
    if y.size == 0:
        print("reference_cv: error: no image could be read", file=sys.stderr)
        return 1
    res = cross_validate(X, y, folds, names, a.reference, a.seed)
    summary = dict(
        folds_csv=a.folds, reference=os.path.relpath(reference_path(a.reference)),
        preset=PRESET, n_features=N_FEATURES, n_images=len(rows), n_used=int(y.size),
        n_real=int((y == 0).sum()), n_fake=int((y == 1).sum()),
        n_folds=len(set(folds.tolist())),
        skipped=[dict(path=p, error=m) for p, m in failures],
        feature_seconds=round(feat_secs, 3), seed=a.seed, classifiers=res)

    print(f"reference pipeline (preset {PRESET}, N={N_FEATURES}): {summary['n_used']} of "
          f"{summary['n_images']} images ({summary['n_real']} real, {summary['n_fake']} fake), "
          f"{summary['n_folds']} folds, features {feat_secs:.1f}s", file=text)
    for name, r in res.items():
        if r["mean_accuracy"] is None:
            print(f"{r['classifier']:8s} no fold could be scored", file=text)
            continue
        print(f"{r['classifier']:8s} mean accuracy {r['mean_accuracy']:.4f} "
              f"(std {r['std_accuracy']:.4f} over {r['n_folds_scored']} folds), "
              f"pooled {r['pooled_accuracy']:.4f}", file=text)
        for f in r["folds"]:
            acc = f"{f['accuracy']:.4f}" if "accuracy" in f else f"skipped: {f['error']}"
            print(f"    fold {f['fold']}: {acc}  (train {f['n_train']}, test {f['n_test']}: "
                  f"{f['n_test_real']} real, {f['n_test_fake']} fake)", file=text)
    if a.json:
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
    unscored = any(len([f for f in r["folds"] if "accuracy" not in f]) for r in res.values())
    return 1 if failures or unscored else 0


if __name__ == "__main__":
    sys.exit(main())
