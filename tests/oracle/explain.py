"""Why an indicator has the figure it has: its definition, its counts and the rows behind them.

The counts come from :func:`oracle.evaluate.count` and the verdict from the same functions
``check`` uses, so ``explain`` can never disagree with ``check``. Every row of the export gets one
class for the indicator — counted and passing, counted and failing, left out (with the first bad
cell, in the order :func:`oracle.evaluate.count` attributes them), not in the denominator, or *open and
due*: outside the denominator, still open at the period's end and due on or before it (only for an
indicator whose rule reads the due date) — the dossiers that will count late unless resolved by
their due date, the worklist before a cut-off. Kept as numpy arrays; only the rows actually shown
are formatted.

Rows whose rule reads the due date carry ``days_late``: calendar days from the due date to the end
date, or to the period's last day for a dossier still open then (0 when not late; empty when a
date is unknown). Calendar days, as a reader checks them on a calendar; the due date itself
already counts working days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from cchc_cli.errors import CchcError, Msg, Reason
from cchc_cli.io.actuals import Actuals
from cchc_cli.plan import fields as F
from cchc_cli.plan.model import Indicator, Plan
from cchc_cli.results import actual_result, dossier_result

from . import evaluate as E
from .classify import Classified, Dates, Tri, classify, first_reasons
from .records import EMPTY, UNKNOWN, Records

ROW_KINDS = ("failing", "counted", "left-out", "open-due", "all")
COUNTED_PASS, COUNTED_FAIL, LEFT_OUT, NOT_IN_DENOMINATOR, OPEN_DUE = (
    "counted_pass",
    "counted_fail",
    "left_out",
    "not_in_denominator",
    "open_due",
)
CLASSES = (COUNTED_PASS, COUNTED_FAIL, LEFT_OUT, NOT_IN_DENOMINATOR, OPEN_DUE)

# Fields the rule reads that are shown as one combined column.
_DUE_SOURCES = ("due_at", "processing_days")
_END_SOURCES = ("resolved_at", "returned_at")
# Shown first on every row when the export has them: late lists are read per receiving unit and
# procedure.
_FIRST = ("unit", "procedure")


@dataclass(frozen=True)
class RowClasses:
    """Per row of the export: its class for one indicator and, if left out, why."""

    cls: np.ndarray  # int8 index into CLASSES
    reason: np.ndarray  # int32 index into ``labels``; -1 = none
    labels: tuple[tuple[str, str], ...]  # (Reason value, canonical field)

    def select(self, kind: str) -> np.ndarray:
        """Row indices (file order) of ``failing``, ``counted``, ``left-out``, ``open-due`` or
        ``all`` rows."""
        if kind == "failing":
            return np.flatnonzero(self.cls == CLASSES.index(COUNTED_FAIL))
        if kind == "counted":
            return np.flatnonzero(self.cls <= CLASSES.index(COUNTED_FAIL))
        if kind == "left-out":
            return np.flatnonzero(self.cls == CLASSES.index(LEFT_OUT))
        if kind == "open-due":
            return np.flatnonzero(self.cls == CLASSES.index(OPEN_DUE))
        _check_kind(kind)
        return np.arange(len(self.cls))


def _check_kind(kind: str) -> None:
    if kind not in ROW_KINDS:
        raise CchcError(
            Msg(f"--rows không hợp lệ: '{kind}'", f"invalid --rows: '{kind}'"),
            Msg(
                f"chọn một trong: {', '.join(ROW_KINDS)}", f"choose one of: {', '.join(ROW_KINDS)}"
            ),
        )


def row_classes(
    plan: Plan, ind: Indicator, records: Records, cl: Classified
) -> tuple[E.Counts, RowClasses]:
    """Classify every row for ``ind``; the Counts are exactly those ``check`` reports."""
    counts, den, num = E.count(plan, ind, cl)
    n = len(den.val)
    cls = np.full(n, CLASSES.index(NOT_IN_DENOMINATOR), dtype=np.int8)
    left = den.unknown | (den.val & num.unknown)
    cls[den.val & num.known & ~num.val] = CLASSES.index(COUNTED_FAIL)
    cls[num.val] = CLASSES.index(COUNTED_PASS)
    cls[left] = CLASSES.index(LEFT_OUT)
    if reads_due(plan, ind):
        outside = cls == CLASSES.index(NOT_IN_DENOMINATOR)
        cls[outside & cl.active & open_and_due(cl)] = CLASSES.index(OPEN_DUE)

    # the same walk as evaluate.count attributes left-out rows by, kept per row
    reason, labels = first_reasons(cl, left, E.needed_fields(plan, ind))

    def label(code: str, field: str) -> int:
        if (code, field) not in labels:
            labels.append((code, field))
        return labels.index((code, field))

    # rows set aside as a whole (no or repeated dossier id) are outside every denominator: say why
    aside = records.excluded & (cls == CLASSES.index(NOT_IN_DENOMINATOR))
    if aside.any():
        for why, fname, mask in cl.reasons.get("dossier_id", []):
            hit = aside & mask
            if hit.any():
                reason[hit] = label(why.value, fname)
                aside &= ~hit
    return counts, RowClasses(cls, reason, tuple(labels))


def reads_due(plan: Plan, ind: Indicator) -> bool:
    """Does the indicator's rule read the due date (timeliness, lateness)?"""
    return any(n in E.needed_fields(plan, ind) for n in _DUE_SOURCES)


