"""One engine for every plan: the plan compiled to SQL and run by embedded DuckDB.

``run(plan, table, period)`` gives the figures :func:`cchc_cli.evaluate.evaluate` computes from
the same file (per dossier indicator its :class:`~cchc_cli.evaluate.Counts`, and the
:class:`~cchc_cli.evaluate.InputSummary`), computed by one SQL query generated from the plan
(:mod:`.compile`); ``sql_for(plan, period)`` is that query, for ``--explain-sql`` and for other
dialects. The input is today's :class:`~cchc_cli.sources.RawTable` (strings and file lines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from ..evaluate import Counts, InputSummary
from ..plan import Plan
from ..sources import RawTable
from .bind import bind
from .compile import Binding, Compiler
from .duck import Settings, execute, summary

Span = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class EngineResult:
    """The figures of one period: ``counts`` per dossier indicator id, in the plan's order."""

    period: Span
    counts: Mapping[str, Counts]
    summary: InputSummary
    sql: str

    @property
    def missing(self) -> tuple[str, ...]:
        """Plan columns (not optional) the file lacks, as ``Records.missing``."""
        return self.summary.missing_columns

    def has(self, name: str) -> bool:
        """Whether the file has the field's column, as ``Records.has`` (so
        ``evaluate.lacking_columns`` takes this result where it takes records)."""
        return name in dict(self.summary.headers)


def run_periods(
    plan: Plan,
    table: RawTable,
    periods: Mapping[str, Span],
    settings: Settings | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, EngineResult]:
    """Several periods in one query (``--by month``: one key per month). ``connection``: a DuckDB
    connection to reuse (else one is opened with ``settings`` and closed)."""
    bound = bind(table, plan)
    spans = [(key, start, end) for key, (start, end) in periods.items()]
    sql, figures = execute(plan, bound, spans, settings, connection)
    return {
        key: EngineResult((start, end), figures[key][0], summary(bound, figures[key][1]), sql)
        for key, start, end in spans
    }


def run(
    plan: Plan,
    table: RawTable,
    period: Span | None = None,
    settings: Settings | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> EngineResult:
    """Every dossier indicator of the plan over ``table`` for ``period`` (the plan's by default)."""
    start, end = period or plan.period
    return run_periods(plan, table, {"period": (start, end)}, settings, connection)["period"]


def sql_for(plan: Plan, period: Span | None = None) -> str:
    """The query for a file that has every plan column, read with the plan's own words."""
    start, end = period or plan.period
    return Compiler(plan, Binding.assumed(plan)).sql([("period", start, end)])


__all__ = ["EngineResult", "Settings", "run", "run_periods", "sql_for"]
