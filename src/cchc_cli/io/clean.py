"""The last step every reader shares (:func:`finish`): the parsed string columns made into the
cells :class:`~cchc_cli.io.table.RawTable` documents, with their line numbers, blank and
layout rows set aside.

Cells are cleaned as :func:`cchc_cli.text.clean` says (invisible characters removed, odd
spaces made plain, NFC, surrounding whitespace stripped), column by column with pyarrow, and
only where a cheap test on the column's bytes says it may be needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..text import INVISIBLE, ODD_SPACES
from .layout import BLANK, layout_kinds
from .staged import cell_names


def finish(
    columns: list[pa.ChunkedArray],
    nrec: int,
    physical: int | None,
    first_line: int,
    headers: Sequence[str] = (),
    keys: frozenset[str] = frozenset(),
    plain: bool = False,
) -> tuple[pa.Table, np.ndarray, int, list[tuple[int, str]]]:
    """Line numbers, stripping, blank-record and layout-row removal: the cells as a table of
    large_string columns "0", "1", …, their lines, the blank rows and the layout rows.

    ``physical`` is the number of text lines the records span (None: ``first_line`` is the row
    of record 0 and records are one row each, as in a worksheet). ``plain``: the text holds no
    byte :func:`_column_needs` looks for (one pass over the block found none), nor U+1680:
    its only whitespace is ASCII's.
    """
    names = cell_names(len(columns))
    if nrec == 0:
        lines = np.zeros(0, dtype=np.int64)
    elif physical is None or physical == nrec:
        lines = np.arange(first_line, first_line + nrec, dtype=np.int64)
    else:  # some quoted fields contain newlines: shift every later record
        inner = np.zeros(nrec, dtype=np.int64)
        for col in columns:
            inner += pc.count_substring(col, "\n").to_numpy(zero_copy_only=False)
        lines = np.arange(first_line, first_line + nrec, dtype=np.int64)
        lines[1:] += np.cumsum(inner[:-1])
    for i, col in enumerate(columns):
        dirty, not_nfc = (False, False) if plain else _column_needs(col)
        if dirty:  # removing a character can leave a mark next to a letter: normalise after
            col = _clean_column(col)
        if dirty or not_nfc:
            columns[i] = pc.utf8_normalize(col, "NFC")
    columns = [
        pc.utf8_trim_whitespace(col) if _needs_trim(col, plain) else col for col in columns
    ]
    blank = 0
    layout: list[tuple[int, str]] = []
    if nrec and columns:
        kinds = layout_kinds(columns, headers, keys)
        if kinds:
            drop = np.zeros(len(lines), dtype=bool)
            for i, kind in kinds.items():
                drop[i] = True
                if kind == BLANK:
                    blank += 1
                else:
                    layout.append((int(lines[i]), kind))
            keep = pa.array(~drop)
            columns = [pc.filter(col, keep) for col in columns]
            lines = lines[~drop]
    return pa.table(columns, names=names), lines, blank, layout


def _column_needs(col: pa.ChunkedArray) -> tuple[bool, bool]:
    """Whether a large_string column may hold characters to clean, and may not be NFC (one
    look at the bytes of each chunk)."""
    dirty = not_nfc = False
    for chunk in col.chunks:
        if len(chunk) == 0:
            continue
        _, off_buf, data_buf = chunk.buffers()
        offsets = np.frombuffer(off_buf, dtype=np.int64)
        lo, hi = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        # one pass keeps the few bytes either test looks for; the tests then read those
        data = data_buf[lo:hi].to_pybytes().translate(None, _UNREMARKABLE)
        if not data:
            continue
        dirty = dirty or not _surely_clean(data)
        not_nfc = not_nfc or not _surely_nfc(data)
        if dirty and not_nfc:
            break
    return dirty, not_nfc


# Bytes below 0xCC: ASCII, continuation bytes and the lead bytes of U+0080..U+02FF, none of
# which NFC changes. What remains are lead bytes of U+0300 and up; E1/E2 (U+1000..U+2FFF)
# cover Vietnamese letters (U+1E00..U+1EFF) and punctuation (U+2000..U+206F).
_BELOW_COMBINING = bytes(range(0xCC))


def _surely_nfc(data: bytes) -> bool:
    """Fast test on UTF-8 bytes: True when they hold no combining mark (U+0300 and up) nor any
    other character NFC could change, save the rare ones in U+1000..U+2FFF (Greek extended,
    Hangul jamo, Ohm sign, ...) that a Vietnamese export does not contain. False means "maybe
    not NFC": the column is then normalised (exactly)."""
    high = data.translate(None, _BELOW_COMBINING)
    return not high.translate(None, b"\xe1\xe2")


