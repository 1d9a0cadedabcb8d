/* Public entry points: file access, format sniffing, dispatch to the format back ends. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sd_internal.h"

/* ---- the failure channel ---------------------------------------------------------------- */

static void sd_vrecord(sd_job *job, sd_status status, const char *format, va_list args) {
    job->status = status;
    vsnprintf(job->message, sizeof job->message, format, args);
    /* one line: libraries' messages never contain newlines, but keep the promise anyway */
    for (char *c = job->message; *c; c++) {
        if (*c == '\n' || *c == '\r') *c = ' ';
    }
}

void sd_record(sd_job *job, sd_status status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    sd_vrecord(job, status, format, args);
    va_end(args);
}

_Noreturn void sd_fail(sd_job *job, sd_status status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    sd_vrecord(job, status, format, args);
    va_end(args);
    longjmp(job->jmp, 1);
}

void sd_start_clock(sd_job *job, uint32_t max_decode_ms) {
    job->has_deadline = max_decode_ms > 0;
    if (!job->has_deadline) return;
    clock_gettime(CLOCK_MONOTONIC, &job->deadline);
    job->deadline.tv_sec += max_decode_ms / 1000;
    job->deadline.tv_nsec += (long)(max_decode_ms % 1000) * 1000000L;
    if (job->deadline.tv_nsec >= 1000000000L) {
        job->deadline.tv_sec += 1;
        job->deadline.tv_nsec -= 1000000000L;
    }
}

void sd_check_clock(sd_job *job) {
    if (!job->has_deadline) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > job->deadline.tv_sec ||
        (now.tv_sec == job->deadline.tv_sec && now.tv_nsec > job->deadline.tv_nsec)) {
        sd_fail(job, SD_TIME_LIMIT_EXCEEDED, "decoding took longer than the time limit");
    }
}

sd_status sd_report(const sd_job *job, char *msg, size_t msgcap) {
    if (msg != NULL && msgcap > 0) {
        if (job->status == SD_OK) {
            msg[0] = '\0';
        } else {
            snprintf(msg, msgcap, "%s", job->message);
        }
    }
    return job->status;
}

void sd_check_dimensions(sd_decoder *dec, uint32_t width, uint32_t height) {
    const sd_limits *limits = &dec->limits;
    /* Kept also when a check fails, so the caller can say how large the refused image is. */
    dec->info.width = width;
    dec->info.height = height;
    if (width == 0 || height == 0) {
        sd_fail(&dec->job, SD_INVALID_HEADER, "image is %ux%u pixels", width, height);
    }
    if (limits->max_side > 0 && (width > limits->max_side || height > limits->max_side)) {
        sd_fail(&dec->job, SD_PIXEL_LIMIT_EXCEEDED, "%ux%u image: a side is over the %u-pixel limit",
                width, height, limits->max_side);
    }
    uint64_t pixels = (uint64_t)width * height;
    if (limits->max_pixels > 0 && pixels > limits->max_pixels) {
        sd_fail(&dec->job, SD_PIXEL_LIMIT_EXCEEDED,
                "%ux%u image has %llu pixels, over the %llu-pixel limit", width, height,
                (unsigned long long)pixels, (unsigned long long)limits->max_pixels);
    }
}

void sd_check_decoder_memory(sd_decoder *dec, uint64_t bytes, const char *what) {
    uint64_t limit = dec->limits.max_decoder_memory;
    if (limit > 0 && bytes > limit) {
        sd_fail(&dec->job, SD_PIXEL_LIMIT_EXCEEDED,
                "%ux%u image needs %llu MiB for %s, over the %llu MiB decoder memory limit", dec->info.width,
                dec->info.height, (unsigned long long)((bytes + (1u << 20) - 1) >> 20), what,
                (unsigned long long)(limit >> 20));
    }
}

/* ---- sniffing --------------------------------------------------------------------------- */

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
static const uint8_t jpeg_signature[3] = {0xFF, 0xD8, 0xFF};

