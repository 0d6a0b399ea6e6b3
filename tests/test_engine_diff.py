"""The SQL engine against today's pandas/numpy engine, the oracle: identical numerator,
denominator, left_out and left_out_by per dossier indicator, and the same input reconciliation,
on the shipped sample over many periods, on every file variant and vendor export, and on random
small exports (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import importlib
import unicodedata
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from unittest import mock

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_cli import engine
from cchc_cli.engine import dates as D
from cchc_cli.engine import duck
from cchc_cli.engine.compile import nest
from cchc_cli.engine.groups import months_of
from cchc_cli.errors import CchcError
from cchc_cli.explain import CLASSES, reads_due
from cchc_cli.io.staged import ABSENT
from cchc_cli.io.table import RawTable, read_table
from cchc_cli.text import clean, fold
from conftest import HEADERS, ROOT, SAMPLE
from oracle.classify import classify
from oracle.evaluate import breakdown, count, input_summary
from oracle.explain import row_classes
from oracle.records import header_matcher, parse_dates, records_from_table
from oracle.report import build_form as oracle_form
from oracle.validate import validate as oracle_validate

YEAR = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
SAMPLING = importlib.import_module("cchc_cli.engine.bind")  # the module, not its bind()


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    yield c
    c.close()


def table_of(path: Path, plan) -> RawTable:
    matcher = header_matcher(plan)

    def score(cells) -> int:
        return len({matcher.get(fold(c)) for c in cells if c} - {None})

    return read_table(path, score)


def oracle(plan, table: RawTable, period):
    records = records_from_table(table, plan)
    cl = classify(plan, records, period)
    counts = {i.id: count(plan, i, cl)[0] for i in plan.indicators if i.source == "dossiers"}
    return counts, input_summary(plan, records, cl)


def assert_same(plan, table, period, con, got=None):
    want_counts, want_summary = oracle(plan, table, period)
    got = got or engine.run(plan, table, period, connection=con)
    assert dict(got.counts) == want_counts
    assert got.summary == want_summary
    s = got.summary
    assert s.rows_read == s.rows_used + s.rows_out_of_period + s.rows_not_received + s.rows_left_out


def oracle_rows(plan, table: RawTable, period) -> dict[str, list[tuple]]:
    """Per dossier indicator, each row's (line, class, reason, field) as the pandas route
    classifies it (explain's classes: open and due told apart where the rule reads the due)."""
    records = records_from_table(table, plan)
    cl = classify(plan, records, period)
    out = {}
    for ind in plan.indicators:
        if ind.source != "dossiers":
            continue
        _, rc = row_classes(plan, ind, records, cl)
        labels = [*rc.labels, ("", "")]  # -1: no reason
        columns = (records.lines.tolist(), rc.cls.tolist(), rc.reason.tolist())
        out[ind.id] = [(line, CLASSES[c], *labels[r]) for line, c, r in zip(*columns, strict=True)]
    return out


def engine_rows(plan, tables, period, con) -> dict[str, list[tuple]]:
    """The same from the engine's per-row output (every row of every indicator)."""
    inds = [i for i in plan.indicators if i.source == "dossiers"]
    picks = tuple(engine.Pick(i.id, None, reads_due(plan, i)) for i in inds)
    wants = engine.Wants(picks, ("dossier_id",), "period")
    _, extras = engine.run_wanted(plan, tables, {"period": period}, wants, connection=con)
    rows = extras.rows
    t = rows.table
    out = {}
    for i in inds:
        states = t.column(f"r_{i.id}").to_pylist()
        whys = [("", "") if s is None else rows.decode(s) for s in states]
        columns = (t.column("_line").to_pylist(), t.column(f"c_{i.id}").to_pylist(), whys)
        out[i.id] = [(line, CLASSES[c], *why) for line, c, why in zip(*columns, strict=True)]
    return out


def assert_same_rows(plan, table, period, con):
    assert engine_rows(plan, table, period, con) == oracle_rows(plan, table, period)


PERIODS = {
    "2023": YEAR,
    **{
        f"2023-Q{k}": (dt.date(2023, 3 * k - 2, 1), dt.date(2023, 3 * k, [31, 30, 30, 31][k - 1]))
        for k in range(1, 5)
    },
    **{
        f"2023-{m:02d}": (
            dt.date(2023, m, 1),
            dt.date(2023, m + 1, 1) - dt.timedelta(days=1) if m < 12 else dt.date(2023, 12, 31),
        )
        for m in range(1, 13)
    },
    "across-new-year": (dt.date(2022, 12, 15), dt.date(2023, 1, 15)),
    "2022": (dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
}


def test_sample_every_period_in_one_query(plan, con):
    """All periods at once (``run_periods``, one query) and each as the oracle counts it."""
    table = table_of(SAMPLE, plan)
    results = engine.run_periods(plan, table, PERIODS, connection=con)
    for key, span in PERIODS.items():
        assert_same(plan, table, span, con, results[key])
    for key in ("2023", "2023-05", "across-new-year"):
        assert_same_rows(plan, table, PERIODS[key], con)
    # the figures are not all alike: the differential test compares something
    year = results["2023"].counts["dossiers_on_time"]
    assert year.denominator > 2000 and year.left_out >= 1
    assert results["2023-05"].counts["dossiers_on_time"].denominator < year.denominator


FILES = sorted(
    p
    for p in [
        *(ROOT / "tests" / "fixtures" / "variants").glob("*.*"),
        *(ROOT / "tests" / "fixtures" / "vendors").glob("*.csv"),
    ]
    if p.suffix != ".json"
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixture_files(plan, con, path):
    table = table_of(path, plan)
    for span in (YEAR, PERIODS["2023-05"], PERIODS["2023-Q2"]):
        assert_same(plan, table, span, con)
    assert_same_rows(plan, table, PERIODS["2023-05"], con)


# ---------------------------------------------------------------- the date rules


def oracle_dates(cells: list[str]) -> list[dt.date | None]:
    arr = pa.chunked_array([pa.array(cells, pa.string())])
    values, _ = parse_dates(arr, np.array([c == "" for c in cells], dtype=bool))
    return [None if np.isnat(v) else v.astype(object) for v in values]


def engine_dates(con, cells: list[str], formats=D.DATE_FORMATS) -> list[dt.date | None]:
    """The engine's two paths over the cells: the fast one, then the exact one for the rest."""
    con.register(
        "date_cells", pa.table({"i": range(len(cells)), "c": pa.array(cells, pa.string())})
    )
    fast = D.fast_date("c", formats)
    exact = nest("SELECT i, c FROM date_cells WHERE c <> ''", D.exact_date_layers("c"))
    picked = "COALESCE(f.day, e.day)"
    rows = con.execute(
        f"SELECT f.i, CASE WHEN {D.in_years(picked)} THEN {picked} END FROM"
        f" (SELECT i, CASE WHEN c <> '' THEN {fast} END AS day FROM date_cells) AS f"
        f" LEFT JOIN ({exact}) AS e ON f.i = e.i ORDER BY f.i"
    ).fetchall()
    return [day for _, day in rows]


EDGE_DATES = [
    "04/05/2023", "4/5/2023 8:30", "31/02/2023", "31/ 2/2023", "29/02/2024", "29/02/2023",
    "2023-05-02T00:00:00+07:00", "2023-05-04T08:30:00Z", "2023-05-04 08:30:00 +07:00",
    "2023-05-412:30:00", "04/05/202308:30", "2023-05-31:30:00", "2023-05- 4 08:30:00",
    "04/05/2023 08:30:60", "04/05/2023 08:30: 60", "28/02/2023 23:59: 61", "04/05/2023 24:00",
    "04/05/23", "12-05-04", "2023-05-04 08:30:00.123", "2023-05-04T08:30:00.5+07:00",
    "2023-05-04T08:30:00+15:00", "2023-05-04T08:30:00+99", "2023-05-04T08:30:00+07:0",
    "1900-12-31T20:00:00-07:00", "2101-01-01T05:00:00+14:00", "04/05/2023.5", "2023-05-04.5",
    "không rõ", "x04/05/2023", "04-05-2023 08:30:00", "2023-05-04T08:30", "",
]  # fmt: skip


def test_date_rules_match_records(con):
    """Each rule of records.parse_dates, checked against it: roll-over (also when spaces hide it
    from records' check), glibc's digit counts and spaces, leap seconds, zones, 2-digit years."""
    assert engine_dates(con, EDGE_DATES) == oracle_dates(EDGE_DATES)
    assert engine_dates(con, ["2023-05-412:30:00", "31/02/2023"]) == [dt.date(2023, 5, 4), None]


def test_format_order_changes_no_date(con):
    """Only speed depends on the sniffed order: reversed, the same dates."""
    assert engine_dates(con, EDGE_DATES, D.DATE_FORMATS[::-1]) == oracle_dates(EDGE_DATES)
    assert engine_dates(con, EDGE_DATES, ()) == oracle_dates(EDGE_DATES)


_DIGITS = st.text("0123456789", min_size=1, max_size=5)
_PIECE = st.one_of(_DIGITS, st.sampled_from(["/", "-", ":", " ", "T", "Z", "+", ".", "\t", "x"]))
_DATELIKE = st.one_of(
    st.lists(_PIECE, max_size=14).map("".join),
    st.builds(
        lambda d, fmt, sep, tail: d.strftime(fmt).replace("/", sep) + tail,
        st.datetimes(dt.datetime(1899, 1, 1), dt.datetime(2102, 12, 31)),
        st.sampled_from([*D.DATE_FORMATS, "%d/%m/%y", "%Y-%m-%dT%H:%M:%S.%f"]),
        st.sampled_from(["/", "/", " /", "/ "]),
        st.sampled_from(["", "", "Z", "+07:00", "-0500", "+14", ":60", " ", ".5"]),
    ),
)


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(_DATELIKE, min_size=1, max_size=30))
def test_any_date_cell_reads_as_records_reads_it(con, cells):
    cells = [c.strip() for c in cells]  # cells of a RawTable are stripped
    assert engine_dates(con, cells) == oracle_dates(cells)


# ---------------------------------------------------------------- random exports

COLUMNS = ["id", "proc", "recv", "due", "end", "ret", "ch", "st", "dig", "rdig", "eres", "sat",
           "apo", "days"]  # fmt: skip
DAYS = [dt.date(2022, 12, 30), dt.date(2022, 12, 31), dt.date(2023, 1, 1), dt.date(2023, 1, 2),
        dt.date(2023, 3, 31), dt.date(2023, 4, 1), dt.date(2023, 4, 28), dt.date(2023, 5, 1),
        dt.date(2023, 5, 31), dt.date(2023, 6, 1), dt.date(2023, 12, 29), dt.date(2023, 12, 31),
        dt.date(2024, 1, 1)]  # fmt: skip
_DAY = st.sampled_from(DAYS)
_DATE_CELL = st.one_of(
    st.builds(lambda d: d.strftime("%d/%m/%Y"), _DAY),
    st.builds(lambda d, h: d.strftime("%d/%m/%Y ") + h, _DAY, st.sampled_from(["08:30", "17:00"])),
    st.builds(lambda d: d.isoformat() + "T23:30:00+07:00", _DAY),
    st.builds(lambda d: d.isoformat() + "T20:00:00Z", _DAY),
    st.sampled_from(
        ["", "", "31/02/2023", "30/04/23", "không rõ", "01/05/2023 08:30:60", "4/ 5/2023"]
    ),
)
_WORDS = {
    "ch": ["Trực tuyến", "Truc tuyen", "TRỰC TIẾP", "trực  tuyến", "2", "Bưu chính", "xyz", ""],
    "st": ["Đã trả kết quả", "Đã xử lý xong", "Đang xử lý", "Mới đăng ký", "Không được tiếp nhận",
           "Rút hồ sơ", "Trả lại", "Dừng xử lý", "Hoàn thành", "da tra ket qua", "lạ", "", "7"],
    "dig": ["Có", "co", "Không", "x", "", "maybe"],
    "sat": ["Rất hài lòng", "Hài lòng", "hai long", "Không hài lòng", "Bình thường", "", "?"],
    "days": ["5", "0", "1", "10.0", "-1", "abc", "", "", "1000000", "300"],
    "proc": ["Cấp thị thực", "", "Hộ tịch", "cấp  thị thực", "CẤP THỊ THỰC", "Hộ  tịch", "hộ tịch"],
}  # fmt: skip
_WORDS["rdig"] = _WORDS["eres"] = _WORDS["apo"] = _WORDS["dig"]
_ID = st.sampled_from(
    [
        "H1",
        "H2",
        "H3",
        "",
        "000.00.24.H19-230502-0001",
        "X-230231-7",
        "H1 ",
        "X-230502-1234567",
        "230502-0001",
        "-230502-1",
        "Đ.H19-230502-0001",
        "X-\u0301230502-1",
        "X-2305021-1",
        "H--230502-01",
        "X-231302-1",
        "X-230240-1",
        "X-990101-1",
        "X-680101-1",
    ]
)  # codes: well formed, too long, no prefix, non-ASCII, a mark after the hyphen, bad month/day


@st.composite
def exports(draw, must: tuple[str, ...] = ()):
    keys = ["id", "recv", *must, *draw(st.lists(st.sampled_from(COLUMNS[2:]), unique=True))]
    keys = [k for k in COLUMNS if k in keys]
    headers = [HEADERS[k] for k in keys]
    if "ch" in keys and draw(st.booleans()):
        headers[keys.index("ch")] = "Trực tuyến"  # a header with its own words: true/false
    n = draw(st.integers(1, 25))
    rows = []
    for _ in range(n):
        row = []
        for k in keys:
            if k == "id":
                row.append(draw(_ID))
            elif k in ("recv", "due", "end", "ret"):
                row.append(draw(_DATE_CELL))
            elif k == "ch" and headers[keys.index("ch")] == "Trực tuyến":
                row.append(draw(st.sampled_from(["true", "false", "1", "Có", "", "có lẽ"])))
            else:
                row.append(draw(st.sampled_from(_WORDS[k])))
        if draw(st.integers(0, 9)) == 0:  # a short CSV row: its last cells are cut off
            cut = draw(st.integers(1, len(row)))
            row[-cut:] = [ABSENT] * cut
        if draw(st.booleans()):  # NFD text, as some exports write it; the reader makes it NFC
            row = [unicodedata.normalize("NFD", c) for c in row]
        rows.append([c if c == ABSENT else clean(c) for c in row])
    data = pd.DataFrame({str(i): [r[i] for r in rows] for i in range(len(keys))}, dtype="str")
    table = RawTable(
        path="export.csv", sha256="0" * 64, size=0, encoding="utf-8", delimiter=",", sheet=None,
        header_line=1, headers=tuple(headers), data=data,
        lines=np.arange(2, n + 2, dtype=np.int64), blank_rows=0,
    )  # fmt: skip
    start = draw(_DAY)
    end = draw(st.sampled_from([d for d in DAYS if d >= start]))
    return table, (start, end)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=exports())
def test_random_exports(plan, con, case):
    table, period = case
    assert_same(plan, table, period, con)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=exports(), learnt=st.booleans())
