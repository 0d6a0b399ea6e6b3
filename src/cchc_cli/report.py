"""Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP) and the working calendar shown by ``cchc calendar``.

The form "Tình hình, kết quả giải quyết TTHC tại cơ quan, đơn vị trực tiếp giải quyết TTHC" has,
per lĩnh vực (or procedure, or month), eleven counts (the form's columns (1)–(11)), and this
program adds one count of its own, (*), which is not on the paper form:

====  ========================  ===============================================================
(1)   received_total            received in P or carried over: (2) + (3) + (4) + (*) = (5) + (9)
(2)   received_online           received in P, online
(3)   received_offline          received in P, in person, by post or ``offline`` (any known non-online channel)
(*)   received_channel_unknown  received in P, channel empty or not a word of the vocabulary
(4)   carried_over              received before P, still open at its start
(5)   resolved_total            (6) + (7) + (8): end date in P
(6-8) resolved_early …          before / on / after the due date; withdrawn and returned = on time
(9)   open_total                (10) + (11): open at the end of P
(10)  open_within               due date on or after the end of P
(11)  open_overdue              due date before the end of P
====  ========================  ===============================================================

Every count follows ``indicators.md`` through the engine's classification (the query ``check``
counts with, :mod:`cchc_cli.engine.form` placing each row in the form's cells, grouped by SQL);
the number of problems is the one ``check`` and ``validate`` print.

Cells a dossier cannot be placed in
-----------------------------------
Each cell is a three-valued test on the dossier (SQL's NULL is unknown): true, false,
or unknown because a cell of the export that the test reads is bad (a broken or empty date, an
unknown word, no due date; classify also makes an end date unknown when it lies before the
received date, or when the status says the dossier ended but no end date is given). A dossier
is counted in **every cell whose test is known to be true**, and left out only of the cells
whose test is unknown: a dossier resolved late whose channel word is unknown is still in (1),
(5) and (8) — the form never under-reports lateness because of an unrelated cell — and a
dossier resolved in P with a broken received date is in (5) and its timeliness column but not
in (1)–(4). Rows excluded as a whole (no or repeated ``Mã hồ sơ``) are unknown in every cell
they might be in. Each row of the form reports how many dossiers it left out of at least one
cell (``left_out``), with the first bad cell the rules read (as ``check`` does) and the columns
each was left out of.

A dossier received in P whose channel is unknown is in (1) and in (*), so
(1) = (2) + (3) + (4) + (*) holds and is shown ((*) is printed after (11), apart from the form).

The identities are checked per row, each over the dossiers whose place on **both** of its sides
is known: a dossier known to be in (1) but with an unknown end date (resolved in P or still
open?) is excluded from both sides of (1) = (5) + (9), and counted in that identity's
``left_out``. Missing values therefore never break an identity; a break means the data
contradict each other (exit code 1). So the printed columns of a row need not add up when it
left dossiers out: the notes say which columns each left-out dossier is missing from.

Columns the export cannot fill
------------------------------
Each column declares what it reads (``COLUMN_READS``: derived fields of the counting rules, so
the columns of the file behind them), as one or more tests of which a dossier must pass one.
A column none of whose tests the export can read — their file columns absent, with nothing to
stand in for them (``due_at`` / ``processing_days``, ``resolved_at`` / ``returned_at``) — is
**not available**: ``None`` in every row, listed in ``Form.not_available`` with the missing
columns, never a zero. An export with no ``Hình thức nộp`` still gives (1), (4)–(11); (2), (3)
and (*) are not available. No dossier is "left out" of a column that is not available, and an
identity with such a column on either side is not checked (``IdentityCheck.checked`` False).

The form reads a column the export lacks as **unknown** in every row (never as empty cells), so
Kleene logic decides what it can without it: (1) is "received in P *or* carried over", and with
no end date at all a dossier received in P is in (1) — whatever its end date — while one
received before P (carried over? nobody can tell) is left out of (1), reason
``missing_column``; (4)–(11) are not available.

Grouping
--------
``None`` (the default): by ``field`` when the export has it, else every dossier in one row.
A name (:func:`cchc_cli.engine.groups.groupable`: ``month`` or any optional text column of the plan —
``field``, ``procedure``, ``unit``…) must be a column of the export, else it is an error. A text
column's groups are its text (NFC, trimmed), whitespace runs and case ignored, shown under the
most frequent spelling (:func:`cchc_cli.engine.duck.grouping_of`); an empty cell is its own group
(``group`` = None, ``group_empty`` in CSV and JSON, shown as "(không rõ lĩnh vực)"). Groups
partition the dossiers, so every column of the total row is the sum of the rows.

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
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .engine.groups import MONTH, empty_label, months_of
from .errors import CchcError, Msg, Reason
from .results import HasColumns, columns_read, lacking_columns, lacking_detail
from .text import visible

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
# Not a column of the paper form: received in P with an unknown channel (so (1) still adds up).
CHANNEL_UNKNOWN = "received_channel_unknown"
ALL_KEYS = (*KEYS, CHANNEL_UNKNOWN)
# The form's own column numbers (1)–(11) after STT and lĩnh vực.
COLUMN_NUMBER = {key: i + 1 for i, key in enumerate(KEYS)}
COLUMN_LABEL = {**{k: f"({n})" for k, n in COLUMN_NUMBER.items()}, CHANNEL_UNKNOWN: "(*)"}

# lhs = sum(rhs), checked on every row of the form; the first is the form's main identity.
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("received_total", ("resolved_total", "open_total")),
    ("received_total", ("received_online", "received_offline", "carried_over", CHANNEL_UNKNOWN)),
    ("resolved_total", ("resolved_early", "resolved_on_time", "resolved_late")),
    ("open_total", ("open_within", "open_overdue")),
)

# What each column reads (fields.DERIVED names or plan columns), one tuple per test of which a
# dossier passes one (only (1) has two); see "Columns the export cannot fill" above.
COLUMN_READS: dict[str, tuple[tuple[str, ...], ...]] = {
    "received_total": (("received_in_period",), ("carried_over",)),
    "received_online": (("received_in_period", "channel"),),
    "received_offline": (("received_in_period", "channel"),),
    "carried_over": (("carried_over",),),
    "resolved_total": (("resolved_in_period",),),
    "resolved_early": (("resolved_in_period", "timeliness"),),
    "resolved_on_time": (("resolved_in_period", "timeliness"),),
    "resolved_late": (("resolved_in_period", "timeliness"),),
    "open_total": (("open_at_end",),),
    "open_within": (("open_at_end", "overdue_at_end"),),
    "open_overdue": (("open_at_end", "overdue_at_end"),),
    CHANNEL_UNKNOWN: (("received_in_period", "channel"),),
}
DEFAULT_BY = "field"

# Fields read to place a dossier, in the order the rules read them (for "why was it left out").
# ``end_at``: the derived end date (no reason of its own); ``due``: the due date's reasons.
PLACE_FIELDS = ("dossier_id", "status", "received_at", "resolved_at", "returned_at")
CHANNEL_FIELDS = ("channel",)
OUTCOME_FIELDS = ("status", "resolved_at", "returned_at", "end_at", "due")
# Which cells each step decides: a left-out dossier's reason comes from the first step it fails.
PLACE_CELLS = ("received_total", "carried_over", "resolved_total", "open_total")
CHANNEL_CELLS = ("received_online", "received_offline", CHANNEL_UNKNOWN)


@dataclass(frozen=True)
class IdentityCheck:
    """``lhs = sum(rhs)`` on one row, over the dossiers placed on both sides; both values None
    when a column on either side is not available (the identity is not checked)."""

    lhs: str
    rhs: tuple[str, ...]
    lhs_value: int | None
    rhs_value: int | None
    left_out: int = 0  # dossiers whose place on one side is unknown: excluded from both sides

    @property
    def checked(self) -> bool:
        return self.lhs_value is not None

    @property
    def ok(self) -> bool:
        """Not broken: equal sides, or not checked."""
        return self.lhs_value == self.rhs_value


@dataclass(frozen=True)
class NotAvailable:
    """A column of the form the export cannot fill, and the file columns it lacks."""

    key: str  # ALL_KEYS
    fields: tuple[str, ...]  # canonical columns missing from the export
    reason: str = Reason.MISSING_COLUMN.value


@dataclass(frozen=True)
class LeftOutCells:
    """Dossiers of one row left out of some cells, with the first bad cell the rules read."""

    reason: str  # a Reason value
    field: str  # canonical field whose cell was bad
    rows: int
    columns: tuple[str, ...]  # keys (ALL_KEYS order) of the cells they could not be placed in


@dataclass(frozen=True)
class FormRow:
    """One row of the form: a lĩnh vực, a procedure or a month (or the total row)."""

    group: str | None  # the column's text (field, unit…), "YYYY-MM" for a month; None: not given
    counts: Mapping[str, int | None]  # ALL_KEYS; None: the column is not available
    identities: tuple[IdentityCheck, ...]  # one per IDENTITIES, same order
    left_out: int = 0  # dossiers left out of at least one cell they may belong to
    left_out_by: tuple[LeftOutCells, ...] = ()
    period: tuple[dt.date, dt.date] | None = None  # month rows: the month (clipped to P)

    @property
    def breaks(self) -> tuple[IdentityCheck, ...]:
        return tuple(c for c in self.identities if not c.ok)

    @property
    def identity_ok(self) -> bool:
        return not self.breaks


@dataclass(frozen=True)
class FormInput:
    path: str
    sha256: str
    rows_read: int
    rows_in_form: int  # placed in at least one cell of the total row
    rows_partly_placed: int  # of those, left out of some other cell they may belong to
    rows_left_out: int  # may belong to the form, but placed in no cell
    rows_outside: int  # not received, or known to lie outside P
    problems: int  # as ``check`` and ``validate`` count them
    due_dates_derived: int
    headers: tuple[tuple[str, str], ...] = ()  # (canonical field, header as in the file)
    files: tuple[str, ...] = ()  # several files counted as one: each one's path

    @property
    def paths(self) -> str:
        """The export as a person names it: its path, or every file's."""
        return ", ".join(self.files) or self.path

    def header(self, field: str) -> str:
        """The field's header as a message quotes it."""
        return visible(dict(self.headers).get(field, field))


