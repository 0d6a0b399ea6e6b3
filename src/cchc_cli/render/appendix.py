"""What the appendix of a CCHC report holds, whatever file it goes into (xlsx, docx): the lines
above the table, the column headings, and each indicator's source and notes.

The figures themselves are the result's; their wording comes from the formatting helpers of
:mod:`cchc_cli.render`, so a Word table reads exactly as the terminal table does.
"""

from __future__ import annotations

from ..errors import Msg, shown_path
from ..headroom import headroom_text
from . import (
    STATUS_TEXT,
    compare_line,
    fmt_date,
    fmt_int,
    layout_note,
    period_text,
    reason_text,
    register_line,
    sheet_note,
)

HEAD = {
    "no": Msg("STT", "No."),
    "section": Msg("Mục", "Section"),
    "id": Msg("Mã chỉ tiêu", "Id"),
    "title": Msg("Nội dung chỉ tiêu", "Indicator"),
    "target": Msg("Mục tiêu", "Target"),
    "numerator": Msg("Tử số", "Numerator"),
    "denominator": Msg("Mẫu số", "Denominator"),
    "num_den": Msg("Tử số/Mẫu số", "Num/Den"),
    "value": Msg("Giá trị", "Value"),
    "status": Msg("Kết quả", "Verdict"),
    "headroom": Msg("Dư địa", "Headroom"),
    "left_out": Msg("Số dòng loại ra", "Rows left out"),
    "source": Msg("Nguồn số liệu", "Source"),
    "notes": Msg("Ghi chú", "Notes"),
    "change": Msg("Thay đổi so với lần trước", "Change since the earlier run"),
    "from": Msg("Từ ngày", "From"),
    "to": Msg("Đến ngày", "To"),
}
SHEET = {
    "main": Msg("Phụ lục", "Appendix"),
    "month": Msg("Theo tháng", "By month"),
}
APPENDIX_TITLE = Msg(
    "PHỤ LỤC: KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA KẾ HOẠCH",
    "APPENDIX: RESULTS AGAINST THE PLAN'S TARGETS",
)


def head(key: str, lang: str) -> str:
    return HEAD[key].get(lang)


def status_text(r, lang: str) -> str:
    return STATUS_TEXT[r.status].get(lang)


def summary_line(result, lang: str) -> str:
    s = result.summary
    if lang == "vi":
        return f"Tổng hợp: {s['pass']} ĐẠT · {s['fail']} KHÔNG ĐẠT · {s['no_data']} CHƯA CÓ DỮ LIỆU"
    return f"Summary: {s['pass']} pass · {s['fail']} fail · {s['no_data']} no data"


def period_line(result, lang: str) -> str:
    return ("Kỳ báo cáo: " if lang == "vi" else "Period: ") + period_text(result.period, lang)


def meta_lines(result, lang: str) -> list[str]:
    """The lines under the title: agency, exact period, the files read, the earlier run compared
    with, warnings (data that may be incomplete …), and the summary."""
    agency = [result.plan.agency] if result.plan.agency else []
    return [
        *agency,
        period_line(result, lang),
        *file_lines(result, lang),
        *context_lines(result, lang),
        summary_line(result, lang),
    ]


def context_lines(result, lang: str) -> list[str]:
    """What the reader of a figure must know besides the files: ``--compare`` and warnings."""
    out = []
    if getattr(result, "comparison", None) is not None:
        out.append(compare_line(result.comparison, lang))
    word = "Cảnh báo" if lang == "vi" else "Warning"
    out += [f"{word}: {w.message.get(lang)}" for w in getattr(result, "warnings", ())]
    return out


