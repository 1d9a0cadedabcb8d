#!/usr/bin/env bash
# Rebuilds the default model embedded in the binary from all of ../shared/data/dev, with the
# default training configuration (docs/ACCURACY.md says why it is the default).
# Usage: tools/make_default_model.sh SHARED SPECDET
set -euo pipefail
shared=$1 specdet=$2
tools/require_shared.sh "$shared"
dev="$shared/data/dev"
groups=$(mktemp)
trap 'rm -f "$groups"' EXIT
echo "path,group" > "$groups"
for corpus in "$dev"/*/; do
  python3 tools/make_groups.py "${corpus%/}" | tail -n +2 >> "$groups"
done
"$specdet" train --quiet --real "$dev"/*/real --fake "$dev"/*/fake --groups "$groups" \
  --output Sources/_SpecdetDefaultModel/model/default-model.json
# The assembler's .incbin is a dependency no build tool sees: touch the file that includes it.
touch Sources/_SpecdetDefaultModel/default_model.c
