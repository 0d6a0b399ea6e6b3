"""Small Arrow tables the engine registers (look-ups, the calendar), built over numpy buffers.

``pa.array`` imports pandas (half a second and 50 MB on the ``check`` path, for nothing); these
build the same columns from their buffers. No nulls: every look-up value is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

_EPOCH = dt.date(1970, 1, 1).toordinal()


def strings(values: Sequence[str]) -> pa.Array:
    data = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in data], out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.large_string(), len(data), buffers)


def numbers(values, kind: pa.DataType | None = None) -> pa.Array:
    """Integers: int64, or ``kind`` int32 / date32 (days since 1970-01-01)."""
    kind = kind or pa.int64()
    width = np.int64 if kind == pa.int64() else np.int32
    array = np.ascontiguousarray(values, dtype=width)
    return pa.Array.from_buffers(kind, len(array), [None, pa.py_buffer(array)])


def dates(values: Sequence[dt.date]) -> pa.Array:
    return numbers([d.toordinal() - _EPOCH for d in values], pa.date32())


def flags(values) -> pa.Array:
    array = np.asarray(values, dtype=bool)
    bits = np.packbits(array, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(array), [None, pa.py_buffer(bits)])


def table(columns: Mapping[str, pa.Array]) -> pa.Table:
    return pa.Table.from_arrays(list(columns.values()), names=list(columns))
