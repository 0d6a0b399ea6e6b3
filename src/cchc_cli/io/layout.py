"""Layout rows: rows after the header that are the form's, not dossiers — the column numbers
under the header, the header repeated at a page break, totals, group headings — and blank
rows. They are set aside and counted (:class:`~cchc_cli.io.staged.TableInfo` ``layout``,
``blank_rows``), never reported as data problems.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import arrow as A
from ..text import fold
from .staged import ABSENT

BLANK = "blank"
COLUMN_NUMBERS = "column_numbers"  # (1) (2) (3) … or 1 2 3 … under the header
REPEATED_HEADER = "repeated_header"  # the header again, at a page break
TOTAL = "total"  # Tổng cộng / Cộng / Tổng số …
GROUP = "group"  # one filled (or merged) cell: an agency or field heading, "Sở Ngoại vụ ( 37 )"
LAYOUT_KINDS = (COLUMN_NUMBERS, REPEATED_HEADER, TOTAL, GROUP)
_NUMBER_CELL = re.compile(r"^\(?(\d{1,3})\)?$")
_NUMBER_CELL_ARROW = r"^\(?\d{1,3}\)?$"
_TOTAL_WORDS = frozenset({"tongcong", "tongso", "tong", "cong", "total", "grandtotal"})  # folded
_TOTAL_ARROW = r"(?i)^\s*(t[ổo]ng|c[ộo]ng|total)"


def layout_kinds(
    columns: list[pa.ChunkedArray], headers: Sequence[str], keys: frozenset[str] = frozenset()
) -> dict[int, str]:
    """Row index -> kind for the rows that hold no dossier: blank, or one of LAYOUT_KINDS.

    A vectorised pass finds the few candidates, then each is judged cell by cell. With ``keys``
    (the id and received-date columns) a candidate has every key cell empty, or repeats the
    header; a dossier row, which fills them, is never one — whatever its other cells say.
    Without keys the first two columns are tested (an empty, numbered, 'Tổng' or header cell).
    """
    folded = [fold(h) for h in headers]
    key_at = [j for j, h in enumerate(folded) if h in keys and j < len(columns)]
    cand = None
    if key_at:
        # Byte lengths first: a column number or a count has at most 5 bytes ("(123)"), the
        # header again its own length; the compute kernels run only where such cells are.
        sizes = {j: A.byte_lengths(columns[j]) for j in key_at}
        if all((sizes[j] <= 5).any() for j in key_at):
            for j in key_at:  # no id or date there: empty, or a column number / a count
                m = A.flags(A.is_text(columns[j], "") | A.is_text(columns[j], ABSENT))
                m = pc.or_(m, pc.match_substring_regex(columns[j], _NUMBER_CELL_ARROW))
                cand = m if cand is None else pc.and_(cand, m)
        for j in key_at:  # the header again, at a page break
            size = len(headers[j].encode("utf-8"))
            if headers[j] and (sizes[j] == size).any():
                same = A.flags(A.is_text(columns[j], headers[j]))
                cand = same if cand is None else pc.or_(cand, same)
    else:
        for j, col in enumerate(columns[:2]):
            m = A.flags(A.is_text(col, "") | A.is_text(col, ABSENT))
            m = pc.or_(m, pc.match_substring_regex(col, _TOTAL_ARROW))
            if j < len(headers) and headers[j]:
                m = pc.or_(m, A.flags(A.is_text(col, headers[j])))
            cand = m if cand is None else pc.or_(cand, m)
        if len(columns) >= 2:  # (1) (2) …: both first cells numbered (a dossier's id is not)
            nums = pc.and_(
                pc.match_substring_regex(columns[0], _NUMBER_CELL_ARROW),
                pc.match_substring_regex(columns[1], _NUMBER_CELL_ARROW),
            )
            cand = pc.or_(cand, nums)
    idx = np.flatnonzero(A.as_numpy(cand)) if cand is not None else []
    if not len(idx):
        return {}
    picked = A.numbers(idx)
    rows = list(zip(*(pc.take(col, picked).to_pylist() for col in columns), strict=True))
    out = {}
    for i, cells in zip(idx.tolist(), rows, strict=True):
        kind = layout_kind(cells, headers, folded=folded, key_at=key_at)
        if kind is not None:
            out[i] = kind
    return out


def _is_value(cell: str) -> bool:
    """A key cell holding an id or a date (not empty, not a column number or a total's count)."""
    return bool(cell) and cell != ABSENT and not _NUMBER_CELL.match(cell)


def layout_kind(
    cells: Sequence[str],
    headers: Sequence[str],
    *,
    folded: Sequence[str] | None = None,
    key_at: Sequence[int] = (),
) -> str | None:
    """What a row after the header is when it is not a dossier (None: it is one). ``key_at``:
    the columns every dossier fills; with one of them filled the row is a dossier, or the
    header repeated."""
    filled = [(j, c) for j, c in enumerate(cells) if c and c != ABSENT]
    if not filled:
        return BLANK
    named = folded if folded is not None else [fold(h) for h in headers]
    same = sum(1 for j, c in filled if j < len(named) and named[j] and fold(c) == named[j])
    if same >= max(2, (sum(1 for h in named if h) + 1) // 2):
        return REPEATED_HEADER
    if any(_is_value(cells[j]) for j in key_at if j < len(cells)):
        return None
    numbers = [_NUMBER_CELL.match(c) for _, c in filled]
    # (1) (2) …: consecutive numbers over at least half the header's columns, nothing else
    if len(filled) >= max(3, (sum(1 for h in named if h) + 1) // 2) and all(numbers):
        values = [int(m.group(1)) for m in numbers]
        if all(b == a + 1 for a, b in itertools.pairwise(values)):
            return COLUMN_NUMBERS
    if fold(filled[0][1]).rstrip(": ") in _TOTAL_WORDS:
        return TOTAL
    if len(filled) == 1 and ABSENT not in cells:  # a cut-off CSV row is reported, not set aside
        return GROUP
    return None
