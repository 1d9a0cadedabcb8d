#!/usr/bin/env python3
"""Profile every development image once per feature set and cache the result.

Usage (from the repo root):

    python3 tools/research/selection/extract.py [--shared ../shared] [--work DIR]
                                                [--features durall,sectors,npr,xdiff,peaks,tiles]

Writes, in the work folder (default .build/research-selection):
  split.csv                tools/lockbox.py over SHARED/data, unless it is there already
  cache/index.csv          one row per development row of split.csv: corpus,path,label,group,y,key
                           (key = index of the image's content in the feature arrays; identical
                           files, e.g. the real crops shared by the dev-sr folders, share a key)
  cache/feat_<name>.npy    float64 array (n_keys, 10, d): slot 0..3 = the test conditions
                           clean, q90, q75, half (made from the colour file as
                           tools/make_variants.py does); slot 4 + 2k + c = augmentation round
                           k (seed k), copy c (0: gray JPEG q60-95, 1: downscale x0.4-0.9),
                           made from the clean luma as `specdet train` makes them.
Only rows with part == development are read (common.load_dev_rows).
"""

import argparse
import csv
import os
import sys
import time

import numpy as np

import common as C

NSLOT = 4 + C.ROUNDS * C.COPIES


def build_index():
    rows = C.load_dev_rows()
    dev_paths = {r["path"] for r in rows}
    keys, datas, first = {}, [], []
    for r in rows:
        data = C.read_bytes_dev(r["path"], dev_paths)
        h = C.content_key(data)
        if h not in keys:
            keys[h] = len(datas)
            datas.append(data)
            first.append(h)
        r["key"] = keys[h]
    os.makedirs(C.CACHE, exist_ok=True)
    with open(os.path.join(C.CACHE, "index.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["corpus", "path", "label", "group", "y", "key"])
        for r in rows:
            w.writerow([r["corpus"], r["path"], r["label"], r["group"], r["y"], r["key"]])
    return rows, datas, first


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--features", default=",".join(C.FEATURES))
    ap.add_argument("--shared", default="../shared", help="the shared folder with data/dev and data/dev-sr")
    C.add_work_arg(ap)
    a = ap.parse_args()
    C.set_work(a.work)
    C.write_split(a.shared)
    names = a.features.split(",")
    t0 = time.time()
    rows, datas, hashes = build_index()
    print(f"{len(rows)} development rows, {len(datas)} distinct images", file=sys.stderr)
    todo = [n for n in names if not os.path.exists(os.path.join(C.CACHE, f"feat_{n}.npy"))]
    if not todo:
        return 0
    out = {n: [] for n in todo}
    tim = {n: 0.0 for n in todo}
    for i, (data, h) in enumerate(zip(datas, hashes)):
        imgs = [C.luma_condition(data, c) for c in C.CONDITIONS]
        for k in range(C.ROUNDS):
            imgs += C.augment_copies(imgs[0], h, seed=k)
        assert len(imgs) == NSLOT
        for n in todo:
            t = time.perf_counter()
            out[n].append(np.stack([C.FEATURES[n](im) for im in imgs]))
            tim[n] += time.perf_counter() - t
        if i % 200 == 0:
            print(f"  {i}/{len(datas)} {time.time() - t0:.0f}s", file=sys.stderr)
    for n in todo:
        arr = np.stack(out[n])
        np.save(os.path.join(C.CACHE, f"feat_{n}.npy"), arr)
        print(f"feat_{n}: {arr.shape}, {tim[n]:.1f}s profiling", file=sys.stderr)
    print(f"done in {time.time() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
