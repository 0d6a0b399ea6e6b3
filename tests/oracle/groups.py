"""The pandas route's row groups (the oracle of :func:`cchc_cli.engine.duck.grouping_of`)."""

from __future__ import annotations

import numpy as np

from cchc_cli.engine.groups import group_key


def group_codes(records, by: str) -> tuple[np.ndarray, list[str | None]]:
    """A group index per row and the group labels, sorted (diacritics ignored), empty last.

    Cells are grouped by :func:`group_key`; a group is shown under its most frequent spelling
    (trimmed, NFC), the first seen among equally frequent ones."""
    import pandas as pd

    from cchc_cli.text import fold_value

    col = records.columns.get(by)
    n = records.n_rows
    if col is None or col.header is None:
        return np.zeros(n, dtype=np.int64), [None]
    # the distinct cells are few: clean and key those, not every row
    raw, cells = pd.factorize(pd.Series(col.values, dtype="str"), sort=False)
    cleaned = pd.Series(cells, dtype="str").str.strip().str.normalize("NFC")
    spelling_of, spellings = pd.factorize(cleaned, sort=False)  # first seen first
    spelled = spelling_of[raw]
    keys = pd.Series([group_key(s) for s in spellings], dtype="str")
    key_of, _ = pd.factorize(keys, sort=False)
    times = np.bincount(spelled, minlength=len(spellings))
    # per group (ascending), its spellings most frequent first, then first seen
    ranked = np.lexsort((np.arange(len(spellings)), -times, key_of))
    lead = np.r_[True, key_of[ranked][1:] != key_of[ranked][:-1]]
    labels = [spellings[i] or None for i in ranked[lead].tolist()]
    order = sorted(
        range(len(labels)),
        key=lambda i: (labels[i] is None, fold_value(labels[i] or ""), labels[i] or ""),
    )
    rank = np.empty(len(labels), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(labels))
    return rank[key_of[spelled]], [labels[i] for i in order]
