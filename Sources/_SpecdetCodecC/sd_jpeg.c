/* JPEG back end (libjpeg-turbo) and the JPEG encoder. */
#include <limits.h>
#include <stdlib.h>

#include "sd_internal.h"

#include <jerror.h>

/* libjpeg's error codes -> status. Codes not listed are API misuse or internal errors. */
static const struct {
    int code;
    sd_status status;
} jpeg_errors[] = {
    {JERR_NO_SOI, SD_UNKNOWN_FORMAT},
    {JERR_BAD_PRECISION, SD_UNSUPPORTED_FORMAT},      /* 12-bit, 16-bit */
    {JERR_SOF_UNSUPPORTED, SD_UNSUPPORTED_FORMAT},    /* lossless, hierarchical */
    {JERR_ARITH_NOTIMPL, SD_UNSUPPORTED_FORMAT},
    {JERR_NOT_COMPILED, SD_UNSUPPORTED_FORMAT},
    {JERR_NOTIMPL, SD_UNSUPPORTED_FORMAT},
    {JERR_CONVERSION_NOTIMPL, SD_UNSUPPORTED_FORMAT},
    {JERR_CCIR601_NOTIMPL, SD_UNSUPPORTED_FORMAT},
    {JERR_COMPONENT_COUNT, SD_UNSUPPORTED_FORMAT},
    {JERR_FRACT_SAMPLE_NOTIMPL, SD_UNSUPPORTED_FORMAT},
    {JERR_IMAGE_TOO_BIG, SD_PIXEL_LIMIT_EXCEEDED},
    {JERR_WIDTH_OVERFLOW, SD_PIXEL_LIMIT_EXCEEDED},
    {JERR_NO_BACKING_STORE, SD_PIXEL_LIMIT_EXCEEDED}, /* over mem->max_memory_to_use */
    {JERR_INPUT_EOF, SD_TRUNCATED},
    {JERR_INPUT_EMPTY, SD_TRUNCATED},
    {JERR_BAD_DCT_COEF, SD_CORRUPT_DATA},
    {JERR_BAD_COMPONENT_ID, SD_INVALID_HEADER},
    {JERR_BAD_HUFF_TABLE, SD_INVALID_HEADER},
    {JERR_BAD_LENGTH, SD_INVALID_HEADER},
    {JERR_BAD_MCU_SIZE, SD_INVALID_HEADER},
    {JERR_BAD_PROGRESSION, SD_INVALID_HEADER},
    {JERR_BAD_SAMPLING, SD_INVALID_HEADER},
    {JERR_DAC_INDEX, SD_INVALID_HEADER},
    {JERR_DAC_VALUE, SD_INVALID_HEADER},
    {JERR_DHT_INDEX, SD_INVALID_HEADER},
    {JERR_DQT_INDEX, SD_INVALID_HEADER},
    {JERR_EMPTY_IMAGE, SD_INVALID_HEADER},
    {JERR_EOI_EXPECTED, SD_INVALID_HEADER},
    {JERR_MISMATCHED_QUANT_TABLE, SD_INVALID_HEADER},
    {JERR_NO_ARITH_TABLE, SD_INVALID_HEADER},
    {JERR_NO_HUFF_TABLE, SD_INVALID_HEADER},
    {JERR_NO_IMAGE, SD_INVALID_HEADER},
    {JERR_NO_QUANT_TABLE, SD_INVALID_HEADER},
    {JERR_SOF_DUPLICATE, SD_INVALID_HEADER},
    {JERR_SOF_NO_SOS, SD_INVALID_HEADER},
    {JERR_SOI_DUPLICATE, SD_INVALID_HEADER},
    {JERR_SOS_NO_SOF, SD_INVALID_HEADER},
    {JERR_UNKNOWN_MARKER, SD_INVALID_HEADER},
};

static sd_status jpeg_status_for(int code) {
    for (size_t i = 0; i < sizeof jpeg_errors / sizeof jpeg_errors[0]; i++) {
        if (jpeg_errors[i].code == code) return jpeg_errors[i].status;
    }
    return SD_DECODER_ERROR;
}

_Noreturn static void fail_with_jpeg_message(j_common_ptr cinfo, sd_status status) {
    sd_job *job = cinfo->client_data;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    sd_fail(job, status, "%s", text);
}

