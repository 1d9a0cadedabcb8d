#!/usr/bin/env bash
# Parity of `specdet profile` (300 bins) with the reference script's `--preset generic` on every
# image of the dev corpora and bench photos: at most 1e-3 in every feature.
# Usage: tools/parity_all.sh SHARED SPECDET
set -euo pipefail
shared=$1 specdet=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for dir in "$shared"/data/dev/* "$shared"/data/bench; do
  name=$(basename "$dir")
  python3 "$shared/peers/durall_reference.py" profile "$dir" --recursive --preset generic --jobs 2 \
    --out "$work/$name.ref.csv" >/dev/null
  "$specdet" profile --quiet --features durall "$dir" --output "$work/$name.specdet.csv"
  echo "== $name"
  python3 tools/parity.py "$work/$name.specdet.csv" "$work/$name.ref.csv" | tail -2 || status=1
done
exit $status
