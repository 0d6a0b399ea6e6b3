"""Counting every indicator of a plan for a period, and the verdict against its target."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from . import fields as F
from .actuals import Actuals, Evidence
from .classify import Classified, Tri, classify, first_reasons
from .conditions import tests_of
from .errors import Notice, Reason
from .period import incomplete_notices
from .plan import Indicator, Plan
from .records import Records
from .text import visible

if TYPE_CHECKING:
    from .compare import Comparison

PASS, FAIL, NO_DATA = "pass", "fail", "no_data"


@dataclass(frozen=True)
class LeftOut:
    reason: str  # a Reason value
    field: str  # canonical field whose cell was bad
    rows: int


@dataclass(frozen=True)
class Counts:
    """Additive counts of one dossier indicator: batches of rows sum to the whole."""

    numerator: int
    denominator: int
    left_out: int
    left_out_by: tuple[LeftOut, ...] = ()

    def __add__(self, other: Counts) -> Counts:
        by = Counter()
        for lo in (*self.left_out_by, *other.left_out_by):
            by[(lo.reason, lo.field)] += lo.rows
        return Counts(
            self.numerator + other.numerator,
            self.denominator + other.denominator,
            self.left_out + other.left_out,
            tuple(LeftOut(r, f, n) for (r, f), n in sorted(by.items())),
        )


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    status: str  # pass | fail | no_data
    numerator: Fraction | None
    denominator: Fraction | None
    value: Fraction | None  # percent for ratios, the count, or the score
    baseline: Fraction | None = None
    left_out: int = 0
    left_out_by: tuple[LeftOut, ...] = ()
    reason: str | None = None  # why no_data (a Reason value)
    reason_detail: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True)
class InputSummary:
    """What was read, and where every row went: read = used + out_of_period + not_received + left_out."""

    path: str
    sha256: str
    size: int
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    rows_read: int
    rows_used: int
    rows_out_of_period: int
    rows_not_received: int
    rows_left_out: int
    left_out_by: tuple[LeftOut, ...]
    blank_rows: int
    problems: int
    due_dates_derived: int
    missing_columns: tuple[str, ...]
    headers: tuple[tuple[str, str], ...] = ()  # (canonical field, header as in the file)
    rows_received_in_period: int = 0
    rows_resolved_in_period: int = 0
    columns_chosen: tuple = ()  # records.ColumnChoice: fields several headers claimed
    format: str = "csv"  # csv | xlsx | xls | html
    layout: tuple[tuple[int, str], ...] = ()  # (line, kind) of the layout rows set aside
    last_received: dt.date | None = None  # the latest received date in the file

    def header(self, field: str) -> str:
        """The field's header as a message quotes it."""
        return visible(dict(self.headers).get(field, field))


@dataclass(frozen=True)
class Result:
    plan: Plan
    period: tuple[dt.date, dt.date]
    inputs: tuple[InputSummary, ...]
    indicators: tuple[IndicatorResult, ...]
    actuals: Actuals | None
    warnings: tuple[Notice, ...] = ()  # the data may be incomplete; the comparison's caveats
    comparison: Comparison | None = None  # --compare: each indicator's change since a run

    @property
    def summary(self) -> dict[str, int]:
        c = Counter(r.status for r in self.indicators)
        return {PASS: c[PASS], FAIL: c[FAIL], NO_DATA: c[NO_DATA]}


def evaluate(
    plan: Plan,
    records: Records,
    period: tuple[dt.date, dt.date] | None = None,
    actuals: Actuals | None = None,
    *,
    classified: Classified | None = None,
) -> Result:
    """Compute every indicator; dossier ones from ``records``, the rest from ``actuals``."""
    period = period or plan.period
    cl = classified or classify(plan, records, period)
    results = []
    for ind in plan.indicators:
        if ind.source == "dossiers":
            results.append(_dossier_result(plan, ind, records, cl))
        else:
            results.append(_actual_result(ind, actuals))
    inputs = (input_summary(plan, records, cl),)
    warnings = incomplete_notices(plan, period, inputs)
    return Result(plan, period, inputs, tuple(results), actuals, warnings)


def columns_read(names: Iterable[str]) -> list[str]:
    """The canonical columns behind ``names`` (derived fields expanded), first seen first."""
    out: list[str] = []
    for name in names:
        for col in F.DERIVED[name].depends if name in F.DERIVED else (name,):
            if col not in out:
                out.append(col)
    return out


def needed_fields(plan: Plan, ind: Indicator) -> list[str]:
    """Canonical columns the indicator looks at (derived fields expanded), in a stable order."""
    out = columns_read(
        test.field for cond in (ind.denominator, ind.numerator) for test in tests_of(cond)
    )
    if out:  # every dossier rule first asks whether the dossier was received at all
        for cond in plan.classification.values():
            for test in tests_of(cond):
                if test.field not in out:
                    out.insert(0, test.field)
    return out


