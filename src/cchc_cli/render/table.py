"""The rich pass/fail table office staff read."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..headroom import headroom_text
from ..text import nfc
from . import (
    BY_TITLE,
    STATUS_TEXT,
    fmt_date,
    fmt_int,
    fmt_target,
    fmt_value,
    group_name,
    reason_text,
)

_STYLE = {"pass": "bold green", "fail": "bold red", "no_data": "bold yellow"}


def render_table(
    result, lang: str = "vi", *, color: bool = False, width: int | None = None, breakdown=None, **_
) -> str:
    vi = lang == "vi"
    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=color,
        no_color=not color,
        width=width or 160,
        highlight=False,
        emoji=False,
    )
    plan = result.plan
    console.print(Text(plan.title, style="bold"))
    if plan.agency:
        console.print(plan.agency)
    p0, p1 = (fmt_date(d, lang) for d in result.period)
    console.print(f"Kỳ báo cáo: {p0} – {p1}" if vi else f"Period: {p0} – {p1}")
    for i in result.inputs:
        f = lambda n: fmt_int(n, lang)  # noqa: E731
        if vi:
            console.print(
                f"Tệp hồ sơ: {i.path} — đọc {f(i.rows_read)} dòng: dùng {f(i.rows_used)}, "
                f"ngoài kỳ {f(i.rows_out_of_period)}, không được tiếp nhận {f(i.rows_not_received)}, "
                f"loại ra {f(i.rows_left_out)}"
            )
        else:
            console.print(
                f"Dossier file: {i.path} — {f(i.rows_read)} rows read: {f(i.rows_used)} used, "
                f"{f(i.rows_out_of_period)} out of period, {f(i.rows_not_received)} not received, "
                f"{f(i.rows_left_out)} left out"
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
        if i.due_dates_derived:
            console.print(
                f"  {f(i.due_dates_derived)} ngày hẹn trả được tính từ thời hạn giải quyết (ngày làm việc)"
                if vi
                else f"  {f(i.due_dates_derived)} due dates derived from processing days (working days)"
            )
    if result.actuals:
        console.print(("Số liệu khác: " if vi else "Other figures: ") + result.actuals.path)

    # Numbers never break and ids stay whole; words wrap. On a narrow screen the id and the wording
    # share one column, so nothing is ever cut off.
    compact = console.width < 150
    table = Table(show_lines=compact, header_style="bold", expand=False)
    if compact:
        longest = max((len(r.indicator.id) for r in result.indicators), default=10)
        table.add_column(
            "Chỉ tiêu" if vi else "Indicator", ratio=3, min_width=longest, overflow="fold"
        )
    else:
        table.add_column("Mã" if vi else "Id", no_wrap=True)
    table.add_column("Mục" if vi else "Sect.", min_width=3, overflow="fold")
    if not compact:
        table.add_column("Nội dung" if vi else "Indicator", ratio=3, min_width=24)
    table.add_column("Tử số/Mẫu số" if vi else "Num/Den", justify="right", no_wrap=True)
    table.add_column("Giá trị" if vi else "Value", justify="right", no_wrap=True)
    table.add_column("Mục tiêu" if vi else "Target", min_width=6, overflow="fold")
    table.add_column("Kết quả" if vi else "Verdict", min_width=5, overflow="fold")
    table.add_column(
        "Dư địa" if vi else "Headroom", ratio=1, min_width=10, max_width=24, overflow="fold"
    )
    for r in result.indicators:
        nd = (
            f"{fmt_int(r.numerator, lang)}/{fmt_int(r.denominator, lang)}"
            if r.denominator is not None
            else (fmt_int(r.numerator, lang) if r.numerator is not None else "–")
        )
        title = nfc(r.indicator.title_in(lang))
        head = (
            [Text.assemble((r.indicator.id, "bold"), "\n", title), r.indicator.section]
            if compact
            else [r.indicator.id, r.indicator.section, title]
        )
        table.add_row(
            *head,
            nd,
            fmt_value(r, lang),
            fmt_target(r, lang),
            Text(STATUS_TEXT[r.status].get(lang), style=_STYLE[r.status]),
            (headroom_text(r, lang) or "") if r.indicator.source == "dossiers" else "",
        )
    console.print(table)

    notes = []
    header = result.inputs[0].header if result.inputs else (lambda f: f)
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


def _breakdown(console: Console, breakdown, lang: str) -> None:
    """Indicators down, groups across: where and when a target was missed."""
    by, groups = breakdown
    vi = lang == "vi"
    t = Table(title=BY_TITLE[by].get(lang), header_style="bold")
    t.add_column("Mã" if vi else "Id", no_wrap=True)
    for g in groups:
        t.add_column(group_name(g.key, lang), justify="right", max_width=18)
    for k, r0 in enumerate(groups[0].results if groups else ()):
        cells = []
        for g in groups:
            r = g.results[k]
            text = fmt_value(r, lang) if r.value is not None else "–"
            text += " ✗" if r.status == "fail" else ""
            cells.append(
                Text(
                    text, style={"pass": "green", "fail": "bold red", "no_data": "yellow"}[r.status]
                )
            )
        t.add_row(r0.indicator.id, *cells)
    console.print(t)
    console.print("  (✗: không đạt; –: chưa có dữ liệu)" if vi else "  (✗: fails; –: no data)")
