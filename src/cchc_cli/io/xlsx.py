"""``.xlsx``/``.xlsm`` workbooks, read with openpyxl (imported only when one is read): the zip
checked first (an ``.xlsb``, an ``.ods`` or a plain archive says what it is), the sheet's last
row holding a value found by scanning its XML (:func:`_last_value_row`), then the rows read as
:func:`~cchc_cli.io.sheet.sheet_rows` says.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..errors import CchcError
from .files import Ctx
from .sheet import damaged_workbook, pick_sheet, sheet_rows

# Workbooks loaded once while :func:`shared_books` is open (the registers' sheets of one
# workbook): keyed by their bytes, closed when it closes.
_BOOKS: ContextVar[dict[bytes, object] | None] = ContextVar("cchc_books", default=None)


@contextmanager
def shared_books() -> Iterator[None]:
    """Read several sheets of one workbook with one load: openpyxl parses the styles and shared
    strings of the whole workbook on every load (~50 ms for the sample's registers, each time)."""
    books: dict[bytes, object] = {}
    token = _BOOKS.set(books)
    try:
        yield
    finally:
        _BOOKS.reset(token)
        for wb in books.values():
            wb.close()


def load_book(data: bytes):
    """The workbook of these bytes, read-only (shared while :func:`shared_books` is open; the
    caller closes it otherwise). openpyxl's own errors pass through."""
    import openpyxl

    books = _BOOKS.get()
    if books is not None and data in books:
        return books[data]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    if books is not None:
        books[data] = wb
    return wb


def sheet_titles(data: bytes) -> list[str]:
    """A workbook's sheet names (loaded once under :func:`shared_books`)."""
    wb = load_book(data)
    try:
        return list(wb.sheetnames)
    finally:
        if _BOOKS.get() is None:
            wb.close()


def xlsx_table(data: bytes, ctx: Ctx, sheet: str | None) -> dict:
    _check_zip(ctx, data)
    try:
        wb = load_book(data)
    except Exception as exc:  # openpyxl raises many types for damaged parts
        raise damaged_workbook(ctx, f"{type(exc).__name__}: {exc}") from None
    try:
        ws = pick_sheet(ctx, wb, sheet)
        try:
            ws.reset_dimensions()  # the stored dimension is often wrong; read every row
            last = _last_value_row(data, getattr(ws, "_worksheet_path", None))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                others = [o for o in wb.worksheets if o is not ws]
                return sheet_rows(ctx, ws, others, last)
        except CchcError:
            raise
        except Exception as exc:
            raise damaged_workbook(ctx, f"{type(exc).__name__}: {exc}") from None
    finally:
        if _BOOKS.get() is None:
            wb.close()


def _check_zip(ctx: Ctx, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise damaged_workbook(ctx, f"zip: {exc}") from None
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
