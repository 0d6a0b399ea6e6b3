"""Vietnam's working-day calendar, used to derive a dossier's due date.

Why this module exists: when an export has no ``due_at``, the due date is the ``processing_days``-th
working day after the received date. The received day itself is not counted (Bộ luật Dân sự 2015,
Điều 147: a period counted in days starts on the day after the event). Working days are Monday to
Friday, minus Vietnam's public holidays and compensatory / substituted days off, plus the make-up
working Saturdays the government announces when it swaps a day (e.g. Sat 04/05/2024 worked in
exchange for Mon 29/04/2024). The holiday data comes from the maintained ``holidays`` package (never
a hand-typed list); a plan may add local days off and extra make-up working days on top.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["WorkCalendar", "supported_years"]

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_NAT = np.datetime64("NaT", "D")
# Rough lower bound of working days per year, used only to guess how far ahead to build the
# calendar before the first search; the search is then checked and the range widened if short.
_WORKING_DAYS_PER_YEAR_LOW = 240
# No n above this can land inside the library's supported years (1901-2100 is ~50,000 working
# days): integer n is clipped to it and float n above it is invalid, so the index arithmetic stays
# far from int64 overflow; either way such rows come back NaT.
_N_CLIP = 10_000_000


# The years ``holidays.Vietnam`` computes (its ``start_year``/``end_year``: the lunar tables end
# in 2100), written here because reading them imports the package and, through it, every
# country it knows (~0.1 s at each start of a command that needs no calendar at all);
# tests/test_calendar.py checks them against the installed package.
SUPPORTED_YEARS = (1901, 2100)


def supported_years() -> tuple[int, int]:
    """Years the ``holidays`` package can compute for Vietnam (lunar tables end in 2100).

    Why: outside this range the package silently returns no holidays at all, which would make
    every weekday a working day; we refuse (or give NaT) rather than compute a wrong due date.
    """
    return SUPPORTED_YEARS


def _make_up_name(make_up: dt.date, days_off: Mapping[dt.date, str]) -> str:
    """Name a make-up working day after the day off it pays for.

    Why: the package lists make-up days without names; its substituted day off is labelled
    "Ngày nghỉ (thay cho ngày DD/MM/YYYY)", so the matching day off is found through that date.
    """
    token = make_up.strftime("%d/%m/%Y")
    for off, name in sorted(days_off.items()):
        if token in name:
            return f"Ngày làm việc bù (cho ngày nghỉ {off:%d/%m/%Y})"
    return "Ngày làm việc bù"


def _vietnam() -> Any:
    """The ``holidays`` package's Vietnam class, its module loaded on its own.

    Why: ``holidays.Vietnam`` (and any ``import holidays.countries.vietnam``) first runs
    ``holidays/countries/__init__.py``, which imports the modules of all ~250 countries (~0.1 s,
    more than the rest of a small ``check``); the Vietnam module needs only the package's
    shared parts. It is registered under its own name, so a later import of the countries
    package reuses it (the same class). If the package is laid out otherwise, the usual way.
    """
    import holidays

    name = "holidays.countries.vietnam"
    module = sys.modules.get(name)
    if module is None:
        path = Path(holidays.__file__).with_name("countries") / "vietnam.py"
        spec = importlib.util.spec_from_file_location(name, path)
        if not path.is_file() or spec is None or spec.loader is None:
            return holidays.Vietnam
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception:
            del sys.modules[name]
            return holidays.Vietnam
    return getattr(module, "Vietnam", None) or holidays.Vietnam


def _library_days(years: Iterable[int]) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    """Days off and make-up working days from ``holidays.Vietnam`` for exactly ``years``.

    Why a year either side is also built: a swap can cross the new year (27/12/2014 worked for
    02/01/2015), and the make-up day's name comes from its partner day off.
    """
    wanted = set(years)
    if not wanted:
        return {}, {}
    first, last = supported_years()
    around = sorted({y + k for y in wanted for k in (-1, 0, 1) if first <= y + k <= last})
    vietnam = _vietnam()
    language = "vi" if "vi" in getattr(vietnam, "supported_languages", ()) else None
    lib = vietnam(years=around, language=language)
    all_off = {d: str(name) for d, name in lib.items()}
    days_off = {d: name for d, name in all_off.items() if d.year in wanted}
    make_up = {
        d: _make_up_name(d, all_off)
        for d in lib.weekend_workdays
        if d.year in wanted and d.weekday() >= 5
    }
    for d in make_up:  # a weekend make-up day is a working day, whatever else is listed
        days_off.pop(d, None)
    return days_off, make_up


def _as_date(value: Any) -> dt.date:
    """Normalise a key to ``datetime.date`` (a ``datetime`` never equals a ``date`` key)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]").item()
    raise TypeError(f"expected a date, got {type(value).__name__}: {value!r}")


