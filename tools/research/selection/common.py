"""Shared code: the development split, luma loading, test conditions, specdet-style
augmentation copies and the spectral feature sets.

Every image this module reads comes from `load_dev_rows()`, which refuses any row whose
`part` is not `development` (the lockbox is never loaded, profiled or scored here).

Feature sets (exact definitions also in README.md, "Feature definitions"):

  durall    published: mean of 20 ln|F + 1e-8| per ring r = floor(hypot(x-(W-1)/2, y-(H-1)/2))
            of the fftshifted 2-D DFT of the 8-bit luma, rings 1..floor(rmax)-1, not-a-knot
            cubic spline through linspace(0, 1, L) evaluated at linspace(0, 1, 300), / value 0.
  sectors   the same rings split into axis-aligned (angle to the nearest axis < 22.5 deg) and
            diagonal samples, 150 values each (empty rings: linear interpolation of their
            neighbours), both divided by the all-angle mean of ring 1 (specdet's default).
  npr       sectors-style profile (2 x 75 values) of the NPR residual
            r = x - NN2x(x[0::2, 0::2])[:H, :W] (top-left pixel of each 2x2 block, nearest
            upsampled, cropped to H x W; so r = 0 on even rows and even columns), divided by the
            all-angle ring-1 mean of the *image's* own log spectrum.
  xdiff     sectors-style profile (2 x 75) of the Synthbuster cross-difference magnitude map
            d[i, j] = |x[i,j] + x[i+1,j+1] - x[i,j+1] - x[i+1,j]|, (H-1) x (W-1), stride 1,
            divided by the image's ring-1 mean.
  peaks     20 values in ln power: for f in (1/8, 1/4, 3/8, 1/2) cycles/pixel, the unshifted
            DFT bin (ky, kx) = (0, K(f,W)), (K(f,H), 0), (K(f,H), K(f,W)), K(f,n) = floor(f n + .5)
            mod n: ln(1 + the mean |F|^2 over the 3 x 3 bins around it, indices wrapping mod
            H, W) minus the mean of ln(1 + |F|^2) over the centre bin's ring (12 values); then the
            column kx = K(f, W) over all ky != 0 and the row ky = K(f, H) over all kx != 0, each
            coefficient's ln(1 + |F|^2) minus its ring's mean, averaged over the line (8 values).
  tiles     sectors of every non-overlapping 256 x 256 tile (grid from the top-left corner,
            floor(H/256) x floor(W/256) tiles, remainder dropped) when min(H, W) >= 512: the
            per-value mean over tiles (300) and the 90th percentile (numpy 'linear', 300);
            smaller images: their whole-image sectors twice.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import os
import zlib

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(os.path.dirname(HERE))          # the repo's tools/ (tools/lockbox.py)
# The work folder (--work): split.csv, cache/ (profiles), results/ (nested.py's outputs).
# Relative paths are relative to the current directory: run the scripts from the repo root.
DEFAULT_WORK = os.path.join(".build", "research-selection")
WORK = SPLIT = CACHE = RESULTS = ""
N = 300
CONDITIONS = ("clean", "q90", "q75", "half")
ROUNDS = 3          # specdet --augment-rounds 3
COPIES = 2          # specdet --augment-copies 2: copy 0 JPEG q60-95, copy 1 downscale x0.4-0.9
SCALES = (0.4, 0.9)
QUALITIES = (60, 95)
DEV_CORPORA = ("dev/dcgan64", "dev/ae128_convtranspose", "dev/ae128_nearest",
               "dev/ae128_bilinear", "dev/ae128_pixelshuffle")
SR_NETS = ("dev-sr/waifu2x_upconv7", "dev-sr/realcugan_se", "dev-sr/realesr_animevideov3_x4",
           "dev-sr/realesrgan_x4plus")
SR_CONTROLS = ("dev-sr/bicubic_x2", "dev-sr/bicubic_x4")


# ------------------------------------------------------------------------------ the work folder
def set_work(work):
    """Point SPLIT, CACHE and RESULTS at the work folder `work`."""
    global WORK, SPLIT, CACHE, RESULTS
    WORK = work
    SPLIT = os.path.join(work, "split.csv")
    CACHE = os.path.join(work, "cache")
    RESULTS = os.path.join(work, "results")


set_work(DEFAULT_WORK)


def add_work_arg(ap):
    ap.add_argument("--work", default=DEFAULT_WORK,
                    help=f"work folder: split.csv, cache/, results/ (default {DEFAULT_WORK})")


def write_split(shared):
    """WORK/split.csv from tools/lockbox.py over SHARED/data, unless it exists."""
    if os.path.exists(SPLIT):
        return
    import contextlib
    import sys
    sys.path.insert(0, TOOLS)
    import lockbox
    os.makedirs(WORK, exist_ok=True)
    with open(SPLIT + ".tmp", "w", newline="", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        status = lockbox.main([os.path.join(shared, "data")])
    if status != 0:
        os.remove(SPLIT + ".tmp")
        raise SystemExit(f"tools/lockbox.py {os.path.join(shared, 'data')} failed ({status})")
    os.replace(SPLIT + ".tmp", SPLIT)


# ------------------------------------------------------------------------------ the split
def load_dev_rows(split=None):
    """Rows of split.csv (default WORK/split.csv) with part == development only (dicts with
    corpus, path, label, group, y). Lockbox rows are dropped here, before anything looks at a
    file."""
    split = split or SPLIT
    rows = []
    with open(split, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["part"] != "development":
                continue
            r["y"] = 1 if r["label"] == "fake" else 0
            rows.append(r)
    assert rows and all(r["part"] == "development" for r in rows)
    return rows


# ------------------------------------------------------------------------------ images
def _cv2():
    import cv2
    cv2.setNumThreads(1)
    return cv2


def read_bytes_dev(path, dev_paths):
    if path not in dev_paths:
        raise RuntimeError(f"refusing to read a non-development file: {path}")
    with open(path, "rb") as fh:
        return fh.read()


def content_key(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def luma_clean(data: bytes):
    cv2 = _cv2()
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)


def luma_condition(data: bytes, cond: str):
    """The 8-bit luma of a test condition, made from the colour image as
    tools/make_variants.py does (OpenCV JPEG of the colour image, 4:2:0, decoded to the Y
    plane; INTER_AREA halving to (round(W/2), round(H/2)), PNG round trip, libpng gray)."""
    cv2 = _cv2()
    if cond == "clean":
        return luma_clean(data)
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if cond in ("q90", "q75"):
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(cond[1:])])
    elif cond == "half":
        h, w = img.shape[:2]
        small = cv2.resize(img, (max(1, int(round(w / 2))), max(1, int(round(h / 2)))),
                           interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".png", small)
    else:
        raise ValueError(cond)
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)


# ------------------------------------------------------- augmentation (as specdet train)
def _kernel(name):
    if name == "box":
        return 0.5, lambda x: (np.abs(x) < 0.5).astype(float)
    if name == "bilinear":
        return 1.0, lambda x: np.maximum(0.0, 1.0 - np.abs(x))
    if name == "bicubic":
        def cubic(x, a=-0.5):
            x = np.abs(x)
            return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                            np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0.0))
        return 2.0, cubic
    if name == "lanczos":
        def lan(x):
            x = np.abs(x)
            px = np.pi * np.where(x == 0, 1, x)
            v = 3 * np.sin(px) * np.sin(px / 3) / (px * px)
            return np.where(x == 0, 1.0, np.where(x < 3, v, 0.0))
        return 3.0, lan
    raise ValueError(name)


@functools.lru_cache(maxsize=4096)
def _weights(n_in, n_out, filt):
    support, k = _kernel(filt)
    scale = n_in / n_out
    fs = max(scale, 1.0)
    sup = support * fs
    w = np.zeros((n_out, n_in))
    for i in range(n_out):
        c = (i + 0.5) * scale
        lo = max(int(c - sup + 0.5), 0)
        hi = min(int(c + sup + 0.5), n_in)
        xs = np.arange(lo, hi)
        ww = k((xs - c + 0.5) / fs)
        w[i, lo:hi] = ww / ww.sum()
    return w


def pil_resize(img, width, height, filt):
    t = img.astype(float) @ _weights(img.shape[1], width, filt).T
    out = _weights(img.shape[0], height, filt) @ t
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def jpeg_gray(img, q):
    cv2 = _cv2()
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(q)])
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)


def augment_copies(img, key, seed):
    """specdet's two copies of one round (tools/feature_prototype.py `augment`): copy 0 a
    gray JPEG round trip at q ~ U{60..95}, copy 1 a Pillow-style downscale x U(0.4, 0.9) with
    a random filter (box, bilinear, bicubic, lanczos)."""
    rng = np.random.default_rng([seed, zlib.crc32(key.encode())])
    out = []
    for steps in (["jpeg"], ["resize"]):
        c = img
        for s in steps:
            if s == "jpeg":
                c = jpeg_gray(c, rng.integers(QUALITIES[0], QUALITIES[1] + 1))
            else:
                sc = rng.uniform(*SCALES)
                filt = ("box", "bilinear", "bicubic", "lanczos")[rng.integers(0, 4)]
                w, h = int(round(c.shape[1] * sc)), int(round(c.shape[0] * sc))
                if w >= 8 and h >= 8:
                    c = pil_resize(c, w, h, filt)
        out.append(c)
    return out


# ------------------------------------------------------------------------------ spectra
@functools.lru_cache(maxsize=256)
def ring_table(h, w):
    """Ring index (durall convention) and axis mask of the fftshifted h x w spectrum."""
    y, x = np.indices((h, w))
    dx, dy = x - (w - 1) / 2.0, y - (h - 1) / 2.0
    r = np.hypot(dx, dy).astype(int).ravel()
    ang = np.degrees(np.arctan2(np.abs(dy), np.abs(dx))).ravel()
    dist = np.minimum(ang, 90 - ang)
    axis = dist < 22.5
    rmax = int(r.max())
    return r, axis, rmax


@functools.lru_cache(maxsize=1024)
def spline_matrix(L, n):
    """(n, L) matrix: not-a-knot cubic spline through linspace(0,1,L) at linspace(0,1,n)
    (scipy interp1d kind='cubic' / make_interp_spline k=3)."""
    from scipy.interpolate import make_interp_spline
    xs = np.linspace(0, 1, L)
    sp = make_interp_spline(xs, np.eye(L), k=3)
    return sp(np.linspace(0, 1, n))


def log_mag_shifted(a):
    f = np.fft.fftshift(np.fft.fft2(a.astype(float)))
    f += 1e-8
    return (20 * np.log(np.abs(f))).ravel()


def _ring_means(lm, r, rmax, mask=None):
    if mask is None:
        cnt = np.bincount(r, minlength=rmax + 1)
        s = np.bincount(r, weights=lm, minlength=rmax + 1)
    else:
        cnt = np.bincount(r[mask], minlength=rmax + 1)
        s = np.bincount(r[mask], weights=lm[mask], minlength=rmax + 1)
    prof = s[1:rmax] / np.maximum(cnt[1:rmax], 1)
    ok = cnt[1:rmax] > 0
    if not ok.all():
        idx = np.arange(prof.size)
        prof = np.interp(idx, idx[ok], prof[ok])
    return prof            # rings 1 .. rmax-1


def durall(img):
    lm = log_mag_shifted(img)
    r, _, rmax = ring_table(*img.shape)
    p = _ring_means(lm, r, rmax)
    v = spline_matrix(p.size, N) @ p
    return v / v[0]


def sector_block(a, n_each, norm=None):
    """axis and diagonal ring profiles of 20 ln|F+1e-8| of the 2-D array a, n_each values
    each, divided by `norm` (default: a's own all-angle ring-1 mean). Returns (vec, ring1)."""
    lm = log_mag_shifted(a)
    r, axis, rmax = ring_table(*a.shape)
    ring1 = lm[r == 1].mean()
    out = []
    for m in (axis, ~axis):
        p = _ring_means(lm, r, rmax, m)
        out.append(spline_matrix(p.size, n_each) @ p)
    v = np.concatenate(out)
    return v / (ring1 if norm is None else norm), ring1


def sectors(img):
    return sector_block(img, N // 2)[0]


def npr_residual(img):
    x = img.astype(float)
    h, w = x.shape
    up = np.repeat(np.repeat(x[0::2, 0::2], 2, axis=0), 2, axis=1)[:h, :w]
    return x - up


def xdiff_map(img):
    x = img.astype(float)
    return np.abs(x[:-1, :-1] + x[1:, 1:] - x[:-1, 1:] - x[1:, :-1])


def _k(f, n):
    return int(np.floor(f * n + 0.5)) % n


PEAK_F = (0.125, 0.25, 0.375, 0.5)


def peaks(img):
    h, w = img.shape
    F = np.fft.fft2(img.astype(float))
    P = np.abs(F) ** 2
    lp = np.log1p(P)                                  # ln(1 + power), unshifted
    r, _, rmax = ring_table(h, w)
    r2 = r.reshape(h, w)
    # ring of an unshifted bin (ky, kx) = ring of shifted position ((ky + h//2) % h, (kx + w//2) % w)
    ring_unshifted = np.roll(np.roll(r2, -(h // 2), axis=0), -(w // 2), axis=1)
    cnt = np.bincount(ring_unshifted.ravel(), minlength=rmax + 1)
    mean = np.bincount(ring_unshifted.ravel(), weights=lp.ravel(), minlength=rmax + 1) / np.maximum(cnt, 1)
    rel = lp - mean[ring_unshifted]
    out = []

    def point(ky, kx):   # ln of the mean power over the 3x3 bins around (ky, kx), wrapping
        m = np.mean([P[(ky + a) % h, (kx + b) % w] for a in (-1, 0, 1) for b in (-1, 0, 1)])
        return np.log1p(m) - mean[ring_unshifted[ky, kx]]

    for f in PEAK_F:
        kx, ky = _k(f, w), _k(f, h)
        out += [point(0, kx), point(ky, 0), point(ky, kx)]
    for f in PEAK_F:
        kx, ky = _k(f, w), _k(f, h)
        out += [rel[1:, kx].mean(), rel[ky, 1:].mean()]
    return np.array(out)


def xdiff(img):
    ring1 = _ring1(img)
    return sector_block(xdiff_map(img), 75, norm=ring1)[0]


def _ring1(img):
    lm = log_mag_shifted(img)
    r, _, _ = ring_table(*img.shape)
    return lm[r == 1].mean()


def npr(img):
    return sector_block(npr_residual(img), 75, norm=_ring1(img))[0]


TILE = 256


def tiles(img):
    h, w = img.shape
    if min(h, w) < 2 * TILE:
        s = sectors(img)
        return np.concatenate([s, s])
    ts = [sectors(img[i * TILE:(i + 1) * TILE, j * TILE:(j + 1) * TILE])
          for i in range(h // TILE) for j in range(w // TILE)]
    ts = np.array(ts)
    return np.concatenate([ts.mean(0), np.percentile(ts, 90, axis=0)])


FEATURES = {
    "durall": durall,
    "sectors": sectors,
    "npr": npr,
    "xdiff": xdiff,
    "peaks": peaks,
    "tiles": tiles,
}
