/*
 * sd_decode.h - C glue between specdet's Swift code and libpng, libjpeg-turbo, libwebp,
 * libheif and libtiff.
 *
 * Not a public API: the Swift module SpecdetImage wraps it (see ../README.md).
 *
 * Why C: libpng and libjpeg report errors with longjmp, which Swift frames cannot survive.
 * Every setjmp lives in this target (libwebp, libheif and libtiff return errors instead; the
 * glue never longjmps through their frames); each function below returns an sd_status and, on
 * failure, a one-line message (no path, NUL-terminated, truncated to msgcap). No function
 * keeps global state: decoders and encoders may run concurrently on any number of threads,
 * one object per thread at a time.
 *
 * Output convention (8-bit luma, row-major, top row first, `width * height` bytes):
 *   PNG  - classic libpng API, in this order of libpng's own pipeline: palette -> RGB,
 *          tRNS -> alpha, gray 1/2/4 bit -> 8 bit, alpha stripped (not composited),
 *          png_set_rgb_to_gray(png, 1, 0.299, 0.587) (libpng's integer weights
 *          9797/19234/3737 >> 15; in linear light through libpng's gamma tables when the
 *          file has gAMA/sRGB), 16-bit scaled with png_set_scale_16 - what OpenCV's
 *          cv2.imread(path, IMREAD_GRAYSCALE) returns.
 *   JPEG - YCbCr and grayscale: out_color_space = JCS_GRAYSCALE, the stored Y plane (no
 *          chroma decoding); RGB (Adobe transform 0): libjpeg's RGB -> gray. CMYK and YCCK:
 *          decoded to CMYK (libjpeg converts YCCK), taken as Adobe inverted CMYK (stored
 *          value 255 = no ink), and converted like OpenCV's icvCvt_CMYK2Gray_8u_C4C1R:
 *              r = k - ((255 - c) * k >> 8), same for g (from m) and b (from y),
 *              luma = (4899 r + 9617 g + 1868 b + 8192) >> 14.
 *   WebP - lossy (VP8): the decoder's Y plane as stored (MODE_YUV: no range expansion, alpha
 *          ignored). Lossless (VP8L): decoded to RGB (alpha dropped, not composited), then
 *          PNG's integer formula (9797 R + 19234 G + 3737 B) >> 15. Animated files are
 *          refused (unsupported_format): their frames are composited on a canvas.
 *   HEIF/AVIF - the primary image with its transformative properties (clap crop, irot, imir)
 *          as libheif applies them; the decoded Y plane (YCbCr or monochrome), as stored.
 *          Samples of b > 8 bits are scaled to 8 bits as v * 255 / (2^b - 1) rounded to
 *          nearest. An image coded with the identity matrix (matrix_coefficients 0: its
 *          planes are G, B, R, as lossless AVIF is) is decoded to RGB and converted with
 *          PNG's integer formula (rounded, (... + 16384) >> 15, before scaling when b > 8).
 *   TIFF - the first page (IFD 0; later pages and SubIFDs are ignored), strips or tiles:
 *          gray (min-is-black, or min-is-white inverted) of 1, 2, 4, 8 or 16 bits, RGB of 8
 *          or 16 bits, palette of 1-8 bits, unsigned integer samples, extra (alpha) samples
 *          dropped. Sub-byte gray is expanded as libpng does (v * 255 / (2^b - 1)), 16-bit
 *          samples scaled like png_set_scale_16, palette entries taken as libtiff's RGBA reader
 *          does (>> 8; a map with every entry under 256 as 8-bit values),
 *          RGB converted with PNG's integer formula (8-bit truncated, 16-bit rounded then
 *          scaled). Other photometric interpretations, sample formats and planar RGB are
 *          unsupported_format.
 *   EXIF orientation (and TIFF's Orientation tag) is not applied (stored orientation).
 */
#ifndef SD_DECODE_H
#define SD_DECODE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Outcome of a call. Maps 1:1 onto Swift's DecodeErrorCode (same order, SD_OK first). */
typedef enum sd_status {
    SD_OK = 0,
    SD_NOT_FOUND,
    SD_NOT_REGULAR_FILE,
    SD_PERMISSION_DENIED,
    SD_SYMLINK_LOOP,
    SD_DANGLING_SYMLINK,
    SD_EMPTY_FILE,
    SD_FILE_TOO_LARGE,
    SD_UNKNOWN_FORMAT,
    SD_UNSUPPORTED_FORMAT,
    SD_TRUNCATED,
    SD_CHECKSUM_MISMATCH,
    SD_CORRUPT_DATA,
    SD_INVALID_HEADER,
    SD_PIXEL_LIMIT_EXCEEDED,
    SD_SCAN_LIMIT_EXCEEDED,
    SD_TOO_SMALL,          /* never returned here: the profile stage decides it */
    SD_TIME_LIMIT_EXCEEDED,
    SD_DECODER_ERROR,
    SD_IO_ERROR
} sd_status;

