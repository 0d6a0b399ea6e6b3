"""Inputs that used to be refused or silently misread (issue 8, item 3): huge header lines and
cells, impossible clock times, invisible characters in headers, hidden sheets, sheets padded with
styled empty rows, and a return date before the received date."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pytest
from openpyxl.styles import Font
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import CchcError, ExitCode
from cchc_cli.io.table import read_table
from cchc_cli.plan import fields as F
from cchc_cli.text import clean, fold, visible
from oracle.records import parse_dates, read_records

runner = CliRunner()

HEAD = "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Hình thức nộp,Trạng thái"
ROW1 = "H-230502-0001,02/05/2023,10/05/2023,09/05/2023,Trực tuyến,Đã trả kết quả"
ROW2 = "H-230503-0002,03/05/2023,10/05/2023,,Trực tuyến,Đang xử lý"
KNOWN = {fold(h) for h in HEAD.split(",")}


def score(cells) -> int:
    return sum(1 for c in cells if fold(c) in KNOWN)


def validate_json(path: Path, *extra: str) -> dict:
    res = runner.invoke(
        app, ["validate", str(path), "--period", "2023-05", "--format", "json", *extra]
    )
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return json.loads(res.stdout)


# --------------------------------------------------------------------------- header search


def test_a_megabyte_cell_in_the_first_data_row(tmp_path):
    """The header search read a fixed first MiB: a 1.1 MB dossier-history cell hid the header."""
    history = "Tiếp nhận; chuyển xử lý; " * 45_000  # 1.1 MB, more than the csv module's 128 KiB
    path = tmp_path / "history.csv"
    path.write_text(f'{HEAD},Lịch sử hồ sơ\n{ROW1},"{history}"\n{ROW2},ngắn\n', encoding="utf-8")
    assert len(history.encode()) > 1_100_000
    table = read_table(path, score)
    assert table.header_line == 1 and table.headers[-1] == "Lịch sử hồ sơ"
    assert table.lines.tolist() == [2, 3]
    assert table.data.iloc[0, 6] == history.strip() and table.data.iloc[1, 6] == "ngắn"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_header_line_over_one_mebibyte(tmp_path, encoding):
    """2,000 long extra column names make the header line 1.2 MB: still found on line 1."""
    extra = [f"Ghi chú {i} " + "x" * 600 for i in range(2000)]
    path = tmp_path / "wide.csv"
    text = ",".join([HEAD, *extra]) + "\n" + ROW1 + "," * 2000 + "\n"
    path.write_text(text, encoding=encoding)
    assert len(text.split("\n")[0].encode()) > 1 << 20
    table = read_table(path, score)
    assert table.header_line == 1 and len(table.headers) == 2006
    assert table.headers[6] == extra[0] and table.data.iloc[0, 0] == "H-230502-0001"


def test_no_header_after_a_huge_row_shows_the_first_row_and_the_row_limit(tmp_path):
    """The message used to show '…' for the first row; the only limit left is the row count."""
    path = tmp_path / "none.csv"
    path.write_text("a,b\n" + "x" * 1_500_000 + "\n", encoding="utf-8")
    with pytest.raises(CchcError) as info:
        read_table(path, score)
    assert "none of the first 50 rows" in info.value.message.en
    assert info.value.message.en.endswith("First non-empty row (line 1): a | b")


# --------------------------------------------------------------------------- clock times


def _dates(cells: list[str]) -> list[str | None]:
    days, invalid = parse_dates(pa.chunked_array([pa.array(cells)]), np.zeros(len(cells), bool))
    return [None if bad else str(d) for d, bad in zip(days, invalid, strict=True)]


def test_impossible_clock_times_are_invalid_never_the_next_day():
    """strptime reads second 60 and rolled 04/05 23:59:60 into 5 May; hour 24, minute 60 and
    an offset beyond ±14:00 are the same class: each is an invalid date."""
    cells = [
        "04/05/2023 23:59:60",  # leap second: was 2023-05-05
        "04/05/2023 10:15:61",
        "2023-05-04T23:59:60",
        "2023-05-04 23:59:60.5",  # fraction path
        "2023-05-04T23:59:60+07:00",  # zoned path: was 2023-05-05
        "2023-05-04T20:00:00-24:00",  # offset of a day: was 2023-05-05
        "04/05/2023 24:00:00",
        "04/05/2023 23:60",
        "2023-05-04T23:60:00",
        # and what stays valid, on its own day
        "04/05/2023 23:59:59",
        "2023-05-04T20:00:00+14:00",  # 06:00 UTC = 13:00 in Vietnam
        "2023-05-04T16:59:59Z",  # 23:59:59 in Vietnam
        "04-05-2023 23:59",
    ]
    assert _dates(cells) == [None] * 9 + ["2023-05-04"] * 4


def test_leap_second_end_date_is_reported_in_csv_and_xlsx_text(tmp_path):
    csv_path = tmp_path / "leap.csv"
    csv_path.write_text(
        f"{HEAD}\nH-230504-0001,04/05/2023,04/05/2023,04/05/2023 23:59:60,Trực tuyến,"
        "Đã trả kết quả\n",
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    wb.active.append(HEAD.split(","))
    wb.active.append(
        [
            "H-230504-0001",
            "04/05/2023",
            "04/05/2023",
            "04/05/2023 23:59:60",
            "Trực tuyến",
            "Đã trả kết quả",
        ]
    )
    xlsx_path = tmp_path / "leap.xlsx"
    wb.save(xlsx_path)
    for path in (csv_path, xlsx_path):
        doc = validate_json(path)
        assert [(p["line"], p["column"], p["reason"]) for p in doc["problems"]] == [
            (2, 4, "invalid_date")
        ]


# --------------------------------------------------------------------------- invisible characters


def test_bom_and_other_invisible_characters_in_headers_and_cells(tmp_path):
    """A BOM inside the header (concatenated exports) made 'Ngày tiếp nhận' missing although the
    list looked identical; zero-width spaces, NBSP and soft hyphens are cleaned the same way."""
    path = tmp_path / "concat.csv"
    path.write_text(
        "Mã hồ sơ,\ufeffNgày tiếp nhận,Ngày\u00a0hẹn trả,Ngày kết\u00adthúc xử lý,Hình thức nộp\u200b,"
        "Trạng thái\n"
        "H-230502-0001\u200b,02/05/2023,10/05/2023,09/05/2023,Trực\u00a0tuyến,Đã trả kết quả\n"
        "H-230502-0001,02/05/2023,10/05/2023,09/05/2023,\ufeffTrực tuyến,Đã trả kết quả\n",
        encoding="utf-8",
    )
    records = read_records(path, _plan())
    assert records.columns["received_at"].header == "Ngày tiếp nhận"
    assert records.columns["due_at"].header == "Ngày hẹn trả"
    assert records.columns["resolved_at"].header == "Ngày kếtthúc xử lý"
    assert records.columns["dossier_id"].values.tolist() == ["H-230502-0001"] * 2
    # the zero-width space no longer hides the repeat; both channel words are known
    assert records.problems["reason"].tolist() == ["duplicate_id"]


def test_xlsx_header_with_a_bom(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Mã hồ sơ", "\ufeffNgày tiếp nhận\u200b"])
    wb.active.append(["H1", "02/05/2023"])
    path = tmp_path / "bom.xlsx"
    wb.save(path)
    assert read_table(path, score).headers == ("Mã hồ sơ", "Ngày tiếp nhận")


def test_clean_and_visible():
    assert clean(" \ufeffNgày\u00a0tiếp\u200b nhận\u00ad ") == "Ngày tiếp nhận"
    assert visible("Ngày\ufefftiếp\u00a0nhận\n\x07") == "Ngày\\ufefftiếp\\u00a0nhận\\n\\u0007"
    assert visible("Ngày tiếp nhận") == "Ngày tiếp nhận"


def test_messages_show_invisible_characters_escaped(tmp_path):
    """What cleaning leaves (a control character) is shown escaped wherever a header is quoted."""
    path = tmp_path / "bell.csv"
    path.write_text(
        "Mã hồ sơ,Ngày\x07tiếp nhận,Hình thức nộp\nH1,02/05/2023,Trực tuyến\n", encoding="utf-8"
    )
    res = runner.invoke(app, ["check", str(path), "--lang", "en"])
    assert res.exit_code == ExitCode.ERROR
    assert "columns in the file: Mã hồ sơ, Ngày\\u0007tiếp nhận, Hình thức nộp" in res.output
    assert "closest header found: 'Ngày\\u0007tiếp nhận'" in res.output
    assert "\x07" not in res.output
    # and a cell value in validate's table
    odd = ROW1.replace("09/05/2023", "09/05/2023\u2028x")
    path.write_text(f"{HEAD}\n{odd}\n", encoding="utf-8")
    out = runner.invoke(app, ["validate", str(path), "--period", "2023-05"]).stdout
    assert "'09/05/2023\\u2028x'" in out


# --------------------------------------------------------------------------- sheets


def _hidden_first(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    stale = wb.active
    stale.title = "Cũ"
    stale.append(HEAD.split(","))
    stale.append(ROW1.split(","))
    stale.sheet_state = "hidden"
    current = wb.create_sheet("Danh sách")
    current.append(HEAD.split(","))
    for row in (ROW1, ROW2, ROW2.replace("0002", "0003")):
        current.append(row.split(","))
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    return path


def test_hidden_first_sheet_is_skipped_and_the_sheet_read_is_named(tmp_path):
    path = _hidden_first(tmp_path)
    doc = validate_json(path)
    assert doc["input"]["sheet"] == "Danh sách" and doc["rows"]["read"] == 3
    res = runner.invoke(app, ["check", str(path), "--period", "2023-05", "--format", "json"])
    assert json.loads(res.stdout)["inputs"][0]["sheet"] == "Danh sách"
    table = runner.invoke(app, ["check", str(path), "--period", "2023-05"]).stdout
    assert f"Tệp hồ sơ: {path} (sheet 'Danh sách') — đọc 3 dòng" in table
    # asked for by name, the hidden sheet is read
    assert validate_json(path, "--sheet", "Cũ")["rows"]["read"] == 1


def test_unknown_sheet_lists_hidden_sheets_as_hidden(tmp_path):
    with pytest.raises(CchcError) as info:
        read_table(_hidden_first(tmp_path), score, sheet="Mới")
    assert "sheets in the file: 'Cũ' (hidden), 'Danh sách'" in info.value.hint.en


def _styled_rows(n: int, first: int, cols: int = 16) -> str:
    letters = [chr(65 + i) for i in range(cols)]
    return "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in letters) + "</row>"
        for r in range(first, first + n)
    )


def _inject(path: Path, rows: str) -> Path:
    """Rewrite the first sheet's XML: ``rows`` go after the last row openpyxl wrote; the
    dimension is made to cover everything (as the exporters write it)."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(
                    r'<dimension ref="[^"]*"/>', '<dimension ref="A1:P1048576"/>', data.decode()
                )
                text = text.replace("</sheetData>", rows + "</sheetData>")
                data = text.encode()
            zf.writestr(item, data)
    path.write_bytes(out.getvalue())
    return path


