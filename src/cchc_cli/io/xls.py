"""BIFF8 ``.xls`` workbooks (Excel 97-2003, Apache POI HSSF exports such as OpenCPS) via xlrd
(imported only when one is read): :func:`read_xls` gives the sheets, :func:`xls_table` the
table, with the messages for an encrypted workbook and for another Office document renamed."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import CchcError, Msg
from .files import Ctx
from .grid import Grid
from .sheet import Book, damaged_workbook, pick_sheet, sheet_rows


class XlsError(Exception):
    """The bytes are not a readable BIFF8 workbook; ``str()`` says why (xlrd's words).
    ``document``: the OLE2 file holds no workbook but this other document ("word",
    "powerpoint", "outlook", "visio", "other": its streams are in ``str()``)."""

    def __init__(self, detail: str, encrypted: bool = False, document: str | None = None):
        super().__init__(detail)
        self.encrypted = encrypted
        self.document = document


_STATES = {0: "visible", 1: "hidden", 2: "veryHidden"}
# The stream that tells what an OLE2 file without a workbook is (Office's other formats).
_DOCUMENTS = {
    "worddocument": "word",
    "powerpoint document": "powerpoint",
    "visiodocument": "visio",
    "__properties_version1.0": "outlook",
}


class _Sink:
    """xlrd prints its warnings ("file size not 512 + multiple of sector size") to a log file,
    stdout by default, where they would corrupt ``--format json``: they go nowhere."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def ole_streams(data: bytes) -> list[str] | None:
    """The streams at the top of an OLE2 file's directory, or None when it cannot be read."""
    from xlrd import compdoc

    try:
        doc = compdoc.CompDoc(data, logfile=_Sink())
        return [doc.dirlist[i].name for i in doc.dirlist[0].children if doc.dirlist[i].etype == 2]
    except Exception:  # CompDocError, struct errors, IndexError on a damaged directory
        return None


def read_xls(data: bytes) -> list[Grid]:
    """Every worksheet, in workbook order, hidden ones marked (the caller skips them)."""
    import xlrd

    streams = ole_streams(data)
    if streams is not None and not {"workbook", "book"} & {n.lower() for n in streams}:
        kinds = [_DOCUMENTS[n.lower()] for n in streams if n.lower() in _DOCUMENTS]
        raise XlsError(", ".join(streams), document=kinds[0] if kinds else "other")
    try:
        book = xlrd.open_workbook(
            file_contents=data,
            formatting_info=False,
            ragged_rows=True,
            logfile=_Sink(),
            verbosity=0,
        )
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct/assert errors
        text = f"{type(exc).__name__}: {exc}"
        raise XlsError(text, encrypted="encrypt" in text.lower()) from None
    return [
        Grid(s.name, _rows_of(book, s), "xls", _STATES.get(getattr(s, "visibility", 0), "hidden"))
        for s in book.sheets()
    ]


def _rows_of(book, sheet):
    def rows() -> Iterator[tuple[object, ...]]:
        for r in range(sheet.nrows):
            yield tuple(_value(book, c) for c in sheet.row(r))

    return rows


def _value(book, cell) -> object:
    import xlrd

    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value  # an out-of-range serial: shown as the number it is
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    if kind == xlrd.XL_CELL_NUMBER:
        return float(cell.value)
    return str(cell.value)


# --------------------------------------------------------------------------- as a table


def encrypted_ole(data: bytes) -> bool:
    """An OLE2 container holding an encrypted OOXML workbook (a password-protected .xlsx): its
    directory has an ``EncryptedPackage`` stream. (Only when the directory cannot be read are
    the bytes searched for the name: a cell's text may hold it too.)"""
    streams = ole_streams(data)
    if streams is not None:
        return "EncryptedPackage" in streams
    return "EncryptedPackage".encode("utf-16-le") in data


def xls_table(data: bytes, ctx: Ctx, sheet: str | None) -> dict:
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
        raise damaged_workbook(ctx, str(exc)) from None
    ws = pick_sheet(ctx, Book(grids), sheet)
    return sheet_rows(ctx, ws, [g for g in grids if g is not ws])


_OLE_DOCUMENTS = {
    "word": Msg("tài liệu Word (.doc)", "a Word document (.doc)"),
    "powerpoint": Msg("bản trình chiếu PowerPoint (.ppt)", "a PowerPoint presentation (.ppt)"),
    "visio": Msg("bản vẽ Visio (.vsd)", "a Visio drawing (.vsd)"),
    "outlook": Msg("thư Outlook (.msg)", "an Outlook message (.msg)"),
}


def _not_a_workbook(ctx: Ctx, exc: XlsError) -> CchcError:
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
