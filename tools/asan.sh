#!/usr/bin/env bash
# Runs the decode, profile and classifier tests under AddressSanitizer (and LeakSanitizer).
#
#   tools/asan.sh [FILTER]
#
# Builds everything with `--sanitize=address` in its own scratch folder (.build-asan, kept
# apart from the normal build), then runs the tests matching FILTER (a `swift test --filter`
# regex; default: the decode tests, the profile tests, the classifier's tests (its vector
# kernel, support-vector layout and packed model arrays) and the end-to-end profile and
# reliability tests). The end-to-end tests run the specdet binary built beside the test
# bundle, so the CLI runs under ASan too. Slow on 2 cores (about 10 minutes cold): run it
# once per change to the C glue, the decode path or unsafe code, not in a loop.
#
# Exits non-zero if a test fails or any sanitizer report appears in the output (a child
# process's report would otherwise only show as a wrong exit status).
# Environment: ASAN_SCRATCH (default .build-asan), SWIFT (default swift), JOBS (build jobs),
# ASAN_OPTIONS (default below).
set -euo pipefail
cd "$(dirname "$0")/.."

swift=${SWIFT:-swift}
scratch=${ASAN_SCRATCH:-.build-asan}
filter=${1:-'SpecdetImageTests|SpecdetProfileTests|SpecdetClassifyTests|ProfileCommandTests|ReliabilityTests|FilesystemTrapTests|FolderWalkTests|InterruptionTests'}
jobs=()
[ -n "${JOBS:-}" ] && jobs=(-j "$JOBS")
# Every process (the test runner and each specdet the end-to-end tests start) writes its
# sanitizer reports to a file in $reports, so a report from a child cannot hide behind an
# exit status a test happened to expect. detect_leaks: LeakSanitizer at exit (suppressions
# in tools/lsan.supp: toolchain libraries only); exitcode 86: a report is never mistaken
# for specdet's own 1 or 2.
reports=$(mktemp -d "${TMPDIR:-/tmp}/specdet-asan-reports.XXXXXX")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:exitcode=86:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}:log_path=$reports/report
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tools/lsan.supp:print_suppressions=0}
# The end-to-end tests' speed checks allow for ASan's slowdown (Tests/EndToEndTests/TimedProcess.swift).
export SPECDET_TEST_SLOWDOWN=${SPECDET_TEST_SLOWDOWN:-4}

log=$(mktemp "${TMPDIR:-/tmp}/specdet-asan.XXXXXX.log")
echo "ASan build in $scratch; log: $log" >&2
if ! "$swift" build --sanitize=address --scratch-path "$scratch" --build-tests "${jobs[@]}" >"$log" 2>&1; then
  grep -E "error:" "$log" | head -20 >&2
  echo "asan: build failed (see $log)" >&2
  exit 2
fi
grep -E "Build complete" "$log" >&2 || true

status=0
"$swift" test --sanitize=address --scratch-path "$scratch" --skip-build --filter "$filter" 2>&1 | tee -a "$log" || status=$?

if [ -n "$(ls -A "$reports")" ] ||
   grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|SUMMARY: (Address|Leak)Sanitizer|runtime error:" "$log"; then
  echo "asan: sanitizer reports found (in $reports and $log):" >&2
  for report in "$reports"/*; do
    [ -f "$report" ] && { echo "== $report" >&2; grep -E "ERROR:|SUMMARY:|^    #[0-9] " "$report" | head -12 >&2; }
  done
  exit 1
fi
rmdir "$reports" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  echo "asan: tests failed (status $status), no sanitizer report (see $log)" >&2
  exit "$status"
fi
echo "asan: clean ($log)" >&2
