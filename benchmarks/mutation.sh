#!/usr/bin/env bash
# Mutation testing of the counting core with mutmut 3 (not CI; takes ~45 min on 2 cores).
#
#   benchmarks/mutation.sh                 # every module; the readers (io.*) sampled 1 in 4
#   benchmarks/mutation.sh classify        # one module
#   SAMPLE=1 benchmarks/mutation.sh io.csv
#
# Each module runs niced, in its own scratch copy under benchmarks/out/mutation/<module>/ with
# the fast test files that exercise it (benchmarks/mutation.py). The summary line per module is
# printed at the end; `python benchmarks/mutation.py survivors MODULE` shows what survived.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${VIRTUAL_ENV:-}" ] || . .venv/bin/activate
command -v mutmut >/dev/null || { echo "mutmut is not installed: pip install mutmut" >&2; exit 2; }
modules=("$@")
readers=(io.table io.files io.sniff io.encoding io.header io.csv io.csv_stream io.clean io.layout
  io.sheet io.xlsx io.xls io.html)  # sources.py, split by format
[ ${#modules[@]} -gt 0 ] || modules=(calendar classify conditions records "${readers[@]}")
for m in "${modules[@]}"; do
  if [[ "$m" = io.* ]]; then
    python benchmarks/mutation.py run "$m" --sample "${SAMPLE:-4}" --children "${CHILDREN:-2}"
  else
    python benchmarks/mutation.py run "$m" --sample "${SAMPLE_OTHERS:-1}" --children "${CHILDREN:-2}"
  fi
done
python benchmarks/mutation.py summary "${modules[@]}"
