"""Spreadsheet-like files — xlsx (openpyxl), .xls (xlrd) and HTML tables, all seen as sheets of
Python values (:class:`~cchc_cli.io.grid.Grid` or openpyxl's worksheet) — made into a table by
one code path: the sheet picked (``--sheet``), each value as text (:func:`cell_text`), the
header row searched among the first rows, the data rows checked against its width and
finished (:func:`~cchc_cli.io.clean.finish`). Line numbers are the sheet's row numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .. import arrow as A
from ..errors import CchcError
from ..text import clean, closest, fold, visible
from .clean import finish
from .files import Ctx
from .header import HEADER_SEARCH_ROWS, Hit, Record, no_header_error


@dataclass(frozen=True)
class Book:
    """The sheets of a workbook, as :func:`pick_sheet` expects them."""

    worksheets: list


def pick_sheet(ctx: Ctx, wb, sheet: str | None):
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


def _sheet_list(sheets, lang: str) -> str:
    """Sheet names for a message, hidden ones marked."""
    hidden = " (ẩn)" if lang == "vi" else " (hidden)"
    return ", ".join(
        f"'{visible(ws.title)}'" + (hidden if ws.sheet_state != "visible" else "") for ws in sheets
    )


def cell_text(value) -> str:
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


def sheet_rows(ctx: Ctx, ws, others=(), last: int | None = None) -> dict:
    """The header search and data rows of a worksheet (openpyxl's, or an io.grid.Grid), read up
    to row ``last`` (the last one with a value; None: to the end)."""
    raw = iter(()) if last == 0 else ws.iter_rows(min_row=1, max_row=last, values_only=True)
    rows = enumerate(raw, start=1)
    buffered: list[Record] = []  # every row read while searching for the header
    best: Hit | None = None
    nonblank = 0
    for num, row in rows:
        cells = [cell_text(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        rec = Record(num, num, cells)
        buffered.append(rec)
        if not cells:
            continue
        nonblank += 1
        s = ctx.score(cells)
        if best is None or s > best.score:
            best = Hit(s, "", rec)
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
        raise no_header_error(ctx, [r for r in buffered if r.cells], where, where_en)

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
        add(num, [cell_text(v) for v in row])
    columns = [pa.chunked_array([A.strings(c)]) for c in cols]  # pa.array would import pandas
    cells, kept, emptied, layout = finish(
        columns, len(line_list), None, 0, header.cells, ctx.keys
    )
    rows_at = np.asarray(line_list, dtype=np.int64)  # finish numbered the rows 0, 1, …
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


def damaged_workbook(ctx: Ctx, detail: str) -> CchcError:
    return ctx.error(
        f"tệp Excel '{ctx.name}' bị hỏng hoặc không đầy đủ ({detail})",
        f"Excel file '{ctx.name}' is damaged or incomplete ({detail})",
        "mở bằng Excel và lưu lại dạng .xlsx (hoặc 'Lưu thành' CSV UTF-8), hoặc tải/xuất lại tệp",
        "open it in Excel and save it again as .xlsx (or 'Save As' CSV UTF-8), "
        "or download/export it again",
    )
