"""Low-level reader: any plausible dossier export file → a table of strings with file line numbers.

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
  read: the sheet's XML is scanned for it first (:func:`_last_value_row`). Real
  date cells become ISO text: ``2023-05-04`` at midnight, ``2023-05-04T08:30:00`` otherwise
  (rounded to the second); integral numbers become ``5`` not ``5.0``; booleans ``TRUE``/``FALSE``;
  formulas give their cached value. ``encoding``/``delimiter`` are ignored for workbooks and
  ``sheet`` is ignored for text files.

Layout rules
------------
* Title rows above the header (agency name, report title, blank lines, rows with fewer cells)
  are skipped: the header is the highest-scoring row among the first 50 non-blank records
  (first one on ties) and must score at least ``min_score``. No byte limit applies: a header
  line or a cell of several MB (a dossier history) is searched through.
* In a CSV, the cells missing from a data row with *fewer* cells than the header are
  :data:`ABSENT` (a cut-off row is reported by records and its missing cells are unknown, not
  empty); in a workbook they are ``""`` (Excel drops trailing empty cells). Rows with *more* cells than the header are an error (a delimiter
  inside an unquoted field, broken quoting or a truncated file would otherwise shift every
  following cell silently); in a workbook only non-empty cells beyond the header count.
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
text file larger than one block (8 MB) is read block by block (:func:`_stream_text`): memory
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

import codecs
import contextlib
import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import os
import re
import threading
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .errors import CchcError, Location, Msg
from .io import bom_codec
from .io.blocks import LONE_CR, NulByte, TextBlocks, measure, parity_cut, record_cut
from .io.html import (
    HtmlError,
    declared_encoding,
    looks_like_html,
    markup_kind,
    read_html,
)
from .io.staged import MEMORY_ROWS, Staged, StageWriter, TableInfo
from .io.xls import XlsError, ole_streams, read_xls
from .text import INVISIBLE, ODD_SPACES, clean, closest, fold, nfc, visible

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["HEADER_SEARCH_ROWS", "HeaderScore", "RawTable", "read_table", "stage_table"]

HeaderScore = Callable[[Sequence[str]], int]

HEADER_SEARCH_ROWS = 50  # non-blank records searched for the header row
# Bytes first examined for the header row; the search reads 4x more each time until it holds
# HEADER_SEARCH_ROWS records or the whole file, so a huge header or cell never hides the header.
_HEAD_CHARS = 1 << 20
_CHUNK = 16 << 20  # UTF-8 validation / NFC check chunk
# A cell missing from a row shorter than the header (CSV) is this, not "": records reports it and
# treats it as unknown, never as an empty cell (a cut-off row must not read as "Không").
ABSENT = "\x00"
_BLOCK = 8 << 20  # pyarrow CSV block: fewer, larger chunks keep per-chunk overhead low
# UTF-8 text files larger than this are read block by block (_stream_text), each block about
# this size: the few-thousand-row files of a department are read whole, as one block.
_STREAM_BLOCK = 8 << 20
_PROBE = 64 << 10  # at least the bytes io.html sniffs a page by
_SAMPLE = 64 << 10  # bytes given to charset-normalizer and the NUL/binary sniffers
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {
    "tab": "\t",
    "\\t": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
}
_XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# Letters that only Vietnamese text decoded with the right code page produces (after NFC).
_VIETNAMESE = frozenset("ăđơưĂĐƠƯĩũĨŨ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA)))


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

    A UTF-8 text file larger than ``_STREAM_BLOCK`` is read block by block (see
    :func:`_stream_text`): memory stays bounded whatever the file's size.
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
    ctx = _Ctx(
        shown, p, header_score, min_score, tuple(expected), frozenset(fold(k) for k in keys)
    )
    with _open_file(p, shown) as fh:
        parts, legacy = None, False
        # what the whole-file reader looks at in the first bytes: sniffers, the UTF-8 head
        probe = max(_SAMPLE, _PROBE, 2 * _HEAD_CHARS + 8)
        if os.fstat(fh.fileno()).st_size > max(_STREAM_BLOCK, probe):
            try:
                parts = _stream_text(
                    ctx, fh, _read_from(fh, p, shown, probe), encoding, delimiter, sink
                )
            except _Legacy:
                sink.reset()
                legacy = True
            if parts is None:
                fh.seek(0)
        if parts is None:
            data = _read_from(fh, p, shown, -1)
            if not data:
                raise _empty_error(p, shown)
            parts = _whole(ctx, data, encoding, delimiter, sheet, sink, legacy)
    return TableInfo(path=shown, rows=sink.rows, **parts)


def _whole(
    ctx: _Ctx,
    data: bytes,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    sink: StageWriter,
    legacy: bool = False,
) -> dict:
    """The whole-file reader: every format, the file's bytes in memory (``legacy``: a text
    file found not to be UTF-8 while streamed)."""
    digest = _Sha256(data)
    if legacy:
        parts = _legacy_table(ctx, data, _delimiter_option(delimiter, ctx.shown))
    elif data.startswith(_OLE2) and not _encrypted_ole(data):
        parts = _read_xls(data, ctx, sheet)
    elif looks_like_html(data):
        parts = _read_html(data, ctx, encoding, sheet)
    elif _looks_like_xlsx(data, ctx):
        parts = _read_xlsx(data, ctx, sheet)
    else:
        parts = _read_text(data, ctx, encoding, _delimiter_option(delimiter, ctx.shown))
    sink.add(parts.pop("cells"), parts.pop("lines"))
    return {"sha256": digest.result(), "size": len(data), **parts}


# --------------------------------------------------------------------------- plumbing


@dataclass(frozen=True)
class _Ctx:
    shown: str
    path: Path
    score: HeaderScore
    min_score: int
    expected: tuple[str, ...]
    keys: frozenset[str] = frozenset()  # folded headers of the columns every dossier fills

    @property
    def name(self) -> str:
        """The file as messages name it (the location already gives the full path)."""
        return self.path.name or self.shown

    def error(self, vi: str, en: str, hint_vi: str, hint_en: str, line: int | None = None):
        return CchcError(Msg(vi, en), Msg(hint_vi, hint_en), Location(self.shown, line))


class _Sha256:
    """SHA-256 of the file computed in a thread (hashlib releases the GIL) while we parse."""

    def __init__(self, data: bytes):
        self._value = ""
        self._thread = threading.Thread(target=self._run, args=(data,), daemon=True)
        self._thread.start()

    def _run(self, data: bytes) -> None:
        self._value = hashlib.sha256(data).hexdigest()

    def result(self) -> str:
        self._thread.join()
        return self._value


def _file_error(exc: OSError, p: Path, shown: str) -> CchcError:
    """The message for a file that cannot be opened or read."""

    def fail(vi: str, en: str, hint_vi: str, hint_en: str) -> CchcError:
        return CchcError(Msg(vi, en), Msg(hint_vi, hint_en), Location(shown))

    name = p.name or shown
    if isinstance(exc, FileNotFoundError):
        hint_vi, hint_en = "kiểm tra lại đường dẫn và tên tệp", "check the path and file name"
        parent = p.parent if str(p.parent) else Path(".")
        try:
            siblings = [c.name for c in parent.iterdir() if c.is_file()]
        except OSError:
            siblings = []
        near = closest(p.name, siblings) if siblings else None
        if near:
            hint_vi += f"; có phải ý bạn là '{parent / near}'?"
            hint_en += f"; did you mean '{parent / near}'?"
        return fail(
            f"không tìm thấy tệp '{shown}'", f"file '{shown}' does not exist", hint_vi, hint_en
        )
    if isinstance(exc, IsADirectoryError):
        return fail(
            f"'{shown}' là một thư mục, không phải tệp",
            f"'{shown}' is a directory, not a file",
            "chỉ định tệp danh sách hồ sơ (.csv, .txt hoặc .xlsx) bên trong thư mục",
            "give the dossier export file (.csv, .txt or .xlsx) inside it",
        )
    if isinstance(exc, PermissionError):
        return fail(
            f"không có quyền đọc tệp '{name}'",
            f"permission denied reading '{name}'",
            "cấp quyền đọc cho tệp, hoặc đóng chương trình đang khóa tệp (ví dụ Excel) "
            "rồi thử lại",
            "make the file readable, or close the program locking it (e.g. Excel) and retry",
        )
    return fail(
        f"không đọc được tệp '{name}': {exc.strerror or exc}",
        f"cannot read '{name}': {exc.strerror or exc}",
        "kiểm tra tệp và ổ đĩa, rồi thử lại",
        "check the file and the disk, then retry",
    )


def _open_file(p: Path, shown: str) -> BinaryIO:
    try:
        fh = open(p, "rb")  # noqa: SIM115 - the caller's with-block closes it
        if os.path.isdir(p):  # some systems open a directory for reading
            fh.close()
            raise IsADirectoryError(p)
        return fh
    except OSError as exc:
        raise _file_error(exc, p, shown) from None


def _read_from(fh: BinaryIO, p: Path, shown: str, n: int) -> bytes:
    try:
        return fh.read(n)
    except OSError as exc:
        raise _file_error(exc, p, shown) from None


def _empty_error(p: Path, shown: str) -> CchcError:
    name = p.name or shown
    return CchcError(
        Msg(f"tệp '{name}' rỗng (0 byte)", f"file '{name}' is empty (0 bytes)"),
        Msg(
            "xuất lại danh sách hồ sơ từ phần mềm Một cửa",
            "export the dossier list from the one-stop system again",
        ),
        Location(shown),
    )


def _delimiter_option(delimiter: str | None, shown: str) -> str | None:
    if delimiter is None:
        return None
    d = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
    if len(d) != 1 or d in '"\r\n' or d.isalnum():
        raise CchcError(
            Msg(f"dấu phân cách không hợp lệ: {delimiter!r}", f"invalid delimiter: {delimiter!r}"),
            Msg(
                "dùng một ký tự: ',' ';' hoặc 'tab'",
                "use a single character: ',' ';' or 'tab'",
            ),
            Location(shown),
        )
    return d


# --------------------------------------------------------------------------- sniffing


def _looks_like_xlsx(data: bytes, ctx: _Ctx) -> bool:
    """True for a zip (xlsx); raise for files that are certainly not a readable export."""
    suffix = ctx.path.suffix.lower()
    shown = ctx.name
    head = data[:_SAMPLE]

    def fail(vi: str, en: str, hint_vi: str, hint_en: str) -> CchcError:
        return CchcError(Msg(vi, en), Msg(hint_vi, hint_en), Location(ctx.shown))

    if head.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data or b"E\x00n\x00c\x00r\x00y" in head:
            raise fail(
                f"tệp Excel '{shown}' đang được đặt mật khẩu (mã hóa)",
                f"Excel file '{shown}' is password-protected (encrypted)",
                "mở tệp bằng Excel, gỡ mật khẩu (File › Info › Protect Workbook › Encrypt with "
                "Password: xóa trống) rồi lưu lại dạng .xlsx",
                "open it in Excel, remove the password (File › Info › Protect Workbook › Encrypt "
                "with Password: clear it) and save it again as .xlsx",
            )
        if suffix in _XLSX_SUFFIXES:
            raise fail(
                f"'{shown}' không phải tệp .xlsx thật: đây là tệp Excel cũ (.xls, 97-2003) "
                "hoặc tệp đã đặt mật khẩu",
                f"'{shown}' is not a real .xlsx: it is an old Excel 97-2003 (.xls) file "
                "or a password-protected workbook",
                "mở bằng Excel, gỡ mật khẩu nếu có, rồi 'Lưu thành' Excel Workbook (.xlsx) "
                "hoặc CSV UTF-8",
                "open it in Excel, remove any password, and 'Save As' Excel Workbook (.xlsx) "
                "or CSV UTF-8",
            )
        raise fail(
            f"'{shown}' là tệp Excel cũ (.xls, 97-2003), định dạng không được hỗ trợ",
            f"'{shown}' is an old Excel 97-2003 (.xls) file, which is not supported",
            "mở bằng Excel và 'Lưu thành' Excel Workbook (.xlsx) hoặc CSV UTF-8",
            "open it in Excel and 'Save As' Excel Workbook (.xlsx) or CSV UTF-8",
        )
    if head.startswith(_ZIP):
        return True
    if head.startswith(b"%PDF"):
        raise fail(
            f"'{shown}' là tệp PDF, không phải bảng dữ liệu",
            f"'{shown}' is a PDF document, not a data table",
            "xuất danh sách hồ sơ ra Excel (.xlsx) hoặc CSV từ phần mềm Một cửa; "
            "không đổi tên tệp PDF",
            "export the dossier list as Excel (.xlsx) or CSV from the one-stop system; "
            "renaming a PDF does not convert it",
        )
    for magic, kind in (
        (b"\x1f\x8b", "gzip"),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
        (b"Rar!\x1a\x07", "RAR"),
    ):
        if head.startswith(magic):
            raise fail(
                f"'{shown}' là tệp nén {kind}, không phải bảng dữ liệu",
                f"'{shown}' is a {kind} archive, not a data table",
                "giải nén trước, rồi chỉ định tệp .csv/.xlsx bên trong",
                "extract it first and give the .csv/.xlsx inside",
            )
    markup = markup_kind(data)  # a page or XML (UTF-8, UTF-16, …) that is not a table page
    if markup is not None:
        if markup == "spreadsheet":
            raise fail(
                f"'{shown}' là bảng tính XML Excel 2003, không phải CSV hay .xlsx",
                f"'{shown}' is an Excel 2003 XML spreadsheet, not CSV or .xlsx",
                "mở bằng Excel và 'Lưu thành' Excel Workbook (.xlsx) hoặc CSV UTF-8",
                "open it in Excel and 'Save As' Excel Workbook (.xlsx) or CSV UTF-8",
            )
        raise fail(
            f"'{shown}' là trang HTML không có bảng dữ liệu nào (thường là trang đăng nhập "
            "hoặc trang báo lỗi tải về thay cho danh sách)",
            f"'{shown}' is an HTML page with no table in it (usually the login or error page "
            "saved instead of the list)",
            "đăng nhập lại phần mềm Một cửa rồi tải lại danh sách hồ sơ",
            "log in to the one-stop system again and download the dossier list again",
        )
    if suffix in _XLSX_SUFFIXES:
        raise fail(
            f"'{shown}' không phải tệp Excel .xlsx hợp lệ (không có cấu trúc zip)",
            f"'{shown}' is not a valid Excel .xlsx file (not a zip container)",
            "nếu đây là tệp CSV, đổi phần mở rộng thành .csv; nếu không, mở bằng Excel và "
            "lưu lại dạng .xlsx, hoặc xuất lại tệp",
            "if it is a CSV file, rename it to .csv; otherwise open it in Excel and save it "
            "again as .xlsx, or export it again",
        )
    return False


def _binary_error(ctx: _Ctx, offset: int | None) -> CchcError:
    at_vi = f" (byte NUL tại vị trí {offset})" if offset is not None else " (có ký tự NUL)"
    at_en = f" (NUL byte at offset {offset})" if offset is not None else " (contains NUL)"
    return ctx.error(
        f"'{ctx.name}' là tệp nhị phân, không phải văn bản CSV{at_vi}",
        f"'{ctx.name}' is a binary file, not CSV text{at_en}",
        "chỉ định tệp danh sách hồ sơ dạng .xlsx hoặc CSV; nếu là Excel, 'Lưu thành' CSV UTF-8",
        "give the dossier export as .xlsx or CSV; from Excel, 'Save As' CSV UTF-8",
    )


# --------------------------------------------------------------------------- decoding


@dataclass
class _Decoded:
    encoding: str
    buf: bytes  # UTF-8 (NFC or not: cells are normalised per column after parsing)
    start: int  # where the text starts in buf (after a UTF-8 BOM)
    verified: bool = True  # False: buf past the first MiB is UTF-8 only if the parser agrees
    must: bool = False  # UTF-8 was forced (option or BOM): invalid bytes are an error


class _NotUtf8(Exception):
    """The CSV parser (or the header search) met invalid UTF-8 past the first MiB of a file."""


def _head_at(buf: bytes, start: int, size: int) -> tuple[str, bool]:
    """The NFC text of ``buf[start:start + size]`` cut after its last newline, for the header
    search, and whether it is the whole text."""
    complete = start + size >= len(buf)
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(
            memoryview(buf)[start : start + size], final=complete
        )
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    if not complete:
        text = text[: text.rfind("\n") + 1] or text
    return nfc(text), complete


def _first_bad_utf8(data: bytes, start: int) -> int | None:
    """Offset of the first byte that is not valid UTF-8 (decoding chunk by chunk, cut after a
    newline so that no character is split), or None."""
    view = memoryview(data)
    n = len(data)
    pos = start
    while pos < n:
        end = pos + _CHUNK
        if end < n:
            nl = data.find(b"\n", end)
            end = n if nl < 0 else nl + 1
        else:
            end = n
        try:
            str(view[pos:end], "utf-8")
        except UnicodeDecodeError as exc:
            return pos + exc.start
        pos = end
    return None


# Bytes below 0xCC: ASCII, continuation bytes and the lead bytes of U+0080..U+02FF, none of
# which NFC changes. What remains are lead bytes of U+0300 and up; E1/E2 (U+1000..U+2FFF)
# cover Vietnamese letters (U+1E00..U+1EFF) and punctuation (U+2000..U+206F).
_BELOW_COMBINING = bytes(range(0xCC))


def _surely_nfc(data: bytes) -> bool:
    """Fast test on UTF-8 bytes: True when they hold no combining mark (U+0300 and up) nor any
    other character NFC could change, save the rare ones in U+1000..U+2FFF (Greek extended,
    Hangul jamo, Ohm sign, ...) that a Vietnamese export does not contain. False means "maybe
    not NFC": the column is then normalised (exactly)."""
    high = data.translate(None, _BELOW_COMBINING)
    return not high.translate(None, b"\xe1\xe2")


