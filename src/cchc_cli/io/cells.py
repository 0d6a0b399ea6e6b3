"""Typing the cells of one column: dates, whole numbers, vocabulary words, with the bad ones flagged.

Vectorised with pyarrow compute and numpy (no pandas): both the pandas route (:mod:`.records`)
and the engine's header binding (:mod:`.binding`, choosing between two claiming columns) use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import arrow as A
from ..plan import fields as F
from ..text import fold_value

if TYPE_CHECKING:
    from ..plan.model import Vocabulary

EMPTY = -1  # category code: empty cell
UNKNOWN = -2  # category code: a word outside the vocabulary, a required cell left empty, or cut off

_ZONED_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z")
_FRACTION = r"\.\d+(Z|[+-]\d{2}:?\d{2}|)$"
_VIETNAM_OFFSET = np.timedelta64(7, "h")  # Giờ Đông Dương, UTC+7, no daylight saving
_FIRST_YEAR, _LAST_YEAR = (
    1901,
    2100,
)  # what the holidays calendar covers; also rejects 2-digit years
# Clock times that do not exist. strptime refuses hour 24 and minute 60 but reads second 60 and 61
# (leap seconds) and rolls 04/05/2023 23:59:60 over into 5 May; an offset of +24:00 moves the day
# too. Such a cell is an invalid date, never a date on another day.
_LEAP_SECOND = r"\d:[0-5]\d:6\d"
_FAR_OFFSET = r"[+-](?:1[5-9]|[2-9]\d):?\d{2}$"  # zones run from -12:00 to +14:00
_DAY_OF = r"^(?:(?P<a>\d{1,2})[/-]\d{1,2}[/-]\d{4}|\d{4}-\d{1,2}-(?P<b>\d{1,2}))"


def parse_dates(arr: pa.ChunkedArray, empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Day-first dates to datetime64[D]; returns (values, invalid mask). Empty cells are NaT, valid.

    Formats are tried most-common-first (sniffed on a sample), each only on the cells still
    unparsed, so a uniform column costs one ``strptime`` pass.
    """
    n = len(arr)
    zoned = np.zeros(n, dtype=bool)  # written with a zone: shifted to Vietnam time after checks
    formats = _sniff_formats(arr, np.flatnonzero(~empty))
    if not formats:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"), np.zeros(n, dtype=bool)
    values = _strptime(arr, formats[0])  # the usual case: one pass over the whole column
    todo = np.flatnonzero(np.isnat(values) & ~empty)
    for fmt in formats[1:]:
        if todo.size == 0:
            break
        got = _strptime(arr.take(A.numbers(todo)), fmt)
        ok = ~np.isnat(got)
        values[todo[ok]] = got[ok]
        todo = todo[~ok]
    if todo.size:
        # Fractions of a second (SQL, .NET exports) are dropped; a time with a zone (``Z``,
        # ``+07:00``) is converted to Vietnam's wall clock (UTC+7), whose calendar date counts.
        sub = pc.replace_substring_regex(arr.take(A.numbers(todo)), _FRACTION, r"\1")
        for fmt in _ZONED_FORMATS:
            got = _strptime(sub, fmt)
            ok = ~np.isnat(got)
            values[todo[ok]] = got[ok]
            zoned[todo[ok]] = True
            todo, sub = todo[~ok], sub.filter(A.flags(~ok))
        for fmt in F.DATE_FORMATS:
            if todo.size == 0:
                break
            got = _strptime(sub, fmt)
            ok = ~np.isnat(got)
            values[todo[ok]] = got[ok]
            todo, sub = todo[~ok], sub.filter(A.flags(~ok))
    days = values.astype("datetime64[D]")
    # strptime rolls 31/02 over into March (day 1-3): check the written day of those cells only
    as_dates = A.days(days)  # date32, NaT as null: pyarrow's calendar fields are cheap
    # (no Python scalar is given to a kernel: building one imports pandas)
    day_of_month = _filled(pc.day(as_dates), 99)
    suspect = np.flatnonzero(day_of_month <= 3)
    if suspect.size:
        found = pc.extract_regex(arr.take(A.numbers(suspect)), _DAY_OF)
        a, b = pc.struct_field(found, "a"), pc.struct_field(found, "b")  # dd/mm/… or …-mm-dd
        a_text = np.asarray(a.to_pylist(), dtype=object)
        b_text = np.asarray(b.to_pylist(), dtype=object)
        text = np.where(a_text == "", b_text, a_text)
        written = np.array([float(x) if x else np.nan for x in text], dtype=float)
        rolled = suspect[~np.isnan(written) & (written != day_of_month[suspect])]
        days[rolled] = np.datetime64("NaT")
    zoned &= ~np.isnat(days)
    if zoned.any():
        at = np.flatnonzero(zoned)
        far = pc.match_substring_regex(arr.take(A.numbers(at)), _FAR_OFFSET)
        far = at[np.asarray(A.as_numpy(far), dtype=bool)]
        days[far] = np.datetime64("NaT")
        zoned[far] = False
    if pc.any(pc.match_substring(arr, ":6")).as_py():  # cheap test first
        leap = A.as_numpy(pc.match_substring_regex(arr, _LEAP_SECOND))
        days[np.asarray(leap, dtype=bool)] = np.datetime64("NaT")
        zoned &= ~np.isnat(days)
    if zoned.any():
        days[zoned] = (values[zoned] + _VIETNAM_OFFSET).astype("datetime64[D]")
    # two-digit years parse as year 23 AD; the calendar covers 1901-2100: outside it, not a date
    years = _filled(pc.year(A.days(days)), _FIRST_YEAR)
    days[(years < _FIRST_YEAR) | (years > _LAST_YEAR)] = np.datetime64("NaT")
    invalid = np.isnat(days) & ~empty
    return days, invalid


