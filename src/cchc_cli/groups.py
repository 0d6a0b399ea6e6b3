"""Row groups for breakdowns: calendar months of a period, or the values of a text column."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt

import numpy as np


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
