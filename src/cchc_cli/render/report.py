"""Biểu số 06/VPCP/KSTT as text (table, Markdown, CSV, JSON) and as a workbook laid out like the
paper form; and the working calendar of ``cchc calendar``."""

from __future__ import annotations

import json

from ..errors import Msg, Reason
from ..report import (
    ALL_KEYS,
    CHANNEL_UNKNOWN,
    COLUMN_LABEL,
    COLUMN_NUMBER,
    KEYS,
    Form,
    FormRow,
    form_dict,
    group_label,
)
from ..results import lacking_detail
from . import fmt_date, fmt_int, reason_text, text_console

TITLE = Msg(
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC",
    "PROCESSING OF ADMINISTRATIVE PROCEDURES AT THE UNIT THAT RESOLVES THEM",
)
FORM_NAME = Msg("Biểu số 06/VPCP/KSTT", "Form 06/VPCP/KSTT")
LEGAL = Msg("(Thông tư số 01/2020/TT-VPCP)", "(Circular 01/2020/TT-VPCP)")
UNIT = Msg("Đơn vị tính: Số hồ sơ TTHC", "Unit: number of dossiers")
TOTAL = Msg("Tổng cộng", "Total")
STT = Msg("STT", "No.")
GROUP_HEAD = {
    "field": Msg("Lĩnh vực giải quyết", "Field"),
    "procedure": Msg("Thủ tục hành chính", "Procedure"),
    "unit": Msg("Đơn vị tiếp nhận", "Receiving unit"),
    "month": Msg("Tháng", "Month"),
}
# A cell of a column the export cannot fill (not a zero); CSV leaves it empty, JSON has null.
NOT_AVAILABLE = "—"
# The paper form's header: (level, first column, last column, lowest level it covers, text);
# columns count from 0 = (1) received_total; levels 0..2 from the top.
HEADER_CELLS = (
    (0, 0, 3, 0, Msg("Số hồ sơ nhận giải quyết", "Dossiers to resolve")),
    (1, 0, 0, 2, Msg("Tổng số", "Total")),
    (1, 1, 2, 1, Msg("Số mới tiếp nhận trong kỳ", "Newly received in the period")),
    (2, 1, 1, 2, Msg("Trực tuyến", "Online")),
    (2, 2, 2, 2, Msg("Trực tiếp, dịch vụ bưu chính", "In person or by post")),
    (1, 3, 3, 2, Msg("Từ kỳ trước chuyển qua", "Carried over from the previous period")),
    (0, 4, 10, 0, Msg("Kết quả giải quyết", "Results")),
    (1, 4, 7, 1, Msg("Số hồ sơ đã giải quyết", "Resolved")),
    (2, 4, 4, 2, Msg("Tổng số", "Total")),
    (2, 5, 5, 2, Msg("Trước hạn", "Early")),
    (2, 6, 6, 2, Msg("Đúng hạn", "On time")),
    (2, 7, 7, 2, Msg("Quá hạn", "Late")),
    (1, 8, 10, 1, Msg("Số hồ sơ đang giải quyết", "Open at the end of the period")),
    (2, 8, 8, 2, Msg("Tổng số", "Total")),
    (2, 9, 9, 2, Msg("Trong hạn", "Within time")),
    (2, 10, 10, 2, Msg("Quá hạn", "Overdue")),
)
# Short two-line headers for the terminal table and Markdown.
SHORT = {
    "received_total": Msg("Nhận: tổng số", "Received: total"),
    "received_online": Msg("Mới nhận: trực tuyến", "New: online"),
    "received_offline": Msg("Mới nhận: trực tiếp, BCCI", "New: in person, post"),
    "carried_over": Msg("Kỳ trước chuyển qua", "Carried over"),
    "resolved_total": Msg("Đã giải quyết: tổng số", "Resolved: total"),
    "resolved_early": Msg("Trước hạn", "Early"),
    "resolved_on_time": Msg("Đúng hạn", "On time"),
    "resolved_late": Msg("Quá hạn", "Late"),
    "open_total": Msg("Đang giải quyết: tổng số", "Open: total"),
    "open_within": Msg("Trong hạn", "Within time"),
    "open_overdue": Msg("Quá hạn", "Overdue"),
    CHANNEL_UNKNOWN: Msg("Mới nhận: không rõ hình thức nộp", "New: channel unknown"),
}
# The column this program adds after (11); not on the paper form.
EXTRA_HEAD = Msg(
    "Mới tiếp nhận, không rõ hình thức nộp (ngoài mẫu biểu)",
    "Newly received, channel unknown (not on the paper form)",
)
RULES = Msg(
    "(1) = (2) + (3) + (4) + (*) = (5) + (9); (5) = (6) + (7) + (8); (9) = (10) + (11). "
    "(*) không có trong mẫu biểu: hồ sơ mới tiếp nhận không rõ hình thức nộp.",
    "(1) = (2) + (3) + (4) + (*) = (5) + (9); (5) = (6) + (7) + (8); (9) = (10) + (11). "
    "(*) is not on the paper form: newly received dossiers whose channel is unknown.",
)
PARTIAL_NOTE = Msg(
    "Hồ sơ có ô dữ liệu lỗi vẫn được tính ở mọi cột xác định được; chỉ không tính ở các cột phụ "
    "thuộc ô lỗi (liệt kê dưới đây), nên các cột của dòng đó có thể không cộng khớp. Các đẳng "
    "thức được kiểm tra trên các hồ sơ xếp được vào cả hai vế.",
    "A dossier with a bad cell is still counted in every column it can be placed in, and left "
    "out only of the columns that depend on the bad cell (listed below), so that row's columns "
    "need not add up. The identities are checked over the dossiers placed on both sides.",
)
ON_TIME_NOTE = Msg(
    "Đúng hạn (7) bao gồm cả hồ sơ trả lại, xin rút.",
    "On time (7) includes returned and withdrawn dossiers.",
)
MONTH_NOTE = Msg(
    "Mỗi tháng là một kỳ riêng. Dòng tổng là cả kỳ: (4) là số chuyển qua đầu kỳ, (9)–(11) là số "
    "đang giải quyết cuối kỳ (không phải tổng các tháng).",
    "Each month is a period of its own. The total row is the whole period: (4) is what was carried "
    "into it and (9)–(11) what was open at its end (not the sums of the months).",
)


