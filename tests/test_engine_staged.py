"""The engine reads staged files (io.staged: Arrow in memory, or Parquet part files) and several
files as one export: the same figures as the one file they make, the pandas route as oracle."""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pyarrow.parquet as pq
import pytest

from cchc_cli import engine
from cchc_cli.io.staged import Staged, from_raw
from cchc_cli.io.table import RawTable
from cchc_cli.results import lacking_columns
from conftest import SAMPLE
from test_engine_diff import YEAR, assert_same, oracle, table_of

Q2 = (dt.date(2023, 4, 1), dt.date(2023, 6, 30))
SAMPLING = importlib.import_module("cchc_cli.engine.bind")  # the module, not its bind()


@pytest.fixture(scope="module")
def sample(plan) -> RawTable:
    return table_of(SAMPLE, plan)


def parquet_parts(staged: Staged, folder, parts: int) -> Staged:
    """The staged cells written as ``parts`` Parquet files (rows split in file order)."""
    assert staged.arrow is not None
    n = staged.arrow.num_rows
    cuts = np.linspace(0, n, parts + 1).astype(int)
    paths = []
    for k in range(parts):
        path = folder / f"part-{k}.parquet"
        pq.write_table(staged.arrow.slice(cuts[k], cuts[k + 1] - cuts[k]), path)
        paths.append(str(path))
    return Staged(staged.info, parquet=tuple(paths), workdir=str(folder))


def test_parquet_parts_give_the_arrow_figures(plan, sample, tmp_path):
    staged = from_raw(sample)
    parts = parquet_parts(staged, tmp_path, 3)
    assert len(parts.parquet) == 3
    for period in (YEAR, Q2):
        got = engine.run(plan, parts, period)
        assert_same(plan, sample, period, None, got)  # the pandas route's figures
        assert got.counts == engine.run(plan, staged, period).counts
    parts.close()
    assert not tmp_path.exists()


def test_summary_comes_from_the_table_info(plan, sample):
    """rows_read, blank_rows, layout and the file's facts are what the reader says (TableInfo),
    not counted again from the cells."""
    staged = from_raw(sample)
    info = replace(staged.info, blank_rows=7, layout=((9, "numbers"),), sha256="ab" * 32)
    got = engine.run(plan, Staged(info, arrow=staged.arrow), YEAR).summary
    assert (got.rows_read, got.blank_rows, got.layout, got.sha256) == (
        3005, 7, ((9, "numbers"),), "ab" * 32,
    )  # fmt: skip
    assert got.rows_read == got.rows_used + got.rows_out_of_period + got.rows_not_received + (
        got.rows_left_out
    )


def test_a_small_sample_learns_the_rest_from_the_query(plan, sample, monkeypatch):
    """The binding comes from a few sampled rows; the cells they do not show (other spellings,
    odd dates) are found by the query and read on a second pass: the same figures."""
    monkeypatch.setattr(SAMPLING, "SAMPLE_ROWS", 1)
    for period in (YEAR, Q2):
        assert_same(plan, sample, period, None)


# ---------------------------------------------------------------- several files


def half(table: RawTable, rows: slice, order: list[int] | None = None) -> RawTable:
    """Some rows of a table as a file of their own, its columns in ``order``."""
    order = order or list(range(len(table.headers)))
    data = table.data.iloc[rows, order].reset_index(drop=True)
    data.columns = [str(i) for i in range(len(order))]
    n = len(data)
    return replace(
        table,
        path=table.path + f".{rows.start or 0}",
        headers=tuple(table.headers[i] for i in order),
        data=data,
        lines=np.arange(2, n + 2, dtype=np.int64),
        blank_rows=0,
    )


def same_figures(plan, whole: RawTable, parts: list[RawTable], period) -> None:
    """Several files = their concatenation, figure for figure."""
    got = engine.run(plan, parts, period)
    want_counts, want = oracle(plan, whole, period)
    assert dict(got.counts) == want_counts
    s = got.summary
    for name in ("rows_read", "rows_used", "rows_out_of_period", "rows_not_received",
                 "rows_left_out", "left_out_by", "problems", "due_dates_derived",
                 "rows_received_in_period", "rows_resolved_in_period", "last_received",
                 "missing_columns"):  # fmt: skip
        assert getattr(s, name) == getattr(want, name), name
    assert [f.rows_read for f in got.files] == [len(p.lines) for p in parts]
    assert sum(f.rows_used for f in got.files) == s.rows_used