def _from_text(text: str, encoding: str) -> _Decoded:
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Decoded(encoding, text.encode("utf-8"), 0)


def _decode_error(
    ctx: _Ctx,
    data: bytes,
    encoding: str,
    exc: UnicodeDecodeError,
    base: int = 0,
    hint: Msg | None = None,
):
    """The located decoding error; ``hint`` replaces the default one (which assumes the user
    may have given ``--encoding``)."""
    offset = base + exc.start
    before = data[:offset].decode(encoding, errors="replace")
    bad = data[offset : offset + min(4, max(1, exc.end - exc.start))]
    return _located_decode_error(
        ctx, encoding, offset, bad, before.count("\n") + 1, bom_codec(data), hint
    )


def _located_decode_error(
    ctx: _Ctx,
    encoding: str,
    offset: int,
    bad_bytes: bytes,
    line: int,
    bom: str | None,
    hint: Msg | None = None,
) -> CchcError:
    """:func:`_decode_error` from its parts: the bytes at ``offset`` that do not decode, on
    ``line``; ``bom`` is the codec the file's byte-order mark names."""
    bad = bad_bytes.hex(" ")
    hint_vi = (
        "chỉ định đúng bảng mã (utf-8, utf-16, cp1258), hoặc bỏ tùy chọn bảng mã để tự nhận "
        "diện; tốt nhất là mở bằng Excel và 'Lưu thành' CSV UTF-8"
    )
    hint_en = (
        "give the right encoding (utf-8, utf-16, cp1258) or leave it out to auto-detect; "
        "best, open the file in Excel and 'Save As' CSV UTF-8"
    )
    if hint is not None:
        hint_vi, hint_en = hint.vi, hint.en
    name = bom
    if name is not None and codecs.lookup(name).name != codecs.lookup(encoding).name:
        hint_vi = f"tệp bắt đầu bằng BOM của {name}: dùng bảng mã {name}; " + hint_vi
        hint_en = f"the file starts with a {name} byte-order mark: use {name}; " + hint_en
    return ctx.error(
        f"không giải mã được '{ctx.name}' theo bảng mã {encoding}: byte {bad} tại vị trí "
        f"{offset} (dòng {line})",
        f"cannot decode '{ctx.name}' as {encoding}: byte {bad} at offset {offset} (line {line})",
        hint_vi,
        hint_en,
        line,
    )


def _strict_decode(ctx: _Ctx, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _decode_error(ctx, data, encoding, exc) from None


def _codec(ctx: _Ctx, forced: str) -> str:
    """Python's name for an ``--encoding`` value, or a clear error."""
    try:
        return codecs.lookup(forced).name
    except LookupError:
        raise ctx.error(
            f"không biết bảng mã '{forced}'",
            f"unknown encoding '{forced}'",
            "dùng utf-8, utf-8-sig, utf-16 hoặc cp1258 (Windows-1258)",
            "use utf-8, utf-8-sig, utf-16 or cp1258 (Windows-1258)",
        ) from None


def _decode(ctx: _Ctx, data: bytes, forced: str | None, delimiter: str | None) -> _Decoded:
    if forced is not None:
        name = _codec(ctx, forced)
        if name in ("utf-8", "utf-8-sig"):
            return _decode_utf8(ctx, data, name, must=True)
        return _from_text(_strict_decode(ctx, data, name), name)

    bom = bom_codec(data)
    if bom is not None:
        if bom == "utf-8-sig":
            return _decode_utf8(ctx, data, bom, must=True)
        return _from_text(_strict_decode(ctx, data, bom), bom)

    nul = data.find(b"\x00")
    if nul >= 0:
        utf16 = _utf16_without_bom(data[:4096]) if nul < _SAMPLE else None
        if utf16 is None:
            raise _binary_error(ctx, nul)
        return _from_text(_strict_decode(ctx, data, utf16), utf16)

    decoded = _decode_utf8(ctx, data, "utf-8", must=False)
    if decoded is not None:
        return decoded
    return _decode_legacy(ctx, data, delimiter)


def _utf16_without_bom(sample: bytes) -> str | None:
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) // 2)
    odd = sample[1::2].count(0) / (len(sample) // 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _decode_utf8(ctx: _Ctx, data: bytes, name: str, must: bool) -> _Decoded | None:
    """UTF-8 (``must``: forced or BOM). Small files are validated here; for large ones only the
    head is, and the CSV parser validates the rest (see :class:`_NotUtf8`)."""
    start = 3 if data.startswith(codecs.BOM_UTF8) else 0
    view = memoryview(data)
    small = len(data) - start <= 2 * _HEAD_CHARS
    try:
        if small:
            str(view[start:], "utf-8")
        else:
            codecs.getincrementaldecoder("utf-8")().decode(view[start : start + _HEAD_CHARS])
    except UnicodeDecodeError as exc:
        if not must:
            return None
        raise _decode_error(ctx, data, "utf-8", exc, start) from None
    return _Decoded(name, data, start, verified=small, must=must)


def _vietnamese_letters(text: str) -> int:
    return sum(1 for ch in text if ch in _VIETNAMESE)


def _mostly_utf8(sample: bytes, final: bool) -> bool:
    """``sample`` (``final``: up to the file's end) reads as UTF-8 but for a few invalid
    sequences — at least 8 non-ASCII characters, at most one bad sequence per 20 of them: it is
    damaged UTF-8, not a code page."""
    probe = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=final)
    bad = probe.count("\ufffd")
    good = sum(1 for ch in probe if ch > "\x7f") - bad
    return good >= 8 and bad * 20 <= good


