#!/usr/bin/env python3
"""Make the WebP, HEIF, AVIF and TIFF test files from committed fixture photos, their PNG
twins, their luma reference, and their damaged variants in the malformed corpus.

Run from the repo root (no arguments):

    python3 Fixtures/make_format_fixtures.py

Needs Python 3 with numpy and Pillow, and the reference encoders and decoders from Debian 12:
cwebp, dwebp, img2webp (package webp 1.2.4), heif-enc, heif-convert (libheif-examples 1.15.1,
x265 and libde265), avifenc, avifdec (libavif-bin 0.11.1, libaom and dav1d), tiffcp
(libtiff-tools 4.5.0). Made with Python 3.11.7, numpy 2.4.6, Pillow 13.0.0.

It writes, and touches nothing else:

Fixtures/formats/
    src_*.png        the source pixels: crops of Fixtures/images/jpeg/mate_garden_256x256_q90_
                     baseline_color.jpg (decoded by Pillow) and Fixtures/images/odd/
                     ae128_real_00010_97x61.png, as RGB, RGBA, gray, 16-bit and palette PNGs.
    *.webp, *.heic, *.avif, *.tif
                     each made by the reference encoder from a source PNG.
    twin_*.png       for a lossy file, the pixels a reference decoder gives: dwebp's Y plane
                     (dwebp -yuv) and libheif's Y plane as gray PNGs (`_y`); heif-convert's and
                     avifdec's RGB as PNGs (`_rgb`).
    TWINS.tsv        file, its PNG twin, and the relation: `identical` (the same luma, so the
                     same profile: lossless files, and lossy files beside their own Y plane) or
                     `rgb_decode` (HEIF/AVIF beside the PNG of the reference decoder's RGB,
                     whose libpng luma differs from the Y plane by about a level).
    luma_reference.tsv
                     size, pixel sum and FNV-1a 64 of the expected 8-bit luma of each file,
                     computed without specdet: lossy WebP from dwebp's Y plane (dwebp -yuv);
                     HEIF and AVIF from libheif's own Y plane, read through ctypes (samples
                     over 8 bits scaled as round(v * 255 / (2^b - 1))); lossless
                     WebP, lossless AVIF (avifdec to PNG) and TIFF from Pillow's RGB/gray
                     samples with libpng's integer formula (9797 R + 19234 G + 3737 B) >> 15
                     (16-bit: + 16384 before the shift, then scaled).
Fixtures/malformed/{webp,heif,avif,tiff}/
                     damaged copies of those files (truncated, bit-flipped, oversized header,
                     bombs) and files specdet must refuse as unsupported; HEIF/AVIF files whose
                     HEVC SPS, AV1 sequence header or grid data disagree with their ispe (the
                     stream headers rewritten bit by bit, every other field kept, box sizes and
                     iloc offsets moved to match); their rows in Fixtures/malformed/MANIFEST.tsv
                     are replaced (rows of other folders kept).
"""
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

FIXTURES = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(FIXTURES, "formats")
MALFORMED = os.path.join(FIXTURES, "malformed")
FORMAT_FOLDERS = ("webp", "heif", "avif", "tiff")


def run(*args, **kwargs):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)


def out(name):
    return os.path.join(OUT, name)


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


# ------------------------------------------------------------------ luma models (no specdet)
def luma_rgb8(rgb):
    rgb = rgb.astype(np.int64)
    return ((9797 * rgb[..., 0] + 19234 * rgb[..., 1] + 3737 * rgb[..., 2]) >> 15).astype(np.uint8)


