"""``check --format docx``: the appendix as a Word table, ready to paste into the CCHC report.

A4 landscape; title, agency and the exact period above one table whose header row repeats on
every page; figures worded as the terminal table words them (``2.732/2.811``, ``97,19%``), since
they come from the same helpers; notes, and the files read with their SHA-256, below. With
``--by``, a second table: each dossier indicator per month (field…). Fixed core properties and zip
dates: the same run gives the same bytes.
"""

from __future__ import annotations

import io

from ..text import nfc
from . import (
    by_head,
    by_title,
    change_text,
    field_header,
    fmt_int,
    fmt_target,
    fmt_value,
    group_name,
)
from .appendix import (
    APPENDIX_TITLE,
    breakdown_rows,
    context_lines,
    file_lines,
    head,
    headroom_cell,
    notes_text,
    period_line,
    source_text,
    status_text,
    summary_line,
    titles_by_id,
)
from .office import CREATOR, FIXED_TIME, fixed_zip, xml_text

FONT = "Times New Roman"  # the font of administrative documents (Nghị định 30/2020/NĐ-CP)
# Column widths in mm; the page leaves 297 - 2 x 15 = 267 mm.
MAIN_WIDTHS = (("no", 10), ("section", 14), ("title", 77), ("target", 20), ("num_den", 28),
               ("value", 20), ("status", 22), ("headroom", 36), ("source", 40))  # fmt: skip
BREAKDOWN_WIDTHS = (("title", 97), ("group", 40), ("num_den", 40), ("value", 40), ("status", 50))


def num_den(r, lang: str) -> str:
    """``2.732/2.811``, a lone count, or ``–``: as the terminal table writes it."""
    if r.denominator is not None:
        return f"{fmt_int(r.numerator, lang)}/{fmt_int(r.denominator, lang)}"
    return fmt_int(r.numerator, lang) if r.numerator is not None else "–"


def _setup(doc) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = section.bottom_margin = Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    props = doc.core_properties
    props.author = props.last_modified_by = CREATOR
    props.comments = ""
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1


def _paragraph(doc, text: str, *, bold=False, centre=False, size=None, italic=False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    run = p.add_run(xml_text(text))
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if centre:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(2)
    return p


def _table(doc, widths, heads: dict[str, str], rows: list[list[str]], bold_col: int | None):
    """A bordered table; its first row is the header, repeated on every page; no row breaks
    across a page."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=1 + len(rows), cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    numbers = {"no", "num_den", "value", "target", "section", "status", "group"}
    for n, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        flag = OxmlElement("w:tblHeader" if n == 0 else "w:cantSplit")
        flag.set(qn("w:val"), "true")
        tr_pr.append(flag)
        texts = [heads[k] for k, _ in widths] if n == 0 else rows[n - 1]
        for c, ((key, mm), text) in enumerate(zip(widths, texts, strict=True)):
            cell = row.cells[c]
            cell.width = Mm(mm)
            p = cell.paragraphs[0]
            run = p.add_run(xml_text(text))
            run.font.size = Pt(11)
            run.bold = n == 0 or c == bold_col
            if n == 0 or key in numbers:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if n > 0 and key in ("num_den", "value"):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def render_check_docx(result, lang: str = "vi", *, breakdown=None, **_) -> bytes:
    import docx

    doc = docx.Document()
    _setup(doc)
    plan = result.plan
    doc.core_properties.title = xml_text(plan.title)
    _paragraph(doc, APPENDIX_TITLE.get(lang), bold=True, centre=True, size=13)
    _paragraph(doc, plan.title, bold=True, centre=True)
    if plan.agency:
        _paragraph(doc, plan.agency, centre=True)
    _paragraph(doc, period_line(result, lang), centre=True)

    widths = MAIN_WIDTHS
    if result.comparison is not None:  # --compare: the change since the earlier run
        widths = (*MAIN_WIDTHS[:-2], ("change", 30), *MAIN_WIDTHS[-2:])
    heads = {key: head(key, lang) for key, _ in widths}
    rows = [
        [
            str(n),
            r.indicator.section,
            nfc(r.indicator.title_in(lang)),
            fmt_target(r, lang),
            num_den(r, lang),
            fmt_value(r, lang),
            status_text(r, lang),
            headroom_cell(r, lang),
            source_text(r, lang),
        ]
        for n, r in enumerate(result.indicators, start=1)
    ]
    if result.comparison is not None:
        at = len(MAIN_WIDTHS) - 2
        for row, r in zip(rows, result.indicators, strict=True):
            row.insert(at, change_text(result.comparison, r, lang))
    _table(doc, widths, heads, rows, bold_col=6)

    header = field_header(result)
    notes = [
        f"{head('no', lang)} {n}: {text}"
        for n, r in enumerate(result.indicators, start=1)
        if (text := notes_text(r, header, lang))
    ]
    if notes:
        _paragraph(doc, head("notes", lang) + ":", bold=True, size=10)
        for line in notes:
            _paragraph(doc, line, size=10)
    for line in [
        summary_line(result, lang),
        *file_lines(result, lang),
        *context_lines(result, lang),
    ]:
        _paragraph(doc, line, size=9, italic=True)

    if breakdown is not None:
        by, groups = breakdown
        _paragraph(doc, by_title(by, lang), bold=True)
        titles = titles_by_id(result, lang)
        heads = {key: head(key, lang) for key, _ in BREAKDOWN_WIDTHS if key != "group"}
        heads["group"] = by_head(by, lang)
        rows, shown = [], None
        for ident, g, r in breakdown_rows(groups):
            rows.append(
                [
                    nfc(titles[ident]) if ident != shown else "",  # once, atop its groups
                    group_name(g.key, lang, by),
                    num_den(r, lang),
                    fmt_value(r, lang),
                    status_text(r, lang),
                ]
            )
            shown = ident
        _table(doc, BREAKDOWN_WIDTHS, heads, rows, bold_col=4)

    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip(buf.getvalue())
