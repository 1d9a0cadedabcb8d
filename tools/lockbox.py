#!/usr/bin/env python3
"""The one split of the shared photographs into a development part and a lockbox.

Usage (from the repo root):

    python3 tools/lockbox.py ../shared/data > split.csv

Writes `corpus,path,label,group,part` for every image of every corpus under `data/dev/` and
`data/dev-sr/`: `path` is the data folder as given joined with the image's path inside it,
`group` the source photograph (a `dcgan64` fake, drawn from a latent vector and tied to no
photograph, is its own group), and `part` is `development` or `lockbox`.

The split is made once, by photograph, across all corpora: a photograph cropped for several
corpora sits in the same part in all of them, so nothing learned from a lockbox photograph
in one corpus can help in another. Within each family of photographs (the 20 cropped for the
`ae128_*` corpora, which `dcgan64` also uses; the other `dcgan64` photographs; the `dev-sr`
photographs; the `dcgan64` latent draws), the groups are ordered by SHA-256 of
`SEED + ":" + group` and taken into the lockbox, in that order, until it holds at least a
third of the family's images. Every choice of features, options and thresholds is made on
the development part; the lockbox is scored once per finished candidate (docs/ACCURACY.md).
"""

from __future__ import annotations

import csv
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_groups import CorpusError, UsageError, corpus_rows  # noqa: E402

SEED = "specdet-lockbox-1"
LOCKBOX_SHARE = 1 / 3


def dev_sr_rows(folder: str) -> list[dict]:
    """One dict per dev-sr image: path, label, group (its `source_photo`)."""
    with open(os.path.join(folder, "manifest.csv"), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        path = os.path.join(folder, row["path"])
        if not os.path.isfile(path):
            raise CorpusError(f"{path}: listed in manifest.csv but missing")
        out.append(dict(corpus="dev-sr/" + row["path"].split("/", 1)[0], path=path,
                        label=row["label"], group=row["source_photo"]))
    return out


def all_rows(data: str) -> list[dict]:
    dev = os.path.join(data, "dev")
    if not os.path.isdir(dev) or not os.path.isdir(os.path.join(data, "dev-sr")):
        raise UsageError(f"{data}: expected the shared data folder with dev/ and dev-sr/")
    rows = []
    for corpus in sorted(os.listdir(dev)):
        for row in corpus_rows(os.path.join(dev, corpus)):
            rows.append(dict(corpus="dev/" + corpus, path=row["path"], label=row["label"], group=row["group"]))
    rows += dev_sr_rows(os.path.join(data, "dev-sr"))
    return rows


def family(row: dict, ae_photos: set[str]) -> str:
    if row["corpus"].startswith("dev-sr/"):
        return "dev-sr"
    if row["group"].startswith("dcgan_latent_"):
        return "dcgan-latent"
    return "ae128-photos" if row["group"] in ae_photos else "dcgan-photos"


def lockbox_groups(rows: list[dict]) -> set[str]:
    ae_photos = {r["group"] for r in rows if r["corpus"].startswith("dev/ae128_")}
    families: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = families.setdefault(family(row, ae_photos), {})
        counts[row["group"]] = counts.get(row["group"], 0) + 1
    chosen: set[str] = set()
    for counts in families.values():
        total, taken = sum(counts.values()), 0
        for group in sorted(counts, key=lambda g: hashlib.sha256(f"{SEED}:{g}".encode()).hexdigest()):
            if taken >= LOCKBOX_SHARE * total:
                break
            chosen.add(group)
            taken += counts[group]
    return chosen


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="lockbox.py", description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help="the shared data folder, e.g. ../shared/data")
    a = ap.parse_args(argv)
    try:
        rows = all_rows(a.data)
    except UsageError as exc:
        print(f"lockbox: error: {exc}", file=sys.stderr)
        return 2
    except (CorpusError, OSError, KeyError) as exc:
        print(f"lockbox: error: {exc}", file=sys.stderr)
        return 1
    lockbox = lockbox_groups(rows)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["corpus", "path", "label", "group", "part"])
    for row in rows:
        out.writerow([row["corpus"], row["path"], row["label"], row["group"],
                      "lockbox" if row["group"] in lockbox else "development"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