def scale_to_8(v, bits):
    top = (1 << bits) - 1
    return ((v.astype(np.int64) * 255 + top // 2) // top).astype(np.uint8)


def luma_rgb16(rgb):
    rgb = rgb.astype(np.int64)
    return scale_to_8((9797 * rgb[..., 0] + 19234 * rgb[..., 1] + 3737 * rgb[..., 2] + 16384) >> 15, 16)


def tiff_rgb16_samples(path):
    """The samples of a 16-bit RGB TIFF (Pillow reads them as 8-bit): uncompressed into one
    strip by tiffcp, then read from the file's layout."""
    with tempfile.TemporaryDirectory() as tmp:
        flat = os.path.join(tmp, "flat.tif")
        run("tiffcp", "-c", "none", "-r", "1000000", path, flat)
        data = open(flat, "rb").read()
    assert data[:4] == b"II*\0", path
    ifd = struct.unpack_from("<I", data, 4)[0]
    fields = {}
    for i in range(struct.unpack_from("<H", data, ifd)[0]):
        tag, kind, count, value = struct.unpack_from("<HHII", data, ifd + 2 + 12 * i)
        fields[tag] = value if kind == 4 else value & 0xFFFF
    width, height, offset = fields[256], fields[257], fields[273]
    samples = np.frombuffer(data[offset:offset + width * height * 6], dtype="<u2")
    return samples.reshape(height, width, 3)


def pillow_luma(path):
    """Luma of a PNG, WebP or TIFF as read by Pillow (alpha dropped, palette expanded); 16-bit
    RGB TIFF samples read without Pillow."""
    im = Image.open(path)
    if path.endswith(".tif") and im.mode == "RGB" and im.tag_v2.get(258, (8,))[0] == 16:
        return luma_rgb16(tiff_rgb16_samples(path))
    if im.mode in ("I;16", "I;16B", "I;16L"):
        return scale_to_8(np.asarray(im).astype(np.int64), 16)
    if im.mode == "1":
        return np.asarray(im.convert("L"))
    if im.mode == "L":
        return np.asarray(im)
    if im.mode == "LA":
        return np.asarray(im)[..., 0]
    if im.mode == "P":
        im = im.convert("RGB")
    return luma_rgb8(np.asarray(im.convert("RGB")))


def read_png16(path):
    """Samples of a 16-bit PNG (gray or RGB) as written by our encoders or heif-convert."""
    import zlib
    data = open(path, "rb").read()
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = ihdr
    assert depth == 16 and interlace == 0, path
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(idat)
    stride = width * channels * 2
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels * 2] if i >= channels * 2 else 0
            b, c = prev[i], prev[i - channels * 2] if i >= channels * 2 else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    samples = np.frombuffer(b"".join(rows), dtype=">u2").reshape(height, width, channels)
    return samples


# ------------------------------------------------------------------ sources
def make_sources():
    garden = Image.open(os.path.join(FIXTURES, "images/jpeg/mate_garden_256x256_q90_baseline_color.jpg")).convert("RGB")
    rgb = garden.crop((64, 80, 192, 176))  # 128x96
    rgb.save(out("src_rgb_128x96.png"))
    shutil.copyfile(os.path.join(FIXTURES, "images/odd/ae128_real_00010_97x61.png"), out("src_rgb_97x61.png"))
    arr = np.asarray(rgb)
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    alpha = ((xx * 255) // (w - 1)).astype(np.uint8)
    alpha[:8, :] = 0  # a fully transparent band: its colours must survive (no compositing)
    Image.fromarray(np.dstack([arr, alpha]), "RGBA").save(out("src_rgba_128x96.png"))
    Image.fromarray(luma_rgb8(arr), "L").save(out("src_gray_128x96.png"))
    # 16 bits that are not 8-bit values times 257: the low byte carries its own pattern
    rgb16 = arr.astype(np.uint16) * 256 + ((xx * 7 + yy * 13) % 256).astype(np.uint16)[..., None]
    write_png16(out("src_rgb16_128x96.png"), rgb16)
    write_png16(out("src_gray16_128x96.png"), rgb16[..., 1])
    rgb.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out("src_palette_128x96.png"))
    Image.fromarray(np.asarray(Image.open(out("src_gray_128x96.png"))) > 110).save(out("src_bilevel_128x96.png"))


def write_png16(path, samples):
    import zlib
    height, width = samples.shape[:2]
    colour = 2 if samples.ndim == 3 else 0
    raw = b"".join(b"\0" + samples[y].astype(">u2").tobytes() for y in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, colour, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# ------------------------------------------------------------------ encoded files
TWINS = []        # (file, twin, relation)
REFERENCE = []    # (file, luma array, source)


def webp_y_twin(name):
    """dwebp's Y plane (-yuv: Y, then U and V) as a gray PNG twin, and the reference."""
    with tempfile.TemporaryDirectory() as tmp:
        yuv = os.path.join(tmp, "out.yuv")
        run("dwebp", "-quiet", "-yuv", out(name), "-o", yuv)
        width, height = Image.open(out(name)).size
        y = np.frombuffer(open(yuv, "rb").read()[:width * height], dtype=np.uint8).reshape(height, width)
    twin = "twin_" + name.replace(".", "_") + "_y.png"
    Image.fromarray(y, "L").save(out(twin))
    TWINS.append((name, twin, "identical"))
    REFERENCE.append((name, y, "dwebp -yuv"))


def make_webp():
    run("cwebp", "-quiet", "-q", "90", out("src_rgb_97x61.png"), "-o", out("lossy_q90_97x61.webp"))
    run("cwebp", "-quiet", "-q", "90", out("src_rgba_128x96.png"), "-o", out("lossy_alpha_128x96.webp"))
    run("cwebp", "-quiet", "-lossless", "-exact", out("src_rgb_128x96.png"), "-o", out("lossless_128x96.webp"))
    run("cwebp", "-quiet", "-lossless", "-exact", out("src_rgba_128x96.png"), "-o", out("lossless_alpha_128x96.webp"))
    webp_y_twin("lossy_q90_97x61.webp")
    webp_y_twin("lossy_alpha_128x96.webp")
    for name, src in [("lossless_128x96.webp", "src_rgb_128x96.png"), ("lossless_alpha_128x96.webp", "src_rgba_128x96.png")]:
        TWINS.append((name, src, "identical"))
        REFERENCE.append((name, pillow_luma(out(name)), "Pillow RGB, libpng formula"))


def libheif_y_plane(path):
    """libheif's own Y plane of the primary image (ctypes on libheif.so.1: decoded as YCbCr
    with the coded chroma), scaled to 8 bits when wider; for an identity-matrix image (no luma
    plane) None."""
    import ctypes
    lib = ctypes.CDLL("libheif.so.1")

    class Error(ctypes.Structure):
        _fields_ = [("code", ctypes.c_int), ("subcode", ctypes.c_int), ("message", ctypes.c_char_p)]

    for function in ("heif_context_read_from_file", "heif_context_get_primary_image_handle", "heif_decode_image"):
        getattr(lib, function).restype = Error
    lib.heif_context_alloc.restype = ctypes.c_void_p
    lib.heif_image_get_plane_readonly.restype = ctypes.POINTER(ctypes.c_uint8)
    context = ctypes.c_void_p(lib.heif_context_alloc())
    handle, image = ctypes.c_void_p(), ctypes.c_void_p()
    assert lib.heif_context_read_from_file(context, path.encode(), None).code == 0, path
    assert lib.heif_context_get_primary_image_handle(context, ctypes.byref(handle)).code == 0, path
    YCBCR, CHROMA_UNDEFINED, CHANNEL_Y = 0, 99, 0
    assert lib.heif_decode_image(handle, ctypes.byref(image), YCBCR, CHROMA_UNDEFINED, None).code == 0, path
    width = lib.heif_image_get_width(image, CHANNEL_Y)
    height = lib.heif_image_get_height(image, CHANNEL_Y)
    bits = lib.heif_image_get_bits_per_pixel_range(image, CHANNEL_Y)
    stride = ctypes.c_int()
    plane = lib.heif_image_get_plane_readonly(image, CHANNEL_Y, ctypes.byref(stride))
    raw = ctypes.string_at(plane, stride.value * height)
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, stride.value)
    if bits > 8:
        y = rows.view("<u2")[:, :width]
        result = scale_to_8(y, bits)
    else:
        result = rows[:, :width].copy()
    lib.heif_image_release(image)
    lib.heif_image_handle_release(handle)
    lib.heif_context_free(context)
    return result


def heif_twin(name, decoder):
    """Two twins: libheif's own Y plane as a gray PNG (`identical`: also the luma reference),
    and the reference decoder's RGB (heif-convert or avifdec) as a PNG (`rgb_decode`: luma
    from RGB differs from the Y plane by the colour conversion's rounding). avifdec's Y4M is
    not used as the reference: it differs from libheif's Y plane by one level on a few
    near-black pixels of some avifenc files, with either AV1 decoder."""
    y = libheif_y_plane(out(name))
    twin = "twin_" + name.replace(".", "_") + "_y.png"
    Image.fromarray(y, "L").save(out(twin))
    TWINS.append((name, twin, "identical"))
    REFERENCE.append((name, y, "libheif Y plane (ctypes)"))
    rgb = "twin_" + name.replace(".", "_") + "_rgb.png"
    if decoder == "heif-convert":
        run("heif-convert", out(name), out(rgb))
    else:
        run("avifdec", "--jobs", "1", out(name), out(rgb))
    TWINS.append((name, rgb, "rgb_decode"))


def make_heif():
    run("heif-enc", "-q", "90", "-o", out("q90_97x61.heic"), out("src_rgb_97x61.png"))
    run("heif-enc", "-q", "90", "-o", out("q90_128x96.heic"), out("src_rgb_128x96.png"))
    run("heif-enc", "-q", "90", "-b", "10", "-o", out("q90_10bit_128x96.heic"), out("src_rgb16_128x96.png"))
    run("heif-enc", "-q", "90", "-o", out("gray_128x96.heic"), out("src_gray_128x96.png"))
    run("heif-enc", "-q", "90", "-o", out("alpha_128x96.heic"), out("src_rgba_128x96.png"))
    for name in ["q90_97x61.heic", "q90_128x96.heic", "q90_10bit_128x96.heic", "gray_128x96.heic", "alpha_128x96.heic"]:
        heif_twin(name, "heif-convert")


def make_avif():
    common = ["avifenc", "--jobs", "1", "-s", "6"]
    run(*common, "--min", "8", "--max", "12", out("src_rgb_97x61.png"), out("q_97x61.avif"))
    run(*common, "--min", "8", "--max", "12", "-d", "10", out("src_rgb16_128x96.png"), out("q_10bit_128x96.avif"))
    run(*common, "--min", "8", "--max", "12", "-y", "400", out("src_gray_128x96.png"), out("gray_128x96.avif"))
    run(*common, "--min", "8", "--max", "12", out("src_rgba_128x96.png"), out("alpha_128x96.avif"))
    run(*common, "-l", out("src_rgb_128x96.png"), out("lossless_128x96.avif"))
    for name in ["q_97x61.avif", "q_10bit_128x96.avif", "gray_128x96.avif", "alpha_128x96.avif"]:
        heif_twin(name, "avifdec")
    TWINS.append(("lossless_128x96.avif", "src_rgb_128x96.png", "identical"))
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "rgb.png")
        run("avifdec", "--jobs", "1", out("lossless_128x96.avif"), png)
        REFERENCE.append(("lossless_128x96.avif", pillow_luma(png), "avifdec RGB, libpng formula"))


