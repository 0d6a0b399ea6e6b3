"""Parquet written by another system (typed columns, not ``cchc convert``'s text cells) as an
export: the sample with real dates, timestamps, integers and booleans, in one file and as a
hive-partitioned folder, gives the CSV's figures; a column no export can hold is exit 2."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from conftest import SAMPLE

runner = CliRunner()
YES_NO = {"Có": True, "Không": False, "": None}


def _when(cell: str) -> dt.datetime | dt.date | None:
    """dd/mm/yyyy[ HH:MM] read independently of cchc; ValueError if it is neither."""
    if not cell:
        return None
    if " " in cell:
        return dt.datetime.strptime(cell, "%d/%m/%Y %H:%M")
    return dt.datetime.strptime(cell, "%d/%m/%Y").date()


def _typed(values: list[str]) -> pa.Array:
    """The strongest type every cell of a column fits: timestamp, date, integer, boolean, text."""
    try:
        parsed = [_when(v) for v in values]
    except ValueError:
        parsed = None
    if parsed is not None and any(p is not None for p in parsed):
        if any(isinstance(p, dt.datetime) for p in parsed):
            stamps = [
                p if isinstance(p, dt.datetime) or p is None else dt.datetime.combine(p, dt.time())
                for p in parsed
            ]
            return pa.array(stamps, pa.timestamp("us"))
        return pa.array(parsed, pa.date32())
    if all(v.isdigit() or not v for v in values):
        return pa.array([int(v) if v else None for v in values], pa.int64())
    if all(v in YES_NO for v in values) and any(values):
        return pa.array([YES_NO[v] for v in values], pa.bool_())
    return pa.array(values, pa.string())


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    with open(SAMPLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    columns = {h: _typed([r[i].strip() for r in body]) for i, h in enumerate(header)}
    table = pa.table(columns)
    kinds = {str(f.type) for f in table.schema}
    assert {"timestamp[us]", "int64", "bool", "string"} <= kinds, kinds  # the test types them
    folder = tmp_path_factory.mktemp("typed")
    pq.write_table(table, folder / "ho-so.parquet")
    year = pa.array([r[4][6:10] or "none" for r in body])  # received year, as the path holds it
    ds.write_dataset(
        table.append_column("nam", year),
        folder / "theo-nam",
        format="parquet",
        partitioning=ds.partitioning(pa.schema([("nam", pa.string())]), flavor="hive"),
    )
    return folder, len(body)


def _figures(*args: str) -> dict:
    res = runner.invoke(app, ["check", *args, "--format", "json"])
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    doc = json.loads(res.stdout)
    return {
        i["id"]: (i["numerator"], i["denominator"], i["left_out"], i["left_out_by"], i["status"])
        for i in doc["indicators"]
    }, doc["inputs"]


def test_a_typed_parquet_file_gives_the_csv_figures(typed):
    folder, rows = typed
    want, _ = _figures(str(SAMPLE))
    path = folder / "ho-so.parquet"
    got, (export,) = _figures(str(path))
    assert got == want
    assert (export["format"], export["header_line"], export["rows_read"]) == ("parquet", 0, rows)
    assert export["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_hive_partitioned_typed_folder_gives_the_csv_figures(typed):
    folder, rows = typed
    want, _ = _figures(str(SAMPLE))
    got, parts = _figures(str(folder / "theo-nam"))
    assert got == want
    # December 2022, 2023, and the dossiers with no received date (under nam=none)
    assert [Path(i["path"]).parent.name for i in parts] == ["nam=2022", "nam=2023", "nam=none"]
    assert sum(i["rows_read"] for i in parts) == rows


def test_a_time_zone_timestamp_is_the_local_wall_clock(tmp_path):
    # 22:00 UTC on 31/12/2022 is 05:00 on 1/1/2023 in Vietnam (UTC+7): received in 2023
    hcm = pa.timestamp("s", tz="Asia/Ho_Chi_Minh")
    instants = [dt.datetime(2022, 12, 31, 22, 0), dt.datetime(2023, 1, 2, 1, 0)]  # UTC
    table = pa.table(
        {
            "Mã hồ sơ": ["a", "b"],
            "Ngày tiếp nhận": pa.array(instants, pa.timestamp("s", tz="UTC")).cast(hcm),
            "Ngày hẹn trả": pa.array([dt.date(2023, 1, 5), dt.date(2023, 1, 5)], pa.date32()),
            "Ngày kết thúc xử lý": pa.array([dt.date(2023, 1, 3), dt.date(2023, 1, 3)]),
            "Trạng thái": ["Đã trả kết quả", "Đã trả kết quả"],
            "Hình thức nộp": ["Trực tuyến", "Trực tiếp"],
        }
    )
    path = tmp_path / "tz.parquet"
    pq.write_table(table, path)
    got, _ = _figures(str(path), "--period", "2023")
    # both received in 2023 (a online, b in person); read as UTC, a would fall in 2022: 0/1
    assert got["dossiers_online"][:2] == (1, 2)
    # the same instants stored in UTC: still Vietnam's dates
    utc = table.set_column(1, "Ngày tiếp nhận", pa.array(instants, pa.timestamp("s", tz="UTC")))
    pq.write_table(utc, path)
    got, _ = _figures(str(path), "--period", "2023")
    assert got["dossiers_online"][:2] == (1, 2)


def test_a_column_no_export_can_hold_is_exit_2_naming_it(tmp_path):
    table = pa.table({"Mã hồ sơ": ["a"], "Ghi chú": pa.array([[1, 2]], pa.list_(pa.int64()))})
    path = tmp_path / "list.parquet"
    pq.write_table(table, path)
    res = runner.invoke(app, ["check", str(path), "--lang", "en"])
    assert res.exit_code == ExitCode.ERROR, res.output
    assert "column 'Ghi chú' has type list<" in res.output
    assert "Traceback" not in res.output


def test_typed_cells_are_the_text_a_workbook_gives():
    from cchc_cli.io.typed import text_column

    floats = pa.array([5.0, -3.0, 5.5, None, 1e20, 2.0**53, float("inf")])
    # whole floats as integers only while they are exact (below 2**53), else their own text
    assert text_column(floats, "x", "f").to_pylist() == [
        "5", "-3", "5.5", "", "1e+20", "9.007199254740992e+15", "inf",
    ]  # fmt: skip
    stamps = pa.array([dt.datetime(2023, 5, 4, 8, 30, 1, 999_999)], pa.timestamp("us"))
    assert text_column(stamps, "x", "f").to_pylist() == ["2023-05-04T08:30:01"]  # no fraction
    assert text_column(pa.array([True, False, None]), "x", "f").to_pylist() == ["TRUE", "FALSE", ""]


def test_partition_folders_are_columns_of_their_rows(typed):
    from cchc_cli.io.table import read_table

    folder, _ = typed
    (part,) = (folder / "theo-nam" / "nam=2022").glob("*.parquet")
    table = read_table(part, lambda cells: len(cells))
    assert table.headers[-1] == "nam" and table.header_line == 0
    assert set(table.data.iloc[:, -1]) == {"2022"}


@pytest.mark.parametrize("batch", [2, 65_536])
def test_a_bad_cell_is_named_by_its_row_number(tmp_path, monkeypatch, batch):
    # rows are numbered across batches: with 2-row batches row 3 is the second batch's first
    monkeypatch.setattr("cchc_cli.io.typed.BATCH_ROWS", batch)
    table = pa.table(
        {
            "Mã hồ sơ": ["a", "b", "c"],
            "Ngày tiếp nhận": ["02/01/2023", "03/01/2023", "31/02/2023"],  # text: one impossible
            "Ngày hẹn trả": pa.array([dt.date(2023, 1, 5)] * 3),
            "Ngày kết thúc xử lý": pa.array([None, None, None], pa.date32()),
            "Trạng thái": ["Đang xử lý"] * 3,
        }
    )
    path = tmp_path / "bad.parquet"
    pq.write_table(table, path)
    res = runner.invoke(app, ["validate", str(path), "--format", "json"])
    assert res.exit_code == ExitCode.FAIL, res.output
    problems = json.loads(res.stdout)["problems"]
    bad = [p for p in problems if p.get("value") == "31/02/2023"]
    assert [(p["line"], p["column"], p["header"]) for p in bad] == [(3, 2, "Ngày tiếp nhận")]
