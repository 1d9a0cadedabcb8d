/*
 * HEIF (HEVC) and AVIF (AV1) back end: libheif with the codecs it was built with (Debian 12:
 * libde265 for HEVC, dav1d or libaom for AV1), opened on first use (below).
 *
 * libheif is C++ and reports errors as values: the glue never longjmps through its frames
 * (sd_fail is called only between libheif calls; its objects live in the decoder and are
 * released by sd_heif_close). The image is decoded in sd_heif_open, after the limits were
 * checked from the primary image's header and from the stream header of every picture the
 * decode will reach (sd_heif_streams.c: libheif 1.15 lets the codec allocate what the stream
 * declares, whatever ispe says), so that the channel count and bit depth are known before the
 * caller allocates the output; sd_heif_read then converts one plane into it.
 * libheif cannot be interrupted inside a decode: the time budget is checked before and after.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dlfcn.h>
#include <pthread.h>

#include "sd_internal.h"

/*
 * libheif is opened on the first HEIF or AVIF input, not linked: loading it runs its codecs'
 * initialisers (libde265 builds its tables: some 25 M instructions, a fifth of starting up and
 * profiling one 1024x1024 JPEG) and relocates libaom and dav1d, in every run whatever its
 * inputs. Each function is called through a pointer of its own type.
 */
#define SD_LIBHEIF_FUNCTIONS(X)                                                                      \
    X(context_alloc) X(context_free) X(context_set_maximum_image_size_limit)                         \
    X(context_set_max_decoding_threads) X(context_read_from_memory_without_copy)                     \
    X(context_get_primary_image_handle) X(image_handle_get_width) X(image_handle_get_height)         \
    X(image_handle_get_ispe_width) X(image_handle_get_ispe_height)                                   \
    X(image_handle_get_luma_bits_per_pixel) X(image_handle_has_alpha_channel)                        \
    X(image_handle_get_nclx_color_profile) X(nclx_color_profile_free) X(decoding_options_alloc)      \
    X(decoding_options_free) X(decode_image) X(image_get_width) X(image_get_height)                  \
    X(image_get_bits_per_pixel_range) X(image_get_plane_readonly) X(image_release)                   \
    X(image_handle_release)

#define SD_LIBHEIF_POINTER(name) __typeof__(heif_##name) *name;
static struct {
    SD_LIBHEIF_FUNCTIONS(SD_LIBHEIF_POINTER)
    int loaded;
    char failure[256]; /* why it could not be loaded */
} libheif;
static pthread_once_t libheif_once = PTHREAD_ONCE_INIT;

