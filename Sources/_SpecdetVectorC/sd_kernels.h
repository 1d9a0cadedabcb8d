/*
 * One variant of the kernels, included by sd_vector.c once per instruction set with
 * SD_LANES (vector width in floats) and SD_NAME(x) (suffixes a name) defined, inside a
 * `#pragma clang attribute` that sets the target. No include guard on purpose.
 */

typedef float SD_NAME(floats) __attribute__((ext_vector_type(SD_LANES)));
typedef uint32_t SD_NAME(words) __attribute__((ext_vector_type(SD_LANES)));
typedef int32_t SD_NAME(ints) __attribute__((ext_vector_type(SD_LANES)));
typedef uint8_t SD_NAME(bytes) __attribute__((ext_vector_type(SD_LANES)));

/* The log magnitude of SD_LANES values; ORs a lane mask into *special for each value that is
 * zero, subnormal, infinite or NaN (the caller recomputes those with logf). */
static inline SD_NAME(floats) SD_NAME(log_lanes)(const float *complex, float epsilon,
                                                 SD_NAME(words) *special) {
    typedef SD_NAME(floats) floats;
    typedef SD_NAME(words) words;
    floats low, high;
    memcpy(&low, complex, sizeof low);
    memcpy(&high, complex + SD_LANES, sizeof high);
    floats re = __builtin_shufflevector(low, high, SD_EVEN_LANES) + epsilon;
    floats im = __builtin_shufflevector(low, high, SD_ODD_LANES);
    floats value = re * re + im * im;
    words bits;
    memcpy(&bits, &value, sizeof bits);
    /* Exponent field 0 (zero, subnormal) or 255 (infinity, NaN) wraps to >= 0xFE000000. */
    *special |= (words)((bits - 0x00800000u) >= 0x7F000000u);
    floats exponent = __builtin_convertvector((SD_NAME(ints))(bits >> 23) - 126, floats);
    words mantissaBits = (bits & 0x007FFFFFu) | 0x3F000000u;
    floats mantissa;
    memcpy(&mantissa, &mantissaBits, sizeof mantissa);
    /* small: all ones or zero. exponent - 1 as exponent + (-1); mantissa doubled by adding
     * itself where small and +0 elsewhere: the same IEEE results as the scalar selects. */
    SD_NAME(ints) small = (SD_NAME(ints))(mantissa < 0x1.6a09e6p-1f);
    exponent = exponent + __builtin_convertvector(small, floats);
    words doubled = mantissaBits & (words)small;
    floats addend;
    memcpy(&addend, &doubled, sizeof addend);
    mantissa = mantissa + addend;
    floats x = mantissa - 1;
    floats z = x * x;
    floats y = 0x1.204376p-4f;
    y = y * x - 0x1.d7a37p-4f;
    y = y * x + 0x1.de4a34p-4f;
    y = y * x - 0x1.fcba9ep-4f;
    y = y * x + 0x1.23d37ep-3f;
    y = y * x - 0x1.555cap-3f;
    y = y * x + 0x1.999d58p-3f;
    y = y * x - 0x1.fffff8p-3f;
    y = y * x + 0x1.555554p-2f;
    y = y * x * z;
    y += -0x1.bd0106p-13f * exponent;
    y += -0.5f * z;
    return 10 * (x + y + 0x1.63p-1f * exponent);
}

static void SD_NAME(log_magnitude)(const float *complex, float epsilon, float *result, size_t count) {
    SD_NAME(words) special = 0;
    size_t i = 0;
    for (; i + SD_LANES <= count; i += SD_LANES) {
        SD_NAME(floats) values = SD_NAME(log_lanes)(complex + 2 * i, epsilon, &special);
        memcpy(result + i, &values, sizeof values);
    }
    if (i < count) {
        /* The tail through the same lanes, padded with zeros (whose lanes are discarded). */
        float padded[2 * SD_LANES] = {0};
        memcpy(padded, complex + 2 * i, 2 * (count - i) * sizeof(float));
        SD_NAME(words) tailSpecial = 0;
        SD_NAME(floats) values = SD_NAME(log_lanes)(padded, epsilon, &tailSpecial);
        memcpy(result + i, &values, (count - i) * sizeof(float));
        special |= tailSpecial;
    }
    uint32_t any = 0;
    for (int lane = 0; lane < SD_LANES; lane++) any |= special[lane];
    if (any) recompute_special(complex, epsilon, result, count);
}

