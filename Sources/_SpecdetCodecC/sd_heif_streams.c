/*
 * The coded pictures of a HEIF/AVIF file, read from their stream headers before libheif
 * decodes anything.
 *
 * libheif 1.15 hands a codec the item's configuration box and data and lets it allocate the
 * picture the stream declares: libde265 the HEVC SPS's pic_width/height_in_luma_samples,
 * libaom the AV1 sequence header's max_frame_width/height (a frame is never larger). Nothing
 * compares them with the container's `ispe` first, so a 4 KB file whose ispe says 98x64 and
 * whose SPS says 24832x15616 costs gigabytes before the glue can refuse its plane (fuzz
 * regression oom-37f8787d...). This file reads, for every picture the decode of the primary
 * image will reach, the sizes its stream declares, checks them against the item's ispe and
 * the limits, and sums the memory the decode will need, so that sd_heif_open refuses the file
 * before heif_decode_image.
 *
 * Which pictures (as libheif 1.15's decode_image_planar walks them): the primary item; for a
 * `grid` its dimg tiles, for `iden` its one dimg input, for `iovl` each dimg input; for each of
 * these, its alpha auxiliary images (auxl references with an alpha auxC). Thumbnails and depth
 * images are never decoded and not read.
 *
 * What is read, the way libheif reads it (the last top-level meta; its first hdlr/pitm/iinf/
 * iloc/iprp/iref/idat; infe and iloc entries first-come; ipma entries of every ipma box in
 * order, the first per item; property 0 ignored; the first hvcC/av1C, the last ispe, the last
 * auxC; iref parsed field by field like libheif does, not by the reference boxes' sizes):
 *   hvc1 - every SPS NAL unit (type 33, layer 0) in the hvcC arrays and in the item data (NAL
 *          units with 4-byte lengths, as libheif's libde265 plugin splits them; emulation
 *          prevention removed as libde265 does), parsed to bit_depth_chroma (H.265 7.3.2.2).
 *   av01 - every sequence header OBU in av1C's configOBUs and in the item data (AV1 5.5.1):
 *          max_frame_width/height and the bit depth.
 *   grid - rows, columns and output size from its data; iovl - the canvas size.
 *
 * Rules (the codes are documented in ../../docs/RELIABILITY.md and README.md):
 *   corrupt_data  the sizes the file declares disagree: a coded picture smaller than its ispe
 *                 or 64 or more samples larger (64 is the largest HEVC coding block: padding
 *                 to it, cropped by the conformance window or by libheif, is the most an
 *                 encoder needs); a grid's output or an overlay's canvas other than its ispe;
 *                 grid tiles that do not cover the output or leave a whole row or column
 *                 outside it; an SPS or sequence header that cannot be read; none at all.
 *   invalid_header a picture that must be checked has no ispe; derived images nested more
 *                 than MAX_DEPTH deep or derived from themselves (libheif 1.15 would recurse
 *                 without end); item data larger than the file.
 *   pixel_limit_exceeded  a coded picture that is not a grid tile, or a canvas that is not
 *                 the primary's, over the pixel or side limit (the primary's own size was
 *                 checked from its ispe); grid tiles are pieces of the grid, whose size the
 *                 limits apply to, and count in the decoder memory.
 * Where libheif itself will refuse the file before decoding (an item without data, an extent
 * outside the file, a grid with the wrong number of tiles), the item is left to it so that
 * the code stays libheif's.
 *
 * Bounded: every read is checked against its span; the only recursion (derived images) is
 * limited to MAX_DEPTH and visits each item once; the index arrays are sized from counts of
 * boxes that lie in the file, and the one copy (an item whose data is in several extents) is
 * at most the file's size. Allocations live in dec->u.heif.streams, so sd_fail may longjmp at
 * any point; sd_heif_close frees them.
 */
#include <stdlib.h>
#include <string.h>

#include "sd_internal.h"

#define FOURCC(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

enum {
    MAX_DEPTH = 8,               /* derived images inside derived images */
    MAX_PADDING = 64,            /* a coded picture may exceed its ispe by less than this */
    SPS_PREFIX = 512,            /* bytes of an SPS unescaped: the fields read fit in ~150 */
    HEVC_NAL_SPS = 33,
    OBU_SEQUENCE_HEADER = 1
};

typedef struct span {
    const uint8_t *p;
    size_t n;
} span;

typedef struct item {
    uint32_t id;
    uint32_t type;
    uint32_t order;              /* position among the infe boxes: the first of an ID wins */
    const uint8_t *assoc;        /* its first ipma entry's associations */
    uint32_t assoc_count;
    int assoc_wide;              /* 16-bit associations (ipma flags & 1) */
    const uint8_t *extents;      /* its first iloc entry */
    uint32_t extent_count;
    uint32_t method;
    uint64_t base;
    int located;
    const uint8_t *dimg;         /* its first dimg reference's item IDs */
    uint32_t dimg_count;
    int dimg_wide;
    int state;                   /* 0 not seen, 1 being checked, 2 checked */
    uint32_t coded_width, coded_height;  /* the largest picture its streams declare */
} item;

typedef struct alpha_link {
    uint32_t master, alpha;
} alpha_link;

struct sd_heif_streams {
    item *items;
    size_t item_count;
    span *properties;            /* ipco's children, bodies after their headers */
    uint32_t *property_types;
    size_t property_count;
    alpha_link *alphas;
    size_t alpha_count;
    uint8_t *copy;               /* the data of an item stored in several extents */
    int iloc_version, offset_size, length_size, base_size, index_size;
    span idat;                   /* body */
    size_t idat_offset;          /* file offset of idat's body */
    uint64_t idat_box_size;
};