@dataclass(frozen=True)
class Form:
    plan: object  # cchc_cli.plan.model.Plan
    period: tuple[dt.date, dt.date]
    by: str
    input: FormInput
    rows: tuple[FormRow, ...]
    total: FormRow
    not_available: tuple[NotAvailable, ...] = ()  # ALL_KEYS order

    @property
    def identity_ok(self) -> bool:
        return self.total.identity_ok and all(r.identity_ok for r in self.rows)

    @property
    def identities_skipped(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The IDENTITIES not checked because a column on one side is not available."""
        gone = {n.key for n in self.not_available}
        return tuple((lhs, rhs) for lhs, rhs in IDENTITIES if gone & {lhs, *rhs})


# -- building the form ---------------------------------------------------------------------------


def build_form(
    plan, exports, period: tuple[dt.date, dt.date], by: str | None = None, read=None
) -> Form:
    """Biểu số 06 for ``period`` over ``exports`` (a path or several, counted as one), one row
    per ``by`` group (see "Grouping"), and the total row: one run of the pipeline."""
    from .pipeline import ReadOptions, Request, run

    paths = (exports,) if isinstance(exports, str | Path) else tuple(exports)
    request = Request(paths, plan.path, span=period, read=read or ReadOptions(), form=by or "")
    form = run(request, (plan, period, None)).form
    assert form is not None
    return form


def form_reads() -> list[str]:
    """The file columns the form's cells read."""
    return columns_read(n for tests in COLUMN_READS.values() for test in tests for n in test)


def check_plan(plan) -> None:
    """What the plan must give for the form's columns (2) and (3) to mean anything."""
    vocab = plan.vocabularies.get(plan.columns["channel"].type)
    if vocab is None or "online" not in vocab.categories:
        raise CchcError(
            Msg(
                "danh mục hình thức nộp của kế hoạch không có nhóm 'online'",
                "the plan's channel vocabulary has no 'online' category",
            ),
            Msg("thêm nhóm 'online' vào vocabularies", "add an 'online' category to vocabularies"),
        )


@dataclass(frozen=True)
class Placed:
    """Rows of one group alike for the form (the engine's grouped placement): ``cells`` bit i
    in the i-th cell of ALL_KEYS, ``unknown`` bit i unknown there, ``why`` the reason state of
    a row unknown somewhere."""

    group: int
    cells: int
    unknown: int
    why: int | None
    rows: int


def form_of(
    plan,
    period: tuple[dt.date, dt.date],
    by: str,
    parts: Sequence[tuple[str | None, tuple[dt.date, dt.date] | None, list[Placed]]],
    whole: list[Placed],
    summary,
    gone: tuple[NotAvailable, ...],
    decode: Callable[[int], tuple[str, str]],
    due_derived: int,
    files: Sequence[str] = (),
) -> Form:
    """The form from the engine's placement: ``parts`` (label, month or None, placed rows) per
    row of the form — per month, or every group of a text column with its rows (``group`` its
    index among ``parts``) — and ``whole``, the period's; ``summary`` the run's input summary
    (the problems ``check`` counts), ``due_derived`` the form's derived due dates, ``files``
    each file's path."""
    skip = frozenset(n.key for n in gone)
    if by == MONTH:
        rows = [
            dataclasses.replace(_row(label, placed, skip, decode), period=span)
            for label, span, placed in parts
        ]
        total = _row(None, whole, skip, decode)
    else:
        all_rows = [_row(label, placed, skip, decode) for label, _, placed in parts]
        rows = [r for r in all_rows if r.left_out or any(r.counts.values())]
        total = _sum_rows(all_rows)
    in_form = sum(p.rows for p in whole if p.cells)
    left = sum(p.rows for p in whole if p.unknown and not p.cells)
    return Form(
        plan=plan,
        period=period,
        by=by,
        input=FormInput(
            path=summary.path,
            sha256=summary.sha256,
            rows_read=summary.rows_read,
            rows_in_form=in_form,
            rows_partly_placed=sum(p.rows for p in whole if p.unknown and p.cells),
            rows_left_out=left,
            rows_outside=summary.rows_read - in_form - left,
            problems=summary.problems,  # as check counts them, not with absent columns unknown
            due_dates_derived=due_derived,
            headers=summary.headers,
            files=tuple(files) if len(files) > 1 else (),
        ),
        rows=tuple(rows),
        total=dataclasses.replace(total, group=None, period=period),
        not_available=gone,
    )


def _row(
    label: str | None, placed: Iterable[Placed], skip: frozenset[str], decode
) -> FormRow:
    """One row of the form from its rows' placement (report's identities: each over the
    dossiers whose place on both sides is known)."""
    bit = {k: 1 << i for i, k in enumerate(ALL_KEYS)}
    counts = dict.fromkeys(ALL_KEYS, 0)
    checks = [[0, 0, 0] for _ in IDENTITIES]
    left = 0
    by: dict[tuple[str, str, tuple[str, ...]], int] = {}
    for p in placed:
        for k in ALL_KEYS:
            if p.cells & bit[k]:
                counts[k] += p.rows
        for check, (lhs, rhs) in zip(checks, IDENTITIES, strict=True):
            side_known = all(not p.unknown & bit[k] for k in rhs) or any(
                p.cells & bit[k] for k in rhs
            )
            if not p.unknown & bit[lhs] and side_known:
                check[0] += p.rows if p.cells & bit[lhs] else 0
                check[1] += p.rows * sum(1 for k in rhs if p.cells & bit[k])
            else:
                check[2] += p.rows
        if p.unknown:
            left += p.rows
            assert p.why is not None
            reason, field = decode(p.why)
            cols = tuple(k for k in ALL_KEYS if p.unknown & bit[k])
            by[reason, field, cols] = by.get((reason, field, cols), 0) + p.rows
    return FormRow(
        label,
        {k: None if k in skip else counts[k] for k in ALL_KEYS},
        tuple(
            IdentityCheck(lhs, rhs, None, None)
            if skip & {lhs, *rhs}
            else IdentityCheck(lhs, rhs, *check)
            for (lhs, rhs), check in zip(IDENTITIES, checks, strict=True)
        ),
        left,
        _sorted(LeftOutCells(r, f, n, c) for (r, f, c), n in by.items()),
    )


def not_available(columns: HasColumns) -> tuple[NotAvailable, ...]:
    """The columns of the form none of whose tests the export can read (ALL_KEYS order), with
    the columns it lacks."""
    out = []
    for key in ALL_KEYS:
        lacking = [lacking_columns(columns_read(test), columns) for test in COLUMN_READS[key]]
        if all(lacking):
            out.append(NotAvailable(key, tuple(dict.fromkeys(c for x in lacking for c in x))))
    return tuple(out)


def _sorted(items) -> tuple[LeftOutCells, ...]:
    order = {k: i for i, k in enumerate(ALL_KEYS)}
    return tuple(sorted(items, key=lambda x: (x.reason, x.field, [order[c] for c in x.columns])))


def _total(values) -> int | None:
    """The sum of a column over rows; None (not available) stays None."""
    values = list(values)
    return None if None in values else sum(values)


def _sum_rows(rows: list[FormRow]) -> FormRow:
    counts = {k: _total(r.counts[k] for r in rows) for k in ALL_KEYS}
    by: dict[tuple[str, str, tuple[str, ...]], int] = {}
    for r in rows:
        for lo in r.left_out_by:
            key = (lo.reason, lo.field, lo.columns)
            by[key] = by.get(key, 0) + lo.rows
    identities = tuple(
        IdentityCheck(
            lhs,
            rhs,
            _total(r.identities[i].lhs_value for r in rows),
            _total(r.identities[i].rhs_value for r in rows),
            sum(r.identities[i].left_out for r in rows),
        )
        for i, (lhs, rhs) in enumerate(IDENTITIES)
    )
    return FormRow(
        None,
        counts,
        identities,
        sum(r.left_out for r in rows),
        _sorted(LeftOutCells(r, f, n, c) for (r, f, c), n in by.items()),
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
            d["group_empty"] = r.group is None
        if r.period is not None and (form.by == "month" or stt is None):
            d["period"] = {"start": r.period[0].isoformat(), "end": r.period[1].isoformat()}
        d.update({k: r.counts[k] for k in KEYS})
        d[CHANNEL_UNKNOWN] = r.counts[CHANNEL_UNKNOWN]
        d["left_out"] = r.left_out
        d["left_out_by"] = [
            {"reason": x.reason, "field": x.field, "rows": x.rows, "columns": list(x.columns)}
            for x in r.left_out_by
        ]
        d["identity_ok"] = r.identity_ok
        d["identities"] = [
            {
                "lhs": c.lhs,
                "rhs": list(c.rhs),
                "lhs_value": c.lhs_value,
                "rhs_value": c.rhs_value,
                "left_out": c.left_out,
                "ok": c.ok if c.checked else None,
                "checked": c.checked,
            }
            for c in r.identities
        ]
        d["identity_breaks"] = [
            {
                "lhs": b.lhs,
                "rhs": list(b.rhs),
                "lhs_value": b.lhs_value,
                "rhs_value": b.rhs_value,
                "left_out": b.left_out,
            }
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
            "rows_partly_placed": i.rows_partly_placed,
            "rows_left_out": i.rows_left_out,
            "rows_outside": i.rows_outside,
            "problems": i.problems,
            "due_dates_derived": i.due_dates_derived,
            **({"files": list(i.files)} if i.files else {}),
        },
        "rows": [row(r, n) for n, r in enumerate(form.rows, start=1)],
        "total": total,
        "identity_ok": form.identity_ok,
        "not_available": [
            {
                "key": n.key,
                "column": COLUMN_NUMBER.get(n.key),
                "label": COLUMN_LABEL[n.key],
                "reason": n.reason,
                "fields": list(n.fields),
                "detail": lacking_detail(plan, n.fields),
            }
            for n in form.not_available
        ],
        "identities_skipped": [
            {"lhs": lhs, "rhs": list(rhs)} for lhs, rhs in form.identities_skipped
        ],
        "generated_at": generated_at
        or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
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
        return empty_label(form.by, lang)
    return row.group


# -- the working calendar ----------------------------------------------------------------------


WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def calendar_dict(plan, year: int) -> dict:
    """The working calendar the due dates of ``year`` are derived from (for ``cchc calendar``)."""
    import holidays

    from .plan.calendar import plan_calendar

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
    "ALL_KEYS",
    "CHANNEL_UNKNOWN",
    "COLUMN_LABEL",
    "COLUMN_READS",
    "FORM_ID",
    "IDENTITIES",
    "KEYS",
    "Form",
    "FormRow",
    "IdentityCheck",
    "LeftOutCells",
    "NotAvailable",
    "build_form",
    "calendar_dict",
    "check_plan",
    "form_dict",
    "form_of",
    "form_reads",
    "group_label",
    "months_of",
    "not_available",
]
