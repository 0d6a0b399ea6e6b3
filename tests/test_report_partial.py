"""Biểu 06 and ``check --by`` on an export that lacks an input: every column whose inputs are
there is computed, the others are "not available" with the missing column, never a refusal.

The export is the TanDan list in the project's layout (tests/fixtures/vendors/tandan-canonical.csv,
written by scripts/make_vendor_fixtures.py): it has a unit column and NO channel column. Figures
for 2023-Q2 (01/04–30/06/2023), counted by hand from TANDAN_ROWS with indicators.md's rules
(dates compared by calendar day; withdrawn "rút" and returned "Dừng xử lý" = on time):

    T01 recv 03/04 due 10/04 end 07/04  early        T08 Mới đăng ký: not received
    T02 recv 05/04 due 12/04 end 12/04  on time      T09 recv 28/03 end 03/04 < due 04/04: carried
    T03 recv 10/04 due 17/04 end 19/04  late             over, resolved early
    T04 recv 02/05 due 09/05 end 08/05  early        T10 recv 15/06 due 22/06 end 22/06  on time
    T05 withdrawn 06/05                 on time      T11 Không được tiếp nhận: not received
    T06 recv 20/06 due 27/06 open       overdue      T12 recv 03/07: after Q2
    T07 recv 26/06 due 05/07 open       within       T13 Dừng xử lý 14/06        on time
                                                     T14 recv 22/05 due 29/05 end 31/05  late

(1) = 10 received (T01–T07, T10, T13, T14) + (4) 1 carried (T09) = 11; (5) 9 = (6) 3 (T01, T04,
T09) + (7) 4 (T02, T05, T10, T13) + (8) 2 (T03, T14); (9) 2 = (10) 1 (T07) + (11) 1 (T06).
(1) = (5) + (9): 11 = 9 + 2. (2), (3) and (*) need "Hình thức nộp": not available.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from cchc_cli.report import CHANNEL_UNKNOWN, build_form
from conftest import ROOT

TANDAN = ROOT / "tests" / "fixtures" / "vendors" / "tandan-canonical.csv"
Q2 = (dt.date(2023, 4, 1), dt.date(2023, 6, 30))
NO_CHANNEL = ("received_online", "received_offline", CHANNEL_UNKNOWN)
Q2_TOTAL = dict(
    received_total=11,
    carried_over=1,
    resolved_total=9,
    resolved_early=3,
    resolved_on_time=4,
    resolved_late=2,
    open_total=2,
    open_within=1,
    open_overdue=1,
)
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def _form(path, plan, period=Q2, by=None):

    return build_form(plan, path, period, by)


def test_form_without_channel_column_fills_every_other_column(plan):
    form = _form(TANDAN, plan)
    assert form.total.counts == {**Q2_TOTAL, **dict.fromkeys(NO_CHANNEL)}
    assert [(n.key, n.fields, n.reason) for n in form.not_available] == [
        (k, ("channel",), "missing_column") for k in NO_CHANNEL
    ]
    # nobody is "left out" of a column that is not there
    assert form.total.left_out == 0 and form.input.rows_partly_placed == 0
    checks = [(c.lhs, c.checked, c.lhs_value, c.rhs_value) for c in form.total.identities]
    assert checks == [
        ("received_total", True, 11, 11),  # (1) = (5) + (9)
        ("received_total", False, None, None),  # (1) = (2) + (3) + (4) + (*): skipped
        ("resolved_total", True, 9, 9),
        ("open_total", True, 2, 2),
    ]
    assert form.identity_ok
    assert form.identities_skipped == (
        (
            "received_total",
            ("received_online", "received_offline", "carried_over", CHANNEL_UNKNOWN),
        ),
    )


def test_month_rows_without_channel(plan):
    form = _form(TANDAN, plan, by="month")
    april = form.rows[0]
    # April: received T01, T02, T03 + carried T09 = 4; resolved T01, T09 early, T02 on time,
    # T03 late; nothing open on 30/04
    assert april.counts == dict(
        received_total=4,
        received_online=None,
        received_offline=None,
        carried_over=1,
        resolved_total=4,
        resolved_early=2,
        resolved_on_time=1,
        resolved_late=1,
        open_total=0,
        open_within=0,
        open_overdue=0,
        received_channel_unknown=None,
    )
    assert all(r.counts[k] is None for r in (*form.rows, form.total) for k in NO_CHANNEL)
    assert {k: form.total.counts[k] for k in Q2_TOTAL} == Q2_TOTAL


def test_no_due_date_columns_leaves_out_timeliness_only(plan, tmp_path):
    # the TanDan rows without "Ngày hẹn trả" (and no processing days to derive it from)
    rows = list(csv.reader(io.StringIO(TANDAN.read_text(encoding="utf-8-sig"))))
    drop = rows[0].index("Ngày hẹn trả")
    path = tmp_path / "no-due.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([c for i, c in enumerate(r) if i != drop] for r in rows)
    form = _form(path, plan)
    timed = ("resolved_early", "resolved_on_time", "resolved_late", "open_within", "open_overdue")
    gone = {n.key: n.fields for n in form.not_available}
    assert gone == {
        **dict.fromkeys(NO_CHANNEL, ("channel",)),
        **dict.fromkeys(timed, ("due_at", "processing_days")),
    }
    t = form.total.counts
    assert (t["received_total"], t["carried_over"], t["resolved_total"], t["open_total"]) == (
        11,
        1,
        9,
        2,
    )
    assert [c.checked for c in form.total.identities] == [True, False, False, False]
    assert form.identity_ok and form.total.left_out == 0
    res = invoke("report", path, "--period", "2023-Q2")
    assert res.exit_code == ExitCode.OK, res.output
    assert (
        "Cột (6)–(8), (10), (11): không có dữ liệu (—) — tệp thiếu cột Ngày hẹn trả (due_at), "
        "Thời hạn giải quyết (processing_days)" in res.stdout
    )


def test_no_end_date_columns_leaves_the_received_columns(plan, export):
    # no "Ngày kết thúc xử lý" nor "Ngày trả kết quả": nobody can tell resolved from open, nor
    # whether a dossier received before May was still open on 01/05; (2), (3), (*) still count,
    # and so does (1) for the three received in May (the April one may be carried over: unknown)
    rows = [
        dict(recv="02/05/2023", due="10/05/2023", ch="Trực tuyến"),
        dict(recv="03/05/2023", due="10/05/2023", ch="Trực tuyến"),
        dict(recv="04/05/2023", due="10/05/2023", ch="Trực tiếp"),
        dict(recv="20/04/2023", due="28/04/2023", ch="Trực tiếp"),  # April: in no column
    ]
    form = _form(
        export(rows, columns=["id", "recv", "due", "ch"]),
        plan,
        (dt.date(2023, 5, 1), dt.date(2023, 5, 31)),
    )
    t = form.total.counts
    assert {k: v for k, v in t.items() if v is not None} == dict(
        received_total=3, received_online=2, received_offline=1, received_channel_unknown=0
    )
    assert {n.fields for n in form.not_available} == {("resolved_at",)}
    assert not any(c.checked for c in form.total.identities) and form.identity_ok
    assert [(x.reason, x.field, x.rows, x.columns) for x in form.total.left_out_by] == [
        ("missing_column", "resolved_at", 1, ("received_total",))
    ]
    assert (form.input.rows_in_form, form.input.rows_left_out, form.input.rows_outside) == (3, 1, 0)


def test_json_null_and_not_available_list():
    res = invoke("report", TANDAN, "--period", "2023-Q2", "--format", "json")
    assert res.exit_code == ExitCode.OK, res.output
    doc = json.loads(res.stdout)
    for row in (*doc["rows"], doc["total"]):
        assert all(row[k] is None for k in NO_CHANNEL)
    assert {k: doc["total"][k] for k in Q2_TOTAL} == Q2_TOTAL
    assert doc["not_available"] == [
        {
            "key": k,
            "column": col,
            "label": label,
            "reason": "missing_column",
            "fields": ["channel"],
            "detail": "Hình thức nộp (channel)",
        }
        for k, col, label in zip(NO_CHANNEL, (2, 3, None), ("(2)", "(3)", "(*)"), strict=True)
    ]
    assert doc["identities_skipped"] == [
        {
            "lhs": "received_total",
            "rhs": ["received_online", "received_offline", "carried_over", CHANNEL_UNKNOWN],
        }
    ]
    skipped = doc["total"]["identities"][1]
    assert (skipped["checked"], skipped["ok"], skipped["lhs_value"]) == (False, None, None)
    assert doc["total"]["identities"][0] == {
        "lhs": "received_total",
        "rhs": ["resolved_total", "open_total"],
        "lhs_value": 11,
        "rhs_value": 11,
        "left_out": 0,
        "ok": True,
        "checked": True,
    }
    assert doc["identity_ok"] is True


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_table_and_markdown_say_why(lang):
    out = invoke("report", TANDAN, "--period", "2023-Q2", "--lang", lang).stdout
    md = invoke("report", TANDAN, "--period", "2023-Q2", "--format", "markdown", "--lang", lang)
    if lang == "vi":
        why = "Cột (2), (3), (*): không có dữ liệu (—) — tệp thiếu cột Hình thức nộp (channel)"
        skip = "Không kiểm tra đẳng thức (1) = (2) + (3) + (4) + (*): cột (2), (3), (*) không có"
        total = "| **Tổng cộng** | **11** | **—** | **—** | **1** | **9** | **3** | **4** | **2** "
    else:
        why = "Columns (2), (3), (*): not available (—) — the file lacks Hình thức nộp (channel)"
        skip = "Identity (1) = (2) + (3) + (4) + (*) not checked: columns (2), (3), (*) not"
        total = "| **Total** | **11** | **—** | **—** | **1** | **9** | **3** | **4** | **2** "
    assert why in out and skip in out
    assert why in md.stdout and total + "| **2** | **1** | **1** | **—** |" in md.stdout
    assert "│ 11 │ — │ — │ 1 │ 9 │ 3 │ 4 │ 2 │ 2 │ 1 │ 1 │ — │" in " ".join(out.split())


def test_csv_leaves_the_cells_empty_and_says_why():
    text = invoke("report", TANDAN, "--period", "2023-Q2", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    total = rows[-1]
    assert total["group"] == "Tổng cộng"
    assert [total[k] for k in NO_CHANNEL] == ["", "", ""]
    assert {k: int(total[k]) for k in Q2_TOTAL} == Q2_TOTAL
    assert total["not_available"].startswith(
        "Cột (2), (3), (*): không có dữ liệu (—) — tệp thiếu cột Hình thức nộp (channel)"
    )


def test_xlsx_dash_and_note(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "bieu06.xlsx"
    res = invoke("report", TANDAN, "--period", "2023-Q2", "--format", "xlsx", "-o", out)
    assert res.exit_code == ExitCode.OK, res.output
    ws = load_workbook(out).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    total = next(row for row in values if row[1] == "Tổng cộng")
    # (1)–(11), an empty column, then (*)
    assert total[2:] == [11, "—", "—", 1, 9, 3, 4, 2, 2, 1, 1, None, "—"]
    numbers = {ws.cell(row=9, column=3 + j).value: ws.cell(row=9, column=3 + j) for j in range(13)}
    assert numbers["(2)"].comment.text == "Không có dữ liệu: tệp thiếu cột Hình thức nộp (channel)"
    assert numbers["(*)"].comment is not None and numbers["(1)"].comment is None
    notes = [row[0] for row in values if isinstance(row[0], str)]
    assert any("Cột (2), (3), (*): không có dữ liệu" in n for n in notes)


def test_check_by_with_a_missing_input_is_no_data_per_group():
    res = invoke("check", TANDAN, "--period", "2023-Q2", "--by", "month", "--format", "json")
    assert res.exit_code == ExitCode.FAIL, res.output  # on time 7/9 < 98%
    groups = json.loads(res.stdout)["breakdown"]["groups"]
    assert [g["group"] for g in groups] == ["2023-04", "2023-05", "2023-06"]
    for g in groups:
        online = next(i for i in g["indicators"] if i["id"] == "dossiers_online")
        assert (online["status"], online["reason"], online["reason_detail"]) == (
            "no_data",
            "missing_column",
            "Hình thức nộp (channel)",
        )
    # April: T01, T02, T09 on time, T03 late; May: T04, T05 on time, T14 late; June: T10, T13
    on_time = [
        next(
            (i["numerator"], i["denominator"])
            for i in g["indicators"]
            if i["id"] == "dossiers_on_time"
        )
        for g in groups
    ]
    assert on_time == [(3, 4), (2, 3), (2, 2)]
    text = invoke("check", TANDAN, "--period", "2023-Q2", "--by", "month", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text.stdout.lstrip("\ufeff"))))
    online = [r for r in rows if r["id"] == "dossiers_online"]
    assert len(online) == 4 and {r["reason_detail"] for r in online} == {"Hình thức nộp (channel)"}
