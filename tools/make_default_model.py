#!/usr/bin/env python3
"""Train the built-in model: `make default-model` (needs ../shared and the sr-extra corpus).

Usage (from the repo root):

    python3 tools/make_default_model.py --shared ../shared --sr-extra DIR --specdet BIN \
        --work DIR [--output Sources/_SpecdetDefaultModel/model/default-model.json] [--jobs N]

Training data, every size present:
- the development part of `shared/data/dev` and `shared/data/dev-sr` (tools/lockbox.py: the
  lockbox photographs are never trained on, so docs/ACCURACY.md can score the built-in model
  on them);
- all of sr-extra (tools/make_training_data.py: 78 other photographs, 13 networks).

Super-resolution outputs are fake. Bicubic and Lanczos enlargements (the `bicubic_xF` and
`lanczos_xF` controls) are *real*: they are not generated, and a detector of generators must
not call every zoomed photograph fake (docs/ACCURACY.md has the measurements behind this).
A real crop that appears in several folders (dev-sr and sr-extra keep each real once per
generator) is taken once, so no photograph counts twice.

The images are linked into WORK as `<family>/<corpus>/<real|fake|enlarged>/`, one `--real` or
`--fake` argument per folder, so the model's `training.data` names every corpus with its
count and sizes; `groups.csv` groups them by source photograph for the cross-validation. Then
`specdet train --landmarks 1600 --groups groups.csv --target-fpr 0.075 --target-fpr-on
dev-sr/real sr-extra/real` with every other option at its default.

The threshold keeps the out-of-fold false-positive rate on the real photograph crops of 256 px
and more (the dev-sr and sr-extra reals, originals) at or below 7.5 %. In grouped
cross-validation on the development part (tools/research/builtin/tables/q5_operating_point.md,
rule `fpr7_ge256`) the classifier's own boundary called 11.7 % [7.8, 16.2] of held-out such
crops fake and this rule 6.8 % [4.1, 9.5]; the 13 extra networks' fakes were caught 7.5 points
[6.3, 8.7] less often, their accuracy fell 1.2 points [-0.1, 2.3], the four dev-sr networks'
rose 1.2 [-3.8, 5.7] and the dev corpora's fell 0.8 to 2.2. The 7.5 % was chosen after the 5 %
and 10 % rules had been seen on that table (the smallest target whose interval stays under
10 %), so the 6.8 % is a little optimistic; the lockbox, which it never saw, measures it.
"""

import argparse
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lockbox  # noqa: E402

CONTROL = re.compile(r"^(bicubic|lanczos)_x\d+$")
LANDMARKS = 1600
TARGET_FPR = "0.075"
# The reals the false-positive target counts: photograph crops at the sizes users have, not the
# 64-128 px dev crops nor the enlargements trained as real.
TARGET_FPR_ON = ["dev-sr/real", "sr-extra/real"]


def digest(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def training_images(shared: str, sr_extra: str) -> list[tuple[str, str, str, str]]:
    """(folder, label, image path, group) of every training image, reals once each."""
    rows = lockbox.all_rows(os.path.join(shared, "data"))
    lockboxed = lockbox.lockbox_groups(rows)
    images = [(r["corpus"], r["label"], r["path"], r["group"]) for r in rows if r["group"] not in lockboxed]
    with open(os.path.join(sr_extra, "manifest.csv"), newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            images.append(("sr-extra/" + r["generator"], r["label"], os.path.join(sr_extra, r["path"]),
                           "sr-extra:" + r["source_photo"]))
    taken, seen = [], set()
    for corpus, label, path, group in images:
        family, name = corpus.split("/")
        if label == "real":
            key = digest(path)
            if key in seen:
                continue
            seen.add(key)
            # A real crop is one crop whatever generator folder it came from: the ae128 corpora
            # share theirs, dev-sr and sr-extra keep each once per generator.
            folder = f"{family}/{'ae128' if name.startswith('ae128_') else name}/real" if family == "dev" else f"{family}/real"
        elif CONTROL.match(name):
            label, folder = "real", f"{family}/{name}/enlarged"
        else:
            folder = f"{family}/{name}/fake"
        taken.append((folder, label, path, group))
    return taken


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", required=True)
    ap.add_argument("--sr-extra", required=True)
    ap.add_argument("--specdet", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--output", default="Sources/_SpecdetDefaultModel/model/default-model.json")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args(argv)
    if not os.path.isfile(os.path.join(a.sr_extra, "manifest.csv")):
        print(f"make_default_model: no sr-extra corpus at {a.sr_extra}: make it with "
              f"tools/make_training_data.py --out {a.sr_extra} (see its docstring), or give SR_EXTRA=DIR", file=sys.stderr)
        return 2
    images = training_images(a.shared, a.sr_extra)
    shutil.rmtree(a.work, ignore_errors=True)
    folders: dict[str, str] = {}
    groups = []
    for index, (folder, label, path, group) in enumerate(images):
        os.makedirs(os.path.join(a.work, folder), exist_ok=True)
        link = os.path.join(folder, f"{index:05d}{os.path.splitext(path)[1]}")
        os.symlink(os.path.abspath(path), os.path.join(a.work, link))
        folders.setdefault(folder, label)
        groups.append((link, group))
    with open(os.path.join(a.work, "groups.csv"), "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["path", "group"])
        writer.writerows(groups)
    arguments = [os.path.abspath(a.specdet), "train", "--landmarks", str(LANDMARKS), "--groups", "groups.csv", "--jobs", str(a.jobs),
                 "--output", os.path.abspath(a.output)]
    for folder, label in sorted(folders.items()):
        arguments += ["--" + label, folder]
    arguments += ["--target-fpr", TARGET_FPR, "--target-fpr-on"] + TARGET_FPR_ON
    print(" ".join(arguments), flush=True)
    return subprocess.call(arguments, cwd=a.work)


if __name__ == "__main__":
    sys.exit(main())
