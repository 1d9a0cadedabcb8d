#!/usr/bin/env bash
# make bench: throughput of `specdet profile` beside the reference script on the same files,
# with 1 and 2 workers; of `specdet score` with the built-in model, and the model's load and
# per-profile cost; pixel throughput on images
# of 200 different sizes against one size; one image from start-up to result beside the
# reference; the per-stage floor and the cost of a new size; the FFT's cost per pixel by the
# sides' prime factors; instruction counts (callgrind, when valgrind is installed); peak memory
# over 20,000 inputs and training times. Needs ../shared (bench photos, dev corpora, reference
# script). Writes the tables to stdout; docs/BENCHMARKS.md quotes them.
set -euo pipefail
shared=$1 specdet=$2 stages=$3
tools/require_shared.sh "$shared"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
reference="$shared/peers/durall_reference.py"
n1024=${BENCH_N1024:-200}
python3 tools/make_bench_inputs.py "$shared/data/bench" "$work" "$n1024"
mkdir -p "$work/dev"
for corpus in dcgan64 ae128_convtranspose; do
  ln -s "$(cd "$shared/data/dev/$corpus" && pwd)" "$work/dev/$corpus"
done

count() { find -L "$1" -type f \( -name '*.png' -o -name '*.jpg' \) | wc -l; }
# Megapixels of the ok rows of a profile CSV (width and height are columns 3 and 4).
megapixels() { awk -F, 'NR > 1 && $2 == "ok" { s += $3 * $4 } END { print s / 1e6 }' "$1"; }
rounds=${BENCH_ROUNDS:-3}
# Wall seconds and CPU seconds (user + system, children included) of one run of a command:
# the wall time from the clock, to well under a millisecond (time(1) rounds it to 10 ms, a
# tenth of the smaller runs), the CPU time from time(1).
timed() {
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -o "$work/time.txt" -f "%U %S" "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  awk -v start="$start" -v end="$end" '{ print end - start, $1 + $2 }' "$work/time.txt"
}
# The smaller of a variable's value (empty: none yet) and a number, into the variable.
keep_min() { if [ -z "${!1}" ] || [ "$(awk "BEGIN { print $2 < ${!1} }")" = 1 ]; then printf -v "$1" '%s' "$2"; fi; }
echo "## Throughput (images/s, best of $rounds runs, the two tools in turn)"
echo
echo "Ratios of wall time, and of CPU time (user + system), which other processes on a shared"
echo "machine inflate less."
echo
echo "| input | images | workers | specdet | reference | ratio | CPU ratio |"
echo "|---|---|---|---|---|---|---|"
for set in jpeg1024 png1024 dev/dcgan64 dev/ae128_convtranspose; do
  dir="$work/$set"
  images=$(count "$dir")
  for jobs in 1 2; do
    ours="" ourscpu="" theirs="" theirscpu=""
    for _ in $(seq "$rounds"); do
      read -r w c < <(timed "$specdet" profile --quiet --features durall --jobs "$jobs" "$dir" --output "$work/ours.csv")
      keep_min ours "$w"; keep_min ourscpu "$c"
      read -r w c < <(timed python3 "$reference" profile "$dir" --recursive --preset generic --jobs "$jobs" --out "$work/theirs.csv")
      keep_min theirs "$w"; keep_min theirscpu "$c"
    done
    printf '| %s | %d | %d | %.1f | %.1f | %.1fx | %.1fx |\n' "$set" "$images" "$jobs" \
      "$(awk "BEGIN { print $images / $ours }")" "$(awk "BEGIN { print $images / $theirs }")" \
      "$(awk "BEGIN { print $theirs / $ours }")" "$(awk "BEGIN { print $theirscpu / $ourscpu }")"
  done
done

