"""Tests for the working-day calendar behind derived due dates.

Expected dates were worked out by hand from the official schedules (Tết, Giỗ Tổ, 30/4–1/5, 2/9
announcements for civil servants), never copied from the code's output. Weekdays used below:
01/01/2023 was a Sunday, 01/03/2023 a Wednesday, 01/05/2024 a Wednesday, 01/04/2025 a Tuesday.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd
import pytest

from cchc_cli.plan.calendar import WorkCalendar, supported_years

D = np.datetime64


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.vietnam([2022, 2023, 2024, 2025])


def due(cal: WorkCalendar, received: str, n: float) -> str:
    """One due date as 'YYYY-MM-DD' (or 'NaT'), through the vectorised path."""
    out = cal.add_working_days(np.array([received], dtype="datetime64[D]"), np.array([n]))
    return str(out[0])


# -- hand-worked due dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "n", "expected", "why"),
    [
        # Tết 2023: Fri 20/01 – Thu 26/01 off (Sat 21, Sun 22 are the weekend anyway).
        # Fri 27/01 (1), Mon 30/01 (2), Tue 31/01 (3), Wed 01/02 (4), Thu 02/02 (5).
        ("2023-01-19", 5, "2023-02-02", "Tết 2023"),
        ("2023-01-19", 1, "2023-01-27", "first day after Tết 2023"),
        # 27/04 – 01/05/2024: Mon 29/04 off (swapped), Tue 30/04, Wed 01/05 holidays;
        # Thu 02/05 (1), Fri 03/05 (2), Sat 04/05 make-up working day (3).
        ("2024-04-26", 3, "2024-05-04", "make-up Saturday 04/05/2024 counts"),
        ("2024-04-26", 4, "2024-05-06", "Sun 05/05 is off again"),
        ("2024-05-03", 1, "2024-05-04", "the make-up Saturday is the next working day"),
        ("2024-05-04", 1, "2024-05-06", "received on the make-up Saturday: that day not counted"),
        # 2/9/2023: Fri 01/09 and Mon 04/09 off, Sat 02/09 and Sun 03/09 weekend.
        ("2023-08-31", 1, "2023-09-05", "2/9/2023"),
        ("2023-08-30", 2, "2023-09-05", "Thu 31/08 (1), Tue 05/09 (2)"),
        ("2023-08-31", 3, "2023-09-07", "Tue 05 (1), Wed 06 (2), Thu 07 (3)"),
        # New Year 2023: Sun 01/01 observed on Mon 02/01; Fri 30/12/2022 -> Sat, Sun, Mon off.
        ("2022-12-30", 1, "2023-01-03", "New Year 2023 observed on Mon 02/01"),
        # A plain week in March 2023 (no holiday): Tue 14 .. Fri 17 are 1..4, Mon 20 is 5.
        ("2023-03-13", 5, "2023-03-20", "plain week"),
        ("2023-03-17", 1, "2023-03-20", "Friday + 1 is Monday"),
        # Received on a Saturday: the Saturday is not counted, Monday is day 1.
        ("2023-03-18", 1, "2023-03-20", "received on a Saturday"),
        ("2023-03-18", 3, "2023-03-22", "received on a Saturday, + 3"),
        ("2023-03-19", 1, "2023-03-20", "received on a Sunday"),
        # Giỗ Tổ 2024 on Thu 18/04.
        ("2024-04-17", 1, "2024-04-19", "Giỗ Tổ 2024"),
        # Tết 2024: Thu 08/02 – Wed 14/02 off.
        ("2024-02-07", 1, "2024-02-15", "Tết 2024"),
        # 2025 swap: Sat 26/04 worked, Fri 02/05 off; Wed 30/04, Thu 01/05 holidays.
        ("2025-04-25", 1, "2025-04-26", "make-up Saturday 26/04/2025"),
        ("2025-04-25", 4, "2025-05-05", "Sat 26 (1), Mon 28 (2), Tue 29 (3), Mon 05/05 (4)"),
        # 2/9/2024: Mon 02/09 and Tue 03/09 off.
        ("2024-08-30", 1, "2024-09-04", "2/9/2024"),
    ],
)
def test_hand_worked_due_dates(cal, received, n, expected, why):
    assert due(cal, received, n) == expected, why


def test_n_zero_is_the_day_received_or_the_next_working_day(cal):
    # Documented choice: a same-day procedure is due the day it is received if that is a working
    # day, else on the next working day.
    assert due(cal, "2023-01-19", 0) == "2023-01-19"
    assert due(cal, "2023-03-18", 0) == "2023-03-20"  # Saturday -> Monday
    assert due(cal, "2023-01-23", 0) == "2023-01-27"  # Tết (20-26/01) -> Friday 27/01


@pytest.mark.parametrize("n", [-1, -5, np.nan, 2.5, np.inf, -np.inf])
def test_invalid_n_gives_nat(cal, n):
    assert due(cal, "2023-03-13", n) == "NaT"


def test_nat_start_gives_nat(cal):
    start = np.array(["NaT", "2023-03-13", "NaT"], dtype="datetime64[D]")
    out = cal.add_working_days(start, np.array([1, 5, 0]))
    assert out.dtype == np.dtype("datetime64[D]")
    assert np.isnat(out[0]) and np.isnat(out[2])
    assert out[1] == D("2023-03-20")


def test_mixed_array_float_n_with_nan(cal):
    start = np.array(["2023-01-19", "2023-01-19", "2024-04-26", "NaT"], dtype="datetime64[D]")
    n = np.array([5.0, np.nan, 3.0, 1.0])
    out = cal.add_working_days(start, n)
    expected = np.array(["2023-02-02", "NaT", "2024-05-04", "NaT"], dtype="datetime64[D]")
    np.testing.assert_array_equal(out, expected)


def test_all_invalid_returns_all_nat(cal):
    out = cal.add_working_days(np.array(["NaT", "NaT"], dtype="datetime64[D]"), np.array([1, 2]))
    assert np.isnat(out).all()
    assert out.dtype == np.dtype("datetime64[D]")


def test_shape_scalar_n_and_nanosecond_input(cal):
    start = np.array([["2023-03-13T15:30", "2023-01-19T08:00"]], dtype="datetime64[ns]")
    out = cal.add_working_days(start, 5)
    assert out.shape == (1, 2)
    np.testing.assert_array_equal(
        out, np.array([["2023-03-20", "2023-02-02"]], dtype="datetime64[D]")
    )


def test_pandas_inputs(cal):
    start = pd.Series(pd.to_datetime(["2023-01-19 10:00", None, "2024-04-26 00:00"]))
    n = pd.Series([5, 1, pd.NA], dtype="Int64")
    out = cal.add_working_days(start, n)
    np.testing.assert_array_equal(
        out, np.array(["2023-02-02", "NaT", "NaT"], dtype="datetime64[D]")
    )


def test_years_outside_the_calendar_are_added_automatically():
    only_2023 = WorkCalendar.vietnam([2023])
    # 2022 (start) and 2024 (result) are not in `years`: Tết 2024 still has to be skipped.
    assert due(only_2023, "2022-12-30", 1) == "2023-01-03"
    assert due(only_2023, "2024-02-07", 1) == "2024-02-15"
    assert due(only_2023, "2024-04-26", 3) == "2024-05-04"
    # A long period runs into the next year: Fri 22/12/2023 + 10 working days.
    # Mon 25 .. Fri 29/12 (1-5), Mon 01/01/2024 off, Tue 02 .. Fri 05/01 (6-9), Mon 08/01 (10).
    assert due(only_2023, "2023-12-22", 10) == "2024-01-08"
    assert only_2023.is_working_day(date(2025, 4, 26))  # make-up Saturday in 2025
    assert not only_2023.is_working_day(date(2025, 5, 2))
    assert only_2023.years == (2023,)  # the calendar itself is unchanged


def test_dates_the_holidays_package_cannot_compute_give_nat(cal):
    start = np.array(["2101-01-03", "1850-06-01", "2100-12-30"], dtype="datetime64[D]")
    out = cal.add_working_days(start, np.array([1, 1, 5]))
    assert np.isnat(out).all()  # 2100-12-30 + 5 would land in 2101
    with pytest.raises(ValueError, match="outside"):
        WorkCalendar.vietnam([2101])
    with pytest.raises(ValueError, match="outside"):
        cal.is_working_day(date(2150, 1, 2))


def test_supported_years_are_the_packages():
    """The range is written down (reading it would import holidays at every start): it must be
    the installed package's own, or a year would be refused or silently left holiday-less."""
    assert supported_years() == (holidays.Vietnam.start_year, holidays.Vietnam.end_year)
    assert holidays.Vietnam(years=1901) and holidays.Vietnam(years=2100)  # both ends computed
    assert not holidays.Vietnam(years=2101)  # past the lunar tables: nothing at all


