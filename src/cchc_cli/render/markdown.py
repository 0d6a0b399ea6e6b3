"""A Markdown table for reports and wiki pages."""

from __future__ import annotations

from . import (
    STATUS_TEXT,
    by_title,
    change_text,
    compare_line,
    fmt_int,
    fmt_target,
    fmt_value,
    group_name,
    layout_note,
    period_text,
    reason_text,
    sheet_note,
)


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result, lang: str = "vi", breakdown=None) -> str:
    vi = lang == "vi"
    s = result.summary
    lines = [
        f"# {_esc(result.plan.title)}",
        "",
        ("Kỳ: " if vi else "Period: ") + period_text(result.period, lang),
        "",
    ]
    for i in result.inputs:
        lines.append(
            (
                f"Tệp `{i.path}`{sheet_note(i)}: đọc {fmt_int(i.rows_read, lang)} dòng, dùng {fmt_int(i.rows_used, lang)}, "
                f"ngoài kỳ {fmt_int(i.rows_out_of_period, lang)}, không tiếp nhận {fmt_int(i.rows_not_received, lang)}, "
                f"loại ra {fmt_int(i.rows_left_out, lang)}{layout_note(i, lang)}"
            )
            if vi
            else (
                f"File `{i.path}`{sheet_note(i)}: {fmt_int(i.rows_read, lang)} rows read, {fmt_int(i.rows_used, lang)} used, "
                f"{fmt_int(i.rows_out_of_period, lang)} out of period, {fmt_int(i.rows_not_received, lang)} not received, "
                f"{fmt_int(i.rows_left_out, lang)} left out{layout_note(i, lang)}"
            )
        )
    if result.comparison is not None:
        lines += ["", _esc(compare_line(result.comparison, lang))]
    for w in result.warnings:
        lines += ["", f"> **{'Cảnh báo' if vi else 'Warning'}:** {_esc(w.message.get(lang))}"]
    compared = result.comparison is not None
    extra = (" Thay đổi |" if vi else " Change |") if compared else ""
    lines += [
        "",
        (
            "| Mã | Mục | Nội dung | Tử số/Mẫu số | Giá trị | Mục tiêu | Kết quả |"
            if vi
            else "| Id | Section | Indicator | Num/Den | Value | Target | Verdict |"
        )
        + extra,
        "|---|---|---|---:|---:|---|---|" + ("---|" if compared else ""),
    ]
    for r in result.indicators:
        nd = (
            f"{fmt_int(r.numerator, lang)}/{fmt_int(r.denominator, lang)}"
            if r.denominator is not None
            else "–"
        )
        verdict = STATUS_TEXT[r.status].get(lang)
        if r.reason:
            verdict += f" ({reason_text(r.reason, lang)})"
        change = f" {change_text(result.comparison, r, lang)} |" if compared else ""
        lines.append(
            f"| `{r.indicator.id}` | {_esc(r.indicator.section)} | {_esc(r.indicator.title_in(lang))} | {nd} | "
            f"{fmt_value(r, lang)} | {fmt_target(r, lang)} | {verdict} |{change}"
        )
    lines += [
        "",
        (
            f"Đạt {s['pass']} · Không đạt {s['fail']} · Chưa có dữ liệu {s['no_data']}"
            if vi
            else f"Pass {s['pass']} · Fail {s['fail']} · No data {s['no_data']}"
        ),
        "",
    ]
    if breakdown is not None:
        by, groups = breakdown
        lines += ["", f"## {by_title(by, lang)}", ""]
        lines.append(
            "| "
            + " | ".join(
                ["Mã" if vi else "Id", *(_esc(group_name(g.key, lang, by)) for g in groups)]
            )
            + " |"
        )
        lines.append("|---|" + "---:|" * len(groups))
        for k, r0 in enumerate(groups[0].results if groups else ()):
            cells = []
            for g in groups:
                r = g.results[k]
                mark = {"pass": "", "fail": " ✗", "no_data": ""}[r.status]
                cells.append(fmt_value(r, lang) + mark)
            lines.append(f"| `{r0.indicator.id}` | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
