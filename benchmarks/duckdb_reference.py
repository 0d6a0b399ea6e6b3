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


def _connect(path: str | Path, start: dt.date, end: dt.date) -> duckdb.DuckDBPyConnection:
    """A connection with raw, params, the parsed dossiers and the working-day tables."""
    sql = _statements()
    con = duckdb.connect()
    literal = "'" + str(path).replace("'", "''") + "'"
    con.execute(
        f"CREATE TEMP VIEW raw AS SELECT * FROM read_csv({literal}, header = true,"
        " all_varchar = true, delim = ',', quote = '\"', encoding = 'utf-8')"
    )
    con.execute(
        "CREATE TEMP TABLE params AS SELECT ?::DATE AS p_start, ?::DATE AS p_end", [start, end]
    )
    con.execute(sql["macros"])
    con.execute(sql["cells"])
    con.execute(sql["parse"])
    lo, hi = con.execute(sql["due_range"]).fetchone()
    _load_calendar(con, lo, hi)
    return con


def compute(path: str | Path, start: str | dt.date, end: str | dt.date) -> dict:
    """{indicator id: {"numerator", "denominator", "left_out"}} over the period [start, end]."""
    con = _connect(path, _as_date(start), _as_date(end))
    try:
        rows = con.execute(_statements()["indicators"]).fetchall()
    finally:
        con.close()
    out = {
        ident: {"numerator": int(num), "denominator": int(den), "left_out": int(gone)}
        for ident, num, den, gone in rows
    }
    return {ident: out[ident] for ident in INDICATORS}


# -- the same rules in SQL's three-valued logic: Biểu 06, row accounting, left-out rows ----------

# Biểu 06's columns (1)-(11) and (*), in the form's order: written out again, not imported from
# cchc_cli.report, since the reference shares no code with cchc.
FORM_COLUMNS = (
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "open_total",
    "open_within",
    "open_overdue",
    "received_channel_unknown",
)
# (1) = (5) + (9); (1) = (2) + (3) + (4) + (*); (5) = (6) + (7) + (8); (9) = (10) + (11)
FORM_IDENTITIES = (
    ("received_total", ("resolved_total", "open_total")),
    (
        "received_total",
        ("received_online", "received_offline", "carried_over", "received_channel_unknown"),
    ),
    ("resolved_total", ("resolved_early", "resolved_on_time", "resolved_late")),
    ("open_total", ("open_within", "open_overdue")),
)
_BOOLS = (
    "not_received",
    "excluded",
    "received_in_p",
    "resolved_in_p",
    "open_at_end",
    "carried_over",
    "overdue_at_end",
    "online",
    "withdrawn",
    "digitized",
    "result_digitized",
    "e_result",
    "apology",
    "due_derived",
)
# Where a row's place is decided, the bad cells read, in order: (column of `placed`, field).
_PLACE_CELLS = ("dossier_id", "status", "received_at", "resolved_at", "returned_at")
_BAD = {
    "dossier_id": "bad_id",
    "status": "bad_status",
    "received_at": "bad_received",
    "resolved_at": "bad_resolved",
    "returned_at": "bad_returned",
    "channel": "bad_channel",
    "due_at": "bad_due",
}


def placements(path: str | Path, start: str | dt.date, end: str | dt.date) -> pd.DataFrame:
    """One row per dossier: the period tests of ``placed`` as nullable booleans (<NA> = unknown)."""
    con = _connect(path, _as_date(start), _as_date(end))
    try:
        con.execute(_statements()["placed"])
        df = con.execute("SELECT * FROM placed ORDER BY line").df()
    finally:
        con.close()
    for name in _BOOLS:
        df[name] = df[name].astype("boolean")
    return df


def _is(series: pd.Series, value: str) -> pd.Series:
    """``series == value`` with <NA> where the value is unknown."""
    return (series == value).astype("boolean").mask(series.isna())


