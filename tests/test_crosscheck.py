"""cchc against an independent implementation (DuckDB SQL in benchmarks/) on the shipped sample."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest

from conftest import ROOT, SAMPLE, by_id, run

duckdb = pytest.importorskip("duckdb")

_spec = importlib.util.spec_from_file_location(
    "duckdb_reference", ROOT / "benchmarks" / "duckdb_reference.py"
)
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

PERIODS = [
    (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    (dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
    (dt.date(2023, 1, 1), dt.date(2023, 1, 31)),
    (dt.date(2023, 5, 1), dt.date(2023, 5, 31)),
    (dt.date(2023, 12, 1), dt.date(2023, 12, 31)),
    (dt.date(2022, 12, 1), dt.date(2023, 2, 15)),
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p[0]}..{p[1]}")
def test_seven_figures_match_duckdb(plan, period):
    expected = reference.compute(str(SAMPLE), period[0], period[1])
    got = by_id(run(SAMPLE, plan, period))
    for ident in reference.INDICATORS:
        r = got[ident]
        assert (r.numerator, r.denominator) == (
            expected[ident]["numerator"],
            expected[ident]["denominator"],
        ), ident
