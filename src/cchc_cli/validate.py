"""Data quality of an export: every cell problem, plus rows whose fields contradict each other.

One run of the pipeline (:func:`cchc_cli.pipeline.run` with ``problems``): the problems are read
from the very query ``check`` counts with (:mod:`cchc_cli.engine.problems`), so the two commands
never disagree about a file, and the reconciliation is ``check``'s own input summary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine.problems import Problems
    from .pipeline import Request
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


def validate(request: Request) -> Validation:
    """Every problem of the request's exports over its period."""
    from .pipeline import run

    done = run(dataclasses.replace(request, problems=True))
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