def file_lines(result, lang: str) -> list[str]:
    """Every file read with its SHA-256: the plan and what it extends, the export (and where its
    rows went), the actuals."""
    vi = lang == "vi"
    plan = result.plan
    f = lambda n: fmt_int(n, lang)  # noqa: E731
    out = [f"{'Kế hoạch' if vi else 'Plan'}: {shown_path(plan.path, lang)} — SHA-256 {plan.sha256}"]
    for base in plan.bases:
        out.append(
            f"  {'mở rộng từ' if vi else 'extends'}: {shown_path(base.path, lang)} — SHA-256 {base.sha256}"
        )
    for i in result.inputs:
        rows = (
            f"đọc {f(i.rows_read)} dòng: dùng {f(i.rows_used)}, ngoài kỳ {f(i.rows_out_of_period)}, "
            f"không được tiếp nhận {f(i.rows_not_received)}, loại ra {f(i.rows_left_out)}"
            if vi
            else f"{f(i.rows_read)} rows read: {f(i.rows_used)} used, {f(i.rows_out_of_period)} "
            f"out of period, {f(i.rows_not_received)} not received, {f(i.rows_left_out)} left out"
        ) + layout_note(i, lang)
        name = "Tệp hồ sơ" if vi else "Dossier file"
        out.append(f"{name}: {i.path}{sheet_note(i)} — SHA-256 {i.sha256}; {rows}")
    out += [register_line(i, lang, sha=True) for i in getattr(result, "registers", ())]
    if result.actuals:
        a = result.actuals
        out.append(f"{'Số liệu khác' if vi else 'Other figures'}: {a.path} — SHA-256 {a.sha256}")
    return out


def source_text(r, lang: str) -> str:
    """Where the figure came from: the one-stop export, a register or document (the evidence the
    actuals file names), or a figure typed into the actuals file without one."""
    vi = lang == "vi"
    if r.indicator.source == "dossiers":
        return "Tệp xuất phần mềm Một cửa" if vi else "One-stop system export"
    if r.indicator.register is not None:
        reg = r.indicator.register
        return f"Sổ theo dõi {reg} (--registers)" if vi else f"Register {reg} (--registers)"
    ev = r.evidence
    if r.status == "no_data" and ev is None:
        return "Sổ sách, báo cáo (--actuals): chưa có" if vi else "Registers (--actuals): none"
    if ev is None:
        return "Nhập tay (--actuals), không có văn bản" if vi else "Typed (--actuals), no document"
    text = ev.document
    if ev.date:
        text += (" ngày " if vi else " of ") + fmt_date(ev.date, lang)
    if ev.note:
        text += f" ({ev.note})"
    return ("Sổ sách, văn bản: " if vi else "Register or document: ") + text


def headroom_cell(r, lang: str) -> str:
    return headroom_text(r, lang) or ""


def notes_text(r, header, lang: str) -> str:
    """Why there is no figure, and which rows the indicator left out and why (``header`` gives a
    field's header as the file has it)."""
    vi = lang == "vi"
    out = []
    if r.status == "no_data":
        detail = f": {r.reason_detail}" if r.reason_detail else ""
        out.append(f"{reason_text(r.reason, lang)}{detail}")
    if r.left_out:
        word = "cột" if vi else "column"
        parts = ", ".join(
            f"{fmt_int(lo.rows, lang)} {reason_text(lo.reason, lang)} ({word} {header(lo.field)})"
            for lo in r.left_out_by
        )
        n = fmt_int(r.left_out, lang)
        out.append(f"loại ra {n} dòng — {parts}" if vi else f"{n} rows left out — {parts}")
    return "; ".join(out)


def titles_by_id(result, lang: str) -> dict[str, str]:
    return {r.indicator.id: r.indicator.title_in(lang) for r in result.indicators}


def breakdown_rows(groups):
    """``(indicator id, group, result)`` indicator by indicator, each through every group (month,
    field…) in the order :func:`cchc_cli.engine.breakdown` gives them."""
    count = len(groups[0].results) if groups else 0
    return [(g.results[k].indicator.id, g, g.results[k]) for k in range(count) for g in groups]