def _n(key: str) -> str:
    return COLUMN_LABEL[key]


def group_head(form: Form, lang: str) -> str:
    """The second column's heading; another text column of the plan goes by its header."""
    head = GROUP_HEAD.get(form.by)
    if head is not None:
        return head.get(lang)
    spec = form.plan.columns.get(form.by)
    return spec.aliases[0] if spec is not None and lang == "vi" else form.by


def _cell(value: int | None, lang: str) -> str:
    return NOT_AVAILABLE if value is None else fmt_int(value, lang)


def period_line(form: Form, lang: str) -> str:
    a, b = (fmt_date(d, lang) for d in form.period)
    return f"Kỳ báo cáo: từ ngày {a} đến ngày {b}" if lang == "vi" else f"Period: {a} to {b}"


def _row_name(form: Form, row: FormRow, lang: str) -> str:
    return group_label(form, row, lang)


def _equation(keys: tuple[str, ...]) -> str:
    return " + ".join(_n(k) for k in keys)


def identity_warnings(form: Form, lang: str = "vi") -> list[str]:
    """One line per row whose columns do not add up (exit code 1)."""
    why = Msg(
        "dữ liệu mâu thuẫn nhau; xem cchc validate", "contradictory data; see cchc validate"
    ).get(lang)
    head = "CẢNH BÁO: dòng" if lang == "vi" else "WARNING: row"
    out = []
    labelled = [(_row_name(form, r, lang), r) for r in form.rows]
    labelled.append((TOTAL.get(lang), form.total))
    for name, row in labelled:
        for b in row.breaks:
            lhs, rhs = fmt_int(b.lhs_value, lang), fmt_int(b.rhs_value, lang)
            aside = ""
            if b.left_out:
                k = fmt_int(b.left_out, lang)
                aside = (
                    f"; không tính {k} hồ sơ chưa rõ thuộc vế nào"
                    if lang == "vi"
                    else f"; {k} dossiers of unknown place not counted"
                )
            out.append(
                f"{head} '{name}': {_n(b.lhs)} ≠ {_equation(b.rhs)} ({lhs} ≠ {rhs}{aside}) — {why}"
            )
    return out


