#!/usr/bin/env python3
"""One fit of a recipe on all its training rows (what the built-in model would be trained on):
fit time on one core, and the model's size.

Usage (from the repo root, after extract.py):
  python3 tools/research/builtin/final_fit.py --controls real|exclude|fake [--no-extra] [--landmarks 2000]
                                              [--name NAME] [--work DIR] [--selection-work DIR]

Times: the Nystroem classifier (landmark kernel, eigendecomposition, 3 liblinear fits) and the
domain (out-of-fold distances over 5 grouped folds + the final statistics), profiles from the
cache (profiling the images is not included). Size: the arrays a model file holds, as raw
float32 bytes and as specdet's JSON stores them (PackedArray = base64 of little-endian float32,
4/3 of the raw bytes, padded); the domain's mean and std are JSON numbers (about 20 characters
each). Writes results/final_<name>.npz (in the work folder) (landmarks, coefficients, bias, domain) for inspection.
"""

import argparse
import math
import os
import sys
import time

import numpy as np

import universe
from domain import Domain, bound, oof_distances
from nested import Model


def b64(nbytes):
    return 4 * math.ceil(nbytes / 3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--controls", default="exclude")
    ap.add_argument("--no-extra", action="store_true")
    ap.add_argument("--landmarks", type=int, default=2000)
    ap.add_argument("--name", default="recommended")
    universe.add_args(ap)
    a = ap.parse_args()
    universe.configure(a)
    U = universe.Universe()
    outside, _ = universe.outside_images()
    idx, y = U.training_rows(a.controls, extra=not a.no_extra)
    Model.NYS_M = a.landmarks
    t = time.perf_counter()
    m = Model(6.37, 0.86, 3, "nys", [300]).fit(U.X[U.key[idx]], y)
    t_fit = time.perf_counter() - t
    t = time.perf_counter()
    X0 = U.X[U.key[idx], 0]
    oof = oof_distances(X0, y, U.group[idx], 0)
    dom = Domain(X0)
    t_dom = time.perf_counter() - t
    # the recommended domain: statistics and bound from the originals and their 6 copies
    from explore_domain import COPY_SLOTS, oof as oof_slots
    t = time.perf_counter()
    Xc = U.X[U.key[idx]][:, COPY_SLOTS]
    oof_c = oof_slots(Xc, y, U.group[idx], 0).ravel()
    dom_c = Domain(Xc.reshape(-1, 300))
    t_dom_c = time.perf_counter() - t
    d = 300
    L, coef = m.L.shape[0], m.a.size
    raw = {"landmarks (float32)": L * d * 4, "coefficients (float32)": coef * 4,
           "domain whitening lower triangle (float32)": d * (d + 1) // 2 * 4,
           "domain mean + std (float64)": 2 * d * 8}
    js = {"landmarks (float32)": b64(L * d * 4), "coefficients (float32)": b64(coef * 4),
          "domain whitening lower triangle (float32)": b64(d * (d + 1) // 2 * 4),
          "domain mean + std (float64)": 2 * d * 21}
    print(f"| recipe | training originals | rows per round | classifier fit s | domain fit s (originals) | domain fit s (originals + copies) |")
    print(f"|---|---:|---:|---:|---:|---:|")
    print(f"| controls {a.controls}, sr-extra {not a.no_extra}, Nyström {a.landmarks} | {len(idx)} | {3 * len(idx)} | "
          f"{t_fit:.0f} | {t_dom:.1f} | {t_dom_c:.1f} |")
    print()
    print("| part | raw bytes | in the JSON model file (base64 / numbers) |")
    print("|---|---:|---:|")
    for k in raw:
        print(f"| {k} | {raw[k]:,} | {js[k]:,} |")
    print(f"| **total** | **{sum(raw.values()):,}** | **{sum(js.values()):,}** (+ JSON keys, training record) |")
    print(f"\nall-data domain: alpha {dom.alpha:.4f}, bound(0.995) {bound(oof, 0.995):.2f}, "
          f"bound(0.999) {bound(oof, 0.999):.2f}, max OOF {oof.max():.2f}; originals+copies domain: alpha "
          f"{dom_c.alpha:.4f}, bound(0.995) {bound(oof_c, 0.995):.2f}; fixtures {np.round(dom_c.dist(outside), 1)} "
          f"(originals-only domain {np.round(dom.dist(outside), 1)})", file=sys.stderr)
    os.makedirs(universe.RES, exist_ok=True)
    np.savez(os.path.join(universe.RES, f"final_{a.name}_domain_copies.npz"), mean=dom_c.mean,
             std=dom_c.std, W=dom_c.W, oof=oof_c)
    np.savez(os.path.join(universe.RES, f"final_{a.name}.npz"), L=m.L, a=m.a, b=m.b,
             mean=dom.mean, std=dom.std, W=dom.W, oof=oof)


if __name__ == "__main__":
    sys.exit(main())
