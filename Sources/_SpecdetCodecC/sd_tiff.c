/*
 * TIFF back end (libtiff >= 4.5, TIFFClientOpenExt on the bytes in memory).
 *
 * libtiff reports errors by return value and through handlers installed per TIFF object
 * (TIFFOpenOptionsSetErrorHandlerExtR / ...WarningHandlerExtR: thread-safe, nothing printed).
 * Its process-wide handlers, used for the few messages that concern no TIFF object, are set to
 * none once. The handlers only record; the glue fails after the libtiff call returns.
 *
 * The first page (IFD 0) is decoded; later pages and SubIFDs are ignored.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sd_internal.h"

/*
 * libtiff's messages that tell truncation or damaged data apart from other errors (first
 * substring match wins). Errors without an entry get the phase's code: invalid_header while
 * reading the directory, corrupt_data while decoding strips and tiles.
 */
static const struct {
    const char *needle;
    sd_status status;
} tiff_messages[] = {
    {"Read error", SD_TRUNCATED},
    {"Seek error", SD_TRUNCATED},
    {"past end", SD_TRUNCATED},
    {"Cannot read TIFF header", SD_TRUNCATED},
    {"byte limit defined in open options", SD_PIXEL_LIMIT_EXCEEDED}, /* max_decoder_memory */
    {"Memory allocation failed", SD_DECODER_ERROR},
    {"Out of memory", SD_DECODER_ERROR},
    {"not configured", SD_UNSUPPORTED_FORMAT},
    {"not implemented", SD_UNSUPPORTED_FORMAT},
};

static pthread_once_t silence_once = PTHREAD_ONCE_INIT;

static void silence_global_handlers(void) {
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
}

static int on_tiff_error(TIFF *tif, void *user_data, const char *module, const char *format, va_list args) {
    (void)tif;
    sd_decoder *dec = user_data;
    if (dec->u.tiff.first_status != SD_OK) return 1; /* keep the first: later ones follow from it */
    char text[SD_MESSAGE_CAPACITY];
    vsnprintf(text, sizeof text, format, args);
    sd_status status = dec->u.tiff.phase == SD_PHASE_HEADER ? SD_INVALID_HEADER : SD_CORRUPT_DATA;
    for (size_t i = 0; i < sizeof tiff_messages / sizeof tiff_messages[0]; i++) {
        if (strstr(text, tiff_messages[i].needle) != NULL) {
            status = tiff_messages[i].status;
            break;
        }
    }
    dec->u.tiff.first_status = status;
    snprintf(dec->u.tiff.first_error, sizeof dec->u.tiff.first_error, "%s%s%s", module ? module : "",
             module ? ": " : "", text);
    return 1; /* handled: libtiff calls no other handler */
}

/* Warnings keep the image (unknown tags, odd but harmless fields) and are counted. */
static int on_tiff_warning(TIFF *tif, void *user_data, const char *module, const char *format, va_list args) {
    (void)tif;
    (void)module;
    (void)format;
    (void)args;
    sd_decoder *dec = user_data;
    dec->job.warnings++;
    return 1;
}

/* Fails with what libtiff reported, or `fallback` when it reported nothing. */
_Noreturn static void fail_with_tiff_error(sd_decoder *dec, sd_status fallback, const char *what) {
    if (dec->u.tiff.first_status != SD_OK) {
        sd_fail(&dec->job, dec->u.tiff.first_status, "%s", dec->u.tiff.first_error);
    }
    sd_fail(&dec->job, fallback, "%s", what);
}

/* ---- the bytes in memory as a libtiff client ---------------------------------------------- */

static tmsize_t on_read(thandle_t handle, void *buffer, tmsize_t size) {
    sd_decoder *dec = (sd_decoder *)handle;
    size_t left = dec->len - dec->u.tiff.pos;
    size_t count = size < 0 ? 0 : (size_t)size < left ? (size_t)size : left;
    memcpy(buffer, dec->data + dec->u.tiff.pos, count);
    dec->u.tiff.pos += count;
    return (tmsize_t)count;
}

