/* PNG back end (libpng 1.6, classic API) and the PNG encoder. */
#include <stdlib.h>
#include <string.h>

#include "sd_internal.h"

/*
 * libpng reports most problems only as text, so this one table maps its messages to codes
 * (first substring match wins). It classifies errors and warnings alike: a warning whose
 * entry says the data is bad is promoted to an error (libpng only warns about an Adler-32
 * mismatch after the last row, for example); any other warning (SD_OK, SD_DECODER_ERROR,
 * no entry: e.g. an ancillary chunk too large to keep) is counted and the image is kept.
 * Errors without an entry get the phase's default code.
 */
static const struct {
    const char *needle;
    sd_status status;
} png_messages[] = {
    /* The rows are complete and correct; only data after them is odd (see MANIFEST:
       png_idat_too_much_data must decode). */
    {"Too much image data", SD_OK},
    {"Extra compressed data", SD_OK},
    {"Too many IDATs found", SD_OK},
    {"CRC error", SD_CHECKSUM_MISMATCH},
    {"incorrect data check", SD_CHECKSUM_MISMATCH}, /* zlib: Adler-32 mismatch */
    {"ADLER32 checksum mismatch", SD_CHECKSUM_MISMATCH},
    {"exceeds user limit", SD_PIXEL_LIMIT_EXCEEDED},
    {"IHDR", SD_INVALID_HEADER},
    {"before IDAT", SD_INVALID_HEADER},
    /* the zlib stream ends (or the IDAT chunks run out) before the last row */
    {"Not enough image data", SD_CORRUPT_DATA},
    {"IDAT: ", SD_CORRUPT_DATA}, /* zlib errors, reported as "IDAT: <zlib message>" */
    {"memory", SD_DECODER_ERROR},
};

/* Returns 1 and sets *status when the message has an entry. */
static int png_lookup(const char *message, sd_status *status) {
    for (size_t i = 0; i < sizeof png_messages / sizeof png_messages[0]; i++) {
        if (strstr(message, png_messages[i].needle) != NULL) {
            *status = png_messages[i].status;
            return 1;
        }
    }
    return 0;
}

/* A side over our limit stops libpng inside IHDR ("Image width exceeds user limit"): say it
   as for any other format, with the size. IHDR is the first chunk; width, height at 16-23. */
static void fail_with_size(sd_decoder *dec) {
    if (dec->len >= 24 && memcmp(dec->data + 12, "IHDR", 4) == 0) {
        sd_check_dimensions(dec, png_get_uint_32(dec->data + 16), png_get_uint_32(dec->data + 20));
    }
}

static void on_png_error(png_structp png, png_const_charp message) {
    sd_decoder *dec = png_get_error_ptr(png);
    sd_status status = dec->u.png.phase == SD_PHASE_HEADER ? SD_INVALID_HEADER : SD_CORRUPT_DATA;
    if (dec->u.png.eof) {
        status = SD_TRUNCATED;
    } else if (png_lookup(message, &status) && status == SD_OK) {
        status = SD_CORRUPT_DATA;
    }
    if (status == SD_PIXEL_LIMIT_EXCEEDED) fail_with_size(dec);
    sd_fail(&dec->job, status, "%s", message);
}

static void on_png_warning(png_structp png, png_const_charp message) {
    sd_decoder *dec = png_get_error_ptr(png);
    sd_status status;
    if (png_lookup(message, &status) && status != SD_OK && status != SD_DECODER_ERROR) {
        if (status == SD_PIXEL_LIMIT_EXCEEDED) fail_with_size(dec);
        sd_fail(&dec->job, status, "%s", message);
    }
    dec->job.warnings++;
}

static void on_png_read(png_structp png, png_bytep out, size_t count) {
    sd_decoder *dec = png_get_io_ptr(png);
    if (count > dec->len - dec->u.png.pos) {
        dec->u.png.eof = 1;
        png_error(png, "PNG data ends early");
    }
    memcpy(out, dec->data + dec->u.png.pos, count);
    dec->u.png.pos += count;
    sd_check_clock(&dec->job);
}

