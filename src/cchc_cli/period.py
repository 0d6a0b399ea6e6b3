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


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    t = text.strip().upper()
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


def resolve_period(
    period: str | None, start: str | None, end: str | None, default: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date]:
    """One period from the command-line options; ``--from``/``--to`` narrow or replace ``--period``."""
    lo, hi = parse_period(period) if period else default
    if start:
        lo = parse_day(start, "--from")
    if end:
        hi = parse_day(end, "--to")
    if hi < lo:
        raise CchcError(
            Msg(
                f"kỳ kết thúc ({hi:%d/%m/%Y}) trước khi bắt đầu ({lo:%d/%m/%Y})",
                f"the period ends ({hi:%d/%m/%Y}) before it starts ({lo:%d/%m/%Y})",
            ),
            Msg("đổi lại --from / --to", "swap --from / --to"),
        )
    return lo, hi
