"""``check --compare PREVIOUS.json`` (issue 12 item 6): each indicator's change since an earlier
run, hand-worked on two months, in the table, JSON, Markdown and CSV; another plan, new and
dropped indicators; a previous JSON that is hostile input is exit 2, never a traceback."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from fractions import Fraction

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from conftest import SAMPLE
from register_kit import write_register

runner = CliRunner()

# April: received a1 a2 a3 (online a1 a2; all digitised); resolved all three, a2 late.
# May: received m1–m5 (online m1 m2 m3 m5; digitised all but m3); resolved m1–m4, all on time.
ROWS = [
    dict(id="a1", recv="03/04/2023", due="07/04/2023", end="05/04/2023", st="Đã trả kết quả", dig="Có"),
    dict(id="a2", recv="04/04/2023", due="07/04/2023", end="10/04/2023", st="Đã trả kết quả", dig="Có"),
    dict(id="a3", recv="05/04/2023", due="07/04/2023", end="06/04/2023", st="Đã trả kết quả", dig="Có", ch="Trực tiếp"),
    dict(id="m1", recv="04/05/2023", due="10/05/2023", end="05/05/2023", st="Đã trả kết quả", dig="Có"),
    dict(id="m2", recv="08/05/2023", due="12/05/2023", end="09/05/2023", st="Đã trả kết quả", dig="Có"),
    dict(id="m3", recv="09/05/2023", due="12/05/2023", end="10/05/2023", st="Đã trả kết quả", dig="Không"),
    dict(id="m4", recv="10/05/2023", due="12/05/2023", end="11/05/2023", st="Đã trả kết quả", dig="Có", ch="Trực tiếp"),
    dict(id="m5", recv="31/05/2023", due="07/06/2023", dig="Có"),
]  # fmt: skip

ACTUALS = """\
plan: snv-dongnai-2023
indicators:
  par_index_improved: {{value: {par}, baseline: {base}, evidence: {{document: "QĐ 612"}}}}
"""


def _iso_register(folder, n: int):
    """A procedure catalogue with ``n`` procedures under ISO 9001 (iso_processes_applied)."""
    rows = [{"procedure_code": f"P{i}", "kind": "TTHC", "iso_applied": "Có"} for i in range(n)]
    return write_register(folder, "thu_tuc", rows).parent


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def runs(export, tmp_path):
    """The export, and April's JSON as the earlier run (actuals: 12 ISO processes, PAR 84.50)."""
    path = export(ROWS)
    april = tmp_path / "april.yaml"
    april.write_text(ACTUALS.format(par=84.50, base=84.00), encoding="utf-8")
    may = tmp_path / "may.yaml"
    may.write_text(ACTUALS.format(par=86.12, base=84.50), encoding="utf-8")
    before = tmp_path / "ket-qua-thang-4.json"
    res = invoke(
        "check",
        path,
        "--period",
        "2023-04",
        "--actuals",
        april,
        "--format",
        "json",
        "-o",
        before,
        "--registers",
        _iso_register(tmp_path / "so-thang-4", 12),
    )
    assert res.exit_code == ExitCode.FAIL, res.output
    return path, may, before


def may_vs_april(runs, *args, registers=True):
    """May against April; ``registers``: May's catalogue, 9 procedures under ISO 9001."""
    path, may, before = runs
    iso = ("--registers", _iso_register(before.parent / "so-thang-5", 9)) if registers else ()
    return invoke(
        "check", path, "--period", "2023-05", "--actuals", may, "--compare", before, *iso, *args
    )


def test_json_deltas_worked_by_hand(runs):
    res = may_vs_april(runs, "--format", "json")
    assert res.exit_code == ExitCode.FAIL, res.output
    doc = json.loads(res.stdout)
    got = {i["id"]: i["compare"] for i in doc["indicators"]}
    # online: April 2/3 = 66,67% (fail), May 4/5 = 80% (pass): +13,33 points
    assert got["dossiers_online"]["previous_value"] == pytest.approx(200 / 3)
    assert got["dossiers_online"]["delta"] == pytest.approx(80 - 200 / 3)
    assert (
        got["dossiers_online"]["previous_status"],
        got["dossiers_online"]["status_changed"],
    ) == ("fail", True)
    # on time: April 2/3 (a2 late), May 4/4: +33,33 points, fail -> pass
    assert got["dossiers_on_time"]["delta"] == pytest.approx(100 - 200 / 3)
    assert got["dossiers_on_time"]["status_changed"] is True
    # digitised: April 3/3, May 4/5: −20 points exactly, pass -> fail
    assert got["dossiers_digitized"] == {
        "new": False,
        "previous_value": 100,
        "previous_status": "pass",
        "delta": -20,
        "status_changed": True,
    }
    # a count, 12 -> 9 (target >= 12: pass -> fail); a score, 84.50 -> 86.12 (both above baseline)
    assert got["iso_processes_applied"]["delta"] == -3
    assert got["par_index_improved"]["delta"] == pytest.approx(1.62)
    assert got["par_index_improved"]["status_changed"] is False
    # register indicators without figures in either run: no delta, same status
    assert got["staff_trained"] == {
        "new": False,
        "previous_value": None,
        "previous_status": "no_data",
        "delta": None,
        "status_changed": False,
    }
    _, _, before = runs
    assert doc["compare"] == {
        "path": str(before),
        "sha256": __import__("hashlib").sha256(before.read_bytes()).hexdigest(),
        "period": {
            "start": "2023-04-01",
            "end": "2023-04-30",
            "kind": "calendar",
            "name": "2023-04",
            "cutoff_day": None,
        },
        "plan_id": "snv-dongnai-2023",
        "dropped": [],
    }
    assert doc["warnings"] == []