/* Formats recognised only to say so. '?' in a pattern matches any byte. */
static const struct {
    const char *pattern;
    size_t length;
    const char *name;
} unsupported_signatures[] = {
    {"GIF87a", 6, "GIF"},
    {"GIF89a", 6, "GIF"},
    {"\0\0\0\x0CjP  \r\n\x87\n", 12, "JPEG 2000"},
    {"\xFF\x4F\xFF\x51", 4, "JPEG 2000"},
    {"\xFF\x0A", 2, "JPEG XL"},
    {"\0\0\0\x0CJXL \r\n\x87\n", 12, "JPEG XL"},
    {"\xFF\xD8\xFF\xF7", 4, "JPEG-LS"},
    {"8BPS", 4, "Photoshop"},
    {"qoif", 4, "QOI"},
    {"\x8AMNG\r\n\x1A\n", 8, "MNG"},
    {"\x8BJNG\r\n\x1A\n", 8, "JNG"},
    {"\x76\x2F\x31\x01", 4, "OpenEXR"},
};

static int matches(const uint8_t *data, size_t len, const char *pattern, size_t length) {
    if (len < length) return 0;
    for (size_t i = 0; i < length; i++) {
        if (pattern[i] != '?' && (uint8_t)pattern[i] != data[i]) return 0;
    }
    return 1;
}

/* "BM" alone is too weak: also require a known DIB header size at offset 14. */
static int is_bmp(const uint8_t *data, size_t len) {
    if (len < 18 || data[0] != 'B' || data[1] != 'M') return 0;
    uint32_t dib = data[14] | data[15] << 8 | (uint32_t)data[16] << 16 | (uint32_t)data[17] << 24;
    return dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124;
}

/* Netpbm: "P1".."P7" and a whitespace byte. */
static int is_netpbm(const uint8_t *data, size_t len) {
    return len >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7' &&
           (data[2] == ' ' || data[2] == '\n' || data[2] == '\r' || data[2] == '\t');
}

static const char supported_formats[] = "PNG, JPEG, WebP, HEIF, AVIF and TIFF";

/* Signatures of the decoded formats besides PNG and JPEG (BigTIFF: version 43). */
static int is_webp(const uint8_t *data, size_t len) {
    return matches(data, len, "RIFF????WEBP", 12);
}

static int is_tiff(const uint8_t *data, size_t len) {
    return matches(data, len, "II*\0", 4) || matches(data, len, "MM\0*", 4) ||
           matches(data, len, "II+\0", 4) || matches(data, len, "MM\0+", 4);
}

/*
 * An ISO base media file whose ftyp box names a HEIF image brand, as major or compatible
 * brand: SD_FORMAT_AVIF for avif/avis, SD_FORMAT_HEIF for the HEVC and generic image brands
 * (mif1, msf1, heic, heix, heim, heis, hevc, hevx, hevm, hevs), else 0. A file with both
 * kinds of brand is what its major brand says, or HEIF (libheif reads either).
 */
static sd_format heif_kind(const uint8_t *data, size_t len) {
    if (len < 16 || memcmp(data + 4, "ftyp", 4) != 0) return 0;
    uint32_t box = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
    if (box < 16) return 0;
    size_t end = box < len ? box : len;
    static const char *const avif_brands[] = {"avif", "avis"};
    static const char *const heif_brands[] = {"mif1", "msf1", "heic", "heix", "heim", "heis",
                                              "hevc", "hevx", "hevm", "hevs"};
    int avif = 0, heif = 0;
    /* major brand at 8, minor version at 12, compatible brands from 16 */
    for (size_t at = 8; at + 4 <= end; at += at == 8 ? 8 : 4) {
        for (size_t i = 0; i < sizeof avif_brands / sizeof avif_brands[0]; i++) {
            if (memcmp(data + at, avif_brands[i], 4) == 0) {
                if (at == 8) return SD_FORMAT_AVIF;
                avif = 1;
            }
        }
        for (size_t i = 0; i < sizeof heif_brands / sizeof heif_brands[0]; i++) {
            if (memcmp(data + at, heif_brands[i], 4) == 0) {
                if (at == 8 && memcmp(data + at, "mif1", 4) != 0 && memcmp(data + at, "msf1", 4) != 0) {
                    return SD_FORMAT_HEIF;
                }
                heif = 1;
            }
        }
    }
    return avif ? SD_FORMAT_AVIF : heif ? SD_FORMAT_HEIF : 0;
}

