"""``cchc validate --registers``: every bad cell, repeated key and dangling reference of the
registers, with register, file, sheet, line, column, header, value and reason worked out by hand
from the rows written here (a CSV register's header is line 1, its first row line 2)."""

from __future__ import annotations

import csv
import io
import json
import textwrap

import pytest

from cchc_cli.errors import CchcError
from cchc_cli.plan.model import load_plan
from conftest import PLAN, REGISTERS, ROOT, SAMPLE, cli
from register_kit import DOSSIER_COLUMNS, edited_plan, write_register

FOLDER = ROOT / "sample_data" / "so-theo-doi-cchc-2023"


def _registers(tmp_path):
    folder = tmp_path / "so"
    write_register(
        folder,
        "can_bo",
        [
            {"staff_id": "CB01", "name": "An", "kind": "Công chức", "unit": "Văn phòng Sở"},  # 2
            {"staff_id": "CB02", "name": "Bình", "kind": "Cộng tác viên"},  # 3: unknown word
            {"staff_id": "", "name": "Chi", "kind": "Viên chức"},  # 4: empty key
            {"staff_id": "CB03", "name": "Dũng", "kind": "Công chức"},  # 5
        ],
    )
    write_register(
        folder,
        "boi_duong",
        [
            {"staff_id": "CB01", "topic": "Nghiệp vụ", "ended_at": "05/03/2023"},  # 2
            {"staff_id": " cb02 ", "topic": "Nghiệp vụ", "ended_at": "05/03/2023"},  # 3: CB02
            {"staff_id": "CB99", "topic": "Nghiệp vụ", "ended_at": "05/03/2023"},  # 4: no CB99
            {"staff_id": "CB03", "topic": "Nghiệp vụ", "ended_at": "31/02/2023"},  # 5: bad date
            {"staff_id": "", "topic": "Nghiệp vụ", "ended_at": "05/03/2023"},  # 6: names no one
        ],
    )
    write_register(
        folder,
        "ton_tai",
        [
            {"finding_id": "TT-99", "found_at": "01/06/2023"},  # 2
            {"finding_id": "TT-01", "found_at": "02/06/2023"},  # 3
            {"finding_id": "tt-99", "found_at": "03/06/2023"},  # 4: TT-99 again
        ],
    )
    write_register(
        folder,
        "don_vi",
        [{"unit": "Phòng Lãnh sự", "kind": "Phòng"}, {"unit": "Văn phòng Sở", "kind": "Văn phòng"}],
    )
    write_register(
        folder,
        "kiem_tra",
        [
            {"unit": "phong lanh su", "kind": "Kiểm tra CCHC", "method": "Trực tiếp"},  # 2
            {"unit": "Phòng Tư pháp", "kind": "Kiểm tra CCHC", "method": "Trực tiếp"},  # 3
            {"unit": "VĂN PHÒNG SỞ", "kind": "Kiểm tra CCHC", "method": "Trực tiếp"},  # 4
        ],
    )
    return folder


def _found(doc) -> dict:
    """register -> [(line, column, header, field, value, reason, refers, other_lines)]."""
    return {
        r["register"]: [
            (
                p["line"],
                p["column"],
                p["header"],
                p["field"],
                p["value"],
                p["reason"],
                p["refers"],
                p["other_lines"],
            )
            for p in r["problems"]
        ]
        for r in doc["registers"]
    }


def test_every_register_problem_is_located_with_its_reason(tmp_path):
    folder = _registers(tmp_path)
    res = cli("validate", "--registers", folder, "--format", "json")
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    assert _found(doc) == {
        "can_bo": [
            (3, 3, "Loại", "kind", "Cộng tác viên", "unknown_value", None, []),
            (4, 1, "Mã cán bộ", "staff_id", "", "missing_value", None, []),
        ],
        # ' cb02 ' is CB02 (case and spaces folded); the empty staff id names no one
        "boi_duong": [
            (4, 1, "Mã cán bộ", "staff_id", "CB99", "unknown_reference", "can_bo", []),
            (5, 5, "Đến ngày", "ended_at", "31/02/2023", "invalid_date", None, []),
        ],
        "don_vi": [],
        # 'phong lanh su' is Phòng Lãnh sự, 'VĂN PHÒNG SỞ' Văn phòng Sở (case, diacritics)
        "kiem_tra": [
            (3, 2, "Đơn vị được kiểm tra", "unit", "Phòng Tư pháp", "unknown_reference", "don_vi", [])
        ],
        # both rows of the repeated key, each naming the other
        "ton_tai": [
            (2, 1, "Mã", "finding_id", "TT-99", "duplicate_id", None, [4]),
            (4, 1, "Mã", "finding_id", "tt-99", "duplicate_id", None, [2]),
        ],
    }
    paths = {r["register"]: (r["path"], r["sheet"], r["rows_read"]) for r in doc["registers"]}
    assert paths["boi_duong"] == (str(folder / "boi_duong.csv"), None, 5)
    assert doc["input"] is None and doc["problems"] == []  # no export given
    assert doc["registers_not_given"] == ["thu_tuc", "vbqppl", "ho_so_cong_viec", "van_ban"]
    assert [r["unchecked_references"] for r in doc["registers"]] == [[]] * 5


