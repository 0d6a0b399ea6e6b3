"""`cchc explain` output: definition, figures and the rows behind them (table, CSV, JSON, or an
xlsx worklist)."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .. import __version__
from ..errors import shown_path
from ..explain import LEAD
from ..plan.describe import definition, field_label, register_definition
from ..text import nfc
from . import (
    STATUS_TEXT,
    fmt_date,
    fmt_int,
    fmt_target,
    fmt_value,
    number_json,
    reason_text,
    register_line,
    text_console,
)
from .csv import csv_join, write_csv

SCHEMA_VERSION = 1

_STYLE = {"pass": "bold green", "fail": "bold red", "no_data": "bold yellow"}

ROWS_TITLE = {
    "failing": (
        "Dòng không đạt (thuộc mẫu số, không thuộc tử số)",
        "Failing rows (in the denominator, not in the numerator)",
    ),
    "counted": ("Dòng được tính (thuộc mẫu số)", "Counted rows (in the denominator)"),
    "left-out": (
        "Dòng bị loại ra (không xác định được, không tính vào tử số và mẫu số)",
        "Left-out rows (unknown for this indicator, in neither numerator nor denominator)",
    ),
    "open-due": (
        "Hồ sơ đang giải quyết đến hạn trong kỳ (hẹn trả không muộn hơn ngày cuối kỳ)",
        "Open dossiers due by the period's end (due on or before its last day)",
    ),
    "all": ("Tất cả các dòng và cách phân loại", "Every row and its classification"),
}

CLASS_TEXT = {
    "counted_pass": ("tính – đạt", "counted-pass"),
    "counted_fail": ("tính – không đạt", "counted-fail"),
    "left_out": ("loại ra", "left-out"),
    "not_in_denominator": ("ngoài mẫu số", "not in denominator"),
    "open_due": ("đang giải quyết – đến hạn trong kỳ", "open – due by period end"),
}

_DERIVED_HEADERS = {
    "due": ("Ngày hẹn trả", "due"),
    "end_at": ("Ngày kết thúc", "end_at"),
    "days_late": ("Số ngày trễ hẹn (ngày lịch)", "days late (calendar)"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def result_json(r) -> dict:
    return {
        "status": r.status,
        "value": None if r.value is None else float(r.value),
        "numerator": number_json(r.numerator),
        "denominator": number_json(r.denominator),
        "baseline": number_json(r.baseline),
        "left_out": r.left_out,
        "left_out_by": [
            {"reason": lo.reason, "field": lo.field, "rows": lo.rows} for lo in r.left_out_by
        ],
        "reason": r.reason,
        "reason_detail": r.reason_detail,
    }


def explain_dict(expl, lang: str = "vi") -> dict:
    ind, plan = expl.indicator, expl.plan
    d = _definition(plan, ind, lang)
    rows = expl.rows
    out = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cchc", "version": __version__},
        "plan": {"id": plan.id, "title": plan.title, "path": plan.path, "sha256": plan.sha256},
        "period": {"start": expl.period[0].isoformat(), "end": expl.period[1].isoformat()},
        "indicator": {
            "id": ind.id,
            "section": ind.section,
            "title": ind.title,
            "title_en": ind.title_en,
            "source": ind.source,
            "measure": ind.measure,
            "target": ind.target.as_json(),
            "denominator_condition": ind.denominator_text,
            "numerator_condition": ind.numerator_text,
            "note": ind.note,
        },
        "definition": (
            {
                "lang": lang,
                "denominator": d.denominator,
                "numerator": d.numerator,
                "notes": list(d.notes),
            }
            if d
            else None
        ),
        "result": result_json(expl.result),
        "evidence": expl.result.evidence.as_json() if expl.result.evidence else None,
        "input": (
            {
                **(
                    {"register": expl.input.register, "sheet": expl.input.sheet}
                    if expl.indicator.source == "registers"
                    else {}
                ),
                "path": expl.input.path,
                "sha256": expl.input.sha256,
                "rows_read": expl.input.rows_read,
            }
            if expl.input
            else None
        ),
        **(
            {
                "inputs": [
                    {"path": f.path, "sha256": f.sha256, "rows_read": f.rows_read}
                    for f in expl.files
                ]
            }
            if len(getattr(expl, "files", ())) > 1
            else {}
        ),
        **(
            {
                "registers": [
                    {
                        "register": i.register,
                        "path": i.path,
                        "sheet": i.sheet,
                        "sha256": i.sha256,
                        "rows_read": i.rows_read,
                    }
                    for i in expl.registers
                ]
            }
            if expl.indicator.source == "registers"
            else {}
        ),
        "actuals": {"path": expl.actuals.path, "sha256": expl.actuals.sha256}
        if expl.actuals
        else None,
        "rows": (
            {
                "kind": expl.rows_kind,
                "total": len(rows),
                "columns": rows.columns,
                "items": rows.rows(),
            }
            if rows is not None
            else None
        ),
    }
    return out


def render_explain_json(expl, lang: str = "vi") -> str:
    return json.dumps(explain_dict(expl, lang), ensure_ascii=False, indent=2) + "\n"


def render_explain_csv(expl, lang: str = "vi") -> str:
    if expl.rows is None:  # a figure from the actuals file: one row with its evidence
        r, ev = expl.result, expl.result.evidence
        header = [
            "id",
            "status",
            "value",
            "numerator",
            "denominator",
            "baseline",
            "document",
            "date",
            "note",
        ]
        row = [
            expl.indicator.id,
            r.status,
            None if r.value is None else repr(float(r.value)),
            number_json(r.numerator),
            number_json(r.denominator),
            number_json(r.baseline),
            ev.document if ev else "",
            fmt_date(ev.date, "vi") if ev and ev.date else "",
            ev.note if ev and ev.note else "",
        ]
        return write_csv(header, [row])
    # built column by column: the same text write_csv gives for the rows' values
    return csv_join(expl.rows.columns, expl.rows.csv_columns())


def render_explain(
    expl,
    fmt: str = "table",
    lang: str = "vi",
    *,
    limit: int = 50,
    color: bool = False,
    width: int | None = None,
) -> str | bytes:
    """Text, or bytes for ``xlsx``."""
    if fmt == "xlsx":
        return render_explain_xlsx(expl, lang)
    if fmt == "json":
        return render_explain_json(expl, lang)
    if fmt == "csv":
        return render_explain_csv(expl, lang)
    return render_explain_table(expl, lang, limit=limit, color=color, width=width)


def result_line(expl, lang: str) -> str:
    """``Kết quả: 2.732 / 2.811 = 97,19% — mục tiêu ≥ 98% → KHÔNG ĐẠT``."""
    vi = lang != "en"
    r = expl.result
    if r.denominator is not None:
        figures = (
            f"{fmt_int(r.numerator, lang)} / {fmt_int(r.denominator, lang)} = {fmt_value(r, lang)}"
        )
    elif r.value is not None:
        figures = fmt_value(r, lang)
        if r.baseline is not None:
            figures += f" ({'năm gốc' if vi else 'baseline'} {fmt_int(r.baseline, lang)})"
    else:
        figures = "–"
    target = fmt_target(r, lang)
    return (
        ("Kết quả: " if vi else "Result: ")
        + figures
        + (f" — mục tiêu {target} → " if vi else f" — target {target} → ")
        + STATUS_TEXT[r.status].get(lang)
    )


def render_explain_table(
    expl, lang: str = "vi", *, limit: int = 50, color: bool = False, width: int | None = None
) -> str:
    vi = lang != "en"
    f = lambda n: fmt_int(n, lang)  # noqa: E731
    con, buf = text_console(color, width or 160)
    ind, plan, r = expl.indicator, expl.plan, expl.result
    con.print(Text(f"{ind.id} — {nfc(ind.title_in(lang))}", style="bold"))
    con.print(
        (
            f"Mục {ind.section} · mục tiêu {fmt_target(r, lang)} · "
            f"kế hoạch: {plan.title} ({shown_path(plan.path, lang)})"
            if vi
            else f"Section {ind.section} · target {fmt_target(r, lang)} · "
            f"plan: {plan.title} ({shown_path(plan.path, lang)})"
        ),
        markup=False,
    )
    p0, p1 = (fmt_date(d, lang) for d in expl.period)
    con.print(f"Kỳ báo cáo: {p0} – {p1}" if vi else f"Period: {p0} – {p1}")
    if ind.source == "registers":
        for i in expl.registers:  # its own, then those a semi-join reads
            con.print(register_line(i, lang), markup=False)
    elif expl.input is not None:
        path = input_paths(expl)
        con.print(
            (
                f"Tệp hồ sơ: {path} ({f(expl.input.rows_read)} dòng)"
                if vi
                else f"Dossier file: {path} ({f(expl.input.rows_read)} rows)"
            ),
            markup=False,
        )
    con.print()
    d = _definition(plan, ind, lang)
    if ind.source == "registers":
        reg = plan.registers[ind.register]
        title = reg.title if vi else (reg.title_en or reg.title)
        con.print(
            f"{'Nguồn: sổ theo dõi' if vi else 'Source: the register'} {title} ({reg.name})",
            markup=False,
        )
    if d is not None:
        con.print(
            "Định nghĩa (sinh từ điều kiện trong kế hoạch):"
            if vi
            else "Definition (generated from the plan's conditions):"
        )
        if ind.source == "registers" and ind.rule.denominator is None:  # a count
            con.print(f"  {'Đếm' if vi else 'Counted'}: {d.numerator}", markup=False)
        else:
            con.print(f"  {'Mẫu số' if vi else 'Denominator'}: {d.denominator}", markup=False)
            con.print(
                f"  {'Tử số' if vi else 'Numerator'}: "
                f"{'trong mẫu số, ' if vi else 'of those, '}{d.numerator}",
                markup=False,
            )
        texts = [("denominator", ind.denominator_text), ("numerator", ind.numerator_text)]
        con.print(
            f"  {'Điều kiện trong kế hoạch' if vi else 'Plan conditions'}: "
            + " · ".join(f"{side}: {text}" for side, text in texts if text),
            markup=False,
        )
        for note in d.notes:
            con.print(f"  • {note}", markup=False)
    else:
        con.print(
            (
                f"Nguồn: số liệu ngoài phần mềm Một cửa "
                f"(tệp số liệu: {expl.actuals.path if expl.actuals else '—'})"
                if vi
                else f"Source: figures kept outside the one-stop system (actuals file: "
                f"{expl.actuals.path if expl.actuals else '—'})"
            ),
            markup=False,
        )
        if ind.note:
            con.print(f"  {ind.note}", markup=False)

    con.print()
    verdict = STATUS_TEXT[r.status].get(lang)
    line = Text(result_line(expl, lang).removesuffix(verdict))
    line.append_text(Text(verdict, style=_STYLE[r.status]))
    con.print(line)
    if r.status == "no_data":
        detail = f": {r.reason_detail}" if r.reason_detail else ""
        con.print(f"  {reason_text(r.reason, lang)}{detail}", markup=False)
    if r.left_out:
        parts = ", ".join(
            f"{f(lo.rows)} {reason_text(lo.reason, lang)} ({lo.field})" for lo in r.left_out_by
        )
        con.print(
            f"  {'Loại ra' if vi else 'Left out'} {f(r.left_out)} "
            f"{'dòng' if vi else ('row' if r.left_out == 1 else 'rows')}: {parts}",
            markup=False,
        )
    if r.evidence is not None:
        ev = r.evidence
        text = ev.document + (
            f", {'ngày' if vi else 'dated'} {fmt_date(ev.date, lang)}" if ev.date else ""
        )
        text += f" — {ev.note}" if ev.note else ""
        con.print(f"{'Căn cứ' if vi else 'Evidence'}: {text}", markup=False)
    elif ind.source == "actuals" and r.status != "no_data":
        con.print("Căn cứ: (không ghi văn bản)" if vi else "Evidence: (no document given)")

    if expl.rows is not None:
        _rows_table(con, expl, lang, limit)
    return buf.getvalue()


def _definition(plan, ind, lang: str):
    """The indicator's definition in words (None: a typed figure)."""
    if ind.source == "dossiers":
        return definition(plan, ind, lang)
    if ind.source == "registers":
        return register_definition(plan, ind, lang)
    return None


