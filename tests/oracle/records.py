"""Reading a dossier export into typed canonical columns, with every bad cell reported.

Parsing is vectorised with pyarrow compute (dates via ``strptime`` plus a day-of-month check that
rejects ``31/02/2023``, vocabulary words via dictionary encoding), so a million rows take about a
second. Nothing is dropped silently: each bad cell becomes a row of :attr:`Records.problems` with
its file line, column, value and :class:`~cchc_cli.errors.Reason`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cchc_cli.errors import CchcError, Location, Msg, Reason
from cchc_cli.io.binding import (
    SAMPLE_CELLS,
    ColumnChoice,
    bind_headers,
    expected_headers,
    header_matcher,
    header_score,
    key_headers,
)
from cchc_cli.io.cells import EMPTY, UNKNOWN, encode_words, parse_dates, parse_integers
from cchc_cli.io.staged import ABSENT
from cchc_cli.io.table import RawTable, read_table
from cchc_cli.plan import fields as F
from cchc_cli.plan.model import ColumnSpec, Plan

__all__ = [
    "EMPTY",
    "PROBLEM_COLUMNS",
    "SAMPLE_CELLS",
    "UNKNOWN",
    "Column",
    "ColumnChoice",
    "Records",
    "arrow_column",
    "encode_words",
    "header_matcher",
    "parse_dates",
    "parse_integers",
    "read_raw",
    "read_records",
    "records_from_table",
]




@dataclass(frozen=True)
class Column:
    """One canonical field as read from the file (or an absent optional one, all empty)."""

    field: str
    kind: str  # text | date | integer | category
    values: (
        np.ndarray | pd.Series
    )  # date: datetime64[D]; integer: float64; category: int16; text: Series
    bad: tuple[tuple[Reason, np.ndarray], ...]  # (reason, mask) for cells that cannot be used
    header: str | None  # as in the file; None when absent
    index: int | None  # 1-based column number in the file
    categories: tuple[str, ...] = ()
    raw: pd.Series | None = field(default=None, repr=False)  # the cells as written (text and words)

    @property
    def unknown(self) -> np.ndarray:
        n = len(self.values)
        out = np.zeros(n, dtype=bool)
        for _, mask in self.bad:
            out |= mask
        return out

    @property
    def empty(self) -> np.ndarray:
        if self.kind == F.DATE:
            return np.isnat(self.values) & ~self.unknown
        if self.kind == F.INTEGER:
            return np.isnan(self.values) & ~self.unknown
        if self.kind == F.CATEGORY:
            return self.values == EMPTY
        return (self.values == "").to_numpy(dtype=bool) & ~self.unknown


@dataclass(frozen=True)
class Records:
    """A dossier export, typed. ``lines`` are the file lines (as an editor shows them) of each row."""

    path: str
    sha256: str
    size: int
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    n_rows: int
    blank_rows: int
    lines: np.ndarray
    columns: Mapping[str, Column]
    missing: tuple[str, ...]  # plan columns (not optional) that the file lacks
    unmatched_headers: tuple[str, ...]
    excluded: np.ndarray  # rows unusable as a whole: no dossier_id, or a repeated one
    problems: pd.DataFrame = field(repr=False)
    format: str = "csv"  # io.table.RawTable.format
    layout: tuple[tuple[int, str], ...] = ()  # (line, kind): set aside, not dossiers
    columns_chosen: tuple[ColumnChoice, ...] = ()  # fields several headers claimed

    def has(self, name: str) -> bool:
        return name in self.columns and self.columns[name].header is not None


PROBLEM_COLUMNS = ["line", "column", "header", "field", "value", "reason"]


def read_raw(
    path: str | Path,
    plan: Plan,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    min_score: int = 2,
) -> RawTable:
    """The export as strings, its header row found by the plan's column names (at least
    ``min_score`` of them; 0: the best row, the first non-blank one if none is known)."""
    return read_table(
        path,
        header_score(plan),
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        expected=expected_headers(plan),
        min_score=min_score,
        keys=key_headers(plan),
    )


def read_records(
    path: str | Path,
    plan: Plan,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Records:
    """Read and type a dossier export according to the plan's columns and vocabularies."""
    table = read_raw(path, plan, encoding=encoding, delimiter=delimiter, sheet=sheet)
    if len(table.data) == 0:
        raise CchcError(
            Msg(
                "tệp chỉ có dòng tiêu đề, không có hồ sơ nào",
                "the file has a header but no dossiers",
            ),
            Msg(
                "xuất lại danh sách hồ sơ từ phần mềm Một cửa (kiểm tra bộ lọc thời gian khi xuất)",
                "export the dossier list again (check the date filter used for the export)",
            ),
            Location(table.path, table.header_line),
        )
    return records_from_table(table, plan)