static void SD_NAME(widen_bytes)(const uint8_t *bytes, float *result, size_t count) {
    size_t i = 0;
    for (; i + SD_LANES <= count; i += SD_LANES) {
        SD_NAME(bytes) lanes;
        memcpy(&lanes, bytes + i, sizeof lanes);
        SD_NAME(floats) values = __builtin_convertvector(lanes, SD_NAME(floats));
        memcpy(result + i, &values, sizeof values);
    }
    for (; i < count; i++) result[i] = (float)bytes[i];
}

typedef float SD_NAME(floats8) __attribute__((ext_vector_type(8)));
typedef double SD_NAME(doubles8) __attribute__((ext_vector_type(8)));

/* *sum += (v_r - x)^2 in double for the eight floats v at `values` (vectors pass by pointer:
 * by value, their ABI would depend on the target). */
static inline void SD_NAME(add_square_difference)(SD_NAME(doubles8) *sum, const float *values, float x) {
    SD_NAME(floats8) lanes;
    memcpy(&lanes, values, sizeof lanes);
    const SD_NAME(doubles8) d = __builtin_convertvector(lanes, SD_NAME(doubles8)) - (double)x;
    *sum += d * d;
}

/* The squared distances of the rows of `blocks` (1 or 2) blocks of eight, into out[0..8 * blocks).
 * Lane r of each vector is row r of its block (the same type in every variant: the compiler
 * splits it into 4, 2 or 1 registers), and accumulator k holds partial sum k of the scalar
 * convention, so each lane does that convention's double operations in its order. Two blocks
 * at a time share each element of x and keep twice as many sums in flight. */
static inline __attribute__((always_inline)) void SD_NAME(distance_pass)(const float *block, size_t blocks,
                                                                           size_t dimension, const float *x,
                                                                           double *out) {
    typedef SD_NAME(doubles8) doubles8;
    const size_t body = dimension & ~(size_t)3;
    doubles8 s[2][4] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
    size_t j = 0;
    for (; j < body; j += 4) {
        for (size_t k = 0; k < 4; k++) {
            for (size_t b = 0; b < blocks; b++) {
                SD_NAME(add_square_difference)(&s[b][k], block + b * 8 * dimension + 8 * (j + k), x[j + k]);
            }
        }
    }
    for (; j < dimension; j++) {
        for (size_t b = 0; b < blocks; b++) SD_NAME(add_square_difference)(&s[b][0], block + b * 8 * dimension + 8 * j, x[j]);
    }
    for (size_t b = 0; b < blocks; b++) {
        const doubles8 total = (s[b][0] + s[b][1]) + (s[b][2] + s[b][3]);
        memcpy(out + 8 * b, &total, sizeof total);
    }
}

static void SD_NAME(squared_distances)(const float *blocks, size_t count, size_t dimension,
                                       const float *x, double *result) {
    size_t first = 0;
    for (; first + 16 <= count; first += 16) SD_NAME(distance_pass)(blocks + first * dimension, 2, dimension, x, result + first);
    if (first < count) { /* 1 to 15 rows: one or two blocks, the last one's padding discarded */
        const size_t remaining = count - first;
        double rest[16];
        SD_NAME(distance_pass)(blocks + first * dimension, (remaining + 7) / 8, dimension, x, rest);
        memcpy(result + first, rest, remaining * sizeof(double));
    }
}