def set_tiff_tag(path, tag, value):
    """Rewrites a SHORT or LONG tag of the first IFD of a little-endian TIFF in place."""
    data = bytearray(open(path, "rb").read())
    assert data[:4] == b"II*\0", path
    ifd = struct.unpack_from("<I", data, 4)[0]
    count = struct.unpack_from("<H", data, ifd)[0]
    for i in range(count):
        entry = ifd + 2 + 12 * i
        entry_tag, kind = struct.unpack_from("<HH", data, entry)
        if entry_tag == tag:
            if kind == 3:
                struct.pack_into("<H", data, entry + 8, value)
            else:
                struct.pack_into("<I", data, entry + 8, value)
            open(path, "wb").write(data)
            return
    raise SystemExit(f"{path}: no tag {tag}")


def make_tiff():
    identical = []
    Image.open(out("src_rgb_128x96.png")).save(out("none_rgb_128x96.tif"))
    identical.append(("none_rgb_128x96.tif", "src_rgb_128x96.png"))
    Image.open(out("src_rgb_97x61.png")).save(out("lzw_rgb_97x61.tif"), compression="tiff_lzw")
    identical.append(("lzw_rgb_97x61.tif", "src_rgb_97x61.png"))
    Image.open(out("src_rgba_128x96.png")).save(out("deflate_rgba_128x96.tif"), compression="tiff_adobe_deflate")
    identical.append(("deflate_rgba_128x96.tif", "src_rgba_128x96.png"))
    run("tiffcp", "-c", "lzw", "-t", "-w", "32", "-l", "32", out("lzw_rgb_97x61.tif"), out("tiled_lzw_rgb_97x61.tif"))
    identical.append(("tiled_lzw_rgb_97x61.tif", "src_rgb_97x61.png"))
    run("tiffcp", "-c", "none", "-r", "7", out("lzw_rgb_97x61.tif"), out("strips7_rgb_97x61.tif"))
    identical.append(("strips7_rgb_97x61.tif", "src_rgb_97x61.png"))
    Image.open(out("src_gray_128x96.png")).save(out("packbits_gray_128x96.tif"), compression="packbits")
    identical.append(("packbits_gray_128x96.tif", "src_gray_128x96.png"))
    run("tiffcp", "-c", "lzw", out_png_as_tiff("src_gray16_128x96.png"), out("lzw_gray16_128x96.tif"))
    identical.append(("lzw_gray16_128x96.tif", "src_gray16_128x96.png"))
    run("tiffcp", "-c", "zip", out_png_as_tiff("src_rgb16_128x96.png"), out("deflate_rgb16_128x96.tif"))
    identical.append(("deflate_rgb16_128x96.tif", "src_rgb16_128x96.png"))
    Image.open(out("src_palette_128x96.png")).save(out("palette_128x96.tif"))
    identical.append(("palette_128x96.tif", "src_palette_128x96.png"))
    Image.open(out("src_bilevel_128x96.png")).save(out("g4_bilevel_128x96.tif"), compression="group4")
    identical.append(("g4_bilevel_128x96.tif", "src_bilevel_128x96.png"))
    # min-is-white: the gray file with its photometric tag set to 0; its twin is the negative
    Image.open(out("src_gray_128x96.png")).save(out("miniswhite_gray_128x96.tif"))
    set_tiff_tag(out("miniswhite_gray_128x96.tif"), 262, 0)
    negative = 255 - np.asarray(Image.open(out("src_gray_128x96.png")))
    Image.fromarray(negative.astype(np.uint8), "L").save(out("twin_miniswhite_gray_128x96.png"))
    TWINS.append(("miniswhite_gray_128x96.tif", "twin_miniswhite_gray_128x96.png", "identical"))
    REFERENCE.append(("miniswhite_gray_128x96.tif", np.asarray(Image.open(out("miniswhite_gray_128x96.tif"))),
                      "Pillow (which inverts min-is-white)"))
    # two pages: the first is decoded
    first = Image.open(out("src_rgb_128x96.png"))
    first.save(out("twopage_rgb_128x96.tif"), save_all=True, append_images=[Image.open(out("src_rgba_128x96.png"))])
    identical.append(("twopage_rgb_128x96.tif", "src_rgb_128x96.png"))
    for name, twin in identical:
        TWINS.append((name, twin, "identical"))
        REFERENCE.append((name, pillow_luma(out(name)), "samples read by Pillow (16-bit RGB: tiffcp -c none), libpng formula"))


