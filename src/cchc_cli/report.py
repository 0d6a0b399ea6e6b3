"""Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP), and the headroom of a rate indicator.

The form "Tình hình, kết quả giải quyết TTHC tại cơ quan, đơn vị trực tiếp giải quyết TTHC" has,
per lĩnh vực (or procedure, or month), eleven counts (the form's columns (1)–(11)):

====  ====================  ===================================================================
(1)   received_total        (2) + (3) + (4), and also (5) + (9)
(2)   received_online       received in P, online
(3)   received_offline      received in P, in person or by post (any known non-online channel)
(4)   carried_over          received before P, still open at its start
(5)   resolved_total        (6) + (7) + (8): end date in P
(6-8) resolved_early …      before / on / after the due date; withdrawn and returned = on time
(9)   open_total            (10) + (11): open at the end of P
(10)  open_within           due date on or after the end of P
(11)  open_overdue          due date before the end of P
====  ====================  ===================================================================

Every count follows ``indicators.md`` through :func:`cchc_cli.classify.classify`.

Rows that cannot be placed
--------------------------
A dossier is counted only where its place on the form is known: whether it was received in P or
carried over, resolved in P or still open, and — for the cells it falls in — its channel, its
timeliness or whether it is overdue. A dossier that *may* belong to the form but whose place is
unknown (a broken date, an unknown channel word, no due date) is left out of **every** cell of
the form, not only of the unknown one, and is reported per row of the form with the reason
(the first bad cell the rules read, as ``check`` does). Why whole dossiers: the form is filed as
a table whose columns must add up; dropping a dossier from one cell only would make
(1) ≠ (5) + (9) for a reason that is not in the data. So the identities hold by construction for
every row that *is* counted, and a broken identity always means contradictory data (an end date
before the received date), never a gap. The left-out rows are listed, so nothing is silent.

Grouping
--------
``field`` / ``procedure``: the text of that column (NFC, trimmed); an empty cell is its own group
(``group`` = None, shown as "(không rõ lĩnh vực)"). Groups partition the dossiers, so every
column of the total row is the sum of the rows.

``month``: one form per calendar month of P (the first and last month clipped to P), each
computed for that month *as its own period* — the way a unit files its monthly Biểu 06: a
dossier received in April and resolved in May is "received" in the April row (and open at the
end of April), "carried over" and "resolved" in the May row. The total row is the form for the
whole of P: columns (1)–(3) and (5)–(8) equal the sums of the months' new receipts and
resolutions, but (4) is what was carried into the first month and (9)–(11) what was open at the
end of the last one (carried-over and open stocks are not additive over months).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import CchcError, Msg, Reason
from .evaluate import LeftOut
from .groups import group_codes, months_of

FORM_ID = "06/VPCP/KSTT"
SCHEMA_VERSION = 1

KEYS = (
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "open_total",
    "open_within",
    "open_overdue",
)
# The form's own column numbers (1)–(11) after STT and lĩnh vực.
COLUMN_NUMBER = {key: i + 1 for i, key in enumerate(KEYS)}

# lhs = sum(rhs), checked on every row of the form; the first is the form's main identity.
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("received_total", ("resolved_total", "open_total")),
    ("received_total", ("received_online", "received_offline", "carried_over")),
    ("resolved_total", ("resolved_early", "resolved_on_time", "resolved_late")),
    ("open_total", ("open_within", "open_overdue")),
)

BY = ("field", "procedure", "month")

# Fields read to place a dossier, in the order the rules read them (for "why was it left out").
_PLACE_FIELDS = ("dossier_id", "status", "received_at", "resolved_at", "returned_at")
_OUTCOME_FIELDS = ("status", "resolved_at", "returned_at", "due")


@dataclass(frozen=True)
class IdentityBreak:
    lhs: str
    rhs: tuple[str, ...]
    lhs_value: int
    rhs_value: int


@dataclass(frozen=True)
class FormRow:
    """One row of the form: a lĩnh vực, a procedure or a month (or the total row)."""

    group: str | None  # the field / procedure text, "YYYY-MM" for a month; None: no text given
    counts: Mapping[str, int]
    left_out: int = 0  # dossiers that may belong to this row but could not be placed
    left_out_by: tuple[LeftOut, ...] = ()
    period: tuple[dt.date, dt.date] | None = None  # month rows: the month (clipped to P)

    @property
    def breaks(self) -> tuple[IdentityBreak, ...]:
        out = []
        for lhs, rhs in IDENTITIES:
            a, b = self.counts[lhs], sum(self.counts[k] for k in rhs)
            if a != b:
                out.append(IdentityBreak(lhs, rhs, a, b))
        return tuple(out)

    @property
    def identity_ok(self) -> bool:
        return not self.breaks


@dataclass(frozen=True)
class FormInput:
    path: str
    sha256: str
    rows_read: int
    rows_in_form: int  # placed in at least one cell of the total row
    rows_left_out: int  # may belong to the form, but could not be placed
    rows_outside: int  # not received, or known to lie outside P
    problems: int
    due_dates_derived: int


@dataclass(frozen=True)
class Form:
    plan: object  # cchc_cli.plan.Plan
    period: tuple[dt.date, dt.date]
    by: str
    input: FormInput
    rows: tuple[FormRow, ...]
    total: FormRow

    @property
    def identity_ok(self) -> bool:
        return self.total.identity_ok and all(r.identity_ok for r in self.rows)


# -- building the form ---------------------------------------------------------------------------


def build_form(plan, records, period: tuple[dt.date, dt.date], by: str = "field") -> Form:
    """Biểu số 06 for ``period``, one row per ``by`` group, and the total row."""
    from .classify import classify

    if by not in BY:
        raise CchcError(
            Msg(f"không nhóm theo '{by}' được", f"cannot group by '{by}'"),
            Msg(f"chọn một trong: {', '.join(BY)}", f"choose one of: {', '.join(BY)}"),
        )
    _check_columns(plan, records)
    if by == "month":
        cal = _calendar_for(plan, records)
        cl = classify(plan, records, period, calendar=cal)
        whole = _Placement(cl)
        rows = []
        for span in months_of(period):
            part = _Placement(classify(plan, records, span, calendar=cal))
            (row,) = part.rows(np.zeros(records.n_rows, dtype=np.int64), [f"{span[0]:%Y-%m}"])
            rows.append(FormRow(row.group, row.counts, row.left_out, row.left_out_by, span))
        (total,) = whole.rows(np.zeros(records.n_rows, dtype=np.int64), [None])
    else:
        cl = classify(plan, records, period)
        whole = _Placement(cl)
        codes, labels = group_codes(records, by)
        all_rows = whole.rows(codes, labels)
        rows = [r for r in all_rows if r.left_out or any(r.counts.values())]
        total = _sum_rows(all_rows)
    return Form(
        plan=plan,
        period=period,
        by=by,
        input=FormInput(
            path=records.path,
            sha256=records.sha256,
            rows_read=records.n_rows,
            rows_in_form=int(whole.in_form.sum()),
            rows_left_out=int(whole.left.sum()),
            rows_outside=int(records.n_rows - whole.in_form.sum() - whole.left.sum()),
            problems=len(records.problems),
            due_dates_derived=int(cl.due_derived.sum()),
        ),
        rows=tuple(rows),
        total=FormRow(None, total.counts, total.left_out, total.left_out_by, period),
    )


def _check_columns(plan, records) -> None:
    """Columns without which the form cannot be filled at all (an error, not a silent zero)."""

    def missing(name: str) -> bool:
        return not records.has(name)

    lacking = []
    if missing("channel"):
        lacking.append("channel")
    if missing("due_at") and missing("processing_days"):
        lacking.append("due_at")
    if missing("resolved_at") and missing("returned_at"):
        lacking.append("resolved_at")
    if lacking:
        headers = ", ".join(
            f"'{plan.columns[n].aliases[0]}' ({n})" for n in lacking if n in plan.columns
        )
        raise CchcError(
            Msg(
                f"tệp thiếu cột cần cho Biểu số 06: {headers}",
                f"the file lacks columns Biểu số 06 needs: {headers}",
            ),
            Msg(
                "xuất lại danh sách hồ sơ kèm các cột này",
                "export the dossier list again with these columns",
            ),
        )
    vocab = plan.vocabularies.get(plan.columns["channel"].type)
    if vocab is None or "online" not in vocab.categories:
        raise CchcError(
            Msg(
                "danh mục hình thức nộp của kế hoạch không có nhóm 'online'",
                "the plan's channel vocabulary has no 'online' category",
            ),
            Msg("thêm nhóm 'online' vào vocabularies", "add an 'online' category to vocabularies"),
        )


def _calendar_for(plan, records):
    """The calendar classify would build, built once for all the months (same years)."""
    from .classify import plan_calendar

    recv = records.columns["received_at"]
    due = records.columns["due_at"]
    days = records.columns["processing_days"]
    take = (
        np.isnat(due.values)
        & ~due.unknown
        & ~np.isnan(days.values)
        & ~recv.unknown
        & ~np.isnat(recv.values)
    )
    if not take.any():
        return None
    first = recv.values[take].min().astype(object).year
    last = recv.values[take].max().astype(object).year
    try:
        return plan_calendar(plan, range(first, last + 2))
    except ValueError as exc:
        raise CchcError(
            Msg(
                f"không lập được lịch làm việc: {exc}", f"cannot build the working calendar: {exc}"
            ),
            Msg("kiểm tra ngày tiếp nhận trong tệp", "check the received dates in the file"),
        ) from None


class _Placement:
    """Which cells of the form each dossier falls in, for one classification (one period)."""

    def __init__(self, cl) -> None:
        env = cl.env
        act = cl.active
        recv, carried = env["received_in_period"], env["carried_over"]
        resolved, open_, overdue = (
            env["resolved_in_period"],
            env["open_at_end"],
            env["overdue_at_end"],
        )
        timeliness, channel = env["timeliness"], env["channel"]
        online_code = channel.categories.index("online")
        known = recv.known & carried.known & resolved.known & open_.known
        may_belong = recv.val | carried.val | resolved.val | open_.val | ~known
        channel_known = channel.codes >= 0
        timeliness_known = timeliness.codes >= 0
        need_channel = recv.val & ~channel_known
        need_outcome = (resolved.val & ~timeliness_known) | (open_.val & ~overdue.known)
        placed = act & known & ~need_channel & ~need_outcome
        self.left = may_belong & ~placed
        r, c = placed & recv.val, placed & carried.val
        res, o = placed & resolved.val, placed & open_.val
        online = channel.codes == online_code
        self.cells = {
            "received_total": placed & (recv.val | carried.val),
            "received_online": r & online,
            "received_offline": r & ~online,
            "carried_over": c,
            "resolved_total": res,
            "resolved_early": res & (timeliness.codes == 0),
            "resolved_on_time": res & (timeliness.codes == 1),
            "resolved_late": res & (timeliness.codes == 2),
            "open_total": o,
            "open_within": o & ~overdue.val,
            "open_overdue": o & overdue.val,
        }
        self.in_form = placed & (recv.val | carried.val | resolved.val | open_.val)
        # why each left-out row is out: the first bad cell of the step that failed
        structural = self.left & (~known | ~act)
        stages = [
            (structural, _PLACE_FIELDS),
            (self.left & ~structural & need_channel, ("channel",)),
            (self.left & ~structural & ~need_channel, _OUTCOME_FIELDS),
        ]
        self.reason_code, self.reasons = _attribute(self.left, stages, cl, channel.codes)

    def rows(self, codes: np.ndarray, labels: list[str | None]) -> list[FormRow]:
        g = len(labels)
        counts = {k: np.bincount(codes[m], minlength=g) for k, m in self.cells.items()}
        left = np.bincount(codes[self.left], minlength=g)
        p = max(len(self.reasons), 1)
        by = np.bincount(
            codes[self.left] * p + self.reason_code[self.left], minlength=g * p
        ).reshape(g, p)
        out = []
        for i, label in enumerate(labels):
            lo = tuple(
                LeftOut(r, f, int(by[i, j]))
                for j, (r, f) in sorted(enumerate(self.reasons), key=lambda t: t[1])
                if by[i, j]
            )
            out.append(FormRow(label, {k: int(counts[k][i]) for k in KEYS}, int(left[i]), lo))
        return out


def _attribute(left, stages, cl, channel_codes) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Give each left-out row one (reason, field): the first bad cell its failing step reads."""
    code = np.zeros(len(left), dtype=np.int64)
    pairs: list[tuple[str, str]] = []
    remaining = left.copy()

    def mark(hit: np.ndarray, reason: str, field: str) -> None:
        nonlocal remaining
        if hit.any():
            key = (reason, field)
            if key not in pairs:
                pairs.append(key)
            code[hit] = pairs.index(key)
            remaining &= ~hit

    for rows, names in stages:
        for name in names:
            for reason, fname, mask in cl.reasons.get(name, []):
                mark(remaining & rows & mask, reason.value, fname)
            if name == "channel":  # an empty cell in a column that allows empty cells
                mark(
                    remaining & rows & (channel_codes == -1), Reason.MISSING_VALUE.value, "channel"
                )
    mark(remaining, Reason.UNKNOWN_VALUE.value, "?")  # every unknown has a cause; totals reconcile
    return code, pairs


