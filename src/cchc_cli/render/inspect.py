"""``cchc inspect`` output: a readable report (rich) or JSON."""

from __future__ import annotations

import json

from rich.table import Table

from ..text import visible
from . import LAYOUT_TEXT, fmt_int, source_note, text_console


def inspection_dict(ins) -> dict:
    t = ins.table
    return {
        "schema_version": 1,
        "file": {
            "path": t.path,
            "sha256": t.sha256,
            "size": t.size,
            "format": t.format,
            "encoding": t.encoding,
            "delimiter": t.delimiter,
            "sheet": t.sheet,
            "header_line": t.header_line,
            "header_guessed": ins.guessed_header,
            "rows": ins.rows,
            "blank_rows": t.blank_rows,
            "layout_rows": [{"line": line, "kind": kind} for line, kind in t.layout],
        },
        "headers": [
            {
                "column": h.column,
                "header": h.header,
                "field": h.field,
                "samples": list(h.samples),
                "filled": h.filled,
                "guess": h.guess,
                "why": h.why or None,
            }
            for h in ins.headers
        ],
        "unknown_words": [
            {
                "field": w.field,
                "header": w.header,
                "word": w.word,
                "rows": w.rows,
                "category": w.category,
                "nearest": w.nearest,
            }
            for w in ins.unknown_words
        ],
        "missing_fields": [
            {"field": m.field, "aliases": list(m.aliases), "blocks": list(m.blocks)}
            for m in ins.missing
        ],
        "records_error": ins.records_error,
    }


def render_inspection(ins, fmt: str, lang: str, color: bool = False) -> str:
    if fmt == "json":
        return json.dumps(inspection_dict(ins), ensure_ascii=False, indent=2) + "\n"
    vi = lang == "vi"
    con, buf = text_console(color, 140)
    t = ins.table
    f = lambda n: fmt_int(n, lang)  # noqa: E731
    con.print(f"{'Tệp' if vi else 'File'}: {t.path} ({source_note(t, lang)})", soft_wrap=True)
    con.print(
        f"Dòng tiêu đề: {t.header_line}; {f(ins.rows)} dòng dữ liệu, {f(t.blank_rows)} dòng trống"
        if vi
        else f"Header on line {t.header_line}; {f(ins.rows)} data rows, {f(t.blank_rows)} blank"
    )
    if ins.guessed_header:
        con.print(
            "  (kế hoạch nhận ra quá ít tên cột: lấy dòng này làm dòng tiêu đề)"
            if vi
            else "  (the plan knows too few of the headers: this row was taken as the header)"
        )
    if t.layout:
        kinds: dict[str, list[int]] = {}
        for line, kind in t.layout:
            kinds.setdefault(kind, []).append(line)
        for kind, lines in kinds.items():
            shown = ", ".join(map(str, lines[:20])) + (", …" if len(lines) > 20 else "")
            con.print(
                f"  {'bỏ qua' if vi else 'set aside'}: {LAYOUT_TEXT[kind].get(lang)} "
                f"× {f(len(lines))} ({'dòng' if vi else 'line'} {shown})"
            )
    table = Table(header_style="bold")
    for name in (
        ("Cột", "Tên cột", "Đọc là", "Ví dụ") if vi else ("Col", "Header", "Read as", "Examples")
    ):
        table.add_column(name)
    for h in ins.headers:
        if h.field:
            used = h.field
        elif h.guess:
            used = f"không dùng — có thể là {h.guess}?" if vi else f"not used — maybe {h.guess}?"
        else:
            used = "không dùng" if vi else "not used"
        table.add_row(
            str(h.column), visible(h.header), used, ", ".join(visible(s)[:30] for s in h.samples)
        )
    con.print(table)
    if ins.unknown_words:
        con.print("Từ ngoài danh mục:" if vi else "Words outside the vocabularies:")
        for w in ins.unknown_words:
            near = (
                (
                    f" — gần '{w.nearest}' ({w.category})"
                    if vi
                    else f" — near '{w.nearest}' ({w.category})"
                )
                if w.category
                else ""
            )
            con.print(f"  {w.header}: '{visible(w.word)}' × {f(w.rows)}{near}")
    for m in ins.missing:
        if m.blocks == ("*",):
            blocks = "mọi chỉ tiêu (cột bắt buộc)" if vi else "every indicator (a required column)"
        else:
            blocks = ", ".join(m.blocks) or ("không chỉ tiêu nào" if vi else "no indicator")
        con.print(
            f"Thiếu cột {m.aliases[0]} ({m.field}) — không tính được: {blocks}"
            if vi
            else f"Missing column {m.aliases[0]} ({m.field}) — blocks: {blocks}"
        )
    if ins.records_error:
        con.print(ins.records_error)
    if not (ins.missing or ins.unknown_words or ins.records_error):
        con.print(
            "Kế hoạch đọc được mọi cột cần thiết."
            if vi
            else "The plan reads every column it needs."
        )
    else:
        con.print(
            "→ cchc inspect … --write-plan lop-ke-hoach.yaml ghi các bổ sung cần thiết để bạn kiểm tra."
            if vi
            else "→ cchc inspect … --write-plan overlay.yaml writes the additions for you to confirm."
        )
    return buf.getvalue()