def _gate(cell: pd.Series, excluded: pd.Series) -> pd.Series:
    """A row set aside as a whole is in no cell, and unknown in every cell it might be in."""
    return cell.mask(excluded & (cell != False), pd.NA).mask(excluded & (cell == False), False)  # noqa: E712


def form_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Each dossier's place in every column of Biểu 06 (True / False / <NA>)."""
    recv, carried, resolved = df["received_in_p"], df["carried_over"], df["resolved_in_p"]
    open_, overdue, online = df["open_at_end"], df["overdue_at_end"], df["online"]
    cells = {
        "received_total": recv | carried,
        "received_online": recv & online,
        "received_offline": recv & ~online,
        "carried_over": carried,
        "resolved_total": resolved,
        "resolved_early": resolved & _is(df["timeliness"], "early"),
        "resolved_on_time": resolved & _is(df["timeliness"], "on_time"),
        "resolved_late": resolved & _is(df["timeliness"], "late"),
        "open_total": open_,
        "open_within": open_ & ~overdue,
        "open_overdue": open_ & overdue,
        "received_channel_unknown": recv & online.isna().astype("boolean"),
    }
    return pd.DataFrame({k: _gate(v, df["excluded"]) for k, v in cells.items()})


def _first_bad(df: pd.DataFrame, i: int, fields) -> tuple[str, str]:
    for name in fields:
        reason = df.at[i, _BAD[name]]
        if isinstance(reason, str):
            return reason, name
    return "unknown_value", "?"


def _form_row(df: pd.DataFrame, cells: pd.DataFrame) -> dict:
    out: dict = {k: int((cells[k] == True).sum()) for k in FORM_COLUMNS}  # noqa: E712
    unknown = cells.isna()
    left = unknown.any(axis=1)
    out["left_out"] = int(left.sum())
    identities = []
    for lhs, rhs in FORM_IDENTITIES:
        side = cells[rhs[0]]
        for key in rhs[1:]:
            side = side | cells[key]
        decided = cells[lhs].notna() & side.notna()
        rhs_value = sum(int(((cells[k] == True) & decided).sum()) for k in rhs)  # noqa: E712
        identities.append(
            {
                "lhs_value": int(((cells[lhs] == True) & decided).sum()),  # noqa: E712
                "rhs_value": rhs_value,
                "left_out": int((~decided).sum()),
            }
        )
    out["identities"] = identities
    tally: dict[tuple[str, str, tuple[str, ...]], int] = {}
    place = ["received_total", "carried_over", "resolved_total", "open_total"]
    channel = ["received_online", "received_offline", "received_channel_unknown"]
    for i in np.flatnonzero(left.to_numpy()):
        row = unknown.iloc[i]
        columns = tuple(k for k in FORM_COLUMNS if row[k])
        idx = df.index[i]
        if bool(df.at[idx, "excluded"]) or row[place].any():
            key = _first_bad(df, idx, _PLACE_CELLS)
        elif row[channel].any():
            key = _first_bad(df, idx, ("channel",))
        else:
            key = _first_bad(df, idx, ("status", "resolved_at", "returned_at", "due_at"))
        tally[(*key, columns)] = tally.get((*key, columns), 0) + 1
    out["left_out_by"] = [
        {"reason": r, "field": f, "rows": n, "columns": list(c)}
        for (r, f, c), n in sorted(tally.items())
    ]
    return out