def input_paths(expl) -> str:
    """The export's path; several files counted as one: each one's, comma-separated."""
    files = getattr(expl, "files", ())
    return ", ".join(f.path for f in files) if len(files) > 1 else expl.input.path


def rows_title(kind: str, lang: str) -> str:
    return _pick(ROWS_TITLE[kind], lang)


def row_columns(expl, lang: str, *, processing_days: bool = False) -> list[tuple[str, str]]:
    """``(key, heading)`` of the columns a person reads for the listed rows — the terminal table,
    the xlsx worklist and the HTML report's lists: the class (for counted / all rows), the reason
    (left-out / all), dossier id, file line, then the fields (the file's own header in
    Vietnamese). ``class`` and ``reason`` are :func:`row_cell` texts; processing days stay inside
    a derived due date unless ``processing_days`` gives them a column (the xlsx, whose due dates
    are date cells)."""
    vi = lang != "en"
    kind = expl.rows_kind
    out = []
    if kind in ("all", "counted"):
        out.append(("class", "Phân loại" if vi else "Class"))
    if kind in ("all", "left-out"):
        out.append(("reason", "Lý do" if vi else "Reason"))
    rows = expl.rows
    headers = dict(getattr(expl.input, "headers", ()) or ())
    if rows.ident == "dossier_id":
        out.append(("dossier_id", "Mã hồ sơ" if vi else "dossier_id"))
    elif rows.ident is not None:  # a register's key: its header in the file
        out.append((rows.ident, _register_heading(rows.ident, headers, vi)))
    if rows.files:  # several files counted as one export
        out.append(("file", "Tệp" if vi else "File"))
    if dict(rows.place).get("sheet"):  # the register's file is in the heading, its sheet here
        out.append(("sheet", "Sheet"))
    out.append(("line", "Dòng" if vi else "Line"))
    skip = {*LEAD, *(name for name, _ in rows.place), rows.ident}
    for name in rows.columns:
        if name in skip:
            continue
        if name == "due_derived" or (name == "processing_days" and not processing_days):
            continue
        if rows.place:
            out.append((name, _register_heading(name, headers, vi)))
        elif name in _DERIVED_HEADERS:
            out.append((name, _pick(_DERIVED_HEADERS[name], lang)))
        elif vi:
            out.append(
                (name, headers.get(name) or field_label(expl.plan, name, "vi", quoted=False))
            )
        else:
            out.append((name, name))
    return out


