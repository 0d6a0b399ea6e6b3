"""HTML tables saved as ``.xls`` (the "Excel HTML" that web one-stop systems download).

Excel opens such a file as one sheet holding every top-level ``<table>`` one after another, a
``<tr>`` per row, merged cells for ``colspan``/``rowspan``; row numbers here are those rows, as
the user sees them in Excel. The sheet is named by the page's ``<x:Name>`` when it has one.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from .grid import Grid

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_SHEET_NAME = re.compile(r"<x:Name>(.*?)</x:Name>", re.S | re.I)
_SPACE = re.compile(r"[ \t\r\n\f]+")
_SNIFF = (b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body", b"<!--")


def looks_like_html(data: bytes) -> bool:
    """Markup that holds a table (an Excel 2003 XML spreadsheet is something else)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        return False
    return (
        head.startswith(_SNIFF)
        and b"<table" in data[: 1 << 20].lower()
        and (b"urn:schemas-microsoft-com:office:spreadsheet" not in head)
    )


def declared_encoding(data: bytes) -> str | None:
    """The charset the page declares (meta tag or XML declaration), if Python knows it."""
    m = _META_CHARSET.search(data[:4096]) or _XML_ENCODING.search(data[:512])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_html(text: str) -> Grid:
    """The page's tables as one sheet."""
    import lxml.html

    doc = lxml.html.document_fromstring(text)
    m = _SHEET_NAME.search(text[:65536])
    title = _SPACE.sub(" ", m.group(1)).strip() if m else "(HTML)"
    tables = [t for t in doc.iter("table") if not any(a.tag == "table" for a in t.iterancestors())]
    rows: list[tuple[object, ...]] = []
    for table in tables:
        rows.extend(_table_rows(table))
    return Grid(title, lambda: iter(rows), "html")


def _table_rows(table) -> Iterator[tuple[object, ...]]:
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for tr in table.iter("tr"):
        if _owner(tr) is not table:
            continue  # a row of a nested table
        row: list[object] = []
        col = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while pending.get(col):
                row.append(None)
                pending[col] -= 1
                col += 1
            span = _span(cell, "colspan")
            down = _span(cell, "rowspan")
            row.append(_text(cell) or None)
            row.extend([None] * (span - 1))
            for c in range(col, col + span):
                if down > 1:
                    pending[c] = down - 1
            col += span
        while any(pending.get(c) for c in range(col, max(pending, default=-1) + 1)):
            if pending.get(col):
                pending[col] -= 1
            row.append(None)
            col += 1
        yield tuple(row)


def _owner(tr):
    for a in tr.iterancestors():
        if a.tag == "table":
            return a
    return None


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(str(cell.get(name, "1")).strip() or 1), 16384))
    except ValueError:
        return 1


def _text(cell) -> str:
    for br in cell.iter("br"):
        br.tail = " " + (br.tail or "")
    return _SPACE.sub(" ", cell.text_content()).strip()
