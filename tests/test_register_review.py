"""What an independent review of the registers found, each fixed and pinned here."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, SAMPLE, cli
from register_kit import count, edited_plan, figures, write_register

FOLDER = ROOT / "sample_data" / "so-theo-doi-cchc-2023"


def test_rows_of_a_semi_join_whose_other_register_was_not_given(tmp_path):
    """The roster alone: staff_trained reads the training records too. It is no_register and
    lists nothing (the query would join a table that is not there); the evidence folder is
    still written and verified."""
    alone = tmp_path / "cb"
    alone.mkdir()
    shutil.copy(FOLDER / "cbccvc.csv", alone)
    r = cli("explain", "staff_trained", "--registers", alone, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert (doc["result"]["reason"], doc["rows"]) == ("no_register", None)
    ev = tmp_path / "ev"
    r = cli("check", SAMPLE, "--registers", alone, "--evidence", ev, "--format", "json")
    assert r.exit_code == 1, r.output
    assert not (ev / "staff_trained.csv").exists()
    assert (ev / "staff_placed_correctly.csv").exists()  # the roster's own indicators
    assert cli("verify", ev).exit_code == 0


def test_a_count_leaves_out_only_the_rows_it_might_count(tmp_path):
    """12 ISO procedures, and an internal procedure written twice (N1, n1): never counted by
    iso_processes_applied (public procedures only), so not left out of it either."""
    public = {"kind": "TTHC", "change": "Sửa đổi", "iso_applied": "Có"}
    rows = [{**public, "procedure_code": f"P{i}"} for i in range(12)]
    rows += [{"kind": "Nội bộ", "iso_applied": "Có", "procedure_code": c} for c in ("N1", "n1")]
    write_register(tmp_path, "thu_tuc", rows)
    assert figures(count(tmp_path)["iso_processes_applied"]) == (12, None, 0, {})


def test_an_offset_of_zero_or_of_more_than_ten_years_is_refused(tmp_path):
    for n in ("0", "3651"):
        (tmp_path / n).mkdir()
        p = edited_plan(
            tmp_path / n,
            "published_at <= announced_at + 5 working days",
            f"published_at <= announced_at + {n} working days",
        )
        r = cli("check", SAMPLE, "--plan", p)
        assert r.exit_code == 2, r.output
        assert "1 đến 3650" in r.output


def test_working_days_far_back_are_on_the_calendar(tmp_path):
    """A deadline 300 working days before another date reaches more than a year back."""
    p = edited_plan(
        tmp_path,
        "numerator: submitted_at <= deadline and due_process",
        "numerator: submitted_at <= deadline - 300 working days",
    )
    from cchc_cli.plan.model import load_plan

    plan = load_plan(p)
    write_register(
        tmp_path / "so",
        "vbqppl",
        [
            # 300 working days before 10/01/2023 is in late 2021: 01/01/2021 is well before it
            {"doc_number": "1", "role": "Sở chủ trì", "deadline": "10/01/2023",
             "submitted_at": "01/01/2021", "status": "Còn hiệu lực"},
            {"doc_number": "2", "role": "Sở chủ trì", "deadline": "10/01/2023",
             "submitted_at": "01/01/2023", "status": "Còn hiệu lực"},
        ],
    )  # fmt: skip
    got = count(tmp_path / "so", plan)["legal_docs_on_schedule"]
    assert figures(got) == (1, 2, 0, {})


def test_a_damaged_workbook_in_a_registers_folder_is_an_error(tmp_path):
    folder = tmp_path / "so"
    folder.mkdir()
    shutil.copy(FOLDER / "danh-muc-tthc.csv", folder)
    (folder / "so-theo-doi.xlsx").write_bytes(b"PK\x03\x04 cut short")
    r = cli("validate", "--registers", folder)
    assert r.exit_code == 2, r.output
    assert "so-theo-doi.xlsx" in r.output and "bị hỏng" in r.output


@pytest.mark.parametrize(
    "names", ["[Văn bản đi/đến, Sổ văn bản]", "[Sổ theo dõi văn bản đi và văn bản đến của Sở]"]
)
def test_template_sheet_names_excel_cannot_take(tmp_path, names):
    p = edited_plan(tmp_path, "names: [Văn bản, Sổ văn bản, Văn bản đi đến]", f"names: {names}")
    out = tmp_path / "so.xlsx"
    r = cli("template", "registers", "--plan", p, "-o", out)
    assert r.exit_code == 0, r.output
    r = cli("validate", "--registers", out, "--plan", p, "--format", "json")
    doc = json.loads(r.output)
    assert "van_ban" not in doc["registers_not_given"]


def test_a_misspelt_header_is_named_with_the_closest_one(tmp_path):
    folder = tmp_path / "so"
    shutil.copytree(FOLDER, folder)
    roster = folder / "cbccvc.csv"
    text = roster.read_text(encoding="utf-8-sig")
    roster.write_text(text.replace("Có chữ ký số", "Có chữ kí số", 1), encoding="utf-8")
    r = cli("validate", "--registers", folder)
    assert (
        "Thiếu cột 'Có chữ ký số' (digital_signature) — cột gần giống nhất: 'Có chữ kí số'"
        in r.output
    )


def test_a_broken_register_file_is_fixed_in_the_workbook_not_re_exported(tmp_path):
    folder = tmp_path / "so"
    folder.mkdir()
    (folder / "cbccvc.csv").write_bytes(b"")
    r = cli("validate", "--registers", folder)
    assert r.exit_code == 2
    assert "rỗng (0 byte)" in r.output and "Một cửa" not in r.output
    assert "Danh sách cán bộ, công chức, viên chức" in r.output
    assert "cchc template registers" in r.output


@pytest.mark.parametrize(
    ("numerator", "expected"),
    [
        # an empty date: "not in P" is true (not negates the atom), "!=" is false
        ("not (remedied_at in period)", (2, 3, 1)),  # T1, T5
        ("remedied_at != found_at", (1, 3, 1)),  # T2
    ],
)
def test_not_and_not_equal_over_an_empty_date(tmp_path, numerator, expected):
    from cchc_cli.plan.model import load_plan

    p = edited_plan(tmp_path, "numerator: escalated or remedied_at <= period_end",
                    f"numerator: {numerator}")  # fmt: skip
    rows = [
        {"finding_id": "T1", "found_at": "05/03/2023", "remedied_at": ""},  # no date
        {"finding_id": "T2", "found_at": "05/03/2023", "remedied_at": "10/04/2023"},  # in P
        {"finding_id": "T5", "found_at": "05/03/2023", "remedied_at": ""},  # no date
        {"finding_id": "T4", "found_at": "05/03/2023", "remedied_at": "31/02/2023"},  # unknown
    ]
    write_register(tmp_path / "so", "ton_tai", rows)
    got = figures(count(tmp_path / "so", load_plan(p))["findings_remedied"])
    assert got[:3] == expected


def test_register_definitions_in_words():
    """From the plan's headers and words (registers.md's first header and word of each)."""
    from cchc_cli.plan.describe import register_definition
    from cchc_cli.plan.model import load_plan

    plan = load_plan()

    def words(ident):
        d = register_definition(plan, plan.indicator(ident))
        return d.denominator, d.numerator

    assert words("staff_trained") == (
        "“Loại” là “Công chức” hoặc “Viên chức”",
        "có dòng trong sổ “Đào tạo, bồi dưỡng” cùng “Mã cán bộ” mà “Đến ngày” trong kỳ và "
        "“Loại bồi dưỡng” là “Nghiệp vụ” hoặc “Cải cách hành chính”",
    )
    assert words("procedures_updated_timely")[1] == (
        "“Ngày quyết định công bố” ≤ “Ngày hiệu lực” − 5 ngày làm việc"
    )
    assert words("findings_remedied")[1] == (
        "“Kiến nghị cấp có thẩm quyền” là “Có” hoặc “Ngày khắc phục” ≤ ngày cuối kỳ"
    )
    assert words("declared_info_reduced")[1] == "tổng “Số thông tin được cắt giảm”"
    r = cli("explain", "iso_processes_applied", "--format", "json", "--lang", "en")
    doc = json.loads(r.output)
    assert doc["definition"]["numerator"] == (
        '"Loại TTHC" (kind) is "TTHC" and "Hình thức công bố" (change) is not "Bãi bỏ" and '
        '"Áp dụng ISO 9001" (iso_applied) is "Có"'
    )


def test_register_headroom_counts_rows_changing_side(tmp_path):
    """By hand on the sample: 24/32 staff trained against ≥ 80%: 26/32 = 81.25% passes, 25/32 =
    78.1% does not, so 2 of the 8 must be trained; 4/5 units inspected against ≥ 70%: 3/5 = 60%
    fails, so none may slip; 6/7 findings against 100%: the one left must be remedied."""
    out = tmp_path / "r.json"
    cli("check", SAMPLE, "--registers", FOLDER, "--format", "json", "-o", out)
    got = {
        i["id"]: i["headroom"] for i in json.loads(out.read_text(encoding="utf-8"))["indicators"]
    }
    assert got["staff_trained"] == {"kind": "need", "count": 2}
    assert got["units_inspected"] == {"kind": "absorb", "count": 0}
    assert got["findings_remedied"] == {"kind": "need", "count": 1}
    assert got["declared_info_reduced"] is None  # a sum of fields, not rows
    r = cli("check", SAMPLE, "--registers", FOLDER)
    assert "thiếu 2 dòng đạt" in r.output and "không còn dư địa" in r.output
