#!/usr/bin/env python3
"""Fit a configuration once on the whole pooled development part (the five dev corpora and the
four dev-sr networks) and report training time and model size.

Usage (from the repo root, after extract.py):
  python3 tools/research/selection/final_fit.py --features sectors [--mode raw|std|nys] --C 6.37 --gamma 0.86
                                                [--rounds 3] [--landmarks 1000] [--label TEXT] [--work DIR]

Prints one markdown table row (final_fits.sh writes the header): rows, fit seconds (SVM fitting only; profiles come from the cache), support vectors
(unique: an original shared by several rounds counts once), and the float32 size of the
support vectors plus coefficients (the floor of any model file; specdet's JSON is larger).
"""

import argparse
import time

import numpy as np

import common as C
from nested import Data, Model


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", default="sectors")
    ap.add_argument("--mode", default="raw")
    ap.add_argument("--C", type=float, default=6.37)
    ap.add_argument("--gamma", type=float, default=0.86)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--label", default="")
    ap.add_argument("--landmarks", type=int, default=1000)
    C.add_work_arg(ap)
    a = ap.parse_args()
    C.set_work(a.work)
    Model.NYS_M = a.landmarks
    D = Data(a.features.split(","))
    keys, _ = D.row_keys(list(C.DEV_CORPORA + C.SR_NETS))
    t = time.perf_counter()
    m = Model(a.C, a.gamma, a.rounds, a.mode, D.dims).fit(D.X[keys], D.y[keys])
    dt = time.perf_counter() - t
    d = D.X.shape[2]
    size = m.n_sv_unique * (d + 1) * 4 + (2 * d * 4 if a.mode == "std" else 0)
    per_round = [int(s.n_support_.sum()) for s in m.svms]
    print(f"| {a.label or a.features} | {a.mode} | {a.C:g} | {a.gamma:g} | {a.rounds} | {len(keys)} | "
          f"{dt:.1f} | {m.n_sv_unique} ({'+'.join(map(str, per_round))}) | {d} | {size / 1e6:.2f} |")


if __name__ == "__main__":
    main()