def _date_map(m: Mapping[Any, str] | None) -> dict[dt.date, str]:
    return {_as_date(k): str(v) for k, v in (m or {}).items()}


def _to_day_numbers(dates: Iterable[dt.date]) -> np.ndarray:
    """Days since 1970-01-01, the integer view of ``datetime64[D]``."""
    return np.fromiter((d.toordinal() - _EPOCH_ORDINAL for d in dates), dtype=np.int64)


def _year_of(day_number: int) -> int:
    return int(np.datetime64(int(day_number), "D").astype("datetime64[Y]").astype(np.int64)) + 1970


def _day_number(year: int, month: int = 1, day: int = 1) -> int:
    return dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL


def _valid_n(n: Any) -> tuple[np.ndarray, np.ndarray]:
    """Split ``n`` into (int64 values, validity mask); invalid values become 0.

    Why: ``processing_days`` arrives as int, as float with NaN for blanks, or as a pandas nullable
    integer; a missing, negative or fractional value has no meaningful due date, so it gives NaT.
    """
    if hasattr(n, "to_numpy") and not isinstance(n, np.ndarray):  # pandas Series / ExtensionArray
        n = n.to_numpy(dtype="float64", na_value=np.nan)
    arr = np.asarray(n)
    if arr.dtype.kind == "b":
        raise TypeError("n must be integers, not booleans")
    if arr.dtype.kind in "iu":
        ok = arr >= 0
        values = np.minimum(arr, _N_CLIP) if arr.dtype.kind == "u" else arr
        values = values.astype(np.int64, copy=False)
        if values.size and (not ok.all() or values.max() > _N_CLIP):
            values = np.where(ok, np.minimum(values, _N_CLIP), 0)
        return values, ok
    if arr.dtype.kind == "O":
        arr = arr.astype("float64")  # None -> NaN; anything non-numeric raises
    if arr.dtype.kind != "f":
        raise TypeError(f"n must be numeric, got dtype {arr.dtype}")
    with np.errstate(invalid="ignore"):
        ok = (arr >= 0) & (arr <= _N_CLIP)  # NaN compares False; +inf is above the clip
    whole = np.where(ok, arr, 0.0)
    values = whole.astype(np.int64)
    ok &= values == whole  # drops fractions such as 2.5
    return values, ok