def column_span(keys) -> str:
    """The columns named by ``keys``, e.g. "(1)–(4), (*)": three or more in a row as a range."""
    nums = sorted(n for k, n in ((k, COLUMN_NUMBER.get(k)) for k in keys) if n is not None)
    parts, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"({nums[i]})–({nums[j]})")
        else:
            parts += [f"({n})" for n in nums[i : j + 1]]
        i = j + 1
    if CHANNEL_UNKNOWN in keys:
        parts.append(COLUMN_LABEL[CHANNEL_UNKNOWN])
    return ", ".join(parts)


def left_out_notes(form: Form, lang: str = "vi") -> list[str]:
    """Which columns each left-out dossier is missing from, and why."""
    vi = lang == "vi"
    out = []
    labelled = [(_row_name(form, r, lang), r) for r in form.rows]
    labelled.append((TOTAL.get(lang), form.total))
    for name, row in labelled:
        if not row.left_out:
            continue
        parts = "; ".join(
            f"{fmt_int(lo.rows, lang)} {reason_text(lo.reason, lang)} {_cell_of(form, lo, lang)}: "
            + ("không tính ở cột " if vi else "not in columns ")
            + column_span(lo.columns)
            for lo in row.left_out_by
        )
        n = fmt_int(row.left_out, lang)
        if vi:
            out.append(f"{name}: {n} hồ sơ không xếp được vào một số cột — {parts}")
        else:
            out.append(f"{name}: {n} dossiers left out of some columns — {parts}")
    return out


def _cell_of(form: Form, lo, lang: str) -> str:
    """The column a left-out dossier's bad cell is in; a column the file lacks by its plan name."""
    if lo.reason == Reason.MISSING_COLUMN.value and lo.field in form.plan.columns:
        return lacking_detail(form.plan, (lo.field,))
    return f"({'cột' if lang == 'vi' else 'column'} {form.input.header(lo.field)})"


def not_available_notes(form: Form, lang: str = "vi") -> list[str]:
    """Which columns the export cannot fill and why; which identities were therefore not checked."""
    vi = lang == "vi"
    by_fields: dict[tuple[str, ...], list[str]] = {}
    for n in form.not_available:
        by_fields.setdefault(n.fields, []).append(n.key)
    out = []
    for fields, keys in by_fields.items():
        cols, detail = column_span(keys), lacking_detail(form.plan, fields)
        out.append(
            f"Cột {cols}: không có dữ liệu ({NOT_AVAILABLE}) — tệp thiếu cột {detail}"
            if vi
            else f"Columns {cols}: not available ({NOT_AVAILABLE}) — the file lacks {detail}"
        )
    gone = {n.key for n in form.not_available}
    for lhs, rhs in form.identities_skipped:
        eq = f"{_n(lhs)} = {_equation(rhs)}"
        cols = column_span([k for k in (lhs, *rhs) if k in gone])
        out.append(
            f"Không kiểm tra đẳng thức {eq}: cột {cols} không có dữ liệu"
            if vi
            else f"Identity {eq} not checked: columns {cols} not available"
        )
    return out


def notes(form: Form, lang: str = "vi") -> list[str]:
    vi = lang == "vi"
    i = form.input
    f = lambda n: fmt_int(n, lang)  # noqa: E731
    out = [RULES.get(lang), ON_TIME_NOTE.get(lang), *not_available_notes(form, lang)]
    if form.by == "month":
        out.append(MONTH_NOTE.get(lang))
    if vi:
        out.append(
            f"Tệp hồ sơ: {i.paths} — đọc {f(i.rows_read)} dòng: đưa vào biểu {f(i.rows_in_form)} "
            f"(trong đó {f(i.rows_partly_placed)} không xếp được vào một số cột), "
            f"ngoài kỳ hoặc không được tiếp nhận {f(i.rows_outside)}, "
            f"không đưa vào được cột nào {f(i.rows_left_out)}"
        )
    else:
        out.append(
            f"Dossier file: {i.paths} — {f(i.rows_read)} rows read: {f(i.rows_in_form)} on the "
            f"form ({f(i.rows_partly_placed)} of them left out of some columns), "
            f"{f(i.rows_outside)} outside the period or not received, "
            f"{f(i.rows_left_out)} left out of every column"
        )
    if i.due_dates_derived:
        out.append(
            f"{f(i.due_dates_derived)} ngày hẹn trả được tính từ thời hạn giải quyết "
            "(ngày làm việc)"
            if vi
            else f"{f(i.due_dates_derived)} due dates derived from processing days (working days)"
        )
    if i.problems:
        files = " ".join(i.files) or i.path
        out.append(
            f"{f(i.problems)} ô dữ liệu có vấn đề — xem chi tiết: cchc validate {files}"
            if vi
            else f"{f(i.problems)} problem cells — see: cchc validate {files}"
        )
    if form.total.left_out or any(r.left_out for r in form.rows):
        out.append(PARTIAL_NOTE.get(lang))
    out += left_out_notes(form, lang)
    return out


