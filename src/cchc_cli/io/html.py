"""HTML tables saved as ``.xls`` (the "Excel HTML" that web one-stop systems download).

Excel opens such a file as one sheet holding every top-level ``<table>`` one after another, a
``<tr>`` per row, merged cells for ``colspan``/``rowspan``; row numbers here are those rows, as
the user sees them in Excel. The sheet is named by the page's ``<x:Name>`` when it has one.

The page is parsed by libxml2's push parser (lxml's target interface, ``huge_tree``): no tree is
built, rows are laid out as their ``</tr>`` arrives and handed on in chunks, so memory does not
grow with the file and libxml2's tree limits (depth 256, 10 MB text node) never apply. Markup is
read as a browser reads it: a cell belongs to its nearest ``<tr>`` (``<tr><div><td>`` too); cells
with no ``<tr>`` (``<tbody><td>…``) make a row of their own per parent element; ``<script>``,
``<style>``, ``<template>`` and ``<noscript>`` hold no text; block elements inside a cell (a
nested table, ``<p>``, ``<br>``) are separated from the text around them by a space. Every
``<tr`` tag of the file must come out as a row (or be text: a comment, a script): otherwise
:class:`HtmlError` says how far the reading got.

:func:`html_table` reads such a page as a one-sheet table: the page's encoding (``--encoding``,
its BOM, what it declares, UTF-8, else Windows-1258) and the messages when the parser stops.
"""

from __future__ import annotations

import bisect
import codecs
import re
import unicodedata
from collections import deque
from collections.abc import Iterator

from ..errors import CchcError, Msg
from . import bom_codec, sizes
from .encoding import codec, decode_error, first_bad_utf8, mostly_utf8
from .files import Ctx
from .grid import Grid
from .sheet import Book, pick_sheet, sheet_rows

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_SHEET_NAME = re.compile(rb"<x:Name>(.*?)</x:Name>", re.S | re.I)
_SPACE = re.compile(r"[ \t\r\n\f]+")
_SNIFF = ("<!doctype html", "<html", "<table", "<meta", "<head", "<body")
# What may come before the page's first tag: an XML declaration or other processing
# instruction (XHTML), comments, whitespace.
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
_SPREADSHEET_XML = "urn:schemas-microsoft-com:office:spreadsheet"
_HEAD = 64 << 10  # bytes of the page decoded to sniff it
_CHUNK = 1 << 20  # bytes fed to the parser at a time
_MAX_SPAN = 16384  # Excel's last column; also the largest rowspan honoured

_SKIP = frozenset(("script", "style", "template", "noscript"))
_CELLS = frozenset(("td", "th"))
# Elements that start a new line in a browser: their text is kept apart from the text around.
_BLOCK_NAMES = (
    "address article aside blockquote br caption dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section "
    "summary table tbody td tfoot th thead tr ul"
)
_BLOCK = frozenset(_BLOCK_NAMES.split())
_TR_TAG = re.compile(rb"<tr[\s/>]", re.I)


class HtmlError(Exception):
    """The page was not read to its end; ``rows`` rows had been. Either libxml2 gave up at
    ``line`` (``str()``: its words) or ``lost`` of the file's ``tags`` ``<tr>`` tags were
    neither rows nor text."""

    def __init__(
        self, detail: str, rows: int, line: int | None = None, lost: int = 0, tags: int = 0
    ):
        super().__init__(detail)
        self.rows = rows
        self.line = line
        self.lost = lost
        self.tags = tags


def _wide_codec(data: bytes) -> str:
    """How ASCII markup is spelt in the file's bytes: UTF-16/32 by the BOM, else one byte each."""
    name = bom_codec(data)
    if name in ("utf-16", "utf-32"):
        return name + ("-le" if data.startswith(b"\xff\xfe") else "-be")
    return "latin-1"


def _head(data: bytes) -> tuple[str, str]:
    """The start of the file as lower-case text, and the same from its first tag on (after an
    XML declaration, comments, whitespace)."""
    start = data[:_HEAD].decode(_wide_codec(data), "ignore").lstrip("\ufeff\u00ef\u00bb\u00bf")
    start = start.lower()
    return start, start[_PROLOG.match(start).end() :]


def markup_kind(data: bytes) -> str | None:
    """For a file that :func:`looks_like_html` rejects: ``"spreadsheet"`` (an Excel 2003 XML
    spreadsheet), ``"page"`` (a web page or other XML with no table: a login or error page
    saved instead of the list), None (not markup)."""
    start, head = _head(data)
    if _SPREADSHEET_XML in head:
        return "spreadsheet"
    if head.startswith(_SNIFF) or start.lstrip().startswith("<?xml"):
        return "page"
    return None


