"""Typed columns (a Parquet file written by another system) as the text cells the readers give.

A province's data lake or another tool may hold the export as Parquet with real types: dates,
timestamps, integers, booleans. The engine reads text cells, so each typed column is written the
way the export's own text would be, in a form the counting rules read exactly:

- dates ``2023-05-04``; timestamps ``2023-05-04T08:30:00`` (seconds; a timestamp with a time zone
  is an instant, shown as Vietnam's wall clock, UTC+7, as a text time with a zone is read);
- integers as digits; a float with no fraction as an integer (``5``), else its shortest text;
  decimals as written; booleans ``TRUE``/``FALSE`` (as a workbook's boolean cells);
- text as it is (the reader then cleans it like any file's cells); null as an empty cell.

Any other type (lists, structs, binary, times of day, durations) cannot be a cell of an export:
the column is named with its type and exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CchcError, Location, Msg

if TYPE_CHECKING:
    import pyarrow as pa

    from .files import Ctx
    from .staged import StageWriter

TIMESTAMP_TEXT = "%Y-%m-%dT%H:%M:%S"
VIETNAM = "+07:00"  # as text times with a zone are read (README, "Choices")


def text_column(column: pa.Array | pa.ChunkedArray, name: str, path: str) -> pa.ChunkedArray:
    """``column`` (of any supported type) as large_string cells, nulls as ""."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
    kind = cell_type(col.type, name, path)
    if kind != col.type:  # dictionary-encoded
        col = col.cast(kind)
    if pa.types.is_null(kind):
        text = pc.cast(col, pa.large_string())
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = col
    elif pa.types.is_timestamp(kind):
        if kind.tz is not None:  # an instant: its date in Vietnam (UTC+7, no summer time)
            col = pc.local_timestamp(col.cast(pa.timestamp(kind.unit, tz=VIETNAM)))
        seconds = pc.cast(col, pa.timestamp("s"), safe=False)  # the seconds, never fractions
        text = pc.strftime(seconds, TIMESTAMP_TEXT)
    elif pa.types.is_date(kind):
        text = pc.cast(pc.cast(col, pa.date32()), pa.string())
    elif pa.types.is_floating(kind):
        # NaN, infinities and numbers beyond 2**53 (no longer exact integers) keep their text
        whole = pc.and_(pc.equal(pc.floor(col), col), pc.less(pc.abs(col), 2.0**53))
        as_int = pc.cast(pc.if_else(whole, col, 0.0), pa.int64(), safe=False)
        text = pc.if_else(whole, pc.cast(as_int, pa.string()), pc.cast(col, pa.string()))
    elif pa.types.is_boolean(kind):
        text = pc.if_else(col, "TRUE", "FALSE")
    else:  # integers, decimals
        text = pc.cast(col, pa.string())
    return pc.fill_null(pc.cast(text, pa.large_string()), "")


def cell_type(kind: pa.DataType, name: str, path: str) -> pa.DataType:
    """The type of a column's cells (a dictionary's values), or exit 2 if no export cell has it."""
    import pyarrow as pa

    value = kind.value_type if pa.types.is_dictionary(kind) else kind
    if not any(test(value) for test in _cell_type_tests()):
        raise unsupported(name, str(kind), path)
    return value


def unsupported(name: str, kind: str, path: str) -> CchcError:
    return CchcError(
        Msg(
            f"cột '{name}' có kiểu {kind}, không phải một ô của tệp xuất",
            f"column '{name}' has type {kind}, which is not a cell of an export",
        ),
        Msg(
            "ghi lại tệp Parquet với cột này là văn bản, ngày, số hoặc đúng/sai",
            "write the Parquet file again with this column as text, a date, a number or a boolean",
        ),
        Location(path, column=name),
    )


PARQUET_MAGIC = b"PAR1"
BATCH_ROWS = 65_536  # rows converted at a time: memory stays bounded whatever the file's size


def is_parquet(head: bytes) -> bool:
    return head.startswith(PARQUET_MAGIC)


def partition_values(path: Path) -> list[tuple[str, str]]:
    """``key=value`` folders above a part file (a hive-partitioned set): columns the file itself
    does not hold. ``__HIVE_DEFAULT_PARTITION__`` is an empty cell."""
    from urllib.parse import unquote

    out = []
    for folder in reversed(path.parent.parts):
        key, eq, value = folder.partition("=")
        if not eq or not key:
            break
        value = unquote(value)
        out.append((unquote(key), "" if value == "__HIVE_DEFAULT_PARTITION__" else value))
    return out[::-1]


def parquet_table(ctx: Ctx, sink: StageWriter) -> dict:
    """A Parquet file's rows into ``sink``, batch by batch, each column as text
    (:func:`text_column`) then cleaned like every reader's cells (:func:`~.clean.finish`). Its
    header is the schema's column names, then the partition keys of its folders; a row's line is
    its 1-based row number in the file (there is no header line: ``header_line`` 0)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..text import nfc
    from .clean import finish

    try:
        pf = pq.ParquetFile(ctx.path)
        schema = pf.schema_arrow
    except (OSError, pa.ArrowException) as exc:
        raise ctx.error(
            f"tệp Parquet hỏng hoặc không đọc được: {exc}",
            f"the Parquet file is damaged or cannot be read: {exc}",
            "tải lại hoặc ghi lại tệp từ hệ thống nguồn",
            "download or write the file again from its system",
        ) from None
    for f in schema:  # every column's type refused before any row is read
        cell_type(f.type, f.name, ctx.shown)
    extra = [(k, v) for k, v in partition_values(ctx.path) if k not in schema.names]
    headers = tuple(nfc(name).strip() for name in (*schema.names, *(k for k, _ in extra)))
    blank, layout, first = 0, [], 1
    try:
        for batch in pf.iter_batches(batch_size=BATCH_ROWS):
            n = batch.num_rows
            columns = [
                text_column(batch.column(i), name, ctx.shown) for i, name in enumerate(schema.names)
            ]
            columns += [pa.chunked_array([pa.array([v] * n, pa.large_string())]) for _, v in extra]
            cells, lines, b, lay = finish(columns, n, None, first, headers, ctx.keys)
            sink.add(cells, lines)
            blank += b
            layout += lay
            first += n
    except (OSError, pa.ArrowException) as exc:
        raise ctx.error(
            f"tệp Parquet hỏng (dừng ở dòng {first}): {exc}",
            f"the Parquet file is damaged (stopped at row {first}): {exc}",
            "tải lại hoặc ghi lại tệp từ hệ thống nguồn",
            "download or write the file again from its system",
        ) from None
    return {
        "sha256": _file_sha256(ctx.path),
        "size": ctx.path.stat().st_size,
        "encoding": None,
        "delimiter": None,
        "sheet": None,
        "header_line": 0,
        "headers": headers,
        "blank_rows": blank,
        "format": "parquet",
        "layout": tuple(layout),
    }


def _file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _cell_type_tests():
    import pyarrow as pa

    t = pa.types
    return (
        t.is_null,
        t.is_string,
        t.is_large_string,
        t.is_timestamp,
        t.is_date,
        t.is_floating,
        t.is_integer,
        t.is_boolean,
        t.is_decimal,
    )