typedef enum role { ROLE_PRIMARY, ROLE_TILE, ROLE_OTHER } role;

typedef struct walk {
    sd_decoder *dec;
    struct sd_heif_streams *s;
    uint32_t primary;
    unsigned bytes;              /* bytes per sample of the primary (1 or 2) */
    sd_heif_plan *plan;
} walk;

/* ------------------------------------------------------------------ bytes and boxes */

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

/* An unsigned big-endian field of `size` bytes (0, 4 or 8 in iloc; 2 or 4 elsewhere) at *pos
   of s; 0 and no advance when it does not fit (*ok cleared). */
static uint64_t field(span s, size_t *pos, unsigned size, int *ok) {
    if (size == 0) return 0;
    if (s.n < *pos || s.n - *pos < size) {
        *ok = 0;
        return 0;
    }
    const uint8_t *p = s.p + *pos;
    *pos += size;
    switch (size) {
    case 1: return p[0];
    case 2: return be16(p);
    case 4: return be32(p);
    case 8: return be64(p);
    default: *ok = 0; return 0;
    }
}

typedef struct box {
    uint32_t type;
    span body;
    size_t offset;               /* of the body, from the start of the span it was read from */
    uint64_t size;               /* the whole box */
} box;

/* The box at *pos of s (libheif's header: 64-bit size when 1, to the end when 0, a 16-byte
   extended type for 'uuid'). 0 when no whole box is left: the caller stops there, as libheif
   stops at a box it cannot read. */
static int next_box(span s, size_t *pos, box *out) {
    if (*pos > s.n || s.n - *pos < 8) return 0;
    const uint8_t *p = s.p + *pos;
    size_t left = s.n - *pos, header = 8;
    uint64_t size = be32(p);
    out->type = be32(p + 4);
    if (size == 1) {
        if (left < 16) return 0;
        size = be64(p + 8);
        header = 16;
    } else if (size == 0) {
        size = left;
    }
    if (out->type == FOURCC('u', 'u', 'i', 'd')) header += 16;
    if (size < header || size > left) return 0;
    out->body.p = p + header;
    out->body.n = (size_t)size - header;
    out->offset = *pos + header;
    out->size = size;
    *pos += (size_t)size;
    return 1;
}

/* The first child of type `type` in s (from `from`); 0 when there is none. */
static int find_child(span s, size_t from, uint32_t type, box *out) {
    size_t pos = from;
    box b;
    while (next_box(s, &pos, &b)) {
        if (b.type == type) {
            *out = b;
            return 1;
        }
    }
    return 0;
}

static void fourcc_text(uint32_t type, char out[5]) {
    for (int i = 0; i < 4; i++) {
        char c = (char)(type >> (24 - 8 * i));
        out[i] = c >= 0x20 && c < 0x7F ? c : '?';
    }
    out[4] = 0;
}

/* ------------------------------------------------------------------ the index */

