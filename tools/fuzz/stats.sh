#!/usr/bin/env bash
# Sums the runs logged by tools/fuzz/run.sh in $FUZZ_WORK (default /tmp/specdet-fuzz):
# seconds, executions, the last coverage line, and what stopped a run early.
#
#   tools/fuzz/stats.sh [FUZZ_WORK]
set -euo pipefail
work=${1:-${FUZZ_WORK:-/tmp/specdet-fuzz}}
total_seconds=0 total_units=0
printf '%-28s %8s %12s %s\n' run seconds executions "last status line / finding"
for log in "$work"/run-*.log; do
  [ -f "$log" ] || continue
  units=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  rate=$(grep -oE '^stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  seconds=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | grep -oE 'in [0-9]+' | grep -oE '[0-9]+' || true)
  if [ -z "$seconds" ]; then seconds=$(( rate > 0 ? units / rate : 0 )); fi
  finding=$(grep -oE 'ERROR: libFuzzer: [a-z-]+|ERROR: AddressSanitizer: [a-z-]+|runtime error: .*|Test unit written to .*' "$log" | tr '\n' ' ' || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]+' || true)
  printf '%-28s %8s %12s %s %s\n' "$(basename "$log")" "$seconds" "$units" "$last" "$finding"
  total_seconds=$(( total_seconds + seconds )) total_units=$(( total_units + units ))
done
echo "total: ${total_seconds} s ($(( total_seconds / 60 )) min), ${total_units} executions"
