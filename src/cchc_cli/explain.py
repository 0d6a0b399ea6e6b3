"""Why an indicator has the figure it has: its definition, its counts and the rows behind them.

The counts and the verdict are ``check``'s own (the same run of :func:`cchc_cli.pipeline.run`),
and the rows are read by the engine from the very relation those counts were added up from
(:mod:`cchc_cli.engine.rows`), so ``explain`` can never disagree with ``check``. Every row of the
export gets one class for the indicator — counted and passing, counted and failing, left out
(with the first bad cell, in the order the rule reads the fields), not in the denominator, or
*open and due*: outside the denominator, still open at the period's end and due on or before it
(only for an indicator whose rule reads the due date) — the dossiers that will count late unless
resolved by their due date, the worklist before a cut-off.

Rows whose rule reads the due date carry ``days_late``: calendar days from the due date to the end
date, or to the period's last day for a dossier still open then (0 when not late; empty when a
date is unknown). Calendar days, as a reader checks them on a calendar; the due date itself
already counts working days.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import CchcError, Msg, Reason
from .results import (
    Counts,
    IndicatorResult,
    InputSummary,
    actual_result,
    needed_fields,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from .engine.registers import RegisterRows
    from .engine.rows import Rows
    from .io.actuals import Actuals
    from .pipeline import Request, Run
    from .plan.model import Indicator, Plan
    from .results import HasColumns

ROW_KINDS = ("failing", "counted", "left-out", "open-due", "all")
COUNTED_PASS, COUNTED_FAIL, LEFT_OUT, NOT_IN_DENOMINATOR, OPEN_DUE = (
    "counted_pass",
    "counted_fail",
    "left_out",
    "not_in_denominator",
    "open_due",
)
CLASSES = (COUNTED_PASS, COUNTED_FAIL, LEFT_OUT, NOT_IN_DENOMINATOR, OPEN_DUE)
EVIDENCE = "evidence"  # the rows of an evidence file: failing and left out
# The classes each ``--rows`` kind lists (None: every row).
KIND_CLASSES: dict[str, frozenset[str] | None] = {
    "failing": frozenset({COUNTED_FAIL}),
    "counted": frozenset({COUNTED_PASS, COUNTED_FAIL}),
    "left-out": frozenset({LEFT_OUT}),
    "open-due": frozenset({OPEN_DUE}),
    "all": None,
    EVIDENCE: frozenset({COUNTED_FAIL, LEFT_OUT}),
}
LEAD = ("class", "reason", "reason_field", "dossier_id", "file", "line")  # before the fields

# Fields the rule reads that are shown as one combined column.
_DUE_SOURCES = ("due_at", "processing_days")
_END_SOURCES = ("resolved_at", "returned_at")
# Shown first on every row when the export has them: late lists are read per receiving unit and
# procedure.
FIRST = ("unit", "procedure")


def check_kind(kind: str) -> None:
    if kind not in ROW_KINDS:
        raise CchcError(
            Msg(f"--rows không hợp lệ: '{kind}'", f"invalid --rows: '{kind}'"),
            Msg(
                f"chọn một trong: {', '.join(ROW_KINDS)}", f"choose one of: {', '.join(ROW_KINDS)}"
            ),
        )


def reads_due(plan: Plan, ind: Indicator) -> bool:
    """Does the indicator's rule read the due date (timeliness, lateness)?"""
    return any(n in needed_fields(plan, ind) for n in _DUE_SOURCES)


def display_fields(plan: Plan, ind: Indicator, columns: HasColumns | None = None) -> list[str]:
    """The fields shown for each row: the receiving unit and the procedure (when the export has
    those columns), dates (received — always, with ``columns`` —, due, processing days, end),
    then the other columns the rule reads, status last. ``due`` and ``end_at`` are the dates the
    rule used."""
    needed = needed_fields(plan, ind)
    out: list[str] = []
    if columns is not None:
        out.extend(n for n in FIRST if columns.has(n) and n not in needed)
    if "received_at" in needed or columns is not None:  # a required column: every row has it
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


def shown_cells(plan: Plan, inds: Sequence[Indicator]) -> tuple[str, ...]:
    """Every cell the rows of these indicators may show (the engine fetches them all; a row
    table keeps those of its indicator and of the columns the export has)."""
    out = ["dossier_id", *(n for n in FIRST if n in plan.columns)]
    for ind in inds:
        for name in display_fields(plan, ind):
            cells = ("due", "due_derived", "days_late") if name == "due" else (name,)
            out.extend(c for c in cells if c not in out)
    if "received_at" not in out:
        out.append("received_at")
    return tuple(out)