typedef enum sd_format {
    SD_FORMAT_PNG = 1,
    SD_FORMAT_JPEG = 2,
    SD_FORMAT_WEBP = 3,
    SD_FORMAT_HEIF = 4,    /* HEIF with HEVC (HEIC) */
    SD_FORMAT_AVIF = 5,    /* HEIF with AV1 */
    SD_FORMAT_TIFF = 6
} sd_format;

/* Limits, all checked before the memory they guard is allocated. HEIF/AVIF: the pixel and
   side limits apply to the image (its ispe) and to every coded picture its streams declare
   (HEVC SPS, AV1 sequence header) except grid tiles, and to every intermediate canvas. */
typedef struct sd_limits {
    uint64_t max_pixels;            /* width * height, from the header */
    uint32_t max_side;              /* width and height each, from the header */
    uint64_t max_file_bytes;        /* file size from fstat, before reading */
    uint32_t max_scans;             /* JPEG SOS markers (progressive / multi-scan files) */
    uint64_t max_decoder_memory;    /* libjpeg's mem->max_memory_to_use (whole-image
                                       coefficient buffer of multi-scan files); the buffers
                                       libwebp, libheif and libtiff need beside the output,
                                       estimated from the header (HEIF/AVIF: also from the
                                       stream header of every picture the decode reaches,
                                       a grid's largest tile among them); libtiff's largest
                                       single allocation */
    uint32_t max_decode_ms;         /* wall-clock budget per image; 0 = none */
} sd_limits;

/* What the header says, plus the warnings counted while decoding. */
typedef struct sd_info {
    uint32_t width;
    uint32_t height;
    uint32_t source_channels;       /* PNG after expansion: 1 gray, 2 gray+alpha, 3 RGB,
                                       4 RGBA (tRNS counts as alpha); JPEG: components;
                                       WebP: 3, 4 with alpha; HEIF/AVIF: 1 monochrome or 3
                                       colour, +1 with an alpha image; TIFF: 1 gray, 3 RGB or
                                       palette, +1 with extra samples */
    sd_format format;
    uint32_t warnings;              /* library warnings accepted (the pixels are kept) */
} sd_info;

typedef struct sd_decoder sd_decoder;

/*
 * Opens a regular file (stat first: FIFOs, devices and directories are never opened),
 * checks its size, reads it whole, sniffs the format from the content, reads the header,
 * checks the limits and prepares the conversion; a multi-scan JPEG is read whole here (its
 * coefficient buffer is bounded by max_decoder_memory), before the caller allocates the output.
 * On SD_OK, *out holds a decoder to pass to sd_read_gray and then sd_close. On failure,
 * info->width and info->height are the header's when it was read that far, else 0.
 */
sd_status sd_open_file(const char *path, const sd_limits *limits, sd_decoder **out,
                       sd_info *info, char *msg, size_t msgcap);

/* Same from memory; `data` is borrowed and must stay valid until sd_close. */
sd_status sd_open_memory(const uint8_t *data, size_t len, const sd_limits *limits,
                         sd_decoder **out, sd_info *info, char *msg, size_t msgcap);

/*
 * Decodes the luma image into dst (exactly width * height bytes, rows written in place,
 * no other image-sized buffer) and checks the stream to its end. Call once per decoder;
 * info->warnings is updated. On failure dst holds no usable image.
 */
sd_status sd_read_gray(sd_decoder *dec, uint8_t *dst, size_t dst_len, sd_info *info,
                       char *msg, size_t msgcap);

/* Frees a decoder (NULL is fine). */
void sd_close(sd_decoder *dec);

/*
 * Encodes an 8-bit gray image. On SD_OK, *out is a malloc'd buffer of *out_len bytes for the
 * caller to free with sd_free. JPEG: baseline, one component, standard Huffman tables,
 * jpeg_set_quality(quality clamped to 1..100, force_baseline). PNG: 8-bit gray,
 * not interlaced, libpng's default filters and zlib level.
 */
sd_status sd_encode_jpeg(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                         uint8_t **out, size_t *out_len, char *msg, size_t msgcap);
sd_status sd_encode_png(const uint8_t *pixels, uint32_t width, uint32_t height,
                        uint8_t **out, size_t *out_len, char *msg, size_t msgcap);

void sd_free(void *buffer);

#ifdef __cplusplus
}
#endif

#endif
