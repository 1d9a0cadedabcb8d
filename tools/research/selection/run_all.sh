#!/bin/sh
# Every cache and results/NAME/*.pkl the tables are made from (skips those that exist).
# One process at a time, one core: about 2 h 15 min on a 2-core machine shared with other work.
# Usage, from the repo root:
#   sh tools/research/selection/run_all.sh [WORK [SHARED]]
# WORK: the work folder (default .build/research-selection); SHARED: the shared folder with
# data/dev and data/dev-sr (default ../shared).
case "$1" in -h|--help) sed -n '2,7p' "$0"; exit 0;; esac
set -e
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
D=$(dirname "$0")
WORK=${1:-.build/research-selection}
SHARED=${2:-../shared}
python3 "$D/extract.py" --work "$WORK" --shared "$SHARED"
python3 "$D/sizes.py" --work "$WORK"
nested() { python3 "$D/nested.py" --work "$WORK" "$@"; }
GS="0.25,0.7,2"; CS="1,6.37,40"
# baselines (fixed C, gamma)
nested --name published --features durall --rounds 0 --train corpora,sr,pooled
nested --name default --features sectors --rounds 3 --train corpora,sr,pooled
# C / gamma by inner CV
nested --name sectors_rawtune --features sectors --C 2,6.37,20 --gamma 0.3,0.86,2.5 --train corpora,sr,pooled
nested --name sectors_std --features sectors --mode std --C $CS --gamma $GS --train corpora,sr,pooled
# feature sets (std mode, C and gamma by inner CV)
nested --name npr_std --features npr --mode std --C $CS --gamma $GS --train corpora,sr
nested --name xdiff_std --features xdiff --mode std --C $CS --gamma $GS --train corpora,sr
nested --name sectors+npr --features sectors,npr --mode std --C $CS --gamma $GS --train corpora,sr,pooled
nested --name sectors+xdiff --features sectors,xdiff --mode std --C $CS --gamma $GS --train corpora,sr
nested --name sectors+peaks --features sectors,peaks --mode std --C $CS --gamma $GS --train corpora,sr
nested --name sectors+npr+xdiff+peaks --features sectors,npr,xdiff,peaks --mode std --C $CS --gamma $GS --train corpora,sr
nested --name tiles_std --features tiles --mode std --C $CS --gamma $GS --train sr
# augmentation rounds and the size-bounded (Nyström) models
nested --name default_1round --features sectors --rounds 1 --train corpora,sr,pooled
nested --name default_nys1000 --features sectors --mode nys --rounds 3 --train corpora,sr,pooled
nested --name default_nys2000 --features sectors --mode nys --rounds 3 --landmarks 2000 --train pooled
