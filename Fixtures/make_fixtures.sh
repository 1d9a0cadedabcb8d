#!/bin/sh
# Rebuild Fixtures/images/ and Fixtures/reference/ from ../shared (beside the repo).
#
#   sh Fixtures/make_fixtures.sh          (from anywhere; it works from the repo root)
#
# Needs: python3 with numpy, scipy, opencv-python-headless (the reference's own deps), and
# ../shared/data plus ../shared/peers/durall_reference.py relative to the repo root.
# Deterministic: the same data and the same OpenCV/numpy/scipy give the same bytes.
# Touches only Fixtures/images/ and the three files it writes in Fixtures/reference/.
#
# The reference values are made by exactly these commands, run from the repo root:
#   python3 ../shared/peers/durall_reference.py profile Fixtures/images --recursive --preset generic --jobs 2 --out Fixtures/reference/durall_generic_300.csv
#   python3 Fixtures/make_fixtures.py sectors --out Fixtures/reference/sectors_300.csv Fixtures/images
#   python3 Fixtures/make_fixtures.py rings --reference ../shared/peers/durall_reference.py --out Fixtures/reference/rings_raw.csv Fixtures/images/dcgan64/real/00000.png Fixtures/images/ae128_convtranspose/fake/00000.png Fixtures/images/jpeg/lomiri_sunset_257x131_q90_baseline_color.jpg
set -eu

cd "$(dirname "$0")/.."
if [ ! -f Fixtures/make_fixtures.sh ]; then
    echo "make_fixtures.sh: error: cannot find the repo root" >&2
    exit 2
fi

DATA=../shared/data
REF=../shared/peers/durall_reference.py
if [ ! -d "$DATA/dev" ] || [ ! -d "$DATA/bench" ] || [ ! -f "$DATA/README.md" ]; then
    echo "make_fixtures.sh: error: $DATA (with dev/, bench/ and README.md) not found next to" \
         "the repo ($(pwd)/$DATA); clone the repo beside the 'shared' folder" >&2
    exit 2
fi
if [ ! -f "$REF" ]; then
    echo "make_fixtures.sh: error: reference script $REF not found ($(pwd)/$REF)" >&2
    exit 2
fi
if ! python3 -c 'import numpy, scipy, cv2' 2>/dev/null; then
    echo "make_fixtures.sh: error: python3 needs numpy, scipy and opencv-python-headless" \
         "(see the install line at the top of $REF)" >&2
    exit 2
fi

TMP=Fixtures/.images.tmp.$$
PROFILE=Fixtures/reference/durall_generic_300.csv
RINGS=Fixtures/reference/rings_raw.csv
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. images, groups.csv, sources.csv, ATTRIBUTION.md (into a scratch folder, then swapped in)
rm -rf "$TMP"
python3 Fixtures/make_fixtures.py images "$TMP" --data "$DATA"
rm -rf Fixtures/images
mv "$TMP" Fixtures/images

# 2. reference features (paths in the CSV come out relative to the repo root)
mkdir -p Fixtures/reference
rm -f "$PROFILE" "$RINGS"
if ! python3 "$REF" profile Fixtures/images --recursive --preset generic --jobs 2 --out "$PROFILE"; then
    rm -f "$PROFILE"
    echo "make_fixtures.sh: error: the reference profile run failed" >&2
    exit 1
fi
python3 Fixtures/make_fixtures.py check-profile "$PROFILE" Fixtures/images

# 3. raw ring averages (before resampling) of one 64x64, one 128x128 and the 257x131 JPEG
python3 Fixtures/make_fixtures.py rings --reference "$REF" --out "$RINGS" \
    Fixtures/images/dcgan64/real/00000.png \
    Fixtures/images/ae128_convtranspose/fake/00000.png \
    Fixtures/images/jpeg/lomiri_sunset_257x131_q90_baseline_color.jpg

# 4. the sectors feature set by the numpy prototype (tools/research/feature_prototype.py)
python3 Fixtures/make_fixtures.py sectors --out Fixtures/reference/sectors_300.csv Fixtures/images

# 5. images outside any training distribution (constant, gradient, checkerboard, noise, pixel-replicated)
python3 Fixtures/make_fixtures.py outside --out Fixtures/outside Fixtures/images

du -sh Fixtures/images Fixtures/reference Fixtures/outside