def test_the_library_delta_is_exact(runs, plan):
    from cchc_cli import load_actuals
    from cchc_cli.compare import attach, read_previous
    from cchc_cli.plan.period import resolve_period
    from oracle.evaluate import evaluate
    from oracle.records import read_records

    path, may, before = runs
    span = resolve_period("2023-05", None, None, plan.period)
    result = attach(
        evaluate(plan, read_records(path, plan), span, load_actuals(may, plan)),
        read_previous(before),
    )
    changes = result.comparison.changes
    assert changes["dossiers_online"].delta == Fraction(40, 3)  # 80 − 200/3, from 2/3 exactly
    assert changes["dossiers_on_time"].previous_value == Fraction(200, 3)
    assert changes["par_index_improved"].delta == Fraction("1.62")


def test_the_table_has_a_change_column(runs):
    out = may_vs_april(runs).stdout
    assert "So sánh với: " in out and "ket-qua-thang-4.json (kỳ 01/04/2023 – 30/04/2023" in out
    assert "Thay đổi" in out
    flat = " ".join(out.split())  # cells may wrap
    for text in (
        "+13,33 điểm % (KHÔNG ĐẠT → ĐẠT)",
        "+33,33 điểm % (KHÔNG ĐẠT → ĐẠT)",
        "−20,00 điểm % (ĐẠT → KHÔNG ĐẠT)",
        "−3 (ĐẠT → KHÔNG ĐẠT)",
        "+1,62 điểm",
    ):
        assert text in flat or text.replace(" ", "") in out.replace(" ", ""), text
    en = may_vs_april(runs, "--lang", "en").stdout
    assert "Change" in en and "+13.33 pp (FAIL → PASS)" in " ".join(en.split())


def test_markdown_and_csv_carry_the_change(runs):
    md = may_vs_april(runs, "--format", "markdown").stdout
    line = next(x for x in md.splitlines() if x.startswith("| `dossiers_digitized`"))
    assert line.endswith("| −20,00 điểm % (ĐẠT → KHÔNG ĐẠT) |")
    assert "| Thay đổi |" in md
    text = may_vs_april(runs, "--format", "csv").stdout
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    dig = rows["dossiers_digitized"]
    assert (dig["previous_value"], dig["previous_status"], dig["delta"], dig["status_changed"]) == (
        "100.0",
        "pass",
        "-20.0",
        "true",
    )
    assert float(rows["dossiers_online"]["delta"]) == pytest.approx(40 / 3)
    assert rows["iso_processes_applied"]["new"] == "false"
    # without --compare the CSV keeps its columns
    plain = invoke("check", runs[0], "--period", "2023-05", "--format", "csv").stdout
    assert "previous_value" not in plain.splitlines()[0]


def test_the_html_page_has_the_change_column(runs, tmp_path):
    import lxml.html

    out = tmp_path / "bao-cao.html"
    res = may_vs_april(runs, "--format", "html", "-o", out)
    assert res.exit_code == ExitCode.FAIL, res.output
    doc = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    heads = [th.text_content() for th in doc.xpath('//table[@class="verdicts"]//th')]
    assert heads.index("Thay đổi so với lần trước") == heads.index("Kết quả") + 1
    change = {
        tr.get("data-indicator"): tr.xpath('td[@class="change"]')[0].text_content()
        for tr in doc.xpath('//tr[@class="indicator"]')
    }
    # the same hand-worked changes as the table's (May against April)
    assert change["dossiers_digitized"] == "−20,00 điểm % (ĐẠT → KHÔNG ĐẠT)"
    assert change["dossiers_online"] == "+13,33 điểm % (KHÔNG ĐẠT → ĐẠT)"
    assert change["iso_processes_applied"] == "−3 (ĐẠT → KHÔNG ĐẠT)"
    assert change["par_index_improved"].startswith("+1,62 điểm")
    (line,) = doc.xpath('//p[@class="context"]')
    assert line.text_content().startswith("So sánh với: ")
    assert "ket-qua-thang-4.json (kỳ 01/04/2023 – 30/04/2023" in line.text_content()
    plain = tmp_path / "plain.html"
    invoke("check", runs[0], "--period", "2023-05", "--format", "html", "-o", plain)
    page = lxml.html.fromstring(plain.read_text(encoding="utf-8"))
    assert not page.xpath('//td[@class="change"] | //p[@class="context"]')


