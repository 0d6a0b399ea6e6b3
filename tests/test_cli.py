"""The check command as scripts and staff use it: options, formats, exit codes, bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from conftest import ACTUALS, REGISTERS_REL, ROOT, SAMPLE, write_export

runner = CliRunner()
SAMPLE_REL = "sample_data/ho-so-mot-cua-2023.csv"
ACTUALS_REL = "sample_data/actuals2023.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def invoke(*args):
    return runner.invoke(app, list(args))


def test_sample_table_is_vietnamese_and_fails():
    res = invoke("check", SAMPLE_REL)
    assert res.exit_code == ExitCode.FAIL  # on time 97,19% < 98%
    out = res.stdout
    assert "Kế hoạch Cải cách hành chính Sở Ngoại vụ năm 2023" in out
    assert "Kỳ báo cáo: 01/01/2023 – 31/12/2023" in out
    assert "KHÔNG ĐẠT" in out and "CHƯA CÓ DỮ LIỆU" in out
    assert "97,19%" in out  # 2732/2811 = 97.1896…
    assert "2.732/2.811" in out
    assert "đọc 3.005 dòng" in out


def test_english_table():
    res = invoke("check", SAMPLE_REL, "--lang", "en", "--actuals", ACTUALS_REL)
    assert res.exit_code == ExitCode.FAIL
    assert (
        "97.19%" in res.stdout
        and "FAIL" in res.stdout
        and "Dossiers resolved on time" in res.stdout
    )


def test_json_schema_and_values():
    res = invoke(
        "check",
        SAMPLE_REL,
        "--format",
        "json",
        "--actuals",
        ACTUALS_REL,
        "--registers",
        REGISTERS_REL,
    )
    assert res.exit_code == ExitCode.FAIL
    doc = json.loads(res.stdout)
    assert doc["schema_version"] == 1
    assert set(doc) == {
        "schema_version",
        "tool",
        "plan",
        "period",
        "inputs",
        "actuals",
        "summary",
        "warnings",
        "compare",
        "indicators",
        "generated_at",
    }
    assert doc["period"] == {
        "start": "2023-01-01",
        "end": "2023-12-31",
        "kind": "calendar",
        "name": "2023",  # the plan's year
        "cutoff_day": None,
    }
    assert doc["warnings"] == [] and doc["compare"] is None  # the export reaches 29/12/2023
    inp = doc["inputs"][0]
    assert inp["sha256"] == __import__("hashlib").sha256(SAMPLE.read_bytes()).hexdigest()
    assert inp["rows_read"] == 3005
    assert (
        inp["rows_read"]
        == inp["rows_used"]
        + inp["rows_out_of_period"]
        + inp["rows_not_received"]
        + inp["rows_left_out"]
    )
    ind = {i["id"]: i for i in doc["indicators"]}
    assert len(ind) == 31
    assert ind["dossiers_on_time"]["status"] == "fail"
    assert ind["dossiers_on_time"]["value"] == 273200 / 2811  # exact ratio, correctly rounded
    assert ind["dossiers_on_time"]["target"] == {"op": ">=", "value": 98, "unit": "percent"}
    assert ind["par_index_improved"]["status"] == "pass"
    assert (
        ind["par_index_improved"]["value"] == 86.12
        and ind["par_index_improved"]["baseline"] == 84.5
    )
    assert ind["staff_trained"]["status"] == "fail"  # 24/32, counted from the registers
    assert (ind["staff_trained"]["source"], ind["staff_trained"]["numerator"]) == ("registers", 24)
    assert ind["center_self_financed"]["evidence"]["document"]  # typed, with its evidence
    assert doc["summary"] == {"pass": 25, "fail": 6, "no_data": 0}  # as the README shows


def test_without_actuals_register_indicators_are_no_data_never_pass():
    doc = json.loads(invoke("check", SAMPLE_REL, "--format", "json").stdout)
    typed = [i for i in doc["indicators"] if i["source"] == "actuals"]
    assert len(typed) == 2
    assert {(i["status"], i["reason"]) for i in typed} == {("no_data", "no_actuals")}
    counted = [i for i in doc["indicators"] if i["source"] == "registers"]
    assert len(counted) == 22
    assert {(i["status"], i["reason"]) for i in counted} == {("no_data", "no_register")}


def test_strict_fails_on_no_data(export):
    path = export(
        [
            dict(
                recv="02/05/2023",
                due="10/05/2023",
                end="09/05/2023",
                dig="Có",
                eres="Có",
                rdig="Có",
                sat="Hài lòng",
            )
        ]
    )
    plain = invoke("check", str(path), "--period", "2023-05")
    # every dossier figure passes; late dossiers (none) and register indicators are no_data
    assert plain.exit_code == ExitCode.OK, plain.stdout
    assert invoke("check", str(path), "--period", "2023-05", "--strict").exit_code == ExitCode.FAIL


def test_json_is_deterministic_but_for_generated_at():
    a = json.loads(invoke("check", SAMPLE_REL, "--format", "json").stdout)
    b = json.loads(invoke("check", SAMPLE_REL, "--format", "json").stdout)
    a.pop("generated_at"), b.pop("generated_at")
    assert a == b


def test_golden_json():
    res = invoke(
        "check",
        SAMPLE_REL,
        "--format",
        "json",
        "--actuals",
        ACTUALS_REL,
        "--period",
        "2023-Q2",
        "--registers",
        REGISTERS_REL,
    )
    doc = json.loads(res.stdout)
    for volatile in ("generated_at",):
        doc.pop(volatile)
    doc["plan"].pop("path")  # where the package is installed
    doc["tool"].pop("version")
    golden = ROOT / "tests" / "golden" / "check-sample-2023-Q2.json"
    if os.environ.get("CCHC_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert doc == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("period", "args", "start", "end"),
    [
        ("2023-Q2", [], "2023-04-01", "2023-06-30"),
        ("2023-05", [], "2023-05-01", "2023-05-31"),
        ("2024-02", [], "2024-02-01", "2024-02-29"),
        (None, ["--from", "2023-03-15", "--to", "31/03/2023"], "2023-03-15", "2023-03-31"),
    ],
)
def test_periods(period, args, start, end):
    extra = ["--period", period] if period else []
    doc = json.loads(invoke("check", SAMPLE_REL, "--format", "json", *extra, *args).stdout)
    # a calendar period, named by --period (bare --from/--to name none)
    assert doc["period"] == {
        "start": start,
        "end": end,
        "kind": "calendar",
        "name": period,
        "cutoff_day": None,
    }


def test_csv_and_markdown_formats():
    res = invoke("check", SAMPLE_REL, "--format", "csv")
    assert res.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(res.stdout.lstrip("\ufeff"))))
    assert len(rows) == 31
    on_time = next(r for r in rows if r["id"] == "dossiers_on_time")
    assert (on_time["numerator"], on_time["denominator"], on_time["status"]) == (
        "2732",
        "2811",
        "fail",
    )
    assert (on_time["target_op"], on_time["target_value"]) == ("ge", "98")
    digitized = next(r for r in rows if r["id"] == "dossiers_digitized")
    assert digitized["target_op"] == "eq"  # a word: "=" would be a formula to Excel
    md = invoke("check", SAMPLE_REL, "--format", "markdown").stdout
    assert "| `dossiers_on_time` | 2.1 |" in md and "97,19%" in md


def test_output_file_written_atomically(tmp_path):
    out = tmp_path / "result.json"
    res = invoke("check", SAMPLE_REL, "--format", "json", "--output", str(out))
    assert res.exit_code == ExitCode.FAIL
    assert res.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["inputs"][0]["rows_read"] == 3005
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_bad_input_leaves_no_output_file(tmp_path):
    out = tmp_path / "result.json"
    res = invoke("check", str(tmp_path / "missing.csv"), "--format", "json", "--output", str(out))
    assert res.exit_code == ExitCode.ERROR
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert "missing.csv" in res.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--period", "2023-13"], "kỳ báo cáo không hợp lệ"),
        (["--from", "2023-05-40"], "--from: ngày không hợp lệ"),
        (["--from", "2023-06-01", "--to", "2023-05-01"], "trước khi bắt đầu"),
        (["--plan", "nope.yaml"], "nope.yaml"),
        (["--actuals", "nope.yaml"], "nope.yaml"),
        (["--format", "pdf"], "pdf"),
    ],
)
def test_usage_errors_exit_2(args, says):
    res = invoke("check", SAMPLE_REL, *args)
    assert res.exit_code == ExitCode.ERROR
    assert says in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_missing_required_column_lists_headers(export):
    path = export([dict(recv="02/05/2023")], columns=["recv", "ch"])
    res = invoke("check", str(path), "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert "missing column 'Mã hồ sơ'" in res.stderr
    assert "Ngày tiếp nhận" in res.stderr  # the headers found are listed


def test_actuals_mistakes_are_located(tmp_path):
    bad = tmp_path / "a.yaml"
    bad.write_text(
        "indicators:\n  par_index_improvd:\n    value: 1\n    baseline: 2\n", encoding="utf-8"
    )
    res = invoke("check", SAMPLE_REL, "--actuals", str(bad), "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert f"{bad}:2:3:" in res.stderr and "did you mean 'par_index_improved'" in res.stderr
    bad.write_text(
        "indicators:\n  dossiers_on_time:\n    numerator: 1\n    denominator: 2\n", encoding="utf-8"
    )
    res = invoke("check", SAMPLE_REL, "--actuals", str(bad), "--lang", "en")
    assert res.exit_code == ExitCode.ERROR and "computed from the dossier export" in res.stderr


def test_empty_input_is_an_error_not_a_verdict(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    res = invoke("check", str(empty))
    assert res.exit_code == ExitCode.ERROR
    assert "empty.csv" in res.stderr


def test_header_only_is_an_error_for_every_command(tmp_path):
    """A monthly script must not take an empty export for a clean month."""
    path = write_export(tmp_path / "h.csv", [])
    for args in (
        ["check", str(path)],
        ["check", str(path), "--format", "json"],
        ["validate", str(path)],
        ["explain", "dossiers_on_time", str(path)],
        ["report", str(path)],
    ):
        res = invoke(*args, "--lang", "en")
        assert res.exit_code == ExitCode.ERROR, args
        assert "no dossiers" in res.stderr and "h.csv" in res.stderr
        assert res.stdout == ""


def test_help_lists_commands():
    res = invoke("--help")
    assert res.exit_code == 0 and "check" in res.stdout


@pytest.mark.skipif(shutil.which("cchc") is None, reason="cchc not installed on PATH")
def test_installed_console_script(tmp_path):
    """One real subprocess: the installed `cchc` entry point, from another folder."""
    out = tmp_path / "r.json"
    proc = subprocess.run(
        [
            "cchc",
            "check",
            str(SAMPLE),
            "--actuals",
            str(ACTUALS),
            "--format",
            "json",
            "-o",
            str(out),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["fail"] >= 1
    bad = subprocess.run(
        ["cchc", "check", "nope.csv"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_by_month_equals_one_run_per_month():
    doc = json.loads(
        invoke(
            "check", SAMPLE_REL, "--format", "json", "--period", "2023-Q2", "--by", "month"
        ).stdout
    )
    groups = doc["breakdown"]["groups"]
    assert [g["group"] for g in groups] == ["2023-04", "2023-05", "2023-06"]
    for g in groups:
        alone = json.loads(
            invoke("check", SAMPLE_REL, "--format", "json", "--period", g["group"]).stdout
        )
        want = {
            i["id"]: (i["numerator"], i["denominator"])
            for i in alone["indicators"]
            if i["source"] == "dossiers"
        }
        assert {i["id"]: (i["numerator"], i["denominator"]) for i in g["indicators"]} == want


def test_by_field_adds_up_to_the_whole():
    doc = json.loads(invoke("check", SAMPLE_REL, "--format", "json", "--by", "field").stdout)
    groups = doc["breakdown"]["groups"]
    assert len(groups) == 4  # the sample's four lĩnh vực
    for ind in (i for i in doc["indicators"] if i["source"] == "dossiers"):
        parts = [next(x for x in g["indicators"] if x["id"] == ind["id"]) for g in groups]
        assert sum(p["numerator"] for p in parts) == ind["numerator"]
        assert sum(p["denominator"] for p in parts) == ind["denominator"]
        assert sum(p["left_out"] for p in parts) == ind["left_out"]


def test_by_in_table_csv_markdown():
    table = invoke("check", SAMPLE_REL, "--by", "field").stdout
    assert "Theo lĩnh vực" in table and "Công tác lãnh sự" in table
    rows = list(
        csv.DictReader(
            io.StringIO(
                invoke("check", SAMPLE_REL, "--format", "csv", "--by", "month").stdout.lstrip(
                    "\ufeff"
                )
            )
        )
    )
    assert len(rows) == 7 + 12 * 7  # the whole year first (empty month), then each month
    assert (
        rows[0]["month"] == ""
        and rows[0]["start"] == "2023-01-01"
        and rows[7]["month"] == "2023-01"
    )
    assert (
        "## Theo tháng"
        in invoke("check", SAMPLE_REL, "--format", "markdown", "--by", "month").stdout
    )


def test_output_to_a_device_is_written_in_place(tmp_path):
    res = invoke("check", SAMPLE_REL, "--format", "json", "-o", os.devnull)
    assert res.exit_code == ExitCode.FAIL
    assert not os.path.isfile(os.devnull)  # still the device, not replaced by a file


def test_output_file_mode_follows_umask(tmp_path):
    out = tmp_path / "r.json"
    old = os.umask(0o022)
    try:
        invoke("check", SAMPLE_REL, "--format", "json", "-o", str(out))
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_bad_output_leaves_no_evidence(tmp_path):
    ev = tmp_path / "ev"
    res = invoke("check", SAMPLE_REL, "--evidence", str(ev), "-o", str(tmp_path))
    assert res.exit_code == ExitCode.ERROR
    assert not ev.exists()


def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        res = invoke("check", SAMPLE_REL, "--format", "json", "-o", str(ro / "x.json"))
        if os.geteuid() == 0:  # root writes anywhere: only the success path can be seen
            assert res.exit_code == ExitCode.FAIL
        else:
            assert res.exit_code == ExitCode.ERROR and "Traceback" not in res.stderr
    finally:
        ro.chmod(0o755)


def test_actuals_numerator_above_denominator_only_where_it_can_be(tmp_path):
    plan = tmp_path / "plan.yaml"  # a typed ratio that cannot pass 100%
    plan.write_text(
        "extends: plan2023\nindicators:\n  - id: typed_share\n    section: '9'\n"
        "    title: Tỷ lệ nhập tay\n    target: '= 100%'\n    source: actuals\n",
        encoding="utf-8",
    )
    bad = tmp_path / "a.yaml"
    bad.write_text(
        "indicators:\n  typed_share: {numerator: 40, denominator: 32}\n", encoding="utf-8"
    )
    res = invoke("check", SAMPLE_REL, "--plan", str(plan), "--actuals", str(bad), "--lang", "en")
    assert res.exit_code == ExitCode.ERROR and "exceeds denominator" in res.stderr
    ok = tmp_path / "b.yaml"
    ok.write_text(
        "indicators:\n  center_self_financed: {numerator: 3850, denominator: 3620}\n",
        encoding="utf-8",
    )
    doc = json.loads(invoke("check", SAMPLE_REL, "--actuals", str(ok), "--format", "json").stdout)
    center = next(i for i in doc["indicators"] if i["id"] == "center_self_financed")
    assert center["status"] == "pass" and center["value"] == 3850 * 100 / 3620


def test_plan_that_is_not_a_plan(tmp_path):
    res = invoke("check", SAMPLE_REL, "--plan", SAMPLE_REL, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert "not a plan YAML file" in res.stderr or "YAML" in res.stderr


def test_unknown_indicator_lists_ids():
    res = invoke("explain", "zzzz", SAMPLE_REL, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR and "dossiers_on_time" in res.stderr


@pytest.mark.parametrize("width", [60, 80, 100, 120, 149, 150, 160, 200])
def test_table_never_cuts_text(width):
    """Every indicator's value and verdict is visible at every width (rich would crop a table
    wider than the screen without a sign)."""
    import re

    from cchc_cli import load_actuals, load_plan
    from cchc_cli.render import fmt_value
    from cchc_cli.render.table import render_table
    from oracle.evaluate import breakdown, evaluate
    from oracle.records import read_records

    plan = load_plan()
    records = read_records(SAMPLE, plan)
    result = evaluate(plan, records, plan.period, load_actuals(ACTUALS, plan))
    groups = ("month", breakdown(plan, records, plan.period, "month"))
    text = render_table(result, "vi", width=width, breakdown=groups)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text  # nothing elided
    verdicts = re.findall(r"KHÔNG ĐẠT|CHƯA CÓ DỮ|(?<!KHÔNG )ĐẠT", text)
    assert len(verdicts) == 31 + 3  # one per indicator, three in the summary line
    for r in result.indicators:
        assert fmt_value(r, "vi") in text, r.indicator.id
    for g in groups[1]:  # every month row of the breakdown
        assert g.key in text


def test_period_without_dossiers_warns():
    out = invoke("check", SAMPLE_REL, "--period", "2025").stdout
    assert "không có hồ sơ nào tiếp nhận hay giải quyết trong kỳ này" in out
    assert "tệp có đúng kỳ" not in invoke("check", SAMPLE_REL, "--period", "2023-05").stdout


def test_output_never_overwrites_an_input(tmp_path):
    victim = tmp_path / "export.csv"
    victim.write_bytes(SAMPLE.read_bytes())
    for args in (
        ["check", str(victim)],
        ["validate", str(victim)],
        ["report", str(victim)],
        ["explain", "dossiers_on_time", str(victim)],
    ):
        res = invoke(*args, "-o", str(victim), "--lang", "en")
        assert res.exit_code == ExitCode.ERROR and "one of the input files" in res.stderr, args
    assert victim.read_bytes() == SAMPLE.read_bytes()


def test_replaced_output_keeps_its_mode(tmp_path):
    out = tmp_path / "keep.json"
    out.write_text("{}", encoding="utf-8")
    out.chmod(0o640)
    invoke("check", SAMPLE_REL, "--format", "json", "-o", str(out))
    assert out.stat().st_mode & 0o777 == 0o640 and out.read_text(encoding="utf-8") != "{}"


@pytest.mark.skipif(shutil.which("cchc") is None, reason="cchc not installed on PATH")
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["check", "x.csv", "--format", "xml"], "Lỗi cách dùng: 'xml' không phải một giá trị"),
        (["check", "x.csv", "--format", "xml", "--lang", "en"], "Usage error: 'xml' is not one"),
        (["check", "x.csv", "--bogus"], "→ xem: cchc check --help"),
        (["nonexistent"], "(xem: cchc --help)"),
        (["calendar", "abc"], "Lỗi cách dùng: YEAR: 'abc' không phải một số nguyên"),
    ],
)
def test_usage_errors_of_the_installed_command(args, says, tmp_path):
    proc = subprocess.run(["cchc", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert says in proc.stderr and "Traceback" not in proc.stderr
