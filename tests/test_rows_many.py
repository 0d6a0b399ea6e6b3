"""The rows behind figures from several exports counted as one and from a `cchc convert` Parquet
set: the single file's rows, each named by its own file and line."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from conftest import SAMPLE
from test_many_exports import _monthly_folder

runner = CliRunner()


def _explain(*args: str) -> dict:
    res = runner.invoke(app, ["explain", *args, "--format", "json", "--lang", "en"])
    assert res.exit_code == ExitCode.OK, res.output
    return json.loads(res.output)


def _cells_at(path: str, line: int) -> list[str]:
    """The record starting on ``line`` of a CSV file, read by Python's csv module."""
    with open(path, encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.reader(fh), start=1):
            if n == line:
                return row
    raise AssertionError(f"{path} has no line {line}")


def _without_place(items: list[dict], *also: str) -> list[tuple]:
    return sorted(
        tuple(sorted((k, str(v)) for k, v in r.items() if k not in ("file", "line", *also)))
        for r in items
    )


def test_explain_on_monthly_files_lists_the_single_files_rows(tmp_path):
    """Every class of row, of three dossier indicators: the same rows (as a multiset, their place
    aside) and figures as the single file; each split row names a file and line holding it."""
    folder, files = _monthly_folder(tmp_path)
    # "all" lists every class (the other kinds are its subsets, each tested in test_explain.py);
    # "open-due" is the one kind whose rows the query selects by the due date
    picks = [("dossiers_on_time", k) for k in ("all", "open-due", "failing")]
    picks += [(i, "all") for i in ("dossiers_online", "dossiers_digitized")]
    for ind, kind in picks:
        one = _explain(ind, str(SAMPLE), "--rows", kind)
        many = _explain(ind, str(folder), "--rows", kind)
        assert many["result"] == one["result"], (ind, kind)
        assert many["rows"]["total"] == one["rows"]["total"]
        columns = one["rows"]["columns"]
        assert many["rows"]["columns"] == [*columns[:4], "file", "line", *columns[5:]]
        assert _without_place(many["rows"]["items"]) == _without_place(one["rows"]["items"])
        assert len(many["inputs"]) == files
        assert "inputs" not in one
    # the file and line of a split row hold its dossier (checked on the failing ones)
    many = _explain("dossiers_on_time", str(folder))
    assert many["rows"]["total"] > 10
    for r in many["rows"]["items"]:
        assert r["dossier_id"] in _cells_at(r["file"], r["line"])


def test_explain_on_a_parquet_set_is_the_csvs(tmp_path):
    """A converted set is the export itself: the same JSON (its rows named by the original
    file's lines), every kind of row."""
    out = tmp_path / "set"
    res = runner.invoke(app, ["convert", str(SAMPLE), "--to", "parquet", str(out)])
    assert res.exit_code == 0, res.output
    for kind in ("failing", "left-out", "all"):
        assert _explain("dossiers_on_time", str(out), "--rows", kind) == _explain(
            "dossiers_on_time", str(SAMPLE), "--rows", kind
        )


def _evidence(tmp_path, name: str, *exports: str) -> tuple:
    out = tmp_path / name
    res = runner.invoke(app, ["check", *exports, "--format", "json", "--evidence", str(out)])
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return out, json.loads((out / "report.json").read_text(encoding="utf-8"))