def _register_heading(name: str, headers: dict, vi: bool) -> str:
    """A register cell's heading (``register.field``): its header in the file, in Vietnamese."""
    field = name.partition(".")[2]
    return headers.get(field, field) if vi else field


def row_cell(row: dict, key: str, lang: str):
    """One listed row's cell as a person reads it: the class and reason in words, a derived due
    date with the working days it was counted from; other values as :meth:`RowTable.rows` gives
    them (``line`` and ``days_late`` numbers, ``days_late`` None when unknown)."""
    vi = lang != "en"
    if key == "class":
        return _pick(CLASS_TEXT[row["class"]], lang)
    if key == "reason":
        why = row["reason"]
        return f"{reason_text(why, lang)} ({row['reason_field']})" if why else ""
    value = row[key]
    if key == "due" and row.get("due_derived"):
        days = row.get("processing_days", "")
        value += f" (tính, {days} ngày làm việc)" if vi else f" (derived, {days} working days)"
    return value


def _rows_table(con: Console, expl, lang: str, limit: int) -> None:
    vi = lang != "en"
    f = lambda n: fmt_int(n, lang)  # noqa: E731
    rows, kind = expl.rows, expl.rows_kind
    con.print()
    con.print(Text(f"{rows_title(kind, lang)}: {f(len(rows))}", style="bold"))
    if len(rows) == 0:
        return
    t = Table(header_style="bold", show_lines=False)
    columns = row_columns(expl, lang)
    for key, heading in columns:
        if key in ("line", "days_late"):
            t.add_column(heading, justify="right", no_wrap=True)
        elif key in ("class", "dossier_id", *_DERIVED_HEADERS):
            t.add_column(heading, no_wrap=True)
        else:
            t.add_column(heading)
    for row in rows.rows(0, max(limit, 0)):
        cells = [row_cell(row, key, lang) for key, _ in columns]
        t.add_row(*(escape("" if c is None else str(c)) for c in cells))
    con.print(t)
    more = len(rows) - max(limit, 0)
    if more > 0:
        con.print(
            f"… và {f(more)} dòng nữa (dùng --limit hoặc --format csv để xem đủ)"
            if vi
            else f"… and {f(more)} more (use --limit or --format csv for the full list)"
        )


