"""Row groups for breakdowns: calendar months of a period, or the values of a text column."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re

from ..errors import CchcError, Location, Msg
from ..plan import fields as F

MONTH = "month"
_SPACES = re.compile(r"\s+")
# The group of rows with no value in the column: how every format shows it (CSV and JSON also say
# ``group_empty``, so a unit really named so is not taken for it).
EMPTY_GROUP = {
    "field": Msg("(không rõ lĩnh vực)", "(no field given)"),
    "procedure": Msg("(không rõ thủ tục)", "(no procedure given)"),
    "unit": Msg("(không rõ đơn vị)", "(no unit given)"),
}


def empty_label(by: str, lang: str = "vi") -> str:
    """The name of the group of rows whose ``by`` cell is empty."""
    return EMPTY_GROUP.get(by, Msg("(không rõ)", "(not given)")).get(lang)


def groupable(plan) -> tuple[str, ...]:
    """What a breakdown may be by: ``month``, or any optional text column of the plan (lĩnh vực,
    thủ tục, đơn vị tiếp nhận…), so a column added to the plan is groupable with no code change."""
    text = (n for n, s in plan.columns.items() if s.optional and s.kind == F.TEXT)
    return (MONTH, *text)


def check_grouping(plan, records, by: str) -> None:
    """A breakdown asked for by name needs that column in the export: grouping every dossier
    under "(not given)" would look like an answer and is not one."""
    choices = groupable(plan)
    if by not in choices:
        raise CchcError(
            Msg(f"không nhóm theo '{by}' được", f"cannot group by '{by}'"),
            Msg(f"chọn một trong: {', '.join(choices)}", f"choose one of: {', '.join(choices)}"),
        )
    if by == MONTH or records.has(by):
        return
    aliases = plan.columns[by].aliases
    names = ", ".join(f"'{a}'" for a in aliases)
    raise CchcError(
        Msg(
            f"không nhóm theo '{by}' được: tệp không có cột '{aliases[0]}' ({by})",
            f"cannot group by '{by}': the file has no '{aliases[0]}' column ({by})",
        ),
        Msg(
            f"xuất lại danh sách hồ sơ kèm cột đó (tên cột được nhận: {names}), hoặc bỏ --by {by}",
            f"export the dossier list again with that column (headers accepted: {names}), "
            f"or drop --by {by}",
        ),
        Location(records.path, records.header_line),
    )


def months_of(period: tuple[dt.date, dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Calendar months of the period, the first and last clipped to it."""
    start, end = period
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        first = max(start, dt.date(y, m, 1))
        last = min(end, dt.date(y, m, _calendar.monthrange(y, m)[1]))
        out.append((first, last))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def group_key(text: str) -> str:
    """What makes two cells one group: runs of whitespace are one space and case is ignored, as
    for headers and vocabulary words (``Sở  ngoại  vụ`` is ``Sở Ngoại vụ``); diacritics count."""
    return _SPACES.sub(" ", text).casefold()