def out_png_as_tiff(png):
    """A 16-bit PNG as an uncompressed 16-bit TIFF (Pillow's RGB is 8-bit: write it by hand)."""
    samples = read_png16(out(png))
    height, width, channels = samples.shape
    path = os.path.join(tempfile.mkdtemp(), "in.tif")
    pixels = samples.astype("<u2").tobytes()
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 16) if channels == 1 else None,
               (259, 3, 1, 1), (262, 3, 1, 2 if channels == 3 else 1), (273, 4, 1, 0), (277, 3, 1, channels),
               (278, 4, 1, height), (279, 4, 1, len(pixels)), (284, 3, 1, 1)]
    entries = [e for e in entries if e is not None]
    extra = b""
    if channels == 3:
        extra = struct.pack("<3H", 16, 16, 16)
    ifd_at = 8
    data_at = ifd_at + 2 + 12 * (len(entries) + (1 if channels == 3 else 0)) + 4
    bits_at = data_at
    pixels_at = data_at + len(extra)
    table = []
    for tag, kind, count, value in entries:
        if tag == 273:
            value = pixels_at
        table.append((tag, kind, count, value))
    if channels == 3:
        table.append((258, 3, 3, bits_at))
    table.sort()
    body = struct.pack("<H", len(table))
    for tag, kind, count, value in table:
        if kind == 3 and count == 1:
            body += struct.pack("<HHIHH", tag, kind, count, value, 0)
        else:
            body += struct.pack("<HHII", tag, kind, count, value)
    body += struct.pack("<I", 0)
    with open(path, "wb") as f:
        f.write(b"II*\0" + struct.pack("<I", ifd_at) + body + extra + pixels)
    return path


# ------------------------------------------------------------------ malformed variants
MANIFEST_ROWS = []  # (file, category, expected, detail, notes)


def place(folder, name, data):
    os.makedirs(os.path.join(MALFORMED, folder), exist_ok=True)
    with open(os.path.join(MALFORMED, folder, name), "wb") as f:
        f.write(data)
    return f"{folder}/{name}"


def row(path, category, expected, detail, notes=""):
    MANIFEST_ROWS.append((path, category, expected, detail, notes))