def test_random_exports_row_by_row(plan, con, case, learnt):
    """Each row's class and reason for every indicator, as the oracle's classify gives them."""
    table, period = case
    if learnt:
        with learnt_from_the_query():
            assert_same_rows(plan, table, period, con)
    else:
        assert_same_rows(plan, table, period, con)


def test_sql_parses_for_other_dialects(plan):
    """The generated query is plain enough for sqlglot to read (the road to Spark)."""
    sqlglot = pytest.importorskip("sqlglot")
    sql = engine.sql_for(plan, YEAR)
    tree = sqlglot.parse_one(sql, read="duckdb")
    assert "received_in_period" in tree.sql("spark")


@contextmanager
def learnt_from_the_query():
    """The engine with a one-row sample and nothing inlined: what the sample does not show is
    found by the query (second pass), odd dates, duplicate ids and groups are joined."""
    with (
        mock.patch.object(SAMPLING, "SAMPLE_ROWS", 1),
        mock.patch.object(duck, "INLINE_EXACT", 0),
        mock.patch.object(duck, "INLINE_DUPS", 0),
        mock.patch.object(duck, "INLINE_GROUPS", 0),
    ):
        yield


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=exports())
def test_random_exports_learnt_from_the_query(plan, con, case):
    table, period = case
    with learnt_from_the_query():
        assert_same(plan, table, period, con)


