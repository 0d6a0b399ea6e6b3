"""Each counting rule of indicators.md on tiny exports whose figures are worked out by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from conftest import by_id, run

MAY = (dt.date(2023, 5, 1), dt.date(2023, 5, 31))

# One export exercising every rule for May 2023. Due dates are given, so no calendar is involved.
ROWS = [
    # A: received and resolved in May, before the due date -> early
    dict(
        id="A",
        recv="02/05/2023 08:00",
        due="10/05/2023",
        end="09/05/2023 16:00",
        ch="Trực tuyến",
        dig="Có",
        eres="Có",
        rdig="Có",
        sat="Rất hài lòng",
        st="Đã trả kết quả",
    ),
    # B: resolved on the due day -> on time
    dict(
        id="B",
        recv="03/05/2023",
        due="10/05/2023",
        end="10/05/2023 17:30",
        ch="Trực tiếp",
        dig="Có",
        eres="Không",
        rdig="Có",
        sat="Bình thường",
        st="Đã trả kết quả",
    ),
    # C: resolved the day after the due date -> late, apologised
    dict(
        id="C",
        recv="04/05/2023",
        due="10/05/2023",
        end="11/05/2023",
        ch="Trực tuyến",
        dig="Không",
        eres="Có",
        rdig="Không",
        sat="Hài lòng",
        apo="Có",
        st="Đã trả kết quả",
    ),
    # D: withdrawn after its due date -> counts as on time; not in the e-result denominators
    dict(
        id="D",
        recv="05/05/2023",
        due="12/05/2023",
        end="20/05/2023",
        ch="Trực tuyến",
        dig="Có",
        st="Công dân yêu cầu rút hồ sơ",
    ),
    # E: carried over from April, resolved late in May, no apology
    dict(
        id="E",
        recv="20/04/2023",
        due="28/04/2023",
        end="05/05/2023",
        ch="Trực tuyến",
        dig="Có",
        eres="Không",
        rdig="Có",
        st="Đã trả kết quả",
    ),
    # F: open at the end of May, due in June -> within time
    dict(id="F", recv="25/05/2023", due="05/06/2023", ch="Bưu chính", dig="Có", st="Đang xử lý"),
    # G: open at the end of May, due 20/05 -> overdue, so a late dossier; apologised
    dict(
        id="G",
        recv="10/05/2023",
        due="20/05/2023",
        ch="Trực tuyến",
        dig="Có",
        apo="Có",
        st="Đang xử lý",
    ),
    # H: not received (Mới đăng ký) -> left out of everything
    dict(
        id="H",
        recv="15/05/2023",
        due="20/05/2023",
        end="16/05/2023",
        ch="Trực tuyến",
        dig="Không",
        st="Mới đăng ký",
    ),
    # I: received in June -> out of period
    dict(id="I", recv="01/06/2023", due="08/06/2023", ch="Trực tuyến", dig="Có"),
    # J: received and resolved in April -> out of period
    dict(
        id="J",
        recv="01/04/2023",
        due="10/04/2023",
        end="20/04/2023",
        ch="Trực tuyến",
        dig="Có",
        st="Đã trả kết quả",
    ),
    # K: unknown channel word -> left out of dossiers_online only; resolved early
    dict(
        id="K",
        recv="12/05/2023",
        due="20/05/2023",
        end="15/05/2023",
        ch="Qua mạng",
        dig="Có",
        eres="Có",
        rdig="Có",
        sat="Không hài lòng",
        st="Đã trả kết quả",
    ),
    # L: impossible end date -> unknown whether resolved in May; still received in May
    dict(
        id="L",
        recv="13/05/2023",
        due="20/05/2023",
        end="31/02/2023",
        ch="Trực tuyến",
        dig="Có",
        st="Đã trả kết quả",
    ),
    # M: received, due and resolved on the last day of the period -> on time
    dict(
        id="M",
        recv="31/05/2023 07:30",
        due="31/05/2023",
        end="31/05/2023 16:45",
        ch="Trực tiếp",
        dig="Có",
        eres="Có",
        rdig="Có",
        sat="Hài lòng",
        st="Đã trả kết quả",
    ),
]


def test_every_dossier_indicator_by_hand(export, plan):
    r = by_id(run(export(ROWS), plan, MAY))
    # received in May: A B C D F G K L M = 9; K's channel unknown -> 8 counted, 1 left out
    # online among them: A C D G L = 5
    assert (r["dossiers_online"].numerator, r["dossiers_online"].denominator) == (5, 8)
    assert r["dossiers_online"].left_out == 1
    assert r["dossiers_online"].left_out_by[0].reason == "unknown_value"
    assert r["dossiers_online"].left_out_by[0].field == "channel"
    assert r["dossiers_online"].value == Fraction(500, 8)
    assert r["dossiers_online"].status == "fail"
    # resolved in May: A B C D E K M = 7 (L unknown); early/on time: A B D K M = 5
    assert (r["dossiers_on_time"].numerator, r["dossiers_on_time"].denominator) == (5, 7)
    assert r["dossiers_on_time"].left_out == 1
    assert r["dossiers_on_time"].left_out_by[0].reason == "invalid_date"
    # late: C, E (resolved late) + G (open, overdue); L unknown. Apologised: C, G
    assert (r["late_dossiers_apologized"].numerator, r["late_dossiers_apologized"].denominator) == (
        2,
        3,
    )
    assert r["late_dossiers_apologized"].left_out == 1
    # resolved in May, not withdrawn: A B C E K M = 6; e-result A C K M = 4; result digitised A B E K M = 5
    assert (r["results_electronic"].numerator, r["results_electronic"].denominator) == (4, 6)
    assert (r["results_digitized"].numerator, r["results_digitized"].denominator) == (5, 6)
    # received in May = 9; digitised all but C = 8
    assert (r["dossiers_digitized"].numerator, r["dossiers_digitized"].denominator) == (8, 9)
    assert r["dossiers_digitized"].left_out == 0
    # rated among resolved in May: A B C K M = 5; satisfied A C M = 3
    assert (r["citizen_satisfaction"].numerator, r["citizen_satisfaction"].denominator) == (3, 5)


def test_rows_reconcile(export, plan):
    result = run(export(ROWS), plan, MAY)
    inp = result.inputs[0]
    assert inp.rows_read == 13
    assert inp.rows_not_received == 1  # H
    assert inp.rows_out_of_period == 2  # I, J
    assert inp.rows_left_out == 0  # L is still received in May
    assert inp.rows_used == 10
    assert (
        inp.rows_read
        == inp.rows_used + inp.rows_out_of_period + inp.rows_not_received + inp.rows_left_out
    )
    assert inp.problems == 2  # K's channel, L's end date


def test_returned_date_stands_in_for_missing_end_date(export, plan):
    rows = [
        dict(
            recv="02/05/2023", due="10/05/2023", ret="12/05/2023", st="Đã trả kết quả"
        ),  # late by returned_at
        dict(
            recv="02/05/2023", due="10/05/2023", end="08/05/2023", ret="12/05/2023"
        ),  # resolved_at wins: early
    ]
    r = by_id(run(export(rows), plan, MAY))
    assert (r["dossiers_on_time"].numerator, r["dossiers_on_time"].denominator) == (1, 2)


def test_overdue_boundary_is_strict(export, plan):
    # open at the end of May and due on 31/05 -> not overdue (due date < end is required)
    rows = [
        dict(recv="29/05/2023", due="31/05/2023", apo=""),
        dict(recv="29/05/2023", due="30/05/2023"),
    ]
    r = by_id(run(export(rows), plan, MAY))
    assert r["late_dossiers_apologized"].denominator == 1
    assert r["late_dossiers_apologized"].numerator == 0


def test_resolved_after_period_is_open_at_end(export, plan):
    # received in May, resolved in June: open at the end of May; overdue since due 20/05 < 31/05
    rows = [dict(recv="10/05/2023", due="20/05/2023", end="02/06/2023", apo="Có")]
    r = by_id(run(export(rows), plan, MAY))
    assert r["dossiers_on_time"].status == "no_data"  # nothing resolved in May
    assert r["dossiers_on_time"].reason == "zero_denominator"
    assert (r["late_dossiers_apologized"].numerator, r["late_dossiers_apologized"].denominator) == (
        1,
        1,
    )


def test_rejected_and_registered_are_not_received(export, plan):
    rows = [
        dict(recv="02/05/2023", st="Không được tiếp nhận", ch="Trực tiếp"),
        dict(recv="02/05/2023", st="1", ch="Trực tiếp"),  # DVCQG code for Mới đăng ký
        dict(recv="02/05/2023", st="2", ch="Trực tuyến"),  # Được tiếp nhận
    ]
    result = run(export(rows), plan, MAY)
    r = by_id(result)
    assert (r["dossiers_online"].numerator, r["dossiers_online"].denominator) == (1, 1)
    assert result.inputs[0].rows_not_received == 2


def test_unknown_status_leaves_row_out_not_guessed(export, plan):
    rows = [
        dict(recv="02/05/2023", st="Chờ phê duyệt", ch="Trực tuyến"),
        dict(recv="03/05/2023", ch="Trực tiếp"),
    ]
    result = run(export(rows), plan, MAY)
    r = by_id(result)
    assert (r["dossiers_online"].numerator, r["dossiers_online"].denominator) == (0, 1)
    assert r["dossiers_online"].left_out == 1
    assert r["dossiers_online"].left_out_by[0].field == "status"
    assert result.inputs[0].rows_left_out == 1


def test_threshold_is_exact_not_rounded(export, plan):
    # 19599 of 20000 on time = 97.995% -> fails ">= 98%", and must not print as 98,00%
    from cchc_cli.render import fmt_value

    rows = [
        dict(id=f"X{i}", recv="02/05/2023", due="10/05/2023", end="09/05/2023")
        for i in range(19599)
    ]
    rows += [
        dict(id=f"Y{i}", recv="02/05/2023", due="10/05/2023", end="11/05/2023") for i in range(401)
    ]
    r = by_id(run(export(rows), plan, MAY))["dossiers_on_time"]
    assert r.status == "fail"
    assert r.value == Fraction(9799500, 100000)
    assert fmt_value(r, "vi") == "97,995%"
    assert fmt_value(r, "en") == "97.995%"


def test_duplicate_dossier_id_counted_once(export, plan):
    rows = [
        dict(id="D1", recv="02/05/2023", ch="Trực tuyến"),
        dict(id="D1", recv="02/05/2023", ch="Trực tiếp"),  # set aside, and said so
        dict(id="", recv="03/05/2023", ch="Trực tiếp"),  # no id: set aside too
        dict(id="D1", recv="02/04/2023", ch="Trực tiếp"),  # set aside, but not in May anyway
    ]
    result = run(export(rows), plan, MAY)
    r = by_id(result)
    assert (r["dossiers_online"].numerator, r["dossiers_online"].denominator) == (1, 1)
    assert r["dossiers_online"].left_out == 2
    assert {(lo.reason, lo.rows) for lo in r["dossiers_online"].left_out_by} == {
        ("duplicate_id", 1),
        ("missing_value", 1),
    }
    assert result.inputs[0].rows_left_out == 3
    assert {lo.reason for lo in result.inputs[0].left_out_by} == {"duplicate_id", "missing_value"}


def test_missing_column_gives_no_data_only_where_needed(export, plan):
    cols = ["id", "recv", "due", "end", "ch", "st"]  # no yes/no columns, no satisfaction
    rows = [dict(recv="02/05/2023", due="10/05/2023", end="09/05/2023")]
    r = by_id(run(export(rows, columns=cols), plan, MAY))
    assert r["dossiers_digitized"].status == "no_data"
    assert r["dossiers_digitized"].reason == "missing_column"
    assert "Số hóa hồ sơ" in r["dossiers_digitized"].reason_detail
    assert r["dossiers_on_time"].status == "pass"
    assert r["dossiers_online"].status == "pass"


def test_due_date_derived_from_processing_days(export, plan):
    # received Thu 19/01/2023 + 5 working days = Thu 02/02/2023 (Tết 20-26/01 off)
    jan_feb = (dt.date(2023, 1, 1), dt.date(2023, 2, 28))
    rows = [
        dict(recv="19/01/2023", days="5", end="02/02/2023"),  # on the due day: on time
        dict(recv="19/01/2023", days="5", end="03/02/2023"),  # a day late
    ]
    result = run(export(rows), plan, jan_feb)
    r = by_id(result)["dossiers_on_time"]
    assert (r.numerator, r.denominator) == (1, 2)
    assert result.inputs[0].due_dates_derived == 2


def test_no_due_date_at_all_is_left_out(export, plan):
    rows = [
        dict(recv="02/05/2023", end="09/05/2023"),
        dict(recv="02/05/2023", due="10/05/2023", end="09/05/2023"),
    ]
    r = by_id(run(export(rows), plan, MAY))["dossiers_on_time"]
    assert (r.numerator, r.denominator, r.left_out) == (1, 1, 1)
    assert r.left_out_by[0].reason == "no_due_date"


def test_withdrawn_without_due_date_is_on_time(export, plan):
    rows = [dict(recv="02/05/2023", end="09/05/2023", st="Trả lại")]
    r = by_id(run(export(rows), plan, MAY))["dossiers_on_time"]
    assert (r.numerator, r.denominator, r.left_out) == (1, 1, 0)


def test_bad_end_date_leaves_out_of_on_time_not_online(export, plan):
    # received in 2019, end date broken: whether it was resolved in May 2023 is unknown -> left out
    # of on-time (three-valued logic); received in May is known false -> online does not lose it.
    rows = [dict(recv="02/01/2019", end="99/99/2019", ch="Trực tuyến"), dict(recv="02/05/2023")]
    r = by_id(run(export(rows), plan, MAY))
    assert r["dossiers_online"].left_out == 0
    assert r["dossiers_on_time"].left_out == 1


def test_ended_status_without_end_date_is_left_out_not_overdue(export, plan):
    # W: withdrawn, no end date, due 10/05 < 31/05: when did it end? unknown -> left out of "late"
    # D: status "Đã trả kết quả" with no dates at all: the same
    # G: genuinely open and overdue, apologised -> the only late dossier
    rows = [
        dict(id="W", recv="02/05/2023", due="10/05/2023", st="Công dân yêu cầu rút hồ sơ"),
        dict(id="D", recv="02/05/2023", due="10/05/2023", st="Đã trả kết quả"),
        dict(id="G", recv="02/05/2023", due="10/05/2023", st="Đang xử lý", apo="Có"),
    ]
    r = by_id(run(export(rows), plan, MAY))["late_dossiers_apologized"]
    assert (r.numerator, r.denominator, r.left_out) == (1, 1, 2)
    assert {(lo.reason, lo.rows) for lo in r.left_out_by} == {("resolved_without_end", 2)}


def test_end_before_received_is_not_an_early_resolution(export, plan):
    rows = [
        dict(id="E", recv="10/05/2023", due="15/05/2023", end="05/05/2023"),  # contradiction
        dict(id="F", recv="10/05/2023", due="15/05/2023", end="16/05/2023"),  # late
    ]
    r = by_id(run(export(rows), plan, MAY))["dossiers_on_time"]
    assert (r.numerator, r.denominator, r.left_out) == (0, 1, 1)
    assert r.left_out_by[0].reason == "end_before_received"
    assert r.left_out_by[0].field == "resolved_at"


def test_due_before_received_is_left_out(export, plan):
    rows = [
        dict(id="X", recv="10/05/2023", due="09/05/2023", end="12/05/2023"),
        dict(
            id="Y", recv="10/05/2023", due="09/05/2023", end="12/05/2023", st="Trả lại"
        ),  # on time
    ]
    r = by_id(run(export(rows), plan, MAY))["dossiers_on_time"]
    assert (r.numerator, r.denominator, r.left_out) == (1, 1, 1)
    assert r.left_out_by[0].reason == "due_before_received"


def test_two_digit_year_is_an_invalid_date(export, plan):
    rows = [
        dict(id="Y1", recv="04/05/23", end="09/05/2023", due="10/05/2023"),
        dict(id="Y2", recv="04/05/2023"),
    ]
    result = run(export(rows), plan, MAY)
    r = by_id(result)["dossiers_digitized"]
    assert (r.denominator, r.left_out) == (1, 1)  # Y1 is not "received before the period"
    assert r.left_out_by[0].reason == "invalid_date"


def test_returned_date_column_alone_gives_the_end_date(export, plan):
    cols = ["id", "recv", "due", "ret", "ch", "st"]  # no "Ngày kết thúc xử lý" column at all
    rows = [
        dict(recv="02/05/2023", due="10/05/2023", ret="09/05/2023"),
        dict(recv="02/05/2023", due="10/05/2023", ret="12/05/2023"),
    ]
    r = by_id(run(export(rows, columns=cols), plan, MAY))["dossiers_on_time"]
    assert (r.status, r.numerator, r.denominator) == ("fail", 1, 2)


def test_short_row_cells_are_unknown_not_empty(tmp_path, plan):
    # row 3 is cut after "Hình thức nộp": its yes/no cells must not read as "Không"
    path = tmp_path / "short.csv"
    path.write_text(
        "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Hình thức nộp,Số hóa hồ sơ,Kết quả điện tử\n"
        "A,02/05/2023,10/05/2023,09/05/2023,Trực tuyến,Có,Có\n"
        "B,02/05/2023,10/05/2023,09/05/2023,Trực tiếp\n"
        "C,02/05/2023,10/05/2023,09/05/2023,Trực tiếp,Không,Không\n",
        encoding="utf-8",
    )
    from oracle.evaluate import evaluate
    from oracle.records import read_records

    records = read_records(path, plan)
    assert records.problems[["line", "column", "reason"]].values.tolist() == [[3, 6, "short_row"]]
    r = by_id(evaluate(plan, records, MAY))
    assert (r["dossiers_digitized"].numerator, r["dossiers_digitized"].denominator) == (1, 2)
    assert r["dossiers_digitized"].left_out_by[0].reason == "short_row"
    assert (r["dossiers_online"].numerator, r["dossiers_online"].denominator) == (
        1,
        3,
    )  # B's channel is there


def test_a_known_date_rules_out_what_the_bad_one_cannot(export, plan):
    # R: received 20/06, end date broken -> cannot have been resolved in May (ends after receipt)
    # E: received date empty, ended 20/04 -> cannot have been received in May
    # K: received date empty, ended 20/05 -> may have been received in May: left out of online
    rows = [
        dict(id="R", recv="20/06/2023", end="31/02/2023", due="30/06/2023"),
        dict(id="E", recv="", end="20/04/2023", due="25/04/2023"),
        dict(id="K", recv="", end="20/05/2023", due="25/05/2023"),
    ]
    r = by_id(run(export(rows), plan, MAY))
    # on time: resolved in May is K only (early); R ruled out, E ended in April
    assert (r["dossiers_on_time"].numerator, r["dossiers_on_time"].denominator) == (1, 1)
    assert r["dossiers_on_time"].left_out == 0
    # online: received in May unknown for K only
    assert (r["dossiers_online"].denominator, r["dossiers_online"].left_out) == (0, 1)
