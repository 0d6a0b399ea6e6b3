"""Biểu số 06/VPCP/KSTT (``cchc report``) and indicator headroom, on hand-worked figures.

Every expected number below was counted by hand from the rows' comments, following
indicators.md; none was copied from the program's output.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
from fractions import Fraction

import pytest
import typer
from typer.testing import CliRunner

from cchc_cli.cli.report import register
from cchc_cli.errors import ExitCode
from cchc_cli.headroom import headroom, headroom_info, headroom_text
from cchc_cli.plan.model import Target
from cchc_cli.report import ALL_KEYS, CHANNEL_UNKNOWN, KEYS, build_form, months_of
from cchc_cli.results import Counts, ratio_result
from conftest import ROOT, SAMPLE, by_id, run

MAY = (dt.date(2023, 5, 1), dt.date(2023, 5, 31))
Q2 = (dt.date(2023, 4, 1), dt.date(2023, 6, 30))
LS, HT = "Công tác lãnh sự", "Hợp tác quốc tế"

# May 2023, two fields, every cell of the form. Due dates are given: no calendar involved.
ROWS = [
    # -- Công tác lãnh sự --
    # carried over (received in April, open on 01/05), resolved in May after its due date -> late
    dict(
        id="A1",
        field=LS,
        recv="20/04/2023",
        due="28/04/2023",
        end="05/05/2023",
        ch="Trực tuyến",
        st="Đã trả kết quả",
    ),
    # carried over and still open on 31/05, due 10/05 < 31/05 -> open overdue
    dict(id="A2", field=LS, recv="25/04/2023", due="10/05/2023", ch="Trực tiếp", st="Đang xử lý"),
    # received online in May, withdrawn after its due date -> resolved ON TIME (form's note)
    dict(
        id="A3",
        field=LS,
        recv="05/05/2023",
        due="12/05/2023",
        end="20/05/2023",
        ch="Trực tuyến",
        st="Công dân yêu cầu rút hồ sơ",
    ),
    # received in person, open, due on the last day of the period -> within time (not < end)
    dict(id="A4", field=LS, recv="25/05/2023", due="31/05/2023", ch="Trực tiếp", st="Đang xử lý"),
    # received by post, open, due the day before the period ends -> overdue
    dict(id="A5", field=LS, recv="24/05/2023", due="30/05/2023", ch="Bưu chính", st="Đang xử lý"),
    # -- Hợp tác quốc tế --
    # online, resolved on the due day (late afternoon) -> on time
    dict(
        id="B1",
        field=HT,
        recv="03/05/2023",
        due="10/05/2023",
        end="10/05/2023 17:30",
        ch="Trực tuyến",
        st="Đã trả kết quả",
    ),
    # online, resolved the day before the due date -> early
    dict(
        id="B2",
        field=HT,
        recv="02/05/2023 08:00",
        due="10/05/2023",
        end="09/05/2023",
        ch="Trực tuyến",
        st="Đã trả kết quả",
    ),
    # in person, resolved the day after the due date -> late
    dict(
        id="B3",
        field=HT,
        recv="04/05/2023",
        due="10/05/2023",
        end="11/05/2023",
        ch="Trực tiếp",
        st="Đã trả kết quả",
    ),
    # by post, open, due in June -> within time
    dict(id="B4", field=HT, recv="26/05/2023", due="05/06/2023", ch="Bưu chính", st="Đang xử lý"),
    # carried over from April, resolved early in May
    dict(
        id="B5",
        field=HT,
        recv="27/04/2023",
        due="05/05/2023",
        end="04/05/2023",
        ch="Trực tuyến",
        st="Đã trả kết quả",
    ),
    # -- no field given -> its own group, last --
    dict(
        id="Z1",
        field="",
        recv="15/05/2023",
        due="22/05/2023",
        end="22/05/2023",
        ch="Trực tuyến",
        st="Đã trả kết quả",
    ),
    # -- outside the form --
    dict(
        id="X1",
        field=LS,
        recv="03/04/2023",
        due="10/04/2023",
        end="07/04/2023",
        st="Đã trả kết quả",
    ),
    dict(id="X2", field=HT, recv="01/06/2023", due="08/06/2023"),  # received in June
    dict(id="X3", field=LS, recv="15/05/2023", st="Mới đăng ký"),  # not received
    # returned (returned_at stands in for the end date) on 30/04, before the period
    dict(id="X4", field=HT, recv="15/03/2023", due="31/03/2023", ret="30/04/2023", st="Trả lại"),
    # -- bad cells: placed in every column whose test is known, left out of the others --
    # end date 31/02: in (1) and (2) (received online in May); resolved or open? unknown ->
    # left out of (5)-(11)
    dict(
        id="L1",
        field=HT,
        recv="13/05/2023",
        due="20/05/2023",
        end="31/02/2023",
        st="Đã trả kết quả",
    ),
    # unknown channel word, resolved early (15/05 < 20/05): in (1), (*), (5), (6); out of (2), (3)
    dict(
        id="L2",
        field=LS,
        recv="12/05/2023",
        due="20/05/2023",
        end="15/05/2023",
        ch="Qua mạng",
        st="Đã trả kết quả",
    ),
]

# Hand count, May 2023 ((*) = received in May, channel unknown):
#   LS: received in May A3 (online), A4 (in person), A5 (post), L2 (unknown word);
#       carried over A1, A2 -> (1) 6 = (2) 1 + (3) 2 + (4) 2 + (*) 1
#       resolved A1 (late), A3 (withdrawn: on time), L2 (early) -> (5) 3 = 1 + 1 + 1
#       open A2 (due 10/05: overdue), A4 (due 31/05: within), A5 (due 30/05: overdue)
#       -> (9) 3 = 1 + 2
#       (1) 6 = (5) 3 + (9) 3; L2 is left out of (2) and (3) only
#   HT: received B1, B2, L1 online; B3 in person, B4 post; carried over B5 -> 6 = 3 + 2 + 1 + 0
#       resolved B1 on time, B2 early, B3 late, B5 early -> 4 = 2 + 1 + 1
#       open B4 within -> 1 = 1 + 0
#       L1 (end 31/02/2023) is in (1) but neither in (5) nor in (9): printed, (1) 6 vs
#       (5) 4 + (9) 1 = 5. The identity leaves L1 out of both sides: 6 - 1 = 5 = 4 + 1.
#   no field: Z1 received online, resolved on its due day -> 1 = 1 + 0 + 0; 1 = 1 + 0
LS_ROW = dict(
    received_total=6,
    received_online=1,
    received_offline=2,
    carried_over=2,
    resolved_total=3,
    resolved_early=1,
    resolved_on_time=1,
    resolved_late=1,
    open_total=3,
    open_within=1,
    open_overdue=2,
    received_channel_unknown=1,
)
HT_ROW = dict(
    received_total=6,
    received_online=3,
    received_offline=2,
    carried_over=1,
    resolved_total=4,
    resolved_early=2,
    resolved_on_time=1,
    resolved_late=1,
    open_total=1,
    open_within=1,
    open_overdue=0,
    received_channel_unknown=0,
)
Z_ROW = dict(
    received_total=1,
    received_online=1,
    received_offline=0,
    carried_over=0,
    resolved_total=1,
    resolved_early=0,
    resolved_on_time=1,
    resolved_late=0,
    open_total=0,
    open_within=0,
    open_overdue=0,
    received_channel_unknown=0,
)
# Column by column, LS + HT + no field: (1) 6 + 6 + 1 = 13; (2) 1 + 3 + 1 = 5; (3) 2 + 2 = 4;
# (4) 2 + 1 = 3; (*) 1; 13 = 5 + 4 + 3 + 1. (5) 3 + 4 + 1 = 8 = (6) 1 + 2 = 3, (7) 1 + 1 + 1 = 3,
# (8) 1 + 1 = 2; (9) 3 + 1 = 4 = (10) 1 + 1 = 2, (11) 2.
TOTAL = dict(
    received_total=13,
    received_online=5,
    received_offline=4,
    carried_over=3,
    resolved_total=8,
    resolved_early=3,
    resolved_on_time=3,
    resolved_late=2,
    open_total=4,
    open_within=2,
    open_overdue=2,
    received_channel_unknown=1,
)


def _form(path, plan, period=MAY, by=None):

    return build_form(plan, path, period, by)


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


runner = CliRunner()


def invoke(*args):
    return runner.invoke(_app(), [str(a) for a in args])


# -- counting ------------------------------------------------------------------------------------


def _identities(row):
    """(lhs, lhs value, rhs value, left out) of each identity, in IDENTITIES order."""
    return [(c.lhs, c.lhs_value, c.rhs_value, c.left_out) for c in row.identities]


def _left(row):
    return [(x.reason, x.field, x.rows, x.columns) for x in row.left_out_by]


def test_every_cell_by_hand(export, plan):
    form = _form(export(ROWS), plan)
    assert [r.group for r in form.rows] == [LS, HT, None]  # alphabetical, no field last
    ls, ht, unknown = form.rows
    assert dict(ls.counts) == LS_ROW
    assert dict(ht.counts) == HT_ROW
    assert dict(unknown.counts) == Z_ROW
    assert dict(form.total.counts) == TOTAL
    assert form.identity_ok and all(r.identity_ok for r in form.rows)


def test_identities_leave_out_unknown_places_on_both_sides(export, plan):
    ls, ht, _ = (form := _form(export(ROWS), plan)).rows
    # LS: L2's channel is unknown but it is in (*), so every identity decides it
    assert _identities(ls) == [
        ("received_total", 6, 6, 0),  # (1) 6 = (5) 3 + (9) 3
        ("received_total", 6, 6, 0),  # (1) 6 = (2) 1 + (3) 2 + (4) 2 + (*) 1
        ("resolved_total", 3, 3, 0),  # (5) 3 = 1 + 1 + 1
        ("open_total", 3, 3, 0),  # (9) 3 = 1 + 2
    ]
    # HT: L1 (end date unknown) is known to be in (1) but not whether in (5) or (9): left out of
    # both sides of (1) = (5) + (9) -> 6 - 1 = 5 vs 4 + 1 = 5; and of (5) = (6)+(7)+(8) and
    # (9) = (10)+(11), whose left sides it may be in. (1) = (2)+(3)+(4)+(*) decides it (online).
    assert _identities(ht) == [
        ("received_total", 5, 5, 1),
        ("received_total", 6, 6, 0),  # 3 + 2 + 1 + 0
        ("resolved_total", 4, 4, 1),
        ("open_total", 1, 1, 1),
    ]
    # the total row is the sum of the rows: (1) 6 + 5 + 1 = 12 = (5) 3 + 4 + 1 + (9) 3 + 1
    assert _identities(form.total) == [
        ("received_total", 12, 12, 1),
        ("received_total", 13, 13, 0),
        ("resolved_total", 8, 8, 1),
        ("open_total", 4, 4, 1),
    ]


def test_left_out_rows_are_reported_per_row_with_reason_and_columns(export, plan):
    form = _form(export(ROWS), plan)
    ls, ht, unknown = form.rows
    assert ls.left_out == 1 and _left(ls) == [
        ("unknown_value", "channel", 1, ("received_online", "received_offline"))
    ]
    assert ht.left_out == 1 and _left(ht) == [
        ("invalid_date", "resolved_at", 1, KEYS[4:])  # (5)-(11)
    ]
    assert unknown.left_out == 0
    assert form.total.left_out == 2
    # 17 rows = 13 on the form (A1-A5, B1-B5, Z1, and L1, L2 partly) + 4 outside (X1-X4)
    i = form.input
    assert (i.rows_read, i.rows_in_form, i.rows_partly_placed, i.rows_left_out) == (17, 13, 2, 0)
    assert i.rows_outside == 4


def test_unknown_channel_does_not_hide_a_late_dossier(export, plan):
    # The audit's case. K1: due 10/05, resolved 20/05 -> late, channel word "Zalo" (unknown).
    # K2: due 10/05, resolved 10/05 -> on time, online. check: on time 1 / 2.
    rows = [
        dict(id="K1", recv="02/05/2023", due="10/05/2023", end="20/05/2023", ch="Zalo"),
        dict(id="K2", recv="03/05/2023", due="10/05/2023", end="10/05/2023", ch="Trực tuyến"),
    ]
    path = export(rows)
    form = _form(path, plan)
    t = form.total
    # (1) 2 = (2) 1 + (3) 0 + (4) 0 + (*) 1; (5) 2 = (6) 0 + (7) 1 + (8) 1; (9) 0
    assert dict(t.counts) == dict(
        received_total=2,
        received_online=1,
        received_offline=0,
        carried_over=0,
        resolved_total=2,
        resolved_early=0,
        resolved_on_time=1,
        resolved_late=1,
        open_total=0,
        open_within=0,
        open_overdue=0,
        received_channel_unknown=1,
    )
    assert form.identity_ok
    assert _left(t) == [("unknown_value", "channel", 1, ("received_online", "received_offline"))]
    # the form's on-time rate, ((6) + (7)) / (5) = 1 / 2, is check's dossiers_on_time
    r = by_id(run(path, plan, MAY))["dossiers_on_time"]
    assert (r.numerator, r.denominator) == (
        t.counts["resolved_on_time"],
        t.counts["resolved_total"],
    )
    assert (r.numerator, r.denominator) == (1, 2)


def test_broken_received_date_still_counts_as_resolved(export, plan):
    rows = [
        # E1: empty received date, online, due 10/05, resolved 20/05 -> late. Received in May or
        # carried over is unknown: out of (1), (2), (4); (3) is known false (online), so is (*)
        dict(id="E1", recv="", due="10/05/2023", end="20/05/2023", ch="Trực tuyến"),
        # E2: impossible received date, in person, due 10/05, resolved 09/05 -> early; out of
        # (1), (3), (4) ((2) is known false: not online)
        dict(id="E2", recv="32/04/2023", due="10/05/2023", end="09/05/2023", ch="Trực tiếp"),
        # C1: clean, online, resolved on its due day -> on time
        dict(id="C1", recv="02/05/2023", due="10/05/2023", end="10/05/2023", ch="Trực tuyến"),
    ]
    form = _form(export(rows), plan)
    t = form.total
    # (1) 1 = (2) 1 (C1); (5) 3 = (6) 1 (E2) + (7) 1 (C1) + (8) 1 (E1); (9) 0
    assert {k: t.counts[k] for k in ALL_KEYS if t.counts[k]} == dict(
        received_total=1,
        received_online=1,
        resolved_total=3,
        resolved_early=1,
        resolved_on_time=1,
        resolved_late=1,
    )
    assert _left(t) == [
        ("invalid_date", "received_at", 1, ("received_total", "received_offline", "carried_over")),
        ("missing_value", "received_at", 1, ("received_total", "received_online", "carried_over")),
    ]
    # E1, E2 in (5) but of unknown place in (1): out of both sides of (1) = (5) + (9) and of
    # (1) = (2)+(3)+(4)+(*); (1) 1 = (5) 3 - 2 + (9) 0. (5) = (6)+(7)+(8) decides all three.
    assert _identities(t) == [
        ("received_total", 1, 1, 2),
        ("received_total", 1, 1, 2),
        ("resolved_total", 3, 3, 0),
        ("open_total", 0, 0, 0),
    ]
    assert form.identity_ok


def test_boundary_day_due_equals_end_is_within(export, plan):
    rows = [
        dict(recv="29/05/2023", due="31/05/2023", ch="Trực tiếp"),  # due = end -> within
        dict(recv="29/05/2023", due="30/05/2023", ch="Trực tiếp"),  # due = end - 1 -> overdue
    ]
    t = _form(export(rows), plan).total.counts
    assert (t["open_total"], t["open_within"], t["open_overdue"]) == (2, 1, 1)


def test_carried_over_boundary(export, plan):
    rows = [
        # received 30/04, resolved on 01/05 (the first day): carried over and resolved in May
        dict(recv="30/04/2023", due="05/05/2023", end="01/05/2023", ch="Trực tuyến"),
        # received 28/04, resolved 30/04 (the day before): not on the May form at all
        dict(recv="28/04/2023", due="05/05/2023", end="30/04/2023", ch="Trực tuyến"),
        # received on the first day of May: received in the period, not carried over
        dict(recv="01/05/2023", due="05/05/2023", ch="Trực tuyến"),
    ]
    t = _form(export(rows), plan).total.counts
    assert (t["carried_over"], t["received_online"], t["received_total"]) == (1, 1, 2)
    assert (t["resolved_total"], t["resolved_early"], t["open_total"]) == (1, 1, 1)


def _contradict(monkeypatch):
    """Make the classification say no dossier is open at the end of P: a contradiction no
    missing value explains (the classification itself turns the contradictions it knows into
    unknown dates)."""
    import cchc_cli.engine.form as placement

    real = placement.tests

    def fake():
        return {k: v.replace("open_at_end", "FALSE") for k, v in real().items()}

    monkeypatch.setattr(placement, "tests", fake)


def test_contradictory_data_break_the_identity(export, plan, monkeypatch):
    _contradict(monkeypatch)
    rows = [
        # received 10/05, no end date: in (1), and "not open" -> in neither (5) nor (9)
        dict(recv="10/05/2023", due="20/05/2023", ch="Trực tuyến"),
        dict(recv="10/05/2023", due="20/05/2023", end="12/05/2023", ch="Trực tuyến"),  # fine
    ]
    form = _form(export(rows), plan)
    t = form.total
    assert (t.counts["received_total"], t.counts["resolved_total"], t.counts["open_total"]) == (
        2,
        1,
        0,
    )
    assert not form.identity_ok
    (b,) = t.breaks
    assert (b.lhs, b.rhs, b.lhs_value, b.rhs_value, b.left_out) == (
        "received_total",
        ("resolved_total", "open_total"),
        2,
        1,
        0,
    )


def test_end_before_received_is_left_out_not_a_break(export, plan):
    rows = [
        # received 10/05, "resolved" 20/04: classify makes the end date unknown. In (1) and (2);
        # resolved in May or open at its end: unknown -> out of (5)-(11)
        dict(recv="10/05/2023", due="20/05/2023", end="20/04/2023", ch="Trực tuyến"),
        dict(recv="10/05/2023", due="20/05/2023", end="12/05/2023", ch="Trực tuyến"),  # early
    ]
    path = export(rows)
    form = _form(path, plan)
    t = form.total
    assert (t.counts["received_total"], t.counts["received_online"]) == (2, 2)
    assert (t.counts["resolved_total"], t.counts["resolved_early"], t.counts["open_total"]) == (
        1,
        1,
        0,
    )
    assert [(x.reason, x.rows, x.columns) for x in t.left_out_by] == [
        ("end_before_received", 1, KEYS[4:])
    ]
    # (1) 2 - 1 = 1 = (5) 1 + (9) 0: not a contradiction of the form, a dossier left out
    assert _identities(t)[0] == ("received_total", 1, 1, 1)
    assert form.identity_ok


def test_resolved_without_end_date_is_left_out_of_resolved_and_open(export, plan):
    rows = [
        # status "resolved", no end date: classify makes the end date unknown. Received online
        # in May: (1), (2); resolved or open: unknown -> out of (5)-(11)
        dict(recv="05/05/2023", due="10/05/2023", ch="Trực tuyến", st="Đã trả kết quả"),
        # open, due 10/05 < 31/05 -> overdue
        dict(recv="05/05/2023", due="10/05/2023", ch="Trực tuyến", st="Đang xử lý"),
    ]
    path = export(rows)
    t = _form(path, plan).total
    assert (t.counts["received_total"], t.counts["received_online"]) == (2, 2)
    assert (t.counts["resolved_total"], t.counts["open_total"], t.counts["open_overdue"]) == (
        0,
        1,
        1,
    )
    assert [(x.reason, x.rows, x.columns) for x in t.left_out_by] == [
        ("resolved_without_end", 1, KEYS[4:])
    ]
    assert _identities(t)[0] == ("received_total", 1, 1, 1)  # 2 - 1 = 0 + 1


def test_duplicates_and_missing_due_dates_are_left_out_of_their_cells(export, plan):
    rows = [
        # D1 online, resolved early -> (1), (2), (5), (6)
        dict(id="D1", recv="02/05/2023", due="10/05/2023", end="09/05/2023", ch="Trực tuyến"),
        # the same dossier id again, in person, open, due 10/05 -> nowhere; left out (duplicate_id)
        # of the cells it would be in: (1), (3), (9), (11)
        dict(id="D1", recv="02/05/2023", due="10/05/2023", ch="Trực tiếp"),
        # no due date and no processing days (no_due_date):
        # N1 open -> (1), (2), (9); within or overdue unknown: out of (10), (11)
        dict(id="N1", recv="03/05/2023", ch="Trực tuyến"),
        # N2 resolved -> (1), (2), (5); early, on time or late unknown: out of (6), (7), (8)
        dict(id="N2", recv="03/05/2023", end="05/05/2023", ch="Trực tuyến"),
        # returned without a due date: on time all the same -> (1), (2), (5), (7)
        dict(id="W1", recv="03/05/2023", end="09/05/2023", ch="Trực tuyến", st="Trả lại"),
    ]
    t = _form(export(rows), plan).total
    # (1) D1, N1, N2, W1 = 4 = (2) 4; (5) D1, N2, W1 = 3; (6) D1, (7) W1; (9) N1
    assert {k: t.counts[k] for k in ALL_KEYS if t.counts[k]} == dict(
        received_total=4,
        received_online=4,
        resolved_total=3,
        resolved_early=1,
        resolved_on_time=1,
        open_total=1,
    )
    assert t.left_out == 3
    assert _left(t) == [
        (
            "duplicate_id",
            "dossier_id",
            1,
            ("received_total", "received_offline", "open_total", "open_overdue"),
        ),
        ("no_due_date", "due_at", 1, ("resolved_early", "resolved_on_time", "resolved_late")),
        ("no_due_date", "due_at", 1, ("open_within", "open_overdue")),
    ]
    assert _identities(t) == [
        ("received_total", 4, 4, 1),  # the duplicate's place is unknown on both sides
        ("received_total", 4, 4, 1),
        ("resolved_total", 2, 2, 1),  # 3 - N2 = 2 = D1 + W1
        ("open_total", 0, 0, 2),  # 1 - N1 = 0; the duplicate may be open too
    ]


def test_no_end_date_column_uses_the_returned_date(export, plan):
    # no "Ngày kết thúc xử lý" column at all: the end date is "Ngày trả kết quả"
    rows = [
        dict(recv="02/05/2023", due="10/05/2023", ret="12/05/2023"),  # 12/05 > 10/05 -> late
        dict(recv="03/05/2023", due="10/05/2023", ret="10/05/2023"),  # on the due day -> on time
        dict(recv="04/05/2023", due="20/05/2023"),  # not returned: open, 20/05 < 31/05 -> overdue
        dict(recv="04/05/2023", due="05/06/2023"),  # open, due in June -> within
    ]
    form = _form(export(rows, columns=["id", "recv", "due", "ret", "ch", "st"]), plan)
    t = form.total.counts
    # (1) 4 = (2) 4 (online); (5) 2 = (7) 1 + (8) 1; (9) 2 = (10) 1 + (11) 1
    assert {k: t[k] for k in ALL_KEYS if t[k]} == dict(
        received_total=4,
        received_online=4,
        resolved_total=2,
        resolved_on_time=1,
        resolved_late=1,
        open_total=2,
        open_within=1,
        open_overdue=1,
    )
    assert form.identity_ok and form.total.left_out == 0


def test_problems_are_counted_as_check_counts_them(export, plan):
    # two end dates before the received date: two problems, although no cell is malformed
    rows = [
        dict(recv="10/05/2023", due="20/05/2023", end="08/05/2023"),
        dict(recv="12/05/2023", due="20/05/2023", end="11/05/2023"),
    ]
    path = export(rows)
    assert _form(path, plan).input.problems == 2
    res = invoke("report", path, "--period", "2023-05", "--format", "json")
    assert json.loads(res.stdout)["input"]["problems"] == 2
    from cchc_cli.cli.app import app

    doc = json.loads(runner.invoke(app, ["check", str(path), "--format", "json"]).stdout)
    assert doc["inputs"][0]["problems"] == 2


def test_by_procedure(export, plan):
    rows = [
        dict(
            proc="Cấp thẻ ABTC",
            recv="02/05/2023",
            due="10/05/2023",
            end="09/05/2023",
            ch="Trực tuyến",
        ),
        dict(proc="Cấp thẻ ABTC", recv="03/05/2023", due="10/05/2023", ch="Trực tiếp"),
        dict(proc="", recv="03/05/2023", due="10/05/2023", end="12/05/2023", ch="Trực tiếp"),
    ]
    form = _form(export(rows), plan, by="procedure")
    assert [r.group for r in form.rows] == ["Cấp thẻ ABTC", None]
    # ABTC: 2 received (1 online, 1 in person); 1 resolved early; 1 open, overdue (10/05 < 31/05)
    a = form.rows[0].counts
    assert (a["received_total"], a["resolved_early"], a["open_overdue"]) == (2, 1, 1)
    # no procedure: 1 received in person, resolved late
    assert form.rows[1].counts["resolved_late"] == 1


# Q2 by month. Each month is its own period.
MONTH_ROWS = [
    # M1 online 10/04, due 20/04, resolved 05/05: April received, open overdue; May carried, late
    dict(id="M1", recv="10/04/2023", due="20/04/2023", end="05/05/2023", ch="Trực tuyến"),
    # M2 in person 28/04, due 15/06, still open: April received + open within; May carried + open
    # within (15/06 >= 31/05); June carried + open overdue (15/06 < 30/06)
    dict(id="M2", recv="28/04/2023", due="15/06/2023", ch="Trực tiếp"),
    # M3 online 02/06, due and resolved 09/06: June received, on time
    dict(id="M3", recv="02/06/2023", due="09/06/2023", end="09/06/2023", ch="Trực tuyến"),
    # M4 online 15/03, due 31/03, resolved 03/04: April carried, late
    dict(id="M4", recv="15/03/2023", due="31/03/2023", end="03/04/2023", ch="Trực tuyến"),
]
APRIL = dict(
    received_total=3,
    received_online=1,
    received_offline=1,
    carried_over=1,
    resolved_total=1,
    resolved_early=0,
    resolved_on_time=0,
    resolved_late=1,
    open_total=2,
    open_within=1,
    open_overdue=1,
    received_channel_unknown=0,
)
MAY_M = dict(
    received_total=2,
    received_online=0,
    received_offline=0,
    carried_over=2,
    resolved_total=1,
    resolved_early=0,
    resolved_on_time=0,
    resolved_late=1,
    open_total=1,
    open_within=1,
    open_overdue=0,
    received_channel_unknown=0,
)
JUNE = dict(
    received_total=2,
    received_online=1,
    received_offline=0,
    carried_over=1,
    resolved_total=1,
    resolved_early=0,
    resolved_on_time=1,
    resolved_late=0,
    open_total=1,
    open_within=0,
    open_overdue=1,
    received_channel_unknown=0,
)
# The whole quarter: received M1, M3 online, M2 in person; carried in M4; resolved M4, M1 late,
# M3 on time; open at 30/06 M2 overdue. (4) = 1 and (9) = 1 are not the sums of the months.
Q2_TOTAL = dict(
    received_total=4,
    received_online=2,
    received_offline=1,
    carried_over=1,
    resolved_total=3,
    resolved_early=0,
    resolved_on_time=1,
    resolved_late=2,
    open_total=1,
    open_within=0,
    open_overdue=1,
    received_channel_unknown=0,
)


def test_by_month_over_a_quarter(export, plan):
    form = _form(export(MONTH_ROWS), plan, Q2, by="month")
    assert [r.group for r in form.rows] == ["2023-04", "2023-05", "2023-06"]
    assert [r.period for r in form.rows] == months_of(Q2)
    assert [dict(r.counts) for r in form.rows] == [APRIL, MAY_M, JUNE]
    assert dict(form.total.counts) == Q2_TOTAL
    assert form.identity_ok
    # new receipts and resolutions add up over the months; stocks do not
    for key in ("received_online", "received_offline", "resolved_total", "resolved_late"):
        assert form.total.counts[key] == sum(r.counts[key] for r in form.rows)


def test_months_are_clipped_to_the_period():
    assert months_of((dt.date(2023, 4, 15), dt.date(2023, 6, 10))) == [
        (dt.date(2023, 4, 15), dt.date(2023, 4, 30)),
        (dt.date(2023, 5, 1), dt.date(2023, 5, 31)),
        (dt.date(2023, 6, 1), dt.date(2023, 6, 10)),
    ]
    assert months_of((dt.date(2023, 12, 20), dt.date(2024, 1, 5)))[-1] == (
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 5),
    )


def test_derived_due_date_used_on_the_form(export, plan):
    # received Thu 19/01/2023 with 5 working days: due Thu 02/02/2023 (Tết 20-26/01 off)
    rows = [
        dict(recv="19/01/2023", days="5", end="02/02/2023", ch="Trực tuyến"),  # on the due day
        # still open on 28/02: overdue (02/02 < 28/02)
        dict(recv="19/01/2023", days="5", ch="Trực tuyến"),
    ]
    form = _form(export(rows), plan, (dt.date(2023, 1, 1), dt.date(2023, 2, 28)))
    t = form.total.counts
    assert (t["resolved_on_time"], t["open_overdue"]) == (1, 1)
    assert form.input.due_dates_derived == 2


# -- the command -------------------------------------------------------------------------------


def test_json_output(export):
    path = export(ROWS)
    res = invoke("report", path, "--period", "2023-05", "--format", "json")
    assert res.exit_code == ExitCode.OK, res.output
    doc = json.loads(res.stdout)
    assert doc["schema_version"] == 1 and doc["form"] == "06/VPCP/KSTT" and doc["by"] == "field"
    assert doc["period"] == {"start": "2023-05-01", "end": "2023-05-31"}
    assert doc["input"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc["input"]["rows_read"] == 17
    assert [r["group"] for r in doc["rows"]] == [LS, HT, None]
    assert doc["rows"][2]["label"] == "(không rõ lĩnh vực)"
    assert {k: doc["rows"][0][k] for k in ALL_KEYS} == LS_ROW
    assert {k: doc["total"][k] for k in ALL_KEYS} == TOTAL
    assert doc["identity_ok"] is True and doc["total"]["identity_ok"] is True
    assert doc["rows"][1]["left_out_by"] == [
        {"reason": "invalid_date", "field": "resolved_at", "rows": 1, "columns": list(KEYS[4:])}
    ]
    # HT: (1) 6 - L1 = 5 = (5) 4 + (9) 1, L1 left out of both sides
    assert doc["rows"][1]["identities"][0] == {
        "lhs": "received_total",
        "rhs": ["resolved_total", "open_total"],
        "lhs_value": 5,
        "rhs_value": 5,
        "left_out": 1,
        "ok": True,
        "checked": True,
    }
    assert doc["input"]["rows_partly_placed"] == 2


def test_json_golden(export):
    res = invoke("report", export(ROWS), "--period", "2023-05", "--format", "json")
    doc = json.loads(res.stdout)
    doc.pop("generated_at")
    doc["plan"] = {"id": doc["plan"]["id"]}  # path and hash change with the installed plan
    doc["input"].pop("path")
    doc["input"].pop("sha256")  # checked against hashlib in test_json_output
    golden = json.loads(
        (ROOT / "tests" / "golden" / "report-may-2023.json").read_text(encoding="utf-8")
    )
    assert doc == golden


def test_identity_break_exits_1_and_says_so(export, monkeypatch):
    _contradict(monkeypatch)
    # received 10/05, no end date, "not open": in (1) 1, in (5) + (9) 0
    path = export([dict(recv="10/05/2023", due="20/05/2023", ch="Trực tuyến")])
    res = invoke("report", path, "--period", "2023-05", "--format", "json")
    assert res.exit_code == ExitCode.FAIL
    assert json.loads(res.stdout)["identity_ok"] is False
    assert "CẢNH BÁO" in res.stderr and "(1) ≠ (5) + (9)" in res.stderr
    table = invoke("report", path, "--period", "2023-05")
    assert table.exit_code == ExitCode.FAIL
    assert "CẢNH BÁO" in table.stdout and "(1 ≠ 0)" in table.stdout


def test_table_markdown_csv(export):
    path = export(ROWS)
    out = invoke("report", path, "--period", "2023-05").stdout
    assert "Biểu số 06/VPCP/KSTT" in out and "Đơn vị tính: Số hồ sơ TTHC" in out
    assert "Kỳ báo cáo: từ ngày 01/05/2023 đến ngày 31/05/2023" in out
    assert "(không rõ lĩnh vực)" in out and "Tổng cộng" in out
    assert "Lĩnh vực" in out and "(*)" in out
    assert (
        "Hợp tác quốc tế: 1 hồ sơ không xếp được vào một số cột — 1 ngày không hợp lệ "
        "(cột Ngày kết thúc xử lý): không tính ở cột (5)–(11)" in out
    )
    assert (
        "Công tác lãnh sự: 1 hồ sơ không xếp được vào một số cột — 1 giá trị ngoài danh mục "
        "(cột Hình thức nộp): không tính ở cột (2), (3)" in out
    )
    en = invoke("report", path, "--period", "2023-05", "--lang", "en").stdout
    assert "Unit: number of dossiers" in en and "(no field given)" in en
    md = invoke("report", path, "--period", "2023-05", "--format", "markdown").stdout
    assert "| 1 | Công tác lãnh sự | 6 | 1 | 2 | 2 | 3 | 1 | 1 | 1 | 3 | 1 | 2 | 1 |" in md
    assert (
        "| **13** | **5** | **4** | **3** | **8** | **3** | **3** | **2** | **4** | **2** | **2** "
        "| **1** |" in md
    )
    text = invoke("report", path, "--period", "2023-05", "--format", "csv").stdout
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["group"] for r in rows] == [LS, HT, "(không rõ lĩnh vực)", "Tổng cộng"]
    assert {k: int(rows[3][k]) for k in ALL_KEYS} == TOTAL
    assert (rows[3]["left_out"], rows[3]["identity_ok"]) == ("2", "true")


def test_csv_neutralises_formulas(export):
    rows = [dict(field="=HYPERLINK(1)", recv="02/05/2023", due="10/05/2023", ch="Trực tuyến")]
    text = invoke("report", export(rows), "--period", "2023-05", "--format", "csv").stdout
    assert "'=HYPERLINK(1)" in text


def test_xlsx_like_the_paper_form(export, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "bieu06.xlsx"
    assert (
        invoke("report", export(ROWS), "--period", "2023-05", "--format", "xlsx").exit_code
        == ExitCode.ERROR
    )
    res = invoke("report", export(ROWS), "--period", "2023-05", "--format", "xlsx", "--output", out)
    assert res.exit_code == ExitCode.OK, res.output
    ws = load_workbook(out).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    # STT and lĩnh vực span the three header rows; "received" spans (1)-(4); "resolved" (5)-(8)
    assert {"A6:A8", "B6:B8", "C6:F6", "G6:M6", "D7:E7", "G7:J7", "K7:M7", "C7:C8"} <= merged
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert (
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC" in flat
    )
    assert "Đơn vị tính: Số hồ sơ TTHC" in flat
    assert "Kỳ báo cáo: từ ngày 01/05/2023 đến ngày 31/05/2023" in flat
    # (1)-(11), an empty column, then (*), which is not on the paper form
    assert values[8][2:] == [*(f"({n})" for n in range(1, 12)), None, "(*)"]
    assert "O6:O8" in merged and values[5][14].startswith("Mới tiếp nhận, không rõ hình thức nộp")
    assert values[9][:2] == [1, LS] and values[9][2:] == [*(LS_ROW[k] for k in KEYS), None, 1]
    total = next(i for i, row in enumerate(values) if row[1] == "Tổng cộng")
    assert values[total][2:] == [*(TOTAL[k] for k in KEYS), None, TOTAL[CHANNEL_UNKNOWN]]
    assert ws.cell(row=total + 1, column=3).font.bold
    assert ws.column_dimensions["B"].width > 20


def test_xlsx_text_cells_are_never_formulas(export, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "f.xlsx"
    rows = [dict(field="=1+1", recv="02/05/2023", due="10/05/2023", ch="Trực tuyến")]
    invoke("report", export(rows), "--period", "2023-05", "--format", "xlsx", "-o", out)
    cell = load_workbook(out).active.cell(row=10, column=2)
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_bad_usage_exits_2(export):
    path = export(ROWS)
    res = invoke("report", path, "--period", "2023-13")
    assert res.exit_code == ExitCode.ERROR and "Lỗi" in res.stderr
    assert invoke("report", path, "--by", "week").exit_code == ExitCode.ERROR
    # an export without a channel column is not bad usage: tests/test_report_partial.py


def test_month_command(export):
    res = invoke(
        "report", export(MONTH_ROWS), "--period", "2023-Q2", "--by", "month", "--format", "json"
    )
    doc = json.loads(res.stdout)
    assert [r["group"] for r in doc["rows"]] == ["2023-04", "2023-05", "2023-06"]
    assert [r["label"] for r in doc["rows"]] == ["Tháng 04/2023", "Tháng 05/2023", "Tháng 06/2023"]
    assert doc["rows"][2]["period"] == {"start": "2023-06-01", "end": "2023-06-30"}
    assert {k: doc["total"][k] for k in ALL_KEYS} == Q2_TOTAL


def test_sample_2023_total(plan):
    # Every column from sample_data/README.md (its figures come from the independent DuckDB
    # reference), not from this program:
    #   (4) 56 carried over into 2023; (9) 84 open at 31/12/2023, (11) 6 of them overdue,
    #   (10) 84 - 6 = 78.
    #   dossiers_on_time 2732 / 2811: (5) = 2811, (8) = 2811 - 2732 = 79.
    #   dossiers_online 2415 / 2838: (2) = 2415, (3) = 2838 - 2415 = 423 (channel known).
    #   dossiers_digitized / 2839: received in 2023 = 2839 (the Qua mạng row, online unknown,
    #   is in it), so (*) = 2839 - 2838 = 1 and (1) = 2839 + (4) 56 = 2895 = 2415 + 423 + 56 + 1.
    #   late_dossiers_apologized / 85 = (8) 79 + (11) 6.
    # Of the 4 broken rows, 3 touch the form; each stays in the columns it can be placed in:
    #   Qua mạng (channel): out of (2), (3), in (*); the 31/02 end date: in (1), (2), out of
    #   (5)-(11); the empty received date (online, resolved in 2023): in (5), out of (1), (2), (4).
    # (1) = (5) + (9): 2895 - 1 (31/02) = 2894 = 2811 - 1 (empty received date) + 84.
    form = _form(SAMPLE, plan, (dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    t = form.total
    c = t.counts
    assert (c["received_total"], c["received_online"], c["received_offline"]) == (2895, 2415, 423)
    assert (c["carried_over"], c[CHANNEL_UNKNOWN]) == (56, 1)
    assert (c["resolved_total"], c["resolved_late"]) == (2811, 79)
    assert c["resolved_early"] + c["resolved_on_time"] == 2732
    assert (c["open_total"], c["open_within"], c["open_overdue"]) == (84, 78, 6)
    assert t.left_out == 3
    assert _identities(t)[0] == ("received_total", 2894, 2894, 2)
    assert form.identity_ok


# -- headroom ----------------------------------------------------------------------------------


def _result(plan, ident, num, den, target=None):
    ind = plan.indicator(ident)
    if target is not None:
        ind = dataclasses.replace(ind, target=target)
    return ratio_result(ind, Counts(num, den, 0))


@pytest.mark.parametrize(
    ("num", "den", "kind", "k", "text"),
    [
        (98, 100, "absorb", 0, "không thể thêm hồ sơ trễ hạn nào"),  # 98/101 = 97.03% fails
        (
            99,
            100,
            "absorb",
            1,
            "còn có thể thêm 1 hồ sơ trễ hạn",
        ),  # 99/101 = 98.02%, 99/102 = 97.06%
        (
            100,
            100,
            "absorb",
            2,
            "còn có thể thêm 2 hồ sơ trễ hạn",
        ),  # 100/102 = 98.04%, 100/103 = 97.09%
        (97, 100, "need", 50, "cần thêm 50 hồ sơ đúng hạn"),  # 147/150 = 98% exactly; 146/149 < 98%
        (
            2732,
            2811,
            "need",
            1139,
            "cần thêm 1.139 hồ sơ đúng hạn",
        ),  # (0.98*2811-2732)/0.02 = 1138.9
    ],
)
def test_headroom_on_time(plan, num, den, kind, k, text):
    r = _result(plan, "dossiers_on_time", num, den)
    info = headroom_info(r)
    assert (info.kind, info.k) == (kind, k)
    assert headroom(r) == k
    assert headroom_text(r, "vi") == text


def test_headroom_generic_and_english(plan):
    # online >= 80%: 1000/1200 passes; 1000/1250 = 80% still passes, 1000/1251 does not -> 50
    r = _result(plan, "dossiers_online", 1000, 1200)
    assert headroom(r) == 50
    assert headroom_text(r, "vi") == "còn có thể thêm 50 hồ sơ không đạt"
    assert headroom_text(r, "en") == "50 more failing dossiers allowed"
    # 70/100 fails; (70 + g) / (100 + g) >= 0.8 <=> g >= 50
    r = _result(plan, "dossiers_online", 70, 100)
    assert headroom(r) == 50
    assert headroom_text(r, "vi") == "cần thêm 50 hồ sơ đạt"
    assert headroom_text(r, "en") == "needs 50 more passing dossiers"
    r = _result(plan, "dossiers_on_time", 97, 100)
    assert headroom_text(r, "en") == "needs 50 more passing dossiers"


def test_headroom_impossible_and_not_applicable(plan):
    # "= 100%" with one late dossier not apologised: no number of apologies reaches 100%
    r = _result(plan, "late_dossiers_apologized", 4, 5)
    assert headroom_info(r).kind == "impossible" and headroom(r) is None
    assert "không thể đạt" in headroom_text(r, "vi")
    assert headroom(_result(plan, "late_dossiers_apologized", 5, 5)) == 0  # 5/6 < 100%
    no_data = _result(plan, "dossiers_on_time", 0, 0)
    assert (
        no_data.status == "no_data" and headroom(no_data) is None and headroom_text(no_data) is None
    )


def test_headroom_other_operators(plan):
    # "> 80%": 1000/1250 = 80% is not > 80%, 1000/1249 is -> 49
    assert (
        headroom(_result(plan, "dossiers_online", 1000, 1200, Target(">", Fraction(80), "percent")))
        == 49
    )
    # "<= 2%" (a late rate): 1/100 passes; 2/101 = 1.98% passes, 3/102 = 2.94% fails -> 1
    assert (
        headroom(_result(plan, "dossiers_online", 1, 100, Target("<=", Fraction(2), "percent")))
        == 1
    )
    # 5/100 = 5% fails "<= 2%": 5/(100 + g) <= 2% <=> g >= 150
    assert (
        headroom(_result(plan, "dossiers_online", 5, 100, Target("<=", Fraction(2), "percent")))
        == 150
    )
    # ">= 0%" can never break
    info = headroom_info(
        _result(plan, "dossiers_online", 0, 10, Target(">=", Fraction(0), "percent"))
    )
    assert info.kind == "unlimited"


@pytest.mark.parametrize("op", [">=", ">", "<=", "<"])
@pytest.mark.parametrize("pct", [0, 50, 80, 95, 98, 100])
def test_headroom_is_exactly_the_boundary(plan, op, pct):
    """On every small num/den: k passes and k + 1 fails (absorb), k passes and k - 1 fails (need).

    Each added failure or success moves the rate one way only, so this pins k down exactly."""
    target = Target(op, Fraction(pct), "percent")
    lower = op in (">=", ">")  # a success adds to the numerator; else a failure does
    far = 10**9
    for den in range(1, 30):
        for num in range(den + 1):
            r = _result(plan, "dossiers_online", num, den, target)
            info = headroom_info(r)

            def met(good, bad, num=num, den=den):
                n = num + (good if lower else bad)
                return target.met(Fraction(n * 100, den + good + bad))

            if r.status == "pass":
                if info.kind == "unlimited":
                    assert met(0, far)
                else:
                    assert info.kind == "absorb" and met(0, info.k) and not met(0, info.k + 1)
            elif info.kind == "impossible":
                assert not met(far, 0)
            else:
                assert info.kind == "need" and met(info.k, 0)
                assert info.k >= 1 and not met(info.k - 1, 0)
