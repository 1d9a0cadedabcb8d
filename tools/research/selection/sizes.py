#!/usr/bin/env python3
"""Image sizes (min side) of every cached slot, for the size-banded threshold rules.

Usage (from the repo root): python3 tools/research/selection/sizes.py [--work DIR]

Writes cache/minside.npy (in the work folder, after extract.py): int array (n_keys, 10), the smaller side of the image in each slot
of the feature arrays (clean, q90, q75, half, then the 6 augmentation copies). Copy sizes
are recomputed from the same random draws as common.augment_copies (no image is decoded
beyond its header size).
"""

import argparse
import csv
import os
import zlib

import numpy as np

import common as C


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    C.add_work_arg(ap)
    C.set_work(ap.parse_args().work)
    rows = C.load_dev_rows()
    dev_paths = {r["path"] for r in rows}
    idx = list(csv.DictReader(open(os.path.join(C.CACHE, "index.csv"))))
    n = 1 + max(int(r["key"]) for r in idx)
    out = np.zeros((n, 10), int)
    done = set()
    for r in idx:
        k = int(r["key"])
        if k in done:
            continue
        done.add(k)
        data = C.read_bytes_dev(r["path"], dev_paths)
        h, w = C.luma_clean(data).shape
        key = C.content_key(data)
        hw = [(h, w)] * 3 + [(max(1, int(round(h / 2))), max(1, int(round(w / 2))))]
        for seed in range(C.ROUNDS):
            rng = np.random.default_rng([seed, zlib.crc32(key.encode())])
            rng.integers(C.QUALITIES[0], C.QUALITIES[1] + 1)          # copy 0: JPEG quality
            hw.append((h, w))
            sc = rng.uniform(*C.SCALES)                                # copy 1: downscale
            rng.integers(0, 4)
            w2, h2 = int(round(w * sc)), int(round(h * sc))
            hw.append((h2, w2) if (w2 >= 8 and h2 >= 8) else (h, w))
        out[k] = [min(a, b) for a, b in hw]
    np.save(os.path.join(C.CACHE, "minside.npy"), out)
    print(np.unique(out[:, 0], return_counts=True))


if __name__ == "__main__":
    main()