/* Text chunks never change pixels; skipping them also skips zTXt/iTXt decompression bombs. */
static const png_byte skipped_chunks[] = "tEXt\0zTXt\0iTXt";

/*
 * Walks the chunk layout up to IEND before libpng sees it: no chunk may claim more bytes than
 * the data still holds. libpng allocates some chunks' buffers from the declared length before
 * reading a byte of them (sPLT, pCAL, sCAL, eXIf; 1.6.39 does not apply
 * png_set_chunk_malloc_max there), so a 90-byte file declaring a 1.9 GB sPLT chunk made it
 * allocate and touch 1.9 GB (found by the fuzzer: Fixtures/fuzz-regressions/oom-a452219e...).
 * Such a file ends inside that chunk: truncated. Lengths over 2^31-1 are left to libpng,
 * which rejects them from the header before allocating (invalid_header).
 */
static void check_chunk_lengths(sd_decoder *dec) {
    size_t pos = 8; /* after the signature */
    while (dec->len - pos >= 8) {
        const uint8_t *p = dec->data + pos;
        uint32_t length = png_get_uint_32(p);
        if (length > PNG_UINT_31_MAX) return;
        if ((size_t)length + 12 > dec->len - pos) {
            int printable = 1;
            for (int i = 4; i < 8; i++) {
                if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z'))) printable = 0;
            }
            if (printable) {
                sd_fail(&dec->job, SD_TRUNCATED, "file ends inside a %c%c%c%c chunk that declares %u bytes (%zu left)",
                        p[4], p[5], p[6], p[7], length, dec->len - pos - 8);
            }
            sd_fail(&dec->job, SD_TRUNCATED, "file ends inside a chunk that declares %u bytes (%zu left)", length,
                    dec->len - pos - 8);
        }
        if (memcmp(p + 4, "IEND", 4) == 0) return;
        pos += (size_t)length + 12;
    }
}

void sd_png_open(sd_decoder *dec) {
    check_chunk_lengths(dec);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, dec, on_png_error, on_png_warning);
    if (png == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "out of memory (libpng)");
    dec->u.png.png = png;
    dec->u.png.info = png_create_info_struct(png);
    if (dec->u.png.info == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "out of memory (libpng)");
    png_set_read_fn(png, dec, on_png_read);

    /* libpng checks the sides while parsing IHDR, before any chunk after it */
    uint32_t side = dec->limits.max_side == 0 || dec->limits.max_side > PNG_UINT_31_MAX
                        ? PNG_UINT_31_MAX
                        : dec->limits.max_side;
    png_set_user_limits(png, side, side);
    png_set_chunk_cache_max(png, 1000);          /* ancillary chunks kept (libpng's default) */
    png_set_chunk_malloc_max(png, 8u << 20);     /* bytes per ancillary chunk */
    png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skipped_chunks, 3);

    png_read_info(png, dec->u.png.info);
    png_uint_32 width, height;
    int bit_depth, color_type;
    png_get_IHDR(png, dec->u.png.info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
    sd_check_dimensions(dec, width, height);

    int has_trns = png_get_valid(png, dec->u.png.info, PNG_INFO_tRNS) != 0;
    int has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) || has_trns;
    dec->info.source_channels = ((color_type & PNG_COLOR_MASK_COLOR) ? 3 : 1) + (has_alpha ? 1 : 0);

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (has_trns) png_set_tRNS_to_alpha(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (bit_depth == 16) png_set_scale_16(png);
    if (has_alpha) png_set_strip_alpha(png);
    if (color_type & PNG_COLOR_MASK_COLOR) png_set_rgb_to_gray(png, 1, 0.299, 0.587);
    dec->u.png.passes = png_set_interlace_handling(png);
    png_read_update_info(png, dec->u.png.info);
    if (png_get_rowbytes(png, dec->u.png.info) != width || png_get_channels(png, dec->u.png.info) != 1 ||
        png_get_bit_depth(png, dec->u.png.info) != 8) {
        sd_fail(&dec->job, SD_DECODER_ERROR, "libpng's output is not 8-bit gray");
    }
}

