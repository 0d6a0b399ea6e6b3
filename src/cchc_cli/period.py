"""Reporting periods: ``2023``, ``2023-Q2``, ``2023-05``, or explicit ``--from/--to`` dates."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .errors import CchcError, Msg

_HINT = Msg(
    "viết kỳ dạng 2023 (cả năm), 2023-Q2 (quý) hoặc 2023-05 (tháng)",
    "write the period as 2023 (year), 2023-Q2 (quarter) or 2023-05 (month)",
)


class Span(tuple):
    """``(start, end)``, unpacked and compared like the plain pair everywhere, which also knows the
    ``--period`` it was narrowed from by ``--from``/``--to`` (else ``requested`` is None), so the
    table header and the JSON can say that the figures cover less than the period named."""

    requested: str | None
    whole: tuple[dt.date, dt.date] | None

    def __new__(
        cls,
        start: dt.date,
        end: dt.date,
        requested: str | None = None,
        whole: tuple[dt.date, dt.date] | None = None,
    ) -> Span:
        span = super().__new__(cls, (start, end))
        span.requested = requested
        span.whole = whole
        return span

    def __getnewargs__(self):  # copy and pickle call __new__ with these
        return (self[0], self[1], self.requested, self.whole)


def parse_period(text: str) -> tuple[dt.date, dt.date]:
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
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", t):
        y, q = int(m.group(1)), int(m.group(2))
        first = 3 * (q - 1) + 1
        return dt.date(y, first, 1), dt.date(y, first + 2, calendar.monthrange(y, first + 2)[1])
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
    raise CchcError(Msg(f"kỳ báo cáo không hợp lệ: '{text}'", f"invalid period: '{text}'"), _HINT)


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


def resolve_period(
    period: str | None, start: str | None, end: str | None, default: tuple[dt.date, dt.date]
) -> Span:
    """One period from the command-line options.

    ``--from``/``--to`` replace the plan's default period, but may only narrow a ``--period``
    given: a day outside it would silently count dossiers of another period under its name.
    ``--period ""`` is an error, not the default: an unset ``$PERIOD`` in a monthly script must
    not turn the report into a yearly one.
    """
    whole = parse_period(period) if period is not None else default
    lo, hi = whole
    for option, text in (("--from", start), ("--to", end)):
        if text is None:
            continue
        day = parse_day(text, option)
        if period is not None and not whole[0] <= day <= whole[1]:
            raise CchcError(
                Msg(
                    f"{option} {day:%d/%m/%Y} nằm ngoài kỳ {period} "
                    f"({whole[0]:%d/%m/%Y} – {whole[1]:%d/%m/%Y})",
                    f"{option} {day.isoformat()} is outside --period {period} "
                    f"({whole[0].isoformat()} – {whole[1].isoformat()})",
                ),
                Msg(
                    "--from/--to chỉ thu hẹp --period; bỏ --period để dùng đúng các ngày này",
                    "--from/--to only narrow --period; leave --period out to use these days",
                ),
            )
        if option == "--from":
            lo = day
        else:
            hi = day
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
    return Span(lo, hi, period.strip() if narrowed else None, whole if narrowed else None)
