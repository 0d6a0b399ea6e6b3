"""`cchc explain`: the rows behind each figure, on a hand-made export counted by hand."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import replace

import pytest
import typer
from typer.testing import CliRunner

from conftest import PLAN, SAMPLE

MAY = (dt.date(2023, 5, 1), dt.date(2023, 5, 31))

# Line numbers: the header is line 1, so the n-th row (from 0) is on line n + 2.
ROWS = [
    # line 2, A: resolved 09/05, due 10/05 -> early; satisfied
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
    # line 3, B: resolved on the due day -> on time; in person; no e-result; rated neutral
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
    # line 4, C: resolved 11/05 > due 10/05 -> late, apologised; not digitised (dossier nor result)
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
    # line 5, D: withdrawn after its due date -> on time; outside the result denominators
    dict(
        id="D",
        recv="05/05/2023",
        due="12/05/2023",
        end="20/05/2023",
        ch="Trực tuyến",
        dig="Có",
        st="Công dân yêu cầu rút hồ sơ",
    ),
    # line 6, E: received in April, resolved 05/05 > due 28/04 -> late, no apology, no e-result
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
    # line 7, F: open at the end of May, due in June -> within time; by post
    dict(id="F", recv="25/05/2023", due="05/06/2023", ch="Bưu chính", dig="Có", st="Đang xử lý"),
    # line 8, G: open at the end of May, due 20/05 -> overdue, so late; apologised
    dict(
        id="G",
        recv="10/05/2023",
        due="20/05/2023",
        ch="Trực tuyến",
        dig="Có",
        apo="Có",
        st="Đang xử lý",
    ),
    # line 9, H: Mới đăng ký -> not received, in no denominator
    dict(
        id="H",
        recv="15/05/2023",
        due="20/05/2023",
        end="16/05/2023",
        ch="Trực tuyến",
        dig="Không",
        st="Mới đăng ký",
    ),
    # line 10, K: unknown channel word; resolved early; rated Không hài lòng
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
    # line 11, L: impossible end date -> unknown whether resolved in May (and whether late)
    dict(
        id="L",
        recv="13/05/2023",
        due="20/05/2023",
        end="31/02/2023",
        ch="Trực tuyến",
        dig="Có",
        st="Đã trả kết quả",
    ),
    # line 12, N: no due date, 3 working days: received Mon 15/05 -> Tue 16, Wed 17, Thu 18/05
    #          (derived); resolved 19/05 -> late, no apology
    dict(
        id="N",
        recv="15/05/2023",
        days="3",
        end="19/05/2023",
        ch="Trực tuyến",
        dig="Có",
        eres="Có",
        rdig="Có",
        st="Đã trả kết quả",
    ),
    # line 13, P: unknown satisfaction word; resolved early, in person
    dict(
        id="P",
        recv="16/05/2023",
        due="25/05/2023",
        end="17/05/2023",
        ch="Trực tiếp",
        dig="Có",
        eres="Có",
        rdig="Có",
        sat="Tốt",
        st="Đã trả kết quả",
    ),
    # line 14, Q: unknown 'digitised' word; open, due in June (not overdue)
    dict(
        id="Q", recv="17/05/2023", due="05/06/2023", ch="Trực tuyến", dig="Có lẽ", st="Đang xử lý"
    ),
    # line 15, R: unknown e-result and result-digitised words; resolved early
    dict(
        id="R",
        recv="18/05/2023",
        due="25/05/2023",
        end="22/05/2023",
        ch="Trực tuyến",
        dig="Có",
        eres="Chắc",
        rdig="Hình như",
        st="Đã trả kết quả",
    ),
    # line 16, S: resolved 08/05 > due 05/05 -> late; unknown apology word
    dict(
        id="S",
        recv="02/05/2023",
        due="05/05/2023",
        end="08/05/2023",
        ch="Trực tuyến",
        dig="Có",
        eres="Có",
        rdig="Có",
        apo="Sẽ gửi",
        st="Đã trả kết quả",
    ),
]

# Worked out by hand for May 2023.
# received in May: A B C D F G K L N P Q R S (13; E in April, H not received)
# resolved in May: A B C D E K N P R S (10); L unknown (end date 31/02)
# timeliness: early A K P R, on time B D(withdrawn), late C E N S
# late dossiers: C E N S (resolved late) + G (open, overdue); L unknown
EXPECTED = {
    # id: (numerator, denominator, failing [(id, line)], left out [(id, line, reason, field)])
    "dossiers_on_time": (
        6,
        10,
        [("C", 4), ("E", 6), ("N", 12), ("S", 16)],
        [("L", 11, "invalid_date", "resolved_at")],
    ),
    # received in May minus K (unknown channel) = 12; online: A C D G L N Q R S = 9
    "dossiers_online": (
        9,
        12,
        [("B", 3), ("F", 7), ("P", 13)],
        [("K", 10, "unknown_value", "channel")],
    ),
    # received in May minus Q (unknown word) = 12; all digitised but C
    "dossiers_digitized": (11, 12, [("C", 4)], [("Q", 14, "unknown_value", "dossier_digitized")]),
    # resolved in May, not withdrawn: A B C E K N P R S; L unknown, R's e_result unknown -> 8;
    # e-result: A C K N P S = 6
    "results_electronic": (
        6,
        8,
        [("B", 3), ("E", 6)],
        [("L", 11, "invalid_date", "resolved_at"), ("R", 15, "unknown_value", "e_result")],
    ),
    # same denominator; result digitised: all but C = 7
    "results_digitized": (
        7,
        8,
        [("C", 4)],
        [("L", 11, "invalid_date", "resolved_at"), ("R", 15, "unknown_value", "result_digitized")],
    ),
    # resolved in May with a rating: A B C K (P's word unknown -> left out; L has no rating, so
    # it is known to be outside whatever its end date); satisfied: A C
    "citizen_satisfaction": (
        2,
        4,
        [("B", 3), ("K", 10)],
        [("P", 13, "unknown_value", "satisfaction")],
    ),
    # late: C E G N (+ S with an unknown apology word, + L unknown); apologised: C G
    "late_dossiers_apologized": (
        2,
        4,
        [("E", 6), ("N", 12)],
        [("L", 11, "invalid_date", "resolved_at"), ("S", 16, "unknown_value", "apology_issued")],
    ),
}


@pytest.fixture
def app():
    from cchc_cli.cli.explain import register

    a = typer.Typer()

    @a.callback()
    def _root() -> None:
        """test app"""

    register(a)
    return a


@pytest.fixture
def may_export(export):
    return export(ROWS)


def invoke(app, *args):
    return CliRunner().invoke(app, [str(a) for a in args])


def explain_json(app, ind, path, rows="failing", *extra):
    res = invoke(
        app,
        "explain",
        ind,
        path,
        "--plan",
        PLAN,
        "--period",
        "2023-05",
        "--rows",
        rows,
        "--format",
        "json",
        *extra,
    )
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


@pytest.mark.parametrize("ind", list(EXPECTED))
def test_failing_and_left_out_rows_by_hand(app, may_export, ind):
    num, den, failing, left_out = EXPECTED[ind]
    data = explain_json(app, ind, may_export, "failing")
    assert (data["result"]["numerator"], data["result"]["denominator"]) == (num, den)
    assert [(r["dossier_id"], r["line"]) for r in data["rows"]["items"]] == failing
    assert {r["class"] for r in data["rows"]["items"]} <= {"counted_fail"}
    data = explain_json(app, ind, may_export, "left-out")
    got = [
        (r["dossier_id"], r["line"], r["reason"], r["reason_field"]) for r in data["rows"]["items"]
    ]
    assert got == left_out
    assert data["result"]["left_out"] == len(left_out)


def test_all_rows_partition_and_agree_with_check(app, may_export):
    # on-time, every row: passes A B D K P R; fails C E N S; left out L; outside F H Q; and G,
    # open at the end of May and due 20/05, outside the denominator but due within the period
    data = explain_json(app, "dossiers_on_time", may_export, "all")
    cls = {r["dossier_id"]: r["class"] for r in data["rows"]["items"]}
    assert len(cls) == 15
    assert sorted(k for k, v in cls.items() if v == "counted_pass") == list("ABDKPR")
    assert sorted(k for k, v in cls.items() if v == "counted_fail") == list("CENS")
    assert sorted(k for k, v in cls.items() if v == "left_out") == ["L"]
    assert sorted(k for k, v in cls.items() if v == "not_in_denominator") == list("FHQ")
    assert sorted(k for k, v in cls.items() if v == "open_due") == ["G"]
    counted = explain_json(app, "dossiers_on_time", may_export, "counted")
    assert [r["line"] for r in counted["rows"]["items"]] == [2, 3, 4, 5, 6, 10, 12, 13, 15, 16]


def test_derived_due_date_is_marked(app, may_export):
    data = explain_json(app, "dossiers_on_time", may_export, "failing")
    n = next(r for r in data["rows"]["items"] if r["dossier_id"] == "N")
    assert (n["due"], n["due_derived"], n["processing_days"]) == ("18/05/2023", True, "3")
    assert (n["received_at"], n["end_at"]) == ("15/05/2023", "19/05/2023")
    c = next(r for r in data["rows"]["items"] if r["dossier_id"] == "C")
    assert (c["due"], c["due_derived"]) == ("10/05/2023", False)
    res = invoke(
        app, "explain", "dossiers_on_time", may_export, "--plan", PLAN, "--period", "2023-05"
    )
    assert res.exit_code == 0, res.stderr
    assert "18/05/2023 (tính, 3 ngày làm việc)" in res.stdout
    assert "10/05/2023 (tính" not in res.stdout
    res = invoke(
        app,
        "explain",
        "dossiers_on_time",
        may_export,
        "--plan",
        PLAN,
        "--period",
        "2023-05",
        "--lang",
        "en",
    )
    assert "18/05/2023 (derived, 3 working days)" in res.stdout


def test_bad_cell_shown_as_written(app, may_export):
    data = explain_json(app, "dossiers_on_time", may_export, "left-out")
    assert data["rows"]["items"][0]["end_at"] == "31/02/2023"
    data = explain_json(app, "dossiers_online", may_export, "left-out")
    assert data["rows"]["items"][0]["channel"] == "Qua mạng"


def test_definition_is_generated_from_the_conditions(app, may_export, tmp_path):
    res = invoke(
        app, "explain", "dossiers_on_time", may_export, "--plan", PLAN, "--period", "2023-05"
    )
    out = res.stdout
    assert "Mẫu số: đã giải quyết trong kỳ" in out
    assert "kết quả giải quyết là trước hạn hoặc đúng hạn" in out
    assert "“Trạng thái” là “Mới đăng ký” hoặc “Không được tiếp nhận”" in out
    assert "Kết quả: 6 / 10 = 60" in out
    en = invoke(
        app,
        "explain",
        "dossiers_on_time",
        may_export,
        "--plan",
        PLAN,
        "--period",
        "2023-05",
        "--lang",
        "en",
    ).stdout
    assert "Denominator: resolved in the period" in en
    assert "outcome is early or on time" in en
    # change the plan's condition: the wording follows, nothing is written per indicator
    text = PLAN.read_text(encoding="utf-8")
    assert "numerator: timeliness in (early, on_time)" in text
    other = tmp_path / "plan.yaml"
    other.write_text(
        text.replace(
            "numerator: timeliness in (early, on_time)",
            "numerator: timeliness == early and channel != in_person",
        ),
        encoding="utf-8",
    )
    out = invoke(
        app, "explain", "dossiers_on_time", may_export, "--plan", other, "--period", "2023-05"
    ).stdout
    assert "kết quả giải quyết là trước hạn và “Hình thức nộp” khác “Trực tiếp”" in out
    # early and not in person: A R; P is in person; K's channel word is unknown, so K is now
    # left out of this indicator too -> 2 of 9
    assert "Kết quả: 2 / 9" in out
    assert "Loại ra 2 dòng" in out


def test_describe_every_dossier_indicator(plan):
    from cchc_cli.plan.describe import definition

    got = {i.id: definition(plan, i) for i in plan.indicators if i.source == "dossiers"}
    assert got["dossiers_online"].numerator == "“Hình thức nộp” là “Trực tuyến”"
    assert got["dossiers_digitized"].denominator == "tiếp nhận trong kỳ"
    assert got["results_electronic"].denominator == (
        "đã giải quyết trong kỳ và không phải hồ sơ rút / trả lại / dừng xử lý"
    )
    assert (
        got["citizen_satisfaction"].numerator
        == "“Mức độ hài lòng” là “Rất hài lòng” hoặc “Hài lòng”"
    )
    assert (
        got["citizen_satisfaction"].denominator
        == "đã giải quyết trong kỳ và “Mức độ hài lòng” không để trống"
    )
    assert got["late_dossiers_apologized"].numerator == "“Phiếu xin lỗi” là “Có”"


def test_table_limit_and_more(app, may_export):
    res = invoke(
        app,
        "explain",
        "dossiers_on_time",
        may_export,
        "--plan",
        PLAN,
        "--period",
        "2023-05",
        "--limit",
        "1",
    )
    assert res.exit_code == 0
    assert "… và 3 dòng nữa" in res.stdout
    assert "Dòng không đạt (thuộc mẫu số, không thuộc tử số): 4" in res.stdout


def test_csv_is_full_and_excel_safe(app, export):
    rows = [
        dict(
            id='=HYPERLINK("http://x.example","bấm")',
            recv="02/05/2023",
            due="05/05/2023",
            end="08/05/2023",
        ),
        dict(id="+84-28-3822-1234", recv="02/05/2023", due="05/05/2023", end="09/05/2023"),
    ]
    res = invoke(
        app,
        "explain",
        "dossiers_on_time",
        export(rows),
        "--plan",
        PLAN,
        "--period",
        "2023-05",
        "--format",
        "csv",
        "--limit",
        "0",
    )
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("\ufeffclass,reason,reason_field,dossier_id,line,")
    body = res.stdout.splitlines()
    assert len(body) == 3
    assert "'=HYPERLINK(" in body[1] and "'+84-28-3822-1234" in body[2]


def test_actuals_indicator_shows_figures_and_evidence(app):
    from conftest import ACTUALS

    res = invoke(app, "explain", "center_self_financed", "--plan", PLAN, "--actuals", ACTUALS)
    assert res.exit_code == 0, res.stderr
    assert "3.850 / 3.620 = 106,35%" in res.stdout
    assert "Căn cứ: Báo cáo số 12/BC-TTDVĐN, ngày 15/01/2024" in res.stdout
    data = json.loads(
        invoke(
            app,
            "explain",
            "center_self_financed",
            "--plan",
            PLAN,
            "--actuals",
            ACTUALS,
            "--format",
            "json",
        ).stdout
    )
    assert data["evidence"] == {
        "document": "Báo cáo số 12/BC-TTDVĐN",
        "date": "2024-01-15",
        "note": "Quyết toán thu chi năm 2023",
    }
    assert data["rows"] is None
    res = invoke(app, "explain", "center_self_financed", "--plan", PLAN)
    assert res.exit_code == 0
    assert "CHƯA CÓ DỮ LIỆU" in res.stdout
    # a register indicator's rows are not listed yet: it says which register it needs
    res = invoke(app, "explain", "procedures_published", "--plan", PLAN)
    assert res.exit_code == 0
    assert "chưa có sổ theo dõi (dùng --registers): Danh mục thủ tục hành chính" in res.stdout


def test_unknown_indicator_exits_2_with_did_you_mean(app, may_export):
    res = invoke(app, "explain", "dossiers_on_tme", may_export, "--plan", PLAN)
    assert res.exit_code == 2
    assert "dossiers_on_tme" in res.stderr
    assert "có phải ý bạn là 'dossiers_on_time'?" in res.stderr
    res = invoke(app, "explain", "dossiers_on_tme", may_export, "--plan", PLAN, "--lang", "en")
    assert "did you mean 'dossiers_on_time'?" in res.stderr


def test_dossier_indicator_needs_the_export(app):
    res = invoke(app, "explain", "dossiers_on_time", "--plan", PLAN)
    assert res.exit_code == 2
    assert "tệp" in res.stderr


def test_explain_agrees_with_check_on_the_sample(plan):
    """Per-row reasons add up to check's left_out_by; counts equal check's (and the pandas
    oracle's), every indicator."""
    from cchc_cli.explain import CLASSES, explain, of_run
    from cchc_cli.pipeline import Request, run
    from oracle.classify import classify
    from oracle.evaluate import evaluate
    from oracle.records import read_records

    records = read_records(SAMPLE, plan)
    cl = classify(plan, records, plan.period)
    oracle = {
        r.indicator.id: r for r in evaluate(plan, records, plan.period, classified=cl).indicators
    }
    dossier = [i for i in plan.indicators if i.source == "dossiers"]
    request = Request((SAMPLE,), PLAN, span=plan.period)
    done = run(replace(request, rows=tuple((i.id, "all") for i in dossier)))
    checked = {r.indicator.id: r for r in done.result.indicators}
    for ind in dossier:
        e = of_run(done, ind, "all")
        r = checked[ind.id]
        assert r == oracle[ind.id] and e.result == r
        rows = e.rows.rows()
        assert len(rows) == records.n_rows
        n = Counter(row["class"] for row in rows)
        assert n["counted_pass"] == r.numerator
        assert n["counted_pass"] + n["counted_fail"] == r.denominator
        assert n["left_out"] == r.left_out
        by = Counter((row["reason"], row["reason_field"]) for row in rows if row["class"] == "left_out")
        assert sorted((k[0], k[1], v) for k, v in by.items()) == [
            (lo.reason, lo.field, lo.rows) for lo in r.left_out_by
        ]
        assert set(n) <= set(CLASSES)
        failing = explain(request, ind.id, rows="failing")
        assert failing.result == r
        assert len(failing.rows) == r.denominator - r.numerator


def test_sample_broken_rows_are_listed(app):
    # sample_data/README.md: line 415 end date 31/02/2023, line 886 channel 'Qua mạng'
    data = explain_json(app, "dossiers_on_time", SAMPLE, "left-out", "--period", "2023")
    assert [(r["line"], r["reason"], r["end_at"][:10]) for r in data["rows"]["items"]] == [
        (415, "invalid_date", "31/02/2023")
    ]
    data = explain_json(app, "dossiers_online", SAMPLE, "left-out", "--period", "2023")
    assert (886, "unknown_value", "channel") in [
        (r["line"], r["reason"], r["reason_field"]) for r in data["rows"]["items"]
    ]


def test_withdrawn_note_names_every_spelling(plan):
    from cchc_cli.plan.describe import definition

    notes = " ".join(definition(plan, plan.indicator("dossiers_on_time")).notes)
    for word in ("Công dân yêu cầu rút hồ sơ", "Rút hồ sơ", "Dừng xử lý", "Trả lại"):
        assert f"“{word}”" in notes


def test_explain_csv_is_write_csv_of_the_rows(plan, export):
    """`explain --format csv` is built column by column; it is byte for byte what write_csv
    gives for the row dicts (line an int, due_derived a bool), on every kind of row and slice."""
    from cchc_cli.explain import ROW_KINDS, of_run
    from cchc_cli.pipeline import Request, run
    from cchc_cli.render.csv import write_csv
    from cchc_cli.render.explain import render_explain_csv

    def cell(v):
        if v is None:  # days_late when a date is unknown
            return ""
        return ("true" if v else "false") if isinstance(v, bool) else str(v)

    rows = [
        *ROWS,
        dict(id='=HYPERLINK("x","y")', recv="02/05/2023", due="x,y", end="=1", days="-2"),
        dict(id='a "quoted", id', recv="31/02/2023", due="", end="-3", ch="=cmd", days="+5"),
        dict(id="two\nlines", recv="", due="05/05/2023", end="08/05/2023", st="Đã trả kết quả"),
    ]
    dossier = [i for i in plan.indicators if i.source == "dossiers"]
    pairs = tuple((i.id, kind) for i in dossier for kind in ROW_KINDS)
    done = run(Request((export(rows),), PLAN, span=MAY, rows=pairs))
    for ind in dossier:
        for kind in ("failing", "counted", "left-out", "open-due", "all"):
            e = of_run(done, ind, kind)
            items = e.rows.rows()
            assert all(type(r["line"]) is int for r in items)
            assert all(type(r.get("due_derived", False)) is bool for r in items)
            cols = e.rows.columns
            want = write_csv(cols, [[cell(r[c]) for c in cols] for r in items])
            assert render_explain_csv(e) == want, (ind.id, kind)
            for start, stop in ((0, 2), (1, None), (3, 3)):
                part = e.rows.rows(start, stop)
                assert part == items[start:stop]
                got = list(zip(*e.rows.csv_columns(start, stop), strict=True))
                assert len(got) == len(part)
