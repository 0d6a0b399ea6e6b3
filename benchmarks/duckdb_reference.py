"""Reference figures for the seven dossier indicators, computed with DuckDB SQL.

An implementation independent of `cchc` (it shares no code with it), used to cross-check
`cchc check` on big files (benchmarks/run.sh) and on the sample. The SQL is in reference.sql.

    python benchmarks/duckdb_reference.py FILE.csv [--from 2023-01-01] [--to 2023-12-31]

prints {"dossiers_on_time": {"numerator": n, "denominator": d, "left_out": k}, ...} on stdout
and the wall time on stderr. Importable: ``compute(path, start, end) -> dict``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

import duckdb
import holidays
import numpy as np
import pandas as pd

SQL_FILE = Path(__file__).with_name("reference.sql")
INDICATORS = (
    "dossiers_on_time",
    "citizen_satisfaction",
    "dossiers_online",
    "dossiers_digitized",
    "results_electronic",
    "results_digitized",
    "late_dossiers_apologized",
)


def _statements() -> dict[str, str]:
    text = SQL_FILE.read_text(encoding="utf-8")
    parts = re.split(r"^-- name: (\w+)\s*$", text, flags=re.MULTILINE)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def _as_date(value: str | dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _load_calendar(
    con: duckdb.DuckDBPyConnection, first: dt.date | None, last: dt.date | None
) -> None:
    """Working-day tables from the `holidays` package (weekends, holidays, make-up Saturdays).

    Empty when no row needs its due date counted (first is None).
    """
    con.execute("CREATE OR REPLACE TEMP TABLE workdays (day DATE, n_upto INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE workday_ordinals (ordinal INTEGER, day DATE)")
    if first is None or last is None:
        return
    # room after the last received date for the longest plausible processing time
    first, last = dt.date(first.year, 1, 1), dt.date(last.year + 2, 12, 31)
    vn = holidays.country_holidays("VN", years=range(first.year, last.year + 1))
    days = pd.date_range(first, last, freq="D")
    working = np.fromiter((vn.is_working_day(d) for d in days.date), dtype=bool, count=len(days))
    calendar = pd.DataFrame({"day": days, "n_upto": np.cumsum(working).astype("int32")})
    ordinals = pd.DataFrame(
        {"ordinal": np.arange(1, working.sum() + 1, dtype="int32"), "day": days[working]}
    )
    con.register("calendar_df", calendar)
    con.register("ordinals_df", ordinals)
    con.execute("INSERT INTO workdays SELECT day::DATE, n_upto FROM calendar_df")
    con.execute("INSERT INTO workday_ordinals SELECT ordinal, day::DATE FROM ordinals_df")
    con.unregister("calendar_df")
    con.unregister("ordinals_df")


def compute(path: str | Path, start: str | dt.date, end: str | dt.date) -> dict:
    """{indicator id: {"numerator", "denominator", "left_out"}} over the period [start, end]."""
    start, end = _as_date(start), _as_date(end)
    sql = _statements()
    con = duckdb.connect()
    try:
        literal = "'" + str(path).replace("'", "''") + "'"
        con.execute(
            f"CREATE TEMP VIEW raw AS SELECT * FROM read_csv({literal}, header = true,"
            " all_varchar = true, delim = ',', quote = '\"', encoding = 'utf-8')"
        )
        con.execute(
            "CREATE TEMP TABLE params AS SELECT ?::DATE AS p_start, ?::DATE AS p_end", [start, end]
        )
        con.execute(sql["macros"])
        con.execute(sql["parse"])
        lo, hi = con.execute(sql["due_range"]).fetchone()
        _load_calendar(con, lo, hi)
        rows = con.execute(sql["indicators"]).fetchall()
    finally:
        con.close()
    out = {
        ident: {"numerator": int(num), "denominator": int(den), "left_out": int(gone)}
        for ident, num, den, gone in rows
    }
    return {ident: out[ident] for ident in INDICATORS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="dossier export (CSV, UTF-8, comma, Vietnamese headers)")
    parser.add_argument("--from", dest="start", default="2023-01-01", help="first day of P")
    parser.add_argument("--to", dest="end", default="2023-12-31", help="last day of P")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    result = compute(args.file, args.start, args.end)
    wall = time.perf_counter() - t0
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    print(f"duckdb_reference: {wall:.3f} s wall", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
