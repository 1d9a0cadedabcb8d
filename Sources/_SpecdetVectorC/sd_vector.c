#include "sd_vector.h"

#include <math.h>
#include <string.h>

/* Every variant must round exactly like the others: no a*b+c fused into one rounding. */
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

/* Values whose square magnitude is zero, subnormal, infinite or NaN: 10 * logf, scalar. */
static void recompute_special(const float *complex, float epsilon, float *result, size_t count) {
    for (size_t i = 0; i < count; i++) {
        float re = complex[2 * i] + epsilon, im = complex[2 * i + 1];
        float value = re * re + im * im;
        if (!isnormal(value)) result[i] = 10 * logf(value);
    }
}

#define SD_EVEN_LANES 0, 2, 4, 6
#define SD_ODD_LANES 1, 3, 5, 7
#define SD_LANES 4
#define SD_NAME(x) x##_baseline
#include "sd_kernels.h"
#undef SD_NAME
#undef SD_LANES
#undef SD_EVEN_LANES
#undef SD_ODD_LANES

#if defined(__x86_64__)
#include <cpuid.h>

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define SD_EVEN_LANES 0, 2, 4, 6, 8, 10, 12, 14
#define SD_ODD_LANES 1, 3, 5, 7, 9, 11, 13, 15
#define SD_LANES 8
#define SD_NAME(x) x##_avx2
#include "sd_kernels.h"
#undef SD_NAME
#undef SD_LANES
#undef SD_EVEN_LANES
#undef SD_ODD_LANES
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#define SD_EVEN_LANES 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define SD_ODD_LANES 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define SD_LANES 16
#define SD_NAME(x) x##_avx512
#include "sd_kernels.h"
#undef SD_NAME
#undef SD_LANES
#undef SD_EVEN_LANES
#undef SD_ODD_LANES
#pragma clang attribute pop

/* cpuid says what the processor has; xgetbv whether the OS saves the wider registers. */
static int detect_level(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return SD_SIMD_BASELINE;
    const unsigned osxsave = 1u << 27, avx = 1u << 28;
    if ((ecx & (osxsave | avx)) != (osxsave | avx)) return SD_SIMD_BASELINE;
    unsigned xcr0Low, xcr0High;
    __asm__("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    if ((xcr0Low & 0x6) != 0x6) return SD_SIMD_BASELINE; /* SSE and AVX state */
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return SD_SIMD_BASELINE;
    const unsigned avx2 = 1u << 5, avx512f = 1u << 16;
    if (!(ebx & avx2)) return SD_SIMD_BASELINE;
    if ((ebx & avx512f) && (xcr0Low & 0xE0) == 0xE0) return SD_SIMD_AVX512; /* opmask, ZMM state */
    return SD_SIMD_AVX2;
}
#else
static int detect_level(void) { return SD_SIMD_BASELINE; }
#endif

int sd_simd_level(void) {
    /* Racing first calls compute the same value; a relaxed atomic makes the race benign. */
    static int cached = -1;
    int level = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (level < 0) {
        level = detect_level();
        __atomic_store_n(&cached, level, __ATOMIC_RELAXED);
    }
    return level;
}

void sd_log_magnitude_at_level(int level, const float *interleaved, float epsilon, float *result,
                               size_t count) {
    switch (level) {
#if defined(__x86_64__)
    case SD_SIMD_AVX512: log_magnitude_avx512(interleaved, epsilon, result, count); return;
    case SD_SIMD_AVX2: log_magnitude_avx2(interleaved, epsilon, result, count); return;
#endif
    default: log_magnitude_baseline(interleaved, epsilon, result, count); return;
    }
}

void sd_log_magnitude(const float *interleaved, float epsilon, float *result, size_t count) {
    sd_log_magnitude_at_level(sd_simd_level(), interleaved, epsilon, result, count);
}

void sd_widen_bytes(const uint8_t *bytes, float *result, size_t count) {
    switch (sd_simd_level()) {
#if defined(__x86_64__)
    case SD_SIMD_AVX512: widen_bytes_avx512(bytes, result, count); return;
    case SD_SIMD_AVX2: widen_bytes_avx2(bytes, result, count); return;
#endif
    default: widen_bytes_baseline(bytes, result, count); return;
    }
}

void sd_squared_distances_at_level(int level, const float *blocks, size_t count, size_t dimension,
                                   const float *x, double *result) {
    switch (level) {
#if defined(__x86_64__)
    case SD_SIMD_AVX512: squared_distances_avx512(blocks, count, dimension, x, result); return;
    case SD_SIMD_AVX2: squared_distances_avx2(blocks, count, dimension, x, result); return;
#endif
    default: squared_distances_baseline(blocks, count, dimension, x, result); return;
    }
}

void sd_squared_distances(const float *blocks, size_t count, size_t dimension, const float *x,
                          double *result) {
    sd_squared_distances_at_level(sd_simd_level(), blocks, count, dimension, x, result);
}
