#!/usr/bin/env python3
"""Inputs for `make bench`: 1024x1024 centre crops of the bench photographs as JPEG (q90,
OpenCV's default 4:2:0) and as PNG, each repeated as N hard links so that both tools read the
same N files from one folder. Usage: make_bench_inputs.py BENCH_DIR OUT_DIR N"""
import os
import sys

import cv2


def main() -> int:
    bench, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    photos = sorted(f for f in os.listdir(bench) if f.lower().endswith(".jpg"))
    for kind in ("jpeg1024", "png1024"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    crops = []
    for name in photos:
        image = cv2.imread(os.path.join(bench, name), cv2.IMREAD_COLOR)
        h, w = image.shape[:2]
        y, x = (h - 1024) // 2, (w - 1024) // 2
        crops.append((os.path.splitext(name)[0], image[y:y + 1024, x:x + 1024]))
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