static int compare_items(const void *a, const void *b) {
    const item *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int compare_alphas(const void *a, const void *b) {
    const alpha_link *x = a, *y = b;
    if (x->master != y->master) return x->master < y->master ? -1 : 1;
    return x->alpha < y->alpha ? -1 : x->alpha > y->alpha;
}

static item *find_item(struct sd_heif_streams *s, uint32_t id) {
    size_t lo = 0, hi = s->item_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->items[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < s->item_count && s->items[lo].id == id ? &s->items[lo] : NULL;
}

static void *allocate(sd_decoder *dec, size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size);
    if (p == NULL) sd_fail(&dec->job, SD_DECODER_ERROR, "out of memory (HEIF index of %zu entries)", count);
    return p;
}

/* iinf: one item per infe (versions 2 and 3 carry the type; older ones none). */
static void index_items(sd_decoder *dec, struct sd_heif_streams *s, box iinf) {
    if (iinf.body.n < 4) return;
    size_t start = iinf.body.p[0] == 0 ? 6 : 8, pos = start, count = 0;
    box b;
    while (next_box(iinf.body, &pos, &b)) count += b.type == FOURCC('i', 'n', 'f', 'e');
    s->items = allocate(dec, count, sizeof(item));
    pos = start;
    while (next_box(iinf.body, &pos, &b)) {
        if (b.type != FOURCC('i', 'n', 'f', 'e') || b.body.n < 4) continue;
        unsigned version = b.body.p[0];
        size_t at = 4;
        int ok = 1;
        item *it = &s->items[s->item_count];
        memset(it, 0, sizeof *it);
        it->order = (uint32_t)s->item_count;
        if (version <= 1) {
            it->id = (uint32_t)field(b.body, &at, 2, &ok);
        } else {
            it->id = (uint32_t)field(b.body, &at, version == 2 ? 2 : 4, &ok);
            field(b.body, &at, 2, &ok);
            it->type = (uint32_t)field(b.body, &at, 4, &ok);
        }
        if (ok) s->item_count++;
    }
    qsort(s->items, s->item_count, sizeof(item), compare_items);
    size_t kept = 0;   /* the first infe of an ID wins */
    for (size_t i = 0; i < s->item_count; i++) {
        if (kept == 0 || s->items[kept - 1].id != s->items[i].id) s->items[kept++] = s->items[i];
    }
    s->item_count = kept;
}

/* iprp: ipco's children (indexed from 1 by ipma) and every ipma box's entries. */
static void index_properties(sd_decoder *dec, struct sd_heif_streams *s, box iprp) {
    box ipco;
    if (find_child(iprp.body, 0, FOURCC('i', 'p', 'c', 'o'), &ipco)) {
        size_t pos = 0, count = 0;
        box b;
        while (next_box(ipco.body, &pos, &b)) count++;
        s->properties = allocate(dec, count, sizeof(span));
        s->property_types = allocate(dec, count, sizeof(uint32_t));
        pos = 0;
        while (s->property_count < count && next_box(ipco.body, &pos, &b)) {
            s->properties[s->property_count] = b.body;
            s->property_types[s->property_count++] = b.type;
        }
    }
    size_t pos = 0;
    box ipma;
    while (next_box(iprp.body, &pos, &ipma)) {
        if (ipma.type != FOURCC('i', 'p', 'm', 'a') || ipma.body.n < 4) continue;
        unsigned version = ipma.body.p[0], wide = ipma.body.p[3] & 1;
        size_t at = 4;
        int ok = 1;
        uint32_t entries = (uint32_t)field(ipma.body, &at, 4, &ok);
        for (uint32_t e = 0; e < entries && ok && at < ipma.body.n; e++) {
            uint32_t id = (uint32_t)field(ipma.body, &at, version < 1 ? 2 : 4, &ok);
            uint32_t count = (uint32_t)field(ipma.body, &at, 1, &ok);
            const uint8_t *assoc = ipma.body.p + (at <= ipma.body.n ? at : ipma.body.n);
            size_t need = (size_t)count * (wide ? 2 : 1);
            if (!ok || ipma.body.n - at < need) break;
            at += need;
            item *it = find_item(s, id);
            if (it != NULL && it->assoc == NULL) {
                it->assoc = assoc;
                it->assoc_count = count;
                it->assoc_wide = (int)wide;
            }
        }
    }
}

/* iloc: each item's first entry (construction method, base offset, extents). */
static void index_locations(struct sd_heif_streams *s, box iloc) {
    span b = iloc.body;
    if (b.n < 6) return;
    size_t at = 4;
    int ok = 1;
    s->iloc_version = b.p[0];
    uint32_t sizes = (uint32_t)field(b, &at, 2, &ok);
    s->offset_size = (int)(sizes >> 12 & 15);
    s->length_size = (int)(sizes >> 8 & 15);
    s->base_size = (int)(sizes >> 4 & 15);
    s->index_size = s->iloc_version > 1 ? (int)(sizes & 15) : 0;
    /* libheif reads 4 or 8 bytes for each and nothing for any other size */
    int offset = s->offset_size == 4 || s->offset_size == 8 ? s->offset_size : 0;
    int length = s->length_size == 4 || s->length_size == 8 ? s->length_size : 0;
    int base = s->base_size == 4 || s->base_size == 8 ? s->base_size : 0;
    int index = s->index_size == 4 || s->index_size == 8 ? s->index_size : 0;
    s->offset_size = offset;
    s->length_size = length;
    s->index_size = index;
    uint32_t count = (uint32_t)field(b, &at, s->iloc_version < 2 ? 2 : 4, &ok);
    for (uint32_t i = 0; i < count && ok; i++) {
        uint32_t id = (uint32_t)field(b, &at, s->iloc_version < 2 ? 2 : 4, &ok);
        uint32_t method = s->iloc_version >= 1 ? (uint32_t)field(b, &at, 2, &ok) & 15 : 0;
        field(b, &at, 2, &ok); /* data_reference_index */
        uint64_t base_offset = field(b, &at, (unsigned)base, &ok);
        uint32_t extents = (uint32_t)field(b, &at, 2, &ok);
        size_t each = (size_t)(index + offset + length);
        if (!ok || (each > 0 && (b.n - at) / each < extents)) break;
        const uint8_t *first = b.p + at;
        at += each * extents;
        item *it = find_item(s, id);
        if (it != NULL && !it->located) {
            it->located = 1;
            it->method = method;
            it->base = base_offset;
            it->extents = first;
            it->extent_count = extents;
        }
    }
}

/* The property of an item's association `a` (its type, 0 for index 0 or one past ipco). */
static uint32_t property(const struct sd_heif_streams *s, const item *it, uint32_t a, span *body) {
    uint32_t index = it->assoc_wide ? be16(it->assoc + 2 * a) & 0x7FFF : it->assoc[a] & 0x7F;
    if (index == 0 || index > s->property_count) return 0;
    *body = s->properties[index - 1];
    return s->property_types[index - 1];
}

/* The last auxC among an item's properties is an alpha plane (libheif 1.15's three names). */
static int is_alpha(struct sd_heif_streams *s, const item *it) {
    span last = {NULL, 0}, body;
    for (uint32_t a = 0; a < it->assoc_count; a++) {
        if (property(s, it, a, &body) == FOURCC('a', 'u', 'x', 'C')) last = body;
    }
    if (last.n < 5) return 0;
    static const char *const names[] = {"urn:mpeg:avc:2015:auxid:1", "urn:mpeg:hevc:2015:auxid:1",
                                        "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha"};
    const char *text = (const char *)last.p + 4;
    size_t max = last.n - 4;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len = strlen(names[i]);
        if (max > len && memcmp(text, names[i], len) == 0 && text[len] == 0) return 1;
    }
    return 0;
}

/* iref, field by field as libheif 1.15 reads it: each reference's box header, then the from
   ID, a count and that many IDs (cut short only where the iref ends). */
