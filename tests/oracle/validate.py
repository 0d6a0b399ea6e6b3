"""Data quality of an export: every cell problem, plus rows whose fields contradict each other.

``check`` reports the same totals (it calls :func:`consistency_problems` too), so the two commands
never disagree about a file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from cchc_cli.errors import Reason
from cchc_cli.plan.model import Plan

from .classify import Classified, classify
from .evaluate import input_summary
from .records import PROBLEM_COLUMNS, Records, arrow_column

# Thông tư 01/2018/TT-VPCP Điều 19: dossier codes end in -YYMMDD-XXXX (the received date)
_CODE_DATE = r"-(?P<d>\d{6})-\d{1,6}$"


@dataclass(frozen=True)
class Validation:
    records: Records
    period: tuple[dt.date, dt.date]
    rows_read: int
    rows_before: int
    rows_in: int
    rows_after: int
    rows_no_received_date: int
    rows_not_received: int
    rows_with_problems: int
    due_dates_derived: int
    problems: pd.DataFrame  # line, column, header, field, value, reason — sorted by line
    accounting: object = None  # evaluate.InputSummary: the same row totals `check` prints

    @property
    def by_reason(self) -> dict[str, int]:
        return {
            str(k): int(v)
            for k, v in self.problems["reason"].value_counts(sort=False).sort_index().items()
        }


def _rows(records: Records, mask: np.ndarray, field: str, reason: Reason) -> pd.DataFrame:
    col = records.columns[field]
    return pd.DataFrame(
        {
            "line": records.lines[mask],
            "column": col.index or 0,
            "header": col.header or field,
            "field": field,
            "value": cell_text(col, mask),
            "reason": reason.value,
        }
    )


def cell_text(col, mask: np.ndarray) -> np.ndarray:
    """The cells of the selected rows as text (formatting only those rows)."""
    if col.raw is not None:
        return col.raw.to_numpy(dtype=object)[mask]
    v = col.values[mask]
    if v.dtype.kind == "M":
        return np.array(
            [d.strftime("%d/%m/%Y") if d is not None else "" for d in v.astype(object)],
            dtype=object,
        )
    return v.astype(object)


def consistency_problems(plan: Plan, records: Records, cl: Classified) -> pd.DataFrame:
    """Rows whose dates or status contradict each other (classify leaves them out where it matters)."""
    active = ~records.excluded
    frames = []
    for reason, fname, mask in cl.contradictions:
        hit = mask & active
        if hit.any():
            frames.append(_rows(records, hit, fname, reason))
    if "resolved" in plan.classification and records.has("status"):
        env = cl.env
        resolved = cl.condition(plan.classification["resolved"])
        withdrawn, received = env["withdrawn"], env["received"]
        has_end = ~np.isnat(env["end_at"].values) & ~env["end_at"].unknown
        status_empty = records.columns["status"].empty
        # an end date, but a status that says the dossier is still being processed (a warning)
        m2 = (
            active
            & has_end
            & resolved.known
            & ~resolved.val
            & withdrawn.known
            & ~withdrawn.val
            & received.val
            & ~status_empty
        )
        if m2.any():
            frames.append(_rows(records, m2, "status", Reason.END_WITHOUT_RESOLVED))
    rec = cl.env["received_at"].values
    ids = records.columns["dossier_id"].values
    got = pc.extract_regex(arrow_column(ids), _CODE_DATE)
    yymmdd = pc.struct_field(got, "d")
    code_day = pc.strptime(yymmdd, format="%y%m%d", unit="s", error_is_null=True)
    code_day = code_day.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    mismatch = active & ~np.isnat(code_day) & ~np.isnat(rec) & (code_day != rec)
    if mismatch.any():
        frames.append(_rows(records, mismatch, "dossier_id", Reason.CODE_DATE_MISMATCH))
    if not frames:
        return records.problems.iloc[0:0]
    return pd.concat(frames, ignore_index=True)[PROBLEM_COLUMNS]


def all_problems(plan: Plan, records: Records, cl: Classified) -> pd.DataFrame:
    extra = consistency_problems(plan, records, cl)
    base = records.problems
    received = cl.env["received"]
    never = received.known & ~received.val
    if len(base) and never.any():  # never received (Mới đăng ký…): no received date to give
        lines = np.unique(records.lines[never])
        drop = (
            (base["field"] == "received_at")
            & (base["reason"].astype(str) == Reason.MISSING_VALUE.value)
            & base["line"].isin(lines)
        )
        base = base[~drop.to_numpy()].reset_index(drop=True)
    frames = [f for f in (base, extra) if len(f)]
    if not frames:
        return base
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out.sort_values(["line", "column"], kind="stable", ignore_index=True)


def validate(
    plan: Plan,
    records: Records,
    period: tuple[dt.date, dt.date] | None = None,
    classified: Classified | None = None,
) -> Validation:
    period = period or plan.period
    cl = classified or classify(plan, records, period)
    problems = all_problems(plan, records, cl)
    rec = cl.env["received_at"].values
    start, end = (np.datetime64(d, "D") for d in period)
    received = cl.env["received"]
    aside = records.excluded  # no / repeated dossier id: accounted for as left out, as check does
    not_received = ~aside & received.known & ~received.val
    counted = ~aside & ~not_received
    has = ~np.isnat(rec)
    return Validation(
        records=records,
        period=period,
        rows_read=records.n_rows,
        rows_before=int((counted & has & (rec < start)).sum()),
        rows_in=int((counted & has & (rec >= start) & (rec <= end)).sum()),
        rows_after=int((counted & has & (rec > end)).sum()),
        rows_no_received_date=int((counted & ~has).sum()),
        rows_not_received=int(not_received.sum()),
        rows_with_problems=int(problems["line"].nunique()) if len(problems) else 0,
        due_dates_derived=int(cl.due_derived.sum()),
        problems=problems,
        accounting=input_summary(plan, records, cl, problems=len(problems)),
    )