echo
echo "## The main job: scoring with the built-in model (images/s, 2 workers, best of $rounds runs)"
echo
echo "specdet's default features (sectors) and built-in RBF SVM; the reference has no scoring"
echo "command, so its column is its profiling alone (a lower bound on its cost per image)."
echo
echo "| input | images | specdet profile (sectors) | specdet score | reference profile | ratio (score) |"
echo "|---|---|---|---|---|---|"
for set in jpeg1024 dev/dcgan64 dev/ae128_convtranspose; do
  dir="$work/$set"
  images=$(count "$dir")
  profile="" score="" theirs=""
  for _ in $(seq "$rounds"); do
    read -r w c < <(timed "$specdet" profile --quiet --jobs 2 "$dir" --output "$work/ours.csv"); keep_min profile "$w"
    read -r w c < <(timed "$specdet" score --quiet --jobs 2 "$dir" --output "$work/scores.csv"); keep_min score "$w"
    read -r w c < <(timed python3 "$reference" profile "$dir" --recursive --preset generic --jobs 2 --out "$work/theirs.csv")
    keep_min theirs "$w"
  done
  printf '| %s | %d | %.1f | %.1f | %.1f | %.1fx |\n' "$set" "$images" \
    "$(awk "BEGIN { print $images / $profile }")" "$(awk "BEGIN { print $images / $score }")" \
    "$(awk "BEGIN { print $images / $theirs }")" "$(awk "BEGIN { print $theirs / $score }")"
done
echo
echo "Loading the built-in model and scoring one 64x64 profile with it (thread CPU time, median of 30):"
echo
"$stages" model Sources/_SpecdetDefaultModel/model/default-model.json \
  "$(find -L "$work/dev/dcgan64" -name '*.png' | sort | head -n 1)" 30 | sed 's/^/    /'

echo
echo "## Pixel throughput on 200 sizes against one size (2 workers, best of $rounds runs, in turn)"
echo
echo "| input | images | Mpx | wall s | Mpx/s | ratio to one size | CPU ns per pixel | CPU ratio |"
echo "|---|---|---|---|---|---|---|---|"
declare -A best cpu
for _ in $(seq "$rounds"); do
  for set in jpeg1024 mixed7 mixedany; do
    read -r w c < <(timed "$specdet" profile --quiet --features durall --jobs 2 "$work/$set" --output "$work/$set.csv")
    if [ -z "${best[$set]:-}" ] || [ "$(awk "BEGIN { print $w < ${best[$set]} }")" = 1 ]; then best[$set]=$w; fi
    if [ -z "${cpu[$set]:-}" ] || [ "$(awk "BEGIN { print $c < ${cpu[$set]} }")" = 1 ]; then cpu[$set]=$c; fi
  done
done
one=$(awk "BEGIN { print $(megapixels "$work/jpeg1024.csv") / ${best[jpeg1024]} }")
onecpu=$(awk "BEGIN { print ${cpu[jpeg1024]} * 1000 / $(megapixels "$work/jpeg1024.csv") }")
for set in jpeg1024 mixed7 mixedany; do
  mpx=$(megapixels "$work/$set.csv")
  printf '| %s | %d | %.1f | %.2f | %.1f | %.0f%% | %.2f | %.0f%% |\n' "$set" "$(count "$work/$set")" "$mpx" "${best[$set]}" \
    "$(awk "BEGIN { print $mpx / ${best[$set]} }")" "$(awk "BEGIN { print 100 * $mpx / ${best[$set]} / $one }")" \
    "$(awk "BEGIN { print ${cpu[$set]} * 1000 / $mpx }")" "$(awk "BEGIN { print 100 * $onecpu / (${cpu[$set]} * 1000 / $mpx) }")"
done

echo
echo "## One image, start-up to result (wall seconds, best of 3, the two tools in turn)"
echo
ours="" theirs=""
for _ in 1 2 3; do
  read -r w c < <(timed "$specdet" profile --quiet --features durall "$work/one"); keep_min ours "$w"
  read -r w c < <(timed python3 "$reference" profile "$work/one" --preset generic --out "$work/one.csv"); keep_min theirs "$w"
done
printf 'specdet profile one.jpg (1024x1024 JPEG): %.3f s; reference: %.3f s; %.0fx\n' "$ours" "$theirs" \
  "$(awk "BEGIN { print $theirs / $ours }")"

