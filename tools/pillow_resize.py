"""Pillow's resampling (libImaging/Resample.c), in numpy: the one copy the tools share.

Convention (Pillow's, and specdet's `Resampler`): output pixel i samples the source at centre
(i + 0.5)·s, s = source size / output size; when reducing, the kernel is stretched by s
(antialiasing); each row of weights is normalised to sum 1; the horizontal pass runs first.
Filters: box (support 0.5), bilinear (1), bicubic (Keys, a = -0.5, support 2), lanczos (3).
"""

from __future__ import annotations

import functools

import numpy as np

SUPPORT = {"box": 0.5, "bilinear": 1.0, "bicubic": 2.0, "lanczos": 3.0}


def kernel(name: str, x):
    """The filter's weight at distance x (in source pixels, before stretching)."""
    x = np.abs(x)
    if name == "box":
        return (x < 0.5).astype(float)
    if name == "bilinear":
        return np.maximum(0.0, 1.0 - x)
    if name == "bicubic":
        a = -0.5
        return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                        np.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0.0))
    if name == "lanczos":
        px = np.pi * np.where(x == 0, 1, x)
        v = 3 * np.sin(px) * np.sin(px / 3) / (px * px)
        return np.where(x == 0, 1.0, np.where(x < 3, v, 0.0))
    raise ValueError(f"unknown filter {name!r}")


@functools.lru_cache(maxsize=128)
def weights(n_in: int, n_out: int, name: str):
    """(n_out, n_in) matrix of the filter's normalised coefficients."""
    scale = n_in / n_out
    stretch = max(scale, 1.0)
    support = SUPPORT[name] * stretch
    w = np.zeros((n_out, n_in))
    for i in range(n_out):
        centre = (i + 0.5) * scale
        lo = max(int(centre - support + 0.5), 0)
        hi = min(int(centre + support + 0.5), n_in)
        k = kernel(name, (np.arange(lo, hi) - centre + 0.5) / stretch)
        total = k.sum()
        w[i, lo:hi] = k / total if total != 0 else k
    return w


def resize(img, width: int, height: int, name: str, round_between_passes: bool):
    """A uint8 HxW or HxWxC image resized to width x height. With `round_between_passes`
    the horizontal pass is rounded and clipped to 8 bits, as Pillow does for 8-bit images;
    without, one rounding at the end, as specdet's `Resampler` does."""
    h, w = img.shape[:2]
    a = img.astype(np.float64)
    tmp = np.tensordot(a, weights(w, width, name), axes=([1], [1]))   # H x C x W' or H x W'
    if tmp.ndim == 3:
        tmp = np.moveaxis(tmp, 2, 1)                                  # H x W' x C
    if round_between_passes:
        tmp = np.clip(np.floor(tmp + 0.5), 0, 255)
    out = np.tensordot(weights(h, height, name), tmp, axes=([1], [0]))
    return np.clip(np.floor(out + 0.5), 0, 255).astype(np.uint8)
