#!/usr/bin/env python3
"""Which shapes of image the built-in model judges: verdicts by aspect ratio.

The built-in model was trained on square crops only. Rings of whole pixels mix the two axes'
frequencies in proportions that change with the image's shape, so a strip's profile is not a
photograph's. This study crops photographs to aspect ratios from 1 to 8 and scores the crops
with the built-in model twice: without an aspect-ratio bound (its domain as trained) and with
the bound of the model file (largest_aspect_ratio).

Usage (from the repo root, after `make release` or `swift build -c release`):
  python3 tools/research/builtin/aspect.py --specdet .build/release/specdet \
      --photos ../shared/data/bench --dev-sr ../shared/data/dev-sr --work /tmp/aspect \
      > tools/research/builtin/tables/q6_aspect.md

--photos: whole photographs (the bench photographs, 1920-6028 px): from each, crops with a
  short side of 256 and 512 px and long side a times that (a = 1, 1.25, 1.5, 1.78, 2, 2.5, 3,
  4, 6, 8), landscape and portrait, at three fixed positions (centre; 25 %/30 %; 75 %/70 %),
  where they fit. Real photographs: every `fake` verdict is a false accusation. The bound was
  chosen on this table.
--dev-sr: its 512 x 512 crops of the development part's photographs (tools/lockbox.py; the
  lockbox is not looked at), real and each network's fake: the centre 512 x round(512/a)
  strip for a = 1, 1.5, 2, 3, 4, 8: other photographs, and network outputs, as a check of the
  chosen bound. The built-in model was trained on these crops (squares only).

Needs Pillow. Prints Markdown tables.
"""
import argparse
import csv
import glob
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from lockbox import all_rows, lockbox_groups  # noqa: E402

BENCH_ASPECTS = [1, 1.25, 1.5, 1.78, 2, 2.5, 3, 4, 6, 8]
STRIP_ASPECTS = [1, 1.5, 2, 3, 4, 8]
POSITIONS = [(0.5, 0.5), (0.25, 0.3), (0.75, 0.7)]


def bench_crops(photos, out):
    os.makedirs(out, exist_ok=True)
    made = {}
    for path in sorted(glob.glob(os.path.join(photos, "*.jpg"))):
        image = Image.open(path).convert("RGB")
        width, height = image.size
        name = os.path.basename(path)[:-4]
        for short in (256, 512):
            for aspect in BENCH_ASPECTS:
                long = int(round(short * aspect))
                for orientation in ("landscape", "portrait"):
                    if orientation == "portrait" and aspect == 1:
                        continue
                    w, h = (long, short) if orientation == "landscape" else (short, long)
                    if w > width or h > height:
                        continue
                    for k, (fx, fy) in enumerate(POSITIONS):
                        x, y = int((width - w) * fx), int((height - h) * fy)
                        file = os.path.join(out, f"{name}_{short}_{aspect}_{orientation}_{k}.png")
                        image.crop((x, y, x + w, y + h)).save(file)
                        made[file] = ("photograph", aspect)
    return made


def strip_crops(dev_sr, out):
    os.makedirs(out, exist_ok=True)
    made = {}
    lockbox = lockbox_groups(all_rows(os.path.dirname(os.path.normpath(dev_sr))))
    with open(os.path.join(dev_sr, "manifest.csv")) as f:
        rows = [r for r in csv.DictReader(f)
                if r["size"] == "512" and not r["generator"].startswith("bicubic") and r["source_photo"] not in lockbox]
    seen = set()
    for row in rows:
        kind = "dev-sr real" if row["label"] == "real" else "dev-sr network fake"
        key = (row["source_photo"], row["crop_x"], row["crop_y"]) if row["label"] == "real" else row["path"]
        if key in seen:  # the real crops are the same files in every network's folder
            continue
        seen.add(key)
        image = Image.open(os.path.join(dev_sr, row["path"])).convert("RGB")
        for aspect in STRIP_ASPECTS:
            h = int(round(512 / aspect))
            y = (512 - h) // 2
            file = os.path.join(out, row["path"].replace("/", "_")[:-4] + f"_{aspect}.png")
            image.crop((0, y, 512, y + h)).save(file)
            made[file] = (kind, aspect)
    return made


def score(specdet, model, folder, out):
    subprocess.run([specdet, "score", "--quiet", "--model", model, folder, "--output", out], check=False)
    with open(out) as f:
        return {r["path"]: r for r in csv.DictReader(f)}


def table(title, made, without, bound, aspects, bound_value):
    counts = defaultdict(Counter)
    for path, (kind, aspect) in made.items():
        c = counts[(kind, aspect)]
        c["n"] += 1
        c["fake_without"] += without[path]["label"] == "fake"
        c["unknown_without"] += without[path]["label"] == "unknown"
        c["fake_with"] += bound[path]["label"] == "fake"
        c["unknown_with"] += bound[path]["label"] == "unknown"
    print(f"### {title}\n")
    print("| images | aspect ratio | n | called fake, no aspect bound | unknown, no aspect bound "
          f"| called fake, bound {bound_value:g} | unknown, bound {bound_value:g} |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind in sorted({k for k, _ in counts}):
        for aspect in aspects:
            c = counts.get((kind, aspect))
            if not c:
                continue
            pct = lambda key: f"{100 * c[key] / c['n']:.1f} %"
            print(f"| {kind} | {aspect:g} | {c['n']} | {pct('fake_without')} | {pct('unknown_without')} "
                  f"| {pct('fake_with')} | {pct('unknown_with')} |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--specdet", required=True)
    ap.add_argument("--photos", required=True)
    ap.add_argument("--dev-sr", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--model", default="Sources/_SpecdetDefaultModel/model/default-model.json")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    with open(a.model) as f:
        model = json.load(f)
    bound_value = model["domain"]["largest_aspect_ratio"]
    del model["domain"]["largest_aspect_ratio"]
    unbounded = os.path.join(a.work, "model-without-aspect-bound.json")
    with open(unbounded, "w") as f:
        json.dump(model, f)

    print("Generated by `python3 tools/research/builtin/aspect.py --specdet BIN --photos "
          f"{a.photos} --dev-sr {a.dev_sr} --work DIR`; model {a.model}.\n")
    for title, folder, make, aspects in [
        ("Bench photographs (the bound was chosen on this table)", "bench", lambda out: bench_crops(a.photos, out), BENCH_ASPECTS),
        ("dev-sr 512 x 512 crops of the development part, centre strips (a check of the bound)", "dev-sr", lambda out: strip_crops(a.dev_sr, out), STRIP_ASPECTS),
    ]:
        crops = os.path.join(a.work, folder)
        made = make(crops)
        without = score(a.specdet, unbounded, crops, os.path.join(a.work, folder + "-without.csv"))
        bound = score(a.specdet, a.model, crops, os.path.join(a.work, folder + "-with.csv"))
        table(title, made, without, bound, aspects, bound_value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
