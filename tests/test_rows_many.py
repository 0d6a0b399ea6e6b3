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


def _without_place(items: list[dict]) -> list[tuple]:
    return sorted(
        tuple(sorted((k, str(v)) for k, v in r.items() if k not in ("file", "line")))
        for r in items
    )


def test_explain_on_monthly_files_lists_the_single_files_rows(tmp_path):
    """Every kind of row, every dossier indicator: the same rows (as a multiset, their place
    aside) and figures as the single file; each split row names a file and line holding it."""
    folder, files = _monthly_folder(tmp_path)
    for ind in ("dossiers_on_time", "dossiers_online", "dossiers_digitized"):
        for kind in ("failing", "left-out", "open-due", "all"):
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