def split(table: RawTable, at: int, order: list[int]) -> list[RawTable]:
    """The table as two files: rows before ``at``, and the rest with its columns in ``order``."""
    out = []
    for rows, cols in ((slice(0, at), list(range(len(table.headers)))), (slice(at, None), order)):
        data = table.data.iloc[rows, cols].reset_index(drop=True)
        data.columns = [str(i) for i in range(len(cols))]
        out.append(
            replace(
                table,
                headers=tuple(table.headers[i] for i in cols),
                data=data,
                lines=np.arange(2, len(data) + 2, dtype=np.int64),
            )
        )
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=exports(), cut=st.floats(0, 1), seed=st.randoms(use_true_random=False))
def test_random_exports_split_in_two_files(plan, con, case, cut, seed):
    """Two files (the second's columns shuffled) count as the one file they make: duplicate ids
    across them included."""
    table, period = case
    n, width = len(table.lines), len(table.headers)
    at = round(cut * n)
    # a short row's cut-off cells are the last ones in its own file's order: the columns cut
    # off in the second file stay last, the others are shuffled
    cut_off = [(table.data.iloc[at:, i] == ABSENT).any() for i in range(width)]
    keep = next((i for i in range(width) if all(cut_off[i:])), width)
    order = list(range(keep))
    seed.shuffle(order)
    parts = split(table, at, order + list(range(keep, width)))
    want_counts, want = oracle(plan, table, period)
    got = engine.run(plan, parts, period, connection=con)
    assert dict(got.counts) == want_counts
    for name in ("rows_read", "rows_used", "rows_out_of_period", "rows_not_received",
                 "rows_left_out", "left_out_by", "problems", "due_dates_derived",
                 "rows_received_in_period", "rows_resolved_in_period", "last_received"):  # fmt: skip
        assert getattr(got.summary, name) == getattr(want, name), name
    # row by row: the first file's rows then the second's are the whole file's, in its order
    unplaced = {k: [r[1:] for r in v] for k, v in oracle_rows(plan, table, period).items()}
    assert {k: [r[1:] for r in v] for k, v in engine_rows(plan, parts, period, con).items()} == (
        unplaced
    )


