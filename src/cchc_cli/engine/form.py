"""Biểu 06 in the query: where each row falls in the form's cells (:mod:`cchc_cli.report`).

Each cell of the form is a three-valued test on the row (SQL's NULL is unknown), gated as the
form gates it: a row set aside as a whole (no or repeated dossier id) is unknown wherever it may
be. Per row the query then gives ``f_in`` (bit i: in the i-th cell of ``report.ALL_KEYS``),
``f_unk`` (bit i: unknown there) and, for a row unknown somewhere, ``f_why``: the state code
(:meth:`~.compile.Compiler.code`) of the first bad cell the failing step reads (placing the
dossier, its channel, its outcome). The figures' own aggregate groups by these few columns as
well, and its rows give every count, identity and left-out reason of the form
(:func:`cchc_cli.report.form_of`): one query for the figures and the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Reason
from ..report import (
    ALL_KEYS,
    CHANNEL_CELLS,
    CHANNEL_FIELDS,
    CHANNEL_UNKNOWN,
    OUTCOME_FIELDS,
    PLACE_CELLS,
    PLACE_FIELDS,
    NotAvailable,
    Placed,
)

if TYPE_CHECKING:
    from ..plan.model import Plan
    from ..report import Form
    from ..results import HasColumns, InputSummary
    from .bind import Bound
    from .compile import Compiler, Grouping
    from .duck import Outcome

Span = tuple[dt.date, dt.date]
# the channel's category when it is known (an empty cell, where allowed, is not): online or not
_ONLINE = "CASE WHEN v_channel <> '' THEN v_channel = 'online' END"


def tests() -> dict[str, str]:
    """Each cell's test before the gate (report._Placement's ``tri``)."""
    recv, carried, resolved = "received_in_period", "carried_over", "resolved_in_period"
    open_, overdue = "open_at_end", "overdue_at_end"

    def outcome(name: str) -> str:
        return f"({resolved} AND timeliness = '{name}')"  # '' (no end) is known, NULL is not

    return {
        "received_total": f"({recv} OR {carried})",
        "received_online": f"({recv} AND {_ONLINE})",
        "received_offline": f"({recv} AND NOT {_ONLINE})",
        "carried_over": carried,
        "resolved_total": resolved,
        "resolved_early": outcome("early"),
        "resolved_on_time": outcome("on_time"),
        "resolved_late": outcome("late"),
        "open_total": open_,
        "open_within": f"({open_} AND NOT {overdue})",
        "open_overdue": f"({open_} AND {overdue})",
        CHANNEL_UNKNOWN: f"({recv} AND (v_channel IS NULL OR v_channel = ''))",
    }


def placement(compiler: Compiler, skip: frozenset[str]) -> list[tuple[str, str]]:
    """The definitions of ``f_in``, ``f_unk`` and ``f_why`` (per period); ``skip``: the keys of
    the columns that are not available (no row is in them or left out of them)."""
    raw = tests()
    defs: list[tuple[str, str]] = []
    for i, key in enumerate(ALL_KEYS):
        if key in skip:
            defs.append((f"fc_{i}", "FALSE"))
            continue
        defs.append((f"ft_{i}", raw[key]))
        # a row set aside as a whole: known to be out only where the test is known false
        defs.append((f"fc_{i}", f"CASE WHEN _active THEN ft_{i} WHEN NOT ft_{i} THEN FALSE END"))
    bits = [(i, f"fc_{i}") for i in range(len(ALL_KEYS))]
    f_in = " + ".join(f"CASE WHEN {c} THEN {1 << i} ELSE 0 END" for i, c in bits)
    f_unk = " + ".join(f"CASE WHEN {c} IS NULL THEN {1 << i} ELSE 0 END" for i, c in bits)

    def unknown_in(keys: Sequence[str]) -> str:
        return " OR ".join(f"fc_{ALL_KEYS.index(k)} IS NULL" for k in keys)

    empty = ("v_channel = ''", compiler.code("channel", Reason.MISSING_VALUE))
    why = (
        f"CASE WHEN f_unk = 0 THEN NULL"
        f" WHEN NOT _active OR {unknown_in(PLACE_CELLS)} THEN {walk(compiler, PLACE_FIELDS)}"
        f" WHEN {unknown_in(CHANNEL_CELLS)} THEN {walk(compiler, CHANNEL_FIELDS, empty)}"
        f" ELSE {walk(compiler, OUTCOME_FIELDS)} END"
    )
    return [*defs, ("f_in", f"({f_in})"), ("f_unk", f"({f_unk})"), ("f_why", why)]


def walk(compiler: Compiler, names: Sequence[str], *extra: tuple[str, str]) -> str:
    """The first bad cell among ``names`` (report._attribute: each field's reasons in classify's
    order, ``due`` the due date's, ``end_at`` none of its own), then ``extra`` (mask, code), else
    ``unknown_value`` of no field."""
    pairs: list[tuple[str, str]] = []
    for name in names:
        if name == "end_at":
            continue
        pairs += compiler.reason_entries("due_at" if name == "due" else name)
        if name == "channel":
            pairs += extra
    return compiler.first_of(pairs)


@dataclass(frozen=True)
class Layout:
    """How the form is laid out for a run's files, decided before the query: its rows (``by``;
    the text column's groups and their labels), the columns not available (``gone``) and the
    file columns the form reads that the files lack (read as unknown, not empty)."""

    by: str
    grouping: Grouping | None
    labels: tuple[str | None, ...]
    gone: tuple[NotAvailable, ...]
    lacking: frozenset[str]

    @property
    def skip(self) -> frozenset[str]:
        """The keys of the columns not available."""
        return frozenset(n.key for n in self.gone)


def layout(con, plan: Plan, bounds: Sequence[Bound], by: str, columns: HasColumns) -> Layout:
    """``by`` "" is the form's default: by field (one row where no file has the column);
    a name must be groupable and a column of the files (:func:`cchc_cli.engine.groups.check_grouping`)."""
    from ..report import DEFAULT_BY, check_plan, form_reads, not_available
    from ..results import lacking_columns
    from .bind import any_columns
    from .duck import grouping_of
    from .groups import MONTH, check_grouping

    if by:
        check_grouping(plan, any_columns(plan, bounds), by)
    by = by or DEFAULT_BY
    check_plan(plan)
    grouping, labels = None, ()
    if by != MONTH:
        grouping, found = grouping_of(con, bounds, by)
        labels = tuple(found)
    lacking = frozenset(lacking_columns(form_reads(), columns))
    return Layout(by, grouping, labels, not_available(columns), lacking)


def tally(outcome: Outcome, whole: str) -> tuple[dict[str, list[Placed]], int]:
    """The query's result rows (grouped by placement too) as the form reads them: per period
    key the :class:`~cchc_cli.report.Placed` (group, cells, unknown, why, rows), files and
    states added up; and the derived due dates among the rows of period ``whole``."""
    sums: dict[tuple, int] = {}
    derived = 0
    for r in outcome.rows:
        key = (r["p_key"], r.get("_g") or 0, r["f_in"], r["f_unk"], r["f_why"])
        sums[key] = sums.get(key, 0) + r["n"]
        if r["p_key"] == whole:
            derived += r["due_derived"]
    out: dict[str, list[Placed]] = {}
    for (k, g, cells, unknown, why), n in sums.items():
        out.setdefault(k, []).append(Placed(g, cells, unknown, why, n))
    return out, derived


@dataclass(frozen=True)
class FormPlacement:
    """Biểu 06's rows grouped by their placement (:func:`tally`), per period key."""

    layout: Layout
    placed: Mapping[str, list[Placed]]
    due_derived: int
    decode: Callable[[int], tuple[str, str]]
    whole: str  # the key of the whole period (a month's is "YYYY-MM")


def form_of_placement(
    plan: Plan, span: Span, summary: InputSummary, got: FormPlacement, files: Sequence[str] = ()
) -> Form:
    """Biểu 06 from the placement of the rows (per month, or per group of a field);
    ``summary``: the run's input summary (the problems ``check`` counts); ``files``: each file's
    path."""
    from ..report import form_of
    from .groups import MONTH, months_of

    lay, placed = got.layout, got.placed
    if lay.by == MONTH:
        parts = [(f"{m[0]:%Y-%m}", m, placed[f"{m[0]:%Y-%m}"]) for m in months_of(span)]
    else:
        parts = [
            (label, None, [p for p in placed[got.whole] if p.group == g])
            for g, label in enumerate(lay.labels)
        ]
    whole = placed[got.whole]
    derived = got.due_derived
    return form_of(plan, span, lay.by, parts, whole, summary, lay.gone, got.decode, derived, files)


def placement_of(lay: Layout, outcome: Outcome, whole: str) -> FormPlacement:
    """The form's placement from a query with ``Options.form``."""
    placed, derived = tally(outcome, whole)
    return FormPlacement(lay, placed, derived, outcome.compiler.decode, whole)