# -- the xlsx worklist ---------------------------------------------------------------------------

_WIDTH = {"class": 22, "reason": 30, "dossier_id": 22, "line": 7, "unit": 26, "procedure": 42}
_NUMBERS = ("line", "days_late")


def _xlsx_value(key: str, value):
    """A listed cell as Excel holds it: a ``dd/mm/yyyy`` date as a date cell, a line or a number
    of days as a number, anything else (a bad date as written, a word) as text; empty as empty."""
    import datetime as dt

    if value is None or value == "":
        return None, None
    if key in _NUMBERS:
        return value, "0"
    if isinstance(value, str) and len(value) == 10 and value[2] == value[5] == "/":
        try:
            return dt.datetime.strptime(value, "%d/%m/%Y").date(), "dd/mm/yyyy"
        except ValueError:
            pass
    return value, None


def render_explain_xlsx(expl, lang: str = "vi") -> bytes:
    """The rows behind an indicator as the worklist staff work through (``--rows failing``: the
    late dossiers without an apology, the dossiers without the digitisation flag; ``open-due``:
    open dossiers due by the period's end): the indicator, period, file and result above; one row
    per dossier with unit, procedure, dates (date cells), days late and file line; frozen header,
    autofilter, A4 landscape one page wide with the header on every page; text never a formula."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    from .office import new_workbook, print_setup, put, thin_box, workbook_bytes

    vi = lang != "en"
    ind, plan = expl.indicator, expl.plan
    wb = new_workbook(plan.title)
    ws = wb.active
    registered = ind.source == "registers"
    if registered:
        ws.title = "Danh sách dòng" if vi else "Rows"
    else:
        ws.title = "Danh sách hồ sơ" if vi else "Dossiers"
    p0, p1 = (fmt_date(d, lang) for d in expl.period)
    lines = [
        (f"{ind.id} — {nfc(ind.title_in(lang))}", True),
        (f"{'Kế hoạch' if vi else 'Plan'}: {plan.title} — SHA-256 {plan.sha256}", False),
        (f"{'Kỳ báo cáo' if vi else 'Period'}: {p0} – {p1}", False),
    ]
    if registered:
        lines += [(register_line(i, lang, sha=True), False) for i in expl.registers]
    elif expl.input is not None:
        name = "Tệp hồ sơ" if vi else "Dossier file"
        files = getattr(expl, "files", ()) if len(getattr(expl, "files", ())) > 1 else [expl.input]
        shown = "; ".join(f"{f.path} — SHA-256 {f.sha256}" for f in files)
        lines.append((f"{name}: {shown}", False))
    lines.append((result_line(expl, lang), False))
    rows = expl.rows
    if rows is not None:
        lines.append((f"{rows_title(expl.rows_kind, lang)}: {fmt_int(len(rows), lang)}", True))
    for n, (text, bold) in enumerate(lines, start=1):
        put(ws, n, 1, text, bold=bold)
    if rows is None:  # a figure from the actuals file: nothing to list
        return workbook_bytes(wb)
    top = len(lines) + 2
    columns = [("no", "STT" if vi else "No."), *row_columns(expl, lang, processing_days=True)]
    box = thin_box()
    heading = Alignment(horizontal="center", vertical="center", wrap_text=True)
    fill = PatternFill("solid", fgColor="D9E1F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    for c, (key, text) in enumerate(columns, start=1):
        put(ws, top, c, text, bold=True, align=heading, border=box, fill=fill)
        ws.column_dimensions[get_column_letter(c)].width = _WIDTH.get(key, 5 if c == 1 else 13)
    for n, row in enumerate(rows.rows(), start=1):
        put(ws, top + n, 1, n, border=box, fmt="0")
        for c, (key, _) in enumerate(columns[1:], start=2):
            value, fmt = _xlsx_value(key, row_cell(row, key, lang) if key != "due" else row[key])
            put(ws, top + n, c, value, border=box, fmt=fmt, align=None if fmt else wrap)
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{top}:{last}{top + max(len(rows), 1)}"
    print_setup(ws, f"{top}:{top}")
    return workbook_bytes(wb)


__all__ = [
    "explain_dict",
    "render_explain",
    "render_explain_csv",
    "render_explain_json",
    "render_explain_table",
    "render_explain_xlsx",
    "result_line",
    "row_cell",
    "row_columns",
    "rows_title",
]