# -- local changes from the plan ---------------------------------------------------------------


def test_extra_local_day_off_shifts_the_due_date():
    local = WorkCalendar.vietnam(
        [2023], extra_days_off={date(2023, 3, 20): "Nghỉ lễ địa phương (thử)"}
    )
    # Fri 17/03 + 1: Mon 20/03 is now off, so Tue 21/03.
    assert due(local, "2023-03-17", 1) == "2023-03-21"
    # Mon 13/03 + 5: Tue 14 .. Fri 17 (1-4), Mon 20 off, Tue 21 (5).
    assert due(local, "2023-03-13", 5) == "2023-03-21"
    assert not local.is_working_day(date(2023, 3, 20))
    assert (date(2023, 3, 20), "day_off", "Nghỉ lễ địa phương (thử)") in local.entries(2023)


def test_extra_make_up_working_day_shifts_the_due_date():
    local = WorkCalendar.vietnam([2023], extra_working_days={date(2023, 3, 18): "Làm bù (thử)"})
    # Fri 17/03 + 1: Sat 18/03 is now a working day.
    assert due(local, "2023-03-17", 1) == "2023-03-18"
    # Mon 13/03 + 5: Tue 14 .. Fri 17 (1-4), Sat 18 (5).
    assert due(local, "2023-03-13", 5) == "2023-03-18"
    assert local.is_working_day(date(2023, 3, 18))
    assert (date(2023, 3, 18), "make_up", "Làm bù (thử)") in local.entries(2023)


