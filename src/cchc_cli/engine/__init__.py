"""One engine for every plan: the plan compiled to SQL and run by embedded DuckDB.

``run(plan, staged, period)`` gives the figures of every dossier indicator (per indicator its
:class:`~cchc_cli.results.Counts`, and the :class:`~cchc_cli.results.InputSummary`; the pandas
route kept in ``tests/oracle`` computes the same), by one SQL query generated from the plan
(:mod:`.compile`); ``sql_for(plan, period)`` is that query, for ``--explain-sql`` and for other
dialects. The input is a :class:`~cchc_cli.io.staged.Staged` file (its cells in Arrow or Parquet
parts; a :class:`~cchc_cli.io.table.RawTable` is staged in memory first), or several of them
counted as one export (a year as twelve monthly downloads): each file is bound on its own (its own
header order and aliases), their rows are one union, and an id repeated across files is a
duplicate as it is within one file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from ..io.staged import Staged, from_raw
from ..io.table import RawTable
from ..plan.model import Plan
from ..results import Counts, InputSummary, LeftOut
from .bind import Bound, any_columns, bind, release
from .compile import Binding, Compiler, Options
from .duck import (
    Outcome,
    Settings,
    connect,
    execute,
    grouping_of,
    release_scratch,
    summary,
)
from .problems import Checked, checked
from .rows import Pick, Rows
from .rows import fetch as fetch_rows

if TYPE_CHECKING:
    from .form import FormPlacement

Span = tuple[dt.date, dt.date]
Input = Staged | RawTable
Inputs = Input | Sequence[Input]


@dataclass(frozen=True)
class EngineResult:
    """The figures of one period: ``counts`` per dossier indicator id, in the plan's order.

    ``summary`` is the input summary; ``files`` holds one per file (for one file, just
    ``summary``). Several files: ``summary`` adds up their row counts (``left_out_by`` merged,
    ``last_received`` the latest), has the columns every file has (a column some file lacks is
    missing: the indicators that need it are no_data, never counted with that file's rows read
    as empty), and names no single file (``path``, ``sha256``, ``encoding`` … are empty;
    ``size`` and ``blank_rows`` are totals)."""

    period: Span
    counts: Mapping[str, Counts]
    summary: InputSummary
    sql: str
    files: tuple[InputSummary, ...] = ()

    @property
    def missing(self) -> tuple[str, ...]:
        """Plan columns (not optional) the file lacks, as ``Records.missing``."""
        return self.summary.missing_columns

    def has(self, name: str) -> bool:
        """Whether the file has the field's column, as ``Records.has`` (so
        ``evaluate.lacking_columns`` takes this result where it takes records)."""
        return name in dict(self.summary.headers)


def staged_of(table: Input) -> Staged:
    return from_raw(table) if isinstance(table, RawTable) else table


def files_of(tables: Inputs) -> list[Staged]:
    if isinstance(tables, Staged | RawTable):
        return [staged_of(tables)]
    return [staged_of(t) for t in tables]


def bind_all(con, plan: Plan, files: Sequence[Staged]) -> list[Bound]:
    """Each file registered and bound on its own (``cells``; ``cells_<i>`` for several)."""
    one = len(files) == 1
    return [bind(con, s, plan, "cells" if one else f"cells_{i}", i) for i, s in enumerate(files)]


@contextmanager
def session(
    plan: Plan,
    table: Inputs,
    settings: Settings | None,
    connection: duckdb.DuckDBPyConnection | None,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[Bound]]]:
    """A connection with the files bound (``connection``, else one opened with ``settings``),
    closed or, when it is the caller's, cleared of what the run registered."""
    con = connection or connect(settings)
    bounds: list[Bound] = []
    try:
        bounds = bind_all(con, plan, files_of(table))
        yield con, bounds
    finally:
        if connection is None:
            con.close()
        else:
            for b in bounds:
                release(con, b.relation)
            release_scratch(con)