static void on_jpeg_error(j_common_ptr cinfo) {
    sd_decoder *dec = cinfo->client_data;
    if (cinfo->err->msg_code == JERR_IMAGE_TOO_BIG) {
        /* libjpeg's own bound, met in jpeg_read_header before ours: record the size, then
           say it in the words of sd_check_dimensions. */
        uint32_t width = dec->u.jpeg.cinfo.image_width, height = dec->u.jpeg.cinfo.image_height;
        sd_check_dimensions(dec, width, height);
        sd_fail(&dec->job, SD_PIXEL_LIMIT_EXCEEDED, "%ux%u image: a side is over libjpeg's %u-pixel limit",
                width, height, (unsigned)JPEG_MAX_DIMENSION);
    }
    if (cinfo->err->msg_code == JERR_NO_BACKING_STORE) {
        sd_fail(&dec->job, SD_PIXEL_LIMIT_EXCEEDED,
                "image needs more than the %llu MiB decoder memory limit",
                (unsigned long long)(dec->limits.max_decoder_memory >> 20));
    }
    fail_with_jpeg_message(cinfo, jpeg_status_for(cinfo->err->msg_code));
}

/*
 * Warnings (level < 0) keep the image, except those that mean the data ran out: libjpeg would
 * fill the rest of the image with gray and carry on. JWRN_JPEG_EOF is the end of the input;
 * JWRN_HIT_MARKER is a scan's data ending before its last MCU, which is truncation unless
 * the marker hit is a restart marker: then one restart interval is short or missing inside an
 * otherwise complete stream, libjpeg resynchronises at the marker, and the image is kept with
 * a warning (MANIFEST: jpeg_rst_out_of_order decodes, flagged).
 */
static void on_jpeg_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return; /* trace messages */
    int code = cinfo->err->msg_code;
    if (code == JWRN_JPEG_EOF) fail_with_jpeg_message(cinfo, SD_TRUNCATED);
    if (code == JWRN_HIT_MARKER && cinfo->is_decompressor) {
        int marker = ((j_decompress_ptr)cinfo)->unread_marker;
        if (marker < 0xD0 || marker > 0xD7) fail_with_jpeg_message(cinfo, SD_TRUNCATED);
    }
    sd_job *job = cinfo->client_data;
    job->warnings++;
    cinfo->err->num_warnings++;
}

/* Called between input scans' iMCU rows and per jpeg_read_scanlines call. */
static void on_jpeg_progress(j_common_ptr cinfo) {
    sd_decoder *dec = cinfo->client_data;
    uint32_t max_scans = dec->limits.max_scans;
    int scans = ((j_decompress_ptr)cinfo)->input_scan_number;
    if (max_scans > 0 && scans > 0 && (uint32_t)scans > max_scans) {
        sd_fail(&dec->job, SD_SCAN_LIMIT_EXCEEDED, "more than %u scan%s (the limit)", max_scans, max_scans == 1 ? "" : "s");
    }
    sd_check_clock(&dec->job);
}

static int is_cmyk(j_decompress_ptr cinfo) {
    return cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
}

void sd_jpeg_open(sd_decoder *dec) {
    j_decompress_ptr cinfo = &dec->u.jpeg.cinfo;
    cinfo->err = jpeg_std_error(&dec->u.jpeg.err);
    dec->u.jpeg.err.error_exit = on_jpeg_error;
    dec->u.jpeg.err.emit_message = on_jpeg_message;
    cinfo->client_data = dec; /* dec->job is its first member: also an sd_job * */
    jpeg_create_decompress(cinfo);
    if (dec->limits.max_decoder_memory > 0) {
        cinfo->mem->max_memory_to_use =
            dec->limits.max_decoder_memory > LONG_MAX ? LONG_MAX : (long)dec->limits.max_decoder_memory;
    }
    dec->u.jpeg.progress.progress_monitor = on_jpeg_progress;
    cinfo->progress = &dec->u.jpeg.progress;
    jpeg_mem_src(cinfo, dec->data, (unsigned long)dec->len);

    jpeg_read_header(cinfo, TRUE);
    sd_check_dimensions(dec, cinfo->image_width, cinfo->image_height);
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
    case JCS_CMYK:
    case JCS_YCCK:
        break;
    default:
        sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "JPEG with %d components of unknown colour space",
                cinfo->num_components);
    }
    dec->info.source_channels = (uint32_t)cinfo->num_components;

    cinfo->out_color_space = is_cmyk(cinfo) ? JCS_CMYK : JCS_GRAYSCALE;
    /* Here, before the caller allocates the output: a multi-scan file is read whole into a
       coefficient buffer bounded by max_memory_to_use, its scans counted by the progress
       monitor. */
    jpeg_start_decompress(cinfo);
    if (cinfo->output_width != cinfo->image_width || cinfo->output_height != cinfo->image_height ||
        cinfo->output_components != (is_cmyk(cinfo) ? 4 : 1)) {
        sd_fail(&dec->job, SD_DECODER_ERROR, "libjpeg's output does not match the header");
    }
}