static tmsize_t on_write(thandle_t handle, void *buffer, tmsize_t size) {
    (void)handle;
    (void)buffer;
    (void)size;
    return -1;
}

static toff_t on_seek(thandle_t handle, toff_t offset, int whence) {
    sd_decoder *dec = (sd_decoder *)handle;
    uint64_t base = whence == SEEK_CUR ? dec->u.tiff.pos : whence == SEEK_END ? dec->len : 0;
    uint64_t target = base + offset;
    if (target < base || target > dec->len) return (toff_t)-1; /* libtiff: "Seek error" */
    dec->u.tiff.pos = (size_t)target;
    return target;
}

static int on_close(thandle_t handle) {
    (void)handle;
    return 0;
}

static toff_t on_size(thandle_t handle) {
    return ((sd_decoder *)handle)->len;
}

static int on_map(thandle_t handle, void **base, toff_t *size) {
    sd_decoder *dec = (sd_decoder *)handle;
    *base = (void *)dec->data;
    *size = dec->len;
    return 1;
}

static void on_unmap(thandle_t handle, void *base, toff_t size) {
    (void)handle;
    (void)base;
    (void)size;
}

/* ---- decoding ----------------------------------------------------------------------------- */

static const char *photometric_name(uint16_t photometric) {
    switch (photometric) {
    case PHOTOMETRIC_SEPARATED: return "CMYK (separated)";
    case PHOTOMETRIC_YCBCR: return "YCbCr";
    case PHOTOMETRIC_CIELAB:
    case PHOTOMETRIC_ICCLAB:
    case PHOTOMETRIC_ITULAB: return "CIE L*a*b*";
    case PHOTOMETRIC_MASK: return "transparency mask";
    case PHOTOMETRIC_LOGL:
    case PHOTOMETRIC_LOGLUV: return "LogLuv";
    case PHOTOMETRIC_CFA: return "colour filter array (raw)";
    default: return "unknown";
    }
}

/*
 * The first directory must lie inside the file. Writers often put it after the pixels, so a
 * file cut short loses it: truncated, said before libtiff reports an unreadable directory.
 */
static void check_first_directory(sd_decoder *dec) {
    const uint8_t *p = dec->data;
    int little = p[0] == 'I', big_tiff = (little ? p[2] : p[3]) == 43;
    size_t header = big_tiff ? 16 : 8, count_bytes = big_tiff ? 8 : 2, entry = big_tiff ? 20 : 12;
    if (dec->len < header) sd_fail(&dec->job, SD_TRUNCATED, "file ends inside the %zu-byte TIFF header", header);
    uint64_t offset = 0, count = 0;
    for (size_t i = 0; i < (big_tiff ? 8u : 4u); i++) {
        size_t at = (big_tiff ? 8 : 4) + (little ? (big_tiff ? 7 : 3) - i : i);
        offset = offset << 8 | p[at];
    }
    if (offset > dec->len || dec->len - offset < count_bytes) {
        sd_fail(&dec->job, SD_TRUNCATED, "file ends before the first TIFF directory (at byte %llu, file has %zu)",
                (unsigned long long)offset, dec->len);
    }
    for (size_t i = 0; i < count_bytes; i++) {
        size_t at = (size_t)offset + (little ? count_bytes - 1 - i : i);
        count = count << 8 | p[at];
    }
    if (count > (dec->len - offset - count_bytes) / entry) {
        sd_fail(&dec->job, SD_TRUNCATED, "file ends inside the first TIFF directory (%llu entries at byte %llu)",
                (unsigned long long)count, (unsigned long long)offset);
    }
}

/*
 * TIFF colour maps hold 16-bit values; writers store an 8-bit c as c * 257 or c << 8, and
 * some write 8-bit values as they are. As libtiff's own RGBA reader (TIFFRGBAImage) and
 * Pillow do: a map whose entries are all under 256 is taken as 8-bit, any other is shifted
 * right by 8 (both c * 257 and c << 8 give c back).
 */
