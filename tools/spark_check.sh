#!/usr/bin/env bash
# make spark-check: examples/spark/score_with_spark.py in Spark's local mode over the fixture
# images (under 10 linked folders, about 670 paths, 8 partitions) against one local
# `specdet score --format jsonl` run: the same JSON objects, each once.
# Installs Java with apt-get when `java` is missing (default-jre-headless: 17 on Debian 12),
# and pyspark (tools/requirements-spark.txt) from PyPI into VENV when it is not there.
#
# Usage: tools/spark_check.sh SPECDET VENV   (e.g. .build/release/specdet .build/spark-venv)
set -euo pipefail
if [ $# -ne 2 ] || [ ! -x "$1" ]; then
  echo "usage: tools/spark_check.sh SPECDET VENV" >&2
  exit 2
fi
specdet=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd -P)
mkdir -p "$2"
venv=$(cd "$2" && pwd -P)
say() { echo "spark-check: $*"; }
fail() { echo "spark-check: FAILED: $*" >&2; exit 1; }

sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
apt_install() {
  say "installing: $*"
  $sudo apt-get update -qq && $sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v java >/dev/null || apt_install default-jre-headless
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; rm -rf "$venv"; python3 -m venv "$venv"; }
fi
if ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
  say "installing pyspark into $venv"
  "$venv/bin/python" -m pip install -q -r "$root/tools/requirements-spark.txt"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/specdet-spark.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
(cd "$root/Fixtures/images" && find . -type f \( -name '*.png' -o -name '*.jpg' \) | LC_ALL=C sort | sed 's|^\./||') > fixtures.txt
for i in $(seq -w 1 10); do
  ln -s "$root/Fixtures/images" "c$i"
  sed "s|^|$work/c$i/|" fixtures.txt
done > list.txt

"$specdet" score --quiet --no-header --format jsonl --files-from list.txt --output local.jsonl \
  || fail "the local run exited $?"
start=$(date +%s.%N)
"$venv/bin/python" "$root/examples/spark/score_with_spark.py" --specdet "$specdet" --list list.txt \
  --output spark-out --partitions 8 --master 'local[2]' 2> spark.log \
  || fail "the Spark job failed: $(tail -n 20 spark.log)"
say "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "Spark local[2], 8 partitions: %.1f s", e - s }')"
"$venv/bin/python" - local.jsonl spark-out <<'PY' || fail "the Spark rows differ from the local run's"
import collections, glob, json, sys
def objects(lines):
    return collections.Counter(json.dumps(json.loads(line), sort_keys=True) for line in lines if line.strip())
local = objects(open(sys.argv[1]))
spark = objects(line for part in sorted(glob.glob(sys.argv[2] + "/part-*")) for line in open(part))
if spark != local:
    print(f"spark-check: {sum(spark.values())} Spark rows, {sum(local.values())} local; "
          f"{len(spark - local)} only in Spark, {len(local - spark)} only local", file=sys.stderr)
    sys.exit(1)
assert max(local.values()) == 1
print(f"spark-check: the {sum(spark.values())} JSON objects from Spark equal the local run's, each once")
PY
