"""The working-day calendar as a table the query joins: ``day``, ``ord``, ``working``.

``ord`` counts the working days up to and including ``day``, so the ``n``-th working day after
``d`` is the working day whose ``ord`` is ``ord(d) + n`` (and a same-day procedure received on a
day off is due on the working day of ``ord(d) + 1``), as ``WorkCalendar.add_working_days`` says.
The days come from :mod:`cchc_cli.plan.calendar` (the ``holidays`` package plus the plan's own days
off and make-up days); the table runs to 31/12/2100, where the package stops, so a due date past
it is NULL as it is NaT there.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from .. import arrow as A
from ..plan.calendar import plan_calendar, supported_years
from ..plan.model import Plan

_TABLES: dict[tuple, pa.Table] = {}  # built once per first year and plan calendar


def calendar_table(plan: Plan, first_year: int | None, last_year: int | None = None) -> pa.Table:
    """Every day from 1 January ``first_year`` to 31 December ``last_year`` (None: the last day
    the calendar knows); ``first_year`` None: no day (no row can derive a due date, so the
    ``holidays`` package is not even read)."""
    if first_year is None:
        days = np.zeros(0, dtype=np.int32)
        return A.table(
            {
                "day": A.numbers(days, pa.date32()),
                "ord": A.numbers(days, pa.int32()),
                "working": A.flags(days),
            }
        )
    _, last_known = supported_years()
    last = last_known if last_year is None else min(max(last_year, first_year), last_known)
    key = (first_year, last, tuple(sorted(plan.days_off)), tuple(sorted(plan.working_days)))
    if key not in _TABLES:
        _TABLES[key] = _build(plan, first_year, last)
    return _TABLES[key]


def _build(plan: Plan, first_year: int, last_year: int) -> pa.Table:
    cal = plan_calendar(plan, range(first_year, last_year + 1))
    days = np.arange(
        np.datetime64(dt.date(first_year, 1, 1)),
        np.datetime64(dt.date(last_year + 1, 1, 1)),
        dtype="datetime64[D]",
    )
    # the first working day on or after a day is that day exactly when it is a working day
    working = cal.add_working_days(days, np.zeros(len(days), dtype=np.int64)) == days
    return A.table(
        {
            "day": A.numbers((days - np.datetime64("1970-01-01")).astype(np.int32), pa.date32()),
            "ord": A.numbers(np.cumsum(working, dtype=np.int32), pa.int32()),
            "working": A.flags(working),
        }
    )