# ---------------------------------------------------------------- breakdowns


def assert_same_breakdown(plan, table, period, by, con):
    """engine.breakdown against evaluate.breakdown: the same groups, in the same order, and in each
    the same counts of every indicator the file has the columns for."""
    records = records_from_table(table, plan)
    try:
        want = breakdown(plan, records, period, by)
    except CchcError as e:
        with pytest.raises(CchcError) as got_error:
            engine.breakdown(plan, table, period, by, connection=con)
        assert str(got_error.value) == str(e)
        return None
    got = engine.breakdown(plan, table, period, by, connection=con)
    assert [(g.key, g.period) for g in got] == [(w.key, w.period) for w in want]
    for g, w in zip(got, want, strict=True):
        for r in w.results:
            if r.numerator is None:  # a column the file lacks: no figures to compare
                continue
            c = g.counts[r.indicator.id]
            assert (c.numerator, c.denominator, c.left_out, c.left_out_by) == (
                r.numerator, r.denominator, r.left_out, r.left_out_by,
            ), (g.key, r.indicator.id)  # fmt: skip
    return got


@pytest.mark.parametrize("by", ["month", "field", "procedure", "unit"])
def test_sample_breakdowns(plan, con, by):
    table = table_of(SAMPLE, plan)
    got = assert_same_breakdown(plan, table, YEAR, by, con)
    if by == "unit":  # the sample has no unit column: the same error, not one empty group
        assert got is None
        return
    assert len(got) == {"month": 12, "field": 4, "procedure": 11}[by]
    assert sum(g.counts["dossiers_on_time"].denominator for g in got) > 2000


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.one_of(exports(), exports(must=("proc",))),
    by=st.sampled_from(["month", "procedure"]),
    learnt=st.booleans(),
)
def test_random_breakdowns(plan, con, case, by, learnt):
    table, period = case
    if learnt:
        with learnt_from_the_query():
            assert_same_breakdown(plan, table, period, by, con)
    else:
        assert_same_breakdown(plan, table, period, by, con)


