"""Registers are plan data: the grammar's new forms (parse trees, offsets counted by hand), the
mistakes a plan author makes (located, with a suggestion), and a second, different plan whose
registers and indicator run with no code change."""

from __future__ import annotations

import json
import textwrap

import pytest

from cchc_cli.errors import CchcError
from cchc_cli.plan.conditions import (
    And,
    Compare,
    ConditionSyntaxError,
    Has,
    InPeriod,
    Not,
    Operand,
    Ref,
    parse_condition,
)
from cchc_cli.plan.conditions import Test as Cmp
from cchc_cli.plan.model import load_plan
from conftest import cli
from register_kit import DOSSIER_COLUMNS, edited_plan

# -- parse trees -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        # announced_at@0 <=@13 effective_at@16 -@29 5@31 working days
        (
            "announced_at <= effective_at - 5 working days",
            Compare(
                Operand("announced_at", 0), "<=", Operand("effective_at", 16, -5, "working_days")
            ),
        ),
        ("a > b + 30 days", Compare(Operand("a", 0), ">", Operand("b", 4, 30, "days"))),
        ("a + 1 day < b", Compare(Operand("a", 0, 1, "days"), "<", Operand("b", 12))),
        ("a == b + 2 days", Compare(Operand("a", 0), "=", Operand("b", 5, 2, "days"))),
        ("x <= period_end", Compare(Operand("x", 0), "<=", Operand("period_end", 5))),
        ("d in period", InPeriod("d", 0)),
        ("d not in period", Not(InPeriod("d", 0))),
        # "in (period)" stays a vocabulary test of the word 'period'
        ("d in (period)", Cmp("d", "in", ("period",), 0, (6,))),
        # has@0 a@4 boi_duong@6 row@16 (@20 staff_id@21 )@29 where@31 ended_at@37 and@56 ok@60
        (
            "has a boi_duong row (staff_id) where ended_at in period and ok",
            Has(
                "boi_duong",
                "staff_id",
                "staff_id",
                And((InPeriod("ended_at", 37), Ref("ok", 60))),
                0,
                6,
                21,
                21,
            ),
        ),
        # an@4 kiem_tra@7 row@16 (@20 unit@21 =@26 don_vi@28
        (
            "has an kiem_tra row (unit = don_vi)",
            Has("kiem_tra", "unit", "don_vi", None, 0, 7, 21, 28),
        ),
        # bracketed, the semi-join's condition stops at ')'
        (
            "(has a r row (k) where a) and b",
            And((Has("r", "k", "k", Ref("a", 23), 1, 7, 14, 14), Ref("b", 30))),
        ),
    ],
)
def test_parse_tree(text, tree):
    assert parse_condition(text) == tree


@pytest.mark.parametrize(
    ("text", "offset", "en"),
    [
        ("a <= b - 5 weeks", 11, "expected 'days' or 'working days', found 'weeks'"),
        ("a <= b - x days", 9, "expected a number of days, found 'x'"),
        (
            "a - 5 days",
            10,
            "expected a comparison (<, <=, >, >=, ==, !=), found 'end of condition'",
        ),
        ("has a r (k)", 8, "expected 'row', found '('"),
        ("has a r row k", 12, "expected '(' and the key field, found 'k'"),
        ("a <=", 4, "expected a field name, found 'end of condition'"),
    ],
)
def test_syntax_errors(text, offset, en):
    with pytest.raises(ConditionSyntaxError) as err:
        parse_condition(text)
    assert (err.value.offset, err.value.message.en) == (offset, en)


# -- the plan's registers and register indicators ------------------------------------------------


