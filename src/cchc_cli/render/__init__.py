"""Turning a :class:`~cchc_cli.results.Result` into text: table, JSON, CSV, Markdown.

Every renderer returns a string; the CLI decides where it goes. Numbers follow the UI language
(``97,07%`` in Vietnamese) and a value is never printed so that it reads as meeting a target it
fails: 97.995% against "≥ 98%" prints as ``97,995%``, not ``98,00%``.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from ..errors import Msg
from ..text import visible

STATUS_TEXT = {
    "pass": Msg("ĐẠT", "PASS"),
    "fail": Msg("KHÔNG ĐẠT", "FAIL"),
    "no_data": Msg("CHƯA CÓ DỮ LIỆU", "NO DATA"),
}

REASON_TEXT = {
    "not_received": Msg("không được tiếp nhận", "not received"),
    "missing_value": Msg("ô trống", "empty cell"),
    "invalid_date": Msg("ngày không hợp lệ", "invalid date"),
    "unknown_value": Msg("giá trị ngoài danh mục", "unknown value"),
    "invalid_number": Msg("số không hợp lệ", "invalid number"),
    "duplicate_id": Msg("mã bị trùng", "duplicate id"),
    "short_row": Msg("dòng thiếu ô so với dòng tiêu đề", "row has fewer cells than the header"),
    "no_due_date": Msg(
        "không có ngày hẹn trả và thời hạn giải quyết", "no due date and no processing days"
    ),
    "end_before_received": Msg(
        "ngày kết thúc trước ngày tiếp nhận", "end date before received date"
    ),
    "due_before_received": Msg(
        "ngày hẹn trả trước ngày tiếp nhận", "due date before received date"
    ),
    "resolved_without_end": Msg(
        "trạng thái đã kết thúc (xong, rút, trả lại) nhưng không có ngày kết thúc",
        "status says it ended (resolved, withdrawn, returned) but no end date",
    ),
    "end_without_resolved": Msg(
        "có ngày kết thúc nhưng trạng thái chưa xong", "end date but status not resolved"
    ),
    "code_date_mismatch": Msg(
        "phần ngày trong mã hồ sơ khác ngày tiếp nhận",
        "dossier code date differs from received date",
    ),
    "missing_column": Msg("tệp thiếu cột", "the file lacks the column"),
    "zero_denominator": Msg(
        "mẫu số bằng 0: không có hồ sơ, dòng nào để tính", "nothing in the denominator"
    ),
    "no_actuals": Msg("chưa có số liệu (dùng --actuals)", "no figures given (use --actuals)"),
    "no_register": Msg(
        "chưa có sổ theo dõi (dùng --registers)", "register not given (use --registers)"
    ),
    "no_export": Msg("chưa có tệp xuất hồ sơ", "no dossier export given"),
    "unknown_reference": Msg(
        "không có trong sổ được tham chiếu", "not in the register it refers to"
    ),
}


def register_line(i, lang: str, sha: bool = False) -> str:
    """One register file read: ``Sổ theo dõi thu_tuc: so.xlsx (sheet 'Thủ tục') — đọc 20 dòng``,
    the rows its repeated or empty keys set aside, its bad cells (and, ``sha``, its hash)."""
    vi = lang == "vi"
    f = lambda n: fmt_int(n, lang)  # noqa: E731
    head = f"{'Sổ theo dõi' if vi else 'Register'} {i.register}: {i.path}{sheet_note(i)}"
    if sha:
        head += f" — SHA-256 {i.sha256}"
    text = f"đọc {f(i.rows_read)} dòng" if vi else f"{f(i.rows_read)} rows read"
    for lo in i.set_aside_by:
        reason = reason_text(lo.reason, lang)
        column = visible(dict(i.headers).get(lo.field, lo.field))
        text += (
            f", để riêng {f(lo.rows)} dòng ({reason}, cột {column})"
            if vi
            else f", {f(lo.rows)} set aside ({reason}, column {column})"
        )
    if i.problems:
        text += f", {f(i.problems)} ô có vấn đề" if vi else f", {f(i.problems)} problem cells"
    return f"{head}{';' if sha else ' —'} {text}{layout_note(i, lang)}"


def field_header(result):
    """``field -> header`` as a left-out row's field is shown: the (first) export's header, or
    for a register's field (``boi_duong.ended_at``) the header in that register's file."""
    export = result.inputs[0].header if result.inputs else (lambda name: name)
    files = {i.register: dict(i.headers) for i in getattr(result, "registers", ())}

    def header(field: str) -> str:
        register, _, name = field.rpartition(".")
        if not register:
            return export(field)
        return visible(files.get(register, {}).get(name, name))

    return header


def sheet_note(i) -> str:
    """`` (sheet 'X')`` after a workbook's name: which sheet was read is always said."""
    sheet = getattr(i, "sheet", None)
    return f" (sheet '{visible(sheet)}')" if sheet else ""


LAYOUT_TEXT = {
    "column_numbers": Msg("dòng đánh số cột", "column-number row"),
    "repeated_header": Msg("dòng tiêu đề lặp lại", "repeated header row"),
    "total": Msg("dòng tổng cộng", "total row"),
    "group": Msg("dòng tên nhóm", "group heading row"),
}


