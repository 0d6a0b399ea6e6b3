"""BIFF8 ``.xls`` workbooks (Excel 97-2003, Apache POI HSSF exports such as OpenCPS) via xlrd."""

from __future__ import annotations

from collections.abc import Iterator

from .grid import Grid


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
