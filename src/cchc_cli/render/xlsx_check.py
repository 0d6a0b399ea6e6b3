"""``check --format xlsx``: the appendix staff attach to the CCHC report, as a workbook.

Sheet 1: plan title, agency, the exact period, every file read with its SHA-256, then one row per
indicator — figures as real numbers with Excel number formats (Excel shows ``97,19%`` or
``97.19%`` by the reader's locale), verdict, headroom, rows left out, source. Sheet 2: each
dossier indicator month by month (:func:`cchc_cli.engine.breakdown`, as ``check --by month``);
with another ``--by``, a third sheet by that grouping. Frozen header, A4 landscape one page wide
with the header row on every page; the same run gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..text import nfc
from . import (
    by_head,
    by_title,
    change_text,
    field_header,
    fmt_target,
    group_name,
    honest_places,
    number_json,
)
from .appendix import (
    APPENDIX_TITLE,
    SHEET,
    breakdown_rows,
    head,
    headroom_cell,
    meta_lines,
    notes_text,
    period_line,
    source_text,
    status_text,
    titles_by_id,
)
from .office import new_workbook, print_setup, put, thin_box, workbook_bytes

# Excel's own "Good", "Bad" and "Neutral" cell colours.
_FILL = {"pass": "C6EFCE", "fail": "FFC7CE", "no_data": "FFEB9C"}
_HEAD_FILL = "D9E1F2"
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class _Col:
    key: str  # a heading of appendix.HEAD, or "group"
    width: float
    kind: str = "text"  # text (wrapped) | short (centred) | number


def _number(v: Fraction | None) -> tuple[int | float | None, str | None]:
    if v is None:
        return None, None
    return number_json(v), "#,##0" if v.denominator == 1 else "#,##0.00"


def value_cell(r) -> tuple[int | float | None, str | None]:
    """The figure as Excel holds it: a ratio as a fraction of 1 with a percent format, a count,
    a score; shown with as many decimals as keep its verdict visible (97.995% against "≥ 98%"
    shows 97,995%, never 98,00%)."""
    v = r.value
    if v is None:
        return None, None
    ind = r.indicator
    if ind.measure == "count":
        return _number(v)
    places = honest_places(v, ind.target, r.baseline)
    zeros = "0" * places
    if ind.measure == "ratio":
        return float(v / 100), f"0.{zeros}%"
    return float(v), f"#,##0.{zeros}"


def _figures(r, lang: str) -> list:
    """Numerator, denominator, value, verdict, rows left out: the cells every table has."""
    return [
        _number(r.numerator),
        _number(r.denominator),
        value_cell(r),
        (status_text(r, lang), None),
        (r.left_out, "#,##0"),
    ]


# The columns of :func:`_figures`.
FIGURE_COLUMNS = (
    _Col("numerator", 11, "number"),
    _Col("denominator", 11, "number"),
    _Col("value", 11, "number"),
    _Col("status", 13, "short"),
    _Col("left_out", 9, "number"),
)
MAIN_COLUMNS = (
    _Col("no", 5, "short"),
    _Col("section", 8, "short"),
    _Col("id", 22),
    _Col("title", 55),
    _Col("target", 11, "short"),
    *FIGURE_COLUMNS,
    _Col("headroom", 24),
    _Col("source", 30),
    _Col("notes", 36),
)


def _table(ws, top: int, columns, rows, lang: str, heads: dict | None = None) -> None:
    """The header row at ``top`` (frozen, repeated on every printed page), then ``rows``: each a
    list of ``(value, number format)`` and the verdict, which colours the verdict cell."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    box = thin_box()
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
    number = Alignment(horizontal="right", vertical="top")
    align = {"text": wrap, "short": centre, "number": number}
    heading = Alignment(horizontal="center", vertical="center", wrap_text=True)
    head_fill = PatternFill("solid", fgColor=_HEAD_FILL)
    for c, col in enumerate(columns, start=1):
        text = (heads or {}).get(col.key) or head(col.key, lang)
        put(ws, top, c, text, bold=True, align=heading, border=box, fill=head_fill)
        ws.column_dimensions[get_column_letter(c)].width = col.width
    status_col = next((c for c, col in enumerate(columns, start=1) if col.key == "status"), None)
    for n, (cells, status) in enumerate(rows, start=top + 1):
        for c, (col, (value, fmt)) in enumerate(zip(columns, cells, strict=True), start=1):
            fill = None
            if c == status_col:
                fill = PatternFill("solid", fgColor=_FILL[status])
            put(ws, n, c, value, align=align[col.kind], border=box, fmt=fmt, fill=fill)
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{top + max(len(rows), 1)}"
    print_setup(ws, f"{top}:{top}")


