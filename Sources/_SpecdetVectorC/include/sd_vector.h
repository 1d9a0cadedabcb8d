/*
 * sd_vector.h - vector kernels of specdet's spectrum stage and of its kernel classifiers.
 *
 * Not a public API: the Swift modules SpecdetSpectrum and SpecdetClassify wrap it (see
 * ../README.md).
 *
 * Why C: Swift compiles for the baseline x86-64 instruction set (SSE2) and cannot pick wider
 * vector instructions at run time. These kernels are compiled once per instruction set
 * (SSE2, AVX2, AVX-512F on x86-64; the compiler's baseline elsewhere) with the same
 * arithmetic: every variant performs the same IEEE operations in the same order, without
 * fused multiply-adds (contraction is off in this target), so each gives bit-identical
 * results. The widest variant the processor and the operating system support
 * is chosen once, on first use. Pure functions of their arguments, safe on any thread.
 */
#ifndef SD_VECTOR_H
#define SD_VECTOR_H

#include <stddef.h>
#include <stdint.h>

/* Instruction sets a kernel can be run with; sd_simd_level() names the widest available. */
enum {
    SD_SIMD_BASELINE = 0, /* SSE2 on x86-64, the compiler's baseline elsewhere: 4 lanes */
    SD_SIMD_AVX2 = 1,     /* 8 lanes */
    SD_SIMD_AVX512 = 2    /* AVX-512F: 16 lanes */
};

/* The widest instruction set of the enum above that this processor and OS support. */
int sd_simd_level(void);

/*
 * result[i] = 10 * ln((re_i + epsilon)^2 + im_i^2) for count interleaved complex values
 * (re_0, im_0, re_1, ...), that is 20 * ln|F + epsilon| with epsilon added to the real part.
 *
 * The logarithm is Cephes' logf algorithm (S. L. Moshier): v = m * 2^e with m in [sqrt(1/2),
 * sqrt(2)), a degree-9 minimax polynomial in m - 1, and e * ln 2 added in two parts; relative
 * error below 2e-7 (about one float ulp) for positive normal v. Values v that are zero,
 * subnormal, infinite or NaN get 10 * logf(v) instead. `level` (one of SD_SIMD_*, at most
 * sd_simd_level()) selects the variant; all give the same bits. sd_log_magnitude uses the
 * widest.
 */
void sd_log_magnitude(const float *interleaved, float epsilon, float *result, size_t count);
void sd_log_magnitude_at_level(int level, const float *interleaved, float epsilon, float *result,
                               size_t count);

/* result[i] = (float)bytes[i]: exact. */
void sd_widen_bytes(const uint8_t *bytes, float *result, size_t count);

/*
 * result[i] = ||row_i - x||^2 for the first `count` rows of `dimension` floats stored in
 * blocks of eight rows, element-interleaved: element j of row i at
 * blocks[(i / 8) * 8 * dimension + 8 * j + i % 8]; the rows of the last block past `count`
 * must be readable (any value: their lanes are discarded). The convention is specdet's kernel arithmetic: each
 * float widened to double; the squared differences of elements j < 4 * floor(dimension / 4)
 * summed into four partial sums (element j into sum j % 4, in order of j), the remaining
 * elements added to sum 0 in order; the result (s0 + s1) + (s2 + s3); no fused multiply-adds.
 * Every variant gives those bits, which are those of KernelMath.squaredDistance in
 * SpecdetClassify. `level` (one of SD_SIMD_*, at most sd_simd_level()) selects the variant;
 * sd_squared_distances uses the widest.
 */
void sd_squared_distances(const float *blocks, size_t count, size_t dimension, const float *x,
                          double *result);
void sd_squared_distances_at_level(int level, const float *blocks, size_t count, size_t dimension,
                                   const float *x, double *result);

#endif