static int colormap_is_8_bit(uint16_t *const map[3], unsigned bits) {
    for (uint32_t i = 0; i < (1u << bits); i++) {
        if (map[0][i] >= 256 || map[1][i] >= 256 || map[2][i] >= 256) return 0;
    }
    return 1;
}

void sd_tiff_open(sd_decoder *dec) {
    check_first_directory(dec);
    pthread_once(&silence_once, silence_global_handlers);
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "out of memory (libtiff)");
    dec->u.tiff.options = options;
    TIFFOpenOptionsSetErrorHandlerExtR(options, on_tiff_error, dec);
    TIFFOpenOptionsSetWarningHandlerExtR(options, on_tiff_warning, dec);
    if (dec->limits.max_decoder_memory > 0) {
        uint64_t limit = dec->limits.max_decoder_memory;
        TIFFOpenOptionsSetMaxSingleMemAlloc(options, limit > INT64_MAX ? INT64_MAX : (tmsize_t)limit);
    }
    dec->u.tiff.phase = SD_PHASE_HEADER;
    /* "r": read; "O": strip and tile offsets loaded on demand (a header declaring millions of
       strips costs nothing until they are read) */
    dec->u.tiff.tif = TIFFClientOpenExt("TIFF", "rO", (thandle_t)dec, on_read, on_write, on_seek, on_close, on_size,
                                        on_map, on_unmap, options);
    TIFF *tif = dec->u.tiff.tif;
    if (tif == NULL) fail_with_tiff_error(dec, SD_INVALID_HEADER, "libtiff cannot open the file");

    uint32_t width = 0, height = 0;
    if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width) || !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height)) {
        sd_fail(&dec->job, SD_INVALID_HEADER, "TIFF directory without image width or length");
    }
    sd_check_dimensions(dec, width, height);

    uint16_t bits = 1, samples = 1, format = SAMPLEFORMAT_UINT, planar = PLANARCONFIG_CONTIG, photometric;
    uint16_t extra_count = 0, *extra_types = NULL;
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra_types);
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric)) {
        sd_fail(&dec->job, SD_INVALID_HEADER, "TIFF directory without a photometric interpretation");
    }
    if (format != SAMPLEFORMAT_UINT) {
        sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "TIFF with %s samples (only unsigned integers are supported)",
                format == SAMPLEFORMAT_IEEEFP ? "floating-point" : format == SAMPLEFORMAT_INT ? "signed" : "complex or void");
    }
    int colour_samples;
    switch (photometric) {
    case PHOTOMETRIC_MINISBLACK:
    case PHOTOMETRIC_MINISWHITE:
        colour_samples = 1;
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16) {
            sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "gray TIFF with %u-bit samples (1, 2, 4, 8, 16 are supported)", bits);
        }
        break;
    case PHOTOMETRIC_RGB:
        colour_samples = 3;
        if (bits != 8 && bits != 16) {
            sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "RGB TIFF with %u-bit samples (8 and 16 are supported)", bits);
        }
        break;
    case PHOTOMETRIC_PALETTE:
        colour_samples = 1;
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8) {
            sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "palette TIFF with %u-bit indices (1, 2, 4, 8 are supported)", bits);
        }
        if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &dec->u.tiff.colormap[0], &dec->u.tiff.colormap[1],
                          &dec->u.tiff.colormap[2])) {
            sd_fail(&dec->job, SD_INVALID_HEADER, "palette TIFF without a colour map");
        }
        dec->u.tiff.colormap_shift = colormap_is_8_bit(dec->u.tiff.colormap, bits) ? 0 : 8;
        break;
    default:
        sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT,
                "TIFF with %s photometric interpretation %u (gray, RGB and palette are supported)",
                photometric_name(photometric), photometric);
    }
    if (samples < colour_samples) {
        sd_fail(&dec->job, SD_INVALID_HEADER, "TIFF with %u samples per pixel for %d colour samples", samples, colour_samples);
    }
    if (planar == PLANARCONFIG_SEPARATE && samples > 1) {
        sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT,
                "TIFF with %u samples stored as separate planes (only interleaved samples are supported)", samples);
    }
    uint16_t compression = COMPRESSION_NONE;
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &compression);
    if (!TIFFIsCODECConfigured(compression)) {
        sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "TIFF compression scheme %u is not available", compression);
    }
    dec->u.tiff.photometric = photometric;
    dec->u.tiff.bits = bits;
    dec->u.tiff.samples = samples;
    dec->info.source_channels = (photometric == PHOTOMETRIC_RGB || photometric == PHOTOMETRIC_PALETTE ? 3 : 1) +
                                (samples > colour_samples ? 1 : 0);

    tmsize_t buffer = TIFFIsTiled(tif) ? TIFFTileSize(tif) : TIFFStripSize(tif);
    if (buffer <= 0) fail_with_tiff_error(dec, SD_INVALID_HEADER, "TIFF strip or tile size is invalid");
    sd_check_decoder_memory(dec, (uint64_t)buffer, TIFFIsTiled(tif) ? "one TIFF tile" : "one TIFF strip");
}