def test_csv_and_table_carry_the_register_problems(tmp_path):
    folder = _registers(tmp_path)
    res = cli("validate", "--registers", folder, "--format", "csv", "--lang", "en")
    assert res.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(res.stdout.lstrip("\ufeff"))))
    assert [(r["register"], r["line"], r["column"], r["value"], r["reason"]) for r in rows] == [
        ("can_bo", "3", "3", "Cộng tác viên", "unknown_value"),
        ("can_bo", "4", "1", "", "missing_value"),
        ("boi_duong", "4", "1", "CB99", "unknown_reference"),
        ("boi_duong", "5", "5", "31/02/2023", "invalid_date"),
        ("kiem_tra", "3", "2", "Phòng Tư pháp", "unknown_reference"),
        ("ton_tai", "2", "1", "TT-99", "duplicate_id"),
        ("ton_tai", "4", "1", "tt-99", "duplicate_id"),
    ]
    assert rows[2]["refers"] == "can_bo" and rows[5]["other_lines"] == "4"
    assert rows[2]["file"] == str(folder / "boi_duong.csv")
    table = cli("validate", "--registers", folder, "--lang", "en")
    assert table.exit_code == 1
    assert "'CB99'" in table.stdout and "register can_bo" in table.stdout
    assert "also on line(s) 4" in table.stdout
    assert "Register problems: 7." in table.stdout


def test_a_reference_to_a_register_not_given_is_skipped_with_a_note(tmp_path):
    folder = tmp_path / "so"
    write_register(folder, "boi_duong", [{"staff_id": "CB99", "topic": "Nghiệp vụ"}])
    res = cli("validate", "--registers", folder, "--format", "json")
    assert res.exit_code == 0, res.output  # a note, not a problem
    (reg,) = json.loads(res.stdout)["registers"]
    assert (reg["problems"], reg["unchecked_references"]) == (
        [],
        [{"field": "staff_id", "refers": "can_bo"}],
    )
    table = cli("validate", "--registers", folder, "--lang", "en")
    assert "staff_id not checked against register can_bo: it was not given" in table.stdout


def test_the_export_and_the_registers_in_one_run(tmp_path):
    folder = _registers(tmp_path)
    res = cli("validate", SAMPLE, "--registers", folder, "--format", "json")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    # the sample export's four broken cells (README), then the registers' seven
    assert [p["line"] for p in doc["problems"]] == [415, 482, 886, 1462]
    assert sum(len(r["problems"]) for r in doc["registers"]) == 7


def test_neither_an_export_nor_registers_is_a_usage_error():
    res = cli("validate")
    assert res.exit_code == 2
    assert "give an export or --registers" in cli("--lang", "en", "validate").output
    assert "Traceback" not in res.output


