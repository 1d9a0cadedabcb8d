#!/usr/bin/env python3
"""Inputs for `make bench`, all cut from the bench photographs (JPEG q90, OpenCV's default
4:2:0; PNG where named):

  jpeg1024/, png1024/  N 1024x1024 centre crops, the ten crops repeated as hard links so that
                       both tools read the same N files from one folder;
  mixed7/              200 crops of 200 different sizes whose sides (600-1400 px) have no
                       prime factor over 7, each at a seeded random place in a photograph
                       (the photographs in turn, among those large enough);
  mixedany/            200 crops of 200 different sizes with any sides in 600-1400 px;
  sides/               one crop of each size in SIDE_SET (FFT cost per pixel by prime factors);
  one/one.jpg          the first 1024x1024 crop, alone in a folder, for the one-image row.

Usage: make_bench_inputs.py BENCH_DIR OUT_DIR N"""
import os
import random
import sys

import cv2

SIDES = range(600, 1401)
MIXED_COUNT = 200
# Sides by their largest prime factor: 2; 5; 7; 7; 73; 509; prime; prime.
SIDE_SET = [(1024, 1024), (1000, 1000), (1008, 896), (1029, 1372), (1022, 1022), (1018, 1018),
            (1021, 1021), (997, 1009)]


def smooth7(n: int) -> bool:
    for p in (2, 3, 5, 7):
        while n % p == 0:
            n //= p
    return n == 1


def distinct_sizes(sides: list[int], rng: random.Random) -> list[tuple[int, int]]:
    """MIXED_COUNT different sizes in a random order (the files are read in name order)."""
    sizes: list[tuple[int, int]] = []
    while len(sizes) < MIXED_COUNT:
        size = (rng.choice(sides), rng.choice(sides))
        if size not in sizes:
            sizes.append(size)
    return sizes


def main() -> int:
    bench, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    names = sorted(f for f in os.listdir(bench) if f.lower().endswith(".jpg"))
    photos = [(os.path.splitext(n)[0], cv2.imread(os.path.join(bench, n), cv2.IMREAD_COLOR)) for n in names]
    for kind in ("jpeg1024", "png1024", "mixed7", "mixedany", "one", "sides"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    crops = []
    for stem, image in photos:
        h, w = image.shape[:2]
        y, x = (h - 1024) // 2, (w - 1024) // 2
        crops.append((stem, image[y:y + 1024, x:x + 1024]))
    cv2.imwrite(os.path.join(out, "one", "one.jpg"), crops[0][1], [cv2.IMWRITE_JPEG_QUALITY, 90])
    for index in range(count):
        stem, crop = crops[index % len(crops)]
        jpeg = os.path.join(out, "jpeg1024", f"{index:04d}_{stem}.jpg")
        png = os.path.join(out, "png1024", f"{index:04d}_{stem}.png")
        if index < len(crops):
            cv2.imwrite(jpeg, crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
            cv2.imwrite(png, crop)
        else:
            first = index % len(crops)
            os.link(os.path.join(out, "jpeg1024", f"{first:04d}_{stem}.jpg"), jpeg)
            os.link(os.path.join(out, "png1024", f"{first:04d}_{stem}.png"), png)
    for w, h in SIDE_SET:
        stem, image = photos[0]
        y, x = (image.shape[0] - h) // 2, (image.shape[1] - w) // 2
        cv2.imwrite(os.path.join(out, "sides", f"{w}x{h}.jpg"), image[y:y + h, x:x + w], [cv2.IMWRITE_JPEG_QUALITY, 90])
    rng = random.Random(1024)
    for kind, sides in (("mixed7", [s for s in SIDES if smooth7(s)]), ("mixedany", list(SIDES))):
        for index, (w, h) in enumerate(distinct_sizes(sides, rng)):
            fitting = [p for p in photos if p[1].shape[0] >= h and p[1].shape[1] >= w]
            stem, image = fitting[index % len(fitting)]
            y = rng.randrange(image.shape[0] - h + 1)
            x = rng.randrange(image.shape[1] - w + 1)
            name = os.path.join(out, kind, f"{index:04d}_{stem}_{w}x{h}.jpg")
            cv2.imwrite(name, image[y:y + h, x:x + w], [cv2.IMWRITE_JPEG_QUALITY, 90])
    return 0


if __name__ == "__main__":
    sys.exit(main())
