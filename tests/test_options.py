"""Options a script may get wrong (an unset $PERIOD, a year no calendar covers, --from outside
--period) are refused with exit 2; an unexpected exception is exit 3 through ``cchc_cli.cli.app.main``,
never the 1 a script reads as "a target failed"."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app, main
from cchc_cli.errors import CchcError, ExitCode
from cchc_cli.plan.period import resolve_period
from conftest import PLAN, ROOT, SAMPLE

runner = CliRunner()
YEAR_2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def _check(*args: str):
    return runner.invoke(app, ["check", str(SAMPLE), *args])


def _main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run the installed entry point in-process: what a shell script gets (code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["cchc", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


@pytest.mark.parametrize("value", ["", "  "])
def test_empty_period_is_an_error_not_the_whole_year(value):
    res = _check("--period", value, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert "--period is empty" in res.stderr and res.stdout == ""


@pytest.mark.parametrize(
    ("period", "first_year_in"),
    [("1800", "1901"), ("1900-12", "1901-01"), ("2101-Q1", "2100-Q4")],
)
def test_period_outside_the_calendar_years_is_refused_like_calendar(period, first_year_in):
    res = _check("--period", period, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert f"year {period[:4]} is outside 1901–2100" in res.stderr and res.stdout == ""
    assert runner.invoke(app, ["calendar", period[:4]]).exit_code == ExitCode.ERROR
    assert runner.invoke(app, ["calendar", first_year_in[:4]]).exit_code == ExitCode.OK
    lo, hi = resolve_period(first_year_in, None, None, YEAR_2023)  # the edge years still run
    assert (lo.year, hi.year) == (int(first_year_in[:4]),) * 2


def test_from_to_alone_outside_the_calendar_years_is_refused():
    with pytest.raises(CchcError) as err:
        resolve_period(None, "31/12/1900", "2023-01-31", YEAR_2023)
    assert "year 1900 is outside 1901–2100" in err.value.render("en")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "2023-04-30"], "--from 2023-04-30 is outside --period 2023-05 (2023-05-01 – 2023-05-31)"),
        (["--to", "01/06/2023"], "--to 2023-06-01 is outside --period 2023-05 (2023-05-01 – 2023-05-31)"),
        (["--from", "2023-05-02", "--to", "2024-05-10"], "--to 2024-05-10 is outside"),
    ],
)  # fmt: skip
def test_from_to_outside_the_period_is_refused(args, says):
    res = _check("--period", "2023-05", *args, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert says in res.stderr and res.stdout == ""


def test_narrowing_is_stated_in_the_table_header():
    res = _check("--period", "2023-05", "--from", "10/05/2023")
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    head = "Kỳ báo cáo: 10/05/2023 – 31/05/2023 (thu hẹp bằng --from/--to từ kỳ 2023-05: 01/05/2023 – 31/05/2023)"
    assert head in res.stdout.splitlines()
    en = _check("--period", "2023-Q2", "--to", "2023-05-15", "--lang", "en")
    head = "Period: 2023-04-01 – 2023-05-15 (narrowed by --from/--to from period 2023-Q2: 2023-04-01 – 2023-06-30)"
    assert head in en.stdout.splitlines()


def test_narrowing_is_stated_in_the_json():
    res = _check(
        "--period", "2023-Q2", "--from", "2023-05-01", "--to", "2023-05-20", "--format", "json"
    )
    assert json.loads(res.stdout)["period"] == {
        "start": "2023-05-01",
        "end": "2023-05-20",
        "kind": "calendar",
        "name": "2023-Q2",
        "cutoff_day": None,
        "narrowed_from": {"period": "2023-Q2", "start": "2023-04-01", "end": "2023-06-30"},
    }
    for args in (
        ["--period", "2023-05", "--from", "2023-05-01", "--to", "31/05/2023"],  # the same days
        ["--from", "2023-05-10", "--to", "2023-05-20"],  # no --period: they replace the year
    ):
        doc = json.loads(_check(*args, "--format", "json").stdout)
        assert set(doc["period"]) == {"start", "end", "kind", "name", "cutoff_day"}
        assert "thu hẹp" not in _check(*args).stdout


# --- warnings and internal errors, through the entry point -------------------------------------


def test_plan_warning_is_printed_on_stderr_in_the_chosen_language(monkeypatch, capsys, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        PLAN.read_text(encoding="utf-8").replace('target: ">= 98%"', 'target: ">= 0.98%"', 1),
        encoding="utf-8",
    )
    line = next(
        i for i, t in enumerate(plan.read_text(encoding="utf-8").splitlines(), 1) if "0.98%" in t
    )
    code, out, err = _main(
        monkeypatch, capsys, "check", str(SAMPLE), "--plan", str(plan), "--format", "json", "--lang", "en"
    )  # fmt: skip
    assert code == ExitCode.FAIL  # other dossier indicators of the sample still fail
    (on_time,) = [r for r in json.loads(out)["indicators"] if r["id"] == "dossiers_on_time"]
    assert on_time["status"] == "pass"  # 2732/2811 = 97.19% passes ">= 0.98%": the trap warned of
    assert err == (
        f"Warning: {plan}:{line}:13: target '>= 0.98%' is below 1% — did you mean '>= 98%'?\n"
        "  → if below 1% is meant, ignore this warning\n"
    )


def _boom(*_args, **_kwargs):
    return 1 / 0


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "internal error: ZeroDivisionError: division by zero — please report it, with the command\n"),
        ("vi", "lỗi nội bộ: ZeroDivisionError: division by zero — xin báo lại lỗi này, kèm câu lệnh đã chạy\n"),
    ],
)  # fmt: skip
def test_unexpected_exception_is_exit_3_one_line_and_no_output(
    monkeypatch, capsys, tmp_path, lang, line
):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CCHC_DEBUG", raising=False)
    monkeypatch.setattr("cchc_cli.render.json.render_json", _boom)  # after every figure is computed
    out_file, evidence = tmp_path / "out.json", tmp_path / "evidence"
    code, out, err = _main(
        monkeypatch, capsys, "check", str(SAMPLE), "--format", "json", "-o", str(out_file),
        "--evidence", str(evidence), "--lang", lang,
    )  # fmt: skip
    assert (code, out, err) == (ExitCode.INTERNAL, "", line)
    assert list(tmp_path.iterdir()) == []  # no output file, no evidence folder, no temporary file


@pytest.mark.parametrize(
    ("exc", "shown"),
    [
        (RecursionError("maximum recursion depth exceeded"), "RecursionError: maximum recursion depth exceeded"),
        (MemoryError(), "MemoryError —"),
        (ValueError("two\nlines"), "ValueError: two lines —"),
    ],
)  # fmt: skip
def test_recursion_and_memory_errors_take_the_same_path(monkeypatch, capsys, exc, shown):
    def fail(*_args, **_kwargs):
        raise exc

    monkeypatch.delenv("CCHC_DEBUG", raising=False)
    monkeypatch.setattr("cchc_cli.plan.model.load_plan", fail)
    code, out, err = _main(monkeypatch, capsys, "validate", str(SAMPLE), "--lang", "en")
    assert code == ExitCode.INTERNAL and out == ""
    assert err.startswith(f"internal error: {shown}") and err.count("\n") == 1


def test_debug_variable_adds_the_traceback(monkeypatch, capsys):
    monkeypatch.setenv("CCHC_DEBUG", "1")
    monkeypatch.setattr("cchc_cli.engine.run_wanted", _boom)  # while counting
    code, _, err = _main(monkeypatch, capsys, "check", str(SAMPLE))
    assert code == ExitCode.INTERNAL
    assert err.startswith("Traceback (most recent call last):") and "in _boom" in err
    assert err.endswith(
        "lỗi nội bộ: ZeroDivisionError: division by zero — xin báo lại lỗi này, kèm câu lệnh đã chạy\n"
    )


def test_input_errors_through_main_stay_exit_2(monkeypatch, capsys):
    code, out, err = _main(
        monkeypatch, capsys, "check", str(SAMPLE), "--period", "", "--lang", "en"
    )
    assert (code, out) == (ExitCode.ERROR, "")
    assert err.startswith("Error: --period is empty\n")