def _decode_legacy(ctx: _Ctx, data: bytes, delimiter: str | None) -> _Decoded:
    """Not valid UTF-8 and no BOM: pick the code page under which the header reads best."""
    sample = data[:_SAMPLE]
    first_error: CchcError | None = None
    for enc in _legacy_order(ctx, sample, len(sample) == len(data), delimiter):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            err = _decode_error(ctx, data, enc, exc)
            if enc == "utf-8":  # the header reads as UTF-8: the file is damaged UTF-8
                raise err from None
            first_error = first_error or err
            continue
        return _from_text(text, enc)
    if first_error is not None:
        raise first_error
    raise _binary_error(ctx, None)  # pragma: no cover - cp1252 decodes almost anything


def _legacy_order(ctx: _Ctx, sample: bytes, complete: bool, delimiter: str | None) -> list[str]:
    """The codecs to try for a file that is not UTF-8, best first: scored by how well the
    header row of ``sample`` (``complete``: the whole file) reads under each."""
    candidates: list[str] = []
    # Mostly-valid UTF-8 with a few bad bytes is damaged UTF-8, not a code page: if it wins
    # below, its strict decode fails and the bad byte is reported.
    if _mostly_utf8(sample, complete):
        candidates.append("utf-8")
    candidates.append("cp1258")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        if best is not None:
            candidates.append(codecs.lookup(best.encoding).name)
    except Exception:  # detection is advisory only
        pass
    candidates.append("cp1252")

    scored = []
    for rank, enc in enumerate(dict.fromkeys(candidates)):
        errors = "replace" if enc == "utf-8" else "strict"
        try:
            head = codecs.getincrementaldecoder(enc)(errors).decode(sample, final=complete)
        except (UnicodeDecodeError, LookupError):
            continue
        head = nfc(head)
        if not complete:
            head = head[: head.rfind("\n") + 1] or head
        hit, _ = _best_header(ctx, head, complete, delimiter)
        score = hit.score if hit else -1
        scored.append(((score, _vietnamese_letters(head), -rank), enc))
    scored.sort(reverse=True)
    return [enc for _, enc in scored]


# --------------------------------------------------------------------------- header search


@dataclass(frozen=True)
class _Record:
    start: int  # 1-based first line
    end: int  # lines consumed up to and including this record
    cells: list[str]


@dataclass(frozen=True)
class _Hit:
    score: int
    delimiter: str
    record: _Record


@contextlib.contextmanager
def _any_field_size() -> Iterator[None]:
    """The csv module refuses fields over 128 KiB by default; a dossier-history cell can be
    megabytes long."""
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _records(head: str, complete: bool, delimiter: str) -> list[_Record]:
    """The first non-blank records of the head (cells cleaned as every cell is), with their
    lines; fewer than HEADER_SEARCH_ROWS only if the head holds no more whole records."""
    out: list[_Record] = []
    reader = csv.reader(io.StringIO(head), delimiter=delimiter, quotechar='"', strict=False)
    prev = 0
    with _any_field_size():
        try:
            for row in reader:
                start, prev = prev + 1, reader.line_num
                cells = [clean(c) for c in row]
                if any(cells):
                    out.append(_Record(start, prev, cells))
                    if len(out) >= HEADER_SEARCH_ROWS:
                        return out
        except csv.Error:  # pragma: no cover - NULs are refused earlier, fields are unlimited
            return out
    if not complete and out:
        out.pop()  # may be cut in the middle
    return out


def _best_header(
    ctx: _Ctx, head: str, complete: bool, delimiter: str | None
) -> tuple[_Hit | None, bool]:
    """The best header row under the best delimiter, and whether the search is final: the head
    is the whole text or holds HEADER_SEARCH_ROWS records under that delimiter (else the caller
    reads a longer head)."""
    best: tuple[tuple[int, int, int], _Hit, int] | None = None
    for rank, d in enumerate((delimiter,) if delimiter else _DELIMITERS):
        top: _Hit | None = None
        records = _records(head, complete, d)
        for rec in records:
            s = ctx.score(rec.cells)
            if top is None or s > top.score:
                top = _Hit(s, d, rec)
        if top is None:
            continue
        key = (top.score, len(top.record.cells), -rank)
        if best is None or key > best[0]:
            best = (key, top, len(records))
    if best is None:
        return None, complete
    return best[1], complete or best[2] >= HEADER_SEARCH_ROWS


def _no_header_error(ctx: _Ctx, records: list[_Record], where_vi: str, where_en: str) -> CchcError:
    first = records[0]
    shown_cells = " | ".join(visible(c[:40]) for c in first.cells[:10])
    if len(first.cells) > 10:
        shown_cells += " | …"
    if ctx.expected:
        listed = ", ".join(ctx.expected)
        hint_vi = f"dòng tiêu đề cần có các cột như: {listed}; "
        hint_en = f"the header row should have columns such as: {listed}; "
    else:
        hint_vi = hint_en = ""
    hint_vi += (
        "kiểm tra đây đúng là danh sách hồ sơ; nếu bảng mã hoặc dấu phân cách bị nhận sai, "
        "hãy chỉ định chúng (hoặc chọn đúng sheet)"
    )
    hint_en += (
        "check this is the dossier list; if the encoding or delimiter was guessed wrong, "
        "give them explicitly (or pick the right sheet)"
    )
    return ctx.error(
        f"không tìm thấy dòng tiêu đề trong '{ctx.name}'{where_vi}: không dòng nào trong "
        f"{HEADER_SEARCH_ROWS} dòng đầu có đủ tên cột quen thuộc. Dòng có dữ liệu đầu tiên "
        f"(dòng {first.start}): {shown_cells}",
        f"no header row found in '{ctx.name}'{where_en}: none of the first "
        f"{HEADER_SEARCH_ROWS} rows has enough known column names. First non-empty row "
        f"(line {first.start}): {shown_cells}",
        hint_vi,
        hint_en,
    )


def _blank_error(ctx: _Ctx) -> CchcError:
    return ctx.error(
        f"tệp '{ctx.name}' không có dữ liệu (chỉ có khoảng trắng hoặc dòng trống)",
        f"file '{ctx.name}' has no data (only whitespace or blank lines)",
        "xuất lại danh sách hồ sơ từ phần mềm Một cửa",
        "export the dossier list from the one-stop system again",
    )


# --------------------------------------------------------------------------- text files


def _read_text(data: bytes, ctx: _Ctx, encoding: str | None, delimiter: str | None) -> dict:
    dec = _decode(ctx, data, encoding, delimiter)
    try:
        return _text_table(ctx, data, dec, delimiter)
    except _NotUtf8:
        # a large file whose head is UTF-8 has an invalid byte further on
        bad = _first_bad_utf8(data, dec.start)
        if bad is None:  # pragma: no cover - the parser and Python disagree
            raise _csv_parse_error(ctx, "invalid UTF-8") from None
        if dec.must:
            exc = UnicodeDecodeError("utf-8", data, bad, bad + 1, "invalid byte")
            raise _decode_error(ctx, data, "utf-8", exc) from None
        return _legacy_table(ctx, data, delimiter)


def _legacy_table(ctx: _Ctx, data: bytes, delimiter: str | None) -> dict:
    """A text file that is not UTF-8 after all, decoded whole with the code page that fits."""
    return _text_table(ctx, data, _decode_legacy(ctx, data, delimiter), delimiter)


def _csv_parse_error(ctx: _Ctx, detail: str) -> CchcError:
    return ctx.error(
        f"không phân tích được '{ctx.name}' như tệp CSV: {detail}",
        f"cannot parse '{ctx.name}' as CSV: {detail}",
        "mở bằng Excel và 'Lưu thành' CSV UTF-8, hoặc xuất lại tệp",
        "open it in Excel and 'Save As' CSV UTF-8, or export it again",
    )


def _text_table(ctx: _Ctx, data: bytes, dec: _Decoded, delimiter: str | None) -> dict:
    buf, start = dec.buf, dec.start
    if b"\x00" in buf:  # NUL characters in the text
        raise _binary_error(ctx, buf.find(b"\x00") if buf is data else None)
    if b"\r" in buf and buf.count(b"\r") != buf.count(b"\r\n"):
        buf = buf[:start] + LONE_CR.sub(b"\n", buf[start:])  # lone CR = line break
    hit, offset = _header(ctx, lambda _: buf, start, delimiter)
    width, first_line = len(hit.record.cells), hit.record.end + 1
    region = _Region(buf, offset, hit.delimiter, width, first_line, dec.verified)
    columns, nrec = _parse_region(ctx, region)
    cells, lines, blank, layout = _finish(
        columns, nrec, region.physical, first_line, hit.record.cells, ctx.keys
    )
    return _text_parts(dec.encoding, hit, cells, lines, blank, layout)


def _text_parts(encoding: str, hit: _Hit, cells, lines, blank: int, layout) -> dict:
    return {
        "encoding": encoding,
        "delimiter": hit.delimiter,
        "sheet": None,
        "header_line": hit.record.start,
        "headers": tuple(hit.record.cells),
        "cells": cells,
        "lines": lines,
        "blank_rows": blank,
        "layout": tuple(layout),
    }


def _header(
    ctx: _Ctx, text: Callable[[int], bytes], start: int, delimiter: str | None
) -> tuple[_Hit, int]:
    """The header row (the best one under the best delimiter) and the offset just after it.

    ``text(n)`` gives the text with at least its first ``n`` bytes (or all of it): the head
    searched grows 4x at a time until it holds HEADER_SEARCH_ROWS records."""
    size = _HEAD_CHARS
    while True:
        buf = text(start + size + 1)
        head, complete = _head_at(buf, start, size)
        hit, final = _best_header(ctx, head, complete, delimiter)
        if final:
            break
        size *= 4
    if hit is None:
        raise _blank_error(ctx)
    if hit.score < ctx.min_score:
        widest = max(
            (_records(head, complete, d) for d in ((delimiter,) if delimiter else _DELIMITERS)),
            key=lambda recs: len(recs[0].cells) if recs else 0,
        )
        raise _no_header_error(ctx, widest, "", "")
    # byte offset after the header record's last line
    offset = start
    for _ in range(hit.record.end):
        nl = buf.find(b"\n", offset)
        if nl < 0:
            offset = len(buf)
            break
        offset = nl + 1
    return hit, offset


