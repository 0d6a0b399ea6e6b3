"""A staged file bound to the plan: which of its cell columns is which field.

Which header means which field (aliases, folded headers, two headers claiming one field, the
required columns) is decided by :func:`cchc_cli.records.records_from_table`, so the engine reads
the same columns and raises the same errors. It is run on the rows its choice looks at only (the
first :data:`~cchc_cli.records.SAMPLE_CELLS` non-empty cells of each claiming column, and the
first row), fetched by SQL into a small table: the file's cells stay in DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ..io.staged import Staged, TableInfo, cell_names
from ..plan import Plan
from ..records import SAMPLE_CELLS, Records, header_matcher, records_from_table
from ..sources import ABSENT, RawTable
from ..text import fold
from .compile import ABSENT as ABSENT_SQL
from .compile import q

SAMPLE_ROWS = 500  # filled cells of a column sampled (date formats, words tried first)


@dataclass(frozen=True)
class Bound:
    """One file as the query reads it: its cells are the relation ``relation``."""

    staged: Staged
    relation: str
    columns: Records  # records of the sampled rows: headers, missing, choices (no cell values)
    index: int = 0  # the file's position among the files counted together

    @property
    def info(self) -> TableInfo:
        return self.staged.info

    def column(self, name: str) -> str | None:
        """The cell column holding field ``name`` (None: the file lacks it)."""
        col = self.columns.columns[name]
        if col.header is None or col.index is None:
            return None
        return cell_names(len(self.info.headers))[col.index - 1]

    @property
    def last(self) -> str | None:
        """The column of the header's last cell: ABSENT there means a short row."""
        return cell_names(len(self.info.headers))[-1] if self.info.headers else None


def file_facts(info: TableInfo) -> dict:
    """What identifies the file and how it was read: the fields RawTable and InputSummary share
    with TableInfo (path, sha256, size, encoding, delimiter, sheet, header_line)."""
    names = ("path", "sha256", "size", "encoding", "delimiter", "sheet", "header_line")
    return {n: getattr(info, n) for n in names}


def _filled(col: str) -> str:
    return f"{q(col)} <> '' AND {q(col)} <> {ABSENT_SQL}"


def claiming_columns(info: TableInfo, plan: Plan) -> list[int]:
    """The columns of headers that claim a field another header claims too."""
    matcher = header_matcher(plan)
    claims: dict[str, list[int]] = {}
    for i, header in enumerate(info.headers):
        name = matcher.get(fold(header)) if header else None
        if name is not None:
            claims.setdefault(name, []).append(i)
    return sorted(i for found in claims.values() if len(found) > 1 for i in found)


def sample_table(con, relation: str, info: TableInfo, plan: Plan) -> RawTable:
    """The rows records looks at to choose between headers claiming one field (the first row,
    and the first SAMPLE_CELLS filled cells of each claiming column) as a small RawTable with
    the file's header: the claiming columns' cells, "" in the others (never looked at)."""
    names = cell_names(len(info.headers))
    rel = q(relation)
    claiming = [names[i] for i in claiming_columns(info, plan)]
    parts = [f"(SELECT min(_line) AS _line FROM {rel})"]
    parts += [
        f"(SELECT _line FROM {rel} WHERE {_filled(c)} ORDER BY _line LIMIT {SAMPLE_CELLS})"
        for c in claiming
    ]
    picked = ", ".join(["_line", *(q(c) for c in claiming)])
    got = con.execute(
        f"SELECT {picked} FROM {rel} WHERE _line IN ({' UNION '.join(parts)}) ORDER BY _line"
    ).fetchall()
    cells = {c: [r[k + 1] for r in got] for k, c in enumerate(claiming)}
    data = pd.DataFrame(
        {n: pd.array(cells.get(n, [""] * len(got)), dtype="str") for n in names},
        index=pd.RangeIndex(len(got)),
    )
    return RawTable(
        **file_facts(info),
        headers=info.headers,
        data=data,
        lines=np.asarray([r[0] for r in got], dtype=np.int64),
        blank_rows=info.blank_rows,
        format=info.format,
        layout=info.layout,
    )


def bind(
    con: duckdb.DuckDBPyConnection, staged: Staged, plan: Plan, relation: str, index: int = 0
) -> Bound:
    """Register the file's cells as ``relation`` of ``con`` (replacing any relation of that name)
    and choose its columns."""
    release(con, relation)
    in_batches(staged).register(con, relation)
    columns = records_from_table(sample_table(con, relation, staged.info, plan), plan)
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
    """Forget the relation ``relation`` of ``con`` (a registered table or a view)."""
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