void sd_png_read(sd_decoder *dec, uint8_t *dst) {
    png_structp png = dec->u.png.png;
    uint32_t width = dec->info.width, height = dec->info.height;
    dec->u.png.phase = SD_PHASE_PIXELS;
    for (int pass = 0; pass < dec->u.png.passes; pass++) {
        for (uint32_t y = 0; y < height; y++) {
            /* with interlacing, each pass writes only its own pixels into the row */
            png_read_row(png, dst + (size_t)y * width, NULL);
            sd_check_clock(&dec->job);
        }
    }
    /* CRC and zlib errors after the last row, and chunks after IDAT, count too */
    png_read_end(png, NULL);
}

void sd_png_close(sd_decoder *dec) {
    if (dec->u.png.png != NULL) {
        png_destroy_read_struct(&dec->u.png.png, &dec->u.png.info, NULL);
    }
}

/* ---- encoder ---------------------------------------------------------------------------- */

typedef struct {
    sd_job job;
    png_structp png;
    png_infop info;
    uint8_t *data;
    size_t len;
    size_t cap;
} png_encoder;

static void on_png_encode_error(png_structp png, png_const_charp message) {
    png_encoder *enc = png_get_error_ptr(png);
    sd_fail(&enc->job, SD_DECODER_ERROR, "PNG encoder: %s", message);
}

/* Writing a valid 8-bit gray image raises no warnings; this only keeps libpng off stderr. */
static void on_png_encode_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void on_png_write(png_structp png, png_bytep bytes, size_t count) {
    png_encoder *enc = png_get_io_ptr(png);
    if (count > enc->cap - enc->len) {
        size_t cap = enc->cap ? enc->cap : 4096;
        while (count > cap - enc->len) cap *= 2;
        uint8_t *grown = realloc(enc->data, cap);
        if (grown == NULL) png_error(png, "out of memory");
        enc->data = grown;
        enc->cap = cap;
    }
    memcpy(enc->data + enc->len, bytes, count);
    enc->len += count;
}

static void on_png_flush(png_structp png) {
    (void)png;
}

sd_status sd_encode_png(const uint8_t *pixels, uint32_t width, uint32_t height, uint8_t **out,
                        size_t *out_len, char *msg, size_t msgcap) {
    *out = NULL;
    *out_len = 0;
    png_encoder *enc = calloc(1, sizeof *enc);
    if (enc == NULL) {
        if (msg != NULL && msgcap > 0) snprintf(msg, msgcap, "out of memory");
        return SD_DECODER_ERROR;
    }
    if (setjmp(enc->job.jmp) == 0) {
        enc->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, enc, on_png_encode_error,
                                           on_png_encode_warning);
        if (enc->png == NULL) sd_fail(&enc->job, SD_DECODER_ERROR, "out of memory (libpng)");
        enc->info = png_create_info_struct(enc->png);
        if (enc->info == NULL) sd_fail(&enc->job, SD_DECODER_ERROR, "out of memory (libpng)");
        png_set_write_fn(enc->png, enc, on_png_write, on_png_flush);
        png_set_user_limits(enc->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX); /* only PNG's own */
        png_set_IHDR(enc->png, enc->info, width, height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_write_info(enc->png, enc->info);
        for (uint32_t y = 0; y < height; y++) {
            png_write_row(enc->png, pixels + (size_t)y * width);
        }
        png_write_end(enc->png, NULL);
        *out = enc->data;
        *out_len = enc->len;
        enc->data = NULL;
    }
    sd_status status = sd_report(&enc->job, msg, msgcap);
    png_destroy_write_struct(&enc->png, &enc->info);
    free(enc->data);
    free(enc);
    return status;
}