def _csv(path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _verify(out) -> int:
    res = runner.invoke(app, ["verify", str(out), "--lang", "en"])
    assert "everything matches" in res.output, res.output
    return res.exit_code


def test_evidence_of_monthly_files_lists_the_single_files_rows(tmp_path):
    """`check --evidence` on a folder of exports: the single file's figures and rows, each row
    naming its file and line; verify re-runs every file and matches."""
    folder, files = _monthly_folder(tmp_path)
    one, one_report = _evidence(tmp_path, "one", str(SAMPLE))
    many, many_report = _evidence(tmp_path, "many", str(folder))
    assert many_report["indicators"] == one_report["indicators"]
    manifest = json.loads((many / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["inputs"]) == files
    names = sorted(p.name for p in one.iterdir())
    assert sorted(p.name for p in many.iterdir()) == names
    for name in names:
        if not name.endswith(".csv"):
            continue
        head_one, rows_one = _csv(one / name)
        head_many, rows_many = _csv(many / name)
        assert head_many == [*head_one[:4], "file", *head_one[4:]]
        assert _without_place(rows_many) == _without_place(rows_one), name
        for r in rows_many[:20]:
            assert r["dossier_id"] in _cells_at(r["file"], int(r["line"]))
    assert any(_csv(many / n)[1] for n in names if n.endswith(".csv"))
    assert _verify(many) == 0


def test_evidence_of_a_parquet_set_is_the_csvs(tmp_path):
    """On a converted set the evidence files are byte for byte the CSV's (the rows named by the
    original file's lines, the input its path and hash); verify re-runs from that file."""
    out = tmp_path / "set"
    assert runner.invoke(app, ["convert", str(SAMPLE), "--to", "parquet", str(out)]).exit_code == 0
    one, _ = _evidence(tmp_path, "one", str(SAMPLE))
    conv, _ = _evidence(tmp_path, "conv", str(out))
    for p in one.iterdir():
        if p.suffix == ".csv":
            assert (conv / p.name).read_bytes() == p.read_bytes(), p.name
    manifests = [json.loads((d / "manifest.json").read_text("utf-8")) for d in (one, conv)]
    assert manifests[0]["inputs"] == manifests[1]["inputs"]
    assert _verify(conv) == 0


def _report(*args: str) -> dict:
    res = runner.invoke(app, ["report", *args, "--format", "json", "--lang", "en"])
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    doc = json.loads(res.output)
    doc.pop("generated_at")
    return doc


def test_report_on_monthly_files_is_the_single_files(tmp_path):
    """Biểu 06 by field, procedure and month over the monthly files: the single file's rows,
    totals, identities and input counts (the input named by no single file)."""
    folder, _ = _monthly_folder(tmp_path)
    for args in ((), ("--by", "procedure"), ("--by", "month", "--period", "2023-Q2")):
        one, many = _report(str(SAMPLE), *args), _report(str(folder), *args)
        assert (many["input"]["path"], many["input"]["sha256"]) == ("", "")
        assert len(many["input"].pop("files")) > 12 and "files" not in one["input"]
        for doc in (one, many):
            doc["input"].pop("path"), doc["input"].pop("sha256")
        assert many == one, args
        assert one["total"]["received_total"] > 500


def test_report_on_a_parquet_set_is_the_csvs(tmp_path):
    out = tmp_path / "set"
    assert runner.invoke(app, ["convert", str(SAMPLE), "--to", "parquet", str(out)]).exit_code == 0
    for args in ((), ("--by", "month")):
        assert _report(str(out), *args) == _report(str(SAMPLE), *args)


def _page_figures(path) -> list[str]:
    """The figures the HTML page writes as data- attributes (verdicts, form cells, worklists)."""
    import re

    text = path.read_text(encoding="utf-8")
    return re.findall(r'data-(?:numerator|denominator|value|col|count|worklist|total)="[^"]*"', text)


def test_html_report_of_monthly_files_has_the_single_files_figures(tmp_path):
    folder, _ = _monthly_folder(tmp_path)
    pages = []
    for name, export in (("one", SAMPLE), ("many", folder)):
        page = tmp_path / f"{name}.html"
        res = runner.invoke(app, ["check", str(export), "--format", "html", "-o", str(page)])
        assert res.exit_code == ExitCode.FAIL, res.output
        pages.append(page)
    one, many = (_page_figures(p) for p in pages)
    assert many == one and len(one) > 50
    assert 'data-line="' in pages[1].read_text(encoding="utf-8")


def _validate(*args: str) -> dict:
    res = runner.invoke(app, ["validate", *args, "--format", "json", "--lang", "en"])
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return json.loads(res.output)


def test_validate_on_monthly_files_finds_the_single_files_problems(tmp_path):
    """Every problem of the single file, each named by its own file and line (holding its
    value), the same row counts and reconciliation."""
    folder, files = _monthly_folder(tmp_path)
    one, many = _validate(str(SAMPLE)), _validate(str(folder))
    assert len(many["inputs"]) == files and "inputs" not in one
    # columns are the file's own (every other monthly file has them reversed)
    assert _without_place(many["problems"], "column") == _without_place(one["problems"], "column")
    assert len(one["problems"]) >= 3
    dated = ("short_row", "due_before_received", "end_before_received")  # no cell as written
    checked = [p for p in many["problems"] if p["column"] and p["reason"] not in dated]
    assert len(checked) >= 3
    for p in checked:  # its file, line and column hold the cell it names
        assert _cells_at(p["file"], p["line"])[p["column"] - 1] == p["value"], p
    for key in ("rows", "accounting", "problems_by_reason", "due_dates_derived"):
        assert many[key] == one[key], key


def test_validate_on_a_parquet_set_is_the_csvs(tmp_path):
    out = tmp_path / "set"
    assert runner.invoke(app, ["convert", str(SAMPLE), "--to", "parquet", str(out)]).exit_code == 0
    assert _validate(str(out)) == _validate(str(SAMPLE))
