#!/usr/bin/env bash
# Robustness of specdet's training configurations, and of the reference pipeline, to JPEG
# re-compression and halving of held-out dev photographs (docs/ACCURACY.md, "Robustness").
#
# Usage: tools/robustness.sh SHARED SPECDET [CONFIG...]
#   SHARED  the shared folder (../shared): data/dev/<corpus>/ and peers/durall_reference.py
#   SPECDET the specdet binary (e.g. .build/release/specdet)
#   CONFIG  `specdet train` options, one quoted word per configuration, e.g.
#           "" (the default options) or "--augment jpeg,resize --augment-copies 3".
#           Without any CONFIG: the default training options only.
#
# For every dev corpus:
#   1. groups by source photograph (tools/make_groups.py) and K grouped folds, as `specdet
#      train --groups G --folds-out F` draws them (seed 0): every image is held out exactly
#      once, together with every other crop of its photograph;
#   2. tools/make_variants.py writes, from each original RGB PNG, JPEG q90 and q75 copies
#      (OpenCV), a halved copy with OpenCV INTER_AREA and one with a Pillow-style bicubic,
#      and the INTER_AREA halving saved as JPEG q90;
#   3. per configuration and fold k: `specdet train CONFIG --folds 0` on the CLEAN images of
#      the other folds (never on a variant; --groups given, so that the inner folds of --tune
#      keep a photograph's crops together), then `specdet score` on every copy of fold k;
#   4. tools/reference_robustness.py does the same with the reference script's LR and
#      SVM-RBF (trained on the same clean images, tested on the same copies).
# Prints Markdown tables (tools/robustness_report.py) on stdout, progress on stderr.
#
# Environment: FOLDS (5), JOBS (2), ROBUSTNESS_WORK (a folder to keep the copies, models and
# scores in, reused when it already holds the copies; default: a temporary folder removed at
# the end), SKIP_REFERENCE=1 (specdet only).
# Exit status: 0 ok; 1 a step failed on some input; 2 usage, or ../shared missing.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: tools/robustness.sh SHARED SPECDET [CONFIG...]" >&2
  exit 2
fi
shared=$1 specdet=$2
shift 2
if [ $# -eq 0 ]; then set -- ""; fi
here=$(cd "$(dirname "$0")" && pwd)
"$here/require_shared.sh" "$shared"
if [ ! -x "$specdet" ]; then
  echo "error: '$specdet' is not an executable specdet binary (make release first)" >&2
  exit 2
fi
folds=${FOLDS:-5} jobs=${JOBS:-2}

if [ -n "${ROBUSTNESS_WORK:-}" ]; then
  work=$ROBUSTNESS_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/specdet-robustness.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
start=$SECONDS
status=0

# 1-2. folds and copies (once per work folder)
if [ ! -f "$work/variants.csv" ]; then
  for dir in "$shared"/data/dev/*/; do
    dir=${dir%/}
    corpus=$(basename "$dir")
    mkdir -p "$work/$corpus"
    python3 "$here/make_groups.py" "$dir" > "$work/$corpus/groups.csv"
    "$specdet" train --quiet --jobs "$jobs" --folds "$folds" --seed 0 \
      --groups "$work/$corpus/groups.csv" --folds-out "$work/$corpus/folds.csv" \
      --real "$dir/real" --fake "$dir/fake" --output "$work/$corpus/cv-model.json" \
      >> "$work/train.log"
    python3 "$here/make_variants.py" --folds "$work/$corpus/folds.csv" --out "$work" \
      --corpus "$corpus" --groups "$work/$corpus/groups.csv"
  done
  echo "copies made ($((SECONDS - start)) s)" >&2
fi
corpora=$(tail -n +2 "$work/variants.csv" | cut -d, -f5 | sort -u)

# 3. specdet, per configuration
report_args=()
index=0
for config in "$@"; do
  read -r -a options <<< "$config"
  name="specdet ${config:-(default options)}"
  out="$work/specdet/$index"
  rm -rf "$out"
  t0=$SECONDS
  for corpus in $corpora; do
    for test_list in "$work/$corpus"/test/fold*.txt; do
      k=$(basename "$test_list" .txt)
      mkdir -p "$out/$corpus"
      "$specdet" train --quiet --jobs "$jobs" --folds 0 ${options[@]+"${options[@]}"} \
        --groups "$work/$corpus/train/$k/groups.csv" \
        --real "$work/$corpus/train/$k/real" --fake "$work/$corpus/train/$k/fake" \
        --output "$out/$corpus/$k.json" >> "$work/train.log" || status=1
      "$specdet" score --quiet --jobs "$jobs" --model "$out/$corpus/$k.json" \
        --files-from "$test_list" --output "$out/$corpus/$k.csv" || status=1
    done
  done
  echo "$name: $((SECONDS - t0)) s" >&2
  report_args+=(--specdet "$name=$out")
  index=$((index + 1))
done

# 4. the reference
if [ "${SKIP_REFERENCE:-0}" != 1 ]; then
  if [ ! -f "$work/reference.json" ]; then
    t0=$SECONDS
    python3 "$here/reference_robustness.py" --variants "$work/variants.csv" --jobs "$jobs" \
      --reference "$shared/peers/durall_reference.py" --out "$work/reference.json" || status=1
    echo "reference: $((SECONDS - t0)) s" >&2
  fi
  report_args+=(--reference "$work/reference.json")
fi

python3 "$here/robustness_report.py" --variants "$work/variants.csv" "${report_args[@]}" \
  --json "$work/results.json" || status=1
echo ""
echo "($folds grouped folds per corpus; wall time $((SECONDS - start)) s)"
exit $status