static void load_libheif(void) {
    void *library = dlopen("libheif.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(libheif.failure, sizeof libheif.failure, "%s", reason ? reason : "libheif.so.1 not found");
        return;
    }
#define SD_LIBHEIF_RESOLVE(name)                                                                     \
    if ((libheif.name = (__typeof__(heif_##name) *)dlsym(library, "heif_" #name)) == NULL) {        \
        snprintf(libheif.failure, sizeof libheif.failure, "libheif.so.1 has no heif_" #name);       \
        return;                                                                                      \
    }
    SD_LIBHEIF_FUNCTIONS(SD_LIBHEIF_RESOLVE)
    libheif.loaded = 1;
}

static sd_status status_for(struct heif_error error, sd_phase phase) {
    switch (error.code) {
    case heif_error_Ok: return SD_OK;
    case heif_error_Invalid_input:
        if (error.subcode == heif_suberror_End_of_data) return SD_TRUNCATED;
        return phase == SD_PHASE_HEADER ? SD_INVALID_HEADER : SD_CORRUPT_DATA;
    case heif_error_Unsupported_filetype:
    case heif_error_Unsupported_feature: return SD_UNSUPPORTED_FORMAT;
    case heif_error_Decoder_plugin_error: return SD_CORRUPT_DATA;
    case heif_error_Memory_allocation_error:
        return error.subcode == heif_suberror_Security_limit_exceeded ? SD_PIXEL_LIMIT_EXCEEDED : SD_DECODER_ERROR;
    default: return SD_DECODER_ERROR;
    }
}

static void check(sd_decoder *dec, struct heif_error error, sd_phase phase) {
    if (error.code == heif_error_Ok) return;
    sd_fail(&dec->job, status_for(error, phase), "%s", error.message && error.message[0] ? error.message : "libheif error");
}

/* Bytes per sample of a plane of `bits` bits (libheif stores 9-16 bits in 16-bit words). */
static uint64_t sample_bytes(int bits) {
    return bits > 8 ? 2 : 1;
}

/*
 * The top-level boxes must lie inside the file: libheif reads a box cut short as the end of
 * the file (a HEIF cut inside its 'meta' box reads as "No 'meta' box"), so a file that ends
 * inside a box is called truncated here, before libheif runs.
 */
static void check_boxes(sd_decoder *dec) {
    size_t pos = 0;
    while (dec->len - pos >= 8) {
        const uint8_t *p = dec->data + pos;
        uint64_t size = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
        if (size == 0) return; /* the box runs to the end of the file */
        if (size == 1) {
            if (dec->len - pos < 16) break;
            size = 0;
            for (int i = 8; i < 16; i++) size = size << 8 | p[i];
        }
        if (size < 8) sd_fail(&dec->job, SD_INVALID_HEADER, "box '%.4s' of %llu bytes", (const char *)p + 4, (unsigned long long)size);
        if (size > dec->len - pos) {
            sd_fail(&dec->job, SD_TRUNCATED, "file ends inside the '%.4s' box (%llu bytes declared, %zu left)",
                    (const char *)p + 4, (unsigned long long)size, dec->len - pos);
        }
        pos += (size_t)size;
    }
    if (pos < dec->len) sd_fail(&dec->job, SD_TRUNCATED, "file ends inside a box header");
}

/*
 * Whether the Cb and Cr planes hold only the neutral value 2^(b-1): a monochrome image, which
 * libheif 1.15 returns with neutral chroma planes when asked for YCbCr (its API does not say
 * whether the coded image had chroma; a colour image without any chroma is gray too).
 */
static int neutral_chroma(const struct heif_image *image) {
    const enum heif_channel channels[2] = {heif_channel_Cb, heif_channel_Cr};
    for (int c = 0; c < 2; c++) {
        int stride = 0, bits = libheif.image_get_bits_per_pixel_range(image, channels[c]);
        const uint8_t *plane = libheif.image_get_plane_readonly(image, channels[c], &stride);
        int width = libheif.image_get_width(image, channels[c]), height = libheif.image_get_height(image, channels[c]);
        if (plane == NULL) continue;
        uint32_t neutral = 1u << (bits - 1);
        for (int y = 0; y < height; y++) {
            const uint8_t *row = plane + (size_t)y * (size_t)stride;
            for (int x = 0; x < width; x++) {
                if ((bits > 8 ? ((const uint16_t *)row)[x] : row[x]) != neutral) return 0;
            }
        }
    }
    return 1;
}

void sd_heif_open(sd_decoder *dec) {
    check_boxes(dec);
    const char *name = dec->info.format == SD_FORMAT_AVIF ? "AVIF" : "HEIF";
    pthread_once(&libheif_once, load_libheif);
    if (!libheif.loaded) sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "HEIF and AVIF need libheif, which could not be loaded: %s", libheif.failure);
    struct heif_context *context = libheif.context_alloc();
    if (context == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "out of memory (libheif)");
    dec->u.heif.context = context;
    /* libheif's own side limit, a safety net behind ours (it refuses a width or height at or
       over the value while reading the boxes, before any image memory): ours are checked on
       the handle below, so that a refusal names the image's size. */
    uint32_t side = dec->limits.max_side;
    libheif.context_set_maximum_image_size_limit(context, side == 0 || side >= INT_MAX - 1 ? INT_MAX
                                                       : side < 65535 ? 65536 : (int)side + 1);
    /* grid tiles on this thread: specdet decodes one image per worker */
    libheif.context_set_max_decoding_threads(context, 0);
    if (dec->len > INT_MAX) sd_fail(&dec->job, SD_FILE_TOO_LARGE, "file is over 2 GiB");
    check(dec, libheif.context_read_from_memory_without_copy(context, dec->data, dec->len, NULL), SD_PHASE_HEADER);
    check(dec, libheif.context_get_primary_image_handle(context, &dec->u.heif.handle), SD_PHASE_HEADER);
    struct heif_image_handle *handle = dec->u.heif.handle;

    int width = libheif.image_handle_get_width(handle), height = libheif.image_handle_get_height(handle);
    if (width <= 0 || height <= 0) sd_fail(&dec->job, SD_INVALID_HEADER, "image is %dx%d pixels", width, height);
    sd_check_dimensions(dec, (uint32_t)width, (uint32_t)height);
    /* the coded image (before cropping and rotation) is what the decoder allocates */
    int coded_width = libheif.image_handle_get_ispe_width(handle), coded_height = libheif.image_handle_get_ispe_height(handle);
    if (coded_width <= 0 || coded_height <= 0) {
        coded_width = width;
        coded_height = height;
    }
    uint64_t coded_pixels = (uint64_t)coded_width * (uint64_t)coded_height;
    if ((dec->limits.max_side > 0 && ((uint32_t)coded_width > dec->limits.max_side || (uint32_t)coded_height > dec->limits.max_side)) ||
        (dec->limits.max_pixels > 0 && coded_pixels > dec->limits.max_pixels)) {
        sd_fail(&dec->job, SD_PIXEL_LIMIT_EXCEEDED, "%dx%d image is coded as %dx%d, over the pixel or side limit", width,
                height, coded_width, coded_height);
    }
    int bits = libheif.image_handle_get_luma_bits_per_pixel(handle);
    if (bits < 8 || bits > 16) {
        sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "%s image with %d-bit samples (8 to 16 are supported)", name, bits);
    }
    int alpha = libheif.image_handle_has_alpha_channel(handle);

    /* The codecs allocate what the streams declare: read every stream header before decoding. */
    sd_heif_plan plan;
    sd_heif_check_streams(dec, (unsigned)bits, &plan);
    if ((int64_t)plan.primary_coded_width > coded_width) coded_width = (int)plan.primary_coded_width;
    if ((int64_t)plan.primary_coded_height > coded_height) coded_height = (int)plan.primary_coded_height;

    /* An identity matrix (matrix_coefficients 0) stores G, B, R in the Y, Cb, Cr planes. */
    struct heif_color_profile_nclx *nclx = NULL;
    struct heif_error nclx_error = libheif.image_handle_get_nclx_color_profile(handle, &nclx);
    if (nclx_error.code == heif_error_Ok && nclx != NULL) {
        dec->u.heif.from_rgb = nclx->matrix_coefficients == heif_matrix_coefficients_RGB_GBR;
    }
    /* libheif 1.15 allocates the profile before it refuses unknown values in it (fuzz
       regression leak-843832bc...): free it whatever the outcome */
    if (nclx != NULL) libheif.nclx_color_profile_free(nclx);
    /* libheif's planes (at most three full ones, plus alpha) and the codec's frame; for a grid
       or another derived image, also its largest tile or input and the canvases between */
    uint64_t planes = (dec->u.heif.from_rgb ? 6 : 4) + (alpha ? 2 : 0);
    sd_check_decoder_memory(dec, (uint64_t)coded_width * (uint64_t)coded_height * sample_bytes((int)plan.primary_depth) * planes +
                                     plan.largest_picture + plan.canvases,
                            "decoding");

    sd_check_clock(&dec->job);
    struct heif_decoding_options *options = libheif.decoding_options_alloc();
    if (options == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "out of memory (libheif)");
    options->convert_hdr_to_8bit = 0;
    options->strict_decoding = 1;
    /* AV1 with libaom, whatever the brand: libheif 1.15's dav1d plugin hands dav1d empty items
       (dav1d complains on stderr) and leaks dav1d's data when decoding fails (fuzz regressions
       leak-14b8e687..., leak-d88dd659...: av01 items behind a 'heic' brand). libheif falls
       back to its best decoder when no plugin of that name handles the codec (HEVC). It passes
       no options to grid tiles and alpha planes: those still go to dav1d. */
    options->decoder_id = "aom";
    /* YCbCr as coded (colorspace "undefined" would have libheif 1.15 convert it to RGB) */
    struct heif_error error = dec->u.heif.from_rgb
        ? libheif.decode_image(handle, &dec->u.heif.image, heif_colorspace_RGB, heif_chroma_444, options)
        : libheif.decode_image(handle, &dec->u.heif.image, heif_colorspace_YCbCr, heif_chroma_undefined, options);
    libheif.decoding_options_free(options);
    check(dec, error, SD_PHASE_PIXELS);
    sd_check_clock(&dec->job);

    struct heif_image *image = dec->u.heif.image;
    enum heif_channel first = dec->u.heif.from_rgb ? heif_channel_R : heif_channel_Y;
    if (libheif.image_get_width(image, first) != width || libheif.image_get_height(image, first) != height) {
        sd_fail(&dec->job, SD_CORRUPT_DATA, "%s: decoded plane is %dx%d, the header says %dx%d", name,
                libheif.image_get_width(image, first), libheif.image_get_height(image, first), width, height);
    }
    int monochrome = !dec->u.heif.from_rgb && neutral_chroma(image);
    dec->info.source_channels = (monochrome ? 1 : 3) + (alpha ? 1 : 0);
}

/* One plane's samples: its bits (8-16), stride in bytes, and rows. */
typedef struct {
    const uint8_t *data;
    int stride;
    int bits;
} plane;

static plane get_plane(sd_decoder *dec, enum heif_channel channel) {
    plane p = {NULL, 0, libheif.image_get_bits_per_pixel_range(dec->u.heif.image, channel)};
    p.data = libheif.image_get_plane_readonly(dec->u.heif.image, channel, &p.stride);
    if (p.data == NULL || p.bits < 8 || p.bits > 16) {
        sd_fail(&dec->job, SD_DECODER_ERROR, "libheif returned no %d-bit plane", p.bits);
    }
    return p;
}

static uint32_t sample(const plane *p, uint32_t x, uint32_t y) {
    const uint8_t *row = p->data + (size_t)y * (size_t)p->stride;
    return p->bits > 8 ? ((const uint16_t *)row)[x] : row[x];
}

void sd_heif_read(sd_decoder *dec, uint8_t *dst) {
    uint32_t width = dec->info.width, height = dec->info.height;
    if (!dec->u.heif.from_rgb) {
        plane y = get_plane(dec, heif_channel_Y);
        for (uint32_t row = 0; row < height; row++) {
            uint8_t *out = dst + (size_t)row * width;
            if (y.bits == 8) {
                memcpy(out, y.data + (size_t)row * (size_t)y.stride, width);
            } else {
                for (uint32_t x = 0; x < width; x++) out[x] = sd_scale_to_8(sample(&y, x, row), (unsigned)y.bits);
            }
        }
        return;
    }
    plane r = get_plane(dec, heif_channel_R), g = get_plane(dec, heif_channel_G), b = get_plane(dec, heif_channel_B);
    if (r.bits != g.bits || r.bits != b.bits) sd_fail(&dec->job, SD_DECODER_ERROR, "RGB planes of different depths");
    for (uint32_t row = 0; row < height; row++) {
        uint8_t *out = dst + (size_t)row * width;
        for (uint32_t x = 0; x < width; x++) {
            uint32_t rv = sample(&r, x, row), gv = sample(&g, x, row), bv = sample(&b, x, row);
            out[x] = r.bits == 8 ? sd_luma8(rv, gv, bv) : sd_scale_to_8(sd_luma16(rv, gv, bv), (unsigned)r.bits);
        }
    }
}

void sd_heif_close(sd_decoder *dec) {
    sd_heif_free_streams(dec);
    if (dec->u.heif.image != NULL) libheif.image_release(dec->u.heif.image);
    if (dec->u.heif.handle != NULL) libheif.image_handle_release(dec->u.heif.handle);
    if (dec->u.heif.context != NULL) libheif.context_free(dec->u.heif.context);
}
