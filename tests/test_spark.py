"""``--engine spark``: the engine's own DuckDB queries run by PySpark (local mode) give DuckDB's
figures: the sample over a year and a quarter, the sample as a hive-partitioned Parquet set, and a
small hand-built export whose figures are also worked out by hand. Skipped only where the
``spark`` extra is absent (CI installs it and Java)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark")

from cchc_cli import engine
from cchc_cli.engine import spark
from cchc_cli.io.staged import Staged, from_raw
from cchc_cli.results import Counts, LeftOut
from conftest import HEADERS, SAMPLE, write_export
from test_engine_diff import (
    EDGE_DATES,
    engine_dates,
    oracle,
    oracle_dates,
    table_of,
)

YEAR = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Q1 = (dt.date(2023, 1, 1), dt.date(2023, 3, 31))
Q2 = (dt.date(2023, 4, 1), dt.date(2023, 6, 30))


@pytest.fixture(scope="module")
def sc():
    """One Spark session (local[2]) for the module."""
    return spark.connect("local[2]")


@pytest.fixture(scope="module")
def duck():
    c = duckdb.connect()
    yield c
    c.close()


def assert_same(got: dict, want: dict) -> None:
    """Per period: numerator, denominator, left_out, left_out_by of every indicator and the
    whole input summary (totals, reconciliation, headers, file facts)."""
    assert got.keys() == want.keys()
    for key in want:
        assert dict(got[key].counts) == dict(want[key].counts), key
        assert got[key].summary == want[key].summary, key


def year_month(cell: str) -> tuple[str, str]:
    """The received year and month written in a cell (``none`` if it shows none)."""
    if m := re.match(r"\d{1,2}/(\d{1,2})/(\d{4})", cell):
        return m[2], str(int(m[1]))
    if m := re.match(r"(\d{4})-(\d{2})", cell):
        return m[1], str(int(m[2]))
    return "none", "none"


def partitioned(staged: Staged, header: str, root: Path) -> Staged:
    """The cells written as a hive-partitioned Parquet set by received year and month, read
    back as one input (its part files)."""
    cells = staged.arrow
    assert cells is not None
    keys = [year_month(c) for c in cells.column(str(staged.info.headers.index(header))).to_pylist()]
    table = cells.append_column("nam", pa.array([y for y, _ in keys])).append_column(
        "thang", pa.array([m for _, m in keys])
    )
    pq.write_to_dataset(table, root, partition_cols=["nam", "thang"])
    return Staged(staged.info, parquet=tuple(sorted(str(p) for p in root.rglob("*.parquet"))))


def test_sample_year_and_quarter(plan, sc, duck):
    """One query for the year and the second quarter, as DuckDB computes them."""
    table = table_of(SAMPLE, plan)
    periods = {"2023": YEAR, "2023-Q2": Q2}
    want = engine.run_periods(plan, table, periods, connection=duck)
    got = spark.run_periods_spark(plan, table, periods)
    assert_same(got, want)
    on_time = got["2023"].counts["dossiers_on_time"]
    assert on_time.denominator > 2000 and on_time.left_out >= 1  # figures worth comparing
    assert got["2023-Q2"].counts["dossiers_on_time"].denominator < on_time.denominator


def test_sample_as_partitioned_parquet(plan, sc, duck, tmp_path):
    """The sample staged as Parquet parts by received month (read by Spark, in another order
    than the file's) gives the CSV's figures."""
    table = table_of(SAMPLE, plan)
    staged = partitioned(from_raw(table), HEADERS["recv"], tmp_path / "ho-so")
    assert len(staged.parquet) >= 12
    periods = {"2023": YEAR, "2023-Q2": Q2}
    want = engine.run_periods(plan, table, periods, connection=duck)
    assert_same(spark.run_periods_spark(plan, staged, periods), want)


# the hand-built export, 2023-Q1; lines 2-9 of the file
ROWS = [
    # received in 2022, still open, overdue: late (carried over)
    {"id": "H001", "recv": "20/12/2022", "due": "30/12/2022", "st": "Đang xử lý"},
    # no due date: 2 working days after Thu 05/01 is Mon 09/01, done that day (on time); the
    # date without leading zeros is not Spark's fast path, it takes the exact one
    {"id": "H002", "recv": "5/1/2023 8:00", "due": "", "end": "09/01/2023 16:00", "ch": "Trực tiếp",
     "st": "Đã trả kết quả", "dig": "Không", "days": "2"},
    # 31/02 is no date: unknown whether received in Q1
    {"id": "H003", "recv": "31/02/2023", "st": "Đang xử lý"},
    # a channel word outside the vocabulary; open and overdue: late
    {"id": "H004", "recv": "06/01/2023", "due": "20/01/2023", "ch": "Qua mạng xyz",
     "st": "Đang xử lý"},
    # H001 again, a later line: the duplicate, left out wherever it would count. Its Parquet
    # part (January, the largest) is the one Spark reads first
    {"id": "H001", "recv": "05/01/2023 08:00", "due": "10/01/2023", "end": "09/01/2023",
     "st": "Đã trả kết quả", "dig": "Có", "eres": "Có", "rdig": "Có", "sat": "Hài lòng", "days": "3"},
    # a zoned ISO time (exact path): 01/02 in Vietnam; done after its due date: late
    {"id": "H006", "recv": "2023-02-01T08:00:00+07:00", "due": "2023-02-10", "end": "2023-02-15",
     "st": "Đã trả kết quả", "dig": "Có", "eres": "Có", "rdig": "Có", "apo": "Có"},
    # two spaces before the time (exact path, glibc's white space): on time
    {"id": "H007", "recv": "01/03/2023  09:30", "due": "03/03/2023", "end": "03/03/2023",
     "ch": "Bưu chính", "st": "Hoàn thành", "dig": "x", "eres": "Có", "sat": "Rất hài lòng"},
    # a status word outside the vocabulary: unknown whether received at all
    {"id": "H008", "recv": "10/03/2023", "due": "20/03/2023", "st": "Đang chờ gì đó"},
]  # fmt: skip


def test_hand_built_export(plan, sc, duck, tmp_path):
    """Unknown words, a bad date, an empty due date derived from working days, a duplicate id
    and dates only the exact path reads, staged as Parquet parts that Spark reads in another
    order than the file's: Spark gives DuckDB's figures, the pandas engine's, and these worked
    out by hand."""
    path = write_export(tmp_path / "ho-so.csv", ROWS)
    table = table_of(path, plan)
    staged = partitioned(from_raw(table), HEADERS["recv"], tmp_path / "parts")
    assert len(staged.parquet) == 4  # 2022-12, 2023-01 (3 rows), 2023-02, 2023-03
    got = spark.run_periods_spark(plan, staged, {"q1": Q1})
    assert_same(got, engine.run_periods(plan, table, {"q1": Q1}, connection=duck))
    counts, summary = oracle(plan, table, Q1)
    assert dict(got["q1"].counts) == counts and got["q1"].summary == summary

    c = got["q1"].counts
    dup = LeftOut("duplicate_id", "dossier_id", 1)
    bad_date = LeftOut("invalid_date", "received_at", 1)
    bad_status = LeftOut("unknown_value", "status", 1)
    # received in Q1: H002, H004, H006 (Có), H007 (x); H003, H008 unknown; the second H001
    assert c["dossiers_digitized"] == Counts(2, 4, 3, (dup, bad_date, bad_status))
    bad_channel = LeftOut("unknown_value", "channel", 1)
    assert c["dossiers_online"] == Counts(1, 3, 4, (dup, bad_date, bad_channel, bad_status))
    # resolved in Q1: H002 on time, H006 late, H007 on time; the second H001
    assert c["dossiers_on_time"] == Counts(2, 3, 1, (dup,))
    # late: the first H001, H004 (overdue), H006 (apologised); H003, H008 unknown
    late = c["late_dossiers_apologized"]
    assert (late.numerator, late.denominator, late.left_out) == (1, 3, 2)
    s = got["q1"].summary
    assert (s.rows_read, s.due_dates_derived) == (8, 1)
    assert dup in s.left_out_by


def test_date_cells_as_records_reads_them(sc):
    """The engine's date SQL (the fast path with every format, then the exact path) run by
    Spark over the edge cases of the DuckDB engine's own test gives records' dates; the cells
    staged as Parquet (a local master) or sent from the driver (a cluster's way)."""
    want = oracle_dates(EDGE_DATES)
    assert engine_dates(sc, EDGE_DATES) == want
    assert engine_dates(spark.SparkConnection(sc.spark, staging=None), EDGE_DATES) == want


FAST = ["05/01/2023", "05/01/2023 08:00", "2023-01-05T08:00:00", "05-01-2023 08:00:00",
        "5/1/2023", "05/01/2023 8:00", "05/01/2023  08:00", "02023-01-05", "2023-1-05",
        "31/02/2023", "29/02/2024", "05/01/2023 24:00", "05/01/2023 23:59:60", "0999-01-05",
        "2023-01-05T08:00:00+07:00", "05/01/2023\t08:00", "+2023-01-05", "05/01/2023 08:00 "]  # fmt: skip


def test_fast_path_reads_only_what_glibc_reads_alike(sc, duck):
    """Spark's fast path parses a subset of DuckDB's, to the same dates (what it leaves, the
    exact path reads), and not an empty one: the zero-padded cells."""
    sql = (
        "SELECT c, CAST(try_strptime(c, ["
        + ", ".join(f"'{f}'" for f in engine.dates.DATE_FORMATS)
        + "]) AS DATE) FROM (SELECT unnest(?) AS c) ORDER BY c"
    )
    want = dict(duck.execute(sql, [FAST]).fetchall())
    got = dict(sc.execute(sql, [FAST]).fetchall())
    assert {c: d for c, d in got.items() if d is not None} == {
        "05/01/2023": dt.date(2023, 1, 5),
        "05/01/2023 08:00": dt.date(2023, 1, 5),
        "2023-01-05T08:00:00": dt.date(2023, 1, 5),
        "05-01-2023 08:00:00": dt.date(2023, 1, 5),
        "29/02/2024": dt.date(2024, 2, 29),
        "0999-01-05": dt.date(999, 1, 5),  # out of the years records reads, as in DuckDB
    }
    assert all(want[c] == d for c, d in got.items() if d is not None)


def test_regexp_functions_as_duckdb(sc, duck):
    """The rewritten regular-expression calls answer as DuckDB's: replace the first match only
    (or every one with 'g', groups as ``$n``, a digit after a group), a full match, a STRUCT of
    groups ('' for a group that took no part)."""
    sql = (
        "SELECT c, regexp_replace(c, 'a', 'b'), regexp_replace(c, '(a)(b)?', '<\\2\\1>0', 'g'),"
        " regexp_replace(c, '[.]x$', '\\\\$'), regexp_full_match(c, '[ab]+'),"
        " regexp_extract(c, '(a)|(c)', ['x', 'y'])"
        " FROM (SELECT unnest(?) AS c) ORDER BY c"
    )
    cells = ["aaa", "abab", "cab", "z.x", "", "ba\nb"]
    want = duck.execute(sql, [cells]).fetchall()
    assert want[1] == ("aaa", "baa", "<a>0<a>0<a>0", "aaa", True, {"x": "a", "y": ""})
    assert sc.execute(sql, [cells]).fetchall() == want


def test_transpile_names_what_has_no_spark_form():
    """A DuckDB construct without a rewrite is refused, not guessed."""
    with pytest.raises(ValueError, match="options"):
        spark.transpile("SELECT regexp_replace(c, 'a', 'b', 'i') FROM t")
    with pytest.raises(ValueError, match="%j"):
        spark.transpile("SELECT try_strptime(c, '%j') FROM t")
    assert spark.java_pattern("%Y-%m-%dT%H:%M:%S") == (
        "yyyy-MM-dd'T'HH:mm:ss",
        "____-__-__T__:__:__",
    )
    assert "TRY_TO_TIMESTAMP" in spark.transpile("SELECT try_strptime(c, ['%d/%m/%Y']) FROM t")


def _start_in_child(prelude: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    code = f"{prelude}\nfrom cchc_cli.engine import spark\nspark.connect('local[1]')"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_missing_extra_or_java_is_named():
    """Without pyspark, or without a Java that starts, connect() raises the one CchcError that
    names the missing piece and the fix, not pyspark's traceback."""
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    done = _start_in_child("import sys; sys.modules['pyspark'] = None", env)
    assert "CchcError: --engine spark cần gói bổ sung spark (pyspark chưa được cài)" in done.stderr
    assert "JAVA_GATEWAY" not in done.stderr
    done = _start_in_child("", {**env, "PATH": "/nonexistent"})
    assert "CchcError: không khởi động được Spark (master local[1])" in done.stderr
    assert "PySparkRuntimeError" in done.stderr  # the cause, kept for CCHC_DEBUG


def test_check_engine_spark_on_a_converted_set_gives_duckdbs_json(sc, tmp_path):
    """The command line end to end: ``cchc convert`` then ``check --engine spark`` on the set,
    with a text breakdown, against ``check`` (DuckDB) on the CSV itself."""
    import json

    from typer.testing import CliRunner

    from cchc_cli.cli.app import app

    runner = CliRunner()
    out = tmp_path / "set"
    assert runner.invoke(app, ["convert", str(SAMPLE), str(out)]).exit_code == 0
    args = ["--period", "2023-Q3", "--by", "field", "--format", "json"]
    got = runner.invoke(app, ["check", str(out), "--engine", "spark", *args])
    want = runner.invoke(app, ["check", str(SAMPLE), *args])
    assert got.exit_code == want.exit_code == 1, got.output[-2000:]
    got_doc, want_doc = json.loads(got.output), json.loads(want.output)
    for doc in (got_doc, want_doc):
        doc.pop("generated_at", None)
    assert got_doc == want_doc
    assert len(got_doc["breakdown"]["groups"]) >= 3


def test_rows_behind_the_figures_as_duckdb(plan, sc, duck, tmp_path):
    """The per-row output (every row's class and reason for every indicator, the cells shown,
    dates as written or as the rule read them, days late) from the same Parquet parts: Spark's
    rows are DuckDB's, in file order."""
    from cchc_cli.explain import reads_due, shown_cells

    path = write_export(tmp_path / "ho-so.csv", ROWS)
    table = table_of(path, plan)
    staged = partitioned(from_raw(table), HEADERS["recv"], tmp_path / "parts")
    inds = [i for i in plan.indicators if i.source == "dossiers"]
    wants = engine.Wants(
        tuple(engine.Pick(i.id, None, reads_due(plan, i)) for i in inds), shown_cells(plan, inds)
    )
    want = engine.run_wanted(plan, table, {"period": Q1}, wants, connection=duck)[1].rows
    got = engine.run_wanted(plan, staged, {"period": Q1}, wants, connection=sc)[1].rows
    assert got.table.to_pylist() == want.table.to_pylist()
    assert [r["_line"] for r in want.table.to_pylist()] == list(range(2, 10))
    assert {r["t_days_late"] for r in want.table.to_pylist()} > {None}


def test_form_and_problems_as_duckdb(plan, sc, duck, tmp_path):
    """Biểu 06's placement (by field) and validate's problems, from the same Parquet parts:
    Spark's are DuckDB's."""
    from cchc_cli.engine.form import form_of_placement

    path = write_export(tmp_path / "ho-so.csv", ROWS)
    table = table_of(path, plan)
    staged = partitioned(from_raw(table), HEADERS["recv"], tmp_path / "parts")
    wants = engine.Wants(form="", problems=True)
    got, want = (
        engine.run_wanted(plan, source, {"period": Q1}, wants, connection=con)
        for source, con in ((staged, sc), (table, duck))
    )
    forms = [form_of_placement(plan, Q1, f["period"].summary, x.form) for f, x in (got, want)]
    assert forms[0] == forms[1] and forms[1].total.counts["received_total"] >= 4
    assert got[1].checked == want[1].checked and len(want[1].checked.problems) >= 3
