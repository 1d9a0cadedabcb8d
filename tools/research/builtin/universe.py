"""The universe of this study: every development row of dev / dev-sr (profiles from the
selection study's cache, tools/research/selection: its work folder's cache/) and every
sr-extra row (cache/feat_extra.npy of this study's work folder), one feature array, one fold
per photograph, and the training-set recipes compared here.

Row fields: corpus (e.g. dev/dcgan64, dev-sr/realcugan_se, sr-extra/lanczos_x3), source
(dev | dev-sr | sr-extra), folder, key (row of X), label ('real' | 'fake' as on disk), kind
(real | net | control; dev fakes are 'net'), group (photograph; each dcgan64 fake its own),
size (smaller side of the clean image), fold (outer fold of the group).

Only `part = development` rows of split.csv enter (the selection study's load_dev_rows and
split.csv).

Folders (add_args / configure, the same options for every script of this study):
  --work DIR            this study's work folder: cache/, results/ (default .build/research-builtin)
  --selection-work DIR  the selection study's work folder: split.csv and cache/ of the dev and
                        dev-sr profiles (default .build/research-selection; its extract.py and
                        sizes.py must have run)
Relative paths are relative to the current directory: run the scripts from the repo root.
"""

import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The selection study's modules (common, nested, analyse), after this folder's own on the path.
sys.path.append(os.path.join(os.path.dirname(HERE), "selection"))
import numpy as np  # noqa: E402

import common as C  # noqa: E402

DEFAULT_WORK = os.path.join(".build", "research-builtin")
WORK = CACHE = RES = ""
K_OUT = 5
CONTROL_FOLDERS = {"bicubic_x2", "bicubic_x3", "bicubic_x4", "lanczos_x2", "lanczos_x3", "lanczos_x4"}


def add_args(ap):
    ap.add_argument("--work", default=DEFAULT_WORK,
                    help=f"this study's work folder: cache/, results/ (default {DEFAULT_WORK})")
    ap.add_argument("--selection-work", default=C.DEFAULT_WORK,
                    help=f"the selection study's work folder: split.csv, cache/ (default {C.DEFAULT_WORK})")


def set_folders(work, selection_work):
    """This study's work folder and the selection study's."""
    global WORK, CACHE, RES
    WORK = work
    CACHE = os.path.join(work, "cache")
    RES = os.path.join(work, "results")
    C.set_work(selection_work)


def configure(args):
    """set_folders from the options of add_args."""
    set_folders(args.work, args.selection_work)


set_folders(DEFAULT_WORK, C.DEFAULT_WORK)


def outside_images():
    """The profiles (6, 300) of the Fixtures/outside images (extract.py) and their names."""
    names = [line.strip()[:-4] for line in open(os.path.join(CACHE, "outside_index.csv"))][1:]
    return np.load(os.path.join(CACHE, "feat_outside.npy")), names


class Universe:
    def __init__(self):
        dev = C.load_dev_rows()
        devset = {(r["corpus"], r["path"]) for r in dev}
        prev_idx = list(csv.DictReader(open(os.path.join(C.CACHE, "index.csv"))))
        # the selection cache must have been built from the same split: check row by row
        assert {(r["corpus"], r["path"]) for r in prev_idx} == devset
        Xp = np.load(os.path.join(C.CACHE, "feat_sectors.npy"))
        ms = np.load(os.path.join(C.CACHE, "minside.npy"))[:, 0]
        Xe = np.load(os.path.join(CACHE, "feat_extra.npy"))
        off = Xp.shape[0]
        self.X = np.concatenate([Xp, Xe])
        rows = []
        for r in prev_idx:
            src, folder = r["corpus"].split("/")
            kind = "real" if r["label"] == "real" else ("control" if folder in CONTROL_FOLDERS else "net")
            rows.append(dict(corpus=r["corpus"], source=src, folder=folder, key=int(r["key"]), label=r["label"],
                             kind=kind, group=r["group"], size=int(ms[int(r["key"])]), path=r["path"]))
        for r in csv.DictReader(open(os.path.join(CACHE, "extra_index.csv"))):
            rows.append(dict(corpus=r["corpus"], source="sr-extra", folder=r["corpus"].split("/")[1],
                             key=off + int(r["key"]), label=r["label"], kind=r["kind"], group=r["group"],
                             size=int(r["size"]), path=r["path"]))
        self.rows = rows
        for f in ("corpus", "source", "folder", "label", "kind", "group", "path"):
            setattr(self, f, np.array([r[f] for r in rows]))
        self.key = np.array([r["key"] for r in rows])
        self.size = np.array([r["size"] for r in rows])
        self.fake = (self.label == "fake").astype(int)
        # one fold per group over the whole universe (stratified on fake, grouped by photograph)
        from sklearn.model_selection import StratifiedGroupKFold
        sg = StratifiedGroupKFold(n_splits=K_OUT, shuffle=True, random_state=0)
        fold = np.full(len(rows), -1)
        for i, (_, te) in enumerate(sg.split(np.zeros(len(rows)), self.fake, self.group)):
            fold[te] = i
        self.fold = fold
        g2f = {}
        for g, f in zip(self.group, fold):
            assert g2f.setdefault(g, f) == f
        self.g2f = g2f
        self.key_fold = np.full(self.X.shape[0], -1)
        self.key_fold[self.key] = fold
        for k, f in zip(self.key, fold):        # a key never straddles two folds
            assert self.key_fold[k] == f

    def enlargements(self):
        """The nearest-neighbour x2/x4 enlargements of real crops (extract.py): their profiles
        (n, 300) and the outer fold of each, its photograph's."""
        rows = csv.DictReader(open(os.path.join(CACHE, "nn_index.csv")))
        return np.load(os.path.join(CACHE, "feat_nn.npy")), np.array([self.g2f[r["group"]] for r in rows])

    # ------------------------------------------------------------------ training sets
    def training_rows(self, controls="exclude", extra=True):
        """Row indices and labels of a pooled training set:
        the 5 dev corpora (every row, shared reals once per folder, as `specdet train` on the
        folders), the 4 dev-sr networks (real/ and fake/ of each folder), the 13 sr-extra
        networks if `extra`, and the control *fakes* (dev-sr bicubic x2/x4; sr-extra
        bicubic/lanczos x2-4 if `extra`) labelled by `controls`: 'real' (y 0), 'fake' (y 1) or
        'exclude'. Control folders' real/ are the same crops as the networks' real/ (dev-sr: the
        same 20 development crops; sr-extra: hard links), so they are not added again."""
        m = (self.kind != "control") & (self.folder != "") & ~np.isin(self.folder, list(CONTROL_FOLDERS))
        if not extra:
            m &= self.source != "sr-extra"
        y = self.fake.copy()
        if controls != "exclude":
            c = self.kind == "control"
            if not extra:
                c &= self.source != "sr-extra"
            m |= c
            y[c] = 0 if controls == "real" else 1
        idx = np.flatnonzero(m)
        return idx, y[idx]
