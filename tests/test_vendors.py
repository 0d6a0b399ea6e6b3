"""The two public one-stop layouts, read as they are downloaded (scripts/make_vendor_fixtures.py).

Every figure below is worked out by hand from the rows in the generator (period 2023-Q2 =
01/04–30/06/2023); the comments say which rows count.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from conftest import ROOT

VENDORS = ROOT / "tests" / "fixtures" / "vendors"
TANDAN = VENDORS / "Danh sách hồ sơ 5_7_2023 9_41.xls"
OPENCPS = VENDORS / "1688522460000.xls"
Q2 = ["--period", "2023-Q2"]
runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def check_json(path, *extra):
    res = cli("check", path, *Q2, "--format", "json", *extra)
    assert res.exit_code in (0, 1), res.output
    data = json.loads(res.stdout)
    return data, {i["id"]: i for i in data["indicators"]}


def test_generator_rewrites_the_same_bytes(tmp_path):
    """The committed fixtures are what the generator writes (no clock, no randomness)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "mvf", ROOT / "scripts" / "make_vendor_fixtures.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.tandan_html() == TANDAN.read_bytes()
    assert mod.opencps_xls() == OPENCPS.read_bytes()


# --------------------------------------------------------------------------- TanDan (HTML)


def test_tandan_html_xls_is_read_as_it_comes():
    data, ind = check_json(TANDAN)
    (i,) = data["inputs"]
    assert (i["format"], i["encoding"], i["sheet"], i["header_line"]) == (
        "html",
        "utf-8",
        "Danh sách hồ sơ",
        3,  # two empty merged title rows, then the header
    )
    # 14 dossiers: T08, T11 never received; T12 received 03/07 (Q3); the other 11 are used
    # (T09 was received in Q1 and resolved on 03/04).
    assert (i["rows_read"], i["rows_used"], i["rows_out_of_period"], i["rows_not_received"]) == (
        14,
        11,
        1,
        2,
    )
    assert i["rows_left_out"] == 0 and i["problems"] == 0 and i["rows_layout"] == 0
    # received in Q2 by "Ngày nhận", not "Ngày nộp hồ sơ" (T01 filed 31/03, received 03/04):
    # T01–T07, T10, T13, T14
    assert i["rows_received_in_period"] == 10
    # resolved in Q2: T01 T02 T03 T04 T05 T09 T10 T13 T14; late: T03 (19/04 > 17/04) and T14
    # (31/05 > 29/05); T05 withdrawn and T13 stopped count as on time
    on_time = ind["dossiers_on_time"]
    assert (on_time["numerator"], on_time["denominator"], on_time["status"]) == (7, 9, "fail")
    # no channel column: not computed, and says why
    assert ind["dossiers_online"]["status"] == "no_data"
    assert ind["dossiers_online"]["reason"] == "missing_column"


def test_tandan_by_unit():
    res = cli("check", TANDAN, *Q2, "--by", "unit", "--format", "json")
    assert res.exit_code == 1, res.output
    groups = {
        g["group"]: {i["id"]: i for i in g["indicators"]}["dossiers_on_time"]
        for g in json.loads(res.stdout)["breakdown"]["groups"]
    }
    # Sở Ngoại vụ: T01 T02 T03 T10 T14 resolved, T03 T14 late; the centre: T04 T05 T09 T13
    assert (groups["Sở Ngoại vụ"]["numerator"], groups["Sở Ngoại vụ"]["denominator"]) == (3, 5)
    centre = groups["Trung tâm Dịch vụ Đối ngoại"]
    assert (centre["numerator"], centre["denominator"]) == (4, 4)