def open_and_due(cl: Classified) -> np.ndarray:
    """Rows known to be open at the period's end with a known due date on or before it."""
    open_at_end = cl.env["open_at_end"]
    due = cl.env["due"]
    assert isinstance(open_at_end, Tri) and isinstance(due, Dates)
    due_by_end = due.cmp("<=", np.datetime64(cl.period[1], "D"))
    return open_at_end.val & due_by_end.val


def days_late(cl: Classified, idx: np.ndarray) -> np.ndarray:
    """Calendar days from the due date to the end date — or to the period's last day when the
    dossier is still open then — for rows ``idx``; 0 when not late, -1 when a date is unknown."""
    due, end = cl.env["due"], cl.env["end_at"]
    assert isinstance(due, Dates) and isinstance(end, Dates)
    last = np.datetime64(cl.period[1], "D")
    d, e = due.values[idx].astype("datetime64[D]"), end.values[idx].astype("datetime64[D]")
    still_open = np.isnat(e) | (e > last)
    ref = np.where(still_open & ~end.unknown[idx], last, e)
    gone = np.isnat(d) | due.unknown[idx] | np.isnat(ref)
    with np.errstate(invalid="ignore"):
        days = np.maximum((ref - d).astype("timedelta64[D]").astype(np.int64), 0)
    return np.where(gone, -1, days)


def display_fields(plan: Plan, ind: Indicator, records: Records | None = None) -> list[str]:
    """The fields shown for each row: the receiving unit and the procedure (when ``records`` has
    those columns), dates (received — always, with ``records`` —, due, processing days, end), then
    the other columns the rule reads, status last. ``due`` and ``end_at`` are the dates the rule
    used."""
    needed = E.needed_fields(plan, ind)
    out: list[str] = []
    if records is not None:
        out.extend(n for n in _FIRST if records.has(n) and n not in needed)
    if "received_at" in needed or records is not None:  # a required column: every row has it
        out.append("received_at")
    if any(n in needed for n in _DUE_SOURCES):
        out.append("due")
        if "processing_days" in needed:
            out.append("processing_days")
    if any(n in needed for n in _END_SOURCES):
        out.append("end_at")
    skip = {"received_at", "status", "dossier_id", *_DUE_SOURCES, *_END_SOURCES}
    out.extend(n for n in needed if n not in skip)
    if "status" in needed:
        out.append("status")
    return out


def _date_texts(values: np.ndarray) -> list[str]:
    s = np.datetime_as_string(values.astype("datetime64[D]"), unit="D")
    return ["" if x == "NaT" else f"{x[8:10]}/{x[5:7]}/{x[:4]}" for x in s.tolist()]


def _take(table: Sequence, codes: np.ndarray | None) -> list:
    """``[table[c] for c in codes]`` as one numpy take (negative codes count from the end)."""
    if codes is None:
        return list(table)
    objects = np.empty(len(table), dtype=object)
    objects[:] = table
    return objects[codes].tolist()