def form_body(form: Form, lang: str) -> list[tuple[str, str, list[int | None], bool]]:
    """(STT, name, the 11 counts and (*) — None: not available —, is_total) for every row."""
    rows = [
        (str(n), _row_name(form, r, lang), [r.counts[k] for k in ALL_KEYS], False)
        for n, r in enumerate(form.rows, start=1)
    ]
    rows.append(("", TOTAL.get(lang), [form.total.counts[k] for k in ALL_KEYS], True))
    return rows


# -- text formats --------------------------------------------------------------------------------


def render_form(form: Form, fmt: str, lang: str = "vi", **kw) -> str:
    if fmt == "json":
        return (
            json.dumps(form_dict(form, kw.get("generated_at"), lang), ensure_ascii=False, indent=2)
            + "\n"
        )
    if fmt == "csv":
        return render_form_csv(form, lang)
    if fmt == "markdown":
        return render_form_markdown(form, lang)
    return render_form_table(form, lang, **kw)


def render_form_table(
    form: Form, lang: str = "vi", *, color: bool = False, width: int | None = None, **_
) -> str:
    from rich.table import Table
    from rich.text import Text

    console, buf = text_console(color, width or 200)
    plan = form.plan
    console.print(f"{FORM_NAME.get(lang)} {LEGAL.get(lang)}")
    console.print(Text(TITLE.get(lang), style="bold"))
    if plan.agency:
        console.print(plan.agency)
    console.print(period_line(form, lang))
    console.print(UNIT.get(lang))
    table = Table(show_lines=False, header_style="bold", expand=False)
    table.add_column(STT.get(lang), justify="right", no_wrap=True)
    table.add_column(group_head(form, lang), ratio=1, min_width=24)
    for key in ALL_KEYS:
        table.add_column(f"{_n(key)}\n{SHORT[key].get(lang)}", justify="right", max_width=11)
    for stt, name, values, is_total in form_body(form, lang):
        cells = [stt, name, *(_cell(v, lang) for v in values)]
        table.add_row(*cells, style="bold" if is_total else None)
    console.print(table)
    for line in identity_warnings(form, lang):
        console.print(Text(line, style="bold red"))
    console.print("Ghi chú:" if lang == "vi" else "Notes:")
    for line in notes(form, lang):
        console.print(f"  • {line}")
    return buf.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_form_markdown(form: Form, lang: str = "vi") -> str:
    lines = [
        f"# {FORM_NAME.get(lang)} — {_md(TITLE.get(lang))}",
        "",
        period_line(form, lang) + ". " + UNIT.get(lang) + ".",
        "",
    ]
    head = [STT.get(lang), group_head(form, lang)] + [
        f"{_n(k)} {SHORT[k].get(lang)}" for k in ALL_KEYS
    ]
    lines.append("| " + " | ".join(_md(h) for h in head) + " |")
    lines.append("|---:|---|" + "---:|" * len(ALL_KEYS))
    for stt, name, values, is_total in form_body(form, lang):
        cells = [_cell(v, lang) for v in values]
        if is_total:
            name, cells = f"**{_md(name)}**", [f"**{c}**" for c in cells]
        else:
            name = _md(name)
        lines.append("| " + " | ".join([stt, name, *cells]) + " |")
    lines.append("")
    for line in identity_warnings(form, lang):
        lines += [f"**{_md(line)}**", ""]
    lines += [f"- {_md(n)}" for n in notes(form, lang)]
    lines.append("")
    return "\n".join(lines)