def test_tandan_validate_has_nothing_to_report():
    res = cli("validate", TANDAN, *Q2, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["problems"] == [] and data["rows"]["read"] == 14


def test_tandan_report_without_channel_column():
    res = cli("report", TANDAN, *Q2, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    total = data["total"]
    # (1) received in Q2 (10) + carried over (T09) = 11; (5) resolved 9 = (6) early 3
    # (T01 07/04<10/04, T04 08/05<09/05, T09 03/04<04/04) + (7) on time 4 (T02, T10 on the day;
    # T05, T13 withdrawn/stopped) + (8) late 2; (9) open at 30/06: T06 (due 27/06, overdue) and
    # T07 (due 05/07, within time)
    counts = {
        k: total[k]
        for k in (
            "received_total",
            "carried_over",
            "resolved_total",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "open_total",
            "open_within",
            "open_overdue",
        )
    }
    assert counts == {
        "received_total": 11,
        "carried_over": 1,
        "resolved_total": 9,
        "resolved_early": 3,
        "resolved_on_time": 4,
        "resolved_late": 2,
        "open_total": 2,
        "open_within": 1,
        "open_overdue": 1,
    }
    assert total["received_online"] is None  # no channel column: not available, never 0
    assert {n["column"] for n in data["not_available"]} >= {2, 3}


def test_tandan_explain_lists_the_late_dossiers_with_their_unit_and_row():
    res = cli("explain", "dossiers_on_time", TANDAN, *Q2, "--rows", "failing", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rows"]["items"]
    got = {(r["dossier_id"], r["line"], r["unit"]) for r in rows}
    # T03 is the 3rd dossier (sheet row 6: two title rows, the header, T01, T02), T14 the 14th
    assert got == {
        ("000.24.H19-230410-0003", 6, "Sở Ngoại vụ"),
        ("000.24.H19-230522-0014", 17, "Sở Ngoại vụ"),
    }


# --------------------------------------------------------------------------- OpenCPS (BIFF8)


def test_opencps_biff8_is_read_with_its_layout_rows_set_aside():
    data, ind = check_json(OPENCPS)
    (i,) = data["inputs"]
    assert (i["format"], i["sheet"], i["header_line"]) == ("xls", "report", 3)
    # row 4: (1) … (13); rows 5 and 12: the agencies' group rows "Sở Ngoại vụ ( 6 )"
    assert i["layout_rows"] == [
        {"line": 4, "kind": "column_numbers"},
        {"line": 5, "kind": "group"},
        {"line": 12, "kind": "group"},
    ]
    # 12 dossiers: O11 "Từ chối" not received; O12 received and finished in Q1 -> out of period
    assert (i["rows_read"], i["rows_used"], i["rows_out_of_period"], i["rows_not_received"]) == (
        12,
        10,
        1,
        1,
    )
    assert i["rows_left_out"] == 0 and i["problems"] == 0
    # "Hạn xử lý" (text "Còn 2 ngày") and "Ngày hẹn trả" both claim due_at: the dates win
    (chosen,) = i["columns_chosen"]
    assert (chosen["field"], chosen["header"]) == ("due_at", "Ngày hẹn trả")
    # online (Trực tuyến = true): O1 O3 O5 O6 O7 O9 of the 10 received in Q2
    online = ind["dossiers_online"]
    assert (online["numerator"], online["denominator"]) == (6, 10)
    # resolved in Q2: O1 (06/04 < 07/04), O2 late (13/04 > 11/04), O3 on the day, O7 early,
    # O8 withdrawn ("Rút hồ sơ") -> on time
    on_time = ind["dossiers_on_time"]
    assert (on_time["numerator"], on_time["denominator"]) == (4, 5)


def test_opencps_report_counts_true_false_as_channel():
    res = cli("report", OPENCPS, *Q2, "--format", "json")
    assert res.exit_code == 0, res.output
    total = json.loads(res.stdout)["total"]
    # (2) online 6, (3) not online 4 (O2 O4 O8 O10); (9) open at 30/06: O4 O5 O6 O9 O10, of which
    # overdue O4 (22/06) O9 (19/06) O10 (21/06)
    assert (total["received_online"], total["received_offline"]) == (6, 4)
    assert (total["open_total"], total["open_overdue"], total["open_within"]) == (5, 3, 2)
    assert (total["resolved_total"], total["resolved_late"]) == (5, 1)


def test_opencps_validate_lists_layout_rows_not_problems():
    res = cli("validate", OPENCPS, *Q2, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "column-number row 1 (line 4)" in res.stdout
    assert "group heading row 2 (line 5, 12)" in res.stdout


def test_opencps_explain_gives_sheet_rows():
    res = cli("explain", "dossiers_on_time", OPENCPS, *Q2, "--rows", "failing", "--format", "json")
    assert res.exit_code == 0, res.output
    # O2 sits at sheet row 7: titles 1–2, header 3, numbers 4, group 5, O1 6
    assert [(r["dossier_id"], r["line"]) for r in json.loads(res.stdout)["rows"]["items"]] == [
        ("H19.24-230404-0002", 7)
    ]


@pytest.mark.parametrize("name", ["report.xls", "report.XLS", "danh-sach.xlsx", "danh-sach"])
def test_format_is_known_by_content_not_name(tmp_path, name):
    """A renamed download still reads: the bytes say what it is."""
    for src in (TANDAN, OPENCPS):
        dst = tmp_path / f"{src.suffix}-{name}"
        shutil.copy(src, dst)
        _, ind = check_json(dst)
        assert ind["dossiers_on_time"]["denominator"] in (9, 5)
