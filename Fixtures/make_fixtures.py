#!/usr/bin/env python3
"""Helper of Fixtures/make_fixtures.sh (run that script, not this one).

Subcommands (all paths relative to the repo root, which must be the current directory):

  images OUTDIR --data ../shared/data
      Copy 6 real + 6 fake images of each dev corpus, cut the JPEG and odd-size PNG crops,
      write OUTDIR/groups.csv, OUTDIR/sources.csv and OUTDIR/ATTRIBUTION.md.
      OUTDIR is a scratch folder; the shell script renames it to Fixtures/images.
  check-profile CSV IMAGES_DIR
      Fail unless the reference profile CSV has exactly one row per image under IMAGES_DIR.
  rings --reference ../shared/peers/durall_reference.py --out FILE IMAGE...
      Raw azimuthal profiles (before resampling) as path,len,v0..v{maxlen-1}.
  sectors --out FILE IMAGES_DIR
      The `sectors` feature set of every image under IMAGES_DIR, by tools/research/feature_prototype.py
      (an implementation independent of specdet's) as path,f0..f299.

Selection rules (deterministic; they depend only on the manifests):
  * reals: the distinct source photos of a corpus's reals, in order of first appearance in
    file-name order (n photos); take photos number floor(i*n/6), i = 0..5, and of each its
    first crop in file-name order. If the manifest has a `kind` column with face crops
    (dcgan64), the first face crop's photo replaces the last of those six (its first face
    crop is taken), so the fixture reals hold one face like the fakes.
  * ae128_* fakes: the reconstructions of the chosen reals (same file names). The four
    ae128 corpora share their real crops, so the same six reals appear in each.
  * dcgan64 fakes: floor(i*n/6), i = 0..5, in file-name order (n = 600: 00000, 00100, ...).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import make_groups  # noqa: E402  (tools/make_groups.py: manifest parsing and groups)

CORPORA = ["ae128_bilinear", "ae128_convtranspose", "ae128_nearest", "ae128_pixelshuffle",
           "dcgan64"]
N_PER_CLASS = 6
FIXTURES_PREFIX = "Fixtures/images"     # paths in the CSVs, relative to the repo root

# Crops of the bench photos: top-left corner (x, y) in the full-resolution photo, picked by
# eye on textured content (grass and rock, petals, a water drop, the kite, wood grain);
# x = y = None means a centre crop.
JPEG_FIXTURES = [
    dict(photo="mate_garden", x=1600, y=400, w=256, h=256, quality=90, progressive=False,
         gray=False),
    dict(photo="plasma_kite", x=1600, y=460, w=200, h=150, quality=90, progressive=True,
         gray=False),
    dict(photo="lomiri_sunset", x=1335, y=2203, w=257, h=131, quality=90, progressive=False,
         gray=False),
    dict(photo="mate_raindrops", x=990, y=780, w=96, h=96, quality=90, progressive=False,
         gray=True),
    # 1024x1024 q85 if the file stays under LARGE_JPEG_LIMIT bytes, else 512x512.
    dict(photo="mate_wood", x=None, y=None, w=1024, h=1024, quality=85, progressive=False,
         gray=False, fallback=512),
]
LARGE_JPEG_LIMIT = 250 * 1024

# Odd-size RGB PNG crops of a dev real (the ae128 reals are the same in all four corpora).
ODD_FIXTURES = [
    dict(corpus="ae128_nearest", name="00010.png", x=13, y=29, w=97, h=61),
    dict(corpus="ae128_nearest", name="00016.png", x=21, y=6, w=61, h=97),
]


def die(msg: str, code: int = 2) -> None:
    print(f"make_fixtures: error: {msg}", file=sys.stderr)
    sys.exit(code)


def _cv2():
    try:
        import cv2
    except ImportError:
        die("OpenCV for Python (cv2) is needed: python3 -m pip install opencv-python-headless")
    return cv2


# ------------------------------------------------------------------ selection
def choose(corpus_dir: str) -> tuple[list[dict], list[dict]]:
    rows = make_groups.corpus_rows(corpus_dir)
    reals = [r for r in rows if r["label"] == "real"]
    fakes = [r for r in rows if r["label"] == "fake"]
    photos: list[str] = []
    for r in reals:
        if r["group"] not in photos:
            photos.append(r["group"])
    n = len(photos)
    if n < N_PER_CLASS:
        die(f"{corpus_dir}: only {n} source photos among the reals")
    chosen_photos = [photos[(i * n) // N_PER_CLASS] for i in range(N_PER_CLASS)]
    first_face = next((r for r in reals if r["row"].get("kind") == "face"), None)
    picks: dict[str, dict] = {}
    if first_face is not None:
        if first_face["group"] in chosen_photos:
            chosen_photos.remove(first_face["group"])
        else:
            chosen_photos.pop()
        picks[first_face["group"]] = first_face
    for p in chosen_photos:
        picks[p] = next(r for r in reals if r["group"] == p)
    chosen_reals = sorted(picks.values(), key=lambda r: r["name"])
    if all(r["row"].get("source_photo") for r in fakes):
        # paired corpus: the reconstructions of the chosen reals
        by_name = {r["name"]: r for r in fakes}
        missing = [r["name"] for r in chosen_reals if r["name"] not in by_name]
        if missing:
            die(f"{corpus_dir}: no fake/ reconstruction for {missing}")
        chosen_fakes = [by_name[r["name"]] for r in chosen_reals]
    else:
        m = len(fakes)
        chosen_fakes = [fakes[(i * m) // N_PER_CLASS] for i in range(N_PER_CLASS)]
    return chosen_reals, chosen_fakes


# -------------------------------------------------------------- attribution
def photo_table(data_dir: str) -> dict[str, dict]:
    """Rows of the 'One row per photograph' table of ../shared/data/README.md."""
    out = {}
    with open(os.path.join(data_dir, "README.md"), encoding="utf-8") as fh:
        for line in fh:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 7 and cells[0] not in ("id",) and not cells[0].startswith("-"):
                out[cells[0]] = dict(zip(
                    ["id", "split", "package", "file", "author", "licence", "size"], cells))
    return out


def write_attribution(path: str, used: list[str], data_dir: str) -> None:
    table = photo_table(data_dir)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Attribution of the fixture images\n\n"
                 "Generated by Fixtures/make_fixtures.sh from ../shared/data/README.md.\n"
                 "Every image here is a crop, a re-encoding or an autoencoder reconstruction "
                 "of a crop of the photographs below (a derivative work: their attribution and "
                 "ShareAlike terms apply), except the dcgan64 fakes, which were made by the "
                 "DCGAN generator of the `gan-face-generate` 1.1.1 package (MIT). "
                 "`sources.csv` says which photograph each file comes from.\n\n"
                 "| id | package | file inside package | author / credit | licence |\n"
                 "|---|---|---|---|---|\n")
        for pid in sorted(set(used)):
            t = table.get(pid)
            if t is None:
                die(f"photo {pid} is not in {data_dir}/README.md")
            fh.write(f"| {pid} | {t['package']} | {t['file']} | {t['author']} | "
                     f"{t['licence']} |\n")


# --------------------------------------------------------------------- images
def jpeg_markers(data: bytes) -> tuple[str, int]:
    """(SOF kind, number of components) from the first SOFn marker."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise ValueError("bad JPEG marker stream")
        m = data[i + 1]
        seg = int.from_bytes(data[i + 2:i + 4], "big")
        if m in (0xC0, 0xC1, 0xC2):
            return {0xC0: "baseline", 0xC1: "extended", 0xC2: "progressive"}[m], data[i + 9]
        i += 2 + seg
    raise ValueError("no SOF marker")