def render_form_csv(form: Form, lang: str = "vi") -> str:
    from .csv import write_csv

    # a column that is not available: empty cells, and every row says why (the file has no notes)
    header = ["stt", "group", "group_empty", *ALL_KEYS, "left_out", "identity_ok", "not_available"]
    why = "; ".join(not_available_notes(form, lang))
    rows = []
    for n, r in enumerate(form.rows, start=1):
        rows.append(
            [
                n,
                _row_name(form, r, lang),
                "true" if r.group is None else "false",
                *(r.counts[k] for k in ALL_KEYS),
                r.left_out,
                "true" if r.identity_ok else "false",
                why,
            ]
        )
    t = form.total
    rows.append(
        [
            "",
            TOTAL.get(lang),
            "false",
            *(t.counts[k] for k in ALL_KEYS),
            t.left_out,
            "true" if t.identity_ok else "false",
            why,
        ]
    )
    return write_csv(header, rows)


# -- the workbook --------------------------------------------------------------------------------


def render_form_xlsx(form: Form, lang: str = "vi") -> bytes:
    """The form as a one-sheet workbook: title, unit, period, merged three-level header, column
    numbers (1)–(11), one row per group, the bold total row, then the notes. Column (*), which is
    not on the paper form, follows (11) after an empty column."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    from .office import new_workbook, print_setup, thin_box, workbook_bytes
    from .office import put as put_cell

    wb = new_workbook(FORM_NAME.get(lang))
    ws = wb.active
    ws.title = "Bieu 06"
    ncol = 2 + len(KEYS)
    last = get_column_letter(ncol)
    extra = ncol + 2  # (*), one empty column after the form
    box = thin_box()
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def put(row: int, col: int, value, *, border=False, **kw):
        """Text from the data is never a formula (:func:`cchc_cli.render.office.put`)."""
        return put_cell(ws, row, col, value, border=box if border else None, **kw)

    put(1, 1, FORM_NAME.get(lang), bold=True)
    put(1, ncol - 3, LEGAL.get(lang), align=Alignment(horizontal="right"))
    ws.merge_cells(start_row=1, start_column=ncol - 3, end_row=1, end_column=ncol)
    put(2, 1, TITLE.get(lang), bold=True, align=center)
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 30
    put(3, 1, period_line(form, lang), align=Alignment(horizontal="center"))
    ws.merge_cells(f"A3:{last}3")
    agency = form.plan.agency
    if agency:
        put(4, 1, ("Đơn vị báo cáo: " if lang == "vi" else "Reporting unit: ") + agency)
        ws.merge_cells(f"A4:{get_column_letter(ncol - 4)}4")
    put(4, ncol - 3, UNIT.get(lang), align=Alignment(horizontal="right"))
    ws.merge_cells(start_row=4, start_column=ncol - 3, end_row=4, end_column=ncol)

    top = 6  # header rows top..top+2, column numbers on top+3
    for col, text in ((1, STT.get(lang)), (2, group_head(form, lang))):
        put(top, col, text, bold=True, align=center, border=True)
        ws.merge_cells(start_row=top, start_column=col, end_row=top + 2, end_column=col)
    for lv in range(3):  # borders on every header cell, merged or not
        for j in range(len(KEYS)):
            put(top + lv, 3 + j, None, border=True)
    for lv, first, last_col, low, text in HEADER_CELLS:
        put(top + lv, 3 + first, text.get(lang), bold=True, align=center, border=True)
        if last_col > first or low > lv:
            ws.merge_cells(
                start_row=top + lv,
                start_column=3 + first,
                end_row=top + low,
                end_column=3 + last_col,
            )
    put(top + 3, 1, None, border=True)
    put(top + 3, 2, None, border=True)
    put(top, extra, EXTRA_HEAD.get(lang), bold=True, align=center, border=True)
    for lv in (1, 2):
        put(top + lv, extra, None, border=True)
    ws.merge_cells(start_row=top, start_column=extra, end_row=top + 2, end_column=extra)
    gone = {n.key: n for n in form.not_available}
    for col, key in zip([*range(3, 3 + len(KEYS)), extra], ALL_KEYS, strict=True):
        cell = put(top + 3, col, _n(key), align=center, border=True)
        if key in gone:  # the column number carries the reason, as an Excel note
            detail = lacking_detail(form.plan, gone[key].fields)
            text = (
                f"Không có dữ liệu: tệp thiếu cột {detail}"
                if lang == "vi"
                else f"Not available: the file lacks {detail}"
            )
            cell.comment = Comment(text, "cchc")

    r = top + 4
    for stt, name, values, is_total in form_body(form, lang):
        put(
            r,
            1,
            int(stt) if stt else None,
            bold=is_total,
            align=Alignment(horizontal="center"),
            border=True,
        )
        put(
            r,
            2,
            name,
            bold=is_total,
            align=Alignment(wrap_text=True, vertical="center"),
            border=True,
        )
        for col, v in zip([*range(3, 3 + len(KEYS)), extra], values, strict=True):
            if v is None:  # not available (the notes say why): a dash, never a zero
                put(r, col, NOT_AVAILABLE, bold=is_total, border=True, align=center)
            else:
                put(r, col, v, bold=is_total, border=True, fmt="#,##0")
        r += 1

    r += 1
    for line in identity_warnings(form, lang):
        put(r, 1, line, bold=True)
        r += 1
    put(r, 1, "Ghi chú:" if lang == "vi" else "Notes:", bold=True)
    r += 1
    for line in notes(form, lang):
        put(r, 1, f"- {line}")
        r += 1

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 42
    for j in range(len(KEYS)):
        ws.column_dimensions[get_column_letter(3 + j)].width = 13
    ws.column_dimensions[get_column_letter(extra - 1)].width = 3
    ws.column_dimensions[get_column_letter(extra)].width = 16
    for lv in range(3):
        ws.row_dimensions[top + lv].height = 32
    ws.freeze_panes = ws.cell(row=top + 4, column=3)
    print_setup(ws, f"{top}:{top + 3}")
    return workbook_bytes(wb)


# -- the working calendar ------------------------------------------------------------------------


def render_calendar(
    data: dict, fmt: str = "table", lang: str = "vi", *, color: bool = False
) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    import datetime as dt

    from rich.table import Table
    from rich.text import Text

    from ..report import WEEKDAYS

    vi = lang == "vi"
    console, buf = text_console(color, 120)
    year = data["year"]
    console.print(
        Text(f"Lịch làm việc năm {year}" if vi else f"Working calendar {year}", style="bold")
    )
    console.print(
        f"Nguồn: {data['source']}; kế hoạch {data['plan']['id']}"
        if vi
        else f"Source: {data['source']}; plan {data['plan']['id']}"
    )
    console.print(
        "Ngày làm việc: Thứ Hai – Thứ Sáu, trừ ngày nghỉ dưới đây, cộng ngày làm bù."
        if vi
        else "Working days: Monday to Friday, minus the days off below, plus the make-up days."
    )

    def day_table(title: str, items: list[dict]) -> None:
        console.print(Text(title, style="bold"))
        if not items:
            console.print("  (không có)" if vi else "  (none)")
            return
        t = Table(header_style="bold", expand=False)
        t.add_column("Ngày" if vi else "Date", no_wrap=True)
        t.add_column("Thứ" if vi else "Weekday", no_wrap=True)
        t.add_column("Tên" if vi else "Name")
        t.add_column("Nguồn" if vi else "Source", no_wrap=True)
        for it in items:
            d = dt.date.fromisoformat(it["date"])
            src = {"plan": "kế hoạch" if vi else "plan", "holidays": "holidays"}[it["source"]]
            t.add_row(fmt_date(d, lang), WEEKDAYS[lang][d.weekday()], it["name"], src)
        console.print(t)

    day_table("Ngày nghỉ" if vi else "Days off", data["days_off"])
    day_table("Ngày làm bù" if vi else "Make-up working days", data["make_up_days"])
    console.print(
        Text("Số ngày làm việc theo tháng" if vi else "Working days per month", style="bold")
    )
    t = Table(header_style="bold", expand=False)
    for m in range(1, 13):
        t.add_column(f"T{m}" if vi else dt.date(2000, m, 1).strftime("%b"), justify="right")
    t.add_column("Cả năm" if vi else "Year", justify="right")
    per = data["working_days_per_month"]
    t.add_row(*(str(per[str(m)]) for m in range(1, 13)), str(data["working_days_total"]))
    console.print(t)
    return buf.getvalue()