@dataclass(frozen=True)
class WorkCalendar:
    """Which dates are working days, and the N-th working day after a date.

    A date is a working day if it is a make-up day, or a Monday–Friday that is not a day off.
    ``days_off`` and ``make_up_days`` never share a date. Both maps may hold dates outside
    ``years`` (a plan's local extras); any other year is filled in from the ``holidays`` package
    when it is first needed, so a deadline that runs into the next year still comes out right.
    """

    years: tuple[int, ...]
    days_off: Mapping[dt.date, str]
    make_up_days: Mapping[dt.date, str]
    _cache: dict[Any, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Freeze the maps too: a shared calendar must not be changed under its cached arrays.
        years = tuple(sorted({int(y) for y in self.years}))
        off = _date_map(self.days_off)
        make_up = _date_map(self.make_up_days)
        both = sorted(set(off) & set(make_up))
        if both:
            raise ValueError(f"dates both day off and make-up working day: {both}")
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "days_off", MappingProxyType(dict(sorted(off.items()))))
        object.__setattr__(self, "make_up_days", MappingProxyType(dict(sorted(make_up.items()))))

    def __hash__(self) -> int:
        return hash(
            (self.years, frozenset(self.days_off.items()), frozenset(self.make_up_days.items()))
        )

    @classmethod
    def vietnam(
        cls,
        years: Iterable[int],
        extra_days_off: Mapping[dt.date, str] | None = None,
        extra_working_days: Mapping[dt.date, str] | None = None,
    ) -> WorkCalendar:
        """Vietnam's official calendar for ``years``, plus the plan's local changes.

        Why extras override the package: a province can give a local day off, or announce a
        make-up working day, that the national schedule does not have. A date given as both an
        extra day off and an extra working day is a contradiction and is refused.
        """
        wanted = sorted({int(y) for y in years})
        _check_years(wanted)
        extra_off = _date_map(extra_days_off)
        extra_work = _date_map(extra_working_days)
        clash = sorted(set(extra_off) & set(extra_work))
        if clash:
            raise ValueError(f"dates both an extra day off and an extra working day: {clash}")
        off, make_up = _library_days(wanted)
        for d, name in extra_off.items():
            make_up.pop(d, None)
            off[d] = name
        for d, name in extra_work.items():
            off.pop(d, None)
            make_up[d] = name
        return cls(years=tuple(wanted), days_off=off, make_up_days=make_up)

    # -- coverage of other years -------------------------------------------------------------

    def _covering(self, first_year: int, last_year: int) -> WorkCalendar:
        """This calendar, widened with the package's data for any missing year in the range.

        Why our own maps are laid over the package's: they hold the plan's extras, which win.
        """
        missing = tuple(y for y in range(first_year, last_year + 1) if y not in self.years)
        if not missing:
            return self
        key = ("cover", missing)
        cached = self._cache.get(key)
        if cached is None:
            _check_years(missing)
            off, make_up = _library_days(missing)
            for d, name in self.days_off.items():
                make_up.pop(d, None)
                off[d] = name
            for d, name in self.make_up_days.items():
                off.pop(d, None)
                make_up[d] = name
            cached = WorkCalendar(
                years=tuple(sorted(set(self.years) | set(missing))),
                days_off=off,
                make_up_days=make_up,
            )
            self._cache[key] = cached
        return cached

    def _working_day_numbers(
        self, first_year: int, last_year: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Working days of whole years first_year..last_year, and a per-day index into them.

        Returns ``(work, after)``: ``work`` is the sorted int64 day numbers of every working day
        from 1 Jan first_year to 31 Dec last_year; ``after[k]`` is the position in ``work`` of the
        first working day strictly after day ``k`` of that range. Why whole years: the lookup is
        exact only where the array has no gaps. Why ``after``: it is ``np.searchsorted`` done once
        per calendar day (a few thousand) instead of once per row, so a row costs one gather.
        """
        key = ("days", first_year, last_year)
        cached = self._cache.get(key)
        if cached is None:
            cal = self._covering(first_year, last_year)
            days = np.arange(_day_number(first_year), _day_number(last_year + 1), dtype=np.int64)
            working = (days + 3) % 7 < 5  # 1970-01-01 was a Thursday; Monday == 0
            working[np.isin(days, _to_day_numbers(cal.days_off))] = False
            working[np.isin(days, _to_day_numbers(cal.make_up_days))] = True
            work = days[working]
            after = np.searchsorted(work, days, side="right").astype(np.int64)
            for a in (work, after):
                a.setflags(write=False)
            cached = (work, after)
            self._cache[key] = cached
        return cached

    # -- public API --------------------------------------------------------------------------

    def is_working_day(self, d: dt.date) -> bool:
        """True for a make-up day or a Monday–Friday that is not a day off."""
        d = _as_date(d)
        cal = self._covering(d.year, d.year)
        if d in cal.make_up_days:
            return True
        return d.weekday() < 5 and d not in cal.days_off

    def add_working_days(self, start: np.ndarray, n: np.ndarray) -> np.ndarray:
        """The ``n``-th working day after each ``start`` (the start day itself is not counted).

        ``start`` is a ``datetime64`` array (NaT allowed); ``n`` an integer array, or float with
        NaN. The result is ``datetime64[D]``, NaT where ``start`` is NaT, ``n`` is missing,
        negative or not a whole number, or the date falls outside the years the ``holidays``
        package can compute (1901–2100), so a broken row becomes "unknown" instead of wrong.

        ``n == 0`` (a same-day procedure) is due the day it is received if that is a working day,
        else the next working day (a dossier filed online on a Sunday is due on Monday), as
        ``holidays``' ``get_nth_working_day`` does.

        Vectorised: one sorted array of working days covering the needed years (widened until
        every answer fits); the first working day after each start is looked up in a per-day
        table built with ``np.searchsorted``, and ``n - 1`` positions further along is the answer.
        """
        start_d = np.asarray(start)
        if start_d.dtype.kind != "M":
            start_d = start_d.astype("datetime64[D]")
        start_d = start_d.astype("datetime64[D]", copy=False)
        n_int, n_ok = _valid_n(n)
        start_d, n_int, n_ok = np.broadcast_arrays(start_d, n_int, n_ok)
        shape = start_d.shape
        s = np.ascontiguousarray(start_d).reshape(-1).view(np.int64)
        nv = np.ascontiguousarray(n_int).reshape(-1)
        lib_first, lib_last = supported_years()
        lo_ok, hi_ok = _day_number(lib_first), _day_number(lib_last + 1)
        # NaT is the smallest int64, so the range test also drops it.
        valid = np.ascontiguousarray(n_ok).reshape(-1) & (s >= lo_ok) & (s < hi_ok)
        if not valid.any():
            return np.full(shape, _NAT)

        first_year = _year_of(int(s.min(where=valid, initial=hi_ok)))
        max_start_year = _year_of(int(s.max(where=valid, initial=lo_ok)))
        extra = int(nv.max(where=valid, initial=0)) // _WORKING_DAYS_PER_YEAR_LOW + 1
        last_year = min(lib_last, max_start_year + extra)
        while True:  # loops over years, not rows: widen the range until every answer fits
            work, after = self._working_day_numbers(first_year, last_year)
            k = s - _day_number(first_year)
            np.copyto(k, 0, where=~valid)  # any in-range index; these rows end as NaT
            pos = after.take(k)
            pos += nv
            pos -= 1
            short = valid & (pos >= work.size)
            if not short.any() or last_year >= lib_last:
                break
            need = int(pos.max(where=short, initial=0)) - work.size
            need = need // _WORKING_DAYS_PER_YEAR_LOW + 1
            last_year = min(lib_last, last_year + need)
        np.clip(pos, 0, work.size - 1, out=pos)
        res = work.take(pos)
        zero = valid & (nv == 0)
        if zero.any():  # the first working day on or after the start
            res[zero] = work.take(np.minimum(np.searchsorted(work, s[zero]), work.size - 1))
        np.copyto(res, np.iinfo(np.int64).min, where=~valid | short)
        return res.view("datetime64[D]").reshape(shape)

    def working_days_in_month(self, year: int) -> dict[int, int]:
        """Number of working days in each month of ``year`` (month -> count)."""
        work, _ = self._working_day_numbers(year, year)
        months = work.view("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
        counts = np.bincount(months, minlength=12)
        return {m + 1: int(counts[m]) for m in range(12)}

    def entries(self, year: int) -> list[tuple[dt.date, str, str]]:
        """Every day off and make-up day of ``year`` as (date, 'day_off'|'make_up', name), sorted.

        Why: ``cchc calendar YEAR`` prints this so a user can check it against the official
        announcement before trusting the derived due dates.
        """
        cal = self._covering(year, year)
        rows = [(d, "day_off", name) for d, name in cal.days_off.items() if d.year == year]
        rows += [(d, "make_up", name) for d, name in cal.make_up_days.items() if d.year == year]
        return sorted(rows)


def _check_years(years: Iterable[int]) -> None:
    """Refuse years the ``holidays`` package would silently leave without any holiday."""
    first, last = supported_years()
    bad = [y for y in years if not first <= y <= last]
    if bad:
        raise ValueError(
            f"years {bad} are outside {first}–{last}, the range the holidays package covers"
        )


def plan_calendar(plan, years) -> WorkCalendar:
    """Vietnam's working calendar plus the plan's own days off and make-up days."""
    return WorkCalendar.vietnam(
        years, extra_days_off=plan.days_off, extra_working_days=plan.working_days
    )