def run_periods(
    plan: Plan,
    table: Inputs,
    periods: Mapping[str, Span],
    settings: Settings | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, EngineResult]:
    """Several periods in one query (``--by month``: one key per month). ``connection``: a DuckDB
    connection to reuse (else one is opened with ``settings`` and closed)."""
    return run_wanted(plan, table, periods, Wants(), settings, connection)[0]


@dataclass(frozen=True)
class Wants:
    """What a run gives besides the figures, read from the very relation the figures are
    counted from: the rows behind figures (``picks`` of period ``key``, with the cells of
    ``shown``), Biểu 06's placement (``form``: by that field, "" its default) and ``validate``'s
    problems."""

    picks: tuple[Pick, ...] = ()
    shown: tuple[str, ...] = ()
    key: str = "period"
    form: str | None = None
    problems: bool = False  # validate's problem rows and received-date counts


@dataclass(frozen=True)
class Extras:
    rows: Rows | None = None
    form: FormPlacement | None = None
    checked: Checked | None = None


@dataclass(frozen=True)
class Columns:
    """The plan columns of the files counted together, as :class:`EngineResult` has them
    (a column counts as there only if every file has it), known before the query."""

    present: frozenset[str]
    missing: tuple[str, ...]

    def has(self, name: str) -> bool:
        return name in self.present


def columns_of(bounds: Sequence[Bound]) -> Columns:
    present = set.intersection(*(set(dict(b.columns.headers)) for b in bounds))
    missing = dict.fromkeys(m for b in bounds for m in b.columns.missing)
    return Columns(frozenset(present), tuple(missing))


