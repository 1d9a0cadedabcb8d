#!/usr/bin/env bash
# Fuzzes specdet's C decode glue with libFuzzer for SECONDS (default 60) on ONE core.
#
#   tools/fuzz/run.sh [SECONDS]
#
# Builds tools/fuzz/fuzz_decode.c with Sources/_SpecdetCodecC/*.c (outside SwiftPM) using
# clang -g -O1 -fsanitize=fuzzer,address,undefined against the system libpng16, libjpeg, libwebp,
# libheif and libtiff (only the glue is instrumented), seeds it with Fixtures/malformed,
# Fixtures/images and Fixtures/formats (every decoded format), and runs one in-process fuzzer
# (one core).
# Runs are resumable: the corpus lives in $FUZZ_WORK (default /tmp/specdet-fuzz) and grows
# from run to run, so several short runs add up to one long one.
#
# Every crash, timeout or out-of-memory input is written straight into
# Fixtures/fuzz-regressions/ (libFuzzer's -artifact_prefix), a folder that only grows; the
# SpecdetImageTests suite FuzzRegressionTests replays each file there. The script exits
# non-zero when the fuzzer found something.
#
# Environment: CLANG (default: the Swift toolchain's clang, else clang on PATH),
# FUZZ_WORK (scratch folder), FUZZ_MAX_LEN (default 131072), FUZZ_TIMEOUT (per input, s,
# default 20), FUZZ_RSS_MB (default 2048), FUZZ_MALLOC_MB (largest single allocation,
# default 256: with the target's limits nothing legitimate comes near it), FUZZ_SEEDS (an
# extended regular expression: only seed files whose path matches it, e.g.
# '\.(heic|avif)$|fuzz-regressions/' for HEIF/AVIF; default every file), FUZZ_ARGS (extra
# libFuzzer flags).
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${FUZZ_WORK:-/tmp/specdet-fuzz}
regressions="$root/Fixtures/fuzz-regressions"

if [ -z "${CLANG:-}" ]; then
  if [ -x /opt/swift/usr/bin/clang ]; then CLANG=/opt/swift/usr/bin/clang
  else CLANG=$(command -v clang || true); fi
fi
if [ -z "$CLANG" ]; then
  echo "error: no clang; install the Swift toolchain or Debian's clang and libclang-rt-dev" >&2
  exit 2
fi
# libFuzzer's runtime must be there (Swift's toolchain ships it; Debian: libclang-rt-NN-dev).
if ! "$CLANG" -print-file-name=libclang_rt.fuzzer-x86_64.a | grep -q / ||
   [ ! -f "$("$CLANG" -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
  if ! ls "$("$CLANG" -print-resource-dir)"/lib/*/libclang_rt.fuzzer*.a >/dev/null 2>&1 &&
     ! ls "$("$CLANG" -print-resource-dir)"/lib/*/*/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
    echo "error: $CLANG has no libFuzzer runtime (Debian: apt-get install clang libclang-rt-14-dev, CLANG=clang)" >&2
    exit 2
  fi
fi

mkdir -p "$work/corpus" "$work/seeds" "$regressions"
binary="$work/fuzz_decode"
sources=("$root"/Sources/_SpecdetCodecC/*.c "$root/tools/fuzz/fuzz_decode.c")
# Rebuild when any source is newer than the binary.
rebuild=0
[ -x "$binary" ] || rebuild=1
for source in "${sources[@]}" "$root"/Sources/_SpecdetCodecC/*.h "$root"/Sources/_SpecdetCodecC/include/*.h; do
  [ "$source" -nt "$binary" ] && rebuild=1
done
if [ "$rebuild" = 1 ]; then
  echo "building $binary with $CLANG" >&2
  # lld when the toolchain has it (GNU gold warns about every ASan symbol)
  linker=""
  [ -x "$(dirname "$CLANG")/ld.lld" ] && linker="-fuse-ld=lld"
  # shellcheck disable=SC2046
  "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $linker \
    -I"$root/Sources/_SpecdetCodecC/include" $(pkg-config --cflags libpng16 libjpeg libwebp libheif libtiff-4) \
    "${sources[@]}" -o "$binary" \
    $(pkg-config --libs libpng16 libjpeg libwebp libheif libtiff-4 2>/dev/null || echo -lpng16 -ljpeg -lwebp -lheif -ltiff)
fi

# Seeds: every file of the fixture folders (names flattened; duplicates collapse), or those
# FUZZ_SEEDS matches; the seed folder is refilled on every run.
rm -f "$work/seeds"/*
find "$root/Fixtures/malformed" "$root/Fixtures/images" "$root/Fixtures/formats" "$regressions" -type f \
     ! -name '*.md' ! -name '*.tsv' ! -name '*.csv' ! -name '.keep' -print0 |
  while IFS= read -r -d '' file; do
    if [ -n "${FUZZ_SEEDS:-}" ] && ! printf '%s\n' "$file" | grep -Eq -- "$FUZZ_SEEDS"; then continue; fi
    cp -f "$file" "$work/seeds/$(sha1sum "$file" | cut -c1-40)"
  done

log="$work/run-$(date +%Y%m%d-%H%M%S).log"
echo "fuzzing for ${seconds}s; log: $log; corpus: $work/corpus" >&2
status=0
(cd "$work" && "$binary" "$work/corpus" "$work/seeds" \
   -max_total_time="$seconds" \
   -timeout="${FUZZ_TIMEOUT:-20}" \
   -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
   -malloc_limit_mb="${FUZZ_MALLOC_MB:-256}" \
   -max_len="${FUZZ_MAX_LEN:-131072}" \
   -dict="$root/tools/fuzz/formats.dict" \
   -artifact_prefix="$regressions/" \
   -print_final_stats=1 \
   ${FUZZ_ARGS:-}) >"$log" 2>&1 || status=$?

# Summary: the last status line and the final statistics.
grep -E '^#[0-9]+' "$log" | tail -1 >&2 || true
grep -E '^(stat::|Done )' "$log" >&2 || true
if [ "$status" -ne 0 ]; then
  echo "fuzzer stopped with status $status: see $log; new files in $regressions:" >&2
  ls -t "$regressions" | head >&2
fi
exit "$status"
