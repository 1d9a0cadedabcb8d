#!/usr/bin/env bash
# Fails clearly when the shared data folder (the dev corpora, the reference script) is absent.
shared=${1:-../shared}
if [ ! -d "$shared/data/dev" ] || [ ! -f "$shared/peers/durall_reference.py" ]; then
  echo "error: this target needs the shared data and reference script at '$shared' (set SHARED=...);" \
       "it is not part of the repository" >&2
  exit 2
fi
