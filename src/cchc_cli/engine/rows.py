"""The engine's per-row output: the rows behind a figure, read from the relation the figures
were counted from (the view :data:`~.duck.ROWS` of :func:`~.duck.execute`), so a listed row and
the counts can never disagree.

Per requested indicator a row has its class (:data:`cchc_cli.explain.CLASSES`: counted and
passing, counted and failing, left out, outside the denominator, open and due) and its reason
(a state code of :meth:`~.compile.Compiler.code`: the first bad cell of a left-out row, the
dossier id's of a row set aside as a whole); then the cells a person reads (the fields of
:func:`cchc_cli.explain.display_fields`, as the file wrote them, a date the rule used as
``dd/mm/yyyy``). Only the selected rows are fetched, as Arrow, in file order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Reason
from ..explain import CLASSES, COUNTED_FAIL, COUNTED_PASS, LEFT_OUT, NOT_IN_DENOMINATOR, OPEN_DUE
from ..plan import fields as F
from .compile import Compiler, lit, reason_code
from .duck import ROWS

if TYPE_CHECKING:
    import pyarrow as pa

Span = tuple[dt.date, dt.date]
DERIVED_CELLS = ("due", "due_derived", "days_late", "end_at")
BATCH = 1 << 16  # rows per Arrow batch fetched


@dataclass(frozen=True)
class Pick:
    """What to list of one indicator: its rows of these classes (all when ``classes`` is None)."""

    indicator: str
    classes: frozenset[str] | None
    due: bool = False  # whether its rule reads the due date: open and due rows told apart


@dataclass(frozen=True)
class Rows:
    """The fetched rows: ``table`` has ``_file``, ``_line``, per picked indicator ``c_<id>``
    (class index) and ``r_<id>`` (reason state or null), then the text of each shown field;
    ``decode`` turns a reason state into (reason, field)."""

    table: pa.Table
    period: Span
    compiler: Compiler

    def decode(self, state: int) -> tuple[str, str]:
        return self.compiler.decode(state)


def _date_text(expr: str) -> str:
    return f"strftime({expr}, '%d/%m/%Y')"


def cell_sql(kind: str, name: str) -> str:
    """A field's cell as a person reads it (a dossier's or a register's, of ``kind``): text and
    words as written, a date or number the rule reads by its value (``dd/mm/yyyy``), an unusable
    one as written."""
    if kind == F.DATE:
        return f"COALESCE({_date_text(f'v_{name}')}, r_{name})"
    if kind == F.INTEGER:
        return f"COALESCE(CAST(v_{name} AS VARCHAR), r_{name})"
    return f"r_{name}"


def _written(name: str, short: int) -> str:
    """Whether the field's cell is a reported bad cell (its text is then shown)."""
    return f"(w_{name} IS NOT NULL AND w_{name} <> {short})"


def derived_sql(compiler: Compiler, end: str) -> dict[str, str]:
    """The due date and end date the rule used, whether the due date was derived, and the days
    late: from the due date to the end date, or to the period's last day ``end`` for a dossier
    still open then (0 when not late; null when a date is unknown)."""
    short = reason_code(Reason.SHORT_ROW)
    ref = f"CASE WHEN (end_v IS NULL OR end_v > {end}) AND NOT end_bad THEN {end} ELSE end_v END"
    return {
        "due": f"COALESCE({_date_text('due_v')}, r_due_at)",
        "due_derived": "due_derived",
        "days_late": (
            f"CASE WHEN due_v IS NULL OR due_bad OR ({ref}) IS NULL THEN NULL"
            f" ELSE GREATEST(date_diff('day', due_v, {ref}), 0) END"
        ),
        "end_at": (
            f"COALESCE({_date_text('end_v')}, CASE WHEN NOT end_bad THEN ''"
            f" WHEN {_written('resolved_at', short)} THEN r_resolved_at"
            f" WHEN {_written('returned_at', short)} THEN r_returned_at ELSE '' END)"
        ),
    }


def class_sql(compiler: Compiler, k: int, due: bool, end: str) -> tuple[str, str]:
    """Indicator ``k``'s class index and reason state per row."""
    s = f"s{k}"
    idx = {c: CLASSES.index(c) for c in CLASSES}
    outside = str(idx[NOT_IN_DENOMINATOR])
    if due:  # open at the period's end, due on or before its last day: the worklist
        outside = (
            f"CASE WHEN _active AND COALESCE(open_at_end, FALSE)"
            f" AND COALESCE(due_k <= {end}, FALSE) THEN {idx[OPEN_DUE]} ELSE {outside} END"
        )
    cls = (
        f"CASE {s} WHEN 2 THEN {idx[COUNTED_PASS]} WHEN 1 THEN {idx[COUNTED_FAIL]}"
        f" WHEN 0 THEN {outside} ELSE {idx[LEFT_OUT]} END"
    )
    # a row set aside as a whole is outside every denominator: its dossier id says why
    why = (
        f"CASE WHEN {s} >= 3 THEN {s} WHEN NOT _active"
        f" THEN {compiler.code('dossier_id', 'w_dossier_id')} END"
    )
    return cls, why


def fetch(
    con,
    compiler: Compiler,
    periods: Sequence[tuple[str, dt.date, dt.date]],
    key: str,
    picks: Sequence[Pick],
    shown: Sequence[str],
) -> Rows:
    """The rows of period ``key`` that any pick selects, with the cells of ``shown`` (plan
    fields and :data:`DERIVED_CELLS`), from the view the figures were counted from."""
    period = next(p for p in periods if p[0] == key)
    one = len(periods) == 1
    end = Compiler.fixed(period)["p_end"] if one else "p_end"
    index = {ind.id: k for k, ind in enumerate(compiler.dossier_indicators())}
    derived = derived_sql(compiler, end)
    cols = ["_file", "_line"]
    selects: list[str | None] = []  # per pick, the rows it lists (None: every row)
    for p in picks:
        cls, why = class_sql(compiler, index[p.indicator], p.due, end)
        cols += [f"{cls} AS {q_id('c', p.indicator)}", f"{why} AS {q_id('r', p.indicator)}"]
        codes = ", ".join(str(CLASSES.index(c)) for c in sorted(p.classes or ()))
        selects.append(None if p.classes is None else f"({cls}) IN ({codes or 'NULL'})")
    for name in shown:
        expr = (
            derived[name] if name in derived else cell_sql(compiler.plan.columns[name].kind, name)
        )
        cols.append(f"{expr} AS {q_id('t', name)}")
    where = [] if one else [f"p_key = {lit(key)}"]
    if None not in selects:
        where.append("(" + " OR ".join(selects or ["FALSE"]) + ")")
    sql = f"SELECT {', '.join(cols)} FROM {ROWS}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY _file, _line"
    return Rows(arrow_of(con, sql), (period[1], period[2]), compiler)


def q_id(prefix: str, name: str) -> str:
    return f'"{prefix}_{name}"'


def arrow_of(con, sql: str) -> pa.Table:
    """The query's result as one Arrow table, read in batches (a Spark session: whole)."""
    import duckdb
    import pyarrow as pa

    if isinstance(con, duckdb.DuckDBPyConnection):
        reader = con.sql(sql).to_arrow_reader(BATCH)
        return pa.Table.from_batches(list(reader), schema=reader.schema)
    return con.sql(sql).to_arrow_table()
