#!/usr/bin/env bash
# make bench: throughput of `specdet profile` beside the reference script on the same files,
# with 1 and 2 workers; of `specdet score` with the built-in model; the per-stage floor, peak
# memory over 20,000 inputs and training times. Needs ../shared (bench photos, dev corpora,
# reference script). Writes the tables to stdout; tools/bench.sh SHARED SPECDET STAGES >
# docs/BENCHMARKS.md is how they were recorded.
set -euo pipefail
shared=$1 specdet=$2 stages=$3
tools/require_shared.sh "$shared"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
reference="$shared/peers/durall_reference.py"
n1024=${BENCH_N1024:-120}
python3 tools/make_bench_inputs.py "$shared/data/bench" "$work" "$n1024"
mkdir -p "$work/dev"
for corpus in dcgan64 ae128_convtranspose; do
  ln -s "$(cd "$shared/data/dev/$corpus" && pwd)" "$work/dev/$corpus"
done

count() { find -L "$1" -type f \( -name '*.png' -o -name '*.jpg' \) | wc -l; }
# Wall seconds of a command (best of two runs; the first also warms the page cache).
wall() {
  local best=""
  for _ in 1 2; do
    local start end
    start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
    local t; t=$(awk "BEGIN { print $end - $start }")
    if [ -z "$best" ] || [ "$(awk "BEGIN { print $t < $best }")" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

echo "## Throughput (images/s, best of 2 runs)"
echo
echo "| input | images | workers | specdet | reference | ratio |"
echo "|---|---|---|---|---|---|"
for set in jpeg1024 png1024 dev/dcgan64 dev/ae128_convtranspose; do
  dir="$work/$set"
  images=$(count "$dir")
  for jobs in 1 2; do
    ours=$(wall "$specdet" profile --quiet --features durall --jobs "$jobs" "$dir" --output "$work/ours.csv")
    theirs=$(wall python3 "$reference" profile "$dir" --recursive --preset generic --jobs "$jobs" --out "$work/theirs.csv")
    printf '| %s | %d | %d | %.1f | %.1f | %.1fx |\n' "$set" "$images" "$jobs" \
      "$(awk "BEGIN { print $images / $ours }")" "$(awk "BEGIN { print $images / $theirs }")" "$(awk "BEGIN { print $theirs / $ours }")"
  done
done

echo
echo "## The main job: scoring with the built-in model (images/s, 2 workers, best of 2 runs)"
echo
echo "specdet's default features (sectors) and built-in RBF SVM; the reference has no scoring"
echo "command, so its column is its profiling alone (a lower bound on its cost per image)."
echo
echo "| input | images | specdet profile (sectors) | specdet score | reference profile | ratio (score) |"
echo "|---|---|---|---|---|---|"
for set in jpeg1024 dev/dcgan64 dev/ae128_convtranspose; do
  dir="$work/$set"
  images=$(count "$dir")
  profile=$(wall "$specdet" profile --quiet --jobs 2 "$dir" --output "$work/ours.csv")
  score=$(wall "$specdet" score --quiet --jobs 2 "$dir" --output "$work/scores.csv")
  theirs=$(wall python3 "$reference" profile "$dir" --recursive --preset generic --jobs 2 --out "$work/theirs.csv")
  printf '| %s | %d | %.1f | %.1f | %.1f | %.1fx |\n' "$set" "$images" \
    "$(awk "BEGIN { print $images / $profile }")" "$(awk "BEGIN { print $images / $score }")" \
    "$(awk "BEGIN { print $images / $theirs }")" "$(awk "BEGIN { print $theirs / $score }")"
done

echo
echo "## Per-stage floor of one 1024x1024 JPEG (thread CPU time, median of 50)"
echo
# sed reads all of sort's output: `head -1` could exit first and, under pipefail, the SIGPIPE
# that sort then gets would stop the script (exit 141).
first_jpeg=$(find "$work/jpeg1024" -name '*.jpg' | sort | sed -n 1p)
"$stages" stages "$first_jpeg" 50 | sed 's/^/    /'
floor=$("$stages" stages "$first_jpeg" 50 | awk '/^floor_ms/ {print $2}')
ours2=$(wall "$specdet" profile --quiet --features durall --jobs 2 "$work/jpeg1024" --output "$work/ours.csv")
measured=$(awk "BEGIN { print $ours2 * 1000 * 2 / $n1024 }")
printf '\n2 workers: %.2f ms per image per worker measured, floor %.2f ms: %.0f%% above the floor.\n' \
  "$measured" "$floor" "$(awk "BEGIN { print ($measured / $floor - 1) * 100 }")"

echo
echo "## Memory over 20,000 inputs (one process, --files-from, 2 workers)"
echo
find "$shared/data/dev" -name '*.png' | sort > "$work/dev.txt"
: > "$work/list.txt"
while [ "$(wc -l < "$work/list.txt")" -lt 20000 ]; do cat "$work/dev.txt" >> "$work/list.txt"; done
head -n 20000 "$work/list.txt" > "$work/list20k.txt"
/usr/bin/time -v "$specdet" profile --quiet --features durall --jobs 2 --files-from "$work/list20k.txt" --output "$work/big.csv" 2> "$work/time.txt"
rows=$(($(wc -l < "$work/big.csv") - 1))
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
printf 'inputs 20000, rows %d, peak RSS %.1f MB, wall %s\n' "$rows" "$(awk "BEGIN { print $rss / 1024 }")" "$elapsed"

echo
echo "## Training 10,000 profiles x 300 bins (standardised features)"
echo
"$stages" train 10000 300 | sed 's/^/    /'