def records_from_table(table: RawTable, plan: Plan) -> Records:
    bound = bind_headers(
        plan, table.headers, table.path, table.header_line, lambda i: _sample(table, i)
    )
    where, unmatched, chosen = bound.where, bound.unmatched, bound.chosen
    n = len(table.data)
    columns: dict[str, Column] = {}
    problems: list[pd.DataFrame] = [_short_rows(table)]
    missing: list[str] = []
    for name, spec in plan.columns.items():
        if name not in where:
            if not spec.optional:
                missing.append(name)
            columns[name] = _absent(spec, plan, n)
            continue
        idx, header = where[name]
        raw = table.data.iloc[:, idx]
        col = _parse(spec, plan, raw, header, idx + 1)
        columns[name] = col
        for reason, mask in col.bad:
            if reason is Reason.SHORT_ROW:  # reported once per row, below
                continue
            if mask.any():
                problems.append(
                    pd.DataFrame(
                        {
                            "line": table.lines[mask],
                            "column": idx + 1,
                            "header": header,
                            "field": name,
                            "value": raw[mask].to_numpy(dtype=object),
                            "reason": reason.value,
                        }
                    )
                )

    excluded = np.zeros(n, dtype=bool)
    ids = columns["dossier_id"]
    id_values = ids.values
    dup = _repeated(arrow_column(id_values))
    if dup.any():
        idx = where["dossier_id"][0]
        problems.append(
            pd.DataFrame(
                {
                    "line": table.lines[dup],
                    "column": idx + 1,
                    "header": where["dossier_id"][1],
                    "field": "dossier_id",
                    "value": id_values.to_numpy()[dup],
                    "reason": Reason.DUPLICATE_ID.value,
                }
            )
        )
        columns["dossier_id"] = Column(
            ids.field,
            ids.kind,
            ids.values,
            (*ids.bad, (Reason.DUPLICATE_ID, dup)),
            ids.header,
            ids.index,
            raw=ids.raw,
        )
    excluded |= columns["dossier_id"].unknown

    prob = (
        pd.concat(problems, ignore_index=True)
        if problems
        else pd.DataFrame(
            {
                c: pd.Series(dtype="int64" if c in ("line", "column") else "str")
                for c in PROBLEM_COLUMNS
            }
        )
    )
    prob = prob.sort_values(["line", "column"], kind="stable", ignore_index=True)
    return Records(
        path=table.path,
        sha256=table.sha256,
        size=table.size,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        header_line=table.header_line,
        n_rows=n,
        blank_rows=table.blank_rows,
        format=table.format,
        layout=table.layout,
        lines=np.asarray(table.lines, dtype=np.int64),
        columns=columns,
        missing=tuple(missing),
        unmatched_headers=tuple(unmatched),
        excluded=excluded,
        problems=prob,
        columns_chosen=tuple(chosen),
    )


def _sample(table: RawTable, i: int) -> pa.ChunkedArray:
    """The first SAMPLE_CELLS non-empty cells of column ``i``: what tells two claiming columns
    apart (:func:`cchc_cli.io.binding.bind_headers`)."""
    arr = arrow_column(table.data.iloc[:, i])
    return pc.filter(arr, pc.invert(pc.is_in(arr, pa.array(["", ABSENT]))))[:SAMPLE_CELLS]


def _short_rows(table: RawTable) -> pd.DataFrame:
    """One problem per CSV row with fewer cells than the header, at its first missing column."""
    # the cut-off cells of a row are its last ones: walk back from the last column over the
    # short rows only, and stop at the first column where none of them is cut (100,000 columns)
    first = np.zeros(len(table.data), dtype=np.int64)
    rows = np.arange(len(table.data))
    for i in range(table.data.shape[1] - 1, -1, -1):
        col = table.data.iloc[:, i]
        cells = arrow_column(col if len(rows) == len(col) else col.iloc[rows])
        absent = np.asarray(pc.equal(cells, ABSENT).to_numpy(zero_copy_only=False), dtype=bool)
        if not absent.any():
            break
        rows = rows[absent]
        first[rows] = i + 1
    rows = np.flatnonzero(first)
    return pd.DataFrame(
        {
            "line": table.lines[rows],
            "column": first[rows],
            "header": [table.headers[c - 1] for c in first[rows]],
            "field": "",
            "value": "",
            "reason": Reason.SHORT_ROW.value,
        }
    )