@dataclass
class _Cells:
    """The cells of one column for the selected rows: ``table[codes]`` (``codes`` None: the table
    itself), then ``patch`` (position -> text) over them.

    Few distinct values (classes, reasons, dates, words) are formatted once each, not per row.
    ``arrow`` is the table as Arrow text when it is long (for a vectorised CSV check); ``plain``
    marks a table of ints, whose CSV text is ``str()`` with nothing to check; ``csv_table``, when
    given, is the table's CSV text.
    """

    table: Sequence
    codes: np.ndarray | None = None
    arrow: object = None
    plain: bool = False
    csv_table: Sequence[str] | None = None
    patch: dict[int, str] = field(default_factory=dict)

    def text_at(self, pos: int):
        return self.table[pos if self.codes is None else int(self.codes[pos])]

    def values(self) -> list:
        out = _take(self.table, self.codes)
        for i, v in self.patch.items():
            out[i] = v
        return out

    def csv(self) -> list[str]:
        """The cells as :func:`cchc_cli.render.csv.write_csv` writes them (Excel-safe, quoted)."""
        from cchc_cli.render.csv import csv_cell, csv_column

        if self.csv_table is not None:
            table = self.csv_table
        elif self.plain:
            table = list(map(str, self.table))
        else:
            table = csv_column(self.table, self.arrow)
        out = _take(table, self.codes)
        for i, v in self.patch.items():
            out[i] = csv_cell(v)
        return out


def _date_cells(values: np.ndarray) -> _Cells:
    days, codes = np.unique(values.astype("datetime64[D]"), return_inverse=True)
    return _Cells(_date_texts(days), codes.reshape(-1))


def _arrow_text(series):
    """An Arrow-backed pandas string column as its Arrow data, not copied (None for anything
    else)."""
    import pandas as pd
    import pyarrow as pa

    dtype = getattr(series, "dtype", None)
    if not isinstance(dtype, pd.StringDtype) or dtype.storage not in ("pyarrow", "pyarrow_numpy"):
        return None
    arr = series.array.__arrow_array__()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return arr