# Every character text.clean removes or replaces is encoded with one of these lead bytes.
_ODD_LEADS = frozenset(ch.encode("utf-8")[0] for ch in INVISIBLE + ODD_SPACES)
_NOT_ODD_LEAD = bytes(b for b in range(256) if b not in _ODD_LEADS)
# Bytes that neither _surely_clean nor _surely_nfc looks for, and those they look for.
_UNREMARKABLE = bytes(
    b for b in range(256) if b not in _ODD_LEADS and (b < 0xCC or b in b"\xe1\xe2")
)
WATCH = bytes(b for b in range(256) if b not in _UNREMARKABLE)
# The one Unicode space (U+1680) whose UTF-8 bytes are not in WATCH.
OGHAM_SPACE = "\u1680".encode()
_INVISIBLE_RE = f"[{INVISIBLE}]"
_ODD_SPACE_RE = f"[{ODD_SPACES}]"


def _surely_clean(data: bytes) -> bool:
    """Fast test: no byte that can start an invisible character or an odd space (Vietnamese
    letters never do: their lead bytes are C3-C6 and E1)."""
    return not data.translate(None, _NOT_ODD_LEAD)


def _clean_column(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """:func:`cchc_cli.text.clean` for a whole column, before NFC and trimming."""
    col = pc.replace_substring_regex(col, _INVISIBLE_RE, "")
    return pc.replace_substring_regex(col, _ODD_SPACE_RE, " ")


_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True


def _unicode_space_at(data: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Whether a non-ASCII White_Space character (U+0085, U+00A0, U+1680, U+2000..U+200A,
    U+2028, U+2029, U+202F, U+205F, U+3000) starts at byte ``i`` (bounds-clipped lookups)."""
    top = len(data) - 1
    b0 = data[i]
    b1 = data[np.minimum(i + 1, top)]
    b2 = data[np.minimum(i + 2, top)]
    two = (b0 == 0xC2) & ((b1 == 0x85) | (b1 == 0xA0))
    ogham = (b0 == 0xE1) & (b1 == 0x9A) & (b2 == 0x80)
    punct = (b0 == 0xE2) & (
        ((b1 == 0x80) & ((b2 <= 0x8A) | (b2 == 0xA8) | (b2 == 0xA9) | (b2 == 0xAF)))
        | ((b1 == 0x81) & (b2 == 0x9F))
    )
    ideo = (b0 == 0xE3) & (b1 == 0x80) & (b2 == 0x80)
    return two | ogham | punct | ideo


_SPACE_LEAD = np.zeros(256, dtype=bool)  # first byte of a non-ASCII space
_SPACE_LEAD[[0xC2, 0xE1, 0xE2, 0xE3]] = True
_SPACE_LAST = np.zeros(256, dtype=bool)  # last byte of a non-ASCII space
_SPACE_LAST[[0x85, 0xA0, 0xA8, 0xA9, 0xAF, 0x9F, *range(0x80, 0x8B)]] = True
_MAY_START = _ASCII_SPACE | _SPACE_LEAD  # a cell starting with this byte may need trimming
_MAY_END = _ASCII_SPACE | _SPACE_LAST


def _needs_trim(col: pa.ChunkedArray, ascii_spaces: bool = False) -> bool:
    """Does any cell start or end with whitespace? Looks at the bytes next to the string
    boundaries instead of trimming (which would copy the column). ``ascii_spaces``: the text
    is known to hold no other whitespace than ASCII's."""
    for chunk in col.chunks:
        if len(chunk) == 0:
            continue
        if not pa.types.is_large_string(chunk.type):  # pragma: no cover - we make large_string
            return True
        _, off_buf, data_buf = chunk.buffers()
        if data_buf is None or data_buf.size == 0:
            continue
        offsets = np.frombuffer(off_buf, dtype=np.int64)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(data_buf, dtype=np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        # quick look (an empty cell shows its neighbour's byte: at worst a closer look)
        may_start, may_end = (_ASCII_SPACE, _ASCII_SPACE) if ascii_spaces else (_MAY_START, _MAY_END)
        if not (
            may_start[np.take(data, starts, mode="clip")].any()
            or may_end[np.take(data, ends - 1, mode="clip")].any()
        ):
            continue
        full = ends > starts
        if not full.all():
            starts, ends = starts[full], ends[full]
        first, last = data[starts], data[ends - 1]
        if _ASCII_SPACE[first].any() or _ASCII_SPACE[last].any():
            return True
        lead = _SPACE_LEAD[first]
        if lead.any() and _unicode_space_at(data, starts[lead]).any():
            return True
        tail = _SPACE_LAST[last]
        if tail.any():
            s_, e_ = starts[tail], ends[tail]
            for back in (2, 3):  # a 2- or 3-byte space ending the string
                ok = e_ - back >= s_
                if ok.any() and _unicode_space_at(data, (e_ - back)[ok]).any():
                    return True
    return False