def test_a_workbook_of_headers_only_has_no_problems(tmp_path):
    book = tmp_path / "so-trong.xlsx"
    assert cli("template", "registers", "-o", book).exit_code == 0
    res = cli("validate", "--registers", book, "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert len(doc["registers"]) == 9
    assert all((r["rows_read"], r["problems"]) == (0, []) for r in doc["registers"])
    assert cli("validate", "--registers", book).exit_code == 0


# -- the sample: the workbook and the CSV folder --------------------------------------------------


def _sample(source) -> dict:
    res = cli("validate", "--registers", source, "--format", "json")
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    return {
        r["register"]: [
            (p["line"] - r["header_line"], p["column"], p["header"], p["value"], p["reason"],
             p["refers"])
            for p in r["problems"]
        ]
        for r in doc["registers"]
    }  # fmt: skip


def test_the_sample_workbook_and_csv_folder_give_the_same_problems():
    book, folder = _sample(REGISTERS), _sample(FOLDER)
    assert book == folder
    # by data row (line − header line), from scripts/sample_registers.py: the 27th training row
    # (CB041, not in the roster), the 242nd work file, the 361st document, the 6th inspection
    assert {k: v for k, v in book.items() if v} == {
        "boi_duong": [(27, 1, "Mã cán bộ", "CB041", "unknown_reference", "can_bo")],
        "ho_so_cong_viec": [(242, 4, "Độ mật", "Bình thường", "unknown_value", None)],
        "van_ban": [(361, 2, "Ngày", "31/11/2023", "invalid_date", None)],
        "kiem_tra": [
            (6, 2, "Đơn vị được kiểm tra", "Phòng Quản lý biên gới", "unknown_reference", "don_vi")
        ],
    }
    res = cli("validate", "--registers", REGISTERS, "--format", "json")
    lines = {r["register"]: (r["sheet"], r["header_line"]) for r in json.loads(res.stdout)["registers"]}
    assert lines["boi_duong"] == ("Bồi dưỡng", 3)  # a title row and a blank row above the header


# -- refers: in the plan ---------------------------------------------------------------------------


STAFF = "type: text, refers: can_bo}"


@pytest.mark.parametrize(
    ("new", "says", "at"),
    [
        ("type: text, refers: can_b}", "did you mean 'can_bo'", "can_b}"),
        ("type: text, refers: van_ban}", "register 'van_ban' has no key", "van_ban}"),
        ("type: date, refers: can_bo}", "it must be text, as keys are", "can_bo}"),
    ],
)
def test_refers_mistakes_are_located(tmp_path, new, says, at):
    p = edited_plan(tmp_path, STAFF, new)
    with pytest.raises(CchcError) as err:
        load_plan(p)
    e = err.value
    assert says in e.render("en")
    line = p.read_text(encoding="utf-8").splitlines()[e.location.line - 1]
    assert e.location.path == str(p)
    assert line[e.location.column - 1 :].startswith(at)


SECOND = (
    textwrap.dedent(
        """\
        schema: 1
        id: truong-2024
        title: Trường bồi dưỡng 2024 (thử nghiệm)
        year: 2024
        """
    )
    + DOSSIER_COLUMNS
    + textwrap.dedent(
        """\
        vocabularies:
          tt: {categories: {huy: [Hủy], rut: [Rút]}}
        classification:
          not_received: status == huy
          withdrawn: status == rut
        registers:
          lop:
            title: Danh sách lớp
            names: [Lớp học]
            key: ma_lop
            fields:
              ma_lop: {aliases: [Mã lớp], type: text}
              ten_lop: {aliases: [Tên lớp], type: text}
          hoc_vien:
            title: Học viên
            names: [Học viên]
            key: ma_hv
            fields:
              ma_hv: {aliases: [Mã học viên], type: text}
              lop: {aliases: [Lớp], type: text, refers: lop}
              ngay_ket_thuc: {aliases: [Ngày kết thúc], type: date}
        indicators:
          - id: hoc_vien_xong
            section: "A"
            title: Học viên hoàn thành trong năm
            target: ">= 50%"
            from: hoc_vien
            denominator: lop is not empty
            numerator: ngay_ket_thuc in period
        """
    )
)


def test_a_second_plan_declares_its_own_reference_without_code_changes(tmp_path):
    plan = tmp_path / "plan-truong.yaml"
    plan.write_text(SECOND, encoding="utf-8")
    folder = tmp_path / "so"
    folder.mkdir()
    (folder / "lop-hoc.csv").write_text("Mã lớp,Tên lớp\nL1,Tin học\nL2,Ngoại ngữ\n", "utf-8")
    (folder / "hoc-vien.csv").write_text(
        "Mã học viên,Lớp,Ngày kết thúc\n"
        "HV1,l1,01/03/2024\n"  # line 2: L1 (case folded)
        "HV2,L3,02/03/2024\n"  # line 3: no class L3
        "HV3,,03/03/2024\n",  # line 4: no class named: no problem
        encoding="utf-8",
    )
    res = cli("validate", "--plan", plan, "--registers", folder, "--format", "json")
    assert res.exit_code == 1, res.output
    assert _found(json.loads(res.stdout)) == {
        "lop": [],
        "hoc_vien": [(3, 2, "Lớp", "lop", "L3", "unknown_reference", "lop", [])],
    }
    # the shipped plan's references are not this plan's
    assert load_plan(plan).registers["hoc_vien"].refers == {"lop": "lop"}
    assert load_plan(PLAN).registers["boi_duong"].refers == {"staff_id": "can_bo"}
