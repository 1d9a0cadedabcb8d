#!/usr/bin/env bash
# make screenshots: docs/report.png, headless Chromium's view of `specdet report` over the
# fixtures with the built-in model, at a laptop's 1280 px width.
# Usage: tools/screenshots.sh SPECDET
set -euo pipefail
specdet=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$specdet" report --quiet Fixtures/images --output "$work/report.html"
chromium --headless=new --no-sandbox --disable-gpu --no-first-run --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size=1280,1400 --screenshot="$work/report.png" "file://$work/report.html" 2>/dev/null
mv "$work/report.png" docs/report.png
echo "docs/report.png written"
