"""Reporting periods (issue 12 item 1): ``2023-H1`` and ``2023-9M`` beside month, quarter and year;
``--cutoff`` turning any of them into its official cut-off window (``shared/spec/periods.md``); the
cut-off day and default in the plan; the incomplete-data warning."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import CchcError, ExitCode
from cchc_cli.plan.period import resolve_period
from conftest import ACTUALS, SAMPLE

runner = CliRunner()
D = dt.date
YEAR_2023 = (D(2023, 1, 1), D(2023, 12, 31))

# periods.md, copied by hand: period, calendar start/end, cut-off window start/end
SPEC = [
    ("2023-05", D(2023, 5, 1), D(2023, 5, 31), D(2023, 4, 15), D(2023, 5, 14)),
    ("2023-Q1", D(2023, 1, 1), D(2023, 3, 31), D(2022, 12, 15), D(2023, 3, 14)),
    ("2023-Q2", D(2023, 4, 1), D(2023, 6, 30), D(2023, 3, 15), D(2023, 6, 14)),
    ("2023-Q3", D(2023, 7, 1), D(2023, 9, 30), D(2023, 6, 15), D(2023, 9, 14)),
    ("2023-Q4", D(2023, 10, 1), D(2023, 12, 31), D(2023, 9, 15), D(2023, 12, 14)),
    ("2023-H1", D(2023, 1, 1), D(2023, 6, 30), D(2022, 12, 15), D(2023, 6, 14)),
    ("2023-9M", D(2023, 1, 1), D(2023, 9, 30), D(2022, 12, 15), D(2023, 9, 14)),
    ("2023", D(2023, 1, 1), D(2023, 12, 31), D(2022, 12, 15), D(2023, 12, 14)),
]


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def check_json(*args) -> dict:
    res = invoke("check", *args, "--format", "json")
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return json.loads(res.stdout)


@pytest.mark.parametrize(("period", "c0", "c1", "w0", "w1"), SPEC)
def test_every_period_of_the_spec_table(period, c0, c1, w0, w1):
    assert tuple(resolve_period(period, None, None, YEAR_2023)) == (c0, c1)
    assert tuple(resolve_period(period, None, None, YEAR_2023, cutoff=True)) == (w0, w1)
    assert tuple(resolve_period(period, None, None, YEAR_2023, cutoff=False)) == (c0, c1)


@pytest.mark.parametrize("text", ["2023-h1", "2023H1", " 2023-9m ", "20239M"])
def test_half_year_and_nine_months_are_written_loosely_like_quarters(text):
    span = resolve_period(text, None, None, YEAR_2023)
    assert span.name in ("2023-H1", "2023-9M")
    assert span[0] == D(2023, 1, 1) and span[1] in (D(2023, 6, 30), D(2023, 9, 30))


def _figures(doc: dict) -> dict:
    return {
        i["id"]: (i["numerator"], i["denominator"], i["status"], i["left_out"])
        for i in doc["indicators"]
    }


@pytest.mark.parametrize(("period", "start", "end"), [
    ("2023-Q1", "2022-12-15", "2023-03-14"),
    ("2023-H1", "2022-12-15", "2023-06-14"),
    ("2023-05", "2023-04-15", "2023-05-14"),
    ("2023", "2022-12-15", "2023-12-14"),
])  # fmt: skip
def test_cutoff_figures_equal_from_to_over_the_window_on_the_sample(period, start, end):
    cut = check_json(SAMPLE, "--actuals", ACTUALS, "--period", period, "--cutoff")
    days = check_json(SAMPLE, "--actuals", ACTUALS, "--from", start, "--to", end)
    calendar = check_json(SAMPLE, "--actuals", ACTUALS, "--period", period)
    assert (cut["period"]["start"], cut["period"]["end"]) == (start, end)
    assert _figures(cut) == _figures(days)  # every indicator, numerator and denominator
    assert cut["summary"] == days["summary"]
    assert _figures(cut) != _figures(calendar)  # the window really is other days
    assert cut["period"]["kind"] == "cutoff" and days["period"]["kind"] == "calendar"
    assert cut["period"]["name"] == period and cut["period"]["cutoff_day"] == 14
    assert cut["period"]["calendar"] == {
        "start": calendar["period"]["start"],
        "end": calendar["period"]["end"],
    }


@pytest.mark.parametrize(("period", "start", "end"), [
    ("2023-H1", "2023-01-01", "2023-06-30"),
    ("2023-9M", "2023-01-01", "2023-09-30"),
])  # fmt: skip
def test_half_year_and_nine_months_calendar_periods(period, start, end):
    named = check_json(SAMPLE, "--period", period)
    days = check_json(SAMPLE, "--from", start, "--to", end)
    assert named["period"] == {
        "start": start,
        "end": end,
        "kind": "calendar",
        "name": period,
        "cutoff_day": None,
    }
    assert _figures(named) == _figures(days)


# The edges of the 2023-Q1 window (15/12/2022 – 14/03/2023) against calendar Q1 (01/01 – 31/03).
EDGES = [
    # received the day before the window, resolved inside it, on time
    dict(id="A", recv="14/12/2022", due="20/12/2022", end="16/12/2022", st="Đã trả kết quả", dig="Có"),
    # the window's first day, in person, not digitised, resolved late in January
    dict(id="B", recv="15/12/2022", due="05/01/2023", end="10/01/2023", st="Đã trả kết quả", ch="Trực tiếp"),
    # the window's last day, resolved on time after it
    dict(id="C", recv="14/03/2023", due="20/03/2023", end="16/03/2023", st="Đã trả kết quả", dig="Có"),
    # the day after the window: in calendar Q1 only
    dict(id="D", recv="15/03/2023", due="20/03/2023", end="15/03/2023", st="Đã trả kết quả", dig="Có"),
    # inside both, resolved late on the window's last day
    dict(id="E", recv="10/02/2023", due="13/03/2023", end="14/03/2023", st="Đã trả kết quả", dig="Có"),
]  # fmt: skip


def test_hand_worked_window_edges(export):
    path = export(EDGES)
    cut = {i["id"]: i for i in check_json(path, "--period", "2023-Q1", "--cutoff")["indicators"]}
    cal = {i["id"]: i for i in check_json(path, "--period", "2023-Q1")["indicators"]}

    def nd(doc, ident):
        return doc[ident]["numerator"], doc[ident]["denominator"]

    # window: received B C E; online C E; digitised C E; resolved A (16/12) B (10/01) E (14/03),
    # on time A only
    assert nd(cut, "dossiers_online") == (2, 3)
    assert nd(cut, "dossiers_digitized") == (2, 3)
    assert nd(cut, "dossiers_on_time") == (1, 3)
    # calendar: received C D E, all online and digitised; resolved B C D E, on time C D
    assert nd(cal, "dossiers_online") == (3, 3)
    assert nd(cal, "dossiers_digitized") == (3, 3)
    assert nd(cal, "dossiers_on_time") == (2, 4)
    # month 2023-03 cut-off, 15/02 – 14/03: received C only (on its last day; E on 10/02 is
    # before it, D the day after)
    march = check_json(path, "--period", "2023-03", "--cutoff")["indicators"]
    assert next(i for i in march if i["id"] == "dossiers_online")["denominator"] == 1


def test_the_table_header_states_the_window_and_that_it_is_one():
    vi = invoke("check", SAMPLE, "--period", "2023-Q1", "--cutoff").stdout
    assert (
        "Kỳ báo cáo: 15/12/2022 – 14/03/2023 (kỳ chốt số liệu quý I năm 2023: từ ngày 15 tháng "
        "trước đến ngày 14; theo lịch: 01/01/2023 – 31/03/2023)"
    ) in vi
    en = invoke("check", SAMPLE, "--period", "2023-H1", "--cutoff", "--lang", "en").stdout
    assert (
        "Period: 2022-12-15 – 2023-06-14 (cut-off window of first half of 2023: from the 15th of "
        "the month before to the 14th; calendar: 2023-01-01 – 2023-06-30)"
    ) in en


@pytest.mark.parametrize(
    "command",
    [
        ["check", SAMPLE],
        ["validate", SAMPLE],
        ["report", SAMPLE],
        ["explain", "dossiers_on_time", SAMPLE],
    ],
)
def test_cutoff_with_from_to_is_exit_2_in_every_command(command):
    res = invoke(*command, "--period", "2023-Q2", "--cutoff", "--to", "2023-05-31", "--lang", "en")
    assert res.exit_code == ExitCode.ERROR and res.stdout == ""
    assert "--cutoff does not go with --from/--to" in res.stderr


@pytest.mark.parametrize(
    ("command", "start", "end"),
    [
        (["validate", SAMPLE], ("period", "start"), ("period", "end")),
        (["report", SAMPLE], ("period", "start"), ("period", "end")),
        (["explain", "dossiers_on_time", SAMPLE], ("period", "start"), ("period", "end")),
    ],
)
def test_every_command_takes_the_new_periods_and_cutoff(command, start, end):
    res = invoke(*command, "--period", "2023-9M", "--cutoff", "--format", "json")
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    doc = json.loads(res.stdout)
    assert (doc[start[0]][start[1]], doc[end[0]][end[1]]) == ("2022-12-15", "2023-09-14")


def _overlay(tmp_path, reporting: str):
    path = tmp_path / "plan-cutoff.yaml"
    path.write_text(f"extends: plan2023\nreporting: {reporting}\n", encoding="utf-8")
    return path


def test_the_plan_can_make_the_cutoff_its_default(tmp_path):
    plan = _overlay(tmp_path, "{default: cutoff}")
    doc = check_json(SAMPLE, "--plan", plan, "--period", "2023-Q1")
    assert (doc["period"]["start"], doc["period"]["end"], doc["period"]["kind"]) == (
        "2022-12-15",
        "2023-03-14",
        "cutoff",
    )
    whole = check_json(SAMPLE, "--plan", plan)["period"]  # no --period: the plan's year
    assert (whole["start"], whole["end"], whole["name"]) == ("2022-12-15", "2023-12-14", "2023")
    calendar = check_json(SAMPLE, "--plan", plan, "--period", "2023-Q1", "--calendar")["period"]
    assert (calendar["start"], calendar["end"], calendar["kind"]) == (
        "2023-01-01",
        "2023-03-31",
        "calendar",
    )
    days = check_json(SAMPLE, "--plan", plan, "--from", "2023-02-01", "--to", "2023-02-10")
    assert (days["period"]["start"], days["period"]["end"], days["period"]["kind"]) == (
        "2023-02-01",
        "2023-02-10",
        "calendar",
    )  # explicit days are never turned into a window


def test_the_plan_sets_the_cutoff_day(tmp_path):
    plan = _overlay(tmp_path, "{cutoff_day: 20}")
    doc = check_json(SAMPLE, "--plan", plan, "--period", "2023-Q1", "--cutoff")
    assert (doc["period"]["start"], doc["period"]["end"], doc["period"]["cutoff_day"]) == (
        "2022-12-21",
        "2023-03-20",
        20,
    )
    assert check_json(SAMPLE, "--plan", plan, "--period", "2023-Q1")["period"]["kind"] == "calendar"


@pytest.mark.parametrize(
    ("reporting", "says"),
    [
        ("{cutoff_day: 31}", "invalid cut-off day 31: it must be a whole number 1–28"),
        ("{cutoff_day: 14.5}", "invalid cut-off day 14.5"),
        ("{default: cut-off}", "unknown value 'cut-off'"),
        ("{cutoff: 14}", "unknown key 'cutoff' (reporting)"),
    ],
)
def test_a_bad_reporting_key_is_a_located_plan_error(tmp_path, reporting, says):
    plan = _overlay(tmp_path, reporting)
    res = invoke("check", SAMPLE, "--plan", plan, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR and says in res.stderr
    assert f"{plan}:2:" in res.stderr


def test_a_cutoff_default_needs_a_plan_period_of_whole_months(tmp_path):
    plan = tmp_path / "odd.yaml"
    plan.write_text(
        "extends: plan2023\nperiod: {start: 2023-01-10, end: 2023-12-31}\n"
        "reporting: {default: cutoff}\n",
        encoding="utf-8",
    )
    res = invoke("check", SAMPLE, "--plan", plan, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert "the plan's period is not whole months" in res.stderr


def test_cutoff_of_a_period_that_is_not_whole_months_is_refused():
    with pytest.raises(CchcError) as err:
        resolve_period(None, None, None, (D(2023, 1, 10), D(2023, 12, 31)), cutoff=True)
    assert "is not whole months" in err.value.render("en")


def test_a_window_reaching_before_the_calendar_years_is_refused():
    res = invoke("check", SAMPLE, "--period", "1901-01", "--cutoff", "--lang", "en")
    assert res.exit_code == ExitCode.ERROR and "year 1900 is outside 1901–2100" in res.stderr


# -- the data may be incomplete -------------------------------------------------------------


def _until(last: str) -> list[dict]:
    """Dossiers received on 20/03 and ``last``; the export stops there."""
    return [
        dict(id="P", recv="20/03/2023", due="24/03/2023", end="23/03/2023", st="Đã trả kết quả"),
        dict(id="R", recv=last, due="", st=""),
    ]


def test_an_export_stopping_before_the_window_ends_is_said_to_be_incomplete(export):
    path = export(_until("10/06/2023"))  # Q2's window ends on Wednesday 14/06/2023
    out = invoke("check", path, "--period", "2023-Q2", "--cutoff").stdout
    assert (
        "Cảnh báo: ngày tiếp nhận cuối cùng trong tệp hồ sơ là 10/06/2023, trước ngày cuối kỳ "
        "14/06/2023 — số liệu có thể chưa đầy đủ"
    ) in out
    doc = check_json(path, "--period", "2023-Q2", "--cutoff")
    assert doc["inputs"][0]["last_received"] == "2023-06-10"
    [w] = doc["warnings"]
    assert (w["code"], w["last_received"], w["period_end"]) == (
        "incomplete_data",
        "2023-06-10",
        "2023-06-14",
    )
    assert "may be incomplete" in w["message"]["en"]
    # the calendar quarter (to 30/06) is short too; an export reaching 14/06 is not, for the window
    assert check_json(path, "--period", "2023-Q2")["warnings"][0]["period_end"] == "2023-06-30"
    full = export(_until("14/06/2023"), name="full.csv")
    assert check_json(full, "--period", "2023-Q2", "--cutoff")["warnings"] == []
    assert (
        "Cảnh báo: ngày tiếp nhận cuối cùng"
        not in invoke("check", full, "--period", "2023-Q2", "--cutoff").stdout
    )


def test_days_off_at_the_end_of_a_period_are_not_missing_data(export):
    # April 2023 ends with the 29/04 – 03/05 holidays: its last working day is Friday 28/04
    assert check_json(export(_until("28/04/2023")), "--period", "2023-04")["warnings"] == []
    short = check_json(export(_until("27/04/2023"), name="b.csv"), "--period", "2023-04")
    assert [w["last_working_day"] for w in short["warnings"]] == ["2023-04-28"]


def test_evidence_of_cutoff_and_narrowed_runs_verifies(tmp_path):
    """verify re-runs the recorded period as it was: a window, or a --period narrowed."""
    for name, args in (
        ("cut", ["--period", "2023-Q2", "--cutoff"]),
        ("narrow", ["--period", "2023-05", "--from", "2023-05-02"]),
    ):
        folder = tmp_path / name
        res = invoke("check", SAMPLE, *args, "--evidence", folder, "-o", tmp_path / f"{name}.txt")
        assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        assert manifest["period"] == report["period"]
        done = invoke("verify", folder, "--lang", "en")
        assert done.exit_code == ExitCode.OK, done.stdout
