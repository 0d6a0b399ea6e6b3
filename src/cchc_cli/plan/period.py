"""Reporting periods: ``2023``, ``2023-Q2``, ``2023-H1`` (6 tháng), ``2023-9M`` (9 tháng),
``2023-05``, or explicit ``--from/--to`` dates; and the official cut-off window of any of them
(``--cutoff``, ``../shared/spec/periods.md``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CchcError, Msg, Notice

if TYPE_CHECKING:
    from .model import Plan

_HINT = Msg(
    "viết kỳ dạng 2023 (cả năm), 2023-Q2 (quý), 2023-H1 (6 tháng), 2023-9M (9 tháng) "
    "hoặc 2023-05 (tháng)",
    "write the period as 2023 (year), 2023-Q2 (quarter), 2023-H1 (half year), "
    "2023-9M (nine months) or 2023-05 (month)",
)

# Nghị định 09/2019/NĐ-CP Điều 12: a report counts from the 15th of the month before the period
# to the 14th of its last month. A plan may set another day (``reporting: {cutoff_day: …}``).
CUTOFF_DAY = 14
CALENDAR, CUTOFF = "calendar", "cutoff"


@dataclass(frozen=True)
class Reporting:
    """The plan's ``reporting:`` key: its cut-off day (1–28, so that every month has it) and
    whether a period means its cut-off window unless ``--calendar`` is given."""

    cutoff_day: int = CUTOFF_DAY
    cutoff_default: bool = False


class Span(tuple):
    """``(start, end)``, unpacked and compared like the plain pair everywhere, which also says
    how it was made, for the table header and the JSON: ``kind`` (``calendar`` or ``cutoff``),
    the named period (``name``, e.g. ``2023-Q2``; None for bare ``--from``/``--to``), the
    ``cutoff_day`` and the named period's calendar dates (``calendar``) of a cut-off window, and
    the ``--period`` it was narrowed from by ``--from``/``--to`` (``requested``, with the
    ``whole`` window narrowed; else None)."""

    requested: str | None
    whole: tuple[dt.date, dt.date] | None
    kind: str
    name: str | None
    cutoff_day: int | None
    calendar: tuple[dt.date, dt.date] | None

    def __new__(
        cls,
        start: dt.date,
        end: dt.date,
        requested: str | None = None,
        whole: tuple[dt.date, dt.date] | None = None,
        *,
        kind: str = CALENDAR,
        name: str | None = None,
        cutoff_day: int | None = None,
        calendar: tuple[dt.date, dt.date] | None = None,
    ) -> Span:
        span = super().__new__(cls, (start, end))
        span.requested = requested
        span.whole = whole
        span.kind = kind
        span.name = name
        span.cutoff_day = cutoff_day
        span.calendar = calendar
        return span

    def __getnewargs_ex__(self):  # copy and pickle call __new__ with these
        return (self[0], self[1], self.requested, self.whole), {
            "kind": self.kind,
            "name": self.name,
            "cutoff_day": self.cutoff_day,
            "calendar": self.calendar,
        }


def _last_day(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def parse_named(text: str) -> tuple[str, dt.date, dt.date]:
    """The period's canonical name (``2023-Q2``, ``2023-H1``, ``2023-9M``, ``2023-05``,
    ``2023``) and its calendar dates."""
    t = text.strip().upper()
    if not t:
        raise CchcError(
            Msg("--period rỗng", "--period is empty"),
            Msg(
                "bỏ --period để tính cả năm của kế hoạch, hoặc " + _HINT.vi,
                "leave --period out for the plan's whole year, or " + _HINT.en,
            ),
        )
    if m := re.fullmatch(r"(\d{4})", t):
        y = int(m.group(1))
        return f"{y}", dt.date(y, 1, 1), dt.date(y, 12, 31)
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", t):
        y, q = int(m.group(1)), int(m.group(2))
        first = 3 * (q - 1) + 1
        return f"{y}-Q{q}", dt.date(y, first, 1), _last_day(y, first + 2)
    if m := re.fullmatch(r"(\d{4})-?(H1|9M)", t):  # 6 tháng, 9 tháng: from January
        y, which = int(m.group(1)), m.group(2)
        return f"{y}-{which}", dt.date(y, 1, 1), _last_day(y, 6 if which == "H1" else 9)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return f"{y}-{mo:02d}", dt.date(y, mo, 1), _last_day(y, mo)
    raise CchcError(Msg(f"kỳ báo cáo không hợp lệ: '{text}'", f"invalid period: '{text}'"), _HINT)


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """The calendar dates of a named period."""
    _, start, end = parse_named(text)
    return start, end


def whole_months(span: tuple[dt.date, dt.date]) -> bool:
    """From the 1st of a month to the last day of a month: what a cut-off window is made from."""
    start, end = span
    return start.day == 1 and end == _last_day(end.year, end.month)


def cutoff_window(span: tuple[dt.date, dt.date], day: int = CUTOFF_DAY) -> tuple[dt.date, dt.date]:
    """The cut-off window of the calendar months ``span``: the day after ``day`` of the month
    before its first month, to ``day`` of its last month (15/12/2022 – 14/03/2023 for 2023-Q1),
    so consecutive windows tile the year as the months do."""
    start, end = span
    if not whole_months(span):
        raise CchcError(
            Msg(
                f"kỳ {start:%d/%m/%Y} – {end:%d/%m/%Y} không gồm trọn các tháng: "
                "không có kỳ chốt số liệu",
                f"the period {start.isoformat()} – {end.isoformat()} is not whole months: "
                "it has no cut-off window",
            ),
            Msg(
                "chọn --period (tháng, quý, 6 tháng, 9 tháng, năm) hoặc bỏ --cutoff",
                "give --period (a month, quarter, half year, nine months or year) or drop --cutoff",
            ),
        )
    before = start - dt.timedelta(days=1)  # the last day of the month before
    return dt.date(before.year, before.month, day) + dt.timedelta(days=1), end.replace(day=day)


def parse_day(text: str, option: str) -> dt.date:
    t = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    raise CchcError(
        Msg(f"{option}: ngày không hợp lệ '{text}'", f"{option}: invalid date '{text}'"),
        Msg(
            "viết ngày dạng 2023-05-31 hoặc 31/05/2023",
            "write the date as 2023-05-31 or 31/05/2023",
        ),
    )


def _check_years(lo: dt.date, hi: dt.date) -> None:
    """Refuse what ``cchc calendar`` refuses: outside these years due dates cannot be derived."""
    from .calendar import supported_years

    first, last = supported_years()
    for day in (lo, hi):
        if not first <= day.year <= last:
            raise CchcError(
                Msg(
                    f"năm {day.year} nằm ngoài {first}–{last}, khoảng năm có lịch làm việc",
                    f"year {day.year} is outside {first}–{last}, the years with a working calendar",
                ),
                Msg(
                    f"chọn kỳ trong các năm {first}–{last}",
                    f"choose a period within {first}–{last}",
                ),
            )


def _year_name(span: tuple[dt.date, dt.date]) -> str | None:
    start, end = span
    whole_year = start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31)
    return f"{start.year}" if whole_year else None


def resolve_period(
    period: str | None,
    start: str | None,
    end: str | None,
    default: tuple[dt.date, dt.date],
    cutoff: bool | None = None,
    reporting: Reporting = Reporting(),
) -> Span:
    """One period from the command-line options.

    ``cutoff``: ``--cutoff`` (True), ``--calendar`` (False) or neither (None: the plan's
    ``reporting.default``); a cut-off window is made from the named period (or the plan's), never
    from explicit days, so ``--cutoff`` with ``--from``/``--to`` is an error and the plan's
    default does not turn bare ``--from``/``--to`` into a window.
    ``--from``/``--to`` replace the plan's default period, but may only narrow a ``--period``
    given (its window, under a cut-off): a day outside it would silently count dossiers of
    another period under its name. ``--period ""`` is an error, not the default: an unset
    ``$PERIOD`` in a monthly script must not turn the report into a yearly one.
    """
    explicit = start is not None or end is not None
    if cutoff and explicit:
        raise CchcError(
            Msg(
                "--cutoff không dùng cùng --from/--to: kỳ chốt số liệu được tính từ --period",
                "--cutoff does not go with --from/--to: the cut-off window is made from --period",
            ),
            Msg(
                "bỏ --from/--to để dùng kỳ chốt số liệu, hoặc bỏ --cutoff để dùng đúng các ngày đó",
                "drop --from/--to for the cut-off window, or drop --cutoff to use exactly those days",
            ),
        )
    if period is not None:
        name, *named = parse_named(period)
        months = (named[0], named[1])
    else:
        name, months = _year_name(default), default
    use_cutoff = cutoff if cutoff is not None else reporting.cutoff_default
    if use_cutoff and not (explicit and period is None):
        kind, day = CUTOFF, reporting.cutoff_day
        whole = cutoff_window(months, day)
    else:
        kind, day = CALENDAR, None
        whole = months
        name = name if not explicit or period is not None else None
    lo, hi = whole
    for option, text in (("--from", start), ("--to", end)):
        if text is None:
            continue
        d = parse_day(text, option)
        if period is not None and not whole[0] <= d <= whole[1]:
            raise CchcError(
                Msg(
                    f"{option} {d:%d/%m/%Y} nằm ngoài kỳ {period} "
                    f"({whole[0]:%d/%m/%Y} – {whole[1]:%d/%m/%Y})",
                    f"{option} {d.isoformat()} is outside --period {period} "
                    f"({whole[0].isoformat()} – {whole[1].isoformat()})",
                ),
                Msg(
                    "--from/--to chỉ thu hẹp --period; bỏ --period để dùng đúng các ngày này",
                    "--from/--to only narrow --period; leave --period out to use these days",
                ),
            )
        if option == "--from":
            lo = d
        else:
            hi = d
    if hi < lo:
        raise CchcError(
            Msg(
                f"kỳ kết thúc ({hi:%d/%m/%Y}) trước khi bắt đầu ({lo:%d/%m/%Y})",
                f"the period ends ({hi:%d/%m/%Y}) before it starts ({lo:%d/%m/%Y})",
            ),
            Msg("đổi lại --from / --to", "swap --from / --to"),
        )
    _check_years(lo, hi)
    narrowed = period is not None and (lo, hi) != whole
    return Span(
        lo,
        hi,
        period.strip() if narrowed else None,
        whole if narrowed else None,
        kind=kind,
        name=name,
        cutoff_day=day,
        calendar=months if kind == CUTOFF else None,
    )


def _pair_json(pair: tuple[dt.date, dt.date]) -> dict:
    return {"start": pair[0].isoformat(), "end": pair[1].isoformat()}


def span_json(span: tuple[dt.date, dt.date]) -> dict:
    """The JSON ``period``: ``start``, ``end``, ``kind`` (``calendar`` | ``cutoff``), ``name``
    (the named period or null), ``cutoff_day`` (null for a calendar period), plus ``calendar``
    ({start, end} of the named period) for a cut-off window and ``narrowed_from`` ({period,
    start, end}) when --from/--to narrowed a ``--period``. A plain pair is a calendar period."""
    kind = getattr(span, "kind", CALENDAR)
    doc = {
        **_pair_json(span),
        "kind": kind,
        "name": getattr(span, "name", None),
        "cutoff_day": getattr(span, "cutoff_day", None),
    }
    if kind == CUTOFF and span.calendar is not None:
        doc["calendar"] = _pair_json(span.calendar)
    asked = getattr(span, "requested", None)
    if asked is not None:
        doc["narrowed_from"] = {"period": asked, **_pair_json(span.whole)}
    return doc


def span_from_json(doc: dict) -> Span:
    """The :class:`Span` :func:`span_json` wrote (``verify`` re-runs the recorded period)."""

    def pair(d: dict) -> tuple[dt.date, dt.date]:
        return dt.date.fromisoformat(d["start"]), dt.date.fromisoformat(d["end"])

    start, end = pair(doc)
    narrowed = doc.get("narrowed_from")
    return Span(
        start,
        end,
        narrowed["period"] if narrowed else None,
        pair(narrowed) if narrowed else None,
        kind=doc.get("kind", CALENDAR),
        name=doc.get("name"),
        cutoff_day=doc.get("cutoff_day"),
        calendar=pair(doc["calendar"]) if doc.get("calendar") else None,
    )


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTHS = "January February March April May June July August September October November December"
_MONTHS = _MONTHS.split()  # not strftime's %B, which follows the locale


def name_words(name: str) -> Msg:
    """A period's name as staff say it: ``2023-Q1`` → quý I năm 2023, ``2023-H1`` → 6 tháng
    đầu năm 2023, ``2023-9M`` → 9 tháng đầu năm 2023, ``2023-05`` → tháng 05/2023."""
    year, _, part = name.partition("-")
    if not part:
        return Msg(f"năm {year}", f"year {year}")
    if part.startswith("Q"):
        return Msg(f"quý {_ROMAN[int(part[1])]} năm {year}", f"Q{part[1]} {year}")
    if part == "H1":
        return Msg(f"6 tháng đầu năm {year}", f"first half of {year}")
    if part == "9M":
        return Msg(f"9 tháng đầu năm {year}", f"first nine months of {year}")
    return Msg(f"tháng {part}/{year}", f"{_MONTHS[int(part) - 1]} {year}")


def incomplete_notices(plan: Plan, period: tuple[dt.date, dt.date], inputs) -> tuple[Notice, ...]:
    """One warning per export whose last received date is before the period's last working day:
    dossiers received since are missing (a cut-off window ends days before its report is due,
    and an export taken early stops short of it). The last *working* day, since a window ending
    on a Sunday lacks nothing if the export stops on Friday."""
    start, end = period
    short = [i for i in inputs if i.last_received is not None and i.last_received < end]
    if not short:
        return ()
    from .calendar import plan_calendar

    cal = plan_calendar(plan, range(end.year, end.year + 1))
    last = end
    while last > start and not cal.is_working_day(last):
        last -= dt.timedelta(days=1)
    out = []
    for i in short:
        if i.last_received >= last:
            continue
        got, vi_end = f"{i.last_received:%d/%m/%Y}", f"{end:%d/%m/%Y}"
        out.append(  # no path: check reads one export, and verify may find it elsewhere
            Notice(
                "incomplete_data",
                Msg(
                    f"ngày tiếp nhận cuối cùng trong tệp hồ sơ là {got}, trước ngày cuối kỳ "
                    f"{vi_end} — số liệu có thể chưa đầy đủ (xuất lại tệp sau ngày {vi_end})",
                    f"the export's last received date is {i.last_received.isoformat()}, "
                    f"before the period ends on {end.isoformat()} — the figures may be "
                    f"incomplete (export again after {end.isoformat()})",
                ),
                (
                    ("last_received", i.last_received.isoformat()),
                    ("period_end", end.isoformat()),
                    ("last_working_day", last.isoformat()),
                ),
            )
        )
    return tuple(out)