def _edited(before, tmp_path, edit, name="edited.json"):
    doc = json.loads(before.read_text(encoding="utf-8"))
    edit(doc)
    out = tmp_path / name
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def test_new_and_dropped_indicators_and_another_plan(runs, tmp_path):
    path, _, before = runs

    def edit(doc):
        doc["plan"]["id"] = "snv-dongnai-2022"
        doc["indicators"] = [i for i in doc["indicators"] if i["id"] != "dossiers_online"]
        doc["indicators"].append({**doc["indicators"][0], "id": "old_indicator"})

    other = _edited(before, tmp_path, edit)
    res = invoke("check", path, "--period", "2023-05", "--compare", other, "--format", "json")
    doc = json.loads(res.stdout)
    got = {i["id"]: i["compare"] for i in doc["indicators"]}
    assert got["dossiers_online"] == {
        "new": True,
        "previous_value": None,
        "previous_status": None,
        "delta": None,
        "status_changed": False,
    }
    assert got["dossiers_digitized"]["delta"] == -20  # still matched by id
    assert doc["compare"]["plan_id"] == "snv-dongnai-2022"
    assert doc["compare"]["dropped"] == ["old_indicator"]
    codes = [w["code"] for w in doc["warnings"]]
    assert codes == ["compare_other_plan", "compare_dropped"]
    table = invoke("check", path, "--period", "2023-05", "--compare", other).stdout
    flat = " ".join(table.split())
    assert "Cảnh báo: lần chạy so sánh" in flat and "thuộc kế hoạch 'snv-dongnai-2022'" in flat
    assert "các chỉ tiêu được ghép theo mã" in flat
    assert "mới" in next(x for x in table.splitlines() if "dossiers_online" in x)


def test_a_cutoff_run_compared_with_a_calendar_run_says_so(runs, tmp_path):
    path, _, before = runs
    res = invoke(
        "check", path, "--period", "2023-05", "--cutoff", "--compare", before, "--format", "json"
    )
    assert [w["code"] for w in json.loads(res.stdout)["warnings"]] == ["compare_other_kind"]


def test_the_evidence_folder_is_the_run_itself_and_verifies(runs, tmp_path):
    folder = tmp_path / "ev"
    res = may_vs_april(
        runs,
        "--evidence",
        folder,
        "--format",
        "json",
        "-o",
        tmp_path / "out.json",
        registers=False,  # evidence of the export alone, for now
    )
    assert res.exit_code == ExitCode.FAIL, res.output
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["compare"] is None
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["compare"] is not None
    assert invoke("verify", folder).exit_code == ExitCode.OK