def count(plan: Plan, ind: Indicator, cl: Classified) -> tuple[Counts, Tri, Tri]:
    """Numerator, denominator and left-out rows; the Tri returned are what explain lists.

    A row set aside as a whole (no or repeated ``dossier_id``) that would, or might, be in the
    denominator is left out of it, so the indicator says so; elsewhere it is simply not counted.
    """
    den = cl.condition(ind.denominator)
    raw = cl.condition(ind.denominator, whole_rows=False)
    aside = ~cl.active & (raw.val | raw.unknown)
    den = Tri(den.val & ~aside, den.known & ~aside)
    num = den & cl.condition(ind.numerator)
    counted = den.val & num.known
    left = left_mask(den, num)
    counts = Counts(
        int(num.val.sum()),
        int(counted.sum()),
        int(left.sum()),
        _attribute(left, plan, ind, cl),
    )
    return counts, den, num


def _attribute(left: np.ndarray, plan: Plan, ind: Indicator, cl: Classified) -> tuple[LeftOut, ...]:
    """Give each left-out row the first bad cell, in the order the rule reads the fields."""
    return _tally(*first_reasons(cl, left, needed_fields(plan, ind)))


def _tally(code: np.ndarray, pairs: list[tuple[str, str]]) -> tuple[LeftOut, ...]:
    counts = np.bincount(code[code >= 0], minlength=len(pairs))
    return tuple(
        LeftOut(r, f, int(counts[i]))
        for i, (r, f) in sorted(enumerate(pairs), key=lambda x: x[1])
        if counts[i]
    )


def _dossier_result(
    plan: Plan, ind: Indicator, records: Records, cl: Classified
) -> IndicatorResult:
    lacking = _lacking(plan, ind, records)
    if lacking:
        return IndicatorResult(
            ind,
            NO_DATA,
            None,
            None,
            None,
            reason=Reason.MISSING_COLUMN.value,
            reason_detail=lacking_detail(plan, lacking),
        )
    counts, _, _ = count(plan, ind, cl)
    return ratio_result(ind, counts)


def _covered(name: str, records: Records) -> bool:
    """due_at and processing_days stand in for each other; so do the two end dates."""
    partner = {
        "due_at": "processing_days",
        "processing_days": "due_at",
        "resolved_at": "returned_at",
        "returned_at": "resolved_at",
    }.get(name)
    return partner is not None and partner not in records.missing and records.has(partner)


def ratio_result(ind: Indicator, counts: Counts) -> IndicatorResult:
    return _rate(
        ind,
        Fraction(counts.numerator),
        Fraction(counts.denominator),
        left_out=counts.left_out,
        left_out_by=counts.left_out_by,
    )


def _rate(ind: Indicator, num: Fraction, den: Fraction, **extra) -> IndicatorResult:
    """num / den as a percent against the target; nothing to divide by is no_data, never a pass."""
    if den == 0:
        return IndicatorResult(
            ind, NO_DATA, num, den, None, reason=Reason.ZERO_DENOMINATOR.value, **extra
        )
    value = num * 100 / den
    return IndicatorResult(ind, PASS if ind.target.met(value) else FAIL, num, den, value, **extra)


def _actual_result(ind: Indicator, actuals: Actuals | None) -> IndicatorResult:
    entry = actuals.entries.get(ind.id) if actuals else None
    if entry is None:
        return IndicatorResult(ind, NO_DATA, None, None, None, reason=Reason.NO_ACTUALS.value)
    if ind.measure == "ratio":
        assert entry.numerator is not None and entry.denominator is not None
        return _rate(ind, entry.numerator, entry.denominator, evidence=entry.evidence)
    if ind.measure == "count":
        value = entry.numerator
        assert value is not None
        return IndicatorResult(
            ind,
            PASS if ind.target.met(value) else FAIL,
            value,
            entry.denominator,
            value,
            evidence=entry.evidence,
        )
    value = entry.value
    assert value is not None
    met = ind.target.met(value, entry.baseline)
    return IndicatorResult(
        ind,
        PASS if met else FAIL,
        None,
        None,
        value,
        baseline=entry.baseline,
        evidence=entry.evidence,
    )