# --------------------------------------------------------------------------- large text files


def _stream_text(
    ctx: _Ctx,
    fh: BinaryIO,
    head: bytes,
    encoding: str | None,
    delimiter: str | None,
    sink: StageWriter,
) -> dict | None:
    """A large UTF-8 text file read block by block into ``sink``, with the whole-file reader's
    results and errors; None when the file is something else (the caller reads it whole).

    ``head`` is the file's first bytes (more follow), enough for every test the whole-file
    reader makes on the start of a file. Blocks of about ``_STREAM_BLOCK`` bytes end just after
    a record (:func:`_next_block`) and are parsed and finished one at a time (pyarrow,
    multi-threaded within a block), starting on the line where the previous one stopped. What
    the whole-file reader looks for in the whole file comes first whatever block holds it: a
    NUL, then (past the header) invalid UTF-8, then the first bad row; so once a problem is
    found the rest of the file is only scanned for what outranks it (:meth:`TextBlocks.drain`).
    Blank and layout rows (a repeated header at a page break too) are judged row by row, so
    per block. A file that turns out not to be UTF-8 is read again whole (a code page)."""
    if head.startswith((_OLE2, *_ZIP)) or markup_kind(head) is not None:
        return None
    _looks_like_xlsx(head, ctx)  # a PDF, an archive, a .xlsx that is not one: the same errors
    delimiter = _delimiter_option(delimiter, ctx.shown)
    if encoding is not None:
        name = _codec(ctx, encoding)
        must = True
    else:
        name = bom_codec(head) or "utf-8"
        must = name != "utf-8"
        if not must and b"\x00" in head[:_SAMPLE]:
            return None  # UTF-16 without a BOM, or a binary file
    if name not in ("utf-8", "utf-8-sig"):
        return None
    start = 3 if head.startswith(codecs.BOM_UTF8) else 0
    try:  # the whole-file reader's test of the head of a large file
        codecs.getincrementaldecoder("utf-8")().decode(
            memoryview(head)[start : start + _HEAD_CHARS]
        )
    except UnicodeDecodeError as exc:
        if not must:
            return None  # a code page
        raise _decode_error(ctx, head, "utf-8", exc, start) from None
    try:
        blocks = TextBlocks(fh, head, _STREAM_BLOCK)
    except NulByte as nul:
        raise _binary_error(ctx, nul.offset) from None
    try:
        return _stream_blocks(ctx, blocks, head, name, must, start, delimiter, sink)
    except NulByte as nul:
        raise _binary_error(ctx, nul.offset) from None
    except OSError as exc:
        raise _file_error(exc, ctx.path, ctx.shown) from None
    finally:
        blocks.close()


class _Legacy(Exception):
    """The streamed file is not UTF-8 after all: it is read again, whole, with a code page."""


def _stream_blocks(
    ctx: _Ctx,
    blocks: TextBlocks,
    head: bytes,
    encoding: str,
    must: bool,
    start: int,
    delimiter: str | None,
    sink: StageWriter,
) -> dict:
    def bad_utf8(offset: int, span: int) -> CchcError:
        """Invalid UTF-8 at ``offset`` (``span``: the bytes Python names): the rest of the file
        is scanned for a NUL, which comes first; then the whole-file reader's error (a forced
        or BOM-announced UTF-8 shows one byte), or _Legacy when a code page reads better."""
        blocks.drain(utf8=False)
        if not must and _legacy_order(ctx, head[:_SAMPLE], False, delimiter)[0] != "utf-8":
            raise _Legacy
        bad = os.pread(blocks.fileno(), 1 if must else min(4, max(1, span)), offset)
        line = blocks.count(b"\n", 0, offset) + 1
        return _located_decode_error(ctx, "utf-8", offset, bad, line, bom_codec(head))

    try:
        hit, offset = _header(ctx, blocks.ensure, start, delimiter)
    except _NotUtf8:
        bad = _first_bad_utf8(blocks.buf, start)
        if bad is None:  # pragma: no cover - the decoder and itself disagree
            raise _csv_parse_error(ctx, "invalid UTF-8") from None
        raise bad_utf8(bad, _utf8_span(blocks.buf, bad)) from None
    except CchcError:
        blocks.drain(utf8=False)  # a NUL further on is reported first
        raise
    blocks.consume(offset)
    headers = hit.record.cells
    blank, layout = 0, []
    region = _Region(b"", 0, hit.delimiter, len(headers), hit.record.end + 1, False, last=False)
    # Block k+1 is cut and parsed in a thread (pyarrow and the byte scans release the GIL)
    # while block k is finished here: the two cores stay busy.
    with ThreadPoolExecutor(1, thread_name_prefix="cchc-block") as pool:
        pending = pool.submit(_parse_block, ctx, blocks.ensure(_STREAM_BLOCK + 1), blocks.eof, region)
        while not region.last:
            region, columns, nrec = _block_result(ctx, blocks, pending, region, bad_utf8)
            if not region.last:
                blocks.consume(region.stop)
                buf = blocks.ensure(_STREAM_BLOCK + 1)
                pending = pool.submit(_parse_block, ctx, buf, blocks.eof, region)
            cells, lines, emptied, found = _finish(
                columns, nrec, region.physical, region.first_line, headers, ctx.keys, region.plain
            )
            sink.add(cells, lines)
            blank += emptied
            layout += found
    parts = _text_parts(encoding, hit, None, None, blank, layout)
    del parts["cells"], parts["lines"]
    return {"sha256": blocks.sha256(), "size": blocks.size, **parts}


class _BlockError(Exception):
    """A block, cut where its records end, does not parse: ``error`` (at ``cut``)."""

    def __init__(self, error: CchcError, cut: int):
        super().__init__(error)
        self.error, self.cut = error, cut


def _parse_block(
    ctx: _Ctx, buf: bytes, eof: bool, prev: _Region, exact: bool = False
) -> tuple[_Region, list[pa.ChunkedArray], int] | None:
    """The records at the start of ``buf`` (the text after ``prev``, the block before; at the
    end of the file, ``eof``: all of it), parsed; None when no record ends in ``buf``.

    The block is cut after the last newline preceded by an even number of quotes
    (:func:`parity_cut`). That is where a record ends unless a quote stands inside an unquoted
    field (pyarrow reads it as text), which then is in a cell: parsed cells holding no quote
    prove the cut. Otherwise, and when the block fails to parse, the cut is checked with
    :func:`record_cut` (pyarrow's reading of quotes), and the block cut (``exact``) and parsed
    again if it was wrong. A block that still fails raises :class:`_BlockError`."""
    if eof:
        found = measure(buf, len(buf), _WATCH)
    elif exact:
        found = measure(buf, record_cut(buf, len(buf), prev.delimiter), _WATCH)
    else:
        found = parity_cut(buf, len(buf), _WATCH)
    cut = found.end
    if cut == 0 and not eof:
        return None
    region = _Region(
        buf,
        0,
        prev.delimiter,
        prev.width,
        prev.first_line + prev.physical,
        False,
        last=eof,
        odd_quotes=prev.odd_quotes ^ prev.odd_here,
        multiline=prev.multiline or prev.records != prev.physical,
        end=cut,
        lines=found.lines,
        plain=not found.watched and buf.find(_OGHAM_SPACE, 0, cut) < 0,
    )
    checked = eof or exact
    try:
        columns, nrec = _parse_region(ctx, region)
    except CchcError as err:
        if not checked and record_cut(buf, cut, prev.delimiter) != cut:
            return _parse_block(ctx, buf, eof, prev, exact=True)
        raise _BlockError(err, cut) from None
    if not checked and _cells_hold_quote(columns) and record_cut(buf, cut, prev.delimiter) != cut:
        return _parse_block(ctx, buf, eof, prev, exact=True)
    region.records, region.odd_here = nrec, found.odd_quotes
    return region, columns, nrec


def _block_result(
    ctx: _Ctx,
    blocks: TextBlocks,
    pending: Future,
    prev: _Region,
    bad_utf8: Callable[[int, int], CchcError],
) -> tuple[_Region, list[pa.ChunkedArray], int]:
    """The parsed block ``pending`` computes from ``blocks.buf`` (the block after ``prev``),
    read further while no record ends in it. The first problem found (a bad row, an unclosed
    quote) is raised only after the rest of the file was scanned for what the whole-file
    reader reports first: a NUL, then invalid UTF-8."""
    try:
        done = pending.result()
        while done is None:  # one record longer than what was read: read more
            done = _parse_block(ctx, blocks.ensure(2 * len(blocks.buf)), blocks.eof, prev)
        return done
    except _NotUtf8:
        # the first bad byte of the text read is in the block (the bytes before were valid)
        bad = _first_bad_utf8(blocks.buf, 0)
        if bad is None:  # pragma: no cover - the parser and Python disagree
            raise _csv_parse_error(ctx, "invalid UTF-8") from None
        raise bad_utf8(blocks.base + bad, _utf8_span(blocks.buf, bad)) from None
    except _BlockError as failed:
        blocks.consume(failed.cut)
        found = blocks.drain(utf8=True)
        if found is not None:
            raise bad_utf8(*found) from None
        raise failed.error from None


def _utf8_span(buf: bytes, bad: int) -> int:
    """How many bytes from ``bad`` (the first that is not UTF-8) Python's decoder names."""
    end = buf.find(b"\n", bad)
    try:
        str(memoryview(buf)[bad : len(buf) if end < 0 else end + 1], "utf-8")
    except UnicodeDecodeError as exc:
        return exc.end - exc.start
    return 1  # pragma: no cover - bad is where decoding failed


def _cells_hold_quote(columns: list[pa.ChunkedArray]) -> bool:
    """Whether a parsed cell holds a quote (a doubled one, or one inside an unquoted field)."""
    for col in columns:
        for chunk in col.chunks:
            if len(chunk) == 0:
                continue
            _, off_buf, data_buf = chunk.buffers()
            offsets = np.frombuffer(off_buf, dtype=np.int64)
            lo, hi = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
            if hi > lo and (np.frombuffer(data_buf, np.uint8, hi - lo, lo) == 0x22).any():
                return True
    return False


def _names(n: int) -> list[str]:
    return [str(i) for i in range(n)]


