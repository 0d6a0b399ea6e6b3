"""Pieces every Office file (xlsx, docx) shares: the same bytes for the same run, text cells that
are never formulas, and the page set-up of a printed appendix.

openpyxl and python-docx are imported inside the functions: ``cchc --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

# Every date the package holds — zip entries, created / modified / printed — is this one, so the
# same figures give the same bytes (and the same SHA-256) whenever and wherever the run was. The
# zip format's earliest date, as reproducible builds use; the run's own time is not in the file.
FIXED_TIME = dt.datetime(1980, 1, 1)
CREATOR = "cchc"
_W3CDTF = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")
# Text Excel or LibreOffice would take for a formula, as the CSV renderer guards against.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def fixed_zip(data: bytes) -> bytes:
    """An OOXML package rewritten with :data:`FIXED_TIME` on every entry and in its core
    properties (openpyxl stamps ``modified`` with the clock when it saves)."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _W3CDTF.sub(stamp, body)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body, compresslevel=6)
    return out.getvalue()


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


# What XML 1.0 cannot hold (C0 controls but tab, LF, CR; lone surrogates; U+FFFE, U+FFFF): openpyxl
# and python-docx refuse such text, which an export cell or a plan's "\a" may carry.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value):
    """``value`` with every character XML cannot hold escaped as messages show it (``\\u0007``)."""
    if isinstance(value, str) and _NOT_XML.search(value):
        return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    return value


# -- workbooks -----------------------------------------------------------------------------------


def new_workbook(title: str = ""):
    """A workbook with fixed document properties (see :func:`workbook_bytes`)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.title = xml_text(title) or None
    wb.properties.created = wb.properties.modified = FIXED_TIME
    return wb


def workbook_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue())


def put(ws, row: int, col: int, value, *, bold=False, align=None, border=None, fmt=None, fill=None):
    """Write one cell. Text from the plan or the data is never a formula: a value starting with
    ``=`` ``+`` ``-`` ``@`` is stored as a string cell with Excel's quote prefix, so it stays
    text even when someone edits the cell; characters XML cannot hold are escaped."""
    from openpyxl.styles import Font

    value = xml_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    if align is not None:
        cell.alignment = align
    if border is not None:
        cell.border = border
    if fmt:
        cell.number_format = fmt
    if fill is not None:
        cell.fill = fill
    return cell


def thin_box():
    from openpyxl.styles import Border, Side

    thin = Side(style="thin")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def print_setup(ws, title_rows: str) -> None:
    """A4 landscape, one page wide (as many pages down as it takes), ``title_rows`` (e.g.
    ``"9:9"``) repeated on every page, narrow margins, page numbers in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "&P / &N"