def input_summary(
    plan: Plan, records: Records, cl: Classified, *, problems: int | None = None
) -> InputSummary:
    """Where every row went; ``problems`` when the caller already has the list (validate)."""
    if problems is None:
        from .validate import all_problems

        problems = len(all_problems(plan, records, cl))

    env = cl.env
    received: Tri = env["received"]
    in_period: Tri = env["received_in_period"] | env["resolved_in_period"] | env["open_at_end"]
    excluded = records.excluded
    not_received = ~excluded & received.known & ~received.val
    left = excluded | (~not_received & in_period.unknown)
    used = ~excluded & in_period.val
    out = ~excluded & ~not_received & ~left & ~used
    left_out_by = _tally(
        *first_reasons(
            cl, left, ("dossier_id", "status", "received_at", "resolved_at", "returned_at")
        )
    )
    return InputSummary(
        path=records.path,
        sha256=records.sha256,
        size=records.size,
        encoding=records.encoding,
        delimiter=records.delimiter,
        sheet=records.sheet,
        header_line=records.header_line,
        rows_read=records.n_rows,
        rows_used=int(used.sum()),
        rows_out_of_period=int(out.sum()),
        rows_not_received=int(not_received.sum()),
        rows_left_out=int(left.sum()),
        left_out_by=left_out_by,
        blank_rows=records.blank_rows,
        problems=problems,
        due_dates_derived=int(cl.due_derived.sum()),
        missing_columns=records.missing,
        headers=tuple((n, c.header) for n, c in records.columns.items() if c.header),
        rows_received_in_period=int(env["received_in_period"].val.sum()),
        rows_resolved_in_period=int(env["resolved_in_period"].val.sum()),
        columns_chosen=records.columns_chosen,
        format=records.format,
        layout=records.layout,
        last_received=_last_received(records),
    )


def _last_received(records: Records) -> dt.date | None:
    """The latest received date the file holds (any row, bad cells aside): how far it reaches."""
    col = records.columns["received_at"]
    days = col.values[~np.isnat(col.values) & ~col.unknown]
    return days.max().astype(object) if len(days) else None


@dataclass(frozen=True)
class Group:
    key: str | None  # "2023-05" for a month, the column's text (field, unit…), None: not given
    period: tuple[dt.date, dt.date]
    results: tuple[IndicatorResult, ...]  # dossier indicators only


def breakdown(
    plan: Plan,
    records: Records,
    period: tuple[dt.date, dt.date],
    by: str,
    classified: Classified | None = None,
) -> tuple[Group, ...]:
    """Each dossier indicator per month of the period (each month its own period: carried-over and
    open-at-end are per month) or per value of a text column (:func:`cchc_cli.groups.groupable`:
    lĩnh vực, thủ tục, đơn vị…). An indicator whose columns the export lacks is no_data, with
    the reason, in every group."""
    from .classify import calendar_for
    from .groups import MONTH, check_grouping, group_codes, months_of

    check_grouping(plan, records, by)
    dossier = [i for i in plan.indicators if i.source == "dossiers"]
    if by == MONTH:
        calendar = calendar_for(plan, records)  # once, not once a month
        out = []
        for span in months_of(period):
            cl = classify(plan, records, span, calendar)
            results = tuple(_dossier_result(plan, i, records, cl) for i in dossier)
            out.append(Group(f"{span[0]:%Y-%m}", span, results))
        return tuple(out)
    cl = classified if classified is not None and classified.period == period else None
    cl = cl or classify(plan, records, period)
    codes, labels = group_codes(records, by)
    groups = len(labels)
    per_group: list[list[IndicatorResult]] = [[] for _ in labels]
    for ind in dossier:
        if _lacking(plan, ind, records):
            result = _dossier_result(plan, ind, records, cl)
            for g in range(groups):
                per_group[g].append(result)
            continue
        _, den, num = count(plan, ind, cl)
        left = left_mask(den, num)
        why, pairs = first_reasons(cl, left, needed_fields(plan, ind))
        nums = np.bincount(codes[num.val], minlength=groups)
        dens = np.bincount(codes[den.val & num.known], minlength=groups)
        lefts = np.bincount(codes[left], minlength=groups)
        by_reason = np.bincount(
            codes[left] * max(len(pairs), 1) + why[left], minlength=groups * max(len(pairs), 1)
        ).reshape(groups, max(len(pairs), 1))
        for g in range(groups):
            left_by = tuple(
                LeftOut(r, f, int(by_reason[g, k]))
                for k, (r, f) in sorted(enumerate(pairs), key=lambda x: x[1])
                if by_reason[g, k]
            )
            counts = Counts(int(nums[g]), int(dens[g]), int(lefts[g]), left_by)
            per_group[g].append(ratio_result(ind, counts))
    return tuple(Group(label, period, tuple(per_group[g])) for g, label in enumerate(labels))


def left_mask(den: Tri, num: Tri) -> np.ndarray:
    """Rows an indicator cannot place: unknown in its denominator, or in it with an unknown numerator."""
    return den.unknown | (den.val & num.unknown)


def _lacking(plan: Plan, ind: Indicator, records: Records) -> list[str]:
    return lacking_columns(needed_fields(plan, ind), records)


def lacking_columns(columns: Iterable[str], records: Records) -> list[str]:
    """The canonical ``columns`` the export lacks with nothing to stand in for them: what makes
    an indicator, or a column of Biểu 06, not available (never a silent zero)."""
    return [n for n in columns if n in records.missing and not _covered(n, records)]


def lacking_detail(plan: Plan, lacking: Iterable[str]) -> str:
    """The missing columns as people know them: "Hình thức nộp (channel), …"."""
    return ", ".join(f"{plan.columns[n].aliases[0]} ({n})" for n in lacking)
