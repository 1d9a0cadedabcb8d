#!/usr/bin/env bash
# make scale-check: the recipes of docs/SCALE.md, run on this machine on the repository's own
# Fixtures/images (no ../shared needed):
#   1. shards: one unsharded run, then N shards through GNU parallel with a job log; one shard
#      gets SIGTERM mid-run and leaves no output, `parallel --resume-failed` runs it alone
#      again, and the shards' rows, sorted, equal the unsharded rows, sorted;
#   2. throughput: one process of --jobs 1, two such processes side by side (shards 1/2 and
#      2/2), and one process of --jobs 2; the cost of one image of 64x64, 256x256, 1024x1024;
#   3. memory: peak RSS of `score --files-from -` over a list of LINES paths (a few fixture
#      images under distinct spellings) of which --shard keeps a few, and the time of the first
#      row beside the time the list was read to its end.
# Installs GNU parallel (and GNU time) with apt-get when missing. Exits 1 with a line
# `scale-check: FAILED: ...` when a check fails.
#
# Usage: tools/scale_check.sh [--quick] SPECDET
#   --quick  fewer inputs (30 copies of the fixtures) and a 1-million-line list; the default is
#            60 copies (about 4,000 images) and 10 million lines.
set -euo pipefail

quick=false
if [ "${1:-}" = --quick ]; then quick=true; shift; fi
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: tools/scale_check.sh [--quick] SPECDET   (e.g. .build/release/specdet)" >&2
  exit 2
fi
specdet=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd -P)
if $quick; then copies=30 lines=1000000 keep=100; else copies=60 lines=10000000 keep=1000; fi
shards=8 victim=5

