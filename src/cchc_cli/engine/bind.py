"""A staged file bound to the plan: which of its cell columns is which field.

Which header means which field (aliases, folded headers, two headers claiming one field, the
required columns) is decided by :func:`cchc_cli.io.binding.bind_headers`, as the pandas route
decides it, so the engine reads the same columns and raises the same errors. Only the cells its
choice looks at (the first :data:`~cchc_cli.io.binding.SAMPLE_CELLS` filled cells of each claiming
column) are fetched, by SQL: the file's cells stay in DuckDB.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import duckdb
import pyarrow as pa

from .. import arrow as A
from ..io.binding import SAMPLE_CELLS, HeaderBinding, bind_headers
from ..io.staged import ABSENT, Staged, TableInfo, cell_names
from ..plan.model import Plan
from .compile import ABSENT as ABSENT_SQL
from .compile import q

SAMPLE_ROWS = 500  # filled cells of a column sampled (date formats, words tried first)


@dataclass(frozen=True)
class Bound:
    """One file as the query reads it: its cells are the relation ``relation``."""

    staged: Staged
    relation: str
    columns: HeaderBinding  # which column is which field; what the file lacks
    index: int = 0  # the file's position among the files counted together

    @property
    def info(self) -> TableInfo:
        return self.staged.info

    def column(self, name: str) -> str | None:
        """The cell column holding field ``name`` (None: the file lacks it)."""
        found = self.columns.where.get(name)
        return None if found is None else cell_names(len(self.info.headers))[found[0]]

    @property
    def last(self) -> str | None:
        """The column of the header's last cell: ABSENT there means a short row."""
        return cell_names(len(self.info.headers))[-1] if self.info.headers else None


@dataclass(frozen=True)
class AnyColumns:
    """The plan columns any of the bound files has, and where the first file's header is: what
    :func:`cchc_cli.engine.groups.check_grouping` asks of the files."""

    fields: frozenset[str]
    path: str
    header_line: int

    def has(self, name: str) -> bool:
        return name in self.fields


def any_columns(plan: Plan, bounds: Sequence[Bound]) -> AnyColumns:
    has = frozenset(n for b in bounds for n in plan.columns if b.column(n) is not None)
    return AnyColumns(has, bounds[0].info.path, bounds[0].info.header_line)


def file_facts(info: TableInfo) -> dict:
    """What identifies the file and how it was read: the fields RawTable and InputSummary share
    with TableInfo (path, sha256, size, encoding, delimiter, sheet, header_line)."""
    names = ("path", "sha256", "size", "encoding", "delimiter", "sheet", "header_line")
    return {n: getattr(info, n) for n in names}


def _filled(col: str) -> str:
    return f"{q(col)} <> '' AND {q(col)} <> {ABSENT_SQL}"


def first_cells(con, relation: str, column: str) -> pa.ChunkedArray:
    """The first SAMPLE_CELLS filled cells of a column, in the file's order: what tells two
    headers claiming one field apart (:func:`cchc_cli.io.binding.bind_headers`)."""
    query = (
        f"SELECT {q(column)} FROM {q(relation)} WHERE {_filled(column)} "
        f"ORDER BY _line LIMIT {SAMPLE_CELLS}"
    )
    cells = [r[0] for r in con.execute(query).fetchall()]  # a connection's plainest answer
    return pa.chunked_array([A.strings(cells)])


def bind(
    con: duckdb.DuckDBPyConnection, staged: Staged, plan: Plan, relation: str, index: int = 0
) -> Bound:
    """Register the file's cells as ``relation`` of ``con`` (replacing any relation of that name)
    and choose its columns."""
    release(con, relation)
    in_batches(staged).register(con, relation)
    info = staged.info
    names = cell_names(len(info.headers))
    columns = bind_headers(
        plan,
        info.headers,
        info.path,
        info.header_line,
        lambda i: first_cells(con, relation, names[i]),
    )
    return Bound(staged, relation, columns, index)


BATCH_ROWS = 122_880  # rows per Arrow batch: DuckDB hands each batch to one thread


def in_batches(staged: Staged) -> Staged:
    """The staged cells in batches of at most BATCH_ROWS rows (slices: no copy), so every
    thread of DuckDB gets a share of a table read as one long chunk."""
    table = staged.arrow
    if table is None or all(len(c) <= BATCH_ROWS for col in table.columns for c in col.chunks):
        return staged
    batches = table.to_batches(max_chunksize=BATCH_ROWS)
    return replace(staged, arrow=pa.Table.from_batches(batches, schema=table.schema))


def release(con, relation: str) -> None:
    """Forget the relation ``relation`` of a DuckDB ``con`` (a registered table or a view).
    Another connection (:class:`cchc_cli.engine.spark.SparkConnection`) replaces a view of the
    same name itself and keeps what it registered for the next run."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        con.execute(f"DROP VIEW IF EXISTS {q(relation)}")


def sample_cells(con, bound: Bound, names: list[str]) -> dict[str, list[str]]:
    """About SAMPLE_ROWS filled cells of each named field, from rows spread over the file (those
    whose line is a multiple of a step, in file order), by SQL; a column those rows leave empty
    gives its first filled cells. They choose the fast path's formats, the words tried first
    and the calendar's start: only speed depends on them, never a figure."""
    cols = {n: c for n in names if (c := bound.column(n)) is not None}
    if not cols:
        return {}
    step = max(1, bound.info.rows // (4 * SAMPLE_ROWS))
    rel = q(bound.relation)
    picked = ", ".join(q(c) for c in cols.values())
    rows = con.execute(
        f"SELECT {picked} FROM {rel} WHERE _line % {step} = 0 ORDER BY _line"
        f" LIMIT {8 * SAMPLE_ROWS}"
    ).fetchall()
    out = {}
    for k, (name, col) in enumerate(cols.items()):
        cells = [r[k] for r in rows if r[k] not in ("", ABSENT)][:SAMPLE_ROWS]
        if not cells:
            got = con.execute(
                f"SELECT {q(col)} FROM {rel} WHERE {_filled(col)} ORDER BY _line"
                f" LIMIT {SAMPLE_ROWS}"
            ).fetchall()
            cells = [r[0] for r in got]
        out[name] = cells
    return out
