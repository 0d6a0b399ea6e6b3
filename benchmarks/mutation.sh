#!/usr/bin/env bash
# Mutation testing of the counting core with mutmut 3 (not CI; takes ~45 min on 2 cores).
#
#   benchmarks/mutation.sh                 # every module; sources.py sampled 1 in 4
#   benchmarks/mutation.sh classify        # one module
#   SAMPLE=1 benchmarks/mutation.sh sources
#
# Each module runs niced, in its own scratch copy under benchmarks/out/mutation/<module>/ with
# the fast test files that exercise it (benchmarks/mutation.py). The summary line per module is
# printed at the end; `python benchmarks/mutation.py survivors MODULE` shows what survived.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${VIRTUAL_ENV:-}" ] || . .venv/bin/activate
command -v mutmut >/dev/null || { echo "mutmut is not installed: pip install mutmut" >&2; exit 2; }
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(calendar classify conditions records sources)
for m in "${modules[@]}"; do
  if [ "$m" = sources ]; then
    python benchmarks/mutation.py run sources --sample "${SAMPLE:-4}" --children "${CHILDREN:-2}"
  else
    python benchmarks/mutation.py run "$m" --sample "${SAMPLE_OTHERS:-1}" --children "${CHILDREN:-2}"
  fi
done
python benchmarks/mutation.py summary "${modules[@]}"
