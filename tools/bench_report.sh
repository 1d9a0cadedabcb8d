#!/usr/bin/env bash
# make bench-report: a report over 2,000 and over 20,000 inputs (the fixture images listed
# again and again under distinct paths, through --files-from), its size and specdet's peak
# RSS, to show that memory stays flat in the number of inputs. Needs no shared data.
# Usage: tools/bench_report.sh SPECDET
set -euo pipefail
specdet=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Distinct paths to the same files: one folder of links to the fixture folders per copy.
find Fixtures/images -type f \( -name '*.png' -o -name '*.jpg' \) | sort > "$work/images.txt"
per=$(wc -l < "$work/images.txt")
copies=$(( (20000 + per - 1) / per ))
for i in $(seq 1 "$copies"); do
  ln -s "$PWD/Fixtures" "$work/copy$i"
  sed "s|^Fixtures/|$work/copy$i/|" "$work/images.txt" >> "$work/all.txt"
done
for n in 2000 20000; do
  # sed reads all of its input: `head` could exit first and, under pipefail, stop the script.
  sed -n "1,${n}p" "$work/all.txt" > "$work/list$n.txt"
  /usr/bin/time -v "$specdet" report --quiet --jobs 2 --files-from "$work/list$n.txt" --output "$work/report$n.html" 2> "$work/time$n.txt"
  rows=$(grep -c '^<tr id="r' "$work/report$n.html")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time$n.txt")
  elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time$n.txt")
  size=$(stat -c %s "$work/report$n.html")
  printf 'inputs %d, rows %d, report %.1f MB (%.0f bytes a row), peak RSS %.1f MB, wall %s\n' "$n" "$rows" \
    "$(awk "BEGIN { print $size / 1e6 }")" "$(awk "BEGIN { print $size / $n }")" "$(awk "BEGIN { print $rss / 1024 }")" "$elapsed"
done
