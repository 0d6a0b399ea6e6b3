"""The official classification of each dossier for a period, as three-valued (Kleene) logic.

Every flag is a :class:`Tri`: a value plus whether it is known. A bad cell makes only what depends
on it unknown, and only where it matters: ``received_in_period`` of a row with a broken
``resolved_at`` is still known. Rows unknown for an indicator are its *left out* rows. All of it is
row-local, so counts over batches of rows add up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from cchc_cli.errors import Reason
from cchc_cli.plan import fields as F
from cchc_cli.plan.calendar import plan_calendar
from cchc_cli.plan.conditions import And, Condition, Not, Or, Ref, Test
from cchc_cli.plan.model import Plan

from .records import EMPTY, UNKNOWN, Column, Records


@dataclass(frozen=True)
class Tri:
    """Kleene truth: ``val`` is meaningful only where ``known``; ``val`` implies ``known``."""

    val: np.ndarray
    known: np.ndarray

    @staticmethod
    def of(val: np.ndarray, known: np.ndarray | None = None) -> Tri:
        known = np.ones(len(val), dtype=bool) if known is None else known
        return Tri(val & known, known)

    def __and__(self, other: Tri) -> Tri:
        false_a = self.known & ~self.val
        false_b = other.known & ~other.val
        return Tri(self.val & other.val, (self.known & other.known) | false_a | false_b)

    def __or__(self, other: Tri) -> Tri:
        return Tri(self.val | other.val, (self.known & other.known) | self.val | other.val)

    def __invert__(self) -> Tri:
        return Tri(~self.val & self.known, self.known)

    @property
    def unknown(self) -> np.ndarray:
        return ~self.known


@dataclass(frozen=True)
class Cat:
    codes: np.ndarray  # EMPTY, UNKNOWN or an index into categories
    categories: tuple[str, ...]
    true: str | None = None  # for yes/no vocabularies: the category a bare reference means


_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


@dataclass(frozen=True)
class Dates:
    values: np.ndarray  # datetime64[D]; NaT = empty or unknown
    unknown: np.ndarray

    def cmp(self, op: str, day: np.datetime64) -> Tri:
        """``date op day``; an empty date compares False (known), a bad one is unknown."""
        v = self.values
        has = ~np.isnat(v)
        res = _COMPARE[op](v, day) & has
        return Tri.of(res, ~self.unknown)


@dataclass(frozen=True)
class Classified:
    """Canonical and derived fields of every row for one period, ready for conditions."""

    period: tuple[dt.date, dt.date]
    env: dict[str, Tri | Cat | Dates | Column]
    active: np.ndarray  # rows not excluded as a whole
    due_derived: np.ndarray  # due date computed from processing_days
    reasons: dict[str, list[tuple[Reason, str, np.ndarray]]]  # field -> why a row is unknown
    # rows whose cells contradict each other: (reason, field blamed, mask)
    contradictions: list[tuple[Reason, str, np.ndarray]] = field(default_factory=list)

    def condition(self, cond: Condition, *, whole_rows: bool = True) -> Tri:
        """The condition per row; ``whole_rows=False`` also evaluates rows excluded as a whole."""
        return evaluate_condition(cond, self.env, self.active if whole_rows else None)


def evaluate_condition(cond: Condition, env: dict, active: np.ndarray | None) -> Tri:
    result = _eval(cond, env)
    if active is None:
        return result
    # excluded rows (no / repeated dossier_id) are known-false everywhere: counted once, at file level
    return Tri(result.val & active, result.known | ~active)


def _eval(cond: Condition, env: dict) -> Tri:
    if isinstance(cond, And):
        out = _eval(cond.items[0], env)
        for item in cond.items[1:]:
            out = out & _eval(item, env)
        return out
    if isinstance(cond, Or):
        out = _eval(cond.items[0], env)
        for item in cond.items[1:]:
            out = out | _eval(item, env)
        return out
    if isinstance(cond, Not):
        return ~_eval(cond.item, env)
    value = env[cond.field]
    if isinstance(cond, Ref):
        if isinstance(value, Tri):
            return value
        assert isinstance(value, Cat) and value.true is not None
        return _in(value, (value.true,))
    assert isinstance(cond, Test)
    if cond.op in ("empty", "not empty"):
        res = _is_empty(value)
        return res if cond.op == "empty" else ~res
    res = _in(value, cond.values)
    return res if cond.op == "in" else ~res


def _in(value: Cat, words: tuple[str, ...]) -> Tri:
    idx = [value.categories.index(w) for w in words]
    return Tri.of(np.isin(value.codes, idx), value.codes != UNKNOWN)


def _is_empty(value) -> Tri:
    if isinstance(value, Cat):
        return Tri.of(value.codes == EMPTY, value.codes != UNKNOWN)
    if isinstance(value, Dates):
        return Tri.of(np.isnat(value.values) & ~value.unknown, ~value.unknown)
    if isinstance(value, Tri):
        return Tri.of(~value.known, np.ones(len(value.val), dtype=bool))
    if isinstance(value, Column):
        return Tri.of(value.empty, ~value.unknown)
    raise TypeError(value)


def classify(
    plan: Plan, records: Records, period: tuple[dt.date, dt.date], calendar=None
) -> Classified:
    """Derive the official classification of every row for period P = [start, end]."""
    start, end = (np.datetime64(d, "D") for d in period)
    cols = records.columns
    env: dict[str, Tri | Cat | Dates | Column] = {}
    reasons: dict[str, list[tuple[Reason, str, np.ndarray]]] = {}
    for name, col in cols.items():
        if col.kind == F.CATEGORY:
            vocab = plan.vocabulary_of(name)
            env[name] = Cat(col.values, col.categories, vocab.true if vocab else None)
        elif col.kind == F.DATE:
            env[name] = Dates(col.values, col.unknown)
        else:
            env[name] = col
        reasons[name] = [(r, name, m) for r, m in col.bad if m.any()]
    active = ~records.excluded

    # unmasked: a row set aside as a whole (no / repeated id) keeps its own status, so a repeated
    # "Không được tiếp nhận" row is not reported as left out of anything
    not_received = evaluate_condition(plan.classification["not_received"], env, None)
    withdrawn = evaluate_condition(plan.classification["withdrawn"], env, None)
    received = ~not_received

    received_at = env["received_at"]
    resolved, returned = env["resolved_at"], env["returned_at"]
    assert isinstance(resolved, Dates) and isinstance(returned, Dates)
    assert isinstance(received_at, Dates)
    use_returned = np.isnat(resolved.values) & ~resolved.unknown
    end_values = np.where(use_returned, returned.values, resolved.values)
    end_unknown = resolved.unknown | (use_returned & returned.unknown)
    end_field = np.where(use_returned, "returned_at", "resolved_at")

    # Contradictions make the end date unknown rather than trusted: a status that says the dossier
    # ended (withdrawn, returned, resolved) with no end date — when did it end? — and an end date
    # before the received date. The rows are left out where it matters and reported.
    ended = withdrawn
    if "resolved" in plan.classification:
        ended = ended | evaluate_condition(plan.classification["resolved"], env, None)
    without_end = ended.val & np.isnat(end_values) & ~end_unknown
    out_of_order = {later: _before(env[later], env[earlier]) for later, earlier, _ in F.DATE_ORDER}
    contradictions = [(Reason.RESOLVED_WITHOUT_END, "status", without_end)]
    contradictions += [(reason, later, out_of_order[later]) for later, _, reason in F.DATE_ORDER]
    before = np.where(use_returned, out_of_order["returned_at"], out_of_order["resolved_at"])
    end_at = Dates(end_values, end_unknown | without_end | before)
    if without_end.any():  # the status says it ended: blamed on the status, as validate shows it
        reasons["status"].append((Reason.RESOLVED_WITHOUT_END, "status", without_end))
    for fname in ("resolved_at", "returned_at"):
        hit = before & (end_field == fname)
        if hit.any():
            reasons[fname].append((Reason.END_BEFORE_RECEIVED, fname, hit))

    due, due_derived, due_reasons = _due(plan, records, env, calendar)
    due_before = out_of_order["due_at"]  # a due date derived from processing days never is
    if due_before.any():
        due = Dates(due.values, due.unknown | due_before)
        due_reasons.append((Reason.DUE_BEFORE_RECEIVED, "due_at", due_before))

    # A dossier ends on or after the day it is received (classify makes any other end unknown), so
    # a known date can rule a row out even when the other one is bad: ended before P -> not
    # received in P; received after P -> not resolved in P. These only turn unknowns into "no".
    ended_before = end_at.cmp("<", start)
    received_after = received_at.cmp(">", end)
    received_in_period = (
        received
        & received_at.cmp(">=", start)
        & received_at.cmp("<=", end)
        & Tri.of(~ended_before.val)
    )
    resolved_in_period = (
        received & end_at.cmp(">=", start) & end_at.cmp("<=", end) & Tri.of(~received_after.val)
    )
    open_at_end = received & received_at.cmp("<=", end) & ~end_at.cmp("<=", end)
    carried_over = received & received_at.cmp("<", start) & ~end_at.cmp("<", start)
    overdue_at_end = open_at_end & due.cmp("<", end)
    timeliness = _timeliness(end_at, withdrawn, due)
    late = (resolved_in_period & _in(timeliness, ("late",))) | overdue_at_end

    env.update(
        received=received,
        withdrawn=withdrawn,
        end_at=end_at,
        due=due,
        received_in_period=received_in_period,
        resolved_in_period=resolved_in_period,
        open_at_end=open_at_end,
        overdue_at_end=overdue_at_end,
        carried_over=carried_over,
        timeliness=timeliness,
        late=late,
    )
    reasons["due"] = due_reasons
    return Classified(period, env, active, due_derived, reasons, contradictions)


def _before(later: Dates, earlier: Dates) -> np.ndarray:
    """Rows where both dates are known and ``later`` is the earlier one."""
    known = ~np.isnat(later.values) & ~later.unknown & ~np.isnat(earlier.values) & ~earlier.unknown
    return known & (later.values < earlier.values)


def _due(plan: Plan, records: Records, env: dict, calendar) -> tuple[Dates, np.ndarray, list]:
    """``due_at``, else the ``processing_days``-th working day after the received date."""
    due_at, received_at = env["due_at"], env["received_at"]
    days = records.columns["processing_days"]
    n = records.n_rows
    take = np.isnat(due_at.values) & ~due_at.unknown  # empty due_at
    can_derive = (
        take & ~np.isnan(days.values) & ~received_at.unknown & ~np.isnat(received_at.values)
    )
    values = due_at.values.copy()
    derived = np.zeros(n, dtype=bool)
    if can_derive.any():
        idx = np.flatnonzero(can_derive)
        if calendar is None:
            calendar = due_calendar(plan, received_at.values[idx])
        values[idx] = calendar.add_working_days(received_at.values[idx], days.values[idx])
        derived[idx] = ~np.isnat(values[idx])
    no_due = take & ~derived & ~days.unknown & ~received_at.unknown
    unknown = due_at.unknown | (take & ~derived)
    reasons = [(r, "due_at", m) for r, m in records.columns["due_at"].bad if m.any()]
    reasons += [(r, "processing_days", m & take) for r, m in days.bad if (m & take).any()]
    if no_due.any():
        reasons.append((Reason.NO_DUE_DATE, "due_at", no_due))
    return Dates(values, unknown), derived, reasons


def calendar_for(plan: Plan, records: Records):
    """The working calendar this file's derived due dates need (None if none is derived).

    Built once and passed to :func:`classify` for every month of a breakdown.
    """
    recv, due, days = (records.columns[n] for n in ("received_at", "due_at", "processing_days"))
    take = (
        np.isnat(due.values)
        & ~due.unknown
        & ~np.isnan(days.values)
        & ~recv.unknown
        & ~np.isnat(recv.values)
    )
    return due_calendar(plan, recv.values[take]) if take.any() else None


def due_calendar(plan: Plan, received: np.ndarray):
    """The calendar covering every year a due date counted from ``received`` can fall in."""
    first = received.min().astype(object).year
    last = received.max().astype(object).year
    return plan_calendar(plan, range(first, min(last + 2, 2101)))  # holidays stops at 2100


def _timeliness(end_at: Dates, withdrawn: Tri, due: Dates) -> Cat:
    cats = F.DERIVED["timeliness"].categories
    n = len(end_at.values)
    codes = np.full(n, EMPTY, dtype=np.int16)
    has_end = ~np.isnat(end_at.values)
    e, d = end_at.values, due.values
    with np.errstate(invalid="ignore"):
        code = np.where(e < d, 0, np.where(e == d, 1, 2)).astype(np.int16)
    compare_ok = has_end & ~due.unknown & ~np.isnat(d)
    codes[has_end] = UNKNOWN
    codes[compare_ok] = code[compare_ok]
    not_withdrawn_known = withdrawn.known & ~withdrawn.val
    codes[has_end & ~withdrawn.known] = UNKNOWN
    codes[has_end & withdrawn.val] = cats.index("on_time")  # Biểu 06: rút / trả lại = đúng hạn
    codes[has_end & not_withdrawn_known & ~compare_ok] = UNKNOWN
    codes[end_at.unknown] = UNKNOWN
    return Cat(codes, cats)


def first_reasons(
    cl: Classified, left: np.ndarray, names
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """For each ``left`` row, the first bad cell among ``names`` (in the order the rule reads them).

    Returns a code per row (-1 where not left out) into a list of (reason, field) pairs. Every
    unknown has a cause; should one not, it is labelled ``unknown_value`` / ``?`` so totals reconcile.
    """
    code = np.full(len(left), -1, dtype=np.int64)
    pairs: list[tuple[str, str]] = []
    remaining = left.copy()
    # a row set aside as a whole is explained by its dossier id first
    for name in ("dossier_id", *(n for n in names if n != "dossier_id")):
        sources = (
            cl.reasons["due"] if name in ("due_at", "processing_days") else cl.reasons.get(name, [])
        )
        for reason, fname, mask in sources:
            hit = remaining & mask
            if hit.any():
                key = (reason.value, fname)
                if key not in pairs:
                    pairs.append(key)
                code[hit] = pairs.index(key)
                remaining &= ~hit
    if remaining.any():
        pairs.append((Reason.UNKNOWN_VALUE.value, "?"))
        code[remaining] = len(pairs) - 1
    return code, pairs