# ---------------------------------------------------------------- Biểu 06


def engine_form(plan, tables, period, by, con):
    """Biểu 06 as the product builds it from the engine's placement of the rows."""
    from cchc_cli.engine.form import form_of_placement

    spans = {"period": period}
    if by == "month":
        spans.update({f"{m[0]:%Y-%m}": m for m in months_of(period)})
    wants = engine.Wants(form=by or "")
    figures, extras = engine.run_wanted(plan, tables, spans, wants, connection=con)
    return form_of_placement(plan, period, figures["period"].summary, extras.form)


def assert_same_form(plan, table, period, by, con):
    """Every count, identity, left-out reason and column not available of the form, and its
    input counts, as the pandas route's form (the same errors where it refuses)."""
    records = records_from_table(table, plan)
    try:
        want = oracle_form(plan, records, period, by)
    except CchcError as e:
        with pytest.raises(CchcError) as got_error:
            engine_form(plan, table, period, by, con)
        assert str(got_error.value) == str(e)
        return None
    got = engine_form(plan, table, period, by, con)
    assert got == want
    return got


@pytest.mark.parametrize("by", [None, "procedure", "month", "unit"])
def test_sample_form(plan, con, by):
    form = assert_same_form(plan, table_of(SAMPLE, plan), YEAR, by, con)
    if by == "unit":  # the sample has no unit column: the same error
        assert form is None
        return
    assert form.total.counts["received_total"] > 2000 and form.total.left_out >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.one_of(exports(), exports(must=("proc",))),
    by=st.sampled_from([None, "month", "procedure"]),
    learnt=st.booleans(),
)
def test_random_forms(plan, con, case, by, learnt):
    """Random exports (columns missing too: the form reads them as unknown) by field, month
    and procedure."""
    table, period = case
    if learnt:
        with learnt_from_the_query():
            assert_same_form(plan, table, period, by, con)
    else:
        assert_same_form(plan, table, period, by, con)