def bitflips(data, start, seed, count=24):
    rng = random.Random(seed)
    data = bytearray(data)
    for _ in range(count):
        at = rng.randrange(start, len(data))
        data[at] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncations(folder, stem, ext, data, category_note=""):
    for percent in (10, 50, 99):
        cut = place(folder, f"{stem}_trunc_{percent}pct.{ext}", data[:len(data) * percent // 100])
        row(cut, "truncated", "reject", f"first {percent}% of the file", category_note)


def find_box(data, kind, start=0, end=None):
    """Offset of the first ISO BMFF box `kind` at or below the given range (depth-first)."""
    end = len(data) if end is None else end
    pos = start
    containers = {b"meta": 4, b"iprp": 0, b"ipco": 0, b"iinf": 6, b"moov": 0}
    while pos + 8 <= end:
        size, box = struct.unpack(">I4s", data[pos:pos + 8])
        if size < 8:
            return None
        if box == kind:
            return pos
        if box in containers:
            inner = find_box(data, kind, pos + 8 + containers[box], pos + size)
            if inner is not None:
                return inner
        pos += size
    return None


def with_ispe(data, width, height):
    """Every ispe property (the coded image's and, for an odd size, the shown one's) set to
    width x height."""
    data = bytearray(data)
    at = data.find(b"ispe")
    assert at > 0
    while at > 0:
        struct.pack_into(">II", data, at + 8, width, height)
        at = data.find(b"ispe", at + 4)
    return bytes(data)


def mdat_start(data):
    at = find_box(data, b"mdat")
    return at + 8


# ------------------------------------------------------------------ stream headers
# HEIF/AVIF files whose coded stream disagrees with their container, made by rewriting the
# HEVC SPS or AV1 sequence header of a committed file (every other field kept) and moving the
# boxes around it (box sizes and iloc offsets follow).
class BitReader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def bits(self, n):
        value = 0
        for _ in range(n):
            value = value << 1 | (self.data[self.pos >> 3] >> (7 - (self.pos & 7)) & 1)
            self.pos += 1
        return value

    def ue(self):
        """H.265 ue(v) and AV1 uvlc() are the same code (AV1 saturates at 32 leading zeros)."""
        zeros = 0
        while self.bits(1) == 0:
            zeros += 1
        return (1 << zeros) - 1 + self.bits(zeros)


class BitWriter:
    def __init__(self):
        self.out = []

    def bits(self, value, n):
        self.out += [value >> i & 1 for i in range(n - 1, -1, -1)]

    def ue(self, value):
        n = (value + 1).bit_length()
        self.bits(0, n - 1)
        self.bits(value + 1, n)

    def copy(self, data, start, end):
        reader = BitReader(data)
        reader.pos = start
        self.out += [reader.bits(1) for _ in range(end - start)]

    def trailing(self):
        """rbsp_trailing_bits / AV1 trailing_bits: a one, then zeros to the byte boundary."""
        self.out.append(1)
        self.out += [0] * (-len(self.out) % 8)
        return bytes(int("".join(map(str, self.out[i:i + 8])), 2) for i in range(0, len(self.out), 8))


def stop_bit(data):
    """Bit position of the final one bit (the trailing bits' stop bit)."""
    for i in range(len(data) * 8 - 1, -1, -1):
        if data[i >> 3] >> (7 - (i & 7)) & 1:
            return i
    raise ValueError("no stop bit")


def unescape(payload):
    out, zeros = bytearray(), 0
    for b in payload:
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        zeros = zeros + 1 if b == 0 else 0
        out.append(b)
    return bytes(out)


def escape(rbsp):
    out, zeros = bytearray(), 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def sps_with_size(nal, width, height):
    """An HEVC SPS NAL unit (H.265 7.3.2.2) declaring pic_width/height_in_luma_samples of
    width x height without a conformance window; every other field kept."""
    rbsp = unescape(nal[2:])
    r = BitReader(rbsp)
    r.bits(4)
    sub_layers = r.bits(3) + 1
    r.bits(1 + 96)  # temporal_id_nesting_flag, general profile and level
    present = [(r.bits(1), r.bits(1)) for _ in range(sub_layers - 1)]
    if sub_layers > 1:
        r.bits(2 * (8 - (sub_layers - 1)))
    for profile, level in present:
        r.bits(88 * profile + 8 * level)
    r.ue()  # sps_seq_parameter_set_id
    if r.ue() == 3:  # chroma_format_idc
        r.bits(1)
    size_at = r.pos
    r.ue(), r.ue()
    if r.bits(1):
        for _ in range(4):
            r.ue()
    w = BitWriter()
    w.copy(rbsp, 0, size_at)
    w.ue(width)
    w.ue(height)
    w.bits(0, 1)
    w.copy(rbsp, r.pos, stop_bit(rbsp))
    return nal[:2] + escape(w.trailing())


def sequence_header_with_size(payload, width, height):
    """An AV1 sequence header OBU's payload (AV1 5.5.1) with max_frame_width/height of
    width x height (16-bit fields); every other field kept."""
    r = BitReader(payload)
    r.bits(3 + 1)  # seq_profile, still_picture
    if r.bits(1):  # reduced_still_picture_header
        r.bits(5)
    else:
        decoder_model, delay = 0, 0
        if r.bits(1):  # timing_info_present_flag
            r.bits(64)
            if r.bits(1):
                r.ue()
            decoder_model = r.bits(1)
            if decoder_model:
                delay = r.bits(5) + 1
                r.bits(42)
        initial_delay = r.bits(1)
        for _ in range(r.bits(5) + 1):
            r.bits(12)
            if r.bits(5) > 7:
                r.bits(1)
            if decoder_model and r.bits(1):
                r.bits(2 * delay + 1)
            if initial_delay and r.bits(1):
                r.bits(4)
    size_at = r.pos
    width_bits, height_bits = r.bits(4) + 1, r.bits(4) + 1
    r.bits(width_bits + height_bits)
    w = BitWriter()
    w.copy(payload, 0, size_at)
    w.bits(15, 4)
    w.bits(15, 4)
    w.bits(width - 1, 16)
    w.bits(height - 1, 16)
    w.copy(payload, r.pos, stop_bit(payload))
    return w.trailing()


def leb128(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def sequence_headers(data, start, end):
    """(OBU start, OBU end, payload start) of each sequence header OBU in data[start:end]."""
    found, pos = [], start
    while pos < end:
        header = data[pos]
        at = pos + 1 + (1 if header & 4 else 0)
        size, shift = end - at, 0
        if header & 2:
            size = 0
            while True:
                byte = data[at]
                at += 1
                size |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
        if header >> 3 & 15 == 1:
            found.append((pos, at + size, at))
        pos = at + size
    return found


def obu_with_payload(obu, payload):
    """The OBU's header kept, its size field (always written) and payload replaced."""
    header = bytes([obu[0] | 2]) + (obu[1:2] if obu[0] & 4 else b"")
    return header + leb128(len(payload)) + payload


def box_sizes(data):
    """(offset, size) of every box at the top level and in meta, iprp, ipco and iinf."""
    found = []

    def walk(start, end):
        pos = start
        while pos + 8 <= end:
            size, kind = struct.unpack(">I4s", data[pos:pos + 8])
            assert 8 <= size <= end - pos, (kind, size)
            found.append((pos, size))
            skip = {b"meta": 4, b"iprp": 0, b"ipco": 0, b"iinf": 6 if data[pos + 8] == 0 else 8}.get(kind)
            if skip is not None:
                walk(pos + 8 + skip, pos + size)
            pos += size

    walk(0, len(data))
    return found


def iloc_items(data):
    """For each item of the iloc box: construction method, the base offset and each extent's
    offset and length, as (value, position of the field, field size)."""
    at = find_box(data, b"iloc")
    version = data[at + 8]
    pos = at + 12
    sizes = struct.unpack(">H", data[pos:pos + 2])[0]
    offset_size, length_size, base_size = sizes >> 12, sizes >> 8 & 15, sizes >> 4 & 15
    index_size = sizes & 15 if version > 1 else 0
    pos += 2
    id_size = 2 if version < 2 else 4
    count = int.from_bytes(data[pos:pos + id_size], "big")
    pos += id_size

    def read(size):
        nonlocal pos
        value = int.from_bytes(data[pos:pos + size], "big") if size else 0
        field = (value, pos, size)
        pos += size
        return field

    items = []
    for _ in range(count):
        read(id_size)
        method = read(2)[0] & 15 if version >= 1 else 0
        read(2)
        base = read(base_size)
        extents = []
        for _ in range(read(2)[0]):
            read(index_size)
            extents.append((read(offset_size), read(length_size)))
        items.append((method, base, extents))
    return items


def splice(data, start, end, new):
    """data[start:end] replaced by new: the sizes of the boxes around it and the iloc
    offsets and lengths of the file's items follow (an extent holding the range grows)."""
    data = bytearray(data)
    delta = len(new) - (end - start)

    def add(field, amount):
        value, at, size = field
        assert at < start and size > 0
        data[at:at + size] = (value + amount).to_bytes(size, "big")

    for pos, size in box_sizes(bytes(data)):
        if pos + 8 <= start and end <= pos + size:
            struct.pack_into(">I", data, pos, size + delta)
    for method, base, extents in iloc_items(bytes(data)):
        if method != 0:
            continue
        moved = False
        for offset, length in extents:
            at = base[0] + offset[0]
            if at <= start and at + length[0] >= end:
                add(length, delta)
            elif at >= end and offset[2]:
                add(offset, delta)
            elif at >= end and not moved:
                add(base, delta)  # offsets relative to a base offset: move the base, once
                moved = True
    data[start:end] = new
    return bytes(data)


def hvcc_sps(data):
    """(position of its 16-bit length, the NAL unit) of the first SPS in the hvcC box."""
    pos = find_box(data, b"hvcC") + 8 + 22
    arrays = data[pos]
    pos += 1
    for _ in range(arrays):
        kind, count = data[pos] & 0x3F, struct.unpack(">H", data[pos + 1:pos + 3])[0]
        pos += 3
        for _ in range(count):
            size = struct.unpack(">H", data[pos:pos + 2])[0]
            if kind == 33:
                return pos, data[pos + 2:pos + 2 + size]
            pos += 2 + size
    raise SystemExit("no SPS in hvcC")


def with_sps_size(data, width, height):
    """The hvcC's SPS rewritten to declare width x height."""
    at, nal = hvcc_sps(data)
    new = sps_with_size(nal, width, height)
    return splice(data, at, at + 2 + len(nal), struct.pack(">H", len(new)) + new)


def with_sps_in_data(data, width, height):
    """A second SPS (the hvcC's, declaring width x height) in front of the first item's data,
    where libde265 reads it after the hvcC's and decodes the slice with it."""
    _, nal = hvcc_sps(data)
    new = sps_with_size(nal, width, height)
    method, base, extents = iloc_items(data)[0]
    start = base[0] + extents[0][0][0]
    return splice(data, start, start, struct.pack(">I", len(new)) + new)


def with_sequence_size(data, width, height):
    """Every AV1 sequence header (av1C's and the item data's) with a max frame of width x height;
    the later ones first, so that earlier offsets stay put."""
    av1c = find_box(data, b"av1C")
    method, base, extents = iloc_items(data)[0]
    item_start = base[0] + extents[0][0][0]
    regions = [(av1c + 12, av1c + struct.unpack(">I", data[av1c:av1c + 4])[0]),
               (item_start, item_start + extents[0][1][0])]
    for region_start, region_end in sorted(regions, reverse=True):
        for obu_start, obu_end, payload_at in reversed(sequence_headers(data, region_start, region_end)):
            payload = sequence_header_with_size(data[payload_at:obu_end], width, height)
            data = splice(data, obu_start, obu_end, obu_with_payload(data[obu_start:obu_end], payload))
    return data


def with_grid_size(data, width, height):
    """The grid item's data (in idat) declaring an output of width x height."""
    at = find_box(data, b"idat") + 8
    assert data[at + 1] & 1 == 0
    return data[:at + 4] + struct.pack(">HH", width, height) + data[at + 8:]


def with_grid_tiles(data, tiles, width):
    """The 1x1 grid as 1xN with the given tile items and output width (its data and ispe)."""
    at = find_box(data, b"idat") + 8
    data = data[:at + 3] + bytes([len(tiles) - 1]) + struct.pack(">H", width) + data[at + 6:]
    grid_ispe = data.find(b"ispe", data.find(b"ispe") + 4)
    data = data[:grid_ispe + 8] + struct.pack(">I", width) + data[grid_ispe + 12:]
    at = find_box(data, b"iref")
    assert data[at + 8] == 0 and data[at + 16:at + 20] == b"dimg" and data[at + 22:at + 24] == b"\0\1"
    size = struct.unpack(">I", data[at + 12:at + 16])[0] + 2 * (len(tiles) - 1)
    data = data[:at + 12] + struct.pack(">I", size) + data[at + 16:]
    new = struct.pack(">H", len(tiles)) + b"".join(struct.pack(">H", t) for t in tiles)
    return splice(data, at + 22, at + 26, new)


def make_malformed_webp():
    lossy = open(out("lossy_q90_97x61.webp"), "rb").read()
    lossless = open(out("lossless_128x96.webp"), "rb").read()
    row(place("webp", "webp_lossy_97x61.webp", lossy), "valid-edge", "decode", "97x61x3", "VP8 lossy, odd sizes")
    row(place("webp", "webp_lossless_128x96.webp", lossless), "valid-edge", "decode", "128x96x3", "VP8L lossless")
    alpha = open(out("lossy_alpha_128x96.webp"), "rb").read()
    row(place("webp", "webp_lossy_alpha_128x96.webp", alpha), "valid-edge", "decode", "128x96x4", "VP8X + ALPH + VP8")
    truncations("webp", "webp_lossy", "webp", lossy)
    truncations("webp", "webp_lossless", "webp", lossless)
    row(place("webp", "webp_lossless_bitflips.webp", bitflips(lossless, 30, 1)), "corrupt-data", "reject",
        "24 bits flipped in the VP8L bitstream", "the entropy-coded data no longer decodes")
    row(place("webp", "webp_lossy_bitflips.webp", bitflips(lossy, 40, 2)), "corrupt-data", "decode", "97x61x3",
        "24 bits flipped in the VP8 partitions: decodes to wrong pixels, cannot always be detected")
    # a VP8X header declaring a 60000x60000 canvas around the 97x61 frame
    vp8x = b"VP8X" + struct.pack("<I", 10) + bytes(4) + (60000 - 1).to_bytes(3, "little") * 2
    body = b"WEBP" + vp8x + lossy[12:]
    row(place("webp", "webp_canvas_60000x60000.webp", b"RIFF" + struct.pack("<I", len(body)) + body),
        "resource-bomb", "reject", "VP8X canvas 60000x60000 (3.6 gigapixels) around a 97x61 frame",
        "refused from the header")
    # a lossless stream of one colour, its header rewritten to 16383x16383: every pixel costs
    # zero bits, so the ~40-byte file really decodes to 268 megapixels
    with tempfile.TemporaryDirectory() as tmp:
        flat = os.path.join(tmp, "flat.png")
        Image.new("RGB", (64, 64), (90, 140, 60)).save(flat)
        run("cwebp", "-quiet", "-lossless", flat, "-o", os.path.join(tmp, "flat.webp"))
        bomb = bytearray(open(os.path.join(tmp, "flat.webp"), "rb").read())
    assert bomb[12:16] == b"VP8L" and bomb[20] == 0x2F
    bits = int.from_bytes(bomb[21:25], "little")
    bits = (bits & ~((1 << 28) - 1)) | (16382 << 14) | 16382
    bomb[21:25] = bits.to_bytes(4, "little")
    row(place("webp", "webp_bomb_16383x16383.webp", bytes(bomb)), "resource-bomb", "reject",
        "lossless one-colour image declaring 16383x16383 (268 megapixels) in %d bytes" % len(bomb),
        "decodes for real without a limit (about 1 GB of ARGB)")
    with tempfile.TemporaryDirectory() as tmp:
        frames = []
        for i, colour in enumerate([(200, 30, 30), (30, 30, 200)]):
            frames.append(os.path.join(tmp, f"f{i}.png"))
            Image.new("RGB", (32, 24), colour).save(frames[-1])
        run("img2webp", "-lossless", "-d", "100", *frames, "-o", os.path.join(tmp, "anim.webp"))
        anim = open(os.path.join(tmp, "anim.webp"), "rb").read()
    row(place("webp", "webp_animated_2frames.webp", anim), "unsupported", "reject", "animated WebP (2 frames)",
        "frames are composited on a canvas: refused, not decoded as a first frame")


def make_malformed_heif(folder, ext, valid, kind):
    data = open(out(valid), "rb").read()
    width, height = Image.open(out(f"twin_{valid.replace('.', '_')}_y.png")).size
    row(place(folder, f"{folder}_{width}x{height}.{ext}", data), "valid-edge", "decode", f"{width}x{height}x3", kind)
    truncations(folder, folder, ext, data)
    start = mdat_start(data)
    flipped = place(folder, f"{folder}_bitflips.{ext}", bitflips(data, start + 16, 3))
    if folder == "heif":
        row(flipped, "corrupt-data", "decode", f"{width}x{height}x3",
            "24 bits flipped in the coded image (mdat): decodes to wrong pixels; HEVC carries no checksum "
            "and libde265 does not notice (heif-convert accepts it too)")
    else:
        row(flipped, "corrupt-data", "reject", "24 bits flipped in the coded image (mdat)",
            "libaom, which specdet uses for AV1, reports a corrupt frame (dav1d and avifdec decode it)")
    row(place(folder, f"{folder}_ispe_60000x60000.{ext}", with_ispe(data, 60000, 60000)), "resource-bomb", "reject",
        "ispe declares 60000x60000 (3.6 gigapixels)", "refused from the header")
    row(place(folder, f"{folder}_bomb_ispe_16384x16384.{ext}", with_ispe(data, 16384, 16384)), "resource-bomb", "reject",
        "ispe declares 16384x16384 (268 megapixels) for a %d-byte file" % len(data),
        "within libheif's own limits; refused from the header")


def make_stream_header_variants():
    """Files whose coded stream or grid data disagree with their ispe: specdet reads every
    stream header the decode will reach and refuses them before libheif decodes."""
    single = open(out("q90_128x96.heic"), "rb").read()
    grid = open(out("q90_97x61.heic"), "rb").read()
    av1 = open(out("q_97x61.avif"), "rb").read()
    variants = [
        ("heif", "heif_sps_256x192_ispe_128x96.heic", with_sps_size(single, 256, 192), "corrupt-data",
         "the SPS in hvcC declares a 256x192 picture, ispe 128x96", "refused from the SPS, before decoding"),
        ("heif", "heif_sps_16384x16384.heic", with_sps_size(single, 16384, 16384), "resource-bomb",
         "the SPS in hvcC declares a 16384x16384 picture (268 megapixels), ispe 128x96",
         "refused from the SPS; libde265 allocates and decodes it otherwise"),
        ("heif", "heif_data_sps_16384x16384.heic", with_sps_in_data(single, 16384, 16384), "resource-bomb",
         "a second SPS declaring 16384x16384 in front of the item data, ispe 128x96",
         "every SPS libde265 will read is checked, the item data's too"),
        ("heif", "heif_grid_30000x30000_ispe_97x61.heic", with_grid_size(grid, 30000, 30000), "resource-bomb",
         "the grid's data declares a 30000x30000 output, its ispe 97x61",
         "libheif 1.15 allocates the grid canvas from the grid data; refused before"),
        ("heif", "heif_grid_tile_sps_2048x2048.heic", with_sps_size(grid, 2048, 2048), "corrupt-data",
         "the grid tile's SPS declares 2048x2048, the tile's ispe 98x64",
         "libheif would crop the wrong picture into the grid: invented pixels"),
        ("heif", "heif_grid_tile_is_itself.heic", with_grid_tiles(grid, [1, 2], 150), "corrupt-structure",
         "a 1x2 grid whose second tile is the grid itself", "a derivation cycle, refused before decoding"),
        ("avif", "avif_seq_16384x16384.avif", with_sequence_size(av1, 16384, 16384), "resource-bomb",
         "the AV1 sequence header declares 16384x16384 frames (268 megapixels), ispe 97x61",
         "refused from the sequence header; libaom allocates the frame otherwise"),
        ("avif", "avif_seq_64x48_ispe_97x61.avif", with_sequence_size(av1, 64, 48), "corrupt-data",
         "the AV1 sequence header's largest frame is 64x48, ispe 97x61", "refused from the sequence header"),
    ]
    for folder, name, data, category, detail, notes in variants:
        row(place(folder, name, data), category, "reject", detail, notes)


def make_malformed_tiff():
    lzw = open(out("lzw_rgb_97x61.tif"), "rb").read()
    tiled = open(out("tiled_lzw_rgb_97x61.tif"), "rb").read()
    row(place("tiff", "tiff_lzw_rgb_97x61.tif", lzw), "valid-edge", "decode", "97x61x3", "LZW, one strip")
    row(place("tiff", "tiff_tiled_lzw_97x61.tif", tiled), "valid-edge", "decode", "97x61x3",
        "32x32 tiles, partial at the right and bottom")
    twopage = open(out("twopage_rgb_128x96.tif"), "rb").read()
    row(place("tiff", "tiff_twopage_128x96.tif", twopage), "valid-edge", "decode", "128x96x3",
        "two pages: the first is decoded, the second ignored")
    truncations("tiff", "tiff_lzw", "tif", lzw)
    # directory first, then the pixels (as specdet's test writer lays it out): a cut loses pixels
    head_first = open(out_png_as_tiff("src_gray16_128x96.png"), "rb").read()
    row(place("tiff", "tiff_directory_first_gray16_128x96.tif", head_first), "valid-edge", "decode", "128x96x1",
        "16-bit gray, uncompressed, directory before the pixels")
    row(place("tiff", "tiff_directory_first_trunc_50pct.tif", head_first[:len(head_first) // 2]), "truncated", "reject",
        "first 50% of the file: the directory is whole, the strip is cut", "")
    truncations("tiff", "tiff_tiled", "tif", tiled)
    # Pillow writes the pixels before the directory: flip bits in the LZW strip only
    offsets = strip_range(lzw)
    flipped = bytearray(lzw)
    rng = random.Random(4)
    for _ in range(24):
        at = rng.randrange(*offsets)
        flipped[at] ^= 1 << rng.randrange(8)
    row(place("tiff", "tiff_lzw_bitflips.tif", bytes(flipped)), "corrupt-data", "reject",
        "24 bits flipped in the LZW strip", "LZW codes out of the table (tiffcp rejects it too)")
    big = bytearray(lzw)
    patch_dims(big, 60000, 60000)
    row(place("tiff", "tiff_60000x60000.tif", bytes(big)), "resource-bomb", "reject",
        "image width and length tags say 60000x60000", "refused from the header")
    with tempfile.TemporaryDirectory() as tmp:
        Image.new("1", (16384, 16384), 1).save(os.path.join(tmp, "white.tif"), compression="group4")
        bomb = open(os.path.join(tmp, "white.tif"), "rb").read()
    row(place("tiff", "tiff_bomb_g4_16384x16384.tif", bomb), "resource-bomb", "reject",
        "CCITT G4 white page of 16384x16384 (268 megapixels) in %d bytes" % len(bomb), "refused from the header")
    unsupported = [
        ("tiff_float32.tif", lambda p: Image.fromarray(np.asarray(Image.open(out("src_gray_128x96.png"))).astype(np.float32), "F").save(p),
         "32-bit floating-point samples"),
        ("tiff_cmyk.tif", lambda p: Image.open(out("src_rgb_128x96.png")).convert("CMYK").save(p), "CMYK (separated)"),
        ("tiff_jpeg_ycbcr.tif", lambda p: run("tiffcp", "-c", "jpeg", "-r", "16", out("none_rgb_128x96.tif"), p),
         "JPEG-compressed YCbCr (photometric 6)"),
        ("tiff_planar_separate.tif", lambda p: run("tiffcp", "-p", "separate", out("none_rgb_128x96.tif"), p),
         "RGB in separate planes"),
    ]
    for name, make, what in unsupported:
        path = os.path.join(MALFORMED, "tiff", name)
        make(path)
        row(f"tiff/{name}", "unsupported", "reject", what, "")


def strip_range(data):
    ifd = struct.unpack_from("<I", data, 4)[0]
    count = struct.unpack_from("<H", data, ifd)[0]
    offset = length = None
    for i in range(count):
        tag, kind, n, value = struct.unpack_from("<HHII", data, ifd + 2 + 12 * i)
        if tag == 273:
            offset = value
        if tag == 279:
            length = value
    return offset + 8, offset + length


def patch_dims(data, width, height):
    ifd = struct.unpack_from("<I", data, 4)[0]
    count = struct.unpack_from("<H", data, ifd)[0]
    for i in range(count):
        entry = ifd + 2 + 12 * i
        tag, kind = struct.unpack_from("<HH", data, entry)
        if tag in (256, 257):
            value = width if tag == 256 else height
            if kind == 3:
                struct.pack_into("<H", data, entry + 8, value)
            else:
                struct.pack_into("<I", data, entry + 8, value)


# ------------------------------------------------------------------ main
def main():
    if shutil.which("cwebp") is None or shutil.which("heif-enc") is None or shutil.which("avifenc") is None:
        sys.exit("make_format_fixtures: needs cwebp/dwebp/img2webp (webp), heif-enc/heif-convert "
                 "(libheif-examples), avifenc/avifdec (libavif-bin), tiffcp (libtiff-tools)")
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for folder in FORMAT_FOLDERS:
        shutil.rmtree(os.path.join(MALFORMED, folder), ignore_errors=True)
    make_sources()
    make_webp()
    make_heif()
    make_avif()
    make_tiff()
    make_malformed_webp()
    make_malformed_heif("heif", "heic", "q90_97x61.heic", "HEVC 4:4:4 (heif-enc's default), odd sizes")
    make_malformed_heif("avif", "avif", "q_97x61.avif", "AV1 4:4:4 (avifenc's default), odd sizes")
    make_stream_header_variants()
    make_malformed_tiff()

    with open(out("TWINS.tsv"), "w") as f:
        f.write("# Made by: python3 Fixtures/make_format_fixtures.py (see its docstring)\n")
        f.write("file\ttwin\trelation\n")
        for name, twin, relation in TWINS:
            f.write(f"{name}\t{twin}\t{relation}\n")
    with open(out("luma_reference.tsv"), "w") as f:
        f.write("# Made by: python3 Fixtures/make_format_fixtures.py (see its docstring); paths relative to Fixtures/\n")
        f.write("path\twidth\theight\tsum\tfnv1a64\tsource\n")
        rows = list(REFERENCE)
        # the mislabeled files of the malformed corpus that these formats now decode
        webp = os.path.join(MALFORMED, "mislabeled/webp_content.jpg")
        rows.append(("../malformed/mislabeled/webp_content.jpg", webp_y_plane(webp), "dwebp -yuv"))
        rows.append(("../malformed/mislabeled/tiff_content.jpg",
                     pillow_luma(os.path.join(MALFORMED, "mislabeled/tiff_content.jpg")), "Pillow, libpng formula"))
        for name, luma, source in rows:
            path = os.path.normpath("formats/" + name)
            h, w = luma.shape
            f.write(f"{path}\t{w}\t{h}\t{int(luma.astype(np.int64).sum())}\t{fnv1a64(luma.tobytes()):016x}\t{source}\n")

    manifest = os.path.join(MALFORMED, "MANIFEST.tsv")
    lines = open(manifest, encoding="utf-8").read().split("\n")
    kept = [line for line in lines if line and not line.split("\t")[0].split("/")[0] in FORMAT_FOLDERS]
    added = []
    for path, category, expected, detail, notes in MANIFEST_ROWS:
        added.append("\t".join([path, category, expected, detail, notes, "make_format_fixtures.py"]))
    with open(manifest, "w", encoding="utf-8") as f:
        f.write("\n".join(kept + added) + "\n")
    print(f"wrote {len(TWINS)} twins, {len(REFERENCE) + 2} luma rows, {len(added)} manifest rows")


def webp_y_plane(path):
    with tempfile.TemporaryDirectory() as tmp:
        yuv = os.path.join(tmp, "out.yuv")
        run("dwebp", "-quiet", "-yuv", path, "-o", yuv)
        width, height = Image.open(path).size
        return np.frombuffer(open(yuv, "rb").read()[:width * height], dtype=np.uint8).reshape(height, width)


if __name__ == "__main__":
    main()
