"""An empty registers workbook for a department starting from nothing (``cchc template
registers``): one sheet per register of the plan, named as ``--registers`` finds it, with the
headers it reads, a drop-down of the plan's words on every vocabulary column, dates formatted
day first, and a notes sheet saying what each column holds. All from the plan: another plan's
registers give another workbook."""

from __future__ import annotations

import io

from ..errors import Msg
from ..plan.model import Plan

ROWS = 1000  # rows the drop-downs and formats cover
NOTES = Msg("Hướng dẫn", "Notes")
WORDS = Msg("Danh sách từ", "Word lists")  # the drop-downs' source (hidden); no register's name

_TYPES = {
    "text": Msg("chữ", "text"),
    "date": Msg("ngày (dd/mm/yyyy)", "date (dd/mm/yyyy)"),
    "integer": Msg("số nguyên ≥ 0", "whole number ≥ 0"),
}


_NOT_IN_TITLES = frozenset("/\\?*:[]")


def _sheet_title(register) -> str:
    """The sheet's name: the register's first name Excel takes as a sheet's (at most 31
    characters, none of ``/ \\ ? * : [ ]``), else its id — read back as that register."""
    for name in (*register.names, register.name):
        if len(name) <= 31 and not _NOT_IN_TITLES & set(name) and register.matches(name):
            return name
    return register.name[:31]


def _words(plan: Plan, vocab_name: str) -> list[str]:
    vocab = plan.vocabularies[vocab_name]
    return [w for cat in vocab.categories for w in vocab.labels.get(cat, ())]


def template_book(plan: Plan, lang: str = "vi") -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = NOTES.get(lang)
    bold = Font(bold=True)
    vi = lang == "vi"
    notes.append([plan.title])
    notes["A1"].font = bold
    notes.append(
        [
            "Mỗi sheet là một sổ: một dòng cho một mục, dòng tiêu đề giữ nguyên (có thể thêm dòng "
            "tên sổ phía trên). Dùng: cchc check <tệp hồ sơ> --registers <tệp này>."
            if vi
            else "Each sheet is one register: a row per item, keep the header row (a title row "
            "above it is fine). Use: cchc check <export> --registers <this file>."
        ]
    )
    notes.append([])
    notes.append(
        [
            "Sheet",
            "Cột" if vi else "Column",
            "Tên cột khác" if vi else "Other headers",
            "Kiểu" if vi else "Type",
            "Giá trị" if vi else "Values",
            "Ghi chú" if vi else "Note",
        ]
    )
    for c in notes[notes.max_row]:
        c.font = bold
    lists = wb.create_sheet(WORDS.get(lang))
    lists.sheet_state = "hidden"
    list_col: dict[str, str] = {}  # vocabulary -> its range on the hidden sheet
    for register in plan.registers.values():
        ws = wb.create_sheet(_sheet_title(register))
        title = register.title_en if lang == "en" and register.title_en else register.title
        for n, (name, spec) in enumerate(register.columns.items(), start=1):
            header = spec.aliases[0]
            cell = ws.cell(row=1, column=n, value=header)
            cell.font = bold
            letter = get_column_letter(n)
            ws.column_dimensions[letter].width = max(12, min(40, len(header) + 4))
            kind = spec.kind
            values = ""
            if kind == "category":
                words = _words(plan, spec.type)
                values = ", ".join(words)
                if spec.type not in list_col:
                    col = get_column_letter(len(list_col) + 1)
                    lists.cell(row=1, column=len(list_col) + 1, value=spec.type)
                    for i, w in enumerate(words, start=2):
                        lists.cell(row=i, column=len(list_col) + 1, value=w)
                    sheet = WORDS.get(lang)
                    list_col[spec.type] = f"'{sheet}'!${col}$2:${col}${len(words) + 1}"
                dv = DataValidation(
                    type="list",
                    formula1=list_col[spec.type],
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="warning",
                    errorTitle=header,
                    error=(
                        "Từ ngoài danh mục: cchc sẽ báo lỗi ô này"
                        if vi
                        else "A word outside the list: cchc reports this cell"
                    ),
                )
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}{ROWS}")
                vocab = plan.vocabularies[spec.type]
                kind_text = (
                    Msg("có/không", "yes/no")
                    if vocab.boolean
                    else Msg("từ trong danh mục", "a word of the list")
                )
                if vocab.empty:
                    values += (
                        f" (trống = {vocab.labels.get(vocab.empty, (vocab.empty,))[0]})"
                        if vi
                        else f" (empty = {vocab.labels.get(vocab.empty, (vocab.empty,))[0]})"
                    )
            else:
                kind_text = _TYPES[kind]
                if kind == "date":
                    for row in range(2, ROWS + 1):
                        ws.cell(row=row, column=n).number_format = "DD/MM/YYYY"
            note = []
            if name == register.key:
                note.append("khóa: không trùng, không trống" if vi else "key: unique, never empty")
            notes.append(
                [
                    ws.title,
                    header,
                    ", ".join(spec.aliases[1:]),
                    kind_text.get(lang),
                    values,
                    "; ".join(note) or (title if n == 1 else ""),
                ]
            )
        ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (22, 32, 32, 18, 60, 40), strict=True):
        notes.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["template_book"]
