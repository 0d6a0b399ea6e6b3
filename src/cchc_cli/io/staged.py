"""A file's cells staged for the engine: an Arrow table when small, Parquet parts when large.

The contract between the readers and the engine. Columns: ``_line`` (int64, the 1-based file
line, or worksheet row, where the record starts) then ``"0"``, ``"1"`` … one string column per
header cell, cleaned as :class:`~cchc_cli.io.table.RawTable` documents ("" empty, ``ABSENT`` cut
off). Blank and layout rows are already set aside (counted in :class:`TableInfo`).

``io.table.stage_table`` writes them through a :class:`StageWriter` (its cells are pyarrow
``large_string``; :func:`from_raw`'s are ``string``: DuckDB reads both as VARCHAR).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..errors import CchcError
    from .table import RawTable

# A cell missing from a row shorter than the header (CSV) is this, not "": records reports it and
# treats it as unknown, never as an empty cell (a cut-off row must not read as "Không").
ABSENT = "\x00"
# Rows a StageWriter keeps in memory (about 30 MB of cells for a typical export) before it
# writes the cells to Parquet instead: a department's exports stay in Arrow.
MEMORY_ROWS = 100_000


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



class StageWriter:
    """Where a reader puts a file's finished cells, block by block (``add``): kept in memory
    while they hold at most ``memory_rows`` rows (None: no limit), else appended, one Parquet
    row group per block, to a part file in a fresh folder under ``workdir`` (default: the
    system's temporary folder).

    Parquet settings chosen for DuckDB's scans of a file written once and read a few times:
    dictionary-encoded cells where the first block repeats values (most columns hold a few
    dozen distinct ones; ids and times are plain), no compression (a local temporary file;
    decompressing would cost more than reading), no statistics (the engine filters on parsed
    values, never on the raw strings).
    """

    def __init__(self, memory_rows: int | None = MEMORY_ROWS, workdir: str | None = None):
        self.memory_rows = memory_rows
        self._parent = workdir
        self._blocks: list[tuple[pa.Table, np.ndarray]] = []
        self._writer: pq.ParquetWriter | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future | None = None
        self._dir: str | None = None
        self._parts: list[str] = []
        self.rows = 0

    def add(self, cells: pa.Table, lines: np.ndarray) -> None:
        """Cells "0", "1", … (large_string) of some rows, and each row's line."""
        self.rows += len(lines)
        if self._writer is None:
            self._blocks.append((cells, lines))
            if self.memory_rows is None or self.rows <= self.memory_rows:
                return
            pending, self._blocks = self._blocks, []
            for cells, lines in pending:
                self._write(cells, lines)
            return
        self._write(cells, lines)

    def _write(self, cells: pa.Table, lines: np.ndarray) -> None:
        """Append a row group, in a thread (pyarrow releases the GIL) while the reader goes on
        with the next block; one write at a time, in order."""
        table = _with_lines(cells, lines)
        if self._writer is None:
            import pyarrow.parquet as pq

            self._dir = tempfile.mkdtemp(prefix="cchc-stage-", dir=self._parent)
            path = str(Path(self._dir) / "cells-0.parquet")
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="parquet")
            self._writer = self._guard(
                pq.ParquetWriter,
                path,
                table.schema,
                compression="none",
                use_dictionary=_repetitive(table),
                write_statistics=False,
            )
            self._parts.append(path)
        self._wait()
        self._pending = self._pool.submit(self._guard, self._writer.write_table, table)

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def _guard(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except OSError as exc:  # a full disk, a folder that cannot be written
            raise _disk_error(exc, self._dir or self._parent or tempfile.gettempdir()) from None

    def finish(self, info: TableInfo) -> Staged:
        """The staged cells (the Parquet file closed)."""
        if self._writer is not None:
            self._wait()
            self._guard(self._writer.close)
            self._stop()
            return Staged(info, parquet=tuple(self._parts), workdir=self._dir)
        import pyarrow as pa

        tables = [_with_lines(cells, lines) for cells, lines in self._blocks]
        return Staged(info, arrow=tables[0] if len(tables) == 1 else pa.concat_tables(tables))

    def reset(self) -> None:
        """Forget every block (the file is read again)."""
        self.discard()
        self.__init__(self.memory_rows, self._parent)

    def discard(self) -> None:
        """Remove whatever was written (the reading failed)."""
        if self._writer is not None:
            with contextlib.suppress(Exception):  # a write that failed, a broken file
                self._wait()
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None
        self._stop()
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
        self._blocks = []


    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def _disk_error(exc: OSError, folder: str) -> CchcError:
    from ..errors import CchcError, Location, Msg

    why = exc.strerror or str(exc)
    return CchcError(
        Msg(
            f"không ghi được dữ liệu tạm vào thư mục '{folder}': {why}",
            f"cannot write the staged cells to the folder '{folder}': {why}",
        ),
        Msg(
            "giải phóng dung lượng đĩa ở thư mục đó, hoặc chọn thư mục tạm khác (biến môi "
            "trường TMPDIR)",
            "free disk space there, or choose another temporary folder (the TMPDIR "
            "environment variable)",
        ),
        Location(folder),
    )


def _repetitive(table: pa.Table) -> list[str]:
    """The cell columns of ``table`` with at most half as many distinct values as rows."""
    import pyarrow.compute as pc

    return [
        n
        for n in table.column_names
        if n != "_line" and 2 * pc.count_distinct(table[n]).as_py() <= table.num_rows
    ]


def _with_lines(cells: pa.Table, lines: np.ndarray) -> pa.Table:
    """``_line`` then the cells; the int64 column built over the numpy buffer, not with
    ``pa.array`` (which imports pandas: half a second and 50 MB for nothing)."""
    import numpy as np
    import pyarrow as pa

    values = np.ascontiguousarray(lines, dtype=np.int64)
    column = pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])
    return cells.add_column(0, "_line", column)
