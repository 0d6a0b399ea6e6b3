"""Arrow columns built over numpy buffers: the engine's small tables (look-ups, the calendar),
the registers' typed cells, the readers' cell columns.

``pa.array`` imports pandas (half a second and 50 MB on the ``check`` path, for nothing); these
build the same columns from their buffers. ``valid`` (a boolean array) marks the non-null values
where a column has nulls.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_EPOCH = dt.date(1970, 1, 1).toordinal()


def _validity(valid, n: int) -> tuple[pa.Buffer | None, int]:
    if valid is None:
        return None, 0
    valid = np.asarray(valid, dtype=bool)
    return pa.py_buffer(np.packbits(valid, bitorder="little")), n - int(valid.sum())


def strings(values: Sequence[str | None]) -> pa.Array:
    """Large strings; a None is a null."""
    data = [b"" if v is None else v.encode("utf-8") for v in values]
    offsets = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in data], out=offsets[1:])
    nulls = [v is not None for v in values]
    mask, count = _validity(nulls if not all(nulls) else None, len(data))
    buffers = [mask, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.large_string(), len(data), buffers, null_count=count)


def numbers(values, kind: pa.DataType | None = None, valid=None) -> pa.Array:
    """Integers: int64, or ``kind`` int32 / date32 (days since 1970-01-01)."""
    kind = kind or pa.int64()
    width = np.int64 if kind == pa.int64() else np.int32
    array = np.ascontiguousarray(values, dtype=width)
    mask, count = _validity(valid, len(array))
    return pa.Array.from_buffers(kind, len(array), [mask, pa.py_buffer(array)], null_count=count)


def dates(values: Sequence[dt.date]) -> pa.Array:
    return numbers([d.toordinal() - _EPOCH for d in values], pa.date32())


def days(values: np.ndarray) -> pa.Array:
    """A ``datetime64[D]`` array as date32, NaT as null."""
    nat = np.isnat(values)
    epoch = (values - np.datetime64("1970-01-01", "D")).astype(np.int64)
    return numbers(np.where(nat, 0, epoch), pa.date32(), ~nat if nat.any() else None)


def byte_lengths(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """The UTF-8 length of each cell of a large_string column, from its offsets."""
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    parts = [np.zeros(0, dtype=np.int64)]
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        parts.append(np.diff(offsets[chunk.offset : chunk.offset + len(chunk) + 1]))
    return np.concatenate(parts)


def is_text(col: pa.ChunkedArray | pa.Array, text: str) -> np.ndarray:
    """Which cells of a large_string column are exactly ``text`` (``pc.equal`` with a Python
    string builds a scalar, and a scalar imports pandas)."""
    lengths = byte_lengths(col)
    want = text.encode("utf-8")
    hit = lengths == len(want)
    if want and hit.any():  # the cells of its length only, compared by a kernel
        at = np.flatnonzero(hit)
        same = pc.match_substring_regex(col.take(numbers(at)), rf"\A{re.escape(text)}\z")
        hit[at] = as_numpy(same)
    return hit


_NUMPY = {
    pa.int8(): np.int8,
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.int64(): np.int64,
    pa.uint8(): np.uint8,
    pa.uint16(): np.uint16,
    pa.uint32(): np.uint32,
    pa.uint64(): np.uint64,
    pa.float32(): np.float32,
    pa.float64(): np.float64,
}


def _bits(buffer: pa.Buffer, offset: int, n: int) -> np.ndarray:
    raw = np.frombuffer(buffer, dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[offset : offset + n].astype(bool)


def as_numpy(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A column as numpy, read from its buffers (pyarrow's ``to_numpy`` imports pandas): booleans
    (a null is False), numbers (a null is NaN, as float), dates and timestamps (a null is NaT)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    kind, n, at = values.type, len(values), values.offset
    validity, data = values.buffers()[0], values.buffers()[1]
    valid = _bits(validity, at, n) if validity is not None and values.null_count else None
    if n == 0:
        data = None
    if pa.types.is_boolean(kind):
        out = _bits(data, at, n) if data is not None else np.zeros(0, dtype=bool)
        return out & valid if valid is not None else out
    if pa.types.is_date32(kind):
        raw = np.frombuffer(data, dtype=np.int32)[at : at + n] if data else np.zeros(0, np.int32)
        out = raw.astype("datetime64[D]")
    elif pa.types.is_timestamp(kind):
        raw = np.frombuffer(data, dtype=np.int64)[at : at + n] if data else np.zeros(0, np.int64)
        out = raw.astype(f"datetime64[{kind.unit}]")
    else:
        width = _NUMPY[kind]
        out = np.frombuffer(data, dtype=width)[at : at + n] if data else np.zeros(0, width)
        if valid is not None:
            out = out.astype(float)
    if valid is None:
        return out.copy()
    out = out.copy()
    out[~valid] = np.datetime64("NaT") if out.dtype.kind == "M" else np.nan
    return out


def flags(values) -> pa.Array:
    array = np.asarray(values, dtype=bool)
    bits = np.packbits(array, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(array), [None, pa.py_buffer(bits)])


def table(columns: Mapping[str, pa.Array]) -> pa.Table:
    return pa.Table.from_arrays(list(columns.values()), names=list(columns))