static void index_references(sd_decoder *dec, struct sd_heif_streams *s, box iref) {
    span b = iref.body;
    if (b.n < 4) return;
    unsigned idsize = b.p[0] == 0 ? 2 : 4;
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 4, links = 0;
        int ok = 1;
        while (ok && at < b.n) {
            uint64_t size = field(b, &at, 4, &ok);
            uint32_t type = (uint32_t)field(b, &at, 4, &ok);
            if (size == 1) field(b, &at, 8, &ok);
            if (type == FOURCC('u', 'u', 'i', 'd')) {
                if (b.n - at < 16) ok = 0;
                else at += 16;
            }
            uint32_t from = (uint32_t)field(b, &at, idsize, &ok);
            uint32_t count = (uint32_t)field(b, &at, 2, &ok);
            if (!ok) break;
            const uint8_t *to = b.p + at;
            size_t available = (b.n - at) / idsize;
            uint32_t read = count <= available ? count : (uint32_t)available;
            at += (size_t)read * idsize;
            if (read < count && at < b.n) break; /* libheif fails on a partial ID */
            item *it = find_item(s, from);
            if (it == NULL) continue;
            if (type == FOURCC('d', 'i', 'm', 'g') && it->dimg == NULL && pass == 1) {
                it->dimg = to;
                it->dimg_count = read;
                it->dimg_wide = idsize == 4;
            }
            if (type == FOURCC('a', 'u', 'x', 'l') && read >= 1 && is_alpha(s, it)) {
                if (pass == 1) {
                    s->alphas[links].master = idsize == 4 ? be32(to) : be16(to);
                    s->alphas[links].alpha = from;
                }
                links++;
            }
        }
        if (pass == 0) s->alphas = allocate(dec, links, sizeof(alpha_link));
        else s->alpha_count = links;
    }
    qsort(s->alphas, s->alpha_count, sizeof(alpha_link), compare_alphas);
}

/* ------------------------------------------------------------------ item data */

/* An item's data as libheif's iloc reader assembles it. 0 when libheif will refuse to read it
   (no entry, construction method 2, an extent outside the file, over its 512 MB): the item is
   then left to libheif. Several extents are copied into s->copy (at most the file's size). */
static int item_data(walk *w, const item *it, span *out) {
    struct sd_heif_streams *s = w->s;
    sd_decoder *dec = w->dec;
    out->p = NULL;
    out->n = 0;
    if (!it->located || it->method > 1) return 0;
    size_t each = (size_t)(s->index_size + s->offset_size + s->length_size);
    span table = {it->extents, each * it->extent_count};
    uint64_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 0, filled = 0;
        for (uint32_t e = 0; e < it->extent_count; e++) {
            int ok = 1;
            field(table, &at, (unsigned)s->index_size, &ok);
            uint64_t offset = field(table, &at, (unsigned)s->offset_size, &ok);
            uint64_t length = field(table, &at, (unsigned)s->length_size, &ok);
            if (!ok || offset > UINT64_MAX - it->base) return 0;
            uint64_t start = offset + it->base;
            const uint8_t *from;
            if (it->method == 0) {
                if (start > dec->len || length > dec->len - start) return 0;
                from = dec->data + start;
            } else {
                /* libheif 1.15 ignores an idat read that fails: that extent adds nothing */
                if (s->idat.p == NULL || start > s->idat_box_size || length > s->idat_box_size - start ||
                    s->idat_offset + start > dec->len || length > dec->len - s->idat_offset - start) {
                    continue;
                }
                from = dec->data + s->idat_offset + start;
            }
            if (pass == 0) {
                total += length;
                if (total > (512u << 20)) return 0;
                if (it->extent_count == 1) {
                    out->p = from;
                    out->n = (size_t)length;
                    return 1;
                }
            } else if (length > 0) {
                memcpy(s->copy + filled, from, (size_t)length);
                filled += (size_t)length;
            }
        }
        if (pass == 0) {
            if (total > dec->len) {
                sd_fail(&dec->job, SD_INVALID_HEADER, "item %u: %llu bytes of data in a file of %zu", it->id,
                        (unsigned long long)total, dec->len);
            }
            free(s->copy);
            s->copy = NULL;
            s->copy = allocate(dec, (size_t)total, 1);
        }
    }
    out->p = s->copy;
    out->n = (size_t)total;
    return 1;
}

/* An item's last ispe; 0 when it has none. */
static int item_ispe(struct sd_heif_streams *s, const item *it, uint32_t *width, uint32_t *height) {
    int found = 0;
    span p;
    for (uint32_t a = 0; a < it->assoc_count; a++) {
        if (property(s, it, a, &p) == FOURCC('i', 's', 'p', 'e') && p.n >= 12) {
            *width = be32(p.p + 4);
            *height = be32(p.p + 8);
            found = 1;
        }
    }
    return found;
}