def layout_note(i, lang: str) -> str:
    """``; bỏ qua 3 dòng trình bày (…)``: the rows of a form's layout that were set aside."""
    if not getattr(i, "layout", ()):
        return ""
    counts = Counter(kind for _, kind in i.layout)
    parts = ", ".join(
        f"{LAYOUT_TEXT[k].get(lang) if k in LAYOUT_TEXT else k} {fmt_int(n, lang)}"
        for k, n in counts.items()
    )
    n = fmt_int(len(i.layout), lang)
    if lang == "vi":
        return f"; bỏ qua {n} dòng trình bày ({parts})"
    return f"; {n} layout row{'' if len(i.layout) == 1 else 's'} set aside ({parts})"


def source_note(i, lang: str) -> str:
    """How the file was read: format, encoding and delimiter, or the sheet."""
    fmt = getattr(i, "format", "csv")
    if fmt == "csv":
        delim = {"\t": "tab", ",": ",", ";": ";"}.get(i.delimiter or "", i.delimiter or "")
        return f"CSV, {i.encoding}, '{delim}'"
    name = {"xlsx": "Excel .xlsx", "xls": "Excel 97-2003 .xls", "html": "HTML (.xls)"}.get(fmt, fmt)
    parts = [name]
    if fmt == "html" and i.encoding:
        parts.append(i.encoding)
    if i.sheet:
        parts.append(f"sheet '{visible(i.sheet)}'")
    return ", ".join(parts)


def reason_text(code: str | None, lang: str) -> str:
    return REASON_TEXT[code].get(lang) if code in REASON_TEXT else (code or "")


def fmt_int(n: int | Fraction | None, lang: str) -> str:
    if n is None:
        return "–"
    if isinstance(n, Fraction) and n.denominator != 1:
        return fmt_decimal(n, 2, lang)
    s = f"{int(n):,}"
    return s.replace(",", ".") if lang == "vi" else s


def fmt_decimal(value: Fraction, places: int, lang: str) -> str:
    q = Decimal(value.numerator) / Decimal(value.denominator)
    d = q.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    s = f"{d:,.{places}f}"
    if lang == "vi":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def honest_places(value: Fraction, target, baseline: Fraction | None = None, start: int = 2) -> int:
    """Fewest decimals (from ``start``) whose rounded figure gets the same verdict as the exact one."""
    truth = target.met(value, baseline)
    for places in range(start, 12):
        shown = Fraction(round(value * 10**places), 10**places)
        if target.met(shown, baseline) == truth:
            return places
    return 12


def fmt_value(result, lang: str) -> str:
    """The indicator's figure as shown to people (percent, count or score)."""
    v = result.value
    if v is None:
        return "–"
    ind = result.indicator
    if ind.measure == "count":
        return fmt_int(v, lang)
    places = honest_places(v, ind.target, result.baseline)
    text = fmt_decimal(v, places, lang)
    return f"{text}%" if ind.measure == "ratio" else text


def fmt_target(result, lang: str) -> str:
    t = result.indicator.target
    if t.value is None:
        base = fmt_decimal(result.baseline, 2, lang) if result.baseline is not None else ""
        word = "năm gốc" if lang == "vi" else "baseline"
        return f"{t.symbol} {word}" + (f" ({base})" if base else "")
    if t.unit == "percent":
        return f"{t.symbol} {fmt_number(t.value, lang)}%"
    return f"{t.symbol} {fmt_number(t.value, lang)}"


def fmt_number(v: Fraction, lang: str) -> str:
    if v.denominator == 1:
        return fmt_int(v, lang)
    return fmt_decimal(v, 2, lang).rstrip("0")


def number_json(v: Fraction | None):
    if v is None:
        return None
    return int(v) if v.denominator == 1 else float(v)


_DELTA_UNIT = {
    "ratio": Msg(" điểm %", " pp"),  # percentage points
    "score": Msg(" điểm", " pts"),
    "count": Msg("", ""),
}


def change_text(comparison, result, lang: str) -> str:
    """An indicator's (``result``) change in a :class:`cchc_cli.compare.Comparison` (None:
    none was asked for, ``""``) with the earlier run (``--compare``): ``+1,20 điểm %``
    (``+1.20 pp``), ``−3`` for a count, ``không đổi``, ``mới`` for an indicator the earlier run
    lacks, then ``(KHÔNG ĐẠT → ĐẠT)`` when the verdict changed. Decimals: two, or as many as
    it takes for a change not to read as none."""
    change = comparison.changes.get(result.indicator.id) if comparison is not None else None
    if change is None:
        return ""
    if change.new:
        return "mới" if lang == "vi" else "new"
    d = change.delta
    if d is None:
        text = "–"
    elif d == 0:
        text = "không đổi" if lang == "vi" else "unchanged"
    else:
        size = abs(d)
        if result.indicator.measure == "count":
            shown = fmt_int(size, lang)
        else:
            places = next((p for p in range(2, 12) if round(size, p) != 0), 12)
            shown = fmt_decimal(size, places, lang)
        unit = _DELTA_UNIT[result.indicator.measure].get(lang)
        text = f"{'+' if d > 0 else '−'}{shown}{unit}"
    if change.status_changed:
        before = STATUS_TEXT[change.previous_status].get(lang)
        text += f" ({before} → {STATUS_TEXT[result.status].get(lang)})"
    return text