def _filled(numbers: pa.Array, value: int) -> np.ndarray:
    """An integer column as numpy, its nulls ``value``."""
    got = np.asarray(A.as_numpy(numbers), dtype=float)
    return np.where(np.isnan(got), value, got).astype(np.int64)


def _strptime(arr, fmt: str) -> np.ndarray:
    got = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
    return np.asarray(A.as_numpy(got), dtype="datetime64[s]")


def _sniff_formats(arr: pa.ChunkedArray, todo: np.ndarray) -> list[str]:
    """The date formats, those matching most of a sample first (ties keep the documented order)."""
    if todo.size == 0:
        return []
    sample = arr.take(A.numbers(todo[:: max(1, todo.size // 500)][:500]))
    hits = {fmt: int((~np.isnat(_strptime(sample, fmt))).sum()) for fmt in F.DATE_FORMATS}
    return sorted(F.DATE_FORMATS, key=lambda f: -hits[f])


def parse_integers(arr: pa.ChunkedArray, empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers ≥ 0 (``5``, ``5.0`` from Excel); returns (float values with NaN, invalid mask)."""
    ok = pc.match_substring_regex(arr, r"^\d{1,6}(?:[.,]0+)?$")
    digits = pc.replace_substring_regex(arr, r"[.,]0+$", "")
    good = np.asarray(A.as_numpy(ok), dtype=bool)
    values = np.full(len(arr), np.nan)
    if good.any():  # (no None given to a kernel: a Python scalar imports pandas)
        picked = digits.filter(A.flags(good))
        values[good] = A.as_numpy(pc.cast(picked, pa.float64()))
    invalid = np.isnan(values) & ~empty
    return values, invalid


def encode_words(
    arr: pa.ChunkedArray, vocab: Vocabulary, empty: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vocabulary words to category codes; unknown words get UNKNOWN and are flagged."""
    encoded = pc.dictionary_encode(arr).combine_chunks()
    words = encoded.dictionary.to_pylist()
    empty_code = vocab.categories.index(vocab.empty) if vocab.empty else EMPTY
    lookup = np.empty(len(words), dtype=np.int16)
    for i, w in enumerate(words):
        if w == "":
            lookup[i] = empty_code
        else:
            cat = vocab.words.get(fold_value(w))
            lookup[i] = vocab.categories.index(cat) if cat is not None else UNKNOWN
    indices = A.as_numpy(encoded.indices)
    codes = lookup[indices] if len(words) else np.full(len(arr), EMPTY, dtype=np.int16)
    return codes.astype(np.int16), codes == UNKNOWN
