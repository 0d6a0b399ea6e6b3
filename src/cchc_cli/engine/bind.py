"""A file's table bound to the plan: which column is which field, as an Arrow table for SQL.

Which header means which field (aliases, folded headers, two headers claiming one field, the
required columns) is decided by :func:`cchc_cli.records.records_from_table`, so the engine reads
the same columns and raises the same errors. It is run on the rows its choice looks at only (the
first :data:`~cchc_cli.records.SAMPLE_CELLS` non-empty cells of each claiming column), never on
the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..plan import Plan
from ..records import SAMPLE_CELLS, Records, header_matcher, records_from_table
from ..sources import ABSENT, RawTable
from ..text import fold

DATE_SAMPLE = 500  # non-empty cells of a date column sniffed for its formats (as records does)


@dataclass(frozen=True)
class Bound:
    """The table as the query reads it, and what records would say about its columns."""

    cells: pa.Table  # _row, _line, _short, and one string column per field the file has
    columns: Records  # records of the sampled rows: headers, missing, choices (no cell values)
    table: RawTable


def arrow_column(values) -> pa.ChunkedArray:
    """A column of a RawTable as Arrow strings (zero-copy for pandas' Arrow-backed strings)."""
    arr = pa.array(values.to_numpy(dtype=object) if values.dtype == object else values)
    chunked = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    return chunked if chunked.type == pa.string() else chunked.cast(pa.string())


def _claiming_rows(table: RawTable, plan: Plan) -> np.ndarray:
    """The rows records looks at to choose between headers that claim one field."""
    matcher = header_matcher(plan)
    claims: dict[str, list[int]] = {}
    for i, header in enumerate(table.headers):
        name = matcher.get(fold(header)) if header else None
        if name is not None:
            claims.setdefault(name, []).append(i)
    rows = [np.zeros(1, dtype=np.int64)]
    for found in claims.values():
        if len(found) < 2:
            continue
        for i in found:
            col = arrow_column(table.data.iloc[:, i])
            filled = pc.invert(pc.is_in(col, pa.array(["", ABSENT])))
            idx = np.flatnonzero(np.asarray(filled.to_numpy(zero_copy_only=False), dtype=bool))
            rows.append(idx[:SAMPLE_CELLS])
    return np.unique(np.concatenate(rows))


def bind(table: RawTable, plan: Plan) -> Bound:
    n = len(table.data)
    rows = _claiming_rows(table, plan) if n else np.zeros(0, dtype=np.int64)
    sample = replace(
        table, data=table.data.iloc[rows].reset_index(drop=True), lines=table.lines[rows]
    )
    columns = records_from_table(sample, plan)
    arrays = {
        "_row": pa.array(np.arange(n, dtype=np.int64)),
        "_line": pa.array(np.asarray(table.lines, dtype=np.int64)),
    }
    if table.data.shape[1]:
        last = arrow_column(table.data.iloc[:, -1])
        arrays["_short"] = pc.equal(last, ABSENT)
    else:
        arrays["_short"] = pa.array(np.zeros(n, dtype=bool))
    for name, col in columns.columns.items():
        if col.header is not None:
            assert col.index is not None
            arrays[name] = arrow_column(table.data.iloc[:, col.index - 1])
    return Bound(pa.table(arrays), columns, table)


def date_sample(cells: pa.ChunkedArray) -> list[str]:
    """About DATE_SAMPLE non-empty cells spread over the column, as records samples them."""
    filled = pc.invert(pc.is_in(cells, pa.array(["", ABSENT])))
    idx = np.flatnonzero(np.asarray(filled.to_numpy(zero_copy_only=False), dtype=bool))
    if idx.size == 0:
        return []
    picked = idx[:: max(1, idx.size // DATE_SAMPLE)][:DATE_SAMPLE]
    return cells.take(pa.array(picked)).to_pylist()
