#!/usr/bin/env python3
"""Write degraded copies (JPEG q90/q75, halved, halved then JPEG) for robustness tests.

Usage (from the repo root):

    python3 tools/make_variants.py --folds FOLDS.csv --out DIR [--corpus NAME]
                                   [--groups GROUPS.csv]
                                   [--variants clean,q90,q75,half_area,half_bicubic,half_q90]

FOLDS.csv has the columns `path,label,fold` (as written by `specdet train --folds-out`, or by
hand): every image is held out once, in its fold. The originals must be colour or gray
PNG/JPEG files that OpenCV reads. A `copy` column (what `--folds-out` adds when training
augments: 0 for the image itself, k for its k-th augmented copy) is honoured: rows with
another copy than 0 are skipped.

Variants (each made from the original file, never from another variant):

* `clean`: the original file itself (not copied; its path is listed as it is).
* `q90`, `q75`: `cv2.imread(path, IMREAD_COLOR)` then `cv2.imencode('.jpg', img,
  [IMWRITE_JPEG_QUALITY, q])` with OpenCV's other defaults (baseline, 4:2:0 chroma
  subsampling, libjpeg-turbo), written as `.jpg`.
* `half_area`: `cv2.resize(img, (round(W/2), round(H/2)), interpolation=INTER_AREA)` (for an
  exact halving: the mean of each 2x2 block), written as PNG.
* `half_bicubic`: Pillow-style antialiased bicubic reduction (Pillow's `Image.resize(...,
  BICUBIC)` algorithm: Keys cubic a = -0.5 stretched to the reduction factor, so 8 taps per
  axis when halving; horizontal pass, rounding to 8 bits, vertical pass), reimplemented in
  numpy with float weights, written as PNG. It keeps more of the top octave than
  INTER_AREA does, so it is the harder of the two halvings for a spectral detector.
* `half_q90`: the `half_area` image encoded as JPEG q90 like `q90`, written as `.jpg`: the
  compound an image meets when a site shrinks an upload and re-compresses it.

Layout of DIR (made if missing):

    DIR/<variant>/<label>/<name>.png|.jpg     the copies
    DIR/train/fold<k>/<label>/<name>          symlinks to the originals NOT in fold k
    DIR/train/fold<k>/groups.csv              path,group of those links (with --groups
                                              GROUPS.csv, the `path,group` file of
                                              tools/make_groups.py for the originals), for
                                              `specdet train --groups` (inner CV of --tune)
    DIR/test/fold<k>.txt                      the paths of every variant of fold k's images
    DIR/variants.csv                          path,label,fold,variant,corpus,source

`variants.csv` is appended to when it exists (so one DIR can hold several corpora, each
under DIR/<corpus>/ when --corpus is given); `source` is the original's path as given.

Exit status: 0 ok; 1 an image could not be read or written; 2 usage error.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pillow_resize  # noqa: E402

VARIANTS = ("clean", "q90", "q75", "half_area", "half_bicubic", "half_q90")
LABELS = ("real", "fake")


class UsageError(Exception):
    pass


def resize_pil_bicubic(img, width: int, height: int):
    """Pillow-style BICUBIC resize of a uint8 HxW or HxWxC array (tools/pillow_resize.py,
    rounded to 8 bits between the passes, as Pillow does for 8-bit images)."""
    return pillow_resize.resize(img, width, height, "bicubic", round_between_passes=True)


def half_size(w: int, h: int) -> tuple[int, int]:
    return max(1, int(round(w / 2))), max(1, int(round(h / 2)))


def make_variant(img, variant: str) -> tuple[bytes, str]:
    """The encoded bytes and file extension of one variant of a BGR uint8 image."""
    import cv2

    if variant in ("q90", "q75"):
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(variant[1:])])
        ext = ".jpg"
    elif variant == "half_q90":
        h, w = img.shape[:2]
        small = cv2.resize(img, half_size(w, h), interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 90])
        ext = ".jpg"
    elif variant == "half_area":
        h, w = img.shape[:2]
        small = cv2.resize(img, half_size(w, h), interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".png", small)
        ext = ".png"
    elif variant == "half_bicubic":
        h, w = img.shape[:2]
        small = resize_pil_bicubic(img, *half_size(w, h))
        ok, buf = cv2.imencode(".png", small)
        ext = ".png"
    else:
        raise ValueError(variant)
    if not ok:
        raise OSError(f"OpenCV could not encode the {variant} copy")
    return buf.tobytes(), ext


def read_folds(path: str) -> list[tuple[str, str, int]]:
    try:
        fh = open(path, newline="", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    with fh:
        rd = csv.DictReader(fh)
        if not rd.fieldnames or not {"path", "label", "fold"} <= set(rd.fieldnames):
            raise UsageError(f"{path}: needs the columns path,label,fold")
        rows = []
        for i, r in enumerate(rd, start=2):
            if (r.get("copy") or "0").strip() != "0":
                continue
            if r["label"] not in LABELS:
                raise UsageError(f"{path}:{i}: label must be real or fake")
            try:
                rows.append((r["path"], r["label"], int(r["fold"])))
            except ValueError:
                raise UsageError(f"{path}:{i}: fold must be an integer") from None
    if not rows:
        raise UsageError(f"{path}: no rows")
    return rows


def read_groups(path: str) -> dict[str, str]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rd = csv.DictReader(fh)
            if not rd.fieldnames or not {"path", "group"} <= set(rd.fieldnames):
                raise UsageError(f"{path}: needs the columns path,group")
            return {r["path"]: r["group"] for r in rd}
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="make_variants.py", description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", required=True, help="CSV with columns path,label,fold")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--corpus", default="", help="corpus name: files go under OUT/CORPUS/")
    ap.add_argument("--groups", help="path,group CSV of the originals (tools/make_groups.py)")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    a = ap.parse_args(argv)
    try:
        variants = [v.strip() for v in a.variants.split(",") if v.strip()]
        for v in variants:
            if v not in VARIANTS:
                raise UsageError(f"unknown variant {v!r} (known: {', '.join(VARIANTS)})")
        rows = read_folds(a.folds)
        groups = read_groups(a.groups) if a.groups else None
        if groups is not None:
            lost = [p for p, _, _ in rows if p not in groups]
            if lost:
                raise UsageError(f"{a.groups}: no group for {len(lost)} inputs, e.g. {lost[0]}")
    except UsageError as exc:
        print(f"make_variants: error: {exc}", file=sys.stderr)
        return 2
    import cv2

    cv2.setNumThreads(1)
    base = os.path.join(a.out, a.corpus) if a.corpus else a.out
    folds = sorted({f for _, _, f in rows})
    for v in variants:
        if v != "clean":
            for lab in LABELS:
                os.makedirs(os.path.join(base, v, lab), exist_ok=True)
    for k in folds:
        for lab in LABELS:
            os.makedirs(os.path.join(base, "train", f"fold{k}", lab), exist_ok=True)
    os.makedirs(os.path.join(base, "test"), exist_ok=True)

    out_rows = []
    train_groups = {k: [] for k in folds}
    failures = 0
    seen = set()
    for path, lab, fold in rows:
        stem = os.path.splitext(os.path.basename(path))[0]
        if (lab, stem) in seen:
            print(f"make_variants: error: two inputs named {lab}/{stem}", file=sys.stderr)
            return 2
        seen.add((lab, stem))
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            print(f"make_variants: error: cannot read {path}", file=sys.stderr)
            failures += 1
            continue
        for v in variants:
            if v == "clean":
                out_rows.append((path, lab, fold, v, path))
                continue
            try:
                data, ext = make_variant(img, v)
                dst = os.path.join(base, v, lab, stem + ext)
                with open(dst, "wb") as fh:
                    fh.write(data)
            except OSError as exc:
                print(f"make_variants: error: {path} ({v}): {exc}", file=sys.stderr)
                failures += 1
                continue
            out_rows.append((dst, lab, fold, v, path))
        src = os.path.abspath(path)
        for k in folds:
            if k != fold:
                link = os.path.join(base, "train", f"fold{k}", lab, os.path.basename(path))
                if os.path.lexists(link):
                    os.remove(link)
                os.symlink(src, link)
                if groups is not None:
                    train_groups[k].append((link, groups[path]))
    for k in folds:
        with open(os.path.join(base, "test", f"fold{k}.txt"), "w", encoding="utf-8") as fh:
            for r in out_rows:
                if r[2] == k:
                    fh.write(r[0] + "\n")
    if groups is not None:
        for k in folds:
            with open(os.path.join(base, "train", f"fold{k}", "groups.csv"), "w", newline="",
                      encoding="utf-8") as fh:
                wr = csv.writer(fh, lineterminator="\n")
                wr.writerow(["path", "group"])
                wr.writerows(train_groups[k])
    listing = os.path.join(a.out, "variants.csv")
    new = not os.path.exists(listing)
    with open(listing, "a", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        if new:
            wr.writerow(["path", "label", "fold", "variant", "corpus", "source"])
        for p, lab, fold, v, src in out_rows:
            wr.writerow([p, lab, fold, v, a.corpus, src])
    print(f"make_variants: {len(rows)} images x {len(variants)} variants -> {base}",
          file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
