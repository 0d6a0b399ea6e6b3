"""`cchc validate` output: a summary plus the first problems, or the full list as JSON/CSV —
the export's, then each register's (``--registers``)."""

from __future__ import annotations

import json

from rich.table import Table

from ..text import visible
from . import (
    LAYOUT_TEXT,
    fmt_date,
    fmt_int,
    reason_text,
    register_line,
    source_note,
    text_console,
)
from .csv import csv_cell, csv_few, csv_join, write_csv


def _files(v) -> list[str] | None:
    """Each problem's file, when several files were counted as one (else None: no column)."""
    if len(v.files) < 2:
        return None
    return [v.files[i].path for i in v.problems.file]


def problem_rows(v, limit: int | None = None) -> list[dict]:
    """The problems as dicts; with ``limit``, only the first ``limit`` (as ``[:limit]`` would)."""
    p = v.problems
    n = len(p) if limit is None else min(limit, len(p))
    files = _files(v)
    out = []
    for i in range(n):
        row = {"file": files[i]} if files is not None else {}
        row.update(
            line=p.line[i],
            column=p.column[i],
            header=p.header[i],
            field=p.field[i],
            value=p.value[i],
            reason=p.reason[i],
        )
        out.append(row)
    return out


REGISTER_CSV = [
    "register",
    "file",
    "sheet",
    "line",
    "column",
    "header",
    "field",
    "value",
    "reason",
    "reason_text",
    "refers",
    "other_lines",
]


def _all_problems_csv(done, lang: str) -> str:
    """With ``--registers``: one list, the export's problems (``register`` empty) then each
    register's, with the file and sheet of each."""
    rows = []
    v = done.export
    if v is not None:
        files = _files(v)
        for k, p in enumerate(problem_rows(v)):
            path = files[k] if files is not None else v.input.path
            rows.append(
                ["", path, v.input.sheet or "", p["line"], p["column"], p["header"], p["field"],
                 p["value"], p["reason"], reason_text(p["reason"], lang), "", ""]
            )  # fmt: skip
    for r in done.registers:
        for p in r.problems:
            rows.append(
                [p.register, p.path, p.sheet or "", p.line, p.column, p.header, p.field, p.value,
                 p.reason, reason_text(p.reason, lang), p.refers or "",
                 " ".join(str(x) for x in p.other_lines)]
            )  # fmt: skip
    return write_csv(REGISTER_CSV, rows)


def _problems_csv(v, lang: str) -> str:
    """Every problem as CSV, column by column: the text ``write_csv`` gives for the rows of
    :func:`problem_rows` plus the reason's text."""
    p = v.problems
    reasons = list(p.reason)
    texts: dict = {}
    for r in reasons:
        if r not in texts:
            texts[r] = csv_cell(reason_text(r, lang))
    columns = [
        [str(x) for x in p.line],
        [str(x) for x in p.column],
        csv_few(p.header),  # Python text: an Arrow array made of it would import pandas
        csv_few(p.field),
        csv_few(p.value),
        csv_few(reasons),
        [texts[r] for r in reasons],
    ]
    header = ["line", "column", "header", "field", "value", "reason", "reason_text"]
    files = _files(v)
    if files is not None:
        header, columns = ["file", *header], [csv_few(files), *columns]
    return csv_join(header, columns)


def _input(r) -> dict:
    return {
        "path": r.path,
        "sha256": r.sha256,
        "size": r.size,
        "encoding": r.encoding,
        "delimiter": r.delimiter,
        "sheet": r.sheet,
        "header_line": r.header_line,
    }


def validation_dict(done) -> dict:
    """The export's keys as before ``--registers`` existed (null, or empty, without an export),
    then ``registers``: one entry per register file read, and ``registers_not_given``."""
    v = done.export
    out = _export_dict(v) if v is not None else _no_export()
    out["period"] = {"start": done.period[0].isoformat(), "end": done.period[1].isoformat()}
    out["registers"] = [_register_dict(r) for r in done.registers]
    out["registers_not_given"] = list(done.not_given)
    return out


def _no_export() -> dict:
    return {
        "schema_version": 1,
        "input": None,
        "period": None,
        "rows": None,
        "layout_rows": [],
        "accounting": None,
        "due_dates_derived": None,
        "missing_columns": [],
        "unmatched_headers": [],
        "problems_by_reason": {},
        "problems": [],
    }


def register_problem_dict(p) -> dict:
    return {
        "line": p.line,
        "column": p.column,
        "header": p.header,
        "field": p.field,
        "value": p.value,
        "reason": p.reason,
        "refers": p.refers,
        "other_lines": list(p.other_lines),
    }


def _register_dict(r) -> dict:
    i = r.input
    return {
        "register": i.register,
        "path": i.path,
        "sha256": i.sha256,
        "sheet": i.sheet,
        "header_line": i.header_line,
        "rows_read": i.rows_read,
        "missing_columns": list(i.missing_columns),
        "unchecked_references": [{"field": u.field, "refers": u.refers} for u in r.unchecked],
        "problems_by_reason": r.by_reason,
        "problems": [register_problem_dict(p) for p in r.problems],
    }