echo
echo "## Per-stage floor of one 1024x1024 JPEG (thread CPU time, median of 50)"
echo
# sed reads all of sort's output: `head -1` could exit first and, under pipefail, the SIGPIPE
# that sort then gets would stop the script (exit 141).
first_jpeg=$(find "$work/jpeg1024" -name '*.jpg' | sort | sed -n 1p)
"$stages" stages "$first_jpeg" 50 > "$work/stages.txt"
sed 's/^/    /' "$work/stages.txt"
floor=$(awk '/^floor_ms/ {print $2}' "$work/stages.txt")
# Wall time per image per worker, and CPU time (user + system) per image, which other
# processes on the machine inflate less.
measured="" cpu2=""
for _ in $(seq "$rounds"); do
  read -r w c < <(timed "$specdet" profile --quiet --features durall --jobs 2 "$work/jpeg1024" --output "$work/ours.csv")
  keep_min measured "$(awk "BEGIN { print $w * 1000 * 2 / $n1024 }")"; keep_min cpu2 "$(awk "BEGIN { print $c * 1000 / $n1024 }")"
done
printf '\n2 workers: %.2f ms of wall time per image per worker and %.2f ms of CPU time per image, against a floor of %.2f ms: %.0f%% and %.0f%% above it.\n' \
  "$measured" "$cpu2" "$floor" "$(awk "BEGIN { print ($measured / $floor - 1) * 100 }")" "$(awk "BEGIN { print ($cpu2 / $floor - 1) * 100 }")"

echo
echo "## FFT and log magnitude per pixel by the sides' prime factors (thread CPU time, median of 20)"
echo
echo "| size | largest prime factors | fft_log ms | ns per pixel | to 1024x1024 |"
echo "|---|---|---|---|---|"
largest() { n=$1 p=2 l=1; while [ "$n" -gt 1 ]; do if [ $((n % p)) -eq 0 ]; then l=$p; n=$((n / p)); else p=$((p + 1)); fi; done; echo "$l"; }
base=""
for size in 1024x1024 1000x1000 1008x896 1029x1372 1022x1022 1018x1018 1021x1021 997x1009; do
  w=${size%x*} h=${size#*x}
  ms=$("$stages" stages "$work/sides/$size.jpg" 20 | awk '/^fft_log_ms/ { print $2 }')
  ns=$(awk "BEGIN { print $ms * 1e6 / ($w * $h) }")
  [ -z "$base" ] && base=$ns
  printf '| %s | %s, %s | %.2f | %.2f | %.1fx |\n' "$size" "$(largest "$w")" "$(largest "$h")" "$ms" "$ns" \
    "$(awk "BEGIN { print $ns / $base }")"
done

if command -v valgrind >/dev/null; then
  echo
  echo "## Instructions (callgrind, one worker; repeatable under load)"
  echo
  # valgrind 3.19 cannot read the DWARF 5 debug information swiftc writes: count a stripped copy.
  strip --strip-debug -o "$work/specdet-nodebug" "$specdet"
  instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$work/specdet-nodebug" profile --quiet \
      --features durall --jobs 1 "$@" --output "$work/cg.csv" 2>&1 | awk '/Collected/ { print $4 }'
  }
  # Inclusive instructions of the functions whose mangled names contain $1.
  inclusive() { callgrind_annotate --inclusive=yes "$work/callgrind.out" | awk -v k="$1" 'index($0, k) { gsub(",", "", $1); print $1; exit }'; }
  first=$(instructions "$work/jpeg1024/0000_"*.jpg)
  two=$(instructions "$work/jpeg1024/0000_"*.jpg "$work/jpeg1024/0001_"*.jpg)
  printf 'start-up and one 1024x1024 JPEG: %.1f M; each further image of that size: %.1f M\n' \
    "$(awk "BEGIN { print $first / 1e6 }")" "$(awk "BEGIN { print ($two - $first) / 1e6 }")"
  find "$work/mixed7" -name '*.jpg' | sort | head -n 20 > "$work/mixed20.txt"
  mixed=$(instructions --files-from "$work/mixed20.txt")
  plans=$(inclusive FFTPlannerO8makePlan) tables=$(inclusive RingTableCacheC5table)
  pixels=$(megapixels "$work/cg.csv")
  printf 'the first 20 of mixed7 (%.1f Mpx, 20 sizes): %.1f M in all, %.1f per pixel; FFTW planning %.1f M per image, ring tables %.1f M per image\n' \
    "$pixels" "$(awk "BEGIN { print $mixed / 1e6 }")" "$(awk "BEGIN { print $mixed / ($pixels * 1e6) }")" \
    "$(awk "BEGIN { print $plans / 20e6 }")" "$(awk "BEGIN { print $tables / 20e6 }")"
fi

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
