"""Data quality of an export: every cell problem, plus rows whose fields contradict each other;
and of the registers (``--registers``): bad cells, repeated keys, values naming no row of the
register they refer to.

One run of the pipeline (:func:`cchc_cli.pipeline.run` with ``problems``): the problems are read
from the very query ``check`` counts with (:mod:`cchc_cli.engine.problems`,
:mod:`cchc_cli.engine.register_problems`), so the two commands never disagree about a file, and
the reconciliation is ``check``'s own input summary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine.problems import Problems
    from .engine.register_problems import RegisterProblem, Unchecked
    from .engine.registers import RegisterInput
    from .pipeline import Request, Run
    from .results import InputSummary


@dataclass(frozen=True)
class Validation:
    input: InputSummary  # the export (several files counted as one: their totals)
    files: tuple[InputSummary, ...]  # each file's
    unmatched_headers: tuple[str, ...]  # headers no field claims (every file's, first seen)
    period: tuple[dt.date, dt.date]
    rows_read: int
    rows_before: int
    rows_in: int
    rows_after: int
    rows_no_received_date: int
    rows_not_received: int
    rows_with_problems: int
    due_dates_derived: int
    problems: Problems  # line, column, header, field, value, reason — by file, line, column
    accounting: InputSummary  # the same row totals `check` prints

    @property
    def by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(self.problems.reason).items()))


@dataclass(frozen=True)
class RegisterCheck:
    """One register file validated: what was read, its problems (by line, column), and the
    references it could not check (the register they name was not given)."""

    input: RegisterInput
    problems: tuple[RegisterProblem, ...]
    unchecked: tuple[Unchecked, ...]

    @property
    def by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(p.reason for p in self.problems).items()))


@dataclass(frozen=True)
class Validated:
    """What ``validate`` found: the export's problems (None: no export given) and each given
    register's (in the plan's order); ``not_given``: the plan's registers not among them."""

    period: tuple[dt.date, dt.date]
    export: Validation | None
    registers: tuple[RegisterCheck, ...]
    not_given: tuple[str, ...]

    @property
    def count(self) -> int:
        """Every problem found (the exit code's)."""
        mine = len(self.export.problems) if self.export is not None else 0
        return mine + sum(len(r.problems) for r in self.registers)


def validate(request: Request) -> Validated:
    """Every problem of the request's exports and registers over its period."""
    from .pipeline import run

    done = run(dataclasses.replace(request, problems=True))
    export = _export(done) if request.inputs else None
    registers: tuple[RegisterCheck, ...] = ()
    not_given: tuple[str, ...] = ()
    found = done.register_problems
    if request.registers and found is not None:
        registers = tuple(
            RegisterCheck(i, found.problems[i.register], found.unchecked[i.register])
            for i in done.result.registers
        )
        given = {i.register for i in done.result.registers}
        not_given = tuple(n for n in done.plan.registers if n not in given)
    return Validated(done.period, export, registers, not_given)


def _export(done: Run) -> Validation:
    whole, found = done.whole, done.checked
    assert whole is not None and found is not None
    summary = whole.summary
    return Validation(
        input=summary,
        files=whole.files,
        unmatched_headers=found.unmatched,
        period=done.period,
        rows_read=summary.rows_read,
        rows_before=found.rows_before,
        rows_in=found.rows_in,
        rows_after=found.rows_after,
        rows_no_received_date=found.rows_no_received_date,
        rows_not_received=found.rows_not_received,
        rows_with_problems=found.rows_with_problems,
        due_dates_derived=summary.due_dates_derived,
        problems=found.problems,
        accounting=summary,
    )
