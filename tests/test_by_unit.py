"""``--by unit`` for ``check`` and ``report``, and the unit on ``explain`` rows.

The export is tests/fixtures/vendors/tandan-canonical.csv (see tests/test_report_partial.py for
every dossier's hand classification in 2023-Q2). Per unit, by hand:

* Sở Ngoại vụ: received T01, T02, T03, T07, T10, T14 = 6, none carried over; resolved T01
  (early), T02, T10 (on time), T03, T14 (late) = 5, on time 3 / 5; open T07 (within).
* Trung tâm Dịch vụ Đối ngoại: received T04, T05, T06, T13 = 4, carried over T09 → (1) 5;
  resolved T04, T09 (early), T05, T13 (on time) = 4, on time 4 / 4; open T06 (overdue).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.cli.common import By
from cchc_cli.engine.groups import groupable
from cchc_cli.errors import ExitCode
from conftest import PLAN, ROOT, SAMPLE

TANDAN = ROOT / "tests" / "fixtures" / "vendors" / "tandan-canonical.csv"
SNV, TTDN = "Sở Ngoại vụ", "Trung tâm Dịch vụ Đối ngoại"
T03, T14 = "000.24.H19-230410-0003", "000.24.H19-230522-0014"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def _indicator(group: dict, ind: str) -> dict:
    return next(i for i in group["indicators"] if i["id"] == ind)


def test_check_by_unit_gives_the_on_time_rate_per_unit():
    res = invoke("check", TANDAN, "--period", "2023-Q2", "--by", "unit", "--format", "json")
    assert res.exit_code == ExitCode.FAIL, res.output
    doc = json.loads(res.stdout)
    groups = doc["breakdown"]["groups"]
    assert doc["breakdown"]["by"] == "unit" and [g["group"] for g in groups] == [SNV, TTDN]
    on_time = [_indicator(g, "dossiers_on_time") for g in groups]
    assert [(i["numerator"], i["denominator"], i["status"]) for i in on_time] == [
        (3, 5, "fail"),
        (4, 4, "pass"),
    ]
    whole = next(i for i in doc["indicators"] if i["id"] == "dossiers_on_time")
    assert (whole["numerator"], whole["denominator"]) == (7, 9)
    table = invoke("check", TANDAN, "--period", "2023-Q2", "--by", "unit").stdout
    assert "Theo đơn vị tiếp nhận" in table and "60,00% ✗" in table and "100,00%" in table


def test_report_by_unit():
    res = invoke("report", TANDAN, "--period", "2023-Q2", "--by", "unit", "--format", "json")
    assert res.exit_code == ExitCode.OK, res.output
    doc = json.loads(res.stdout)
    assert doc["by"] == "unit"
    cols = ("received_total", "carried_over", "resolved_total", "resolved_early")
    cols += ("resolved_on_time", "resolved_late", "open_total", "open_within", "open_overdue")
    got = {r["group"]: tuple(r[k] for k in cols) for r in doc["rows"]}
    assert got == {SNV: (6, 0, 5, 1, 2, 2, 1, 1, 0), TTDN: (5, 1, 4, 2, 2, 0, 1, 0, 1)}
    assert tuple(doc["total"][k] for k in cols) == (11, 1, 9, 3, 4, 2, 2, 1, 1)
    assert all(r["received_online"] is None for r in doc["rows"])  # no channel column
    table = invoke("report", TANDAN, "--period", "2023-Q2", "--by", "unit", "--lang", "en")
    assert "Receiving unit" in table.stdout and TTDN in table.stdout


@pytest.mark.parametrize("command", ["check", "report"])
def test_by_unit_without_the_column_exits_2(command):
    res = invoke(command, SAMPLE, "--period", "2023-Q2", "--by", "unit")
    assert res.exit_code == ExitCode.ERROR
    assert "Traceback" not in res.output and res.stdout == ""
    assert "không nhóm theo 'unit' được: tệp không có cột 'Đơn vị tiếp nhận' (unit)" in res.stderr
    for alias in ("'Đơn vị'", "'Cơ quan tiếp nhận'", "'DonViTiepNhan'", "'TenDonVi'", "'don_vi'"):
        assert alias in res.stderr


def test_explain_rows_show_the_unit():
    args = ("explain", "dossiers_on_time", TANDAN, "--period", "2023-Q2", "--rows", "failing")
    doc = json.loads(invoke(*args, "--format", "json").stdout)
    assert "unit" in doc["rows"]["columns"]
    assert [(r["dossier_id"], r["unit"]) for r in doc["rows"]["items"]] == [(T03, SNV), (T14, SNV)]
    table = invoke(*args).stdout
    assert "Đơn vị" in table and f"{T03} │    4 │ {SNV}" in table
    # an export without a unit column shows no empty unit column
    sample = json.loads(invoke("explain", "dossiers_on_time", SAMPLE, "--format", "json").stdout)
    assert "unit" not in sample["rows"]["columns"]


def test_by_choices_are_the_plans_optional_text_columns(plan):
    assert groupable(plan) == ("month", "procedure_code", "procedure", "field", "unit")
    assert {b.value for b in By} <= set(groupable(plan))


def test_any_optional_text_column_of_the_plan_is_groupable(tmp_path):
    """A column added to the plan can be grouped by, in check's breakdown and on Biểu 06."""
    from cchc_cli import load_plan
    from cchc_cli.report import build_form
    from oracle.evaluate import breakdown
    from oracle.records import read_records

    text = PLAN.read_text(encoding="utf-8")
    anchor = "  field:            {aliases: [Lĩnh vực"
    assert anchor in text
    extra = "  counter: {aliases: [Quầy tiếp nhận], type: text, optional: true}\n"
    custom = tmp_path / "plan.yaml"
    custom.write_text(text.replace(anchor, extra + anchor, 1), encoding="utf-8")
    plan = load_plan(custom)
    assert "counter" in groupable(plan)
    export = tmp_path / "export.csv"
    export.write_text(
        "Mã hồ sơ,Quầy tiếp nhận,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Hình thức nộp\n"
        "Q1,Quầy 1,02/05/2023,10/05/2023,09/05/2023,Trực tuyến\n"  # early
        "Q2,Quầy 1,03/05/2023,10/05/2023,12/05/2023,Trực tuyến\n"  # late
        "Q3,Quầy 2,04/05/2023,10/05/2023,10/05/2023,Trực tiếp\n",  # on time
        encoding="utf-8",
    )
    records = read_records(export, plan)
    may = (dt.date(2023, 5, 1), dt.date(2023, 5, 31))
    form = build_form(plan, export, may, by="counter")
    assert [
        (r.group, r.counts["resolved_total"], r.counts["resolved_late"]) for r in form.rows
    ] == [
        ("Quầy 1", 2, 1),
        ("Quầy 2", 1, 0),
    ]
    groups = breakdown(plan, records, may, "counter")
    on_time = [next(r for r in g.results if r.indicator.id == "dossiers_on_time") for g in groups]
    assert [(g.key, r.numerator, r.denominator) for g, r in zip(groups, on_time, strict=True)] == [
        ("Quầy 1", 1, 2),
        ("Quầy 2", 1, 1),
    ]
