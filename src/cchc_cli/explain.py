"""Why an indicator has the figure it has: its definition, its counts and the rows behind them.

The counts come from :func:`cchc_cli.evaluate.count` and the verdict from the same functions
``check`` uses, so ``explain`` can never disagree with ``check``. Every row of the export gets one
class for the indicator — counted and passing, counted and failing, left out (with the first bad
cell, in the order :func:`cchc_cli.evaluate._attribute` uses), or not in the denominator — as
numpy arrays; only the rows actually shown are formatted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import evaluate as E
from . import fields as F
from .actuals import Actuals
from .classify import Classified, Dates, classify, first_reasons
from .errors import CchcError, Msg, Reason
from .plan import Indicator, Plan
from .records import EMPTY, UNKNOWN, Records

ROW_KINDS = ("failing", "counted", "left-out", "all")
COUNTED_PASS, COUNTED_FAIL, LEFT_OUT, NOT_IN_DENOMINATOR = (
    "counted_pass",
    "counted_fail",
    "left_out",
    "not_in_denominator",
)
CLASSES = (COUNTED_PASS, COUNTED_FAIL, LEFT_OUT, NOT_IN_DENOMINATOR)

# Fields the rule reads that are shown as one combined column.
_DUE_SOURCES = ("due_at", "processing_days")
_END_SOURCES = ("resolved_at", "returned_at")


@dataclass(frozen=True)
class RowClasses:
    """Per row of the export: its class for one indicator and, if left out, why."""

    cls: np.ndarray  # int8 index into CLASSES
    reason: np.ndarray  # int32 index into ``labels``; -1 = none
    labels: tuple[tuple[str, str], ...]  # (Reason value, canonical field)

    def select(self, kind: str) -> np.ndarray:
        """Row indices (file order) of ``failing``, ``counted``, ``left-out`` or ``all`` rows."""
        if kind == "failing":
            return np.flatnonzero(self.cls == CLASSES.index(COUNTED_FAIL))
        if kind == "counted":
            return np.flatnonzero(self.cls <= CLASSES.index(COUNTED_FAIL))
        if kind == "left-out":
            return np.flatnonzero(self.cls == CLASSES.index(LEFT_OUT))
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

    # the same walk as evaluate._attribute, kept per row
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


def display_fields(plan: Plan, ind: Indicator) -> list[str]:
    """The fields shown for each row: dates first (received, due, processing days, end), then
    the other columns the rule reads, status last. ``due`` and ``end_at`` are the dates the
    rule used."""
    needed = E.needed_fields(plan, ind)
    out: list[str] = []
    if "received_at" in needed:
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
                out.append("due_derived")
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
        recs, cl = self.records, self.classified
        lines = recs.lines[idx].tolist()
        raw = self._raw_values(lines)
        cols: dict[str, list] = {}
        cls = self.classes.cls[idx]
        names = [(kinds or {}).get(c, c) for c in CLASSES]
        cols["class"] = [names[c] for c in cls.tolist()]
        r = self.classes.reason[idx].tolist()
        cols["reason"] = [self.classes.labels[i][0] if i >= 0 else "" for i in r]
        cols["reason_field"] = [self.classes.labels[i][1] if i >= 0 else "" for i in r]
        cols["dossier_id"] = self._column_texts("dossier_id", idx, lines, raw)
        cols["line"] = lines
        for f in self.fields:
            if f == "due":
                due = cl.env["due"]
                assert isinstance(due, Dates)
                texts = _date_texts(due.values[idx])
                cols["due"] = [
                    t if t or not u else raw.get((ln, "due_at"), "")
                    for t, u, ln in zip(texts, due.unknown[idx].tolist(), lines, strict=True)
                ]
                cols["due_derived"] = cl.due_derived[idx].tolist()
            elif f == "end_at":
                end = cl.env["end_at"]
                assert isinstance(end, Dates)
                texts = _date_texts(end.values[idx])
                cols["end_at"] = [
                    t
                    if t or not u
                    else raw.get((ln, "resolved_at"), raw.get((ln, "returned_at"), ""))
                    for t, u, ln in zip(texts, end.unknown[idx].tolist(), lines, strict=True)
                ]
            else:
                cols[f] = self._column_texts(f, idx, lines, raw)
        keys = self.columns
        return [
            dict(zip(keys, vals, strict=True))
            for vals in zip(*(cols[k] for k in keys), strict=True)
        ]

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

    def _column_texts(self, name: str, idx: np.ndarray, lines: list[int], raw: dict) -> list[str]:
        col = self.records.columns[name]
        bad = col.unknown[idx].tolist()
        if col.kind == F.DATE:
            texts = _date_texts(col.values[idx])
        elif col.kind == F.INTEGER:
            texts = ["" if np.isnan(v) else str(int(v)) for v in col.values[idx].tolist()]
        elif col.header is None:  # an optional column the file lacks
            texts = [""] * len(idx)
        elif getattr(col, "raw", None) is not None:  # text and words: as written in the file
            texts = [str(v) for v in col.raw.to_numpy(dtype=object)[idx].tolist()]
        elif col.kind == F.CATEGORY:
            from .describe import category_label

            words = [category_label(self.plan, name, c, quoted=False) for c in col.categories]
            texts = ["" if c in (EMPTY, UNKNOWN) else words[c] for c in col.values[idx].tolist()]
        else:
            texts = [str(v) for v in col.values.to_numpy()[idx].tolist()]
        return [
            raw.get((ln, name), t) if b else t for t, b, ln in zip(texts, bad, lines, strict=True)
        ]


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
        result = E._actual_result(ind, actuals)
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
    result = E._dossier_result(plan, ind, records, cl)
    counts, classes = row_classes(plan, ind, records, cl)
    index = classes.select(rows)
    if result.reason == Reason.MISSING_COLUMN.value:
        index = index[:0]  # without the column the rows say nothing about this indicator
    table = RowTable(plan, ind, records, cl, classes, index, tuple(display_fields(plan, ind)))
    return Explanation(
        plan, ind, period, result, E.input_summary(plan, records, cl), actuals, counts, rows, table
    )


def evidence_rows(
    plan: Plan, ind: Indicator, records: Records, cl: Classified
) -> tuple[list[str], list[list]]:
    """Failing and left-out rows of one dossier indicator, in file order, for an evidence CSV."""
    result = E._dossier_result(plan, ind, records, cl)
    _, classes = row_classes(plan, ind, records, cl)
    if result.reason == Reason.MISSING_COLUMN.value:
        index = np.zeros(0, dtype=np.int64)
    else:
        keep = (classes.cls == CLASSES.index(COUNTED_FAIL)) | (
            classes.cls == CLASSES.index(LEFT_OUT)
        )
        index = np.flatnonzero(keep)
    table = RowTable(plan, ind, records, cl, classes, index, tuple(display_fields(plan, ind)))
    header = ["kind", *table.columns[1:]]
    kinds = {COUNTED_FAIL: "failing", LEFT_OUT: "left_out"}
    out = []
    for row in table.rows(kinds=kinds):
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
    "display_fields",
    "evidence_rows",
    "explain",
    "row_classes",
]
