"""`cchc convert EXPORT --to parquet DIR`: the export's cells, partitioned by received month."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter

import duckdb
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from conftest import SAMPLE, write_export

runner = CliRunner()


def _convert(*args: str):
    return runner.invoke(app, ["convert", *args])


def _csv_rows(path) -> list[list[str]]:
    """The data rows as Python's csv module reads them, each with its line (no embedded newlines
    in the sample: line = row number + 1)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return [[str(i + 2), *(c.strip() for c in row)] for i, row in enumerate(rows[1:])]


def _month_of(cell: str) -> str:
    """The received date's month, read independently of cchc (dd/mm/yyyy[ hh:mm])."""
    try:
        day = dt.datetime.strptime(cell.split(" ")[0], "%d/%m/%Y").date()
    except ValueError:
        return ""
    return f"{day:%Y-%m}"


def test_the_set_holds_every_cell_of_the_export_under_its_received_month(tmp_path):
    out = tmp_path / "set"
    res = _convert(str(SAMPLE), "--to", "parquet", str(out), "--lang", "en")
    assert res.exit_code == ExitCode.OK, res.output
    assert res.output.startswith(f"Wrote 3005 dossiers to {out} (")

    expected = _csv_rows(SAMPLE)
    got = duckdb.sql(
        f"SELECT * FROM read_parquet('{out}/**/*.parquet', hive_partitioning=true) ORDER BY _line"
    )
    names = got.columns
    rows = got.fetchall()
    assert len(rows) == len(expected) == 3005
    width = len(expected[0]) - 1
    for want, row in zip(expected, rows, strict=True):
        cells = dict(zip(names, row, strict=True))
        assert str(cells["_line"]) == want[0]
        assert [cells[str(i)] for i in range(width)] == want[1:]
        month = _month_of(want[5])  # Ngày tiếp nhận, the fifth column
        part = f"{cells['year']:04d}-{cells['month']:02d}" if cells["year"] is not None else ""
        assert part == month, want[0]

    doc = json.loads((out / "_cchc.json").read_text(encoding="utf-8"))
    assert doc["rows"] == dict(sorted(Counter(_month_of(r[5]) for r in expected).items()))
    assert doc["table"]["path"] == str(SAMPLE) and doc["table"]["rows"] == 3005


def test_an_unrelated_folder_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    res = _convert(str(SAMPLE), str(out), "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert "holds other files" in res.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_an_earlier_set_is_replaced_whole(tmp_path):
    out = tmp_path / "set"
    small = write_export(
        tmp_path / "small.csv",
        [{"id": "A1", "recv": "05/03/2023", "st": "Đang xử lý"}],
    )
    assert _convert(str(SAMPLE), str(out)).exit_code == ExitCode.OK
    assert _convert(str(small), str(out)).exit_code == ExitCode.OK
    parts = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    assert parts == ["year=2023/month=3/part-0.parquet"]  # nothing of the first set is left


def test_bad_or_empty_exports_leave_no_folder(tmp_path):
    header_only = tmp_path / "empty.csv"
    header_only.write_text(SAMPLE.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02 not an export")
    for bad in (header_only, garbage, tmp_path / "missing.csv"):
        out = tmp_path / f"set-{bad.stem}"
        res = _convert(str(bad), str(out), "--lang", "en")
        assert res.exit_code == ExitCode.ERROR, res.output
        assert "Traceback" not in res.output
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