/* A sample of a row of decoded samples: `bits` 1-8 (packed, most significant bit first) or 16. */
static uint32_t sample_at(const uint8_t *row, size_t index, unsigned bits) {
    switch (bits) {
    case 8: return row[index];
    case 16: return ((const uint16_t *)row)[index];
    default: {
        size_t bit = index * bits;
        return (uint32_t)(row[bit >> 3] >> (8 - bits - (bit & 7))) & ((1u << bits) - 1);
    }
    }
}

/* Luma of `count` pixels of one decoded row, starting at pixel `first` of that row. */
static void convert_row(sd_decoder *dec, const uint8_t *row, size_t first, size_t count, uint8_t *out) {
    unsigned bits = dec->u.tiff.bits, samples = dec->u.tiff.samples;
    for (size_t x = 0; x < count; x++) {
        size_t at = (first + x) * samples;
        switch (dec->u.tiff.photometric) {
        case PHOTOMETRIC_RGB: {
            uint32_t r = sample_at(row, at, bits), g = sample_at(row, at + 1, bits), b = sample_at(row, at + 2, bits);
            out[x] = bits == 8 ? sd_luma8(r, g, b) : sd_scale_to_8(sd_luma16(r, g, b), 16);
            break;
        }
        case PHOTOMETRIC_PALETTE: {
            uint32_t index = sample_at(row, at, bits);
            uint16_t **map = dec->u.tiff.colormap;
            unsigned shift = dec->u.tiff.colormap_shift;
            out[x] = sd_luma8(map[0][index] >> shift, map[1][index] >> shift, map[2][index] >> shift);
            break;
        }
        default: {
            uint32_t v = sample_at(row, at, bits);
            if (dec->u.tiff.photometric == PHOTOMETRIC_MINISWHITE) v = ((1u << bits) - 1) - v;
            /* 1, 2, 4 bits: libpng's expansion by bit replication, which is v * 255 / (2^b - 1) */
            out[x] = bits == 8 ? (uint8_t)v : bits == 16 ? sd_scale_to_8(v, 16) : (uint8_t)(v * 255 / ((1u << bits) - 1));
            break;
        }
        }
    }
}

/* A strip or tile's data must lie inside the file (a file cut short is truncated). */
static void check_strile(sd_decoder *dec, uint32_t strile, const char *kind) {
    TIFF *tif = dec->u.tiff.tif;
    int error = 0;
    uint64_t offset = TIFFGetStrileOffsetWithErr(tif, strile, &error);
    uint64_t count = error ? 0 : TIFFGetStrileByteCountWithErr(tif, strile, &error);
    if (error) fail_with_tiff_error(dec, SD_INVALID_HEADER, "cannot read the TIFF strip or tile offsets");
    if (offset > dec->len || count > dec->len - offset) {
        sd_fail(&dec->job, SD_TRUNCATED, "file ends inside %s %u (%llu bytes at %llu, file has %zu)", kind, strile,
                (unsigned long long)count, (unsigned long long)offset, dec->len);
    }
}

