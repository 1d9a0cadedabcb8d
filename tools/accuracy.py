#!/usr/bin/env python3
"""The lockbox evaluation: train on the development part, score the lockbox once.

Usage (from the repo root; `make accuracy` and `make robustness` run it):

    python3 tools/accuracy.py --shared ../shared --specdet .build/release/specdet
            [--configs "id id"] [--corpora "name name pooled"] [--model NAME=FILE ...]
            [--work DIR] [--jobs 2] [--out docs/ACCURACY.md] [--json docs/accuracy.json]
            [--no-reference] [--render-only]

1. Split: tools/lockbox.py, the one fixed split of the shared photographs (by source
   photograph, across every corpus of data/dev and data/dev-sr) into `development` and
   `lockbox`.
2. Training sets: each corpus of data/dev; each super-resolution network of data/dev-sr (its
   real crops against its outputs); the bicubic controls of data/dev-sr on their own
   (reported apart); and `pooled`, every corpus but the controls together. Each set's
   development images are linked into WORK/sets/SET/{real,fake}/ with their groups (source
   photographs) in WORK/sets/SET/groups.csv.
3. Models: for every configuration of tools/accuracy_configs.txt and every training set,
   `specdet train OPTIONS --real real --fake fake --groups groups.csv` (run in the set's
   folder, so the model does not depend on where WORK is); cross-validation and the
   out-of-fold threshold inside `train` are grouped by photograph. With `published`, the
   reference script's RBF SVM (tools/reference.py: scikit-learn SVC(C = 6.37, γ = 0.86) on
   durall_reference.py's features, labels by `predict`) is trained on the same images.
   `--model NAME=FILE` adds a finished model file (e.g. the built-in one; FILE `git:REV`
   is the built-in model file at git revision REV).
4. Conditions: every lockbox image as it is (`clean`), as JPEG q90 and q75, and halved
   (`half`: OpenCV INTER_AREA to half size), made by tools/make_variants.py's `make_variant`.
   A model trained on one corpus scores that corpus's lockbox; pooled and given models score
   every corpus's lockbox. Each model scores the lockbox once (`specdet score`).
5. Metrics per model, corpus and condition: accuracy at the model's own labels (P(fake) at
   or above the threshold in the model file; for the reference, `predict`), the best
   accuracy any threshold reaches on the same scores (the oracle), ROC AUC; each with a 95 %
   percentile interval from 2,000 bootstrap resamples of the corpus's lockbox photographs
   (tools/lockbox_stats.py; the same resamples for every model, so differences are paired).
   Means over corpora resample each corpus independently.
6. Output: the generated blocks of docs/ACCURACY.md (between `<!-- lockbox:NAME:begin -->`
   and `<!-- lockbox:NAME:end -->`; everything else in the file is kept) and every number in
   docs/accuracy.json.

WORK (default .build/accuracy) keeps the split, the degraded copies, the models and the
scores. Results of configurations not selected in a run are kept from earlier runs and shown
with the commit they were made at; `--fresh` empties WORK first. `--render-only` rewrites the
outputs from WORK without training or scoring.

Environment (the make targets pass them): ACCURACY_CONFIGS, ACCURACY_CORPORA,
ACCURACY_MODELS (space-separated NAME=FILE), ACCURACY_JOBS, ACCURACY_WORK.

Exit status: 0 ok; 1 a step failed (a model could not be trained, or images failed to score);
2 usage, or ../shared missing.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

CONDITIONS = ("clean", "q90", "q75", "half")
VARIANT_OF = {"q90": "q90", "q75": "q75", "half": "half_area"}
CONTROLS = ("bicubic_x2", "bicubic_x4")
POOLED = "pooled"
REFERENCE = "reference"
CONFIG_FILE = os.path.join(HERE, "accuracy_configs.txt")
BUILTIN_PATH = "Sources/_SpecdetDefaultModel/model/default-model.json"


class UsageError(Exception):
    pass


class StepError(Exception):
    pass


def log(msg: str) -> None:
    print(f"accuracy: {msg}", file=sys.stderr, flush=True)


def short(corpus: str) -> str:
    return corpus.rsplit("/", 1)[-1]


def read_configs(path: str = CONFIG_FILE) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.rstrip("\n").split("|")]
            if len(parts) != 3 or not re.fullmatch(r"[A-Za-z0-9._-]+", parts[0]):
                raise UsageError(f"{path}:{i}: expected `id | options | what it is`")
            if parts[0] == REFERENCE or any(c["id"] == parts[0] for c in out):
                raise UsageError(f"{path}:{i}: id {parts[0]!r} is taken")
            out.append(dict(id=parts[0], options=parts[1], what=parts[2]))
    return out


# --------------------------------------------------------------------------------------------
# split, training sets, degraded copies

def load_split(shared: str, work: str):
    import lockbox

    rows = lockbox.all_rows(os.path.join(shared, "data"))
    chosen = lockbox.lockbox_groups(rows)
    for r in rows:
        r["part"] = "lockbox" if r["group"] in chosen else "development"
        r["name"] = short(r["corpus"])
    path = os.path.join(work, "split.csv")
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["corpus", "path", "label", "group", "part"])
        for r in rows:
            wr.writerow([r["corpus"], r["path"], r["label"], r["group"], r["part"]])
    os.replace(path + ".tmp", path)
    return rows


def corpus_order(rows) -> list[str]:
    names = {r["name"]: r["corpus"] for r in rows}
    dev = sorted(n for n, c in names.items() if c.startswith("dev/"))
    sr = sorted(n for n, c in names.items() if not c.startswith("dev/") and n not in CONTROLS)
    ctl = [n for n in CONTROLS if n in names]
    return dev + sr + ctl


def training_sets(corpora: list[str]) -> dict[str, list[str]]:
    sets = {c: [c] for c in corpora}
    sets[POOLED] = [c for c in corpora if c not in CONTROLS]
    return sets


def link_set(work: str, name: str, corpora: list[str], rows) -> list[dict]:
    """WORK/sets/NAME/{real,fake}/<corpus>__<file> -> the development images, and groups.csv."""
    base = os.path.join(work, "sets", name)
    shutil.rmtree(base, ignore_errors=True)
    members = [r for r in rows if r["part"] == "development" and r["name"] in corpora]
    groups = []
    for lab in ("real", "fake"):
        os.makedirs(os.path.join(base, lab))
    for r in members:
        rel = os.path.join(r["label"], f"{r['name']}__{os.path.basename(r['path'])}")
        os.symlink(os.path.abspath(r["path"]), os.path.join(base, rel))
        groups.append((rel, r["group"]))
    with open(os.path.join(base, "groups.csv"), "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["path", "group"])
        wr.writerows(groups)
    return members


def variants_stamp(rows) -> str:
    import cv2

    h = hashlib.sha256()
    for f in ("make_variants.py", "pillow_resize.py"):
        with open(os.path.join(HERE, f), "rb") as fh:
            h.update(fh.read())
    h.update(cv2.__version__.encode())
    for r in rows:
        if r["part"] == "lockbox":
            h.update(f"{r['corpus']},{r['path']},{r['label']}\n".encode())
    return h.hexdigest()


def make_lockbox(work: str, rows) -> list[dict]:
    """Every condition of every lockbox image: dicts corpus, condition, path, label, group."""
    import cv2
    import make_variants

    base = os.path.join(work, "lockbox")
    stamp_path = os.path.join(base, "stamp")
    stamp = variants_stamp(rows)
    fresh = not (os.path.isfile(stamp_path) and open(stamp_path).read() == stamp)
    if fresh:
        shutil.rmtree(base, ignore_errors=True)
        os.makedirs(base)
        cv2.setNumThreads(1)
    items = []
    made = 0
    for r in rows:
        if r["part"] != "lockbox":
            continue
        stem = os.path.splitext(os.path.basename(r["path"]))[0]
        img = None
        for cond in CONDITIONS:
            if cond == "clean":
                path = r["path"]
            else:
                ext = ".png" if VARIANT_OF[cond] == "half_area" else ".jpg"
                path = os.path.join(base, cond, r["name"], r["label"], stem + ext)
                if fresh:
                    if img is None:
                        img = cv2.imread(r["path"], cv2.IMREAD_COLOR)
                        if img is None:
                            raise StepError(f"cannot read {r['path']}")
                    data, ext2 = make_variants.make_variant(img, VARIANT_OF[cond])
                    assert ext2 == ext
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "wb") as fh:
                        fh.write(data)
                    made += 1
            items.append(dict(corpus=r["name"], condition=cond, path=path, label=r["label"],
                              group=r["group"]))
    if fresh:
        with open(stamp_path, "w") as fh:
            fh.write(stamp)
        log(f"made {made} degraded copies of the lockbox images in {base}")
    return items


# --------------------------------------------------------------------------------------------
# training and scoring

def git_commit() -> str:
    try:
        c = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "Sources", "Package.swift"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
        return c + (" + uncommitted changes in Sources/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def specdet_version(specdet: str) -> str:
    return subprocess.run([specdet, "--version"], capture_output=True, text=True).stdout.strip()


def model_summary(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        m = json.load(fh)
    clf = m.get("classifier", {})
    platt = clf.get("platt")
    op = m.get("operating_point") or {}
    tr = m.get("training") or {}
    cv = tr.get("cross_validation") or {}
    out = dict(threshold=float(m["threshold"]), rule=op.get("rule", "not recorded"),
               features=m.get("feature", {}).get("features"), classifier=clf.get("kind"),
               oof_accuracy=cv.get("accuracy"), oof_roc_auc=cv.get("roc_auc"),
               domain="domain" in m, n_real=tr.get("n_real"), n_fake=tr.get("n_fake"),
               augmentation=tr.get("augmentation"), trained_date=tr.get("date"),
               data=tr.get("data"), tool_version=tr.get("tool_version"))
    if op.get("out_of_fold"):
        out["out_of_fold"] = op["out_of_fold"]
    if clf.get("kind") in ("svm", "svm-linear") and platt and platt.get("a", 0) < 0:
        # decision value 0 (the SVM's own sign, scikit-learn's predict) as a P(fake)
        import math
        out["sign_threshold"] = 1.0 / (1.0 + math.exp(platt["b"]))
    n_sv = clf.get("support_vectors", {}).get("shape", [None])[0] \
        if isinstance(clf.get("support_vectors"), dict) else None
    out["support_vectors"] = n_sv
    out["bytes"] = os.path.getsize(path)
    return out


def train(specdet: str, work: str, cfg: dict, tset: str, jobs: int) -> tuple[str, float]:
    folder = os.path.join(work, "sets", tset)
    out_dir = os.path.join(work, "models", cfg["id"])
    os.makedirs(out_dir, exist_ok=True)
    model = os.path.abspath(os.path.join(out_dir, f"{tset}.json"))
    cmd = [specdet, "train", "--quiet", "--jobs", str(jobs), *shlex.split(cfg["options"]),
           "--real", "real", "--fake", "fake", "--groups", "groups.csv", "--output", model]
    t0 = time.monotonic()
    with open(os.path.join(out_dir, f"{tset}.train.txt"), "w", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        fh.flush()
        rc = subprocess.run(cmd, cwd=folder, stdout=fh, stderr=subprocess.STDOUT).returncode
    secs = time.monotonic() - t0
    if rc != 0:
        raise StepError(f"{cfg['id']} on {tset}: specdet train exited {rc} "
                        f"(see {os.path.join(out_dir, tset + '.train.txt')})")
    return model, secs


def score(specdet: str, model: str, items: list[dict], out_csv: str, jobs: int):
    """specdet score of every item; returns ({path: row}, seconds, failures)."""
    paths = sorted({it["path"] for it in items})
    listing = out_csv + ".inputs"
    with open(listing, "w", encoding="utf-8") as fh:
        fh.write("\n".join(paths) + "\n")
    raw = out_csv + ".specdet.csv"
    cmd = [specdet, "score", "--quiet", "--jobs", str(jobs), "--model", model,
           "--files-from", listing, "--output", raw]
    t0 = time.monotonic()
    rc = subprocess.run(cmd, cwd=REPO).returncode
    secs = time.monotonic() - t0
    if rc not in (0, 1):
        raise StepError(f"specdet score --model {model} exited {rc}")
    with open(raw, newline="", encoding="utf-8") as fh:
        rows = {r["path"]: r for r in csv.DictReader(fh)}
    missing = [p for p in paths if p not in rows]
    if missing:
        raise StepError(f"specdet score left out {len(missing)} inputs, e.g. {missing[0]}")
    failures = sum(1 for r in rows.values() if r["status"] != "ok")
    return rows, secs, failures


def write_scores(out_csv: str, items: list[dict], rows: dict, meta: dict) -> None:
    """The harness's own record: one row per scored item (its labels under the model's own
    threshold and, for SVMs, under the decision value's sign)."""
    thr = meta["threshold"]
    sign = meta.get("sign_threshold")
    with open(out_csv + ".tmp", "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["corpus", "condition", "path", "label", "group", "score", "predicted",
                     "sign_predicted", "in_domain", "status"])
        for it in items:
            r = rows[it["path"]]
            ok = r["status"] == "ok" and r["probability_fake"] != ""
            p = float(r["probability_fake"]) if ok else None
            pred = "" if p is None else ("fake" if p >= thr else "real")
            spred = "" if p is None or sign is None else ("fake" if p >= sign else "real")
            wr.writerow([it["corpus"], it["condition"], it["path"], it["label"], it["group"],
                         r["probability_fake"] if ok else "", pred, spred, r.get("in_domain", ""),
                         r["status"]])
    os.replace(out_csv + ".tmp", out_csv)
    with open(out_csv[:-4] + ".json", "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=1)


def run_reference(work: str, sets: dict, rows, items: list[dict], selected_sets: list[str],
                  jobs: int, stamp: dict) -> float:
    import numpy as np
    import reference as refmod

    t0 = time.monotonic()
    ref = refmod.load_reference()
    out_dir = os.path.join(work, "scores", REFERENCE)
    os.makedirs(out_dir, exist_ok=True)
    dev = {}
    for tset in selected_sets:
        dev[tset] = [r for r in rows if r["part"] == "development" and r["name"] in sets[tset]]
    scored = set(sets[POOLED]) | set(CONTROLS) if POOLED in selected_sets else \
        {c for t in selected_sets for c in sets[t]}
    paths = sorted({r["path"] for v in dev.values() for r in v} |
                   {it["path"] for it in items if it["corpus"] in scored})
    log(f"reference: features of {len(paths)} images")
    X, ok, failures = refmod.reference_features(paths, jobs)
    for p, msg in failures:
        log(f"reference: warning: could not read {p}: {msg}")
    index = {}
    j = 0
    for p, g in zip(paths, ok):
        if g:
            index[p] = j
            j += 1
    for tset in selected_sets:
        tr = [r for r in dev[tset] if r["path"] in index]
        Xtr = X[[index[r["path"]] for r in tr]]
        ytr = np.array([refmod.LABELS[r["label"]] for r in tr])
        clf = ref.make_classifier("svm_rbf")
        np.random.seed(0)
        t1 = time.monotonic()
        clf.fit(Xtr, ytr)
        fit_secs = time.monotonic() - t1
        scope = [it for it in items if tset == POOLED or it["corpus"] == tset]
        rows_out = {}
        have = [it["path"] for it in scope if it["path"] in index]
        if have:
            Xte = X[[index[p] for p in have]]
            dec = clf.decision_function(Xte)
            pred = clf.predict(Xte)
            for p, d, q in zip(have, dec, pred):
                rows_out[p] = dict(status="ok", probability_fake=repr(float(d)),
                                   label="fake" if q == 1 else "real", in_domain="")
        for it in scope:
            rows_out.setdefault(it["path"], dict(status="unreadable", probability_fake="",
                                                 label="", in_domain=""))
        meta = dict(model=REFERENCE, training_set=tset, options="tools/reference.py svm_rbf",
                    threshold=0.0, sign_threshold=0.0, score="decision value",
                    rule="decision-sign (scikit-learn predict)",
                    classifier=repr(ref.make_classifier("svm_rbf")),
                    n_train_real=int((ytr == 0).sum()), n_train_fake=int((ytr == 1).sum()),
                    support_vectors=int(clf.support_vectors_.shape[0]),
                    train_seconds=round(fit_secs, 2), failures=len(failures), **stamp)
        write_scores(os.path.join(out_dir, f"{tset}.csv"), scope, rows_out, meta)
    return time.monotonic() - t0


def resolve_model(spec: str, work: str) -> tuple[str, str, str]:
    """(NAME, the file to score with, what to call it in the tables)."""
    if "=" not in spec:
        raise UsageError(f"--model wants NAME=FILE, not {spec!r}")
    name, path = spec.split("=", 1)
    if not re.fullmatch(r"[A-Za-z0-9._@+-]+", name):
        raise UsageError(f"--model {spec!r}: NAME may hold letters, digits and . _ @ + -")
    if path.startswith("git:"):
        rev = path[4:]
        dst = os.path.join(work, "given", f"{name}.model.json")
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as fh:
            rc = subprocess.run(["git", "show", f"{rev}:{BUILTIN_PATH}"], cwd=REPO, stdout=fh).returncode
        if rc != 0:
            raise UsageError(f"--model {spec!r}: git show {rev}:{BUILTIN_PATH} failed")
        return name, dst, path
    if not os.path.isfile(path):
        raise UsageError(f"--model {spec!r}: no such file")
    return name, path, path


def lockbox_exposure(summary: dict, rows) -> str:
    """Whether a given model can have seen lockbox images, from what its file records."""
    lock = [r for r in rows if r["part"] == "lockbox"]
    data = summary.get("data")
    if data:
        seen = set()
        for d in data:
            src = os.path.normpath(d.get("source", ""))
            for r in lock:
                p = os.path.normpath(r["path"])
                if p == src or p.startswith(src + os.sep):
                    seen.add(r["name"])
        if seen:
            return ("trained on folders that hold lockbox images (" + ", ".join(sorted(seen)) +
                    "): its numbers on those corpora are flattered")
        if all(os.path.splitext(d.get("source", ""))[1].lower() != ".csv" for d in data):
            return "its recorded training sources hold no lockbox image"
        return "trained on profile CSVs: the harness cannot tell which images they held"
    # Old files record only counts: compare them with the whole of data/dev.
    n_real, n_fake = summary.get("n_real"), summary.get("n_fake")
    aug = summary.get("augmentation") or ""
    m = re.search(r"(\d+) copies per image in each of (\d+) rounds", aug)
    factor = 1 + int(m.group(1)) * int(m.group(2)) if m else 1
    dev_real = sum(1 for r in rows if r["corpus"].startswith("dev/") and r["label"] == "real")
    dev_fake = sum(1 for r in rows if r["corpus"].startswith("dev/") and r["label"] == "fake")
    if n_real and n_fake and n_real == factor * dev_real and n_fake == factor * dev_fake:
        return (f"records no training sources, but its counts ({n_real // factor} real and "
                f"{n_fake // factor} fake images, each with {factor - 1} augmented copies) are "
                f"those of every image of data/dev: it was trained on all the photographs of "
                f"the five dev corpora, lockbox included, so its numbers on them are "
                f"flattered (it saw no dev-sr image)")
    return "records no training sources: the harness cannot tell whether it saw lockbox images"


# --------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="accuracy.py", description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--specdet", default=".build/release/specdet")
    ap.add_argument("--configs", default=os.environ.get("ACCURACY_CONFIGS", ""),
                    help="ids of tools/accuracy_configs.txt to run (default: all)")
    ap.add_argument("--corpora", default=os.environ.get("ACCURACY_CORPORA", ""),
                    help="training sets to run: corpus names and/or `pooled` (default: all)")
    ap.add_argument("--model", action="append", default=None, metavar="NAME=FILE",
                    help="also score the lockbox with this model file (FILE git:REV: the "
                         "built-in model at REV)")
    ap.add_argument("--work", default=os.environ.get("ACCURACY_WORK", ".build/accuracy"))
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("ACCURACY_JOBS", "2")))
    ap.add_argument("--out", default="docs/ACCURACY.md")
    ap.add_argument("--json", default="docs/accuracy.json")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="empty WORK first")
    ap.add_argument("--render-only", action="store_true")
    a = ap.parse_args(argv)
    if a.model is None:
        a.model = os.environ.get("ACCURACY_MODELS", "").split()
    os.chdir(REPO)
    try:
        shared = a.shared.rstrip("/")
        if not os.path.isdir(os.path.join(shared, "data", "dev")) or \
                not os.path.isdir(os.path.join(shared, "data", "dev-sr")) or \
                not os.path.isfile(os.path.join(shared, "peers", "durall_reference.py")):
            raise UsageError(f"this needs the shared data and reference script at '{shared}' "
                             f"(set SHARED=...); it is not part of the repository")
        configs = read_configs()
        known = [c["id"] for c in configs]
        want = a.configs.replace(",", " ").split() or known
        for c in want:
            if c not in known:
                raise UsageError(f"unknown configuration {c!r} (tools/accuracy_configs.txt has "
                                 f"{', '.join(known)})")
        if not a.render_only and not (os.path.isfile(a.specdet) and os.access(a.specdet, os.X_OK)):
            raise UsageError(f"{a.specdet} is not an executable specdet binary (make release first)")
        if a.jobs < 1:
            raise UsageError("--jobs must be at least 1")
    except UsageError as exc:
        print(f"accuracy: error: {exc}", file=sys.stderr)
        return 2
    specdet = os.path.abspath(a.specdet)
    work = a.work
    if a.fresh and not a.render_only:
        shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    rows = load_split(shared, work)
    corpora = corpus_order(rows)
    sets = training_sets(corpora)
    try:
        chosen = a.corpora.replace(",", " ").split() or list(sets)
        for s in chosen:
            if s not in sets:
                raise UsageError(f"unknown training set {s!r} (known: {', '.join(sets)})")
        given = [resolve_model(m, work) for m in a.model]
    except UsageError as exc:
        print(f"accuracy: error: {exc}", file=sys.stderr)
        return 2
    chosen = [s for s in sets if s in chosen]
    status = 0
    timing_path = os.path.join(work, "runtime.json")
    if not a.render_only:
        t_start = time.monotonic()
        stamp = dict(commit=git_commit(), version=specdet_version(specdet),
                     date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                     jobs=a.jobs)
        timing = dict(started=stamp["date"], jobs=a.jobs, configs=want, training_sets=chosen,
                      steps=[])
        t0 = time.monotonic()
        items = make_lockbox(work, rows)
        timing["steps"].append(dict(step="degraded copies", seconds=round(time.monotonic() - t0, 1)))
        for tset in chosen:
            link_set(work, tset, sets[tset], rows)
        for cfg in configs:
            if cfg["id"] not in want:
                continue
            out_dir = os.path.join(work, "scores", cfg["id"])
            os.makedirs(out_dir, exist_ok=True)
            for tset in chosen:
                log(f"{cfg['id']}: training on {tset} ({cfg['options'] or 'no options'})")
                try:
                    model, train_secs = train(specdet, work, cfg, tset, a.jobs)
                    scope = [it for it in items if tset == POOLED or it["corpus"] == tset]
                    out_csv = os.path.join(out_dir, f"{tset}.csv")
                    srows, score_secs, failures = score(specdet, model, scope, out_csv, a.jobs)
                except StepError as exc:
                    log(f"error: {exc}")
                    status = 1
                    continue
                if failures:
                    log(f"warning: {cfg['id']} on {tset}: {failures} lockbox images failed to score")
                    status = 1
                meta = dict(model=cfg["id"], training_set=tset, options=cfg["options"],
                            train_seconds=round(train_secs, 1), score_seconds=round(score_secs, 1),
                            failures=failures, **model_summary(model), **stamp)
                meta.pop("data", None)
                write_scores(out_csv, scope, srows, meta)
                timing["steps"].append(dict(step=f"{cfg['id']} {tset}", train=round(train_secs, 1),
                                            score=round(score_secs, 1)))
                log(f"{cfg['id']}: {tset}: trained in {train_secs:.0f} s, scored in {score_secs:.0f} s")
        if "published" in want and not a.no_reference:
            try:
                secs = run_reference(work, sets, rows, items, chosen, a.jobs, stamp)
                timing["steps"].append(dict(step="reference", seconds=round(secs, 1)))
                log(f"reference: {secs:.0f} s")
            except Exception as exc:  # noqa: BLE001 (a reference failure must not hide the rest)
                log(f"error: reference: {type(exc).__name__}: {exc}")
                status = 1
        gdir = os.path.join(work, "scores", "given")
        for f in os.listdir(gdir) if os.path.isdir(gdir) else []:
            os.remove(os.path.join(gdir, f))
        for name, path, shown in given:
            os.makedirs(gdir, exist_ok=True)
            log(f"model {name}: scoring the lockbox with {path}")
            try:
                out_csv = os.path.join(gdir, f"{name}.csv")
                srows, score_secs, failures = score(specdet, os.path.abspath(path), items, out_csv, a.jobs)
            except StepError as exc:
                log(f"error: {exc}")
                status = 1
                continue
            summ = model_summary(path)
            meta = dict(model=name, training_set="given", options=f"--model {name}={shown}",
                        file=shown, sha256=hashlib.sha256(open(path, "rb").read()).hexdigest(),
                        score_seconds=round(score_secs, 1), failures=failures,
                        exposure=lockbox_exposure(summ, rows), **summ, **stamp)
            meta.pop("data", None)
            write_scores(out_csv, items, srows, meta)
            timing["steps"].append(dict(step=f"model {name}", score=round(score_secs, 1)))
        timing["wall_seconds"] = round(time.monotonic() - t_start, 1)
        command = ["python3", "tools/accuracy.py", "--shared", a.shared, "--specdet", a.specdet,
                   "--work", a.work]
        if a.configs:
            command += ["--configs", a.configs]
        if a.corpora:
            command += ["--corpora", a.corpora]
        for m in a.model:
            command += ["--model", m]
        command += ["--jobs", str(a.jobs)]
        timing["command"] = " ".join(shlex.quote(c) for c in command)
        with open(timing_path, "w", encoding="utf-8") as fh:
            json.dump(timing, fh, indent=1)
        log(f"wall time {timing['wall_seconds'] / 60:.1f} min")

    import accuracy_report

    try:
        accuracy_report.render(work=work, rows=rows, corpora=corpora, configs=configs,
                               out=a.out, json_out=a.json)
    except accuracy_report.RenderError as exc:
        print(f"accuracy: error: {exc}", file=sys.stderr)
        return 1
    log(f"wrote {a.out} and {a.json}")
    return status


if __name__ == "__main__":
    sys.exit(main())