def _export_dict(v) -> dict:
    r = v.input
    several = {"inputs": [_input(f) for f in v.files]} if len(v.files) > 1 else {}
    return {
        "schema_version": 1,
        "input": _input(r),
        **several,
        "period": None,  # set by validation_dict
        "rows": {
            "read": v.rows_read,
            "received_before_period": v.rows_before,
            "received_in_period": v.rows_in,
            "received_after_period": v.rows_after,
            "no_received_date": v.rows_no_received_date,
            "not_received": v.rows_not_received,
            "with_problems": v.rows_with_problems,
            "blank": r.blank_rows,
            "layout": len(r.layout),
        },
        "layout_rows": [{"line": line, "kind": kind} for line, kind in r.layout],
        "accounting": {
            "read": v.accounting.rows_read,
            "used": v.accounting.rows_used,
            "out_of_period": v.accounting.rows_out_of_period,
            "not_received": v.accounting.rows_not_received,
            "left_out": v.accounting.rows_left_out,
        },
        "due_dates_derived": v.due_dates_derived,
        "missing_columns": list(r.missing_columns),
        "unmatched_headers": list(v.unmatched_headers),
        "problems_by_reason": v.by_reason,
        "problems": problem_rows(v),
    }


def layout_lines(r, lang: str) -> str:
    """``dòng đánh số cột: dòng 4; dòng tên nhóm: dòng 5, 12`` (the first 20 lines of each kind)."""
    kinds: dict[str, list[int]] = {}
    for line, kind in r.layout:
        kinds.setdefault(kind, []).append(line)
    word = "dòng" if lang == "vi" else "line"
    parts = []
    for kind, lines in kinds.items():
        shown = ", ".join(str(n) for n in lines[:20]) + (", …" if len(lines) > 20 else "")
        name = LAYOUT_TEXT[kind].get(lang) if kind in LAYOUT_TEXT else kind
        parts.append(f"{name} {fmt_int(len(lines), lang)} ({word} {shown})")
    return "; ".join(parts)