/* An item's first property of a type; 0 when it has none. */
static int item_property(struct sd_heif_streams *s, const item *it, uint32_t type, span *out) {
    for (uint32_t a = 0; a < it->assoc_count; a++) {
        if (property(s, it, a, out) == type) return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ bit reading */

typedef struct bits {
    const uint8_t *p;
    size_t n;
    size_t at;       /* in bits */
    int past_end;
} bits;

/* Up to 32 bits; past the end reads zeros (as libde265's reader does) and sets past_end. */
static uint32_t read_bits(bits *b, unsigned count) {
    uint32_t value = 0;
    for (unsigned i = 0; i < count; i++) {
        size_t byte = b->at >> 3;
        unsigned bit = 0;
        if (byte < b->n) bit = b->p[byte] >> (7 - (b->at & 7)) & 1;
        else b->past_end = 1;
        value = value << 1 | bit;
        b->at++;
    }
    return value;
}

static void skip_bits(bits *b, size_t count) {
    b->at += count;
    if (b->at > b->n * 8) b->past_end = 1;
}

/* H.265 ue(v) as libde265 reads it: more than 20 leading zeros is an error (-1). */
static int64_t read_ue(bits *b) {
    unsigned zeros = 0;
    while (read_bits(b, 1) == 0) {
        if (++zeros > 20) return -1;
    }
    return zeros == 0 ? 0 : (int64_t)read_bits(b, zeros) + ((1 << zeros) - 1);
}

/* ------------------------------------------------------------------ HEVC */

typedef struct picture {
    uint32_t coded_width, coded_height;   /* allocated by the codec */
    uint32_t shown_width, shown_height;   /* what it returns (HEVC: the conformance window) */
    unsigned depth;                       /* bits per sample, the larger of luma and chroma */
} picture;

/* An SPS NAL unit (2-byte header included) to the bit depths; NULL or what is wrong. */
static const char *parse_sps(span nal, picture *out) {
    uint8_t rbsp[SPS_PREFIX];
    size_t n = 0, zeros = 0;
    for (size_t i = 2; i < nal.n && n < sizeof rbsp; i++) {
        if (zeros >= 2 && nal.p[i] == 3) {
            zeros = 0;
            continue;
        }
        zeros = nal.p[i] == 0 ? zeros + 1 : 0;
        rbsp[n++] = nal.p[i];
    }
    bits b = {rbsp, n, 0, 0};
    read_bits(&b, 4);                                  /* sps_video_parameter_set_id */
    unsigned sub_layers = read_bits(&b, 3) + 1;
    if (sub_layers > 7) return "sps_max_sub_layers_minus1 is 7";
    read_bits(&b, 1);                                  /* sps_temporal_id_nesting_flag */
    skip_bits(&b, 88 + 8);                             /* general profile and level */
    unsigned present[7][2] = {{0}};
    for (unsigned i = 0; i + 1 < sub_layers; i++) {
        present[i][0] = read_bits(&b, 1);
        present[i][1] = read_bits(&b, 1);
    }
    if (sub_layers > 1) skip_bits(&b, 2 * (8 - (sub_layers - 1)));
    for (unsigned i = 0; i + 1 < sub_layers; i++) skip_bits(&b, (present[i][0] ? 88 : 0) + (present[i][1] ? 8 : 0));
    int64_t id = read_ue(&b);
    if (id < 0 || id >= 16) return "sps_seq_parameter_set_id out of range";
    int64_t chroma = read_ue(&b);
    if (chroma < 0 || chroma > 3) return "chroma_format_idc out of range";
    if (chroma == 3) read_bits(&b, 1);                 /* separate_colour_plane_flag */
    int64_t width = read_ue(&b), height = read_ue(&b);
    if (width <= 0 || height <= 0 || width > 65535 || height > 65535) return "picture size out of range";
    int64_t window[4] = {0, 0, 0, 0};
    if (read_bits(&b, 1)) {
        for (int i = 0; i < 4; i++) {
            window[i] = read_ue(&b);
            if (window[i] < 0) return "conformance window out of range";
        }
    }
    int64_t luma = read_ue(&b), chroma_depth = read_ue(&b);
    if (luma < 0 || chroma_depth < 0 || luma > 8 || chroma_depth > 8) return "bit depth out of range";
    int64_t sub_width = chroma == 1 || chroma == 2 ? 2 : 1, sub_height = chroma == 1 ? 2 : 1;
    int64_t shown_width = width - (window[0] + window[1]) * sub_width;
    int64_t shown_height = height - (window[2] + window[3]) * sub_height;
    out->coded_width = (uint32_t)width;
    out->coded_height = (uint32_t)height;
    out->shown_width = shown_width > 0 ? (uint32_t)shown_width : 0;
    out->shown_height = shown_height > 0 ? (uint32_t)shown_height : 0;
    out->depth = (unsigned)(8 + (luma > chroma_depth ? luma : chroma_depth));
    return NULL;
}

/* ------------------------------------------------------------------ AV1 */

/* AV1 uvlc() (4.10.3). */
static void skip_uvlc(bits *b) {
    unsigned zeros = 0;
    while (!b->past_end && read_bits(b, 1) == 0) zeros++;
    if (zeros < 32) read_bits(b, zeros);
}

/* A sequence header OBU's payload (AV1 5.5.1) to color_config's bit depth. */
static const char *parse_sequence_header(span payload, picture *out) {
    bits b = {payload.p, payload.n, 0, 0};
    unsigned profile = read_bits(&b, 3);
    read_bits(&b, 1);                                  /* still_picture */
    unsigned reduced = read_bits(&b, 1);
    if (reduced) {
        read_bits(&b, 5);                              /* seq_level_idx[0] */
    } else {
        unsigned decoder_model = 0, delay_length = 0;
        if (read_bits(&b, 1)) {                        /* timing_info_present_flag */
            read_bits(&b, 32);
            read_bits(&b, 32);
            if (read_bits(&b, 1)) skip_uvlc(&b);       /* equal_picture_interval */
            decoder_model = read_bits(&b, 1);
            if (decoder_model) {
                delay_length = read_bits(&b, 5) + 1;
                read_bits(&b, 32);
                read_bits(&b, 10);
            }
        }
        unsigned initial_delay = read_bits(&b, 1);
        unsigned points = read_bits(&b, 5) + 1;
        for (unsigned i = 0; i < points && !b.past_end; i++) {
            read_bits(&b, 12);                         /* operating_point_idc */
            if (read_bits(&b, 5) > 7) read_bits(&b, 1); /* seq_level_idx, seq_tier */
            if (decoder_model && read_bits(&b, 1)) skip_bits(&b, 2 * (size_t)delay_length + 1);
            if (initial_delay && read_bits(&b, 1)) read_bits(&b, 4);
        }
    }
    unsigned width_bits = read_bits(&b, 4) + 1, height_bits = read_bits(&b, 4) + 1;
    uint64_t width = (uint64_t)read_bits(&b, width_bits) + 1, height = (uint64_t)read_bits(&b, height_bits) + 1;
    if (!reduced && read_bits(&b, 1)) read_bits(&b, 7); /* frame_id_numbers_present_flag */
    read_bits(&b, 3);                                  /* 128x128 superblock, filter intra, edge filter */
    if (!reduced) {
        read_bits(&b, 4);                              /* interintra, masked, warped, dual filter */
        unsigned order_hint = read_bits(&b, 1);
        if (order_hint) read_bits(&b, 2);
        unsigned force_screen = read_bits(&b, 1) ? 2 : read_bits(&b, 1);
        if (force_screen > 0 && !read_bits(&b, 1)) read_bits(&b, 1); /* integer mv */
        if (order_hint) read_bits(&b, 3);
    }
    read_bits(&b, 3);                                  /* superres, cdef, restoration */
    unsigned high = read_bits(&b, 1), twelve = profile == 2 && high ? read_bits(&b, 1) : 0;
    if (b.past_end) return "sequence header cut short";
    out->coded_width = out->shown_width = (uint32_t)width;
    out->coded_height = out->shown_height = (uint32_t)height;
    out->depth = profile > 2 ? 12 : !high ? 8 : twelve ? 12 : 10;
    return NULL;
}

/* ------------------------------------------------------------------ checks */

static void sizes_agree(walk *w, const item *it, const char *codec, const picture *pic) {
    uint32_t ispe_width = 0, ispe_height = 0;
    char type[5];
    fourcc_text(it->type, type);
    if (!item_ispe(w->s, it, &ispe_width, &ispe_height)) {
        sd_fail(&w->dec->job, SD_INVALID_HEADER, "%s item %u has no ispe property", type, it->id);
    }
    if (pic->shown_width < ispe_width || pic->shown_height < ispe_height ||
        pic->coded_width - ispe_width >= MAX_PADDING || pic->coded_height - ispe_height >= MAX_PADDING) {
        if (pic->shown_width != pic->coded_width || pic->shown_height != pic->coded_height) {
            sd_fail(&w->dec->job, SD_CORRUPT_DATA, "%s stream of item %u declares a %ux%u picture (%ux%u shown), its ispe says %ux%u",
                    codec, it->id, pic->coded_width, pic->coded_height, pic->shown_width, pic->shown_height, ispe_width, ispe_height);
        }
        sd_fail(&w->dec->job, SD_CORRUPT_DATA, "%s stream of item %u declares a %ux%u picture, its ispe says %ux%u", codec,
                it->id, pic->coded_width, pic->coded_height, ispe_width, ispe_height);
    }
}

static int over_limits(const sd_limits *limits, uint64_t width, uint64_t height) {
    return (limits->max_side > 0 && (width > limits->max_side || height > limits->max_side)) ||
           (limits->max_pixels > 0 && width * height > limits->max_pixels);
}

/* One picture a stream declares: its size against the item's ispe, then against the limits
   (unless it is a grid tile), and its memory. */
static void check_picture(walk *w, item *it, role r, const char *codec, const picture *pic) {
    if (r != ROLE_TILE && over_limits(&w->dec->limits, pic->coded_width, pic->coded_height)) {
        sd_fail(&w->dec->job, SD_PIXEL_LIMIT_EXCEEDED, "%s stream of item %u declares a %ux%u picture, over the pixel or side limit",
                codec, it->id, pic->coded_width, pic->coded_height);
    }
    sizes_agree(w, it, codec, pic);
    if (pic->coded_width > it->coded_width) it->coded_width = pic->coded_width;
    if (pic->coded_height > it->coded_height) it->coded_height = pic->coded_height;
    uint64_t bytes = (uint64_t)pic->coded_width * pic->coded_height * (pic->depth > 8 ? 2 : 1);
    if (it->id == w->primary) {
        if (pic->depth > w->plan->primary_depth) w->plan->primary_depth = pic->depth;
    } else if (bytes * 4 > w->plan->largest_picture) {
        /* the codec's frame (up to three full planes and its block data) and libheif's copy */
        w->plan->largest_picture = bytes * 4;
    }
    w->plan->pictures++;
}

/* A NAL unit libde265 will read: when it is an SPS of layer 0 (the only ones libde265 keeps),
   its picture is checked. Returns whether it was one. */
static unsigned check_nal(walk *w, item *it, role r, span nal, const char *where) {
    if (nal.n < 2 || (nal.p[0] >> 1 & 0x3F) != HEVC_NAL_SPS || ((nal.p[0] & 1) << 5 | nal.p[1] >> 3) != 0) return 0;
    picture pic;
    const char *problem = parse_sps(nal, &pic);
    if (problem) sd_fail(&w->dec->job, SD_CORRUPT_DATA, "HEVC item %u: unreadable SPS in %s (%s)", it->id, where, problem);
    check_picture(w, it, r, "HEVC", &pic);
    return 1;
}

static void check_hevc(walk *w, item *it, role r) {
    span hvcC, data;
    /* libheif reads the data before the codec sees anything: when it cannot, nothing is decoded */
    if (!item_data(w, it, &data)) return;
    unsigned found = 0;
    if (item_property(w->s, it, FOURCC('h', 'v', 'c', 'C'), &hvcC) && hvcC.n >= 23) {
        size_t at = 22;
        int ok = 1;
        uint32_t arrays = (uint32_t)field(hvcC, &at, 1, &ok);
        for (uint32_t a = 0; a < arrays && ok; a++) {
            field(hvcC, &at, 1, &ok);
            uint32_t units = (uint32_t)field(hvcC, &at, 2, &ok);
            for (uint32_t u = 0; u < units && ok; u++) {
                size_t size = (size_t)field(hvcC, &at, 2, &ok);
                if (!ok || hvcC.n - at < size) break;
                span nal = {hvcC.p + at, size};
                at += size;
                found += check_nal(w, it, r, nal, "hvcC");
            }
        }
    }
    /* the item data, split as libheif's libde265 plugin does: it stops at a length that
       overruns the data, and decodes nothing then */
    for (size_t at = 0; data.n - at >= 4;) {
        size_t size = be32(data.p + at);
        at += 4;
        if (size > data.n - at) break;
        span nal = {data.p + at, size};
        at += size;
        found += check_nal(w, it, r, nal, "its data");
    }
    if (found == 0) sd_fail(&w->dec->job, SD_CORRUPT_DATA, "HEVC item %u has no sequence parameter set", it->id);
}

/* Every sequence header OBU in an OBU stream (AV1 5.3: without obu_has_size_field an OBU runs
   to the end; libaom stops at one that overruns the data). */
static unsigned check_obus(walk *w, item *it, role r, span obus, const char *where) {
    unsigned found = 0;
    size_t at = 0;
    while (at < obus.n) {
        uint8_t header = obus.p[at++];
        unsigned type = header >> 3 & 15;
        if (header & 4) {                              /* obu_extension_flag */
            if (at >= obus.n) break;
            at++;
        }
        uint64_t size = obus.n - at;
        if (header & 2) {                              /* obu_has_size_field: leb128 */
            size = 0;
            int i = 0, more = 1;
            for (; i < 8 && more; i++) {
                if (at >= obus.n) return found;
                uint8_t byte = obus.p[at++];
                size |= (uint64_t)(byte & 0x7F) << (7 * i);
                more = byte & 0x80;
            }
            if (more || size > obus.n - at) break;
        }
        if (type == OBU_SEQUENCE_HEADER) {
            picture pic;
            span payload = {obus.p + at, (size_t)size};
            const char *problem = parse_sequence_header(payload, &pic);
            if (problem) sd_fail(&w->dec->job, SD_CORRUPT_DATA, "AV1 item %u: unreadable sequence header in %s (%s)", it->id, where, problem);
            check_picture(w, it, r, "AV1", &pic);
            found++;
        }
        at += (size_t)size;
    }
    return found;
}

static void check_av1(walk *w, item *it, role r) {
    span av1C, data;
    if (!item_data(w, it, &data)) return;
    unsigned found = 0;
    if (item_property(w->s, it, FOURCC('a', 'v', '1', 'C'), &av1C) && av1C.n > 4) {
        span config = {av1C.p + 4, av1C.n - 4};
        found += check_obus(w, it, r, config, "av1C");
    }
    found += check_obus(w, it, r, data, "its data");
    if (found == 0) sd_fail(&w->dec->job, SD_CORRUPT_DATA, "AV1 item %u has no sequence header", it->id);
}

/* A derived image's canvas: equal to its ispe, within the limits unless it is the primary's
   (checked from that ispe), and its memory (three planes, libheif composes in RGB). */
static void check_canvas(walk *w, item *it, const char *what, uint32_t width, uint32_t height) {
    uint32_t ispe_width = 0, ispe_height = 0;
    if (!item_ispe(w->s, it, &ispe_width, &ispe_height)) {
        sd_fail(&w->dec->job, SD_INVALID_HEADER, "%s item %u has no ispe property", what, it->id);
    }
    if (width != ispe_width || height != ispe_height) {
        sd_fail(&w->dec->job, SD_CORRUPT_DATA, "%s item %u declares %ux%u, its ispe says %ux%u", what, it->id, width, height,
                ispe_width, ispe_height);
    }
    if (it->id != w->primary) {
        if (over_limits(&w->dec->limits, width, height)) {
            sd_fail(&w->dec->job, SD_PIXEL_LIMIT_EXCEEDED, "%s item %u is %ux%u, over the pixel or side limit", what, it->id, width, height);
        }
        w->plan->canvases += (uint64_t)width * height * 3 * w->bytes;
    }
}

static uint32_t reference(const item *it, uint32_t i) {
    return it->dimg_wide ? be32(it->dimg + 4 * (size_t)i) : be16(it->dimg + 2 * (size_t)i);
}

static void visit(walk *w, uint32_t id, role r, unsigned depth);

static void check_grid(walk *w, item *it, unsigned depth) {
    span data;
    if (!item_data(w, it, &data) || data.n < 8) return;         /* libheif refuses it */
    unsigned rows = data.p[2] + 1u, columns = data.p[3] + 1u;
    uint32_t width, height;
    if (data.p[1] & 1) {
        if (data.n < 12) return;
        width = be32(data.p + 4);
        height = be32(data.p + 8);
    } else {
        width = be16(data.p + 4);
        height = be16(data.p + 6);
    }
    if (it->dimg_count != rows * columns) return;              /* libheif refuses it */
    check_canvas(w, it, "grid", width, height);
    /* the tiles cover the output, with less than a whole row or column outside it */
    item *first = find_item(w->s, reference(it, 0));
    uint32_t tile_width = 0, tile_height = 0;
    if (first != NULL && item_ispe(w->s, first, &tile_width, &tile_height)) {
        uint64_t across = (uint64_t)tile_width * columns, down = (uint64_t)tile_height * rows;
        if (across < width || down < height || across - tile_width >= width || down - tile_height >= height) {
            sd_fail(&w->dec->job, SD_CORRUPT_DATA, "grid item %u: %ux%u tiles of %ux%u do not cover %ux%u", it->id, columns, rows,
                    tile_width, tile_height, width, height);
        }
    }
    for (uint32_t i = 0; i < it->dimg_count; i++) visit(w, reference(it, i), ROLE_TILE, depth + 1);
}

static void check_overlay(walk *w, item *it, unsigned depth) {
    span data;
    /* libheif's reading: version 0, the background colour, the canvas, an offset per input */
    if (!item_data(w, it, &data) || data.n < 2 + 8 || data.p[0] != 0) return;
    size_t field_size = data.p[1] & 1 ? 4 : 2, at = 2 + 8;
    if ((uint64_t)data.n < at + 2 * (uint64_t)field_size * (1 + (uint64_t)it->dimg_count)) return;
    uint32_t width = field_size == 4 ? be32(data.p + at) : be16(data.p + at);
    uint32_t height = field_size == 4 ? be32(data.p + at + 4) : be16(data.p + at + 2);
    check_canvas(w, it, "overlay", width, height);
    for (uint32_t i = 0; i < it->dimg_count; i++) visit(w, reference(it, i), ROLE_OTHER, depth + 1);
}

static void visit(walk *w, uint32_t id, role r, unsigned depth) {
    item *it = find_item(w->s, id);
    if (it == NULL) return;                                   /* libheif refuses it */
    if (depth > MAX_DEPTH) {
        sd_fail(&w->dec->job, SD_INVALID_HEADER, "derived images nested more than %d deep (item %u)", MAX_DEPTH, id);
    }
    if (it->state == 1) sd_fail(&w->dec->job, SD_INVALID_HEADER, "item %u is derived from itself", id);
    if (it->state == 2) {
        /* checked already, perhaps as a tile: the limits may still apply to it here */
        if (r != ROLE_TILE && it->coded_width > 0 && over_limits(&w->dec->limits, it->coded_width, it->coded_height)) {
            sd_fail(&w->dec->job, SD_PIXEL_LIMIT_EXCEEDED, "item %u declares a %ux%u picture, over the pixel or side limit", id,
                    it->coded_width, it->coded_height);
        }
        return;
    }
    it->state = 1;
    switch (it->type) {
    case FOURCC('h', 'v', 'c', '1'): check_hevc(w, it, r); break;
    case FOURCC('a', 'v', '0', '1'): check_av1(w, it, r); break;
    case FOURCC('g', 'r', 'i', 'd'): check_grid(w, it, depth); break;
    case FOURCC('i', 'o', 'v', 'l'): check_overlay(w, it, depth); break;
    case FOURCC('i', 'd', 'e', 'n'):
        if (it->dimg_count == 1) visit(w, reference(it, 0), ROLE_OTHER, depth + 1);
        break;
    default: break;                                          /* libheif decodes no other type */
    }
    /* its alpha planes (libheif attaches them to any image item it decodes) */
    alpha_link key = {id, 0};
    size_t lo = 0, hi = w->s->alpha_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (compare_alphas(&w->s->alphas[mid], &key) < 0) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < w->s->alpha_count && w->s->alphas[i].master == id; i++) {
        visit(w, w->s->alphas[i].alpha, ROLE_OTHER, depth + 1);
    }
    it->state = 2;
}

void sd_heif_check_streams(sd_decoder *dec, unsigned primary_depth, sd_heif_plan *plan) {
    memset(plan, 0, sizeof *plan);
    struct sd_heif_streams *s = allocate(dec, 1, sizeof *s);
    dec->u.heif.streams = s;
    span file = {dec->data, dec->len};
    /* libheif keeps the last top-level meta */
    box meta, b;
    int have_meta = 0;
    size_t pos = 0;
    while (next_box(file, &pos, &b)) {
        if (b.type == FOURCC('m', 'e', 't', 'a')) {
            meta = b;
            have_meta = 1;
        }
    }
    if (!have_meta || meta.body.n < 4) return;                 /* libheif refused it already */
    box iinf, iprp, iloc, iref, idat, pitm;
    if (!find_child(meta.body, 4, FOURCC('p', 'i', 't', 'm'), &pitm) || pitm.body.n < 6) return;
    uint32_t primary = pitm.body.p[0] == 0 ? be16(pitm.body.p + 4) : pitm.body.n >= 8 ? be32(pitm.body.p + 4) : 0;
    if (find_child(meta.body, 4, FOURCC('i', 'i', 'n', 'f'), &iinf)) index_items(dec, s, iinf);
    if (find_child(meta.body, 4, FOURCC('i', 'p', 'r', 'p'), &iprp)) index_properties(dec, s, iprp);
    if (find_child(meta.body, 4, FOURCC('i', 'l', 'o', 'c'), &iloc)) index_locations(s, iloc);
    if (find_child(meta.body, 4, FOURCC('i', 'd', 'a', 't'), &idat)) {
        s->idat = idat.body;
        s->idat_offset = (size_t)(idat.body.p - dec->data);
        s->idat_box_size = idat.size;
    }
    if (find_child(meta.body, 4, FOURCC('i', 'r', 'e', 'f'), &iref)) index_references(dec, s, iref);
    walk w = {dec, s, primary, primary_depth > 8 ? 2 : 1, plan};
    plan->primary_depth = primary_depth;
    visit(&w, primary, ROLE_PRIMARY, 0);
    item *it = find_item(s, primary);
    if (it != NULL) {
        plan->primary_coded_width = it->coded_width;
        plan->primary_coded_height = it->coded_height;
    }
    sd_heif_free_streams(dec);
}

void sd_heif_free_streams(sd_decoder *dec) {
    struct sd_heif_streams *s = dec->u.heif.streams;
    if (s == NULL) return;
    free(s->items);
    free(s->properties);
    free(s->property_types);
    free(s->alphas);
    free(s->copy);
    free(s);
    dec->u.heif.streams = NULL;
}