def run_wanted(
    plan: Plan,
    table: Inputs,
    periods: Mapping[str, Span],
    wants: Wants,
    settings: Settings | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> tuple[dict[str, EngineResult], Extras]:
    """:func:`run_periods` and, in the same session, what ``wants`` asks for. The form reads a
    column the files lack as unknown, not as empty cells: then it has a query of its own, and
    the figures and rows the usual one."""
    from .form import layout, placement_of  # Biểu 06's module reads report's, which reads ours

    spans = [(key, start, end) for key, (start, end) in periods.items()]
    with session(plan, table, settings, connection) as (con, bounds):
        lay = None if wants.form is None else layout(con, plan, bounds, wants.form, columns_of(bounds))
        form = None
        if lay is not None and lay.lacking:  # its own query: the absent columns unknown
            options = Options(form=lay.skip, unknown=lay.lacking)
            done = execute(con, plan, bounds, spans, grouping=lay.grouping, wants=options)
            form = placement_of(lay, done, wants.key)
        together = lay is not None and form is None  # the form from the figures' own query
        rows_too = bool(wants.picks) or wants.problems  # the cells as written
        skip = lay.skip if together else None
        options = Options(rows=rows_too, form=skip, received=wants.problems)
        grouping = lay.grouping if together else None
        outcome = execute(con, plan, bounds, spans, len(bounds) > 1, grouping, options)
        if together:
            form = placement_of(lay, outcome, wants.key)
        rows = None
        if wants.picks:
            rows = fetch_rows(con, outcome.compiler, spans, wants.key, wants.picks, wants.shown)
        found = None
        if wants.problems:
            found = checked(con, outcome, bounds, spans, wants.key)
    figures = {key: result_of(outcome, bounds, key, (start, end)) for key, start, end in spans}
    return figures, Extras(rows, form, found)


def result_of(outcome: Outcome, bounds: Sequence[Bound], key: str, span: Span) -> EngineResult:
    counts, totals = outcome.figures(key)
    if len(bounds) == 1:
        one = summary(bounds[0], totals)
        return EngineResult(span, counts, one, outcome.sql, (one,))
    per_file = tuple(summary(b, outcome.figures(key, file=b.index)[1]) for b in bounds)
    return EngineResult(span, counts, combined(per_file), outcome.sql, per_file)


def combined(files: Sequence[InputSummary]) -> InputSummary:
    """The input summary of several files counted as one export (see :class:`EngineResult`)."""
    left: dict[tuple[str, str], int] = {}
    for f in files:
        for lo in f.left_out_by:
            left[lo.reason, lo.field] = left.get((lo.reason, lo.field), 0) + lo.rows
    # a column counts as there only if every file has it: rows of a file without it would
    # otherwise be read as empty cells, and an indicator that needs it is no_data instead
    everywhere = set.intersection(*(set(dict(f.headers)) for f in files))
    headers = [(name, header) for name, header in files[0].headers if name in everywhere]
    missing = dict.fromkeys(m for f in files for m in f.missing_columns)  # first seen first
    lasts = [f.last_received for f in files if f.last_received is not None]
    formats = {f.format for f in files}
    return InputSummary(
        path="",
        sha256="",
        size=sum(f.size for f in files),
        encoding=None,
        delimiter=None,
        sheet=None,
        header_line=0,
        rows_read=sum(f.rows_read for f in files),
        rows_used=sum(f.rows_used for f in files),
        rows_out_of_period=sum(f.rows_out_of_period for f in files),
        rows_not_received=sum(f.rows_not_received for f in files),
        rows_left_out=sum(f.rows_left_out for f in files),
        left_out_by=tuple(LeftOut(r, fl, n) for (r, fl), n in sorted(left.items())),
        blank_rows=sum(f.blank_rows for f in files),
        problems=sum(f.problems for f in files),
        due_dates_derived=sum(f.due_dates_derived for f in files),
        missing_columns=tuple(missing),
        headers=tuple(headers),
        rows_received_in_period=sum(f.rows_received_in_period for f in files),
        rows_resolved_in_period=sum(f.rows_resolved_in_period for f in files),
        columns_chosen=(),
        format=formats.pop() if len(formats) == 1 else "mixed",
        layout=(),
        last_received=max(lasts) if lasts else None,
    )


def run(
    plan: Plan,
    table: Inputs,
    period: Span | None = None,
    settings: Settings | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> EngineResult:
    """Every dossier indicator of the plan over ``table`` for ``period`` (the plan's by default)."""
    start, end = period or plan.period
    return run_periods(plan, table, {"period": (start, end)}, settings, connection)["period"]


@dataclass(frozen=True)
class GroupCounts:
    """One group of a breakdown: its key (``2023-05`` for a month, the column's text, None for
    the rows that give none), its period and the counts of each dossier indicator."""

    key: str | None
    period: Span
    counts: Mapping[str, Counts]


def breakdown(
    plan: Plan,
    table: Inputs,
    period: Span,
    by: str,
    settings: Settings | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> tuple[GroupCounts, ...]:
    """The counts of a breakdown: per month of the period (each month its
    own period, all in one query) or per group of a text column's values (one query, grouped)."""
    from .groups import MONTH, check_grouping, months_of

    with session(plan, table, settings, connection) as (con, bounds):
        check_grouping(plan, any_columns(plan, bounds), by)
        if by == MONTH:
            spans = [(f"{s:%Y-%m}", s, e) for s, e in months_of(period)]
            outcome = execute(con, plan, bounds, spans)
            return tuple(GroupCounts(k, (s, e), outcome.figures(k)[0]) for k, s, e in spans)
        grouping, labels = grouping_of(con, bounds, by)
        outcome = execute(con, plan, bounds, [("period", *period)], grouping=grouping)
    return tuple(
        GroupCounts(label, period, outcome.figures("period", group=g)[0])
        for g, label in enumerate(labels)
    )


def sql_for(plan: Plan, period: Span | None = None) -> str:
    """The query for a file that has every plan column, read with the plan's own words."""
    start, end = period or plan.period
    return Compiler(plan, Binding.assumed(plan)).sql([("period", start, end)])


__all__ = [
    "EngineResult",
    "Extras",
    "GroupCounts",
    "Pick",
    "Rows",
    "Settings",
    "Wants",
    "breakdown",
    "run",
    "run_periods",
    "run_wanted",
    "sql_for",
]