say() { echo "scale-check: $*"; }
fail() { echo "scale-check: FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

missing=""
command -v parallel >/dev/null || missing="$missing parallel"
[ -x /usr/bin/time ] || missing="$missing time"
if [ -n "$missing" ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  say "installing:$missing"
  $sudo apt-get update -qq && $sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/specdet-scale.XXXXXX")
work=$(cd "$work" && pwd -P)
background=""
cleanup() {
  for pid in $background; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
started=$(now)
say "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start (the machine may be shared)"

# ---------------------------------------------------------------------------------------------
# Inputs: the fixture images under COPIES folders that are links to Fixtures/images, so every
# path is distinct (and hashes to its own shard) while the files stay the repository's.
(cd "$root/Fixtures/images" && find . -type f \( -name '*.png' -o -name '*.jpg' \) | LC_ALL=C sort | sed 's|^\./||') > fixtures.txt
mkdir in
for i in $(seq -w 1 "$copies"); do
  ln -s "$root/Fixtures/images" "in/c$i"
  sed "s|^|in/c$i/|" fixtures.txt
done > list.txt
images=$(wc -l < list.txt)
say "$images inputs: $(wc -l < fixtures.txt) fixture images under $copies linked folders"

# ---------------------------------------------------------------------------------------------
# 1. Shards through GNU parallel, one killed and resumed, against one unsharded run.
"$specdet" score --quiet --no-header --files-from list.txt --output whole.csv \
  || fail "the unsharded run exited $?"
[ "$(wc -l < whole.csv)" -eq "$images" ] || fail "the unsharded run wrote $(wc -l < whole.csv) rows for $images inputs"

shard_jobs() {
  parallel "$@" --joblog joblog "$specdet" score --quiet --no-header --jobs 1 \
    --shard {}/$shards --files-from list.txt --output out-{}.csv ::: $(seq 1 $shards)
}
shard_jobs & parallel_pid=$!
background=$parallel_pid
# Shard VICTIM has started once its temporary output exists; the process holding that file
# open is the shard's specdet, and it gets SIGTERM.
victim_pid=""
deadline=$(( $(date +%s) + 300 ))
while [ -z "$victim_pid" ] && kill -0 "$parallel_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
  holder=$(find /proc/[0-9]*/fd -maxdepth 1 -lname "$work/.out-$victim.csv.specdet-*" 2>/dev/null | sed -n 1p || true)
  if [ -n "$holder" ]; then
    victim_pid=${holder#/proc/}; victim_pid=${victim_pid%%/*}
    kill -TERM "$victim_pid" 2>/dev/null || victim_pid=""
  else
    sleep 0.02
  fi
done
status=0; wait "$parallel_pid" || status=$?
background=""
[ -n "$victim_pid" ] || fail "shard $victim finished before it could be interrupted (no temporary output seen)"
[ "$status" -eq 1 ] || fail "parallel exited $status after one interrupted shard (expected 1: one job failed)"
failed=$(awk 'NR > 1 && ($7 != 0 || $8 != 0) { print $7 "/" $8 " " $0 }' joblog)
echo "$failed" | grep -q -- "--shard $victim/$shards " || fail "the job log does not show shard $victim failed: $failed"
[ "$(echo "$failed" | wc -l)" -eq 1 ] || fail "more than one job failed: $failed"
echo "$failed" | grep -q '^130/0 ' || fail "shard $victim did not exit 130 on SIGTERM: $failed"
[ ! -e "out-$victim.csv" ] || fail "the interrupted shard left out-$victim.csv"
leftovers=$(find . -maxdepth 1 -name '.out-*.specdet-*')
[ -z "$leftovers" ] || fail "temporary files left behind: $leftovers"
for k in $(seq 1 $shards); do
  [ "$k" -eq "$victim" ] || [ -s "out-$k.csv" ] || fail "shard $k wrote no out-$k.csv"
done
say "shard $victim of $shards got SIGTERM mid-run (pid $victim_pid): exit 130, no out-$victim.csv, no temporary file; the other $((shards - 1)) outputs exist"

before=$(stat -c '%n %i %Y' out-*.csv)
shard_jobs --resume-failed || fail "parallel --resume-failed exited $?"
after=$(stat -c '%n %i %Y' out-*.csv | grep -v "^out-$victim.csv ")
[ "$before" = "$after" ] || fail "--resume-failed rewrote outputs of shards that had succeeded"
[ "$(awk 'NR > 1' joblog | wc -l)" -eq $((shards + 1)) ] || fail "--resume-failed ran more than the failed shard: $(cat joblog)"
tail -n 1 joblog | awk -v s="--shard $victim/$shards " '$7 == 0 && $8 == 0 && index($0, s) { ok = 1 } END { exit !ok }' \
  || fail "the resumed job is not a successful shard $victim: $(tail -n 1 joblog)"
say "parallel --resume-failed ran shard $victim alone (exit 0); the other outputs were not touched"

cat $(seq -f 'out-%g.csv' 1 $shards) | LC_ALL=C sort > shards.sorted
LC_ALL=C sort whole.csv > whole.sorted
[ -z "$(uniq -d shards.sorted)" ] || fail "a row appears in more than one shard"
cmp -s shards.sorted whole.sorted \
  || fail "the shards' rows differ from the unsharded rows ($(wc -l < shards.sorted) against $(wc -l < whole.sorted)): $(diff shards.sorted whole.sorted | head -4)"
say "the $shards shards' $(wc -l < shards.sorted) rows, sorted, equal the unsharded rows, sorted: each input exactly once"

# ---------------------------------------------------------------------------------------------
# 2. Throughput. On a shared machine wall time depends on what else runs, so each layout is
# timed ROUNDS times, interleaved, and the best wall time is kept; the CPU time (user + system,
# from GNU time, children included) says what the work itself costs, whatever the load.
# `timed VAR COMMAND...` runs COMMAND and sets VAR to "WALL CPU" (seconds) of this run or of
# the run VAR held, whichever had the shorter wall time.
timed() {
  local var=$1 this; shift
  /usr/bin/time -f '%e %U %S' -o rusage.txt "$@" >/dev/null 2>&1 || fail "a timed run failed: $*"
  this=$(awk 'END { printf "%s %.2f", $1, $2 + $3 }' rusage.txt)
  printf -v "$var" '%s' "$(awk -v a="$this" -v b="${!var}" 'BEGIN { split(a, x, " "); split(b, y, " "); print (b == "" || x[1] <= y[1]) ? a : b }')"
}
# Shards 1/2 and 2/2 side by side, one worker each (a function, so only bash runs besides them).
two_processes() {
  local a b sa=0 sb=0
  "$specdet" score --quiet --no-header --jobs 1 --shard 1/2 --files-from list.txt --output t2-1.csv & a=$!
  "$specdet" score --quiet --no-header --jobs 1 --shard 2/2 --files-from list.txt --output t2-2.csv & b=$!
  wait "$a" || sa=$?
  wait "$b" || sb=$?
  [ "$sa" -eq 0 ] && [ "$sb" -eq 0 ]
}
export specdet
export -f two_processes
if $quick; then rounds=2; else rounds=3; fi
one="" two="" threads=""
for _ in $(seq 1 $rounds); do
  timed one "$specdet" score --quiet --no-header --jobs 1 --files-from list.txt --output t1.csv
  timed two bash -c two_processes
  timed threads "$specdet" score --quiet --no-header --jobs 2 --files-from list.txt --output t3.csv
done
report() {  # LABEL "WALL CPU"
  awk -v label="$1" -v m="$2" -v base="$one" -v n="$images" 'BEGIN {
    split(m, x, " "); split(base, b, " ")
    printf "scale-check:   %-34s %5.0f images/s (%.2f s), %.2fx one process; CPU %.2f ms an image\n",
      label, n / x[1], x[1], b[1] / x[1], x[2] * 1000 / n
  }'
}
say "throughput over $images images (best wall time of $rounds interleaved rounds), load average now $(cut -d' ' -f1-3 /proc/loadavg):"
report "1 process, --jobs 1:" "$one"
report "2 processes, --jobs 1 each:" "$two"
report "1 process, --jobs 2:" "$threads"
say "  (the two processes scored $(wc -l < t2-1.csv) and $(wc -l < t2-2.csv) images)"

# The cost of one image by size: one process, --jobs 1, one fixture image listed COUNT times;
# CPU time per image, the cost on one core.
ln -s "$root/Fixtures/images" fx
if $quick; then scale=4; else scale=1; fi
say "cost of one image on one core (CPU time of one process, --jobs 1), and what ten million such images take:"
for size in "64x64 PNG:dcgan64/real/00000.png:4000" "256x256 JPEG:jpeg/mate_garden_256x256_q90_baseline_color.jpg:1000" \
            "1024x1024 JPEG:jpeg/mate_wood_1024x1024_q85_baseline_color.jpg:200"; do
  IFS=: read -r what image count <<< "$size"
  count=$((count / scale))
  awk -v path="fx/$image" -v n="$count" 'BEGIN { for (i = 0; i < n; i++) print path }' > size.txt
  m=""
  for _ in 1 2; do timed m "$specdet" score --quiet --no-header --jobs 1 --files-from size.txt --output size.csv; done
  awk -v what="$what" -v n="$count" -v m="$m" 'BEGIN {
    split(m, x, " "); ms = x[2] * 1000 / n
    printf "scale-check:   %-15s %6.2f ms (%d images: %.2f s CPU, %.2f s wall): 10 million = %.1f core-hours\n",
      what, ms, n, x[2], x[1], ms * 1e7 / 3.6e6
  }'
done

# ---------------------------------------------------------------------------------------------
# 3. Memory and the first row over a long list, read from a pipe as it is written. The list
# names five 64x64 fixture images, each under many spellings: "fx/" then 22 components, each
# "./" or ".//" (the bits of the line's number), so every line is a distinct path.
spellings() {
  awk -v lines="$lines" 'BEGIN {
    k = split("dcgan64/real/00000.png dcgan64/real/00005.png dcgan64/fake/00000.png dcgan64/fake/00100.png dcgan64/fake/00200.png", img, " ")
    for (i = 0; i < 2048; i++) { s = ""; for (b = 0; b < 11; b++) s = s (int(i / 2 ^ b) % 2 ? ".//" : "./"); T[i] = s }
    for (h = 0; h < 2048; h++) for (l = 0; l < 2048; l++) for (m = 1; m <= k; m++) {
      print "fx/" T[h] T[l] img[m]; if (++n == lines) exit
    }
  }'
}
/usr/bin/time -v -o one-image.txt "$specdet" score --quiet fx/dcgan64/real/00000.png >/dev/null
start=$(now)
{ spellings; now > list-end.txt; } \
  | /usr/bin/time -v -o time.txt "$specdet" score --quiet --no-header --shard 1/$keep --files-from - \
  | { IFS= read -r first && { now > first-row.txt; printf '%s\n' "$first"; cat; } > long.csv; } \
  || fail "the run over the long list failed: $(grep 'Exit status' time.txt)"
end=$(now)
[ -s first-row.txt ] || fail "--shard 1/$keep kept no line of $lines"
rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' time.txt)
baseline_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' one-image.txt)
rows=$(wc -l < long.csv)
first=$(elapsed "$start" "$(cat first-row.txt)") listed=$(elapsed "$start" "$(cat list-end.txt)") total=$(elapsed "$start" "$end")
say "a list of $lines paths from a pipe, --shard 1/$keep: $rows rows; peak RSS $((rss_kb / 1024)) MB (scoring one image: $((baseline_kb / 1024)) MB)"
cpu=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.1f", t }' time.txt)
say "  first row after $first s; the list read to its end after $listed s; the run over after $total s"
say "  CPU time $cpu s: $(awk -v c="$cpu" -v n="$lines" 'BEGIN { printf "%.1f", c * 1e6 / n }') µs a listed line, the scoring of the rows included"
[ "$rss_kb" -lt $((100 * 1024)) ] || fail "peak RSS $((rss_kb / 1024)) MB over $lines listed paths (limit 100 MB)"
awk -v f="$first" -v l="$listed" 'BEGIN { exit !(f < l / 2) }' \
  || fail "the first row came after $first s, not long before the list was read to its end ($listed s)"

say "all checks passed in $(elapsed "$started" "$(now)") s"