def render_validation(done, fmt: str, lang: str, limit: int = 20, color: bool = False) -> str:
    """``done``: a :class:`cchc_cli.validate.Validated`."""
    if fmt == "json":
        return json.dumps(validation_dict(done), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        if done.registers:
            return _all_problems_csv(done, lang)
        return _problems_csv(done.export, lang)
    con, buf = text_console(color, 140)
    if done.export is not None:
        _export_text(con, done.export, done.period, lang, limit)
    for r in done.registers:
        _register_text(con, r, lang, limit)
    if done.registers:
        n = fmt_int(sum(len(r.problems) for r in done.registers), lang)
        con.print(
            f"Tổng số vấn đề trong sổ theo dõi: {n}." if lang == "vi" else f"Register problems: {n}."
        )
    if done.not_given:
        con.print(
            ("Sổ không có trong --registers (không kiểm tra): " if lang == "vi" else
             "Registers not given (not checked): ") + ", ".join(done.not_given)
        )  # fmt: skip
    return buf.getvalue()


def _problem_table(con, rows, lang: str) -> None:
    """``rows``: (line, column, header, value, problem) as shown."""
    vi = lang == "vi"
    t = Table(header_style="bold")
    for name in (
        ["Dòng", "Cột", "Tên cột", "Giá trị", "Vấn đề"]
        if vi
        else ["Line", "Col", "Header", "Value", "Problem"]
    ):
        t.add_column(name)
    for row in rows:
        t.add_row(*row)
    con.print(t)


def _more(con, more: int, lang: str) -> None:
    if more > 0:
        f = fmt_int(more, lang)
        con.print(
            f"… và {f} vấn đề khác (dùng --format csv để xem đủ)"
            if lang == "vi"
            else f"… and {f} more (use --format csv for the full list)"
        )


def register_problem_text(p, lang: str) -> str:
    """``không có trong sổ được tham chiếu (unknown_reference): sổ can_bo``, ``… cũng ở dòng 7``."""
    vi = lang == "vi"
    text = f"{reason_text(p.reason, lang)} ({p.reason})"
    if p.refers:
        text += f": sổ {p.refers}" if vi else f": register {p.refers}"
    if p.other_lines:
        lines = ", ".join(str(x) for x in p.other_lines)
        text += f", cũng ở dòng {lines}" if vi else f", also on line(s) {lines}"
    return text


def _register_text(con, r, lang: str, limit: int) -> None:
    vi = lang == "vi"
    f = lambda n: fmt_int(n, lang)  # noqa: E731
    i = r.input
    con.print(register_line(i, lang))
    for name, header, near in i.near or [(n, n, "") for n in i.missing_columns]:
        text = f"  {'Thiếu cột' if vi else 'Missing column'} '{header}' ({name})"
        if near:
            text += f" — {'cột gần giống nhất' if vi else 'the closest column'}: '{near}'"
        con.print(text, markup=False)
    for u in r.unchecked:
        con.print(
            f"  Chưa kiểm tra {u.field} theo sổ {u.refers}: sổ này không có trong --registers"
            if vi
            else f"  {u.field} not checked against register {u.refers}: it was not given"
        )
    if not r.problems:
        con.print("  Không có vấn đề." if vi else "  No problems.")
        return
    con.print(
        (f"  Vấn đề: {f(len(r.problems))} — " if vi else f"  Problems: {f(len(r.problems))} — ")
        + "; ".join(f"{reason_text(k, lang)} ({k}): {f(n)}" for k, n in r.by_reason.items())
    )
    _problem_table(
        con,
        [
            (str(p.line), str(p.column), visible(p.header), f"'{visible(p.value)}'",
             register_problem_text(p, lang))
            for p in r.problems[:limit]
        ],
        lang,
    )  # fmt: skip
    _more(con, len(r.problems) - limit, lang)


def _export_text(con, v, period, lang: str, limit: int) -> None:
    vi = lang == "vi"
    r = v.input
    f = lambda n: fmt_int(n, lang)  # noqa: E731
    for i in v.files if len(v.files) > 1 else [r]:  # several counted as one: each file
        enc = source_note(i, lang)
        con.print(
            f"Tệp: {i.path} ({enc}, dòng tiêu đề {i.header_line})"
            if vi
            else f"File: {i.path} ({enc}, header on line {i.header_line})"
        )
    p0, p1 = (fmt_date(d, lang) for d in period)
    if vi:
        con.print(
            f"Đọc {f(v.rows_read)} dòng hồ sơ. Theo ngày tiếp nhận so với kỳ {p0} – {p1}: trước kỳ "
            f"{f(v.rows_before)}, trong kỳ {f(v.rows_in)}, sau kỳ {f(v.rows_after)}, không rõ ngày "
            f"{f(v.rows_no_received_date)}; không được tiếp nhận {f(v.rows_not_received)}."
        )
        a = v.accounting
        con.print(
            f"Đối chiếu như cchc check: đọc {f(a.rows_read)} = dùng {f(a.rows_used)} + ngoài kỳ "
            f"{f(a.rows_out_of_period)} + không được tiếp nhận {f(a.rows_not_received)} + loại ra "
            f"{f(a.rows_left_out)}."
        )
        con.print(
            f"Dòng có vấn đề: {f(v.rows_with_problems)}; tổng số vấn đề: {f(len(v.problems))}."
        )
        if v.due_dates_derived:
            con.print(f"Ngày hẹn trả tính từ thời hạn giải quyết: {f(v.due_dates_derived)} hồ sơ.")
        if r.blank_rows:
            con.print(f"Dòng trống bỏ qua: {f(r.blank_rows)}.")
        if r.layout:
            con.print(f"Dòng trình bày bỏ qua (không phải hồ sơ): {layout_lines(r, lang)}.")
        if r.missing_columns:
            con.print("Thiếu cột: " + ", ".join(r.missing_columns))
    else:
        con.print(
            f"{f(v.rows_read)} dossier rows read. By received date against {p0} – {p1}: before "
            f"{f(v.rows_before)}, in {f(v.rows_in)}, after {f(v.rows_after)}, no date "
            f"{f(v.rows_no_received_date)}; not received {f(v.rows_not_received)}."
        )
        a = v.accounting
        con.print(
            f"As cchc check counts them: read {f(a.rows_read)} = used {f(a.rows_used)} + out of "
            f"period {f(a.rows_out_of_period)} + not received {f(a.rows_not_received)} + left out "
            f"{f(a.rows_left_out)}."
        )
        con.print(f"Rows with problems: {f(v.rows_with_problems)}; problems: {f(len(v.problems))}.")
        if v.due_dates_derived:
            con.print(f"Due dates derived from processing days: {f(v.due_dates_derived)}.")
        if r.blank_rows:
            con.print(f"Blank rows skipped: {f(r.blank_rows)}.")
        if r.layout:
            con.print(f"Layout rows set aside (not dossiers): {layout_lines(r, lang)}.")
        if r.missing_columns:
            con.print("Missing columns: " + ", ".join(r.missing_columns))
    if v.by_reason:
        con.print(
            ("Theo loại: " if vi else "By reason: ")
            + "; ".join(f"{reason_text(k, lang)} ({k}): {f(n)}" for k, n in v.by_reason.items())
        )
    if len(v.problems):
        _problem_table(
            con,
            [
                (
                    f"{p['file']}:{p['line']}" if "file" in p else str(p["line"]),
                    str(p["column"]),
                    visible(p["header"]),
                    f"'{visible(p['value'])}'",
                    f"{reason_text(p['reason'], lang)} ({p['reason']})",
                )
                for p in problem_rows(v, limit)
            ],
            lang,
        )
        _more(con, len(v.problems) - limit, lang)
    else:
        con.print("Không phát hiện vấn đề nào." if vi else "No problems found.")