def _repeated(arr: pa.ChunkedArray) -> np.ndarray:
    """Rows whose non-empty value already appeared on an earlier row."""
    encoded = pc.dictionary_encode(arr).combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    n = len(codes)
    if n == 0 or len(encoded.dictionary) == n:  # all distinct: the usual case, no sort
        return np.zeros(n, dtype=bool)
    first = np.full(len(encoded.dictionary), n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n))
    dup = first[codes] != np.arange(n)
    blank = pc.index(encoded.dictionary, "").as_py()
    if blank >= 0:
        dup &= codes != blank
    return dup


def _absent(spec: ColumnSpec, plan: Plan, n: int) -> Column:
    kind = spec.kind
    if kind == F.DATE:
        values = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    elif kind == F.INTEGER:
        values = np.full(n, np.nan)
    elif kind == F.CATEGORY:
        vocab = plan.vocabularies[spec.type]
        fill = vocab.categories.index(vocab.empty) if vocab.empty else EMPTY
        return Column(
            spec.field, kind, np.full(n, fill, dtype=np.int16), (), None, None, vocab.categories
        )
    else:
        values = pd.Series([""] * n, dtype="str")
    return Column(spec.field, kind, values, (), None, None)


def arrow_column(raw: pd.Series) -> pa.ChunkedArray:
    """The column as an Arrow string array (zero-copy for pandas' Arrow-backed strings)."""
    arr = pa.array(raw.to_numpy(dtype=object) if raw.dtype == object else raw)
    chunked = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    if chunked.type != pa.string():  # large_string, or null for an empty object column
        chunked = chunked.cast(pa.string())
    return chunked


def _parse(spec: ColumnSpec, plan: Plan, raw: pd.Series, header: str, index: int) -> Column:
    kind = spec.kind
    arr = arrow_column(raw)
    bad: list[tuple[Reason, np.ndarray]] = []
    absent = pc.equal(arr, ABSENT)
    cut = np.zeros(len(raw), dtype=bool)
    if pc.any(absent).as_py():  # cells cut off a short row: unknown (reported once per row)
        cut = absent.to_numpy(zero_copy_only=False).astype(bool)
        arr = pc.if_else(absent, "", arr)
        raw = pd.Series(arr.to_pandas(types_mapper=pd.ArrowDtype).astype("str"), index=raw.index)
        bad.append((Reason.SHORT_ROW, cut))
    blank = pc.equal(arr, "").to_numpy(zero_copy_only=False).astype(bool)  # parsers: no value
    empty = blank & ~cut
    missing_mask = empty if not spec.allow_empty else np.zeros(len(raw), dtype=bool)
    if missing_mask.any():
        bad.append((Reason.MISSING_VALUE, missing_mask))
    if kind == F.DATE:
        values, invalid = parse_dates(arr, blank)
        bad.insert(0, (Reason.INVALID_DATE, invalid))
        return Column(spec.field, kind, values, tuple(bad), header, index)
    if kind == F.INTEGER:
        values, invalid = parse_integers(arr, blank)
        bad.insert(0, (Reason.INVALID_NUMBER, invalid))
        return Column(spec.field, kind, values, tuple(bad), header, index)
    if kind == F.CATEGORY:
        vocab = plan.cell_words(spec, spec.alias(header))
        codes, unknown = encode_words(arr, vocab, blank)
        codes[missing_mask | cut] = UNKNOWN
        bad.insert(0, (Reason.UNKNOWN_VALUE, unknown))
        return Column(
            spec.field,
            kind,
            codes,
            tuple(bad),
            header,
            index,
            vocab.categories,
            raw.reset_index(drop=True),
        )
    values = (raw if raw.dtype != object else raw.astype("str")).reset_index(drop=True)
    return Column(spec.field, kind, values, tuple(bad), header, index, raw=values)
