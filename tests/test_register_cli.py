"""``cchc check … --registers``: the sample's registers as a workbook and as a folder of CSV files
(the same figures), what is refused (exit 2, located), and ``cchc template registers``."""

from __future__ import annotations

import hashlib
import json

import openpyxl
import pytest

from conftest import ACTUALS, ROOT, SAMPLE, cli
from register_kit import write_register

BOOK = ROOT / "sample_data" / "so-theo-doi-cchc-2023.xlsx"
FOLDER = ROOT / "sample_data" / "so-theo-doi-cchc-2023"

# The sample's 2023 figures, worked out from scripts/sample_registers.py's rules (see its
# comments and sample_data/README.md): (numerator, denominator, status)
SAMPLE_FIGURES = {
    "legal_docs_on_schedule": (2, 2, "pass"),
    "legal_docs_reviewed": (5, 5, "pass"),
    "procedures_updated_timely": (3, 3, "pass"),  # two amended, one repealed
    "procedures_published": (18, 18, "pass"),
    "procedures_with_sample_dossier": (14, 18, "pass"),
    "internal_procedures_published": (4, 4, "pass"),
    "internal_procedures_simplified": (2, 3, "pass"),
    "procedures_simplification_plan": (2, 18, "pass"),
    "declared_info_reduced": (46, 219, "pass"),  # sums of two columns
    "procedures_online": (16, 16, "pass"),
    "iso_processes_applied": (12, None, "pass"),
    "staff_placed_correctly": (32, 32, "pass"),
    "staff_trained": (24, 32, "fail"),
    "reception_staff_trained": (3, 3, "pass"),
    "staff_records_in_database": (32, 32, "pass"),
    "work_files_online": (228, 228, "pass"),  # 12 secret; 1 unknown word left out
    "leaders_digital_signature": (9, 9, "pass"),
    "internal_inspections_digital": (2, 5, "fail"),
    "staff_using_document_system": (22, 22, "pass"),
    "documents_via_interconnect": (324, 324, "pass"),  # 31/11/2023 left out
    "units_inspected": (4, 5, "pass"),
    "findings_remedied": (6, 7, "fail"),
}


def _json(*args) -> tuple[int, dict]:
    res = cli("check", SAMPLE, *args, "--format", "json")
    return res.exit_code, json.loads(res.stdout) if res.stdout else {}


@pytest.fixture(scope="module")
def by_book():
    return _json("--registers", BOOK, "--actuals", ACTUALS)


def test_sample_workbook_gives_29_figures_from_rows_and_2_typed(by_book):
    code, doc = by_book
    assert code == 1
    ind = {i["id"]: i for i in doc["indicators"]}
    got = {
        k: (ind[k]["numerator"], ind[k]["denominator"], ind[k]["status"]) for k in SAMPLE_FIGURES
    }
    assert got == SAMPLE_FIGURES
    sources = [i["source"] for i in doc["indicators"]]
    assert (sources.count("dossiers"), sources.count("registers"), sources.count("actuals")) == (
        7,
        22,
        2,
    )
    assert doc["summary"] == {"pass": 25, "fail": 6, "no_data": 0}
    assert ind["work_files_online"]["left_out_by"] == [
        {"reason": "unknown_value", "field": "ho_so_cong_viec.secrecy", "rows": 1}
    ]
    assert ind["documents_via_interconnect"]["left_out_by"] == [
        {"reason": "invalid_date", "field": "van_ban.date", "rows": 1}
    ]


def test_the_same_registers_as_csv_files_give_the_same_figures(by_book):
    _, book = by_book
    code, folder = _json("--registers", FOLDER, "--actuals", ACTUALS)
    assert code == 1
    assert folder["indicators"] == book["indicators"]
    files = {i["register"]: i for i in folder["inputs"] if "register" in i}
    assert files["thu_tuc"]["path"].endswith("danh-muc-tthc.csv")
    assert (
        files["thu_tuc"]["sha256"]
        == hashlib.sha256((FOLDER / "danh-muc-tthc.csv").read_bytes()).hexdigest()
    )


def test_register_inputs_in_json(by_book):
    _, doc = by_book
    regs = [i for i in doc["inputs"] if "register" in i]
    assert [r["register"] for r in regs] == [
        "thu_tuc",
        "vbqppl",
        "can_bo",
        "boi_duong",
        "ho_so_cong_viec",
        "van_ban",
        "don_vi",
        "kiem_tra",
        "ton_tai",
    ]
    assert {r["sha256"] for r in regs} == {hashlib.sha256(BOOK.read_bytes()).hexdigest()}
    can_bo = regs[2]
    # the title row and the blank row above the header are skipped
    assert (can_bo["sheet"], can_bo["header_line"], can_bo["rows_read"]) == ("CBCCVC", 3, 34)
    assert regs[4]["problems"] == 1 and regs[5]["problems"] == 1
    assert doc["inputs"][0]["path"].endswith("ho-so-mot-cua-2023.csv")  # the export first


def test_without_registers_the_register_indicators_are_no_data():
    code, doc = _json("--actuals", ACTUALS)
    rows = [i for i in doc["indicators"] if i["source"] == "registers"]
    assert len(rows) == 22
    assert {(i["status"], i["reason"]) for i in rows} == {("no_data", "no_register")}
    ind = {i["id"]: i for i in doc["indicators"]}
    assert ind["units_inspected"]["reason_detail"] == "Đơn vị thuộc Sở (don_vi)"
    assert code == 1  # the dossier figures still fail; no_data never passes nor fails


