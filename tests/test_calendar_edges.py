"""The working calendar at its edges: the first and last day the ``holidays`` package covers, a
year with no working day at all (the search must widen), every kind of ``n`` and of date key, and
the names ``cchc calendar`` shows. Found by mutation testing (benchmarks/README.md): each test
fails on a plausible slip in calendar.py that the other tests let through.

Weekdays used (worked out from 01/01/2023, a Sunday, and checked against ``date.weekday``):
Mon 13/03/2023, Fri 29/12/2023, Wed 01/01/2025, Tue 01/01/1901, Thu 30/12/2100, Fri 31/12/2100.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest

from cchc_cli.plan.calendar import WorkCalendar


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.vietnam([2022, 2023, 2024, 2025])


def _due(cal: WorkCalendar, received: str, n) -> list[str]:
    n = n if hasattr(n, "__len__") else np.array([n])
    start = np.array([received] * len(n), dtype="datetime64[D]")
    return [str(d) for d in cal.add_working_days(start, n)]


def test_weekdays_used_above():
    assert [d.weekday() for d in (date(2023, 3, 13), date(2023, 12, 29))] == [0, 4]
    assert [d.weekday() for d in (date(2025, 1, 1), date(1901, 1, 1))] == [2, 1]
    assert [d.weekday() for d in (date(2100, 12, 30), date(2100, 12, 31))] == [3, 4]


# -- the range the holidays package covers (1901-2100) ----------------------------------------


def test_first_and_last_covered_days(cal):
    # 01/01/1901 (Tết Dương lịch) + 1 -> Wed 02/01/1901; the first covered day is valid
    assert _due(cal, "1901-01-01", 1) == ["1901-01-02"]
    # Thu 30/12/2100 + 1 -> Fri 31/12/2100, the last working day the package can compute
    assert _due(cal, "2100-12-30", 1) == ["2100-12-31"]
    # Fri 31/12/2100 + 1 would be in 2101: not computable, so no due date rather than a wrong one
    assert _due(cal, "2100-12-31", 1) == ["NaT"]
    assert _due(cal, "2101-01-01", 0) == ["NaT"]


def test_covered_years_are_accepted_and_others_refused():
    assert WorkCalendar.vietnam([1901]).is_working_day(date(1901, 1, 2))
    assert not WorkCalendar.vietnam([2100]).is_working_day(date(2100, 1, 1))
    for year in (1900, 2101):
        with pytest.raises(ValueError, match="outside"):
            WorkCalendar.vietnam([year])


def test_the_first_working_day_of_the_first_year(cal):
    # Sun 01/01/2023 + 1: Mon 02/01 is the New Year day in lieu -> Tue 03/01, the first working
    # day of the year the search starts from
    assert _due(cal, "2023-01-01", 1) == ["2023-01-03"]


def test_a_year_without_working_days_widens_the_search():
    # A plan that makes every day of 2024 a day off (make-up Saturday 04/05 included). From Fri
    # 29/12/2023 the next working day is Thu 02/01/2025 (Wed 01/01 is Tết Dương lịch), then
    # Fri 03 (2), Mon 06 .. Fri 10 (3-7), Mon 13 (8), Tue 14 (9), Wed 15 (10).
    all_2024 = {date(2024, 1, 1) + dt.timedelta(days=k): "Nghỉ (thử)" for k in range(366)}
    closed = WorkCalendar.vietnam([2023, 2024, 2025], extra_days_off=all_2024)
    assert not closed.is_working_day(date(2024, 5, 4))
    assert _due(closed, "2023-12-29", np.array([1, 2, 10])) == [
        "2025-01-02",
        "2025-01-03",
        "2025-01-15",
    ]


# -- every kind of n -------------------------------------------------------------------------

# From Mon 13/03/2023: n = 0 -> the day itself; n = 3 -> Thu 16/03/2023.


def test_integer_n_negative_or_huge_gives_nat(cal):
    assert _due(cal, "2023-03-13", np.array([-1, 3, 10**12])) == ["NaT", "2023-03-16", "NaT"]


def test_unsigned_n(cal):
    n = np.array([3, 2**64 - 1], dtype=np.uint64)
    assert _due(cal, "2023-03-13", n) == ["2023-03-16", "NaT"]


def test_float_n(cal):
    assert _due(cal, "2023-03-13", np.array([-1.0, 0.0, 3.0])) == [
        "NaT",
        "2023-03-13",
        "2023-03-16",
    ]


def test_object_and_nullable_n(cal):
    assert _due(cal, "2023-03-13", np.array([3, None], dtype=object)) == ["2023-03-16", "NaT"]
    assert _due(cal, "2023-03-13", pd.array([3, None], dtype="Int64")) == ["2023-03-16", "NaT"]


def test_n_of_the_wrong_type_is_refused(cal):
    with pytest.raises(TypeError, match="booleans"):
        _due(cal, "2023-03-13", np.array([True]))
    with pytest.raises(TypeError, match="numeric"):
        _due(cal, "2023-03-13", np.array(["3"]))


# -- the maps: keys of any date type, contradictions, normalisation ---------------------------


def test_day_keys_of_every_date_type():
    local = WorkCalendar.vietnam(
        [2023],
        extra_days_off={np.datetime64("2023-03-20"): "A", dt.datetime(2023, 3, 21, 9, 30): "B"},
    )
    assert not local.is_working_day(date(2023, 3, 20))
    assert not local.is_working_day(dt.datetime(2023, 3, 21, 17, 0))
    assert local.days_off[date(2023, 3, 21)] == "B"
    with pytest.raises(TypeError, match="expected a date"):
        WorkCalendar.vietnam([2023], extra_days_off={"2023-03-22": "C"})


def test_a_day_both_off_and_worked_is_refused():
    d = date(2023, 3, 18)
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(years=(2023,), days_off={d: "a"}, make_up_days={d: "b"})


def test_the_constructor_normalises_years_and_keys():
    made = WorkCalendar(
        years=[2024, 2023, 2023],
        days_off={dt.datetime(2023, 3, 20, 8, 0): "x"},
        make_up_days={np.datetime64("2023-03-18"): "y"},
    )
    assert made.years == (2023, 2024)
    assert dict(made.days_off) == {date(2023, 3, 20): "x"}
    assert dict(made.make_up_days) == {date(2023, 3, 18): "y"}
    assert isinstance(made.make_up_days, MappingProxyType)
    same = WorkCalendar(
        years=(2023, 2024), days_off={date(2023, 3, 20): "x"}, make_up_days={date(2023, 3, 18): "y"}
    )
    assert made == same and hash(made) == hash(same) and len({made, same}) == 1


def test_a_local_day_off_on_a_national_make_up_saturday():
    # Sat 04/05/2024 is a national make-up working day; a plan may still give it off locally
    local = WorkCalendar.vietnam([2024], extra_days_off={date(2024, 5, 4): "Nghỉ địa phương"})
    assert not local.is_working_day(date(2024, 5, 4))
    assert (date(2024, 5, 4), "day_off", "Nghỉ địa phương") in local.entries(2024)
    assert date(2024, 5, 4) not in local.make_up_days


def test_local_days_of_a_year_added_later_keep_their_names():
    local = WorkCalendar.vietnam(
        [2023],
        extra_days_off={date(2024, 3, 20): "Nghỉ địa phương"},
        extra_working_days={date(2024, 3, 23): "Làm bù địa phương"},
    )
    # Tue 19/03/2024 + 1: Wed 20 off locally -> Thu 21; Fri 22/03 + 1: Sat 23 worked -> Sat 23
    assert local.add_working_days(
        np.array(["2024-03-19", "2024-03-22"], dtype="datetime64[D]"), np.array([1, 1])
    ).tolist() == [date(2024, 3, 21), date(2024, 3, 23)]
    entries = local.entries(2024)
    assert (date(2024, 3, 20), "day_off", "Nghỉ địa phương") in entries
    assert (date(2024, 3, 23), "make_up", "Làm bù địa phương") in entries
    assert (date(2024, 9, 2), "day_off", "Quốc khánh") in entries  # and the national days


# -- the names cchc calendar shows ---------------------------------------------------------------


def test_make_up_days_are_named_after_the_day_off_they_pay_for(cal):
    by_date = {d: (kind, name) for d, kind, name in cal.entries(2024)}
    assert by_date[date(2024, 5, 4)] == ("make_up", "Ngày làm việc bù (cho ngày nghỉ 29/04/2024)")


def test_a_swap_across_the_new_year_is_named_from_the_other_year():
    # Sat 27/12/2014 was worked for Fri 02/01/2015
    entries = WorkCalendar.vietnam([2014]).entries(2014)
    assert (date(2014, 12, 27), "make_up", "Ngày làm việc bù (cho ngày nghỉ 02/01/2015)") in entries


def test_local_changes_win_over_the_national_schedule_of_a_year_added_later():
    # built for 2023; 2024 is added on first use, and the plan's changes still win there:
    # Sat 04/05/2024 (a national make-up day) off locally, Mon 29/04/2024 (a national day
    # off in lieu) worked locally
    local = WorkCalendar.vietnam(
        [2023],
        extra_days_off={date(2024, 5, 4): "Nghỉ địa phương"},
        extra_working_days={date(2024, 4, 29): "Làm việc"},
    )
    assert not local.is_working_day(date(2024, 5, 4))
    assert local.is_working_day(date(2024, 4, 29))