/*
 * Decodes strip or tile `index` into the buffer (it must give `expected` bytes), then converts
 * its `rows` x `columns` pixels, `row_bytes` apart, into dst at column x, row y.
 */
static void read_block(sd_decoder *dec, int tiled, uint32_t index, tmsize_t expected, tmsize_t row_bytes, uint32_t x,
                       uint32_t y, uint32_t rows, uint32_t columns, uint8_t *dst) {
    TIFF *tif = dec->u.tiff.tif;
    const char *kind = tiled ? "tile" : "strip";
    check_strile(dec, index, kind);
    uint8_t *buffer = dec->u.tiff.buffer;
    tmsize_t got = tiled ? TIFFReadEncodedTile(tif, index, buffer, expected)
                         : TIFFReadEncodedStrip(tif, index, buffer, expected);
    if (got < 0) fail_with_tiff_error(dec, SD_CORRUPT_DATA, tiled ? "cannot decode a tile" : "cannot decode a strip");
    if (got < expected) {
        sd_fail(&dec->job, SD_CORRUPT_DATA, "%s %u holds %lld of %lld bytes", kind, index, (long long)got,
                (long long)expected);
    }
    uint32_t width = dec->info.width;
    for (uint32_t r = 0; r < rows; r++) {
        convert_row(dec, buffer + (size_t)r * (size_t)row_bytes, 0, columns, dst + (size_t)(y + r) * width + x);
    }
    sd_check_clock(&dec->job);
}

void sd_tiff_read(sd_decoder *dec, uint8_t *dst) {
    TIFF *tif = dec->u.tiff.tif;
    uint32_t width = dec->info.width, height = dec->info.height;
    dec->u.tiff.phase = SD_PHASE_PIXELS;
    int tiled = TIFFIsTiled(tif);
    tmsize_t size = tiled ? TIFFTileSize(tif) : TIFFStripSize(tif);
    if ((dec->u.tiff.buffer = malloc((size_t)size)) == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "out of memory");

    if (!tiled) {
        uint32_t rows_per_strip = height;
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
        if (rows_per_strip == 0 || rows_per_strip > height) rows_per_strip = height;
        tmsize_t row_bytes = TIFFScanlineSize(tif);
        for (uint32_t y = 0, strip = 0; y < height; y += rows_per_strip, strip++) {
            uint32_t rows = height - y < rows_per_strip ? height - y : rows_per_strip;
            read_block(dec, 0, strip, TIFFVStripSize(tif, rows), row_bytes, 0, y, rows, width, dst);
        }
        return;
    }
    uint32_t tile_width = 0, tile_height = 0;
    TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tile_width);
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &tile_height);
    if (tile_width == 0 || tile_height == 0) sd_fail(&dec->job, SD_INVALID_HEADER, "TIFF tile of %ux%u pixels", tile_width, tile_height);
    tmsize_t row_bytes = TIFFTileRowSize(tif);
    for (uint32_t y = 0; y < height; y += tile_height) {
        for (uint32_t x = 0; x < width; x += tile_width) {
            uint32_t rows = height - y < tile_height ? height - y : tile_height;
            uint32_t columns = width - x < tile_width ? width - x : tile_width;
            read_block(dec, 1, TIFFComputeTile(tif, x, y, 0, 0), size, row_bytes, x, y, rows, columns, dst);
        }
    }
}

void sd_tiff_close(sd_decoder *dec) {
    if (dec->u.tiff.tif != NULL) TIFFClose(dec->u.tiff.tif);
    if (dec->u.tiff.options != NULL) TIFFOpenOptionsFree(dec->u.tiff.options);
    free(dec->u.tiff.buffer);
}
