#!/usr/bin/env python3
"""Write `path,group` for every image of one dev corpus, for grouped cross-validation.

Usage (from the repo root):

    python3 tools/make_groups.py ../shared/data/dev/<corpus> > groups.csv

`path` is `<given dir>/real/<name>` or `<given dir>/fake/<name>`, the directory exactly as
given on the command line (joined with os.path.join, never made absolute), so the rows join
with file lists built from the same argument (e.g. `specdet profile <dir>` rows).
Rows come out real/ first, then fake/, each in sorted file-name order.

`group` says which images must stay on the same side of a cross-validation split:

* real crops: the `source_photo` column of the corpus's `manifest.csv`. Crops of one
  photograph are correlated (same camera, same JPEG history, often overlapping content), so
  all crops of one photo form one group.
* `ae128_*` fakes: a fake is the autoencoder reconstruction of the real crop with the same
  file name (the manifest has one row per file name, shared by real/ and fake/), so it gets
  that crop's `source_photo`. A real crop and its own reconstruction therefore always land in
  the same fold, which is what a paired corpus needs.
* `dcgan64` fakes: the manifest leaves `source_photo` empty and gives each fake its own
  latent index (`latent_index(seed 20240611)`, 0..599, all distinct). Every fake is an
  independent draw from the one generator, and the generator was trained on rendered
  DigiFace-1M faces, none of which are in the corpus, so no fake is tied to any real photo
  or to another fake. Each fake is therefore its own group, named
  `dcgan_latent_<index>` (e.g. `dcgan_latent_17`); the name cannot collide with a photo id.
  (All fakes share one generator: a "leave one generator out" split is a different
  question that one corpus cannot answer.)

Images in real/ or fake/ that the manifest does not list, manifest rows without a file, or a
real crop with an empty `source_photo` are errors (message on stderr, exit 1). A directory
without manifest.csv or without real/ and fake/ is a usage error (exit 2).

The module is also imported by Fixtures/make_fixtures.py (function `corpus_rows`).
"""

from __future__ import annotations

import csv
import os
import sys

IMAGE_EXTS = (".png", ".jpg", ".jpeg")
LATENT_COLUMN_PREFIX = "latent_index"


class CorpusError(Exception):
    """A corpus whose files and manifest do not agree (exit 1)."""


class UsageError(Exception):
    """Not a corpus directory (exit 2)."""


def _list_images(folder: str) -> list[str]:
    return sorted(f for f in os.listdir(folder)
                  if f.lower().endswith(IMAGE_EXTS) and os.path.isfile(os.path.join(folder, f)))


def _latent_column(fieldnames: list[str]) -> str | None:
    for name in fieldnames:
        if name.startswith(LATENT_COLUMN_PREFIX):
            return name
    return None


def read_manifest(corpus: str) -> dict[tuple[str, str], dict]:
    """Map (label, file name) -> manifest row, for both manifest layouts:

    * dcgan64: `file` is `real/00000.png` or `fake/00000.png` (with a `label` column);
    * ae128_*: `file` is `00000.png`, one row for the real crop and its reconstruction.
    """
    path = os.path.join(corpus, "manifest.csv")
    if not os.path.isfile(path):
        raise UsageError(f"{corpus}: no manifest.csv (expected a corpus folder such as "
                         f"../shared/data/dev/ae128_nearest)")
    with open(path, newline="", encoding="utf-8") as fh:
        rd = csv.DictReader(fh)
        fields = rd.fieldnames or []
        if "file" not in fields or "source_photo" not in fields:
            raise UsageError(f"{path}: needs columns 'file' and 'source_photo', has {fields}")
        rows = list(rd)
    out: dict[tuple[str, str], dict] = {}
    for row in rows:
        f = row["file"]
        if "/" in f:
            label, name = f.split("/", 1)
            keys = [(label, name)]
        else:
            keys = [("real", f), ("fake", f)]
        for k in keys:
            if k in out:
                raise CorpusError(f"{path}: file {'/'.join(k)} listed twice")
            out[k] = row
    return out


def group_of(label: str, name: str, row: dict, latent_col: str | None) -> str:
    src = (row.get("source_photo") or "").strip()
    if src:
        return src
    if label == "fake" and latent_col and (row.get(latent_col) or "").strip():
        return "dcgan_latent_" + str(int(row[latent_col]))
    raise CorpusError(f"{label}/{name}: manifest gives neither source_photo nor latent index")


def corpus_rows(corpus: str) -> list[dict]:
    """One dict per image: path (corpus joined as given), label, name, group, row."""
    for sub in ("real", "fake"):
        if not os.path.isdir(os.path.join(corpus, sub)):
            raise UsageError(f"{corpus}: no {sub}/ folder")
    manifest = read_manifest(corpus)
    any_row = next(iter(manifest.values()), {})
    latent_col = _latent_column(list(any_row.keys()))
    out = []
    seen = set()
    for label in ("real", "fake"):
        for name in _list_images(os.path.join(corpus, label)):
            row = manifest.get((label, name))
            if row is None:
                raise CorpusError(f"{corpus}: {label}/{name} is not in manifest.csv")
            seen.add((label, name))
            out.append(dict(path=os.path.join(corpus, label, name), label=label, name=name,
                            group=group_of(label, name, row, latent_col), row=row))
    missing = sorted(set(manifest) - seen)
    if missing:
        raise CorpusError(f"{corpus}: manifest.csv lists {len(missing)} file(s) that do not "
                          f"exist, e.g. {'/'.join(missing[0])}")
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="make_groups.py", description=__doc__.split("\n")[0],
        epilog=__doc__.split("\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", help="a corpus folder, e.g. ../shared/data/dev/dcgan64")
    a = ap.parse_args(argv)
    try:
        rows = corpus_rows(a.corpus)
    except UsageError as exc:
        print(f"make_groups: error: {exc}", file=sys.stderr)
        return 2
    except (CorpusError, OSError, ValueError) as exc:
        print(f"make_groups: error: {exc}", file=sys.stderr)
        return 1
    try:
        wr = csv.writer(sys.stdout, lineterminator="\n")
        wr.writerow(["path", "group"])
        for r in rows:
            wr.writerow([r["path"], r["group"]])
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
