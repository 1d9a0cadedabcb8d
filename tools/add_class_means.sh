#!/usr/bin/env bash
# Adds class_means to the built-in model without retraining it (make default-model retrains
# and writes them itself): the profiles of the images tools/make_default_model.sh trains on,
# in the same order, and their per-class statistics (tools/add_class_means.py).
# Usage: tools/add_class_means.sh SHARED SPECDET
set -euo pipefail
shared=$1 specdet=$2
tools/require_shared.sh "$shared"
dev="$shared/data/dev"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$specdet" profile --quiet "$dev"/*/real --output "$work/real.csv"
"$specdet" profile --quiet "$dev"/*/fake --output "$work/fake.csv"
python3 tools/add_class_means.py Sources/_SpecdetDefaultModel/model/default-model.json "$work/real.csv" "$work/fake.csv"
touch Sources/_SpecdetDefaultModel/default_model.c