def form06(path: str | Path, start: str | dt.date, end: str | dt.date) -> dict:
    """Biểu 06 by lĩnh vực: {"rows": {field or None: row}, "total": row, "input": {...}}.

    A dossier is counted in every cell whose test is true, and left out of those whose test is
    unknown; each identity is checked over the dossiers placed on both of its sides.
    """
    df = placements(path, start, end)
    cells = form_cells(df)
    groups = np.array([text or None for text in df["field"]], dtype=object)  # "" = no field
    rows = {}
    for group in dict.fromkeys(groups):
        mask = np.array([g == group for g in groups], dtype=bool)
        row = _form_row(df[mask], cells[mask])
        if row["left_out"] or any(row[k] for k in FORM_COLUMNS):
            rows[group] = row
    in_form = (cells == True).any(axis=1)  # noqa: E712
    left = cells.isna().any(axis=1)
    return {
        "rows": rows,
        "total": _form_row(df, cells),
        "input": {
            "rows_read": len(df),
            "rows_in_form": int(in_form.sum()),
            "rows_partly_placed": int((in_form & left).sum()),
            "rows_left_out": int((left & ~in_form).sum()),
            "rows_outside": int((~in_form & ~left).sum()),
            "due_dates_derived": int(df["due_derived"].sum()),
        },
    }


def accounting(path: str | Path, start: str | dt.date, end: str | dt.date) -> dict:
    """Where every row went, as ``cchc check`` reports it in ``inputs[]``."""
    df = placements(path, start, end)
    excluded = df["excluded"].fillna(False).astype(bool)
    in_period = df["received_in_p"] | df["resolved_in_p"] | df["open_at_end"]
    not_received = ~excluded & df["not_received"].fillna(False).astype(bool)
    left = excluded | (~not_received & in_period.isna())
    used = ~excluded & (in_period == True)  # noqa: E712
    tally: dict[tuple[str, str], int] = {}
    for i in df.index[left.to_numpy()]:
        key = _first_bad(df, i, _PLACE_CELLS)
        tally[key] = tally.get(key, 0) + 1
    return {
        "rows_read": len(df),
        "rows_used": int(used.sum()),
        "rows_out_of_period": int((~excluded & ~not_received & ~left & ~used).sum()),
        "rows_not_received": int(not_received.sum()),
        "rows_left_out": int(left.sum()),
        "rows_received_in_period": int((df["received_in_p"] == True).sum()),  # noqa: E712
        "rows_resolved_in_period": int((df["resolved_in_p"] == True).sum()),  # noqa: E712
        "due_dates_derived": int(df["due_derived"].sum()),
        "left_out_by": [
            {"reason": r, "field": f, "rows": n} for (r, f), n in sorted(tally.items())
        ],
    }


def left_out(path: str | Path, start: str | dt.date, end: str | dt.date) -> dict:
    """{indicator id: {"numerator", "denominator", "left_out"}} with three-valued rows.

    A row is left out of an indicator when whether it is in the denominator, or (being in it)
    in the numerator, is unknown; a row set aside as a whole is left out wherever it might be
    in the denominator.
    """
    df = placements(path, start, end)
    resolved, received = df["resolved_in_p"], df["received_in_p"]
    done = resolved & ~df["withdrawn"]
    rating = df["rating"]
    rules = {
        "dossiers_on_time": (
            resolved,
            _is(df["timeliness"], "early") | _is(df["timeliness"], "on_time"),
        ),
        "citizen_satisfaction": (resolved & ~_is(rating, "none"), _is(rating, "good")),
        "dossiers_online": (received, df["online"]),
        "dossiers_digitized": (received, df["digitized"]),
        "results_electronic": (done, df["e_result"]),
        "results_digitized": (done, df["result_digitized"]),
        "late_dossiers_apologized": (
            (resolved & _is(df["timeliness"], "late")) | df["overdue_at_end"],
            df["apology"],
        ),
    }
    excluded = df["excluded"].fillna(False).astype(bool)
    out = {}
    for ident, (den, num) in rules.items():
        den = den.mask(excluded & (den != False), pd.NA).mask(excluded & (den == False), False)  # noqa: E712
        num = den & num
        is_den = den == True  # noqa: E712
        out[ident] = {
            "numerator": int((num == True).sum()),  # noqa: E712
            "denominator": int((is_den & num.notna()).sum()),
            "left_out": int((den.isna() | (is_den & num.isna())).sum()),
        }
    return out


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
