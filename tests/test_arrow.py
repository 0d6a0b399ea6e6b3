"""cchc_cli.arrow: columns built and read over numpy buffers, checked against pyarrow's own
conversions (an independent route: pyarrow's ``to_pylist``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from cchc_cli import arrow as A


def test_strings_and_numbers_with_nulls():
    assert A.strings(["a", None, "ă", ""]).to_pylist() == ["a", None, "ă", ""]
    assert A.numbers([1, 2, 3], valid=[True, False, True]).to_pylist() == [1, None, 3]
    days = np.array(["2023-12-31", "NaT", "1970-01-02"], dtype="datetime64[D]")
    assert A.days(days).to_pylist() == [dt.date(2023, 12, 31), None, dt.date(1970, 1, 2)]


def test_as_numpy_reads_nulls_offsets_and_chunks():
    ints = A.numbers([5, 6, 7, 8], valid=[True, False, True, True]).slice(1, 3)  # offset 1
    got = A.as_numpy(ints)
    assert np.isnan(got[0]) and got[1:].tolist() == [7.0, 8.0]
    bools = pa.chunked_array([A.flags([True, False, True]), A.flags([False, True])])
    assert A.as_numpy(bools).tolist() == [True, False, True, False, True]
    flagged = A.flags([True, True, False, True, True, True, True, True, True]).slice(7)
    assert A.as_numpy(flagged).tolist() == [True, True]  # bits past the first byte
    dates = A.days(np.array(["2023-05-01", "NaT"], dtype="datetime64[D]"))
    got = A.as_numpy(dates)
    assert got[0] == np.datetime64("2023-05-01") and np.isnat(got[1])
    stamps = pa.chunked_array([pa.nulls(1, pa.timestamp("s"))]).cast(pa.timestamp("s"))
    assert np.isnat(A.as_numpy(stamps)[0])
    assert A.as_numpy(A.numbers([], pa.int32())).tolist() == []


def test_is_text_is_exact():
    col = pa.chunked_array([A.strings(["", "\x00", "a", "ab", "b"]), A.strings(["a", ""])])
    assert A.is_text(col, "").tolist() == [True, False, False, False, False, False, True]
    assert A.is_text(col, "\x00").tolist() == [False, True, False, False, False, False, False]
    # "b" has a's length: the bytes decide
    assert A.is_text(col, "a").tolist() == [False, False, True, False, False, True, False]
    assert A.is_text(col.slice(2), "ab").tolist() == [False, True, False, False, False]


def test_is_text_takes_any_header_literally():
    """Headers hold commas, brackets and regex signs: each compared as the text it is."""
    texts = ["Số, ký hiệu", "(1)", "a.b", "a*b", "Tên (TTHC) [1] $^|?+{}", "x\ny"]
    col = pa.chunked_array([A.strings([*texts, "axb", "Số; ký hiệu"])])
    for text in texts:
        assert A.is_text(col, text).tolist() == [c == text for c in [*texts, "axb", "Số; ký hiệu"]]
