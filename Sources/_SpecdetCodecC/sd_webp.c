/* WebP back end (libwebp's incremental decoder). */
#include <stdlib.h>
#include <string.h>

#include "sd_internal.h"

/* Bytes handed to libwebp per call: the clock is checked between calls. */
enum { WEBP_STEP = 64 * 1024 };

static uint32_t le24(const uint8_t *p) {
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static uint32_t le32(const uint8_t *p) {
    return le24(p) | (uint32_t)p[3] << 24;
}

static sd_status status_for(VP8StatusCode code) {
    switch (code) {
    case VP8_STATUS_OK: return SD_OK;
    case VP8_STATUS_NOT_ENOUGH_DATA:
    case VP8_STATUS_SUSPENDED: return SD_TRUNCATED;
    case VP8_STATUS_UNSUPPORTED_FEATURE: return SD_UNSUPPORTED_FORMAT;
    case VP8_STATUS_BITSTREAM_ERROR: return SD_CORRUPT_DATA;
    default: return SD_DECODER_ERROR; /* out of memory, invalid parameter, user abort */
    }
}

static const char *status_text(VP8StatusCode code) {
    switch (code) {
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_SUSPENDED:
    case VP8_STATUS_NOT_ENOUGH_DATA: return "data ends early";
    case VP8_STATUS_USER_ABORT: return "aborted";
    default: return "no error";
    }
}

/*
 * The RIFF container must hold what it declares (a file cut short is `truncated` before any
 * decoding), and a VP8X header's canvas is checked against the limits before libwebp parses
 * the frame (a 60000x60000 canvas around a small frame is refused for its size).
 */
static void check_container(sd_decoder *dec) {
    const uint8_t *data = dec->data;
    size_t len = dec->len;
    uint64_t declared = (uint64_t)le32(data + 4) + 8;
    if (declared > len) {
        sd_fail(&dec->job, SD_TRUNCATED, "file ends inside the RIFF container (declares %llu bytes, has %zu)",
                (unsigned long long)declared, len);
    }
    if (len >= 30 && memcmp(data + 12, "VP8X", 4) == 0) {
        sd_check_dimensions(dec, le24(data + 24) + 1, le24(data + 27) + 1);
    }
}

void sd_webp_open(sd_decoder *dec) {
    check_container(dec);
    WebPBitstreamFeatures features;
    VP8StatusCode code = WebPGetFeatures(dec->data, dec->len, &features);
    if (code != VP8_STATUS_OK) {
        /* the header itself: damaged structure, or too short to hold it */
        sd_fail(&dec->job, code == VP8_STATUS_NOT_ENOUGH_DATA ? SD_TRUNCATED
                           : code == VP8_STATUS_UNSUPPORTED_FEATURE ? SD_UNSUPPORTED_FORMAT
                                                                    : SD_INVALID_HEADER,
                "WebP header: %s", status_text(code));
    }
    if (features.width <= 0 || features.height <= 0) {
        sd_fail(&dec->job, SD_INVALID_HEADER, "image is %dx%d pixels", features.width, features.height);
    }
    sd_check_dimensions(dec, (uint32_t)features.width, (uint32_t)features.height);
    if (features.has_animation) {
        sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT,
                "animated WebP is not supported (frames are composited on a canvas; extract one as PNG)");
    }
    dec->u.webp.lossless = features.format == 2;
    dec->info.source_channels = features.has_alpha ? 4 : 3;

    uint64_t pixels = (uint64_t)features.width * (uint64_t)features.height;
    if (dec->u.webp.lossless) {
        /* libwebp's ARGB image (4 bytes a pixel) and the RGB output (3) */
        sd_check_decoder_memory(dec, pixels * 7, "lossless WebP decoding");
    } else {
        /* the two chroma planes beside the Y plane written into the output */
        uint64_t chroma = (uint64_t)((features.width + 1) / 2) * (uint64_t)((features.height + 1) / 2);
        sd_check_decoder_memory(dec, chroma * 2, "the WebP chroma planes");
    }
}

void sd_webp_read(sd_decoder *dec, uint8_t *dst) {
    uint32_t width = dec->info.width, height = dec->info.height;
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) sd_fail(&dec->job, SD_DECODER_ERROR, "libwebp version mismatch");
    WebPDecBuffer *out = &config.output;
    out->is_external_memory = 1;
    size_t chroma_width = (width + 1) / 2, chroma_height = (height + 1) / 2;
    if (dec->u.webp.lossless) {
        out->colorspace = MODE_RGB; /* alpha dropped, not composited */
        size_t size = (size_t)width * height * 3;
        if ((dec->u.webp.rgb = malloc(size)) == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "out of memory");
        out->u.RGBA.rgba = dec->u.webp.rgb;
        out->u.RGBA.stride = (int)width * 3;
        out->u.RGBA.size = size;
    } else {
        out->colorspace = MODE_YUV; /* no alpha plane: the Y plane goes straight into dst */
        size_t plane = chroma_width * chroma_height;
        if ((dec->u.webp.chroma = malloc(plane * 2)) == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "out of memory");
        out->u.YUVA.y = dst;
        out->u.YUVA.y_stride = (int)width;
        out->u.YUVA.y_size = (size_t)width * height;
        out->u.YUVA.u = dec->u.webp.chroma;
        out->u.YUVA.v = dec->u.webp.chroma + plane;
        out->u.YUVA.u_stride = out->u.YUVA.v_stride = (int)chroma_width;
        out->u.YUVA.u_size = out->u.YUVA.v_size = plane;
    }

    dec->u.webp.idec = WebPIDecode(NULL, 0, &config);
    if (dec->u.webp.idec == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "libwebp refused the decoder configuration");
    VP8StatusCode code = VP8_STATUS_SUSPENDED;
    size_t fed = 0;
    while (code == VP8_STATUS_SUSPENDED && fed < dec->len) {
        fed = dec->len - fed > WEBP_STEP ? fed + WEBP_STEP : dec->len;
        code = WebPIUpdate(dec->u.webp.idec, dec->data, fed);
        sd_check_clock(&dec->job);
    }
    if (code != VP8_STATUS_OK) {
        sd_fail(&dec->job, status_for(code), "WebP %s data: %s", dec->u.webp.lossless ? "lossless" : "lossy",
                status_text(code));
    }
    if (dec->u.webp.lossless) {
        const uint8_t *rgb = dec->u.webp.rgb;
        for (size_t i = 0, n = (size_t)width * height; i < n; i++, rgb += 3) {
            dst[i] = sd_luma8(rgb[0], rgb[1], rgb[2]);
        }
    }
}

void sd_webp_close(sd_decoder *dec) {
    if (dec->u.webp.idec != NULL) WebPIDelete(dec->u.webp.idec);
    free(dec->u.webp.chroma);
    free(dec->u.webp.rgb);
}