/* Adobe inverted CMYK (255 = no ink) to luma, exactly as OpenCV's icvCvt_CMYK2Gray_8u_C4C1R. */
static void cmyk_row_to_luma(const JSAMPLE *cmyk, uint8_t *luma, uint32_t width) {
    for (uint32_t x = 0; x < width; x++, cmyk += 4) {
        int k = cmyk[3];
        int r = k - ((255 - cmyk[0]) * k >> 8);
        int g = k - ((255 - cmyk[1]) * k >> 8);
        int b = k - ((255 - cmyk[2]) * k >> 8);
        luma[x] = (uint8_t)((4899 * r + 9617 * g + 1868 * b + 8192) >> 14);
    }
}

void sd_jpeg_read(sd_decoder *dec, uint8_t *dst) {
    j_decompress_ptr cinfo = &dec->u.jpeg.cinfo;
    int cmyk = is_cmyk(cinfo);
    uint32_t width = dec->info.width, height = dec->info.height;
    JSAMPARRAY cmyk_row = NULL;
    if (cmyk) {
        cmyk_row = (*cinfo->mem->alloc_sarray)((j_common_ptr)cinfo, JPOOL_IMAGE, width * 4, 1);
    }
    while (cinfo->output_scanline < height) {
        uint32_t y = cinfo->output_scanline;
        JDIMENSION got;
        if (cmyk) {
            got = jpeg_read_scanlines(cinfo, cmyk_row, 1);
            if (got == 1) cmyk_row_to_luma(cmyk_row[0], dst + (size_t)y * width, width);
        } else {
            JSAMPROW rows[16];
            JDIMENSION count = height - y < 16 ? height - y : 16;
            for (JDIMENSION i = 0; i < count; i++) rows[i] = dst + (size_t)(y + i) * width;
            got = jpeg_read_scanlines(cinfo, rows, count);
        }
        if (got == 0) sd_fail(&dec->job, SD_DECODER_ERROR, "libjpeg returned no rows");
    }
    /* reads on to EOI: a missing EOI is a premature end (JWRN_JPEG_EOF) */
    jpeg_finish_decompress(cinfo);
}

void sd_jpeg_close(sd_decoder *dec) {
    /* safe on a struct jpeg_create_decompress never filled: mem is still NULL */
    jpeg_destroy_decompress(&dec->u.jpeg.cinfo);
}

/* ---- encoder ---------------------------------------------------------------------------- */

typedef struct {
    sd_job job;
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr err;
    unsigned char *buffer;
    unsigned long size;
} jpeg_encoder;

static void on_jpeg_encode_error(j_common_ptr cinfo) {
    int code = cinfo->err->msg_code;
    fail_with_jpeg_message(cinfo, code == JERR_IMAGE_TOO_BIG ? SD_PIXEL_LIMIT_EXCEEDED : SD_DECODER_ERROR);
}

sd_status sd_encode_jpeg(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                         uint8_t **out, size_t *out_len, char *msg, size_t msgcap) {
    *out = NULL;
    *out_len = 0;
    jpeg_encoder *enc = calloc(1, sizeof *enc);
    if (enc == NULL) {
        if (msg != NULL && msgcap > 0) snprintf(msg, msgcap, "out of memory");
        return SD_DECODER_ERROR;
    }
    j_compress_ptr cinfo = &enc->cinfo;
    cinfo->err = jpeg_std_error(&enc->err);
    enc->err.error_exit = on_jpeg_encode_error;
    enc->err.emit_message = on_jpeg_message;
    cinfo->client_data = &enc->job;
    if (setjmp(enc->job.jmp) == 0) {
        jpeg_create_compress(cinfo);
        jpeg_mem_dest(cinfo, &enc->buffer, &enc->size);
        cinfo->image_width = width;
        cinfo->image_height = height;
        cinfo->input_components = 1;
        cinfo->in_color_space = JCS_GRAYSCALE;
        jpeg_set_defaults(cinfo);
        jpeg_set_quality(cinfo, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
        jpeg_start_compress(cinfo, TRUE);
        while (cinfo->next_scanline < height) {
            /* libjpeg only reads the rows; its API is not const-qualified */
            JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo->next_scanline * width);
            jpeg_write_scanlines(cinfo, &row, 1);
        }
        jpeg_finish_compress(cinfo);
        *out = enc->buffer;
        *out_len = enc->size;
        enc->buffer = NULL;
    }
    sd_status status = sd_report(&enc->job, msg, msgcap);
    jpeg_destroy_compress(cinfo);
    free(enc->buffer);
    free(enc);
    return status;
}
