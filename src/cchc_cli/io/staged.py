"""A file's cells staged for the engine: an Arrow table when small, Parquet parts when large.

The contract between the readers and the engine. Columns: ``_line`` (int64, the 1-based file
line, or worksheet row, where the record starts) then ``"0"``, ``"1"`` … one string column per
header cell, cleaned as :class:`~cchc_cli.sources.RawTable` documents ("" empty, ``ABSENT`` cut
off). Blank and layout rows are already set aside (counted in :class:`TableInfo`).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from ..sources import RawTable


@dataclass(frozen=True)
class TableInfo:
    """What the reader says about a file, without its cells (``RawTable`` minus data/lines)."""

    path: str
    sha256: str
    size: int
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    headers: tuple[str, ...]
    rows: int  # data rows staged
    blank_rows: int
    format: str = "csv"
    layout: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Staged:
    """The cells of one file: ``arrow`` in memory, or ``parquet`` part files under ``workdir``
    (removed by :meth:`close`)."""

    info: TableInfo
    arrow: pa.Table | None = None
    parquet: tuple[str, ...] = ()
    workdir: str | None = field(default=None, compare=False)

    def register(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """Make the cells the relation ``name`` of ``con`` (zero-copy for Arrow)."""
        if self.arrow is not None:
            con.register(name, self.arrow)
            return
        files = ", ".join("'" + p.replace("'", "''") + "'" for p in self.parquet)
        con.execute(
            f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * FROM read_parquet([{files}])'
        )

    def close(self) -> None:
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def cell_names(width: int) -> list[str]:
    return [str(i) for i in range(width)]


def from_raw(raw: RawTable) -> Staged:
    """Today's whole-file reader's table, staged in memory."""
    import numpy as np
    import pyarrow as pa

    arrays: dict[str, pa.Array | pa.ChunkedArray] = {
        "_line": pa.array(np.asarray(raw.lines, dtype=np.int64))
    }
    for i, name in enumerate(cell_names(len(raw.headers))):
        values = raw.data.iloc[:, i] if i < raw.data.shape[1] else None
        if values is None:
            arrays[name] = pa.array([""] * len(raw.lines), type=pa.string())
            continue
        arr = pa.array(values.to_numpy(dtype=object) if values.dtype == object else values)
        arrays[name] = arr if arr.type == pa.string() else arr.cast(pa.string())
    info = TableInfo(
        path=raw.path,
        sha256=raw.sha256,
        size=raw.size,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        header_line=raw.header_line,
        headers=raw.headers,
        rows=len(raw.lines),
        blank_rows=raw.blank_rows,
        format=raw.format,
        layout=raw.layout,
    )
    return Staged(info, arrow=pa.table(arrays))


def infos(staged: Sequence[Staged]) -> tuple[TableInfo, ...]:
    return tuple(s.info for s in staged)
