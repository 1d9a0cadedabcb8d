#!/usr/bin/env python3
"""Profile (sectors, 300 values) the images this study adds to the selection study's cache.

Usage (from the repo root, after the selection study's extract.py and sizes.py):

    python3 tools/research/builtin/extract.py [--sr-extra DIR] [--outside Fixtures/outside]
                                              [--work DIR] [--selection-work DIR]

--sr-extra: the corpus tools/make_training_data.py makes (default .build/sr-extra, where
`make default-model` looks for it).

Writes cache/ (in the work folder, default .build/research-builtin):
  extra_index.csv       one row per sr-extra manifest row: corpus (sr-extra/<folder>), path,
                        label, group (source_photo), y, key, size, generator, kind
                        (real | net | control), pair
  feat_extra.npy        (n_keys, 10, 300): slot 0 = clean; slots 1-3 (q90, q75, half) NaN
                        (not needed: the test conditions are measured on the 5 dev corpora);
                        slots 4..9 = specdet's augmentation copies (round k = seed k, as the
                        selection study's extract.py: rng keyed by the file's sha1)
  nn_index.csv, feat_nn.npy
                        nearest-neighbour x2 and x4 enlargements (np.repeat of the luma, as a
                        pixel-replicated colour image gives) of a fixed sample of real crops:
                        every development real crop of dev-sr, up to 2 crops of 256 px and
                        1 of 512 px per sr-extra photograph, and 40 development real images of
                        each dev real pool (dcgan64, ae128); clean slot only, (n, 300)
  outside_index.csv, feat_outside.npy
                        the 6 images of Fixtures/outside (--outside), (6, 300)

The dev / dev-sr profiles come from the selection study's cache (development rows only).
"""

import argparse
import csv
import hashlib
import os
import sys
import time

import universe  # noqa: E402  (puts the selection study on the path)
import numpy as np  # noqa: E402

import common as C  # noqa: E402  (sets OMP_NUM_THREADS=1 etc.)

EXTRA = os.path.join(".build", "sr-extra")
OUTSIDE = os.path.join("Fixtures", "outside")
CONTROLS = ("bicubic_x2", "bicubic_x3", "bicubic_x4", "lanczos_x2", "lanczos_x3", "lanczos_x4")


def extra_rows():
    rows = []
    with open(os.path.join(EXTRA, "manifest.csv"), newline="") as fh:
        for r in csv.DictReader(fh):
            folder = r["path"].split("/")[0]
            kind = "real" if r["label"] == "real" else ("control" if folder in CONTROLS else "net")
            rows.append(dict(corpus="sr-extra/" + folder, path=os.path.join(EXTRA, r["path"]), label=r["label"],
                             group=r["source_photo"], y=int(r["label"] == "fake"), size=int(r["size"]),
                             generator=r["generator"], kind=kind, pair=r["pair"]))
    return rows


def main():
    global EXTRA, OUTSIDE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sr-extra", default=EXTRA, help=f"the sr-extra corpus (default {EXTRA})")
    ap.add_argument("--outside", default=OUTSIDE, help=f"images unlike any photograph (default {OUTSIDE})")
    universe.add_args(ap)
    a = ap.parse_args()
    universe.configure(a)
    EXTRA, OUTSIDE = a.sr_extra, a.outside
    CACHE = universe.CACHE
    os.makedirs(CACHE, exist_ok=True)
    t0 = time.time()
    # ---------------------------------------------------------------- sr-extra, 10 slots
    rows = extra_rows()
    keys, datas, hashes = {}, [], []
    for r in rows:
        data = open(r["path"], "rb").read()
        h = hashlib.sha1(data).hexdigest()
        if h not in keys:
            keys[h] = len(datas)
            datas.append(data)
            hashes.append(h)
        r["key"] = keys[h]
    with open(os.path.join(CACHE, "extra_index.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"sr-extra: {len(rows)} rows, {len(datas)} distinct images", file=sys.stderr, flush=True)
    out = os.path.join(CACHE, "feat_extra.npy")
    if not os.path.exists(out):
        F = np.full((len(datas), 10, C.N), np.nan)
        for i, (data, h) in enumerate(zip(datas, hashes)):
            img = C.luma_clean(data)
            F[i, 0] = C.sectors(img)
            for k in range(C.ROUNDS):
                for c, cp in enumerate(C.augment_copies(img, h, seed=k)):
                    F[i, 4 + 2 * k + c] = C.sectors(cp)
            if i % 250 == 0:
                print(f"  {i}/{len(datas)} {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
        np.save(out, F)
    # ---------------------------------------------------------------- NN enlargements
    out = os.path.join(CACHE, "feat_nn.npy")
    if not os.path.exists(out):
        sample = []          # (corpus, path, group, size)
        split = C.load_dev_rows()
        dev_paths = {r["path"] for r in split}
        seen = set()
        for r in split:
            if r["corpus"].startswith("dev-sr/") and r["label"] == "real":
                name = os.path.basename(r["path"])
                if name not in seen:      # the same real crop sits in every dev-sr folder
                    seen.add(name)
                    sample.append(("dev-sr", r["path"], r["group"]))
        for pool, corp in (("dcgan64", ["dev/dcgan64"]), ("ae128", ["dev/ae128_nearest"])):
            cand = [r for r in split if r["corpus"] in corp and r["label"] == "real"]
            rng = np.random.default_rng(7)
            for j in sorted(rng.choice(len(cand), 40, replace=False)):
                sample.append(("dev/" + pool, cand[j]["path"], cand[j]["group"]))
        by_photo = {}
        for r in rows:
            if r["kind"] == "real" and r["size"] in (256, 512) and r["corpus"].split("/")[1] not in CONTROLS:
                by_photo.setdefault(r["group"], {}).setdefault(r["size"], []).append(r)
        for ph in sorted(by_photo):
            for size, nmax in ((256, 2), (512, 1)):
                for r in sorted(by_photo[ph].get(size, []), key=lambda r: r["pair"])[:nmax]:
                    sample.append(("sr-extra", r["path"], ph))
        feats, idx = [], []
        for corpus, path, group in sample:
            data = C.read_bytes_dev(path, dev_paths) if corpus.startswith("dev") else open(path, "rb").read()
            img = C.luma_clean(data)
            for f in (2, 4):
                big = np.repeat(np.repeat(img, f, axis=0), f, axis=1)
                feats.append(C.sectors(big))
                idx.append(dict(corpus=corpus, path=path, group=group, factor=f, size=min(img.shape),
                                big=min(big.shape)))
        np.save(out, np.array(feats))
        with open(os.path.join(CACHE, "nn_index.csv"), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(idx[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(idx)
        print(f"nn: {len(feats)} enlargements {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    # ---------------------------------------------------------------- Fixtures/outside
    names = sorted(os.listdir(OUTSIDE))
    feats = []
    for n in names:
        img = C.luma_clean(open(os.path.join(OUTSIDE, n), "rb").read())
        feats.append(C.sectors(img))
    np.save(os.path.join(CACHE, "feat_outside.npy"), np.array(feats))
    with open(os.path.join(CACHE, "outside_index.csv"), "w") as fh:
        fh.write("name\n" + "\n".join(names) + "\n")
    print(f"done {time.time() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
