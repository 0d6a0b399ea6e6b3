"""The edges of the counting rules, on hand-worked exports: the first and last instant of P, a due
date on the resolution day, vocabulary words typed without diacritics, and blank dossier ids.

These are the cases plausible bugs hide in (issue 8): ``open at the end of P`` also true for a
dossier resolved on P's last day, folding that keeps diacritics, blank ids flagged as repeated.
Every expected figure is counted by hand from the comments, following indicators.md.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from cchc_cli.report import build_form
from cchc_cli.text import fold_value
from conftest import PLAN, by_id, run

MAY = (dt.date(2023, 5, 1), dt.date(2023, 5, 31))
MAY_JUNE = (dt.date(2023, 5, 1), dt.date(2023, 6, 30))
runner = CliRunner()

DONE, OPEN, WITHDRAWN = "Đã trả kết quả", "Đang xử lý", "Công dân yêu cầu rút hồ sơ"
ONLINE, IN_PERSON, POST = "Trực tuyến", "Trực tiếp", "Bưu chính"

# P = May 2023 (01/05 00:00 – 31/05 23:59). Every dossier in one lĩnh vực.
EDGES = [
    # E1 received in May online, resolved 31/05 at 23:59 = its due day: resolved in P, on time,
    # NOT open at the end of P
    dict(
        id="E1",
        recv="10/05/2023 09:00",
        due="31/05/2023",
        end="31/05/2023 23:59",
        ch=ONLINE,
        st=DONE,
        dig="Có",
        eres="Có",
        rdig="Có",
        sat="Hài lòng",
    ),
    # E2 received in person, resolved at 00:00 on 01/06: open at the end of May, due 20/05 < 31/05
    # -> open overdue, a late dossier (apologised)
    dict(
        id="E2",
        recv="10/05/2023",
        due="20/05/2023",
        end="01/06/2023 00:00",
        ch=IN_PERSON,
        st=DONE,
        dig="Có",
        apo="Có",
    ),
    # E3 received at 00:00 on P's first day: received in P (not carried over), resolved early
    dict(
        id="E3",
        recv="01/05/2023 00:00",
        due="05/05/2023",
        end="04/05/2023",
        ch=ONLINE,
        st=DONE,
        dig="Không",
        rdig="Có",
    ),
    # E4 received at 23:59 on the day before P, still open: carried over; due on P's last day
    # -> open within time (not before the end)
    dict(id="E4", recv="30/04/2023 23:59", due="31/05/2023", st=OPEN),
    # E5 received in April, resolved at 00:00 on P's first day: carried over (still open when P
    # starts) and resolved in P, late (due 25/04); no apology
    dict(
        id="E5", recv="20/04/2023", due="25/04/2023", end="01/05/2023 00:00", st=DONE, apo="Không"
    ),
    # E6 received in April, resolved 30/04 at 23:59: nowhere in May
    dict(id="E6", recv="20/04/2023", due="30/04/2023", end="30/04/2023 23:59", st=DONE),
    # E7 received by post at 23:59 on P's last day, open, due in June: received in P, open within
    dict(id="E7", recv="31/05/2023 23:59", due="07/06/2023", ch=POST, st=OPEN, dig="Có"),
    # E8 received at 00:00 on the day after P: nowhere in May (in June: received, resolved early)
    dict(id="E8", recv="01/06/2023 00:00", due="08/06/2023", end="01/06/2023 10:00", st=DONE),
    # E9 due 15/05 at 08:00, resolved 15/05 at 17:00: the same calendar day -> on time
    dict(
        id="E9",
        recv="02/05/2023",
        due="15/05/2023 08:00",
        end="15/05/2023 17:00",
        ch=ONLINE,
        st=DONE,
        dig="Có",
        eres="Có",
    ),
    # E10 due 15/05, resolved 00:00 on 16/05: late (apologised)
    dict(
        id="E10",
        recv="02/05/2023",
        due="15/05/2023",
        end="16/05/2023 00:00",
        ch=IN_PERSON,
        st=DONE,
        dig="Có",
        apo="Có",
        sat="Không hài lòng",
    ),
    # E11 withdrawn at 23:59 on P's last day, after its due date 20/05: resolved in P on time
    # (the form's note), not open, not late; out of the two results indicators
    dict(
        id="E11",
        recv="12/05/2023",
        due="20/05/2023",
        end="31/05/2023 23:59",
        ch=ONLINE,
        st=WITHDRAWN,
        dig="Có",
        sat="Bình thường",
    ),
    # D1, D2: no due date, 2 working days from Fri 28/04/2023. 29/04-03/05 are off (Sat, Sun,
    # 30/04, 01/05 and the two days in lieu), so day 1 is Thu 04/05, day 2 Fri 05/05 = due.
    # D1 resolved on its derived due day -> on time; D2 on Sat 06/05 -> late (no apology).
    dict(
        id="D1",
        recv="28/04/2023 16:00",
        days="2",
        end="05/05/2023 16:30",
        st=DONE,
        eres="Có",
        sat="Rất hài lòng",
    ),
    dict(id="D2", recv="28/04/2023", days="2", end="06/05/2023", st=DONE, apo="Không"),
]
# Hand count for May:
#   received in P: E1, E2, E3, E7, E9, E10, E11 = 7; online E1 E3 E9 E11 = 4; offline E2 E7 E10
#   carried over: E4, E5, D1, D2 = 4 (E6 ended on 30/04)                        -> (1) = 11
#   resolved in P: E1 E3 E5 E9 E10 E11 D1 D2 = 8: early E3; on time E1 E9 E11 D1; late E5 E10 D2
#   open at 31/05: E2 (overdue), E4 (due 31/05: within), E7 (within) = 3          -> 8 + 3 = 11
MAY_EDGES = dict(
    received_total=11,
    received_online=4,
    received_offline=3,
    carried_over=4,
    resolved_total=8,
    resolved_early=1,
    resolved_on_time=4,
    resolved_late=3,
    open_total=3,
    open_within=2,
    open_overdue=1,
    received_channel_unknown=0,
)
# June as its own period: received E8 (online, early); carried over from May E2 (ends 01/06),
# E4, E7 (open) = 3 -> (1) 4; resolved E2 (late: due 20/05), E8 (early) = 2; open at 30/06
# E4 (due 31/05) and E7 (due 07/06), both overdue = 2 -> 2 + 2 = 4.
JUNE_EDGES = dict(
    received_total=4,
    received_online=1,
    received_offline=0,
    carried_over=3,
    resolved_total=2,
    resolved_early=1,
    resolved_on_time=0,
    resolved_late=1,
    open_total=2,
    open_within=0,
    open_overdue=2,
    received_channel_unknown=0,
)
# The seven indicators for May (numerator, denominator), left_out 0 everywhere:
MAY_FIGURES = {
    # resolved in P 8; early or on time: E3, E1, E9, E11, D1
    "dossiers_on_time": (5, 8),
    # received in P 7; online E1 E3 E9 E11
    "dossiers_online": (4, 7),
    # received in P 7; digitised all but E3
    "dossiers_digitized": (6, 7),
    # resolved in P and not withdrawn: E1 E3 E5 E9 E10 D1 D2 = 7; e-result E1 E9 D1
    "results_electronic": (3, 7),
    # same 7; result digitised E1 E3
    "results_digitized": (2, 7),
    # resolved in P with a rating: E1 (Hài lòng), E10, E11, D1 (Rất hài lòng) = 4; satisfied 2
    "citizen_satisfaction": (2, 4),
    # late: resolved late E5 E10 D2 + open overdue at 31/05 E2 = 4; apologised E2 E10
    "late_dossiers_apologized": (2, 4),
}


def _form(path, plan, period=MAY, by="field"):

    return build_form(plan, path, period, by)


def _with_field(rows, field="Hộ tịch"):
    return [{"field": field, **r} for r in rows]


def test_period_edges_on_the_form(export, plan):
    form = _form(export(_with_field(EDGES)), plan)
    assert [r.group for r in form.rows] == ["Hộ tịch"]
    assert dict(form.rows[0].counts) == MAY_EDGES
    assert dict(form.total.counts) == MAY_EDGES
    assert form.identity_ok
    main = form.total.identities[0]  # (1) = (5) + (9), nobody left out
    assert (main.lhs_value, main.rhs_value, main.left_out) == (11, 11, 0)
    assert form.input.rows_in_form == 11 and form.input.rows_outside == 2  # E6, E8
    assert form.input.due_dates_derived == 2 and form.input.problems == 0


def test_period_edges_month_by_month(export, plan):
    form = _form(export(_with_field(EDGES)), plan, MAY_JUNE, by="month")
    assert [r.group for r in form.rows] == ["2023-05", "2023-06"]
    assert [dict(r.counts) for r in form.rows] == [MAY_EDGES, JUNE_EDGES]
    assert form.identity_ok


def test_period_edges_in_the_indicators(export, plan):
    got = by_id(run(export(EDGES), plan, MAY))
    assert {k: (got[k].numerator, got[k].denominator) for k in MAY_FIGURES} == MAY_FIGURES
    assert all(got[k].left_out == 0 for k in MAY_FIGURES)


def test_period_edges_in_the_input_summary(export):
    path = export(EDGES)
    doc = json.loads(
        runner.invoke(app, ["check", str(path), "--period", "2023-05", "--format", "json"]).stdout
    )
    inp = doc["inputs"][0]
    # used: the 11 in the form; out of period: E6, E8
    assert (inp["rows_read"], inp["rows_used"], inp["rows_out_of_period"]) == (13, 11, 2)
    assert (inp["rows_received_in_period"], inp["rows_resolved_in_period"]) == (7, 8)
    assert (inp["rows_left_out"], inp["problems"], inp["due_dates_derived"]) == (0, 0, 2)


def test_resolved_on_the_last_day_is_not_open_in_the_json(export):
    # E1 alone: (1) 1 = (5) 1 + (9) 0, and the command exits 0 (an identity break would exit 1)
    path = export(_with_field([EDGES[0]]))
    res = runner.invoke(app, ["report", str(path), "--period", "2023-05", "--format", "json"])
    assert res.exit_code == ExitCode.OK, res.stderr
    total = json.loads(res.stdout)["total"]
    assert (total["received_total"], total["resolved_total"], total["open_total"]) == (1, 1, 0)
    assert (total["resolved_on_time"], total["open_within"], total["open_overdue"]) == (1, 0, 0)


# -- vocabulary words typed without diacritics -----------------------------------------------

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731

ASCII_ROWS = [
    # V1 online, resolved early (05/05 < 10/05)
    dict(
        recv="02/05/2023",
        due="10/05/2023",
        end="05/05/2023",
        ch="Truc tuyen",
        st="Da tra ket qua",
        dig="Co",
        eres="co",
        rdig="CO",
        sat="Rat hai long",
    ),
    # V2 in person, resolved late (12/05 > 10/05), apologised
    dict(
        recv="03/05/2023",
        due="10/05/2023",
        end="12/05/2023",
        ch="TRUC TIEP",
        st="Da xu ly xong",
        dig="khong",
        eres="Khong",
        rdig="chua",
        sat="Khong hai long",
        apo="Co",
    ),
    # V3 by post, still open, due on the last day -> not overdue
    dict(recv="04/05/2023", due="31/05/2023", ch="buu chinh", st="Dang xu ly", dig="Da"),
    # V4 by post, withdrawn after its due date -> on time
    dict(
        recv="04/05/2023",
        due="08/05/2023",
        end="15/05/2023",
        ch="Dich vu buu chinh cong ich",
        st="Rut ho so",
        dig="chua",
        sat="Hai long",
    ),
    # V5, V6 not received: in no count at all
    dict(recv="05/05/2023", ch="Truc tuyen", st="Moi dang ky", dig="Co"),
    dict(recv="05/05/2023", ch="Truc tiep", st="Khong duoc tiep nhan", dig="Co"),
    # V7 online (spaces around and inside), resolved on its due day -> on time
    dict(
        recv="08/05/2023",
        due="15/05/2023",
        end="15/05/2023",
        ch="  Truc   tuyen ",
        st="Da tra ket qua",
        dig="x",
        eres="x",
        rdig="Co",
        sat="Binh thuong",
    ),
    # V8 online, written in NFD, resolved early
    dict(
        recv="09/05/2023",
        due="16/05/2023",
        end="10/05/2023",
        ch=NFD("Trực tuyến"),
        st=NFD("Đã trả kết quả"),
        dig="1",
        eres="Có",
        sat=NFD("Hài lòng"),
    ),
    # V9 unknown channel word, returned (Trả lại) -> on time
    dict(
        recv="10/05/2023",
        due="12/05/2023",
        end="11/05/2023",
        ch="Truc tuyenn",
        st="Tra lai",
        dig="Co",
    ),
    # V10 by post, stopped (Dừng xử lý) -> on time; "Khong  hai  long" is NOT "Hai long"
    dict(
        recv="10/05/2023",
        due="15/05/2023",
        end="20/05/2023",
        ch="Buu Chinh",
        st="Dung xu ly",
        dig="Co",
        sat="Khong  hai  long",
    ),
]
ASCII_FIGURES = {
    # received in P: V1-V4, V7-V10 = 8; V9's channel unknown -> 7; online V1 V7 V8
    "dossiers_online": (3, 7, 1),
    # 8, all known; digitised V1 V3 V7 V8 V9 V10
    "dossiers_digitized": (6, 8, 0),
    # resolved in P: V1 V2 V4 V7 V8 V9 V10 = 7; all but V2 (late)
    "dossiers_on_time": (6, 7, 0),
    # resolved with a rating: V1 V2 V4 V7 V8 V10 = 6; satisfied V1 V4 V8
    "citizen_satisfaction": (3, 6, 0),
    # resolved, not withdrawn/returned: V1 V2 V7 V8; e-result V1 V7 V8
    "results_electronic": (3, 4, 0),
    # the same 4; result digitised V1 V7
    "results_digitized": (2, 4, 0),
    # late: V2 only (V3 due on the last day is not overdue); apologised
    "late_dossiers_apologized": (1, 1, 0),
}


def test_fold_value_ignores_diacritics_case_and_spacing():
    assert fold_value("Trực tuyến") == fold_value("Truc tuyen") == fold_value(" TRUC   TUYEN ")
    assert fold_value(NFD("Đã trả kết quả")) == fold_value("Da tra ket qua") == "da tra ket qua"
    assert fold_value("Không hài lòng") == "khong hai long" != fold_value("Hài lòng")


def test_ascii_folded_vocabulary_words(export, plan):
    got = by_id(run(export(ASCII_ROWS), plan, MAY))
    figures = {k: (got[k].numerator, got[k].denominator, got[k].left_out) for k in ASCII_FIGURES}
    assert figures == ASCII_FIGURES
    assert [(x.reason, x.field, x.rows) for x in got["dossiers_online"].left_out_by] == [
        ("unknown_value", "channel", 1)
    ]


def test_ascii_folded_words_on_the_form(export, plan):
    # received in P 8: online V1 V7 V8, offline V2 V3 V4 V10, (*) V9; resolved V1 V2 V4 V7 V8
    # V9 V10 = 7: early V1 V8, on time V4 V7 V9 V10, late V2; open V3 within
    form = _form(export(_with_field(ASCII_ROWS)), plan)
    assert dict(form.total.counts) == dict(
        received_total=8,
        received_online=3,
        received_offline=4,
        carried_over=0,
        resolved_total=7,
        resolved_early=2,
        resolved_on_time=4,
        resolved_late=1,
        open_total=1,
        open_within=1,
        open_overdue=0,
        received_channel_unknown=1,
    )
    assert form.input.rows_outside == 2  # V5, V6 not received
    assert form.input.problems == 1  # "Truc tuyenn"


# -- blank and repeated dossier ids -----------------------------------------------------------

ID_ROWS = [
    dict(id="", recv="02/05/2023", due="10/05/2023"),  # line 2: no id
    dict(id="", recv="03/05/2023", due="10/05/2023"),  # line 3: no id either -- not a repeat
    dict(id="   ", recv="03/05/2023", due="10/05/2023"),  # line 4: blanks only -- no id
    dict(id="H1", recv="04/05/2023", due="10/05/2023"),  # line 5
    dict(id="H1", recv="05/05/2023", due="10/05/2023"),  # line 6: repeats line 5
    dict(id="H2", recv="06/05/2023", due="10/05/2023"),  # line 7
]


def test_blank_ids_are_missing_not_repeated(export):
    path = export(ID_ROWS)
    res = runner.invoke(app, ["validate", str(path), "--period", "2023-05", "--format", "json"])
    assert res.exit_code == ExitCode.FAIL
    got = [(p["line"], p["column"], p["reason"]) for p in json.loads(res.stdout)["problems"]]
    assert got == [
        (2, 1, "missing_value"),
        (3, 1, "missing_value"),
        (4, 1, "missing_value"),
        (6, 1, "duplicate_id"),
    ]
    doc = json.loads(
        runner.invoke(app, ["check", str(path), "--period", "2023-05", "--format", "json"]).stdout
    )
    inp = doc["inputs"][0]
    assert (inp["rows_used"], inp["rows_left_out"], inp["problems"]) == (2, 4, 4)
    assert inp["left_out_by"] == [  # by reason code
        {"reason": "duplicate_id", "field": "dossier_id", "rows": 1},
        {"reason": "missing_value", "field": "dossier_id", "rows": 3},
    ]
    online = {i["id"]: i for i in doc["indicators"]}["dossiers_online"]
    assert (online["numerator"], online["denominator"]) == (2, 2)  # H1 (line 5) and H2


# -- the plan's own days off and make-up days move derived due dates ------------------------------


def test_plan_days_off_and_make_up_days_move_the_derived_due_date(export, tmp_path):
    from cchc_cli import load_plan

    text = PLAN.read_text(encoding="utf-8")
    text = text.replace("days_off: {}", 'days_off: {"2023-05-15": "Nghỉ địa phương"}', 1)
    text = text.replace("working_days: {}", 'working_days: {"2023-05-20": "Làm bù"}', 1)
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    local = load_plan(tmp_path / "plan.yaml")
    rows = [
        # Fri 12/05 + 1 working day: Sat 13, Sun 14, Mon 15 (local day off) -> due Tue 16/05
        dict(recv="12/05/2023", days="1", end="16/05/2023", st=DONE),
        # Fri 19/05 + 1: Sat 20/05 is a local make-up working day -> due Sat 20/05
        dict(recv="19/05/2023", days="1", end="20/05/2023", st=DONE),
    ]
    got = by_id(run(export(rows), local, MAY))["dossiers_on_time"]
    assert (got.numerator, got.denominator) == (2, 2)  # both resolved on their due day
    form = _form(export(_with_field(rows)), local)
    assert (form.total.counts["resolved_on_time"], form.input.due_dates_derived) == (2, 2)


# -- why a row is left out: the reason and the cell it is blamed on -----------------------------

WHY_ROWS = [
    # resolved in May, on time or not? The due date cannot be known:
    dict(recv="02/05/2023", due="31/02/2023", end="05/05/2023", st=DONE),  # impossible date
    dict(recv="02/05/2023", days="năm", end="05/05/2023", st=DONE),  # not a number of days
    dict(recv="02/05/2023", end="05/05/2023", st=DONE),  # neither a due date nor a number
    dict(recv="10/05/2023", due="05/05/2023", end="12/05/2023", st=DONE),  # due before received
    # resolved in May, or still open? The end date cannot be trusted:
    dict(recv="10/05/2023", ret="08/05/2023", st=DONE),  # returned before it was received
    dict(recv="10/05/2023", due="20/05/2023", st=DONE),  # "Đã trả kết quả" but no end date
]


def test_each_left_out_row_is_blamed_on_its_bad_cell(export, plan):
    got = by_id(run(export(WHY_ROWS), plan, MAY))["dossiers_on_time"]
    assert (got.numerator, got.denominator, got.left_out) == (0, 0, 6)
    assert [(x.reason, x.field, x.rows) for x in got.left_out_by] == [
        ("due_before_received", "due_at", 1),
        ("end_before_received", "returned_at", 1),
        ("invalid_date", "due_at", 1),
        ("invalid_number", "processing_days", 1),
        ("no_due_date", "due_at", 1),
        ("resolved_without_end", "status", 1),
    ]
