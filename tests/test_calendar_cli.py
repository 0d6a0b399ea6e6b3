"""``cchc calendar YEAR``: the working calendar an auditor checks against the official schedule.

Expected dates and counts are worked out by hand from the government's announcements for civil
servants: New Year 2023 fell on a Sunday and was observed on Mon 02/01; Tết 2023 ran Fri 20/01 –
Thu 26/01; in 2024 Mon 29/04 was swapped for the make-up Saturday 04/05.
"""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from cchc_cli.cli.calendar import register
from cchc_cli.errors import ExitCode
from conftest import PLAN

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def invoke(*args):
    return runner.invoke(_app(), [str(a) for a in args])


def test_table_2023_days_off_and_january():
    res = invoke("calendar", "2023")
    assert res.exit_code == ExitCode.OK, res.output
    out = res.stdout
    assert "Lịch làm việc năm 2023" in out
    for day in ("02/01/2023", "20/01/2023", "26/01/2023", "04/09/2023"):
        assert day in out
    assert "Tết" in out
    # January 2023: 22 weekdays (Jan 1 was a Sunday) minus Mon 02/01 and Fri 20, Mon 23 – Thu 26
    # (Tết; 21 and 22 are the weekend anyway) = 22 - 1 - 5 = 16
    assert "│ 16 │" in out


def test_json_2023():
    res = invoke("calendar", "2023", "--format", "json")
    doc = json.loads(res.stdout)
    off = {d["date"]: d for d in doc["days_off"]}
    assert "2023-01-02" in off and "2023-01-20" in off
    assert off["2023-01-02"]["weekday"] == 1  # ISO: Monday
    assert off["2023-01-20"]["source"] == "holidays"
    assert doc["working_days_per_month"]["1"] == 16
    assert doc["make_up_days"] == []  # 2023 had no make-up Saturday
    assert doc["working_days_total"] == sum(doc["working_days_per_month"].values())


def test_2024_make_up_saturday_and_counts():
    doc = json.loads(invoke("calendar", "2024", "--format", "json", "--lang", "en").stdout)
    assert [d["date"] for d in doc["make_up_days"]] == ["2024-05-04"]
    assert doc["make_up_days"][0]["weekday"] == 6  # Saturday
    per = doc["working_days_per_month"]
    # Feb 2024: 21 weekdays (Feb 1 a Thursday, 29 days)
    # minus Tết Thu 08, Fri 09, Mon 12 – Wed 14 = 16
    assert per["2"] == 16
    # May 2024: 23 weekdays minus Wed 01/05, plus Sat 04/05 = 23
    assert per["5"] == 23
    # April 2024: 22 weekdays minus Thu 18/04 (Giỗ Tổ), Mon 29/04 (swapped), Tue 30/04 = 19
    assert per["4"] == 19


def test_english_table_names_weekdays():
    out = invoke("calendar", "2024", "--lang", "en").stdout
    assert "Make-up working days" in out and "│ 2024-05-04 │ Saturday" in out
    assert "Saturday" in out


def test_plan_local_day_off(tmp_path):
    text = PLAN.read_text(encoding="utf-8")
    assert "  days_off: {}" in text
    local = text.replace(
        "  days_off: {}", '  days_off: {"2023-03-10": "Ngày nghỉ riêng của tỉnh"}', 1
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(local, encoding="utf-8")
    doc = json.loads(invoke("calendar", "2023", "--plan", plan, "--format", "json").stdout)
    off = {d["date"]: d for d in doc["days_off"]}
    assert off["2023-03-10"] == {
        "date": "2023-03-10",
        "weekday": 5,
        "name": "Ngày nghỉ riêng của tỉnh",
        "source": "plan",
    }
    # March 2023: 23 working days (no holiday; Mar 1 a Wednesday) minus Fri 10/03 = 22
    assert doc["working_days_per_month"]["3"] == 22


def test_year_outside_the_library_is_an_error():
    res = invoke("calendar", "1800")
    assert res.exit_code == ExitCode.ERROR
    assert "1800" in res.stderr