def looks_like_html(data: bytes) -> bool:
    """A web page (or XHTML) with a table anywhere in it; an Excel 2003 XML spreadsheet, whose
    rows are ``<Table>`` elements too, is something else."""
    _, head = _head(data)
    if not head.startswith(_SNIFF) or _SPREADSHEET_XML in head:
        return False
    tag = re.escape("<table".encode(_wide_codec(data)))
    return re.compile(tag, re.I).search(data) is not None


def declared_encoding(data: bytes) -> str | None:
    """The charset the page declares (meta tag or XML declaration), if Python knows it."""
    m = _META_CHARSET.search(data[:4096]) or _XML_ENCODING.search(data[:512])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace")
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    # A page whose bytes are ASCII-based cannot be UTF-16/32: browsers read it as UTF-8
    # (WHATWG HTML, "prescan a byte stream to determine its encoding").
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def read_html(data: bytes | str) -> Grid:
    """The page's tables as one sheet; ``data`` is the page in UTF-8 (or as text)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    m = _SHEET_NAME.search(data[:_HEAD])
    name = m.group(1).decode("utf-8", "replace") if m else ""
    title = unicodedata.normalize("NFC", _SPACE.sub(" ", name).strip()) or "(HTML)"
    return Grid(title, lambda: _rows(data), "html")


def _parse(data: bytes, target) -> Iterator[None]:
    """Feed ``data`` to libxml2 in chunks (yielding after each), then close the parser; raise
    :class:`HtmlError` when it gives up (a fatal error: it reads no further)."""
    import lxml.etree as et

    parser = et.HTMLParser(target=target, huge_tree=True, encoding="utf-8", no_network=True)
    view = memoryview(data)
    try:
        for at in range(0, len(data), _CHUNK):
            parser.feed(bytes(view[at : at + _CHUNK]))
            yield
            _fatal(parser, target)
        target.closing = True
        parser.close()
    except et.LxmlError as exc:
        raise HtmlError(str(exc), target.rows) from None
    yield
    _fatal(parser, target)


def _fatal(parser, target) -> None:
    for e in parser.error_log:
        if e.level >= 3:  # lxml.etree.ErrorLevels.FATAL
            raise HtmlError(e.message.strip(), target.rows, e.line)


def _rows(data: bytes) -> Iterator[tuple[object, ...]]:
    """Each sheet row as soon as it is laid out; then check that no ``<tr`` was lost."""
    target = _Sheet()
    for _ in _parse(data, target):
        yield from target.take()
    tags = len(_TR_TAG.findall(data))
    if target.trs < tags:
        text = _TextCount()
        for _ in _parse(data, text):
            pass
        lost = tags - target.trs - text.count
        if lost > 0:
            raise HtmlError(f"{lost} <tr> not read", target.rows, lost=lost, tags=tags)


# What the end of an element means (bit flags, one entry per open element).
_END_CELL, _END_TR, _END_TABLE, _END_SKIP, _END_BLOCK, _END_PARENT = 1, 2, 4, 8, 16, 32
_OUT, _TABLE, _CELL, _SKIPPING = range(4)  # where the parser is


class _Row:
    __slots__ = ("done", "spans", "texts")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.spans: list[tuple[int, int]] | None = None  # (colspan, rowspan) per cell, if any
        self.done = False


class _Sheet:
    """Parser target: follows the open elements and lays out the rows of cells."""

    def __init__(self) -> None:
        self.closing = False
        self.mode = _OUT
        self.kinds: list[int] = []  # per open element: what its end means
        self.tables = 0  # open tables that make rows
        self.skip_from = _OUT  # the mode a script/style/template/noscript interrupted
        self.text: list[str] = []
        self.span = (1, 1)  # of the cell being read
        self.row: _Row | None = None  # the open <tr> of the innermost table, if any
        self.rows_above: list[_Row | None] = []  # self.row of the enclosing <tr>/<table>
        self.cell_row: _Row | None = None
        self.orphan: _Row | None = None  # the row of the cells with no <tr> being read
        self.orphan_parent = -1  # index in kinds of their parent element
        self.queue: deque[_Row] = deque()  # rows in document order, not yet laid out
        self.pending: list[tuple[int, int, int]] = []  # rowspans from above: (col, end, rows)
        self.ready: list[tuple[object, ...]] = []
        self.rows = 0  # rows laid out
        self.trs = 0  # <tr> start tags seen

    def take(self) -> list[tuple[object, ...]]:
        ready, self.ready = self.ready, []
        return ready

    def start(self, tag: str, attrib) -> None:
        mode = self.mode
        kinds = self.kinds
        if tag == "tr":
            self.trs += 1
        if mode == _CELL:
            if tag in _SKIP:
                self.skip_from, self.mode = mode, _SKIPPING
                kinds.append(_END_SKIP)
            elif tag in _BLOCK:
                self.text.append(" ")
                kinds.append(_END_BLOCK)
            else:
                kinds.append(0)
        elif mode == _TABLE:
            if tag in _CELLS:
                row = self.row
                if row is None:  # no <tr>: a row of its own per parent, as a browser implies
                    row = self.orphan
                    if row is None or self.orphan_parent != len(kinds) - 1:
                        self._end_orphans()
                        row = self.orphan = _Row()
                        self.queue.append(row)
                        self.orphan_parent = len(kinds) - 1
                        kinds[-1] |= _END_PARENT
                self.cell_row, self.text, self.mode = row, [], _CELL
                self.span = (1, 1)
                if attrib:  # (an element without attributes gets a slow empty Mapping)
                    colspan, rowspan = attrib.get("colspan"), attrib.get("rowspan")
                    if colspan is not None or rowspan is not None:
                        self.span = (_span(colspan), _span(rowspan))
                kinds.append(_END_CELL)
            elif tag == "tr":
                self._end_orphans()
                self.rows_above.append(self.row)
                self.row = row = _Row()
                self.queue.append(row)
                kinds.append(_END_TR)
            elif tag == "table":
                self._open_table()
            elif tag in _SKIP:
                self.skip_from, self.mode = mode, _SKIPPING
                kinds.append(_END_SKIP)
            else:
                kinds.append(0)
        elif mode == _OUT and tag == "table":
            self.mode = _TABLE
            self._open_table()
        elif mode == _OUT and tag in _SKIP:
            self.skip_from, self.mode = mode, _SKIPPING
            kinds.append(_END_SKIP)
        else:
            kinds.append(0)

    def _open_table(self) -> None:
        self.tables += 1
        self.rows_above.append(self.row)
        self.row = None
        self.kinds.append(_END_TABLE)

    def end(self, tag: str) -> None:
        kind = self.kinds.pop()
        if not kind:
            return
        mode = self.mode
        if mode == _SKIPPING:
            if kind & _END_SKIP:
                self.mode = self.skip_from
            return
        if mode == _CELL:
            if kind & _END_CELL:
                self._end_cell()
            elif kind & _END_BLOCK:
                self.text.append(" ")
            return
        if kind & _END_PARENT:
            self._end_orphans()
        if kind & _END_TR:
            row = self.row
            assert row is not None
            row.done = True
            self.row = self.rows_above.pop()
            self._flush()
        elif kind & _END_TABLE:
            self._end_orphans()
            self.row = self.rows_above.pop()
            self.tables -= 1
            if not self.tables:
                self.mode = _OUT
                self._flush()
                self.pending = []  # a rowspan never reaches into the next table

    def data(self, text: str) -> None:
        if self.mode == _CELL:
            self.text.append(text)

    def close(self) -> None:
        self._end_orphans()
        self._flush()

    def _end_cell(self) -> None:
        self.mode = _TABLE
        row = self.cell_row
        assert row is not None
        text = "".join(self.text)
        if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text:
            text = _SPACE.sub(" ", text)
        row.texts.append(text.strip())
        if self.span != (1, 1) and row.spans is None:
            row.spans = [(1, 1)] * (len(row.texts) - 1)
        if row.spans is not None:
            row.spans.append(self.span)

    def _end_orphans(self) -> None:
        if self.orphan is not None:
            self.orphan.done = True
            self.orphan = None
            self._flush()

    def _flush(self) -> None:
        queue = self.queue
        while queue and queue[0].done:
            row = queue.popleft()
            if row.spans is None and not self.pending:
                texts = row.texts
                while texts and not texts[-1]:
                    texts.pop()
                self.ready.append(tuple([t or None for t in texts]))
            else:
                self.ready.append(self._lay_out(row))
            self.rows += 1

    def _lay_out(self, row: _Row) -> tuple[object, ...]:
        """Place the cells in the columns the rowspans from above leave free. The cost follows
        the cells and the open rowspans, not the columns they cover: the row ends at its last
        value, and a colspan of 16,384 is one step."""
        pending = self.pending
        values: dict[int, str] = {}
        below: list[tuple[int, int, int]] = []
        col = 0
        i = 0
        for text, (span, down) in zip(
            row.texts, row.spans or [(1, 1)] * len(row.texts), strict=True
        ):
            while i < len(pending) and pending[i][0] <= col:
                col = max(col, pending[i][1])
                i += 1
            if text:
                values[col] = text
            if down > 1:
                below.append((col, col + span, down - 1))
            col += span
        kept = [(c, e, n - 1) for c, e, n in pending if n > 1]
        for item in below:
            bisect.insort(kept, item)
        self.pending = kept
        if not values:
            return ()
        cells: list[object] = [None] * (max(values) + 1)
        for c, text in values.items():
            cells[c] = text
        return tuple(cells)


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int(value.strip() or 1), _MAX_SPAN))
    except ValueError:
        return 1


class _TextCount:
    """Parser target counting the ``<tr`` tags the parser reads as text: in attribute values,
    comments and the text of elements the file closes. What only the end of the file closes (a
    comment, ``<script>`` or ``<plaintext>`` left open) swallowed the rest: not counted."""

    def __init__(self) -> None:
        self.closing = False
        self.rows = 0
        self.count = 0
        self.open: list[int] = []  # per open element: the ``<tr`` in its text so far

    def start(self, tag: str, attrib) -> None:
        self.open.append(0)
        for value in attrib.values():
            if "<" in value:
                self.count += _tr_in(value)

    def end(self, tag: str) -> None:
        n = self.open.pop()
        if not self.closing:
            self.count += n

    def data(self, text: str) -> None:
        if self.open and "<" in text:
            self.open[-1] += _tr_in(text)

    def comment(self, text: str) -> None:
        if not self.closing:
            self.count += _tr_in(text)

    def close(self) -> None:
        return None


def _tr_in(text: str) -> int:
    return len(_TR_TAG.findall(text.encode("utf-8")))


# --------------------------------------------------------------------------- as a table


def html_table(data: bytes, ctx: Ctx, encoding: str | None, sheet: str | None) -> dict:
    """An HTML table saved as .xls, read as one sheet (``sheet`` must name it, if given)."""
    page, name = _html_utf8(data, ctx, encoding)
    grid = read_html(page)
    if sheet is not None:  # the page's one sheet, or the same error as a workbook's
        pick_sheet(ctx, Book([grid]), sheet)
    try:
        parts = sheet_rows(ctx, grid, [])
    except HtmlError as exc:
        raise _html_stopped(ctx, exc) from None
    parts["encoding"] = name
    return parts


def _html_stopped(ctx: Ctx, exc: HtmlError) -> CchcError:
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


def _html_utf8(data: bytes, ctx: Ctx, encoding: str | None) -> tuple[bytes, str]:
    """The page as UTF-8 bytes for the parser, and its encoding: ``--encoding``, else the BOM,
    else what the page declares, else UTF-8 — damaged UTF-8 (a few bad bytes) is reported, as
    for a CSV — else Windows-1258. Bytes the encoding cannot decode are an error naming the
    offset and line, whose hint fits where the encoding came from."""
    hint: Msg | None = None  # the default: the user gave --encoding
    if encoding:
        name = codec(ctx, encoding)
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
        bad = first_bad_utf8(data, 0)
        if bad is None:
            return data, "utf-8"
        lo = max(0, bad - sizes.SAMPLE // 2)
        while lo and 0x80 <= data[lo] < 0xC0:  # not in the middle of a character
            lo -= 1
        if mostly_utf8(data[lo : bad + sizes.SAMPLE // 2], bad + sizes.SAMPLE // 2 >= len(data)):
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
        bad = first_bad_utf8(data, start)
        if bad is not None:
            raise _utf8_error_at(ctx, data, bad, hint)
        return (data[start:] if start else data), name
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise decode_error(ctx, data, name, exc, hint=hint) from None
    return text.encode("utf-8"), name


def _utf8_error_at(ctx: Ctx, data: bytes, bad: int, hint: Msg | None) -> CchcError:
    exc = UnicodeDecodeError("utf-8", data[bad : bad + 1], 0, 1, "invalid byte")
    return decode_error(ctx, data, "utf-8", exc, bad, hint)
