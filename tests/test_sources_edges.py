"""Files that are not what they claim, and paths that are slightly wrong: the exact message and
hint, exit 2. Found by mutation testing (benchmarks/README.md): the suite checked the exit code and
the file name, so a lost "did you mean" or a missed file signature went unnoticed.
"""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode

runner = CliRunner()


def _error(*args: str) -> str:
    res = runner.invoke(app, ["check", *args, "--lang", "en"])
    assert res.exit_code == ExitCode.ERROR, res.stdout
    return res.stderr


def test_a_near_miss_path_suggests_the_file_next_to_it(tmp_path):
    (tmp_path / "ho-so-thang-5.csv").write_text("x", encoding="utf-8")
    err = _error(str(tmp_path / "ho-so-thang5.csv"))
    assert f"file '{tmp_path / 'ho-so-thang5.csv'}' does not exist" in err
    assert (
        f"→ check the path and file name; did you mean '{tmp_path / 'ho-so-thang-5.csv'}'?" in err
    )


def test_a_near_miss_sheet_name_is_suggested(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Tháng 5"
    book.active.append(["Mã hồ sơ", "Ngày tiếp nhận", "Hình thức nộp"])
    book.active.append(["H1", "02/05/2023", "Trực tuyến"])
    path = tmp_path / "so.xlsx"
    book.save(path)
    err = _error(str(path), "--sheet", "Thang 6")
    assert "no sheet 'Thang 6' in 'so.xlsx'" in err
    assert "→ sheets in the file: 'Tháng 5'; did you mean 'Tháng 5'?" in err


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("arch.xlsx", b"7z\xbc\xaf\x27\x1c" + bytes(50), "a 7-Zip archive"),
        ("arch.csv", b"Rar!\x1a\x07\x00" + bytes(50), "a RAR archive"),
    ],
)
def test_files_that_are_something_else_say_what_they_are(tmp_path, name, data, what):
    path = tmp_path / name
    path.write_bytes(data)
    err = _error(str(path))
    assert f"'{name}' is {what}, not" in err


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [  # an HTML "xls" is read as a sheet: its table is empty, or holds no known header
        ("page.xls", b"<!DOCTYPE html>\n<html><body><table></table></body></html>", "is empty"),
        ("meta.xls", b"<meta charset='utf-8'><table><tr><td>1</td></tr></table>", "no header row"),
    ],
)
def test_html_tables_without_a_dossier_list_say_so(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    assert words in _error(str(path))


def test_blank_rows_of_a_sheet_are_counted_and_lines_kept(tmp_path, plan):
    from oracle.records import read_records

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã hồ sơ", "Ngày tiếp nhận", "Hình thức nộp"])  # row 1
    sheet.append(["H1", "02/05/2023", "Trực tuyến"])  # row 2
    sheet.append([])  # row 3: blank
    sheet.append([None, None, None])  # row 4: blank
    sheet.append(["H2", "03/05/2023", "Trực tiếp"])  # row 5
    sheet.append([""])  # row 6: blank
    sheet.append(["H3", "04/05/2023", "Trực tiếp"])  # row 7
    path = tmp_path / "so.xlsx"
    book.save(path)
    rec = read_records(path, plan)
    assert (rec.n_rows, rec.blank_rows, rec.lines.tolist()) == (3, 3, [2, 5, 7])
