"""Reading the export's header into canonical columns: the two header errors in full (message,
hint, file:line:column), headers the plan does not know, and the columns a file may lack.
Found by mutation testing (benchmarks/README.md): the suite checked only that these errors exit 2.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import CchcError
from cchc_cli.report import build_form
from oracle.records import EMPTY, read_records

runner = CliRunner()


def _problems(path) -> list[dict]:
    """The problems ``cchc validate`` lists, as JSON."""
    res = runner.invoke(app, ["validate", str(path), "--format", "json"])
    return json.loads(res.stdout)["problems"]


def _write(tmp_path, text: str):
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_two_headers_for_one_field(tmp_path, plan):
    # "Ngày nhận" (column 3) is another name of "Ngày tiếp nhận" (column 2)
    path = _write(
        tmp_path,
        "Mã hồ sơ,Ngày tiếp nhận,Ngày nhận,Hình thức nộp\nH1,02/05/2023,02/05/2023,Trực tuyến\n",
    )
    with pytest.raises(CchcError) as err:
        read_records(path, plan)
    e = err.value
    # both columns hold dates, so neither can be chosen by its cells: the plan or the file must say
    assert e.render("en").splitlines()[0] == (
        f"{path}:1:3: two columns both mean 'received_at': 'Ngày tiếp nhận' (column 2) and "
        "'Ngày nhận' (column 3), and the cells of both are dates"
    )
    assert e.render("vi").splitlines()[0] == (
        f"{path}:1:3: hai cột cùng là 'received_at': 'Ngày tiếp nhận' (cột 2) và 'Ngày nhận' "
        "(cột 3), và ô của cả hai đều là ngày"
    )
    hint = e.hint.en
    assert "plan2023.yaml:37:32" in hint and "plan2023.yaml:37:48" in hint  # the aliases to drop
    assert "drop_aliases: [Ngày nhận]" in hint and "rename one of the two columns" in hint


def test_a_required_column_missing_names_the_headers_found_and_the_closest(tmp_path, plan):
    path = _write(
        tmp_path,
        "SỞ NGOẠI VỤ\n"  # a title row: the header is on line 2
        "Mã hồ sơ,Ngày tiếp nhận hồ sơ,,Hình thức nộp\nH1,02/05/2023,,Trực tuyến\n",
    )
    with pytest.raises(CchcError) as err:
        read_records(path, plan)
    e = err.value
    assert (e.location.path, e.location.line, e.location.column) == (str(path), 2, None)
    assert e.message.en == (
        "missing column 'Ngày tiếp nhận' (received_at); "
        "columns in the file: Mã hồ sơ, Ngày tiếp nhận hồ sơ, Hình thức nộp"
    )
    assert e.hint.en == (
        "name a column 'Ngày tiếp nhận' (or: Ngày nhận, NgayTiepNhan, ngay_tiep_nhan); "
        "closest header found: 'Ngày tiếp nhận hồ sơ'"
    )
    assert e.message.vi == (
        "thiếu cột 'Ngày tiếp nhận' (received_at); "
        "các cột có trong tệp: Mã hồ sơ, Ngày tiếp nhận hồ sơ, Hình thức nộp"
    )
    assert e.hint.vi == (
        "đặt tên một cột là 'Ngày tiếp nhận' (hoặc: Ngày nhận, NgayTiepNhan, ngay_tiep_nhan); "
        "cột gần giống nhất: 'Ngày tiếp nhận hồ sơ'"
    )


def test_no_closest_header_when_nothing_is_alike(tmp_path, plan):
    path = _write(tmp_path, "Mã hồ sơ,Hình thức nộp\nH1,Trực tuyến\n")
    with pytest.raises(CchcError) as err:
        read_records(path, plan)
    assert err.value.hint.en == (
        "name a column 'Ngày tiếp nhận' (or: Ngày nhận, NgayTiepNhan, ngay_tiep_nhan)"
    )
    assert err.value.hint.vi == (
        "đặt tên một cột là 'Ngày tiếp nhận' (hoặc: Ngày nhận, NgayTiepNhan, ngay_tiep_nhan)"
    )


def test_unknown_headers_are_listed_and_the_columns_after_them_still_read(tmp_path, plan):
    path = _write(
        tmp_path,
        "Mã hồ sơ,Ghi chú,Ngày tiếp nhận,Người nhận,Hình thức nộp\n"
        "H1,gấp,02/05/2023,Lan,Trực tuyến\n",
    )
    rec = read_records(path, plan)
    assert rec.unmatched_headers == ("Ghi chú", "Người nhận")
    assert str(rec.columns["received_at"].values[0]) == "2023-05-02"
    assert rec.columns["channel"].header == "Hình thức nộp" and rec.columns["channel"].index == 5


def test_columns_the_file_lacks(tmp_path, plan):
    path = _write(tmp_path, "Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp\nH1,02/05/2023,Trực tuyến\n")
    rec = read_records(path, plan)
    # optional ones are not "missing"; the others are, for the indicators that need them
    assert "returned_at" not in rec.missing and "status" not in rec.missing
    assert {"due_at", "resolved_at", "e_result", "processing_days"} <= set(rec.missing)
    assert not rec.has("returned_at") and rec.has("channel")
    # absent columns read as all empty, with their canonical field and no header
    returned = rec.columns["returned_at"]
    assert (returned.field, returned.header, returned.index) == ("returned_at", None, None)
    assert returned.values.dtype == np.dtype("datetime64[D]") and np.isnat(returned.values).all()
    e_result = rec.columns["e_result"]  # yes/no: an empty cell means "no"
    assert e_result.field == "e_result"
    assert e_result.values.dtype == np.int16
    assert e_result.values.tolist() == [e_result.categories.index("no")]
    assert rec.columns["status"].values.tolist() == [EMPTY]  # no empty word for a status
    text = rec.columns["field"]
    assert (text.field, text.kind, text.values.tolist()) == ("field", "text", [""])
    days = rec.columns["processing_days"]
    assert days.field == "processing_days" and np.isnan(days.values).all()


def test_processing_days_written_by_spreadsheets(tmp_path, plan):
    path = _write(
        tmp_path,
        "Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp,Thời hạn giải quyết\n"
        'H1,02/05/2023,Trực tuyến,"5,00"\n'
        'H2,02/05/2023,Trực tuyến,"7,0"\n'
        "H3,02/05/2023,Trực tuyến,12.000\n",
    )
    rec = read_records(path, plan)
    assert rec.columns["processing_days"].values.tolist() == [5.0, 7.0, 12.0]


def test_every_problem_row_in_full(tmp_path):
    # line 2 lacks its last cell; line 3 repeats H1 and has an impossible date
    path = _write(
        tmp_path,
        "Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp,Thời hạn giải quyết\n"
        "H1,02/05/2023,Trực tuyến\n"
        "H1,31/02/2023,Trực tuyến,5\n",
    )
    assert _problems(path) == [
        {
            "line": 2,
            "column": 4,
            "header": "Thời hạn giải quyết",
            "field": "",
            "value": "",
            "reason": "short_row",
        },
        {
            "line": 3,
            "column": 1,
            "header": "Mã hồ sơ",
            "field": "dossier_id",
            "value": "H1",
            "reason": "duplicate_id",
        },
        {
            "line": 3,
            "column": 2,
            "header": "Ngày tiếp nhận",
            "field": "received_at",
            "value": "31/02/2023",
            "reason": "invalid_date",
        },
    ]


def test_the_canonical_field_names_are_headers_too(tmp_path, plan):
    path = _write(tmp_path, "dossier_id,received_at,channel\nH1,02/05/2023,2\n")
    rec = read_records(path, plan)
    assert rec.columns["dossier_id"].header == "dossier_id"
    assert rec.columns["channel"].values.tolist() == [
        rec.columns["channel"].categories.index("online")
    ]


def test_a_header_but_no_dossiers(tmp_path, plan):
    path = _write(tmp_path, "SỞ NGOẠI VỤ\nMã hồ sơ,Ngày tiếp nhận,Hình thức nộp\n")
    with pytest.raises(CchcError) as err:
        read_records(path, plan)
    assert err.value.render("en") == (
        f"{path}:2: the file has a header but no dossiers\n"
        "  → export the dossier list again (check the date filter used for the export)"
    )
    assert err.value.render("vi") == (
        f"{path}:2: tệp chỉ có dòng tiêu đề, không có hồ sơ nào\n"
        "  → xuất lại danh sách hồ sơ từ phần mềm Một cửa (kiểm tra bộ lọc thời gian khi xuất)"
    )


def test_the_encoding_and_sheet_asked_for_are_used(tmp_path, plan):
    # ASCII is valid in both: only the option can make it Windows-1258
    path = _write(tmp_path, "MaHoSo,NgayTiepNhan,HinhThuc\nH1,02/05/2023,2\n")
    assert read_records(path, plan).encoding == "utf-8"
    assert read_records(path, plan, encoding="cp1258").encoding == "cp1258"
    book = openpyxl.Workbook()
    book.active.title = "Ghi chú"
    book.active.append(["Sổ theo dõi"])
    may = book.create_sheet("Tháng 5")
    may.append(["Mã hồ sơ", "Ngày tiếp nhận", "Hình thức nộp"])
    may.append(["H1", "02/05/2023", "Trực tiếp"])
    may.append(["H2", "03/05/2023", "Trực tuyến"])
    xlsx = tmp_path / "so.xlsx"
    book.save(xlsx)
    rec = read_records(xlsx, plan, sheet="Tháng 5")
    assert (rec.sheet, rec.n_rows, rec.header_line) == ("Tháng 5", 2, 1)


def test_processing_days_stand_in_for_a_missing_due_column(tmp_path, plan):
    # no "Ngày hẹn trả" column: Biểu 06 counts from "Thời hạn giải quyết" (Tue 02/05/2023 is a
    # day off in lieu: Thu 04/05 (1), Fri 05/05 (2) -> due 05/05, resolved 05/05 -> on time)
    path = _write(
        tmp_path,
        "Mã hồ sơ,Ngày tiếp nhận,Ngày kết thúc xử lý,Hình thức nộp,Thời hạn giải quyết\n"
        "H1,02/05/2023,05/05/2023,Trực tuyến,2\n",
    )
    form = build_form(plan, path, (dt.date(2023, 5, 1), dt.date(2023, 5, 31)))
    assert (form.total.counts["resolved_on_time"], form.input.due_dates_derived) == (1, 1)


def test_a_word_cell_is_shown_as_written(tmp_path):
    # the status says the dossier is done but there is no end date: the problem shows the word
    path = _write(
        tmp_path,
        "Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp,Trạng thái,Ngày kết thúc xử lý\n"
        "H1,02/05/2023,Trực tuyến,Đã trả kết quả,\n",
    )
    assert _problems(path) == [
        {
            "line": 2,
            "column": 4,
            "header": "Trạng thái",
            "field": "status",
            "value": "Đã trả kết quả",
            "reason": "resolved_without_end",
        }
    ]