def test_shipped_plan_declares_nine_registers_and_twenty_two_register_indicators(plan):
    assert list(plan.registers) == [
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
    counted = {i.id: i.register for i in plan.indicators if i.source == "registers"}
    assert len(counted) == 22
    assert {i.id for i in plan.indicators if i.source == "actuals"} == {
        "center_self_financed",
        "par_index_improved",
    }
    assert counted["units_inspected"] == "don_vi" and counted["staff_trained"] == "can_bo"
    assert plan.registers["boi_duong"].key is None and plan.registers["can_bo"].key == "staff_id"
    reduced = plan.indicator("declared_info_reduced").rule
    assert (reduced.denominator.sum, reduced.numerator.sum) == (
        "info_fields",
        "info_fields_reduced",
    )
    iso = plan.indicator("iso_processes_applied")
    assert (iso.measure, iso.rule.denominator) == ("count", None)


MISTAKES = [
    # (replace, with, says, where the error points: the text at its line and column)
    (
        "numerator: meets_standard",
        "numerator: meets_standar",
        "did you mean 'meets_standard'",
        "meets_standar",
    ),
    (
        "numerator: online_level in (full, partial)",
        "numerator: online_level in (ful, partial)",
        "did you mean 'full'",
        "ful,",
    ),
    (
        "denominator: found_at in period",
        "denominator: escalated in period",
        "'escalated' is not a date",
        "escalated in",
    ),
    (
        "numerator: announced_at <= effective_at - 5 working days",
        "numerator: announced_at <= content_complete - 5 working days",
        "only dates and whole numbers",
        "content_complete -",
    ),
    (
        "numerator: has a kiem_tra row (unit)",
        "numerator: has a kiem_tr row (unit)",
        "did you mean 'kiem_tra'",
        "kiem_tr row",
    ),
    (
        "numerator: has a kiem_tra row (unit)",
        "numerator: has a kiem_tra row (kind)",
        "must be a text field",
        "kind)",
    ),
    (
        "where kind == cchc and inspected_at",
        "where kind == cchc and inspectd_at",
        "register 'kiem_tra' has no field 'inspectd_at'",
        "inspectd_at",
    ),
    ("    from: ton_tai", "    from: ton_ta", "did you mean 'ton_tai'", "ton_ta"),
    (
        "sum(info_fields) where",
        "sum(info_field) where",
        "did you mean 'info_fields'",
        "info_field)",
    ),
    ("sum(info_fields) where", "sum(kind) where", "'sum' needs a whole-number field", "kind)"),
    ("    key: finding_id", "    key: finding", "has no field 'finding'", "key: finding"),
    (
        "      found_at:    {aliases: [Ngày kết luận, Ngày phát hiện], type: date}",
        "      found_at:    {aliases: [Ngày kết luận, Ngày phát hiện], type: dat}",
        "did you mean 'date'",
        "dat}",
    ),
    (
        "    names: [Tồn tại, Tồn tại hạn chế]",
        "    names: [Tồn tại, Văn bản]",
        "already used by register 'van_ban'",
        "names: [Tồn tại, Văn bản]",
    ),
    (
        "    names: [Tồn tại, Tồn tại hạn chế]",
        "    nmes: [Tồn tại, Tồn tại hạn chế]",
        "did you mean 'names'",
        "nmes",
    ),
    # the new forms are the registers': a dossier indicator is refused them
    (
        "numerator: channel == online",
        "numerator: received_at in period",
        "for register indicators only",
        "received_at in period",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "says", "where"), MISTAKES, ids=[m[1].strip()[:40] for m in MISTAKES]
)
def test_register_mistakes_are_located(tmp_path, old, new, says, where):
    p = edited_plan(tmp_path, old, new)
    with pytest.raises(CchcError) as err:
        load_plan(p)
    e = err.value
    assert says in e.render("en")
    assert e.location.path == str(p)
    line = p.read_text(encoding="utf-8").splitlines()[e.location.line - 1]
    assert where in line
    if e.location.column is not None and where != line.strip():
        assert line[e.location.column - 1 :].startswith(where.split()[0].rstrip(")"))


def test_a_nested_semi_join_is_refused(tmp_path):
    p = edited_plan(
        tmp_path,
        "numerator: has a kiem_tra row (unit) where kind == cchc and inspected_at in period",
        "numerator: has a kiem_tra row (unit) where has a don_vi row (unit)",
    )
    with pytest.raises(CchcError) as err:
        load_plan(p)
    assert "a 'has' inside a 'has'" in err.value.render("en")


# -- a second, different plan ---------------------------------------------------------------------

SECOND = (
    textwrap.dedent(
        """\
        schema: 1
        id: so-tu-phap-2024-so
        title: Sở Tư pháp 2024 — sổ theo dõi (thử nghiệm)
        year: 2024
        calendar:
          days_off: {"2024-03-08": ngày nghỉ riêng của tỉnh}
        """
    )
    + DOSSIER_COLUMNS
    + textwrap.dedent(
        """\
        vocabularies:
          tt: {categories: {huy: [Hủy], rut: [Rút]}}
          dat: {true: dat, categories: {dat: [Đạt], khong_dat: [Không đạt]}}
          linh_vuc: {categories: {ho_tich: [Hộ tịch], chung_thuc: [Chứng thực]}}
        classification:
          not_received: status == huy
          withdrawn: status == rut
        registers:
          so_dang_ky:
            title: Sổ đăng ký hộ tịch
            names: [Sổ đăng ký, Đăng ký]
            key: so_so
            fields:
              so_so: {aliases: [Số sổ], type: text}
              linh_vuc: {aliases: [Lĩnh vực], type: linh_vuc}
              ngay_nhan: {aliases: [Ngày nhận đơn], type: date}
              ngay_cap: {aliases: [Ngày cấp], type: date}
              kiem_tra: {aliases: [Kết quả kiểm tra], type: dat}
        indicators:
          - id: cap_dung_hen
            section: "A"
            title: Giấy tờ hộ tịch cấp trong 3 ngày làm việc
            target: ">= 90%"
            from: so_dang_ky
            denominator: linh_vuc == ho_tich and ngay_nhan in period
            numerator: ngay_cap <= ngay_nhan + 3 working days and kiem_tra
        """
    )
)


def test_second_register_plan_runs_without_code_changes(tmp_path):
    plan_path = tmp_path / "plan-tu-phap.yaml"
    plan_path.write_text(SECOND, encoding="utf-8")
    book = tmp_path / "so"
    book.mkdir()
    (book / "dang-ky.csv").write_text(
        "SỞ TƯ PHÁP\n"  # a title row above the header
        "Số sổ,Lĩnh vực,Ngày nhận đơn,Ngày cấp,Kết quả kiểm tra\n"
        # 06/03/2024 (Wed) + 3 working days: 07, (08 the province's day off), 11, 12 → 12/03
        "S1,Hộ tịch,06/03/2024,12/03/2024,Đạt\n"  # num
        "S2,Hộ tịch,06/03/2024,13/03/2024,Đạt\n"  # late: den
        "S3,Hộ tịch,06/03/2024,07/03/2024,Không đạt\n"  # den
        "S4,Chứng thực,06/03/2024,07/03/2024,Đạt\n"  # out
        "S5,Hộ tịch,06/03/2023,07/03/2023,Đạt\n"  # out of 2024
        "S6,Hộ tịch,06/03/2024,,Đạt\n",  # not issued: den
        encoding="utf-8",
    )
    export = tmp_path / "ho-so.csv"
    export.write_text("Số hồ sơ,Ngày nhận,Hẹn trả,Ngày xong\nH1,04/03/2024,08/03/2024,\n", "utf-8")
    res = cli("check", export, "--plan", plan_path, "--registers", book, "--format", "json")
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    ind = {i["id"]: i for i in doc["indicators"]}["cap_dung_hen"]
    assert (ind["source"], ind["numerator"], ind["denominator"], ind["status"]) == (
        "registers",
        1,
        4,
        "fail",
    )
    reg = [i for i in doc["inputs"] if i.get("register")]
    assert [(r["register"], r["header_line"], r["rows_read"]) for r in reg] == [
        ("so_dang_ky", 2, 6)
    ]
