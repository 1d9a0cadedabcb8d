/* Shared by the C glue's files; not visible to Swift. */
#ifndef SD_INTERNAL_H
#define SD_INTERNAL_H

#include <setjmp.h>
#include <stdio.h>
#include <time.h>

#include <jpeglib.h>
#include <png.h>

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
    } u;
};

/* Format back ends. Called inside the setjmp of sd_open_* / sd_read_gray. */
void sd_png_open(sd_decoder *dec);
void sd_png_read(sd_decoder *dec, uint8_t *dst);
void sd_png_close(sd_decoder *dec);
void sd_jpeg_open(sd_decoder *dec);
void sd_jpeg_read(sd_decoder *dec, uint8_t *dst);
void sd_jpeg_close(sd_decoder *dec);

/* Records width and height in dec->info, then checks them against the limits (sd_fail with
   SD_INVALID_HEADER for a zero side, SD_PIXEL_LIMIT_EXCEEDED over a limit). */
void sd_check_dimensions(sd_decoder *dec, uint32_t width, uint32_t height);

#endif
