"""Runs the compiled plan in embedded DuckDB and adds up its per-state rows into the counts.

Before the query, two small look-ups over the cells (never a copy of the file): the distinct
words of each category column that are not written exactly as the plan writes them, folded in
Python with :func:`cchc_cli.text.fold_value` (so only the misses are folded, once per distinct
word), and a sample of each date column to choose the fast path's formats. Memory is bounded by
DuckDB's ``memory_limit``; what does not fit (the duplicate-id aggregate) spills to
``temp_directory``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import duckdb
import pyarrow as pa

from .. import fields as F
from ..errors import Reason
from ..evaluate import Counts, InputSummary, LeftOut
from ..plan import Plan
from ..text import fold_value
from . import dates as D
from .bind import Bound, date_sample
from .calendar_sql import calendar_table
from .compile import (
    ABSENT,
    INLINE_EXACT,
    Binding,
    Compiler,
    FieldInput,
    exact_words,
    lit,
    nest,
    q,
)

Span = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Settings:
    """DuckDB's resources; None leaves DuckDB's default."""

    memory_limit: str | None = None  # e.g. "400MB"
    temp_directory: str | None = None  # where spilled data goes
    threads: int | None = None


def connect(settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    config: dict[str, str | int] = {}
    s = settings or Settings()
    if s.memory_limit:
        config["memory_limit"] = s.memory_limit
    if s.temp_directory:
        config["temp_directory"] = s.temp_directory
    if s.threads:
        config["threads"] = s.threads
    return duckdb.connect(config=config)


def prepare(con, plan: Plan, bound: Bound) -> Binding:
    """How each field's cells read: category words exact first and the misses folded, once each;
    date cells by the fast path, and those it leaves by the exact path, once each."""
    out: dict[str, FieldInput] = {}
    queries = []
    for name, spec in plan.columns.items():
        col = bound.columns.columns[name]
        c = q(name)
        if col.header is None:
            out[name] = FieldInput(False)
        elif spec.kind == F.DATE:
            formats = D.sniff_formats(con, date_sample(bound.cells.column(name)))
            out[name] = FieldInput(True, formats=formats)
            fast = D.fast_date(c, formats)
            queries.append(
                f"SELECT {lit(name)} AS f, {c} AS word FROM cells"
                f" WHERE {c} <> '' AND {c} <> {ABSENT} AND {fast} IS NULL GROUP BY {c}"
            )
        elif spec.kind == F.CATEGORY:
            vocab = plan.cell_words(spec, spec.alias(col.header))
            words = exact_words(vocab)
            out[name] = FieldInput(True, words, vocab.empty)
            known = ", ".join(lit(w) for w in ["", *words])
            queries.append(
                f"SELECT {lit(name)} AS f, {c} AS word FROM cells"
                f" WHERE {c} NOT IN ({known}) AND {c} <> {ABSENT} GROUP BY {c}"
            )
        else:
            out[name] = FieldInput(True)
    if not queries:
        return Binding(out)
    misses = con.execute(" UNION ALL ".join(queries)).fetchall()
    words: dict[str, dict[str, str]] = {}
    odd_dates = []
    for name, word in misses:
        spec = plan.columns[name]
        if spec.kind == F.DATE:
            odd_dates.append((name, word))
            continue
        vocab = plan.cell_words(spec, spec.alias(bound.columns.columns[name].header))
        cat = vocab.words.get(fold_value(word))
        if cat is not None:
            words.setdefault(name, {})[word] = cat
    for name, extra in words.items():
        got = out[name]
        out[name] = replace(got, words={**got.words, **extra})
    if odd_dates:
        dates = _exact_dates(con, odd_dates)
        for name in {n for n, _ in odd_dates}:
            found = {c: d for (f, c), d in dates.items() if f == name and d is not None}
            joined = len(found) > INLINE_EXACT
            out[name] = replace(out[name], exact={} if joined else found, joined=joined)
    return Binding(out)


def _exact_dates(con, cells: list[tuple[str, str]]) -> dict[tuple[str, str], dt.date | None]:
    """The exact path over the distinct date cells the fast path left; also kept in DuckDB as
    ``exact_dates`` (f, c, day) for a column with too many of them to write into the query."""
    odd = pa.table({"f": [f for f, _ in cells], "c": [c for _, c in cells]})
    con.register("odd_dates", odd)
    query = nest("SELECT f, c FROM odd_dates", D.exact_date_layers("c"))
    con.execute(f"CREATE OR REPLACE TEMP TABLE exact_dates AS SELECT f, c, day FROM ({query}) AS x")
    rows = con.execute("SELECT f, c, day FROM exact_dates").fetchall()
    return {(f, c): day for f, c, day in rows}


def _first_year(bound: Bound, periods: Sequence[tuple[str, dt.date, dt.date]]) -> int:
    """A first year for the calendar; checked by the query (``uncovered``)."""
    years = [start.year for _, start, _ in periods]
    if "received_at" in bound.cells.column_names:
        for cell in date_sample(bound.cells.column("received_at")):
            for fmt in D.DATE_FORMATS:
                try:
                    years.append(dt.datetime.strptime(cell, fmt).year)
                    break
                except ValueError:
                    continue
    return max(D.FIRST_YEAR, min(years) - 1)


def execute(
    plan: Plan,
    bound: Bound,
    periods: Sequence[tuple[str, dt.date, dt.date]],
    settings: Settings | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> tuple[str, dict[str, tuple[dict[str, Counts], dict[str, int]]]]:
    """The SQL run and, per period key, the counts of each dossier indicator and the totals.
    ``connection``: one to reuse (its views ``cells``, ``work_calendar`` … are replaced)."""
    con = connection or connect(settings)
    try:
        con.register("cells", bound.cells)
        binding = prepare(con, plan, bound)
        compiler = Compiler(plan, binding)
        sql = compiler.sql(periods)
        first = _first_year(bound, periods)
        while True:
            con.register("work_calendar", calendar_table(plan, first))
            rows = con.execute(sql).fetchall()
            uncovered = sum(r[-1] for r in rows)
            if not uncovered or first == D.FIRST_YEAR:
                break
            first = D.FIRST_YEAR  # a received date before the guess: the whole calendar
    finally:
        if connection is None:
            con.close()
    return sql, _decode(compiler, rows, [k for k, _, _ in periods])


def _decode(compiler: Compiler, rows, keys: list[str]):
    inds = compiler.dossier_indicators()
    k = len(inds)
    per: dict[str, list[Counter]] = {key: [Counter() for _ in range(k + 1)] for key in keys}
    totals: dict[str, Counter] = {key: Counter() for key in keys}
    latest: dict[str, dt.date] = {}  # the file's last received date (the same for every key)
    for row in rows:
        key, states, n = row[0], row[1 : k + 2], row[k + 2]
        problems, derived, rip, resip, last = row[k + 3 : k + 8]
        for i, s in enumerate(states):
            per[key][i][s] += n
        totals[key].update(rows=n, problems=problems, due_derived=derived, rip=rip, resip=resip)
        if last is not None:
            latest[key] = max(last, latest.get(key, last))
    out = {}
    for key in keys:
        counts = {}
        for i, ind in enumerate(inds):
            counts[ind.id] = _counts(compiler, per[key][i])
        summary = per[key][k]
        left = _left_out(compiler, summary)
        tot = totals[key]
        out[key] = (
            counts,
            {
                "rows_read": tot["rows"],
                "rows_used": summary[0],
                "rows_out_of_period": summary[1],
                "rows_not_received": summary[2],
                "rows_left_out": sum(lo.rows for lo in left),
                "left_out_by": left,
                "problems": tot["problems"],
                "due_dates_derived": tot["due_derived"],
                "rows_received_in_period": tot["rip"],
                "rows_resolved_in_period": tot["resip"],
                "last_received": latest.get(key),
            },
        )
    return out


def _left_out(compiler: Compiler, states: Counter) -> tuple[LeftOut, ...]:
    by = Counter()
    for s, n in states.items():
        if s >= 3 and n:
            by[compiler.decode(s)] += n
    return tuple(LeftOut(r, f, n) for (r, f), n in sorted(by.items()))


def _counts(compiler: Compiler, states: Counter) -> Counts:
    left = _left_out(compiler, states)
    return Counts(states[2], states[1] + states[2], sum(lo.rows for lo in left), left)


def summary(bound: Bound, totals: Mapping) -> InputSummary:
    table, cols = bound.table, bound.columns
    return InputSummary(
        path=table.path,
        sha256=table.sha256,
        size=table.size,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        header_line=table.header_line,
        rows_read=len(table.data),
        rows_used=totals["rows_used"],
        rows_out_of_period=totals["rows_out_of_period"],
        rows_not_received=totals["rows_not_received"],
        rows_left_out=totals["rows_left_out"],
        left_out_by=totals["left_out_by"],
        blank_rows=table.blank_rows,
        problems=totals["problems"],
        due_dates_derived=totals["due_dates_derived"],
        missing_columns=cols.missing,
        headers=tuple((n, c.header) for n, c in cols.columns.items() if c.header),
        rows_received_in_period=totals["rows_received_in_period"],
        rows_resolved_in_period=totals["rows_resolved_in_period"],
        columns_chosen=cols.columns_chosen,
        format=table.format,
        layout=table.layout,
        last_received=totals["last_received"],
    )


__all__ = ["Reason", "Settings", "execute", "summary"]