@dataclass(frozen=True)
class RowTable:
    """The listed rows of one indicator (file order); :meth:`rows` formats only the slice asked
    for. ``files``: each file's path when several files were counted as one export (the rows
    then name their file), else empty."""

    indicator: Indicator
    table: pa.Table  # the engine's rows (:class:`cchc_cli.engine.rows.Rows`), selected
    decode: Callable[[int], tuple[str, str]]  # a reason state -> (reason, field)
    fields: tuple[str, ...]
    files: tuple[str, ...] = ()
    ident: str | None = "dossier_id"  # the field that names a row (a register's key, or none)
    # where every row is, the same for all (a register's: its name, file and sheet)
    place: tuple[tuple[str, str], ...] = ()

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def columns(self) -> list[str]:
        """Machine names of the row columns (CSV header, JSON keys)."""
        out = ["class", "reason", "reason_field"]
        if self.ident is not None:
            out.append(self.ident)
        if self.files:
            out.append("file")
        out += [name for name, _ in self.place]
        out.append("line")
        for f in self.fields:
            out.append(f)
            if f == "due":
                out += ["due_derived", "days_late"]
        return out

    def _part(self, start: int, stop: int | None) -> pa.Table:
        lo, hi, _ = slice(start, stop).indices(len(self))
        return self.table.slice(lo, max(hi - lo, 0))

    def _columns(self, start: int, stop: int | None, kinds: dict[str, str] | None) -> list[list]:
        """Each column's values for rows ``start:stop``, in :attr:`columns` order."""
        part = self._part(start, stop)
        ident = self.indicator.id
        names = [(kinds or {}).get(c, c) for c in CLASSES]
        classes = [names[c] for c in part.column(f"c_{ident}").to_pylist()]
        pairs = [
            ("", "") if s is None else self.decode(s) for s in part.column(f"r_{ident}").to_pylist()
        ]
        out: dict[str, list] = {
            "class": classes,
            "reason": [p[0] for p in pairs],
            "reason_field": [p[1] for p in pairs],
            "line": part.column("_line").to_pylist(),
        }
        if self.files:
            out["file"] = [self.files[i] for i in part.column("_file").to_pylist()]
        for name, value in self.place:
            out[name] = [value] * part.num_rows
        for name in self.columns:
            if name not in out:
                out[name] = part.column(f"t_{name}").to_pylist()
        return [out[c] for c in self.columns]

    def rows(
        self, start: int = 0, stop: int | None = None, kinds: dict[str, str] | None = None
    ) -> list[dict]:
        """Rows ``start:stop`` as dicts of text (``line`` an int, ``due_derived`` a bool,
        ``days_late`` an int or None). ``kinds`` renames classes (the evidence files say
        ``failing`` rather than ``counted_fail``)."""
        keys = self.columns
        cols = self._columns(start, stop, kinds)
        return [dict(zip(keys, vals, strict=True)) for vals in zip(*cols, strict=True)]

    def csv_columns(
        self, start: int = 0, stop: int | None = None, kinds: dict[str, str] | None = None
    ) -> list[list[str]]:
        """Rows ``start:stop`` as CSV cells, one list per column of :attr:`columns`: the text
        :func:`cchc_cli.render.csv.write_csv` writes for the values :meth:`rows` gives."""
        from .render.csv import csv_column, csv_few

        part = self._part(start, stop)
        out = []
        for name, values in zip(self.columns, self._columns(start, stop, kinds), strict=True):
            if name == "line":
                out.append([str(v) for v in values])
            elif name == "due_derived":
                out.append(["true" if v else "false" for v in values])
            elif name == "days_late":
                out.append(["" if v is None else str(v) for v in values])
            elif name in ("class", "reason", "reason_field", "file") or name in dict(self.place):
                out.append(csv_few(values))  # a few distinct texts
            else:  # the cells, checked as the engine gave them (Arrow text)
                out.append(csv_column(values, part.column(f"t_{name}").combine_chunks()))
        return out


def row_table(
    plan: Plan,
    ind: Indicator,
    rows: Rows,
    kind: str,
    columns: HasColumns,
    result: IndicatorResult,
    files: Sequence[str] = (),
) -> RowTable:
    """The rows of ``kind`` of one indicator out of the engine's rows (none when the export
    lacks a column the rule reads: the rows would say nothing about the indicator)."""
    fields = tuple(display_fields(plan, ind, columns))
    if result.reason == Reason.MISSING_COLUMN.value:
        table = rows.table.slice(0, 0)
    else:
        table = _of_kind(rows.table, ind, kind)
    return RowTable(ind, table, rows.decode, fields, tuple(files) if len(files) > 1 else ())


def _of_kind(table: pa.Table, ind: Indicator, kind: str) -> pa.Table:
    """The rows of ``kind`` among those the engine fetched (the union of the kinds asked)."""
    import pyarrow.compute as pc

    from . import arrow as A

    classes = KIND_CLASSES[kind]
    if classes is None:
        return table
    codes = A.numbers(sorted(CLASSES.index(c) for c in classes))  # pa.array would import pandas
    column = table.column(f"c_{ind.id}").cast("int64")
    return table.filter(pc.is_in(column, value_set=codes))


def register_row_table(
    ind: Indicator, rows: RegisterRows, kind: str, path: str | None = None
) -> RowTable:
    """The rows of ``kind`` of one register indicator (its register's rows, each named by the
    register, file, sheet and line; ``path``: how to name the file, verify: as recorded)."""
    table = _of_kind(rows.table, ind, kind)
    ident = rows.key or rows.fields[0]
    place = (("register", rows.register), ("file", path or rows.path), ("sheet", rows.sheet or ""))
    fields = tuple(f for f in rows.fields if f != ident)
    return RowTable(ind, table, rows.decode, fields, (), ident, place)


