"""The register queries run by PySpark (``--engine spark``) give DuckDB's figures on the sample
registers, over the year and a quarter. Skipped only where the ``spark`` extra is absent (CI
installs it and Java)."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("pyspark")

from cchc_cli.engine import spark
from cchc_cli.engine.registers import run_registers
from cchc_cli.io.registers import read_registers
from cchc_cli.plan.model import load_plan
from conftest import ROOT

FOLDER = ROOT / "sample_data" / "so-theo-doi-cchc-2023"


@pytest.mark.parametrize(
    "span",
    [(dt.date(2023, 1, 1), dt.date(2023, 12, 31)), (dt.date(2023, 4, 1), dt.date(2023, 6, 30))],
    ids=["2023", "2023-Q2"],
)
def test_spark_counts_the_registers_as_duckdb_does(span):
    plan = load_plan()
    staged = read_registers(plan, [FOLDER])
    duck = run_registers(plan, staged, span)
    got = run_registers(plan, staged, span, connection=spark.connect("local[2]"))
    assert got.results == duck.results
    assert got.inputs == duck.inputs
    assert duck.results["staff_trained"].numerator == (24 if span[1].month == 12 else 7)


def test_spark_lists_the_rows_and_months_duckdb_does():
    from cchc_cli.engine.registers import RegisterPick

    plan = load_plan()
    staged = read_registers(plan, [FOLDER])
    # one of each shape of SQL: a working-day offset, a sum, a semi-join, a count, period_end
    ids = [
        "procedures_updated_timely",
        "declared_info_reduced",
        "staff_trained",
        "iso_processes_applied",
        "findings_remedied",
    ]
    picks = [RegisterPick(i, None) for i in ids]
    year = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    months = {"2023-05": (dt.date(2023, 5, 1), dt.date(2023, 5, 31))}
    duck = run_registers(plan, staged, year, months=months, picks=picks)
    got = run_registers(
        plan, staged, year, connection=spark.connect("local[2]"), months=months, picks=picks
    )
    assert got.months == duck.months
    for ident in ids:
        assert got.rows[ident].table.to_pylist() == duck.rows[ident].table.to_pylist(), ident
    # May: three professional courses end on 09/05 (CB002, CB020 civil servants, CB029 a
    # public employee): the roster's 32 in the denominator each month
    may = duck.months["2023-05"]["staff_trained"]
    assert (may.numerator, may.denominator) == (3, 32)