def compare_line(comparison, lang: str) -> str:
    """The header line naming the earlier run that ``--compare`` read."""
    span = period_text(comparison.period, lang)
    if lang == "vi":
        return f"So sánh với: {comparison.path} (kỳ {span}; kế hoạch {comparison.plan_id})"
    return f"Compared with: {comparison.path} (period {span}; plan {comparison.plan_id})"


def fmt_date(d, lang: str) -> str:
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()


def period_text(span, lang: str) -> str:
    """``01/05/2023 – 31/05/2023``; for a cut-off window, that it is one, of which period, with
    the period's calendar dates; and the ``--period`` it was narrowed from, if it was."""
    from ..plan.period import CUTOFF, name_words

    text = " – ".join(fmt_date(d, lang) for d in span)
    if getattr(span, "kind", None) == CUTOFF:
        of = f" {name_words(span.name).get(lang)}" if span.name else ""
        months = " – ".join(fmt_date(d, lang) for d in span.calendar)
        day = span.cutoff_day
        text += (
            f" (kỳ chốt số liệu{of}: từ ngày {day + 1} tháng trước đến ngày {day}; "
            f"theo lịch: {months})"
            if lang == "vi"
            else f" (cut-off window{' of' + of if of else ''}: from the {_nth(day + 1)} of the "
            f"month before to the {_nth(day)}; calendar: {months})"
        )
    asked = getattr(span, "requested", None)  # a period.Span; a plain (start, end) has none
    if asked is None:
        return text
    whole = " – ".join(fmt_date(d, lang) for d in span.whole)
    if lang == "vi":
        return f"{text} (thu hẹp bằng --from/--to từ kỳ {asked}: {whole})"
    return f"{text} (narrowed by --from/--to from period {asked}: {whole})"


def _nth(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st."""
    tail = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{tail}"


def period_json(span) -> dict:
    """The JSON ``period`` (:func:`cchc_cli.plan.period.span_json`)."""
    from ..plan.period import span_json

    return span_json(span)


BY_TITLE = {
    "month": Msg("Theo tháng", "By month"),
    "field": Msg("Theo lĩnh vực", "By field"),
    "procedure": Msg("Theo thủ tục", "By procedure"),
    "unit": Msg("Theo đơn vị tiếp nhận", "By receiving unit"),
}
BY_HEAD = {
    "month": Msg("Tháng", "Month"),
    "field": Msg("Lĩnh vực", "Field"),
    "procedure": Msg("Thủ tục", "Procedure"),
    "unit": Msg("Đơn vị", "Unit"),
}


def by_title(by: str, lang: str) -> str:
    """A breakdown's title; any other text column of the plan goes by its name."""
    return BY_TITLE.get(by, Msg(f"Theo {by}", f"By {by}")).get(lang)


def by_head(by: str, lang: str) -> str:
    """The heading of a breakdown's group column."""
    return BY_HEAD.get(by, Msg(by, by)).get(lang)


def group_name(key: str | None, lang: str, by: str) -> str:
    """A breakdown group as every format shows it; no value: "(không rõ đơn vị)"…"""
    if key is None:
        from ..engine.groups import empty_label

        return empty_label(by, lang)
    return key


def text_console(color: bool, width: int):
    """A rich console writing into a string: every text renderer prints the same way."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
    )
    return console, buf


BINARY_FORMATS = ("xlsx", "docx")
# Written only to a file (-o): the binary formats, and the HTML report (a page to attach, not text
# for a terminal).
FILE_FORMATS = (*BINARY_FORMATS, "html")


def render(result, fmt: str, lang: str = "vi", **kw) -> str | bytes:
    """``breakdown=(by, groups)`` adds the per-month / per-field figures; ``months=("month",
    groups)`` is the xlsx appendix's month sheet and the HTML report's charts (``form`` and
    ``worklists`` its other parts: :func:`cchc_cli.render.html_report.report_parts`). xlsx and
    docx are bytes (:data:`BINARY_FORMATS`)."""
    if fmt == "html":
        from .html_report import render_check_html

        return render_check_html(result, lang, **kw)
    if fmt == "xlsx":
        from .xlsx_check import render_check_xlsx

        return render_check_xlsx(result, lang, **kw)
    if fmt == "docx":
        from .docx import render_check_docx

        return render_check_docx(result, lang, **kw)
    if fmt == "json":
        from .json import render_json

        return render_json(result, **kw)
    if fmt == "csv":
        from .csv import render_csv

        return render_csv(result, lang, kw.get("breakdown"))
    if fmt == "markdown":
        from .markdown import render_markdown

        return render_markdown(result, lang, kw.get("breakdown"))
    from .table import render_table

    return render_table(result, lang, **kw)
