#!/usr/bin/env python3
"""Adds `class_means` to a model file that predates them, from the profiles of the images it
was trained on, as `specdet train` computes them (ColumnStatistics: the float32 profile values
summed in double precision in input order, two passes, population deviation), without
retraining. The rest of the file is kept byte for byte.

Usage: tools/add_class_means.py MODEL.json REAL_PROFILES.csv FAKE_PROFILES.csv
(the CSVs written by `specdet profile` over the model's original --real and --fake inputs)."""
import csv
import json
import math
import struct
import sys


def float32(text):
    return struct.unpack("f", struct.pack("f", float(text)))[0]


def statistics(path):
    with open(path, newline="") as handle:
        rows = [[float32(v) for v in row[4:]] for row in csv.reader(handle) if row[1] == "ok"]
    n, columns = len(rows), len(rows[0])
    mean = [0.0] * columns
    for row in rows:
        for j, value in enumerate(row):
            mean[j] += value
    mean = [m / n for m in mean]
    squares = [0.0] * columns
    for row in rows:
        for j, value in enumerate(row):
            d = value - mean[j]
            squares[j] += d * d
    return mean, [math.sqrt(s / n) for s in squares], n


def main():
    model_path, real_path, fake_path = sys.argv[1:4]
    text = open(model_path, encoding="utf-8").read()
    if '"class_means"' in text:
        sys.exit(f"{model_path} already has class_means")
    bins = json.loads(text)["feature"]["bins"]
    real, real_std, n_real = statistics(real_path)
    fake, fake_std, n_fake = statistics(fake_path)
    if len(real) != bins or len(fake) != bins:
        sys.exit("the profiles do not have the model's bins")
    means = {"fake": fake, "fake_std": fake_std, "real": real, "real_std": real_std}
    # Keys are sorted in a model file, and "class_means" sorts first.
    assert text.startswith('{"classifier"')
    block = json.dumps(means, separators=(",", ":"), sort_keys=True)
    open(model_path, "w", encoding="utf-8").write('{"class_means":' + block + "," + text[1:])
    print(f"class_means of {n_real} real and {n_fake} fake profiles added to {model_path}")


main()
