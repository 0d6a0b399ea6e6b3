#!/usr/bin/env bash
# Benchmark `cchc check` against the DuckDB reference on a big synthetic export.
#
#   benchmarks/run.sh [FILE.csv]
#
# Env: N (rows, default 1000000), CCHC_ARGS (extra args for `cchc check`, e.g. "--plan plan2023.yaml"),
#      CCHC_JSON (where `cchc check` writes its JSON, default /tmp/x.json),
#      REF_ARGS (extra args for duckdb_reference.py, default: the year 2023).
# Writes timings and outputs to benchmarks/out/ (gitignored); the summary is printed and kept in
# benchmarks/out/summary-<timestamp>.txt (and benchmarks/out/summary.txt, the latest).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
cd "$ROOT" || exit 1
if [ -z "${VIRTUAL_ENV:-}" ] && [ -f .venv/bin/activate ]; then
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi

N="${N:-1000000}"
OUT="$HERE/out"
FILE="${1:-$OUT/ho-so-$N.csv}"
CCHC_JSON="${CCHC_JSON:-/tmp/x.json}"
CCHC_ARGS="${CCHC_ARGS:-}"
REF_ARGS="${REF_ARGS:---from 2023-01-01 --to 2023-12-31}"
STAMP="$(date +%Y%m%dT%H%M%S)"
SUMMARY="$OUT/summary-$STAMP.txt"
mkdir -p "$OUT"

if [ ! -s "$FILE" ]; then
  echo "generating $N rows into $FILE ..."
  /usr/bin/time -v -o "$OUT/time-make_big-$(basename "$FILE").txt" \
    python "$HERE/make_big.py" "$N" "$FILE" || exit 1
fi

# "h:mm:ss" / "m:ss.ss" -> seconds
to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'; }

# measure LABEL CMD...: run under /usr/bin/time -v, keep stdout/stderr/time, print one line
measure() {
  local label="$1"; shift
  /usr/bin/time -v -o "$OUT/time-$label.txt" "$@" >"$OUT/stdout-$label.txt" 2>"$OUT/stderr-$label.txt"
  local rc=$?
  local wall rss
  wall="$(grep 'Elapsed (wall clock)' "$OUT/time-$label.txt" | awk '{print $NF}' | to_seconds)"
  rss="$(grep 'Maximum resident set size' "$OUT/time-$label.txt" | awk '{print $NF}')"
  printf '%-16s exit %-3s wall %8s s   max RSS %8.1f MB\n' "$label" "$rc" "$wall" \
    "$(awk -v k="${rss:-0}" 'BEGIN { print k / 1024 }')" | tee -a "$SUMMARY"
  if [ "$rc" != 0 ]; then
    echo "  last stderr line: $(tail -n 1 "$OUT/stderr-$label.txt")" | tee -a "$SUMMARY"
  fi
  return $rc
}

{
  echo "benchmark $STAMP"
  echo "file: $FILE ($(wc -l <"$FILE") lines, $(du -h "$FILE" | cut -f1))"
  echo "host: $(nproc) CPUs, $(python --version 2>&1), duckdb $(python -c 'import duckdb; print(duckdb.__version__)')"
} | tee "$SUMMARY"
MAKE_TIME="$OUT/time-make_big-$(basename "$FILE").txt"
if [ -f "$MAKE_TIME" ]; then
  printf 'make_big (when the file was generated): wall %s s   max RSS %.1f MB\n' \
    "$(grep 'Elapsed (wall clock)' "$MAKE_TIME" | awk '{print $NF}' | to_seconds)" \
    "$(grep 'Maximum resident set size' "$MAKE_TIME" | awk '{print $NF / 1024}')" \
    | tee -a "$SUMMARY"
fi

# shellcheck disable=SC2086
measure duckdb_ref python "$HERE/duckdb_reference.py" "$FILE" $REF_ARGS
cp "$OUT/stdout-duckdb_ref.txt" "$OUT/duckdb.json"

HAVE_CCHC=0
if command -v cchc >/dev/null 2>&1; then
  HAVE_CCHC=1
  measure cchc_help cchc --help
  rm -f "$CCHC_JSON"
  # shellcheck disable=SC2086
  measure cchc_check cchc check "$FILE" --format json --output "$CCHC_JSON" $CCHC_ARGS
  echo "  (cchc check: exit 1 = some target fails, expected; 2 = usage/input error; see stderr-cchc_check.txt)" \
    | tee -a "$SUMMARY"
else
  echo "cchc: not on PATH (not installed yet?) - skipped cchc --help and cchc check" \
    | tee -a "$SUMMARY"
fi

if [ "$HAVE_CCHC" = 1 ]; then
  python - "$OUT/duckdb.json" "$CCHC_JSON" <<'PY' 2>&1 | tee -a "$SUMMARY"
import json
import sys

ref_path, cchc_path = sys.argv[1], sys.argv[2]
ref = json.load(open(ref_path, encoding="utf-8"))
try:
    got = json.load(open(cchc_path, encoding="utf-8"))
except (OSError, ValueError) as exc:
    print(f"agreement: cannot read cchc JSON {cchc_path}: {exc}")
    sys.exit(0)
by_id = {item.get("id"): item for item in got.get("indicators", [])}
same = 0
for ident, want in ref.items():
    have = by_id.get(ident)
    pair_ref = (want["numerator"], want["denominator"])
    pair_cchc = None if have is None else (have.get("numerator"), have.get("denominator"))
    ok = pair_cchc == pair_ref
    same += ok
    print(f"  {'OK  ' if ok else 'DIFF'} {ident:26s} duckdb {pair_ref[0]}/{pair_ref[1]}"
          f"   cchc {'missing' if pair_cchc is None else f'{pair_cchc[0]}/{pair_cchc[1]}'}")
print(f"agreement: {same}/{len(ref)} numerator/denominator pairs identical")
PY
fi

cp "$SUMMARY" "$OUT/summary.txt"
echo "summary: $SUMMARY"
