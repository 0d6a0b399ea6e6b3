"""Date and number parsing: every listed format, impossible dates rejected, whatever the day."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from oracle.records import parse_dates, parse_integers

CASES = [
    ("04/05/2023", "2023-05-04"),  # day first, always
    ("4/5/2023", "2023-05-04"),
    ("04/05/2023 08:30", "2023-05-04"),
    ("04/05/2023 08:30:15", "2023-05-04"),
    ("2023-05-04", "2023-05-04"),
    ("2023-05-01", "2023-05-01"),  # ISO with a day 1-3: not mistaken for a rolled-over date
    ("2023-06-02T09:00:00", "2023-06-02"),
    ("2023-05-04T08:30:00.123Z", "2023-05-04"),
    ("2023-05-04T23:30:00+07:00", "2023-05-04"),  # already Vietnam time
    ("2023-05-31T18:30:00Z", "2023-06-01"),  # 01:30 on 1 June in Vietnam (UTC+7)
    ("2023-05-10 08:00:00.000", "2023-05-10"),  # SQL / .NET: fractions without a zone
    ("2023-05-10T08:00:00.000", "2023-05-10"),
    ("10/05/2023 08:00:00.000", "2023-05-10"),
    ("29/02/2024", "2024-02-29"),
    ("01/03/2023", "2023-03-01"),
    ("31/12/2023 23:59", "2023-12-31"),
]
BAD = [
    "04/05/23",  # two-digit years: not a date (would be year 23 AD)
    "4/5/23 8:30",
    "23-05-04",
    "01/01/0001",  # .NET's null date
    "01/01/1900",
    "2023-02-31T10:00:00Z",
    "31/02/2023",
    "29/02/2023",
    "32/01/2023",
    "04/13/2023",
    "2023-02-30",
    "04/05/2023 25:00",
    "hôm qua",
    "2023/05/04x",
    "31/04/2023 08:00",
]


@pytest.mark.parametrize(("text", "iso"), CASES)
def test_date_formats(text, iso):
    values, invalid = parse_dates(pa.chunked_array([pa.array([text])]), np.array([False]))
    assert not invalid[0]
    assert str(values[0]) == iso


@pytest.mark.parametrize("text", BAD)
def test_impossible_or_unparseable_dates(text):
    values, invalid = parse_dates(pa.chunked_array([pa.array([text])]), np.array([False]))
    assert invalid[0] and np.isnat(values[0])


def test_mixed_column_and_empty_cells():
    cells = ["", "02/05/2023", "2023-05-03", "31/02/2023", "03/05/2023 07:45"]
    values, invalid = parse_dates(
        pa.chunked_array([pa.array(cells)]), np.array([c == "" for c in cells])
    )
    assert [str(v) for v in values] == ["NaT", "2023-05-02", "2023-05-03", "NaT", "2023-05-03"]
    assert invalid.tolist() == [False, False, False, True, False]


def test_processing_days():
    cells = ["5", "5.0", "", "-1", "năm", "2,5", "10"]
    values, invalid = parse_integers(
        pa.chunked_array([pa.array(cells)]), np.array([c == "" for c in cells])
    )
    assert invalid.tolist() == [False, False, False, True, True, True, False]
    assert values[0] == 5 and values[1] == 5 and np.isnan(values[2]) and values[6] == 10