def _heading_block(ws, lines: list[tuple[str, bool]]) -> int:
    """Title lines from row 1 (text overflows to the right, unwrapped); returns the header row."""
    for n, (text, bold) in enumerate(lines, start=1):
        put(ws, n, 1, text, bold=bold)
    return len(lines) + 2


def _main_sheet(ws, result, lang: str) -> None:
    ws.title = SHEET["main"].get(lang)
    plan = result.plan
    lines = [(APPENDIX_TITLE.get(lang), True), (plan.title, True)]
    lines += [(line, False) for line in meta_lines(result, lang)]
    top = _heading_block(ws, lines)
    header = field_header(result)
    rows = []
    for n, r in enumerate(result.indicators, start=1):
        ind = r.indicator
        cells = [
            (n, None),
            (ind.section, None),
            (ind.id, None),
            (nfc(ind.title_in(lang)), None),
            (fmt_target(r, lang), None),
            *_figures(r, lang),
            (headroom_cell(r, lang) or None, None),
            (source_text(r, lang), None),
            (notes_text(r, header, lang) or None, None),
        ]
        rows.append((cells, r.status))
    columns = MAIN_COLUMNS
    if result.comparison is not None:  # --compare: the change since the earlier run, as text
        columns = (*MAIN_COLUMNS[:-3], _Col("change", 22), *MAIN_COLUMNS[-3:])
        at = len(MAIN_COLUMNS) - 3
        for (cells, _), r in zip(rows, result.indicators, strict=True):
            cells.insert(at, (change_text(result.comparison, r, lang) or None, None))
    _table(ws, top, columns, rows, lang)


def _breakdown_sheet(ws, result, by: str, groups, lang: str) -> None:
    """One row per dossier indicator and group (month, field…): numerator, denominator, value,
    verdict, rows left out, and why there is no figure."""
    ws.title = by_title(by, lang)[:31]
    period = period_line(result, lang)
    top = _heading_block(
        ws, [(result.plan.title, True), (by_title(by, lang), True), (period, False)]
    )
    months = by == "month"
    columns = [_Col("id", 22), _Col("title", 40), _Col("group", 14 if months else 30, "short")]
    if months:
        columns += [_Col("from", 11, "short"), _Col("to", 11, "short")]
    columns += [*FIGURE_COLUMNS, _Col("notes", 36)]
    titles = titles_by_id(result, lang)
    header = field_header(result)
    rows = []
    for ident, g, r in breakdown_rows(groups):
        cells = [(ident, None), (nfc(titles[ident]), None), (group_name(g.key, lang, by), None)]
        if months:
            cells += [(g.period[0], DATE_FORMAT), (g.period[1], DATE_FORMAT)]
        cells += [*_figures(r, lang), (notes_text(r, header, lang) or None, None)]
        rows.append((cells, r.status))
    _table(ws, top, columns, rows, lang, {"group": by_head(by, lang)})


def render_check_xlsx(result, lang: str = "vi", *, months=None, breakdown=None, **_) -> bytes:
    """``months``: ``("month", groups)`` of :func:`cchc_cli.engine.breakdown`; ``breakdown``:
    ``(by, groups)`` of ``--by`` (a sheet of its own unless it is the months)."""
    wb = new_workbook(result.plan.title)
    _main_sheet(wb.active, result, lang)
    sheets = [months] if months is not None else []
    if breakdown is not None and (months is None or breakdown[0] != months[0]):
        sheets.append(breakdown)
    for by, groups in sheets:
        _breakdown_sheet(wb.create_sheet(), result, by, groups, lang)
    return workbook_bytes(wb)
