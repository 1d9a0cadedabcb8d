#!/usr/bin/env python3
"""Write Fixtures/luma_reference.tsv, the expected 8-bit luma of decodable test files,
computed independently of specdet with OpenCV (what the published pipeline's
cv2.imread(path, 0) returns).

Run from the repo root (no arguments):

    python3 Fixtures/make_luma_reference.py

Made with Python 3.11.7, numpy 2.4.6, opencv-python-headless 5.0.0.93 (libpng 1.6.58,
libjpeg-turbo 3.1.2).

Files: every `decode` row of Fixtures/malformed/MANIFEST.tsv whose content is PNG or JPEG
(the WebP, HEIF, AVIF and TIFF rows have their reference in Fixtures/formats/luma_reference.tsv,
made by Fixtures/make_format_fixtures.py) except the 100-megapixel bomb,
and Fixtures/images/jpeg/mate_raindrops_96x96_q90_baseline_gray.jpg (the malformed corpus has
no one-component JPEG).

Values: cv2.imread(path, IMREAD_GRAYSCALE | IMREAD_IGNORE_ORIENTATION), i.e. libpng's integer
rgb_to_gray, libjpeg's Y plane, OpenCV's CMYK formula; except 16-bit PNGs, which OpenCV
truncates (png_set_strip_16) where specdet scales (png_set_scale_16). For those the script
applies libpng's 16-bit rgb_to_gray to the raw samples (IMREAD_UNCHANGED), checks that
truncating the result (>> 8) gives exactly OpenCV's image, and stores the scaled result
(v * 255 + 32895) >> 16.

Columns: path (relative to Fixtures/), width, height, sum of the pixels, FNV-1a 64 of the pixel
bytes in row-major order (hex), source (cv2 or libpng16-model).
"""
import os
import sys

import cv2
import numpy as np

FIXTURES = os.path.dirname(os.path.abspath(__file__))
EXTRA = ["images/jpeg/mate_raindrops_96x96_q90_baseline_gray.jpg"]
SKIP = {"malformed/png/png_bomb_10000x10000_1bit.png"}


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def libpng16_gray(raw: np.ndarray) -> np.ndarray:
    """libpng's png_do_rgb_to_gray on 16-bit samples without gamma tables (the files' gAMA, if
    any, is 1.0): (9797 R + 19234 G + 3737 B + 16384) >> 15, or R where R == G == B."""
    raw = raw.astype(np.int64)
    if raw.ndim == 2:
        return raw
    b, g, r = raw[..., 0], raw[..., 1], raw[..., 2]
    mixed = (9797 * r + 19234 * g + 3737 * b + 16384) >> 15
    return np.where((r == g) & (g == b), r, mixed)


def is_png_or_jpeg(path: str) -> bool:
    with open(path, "rb") as f:
        start = f.read(8)
    return start == b"\x89PNG\r\n\x1a\n" or start[:3] == b"\xff\xd8\xff"


def luma(path: str) -> tuple[np.ndarray, str]:
    gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION)
    if gray is None:
        sys.exit(f"OpenCV cannot read {path}")
    raw = cv2.imread(path, cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
    if raw.dtype != np.uint16:
        return gray, "cv2"
    model = libpng16_gray(raw)
    if not np.array_equal(model >> 8, gray):
        sys.exit(f"{path}: the libpng 16-bit model does not reproduce OpenCV's truncated image")
    return ((model * 255 + 32895) >> 16).astype(np.uint8), "libpng16-model"


def main() -> None:
    manifest = os.path.join(FIXTURES, "malformed", "MANIFEST.tsv")
    paths = []
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#") or fields[0] == "file" or fields[2] != "decode":
                continue
            path = "malformed/" + fields[0]
            if path not in SKIP and is_png_or_jpeg(os.path.join(FIXTURES, path)):
                paths.append(path)
    paths += EXTRA
    rows = ["# Made by: python3 Fixtures/make_luma_reference.py (see its docstring)",
            "path\twidth\theight\tsum\tfnv1a64\tsource"]
    for path in paths:
        image, source = luma(os.path.join(FIXTURES, path))
        h, w = image.shape
        rows.append(f"{path}\t{w}\t{h}\t{int(image.sum(dtype=np.int64))}\t"
                    f"{fnv1a64(image.tobytes()):016x}\t{source}")
    with open(os.path.join(FIXTURES, "luma_reference.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    print(f"wrote {len(paths)} rows to Fixtures/luma_reference.tsv")


if __name__ == "__main__":
    main()