def test_extras_in_a_year_added_later_still_apply():
    local = WorkCalendar.vietnam([2023], extra_days_off={date(2024, 3, 18): "Nghỉ địa phương"})
    # Fri 15/03/2024 + 1: Mon 18/03/2024 off locally, so Tue 19/03/2024.
    assert due(local, "2024-03-15", 1) == "2024-03-19"


def test_extra_working_day_can_cancel_a_national_day_off():
    # A weekday the package lists as a day off, declared a working day by the plan.
    local = WorkCalendar.vietnam([2024], extra_working_days={date(2024, 4, 29): "Làm việc"})
    # Fri 26/04 + 1: Mon 29/04 now counts.
    assert due(local, "2024-04-26", 1) == "2024-04-29"
    assert date(2024, 4, 29) not in local.days_off


def test_contradictory_extras_are_refused():
    d = date(2023, 3, 18)
    with pytest.raises(ValueError):
        WorkCalendar.vietnam([2023], extra_days_off={d: "a"}, extra_working_days={d: "b"})


# -- the calendar itself -----------------------------------------------------------------------


def test_is_working_day(cal):
    assert cal.is_working_day(date(2024, 5, 4))  # make-up Saturday
    assert not cal.is_working_day(date(2024, 4, 29))  # substituted day off
    assert not cal.is_working_day(date(2023, 1, 2))  # New Year observed
    assert not cal.is_working_day(date(2023, 3, 18))  # plain Saturday
    assert cal.is_working_day(date(2023, 3, 17))  # plain Friday


def test_working_days_in_month_2023(cal):
    months = cal.working_days_in_month(2023)
    assert sorted(months) == list(range(1, 13))
    # January: 31 days; Sundays 1, 8, 15, 22, 29 and Saturdays 7, 14, 21, 28 -> 9 weekend days;
    # weekday days off Mon 02, Fri 20, Mon 23, Tue 24, Wed 25, Thu 26 -> 6. 31 - 9 - 6 = 16.
    assert months[1] == 16
    # February: 4 whole weeks, no holiday -> 20.
    assert months[2] == 20
    # April: Sat 01 .. Sun 30 = 4 whole weeks + Sat 29, Sun 30 (both holidays, on the weekend).
    assert months[4] == 20
    # May: Mon 01 .. Wed 31 = 23 weekdays, minus Mon 01, Tue 02, Wed 03 -> 20.
    assert months[5] == 20
    # September: Fri 01 .. Sat 30 = 21 weekdays, minus Fri 01 and Mon 04 -> 19.
    assert months[9] == 19
    # Whole year: 2023 starts and ends on a Sunday -> 260 weekdays; weekday days off
    # 02/01, 20/01, 23-26/01, 01-03/05, 01/09, 04/09 = 11 -> 249.
    assert sum(months.values()) == 249


def test_working_days_in_month_2024_counts_the_make_up_saturday(cal):
    months = cal.working_days_in_month(2024)
    # May 2024: Wed 01 .. Fri 31 = 23 weekdays, minus Wed 01, plus Sat 04 -> 23.
    assert months[5] == 23
    # April 2024: Mon 01 .. Tue 30 = 22 weekdays, minus Thu 18, Mon 29, Tue 30 -> 19.
    assert months[4] == 19