@dataclass
class _Region:
    """The data records: buf[offset:], UTF-8, starting on file line ``first_line``."""

    buf: bytes
    offset: int
    delimiter: str
    width: int  # header cells
    first_line: int
    verified: bool  # buf is known to be valid UTF-8
    # Read block by block (large files): whether this block ends the file, and what the blocks
    # before it say for the unclosed-quote test, which the whole-file reader makes on the whole
    # text: an odd number of quotes in them, a record spanning lines in them.
    last: bool = True
    odd_quotes: bool = False
    multiline: bool = False
    records: int = 0  # parsed records (set once parsed)
    odd_here: bool = False  # an odd number of quotes in this block (set once parsed)
    end: int = -1  # where the records end in buf (-1: at its end)
    lines: int = -1  # LF bytes in the region, if counted already
    plain: bool = False  # no byte of _WATCH nor U+1680: cells clean, NFC, ASCII spaces only

    @property
    def stop(self) -> int:
        return len(self.buf) if self.end < 0 else self.end

    @functools.cached_property
    def physical(self) -> int:
        """Text lines in the region (a last line without a newline counts)."""
        buf, stop = self.buf, self.stop
        tail = stop > self.offset and buf[stop - 1] != 0x0A
        lines = self.lines if self.lines >= 0 else buf.count(b"\n", self.offset, stop)
        return lines + (1 if tail else 0)

    def view(self) -> memoryview:
        return memoryview(self.buf)[self.offset : self.stop]


