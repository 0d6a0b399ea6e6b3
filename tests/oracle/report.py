"""The pandas route's Biểu 06 (the form as the product built it before the engine placed
each row): the differential suite's oracle for :func:`cchc_cli.report.build_form`. It builds
the product's own data classes, so the two forms compare with ``==``."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from cchc_cli.engine.groups import MONTH, check_grouping, months_of
from cchc_cli.errors import Reason
from cchc_cli.plan import fields as F
from cchc_cli.report import (
    ALL_KEYS,
    CHANNEL_CELLS,
    CHANNEL_FIELDS,
    CHANNEL_UNKNOWN,
    COLUMN_READS,
    DEFAULT_BY,
    IDENTITIES,
    OUTCOME_FIELDS,
    PLACE_CELLS,
    PLACE_FIELDS,
    Form,
    FormInput,
    FormRow,
    IdentityCheck,
    LeftOutCells,
    NotAvailable,
    check_plan,
)
from cchc_cli.results import columns_read, lacking_columns

from .groups import group_codes

# -- building the form ---------------------------------------------------------------------------


def build_form(plan, records, period: tuple[dt.date, dt.date], by: str | None = None) -> Form:
    """Biểu số 06 for ``period``, one row per ``by`` group (see "Grouping"), and the total row."""
    from .classify import classify
    from .validate import all_problems

    if by is None:
        by = DEFAULT_BY
    else:
        check_grouping(plan, records, by)
    check_plan(plan)
    gone = not_available(records)
    skip = frozenset(n.key for n in gone)
    one = np.zeros(records.n_rows, dtype=np.int64)
    read = _lacking_unknown(records)
    if by == MONTH:
        cal = _calendar_for(plan, read)
        cl = classify(plan, read, period, calendar=cal)
        whole = _Placement(cl, skip)
        rows = []
        for span in months_of(period):
            part = _Placement(classify(plan, read, span, calendar=cal), skip)
            (row,) = part.rows(one, [f"{span[0]:%Y-%m}"])
            rows.append(dataclasses.replace(row, period=span))
        (total,) = whole.rows(one, [None])
    else:
        cl = classify(plan, read, period)
        whole = _Placement(cl, skip)
        codes, labels = group_codes(records, by)
        all_rows = whole.rows(codes, labels)
        rows = [r for r in all_rows if r.left_out or any(r.counts.values())]
        total = _sum_rows(all_rows)
    in_form = int(whole.in_form.sum())
    left_out = int((whole.left & ~whole.in_form).sum())
    return Form(
        plan=plan,
        period=period,
        by=by,
        input=FormInput(
            path=records.path,
            sha256=records.sha256,
            rows_read=records.n_rows,
            rows_in_form=in_form,
            rows_partly_placed=int((whole.left & whole.in_form).sum()),
            rows_left_out=left_out,
            rows_outside=int(records.n_rows - in_form - left_out),
            # as check counts them: from the export as read, not with its absent columns unknown
            problems=len(
                all_problems(
                    plan, records, cl if read is records else classify(plan, records, period)
                )
            ),
            due_dates_derived=int(cl.due_derived.sum()),
            headers=tuple((n, c.header) for n, c in records.columns.items() if c.header),
        ),
        rows=tuple(rows),
        total=dataclasses.replace(total, group=None, period=period),
        not_available=gone,
    )


def not_available(records) -> tuple[NotAvailable, ...]:
    """The columns of the form none of whose tests the export can read (ALL_KEYS order), with
    the columns it lacks."""
    out = []
    for key in ALL_KEYS:
        lacking = [lacking_columns(columns_read(test), records) for test in COLUMN_READS[key]]
        if all(lacking):
            out.append(NotAvailable(key, tuple(dict.fromkeys(c for x in lacking for c in x))))
    return tuple(out)


def _lacking_unknown(records):
    """The export with each column the form reads but the file lacks (nothing standing in for
    it) unknown in every row, reason ``missing_column``: an absent column is not a column of
    empty cells, so a test that needs it is unknown unless another input decides it."""
    from .records import UNKNOWN

    reads = (name for tests in COLUMN_READS.values() for test in tests for name in test)
    lacking = lacking_columns(columns_read(reads), records)
    if not lacking:
        return records
    every = np.ones(records.n_rows, dtype=bool)
    columns = dict(records.columns)
    for name in lacking:
        col = columns[name]
        values = (
            np.full(records.n_rows, UNKNOWN, dtype=np.int16)
            if col.kind == F.CATEGORY
            else col.values
        )
        columns[name] = dataclasses.replace(
            col, values=values, bad=((Reason.MISSING_COLUMN, every),)
        )
    return dataclasses.replace(records, columns=columns)


def _calendar_for(plan, records):
    """The calendar classify would build, built once for all the months."""
    from .classify import calendar_for

    return calendar_for(plan, records)


class _Placement:
    """Which cells of the form each dossier falls in, for one classification (one period).

    ``skip``: keys of the columns that are not available: no dossier is in them or left out of
    them, and no identity that reads them is checked."""

    def __init__(self, cl, skip: frozenset[str] = frozenset()) -> None:
        from .classify import Tri
        from .records import UNKNOWN

        env = cl.env
        act = cl.active

        def gate(t: Tri) -> Tri:
            # rows excluded as a whole (no / repeated dossier id): unknown wherever they may be
            return Tri(t.val & act, t.known & (act | ~t.val))

        recv, carried = env["received_in_period"], env["carried_over"]
        resolved, open_, overdue = (
            env["resolved_in_period"],
            env["open_at_end"],
            env["overdue_at_end"],
        )
        timeliness, channel = env["timeliness"], env["channel"]
        has_channel = channel.codes >= 0  # empty (where allowed) or unknown word: not known
        online = Tri.of(channel.codes == channel.categories.index("online"), has_channel)
        no_channel = Tri.of(~has_channel)
        known_outcome = timeliness.codes != UNKNOWN

        def outcome(name: str) -> Tri:
            return resolved & Tri.of(
                timeliness.codes == timeliness.categories.index(name), known_outcome
            )

        tri = {
            "received_total": recv | carried,
            "received_online": recv & online,
            "received_offline": recv & ~online,
            "carried_over": carried,
            "resolved_total": resolved,
            "resolved_early": outcome("early"),
            "resolved_on_time": outcome("on_time"),
            "resolved_late": outcome("late"),
            "open_total": open_,
            "open_within": open_ & ~overdue,
            "open_overdue": open_ & overdue,
            CHANNEL_UNKNOWN: recv & no_channel,
        }
        nowhere = Tri.of(np.zeros(len(act), dtype=bool))
        tri = {k: gate(nowhere if k in skip else t) for k, t in tri.items()}
        self.skip = skip
        self.cells = {k: t.val for k, t in tri.items()}
        n = len(act)
        self.in_form = np.zeros(n, dtype=bool)
        self.left = np.zeros(n, dtype=bool)
        # bit i of column_mask: left out of ALL_KEYS[i]
        self.column_mask = np.zeros(n, dtype=np.int64)
        for i, key in enumerate(ALL_KEYS):
            self.in_form |= tri[key].val
            self.left |= tri[key].unknown
            self.column_mask |= tri[key].unknown.astype(np.int64) << i
        # each identity over the dossiers whose place on both sides is known
        self.identity = []
        for lhs, rhs in IDENTITIES:
            if skip & {lhs, *rhs}:
                self.identity.append(None)
                continue
            side = tri[rhs[0]]
            for key in rhs[1:]:
                side = side | tri[key]
            decided = tri[lhs].known & side.known
            rhs_n = sum(tri[k].val.astype(np.int64) for k in rhs) * decided
            self.identity.append((lhs, rhs, tri[lhs].val & decided, rhs_n, ~decided))
        # why each left-out dossier is out: the first bad cell of the first step it fails
        structural = self.left & (
            ~act | np.logical_or.reduce([tri[k].unknown for k in PLACE_CELLS])
        )
        by_channel = (
            self.left & ~structural & np.logical_or.reduce([tri[k].unknown for k in CHANNEL_CELLS])
        )
        stages = [
            (structural, PLACE_FIELDS),
            (by_channel, CHANNEL_FIELDS),
            (self.left & ~structural & ~by_channel, OUTCOME_FIELDS),
        ]
        self.reason_code, self.reasons = _attribute(self.left, stages, cl, channel.codes)

    def rows(self, codes: np.ndarray, labels: list[str | None]) -> list[FormRow]:
        g = len(labels)
        counts = {k: np.bincount(codes[m], minlength=g) for k, m in self.cells.items()}
        left = np.bincount(codes[self.left], minlength=g)

        def tally(check) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
            if check is None:  # not checked: a column on one side is not available
                return None
            _, _, lhs_in, rhs_n, undecided = check
            return (
                np.bincount(codes[lhs_in], minlength=g),
                np.bincount(codes, weights=rhs_n, minlength=g).astype(np.int64),
                np.bincount(codes[undecided], minlength=g),
            )

        checks = [tally(c) for c in self.identity]
        # left-out dossiers per (row, reason, columns)
        idx = np.flatnonzero(self.left)
        keys = np.stack([codes[idx], self.reason_code[idx], self.column_mask[idx]], axis=1)
        by_row: dict[int, list[LeftOutCells]] = {}
        if len(idx):
            uniq, n = np.unique(keys, axis=0, return_counts=True)
            for (row, code, mask), rows in zip(uniq.tolist(), n.tolist(), strict=True):
                reason, fname = self.reasons[code]
                cols = tuple(k for i, k in enumerate(ALL_KEYS) if mask >> i & 1)
                by_row.setdefault(row, []).append(LeftOutCells(reason, fname, rows, cols))
        out = []
        for i, label in enumerate(labels):
            out.append(
                FormRow(
                    label,
                    {k: None if k in self.skip else int(counts[k][i]) for k in ALL_KEYS},
                    tuple(
                        IdentityCheck(lhs, rhs, None, None)
                        if c is None
                        else IdentityCheck(lhs, rhs, *(int(x[i]) for x in c))
                        for (lhs, rhs), c in zip(IDENTITIES, checks, strict=True)
                    ),
                    int(left[i]),
                    _sorted(by_row.get(i, [])),
                )
            )
        return out


def _sorted(items) -> tuple[LeftOutCells, ...]:
    order = {k: i for i, k in enumerate(ALL_KEYS)}
    return tuple(sorted(items, key=lambda x: (x.reason, x.field, [order[c] for c in x.columns])))


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