def test_a_typed_figure_for_a_register_indicator_is_refused(tmp_path):
    typed = tmp_path / "so-lieu.yaml"
    typed.write_text(
        "plan: snv-dongnai-2023\nindicators:\n  staff_trained:\n    numerator: 24\n"
        "    denominator: 32\n",
        encoding="utf-8",
    )
    res = cli("check", SAMPLE, "--registers", BOOK, "--actuals", typed)
    assert res.exit_code == 2
    assert f"{typed}:3:3" in res.output
    assert "'staff_trained' được đếm từ sổ 'can_bo'" in res.output
    assert "--registers" in res.output


def test_a_register_given_twice_is_refused(tmp_path):
    res = cli("check", SAMPLE, "--registers", BOOK, "--registers", FOLDER / "cbccvc.csv")
    assert res.exit_code == 2
    assert "sổ 'can_bo' có ở hai nơi" in res.output


def test_a_source_without_any_register_is_refused(tmp_path):
    (tmp_path / "khac.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    res = cli("--lang", "en", "check", SAMPLE, "--registers", tmp_path)
    assert res.exit_code == 2
    assert "no register found in" in res.output and "thu_tuc: Danh mục TTHC" in res.output


def test_a_register_without_its_key_column_names_the_file(tmp_path):
    write_register(tmp_path, "can_bo", [{"staff_id": "CB1", "kind": "Công chức"}])
    text = (tmp_path / "can_bo.csv").read_text(encoding="utf-8")
    (tmp_path / "can_bo.csv").write_text(text.replace("Mã cán bộ", "Số thứ tự"), "utf-8")
    res = cli("--lang", "en", "check", SAMPLE, "--registers", tmp_path)
    assert res.exit_code == 2
    assert "can_bo.csv:1: missing column 'Mã cán bộ' (staff_id)" in res.output


def test_register_sql_transpiles_to_spark(tmp_path):
    sqlglot = pytest.importorskip("sqlglot")
    import datetime as dt

    import duckdb

    from cchc_cli.engine.registers import run_registers
    from cchc_cli.io.registers import read_registers
    from cchc_cli.plan.model import load_plan

    plan = load_plan()
    staged = read_registers(plan, [FOLDER])
    con = duckdb.connect()  # kept open: the register tables stay registered on it
    try:
        run = run_registers(plan, staged, (dt.date(2023, 1, 1), dt.date(2023, 12, 31)), con)
        queries = run.sql.split(";\n")
        assert len(queries) == 8  # every register but boi_duong counts indicators of its own
        for sql in queries:
            # Spark SQL, read back as DuckDB's: the same rows (what Spark runs says the same)
            (spark,) = sqlglot.transpile(sql, read="duckdb", write="spark")
            (back,) = sqlglot.transpile(spark, read="spark", write="duckdb")
            assert sorted(con.execute(back).fetchall()) == sorted(con.execute(sql).fetchall())
    finally:
        con.close()
        for s in staged.values():
            s.close()


# -- cchc template registers ---------------------------------------------------------------------


def test_template_registers_writes_the_plans_sheets_headers_and_lists(tmp_path):
    out = tmp_path / "so-theo-doi.xlsx"
    res = cli("template", "registers", "-o", out)
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Hướng dẫn"
    assert wb["Danh sách từ"].sheet_state == "hidden"
    ws = wb["CBCCVC"]
    assert [c.value for c in ws[1]][:3] == ["Mã cán bộ", "Họ và tên", "Loại"]
    lists = {str(d.sqref): d.formula1 for d in ws.data_validations.dataValidation}
    words = wb["Danh sách từ"]
    col = lists["C2:C1000"].split("!")[1].split(":")[0].replace("$", "")[0]
    listed = [c.value for c in words[col]][1:]
    assert listed[:3] == ["Công chức", "Viên chức", "Hợp đồng"]
    assert "B2:B1000" not in lists  # a name: free text
    notes = [[c.value for c in row] for row in wb["Hướng dẫn"].iter_rows(min_row=5)]
    key = next(r for r in notes if r[0] == "CBCCVC" and r[1] == "Mã cán bộ")
    assert key[5] == "khóa: không trùng, không trống"
    # filled in, the template is read back as registers
    ws.append(["CB01", "An", "Công chức", "VP", "", "Có"])
    wb.save(out)
    _, doc = _json("--registers", out)
    ind = {i["id"]: i for i in doc["indicators"]}
    assert (
        ind["staff_placed_correctly"]["numerator"],
        ind["staff_placed_correctly"]["denominator"],
    ) == (1, 1)
    assert ind["procedures_online"]["reason"] == "zero_denominator"  # an empty sheet


def test_template_needs_an_output_file():
    res = cli("template", "registers")
    assert res.exit_code == 2
    assert "cần -o TỆP.xlsx" in res.output


def test_bad_register_cells_are_located_by_register_file_sheet_line_and_column():
    from cchc_cli.engine.registers import bad_cells, bind_register
    from cchc_cli.io.registers import read_registers
    from cchc_cli.plan.model import load_plan

    plan = load_plan()
    staged = read_registers(plan, [BOOK])
    try:
        found = [
            (b.register, b.sheet, b.line, b.column, b.header, b.value, b.reason)
            for name in ("van_ban", "ho_so_cong_viec")
            for b in bad_cells(bind_register(plan, plan.registers[name], staged[name]))
        ]
    finally:
        for s in staged.values():
            s.close()
    # rows 1–3 of each sheet are its title, a blank row and the header: data row n is line n + 3
    assert found == [
        ("van_ban", "Sổ văn bản", 364, 2, "Ngày", "31/11/2023", "invalid_date"),
        ("ho_so_cong_viec", "Hồ sơ công việc", 245, 4, "Độ mật", "Bình thường", "unknown_value"),
    ]