def _two_dossiers(tmp_path: Path, gap: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DS"
    ws.append(HEAD.split(","))
    ws.append(ROW1.split(","))
    if gap:  # an empty row in the middle, formatted, then data again
        ws.append([])
        ws["A3"].font = Font(bold=True)
        ws["A4"] = "H-230503-0002"
        for col, value in zip("BCDEF", ROW2.split(",")[1:], strict=True):
            ws[f"{col}4"] = value or None
    else:
        ws.append(ROW2.split(","))
    ws["A1"].font = Font(bold=True)  # style 1 exists
    path = tmp_path / "styled.xlsx"
    wb.save(path)
    return path


def test_styled_empty_rows_after_the_data_are_not_rows(tmp_path):
    """2 dossiers then 50,000 rows of styled empty cells: they are not read, not counted."""
    path = _inject(_two_dossiers(tmp_path), _styled_rows(50_000, 4))
    doc = validate_json(path)
    assert doc["rows"]["read"] == 2 and doc["rows"]["blank"] == 0
    a = doc["accounting"]
    assert a["read"] == 2 == a["used"] + a["out_of_period"] + a["not_received"] + a["left_out"]


def test_an_empty_row_in_the_middle_still_counts_and_data_after_styled_rows_is_read(tmp_path):
    """Only rows after the last value go: an empty row between dossiers is still a blank row,
    and a value far below thousands of styled rows (an inline string) is still read."""
    path = _two_dossiers(tmp_path, gap=True)
    far = (
        '<row r="20005"><c r="A20005" t="inlineStr"><is><t>H-230504-0003</t></is></c>'
        '<c r="B20005" t="inlineStr"><is><t>04/05/2023</t></is></c>'
        '<c r="E20005" t="inlineStr"><is><t>Trực tuyến</t></is></c></row>'
    )
    path = _inject(path, _styled_rows(20_000, 5) + far + _styled_rows(30_000, 20_006))
    table = read_table(path, score)
    assert table.lines.tolist() == [2, 4, 20005]
    assert table.blank_rows == 1 + 20_000  # row 3 and the styled rows between data rows
    assert table.data.iloc[2, 0] == "H-230504-0003"


def test_sheet_xml_scan_across_chunks_and_prefixes(monkeypatch):
    """The byte scan finds the last value whatever the chunking and namespace prefix."""
    from cchc_cli.io import xlsx

    xml = (
        b'<x:worksheet xmlns:x="ns"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c>'
        b'</x:row><x:row r="2" spans="1:3"><x:c r="A2" t="inlineStr"><x:is><x:t>a</x:t></x:is>'
        b'</x:c></x:row><x:row r="3"><x:c r="A3" s="1"/></x:row><x:row r="4" s="1"/>'
        b"</x:sheetData><x:extLst/></x:worksheet>"
    )
    monkeypatch.setattr(xlsx, "_OVERLAP", 40)
    for size in range(1, len(xml) + 1):  # every place a chunk can end
        monkeypatch.setattr(xlsx, "_XML_CHUNK", size)
        assert xlsx._scan_sheet_xml(io.BytesIO(xml)) == 2, size
    no_numbers = xml.replace(b' r="2"', b"")  # a row without its number: read everything
    assert xlsx._scan_sheet_xml(io.BytesIO(no_numbers)) is None
    empty = b'<worksheet><sheetData><row r="9"><c r="A9" s="1"/></row></sheetData></worksheet>'
    assert xlsx._scan_sheet_xml(io.BytesIO(empty)) == 0


# --------------------------------------------------------------------------- date orderings


def test_return_date_before_the_received_date_is_reported(tmp_path):
    """validate reported end and due dates before the received date, not the return date."""
    path = tmp_path / "ret.csv"
    path.write_text(
        "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Ngày trả kết quả,Hình thức nộp,"
        "Trạng thái\n"
        "H-230505-0001,05/05/2023,10/05/2023,06/05/2023,03/05/2023,Trực tuyến,Đã trả kết quả\n"
        "H-230505-0002,05/05/2023,10/05/2023,04/05/2023,06/05/2023,Trực tuyến,Đã trả kết quả\n"
        "H-230505-0003,05/05/2023,04/05/2023,,,Trực tuyến,Đang xử lý\n",
        encoding="utf-8",
    )
    doc = validate_json(path)
    assert [(p["line"], p["column"], p["reason"]) for p in doc["problems"]] == [
        (2, 5, "end_before_received"),
        (3, 4, "end_before_received"),
        (4, 3, "due_before_received"),
    ]


def test_every_date_field_of_the_plan_is_ordered_after_the_received_date():
    plan = _plan()
    dates = {name for name, spec in plan.columns.items() if spec.kind == F.DATE}
    ordered = {later for later, earlier, _ in F.DATE_ORDER if earlier == "received_at"}
    assert ordered == dates - {"received_at"} == {"due_at", "resolved_at", "returned_at"}


def _plan():
    from cchc_cli import load_plan
    from conftest import PLAN

    return load_plan(PLAN)