def test_a_file_split_in_two_gives_the_whole_files_figures(plan, sample):
    n = len(sample.lines)
    reordered = list(range(len(sample.headers)))[::-1]  # the second file's columns reversed
    parts = [half(sample, slice(0, n // 2)), half(sample, slice(n // 2, n), reordered)]
    for period in (YEAR, Q2):
        same_figures(plan, sample, parts, period)


def test_an_id_repeated_across_files_is_a_duplicate(plan, sample):
    n = len(sample.lines)
    data = sample.data.copy()
    first_id = data.iloc[0, 0]
    data.iloc[n - 1, 0] = first_id  # the last row of the second file repeats the first id
    whole = replace(sample, data=data)
    reordered = [1, 0, *range(2, len(sample.headers))]
    parts = [half(whole, slice(0, n // 2)), half(whole, slice(n // 2, n), reordered)]
    same_figures(plan, whole, parts, YEAR)
    got = engine.run(plan, parts, YEAR)
    dup = [lo for lo in got.summary.left_out_by if lo.reason == "duplicate_id"]
    assert [(lo.field, lo.rows) for lo in dup] == [("dossier_id", 1)]  # the second one only
    assert [lo.rows for f in got.files for lo in f.left_out_by if lo.reason == "duplicate_id"] == [
        1
    ]  # and in the second file's summary


def test_a_column_one_file_lacks_is_missing_for_the_export(plan, sample):
    """The second file has no 'Số hóa hồ sơ': the export as a whole lacks it (the indicator
    that reads it is no_data), while the first file's own summary has it."""
    n = len(sample.lines)
    col = sample.headers.index("Số hóa hồ sơ")
    without = [i for i in range(len(sample.headers)) if i != col]
    parts = [half(sample, slice(0, n // 2)), half(sample, slice(n // 2, n), without)]
    got = engine.run(plan, parts, YEAR)
    assert "dossier_digitized" in got.summary.missing_columns
    assert not got.has("dossier_digitized")
    assert lacking_columns(["dossier_digitized"], got) == ["dossier_digitized"]
    first, second = got.files
    assert first.missing_columns == () and second.missing_columns == ("dossier_digitized",)
    assert got.has("channel") and got.summary.rows_read == n


def test_counting_a_staged_file_imports_no_pandas(plan):
    """The engine's look-ups and calendar are built over numpy buffers: counting a staged file
    never imports pandas (half a second and 50 MB on every ``check``). The file is staged here
    with pyarrow's CSV reader alone, so only the engine is under test."""
    code = f"""
import sys
import numpy as np, pyarrow as pa, pyarrow.csv as pv
from cchc_cli import engine
from cchc_cli.io.staged import Staged, TableInfo
from cchc_cli.plan.model import load_plan
cells = pv.read_csv({str(SAMPLE)!r}, convert_options=pv.ConvertOptions(
    column_types={{}}, strings_can_be_null=False, check_utf8=True, auto_dict_encode=False),
    read_options=pv.ReadOptions(autogenerate_column_names=False))
headers = tuple(cells.column_names)
cells = pa.Table.from_arrays([c.cast(pa.string()) for c in cells.columns],
                             names=[str(i) for i in range(len(headers))])
lines = np.arange(2, cells.num_rows + 2, dtype=np.int64)
cells = cells.add_column(0, "_line", pa.Array.from_buffers(
    pa.int64(), len(lines), [None, pa.py_buffer(lines)]))
info = TableInfo({str(SAMPLE)!r}, "", 0, "utf-8", ",", None, 1, headers, cells.num_rows, 0)
before = "pandas" in sys.modules
plan = load_plan({str(plan.path)!r})
figures = engine.run(plan, Staged(info, arrow=cells), plan.period).counts["dossiers_on_time"]
print(figures.denominator, before, "pandas" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    denominator, before, after = done.stdout.split()
    assert int(denominator) > 2000 and (before, after) == ("False", "False")
