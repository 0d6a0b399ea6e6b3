"""Counting every indicator of a plan for a period, and the verdict against its target."""

from __future__ import annotations

import datetime as dt

import numpy as np

from cchc_cli.io.actuals import Actuals
from cchc_cli.plan.model import Indicator, Plan
from cchc_cli.plan.period import incomplete_notices
from cchc_cli.results import (
    FAIL,
    NO_DATA,
    PASS,
    Counts,
    Group,
    IndicatorResult,
    InputSummary,
    LeftOut,
    Result,
    actual_result,
    columns_read,
    dossier_result,
    lacking_columns,
    lacking_detail,
    needed_fields,
    no_register,
    ratio_result,
)

from .classify import Classified, Tri, classify, first_reasons
from .records import Records

__all__ = [
    "FAIL",
    "NO_DATA",
    "PASS",
    "Counts",
    "Group",
    "IndicatorResult",
    "InputSummary",
    "LeftOut",
    "Result",
    "breakdown",
    "columns_read",
    "count",
    "evaluate",
    "input_summary",
    "lacking_columns",
    "lacking_detail",
    "left_mask",
    "needed_fields",
    "ratio_result",
]

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
        elif ind.source == "registers":  # the oracle counts dossiers only
            results.append(no_register(plan, ind))
        else:
            results.append(actual_result(ind, actuals))
    inputs = (input_summary(plan, records, cl),)
    warnings = incomplete_notices(plan, period, inputs)
    return Result(plan, period, inputs, tuple(results), actuals, warnings)


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
    counted = None if _lacking(plan, ind, records) else count(plan, ind, cl)[0]
    return dossier_result(plan, ind, records, counted)


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


def breakdown(
    plan: Plan,
    records: Records,
    period: tuple[dt.date, dt.date],
    by: str,
    classified: Classified | None = None,
) -> tuple[Group, ...]:
    """Each dossier indicator per month of the period (each month its own period: carried-over and
    open-at-end are per month) or per value of a text column (:func:`cchc_cli.engine.groups.groupable`:
    lĩnh vực, thủ tục, đơn vị…). An indicator whose columns the export lacks is no_data, with
    the reason, in every group."""
    from cchc_cli.engine.groups import MONTH, check_grouping, months_of

    from .classify import calendar_for
    from .groups import group_codes

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