# ---------------------------------------------------------------- validate's problems


def assert_same_problems(plan, table, period, con):
    """Every problem (line, column, header, field, value, reason, in order) and the received-date
    counts, as the pandas route's validate finds them."""
    records = records_from_table(table, plan)
    want = oracle_validate(plan, records, period)
    wants = engine.Wants(problems=True)
    figures, extras = engine.run_wanted(plan, table, {"period": period}, wants, connection=con)
    got = extras.checked
    p = got.problems
    cols = ["line", "column", "header", "field", "value", "reason"]
    expected = [
        (int(a), int(b), str(c), str(d), str(e), str(f))
        for a, b, c, d, e, f in want.problems[cols].itertuples(index=False)
    ]
    assert list(zip(p.line, p.column, p.header, p.field, p.value, p.reason, strict=True)) == expected
    assert set(p.file) <= {0}
    counts = ("rows_before", "rows_in", "rows_after", "rows_no_received_date", "rows_not_received",
              "rows_with_problems")  # fmt: skip
    assert {k: getattr(got, k) for k in counts} == {k: getattr(want, k) for k in counts}
    assert got.unmatched == records.unmatched_headers
    assert figures["period"].summary.problems == len(p)
    return got


def test_sample_problems(plan, con):
    got = assert_same_problems(plan, table_of(SAMPLE, plan), YEAR, con)
    assert len(got.problems) >= 3 and got.rows_in > 2000


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixture_problems(plan, con, path):
    assert_same_problems(plan, table_of(path, plan), PERIODS["2023-05"], con)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=exports(), learnt=st.booleans())
def test_random_problems(plan, con, case, learnt):
    table, period = case
    if learnt:
        with learnt_from_the_query():
            assert_same_problems(plan, table, period, con)
    else:
        assert_same_problems(plan, table, period, con)