/* Decides the format from the content and opens the back end, or fails. */
static void sniff_and_open(sd_decoder *dec) {
    const uint8_t *data = dec->data;
    size_t len = dec->len;
    if (len == 0) sd_fail(&dec->job, SD_EMPTY_FILE, "file is empty");

    for (size_t i = 0; i < sizeof unsupported_signatures / sizeof unsupported_signatures[0]; i++) {
        if (matches(data, len, unsupported_signatures[i].pattern, unsupported_signatures[i].length)) {
            sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "%s images are not supported (only %s)",
                    unsupported_signatures[i].name, supported_formats);
        }
    }
    if (is_bmp(data, len)) {
        sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "BMP images are not supported (only %s)", supported_formats);
    }
    if (is_netpbm(data, len)) {
        sd_fail(&dec->job, SD_UNSUPPORTED_FORMAT, "Netpbm images are not supported (only %s)", supported_formats);
    }

    if (len >= sizeof png_signature && memcmp(data, png_signature, sizeof png_signature) == 0) {
        dec->info.format = SD_FORMAT_PNG;
        sd_png_open(dec);
        return;
    }
    if (len >= sizeof jpeg_signature && memcmp(data, jpeg_signature, sizeof jpeg_signature) == 0) {
        dec->info.format = SD_FORMAT_JPEG;
        sd_jpeg_open(dec);
        return;
    }
    if (is_webp(data, len)) {
        dec->info.format = SD_FORMAT_WEBP;
        sd_webp_open(dec);
        return;
    }
    if (is_tiff(data, len)) {
        dec->info.format = SD_FORMAT_TIFF;
        sd_tiff_open(dec);
        return;
    }
    sd_format heif = heif_kind(data, len);
    if (heif != 0) {
        dec->info.format = heif;
        sd_heif_open(dec);
        return;
    }
    /* An IHDR chunk where a PNG has it, behind a signature that differs: a PNG whose first
       bytes were damaged, typically by an ASCII-mode transfer (CR/LF translation). */
    if (len >= 16 && memcmp(data + 12, "IHDR", 4) == 0) {
        sd_fail(&dec->job, SD_INVALID_HEADER,
                "damaged PNG signature %02x %02x %02x %02x %02x %02x %02x %02x "
                "(text-mode or 7-bit transfer?)",
                data[0], data[1], data[2], data[3], data[4], data[5], data[6], data[7]);
    }
    /* A file that is all a decoded format's signature, cut short. */
    static const struct {
        const char *pattern;
        size_t length;
        const char *name;
    } prefixes[] = {
        {"\x89PNG\r\n\x1A\n", 8, "PNG"}, {"\xFF\xD8\xFF", 3, "JPEG"}, {"RIFF????WEBP", 12, "WebP"},
        {"II*\0", 4, "TIFF"},           {"MM\0*", 4, "TIFF"},
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        if (len < prefixes[i].length && matches(data, len, prefixes[i].pattern, len)) {
            sd_fail(&dec->job, SD_TRUNCATED, "file ends inside the %zu-byte %s signature", prefixes[i].length,
                    prefixes[i].name);
        }
    }
    char start[3 * 4] = "";
    for (size_t i = 0, at = 0; i < len && i < 4; i++) {
        at += (size_t)snprintf(start + at, sizeof start - at, i ? " %02x" : "%02x", data[i]);
    }
    sd_fail(&dec->job, SD_UNKNOWN_FORMAT, "not a PNG, JPEG, WebP, HEIF, AVIF or TIFF file (starts with %s)", start);
}

/* ---- file access ------------------------------------------------------------------------ */

static const char *file_type_name(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "a special file";
}

static void format_bytes(char *out, size_t cap, uint64_t bytes) {
    if (bytes >= (1ull << 30)) {
        snprintf(out, cap, "%.1f GiB", (double)bytes / (1ull << 30));
    } else if (bytes >= (1ull << 20)) {
        snprintf(out, cap, "%.1f MiB", (double)bytes / (1ull << 20));
    } else {
        snprintf(out, cap, "%llu bytes", (unsigned long long)bytes);
    }
}

