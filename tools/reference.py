#!/usr/bin/env python3
"""The reference pipeline (../shared/peers/durall_reference.py), imported by path, never copied.

Used by tools/accuracy.py (the reference's RBF SVM beside specdet's `published`
configuration) and tools/research/reference_cv.py. Not a command.

* `load_reference(path=None)`: the module `durall_reference`, from `path`, $DURALL_REFERENCE
  or ../shared/peers/durall_reference.py beside the repository; its preset `generic` is
  checked to be N = 300, normalised (divided by the first value), uncropped.
* `reference_features(paths, jobs, reference)`: the preset's features of each path, with the
  reference's own `_extract_one`, in `jobs` worker processes. Returns (X, ok, failures): X has
  one row per path that worked, `ok` one boolean per path, `failures` (path, message) pairs.
* `make_classifier(name)`: the reference's classifier, unchanged (`svm_rbf` = scikit-learn
  SVC(C = 6.37, kernel = 'rbf', gamma = 0.86), `lr` = LogisticRegression(liblinear), ...).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from concurrent.futures import ProcessPoolExecutor

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# ../shared/peers/durall_reference.py relative to the repo root (the repo's clone has
# `shared` beside it, in CI as here).
DEFAULT_REFERENCE = os.path.join(REPO_ROOT, "..", "shared", "peers", "durall_reference.py")
PRESET = "generic"
N_FEATURES = 300
LABELS = {"real": 0, "fake": 1}


class UsageError(Exception):
    pass


def reference_path(given: str | None = None) -> str:
    return given or os.environ.get("DURALL_REFERENCE") or DEFAULT_REFERENCE


def load_reference(path: str | None = None):
    """Import durall_reference.py by path (module name `durall_reference`)."""
    path = reference_path(path)
    if not os.path.isfile(path):
        raise UsageError(
            f"the reference script {os.path.normpath(path)} is missing: this tool needs "
            f"../shared/peers/durall_reference.py beside the repo (or --reference FILE / "
            f"$DURALL_REFERENCE)")
    if "durall_reference" in sys.modules and \
            getattr(sys.modules["durall_reference"], "__file__", None) == path:
        return sys.modules["durall_reference"]
    spec = importlib.util.spec_from_file_location("durall_reference", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["durall_reference"] = mod
    try:
        spec.loader.exec_module(mod)
    except Exception as exc:
        del sys.modules["durall_reference"]
        raise UsageError(f"cannot import {path}: {type(exc).__name__}: {exc}") from exc
    cfg = mod.PRESETS.get(PRESET, {})
    if cfg.get("n_points") != N_FEATURES or not cfg.get("normalize") or cfg.get("crop"):
        raise UsageError(f"{path}: preset '{PRESET}' is not N={N_FEATURES}, normalised, "
                         f"uncropped ({cfg})")
    return mod


def classifier_names(ref, text: str) -> list[str]:
    """The comma-separated classifier names of `text`, each checked against the reference's."""
    names = [c.strip() for c in text.split(",") if c.strip()]
    for n in names:
        if n not in ref.CLASSIFIER_NAMES:
            raise UsageError(f"unknown classifier {n!r} (known: {', '.join(ref.CLASSIFIER_NAMES)})")
    return names


# Worker processes load the reference themselves (initializer), so this works with any
# multiprocessing start method (fork, spawn, forkserver).
_WORKER_REF = None


def _init_worker(path: str) -> None:
    global _WORKER_REF
    _WORKER_REF = load_reference(path)


def _extract(path: str) -> dict:
    return _WORKER_REF._extract_one((path, PRESET))


def reference_features(paths: list[str], jobs: int = 1, reference: str | None = None):
    """Reference features of `paths` in order: (X of the paths that worked, ok, failures)."""
    import numpy as np

    ref_path = reference_path(reference)
    ref = load_reference(ref_path)
    if jobs <= 1 or len(paths) < 2:
        results = [ref._extract_one((p, PRESET)) for p in paths]
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                 initargs=(ref_path,)) as ex:
            results = list(ex.map(_extract, paths,
                                  chunksize=max(1, len(paths) // (8 * jobs))))
    ok = [bool(r["ok"]) for r in results]
    failures = [(r["path"], r["error"]) for r in results if not r["ok"]]
    vecs = [r["vec"] for r in results if r["ok"]]
    X = np.vstack(vecs) if vecs else np.zeros((0, N_FEATURES))
    if X.shape[1] != N_FEATURES:
        raise UsageError(f"reference returned {X.shape[1]} features, expected {N_FEATURES}")
    return X, ok, failures