def _raw_cells(col, idx: np.ndarray) -> _Cells:
    """Text and words as written in the file, for the selected rows only."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = _arrow_text(col.raw)
    taken = arr.take(pa.array(idx)) if arr is not None else None
    if isinstance(taken, pa.ChunkedArray):
        taken = taken.combine_chunks()
    if taken is None or taken.null_count:  # not Arrow text, or missing values: str() each cell
        return _Cells([str(v) for v in col.raw.take(idx).to_numpy(dtype=object).tolist()])
    if col.kind == F.CATEGORY:  # a few words over many rows: each converted once
        enc = pc.dictionary_encode(taken)
        return _Cells(
            enc.dictionary.to_pylist(),
            enc.indices.to_numpy(zero_copy_only=False).astype(np.intp),
            arrow=enc.dictionary,
        )
    return _Cells(taken.to_pylist(), arrow=taken)


@dataclass(frozen=True)
class RowTable:
    """The selected rows of one indicator; :meth:`rows` formats only the slice asked for."""

    plan: Plan
    indicator: Indicator
    records: Records
    classified: Classified
    classes: RowClasses
    index: np.ndarray  # selected row indices, file order
    fields: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.index)

    @property
    def columns(self) -> list[str]:
        """Machine names of the row columns (CSV header, JSON keys)."""
        out = ["class", "reason", "reason_field", "dossier_id", "line"]
        for f in self.fields:
            out.append(f)
            if f == "due":
                out += ["due_derived", "days_late"]
        return out

    def rows(
        self, start: int = 0, stop: int | None = None, kinds: dict[str, str] | None = None
    ) -> list[dict]:
        """Rows ``start:stop`` of the selection as dicts of text (``line`` an int,
        ``due_derived`` a bool).

        ``kinds`` renames classes (the evidence files say ``failing`` rather than ``counted_fail``).
        """
        idx = self.index[start:stop]
        if len(idx) == 0:
            return []
        cells = self._cells(idx, kinds)
        keys = self.columns
        cols = [cells[k].values() for k in keys]
        return [dict(zip(keys, vals, strict=True)) for vals in zip(*cols, strict=True)]

    def csv_columns(
        self, start: int = 0, stop: int | None = None, kinds: dict[str, str] | None = None
    ) -> list[list[str]]:
        """Rows ``start:stop`` as CSV cells, one list per column of :attr:`columns`: the text
        :func:`cchc_cli.render.csv.write_csv` writes for the values :meth:`rows` gives."""
        idx = self.index[start:stop]
        if len(idx) == 0:
            return [[] for _ in self.columns]
        cells = self._cells(idx, kinds)
        return [cells[k].csv() for k in self.columns]

    def _cells(self, idx: np.ndarray, kinds: dict[str, str] | None) -> dict[str, _Cells]:
        recs, cl, rc = self.records, self.classified, self.classes
        lines = recs.lines[idx]
        out: dict[str, _Cells] = {}
        # cells shown as written in the file: (cells, positions, fields whose raw text to use)
        pending: list[tuple[_Cells, np.ndarray, tuple[str, ...]]] = []
        out["class"] = _Cells([(kinds or {}).get(c, c) for c in CLASSES], rc.cls[idx])
        reason = rc.reason[idx]  # -1 (none) takes the last entry, ""
        out["reason"] = _Cells([*(code for code, _ in rc.labels), ""], reason)
        out["reason_field"] = _Cells([*(f for _, f in rc.labels), ""], reason)
        out["dossier_id"] = self._column_cells("dossier_id", idx, pending)
        out["line"] = _Cells(lines.tolist(), plain=True)
        for f in self.fields:
            if f == "due":
                due = cl.env["due"]
                assert isinstance(due, Dates)
                values = due.values[idx]
                out["due"] = _date_cells(values)
                gone = np.flatnonzero(due.unknown[idx] & np.isnat(values))
                pending.append((out["due"], gone, ("due_at",)))
                out["due_derived"] = _Cells(
                    [False, True], cl.due_derived[idx].astype(np.intp), csv_table=["false", "true"]
                )
                late, codes = np.unique(days_late(cl, idx), return_inverse=True)
                table = [None if n < 0 else n for n in late.tolist()]
                out["days_late"] = _Cells(
                    table, codes.reshape(-1), csv_table=["" if n is None else str(n) for n in table]
                )
            elif f == "end_at":
                end = cl.env["end_at"]
                assert isinstance(end, Dates)
                values = end.values[idx]
                out["end_at"] = _date_cells(values)
                gone = np.flatnonzero(end.unknown[idx] & np.isnat(values))
                pending.append((out["end_at"], gone, ("resolved_at", "returned_at")))
            else:
                out[f] = self._column_cells(f, idx, pending)
        pending = [p for p in pending if len(p[1])]
        if pending:
            at = np.unique(np.concatenate([pos for _, pos, _ in pending]))
            raw = self._raw_values(lines[at].tolist())
            for cells, pos, names in pending:
                for i, ln in zip(pos.tolist(), lines[pos].tolist(), strict=True):
                    text = cells.text_at(i)
                    for name in reversed(names):  # the first name found wins
                        text = raw.get((ln, name), text)
                    cells.patch[i] = text
        return out

    def _raw_values(self, lines: list[int]) -> dict[tuple[int, str], str]:
        """The cells as written in the file, for the bad ones among the selected rows."""
        p = self.records.problems
        if len(p) == 0:
            return {}
        p = p[p["line"].isin(lines)]
        return {
            (int(ln), str(f)): str(v)
            for ln, f, v in zip(p["line"], p["field"], p["value"], strict=True)
        }

    def _column_cells(self, name: str, idx: np.ndarray, pending: list) -> _Cells:
        col = self.records.columns[name]
        if col.kind == F.DATE:
            cells = _date_cells(col.values[idx])
        elif col.kind == F.INTEGER:
            values, codes = np.unique(col.values[idx], return_inverse=True)
            texts = ["" if np.isnan(v) else str(int(v)) for v in values.tolist()]
            cells = _Cells(texts, codes.reshape(-1))
        elif col.header is None:  # an optional column the file lacks
            cells = _Cells([""], np.zeros(len(idx), dtype=np.intp))
        elif getattr(col, "raw", None) is not None:  # text and words: as written in the file
            cells = _raw_cells(col, idx)
        elif col.kind == F.CATEGORY:
            from cchc_cli.plan.describe import category_label

            words = [category_label(self.plan, name, c, quoted=False) for c in col.categories]
            # EMPTY (-1) and UNKNOWN (-2) take the two "" at the end
            assert (EMPTY, UNKNOWN) == (-1, -2)
            cells = _Cells([*words, "", ""], col.values[idx].astype(np.intp))
        else:
            cells = _Cells([str(v) for v in col.values.take(idx).to_numpy().tolist()])
        pending.append((cells, np.flatnonzero(col.unknown[idx]), (name,)))
        return cells


@dataclass(frozen=True)
class Explanation:
    plan: Plan
    indicator: Indicator
    period: tuple[dt.date, dt.date]
    result: E.IndicatorResult
    input: E.InputSummary | None = None
    actuals: Actuals | None = None
    counts: E.Counts | None = None
    rows_kind: str | None = None
    rows: RowTable | None = None


def explain(
    plan: Plan,
    indicator: str | Indicator,
    records: Records | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    actuals: Actuals | None = None,
    *,
    rows: str = "failing",
    classified: Classified | None = None,
) -> Explanation:
    """Explain one indicator; dossier indicators need ``records``, the others ``actuals``."""
    ind = plan.indicator(indicator) if isinstance(indicator, str) else indicator
    period = period or plan.period
    if ind.source != "dossiers":
        result = actual_result(ind, actuals)
        return Explanation(plan, ind, period, result, actuals=actuals)
    if records is None:
        raise CchcError(
            Msg(
                f"chỉ tiêu '{ind.id}' tính từ tệp hồ sơ: cần tệp xuất hồ sơ",
                f"'{ind.id}' is computed from the dossier export: give the export file",
            ),
            Msg(f"cchc explain {ind.id} <tệp hồ sơ>", f"cchc explain {ind.id} <export file>"),
        )
    _check_kind(rows)
    cl = classified or classify(plan, records, period)
    counts, classes = row_classes(plan, ind, records, cl)
    # check's verdict, from the counts just made (no data when a column it reads is missing)
    result = dossier_result(plan, ind, records, counts)
    index = classes.select(rows)
    if result.reason == Reason.MISSING_COLUMN.value:
        index = index[:0]  # without the column the rows say nothing about this indicator
    fields = tuple(display_fields(plan, ind, records))
    table = RowTable(plan, ind, records, cl, classes, index, fields)
    return Explanation(
        plan, ind, period, result, E.input_summary(plan, records, cl), actuals, counts, rows, table
    )


_EVIDENCE_KINDS = {COUNTED_FAIL: "failing", LEFT_OUT: "left_out"}


def _evidence_table(
    plan: Plan,
    ind: Indicator,
    records: Records,
    cl: Classified,
    result: E.IndicatorResult | None = None,
) -> RowTable:
    """Failing and left-out rows of one dossier indicator, in file order.

    ``result``: the indicator's result from the same records and classification (``check`` has
    it); without it, whether the indicator lacks a column is worked out again.
    """
    fields = tuple(display_fields(plan, ind, records))
    if result is not None:
        lacking = result.reason == Reason.MISSING_COLUMN.value
    else:
        lacking = bool(E._lacking(plan, ind, records))
    if lacking:  # without the column the rows say nothing about this indicator
        none = np.zeros(0, dtype=np.int64)
        classes = RowClasses(np.zeros(0, dtype=np.int8), none, ())
        return RowTable(plan, ind, records, cl, classes, none, fields)
    _, classes = row_classes(plan, ind, records, cl)
    keep = (classes.cls == CLASSES.index(COUNTED_FAIL)) | (classes.cls == CLASSES.index(LEFT_OUT))
    return RowTable(plan, ind, records, cl, classes, np.flatnonzero(keep), fields)


def evidence_csv(
    plan: Plan,
    ind: Indicator,
    records: Records,
    cl: Classified,
    result: E.IndicatorResult | None = None,
) -> tuple[str, int]:
    """The evidence CSV of one dossier indicator (its failing and left-out rows, file order) and
    its number of rows; the text is what ``write_csv(*evidence_rows(…))`` gives, built column by
    column."""
    from cchc_cli.render.csv import csv_join

    table = _evidence_table(plan, ind, records, cl, result)
    header = ["kind", *table.columns[1:]]
    return csv_join(header, table.csv_columns(kinds=_EVIDENCE_KINDS)), len(table)


def evidence_rows(
    plan: Plan,
    ind: Indicator,
    records: Records,
    cl: Classified,
    result: E.IndicatorResult | None = None,
) -> tuple[list[str], list[list]]:
    """Failing and left-out rows of one dossier indicator, in file order, for an evidence CSV."""
    table = _evidence_table(plan, ind, records, cl, result)
    header = ["kind", *table.columns[1:]]
    out = []
    for row in table.rows(kinds=_EVIDENCE_KINDS):
        values: Sequence = [row["class"], *(row[k] for k in table.columns[1:])]
        out.append([_cell(v) for v in values])
    return header, out


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


__all__ = [
    "CLASSES",
    "ROW_KINDS",
    "Explanation",
    "RowClasses",
    "RowTable",
    "days_late",
    "display_fields",
    "evidence_csv",
    "evidence_rows",
    "explain",
    "open_and_due",
    "reads_due",
    "row_classes",
]
