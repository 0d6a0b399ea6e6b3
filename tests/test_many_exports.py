"""Several exports counted as one (a folder, a glob, a list) and a `cchc convert` Parquet set:
the figures are those of the single file they hold."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from conftest import SAMPLE

runner = CliRunner()


def _json(*args: str) -> dict:
    res = runner.invoke(app, ["check", *args, "--format", "json", "--lang", "en"])
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return json.loads(res.output)


def _figures(doc: dict) -> list[tuple]:
    return [
        (i["id"], i["status"], i.get("numerator"), i.get("denominator"), i.get("left_out"))
        for i in doc["indicators"]
    ]


def _rows_of(doc: dict) -> dict[str, int]:
    """Where every row went, added up over the inputs."""
    keys = ("rows_read", "rows_used", "rows_out_of_period", "rows_not_received", "rows_left_out")
    return {k: sum(i[k] for i in doc["inputs"]) for k in keys}


def _sample_rows() -> tuple[list[str], list[list[str]]]:
    with open(SAMPLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path, header, rows, order=None):
    order = order or list(range(len(header)))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([header[i] for i in order])
        w.writerows([[r[i] for i in order] for r in rows])
    return path


def _monthly_folder(tmp_path):
    """The sample as one file per received month (as a department downloads a year), every
    other month with its columns in reverse order; rows with no usable date in their own file."""
    header, rows = _sample_rows()
    recv = header.index("Ngày tiếp nhận")
    months: dict[str, list[list[str]]] = {}
    for r in rows:
        cell = r[recv].split(" ")[0]
        key = f"{cell[6:10]}-{cell[3:5]}" if len(cell) == 10 else "khac"
        months.setdefault(key, []).append(r)
    folder = tmp_path / "thang"
    folder.mkdir()
    for n, (key, part) in enumerate(sorted(months.items())):
        order = list(range(len(header)))[::-1] if n % 2 else None
        _write(folder / f"ho-so-{key}.csv", header, part, order)
    assert sum(len(p) for p in months.values()) == len(rows) == 3005 and len(months) >= 13
    return folder, len(months)


def test_a_folder_of_monthly_files_gives_the_single_files_figures(tmp_path):
    folder, files = _monthly_folder(tmp_path)
    whole = _json(str(SAMPLE))
    split = _json(str(folder))
    assert _figures(split) == _figures(whole)
    assert len(split["inputs"]) == files
    assert _rows_of(split) == _rows_of(whole) == _rows_of(whole) | {"rows_read": 3005}
    by_month = _json(str(folder), "--by", "month")["breakdown"]
    assert by_month == _json(str(SAMPLE), "--by", "month")["breakdown"]
    pattern = _json(str(folder / "ho-so-*.csv"))  # a quoted glob: the same files
    assert _figures(pattern) == _figures(whole)


def test_an_id_repeated_across_files_is_a_duplicate_as_within_one(tmp_path):
    header, rows = _sample_rows()
    first, second = rows[:1500], rows[1500:]
    copy = list(second[0])
    copy[0] = first[10][0]  # dossier 11's id again, in the second file
    a = _write(tmp_path / "a.csv", header, first)
    b = _write(tmp_path / "b.csv", header, [copy, *second[1:]], list(range(len(header)))[::-1])
    joined = _write(tmp_path / "joined.csv", header, [*first, copy, *second[1:]])
    together = _json(str(a), str(b))
    assert _figures(together) == _figures(_json(str(joined)))
    assert _rows_of(together) == _rows_of(_json(str(joined)))
    assert _figures(together) != _figures(_json(str(SAMPLE)))  # the repeat changed something


def test_a_converted_set_gives_the_exports_figures_and_inputs(tmp_path):
    out = tmp_path / "set"
    assert runner.invoke(app, ["convert", str(SAMPLE), str(out)]).exit_code == ExitCode.OK
    whole, converted = _json(str(SAMPLE)), _json(str(out))
    assert _figures(converted) == _figures(whole)
    assert converted["inputs"] == whole["inputs"]  # the original file: path, hash, lines
    assert (
        _json(str(out), "--by", "field", "--period", "2023-Q3")["breakdown"]
        == _json(str(SAMPLE), "--by", "field", "--period", "2023-Q3")["breakdown"]
    )


def test_a_set_with_a_part_removed_is_refused(tmp_path):
    out = tmp_path / "set"
    runner.invoke(app, ["convert", str(SAMPLE), str(out)])
    next(out.glob("year=2023/month=5/*.parquet")).unlink()
    res = runner.invoke(app, ["check", str(out), "--lang", "en"])
    assert res.exit_code == ExitCode.ERROR
    assert "missing or extra rows" in res.output and "Traceback" not in res.output
