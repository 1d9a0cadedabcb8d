#!/bin/sh
# Every cross-validation run of this study, one after another on one core (skips finished ones):
# about 55 minutes on a 2-core machine shared with other work.
# Usage, from the repo root, after extract.py:
#   sh tools/research/builtin/run_all.sh [WORK [SELECTION_WORK]]
# WORK: this study's work folder (default .build/research-builtin); SELECTION_WORK: the
# selection study's (default .build/research-selection).
case "$1" in -h|--help) sed -n '2,7p' "$0"; exit 0;; esac
set -e
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
D=$(dirname "$0")
WORK=${1:-.build/research-builtin}
SEL=${2:-.build/research-selection}
run() { name=$1; shift; [ -f "$WORK/results/$name.pkl" ] ||
        python3 "$D/crossval.py" --work "$WORK" --selection-work "$SEL" --name "$name" "$@"; }
dom() { name=$1; shift; [ -f "$WORK/results/domain_$name.pkl" ] ||
        python3 "$D/domain.py" --work "$WORK" --selection-work "$SEL" --name "$name" "$@"; }
run ctrl_exclude --controls exclude
run ctrl_real --controls real
run ctrl_fake --controls fake
run noextra_exclude --controls exclude --no-extra
run noextra_real --controls real --no-extra
dom ctrl_exclude --controls exclude
dom ctrl_real --controls real
dom ctrl_fake --controls fake
run ctrl_real_nys1600 --controls real --landmarks 1600
[ -f "$WORK/results/operating_point_inner_k5.pkl" ] ||
    python3 "$D/operating_point.py" inner --kin 5 --work "$WORK" --selection-work "$SEL"