def _arrow_csv(
    region: _Region, on_invalid, threads: bool = True, newlines: bool = True
) -> pa.Table:
    names = _names(region.width)
    return pa_csv.read_csv(
        pa.BufferReader(pa.py_buffer(region.view())),
        read_options=pa_csv.ReadOptions(
            column_names=names,
            # two pieces at least, one per core (a streamed block may be smaller than _BLOCK)
            block_size=min(_BLOCK, max(1 << 20, (region.stop - region.offset) // 2 + 1)),
            use_threads=threads,
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=region.delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=newlines,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=not region.verified,
        ),
    )


def _parse_region(ctx: _Ctx, region: _Region) -> tuple[list[pa.ChunkedArray], int]:
    """Parse the region into ``width`` string columns; raise on rows wider than that.

    Fast path: pyarrow, multi-threaded. Rows with fewer cells are re-read single-threaded and
    padded (:func:`_parse_region_padded`); a possibly unclosed quote goes to the C parser of
    pandas, which reports it (:func:`_parse_region_pandas`)."""
    if region.offset >= region.stop:
        return [pa.chunked_array([], pa.large_string()) for _ in range(region.width)], 0
    invalid: list[int] = []

    def on_invalid(row) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    # Most exports have no line break inside a quoted cell. pyarrow splits blocks fastest when told
    # so; the guess is proven by the counts: one record per physical line and no short rows (a
    # quoted line break makes a record span two lines, or, cut at a block edge, a short row).
    # Otherwise the file is parsed again allowing line breaks in cells.
    if region.physical > 1:
        try:
            fast = _arrow_csv(region, on_invalid, newlines=False)
        except pa.ArrowException:
            fast = None
        if fast is not None and not invalid and fast.num_rows == region.physical:
            return list(fast.columns), fast.num_rows
        del fast
        invalid.clear()
    try:
        table = _arrow_csv(region, on_invalid)
    except pa.ArrowInvalid as exc:
        if not region.verified and "utf8" in str(exc).lower():
            raise _NotUtf8 from None
        return _parse_region_pandas(ctx, region)
    except pa.ArrowException:  # pragma: no cover - pyarrow failing otherwise
        return _parse_region_pandas(ctx, region)
    if _maybe_unclosed_quote(region, table.num_rows + len(invalid)):
        del table
        return _parse_region_pandas(ctx, region)
    if invalid:
        del table
        return _parse_region_padded(ctx, region)
    return list(table.columns), table.num_rows


def _parse_region_padded(ctx: _Ctx, region: _Region) -> tuple[list[pa.ChunkedArray], int]:
    """Rows with fewer cells than the header: pyarrow skips them and, single-threaded, tells
    their record number and text; they are parsed here, padded with ABSENT and put back."""
    short: list[tuple[int | None, str]] = []

    def on_invalid(row) -> str:
        short.append((row.number, row.text))
        return "skip"

    table = _arrow_csv(region, on_invalid, threads=False)
    total = table.num_rows + len(short)
    pos = np.array([num - 1 if num else -1 for num, _ in short], dtype=np.int64)
    if (pos < 0).any() or (pos >= total).any() or (np.diff(pos) <= 0).any():
        return _parse_region_pandas(ctx, region)  # pragma: no cover - numbers unknown
    extra: list[list[str]] = [[] for _ in range(region.width)]
    for _, text in short:
        cells = next(csv.reader(io.StringIO(text), delimiter=region.delimiter), [])
        if len(cells) > region.width:
            # a trailing delimiter (Excel, some exporters) adds empty cells: nothing is lost by
            # dropping them; a non-empty extra cell would shift data, so that stays an error
            if any(c.strip() for c in cells[region.width :]):
                raise _ragged_error(ctx, region)
            cells = cells[: region.width]
        pad = ABSENT if any(c.strip() for c in cells) else ""  # a blank line stays blank
        for i in range(region.width):
            extra[i].append(cells[i] if i < len(cells) else pad)
    columns = []
    if len(short) <= 1000:  # splice the few padded rows in between zero-copy slices
        cuts = pos - np.arange(len(short))  # where each short row goes among the parsed ones
        for col, more in zip(table.columns, extra, strict=True):
            pieces, prev = [], 0
            for k, cut in enumerate(cuts.tolist()):
                pieces.append(col.slice(prev, cut - prev))
                pieces.append(pa.chunked_array([pa.array(more[k : k + 1], pa.large_string())]))
                prev = cut
            pieces.append(col.slice(prev))
            chunks = [c for piece in pieces for c in piece.chunks if len(c)]
            columns.append(pa.chunked_array(chunks, pa.large_string()))
        return columns, total
    order = np.empty(total, dtype=np.int64)
    is_short = np.zeros(total, dtype=bool)
    is_short[pos] = True
    order[~is_short] = np.arange(table.num_rows)
    order[pos] = table.num_rows + np.arange(len(short))
    take = pa.array(order)
    for col, more in zip(table.columns, extra, strict=True):
        both = pa.chunked_array([*col.chunks, pa.array(more, pa.large_string())])
        columns.append(pc.take(both, take))
    return columns, total


def _maybe_unclosed_quote(region: _Region, nrec: int) -> bool:
    """pyarrow takes a quote left open at the end of the file as running to the end; the C
    parser reports it, so it checks the file when the quote count suggests one. A block that
    is not the file's last ends after a record: no quote is open there."""
    if not region.last:
        return False
    buf, stop = region.buf, region.stop
    if region.physical == nrec and not region.multiline:  # only the last line can be open
        last = buf.rfind(b"\n", region.offset, stop - 1) + 1
        return buf.count(b'"', max(last, region.offset), stop) % 2 == 1
    return (buf.count(b'"', region.offset, stop) + region.odd_quotes) % 2 == 1


def _parse_region_pandas(ctx: _Ctx, region: _Region) -> tuple[list[pa.ChunkedArray], int]:
    """Slower path that pads short rows and reports unterminated quotes."""
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.BytesIO(region.view()),
                sep=region.delimiter,
                header=None,
                names=_names(region.width),
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                quotechar='"',
                doublequote=True,
                engine="c",
                encoding="utf-8",
            )
    except UnicodeDecodeError:
        if region.verified:  # pragma: no cover - cannot happen for verified text
            raise _csv_parse_error(ctx, "invalid UTF-8") from None
        raise _NotUtf8 from None
    except pd.errors.ParserWarning:
        raise _ragged_error(ctx, region) from None
    except pd.errors.ParserError as exc:
        text = str(exc)
        m = re.search(r"EOF inside string starting at row (\d+)", text)
        if m:
            line = _record_line(region, int(m.group(1)))
            raise ctx.error(
                f"'{ctx.name}' có dấu ngoặc kép mở mà không đóng (từ dòng {line} đến hết tệp)",
                f"'{ctx.name}' has a quote that is never closed (from line {line} to the end)",
                'sửa ô đó: một ô bắt đầu bằng " phải kết thúc bằng "; dấu " bên trong ô viết '
                'thành ""; tệp cũng có thể bị cắt cụt: hãy xuất lại',
                'fix that cell: a cell starting with " must end with "; a " inside it is '
                'written ""; the file may also be truncated: export it again',
                line,
            ) from None
        if "Expected" in text:
            raise _ragged_error(ctx, region) from None
        raise _csv_parse_error(ctx, text) from None
    if len(df) and df.iloc[:, -1].eq("").any():  # pandas pads short rows with "": find them
        for i, rec in enumerate(_scan(region)):
            if (
                i < len(df)
                and 0 < len(rec.cells) < region.width
                and any(c.strip() for c in rec.cells)
            ):
                df.iloc[i, len(rec.cells) :] = ABSENT
    cols = [pa.chunked_array([pa.array(df[c], pa.large_string())]) for c in df.columns]
    return cols, len(df)


def _scan(region: _Region) -> Iterator[_Record]:
    """Records of the region with their file lines, via the csv module (error paths only)."""
    with _any_field_size():
        reader = csv.reader(
            io.StringIO(str(region.view(), "utf-8", "replace")),
            delimiter=region.delimiter,
            quotechar='"',
            strict=False,
        )
        prev = 0
        for row in reader:
            start, prev = prev + 1, reader.line_num
            yield _Record(region.first_line + start - 1, region.first_line + prev - 1, row)


def _record_line(region: _Region, index: int) -> int:
    rec = None
    for i, rec in enumerate(_scan(region)):
        if i == index:
            return rec.start
    return rec.start if rec else region.first_line


def _ragged_error(ctx: _Ctx, region: _Region) -> CchcError:
    n = region.width
    line = count = None
    for rec in _scan(region):
        if len(rec.cells) > n and any(c.strip() for c in rec.cells[n:]):  # empty extras are fine
            line, count = rec.start, len(rec.cells)
            break
    shown_d = {"\t": "tab"}.get(region.delimiter, region.delimiter)
    where_vi = f"dòng {line} có {count} ô" if line else "có dòng có nhiều ô"
    where_en = f"line {line} has {count} cells" if line else "a row has more cells"
    return ctx.error(
        f"'{ctx.name}': {where_vi}, nhiều hơn {n} cột của dòng tiêu đề",
        f"'{ctx.name}': {where_en}, more than the header's {n} columns",
        f"thường do một ô chứa dấu phân cách ('{shown_d}') mà không nằm trong ngoặc kép, "
        "dấu ngoặc kép không cân, hoặc tệp bị cắt cụt. Sửa dòng đó hoặc xuất lại tệp "
        "(từ Excel: 'Lưu thành' CSV UTF-8)",
        f"usually a cell contains the delimiter ('{shown_d}') without being quoted, quotes are "
        "unbalanced, or the file is truncated. Fix that line or export the file again "
        "(from Excel: 'Save As' CSV UTF-8)",
        line,
    )


def _column_needs(col: pa.ChunkedArray) -> tuple[bool, bool]:
    """Whether a large_string column may hold characters to clean, and may not be NFC (one
    look at the bytes of each chunk)."""
    dirty = not_nfc = False
    for chunk in col.chunks:
        if len(chunk) == 0:
            continue
        _, off_buf, data_buf = chunk.buffers()
        offsets = np.frombuffer(off_buf, dtype=np.int64)
        lo, hi = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        # one pass keeps the few bytes either test looks for; the tests then read those
        data = data_buf[lo:hi].to_pybytes().translate(None, _UNREMARKABLE)
        if not data:
            continue
        dirty = dirty or not _surely_clean(data)
        not_nfc = not_nfc or not _surely_nfc(data)
        if dirty and not_nfc:
            break
    return dirty, not_nfc


# Every character text.clean removes or replaces is encoded with one of these lead bytes.
_ODD_LEADS = frozenset(ch.encode("utf-8")[0] for ch in INVISIBLE + ODD_SPACES)
_NOT_ODD_LEAD = bytes(b for b in range(256) if b not in _ODD_LEADS)
# Bytes that neither _surely_clean nor _surely_nfc looks for, and those they look for.
_UNREMARKABLE = bytes(
    b for b in range(256) if b not in _ODD_LEADS and (b < 0xCC or b in b"\xe1\xe2")
)
_WATCH = bytes(b for b in range(256) if b not in _UNREMARKABLE)
# The one Unicode space (U+1680) whose UTF-8 bytes are not in _WATCH.
_OGHAM_SPACE = "\u1680".encode()
_INVISIBLE_RE = f"[{INVISIBLE}]"
_ODD_SPACE_RE = f"[{ODD_SPACES}]"


def _surely_clean(data: bytes) -> bool:
    """Fast test: no byte that can start an invisible character or an odd space (Vietnamese
    letters never do: their lead bytes are C3-C6 and E1)."""
    return not data.translate(None, _NOT_ODD_LEAD)


def _clean_column(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """:func:`cchc_cli.text.clean` for a whole column, before NFC and trimming."""
    col = pc.replace_substring_regex(col, _INVISIBLE_RE, "")
    return pc.replace_substring_regex(col, _ODD_SPACE_RE, " ")


_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True


def _unicode_space_at(data: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Whether a non-ASCII White_Space character (U+0085, U+00A0, U+1680, U+2000..U+200A,
    U+2028, U+2029, U+202F, U+205F, U+3000) starts at byte ``i`` (bounds-clipped lookups)."""
    top = len(data) - 1
    b0 = data[i]
    b1 = data[np.minimum(i + 1, top)]
    b2 = data[np.minimum(i + 2, top)]
    two = (b0 == 0xC2) & ((b1 == 0x85) | (b1 == 0xA0))
    ogham = (b0 == 0xE1) & (b1 == 0x9A) & (b2 == 0x80)
    punct = (b0 == 0xE2) & (
        ((b1 == 0x80) & ((b2 <= 0x8A) | (b2 == 0xA8) | (b2 == 0xA9) | (b2 == 0xAF)))
        | ((b1 == 0x81) & (b2 == 0x9F))
    )
    ideo = (b0 == 0xE3) & (b1 == 0x80) & (b2 == 0x80)
    return two | ogham | punct | ideo


_SPACE_LEAD = np.zeros(256, dtype=bool)  # first byte of a non-ASCII space
_SPACE_LEAD[[0xC2, 0xE1, 0xE2, 0xE3]] = True
_SPACE_LAST = np.zeros(256, dtype=bool)  # last byte of a non-ASCII space
_SPACE_LAST[[0x85, 0xA0, 0xA8, 0xA9, 0xAF, 0x9F, *range(0x80, 0x8B)]] = True
_MAY_START = _ASCII_SPACE | _SPACE_LEAD  # a cell starting with this byte may need trimming
_MAY_END = _ASCII_SPACE | _SPACE_LAST


def _needs_trim(col: pa.ChunkedArray, ascii_spaces: bool = False) -> bool:
    """Does any cell start or end with whitespace? Looks at the bytes next to the string
    boundaries instead of trimming (which would copy the column). ``ascii_spaces``: the text
    is known to hold no other whitespace than ASCII's."""
    for chunk in col.chunks:
        if len(chunk) == 0:
            continue
        if not pa.types.is_large_string(chunk.type):  # pragma: no cover - we make large_string
            return True
        _, off_buf, data_buf = chunk.buffers()
        if data_buf is None or data_buf.size == 0:
            continue
        offsets = np.frombuffer(off_buf, dtype=np.int64)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(data_buf, dtype=np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        # quick look (an empty cell shows its neighbour's byte: at worst a closer look)
        may_start, may_end = (_ASCII_SPACE, _ASCII_SPACE) if ascii_spaces else (_MAY_START, _MAY_END)
        if not (
            may_start[np.take(data, starts, mode="clip")].any()
            or may_end[np.take(data, ends - 1, mode="clip")].any()
        ):
            continue
        full = ends > starts
        if not full.all():
            starts, ends = starts[full], ends[full]
        first, last = data[starts], data[ends - 1]
        if _ASCII_SPACE[first].any() or _ASCII_SPACE[last].any():
            return True
        lead = _SPACE_LEAD[first]
        if lead.any() and _unicode_space_at(data, starts[lead]).any():
            return True
        tail = _SPACE_LAST[last]
        if tail.any():
            s_, e_ = starts[tail], ends[tail]
            for back in (2, 3):  # a 2- or 3-byte space ending the string
                ok = e_ - back >= s_
                if ok.any() and _unicode_space_at(data, (e_ - back)[ok]).any():
                    return True
    return False


def _finish(
    columns: list[pa.ChunkedArray],
    nrec: int,
    physical: int | None,
    first_line: int,
    headers: Sequence[str] = (),
    keys: frozenset[str] = frozenset(),
    plain: bool = False,
) -> tuple[pa.Table, np.ndarray, int, list[tuple[int, str]]]:
    """Line numbers, stripping, blank-record and layout-row removal: the cells as a table of
    large_string columns "0", "1", …, their lines, the blank rows and the layout rows.

    ``physical`` is the number of text lines the records span (None: ``first_line`` is the row
    of record 0 and records are one row each, as in a worksheet). ``plain``: the text holds no
    byte :func:`_column_needs` looks for (one pass over the block found none), nor U+1680:
    its only whitespace is ASCII's.
    """
    names = _names(len(columns))
    if nrec == 0:
        lines = np.zeros(0, dtype=np.int64)
    elif physical is None or physical == nrec:
        lines = np.arange(first_line, first_line + nrec, dtype=np.int64)
    else:  # some quoted fields contain newlines: shift every later record
        inner = np.zeros(nrec, dtype=np.int64)
        for col in columns:
            inner += pc.count_substring(col, "\n").to_numpy(zero_copy_only=False)
        lines = np.arange(first_line, first_line + nrec, dtype=np.int64)
        lines[1:] += np.cumsum(inner[:-1])
    for i, col in enumerate(columns):
        dirty, not_nfc = (False, False) if plain else _column_needs(col)
        if dirty:  # removing a character can leave a mark next to a letter: normalise after
            col = _clean_column(col)
        if dirty or not_nfc:
            columns[i] = pc.utf8_normalize(col, "NFC")
    columns = [
        pc.utf8_trim_whitespace(col) if _needs_trim(col, plain) else col for col in columns
    ]
    blank = 0
    layout: list[tuple[int, str]] = []
    if nrec and columns:
        kinds = _layout_kinds(columns, headers, keys)
        if kinds:
            drop = np.zeros(len(lines), dtype=bool)
            for i, kind in kinds.items():
                drop[i] = True
                if kind == BLANK:
                    blank += 1
                else:
                    layout.append((int(lines[i]), kind))
            keep = pa.array(~drop)
            columns = [pc.filter(col, keep) for col in columns]
            lines = lines[~drop]
    return pa.table(columns, names=names), lines, blank, layout


# --------------------------------------------------------------------------- layout rows

BLANK = "blank"
COLUMN_NUMBERS = "column_numbers"  # (1) (2) (3) … or 1 2 3 … under the header
REPEATED_HEADER = "repeated_header"  # the header again, at a page break
TOTAL = "total"  # Tổng cộng / Cộng / Tổng số …
GROUP = "group"  # one filled (or merged) cell: an agency or field heading, "Sở Ngoại vụ ( 37 )"
LAYOUT_KINDS = (COLUMN_NUMBERS, REPEATED_HEADER, TOTAL, GROUP)
_NUMBER_CELL = re.compile(r"^\(?(\d{1,3})\)?$")
_NUMBER_CELL_ARROW = r"^\(?\d{1,3}\)?$"
_TOTAL_WORDS = frozenset({"tongcong", "tongso", "tong", "cong", "total", "grandtotal"})  # folded
_TOTAL_ARROW = r"(?i)^\s*(t[ổo]ng|c[ộo]ng|total)"


def _layout_kinds(
    columns: list[pa.ChunkedArray], headers: Sequence[str], keys: frozenset[str] = frozenset()
) -> dict[int, str]:
    """Row index -> kind for the rows that hold no dossier: blank, or one of LAYOUT_KINDS.

    A vectorised pass finds the few candidates, then each is judged cell by cell. With ``keys``
    (the id and received-date columns) a candidate has every key cell empty, or repeats the
    header; a dossier row, which fills them, is never one — whatever its other cells say.
    Without keys the first two columns are tested (an empty, numbered, 'Tổng' or header cell).
    """
    folded = [fold(h) for h in headers]
    key_at = [j for j, h in enumerate(folded) if h in keys and j < len(columns)]
    cand = None
    if key_at:
        # Byte lengths first: a column number or a count has at most 5 bytes ("(123)"), the
        # header again its own length; the compute kernels run only where such cells are.
        sizes = {j: _byte_lengths(columns[j]) for j in key_at}
        if all((sizes[j] <= 5).any() for j in key_at):
            for j in key_at:  # no id or date there: empty, or a column number / a count
                m = pc.or_(pc.equal(columns[j], ""), pc.equal(columns[j], ABSENT))
                m = pc.or_(m, pc.match_substring_regex(columns[j], _NUMBER_CELL_ARROW))
                cand = m if cand is None else pc.and_(cand, m)
        for j in key_at:  # the header again, at a page break
            size = len(headers[j].encode("utf-8"))
            if headers[j] and (sizes[j] == size).any():
                same = pc.equal(columns[j], headers[j])
                cand = same if cand is None else pc.or_(cand, same)
    else:
        for j, col in enumerate(columns[:2]):
            m = pc.or_(pc.equal(col, ""), pc.equal(col, ABSENT))
            m = pc.or_(m, pc.match_substring_regex(col, _TOTAL_ARROW))
            if j < len(headers) and headers[j]:
                m = pc.or_(m, pc.equal(col, headers[j]))
            cand = m if cand is None else pc.or_(cand, m)
        if len(columns) >= 2:  # (1) (2) …: both first cells numbered (a dossier's id is not)
            nums = pc.and_(
                pc.match_substring_regex(columns[0], _NUMBER_CELL_ARROW),
                pc.match_substring_regex(columns[1], _NUMBER_CELL_ARROW),
            )
            cand = pc.or_(cand, nums)
    idx = np.flatnonzero(cand.to_numpy(zero_copy_only=False)) if cand is not None else []
    if not len(idx):
        return {}
    picked = pa.array(idx)
    rows = list(zip(*(pc.take(col, picked).to_pylist() for col in columns), strict=True))
    out = {}
    for i, cells in zip(idx.tolist(), rows, strict=True):
        kind = layout_kind(cells, headers, folded=folded, key_at=key_at)
        if kind is not None:
            out[i] = kind
    return out


def _byte_lengths(col: pa.ChunkedArray) -> np.ndarray:
    """The UTF-8 length of each cell of a large_string column, from its offsets."""
    parts = [np.zeros(0, dtype=np.int64)]
    for chunk in col.chunks:
        if len(chunk) == 0:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        parts.append(np.diff(offsets[chunk.offset : chunk.offset + len(chunk) + 1]))
    return np.concatenate(parts)


def _is_value(cell: str) -> bool:
    """A key cell holding an id or a date (not empty, not a column number or a total's count)."""
    return bool(cell) and cell != ABSENT and not _NUMBER_CELL.match(cell)


def layout_kind(
    cells: Sequence[str],
    headers: Sequence[str],
    *,
    folded: Sequence[str] | None = None,
    key_at: Sequence[int] = (),
) -> str | None:
    """What a row after the header is when it is not a dossier (None: it is one). ``key_at``:
    the columns every dossier fills; with one of them filled the row is a dossier, or the
    header repeated."""
    filled = [(j, c) for j, c in enumerate(cells) if c and c != ABSENT]
    if not filled:
        return BLANK
    named = folded if folded is not None else [fold(h) for h in headers]
    same = sum(1 for j, c in filled if j < len(named) and named[j] and fold(c) == named[j])
    if same >= max(2, (sum(1 for h in named if h) + 1) // 2):
        return REPEATED_HEADER
    if any(_is_value(cells[j]) for j in key_at if j < len(cells)):
        return None
    numbers = [_NUMBER_CELL.match(c) for _, c in filled]
    # (1) (2) …: consecutive numbers over at least half the header's columns, nothing else
    if len(filled) >= max(3, (sum(1 for h in named if h) + 1) // 2) and all(numbers):
        values = [int(m.group(1)) for m in numbers]
        if all(b == a + 1 for a, b in itertools.pairwise(values)):
            return COLUMN_NUMBERS
    if fold(filled[0][1]).rstrip(": ") in _TOTAL_WORDS:
        return TOTAL
    if len(filled) == 1 and ABSENT not in cells:  # a cut-off CSV row is reported, not set aside
        return GROUP
    return None


# --------------------------------------------------------------------------- xlsx


def _cell_text(value) -> str:
    if value is None:
        return ""
    t = type(value)
    if t is str:
        return clean(value)
    if t is int:
        return str(value)
    if t is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if t is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        # Excel's float times come back a few microseconds off (08:29:59.999996 for 08:30):
        # round to the millisecond, then drop the fraction: 23:59:59.6 stays on its own day
        if (value.microsecond + 500) // 1000 >= 1000:
            value = value.replace(microsecond=0) + dt.timedelta(seconds=1)
        value = value.replace(microsecond=0)
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.timedelta):
        total = round(value.total_seconds())
        sign = "-" if total < 0 else ""
        h, rest = divmod(abs(total), 3600)
        return f"{sign}{h}:{rest // 60:02d}:{rest % 60:02d}"
    return clean(str(value))


def _xlsx_corrupt(ctx: _Ctx, detail: str) -> CchcError:
    return ctx.error(
        f"tệp Excel '{ctx.name}' bị hỏng hoặc không đầy đủ ({detail})",
        f"Excel file '{ctx.name}' is damaged or incomplete ({detail})",
        "mở bằng Excel và lưu lại dạng .xlsx (hoặc 'Lưu thành' CSV UTF-8), hoặc tải/xuất lại tệp",
        "open it in Excel and save it again as .xlsx (or 'Save As' CSV UTF-8), "
        "or download/export it again",
    )


def _check_zip(ctx: _Ctx, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise _xlsx_corrupt(ctx, f"zip: {exc}") from None
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        vi, en = "sổ làm việc nhị phân Excel (.xlsb)", "an Excel binary workbook (.xlsb)"
    elif b"opendocument" in mimetype:
        vi, en = "bảng tính OpenDocument (.ods)", "an OpenDocument spreadsheet (.ods)"
    else:
        inside = ", ".join(sorted(names)[:5])
        raise ctx.error(
            f"'{ctx.name}' là tệp nén zip, không phải sổ làm việc Excel (bên trong: {inside})",
            f"'{ctx.name}' is a zip archive, not an Excel workbook (contains: {inside})",
            "giải nén và chỉ định tệp .csv/.xlsx bên trong",
            "extract it and give the .csv/.xlsx inside",
        )
    raise ctx.error(
        f"'{ctx.name}' là {vi}, định dạng không được hỗ trợ",
        f"'{ctx.name}' is {en}, which is not supported",
        "mở bằng Excel/LibreOffice và 'Lưu thành' Excel Workbook (.xlsx) hoặc CSV UTF-8",
        "open it in Excel/LibreOffice and 'Save As' Excel Workbook (.xlsx) or CSV UTF-8",
    )


def _pick_sheet(ctx: _Ctx, wb, sheet: str | None):
    sheets = list(wb.worksheets)
    if not sheets:
        raise ctx.error(
            f"sổ làm việc '{ctx.name}' không có trang tính dữ liệu nào",
            f"workbook '{ctx.name}' has no worksheet",
            "xuất lại danh sách hồ sơ ra .xlsx hoặc CSV",
            "export the dossier list again as .xlsx or CSV",
        )
    if sheet is None:  # a hidden first sheet is typically a stale copy or a lookup table
        return next((ws for ws in sheets if ws.sheet_state == "visible"), sheets[0])
    for ws in sheets:
        if ws.title == sheet:
            return ws
    folded = [ws for ws in sheets if fold(ws.title) == fold(sheet)]
    if len(folded) == 1:
        return folded[0]
    near = closest(sheet, [ws.title for ws in sheets])
    hint_vi = f"các sheet có trong tệp: {_sheet_list(sheets, 'vi')}"
    hint_en = f"sheets in the file: {_sheet_list(sheets, 'en')}"
    if near:
        hint_vi += f"; có phải ý bạn là '{visible(near)}'?"
        hint_en += f"; did you mean '{visible(near)}'?"
    raise ctx.error(
        f"không có sheet '{visible(sheet)}' trong '{ctx.name}'",
        f"no sheet '{visible(sheet)}' in '{ctx.name}'",
        hint_vi,
        hint_en,
    )


def _read_xlsx(data: bytes, ctx: _Ctx, sheet: str | None) -> dict:
    import openpyxl

    _check_zip(ctx, data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged parts
        raise _xlsx_corrupt(ctx, f"{type(exc).__name__}: {exc}") from None
    try:
        ws = _pick_sheet(ctx, wb, sheet)
        try:
            ws.reset_dimensions()  # the stored dimension is often wrong; read every row
            last = _last_value_row(data, getattr(ws, "_worksheet_path", None))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                others = [o for o in wb.worksheets if o is not ws]
                return _sheet_rows(ctx, ws, others, last)
        except CchcError:
            raise
        except Exception as exc:
            raise _xlsx_corrupt(ctx, f"{type(exc).__name__}: {exc}") from None
    finally:
        wb.close()


def _encrypted_ole(data: bytes) -> bool:
    """An OLE2 container holding an encrypted OOXML workbook (a password-protected .xlsx): its
    directory has an ``EncryptedPackage`` stream. (Only when the directory cannot be read are
    the bytes searched for the name: a cell's text may hold it too.)"""
    streams = ole_streams(data)
    if streams is not None:
        return "EncryptedPackage" in streams
    return "EncryptedPackage".encode("utf-16-le") in data


@dataclass(frozen=True)
class _Book:
    """The sheets of a workbook, as :func:`_pick_sheet` expects them."""

    worksheets: list


def _read_xls(data: bytes, ctx: _Ctx, sheet: str | None) -> dict:
    try:
        grids = read_xls(data)
    except XlsError as exc:
        if exc.encrypted:
            raise ctx.error(
                f"tệp Excel '{ctx.name}' đang được đặt mật khẩu (mã hóa)",
                f"Excel file '{ctx.name}' is password-protected (encrypted)",
                "mở tệp bằng Excel, gỡ mật khẩu rồi lưu lại (.xls hoặc .xlsx)",
                "open it in Excel, remove the password and save it again (.xls or .xlsx)",
            ) from None
        if exc.document is not None:
            raise _not_a_workbook(ctx, exc) from None
        raise _xlsx_corrupt(ctx, str(exc)) from None
    ws = _pick_sheet(ctx, _Book(grids), sheet)
    return _sheet_rows(ctx, ws, [g for g in grids if g is not ws])


_OLE_DOCUMENTS = {
    "word": Msg("tài liệu Word (.doc)", "a Word document (.doc)"),
    "powerpoint": Msg("bản trình chiếu PowerPoint (.ppt)", "a PowerPoint presentation (.ppt)"),
    "visio": Msg("bản vẽ Visio (.vsd)", "a Visio drawing (.vsd)"),
    "outlook": Msg("thư Outlook (.msg)", "an Outlook message (.msg)"),
}


def _not_a_workbook(ctx: _Ctx, exc: XlsError) -> CchcError:
    """An OLE2 file with no Workbook stream: another Office document renamed, not a damaged
    workbook."""
    what = _OLE_DOCUMENTS.get(exc.document or "")
    vi = f"đây là {what.vi}" if what else f"bên trong chỉ có: {exc}"
    en = f"it is {what.en}" if what else f"it holds only: {exc}"
    return ctx.error(
        f"'{ctx.name}' không phải sổ làm việc Excel: {vi}",
        f"'{ctx.name}' is not an Excel workbook: {en}",
        "chỉ định tệp danh sách hồ sơ xuất từ phần mềm Một cửa (.xls, .xlsx hoặc .csv); "
        "đổi tên tệp không đổi được định dạng",
        "give the dossier list exported from the one-stop system (.xls, .xlsx or .csv); "
        "renaming a file does not convert it",
    )


def _read_html(data: bytes, ctx: _Ctx, encoding: str | None, sheet: str | None) -> dict:
    """An HTML table saved as .xls, read as one sheet (``sheet`` must name it, if given)."""
    page, name = _html_utf8(data, ctx, encoding)
    grid = read_html(page)
    if sheet is not None:  # the page's one sheet, or the same error as a workbook's
        _pick_sheet(ctx, _Book([grid]), sheet)
    try:
        parts = _sheet_rows(ctx, grid, [])
    except HtmlError as exc:
        raise _html_stopped(ctx, exc) from None
    parts["encoding"] = name
    return parts


def _html_stopped(ctx: _Ctx, exc: HtmlError) -> CchcError:
    """libxml2 stopped early, or rows went missing: never a silently shorter table."""
    if exc.lost:
        vi = (
            f"{exc.lost}/{exc.tags} thẻ <tr> của tệp không được đọc thành hàng: một chú thích "
            "(<!--), <script>, <textarea> hoặc <plaintext> không đóng chiếm phần còn lại của tệp"
        )
        en = (
            f"{exc.lost} of its {exc.tags} <tr> tags were not read as rows: a comment (<!--), "
            "<script>, <textarea> or <plaintext> left open takes up the rest of the file"
        )
    else:
        at_vi = f" ở dòng {exc.line} của tệp" if exc.line else ""
        at_en = f" at line {exc.line} of the file" if exc.line else ""
        vi = f"trình phân tích HTML dừng{at_vi} ({exc})"
        en = f"the HTML parser stopped{at_en} ({exc})"
    return ctx.error(
        f"không đọc hết được trang HTML '{ctx.name}' sau hàng {exc.rows}: {vi}",
        f"cannot read all of the HTML page '{ctx.name}' after row {exc.rows}: {en}",
        "mở tệp bằng Excel và 'Lưu thành' Excel Workbook (.xlsx) hoặc CSV UTF-8, hoặc tải lại "
        "danh sách từ phần mềm Một cửa",
        "open the file in Excel and 'Save As' Excel Workbook (.xlsx) or CSV UTF-8, or download "
        "the list from the one-stop system again",
        exc.rows + 1,
    )


def _html_utf8(data: bytes, ctx: _Ctx, encoding: str | None) -> tuple[bytes, str]:
    """The page as UTF-8 bytes for the parser, and its encoding: ``--encoding``, else the BOM,
    else what the page declares, else UTF-8 — damaged UTF-8 (a few bad bytes) is reported, as
    for a CSV — else Windows-1258. Bytes the encoding cannot decode are an error naming the
    offset and line, whose hint fits where the encoding came from."""
    hint: Msg | None = None  # the default: the user gave --encoding
    if encoding:
        name = _codec(ctx, encoding)
    elif bom := bom_codec(data):
        name = bom
        hint = Msg(
            f"tệp bắt đầu bằng BOM của {name} nhưng nội dung không theo bảng mã đó (tệp hỏng?): "
            "tải/xuất lại tệp, hoặc chỉ định bảng mã đúng bằng --encoding",
            f"the file starts with a {name} byte-order mark but its bytes are not {name} "
            "(damaged?): download/export it again, or give the right encoding with --encoding",
        )
    elif declared := declared_encoding(data):
        name = declared
        hint = Msg(
            f"trang tự khai báo bảng mã {name} (thẻ <meta charset> hoặc khai báo XML) nhưng nội "
            "dung không theo bảng mã đó: chỉ định bảng mã đúng bằng --encoding (ví dụ utf-8 "
            "hoặc cp1258)",
            f"the page declares {name} (its <meta charset> or XML declaration) but its bytes "
            "are not in it: give the right encoding with --encoding (e.g. utf-8 or cp1258)",
        )
    else:
        bad = _first_bad_utf8(data, 0)
        if bad is None:
            return data, "utf-8"
        lo = max(0, bad - _SAMPLE // 2)
        while lo and 0x80 <= data[lo] < 0xC0:  # not in the middle of a character
            lo -= 1
        if _mostly_utf8(data[lo : bad + _SAMPLE // 2], bad + _SAMPLE // 2 >= len(data)):
            raise _utf8_error_at(
                ctx,
                data,
                bad,
                Msg(
                    "tệp là UTF-8 nhưng có byte hỏng ở vị trí đó: tải/xuất lại tệp; nếu tệp "
                    "thật sự dùng bảng mã khác, chỉ định bằng --encoding (ví dụ cp1258)",
                    "the file is UTF-8 but for this byte (damaged?): download/export it again; "
                    "if it really is in another code page, give it with --encoding "
                    "(e.g. cp1258)",
                ),
            )
        name = "cp1258"
        hint = Msg(
            "trang không khai báo bảng mã, và không phải UTF-8 hay Windows-1258: chỉ định bảng "
            "mã đúng bằng --encoding",
            "the page declares no encoding and is neither UTF-8 nor Windows-1258: give the "
            "right encoding with --encoding",
        )
    if name in ("utf-8", "utf-8-sig"):
        start = 3 if data.startswith(codecs.BOM_UTF8) else 0
        bad = _first_bad_utf8(data, start)
        if bad is not None:
            raise _utf8_error_at(ctx, data, bad, hint)
        return (data[start:] if start else data), name
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise _decode_error(ctx, data, name, exc, hint=hint) from None
    return text.encode("utf-8"), name


def _utf8_error_at(ctx: _Ctx, data: bytes, bad: int, hint: Msg | None) -> CchcError:
    exc = UnicodeDecodeError("utf-8", data[bad : bad + 1], 0, 1, "invalid byte")
    return _decode_error(ctx, data, "utf-8", exc, bad, hint)


def _sheet_list(sheets, lang: str) -> str:
    """Sheet names for a message, hidden ones marked."""
    hidden = " (ẩn)" if lang == "vi" else " (hidden)"
    return ", ".join(
        f"'{visible(ws.title)}'" + (hidden if ws.sheet_state != "visible" else "") for ws in sheets
    )


# A sheet's rows hold their values in <v> (numbers, shared strings, booleans, formulas' cached
# values) or <is> (inline strings), under any namespace prefix (<x:v>).
_SHEET_DATA = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData[\s/>]")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d+)")
_TAG_END = frozenset(b"> \t\r\n")  # what follows a tag's name when it is that tag
_XML_CHUNK = 4 << 20
_OVERLAP = 4096  # bytes read again from the previous chunk: a tag cut at its end is found whole


def _last_value_row(data: bytes, member: str | None) -> int | None:
    """The number of the last row of a worksheet that holds a value, found by scanning the
    sheet's XML bytes without parsing them (~1 s for a million rows), or None when it cannot be
    told (then every row is read).

    Formatting whole columns or styling empty cells writes rows with no value, up to row
    1,048,576; openpyxl would build each of them (73 s for a million). Rows come in order
    (ECMA-376 §18.3.1.73), so the row around the last value tag is the last row with data;
    empty rows before it are still read and counted."""
    if member is None:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(member) as fh:
            return _scan_sheet_xml(fh)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return None  # openpyxl reports what is wrong with the part


def _last_tag(buf: bytes, tag: bytes, start: int = 0, end: int | None = None) -> int:
    """Position of the last start of a ``tag`` element (not a longer name) beginning in
    ``buf[start:end]``, or -1."""
    at = len(buf) if end is None else min(len(buf), end + len(tag))
    while (at := buf.rfind(tag, start, at)) >= 0:
        nxt = at + len(tag)
        if nxt < len(buf) and buf[nxt] in _TAG_END:
            return at
    return -1


def _scan_sheet_xml(fh) -> int | None:
    prefix: bytes | None = None
    row_tag = v_tag = is_tag = b""
    row_before = b""  # start tag of the last row begun before the current buffer
    last = 0
    keep = b""
    while chunk := fh.read(_XML_CHUNK):
        buf = keep + chunk
        if prefix is None:
            m = _SHEET_DATA.search(buf)
            if m is None:
                keep = buf[-_OVERLAP:]
                continue
            prefix = m.group(1) or b""
            row_tag, v_tag, is_tag = (b"<" + prefix + t for t in (b"row", b"v", b"is"))
        at = _last_tag(buf, v_tag)
        at = max(at, _last_tag(buf, is_tag, max(at, 0)))
        if at >= 0:
            r = _last_tag(buf, row_tag, 0, at)
            m = _ROW_NUMBER.search(buf[r : buf.find(b">", r) + 1] if r >= 0 else row_before)
            if m is None:  # a row without its number (allowed, rare): cannot tell
                return None
            last = max(last, int(m.group(1)))
        keep = buf[-_OVERLAP:]
        cut = len(buf) - len(keep)  # where the next buffer starts
        r = _last_tag(buf, row_tag, 0, cut)
        if r >= 0:
            row_before = buf[r : buf.find(b">", r) + 1]
    return last if prefix is not None else None


def _sheet_rows(ctx: _Ctx, ws, others=(), last: int | None = None) -> dict:
    """The header search and data rows of a worksheet (openpyxl's, or an io.grid.Grid), read up
    to row ``last`` (the last one with a value; None: to the end)."""
    raw = iter(()) if last == 0 else ws.iter_rows(min_row=1, max_row=last, values_only=True)
    rows = enumerate(raw, start=1)
    buffered: list[_Record] = []  # every row read while searching for the header
    best: _Hit | None = None
    nonblank = 0
    for num, row in rows:
        cells = [_cell_text(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        rec = _Record(num, num, cells)
        buffered.append(rec)
        if not cells:
            continue
        nonblank += 1
        s = ctx.score(cells)
        if best is None or s > best.score:
            best = _Hit(s, "", rec)
        if nonblank >= HEADER_SEARCH_ROWS:
            break
    title = visible(ws.title)
    where = f" (sheet '{title}')"
    if others:  # a cover page first is common: say which sheets there are
        where += f"; các sheet khác: {_sheet_list(others, 'vi')} (dùng --sheet)"
        where_en = f" (sheet '{title}'; other sheets: {_sheet_list(others, 'en')} — use --sheet)"
    else:
        where_en = where
    if best is None:
        raise ctx.error(
            f"sheet '{title}' của '{ctx.name}' trống"
            + (f"; các sheet khác: {_sheet_list(others, 'vi')}" if others else ""),
            f"sheet '{title}' of '{ctx.name}' is empty"
            + (f"; other sheets: {_sheet_list(others, 'en')}" if others else ""),
            "chọn đúng sheet chứa danh sách hồ sơ (--sheet), hoặc xuất lại tệp",
            "pick the sheet that holds the dossier list (--sheet), or export the file again",
        )
    if best.score < ctx.min_score:
        raise _no_header_error(ctx, [r for r in buffered if r.cells], where, where_en)

    header = best.record
    n = len(header.cells)
    cols: list[list[str]] = [[] for _ in range(n)]
    line_list: list[int] = []
    blank = 0

    def add(num: int, cells: list[str]) -> None:
        nonlocal blank
        if len(cells) > n and any(cells[n:]):
            col = n + next(i for i, c in enumerate(cells[n:]) if c) + 1
            raise ctx.error(
                f"'{ctx.name}' (sheet '{title}'): dòng {num} có dữ liệu ở cột "
                f"{_column_letter(col)}, ngoài {n} cột của dòng tiêu đề (dòng {header.start})",
                f"'{ctx.name}' (sheet '{title}'): row {num} has data in column "
                f"{_column_letter(col)}, beyond the header's {n} columns (row {header.start})",
                "thêm tên cột cho cột đó ở dòng tiêu đề, hoặc xóa dữ liệu thừa",
                "give that column a header, or delete the stray data",
                num,
            )
        if not any(cells):
            blank += 1
            return
        for i in range(n):
            cols[i].append(cells[i] if i < len(cells) else "")
        line_list.append(num)

    for rec in buffered:
        if rec.start > header.start:
            add(rec.start, rec.cells)
    for num, row in rows:
        add(num, [_cell_text(v) for v in row])
    columns = [pa.chunked_array([pa.array(c, pa.large_string())]) for c in cols]
    cells, kept, emptied, layout = _finish(
        columns, len(line_list), None, 0, header.cells, ctx.keys
    )
    rows_at = np.asarray(line_list, dtype=np.int64)  # _finish numbered the rows 0, 1, …
    return {
        "format": getattr(ws, "format", "xlsx"),
        "encoding": None,
        "delimiter": None,
        "sheet": ws.title,
        "header_line": header.start,
        "headers": tuple(header.cells),
        "cells": cells,
        "lines": rows_at[kept],
        "blank_rows": blank + emptied,
        "layout": tuple((int(rows_at[i]), kind) for i, kind in layout),
    }


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
