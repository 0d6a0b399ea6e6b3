"""Biểu 06 and breakdowns on hostile exports: several input columns missing, an empty group cell,
one group name spelled several ways. Every figure below is counted by hand from the rows written
here (dates compared by calendar day)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from cchc_cli.errors import ExitCode
from cchc_cli.report import KEYS, build_form
from conftest import cli

Q2 = (dt.date(2023, 4, 1), dt.date(2023, 6, 30))
CHANNEL = ("received_online", "received_offline", "received_channel_unknown")
# (4)–(11): every column of the form but (1), (2) and (3)
NEEDS_END = KEYS[3:]


def _write(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _form(path, plan, period=Q2, by=None):

    return build_form(plan, path, period, by)


# -- 1. no end date and no channel: a dossier received in P is in the form ---------------------

NO_END_HEADER = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Trạng thái"]
# four dossiers received in Q2, all still in progress
IN_Q2 = [
    ["Q1", "03/04/2023", "20/04/2023", "Đang xử lý"],
    ["Q2", "15/05/2023", "30/05/2023", "Đang xử lý"],
    ["Q3", "01/06/2023", "15/06/2023", "Đang xử lý"],
    ["Q4", "20/06/2023", "10/07/2023", "Đang xử lý"],
]


@pytest.fixture
def in_q2(tmp_path):
    return _write(tmp_path / "no-end-no-channel.csv", NO_END_HEADER, IN_Q2)


def test_received_in_period_is_in_the_form_whatever_its_end_date(plan, in_q2):
    # (1) = received in Q2 (4) + carried over (none can be: all received in Q2) = 4; the channel
    # columns need "Hình thức nộp", (4)–(11) an end date: not available
    form = _form(in_q2, plan)
    assert form.total.counts == {
        "received_total": 4,
        **dict.fromkeys(CHANNEL),
        **dict.fromkeys(NEEDS_END),
    }
    gone = {n.key: n.fields for n in form.not_available}
    assert gone == {
        **dict.fromkeys(CHANNEL, ("channel",)),
        **dict.fromkeys(NEEDS_END, ("resolved_at",)),
    }
    i = form.input
    assert (i.rows_read, i.rows_in_form, i.rows_partly_placed, i.rows_left_out, i.rows_outside) == (
        4,
        4,
        0,
        0,
        0,
    )
    assert form.total.left_out == 0 and form.identity_ok
    assert not any(c.checked for c in form.total.identities)  # each has a column not available


def test_report_cli_says_the_four_are_on_the_form(in_q2):
    res = cli("report", in_q2, "--period", "2023-Q2")
    assert res.exit_code == ExitCode.OK, res.output
    out = " ".join(res.stdout.split())  # the terminal table wraps long notes
    assert (
        "đọc 4 dòng: đưa vào biểu 4 (trong đó 0 không xếp được vào một số cột), "
        "ngoài kỳ hoặc không được tiếp nhận 0, không đưa vào được cột nào 0"
    ) in out
    assert "Cột (4)–(11): không có dữ liệu (—) — tệp thiếu cột Ngày kết thúc xử lý" in out
    doc = json.loads(cli("report", in_q2, "--period", "2023-Q2", "--format", "json").stdout)
    assert (doc["total"]["received_total"], doc["input"]["rows_outside"]) == (4, 0)
    # check's own reconciliation, an independent route, puts the same four in the period
    inputs = json.loads(cli("check", in_q2, "--period", "2023-Q2", "--format", "json").stdout)
    inp = inputs["inputs"][0]
    assert (inp["rows_used"], inp["rows_out_of_period"], inp["rows_left_out"]) == (4, 0, 0)


MIXED = [
    ["M1", "03/04/2023", "20/04/2023", "Đã trả kết quả"],  # received in Q2: in (1)
    ["M2", "15/05/2023", "30/05/2023", "Đang xử lý"],  # received in Q2: in (1)
    ["M3", "20/03/2023", "15/04/2023", "Đang xử lý"],  # before Q2: carried over? unknown
    ["M4", "21/03/2023", "10/04/2023", "Đã trả kết quả"],  # before Q2: unknown
    ["M5", "02/07/2023", "10/07/2023", "Đang xử lý"],  # after Q2: outside
    ["M6", "10/05/2023", "", "Không được tiếp nhận"],  # never received: outside
]


def test_received_before_the_period_is_left_out_of_1_not_guessed(plan, tmp_path):
    path = _write(tmp_path / "mixed.csv", NO_END_HEADER, MIXED)
    form = _form(path, plan)
    assert form.total.counts["received_total"] == 2  # M1, M2
    assert [(x.reason, x.field, x.rows, x.columns) for x in form.total.left_out_by] == [
        ("missing_column", "resolved_at", 2, ("received_total",))  # M3, M4
    ]
    i = form.input
    assert (i.rows_in_form, i.rows_left_out, i.rows_outside) == (2, 2, 2)
    # each month its own period: a dossier received before the month may be carried into it
    months = _form(path, plan, by="month")
    assert [(r.counts["received_total"], r.left_out) for r in months.rows] == [
        (1, 2),  # April: M1; M3, M4 unknown
        (1, 3),  # May: M2; M1, M3, M4 unknown
        (0, 4),  # June: M1–M4 unknown
    ]
    res = cli("report", path, "--period", "2023-Q2", "--lang", "en")
    assert res.exit_code == ExitCode.OK, res.output
    assert (
        "Total: 2 dossiers left out of some columns — 2 the file lacks the column "
        "Ngày kết thúc xử lý (resolved_at): not in columns (1)"
    ) in " ".join(res.stdout.split())


# -- 2. the group of rows with no value has a key of its own -----------------------------------

UNIT_HEADER = [
    "Mã hồ sơ",
    "Đơn vị tiếp nhận",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Hình thức nộp",
    "Trạng thái",
]
UNITS = [
    ["U1", "Sở Ngoại vụ", "03/01/2023", "10/01/2023", "09/01/2023", "Trực tuyến", "Đã trả kết quả"],
    ["U2", "Sở Ngoại vụ", "04/01/2023", "11/01/2023", "12/01/2023", "Trực tiếp", "Đã trả kết quả"],
    ["U3", "", "06/01/2023", "13/01/2023", "13/01/2023", "Trực tuyến", "Đã trả kết quả"],
    ["U4", "", "09/01/2023", "16/01/2023", "16/01/2023", "Trực tiếp", "Đã trả kết quả"],
    ["U5", "", "10/01/2023", "17/01/2023", "17/01/2023", "Trực tiếp", "Đã trả kết quả"],
]


@pytest.fixture
def units(tmp_path):
    return _write(tmp_path / "units.csv", UNIT_HEADER, UNITS)


def test_check_csv_empty_unit_group_is_not_the_whole_period(units):
    res = cli("check", units, "--period", "2023-01", "--by", "unit", "--format", "csv")
    assert res.exit_code == ExitCode.FAIL, res.output  # online 2/5 < 80%
    online = [
        (r["unit"], r["group_empty"], r["numerator"], r["denominator"])
        for r in _csv(res.stdout)
        if r["id"] == "dossiers_online"
    ]
    # whole January: U1, U3 online of 5; Sở Ngoại vụ: U1 of U1, U2; no unit: U3 of U3–U5
    assert online == [
        ("", "false", "2", "5"),
        ("Sở Ngoại vụ", "false", "1", "2"),
        ("(không rõ đơn vị)", "true", "1", "3"),
    ]
    en = cli(
        "check", units, "--period", "2023-01", "--by", "unit", "--format", "csv", "--lang", "en"
    )
    assert {r["unit"] for r in _csv(en.stdout) if r["group_empty"] == "true"} == {"(no unit given)"}


def test_check_json_and_table_name_the_empty_group(units):
    res = cli("check", units, "--period", "2023-01", "--by", "unit", "--format", "json")
    groups = json.loads(res.stdout)["breakdown"]["groups"]
    assert [(g["group"], g["group_empty"]) for g in groups] == [
        ("Sở Ngoại vụ", False),
        (None, True),
    ]
    table = cli("check", units, "--period", "2023-01", "--by", "unit").stdout
    assert "│ (không rõ đơn vị) │" in table


def test_report_csv_and_json_say_group_empty(units):
    res = cli("report", units, "--period", "2023-01", "--by", "unit", "--format", "csv")
    assert res.exit_code == ExitCode.OK, res.output
    rows = [(r["group"], r["group_empty"], r["received_total"]) for r in _csv(res.stdout)]
    assert rows == [
        ("Sở Ngoại vụ", "false", "2"),
        ("(không rõ đơn vị)", "true", "3"),
        ("Tổng cộng", "false", "5"),
    ]
    doc = json.loads(
        cli("report", units, "--period", "2023-01", "--by", "unit", "--format", "json").stdout
    )
    assert [(r["group"], r["label"], r["group_empty"]) for r in doc["rows"]] == [
        ("Sở Ngoại vụ", "Sở Ngoại vụ", False),
        (None, "(không rõ đơn vị)", True),
    ]


# -- 3. one group whatever the spacing and case ------------------------------------------------

HEADERS = {"field": "Lĩnh vực", "procedure": "Tên thủ tục", "unit": "Đơn vị tiếp nhận"}
SPELLED = [  # (group cell, received, due, end, channel, status)
    ("Sở Ngoại vụ", "03/01/2023", "10/01/2023", "09/01/2023", "Trực tuyến", "Đã trả kết quả"),
    ("Sở  ngoại  vụ", "04/01/2023", "11/01/2023", "12/01/2023", "Trực tiếp", "Đã trả kết quả"),
    ("SỞ NGOẠI VỤ", "05/01/2023", "12/01/2023", "12/01/2023", "Trực tuyến", "Đã trả kết quả"),
    ("Sở  ngoại  vụ", "06/01/2023", "13/01/2023", "13/01/2023", "Trực tuyến", "Đã trả kết quả"),
    (" Sở Ngoại vụ ", "09/01/2023", "16/01/2023", "", "Trực tiếp", "Đang xử lý"),
    ("Sở Ngoai vu", "10/01/2023", "17/01/2023", "17/01/2023", "Trực tuyến", "Đã trả kết quả"),
]
# G1–G5 are one group. Its spellings (trimmed): "Sở Ngoại vụ" twice (G1, G5), "Sở  ngoại  vụ"
# twice (G2, G4), "SỞ NGOẠI VỤ" once: a tie, so the first seen, G1's. G6 differs in its
# diacritics: a group of its own.
ONE = "Sở Ngoại vụ"
# G1 early, G2 late, G3 and G4 on time, G5 open at 31/01 and due 16/01: overdue
ONE_FORM = dict(
    received_total=5,
    received_online=3,
    received_offline=2,
    carried_over=0,
    resolved_total=4,
    resolved_early=1,
    resolved_on_time=2,
    resolved_late=1,
    open_total=1,
    open_within=0,
    open_overdue=1,
    received_channel_unknown=0,
)
OTHER_FORM = {**dict.fromkeys(ONE_FORM, 0), "received_total": 1, "received_online": 1}
OTHER_FORM.update(resolved_total=1, resolved_on_time=1)


def _spelled(tmp_path, by):
    header = ["Mã hồ sơ", HEADERS[by], *UNIT_HEADER[2:]]
    rows = [[f"G{i}", *row] for i, row in enumerate(SPELLED, start=1)]
    return _write(tmp_path / f"spelled-{by}.csv", header, rows)


@pytest.mark.parametrize("by", ["field", "procedure", "unit"])
def test_report_groups_ignore_spacing_and_case(plan, tmp_path, by):
    form = _form(_spelled(tmp_path, by), plan, (dt.date(2023, 1, 1), dt.date(2023, 1, 31)), by)
    assert {r.group: dict(r.counts) for r in form.rows} == {
        ONE: ONE_FORM,
        "Sở Ngoai vu": OTHER_FORM,
    }
    assert form.identity_ok


@pytest.mark.parametrize("by", ["field", "procedure", "unit"])
def test_check_groups_ignore_spacing_and_case(tmp_path, by):
    path = _spelled(tmp_path, by)
    res = cli("check", path, "--period", "2023-01", "--by", by, "--format", "json")
    groups = json.loads(res.stdout)["breakdown"]["groups"]

    def figures(g, ind):
        r = next(x for x in g["indicators"] if x["id"] == ind)
        return r["numerator"], r["denominator"]

    got = {
        g["group"]: (figures(g, "dossiers_online"), figures(g, "dossiers_on_time")) for g in groups
    }
    # online: G1, G3, G4 of 5 received; on time: G1, G3, G4 of the 4 resolved (G2 late)
    assert got == {ONE: ((3, 5), (3, 4)), "Sở Ngoai vu": ((1, 1), (1, 1))}


def test_most_frequent_spelling_names_the_group(plan, tmp_path):
    rows = [
        ["A1", "công tác  lãnh sự", "03/01/2023", "10/01/2023", "", "Trực tuyến", "Đang xử lý"],
        ["A2", "Công tác lãnh sự", "04/01/2023", "11/01/2023", "", "Trực tuyến", "Đang xử lý"],
        ["A3", "Công tác lãnh sự", "05/01/2023", "12/01/2023", "", "Trực tuyến", "Đang xử lý"],
    ]
    path = _write(tmp_path / "freq.csv", ["Mã hồ sơ", "Lĩnh vực", *UNIT_HEADER[2:]], rows)
    form = _form(path, plan, (dt.date(2023, 1, 1), dt.date(2023, 1, 31)), "field")
    # "Công tác lãnh sự" twice beats the first-seen "công tác  lãnh sự" once
    assert [(r.group, r.counts["received_total"]) for r in form.rows] == [("Công tác lãnh sự", 3)]