def _sum_rows(rows: list[FormRow]) -> FormRow:
    counts = {k: sum(r.counts[k] for r in rows) for k in KEYS}
    by: dict[tuple[str, str], int] = {}
    for r in rows:
        for lo in r.left_out_by:
            by[(lo.reason, lo.field)] = by.get((lo.reason, lo.field), 0) + lo.rows
    return FormRow(
        None,
        counts,
        sum(r.left_out for r in rows),
        tuple(LeftOut(r, f, n) for (r, f), n in sorted(by.items())),
    )


# -- JSON ------------------------------------------------------------------------------------------


def form_dict(form: Form, generated_at: str | None = None, lang: str = "vi") -> dict:
    """The documented JSON of ``cchc report --format json``."""

    def row(r: FormRow, stt: int | None) -> dict:
        d: dict = {}
        if stt is not None:
            d["stt"] = stt
            d["group"] = r.group
            d["label"] = group_label(form, r, lang)
        if r.period is not None and (form.by == "month" or stt is None):
            d["period"] = {"start": r.period[0].isoformat(), "end": r.period[1].isoformat()}
        d.update({k: r.counts[k] for k in KEYS})
        d["left_out"] = r.left_out
        d["left_out_by"] = [
            {"reason": x.reason, "field": x.field, "rows": x.rows} for x in r.left_out_by
        ]
        d["identity_ok"] = r.identity_ok
        d["identity_breaks"] = [
            {"lhs": b.lhs, "rhs": list(b.rhs), "lhs_value": b.lhs_value, "rhs_value": b.rhs_value}
            for b in r.breaks
        ]
        return d

    plan = form.plan
    i = form.input
    total = row(form.total, None)
    total.pop("period", None)
    return {
        "schema_version": SCHEMA_VERSION,
        "form": FORM_ID,
        "plan": {"id": plan.id, "path": plan.path, "sha256": plan.sha256},
        "period": {"start": form.period[0].isoformat(), "end": form.period[1].isoformat()},
        "by": form.by,
        "input": {
            "path": i.path,
            "sha256": i.sha256,
            "rows_read": i.rows_read,
            "rows_in_form": i.rows_in_form,
            "rows_left_out": i.rows_left_out,
            "rows_outside": i.rows_outside,
            "problems": i.problems,
            "due_dates_derived": i.due_dates_derived,
        },
        "rows": [row(r, n) for n, r in enumerate(form.rows, start=1)],
        "total": total,
        "identity_ok": form.identity_ok,
        "generated_at": generated_at
        or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


UNKNOWN_GROUP = {
    "field": Msg("(không rõ lĩnh vực)", "(no field given)"),
    "procedure": Msg("(không rõ thủ tục)", "(no procedure given)"),
}


def group_label(form: Form, row: FormRow, lang: str = "vi") -> str:
    """What the form prints in its second column for a row."""
    if form.by == "month":
        assert row.period is not None
        a, b = row.period
        whole = a.day == 1 and b.day == _calendar.monthrange(b.year, b.month)[1]
        head = f"Tháng {a:%m/%Y}" if lang == "vi" else f"{a:%Y-%m}"
        return head if whole else f"{head} ({a:%d/%m}–{b:%d/%m})"
    if row.group is None:
        return UNKNOWN_GROUP[form.by].get(lang)
    return row.group


# -- the working calendar ----------------------------------------------------------------------


WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def calendar_dict(plan, year: int) -> dict:
    """The working calendar the due dates of ``year`` are derived from (for ``cchc calendar``)."""
    import holidays

    from .classify import plan_calendar

    try:
        cal = plan_calendar(plan, [year])
        entries = cal.entries(year)
        per_month = cal.working_days_in_month(year)
    except ValueError as exc:
        raise CchcError(
            Msg(
                f"không có lịch làm việc cho năm {year}: {exc}",
                f"no working calendar for {year}: {exc}",
            ),
            Msg("chọn năm trong khoảng 1901–2100", "choose a year within 1901–2100"),
        ) from None

    def item(d: dt.date, name: str, local: Mapping[dt.date, str]) -> dict:
        return {
            "date": d.isoformat(),
            "weekday": d.isoweekday(),
            "name": name,
            "source": "plan" if d in local else "holidays",
        }

    return {
        "schema_version": SCHEMA_VERSION,
        "year": year,
        "plan": {"id": plan.id, "path": plan.path, "sha256": plan.sha256},
        "source": f"holidays {holidays.__version__} (Vietnam) + plan calendar",
        "days_off": [item(d, n, plan.days_off) for d, kind, n in entries if kind == "day_off"],
        "make_up_days": [
            item(d, n, plan.working_days) for d, kind, n in entries if kind == "make_up"
        ],
        "working_days_per_month": {str(m): per_month[m] for m in range(1, 13)},
        "working_days_total": sum(per_month.values()),
    }


__all__ = [
    "BY",
    "FORM_ID",
    "IDENTITIES",
    "KEYS",
    "Form",
    "FormRow",
    "build_form",
    "calendar_dict",
    "form_dict",
    "group_label",
    "months_of",
]