/* Maps a failed stat/open/read of `path` (relative to `dir`) to a status. */
static sd_status record_errno(sd_job *job, int dir, const char *path, int error) {
    struct stat link;
    switch (error) {
    case ELOOP:
        sd_record(job, SD_SYMLINK_LOOP, "too many levels of symbolic links");
        break;
    case ENOENT:
        if (fstatat(dir, path, &link, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(link.st_mode)) {
            sd_record(job, SD_DANGLING_SYMLINK, "symbolic link points to nothing");
        } else {
            sd_record(job, SD_NOT_FOUND, "no such file");
        }
        break;
    case ENOTDIR:
        sd_record(job, SD_NOT_FOUND, "no such file (a component of the path is not a folder)");
        break;
    case EACCES:
    case EPERM:
        sd_record(job, SD_PERMISSION_DENIED, "permission denied");
        break;
    default:
        sd_record(job, SD_IO_ERROR, "cannot read: %s", strerror(error));
        break;
    }
    return job->status;
}

/*
 * A path of PATH_MAX bytes or more (a folder walk goes deeper than that) cannot be opened in
 * one call: its leading folders are opened a piece under PATH_MAX at a time, each relative to
 * the last, resolving components (and links) as the kernel would. Returns the folder the rest
 * of the path is relative to (AT_FDCWD for a short path; else the caller closes it), or -1
 * with errno set.
 */
static int open_long_path(const char *path, const char **rest) {
    size_t length = strlen(path);
    *rest = path;
    if (length < PATH_MAX) return AT_FDCWD;
    int dir = AT_FDCWD;
    while (strlen(*rest) >= PATH_MAX) {
        const char *piece = *rest;
        const char *cut = NULL;
        for (const char *c = piece; c < piece + PATH_MAX - 1; c++) {
            if (*c == '/') cut = c;
        }
        if (cut == NULL) { /* one name longer than PATH_MAX */
            if (dir != AT_FDCWD) close(dir);
            errno = ENAMETOOLONG;
            return -1;
        }
        char prefix[PATH_MAX];
        size_t prefix_length = cut == piece ? 1 : (size_t)(cut - piece); /* a leading "/" is the root */
        memcpy(prefix, piece, prefix_length);
        prefix[prefix_length] = '\0';
        int next = openat(dir, prefix, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int error = errno;
        if (dir != AT_FDCWD) close(dir);
        if (next < 0) {
            errno = error;
            return -1;
        }
        dir = next;
        *rest = cut + 1;
    }
    return dir;
}

/* Reads a regular file whole into dec->owned. Never opens FIFOs, devices or directories. */
static sd_status read_file_at(sd_decoder *dec, int dir, const char *path) {
    sd_job *job = &dec->job;
    struct stat st;
    if (fstatat(dir, path, &st, 0) != 0) return record_errno(job, dir, path, errno);
    /* A folder reaches the decoder only when it could not be listed: say why. */
    if (S_ISDIR(st.st_mode) && faccessat(dir, path, R_OK | X_OK, 0) != 0 && (errno == EACCES || errno == EPERM)) {
        sd_record(job, SD_PERMISSION_DENIED, "folder cannot be read: permission denied");
        return job->status;
    }
    if (!S_ISREG(st.st_mode)) {
        sd_record(job, SD_NOT_REGULAR_FILE, "is %s, not a regular file", file_type_name(st.st_mode));
        return job->status;
    }
    /* O_NONBLOCK: should the path become a FIFO after the stat, open must not wait for a writer. */
    int fd = openat(dir, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return record_errno(job, dir, path, errno);
    if (fstat(fd, &st) != 0) {
        int error = errno;
        close(fd);
        return record_errno(job, dir, path, error);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        sd_record(job, SD_NOT_REGULAR_FILE, "is %s, not a regular file", file_type_name(st.st_mode));
        return job->status;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (size == 0) {
        close(fd);
        sd_record(job, SD_EMPTY_FILE, "file is empty");
        return job->status;
    }
    if (dec->limits.max_file_bytes > 0 && size > dec->limits.max_file_bytes) {
        close(fd);
        char have[32], limit[32];
        format_bytes(have, sizeof have, size);
        format_bytes(limit, sizeof limit, dec->limits.max_file_bytes);
        sd_record(job, SD_FILE_TOO_LARGE, "file is %s, over the %s limit", have, limit);
        return job->status;
    }
    if (size > SIZE_MAX || (dec->owned = malloc((size_t)size)) == NULL) {
        close(fd);
        sd_record(job, SD_DECODER_ERROR, "out of memory reading the file");
        return job->status;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, dec->owned + got, (size_t)size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int error = errno;
            close(fd);
            return record_errno(job, dir, path, error);
        }
        if (n == 0) break; /* the file shrank since fstat: decode what is there */
        got += (size_t)n;
    }
    close(fd);
    dec->data = dec->owned;
    dec->len = got;
    return SD_OK;
}

static sd_status read_file(sd_decoder *dec, const char *path) {
    const char *rest;
    int dir = open_long_path(path, &rest);
    if (dir == -1) {
        sd_record(&dec->job, errno == EACCES || errno == EPERM ? SD_PERMISSION_DENIED : SD_IO_ERROR,
                  "cannot open the folders of a long path: %s", strerror(errno));
        return dec->job.status;
    }
    sd_status status = read_file_at(dec, dir, rest);
    if (dir != AT_FDCWD) close(dir);
    return status;
}

/* ---- public API ------------------------------------------------------------------------- */

static sd_decoder *new_decoder(const sd_limits *limits) {
    sd_decoder *dec = calloc(1, sizeof *dec);
    if (dec == NULL) return NULL;
    dec->limits = *limits;
    sd_start_clock(&dec->job, limits->max_decode_ms);
    return dec;
}

static sd_status finish_open(sd_decoder *dec, sd_decoder **out, sd_info *info, char *msg,
                             size_t msgcap) {
    if (setjmp(dec->job.jmp) == 0) {
        sniff_and_open(dec);
    }
    sd_status status = sd_report(&dec->job, msg, msgcap);
    *info = dec->info;
    if (status != SD_OK) {
        sd_close(dec);
        return status;
    }
    *out = dec;
    return SD_OK;
}

static sd_status out_of_memory(char *msg, size_t msgcap) {
    if (msg != NULL && msgcap > 0) snprintf(msg, msgcap, "out of memory");
    return SD_DECODER_ERROR;
}

sd_status sd_open_file(const char *path, const sd_limits *limits, sd_decoder **out,
                       sd_info *info, char *msg, size_t msgcap) {
    *out = NULL;
    *info = (sd_info){0};
    sd_decoder *dec = new_decoder(limits);
    if (dec == NULL) return out_of_memory(msg, msgcap);
    if (read_file(dec, path) != SD_OK) {
        sd_status status = sd_report(&dec->job, msg, msgcap);
        sd_close(dec);
        return status;
    }
    return finish_open(dec, out, info, msg, msgcap);
}

sd_status sd_open_memory(const uint8_t *data, size_t len, const sd_limits *limits,
                         sd_decoder **out, sd_info *info, char *msg, size_t msgcap) {
    *out = NULL;
    *info = (sd_info){0};
    sd_decoder *dec = new_decoder(limits);
    if (dec == NULL) return out_of_memory(msg, msgcap);
    dec->data = data;
    dec->len = len;
    return finish_open(dec, out, info, msg, msgcap);
}

sd_status sd_read_gray(sd_decoder *dec, uint8_t *dst, size_t dst_len, sd_info *info,
                       char *msg, size_t msgcap) {
    if (dec->read_started) {
        sd_record(&dec->job, SD_DECODER_ERROR, "sd_read_gray called twice on one decoder");
        return sd_report(&dec->job, msg, msgcap);
    }
    dec->read_started = 1;
    if (dst_len != (size_t)dec->info.width * dec->info.height) {
        sd_record(&dec->job, SD_DECODER_ERROR, "output buffer holds %zu bytes, image needs %zu",
                  dst_len, (size_t)dec->info.width * dec->info.height);
        return sd_report(&dec->job, msg, msgcap);
    }
    if (setjmp(dec->job.jmp) == 0) {
        switch (dec->info.format) {
        case SD_FORMAT_PNG: sd_png_read(dec, dst); break;
        case SD_FORMAT_JPEG: sd_jpeg_read(dec, dst); break;
        case SD_FORMAT_WEBP: sd_webp_read(dec, dst); break;
        case SD_FORMAT_HEIF:
        case SD_FORMAT_AVIF: sd_heif_read(dec, dst); break;
        case SD_FORMAT_TIFF: sd_tiff_read(dec, dst); break;
        }
    }
    dec->info.warnings = dec->job.warnings;
    *info = dec->info;
    return sd_report(&dec->job, msg, msgcap);
}

void sd_close(sd_decoder *dec) {
    if (dec == NULL) return;
    switch (dec->info.format) {
    case SD_FORMAT_PNG: sd_png_close(dec); break;
    case SD_FORMAT_JPEG: sd_jpeg_close(dec); break;
    case SD_FORMAT_WEBP: sd_webp_close(dec); break;
    case SD_FORMAT_HEIF:
    case SD_FORMAT_AVIF: sd_heif_close(dec); break;
    case SD_FORMAT_TIFF: sd_tiff_close(dec); break;
    }
    free(dec->owned);
    free(dec);
}

void sd_free(void *buffer) {
    free(buffer);
}
