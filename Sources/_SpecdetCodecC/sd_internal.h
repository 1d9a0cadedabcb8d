/* Shared by the C glue's files; not visible to Swift. */
#ifndef SD_INTERNAL_H
#define SD_INTERNAL_H

#include <setjmp.h>
#include <stdio.h>
#include <time.h>

#include <jpeglib.h>
#include <libheif/heif.h>
#include <png.h>
#include <tiffio.h>
#include <webp/decode.h>

#include "sd_decode.h"

enum { SD_MESSAGE_CAPACITY = 256 };

/*
 * The failure channel of one decode or encode call. The sd_* function that calls into
 * libpng/libjpeg does `setjmp(job->jmp)`; library error callbacks and our own checks end in
 * sd_fail, which records the status and message and longjmps there.
 */
typedef struct sd_job {
    jmp_buf jmp;
    sd_status status;
    char message[SD_MESSAGE_CAPACITY];
    uint32_t warnings;
    int has_deadline;
    struct timespec deadline;
} sd_job;

/* Records status and message, then longjmps to job->jmp. */
_Noreturn void sd_fail(sd_job *job, sd_status status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Records status and message without jumping (for failures outside a setjmp). */
void sd_record(sd_job *job, sd_status status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Starts the clock for limits->max_decode_ms (no budget when 0). */
void sd_start_clock(sd_job *job, uint32_t max_decode_ms);

/* sd_fail with SD_TIME_LIMIT_EXCEEDED once the budget is spent. */
void sd_check_clock(sd_job *job);

/* Copies the job's status and message to the caller; returns the status. */
sd_status sd_report(const sd_job *job, char *msg, size_t msgcap);

/* Where a PNG decoder is in its stream; picks the code for errors libpng gives only as text. */
typedef enum sd_phase {
    SD_PHASE_HEADER,   /* structure and metadata before the first pixel row */
    SD_PHASE_PIXELS    /* compressed pixel data and the rest of the stream */
} sd_phase;

struct sd_decoder {
    sd_job job;
    sd_limits limits;
    sd_info info;
    int read_started;
    const uint8_t *data;
    size_t len;
    uint8_t *owned;    /* file contents read by sd_open_file, else NULL */
    union {
        struct {
            png_structp png;
            png_infop info;
            size_t pos;
            int eof;
            int passes;
            sd_phase phase;
        } png;
        struct {
            struct jpeg_decompress_struct cinfo;
            struct jpeg_error_mgr err;
            struct jpeg_progress_mgr progress;
        } jpeg;
        struct {
            int lossless;
            uint8_t *chroma;        /* lossy: the U and V planes libwebp writes beside our Y */
            uint8_t *rgb;           /* lossless: the RGB image, converted to luma row by row */
            WebPIDecoder *idec;
        } webp;
        struct {
            struct heif_context *context;
            struct heif_image_handle *handle;
            struct heif_image *image;   /* decoded in sd_heif_open (see sd_heif.c) */
            int from_rgb;               /* identity matrix: luma from R, G, B planes */
            struct sd_heif_streams *streams; /* sd_heif_streams.c's index, while it runs */
        } heif;
        struct {
            TIFF *tif;
            TIFFOpenOptions *options;
            size_t pos;                 /* libtiff's read position in data */
            uint8_t *buffer;            /* one decoded strip or tile */
            sd_phase phase;
            sd_status first_status;     /* the first error libtiff reported, and its text */
            char first_error[SD_MESSAGE_CAPACITY];
            uint16_t photometric, bits, samples;
            uint16_t *colormap[3];
            unsigned colormap_shift;    /* 8 for a 16-bit colour map, 0 for an 8-bit one */
        } tiff;
    } u;
};

/* Format back ends. Called inside the setjmp of sd_open_* / sd_read_gray. */
void sd_png_open(sd_decoder *dec);
void sd_png_read(sd_decoder *dec, uint8_t *dst);
void sd_png_close(sd_decoder *dec);
void sd_jpeg_open(sd_decoder *dec);
void sd_jpeg_read(sd_decoder *dec, uint8_t *dst);
void sd_jpeg_close(sd_decoder *dec);
void sd_webp_open(sd_decoder *dec);
void sd_webp_read(sd_decoder *dec, uint8_t *dst);
void sd_webp_close(sd_decoder *dec);
void sd_heif_open(sd_decoder *dec);
void sd_heif_read(sd_decoder *dec, uint8_t *dst);
void sd_heif_close(sd_decoder *dec);

/* What sd_heif_check_streams found: the memory the decode needs beside the primary's planes. */
typedef struct sd_heif_plan {
    uint32_t primary_coded_width;   /* the largest picture the primary's streams declare (0 for */
    uint32_t primary_coded_height;  /* a derived primary: grid, iden, iovl) */
    unsigned primary_depth;         /* bits per sample: the handle's, or its stream's if larger */
    uint64_t largest_picture;       /* bytes: the largest other picture a codec is handed (a
                                       tile, an alpha plane, an input), its frame and its copy */
    uint64_t canvases;              /* bytes: the derived images' canvases other than the primary */
    unsigned pictures;              /* stream headers checked */
} sd_heif_plan;

/* Reads the stream header of every picture the decode of the primary image will reach (see
   sd_heif_streams.c) and checks it against its ispe and the limits; sd_fail on a refusal. */
void sd_heif_check_streams(sd_decoder *dec, unsigned primary_depth, sd_heif_plan *plan);
void sd_heif_free_streams(sd_decoder *dec);
void sd_tiff_open(sd_decoder *dec);
void sd_tiff_read(sd_decoder *dec, uint8_t *dst);
void sd_tiff_close(sd_decoder *dec);

/* libpng's png_set_rgb_to_gray(png, 1, 0.299, 0.587) without gamma: the integer weights
   9797/19234/3737 of 32768, truncated for 8-bit samples, rounded for 16-bit ones. */
static inline uint8_t sd_luma8(uint32_t r, uint32_t g, uint32_t b) {
    return (uint8_t)((9797 * r + 19234 * g + 3737 * b) >> 15);
}
static inline uint32_t sd_luma16(uint32_t r, uint32_t g, uint32_t b) {
    return (9797 * r + 19234 * g + 3737 * b + 16384) >> 15;
}

/* A sample of `bits` (9..16) bits scaled to 8 bits, rounded to nearest: v * 255 / (2^bits - 1)
   (ties cannot occur: the divisor is odd). For 16 bits this equals libpng's png_set_scale_16,
   (v * 255 + 32895) >> 16. */
static inline uint8_t sd_scale_to_8(uint32_t v, unsigned bits) {
    uint32_t max = (1u << bits) - 1;
    return (uint8_t)((v * 255 + max / 2) / max);
}

/* Bytes of decoder memory a format back end is about to need, checked against
   limits->max_decoder_memory (sd_fail with SD_PIXEL_LIMIT_EXCEEDED over it). */
void sd_check_decoder_memory(sd_decoder *dec, uint64_t bytes, const char *what);

/* Records width and height in dec->info, then checks them against the limits (sd_fail with
   SD_INVALID_HEADER for a zero side, SD_PIXEL_LIMIT_EXCEEDED over a limit). */
void sd_check_dimensions(sd_decoder *dec, uint32_t width, uint32_t height);

#endif
