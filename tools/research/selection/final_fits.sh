#!/bin/sh
# Table 4 (tables/final_fit.md): one fit on all pooled development rows (1,992 rows + copies)
# per candidate; about 2 minutes on one core (Nyström 2,000 landmarks: 1 minute of it).
# Usage, from the repo root, after extract.py:
#   sh tools/research/selection/final_fits.sh [WORK] > tools/research/selection/tables/final_fit.md
# WORK: the work folder (default .build/research-selection).
case "$1" in -h|--help) sed -n '2,6p' "$0"; exit 0;; esac
set -e
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
D=$(dirname "$0")
WORK=${1:-.build/research-selection}
fit() { python3 "$D/final_fit.py" --work "$WORK" "$@"; }
echo "| candidate | mode | C | γ | rounds | images | fit s | unique SVs (per round) | dim | float32 MB |"
echo "|---|---|---:|---:|---:|---:|---:|---|---:|---:|"
fit --label "published (durall, no copies)" --features durall --rounds 0
fit --label "default (sectors, 3 rounds)" --features sectors --rounds 3
fit --label "sectors, 1 round" --features sectors --rounds 1
fit --label "sectors, 2 rounds" --features sectors --rounds 2
fit --label "sectors, 3 rounds, C 20" --features sectors --rounds 3 --C 20
fit --label "sectors, 1 round, C 20" --features sectors --rounds 1 --C 20
fit --label "sectors_std (C 40, γ 2)" --features sectors --mode std --C 40 --gamma 2 --rounds 3
fit --label "sectors+npr (C 40, γ 2)" --features sectors,npr --mode std --C 40 --gamma 2 --rounds 3
fit --label "default, Nyström 1000 landmarks (3 rounds averaged)" --features sectors --mode nys --rounds 3
fit --label "default, Nyström 2000 landmarks (3 rounds averaged)" --features sectors --mode nys --rounds 3 --landmarks 2000