@dataclass(frozen=True)
class Explanation:
    plan: Plan
    indicator: Indicator
    period: tuple[dt.date, dt.date]
    result: IndicatorResult
    input: InputSummary | None = None
    actuals: Actuals | None = None
    counts: Counts | None = None
    rows_kind: str | None = None
    rows: RowTable | None = None
    files: tuple[InputSummary, ...] = ()  # each file's summary (several counted as one)
    # a register indicator: every register file its rule reads, its own first (a semi-join's too)
    registers: tuple = ()


def of_run(run: Run, indicator: str | Indicator, kind: str) -> Explanation:
    """The explanation of one dossier indicator from a run that fetched its rows of ``kind``
    (``Request.rows``)."""
    plan = run.plan
    ind = plan.indicator(indicator) if isinstance(indicator, str) else indicator
    result = next(r for r in run.result.indicators if r.indicator.id == ind.id)
    if ind.source == "registers":
        return _of_registers(run, ind, result, kind)
    assert run.rows is not None and run.whole is not None, "the run fetched no rows"
    whole = run.whole
    files = [f.path for f in whole.files]
    table = row_table(plan, ind, run.rows, kind, whole, result, files)
    counts = whole.counts.get(ind.id)
    return Explanation(
        plan,
        ind,
        run.period,
        result,
        whole.summary,
        run.result.actuals,
        counts,
        kind,
        table,
        whole.files,
    )


def _of_registers(run: Run, ind: Indicator, result: IndicatorResult, kind: str) -> Explanation:
    """A register indicator's explanation: its register's file and the rows behind the figure
    (none when its register, or a field it reads, was not given)."""
    registered = run.registered
    listed = registered.rows.get(ind.id) if registered is not None else None
    table = register_row_table(ind, listed, kind) if listed is not None else None
    from .plan.registers import registers_read

    files = {i.register: i for i in (registered.inputs if registered is not None else ())}
    read = tuple(files[name] for name in registers_read(ind.rule) if name in files)
    own = files.get(ind.register)
    return Explanation(
        run.plan,
        ind,
        run.period,
        result,
        own,
        run.result.actuals,
        None,
        kind,
        table,
        registers=read,
    )


def explain(request: Request, indicator: str, *, rows: str = "failing") -> Explanation:
    """Explain one indicator: a dossier indicator over the request's exports (one run of the
    pipeline, its rows of kind ``rows`` fetched), any other from the actuals."""
    from . import pipeline
    from .plan.model import load_plan

    check_kind(rows)
    plan = load_plan(request.plan, bases=request.bases or ())
    ind = plan.indicator(indicator)  # an unknown id before anything else is read
    plan, span, actuals = pipeline.load(request, plan)
    if ind.source == "actuals":
        return Explanation(plan, ind, span, actual_result(ind, actuals), actuals=actuals)
    if ind.source == "registers":  # the registers alone: the export is not read
        alone = dataclasses.replace(request, inputs=(), rows=((ind.id, rows),))
        return of_run(pipeline.run(alone, (plan, span, actuals)), ind, rows)
    if not request.inputs:
        raise CchcError(
            Msg(
                f"chỉ tiêu '{ind.id}' tính từ tệp hồ sơ: cần tệp xuất hồ sơ",
                f"'{ind.id}' is computed from the dossier export: give the export file",
            ),
            Msg(f"cchc explain {ind.id} <tệp hồ sơ>", f"cchc explain {ind.id} <export file>"),
        )
    run = pipeline.run(dataclasses.replace(request, rows=((ind.id, rows),)), (plan, span, actuals))
    return of_run(run, ind, rows)


EVIDENCE_KINDS = {COUNTED_FAIL: "failing", LEFT_OUT: "left_out"}


def evidence_csv(table: RowTable) -> tuple[str, int]:
    """The evidence CSV of one dossier indicator (its failing and left-out rows, file order) and
    its number of rows; the text is what ``write_csv`` gives for ``evidence_rows(table)``."""
    from .render.csv import csv_join

    header = ["kind", *table.columns[1:]]
    return csv_join(header, table.csv_columns(kinds=EVIDENCE_KINDS)), len(table)


def evidence_rows(table: RowTable) -> tuple[list[str], list[list]]:
    """Failing and left-out rows of one dossier indicator, in file order, for an evidence CSV."""
    header = ["kind", *table.columns[1:]]
    out = []
    for row in table.rows(kinds=EVIDENCE_KINDS):
        values: Sequence = [row["class"], *(row[k] for k in table.columns[1:])]
        out.append([_cell(v) for v in values])
    return header, out


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


__all__ = [
    "CLASSES",
    "KIND_CLASSES",
    "ROW_KINDS",
    "Explanation",
    "RowTable",
    "display_fields",
    "evidence_csv",
    "evidence_rows",
    "explain",
    "of_run",
    "reads_due",
    "row_table",
    "shown_cells",
]
