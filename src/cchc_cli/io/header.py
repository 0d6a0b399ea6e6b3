"""The header row: the highest-scoring of the first :data:`HEADER_SEARCH_ROWS` non-blank
records (first one on ties) — for text, under each delimiter (the best one wins) — and the
errors when the file is blank or no row scores enough.

Text reading grows the head it searches (:func:`cchc_cli.io.csv.find_header`); worksheets feed
their rows one by one (:func:`cchc_cli.io.sheet.sheet_rows`).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import CchcError
from ..text import clean, visible
from .files import Ctx

HEADER_SEARCH_ROWS = 50  # non-blank records searched for the header row
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Record:
    """A record of the text (or a sheet row) with its cells cleaned."""

    start: int  # 1-based first line
    end: int  # lines consumed up to and including this record
    cells: list[str]


@dataclass(frozen=True)
class Hit:
    """The best header row found: its score, under which delimiter ("" in a sheet)."""

    score: int
    delimiter: str
    record: Record


@contextlib.contextmanager
def any_field_size() -> Iterator[None]:
    """The csv module refuses fields over 128 KiB by default; a dossier-history cell can be
    megabytes long."""
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def head_records(head: str, complete: bool, delimiter: str) -> list[Record]:
    """The first non-blank records of the head (cells cleaned as every cell is), with their
    lines; fewer than HEADER_SEARCH_ROWS only if the head holds no more whole records."""
    out: list[Record] = []
    reader = csv.reader(io.StringIO(head), delimiter=delimiter, quotechar='"', strict=False)
    prev = 0
    with any_field_size():
        try:
            for row in reader:
                start, prev = prev + 1, reader.line_num
                cells = [clean(c) for c in row]
                if any(cells):
                    out.append(Record(start, prev, cells))
                    if len(out) >= HEADER_SEARCH_ROWS:
                        return out
        except csv.Error:  # pragma: no cover - NULs are refused earlier, fields are unlimited
            return out
    if not complete and out:
        out.pop()  # may be cut in the middle
    return out


def best_header(
    ctx: Ctx, head: str, complete: bool, delimiter: str | None
) -> tuple[Hit | None, bool]:
    """The best header row under the best delimiter, and whether the search is final: the head
    is the whole text or holds HEADER_SEARCH_ROWS records under that delimiter (else the caller
    reads a longer head)."""
    best: tuple[tuple[int, int, int], Hit, int] | None = None
    for rank, d in enumerate((delimiter,) if delimiter else DELIMITERS):
        top: Hit | None = None
        records = head_records(head, complete, d)
        for rec in records:
            s = ctx.score(rec.cells)
            if top is None or s > top.score:
                top = Hit(s, d, rec)
        if top is None:
            continue
        key = (top.score, len(top.record.cells), -rank)
        if best is None or key > best[0]:
            best = (key, top, len(records))
    if best is None:
        return None, complete
    return best[1], complete or best[2] >= HEADER_SEARCH_ROWS


def no_header_error(ctx: Ctx, records: list[Record], where_vi: str, where_en: str) -> CchcError:
    first = records[0]
    shown_cells = " | ".join(visible(c[:40]) for c in first.cells[:10])
    if len(first.cells) > 10:
        shown_cells += " | …"
    if ctx.expected:
        listed = ", ".join(ctx.expected)
        hint_vi = f"dòng tiêu đề cần có các cột như: {listed}; "
        hint_en = f"the header row should have columns such as: {listed}; "
    else:
        hint_vi = hint_en = ""
    hint_vi += (
        "kiểm tra đây đúng là danh sách hồ sơ; nếu bảng mã hoặc dấu phân cách bị nhận sai, "
        "hãy chỉ định chúng (hoặc chọn đúng sheet)"
    )
    hint_en += (
        "check this is the dossier list; if the encoding or delimiter was guessed wrong, "
        "give them explicitly (or pick the right sheet)"
    )
    return ctx.error(
        f"không tìm thấy dòng tiêu đề trong '{ctx.name}'{where_vi}: không dòng nào trong "
        f"{HEADER_SEARCH_ROWS} dòng đầu có đủ tên cột quen thuộc. Dòng có dữ liệu đầu tiên "
        f"(dòng {first.start}): {shown_cells}",
        f"no header row found in '{ctx.name}'{where_en}: none of the first "
        f"{HEADER_SEARCH_ROWS} rows has enough known column names. First non-empty row "
        f"(line {first.start}): {shown_cells}",
        hint_vi,
        hint_en,
    )


def blank_error(ctx: Ctx) -> CchcError:
    return ctx.error(
        f"tệp '{ctx.name}' không có dữ liệu (chỉ có khoảng trắng hoặc dòng trống)",
        f"file '{ctx.name}' has no data (only whitespace or blank lines)",
        "xuất lại danh sách hồ sơ từ phần mềm Một cửa",
        "export the dossier list from the one-stop system again",
    )