def test_entries_2024_with_vietnamese_names(cal):
    entries = cal.entries(2024)
    assert entries == sorted(entries)
    by_date = {d: (kind, name) for d, kind, name in entries}
    assert by_date[date(2024, 5, 4)][0] == "make_up"
    assert "29/04/2024" in by_date[date(2024, 5, 4)][1]
    assert by_date[date(2024, 4, 29)][0] == "day_off"
    assert "04/05/2024" in by_date[date(2024, 4, 29)][1]
    assert by_date[date(2024, 1, 1)] == ("day_off", "Tết Dương lịch")
    assert by_date[date(2024, 9, 2)] == ("day_off", "Quốc khánh")
    assert {d for d, kind, _ in entries if kind == "make_up"} == {date(2024, 5, 4)}
    assert all(d.year == 2024 for d, _, _ in entries)


def test_entries_2023_day_offs_match_the_official_schedule(cal):
    weekday_offs = {d for d, kind, _ in cal.entries(2023) if kind == "day_off" and d.weekday() < 5}
    expected = {
        date(2023, 1, 2),
        *(date(2023, 1, d) for d in (20, 23, 24, 25, 26)),
        date(2023, 5, 1),
        date(2023, 5, 2),
        date(2023, 5, 3),
        date(2023, 9, 1),
        date(2023, 9, 4),
    }
    assert weekday_offs == expected
    assert not [e for e in cal.entries(2023) if e[1] == "make_up"]
    assert "Tết Dương lịch" in cal.days_off[date(2023, 1, 2)]


def test_maps_are_read_only_and_calendar_is_hashable(cal):
    with pytest.raises(TypeError):
        cal.days_off[date(2023, 3, 17)] = "x"  # type: ignore[index]
    assert hash(cal) == hash(WorkCalendar.vietnam([2025, 2024, 2023, 2022, 2023]))
    assert cal == WorkCalendar.vietnam([2025, 2024, 2023, 2022])


# -- against an independent route --------------------------------------------------------------


def test_matches_holidays_get_nth_working_day(cal):
    """The package's own ``get_nth_working_day`` walks day by day with ``is_working_day``, which
    counts ``weekend_workdays`` (checked: it returns 04/05/2024 for Fri 26/04/2024 + 3), so the
    comparison covers make-up Saturdays too, and n == 0 (the next working day from a day off)."""
    lib = holidays.Vietnam(years=range(2021, 2028), language="vi")
    assert lib.get_nth_working_day(date(2024, 4, 26), 3) == date(2024, 5, 4)

    rng = np.random.default_rng(20240504)
    size = 3000
    offsets = rng.integers(0, (date(2025, 12, 31) - date(2022, 1, 1)).days + 1, size)
    n = rng.integers(0, 45, size)
    starts = [date(2022, 1, 1) + timedelta(days=int(o)) for o in offsets]
    # Make sure the swap weeks are well represented, not left to chance.
    swap_weeks = [date(2024, 4, 22) + timedelta(days=k) for k in range(12)]
    swap_weeks += [date(2025, 4, 21) + timedelta(days=k) for k in range(12)]
    starts += swap_weeks * 4
    n = np.concatenate([n, np.tile(np.arange(1, 13), 8)])

    got = cal.add_working_days(np.array(starts, dtype="datetime64[D]"), n)
    checked = 0
    for s, k, g in zip(starts, n.tolist(), got.tolist(), strict=True):
        assert g == lib.get_nth_working_day(s, k), (s, k)
        checked += 1
    assert checked > 2500


def test_a_million_rows_is_fast(cal):
    rng = np.random.default_rng(1)
    rows = 1_000_000
    start = np.datetime64("2022-01-01") + rng.integers(0, 4 * 365, rows)
    n = rng.integers(0, 60, rows)
    cal.add_working_days(start[:10], n[:10])  # build the calendar arrays once
    best = min(_timed(cal, start, n) for _ in range(3))
    # The target is well under 0.2 s; the bound here is loose so a busy CI box does not flake,
    # yet any per-row Python loop (seconds) would fail it.
    assert best < 0.5


def _timed(cal: WorkCalendar, start: np.ndarray, n: np.ndarray) -> float:
    t0 = time.perf_counter()
    cal.add_working_days(start, n)
    return time.perf_counter() - t0
