"""Row groups for breakdowns: calendar months of a period, or the values of a text column."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt

import numpy as np

from . import fields as F
from .errors import CchcError, Location, Msg

MONTH = "month"


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


def group_codes(records, by: str) -> tuple[np.ndarray, list[str | None]]:
    """A group index per row and the group labels, sorted (diacritics ignored), empty last."""
    import pandas as pd

    from .text import fold_value

    col = records.columns.get(by)
    n = records.n_rows
    if col is None or col.header is None:
        return np.zeros(n, dtype=np.int64), [None]
    text = pd.Series(col.values, dtype="str").str.strip().str.normalize("NFC")
    codes, uniques = pd.factorize(text, sort=False)
    labels = [u or None for u in uniques.tolist()]
    order = sorted(
        range(len(labels)),
        key=lambda i: (labels[i] is None, fold_value(labels[i] or ""), labels[i] or ""),
    )
    rank = np.empty(len(labels), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(labels))
    return rank[codes], [labels[i] for i in order]