def cmd_images(a) -> int:
    cv2 = _cv2()
    data = a.data
    out = a.outdir
    os.makedirs(out, exist_ok=False)
    groups = []
    sources = []
    used_photos = []
    for corpus in CORPORA:
        cdir = os.path.join(data, "dev", corpus)
        reals, fakes = choose(cdir)
        for r in reals + fakes:
            dst_dir = os.path.join(out, corpus, r["label"])
            os.makedirs(dst_dir, exist_ok=True)
            shutil.copyfile(r["path"], os.path.join(dst_dir, r["name"]))
            rel = f"{FIXTURES_PREFIX}/{corpus}/{r['label']}/{r['name']}"
            groups.append((rel, r["group"]))
            src_photo = r["row"].get("source_photo") or ""
            if src_photo:
                used_photos.append(src_photo)
            sources.append(dict(path=rel, source_file=f"dev/{corpus}/{r['label']}/{r['name']}",
                                source_photo=src_photo, crop_x="", crop_y="", width="",
                                height="", encoding="copy"))

    os.makedirs(os.path.join(out, "jpeg"))
    for j in JPEG_FIXTURES:
        src = os.path.join(data, "bench", j["photo"] + ".jpg")
        img = cv2.imread(src, cv2.IMREAD_COLOR)
        if img is None:
            die(f"cannot read {src}")
        for w, h in [(j["w"], j["h"])] + ([(j["fallback"],) * 2] if j.get("fallback") else []):
            H, W = img.shape[:2]
            if j["x"] is None:
                x, y = (W - w) // 2, (H - h) // 2
            else:
                x, y = j["x"], j["y"]
            crop = img[y:y + h, x:x + w]
            if crop.shape[:2] != (h, w):
                die(f"{src}: {w}x{h} crop at ({x},{y}) does not fit in {W}x{H}")
            if j["gray"]:
                crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
            params = [cv2.IMWRITE_JPEG_QUALITY, j["quality"],
                      cv2.IMWRITE_JPEG_PROGRESSIVE, 1 if j["progressive"] else 0]
            ok, buf = cv2.imencode(".jpg", crop, params)
            if not ok:
                die(f"JPEG encoding failed for {j}")
            data_bytes = buf.tobytes()
            if j.get("fallback") and (w, h) == (j["w"], j["h"]) \
                    and len(data_bytes) > LARGE_JPEG_LIMIT:
                print(f"note: {w}x{h} crop of {j['photo']} is {len(data_bytes)} bytes "
                      f"> {LARGE_JPEG_LIMIT}; using {j['fallback']}x{j['fallback']}",
                      file=sys.stderr)
                continue
            break
        kind, ncomp = jpeg_markers(data_bytes)
        want_kind = "progressive" if j["progressive"] else "baseline"
        want_comp = 1 if j["gray"] else 3
        if kind != want_kind or ncomp != want_comp:
            die(f"{j}: encoder wrote a {kind} JPEG with {ncomp} components")
        tag = "gray" if j["gray"] else "color"
        name = f"{j['photo']}_{w}x{h}_q{j['quality']}_{want_kind}_{tag}.jpg"
        with open(os.path.join(out, "jpeg", name), "wb") as fh:
            fh.write(data_bytes)
        used_photos.append(j["photo"])
        sources.append(dict(path=f"{FIXTURES_PREFIX}/jpeg/{name}",
                            source_file=f"bench/{j['photo']}.jpg", source_photo=j["photo"],
                            crop_x=x, crop_y=y, width=w, height=h,
                            encoding=f"OpenCV {cv2.__version__} JPEG q{j['quality']} "
                                     f"{want_kind} {tag}"))

    os.makedirs(os.path.join(out, "odd"))
    for o in ODD_FIXTURES:
        cdir = os.path.join(data, "dev", o["corpus"])
        row = next(r for r in make_groups.corpus_rows(cdir)
                   if r["label"] == "real" and r["name"] == o["name"])
        img = cv2.imread(row["path"], cv2.IMREAD_UNCHANGED)
        if img is None or img.ndim != 3 or img.shape[2] != 3:
            die(f"{row['path']}: expected an RGB PNG")
        crop = img[o["y"]:o["y"] + o["h"], o["x"]:o["x"] + o["w"]]
        if crop.shape[:2] != (o["h"], o["w"]):
            die(f"{row['path']}: too small for {o}")
        stem = os.path.splitext(o["name"])[0]
        name = f"ae128_real_{stem}_{o['w']}x{o['h']}.png"
        ok, buf = cv2.imencode(".png", crop, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        if not ok:
            die(f"PNG encoding failed for {o}")
        with open(os.path.join(out, "odd", name), "wb") as fh:
            fh.write(buf.tobytes())
        used_photos.append(row["group"])
        sources.append(dict(path=f"{FIXTURES_PREFIX}/odd/{name}",
                            source_file=f"dev/{o['corpus']}/real/{o['name']}",
                            source_photo=row["group"], crop_x=o["x"], crop_y=o["y"],
                            width=o["w"], height=o["h"],
                            encoding=f"OpenCV {cv2.__version__} PNG RGB 8-bit"))

    with open(os.path.join(out, "groups.csv"), "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["path", "group"])
        wr.writerows(groups)
    with open(os.path.join(out, "sources.csv"), "w", newline="", encoding="utf-8") as fh:
        cols = ["path", "source_file", "source_photo", "crop_x", "crop_y", "width", "height",
                "encoding"]
        wr = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        wr.writeheader()
        wr.writerows(sources)
    write_attribution(os.path.join(out, "ATTRIBUTION.md"), used_photos, data)
    print(f"wrote {len(sources)} images to {out}", file=sys.stderr)
    return 0


# ------------------------------------------------------------- profile check
def cmd_check_profile(a) -> int:
    images = []
    for root, _dirs, files in os.walk(a.images_dir):
        for f in files:
            if f.lower().endswith((".png", ".jpg", ".jpeg")):
                images.append(os.path.join(root, f))
    with open(a.csv, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    got = [r["path"] for r in rows]
    missing = sorted(set(images) - set(got))
    extra = sorted(set(got) - set(images))
    bad = [r["path"] for r in rows if r["n_features"] != "300"]
    if missing or extra or bad or len(got) != len(set(got)):
        die(f"{a.csv}: reference skipped {missing}, unexpected rows {extra}, "
            f"rows without 300 features {bad}", 1)
    print(f"{a.csv}: {len(rows)} rows, one per image, 300 features each", file=sys.stderr)
    return 0


# ---------------------------------------------------------------------- rings
def load_reference(path: str):
    if not os.path.isfile(path):
        die(f"reference script {path} not found")
    spec = importlib.util.spec_from_file_location("durall_reference", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["durall_reference"] = mod
    spec.loader.exec_module(mod)
    return mod


def cmd_rings(a) -> int:
    ref = load_reference(a.reference)
    rows = []
    for p in a.images:
        img = ref.read_gray(p)
        prof = ref.azimuthal_average(ref.log_magnitude_spectrum(img))
        rows.append((p, img.shape, prof))
    width = max(r[2].size for r in rows)
    tmp = a.out + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["path", "len"] + [f"v{i}" for i in range(width)])
        for p, shape, prof in rows:
            vals = [repr(float(v)) for v in prof]
            wr.writerow([p, prof.size] + vals + [""] * (width - prof.size))
            print(f"{p}: {shape[1]}x{shape[0]} -> {prof.size} rings", file=sys.stderr)
    os.replace(tmp, a.out)
    return 0


# -------------------------------------------------------------------- sectors
def cmd_sectors(a) -> int:
    """The sectors feature set by tools/research/feature_prototype.py (numpy, double precision, its own
    geometry: angles by arctan2 in degrees), an implementation independent of specdet's."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "research"))
    import feature_prototype

    cv2 = _cv2()
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(a.images_dir) for f in fs
                   if f.lower().endswith((".png", ".jpg", ".jpeg")))
    tmp = a.out + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["path"] + [f"f{i}" for i in range(300)])
        for p in paths:
            img = cv2.imread(p, cv2.IMREAD_GRAYSCALE)
            if img is None or min(img.shape) < 8:
                continue
            wr.writerow([p] + [repr(float(v)) for v in feature_prototype.sector_profiles(img)])
    os.replace(tmp, a.out)
    print(f"{a.out}: sectors features of {len(paths)} images", file=sys.stderr)
    return 0


def cmd_outside(a) -> int:
    """Images no detector of generated photographs was trained on, for the built-in model's
    domain: a constant gray, a horizontal gradient, an 8-pixel checkerboard, uniform noise (seed
    0), a fixture photograph enlarged x2 and x4 by nearest neighbour (pixel replication), a
    strip of another, 8 times as wide as it is tall (1024x128, its middle rows), and a 20x20
    crop of a third, smaller than any image a model is trained on (its centre)."""
    import numpy as np

    cv2 = _cv2()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(0)
    rows, cols = np.indices((128, 128))
    images = {
        "constant_gray_128.png": np.full((128, 128), 128, np.uint8),
        "gradient_128.png": np.tile(np.linspace(0, 255, 128), (128, 1)).astype(np.uint8),
        "checkerboard_8px_128.png": (((rows // 8 + cols // 8) % 2) * 255).astype(np.uint8),
        "noise_uniform_128.png": rng.integers(0, 256, (128, 128), dtype=np.uint8),
    }
    photo = cv2.imread(os.path.join(a.images_dir, "jpeg", "mate_garden_256x256_q90_baseline_color.jpg"), cv2.IMREAD_COLOR)
    for factor in (2, 4):
        size = (photo.shape[1] * factor, photo.shape[0] * factor)
        images[f"mate_garden_nearest_x{factor}.png"] = cv2.resize(photo, size, interpolation=cv2.INTER_NEAREST)
    wood = cv2.imread(os.path.join(a.images_dir, "jpeg", "mate_wood_1024x1024_q85_baseline_color.jpg"), cv2.IMREAD_COLOR)
    images["mate_wood_strip_1024x128.png"] = wood[448:576, :]
    kite = cv2.imread(os.path.join(a.images_dir, "jpeg", "plasma_kite_200x150_q90_progressive_color.jpg"), cv2.IMREAD_COLOR)
    images["plasma_kite_crop_20x20.png"] = kite[65:85, 90:110]
    for name, image in images.items():
        cv2.imwrite(os.path.join(a.out, name), image, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("images")
    p.add_argument("outdir")
    p.add_argument("--data", required=True)
    p.set_defaults(fn=cmd_images)
    c = sub.add_parser("check-profile")
    c.add_argument("csv")
    c.add_argument("images_dir")
    c.set_defaults(fn=cmd_check_profile)
    r = sub.add_parser("rings")
    r.add_argument("--reference", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("images", nargs="+")
    r.set_defaults(fn=cmd_rings)
    o = sub.add_parser("outside", help="images outside any training distribution (Fixtures/outside)")
    o.add_argument("--out", default="Fixtures/outside")
    o.add_argument("images_dir", nargs="?", default="Fixtures/images")
    o.set_defaults(fn=cmd_outside)
    s = sub.add_parser("sectors")
    s.add_argument("--out", required=True)
    s.add_argument("images_dir")
    s.set_defaults(fn=cmd_sectors)
    a = ap.parse_args(argv)
    try:
        return a.fn(a)
    except (make_groups.CorpusError, make_groups.UsageError) as exc:
        die(str(exc))
    return 2


if __name__ == "__main__":
    sys.exit(main())
