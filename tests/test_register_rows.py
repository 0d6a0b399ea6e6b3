"""The rows behind a register figure: ``explain``, ``--evidence`` and ``verify``, ``--by month``.

Hand-worked on small registers written in the test (tests/register_kit.py), then the sample's
registers as a workbook and as a folder of CSV files must give the same figures and rows; one
figure of the sample is recomputed from the CSV files with the ``csv`` module alone.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from conftest import ACTUALS, REGISTERS, ROOT, SAMPLE, cli
from register_kit import write_register

FOLDER = ROOT / "sample_data" / "so-theo-doi-cchc-2023"

STAFF = [
    {"staff_id": "CB01", "name": "An", "kind": "Công chức", "leader": "Có", "reception": "Có"},
    {"staff_id": "CB02", "name": "Bình", "kind": "Viên chức"},
    {"staff_id": "CB03", "name": "Châu", "kind": "Hợp đồng lao động", "leader": "Có"},
    {"staff_id": "Cb04", "name": "Dũng", "kind": "Công chức"},
    {"staff_id": "CB05", "name": "Hà", "kind": "Công chức", "reception": "Có"},
    {"staff_id": "cb05", "name": "Hải", "kind": "Công chức"},  # CB05 again: both set aside
    {"staff_id": "CB06", "name": "Lan", "kind": "Tạm tuyển"},  # not a word of staff_kind
]
TRAINING = [
    {"staff_id": "CB01", "topic": "Nghiệp vụ", "ended_at": "31/12/2023"},  # P's last day
    {"staff_id": "cb02", "topic": "Cải cách hành chính", "ended_at": "01/01/2024"},  # the day after
    {"staff_id": " cb04 ", "topic": "Chuyên môn nghiệp vụ", "ended_at": "15/06/2023"},
    {"staff_id": "CB01", "topic": "Kỹ năng tiếp nhận hồ sơ", "ended_at": "31/02/2023"},  # no day
]


@pytest.fixture
def staff(tmp_path):
    folder = tmp_path / "so"
    write_register(folder, "can_bo", STAFF)
    write_register(folder, "boi_duong", TRAINING)
    return folder


def _explain(*args) -> dict:
    r = cli("explain", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def _short(items: list[dict], key: str = "can_bo.staff_id") -> list[tuple]:
    return [(i["line"], i[key], i["class"], i["reason"], i["reason_field"]) for i in items]


def test_explain_lists_every_roster_row_with_its_class_and_reason(staff):
    doc = _explain("staff_trained", "--registers", staff, "--rows", "all")
    # header on line 1; civil servants and public employees are the denominator; trained: a
    # professional or cchc course ending in 2023 (CB01 on 31/12, " cb04 " folded to Cb04)
    assert _short(doc["rows"]["items"]) == [
        (2, "CB01", "counted_pass", "", ""),
        (3, "CB02", "counted_fail", "", ""),  # its course ends on 01/01/2024
        (4, "CB03", "not_in_denominator", "", ""),  # a contract worker
        (5, "Cb04", "counted_pass", "", ""),
        (6, "CB05", "left_out", "duplicate_id", "can_bo.staff_id"),
        (7, "cb05", "left_out", "duplicate_id", "can_bo.staff_id"),
        (8, "CB06", "left_out", "unknown_value", "can_bo.kind"),
    ]
    assert (doc["result"]["numerator"], doc["result"]["denominator"]) == (2, 3)
    assert doc["result"]["left_out"] == 3
    item = doc["rows"]["items"][0]
    assert (item["register"], item["sheet"], item["can_bo.name"]) == ("can_bo", "", "An")
    assert Path(item["file"]).name == "can_bo.csv"
    assert doc["input"]["register"] == "can_bo"
    assert doc["input"]["sha256"] == hashlib.sha256((staff / "can_bo.csv").read_bytes()).hexdigest()
    failing = _explain("staff_trained", "--registers", staff)  # the default: failing rows
    assert _short(failing["rows"]["items"]) == [(3, "CB02", "counted_fail", "", "")]


def test_a_row_set_aside_outside_the_denominator_says_why(staff):
    # leaders: CB01 and CB03; CB05's rows are not leaders: outside, yet their key says why
    doc = _explain("leaders_digital_signature", "--registers", staff, "--rows", "all")
    rows = {i["line"]: i for i in doc["rows"]["items"]}
    assert [rows[n]["class"] for n in (2, 4)] == ["counted_fail", "counted_fail"]
    assert (rows[6]["class"], rows[6]["reason"]) == ("not_in_denominator", "duplicate_id")
    assert doc["result"]["left_out"] == 0


def test_a_bad_date_in_the_other_register_is_the_reason_a_row_is_left_out(staff):
    # reception staff: CB01 (CB05 set aside); CB01's cchc course ends on 31/02: unknown
    doc = _explain("reception_staff_trained", "--registers", staff, "--rows", "left-out")
    assert _short(doc["rows"]["items"]) == [
        (2, "CB01", "left_out", "invalid_date", "boi_duong.ended_at"),
        (6, "CB05", "left_out", "duplicate_id", "can_bo.staff_id"),
    ]


def test_explain_table_names_the_register_sheet_and_line():
    r = cli("explain", "units_inspected", "--registers", REGISTERS, "--rows", "all")
    assert r.exit_code == 0, r.output
    assert "Sổ theo dõi don_vi:" in r.output and "(sheet 'Đơn vị')" in r.output
    assert "Tên đơn vị" in r.output and "Dòng" in r.output  # the file's own header


def test_explain_without_the_register_is_no_data_and_lists_nothing(tmp_path):
    r = cli("explain", "staff_trained", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert (doc["result"]["status"], doc["result"]["reason"]) == ("no_data", "no_register")
    assert doc["rows"] is None


def test_dates_are_shown_as_read_and_a_bad_one_as_written(tmp_path):
    folder = tmp_path / "so"
    write_register(
        folder,
        "ton_tai",
        [
            {"finding_id": "T1", "found_at": "2023-03-05", "remedied_at": "10/04/2023"},
            {"finding_id": "T2", "found_at": "05/06/2023", "remedied_at": "31/04/2023"},
        ],
    )
    doc = _explain("findings_remedied", "--registers", folder, "--rows", "all")
    cells = [(i["ton_tai.found_at"], i["ton_tai.remedied_at"]) for i in doc["rows"]["items"]]
    assert cells == [("05/03/2023", "10/04/2023"), ("05/06/2023", "31/04/2023")]
    assert doc["rows"]["items"][1]["reason"] == "invalid_date"


# -- the sample: a workbook and the same registers as CSV files ------------------------------


def _check(tmp_path, registers, name, *more) -> dict:
    out = tmp_path / f"{name}.json"
    r = cli(
        "check", SAMPLE, "--registers", registers, "--actuals", ACTUALS,
        "--format", "json", "-o", out, *more,
    )  # fmt: skip
    assert r.exit_code == 1, r.output  # the sample misses some targets on purpose
    return json.loads(out.read_text(encoding="utf-8"))


def _figures(items) -> dict:
    keys = ("status", "numerator", "denominator", "left_out", "left_out_by", "reason")
    return {i["id"]: tuple(json.dumps(i.get(k)) for k in keys) for i in items}


def test_the_workbook_and_the_csv_folder_give_the_same_figures_and_months(tmp_path):
    book = _check(tmp_path, REGISTERS, "book", "--by", "month")
    folder = _check(tmp_path, FOLDER, "folder", "--by", "month")
    assert _figures(book["indicators"]) == _figures(folder["indicators"])
    counted = [i for i in book["indicators"] if i["source"] == "registers"]
    assert len(counted) == 22 and all(i["status"] != "no_data" for i in counted)
    months = book["breakdown"]["groups"]
    assert [g["group"] for g in months] == [f"2023-{m:02d}" for m in range(1, 13)]
    assert all(len(g["indicators"]) == 29 for g in months)  # 7 dossier + 22 register
    for a, b in zip(months, folder["breakdown"]["groups"], strict=True):
        assert _figures(a["indicators"]) == _figures(b["indicators"])


def _rows(registers, ident):
    doc = _explain(ident, "--registers", registers, "--rows", "all")
    return doc["rows"]["items"]


@pytest.mark.parametrize("kind", ["staff_trained", "units_inspected", "documents_via_interconnect"])
def test_the_workbook_and_the_csv_folder_list_the_same_rows(kind):
    book, folder = _rows(REGISTERS, kind), _rows(FOLDER, kind)
    assert len(book) == len(folder) > 0
    place = ("file", "sheet", "line")
    same = [{k: v for k, v in i.items() if k not in place} for i in book]
    assert same == [{k: v for k, v in i.items() if k not in place} for i in folder]
    # the workbook's sheets have title rows above the header: a constant shift per register
    assert len({a["line"] - b["line"] for a, b in zip(book, folder, strict=True)}) == 1
    assert {i["sheet"] for i in folder} == {""} and "" not in {i["sheet"] for i in book}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.strip().casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def test_staff_trained_on_the_sample_recomputed_from_the_csv_files_alone(tmp_path):
    """An independent route: the roster and training CSVs read with ``csv``, the rule of
    registers.md applied by hand (civil servants and public employees; a professional or cchc
    course ending in 2023)."""
    roster = _read(next(FOLDER.glob("cbccvc.csv")))
    training = _read(next(p for p in FOLDER.glob("*.csv") if _fold(p.stem).startswith("boi")))
    assert roster and training
    kinds = {"cong chuc", "vien chuc"}
    # registers.md's words for `professional` and `cchc`
    topics = {"nghiep vu", "chuyen mon nghiep vu", "cai cach hanh chinh", "ky nang tiep nhan ho so"}
    trained = {
        _fold(t["Mã cán bộ"])
        for t in training
        if t["Đến ngày"][-4:] == "2023" and _fold(t["Loại bồi dưỡng"]) in topics
    }
    staff = [s for s in roster if _fold(s["Loại"]) in kinds]
    failing = sorted(s["Mã cán bộ"] for s in staff if _fold(s["Mã cán bộ"]) not in trained)
    ev = tmp_path / "ev"
    _check(tmp_path, FOLDER, "r", "--evidence", ev)
    listed = _read(ev / "staff_trained.csv")
    assert sorted(r["can_bo.staff_id"] for r in listed if r["kind"] == "failing") == failing
    report = json.loads((ev / "report.json").read_text(encoding="utf-8"))
    figure = next(i for i in report["indicators"] if i["id"] == "staff_trained")
    assert (figure["numerator"], figure["denominator"]) == (len(staff) - len(failing), len(staff))


# -- evidence and verify -----------------------------------------------------------------------


def _evidence(tmp_path, registers, name="ev") -> Path:
    ev = tmp_path / name
    _check(tmp_path, registers, f"{name}-result", "--evidence", ev)
    return ev


def _without_place(path: Path) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("file", "sheet", "line")} for r in _read(path)]


def test_evidence_of_registers_lists_their_rows_and_hashes_every_register_file(tmp_path):
    book, folder = _evidence(tmp_path, REGISTERS, "book"), _evidence(tmp_path, FOLDER, "folder")
    manifest = json.loads((book / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["registers"]
    assert len(entries) == 9 and {e["path"] for e in entries} == {str(REGISTERS)}
    digest = hashlib.sha256(REGISTERS.read_bytes()).hexdigest()
    assert {e["sha256"] for e in entries} == {digest}
    by_name = {e["register"]: e for e in entries}
    assert by_name["can_bo"]["sheet"] == "CBCCVC"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for e in manifest["registers"]:
        assert e["sheet"] is None
        assert e["sha256"] == hashlib.sha256(Path(e["path"]).read_bytes()).hexdigest()
    counted = [n for n in (p.name for p in book.glob("*.csv"))]
    assert len(counted) == 29  # 7 dossier + 22 register indicators
    for name in counted:
        assert _without_place(book / name) == _without_place(folder / name), name
    for ev in (book, folder):
        r = cli("verify", ev)
        assert r.exit_code == 0, r.output


def test_verify_catches_a_changed_register_file(tmp_path):
    registers = tmp_path / "so"
    shutil.copytree(FOLDER, registers)
    ev = _evidence(tmp_path, registers)
    roster = registers / "cbccvc.csv"
    text = roster.read_text(encoding="utf-8-sig")
    roster.write_text(text.replace("Công chức", "Viên chức", 1), encoding="utf-8")
    r = cli("verify", ev)
    assert r.exit_code == 1, r.output
    assert "cbccvc.csv" in r.output


def test_verify_finds_the_register_files_by_name_in_inputs(tmp_path):
    registers = tmp_path / "so"
    shutil.copytree(FOLDER, registers)
    ev = _evidence(tmp_path, registers)
    moved = tmp_path / "received"
    moved.mkdir()
    for p in registers.iterdir():
        shutil.move(str(p), moved / p.name)
    for p in (SAMPLE, ACTUALS):
        shutil.copy(p, moved / p.name)
    assert cli("verify", ev).exit_code == 1  # the registers are gone from their paths
    r = cli("verify", ev, "--inputs", moved)
    assert r.exit_code == 0, r.output


def test_a_tampered_register_evidence_file_is_a_mismatch(tmp_path):
    ev = _evidence(tmp_path, REGISTERS)
    f = ev / "staff_trained.csv"
    f.write_text(f.read_text(encoding="utf-8-sig").replace("CB005", "CB004"), encoding="utf-8")
    r = cli("verify", ev)
    assert r.exit_code == 1
    assert "staff_trained.csv" in r.output


def test_the_worklist_of_a_register_indicator(staff, tmp_path):
    import openpyxl

    out = tmp_path / "viec.xlsx"
    r = cli("explain", "staff_trained", "--registers", staff, "--format", "xlsx", "-o", out)
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(n for n, row in enumerate(cells) if row[0] == "STT")
    assert cells[head][1:4] == ["Mã cán bộ", "Dòng", "Họ và tên"]
    assert [row[1:4] for row in cells[head + 1 :]] == [["CB02", 3, "Bình"]]
    assert any("Sổ theo dõi can_bo:" in str(row[0]) for row in cells[:head])


def test_a_register_lacking_a_column_the_rule_reads_lists_no_rows(tmp_path):
    folder = tmp_path / "so"
    write_register(folder, "can_bo", STAFF, drop=("kind",))
    write_register(folder, "boi_duong", TRAINING)
    doc = _explain("staff_trained", "--registers", folder, "--rows", "all")
    assert (doc["result"]["status"], doc["result"]["reason"]) == ("no_data", "missing_column")
    assert doc["rows"]["total"] == 0  # rows that cannot say anything about the figure


def test_registers_with_headers_only(tmp_path):
    folder = tmp_path / "so"
    write_register(folder, "can_bo", [])
    write_register(folder, "boi_duong", [])
    doc = _explain("staff_trained", "--registers", folder, "--rows", "all")
    assert (doc["result"]["status"], doc["result"]["reason"]) == ("no_data", "zero_denominator")
    assert doc["rows"]["total"] == 0


def test_each_month_is_its_own_period_for_the_registers(staff, tmp_path):
    out = tmp_path / "m.json"
    r = cli("check", SAMPLE, "--registers", staff, "--by", "month", "--format", "json", "-o", out)
    assert r.exit_code == 1, r.output
    months = json.loads(out.read_text(encoding="utf-8"))["breakdown"]["groups"]
    trained = {
        g["group"]: next((i["numerator"], i["denominator"]) for i in g["indicators"]
                         if i["id"] == "staff_trained")
        for g in months
    }  # fmt: skip
    # Cb04's course ends on 15/06, CB01's on 31/12 (CB02's on 01/01/2024: no month of 2023).
    # CB01's other course has no readable end (31/02): in December CB01 is trained whatever it
    # is, in any other month unknown, so left out of that month: 3 in the denominator, else 2
    assert trained["2023-06"] == (1, 2) and trained["2023-12"] == (1, 3)
    assert {trained[f"2023-{m:02d}"] for m in (1, 2, 3, 4, 5, 7, 8, 9, 10, 11)} == {(0, 2)}


def test_explain_names_and_hashes_every_register_the_rule_reads(staff):
    doc = _explain("staff_trained", "--registers", staff)
    got = [(r["register"], Path(r["path"]).name, r["sha256"]) for r in doc["registers"]]
    assert got == [
        (n, f"{n}.csv", hashlib.sha256((staff / f"{n}.csv").read_bytes()).hexdigest())
        for n in ("can_bo", "boi_duong")  # the roster, then the semi-join's training records
    ]
    r = cli("explain", "staff_trained", "--registers", staff)
    assert "Sổ theo dõi can_bo:" in r.output and "Sổ theo dõi boi_duong:" in r.output


def test_template_never_writes_over_a_workbook(tmp_path):
    out = tmp_path / "so.xlsx"
    assert cli("template", "registers", "-o", out).exit_code == 0
    before = out.read_bytes()
    r = cli("template", "registers", "-o", out)
    assert r.exit_code == 2 and "tệp đã có" in r.output
    assert out.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04broken"], ids=["empty", "damaged"])
def test_an_unreadable_workbook_is_named_as_the_reader_says(tmp_path, content):
    book = tmp_path / "so-theo-doi.xlsx"
    book.write_bytes(content)
    r = cli("validate", "--registers", book)
    assert r.exit_code == 2
    assert ("rỗng (0 byte)" if not content else "bị hỏng") in r.output
    assert "không tìm thấy sổ theo dõi" not in r.output


def test_the_same_workbook_given_twice(tmp_path):
    r = cli("check", SAMPLE, "--registers", REGISTERS, "--registers", REGISTERS)
    assert r.exit_code == 2 and "hai lần" in r.output and "đếm đôi" in r.output


def test_a_register_file_whose_name_matches_no_register_is_named(tmp_path, staff):
    (staff / "can_bo.csv").rename(staff / "can-bo-2023-cu.csv")  # a name no register has
    doc = _explain("staff_trained", "--registers", staff)
    assert (doc["result"]["status"], doc["result"]["reason"]) == ("no_data", "no_register")
    assert doc["result"]["reason_detail"].endswith("can-bo-2023-cu.csv")
    assert "boi_duong" not in doc["result"]["reason_detail"]  # a register found is not stray


def test_verify_finds_inputs_in_subfolders_and_in_several_folders(tmp_path):
    """An auditor's copies: the registers in a subfolder, the export and actuals in a second
    --inputs folder, and a file of the same name but other bytes that must not be taken."""
    registers = tmp_path / "so"
    shutil.copytree(FOLDER, registers)
    export = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, export)
    ev = tmp_path / "ev"
    r = cli("check", export, "--registers", registers, "--actuals", ACTUALS,
            "--format", "json", "-o", tmp_path / "r.json", "--evidence", ev)  # fmt: skip
    assert r.exit_code == 1, r.output
    first, second = tmp_path / "nhan-1", tmp_path / "nhan-2"
    (first / "2023" / "so-theo-doi").mkdir(parents=True)
    second.mkdir()
    for p in registers.iterdir():
        shutil.move(str(p), first / "2023" / "so-theo-doi" / p.name)
    (first / "2023" / SAMPLE.name).write_text("Mã hồ sơ\nnot the export\n", encoding="utf-8")
    shutil.move(str(export), second / SAMPLE.name)
    shutil.copy(ACTUALS, second / ACTUALS.name)
    assert cli("verify", ev, "--inputs", first).exit_code == 1  # the export is only the decoy
    r = cli("verify", ev, "--inputs", first, "--inputs", second)
    assert r.exit_code == 0, r.output