def test_compare_never_overwrites_the_earlier_run(runs):
    path, _, before = runs
    kept = before.read_bytes()
    res = invoke("check", path, "--compare", before, "-o", before, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR and "one of the input files" in res.stderr
    assert before.read_bytes() == kept


@pytest.mark.parametrize("width", [60, 80, 100, 120, 150, 170, 200])
def test_the_change_column_never_cuts_the_table(runs, plan, width):
    from cchc_cli import load_actuals
    from cchc_cli.compare import attach, read_previous
    from cchc_cli.render.table import render_table
    from oracle.evaluate import evaluate
    from oracle.records import read_records

    path, may, before = runs
    may_span = (dt.date(2023, 5, 1), dt.date(2023, 5, 31))
    result = evaluate(plan, read_records(path, plan), may_span, load_actuals(may, plan))
    text = render_table(attach(result, read_previous(before)), "vi", width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    assert "+13,33" in text and "−20,00" in text  # online's and digitised's changes


# -- a previous JSON is hostile input -------------------------------------------------------


def _good(before) -> dict:
    return json.loads(before.read_text(encoding="utf-8"))


def _set(doc, path, value):
    where = doc
    for key in path[:-1]:
        where = where[key]
    where[path[-1]] = value
    return doc


HOSTILE = {
    "not json": (b"{not json", "not JSON"),
    "binary": (b"\xff\xfe\x00\x01PK\x03\x04", "not UTF-8"),
    "empty": (b"", "not JSON"),
    "deep": (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    "deep object": (b'{"a":' * 200_000 + b"1" + b"}" * 200_000, "nested too deeply"),
    "huge float": (b'{"schema_version": 1e999999}', "out of range"),
    "tiny float": (b'{"schema_version": 1e-999999999}', "out of range"),
    "huge int": (b'{"schema_version": ' + b"9" * 5000 + b"}", "number too long"),
    "nan": (b'{"schema_version": NaN}', "'NaN' is not a number"),
    "infinity": (b'{"schema_version": -Infinity}', "is not a number"),
    "a list": (b"[1, 2, 3]", "is not the output of cchc check --format json"),
    "a form 06": (b'{"schema_version": 1, "rows": []}', "is not the output of cchc check"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_unreadable_previous_json_is_exit_2_with_file_and_reason(runs, tmp_path, case):
    path, _, _ = runs
    data, says = HOSTILE[case]
    bad = tmp_path / "previous.json"
    bad.write_bytes(data)
    out = tmp_path / "out.json"
    res = invoke("check", path, "--compare", bad, "-o", out, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR, (res.output, res.exception)
    assert isinstance(res.exception, SystemExit)  # no traceback
    assert f"{bad}" in res.stderr and "cannot use the earlier run (--compare)" in res.stderr
    assert says in res.stderr, res.stderr
    assert not out.exists()


WRONG = {
    "schema version": (["schema_version"], 2, "schema_version version 2 is not supported"),
    "schema bool": (["schema_version"], True, "schema_version must be a whole number"),
    "indicators": (["indicators"], "x", "indicators must be a list"),
    "plan id": (["plan", "id"], 7, "plan.id must be a string"),
    "period": (["period", "start"], "2023-02-30", "period.start must be a date"),
    "period order": (["period", "end"], "2022-01-01", "period.end is before start"),
    "kind": (["period", "kind"], "weekly", "period.kind must be calendar or cutoff"),
    "status": (["indicators", 9, "status"], "ok", "indicators[9].status must be pass, fail or no_data"),
    "value text": (["indicators", 9, "value"], "97", "indicators[9].value must be a number or null"),
    "value bool": (["indicators", 9, "value"], True, "indicators[9].value must be a number or null"),
    "value null": (["indicators", 9, "value"], None, "must be null exactly when status is no_data"),
    "value forged": (["indicators", 9, "value"], 99.9, "differs from numerator × 100 / denominator"),
    "entry": (["indicators", 9], [], "indicators[9] must be an object"),
    "id": (["indicators", 9, "id"], "", "indicators[9].id must be an indicator id"),
    "duplicate": (["indicators", 10, "id"], "dossiers_digitized", "'dossiers_digitized' is repeated"),
    "measure": (["indicators", 9, "measure"], "percent", "must be ratio, count or score"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_types_and_forged_figures_are_exit_2(runs, tmp_path, case):
    path, _, before = runs
    keys, value, says = WRONG[case]
    doc = _good(before)
    assert doc["indicators"][9]["id"] == "dossiers_digitized"  # the fixture's layout
    bad = _edited(before, tmp_path, lambda d: _set(d, keys, value))
    res = invoke("check", path, "--compare", bad, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR, res.output
    assert isinstance(res.exception, SystemExit)
    assert f"{bad}" in res.stderr and says in res.stderr, res.stderr


def test_missing_file_directory_and_too_big(runs, tmp_path, monkeypatch):
    path, _, before = runs
    for target, says in (
        (tmp_path / "gone.json", "cannot open the file"),
        (tmp_path, "cannot open"),
    ):
        res = invoke("check", path, "--compare", target, "--lang", "en")
        assert res.exit_code == ExitCode.ERROR and says in res.stderr, res.stderr
    import cchc_cli.compare as compare

    monkeypatch.setattr(compare, "MAX_BYTES", 100)
    res = invoke("check", path, "--compare", before, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR and "the file is too big" in res.stderr


def test_an_older_check_json_without_kind_is_a_calendar_run(runs, tmp_path):
    path, _, before = runs

    def edit(doc):
        doc["period"] = {"start": "2023-04-01", "end": "2023-04-30"}
        for i in doc["indicators"]:
            i.pop("compare")

    old = _edited(before, tmp_path, edit)
    doc = json.loads(
        invoke("check", path, "--period", "2023-05", "--compare", old, "--format", "json").stdout
    )
    assert doc["compare"]["period"]["kind"] == "calendar" and doc["warnings"] == []


def test_the_sample_compared_with_itself_is_unchanged(tmp_path):
    before = tmp_path / "q1.json"
    invoke("check", SAMPLE, "--period", "2023-Q1", "--format", "json", "-o", before)
    doc = json.loads(
        invoke(
            "check", SAMPLE, "--period", "2023-Q1", "--compare", before, "--format", "json"
        ).stdout
    )
    dossier = [i for i in doc["indicators"] if i["source"] == "dossiers"]
    assert dossier and all(i["compare"]["delta"] == 0 for i in dossier if i["value"] is not None)
    assert not any(i["compare"]["status_changed"] for i in doc["indicators"])
