"""The rich pass/fail table office staff read."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import shown_path
from ..headroom import headroom_text
from ..text import nfc
from . import (
    STATUS_TEXT,
    by_head,
    by_title,
    change_text,
    compare_line,
    field_header,
    fmt_int,
    fmt_target,
    fmt_value,
    group_name,
    layout_note,
    period_text,
    reason_text,
    register_line,
    sheet_note,
    text_console,
)

_STYLE = {"pass": "bold green", "fail": "bold red", "no_data": "bold yellow"}


def render_table(
    result, lang: str = "vi", *, color: bool = False, width: int | None = None, breakdown=None, **_
) -> str:
    vi = lang == "vi"
    console, buf = text_console(color, width or 160)
    plan = result.plan
    console.print(Text(plan.title, style="bold"))
    if plan.agency:
        console.print(plan.agency)
    span = period_text(result.period, lang)
    console.print(f"Kỳ báo cáo: {span}" if vi else f"Period: {span}")
    if plan.bases:  # an overlay: which files made the plan (paths and hashes never wrapped)
        name = "Kế hoạch" if vi else "Plan"
        console.print(
            f"{name}: {shown_path(plan.path, lang)} (SHA-256 {plan.sha256})", soft_wrap=True
        )
        for base in plan.bases:
            word = "mở rộng từ" if vi else "extends"
            console.print(
                f"  {word}: {shown_path(base.path, lang)} (SHA-256 {base.sha256})", soft_wrap=True
            )
    for i in result.inputs:
        f = lambda n: fmt_int(n, lang)  # noqa: E731
        if vi:
            console.print(
                f"Tệp hồ sơ: {i.path}{sheet_note(i)} — đọc {f(i.rows_read)} dòng: dùng {f(i.rows_used)}, "
                f"ngoài kỳ {f(i.rows_out_of_period)}, không được tiếp nhận {f(i.rows_not_received)}, "
                f"loại ra {f(i.rows_left_out)}{layout_note(i, lang)}"
            )
        else:
            console.print(
                f"Dossier file: {i.path}{sheet_note(i)} — {f(i.rows_read)} rows read: {f(i.rows_used)} used, "
                f"{f(i.rows_out_of_period)} out of period, {f(i.rows_not_received)} not received, "
                f"{f(i.rows_left_out)} left out{layout_note(i, lang)}"
            )
        if i.rows_received_in_period == 0 and i.rows_resolved_in_period == 0:
            console.print(
                Text(
                    "  Cảnh báo: không có hồ sơ nào tiếp nhận hay giải quyết trong kỳ này — tệp có đúng kỳ? "
                    "(kiểm tra --period / --from / --to)"
                    if vi
                    else "  Warning: no dossier was received or resolved in this period — is it the right "
                    "export? (check --period / --from / --to)",
                    style="bold yellow",
                )
            )
        if i.problems:
            console.print(
                f"  {f(i.problems)} ô dữ liệu có vấn đề — xem chi tiết: cchc validate {i.path}"
                if vi
                else f"  {f(i.problems)} problem cells — see: cchc validate {i.path}"
            )
        for c in i.columns_chosen:
            console.print("  " + choice_text(c, lang), soft_wrap=True)
        if i.due_dates_derived:
            console.print(
                f"  {f(i.due_dates_derived)} ngày hẹn trả được tính từ thời hạn giải quyết (ngày làm việc)"
                if vi
                else f"  {f(i.due_dates_derived)} due dates derived from processing days (working days)"
            )
    for i in getattr(result, "registers", ()):
        console.print(register_line(i, lang), soft_wrap=True)
    if result.actuals:
        console.print(("Số liệu khác: " if vi else "Other figures: ") + result.actuals.path)
    if result.comparison is not None:
        console.print(compare_line(result.comparison, lang))
    for w in result.warnings:
        word = "Cảnh báo" if vi else "Warning"
        console.print(Text(f"  {word}: {w.message.get(lang)}", style="bold yellow"))

    _indicator_table(console, result, lang)

    notes = []
    header = field_header(result)
    for r in result.indicators:
        if r.status == "no_data":
            detail = f": {r.reason_detail}" if r.reason_detail else ""
            notes.append(f"{r.indicator.id}: {reason_text(r.reason, lang)}{detail}")
        if r.left_out:
            parts = ", ".join(
                f"{lo.rows} {reason_text(lo.reason, lang)} (cột {header(lo.field)})"
                if vi
                else f"{lo.rows} {reason_text(lo.reason, lang)} (column {header(lo.field)})"
                for lo in r.left_out_by
            )
            notes.append(
                f"{r.indicator.id}: loại ra {fmt_int(r.left_out, lang)} dòng — {parts}"
                if vi
                else f"{r.indicator.id}: {fmt_int(r.left_out, lang)} row{'' if r.left_out == 1 else 's'} left out — {parts}"
            )
    if notes:
        console.print("Ghi chú:" if vi else "Notes:")
        for n in notes:
            console.print(f"  • {n}")
    if breakdown is not None:
        _breakdown(console, breakdown, lang)
    s = result.summary
    line = (
        f"Tổng hợp: {s['pass']} ĐẠT · {s['fail']} KHÔNG ĐẠT · {s['no_data']} CHƯA CÓ DỮ LIỆU"
        if vi
        else f"Summary: {s['pass']} pass · {s['fail']} fail · {s['no_data']} no data"
    )
    console.print(Text(line, style="bold"))
    return buf.getvalue()


# A chosen column's cells, and a cell of a column not used: (vi, en) by the field's kind.
_CELLS_ARE = {
    "date": ("ô là ngày", "its cells are dates"),
    "integer": ("ô là số nguyên", "its cells are whole numbers"),
    "category": ("ô là từ trong danh mục", "its cells are vocabulary words"),
    "text": ("có dữ liệu", "it has values"),
}
_CELL_IS_NOT = {
    "date": ("không phải ngày", "is not a date"),
    "integer": ("không phải số nguyên", "is not a whole number"),
    "category": ("ngoài danh mục", "is not a vocabulary word"),
    "text": ("", ""),
}


def choice_text(c, lang: str) -> str:
    """Which of the columns claiming one field was used, and why (records.ColumnChoice)."""
    k = 0 if lang == "vi" else 1
    others = []
    for header, column, value in c.not_used:
        why = "trống" if k == 0 else "empty"
        if value is not None:
            why = f"'{value}' {_CELL_IS_NOT[c.kind][k]}"
        others.append(f"'{header}' ({'cột' if k == 0 else 'column'} {column}: {why})")
    used = f"'{c.header}' ({'cột' if k == 0 else 'column'} {c.column}: {_CELLS_ARE[c.kind][k]})"
    if k == 0:
        return f"Cột {c.field}: dùng {used}, không dùng {', '.join(others)}"
    return f"Column {c.field}: used {used}, not {', '.join(others)}"


WIDE = 150  # the full table needs about this many columns; below it, fewer and taller columns
COMPARE_WIDTH = 20  # and this many more for the "Thay đổi" column of --compare
NARROW = 90  # below this even the compact table would be cut: one block per indicator


def _indicator_table(console: Console, result, lang: str) -> None:
    """The verdict table, laid out for the width at hand: numbers never break, ids stay whole,
    words wrap, and nothing is cut off at any width."""
    vi = lang == "vi"
    rows = []
    for r in result.indicators:
        nd = (
            f"{fmt_int(r.numerator, lang)}/{fmt_int(r.denominator, lang)}"
            if r.denominator is not None
            else (fmt_int(r.numerator, lang) if r.numerator is not None else "–")
        )
        verdict = Text(STATUS_TEXT[r.status].get(lang), style=_STYLE[r.status])
        room = (headroom_text(r, lang) or "") if r.indicator.source != "actuals" else ""
        rows.append(
            (
                r,
                nfc(r.indicator.title_in(lang)),
                nd,
                fmt_value(r, lang),
                fmt_target(r, lang),
                verdict,
                room,
                change_text(result.comparison, r, lang),
            )
        )
    compared = result.comparison is not None
    change_head = "Thay đổi" if vi else "Change"
    if console.width < NARROW:
        for r, title, nd, value, target, verdict, room, change in rows:
            console.print(
                Text.assemble((r.indicator.id, "bold"), f" · {r.indicator.section} · ", verdict)
            )
            console.print(f"  {title}", soft_wrap=False)
            aim = "mục tiêu" if vi else "target"
            tail = f" — {room}" if room else ""
            console.print(
                f"  {nd} = {value} ({aim} {target}){tail}"
                if nd != "–"
                else f"  {value} ({aim} {target}){tail}"
            )
            if compared:
                console.print(f"  {change_head.lower()}: {change}")
        return
    wide = console.width >= WIDE + (COMPARE_WIDTH if compared else 0)
    table = Table(show_lines=not wide, header_style="bold", expand=False)
    longest = max((len(r.indicator.id) for r in result.indicators), default=10)
    if wide:
        table.add_column("Mã" if vi else "Id", no_wrap=True)
        table.add_column("Mục" if vi else "Sect.", min_width=3, overflow="fold")
        table.add_column("Nội dung" if vi else "Indicator", ratio=3, min_width=24)
        table.add_column("Tử số/Mẫu số" if vi else "Num/Den", justify="right", no_wrap=True)
        table.add_column("Giá trị" if vi else "Value", justify="right", no_wrap=True)
        table.add_column("Mục tiêu" if vi else "Target", min_width=6, overflow="fold")
        table.add_column("Kết quả" if vi else "Verdict", min_width=5, overflow="fold")
        table.add_column(
            "Dư địa" if vi else "Headroom", ratio=1, min_width=10, max_width=24, overflow="fold"
        )
        if compared:
            table.add_column(change_head, min_width=10, max_width=22, overflow="fold")
    else:
        table.add_column(
            "Chỉ tiêu" if vi else "Indicator", ratio=3, min_width=longest, overflow="fold"
        )
        table.add_column("Tử số/Mẫu số" if vi else "Num/Den", justify="right", no_wrap=True)
        table.add_column(
            "Giá trị\nMục tiêu" if vi else "Value\nTarget", justify="right", min_width=9
        )
        table.add_column(
            "Kết quả\nDư địa" if vi else "Verdict\nHeadroom",
            ratio=1,
            min_width=15,
            overflow="fold",
        )
        if compared:
            table.add_column(change_head, ratio=1, min_width=10, overflow="fold")
    for r, title, nd, value, target, verdict, room, change in rows:
        if wide:
            cells = [r.indicator.id, r.indicator.section, title, nd, value, target, verdict, room]
        else:
            cells = [
                Text.assemble((r.indicator.id, "bold"), f" · {r.indicator.section}\n", title),
                nd,
                f"{value}\n{target}",
                Text.assemble(verdict, "\n" + room if room else ""),
            ]
        table.add_row(*cells, *([change] if compared else []))
    console.print(table)


def _breakdown(console: Console, breakdown, lang: str) -> None:
    """Groups down, indicators across (as many as fit, in several tables when narrow): where and
    when a target was missed."""
    by, groups = breakdown
    vi = lang == "vi"
    indicators = [r.indicator.id for r in (groups[0].results if groups else ())]
    label_width = max([len(group_name(g.key, lang, by)) for g in groups] + [8])
    label_width = min(label_width, 24)
    per_table = max(1, (console.width - label_width - 4) // 14)
    for first in range(0, len(indicators), per_table):
        chunk = range(first, min(first + per_table, len(indicators)))
        t = Table(title=by_title(by, lang) if first == 0 else None, header_style="bold")
        t.add_column(
            by_head(by, lang),
            min_width=min(label_width, 12),
            max_width=label_width,
            overflow="fold",
        )
        for k in chunk:
            t.add_column(
                indicators[k], justify="right", min_width=10, max_width=13, overflow="fold"
            )
        for g in groups:
            cells = []
            for k in chunk:
                r = g.results[k]
                text = fmt_value(r, lang) if r.value is not None else "–"
                text += " ✗" if r.status == "fail" else ""
                style = {"pass": "green", "fail": "bold red", "no_data": "yellow"}[r.status]
                cells.append(Text(text, style=style, no_wrap=True))
            t.add_row(group_name(g.key, lang, by), *cells)
        console.print(t)
    console.print("  (✗: không đạt; –: chưa có dữ liệu)" if vi else "  (✗: fails; –: no data)")
