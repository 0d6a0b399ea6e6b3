"""Any plausible dossier export file → a table of strings with file line numbers: the entry
points (:func:`read_table`, :func:`stage_table`) and the choice of a reader by the file's content.

This module knows nothing about the plan. The caller passes ``header_score(cells) -> int`` (how
many cells of a row it recognises as column headers); the row scoring highest is the header.

What :func:`read_table` accepts
-------------------------------
* CSV/TSV text in UTF-8 (with or without BOM), UTF-16/UTF-32 with BOM (Excel's "Unicode Text",
  usually tab separated; UTF-16 without BOM is recognised from its NUL pattern), or a legacy
  single-byte code page, Windows-1258 above all (its Vietnamese uses combining tone marks).
  Detection: BOM, then strict UTF-8, then candidates (cp1258, charset-normalizer's guess, cp1252)
  scored by how well the header row reads and how many Vietnamese letters the text holds; UTF-8
  that is valid for the most part but has a bad byte is reported (line, byte offset) rather
  than read as a code page. ``encoding=`` forces a codec; undecodable bytes are then an error
  naming the line and byte offset. Text may be NFC or NFD: cells are NFC-normalised.
* Delimiters ``,`` ``;`` and tab, sniffed as the one under which the best header row scores
  highest (ties: the one giving the header more cells, then that order); ``delimiter=`` forces one
  (``"tab"`` / ``"\\t"`` are accepted). Quoted fields may contain delimiters, doubled quotes and
  newlines. A lone CR (old Mac line end) counts as a line break, as editors show it.
* ``.xlsx``/``.xlsm`` workbooks (recognised by content, whatever the file is called): the first
  visible worksheet (a hidden one is usually stale) or ``sheet=`` (exact name, else a unique
  case/diacritic-insensitive match; hidden sheets too); ``RawTable.sheet`` says which. Rows after
  the last one holding a value (styled or formatted empty rows, up to row 1,048,576) are not
  read: the sheet's XML is scanned for it first (:mod:`cchc_cli.io.xlsx`). Real
  date cells become ISO text: ``2023-05-04`` at midnight, ``2023-05-04T08:30:00`` otherwise
  (rounded to the second); integral numbers become ``5`` not ``5.0``; booleans ``TRUE``/``FALSE``;
  formulas give their cached value. ``encoding``/``delimiter`` are ignored for workbooks and
  ``sheet`` is ignored for text files.
* Parquet files (recognised by content) written by another system, with typed columns: read batch
  by batch, each column written as text the way a workbook's cells are (:mod:`cchc_cli.io.typed`),
  the header being the column names (then a hive set's ``key=value`` folder names); a row's line
  is its row number in the file. ``cchc convert``'s own sets are read by :mod:`cchc_cli.io.parquet`.

Layout rules
------------
* Title rows above the header (agency name, report title, blank lines, rows with fewer cells)
  are skipped: the header is the highest-scoring row among the first 50 non-blank records
  (first one on ties) and must score at least ``min_score``. No byte limit applies: a header
  line or a cell of several MB (a dossier history) is searched through.
* In a CSV, the cells missing from a data row with *fewer* cells than the header are
  :data:`~cchc_cli.io.staged.ABSENT` (a cut-off row is reported by records and its missing
  cells are unknown, not empty); in a workbook they are ``""`` (Excel drops trailing empty
  cells). Rows with *more* cells than the header are an error (a delimiter inside an unquoted
  field, broken quoting or a truncated file would otherwise shift every following cell
  silently); in a workbook only non-empty cells beyond the header count.
* Every cell (headers too) is a ``str`` cleaned as :func:`cchc_cli.text.clean` says: invisible
  characters (BOM, zero-width spaces/joiners, direction marks, soft hyphen) removed, odd spaces
  (NBSP, ...) made plain, NFC, surrounding whitespace stripped, ``""`` when empty. Records that
  are entirely empty after the header are dropped and counted in ``blank_rows``.
* ``lines[i]`` is the 1-based line where data row ``i`` starts, as a text editor shows it
  (title rows, blank lines and newlines inside quoted fields all count); for workbooks it is
  the sheet row number.

Every problem raises :class:`~cchc_cli.errors.CchcError` with a bilingual message that names the
file and a hint that says what to do; no traceback leaks for bad input.

Reading and speed: :func:`stage_table` reads into a :class:`~cchc_cli.io.staged.Staged` (Arrow,
or Parquet parts for many rows); :func:`read_table` is the same reading kept in memory. A UTF-8
text file larger than one block (8 MB) is read block by block
(:func:`~cchc_cli.io.csv_stream.stream_text`): memory
stays about 0.3 GB whatever its size (1,000,000 rows: 290 MB; 10,000,000 rows: 2.9 GB), with
exactly the cells, lines and errors of a whole-file reading; anything else (workbooks, HTML, a
code page, UTF-16, a small file) is read whole. pyarrow's multi-threaded CSV reader parses the
text and validates the UTF-8 (only the first MiB is decoded in Python, for the header search,
more only if it does not hold 50 records; an invalid byte further on restarts detection). Line
numbers cost nothing unless a field holds a newline (then one count per column); columns are
NFC-normalised or stripped only when a cheap byte-level test says they may need it. Rows with
fewer cells are re-read single-threaded and spliced in; a quote that may be left open sends the
text to pandas' C parser, which reports it.

Known limits: the byte-level NFC test trusts characters in U+1000..U+2FFF (Vietnamese letters,
punctuation) to be NFC, so e.g. a decomposed Greek letter or an Ohm sign there is kept as is;
workbooks read at openpyxl's pace (roughly 50-100k cells/s), and formula cells saved without a
cached value (by some generators) read as "". Read block by block, a file holds more than a
block in memory only for a record longer than a block (a quote left open: the rest of the
file) or when it turns out not to be UTF-8 past its head (then it is read whole, with its code
page).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..text import fold
from . import sizes
from .csv import delimiter_option, legacy_table, text_table
from .csv_stream import CodePageText, stream_text
from .files import Ctx, HeaderScore, Sha256, empty_error, open_file, read_from
from .html import html_table, looks_like_html
from .sniff import OLE2, looks_like_xlsx
from .staged import MEMORY_ROWS, Staged, StageWriter, TableInfo
from .typed import PARQUET_MAGIC, is_parquet, parquet_table
from .xls import encrypted_ole, xls_table
from .xlsx import xlsx_table

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["RawTable", "read_table", "stage_table"]


@dataclass(frozen=True)
class RawTable:
    """A file read into strings; no plan semantics. See the module docstring for the rules."""

    path: str
    sha256: str  # of the file bytes
    size: int
    encoding: str | None  # "utf-8", "utf-8-sig", "utf-16", "cp1258", ...; None for xlsx
    delimiter: str | None  # None for xlsx
    sheet: str | None  # xlsx sheet name used
    header_line: int  # 1-based line (xlsx: row) of the header row
    headers: tuple[str, ...]  # header cells, NFC, stripped
    data: (
        pd.DataFrame
    )  # columns "0", "1", ...; str cells, NFC, stripped, "" if empty, ABSENT if cut off
    lines: np.ndarray  # int64: per data row, the 1-based line (xlsx: row) where it starts
    blank_rows: int  # fully empty records after the header, dropped from data
    format: str = "csv"  # "csv" | "xlsx" | "xls" | "html"
    # Rows after the header that are the form's layout, not dossiers: (line, kind), kind one of
    # LAYOUT_KINDS. Set aside from data and counted, never reported as data problems.
    layout: tuple[tuple[int, str], ...] = ()


def read_table(
    path: str | Path,
    header_score: HeaderScore,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    min_score: int = 2,
    expected: Sequence[str] = (),
    keys: Sequence[str] = (),
) -> RawTable:
    """Read a CSV/TSV/xlsx export into a :class:`RawTable` or raise one clear CchcError.

    ``header_score`` rates a row's cells (NFC, stripped); the best row among the first 50
    non-blank records is the header and must reach ``min_score``. ``expected`` lists header
    names to suggest when no header row is found. ``keys``: header names (any spelling
    :func:`~cchc_cli.text.fold` equates) of the columns every dossier fills — its id, its
    received date; a row with one of them filled is never set aside as layout.

    :func:`stage_table` with every block kept in memory, in RawTable's shape.
    """
    staged = stage_table(
        path,
        header_score,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        min_score=min_score,
        expected=expected,
        keys=keys,
        memory_rows=None,
    )
    info, table = staged.info, staged.arrow
    return RawTable(
        path=info.path,
        sha256=info.sha256,
        size=info.size,
        encoding=info.encoding,
        delimiter=info.delimiter,
        sheet=info.sheet,
        header_line=info.header_line,
        headers=info.headers,
        data=table.drop_columns(["_line"]).to_pandas(),
        lines=table["_line"].to_numpy(),
        blank_rows=info.blank_rows,
        format=info.format,
        layout=info.layout,
    )


def stage_table(
    path: str | Path,
    header_score: HeaderScore,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    min_score: int = 2,
    expected: Sequence[str] = (),
    keys: Sequence[str] = (),
    workdir: str | Path | None = None,
    memory_rows: int | None = MEMORY_ROWS,
) -> Staged:
    """:func:`read_table`'s reading (same rules, cells, lines and errors) into a
    :class:`~cchc_cli.io.staged.Staged`: Arrow in memory up to ``memory_rows`` rows (None: no
    limit), else Parquet part files in a fresh folder under ``workdir`` (default: the system's
    temporary folder), removed by ``Staged.close()`` — and by this function when it fails.

    A UTF-8 text file larger than ``sizes.STREAM_BLOCK`` is read block by block (see
    :func:`~cchc_cli.io.csv_stream.stream_text`): memory stays bounded whatever the file's size.
    """
    sink = StageWriter(memory_rows=memory_rows, workdir=None if workdir is None else str(workdir))
    try:
        info = _read(
            path, header_score, sink, encoding, delimiter, sheet, min_score, expected, keys
        )
        return sink.finish(info)
    except BaseException:
        sink.discard()
        raise


def _read(
    path: str | Path,
    header_score: HeaderScore,
    sink: StageWriter,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    min_score: int,
    expected: Sequence[str],
    keys: Sequence[str],
) -> TableInfo:
    """Read the file into ``sink``: a large UTF-8 text file block by block, anything else
    (workbooks, HTML, code pages, UTF-16, small files) whole."""
    shown = str(path)
    p = Path(path)
    ctx = Ctx(
        shown, p, header_score, min_score, tuple(expected), frozenset(fold(k) for k in keys)
    )
    with open_file(p, shown) as fh:
        if is_parquet(read_from(fh, p, shown, len(PARQUET_MAGIC))):  # typed columns, by batch
            parts = parquet_table(ctx, sink)
            return TableInfo(path=shown, rows=sink.rows, **parts)
        fh.seek(0)
        parts, legacy = None, False
        # what the whole-file reader looks at in the first bytes: sniffers, the UTF-8 head
        probe = max(sizes.SAMPLE, sizes.PROBE, 2 * sizes.HEAD_CHARS + 8)
        if os.fstat(fh.fileno()).st_size > max(sizes.STREAM_BLOCK, probe):
            try:
                parts = stream_text(
                    ctx, fh, read_from(fh, p, shown, probe), encoding, delimiter, sink
                )
            except CodePageText:
                sink.reset()
                legacy = True
            if parts is None:
                fh.seek(0)
        if parts is None:
            data = read_from(fh, p, shown, -1)
            if not data:
                raise empty_error(p, shown)
            parts = _whole(ctx, data, encoding, delimiter, sheet, sink, legacy)
    return TableInfo(path=shown, rows=sink.rows, **parts)


def _whole(
    ctx: Ctx,
    data: bytes,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    sink: StageWriter,
    legacy: bool = False,
) -> dict:
    """The whole-file reader: every format, the file's bytes in memory (``legacy``: a text
    file found not to be UTF-8 while streamed)."""
    digest = Sha256(data)
    if legacy:
        parts = legacy_table(ctx, data, delimiter_option(delimiter, ctx.shown))
    elif data.startswith(OLE2) and not encrypted_ole(data):
        parts = xls_table(data, ctx, sheet)
    elif looks_like_html(data):
        parts = html_table(data, ctx, encoding, sheet)
    elif looks_like_xlsx(data, ctx):
        parts = xlsx_table(data, ctx, sheet)
    else:
        parts = text_table(data, ctx, encoding, delimiter_option(delimiter, ctx.shown))
    sink.add(parts.pop("cells"), parts.pop("lines"))
    return {"sha256": digest.result(), "size": len(data), **parts}
