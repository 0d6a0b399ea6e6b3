"""Properties that must hold for any data, checked with hypothesis."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_cli.results import Counts
from conftest import SAMPLE
from oracle.evaluate import count
from oracle.records import parse_dates

LINES = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
HEADER, BODY = LINES[0], LINES[1:]


def _counts(plan, path, period):
    from oracle.classify import classify
    from oracle.records import read_records

    records = read_records(path, plan)
    cl = classify(plan, records, period)
    return {i.id: count(plan, i, cl)[0] for i in plan.indicators if i.source == "dossiers"}


@settings(max_examples=8, deadline=None)
@given(
    cuts=st.lists(
        st.integers(min_value=1, max_value=len(BODY) - 1), min_size=1, max_size=3, unique=True
    )
)
def test_counts_over_batches_add_up(plan, tmp_path_factory, cuts):
    """Counting is row-local: any split of the export into batches sums to the whole (the basis
    for streaming files larger than memory)."""
    period = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    whole = _counts(plan, SAMPLE, period)
    bounds = [0, *sorted(cuts), len(BODY)]
    total: dict[str, Counts] = {}
    folder = tmp_path_factory.mktemp("batches")
    for k, (a, b) in enumerate(pairwise(bounds)):
        part = folder / f"part{k}.csv"
        part.write_text(HEADER + "".join(BODY[a:b]), encoding="utf-8")
        for ident, c in _counts(plan, part, period).items():
            total[ident] = total[ident] + c if ident in total else c
    for ident, c in whole.items():
        assert (total[ident].numerator, total[ident].denominator, total[ident].left_out) == (
            c.numerator,
            c.denominator,
            c.left_out,
        ), ident


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2100, 12, 31)),
    style=st.sampled_from(
        ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%-d/%-m/%Y"]
    ),
)
def test_every_real_date_parses_to_itself(day, style):
    text = dt.datetime.combine(day, dt.time(13, 45)).strftime(style)
    values, invalid = parse_dates(pa.chunked_array([pa.array([text])]), np.array([False]))
    assert not invalid[0]
    assert values[0] == np.datetime64(day)


@settings(max_examples=200, deadline=None)
@given(y=st.integers(1901, 2100), m=st.integers(1, 12), d=st.integers(29, 31))
def test_impossible_day_of_month_is_invalid(y, m, d):
    try:
        dt.date(y, m, d)
        real = True
    except ValueError:
        real = False
    _, invalid = parse_dates(
        pa.chunked_array([pa.array([f"{d:02d}/{m:02d}/{y}"])]), np.array([False])
    )
    assert invalid[0] == (not real)
