/*
 * fuzz_decode.c - libFuzzer target over specdet's C decode entry point.
 *
 * Built outside SwiftPM by tools/fuzz/run.sh (clang -fsanitize=fuzzer,address,undefined),
 * compiled together with the .c files of Sources/_SpecdetCodecC against the system libpng16,
 * libjpeg(-turbo), libwebp, libheif and libtiff. The glue sniffs the format, so one target
 * covers every decoder; the seeds hold files of each format. Each input goes through the same calls the Swift wrapper makes:
 *
 *     sd_open_memory -> (allocate width * height) -> sd_read_gray -> sd_close
 *
 * with small limits so that one input costs milliseconds. Besides what ASan and UBSan catch,
 * the target aborts (a "crash" libFuzzer saves) when the glue breaks its own contract
 * (include/sd_decode.h):
 *   - the status is not an sd_status value, or SD_OK comes back without a decoder;
 *   - a failure has an empty message, or one that is not NUL-terminated or spans lines;
 *   - an opened image is 0 pixels wide/high or over the limits given;
 *   - a second sd_read_gray on the same decoder does not fail.
 * A small decoded image is also re-encoded with both encoders and decoded again: the PNG
 * must come back bit-identical, the JPEG with the same size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_decode.h"

enum { MSG_CAP = 256, ROUNDTRIP_MAX_PIXELS = 64 * 64 };

static const sd_limits fuzz_limits = {
    .max_pixels = 1u << 20,          /* 1 megapixel */
    .max_side = 8192,
    .max_file_bytes = 0,             /* not used by sd_open_memory */
    .max_scans = 64,
    .max_decoder_memory = 64u << 20, /* libjpeg's coefficient buffer, the other decoders' buffers */
    .max_decode_ms = 0,              /* deterministic: no wall clock */
};

#define CHECK(cond, ...)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_decode: contract broken: %s: ", #cond);             \
            fprintf(stderr, __VA_ARGS__);                                             \
            fputc('\n', stderr);                                                      \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* A message is written by every failing call: non-empty, NUL-terminated, one line. */
static void check_message(sd_status status, const char *msg) {
    CHECK(status >= SD_OK && status <= SD_IO_ERROR, "status %d", (int)status);
    if (status == SD_OK) return;
    CHECK(memchr(msg, '\0', MSG_CAP) != NULL, "status %d", (int)status);
    CHECK(msg[0] != '\0', "status %d", (int)status);
    CHECK(strchr(msg, '\n') == NULL && strchr(msg, '\r') == NULL, "\"%s\"", msg);
}

/* Opens and reads `data`; returns the luma image (malloc'd) or NULL. */
static uint8_t *decode(const uint8_t *data, size_t size, const sd_limits *limits, sd_info *info,
                       sd_status *status_out) {
    char msg[MSG_CAP];
    memset(msg, 'x', sizeof msg);
    sd_decoder *dec = NULL;
    memset(info, 0, sizeof *info);
    sd_status status = sd_open_memory(data, size, limits, &dec, info, msg, sizeof msg);
    check_message(status, msg);
    *status_out = status;
    if (status != SD_OK) {
        CHECK(dec == NULL, "failed open returned a decoder");
        return NULL;
    }
    CHECK(dec != NULL, "SD_OK without a decoder");
    CHECK(info->width > 0 && info->height > 0, "%ux%u", info->width, info->height);
    CHECK(info->width <= limits->max_side && info->height <= limits->max_side, "%ux%u", info->width,
          info->height);
    CHECK((uint64_t)info->width * info->height <= limits->max_pixels, "%ux%u", info->width, info->height);
    CHECK(info->format >= SD_FORMAT_PNG && info->format <= SD_FORMAT_TIFF, "format %d", (int)info->format);
    CHECK(info->source_channels >= 1 && info->source_channels <= 4, "channels %u", info->source_channels);

    size_t count = (size_t)info->width * info->height;
    uint8_t *pixels = malloc(count);
    CHECK(pixels != NULL, "malloc %zu", count);
    memset(msg, 'x', sizeof msg);
    uint32_t width = info->width, height = info->height;
    status = sd_read_gray(dec, pixels, count, info, msg, sizeof msg);
    check_message(status, msg);
    CHECK(info->width == width && info->height == height, "size changed while reading");
    *status_out = status;

    /* the decoder is single-use: a second read must fail cleanly */
    memset(msg, 'x', sizeof msg);
    sd_info again;
    sd_status second = sd_read_gray(dec, pixels, count, &again, msg, sizeof msg);
    check_message(second, msg);
    CHECK(second != SD_OK, "second sd_read_gray succeeded");
    sd_close(dec);

    if (status != SD_OK) {
        free(pixels);
        return NULL;
    }
    return pixels;
}

/* Encodes a small decoded image with both encoders and decodes the results again. */
static void roundtrip(const uint8_t *pixels, uint32_t width, uint32_t height, int quality) {
    char msg[MSG_CAP];
    uint8_t *encoded = NULL;
    size_t encoded_len = 0;
    sd_info info;
    sd_status status;

    sd_status png = sd_encode_png(pixels, width, height, &encoded, &encoded_len, msg, sizeof msg);
    check_message(png, msg);
    CHECK(png == SD_OK, "PNG encoder failed on %ux%u: %s", width, height, msg);
    uint8_t *back = decode(encoded, encoded_len, &fuzz_limits, &info, &status);
    CHECK(back != NULL, "re-decoding our own PNG failed with status %d", (int)status);
    CHECK(info.width == width && info.height == height, "PNG round trip changed the size");
    CHECK(memcmp(back, pixels, (size_t)width * height) == 0, "PNG round trip changed pixels");
    free(back);
    sd_free(encoded);

    encoded = NULL;
    sd_status jpeg = sd_encode_jpeg(pixels, width, height, quality, &encoded, &encoded_len, msg, sizeof msg);
    check_message(jpeg, msg);
    CHECK(jpeg == SD_OK, "JPEG encoder failed on %ux%u: %s", width, height, msg);
    back = decode(encoded, encoded_len, &fuzz_limits, &info, &status);
    CHECK(back != NULL, "re-decoding our own JPEG failed with status %d", (int)status);
    CHECK(info.width == width && info.height == height, "JPEG round trip changed the size");
    free(back);
    sd_free(encoded);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sd_info info;
    sd_status status;
    uint8_t *pixels = decode(data, size, &fuzz_limits, &info, &status);
    if (pixels == NULL) return 0;
    if ((uint64_t)info.width * info.height <= ROUNDTRIP_MAX_PIXELS) {
        /* any quality value, including out-of-range ones the encoder clamps */
        int quality = size > 0 ? (int)data[size - 1] - 20 : 75;
        roundtrip(pixels, info.width, info.height, quality);
    }
    free(pixels);
    return 0;
}
