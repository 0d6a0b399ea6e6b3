"""The figures and verdicts of a run, as every renderer, the JSON and the evidence read them.

Pandas-free on purpose: the ``check`` path imports this, never the pandas route
(``tests/oracle``, kept as the differential tests' oracle). Frozen dataclasses: a result is a value.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Protocol

from .errors import Notice, Reason
from .plan import fields as F
from .plan.conditions import tests_of
from .text import visible

if TYPE_CHECKING:
    from .compare import Comparison
    from .engine.registers import RegisterInput, RegisterRun
    from .io.actuals import Actuals, Evidence
    from .plan.model import Indicator, Plan


class HasColumns(Protocol):
    """What decides whether an indicator can be counted: the columns the export has."""

    missing: tuple[str, ...]

    def has(self, name: str) -> bool: ...


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
    registers: tuple[RegisterInput, ...] = ()  # the register files read (--registers)

    @property
    def summary(self) -> dict[str, int]:
        c = Counter(r.status for r in self.indicators)
        return {PASS: c[PASS], FAIL: c[FAIL], NO_DATA: c[NO_DATA]}


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


def covered(name: str, records: HasColumns) -> bool:
    """due_at and processing_days stand in for each other; so do the two end dates."""
    partner = {
        "due_at": "processing_days",
        "processing_days": "due_at",
        "resolved_at": "returned_at",
        "returned_at": "resolved_at",
    }.get(name)
    return partner is not None and partner not in records.missing and records.has(partner)


def ratio_result(ind: Indicator, counts: Counts) -> IndicatorResult:
    return rate(
        ind,
        Fraction(counts.numerator),
        Fraction(counts.denominator),
        left_out=counts.left_out,
        left_out_by=counts.left_out_by,
    )


def rate(ind: Indicator, num: Fraction, den: Fraction, **extra) -> IndicatorResult:
    """num / den as a percent against the target; nothing to divide by is no_data, never a pass."""
    if den == 0:
        return IndicatorResult(
            ind, NO_DATA, num, den, None, reason=Reason.ZERO_DENOMINATOR.value, **extra
        )
    value = num * 100 / den
    return IndicatorResult(ind, PASS if ind.target.met(value) else FAIL, num, den, value, **extra)


def actual_result(ind: Indicator, actuals: Actuals | None) -> IndicatorResult:
    entry = actuals.entries.get(ind.id) if actuals else None
    if entry is None:
        return IndicatorResult(ind, NO_DATA, None, None, None, reason=Reason.NO_ACTUALS.value)
    if ind.measure == "ratio":
        assert entry.numerator is not None and entry.denominator is not None
        return rate(ind, entry.numerator, entry.denominator, evidence=entry.evidence)
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


@dataclass(frozen=True)
class Group:
    key: str | None  # "2023-05" for a month, the column's text (field, unit…), None: not given
    period: tuple[dt.date, dt.date]
    results: tuple[IndicatorResult, ...]  # the dossier indicators, then (a month) the register ones


def lacking_columns(columns: Iterable[str], records: HasColumns) -> list[str]:
    """The canonical ``columns`` the export lacks with nothing to stand in for them: what makes
    an indicator, or a column of Biểu 06, not available (never a silent zero)."""
    return [n for n in columns if n in records.missing and not covered(n, records)]


def lacking_detail(plan: Plan, lacking: Iterable[str]) -> str:
    """The missing columns as people know them: "Hình thức nộp (channel), …"."""
    return ", ".join(f"{plan.columns[n].aliases[0]} ({n})" for n in lacking)


def dossier_result(
    plan: Plan, ind: Indicator, columns: HasColumns, counts: Counts | None
) -> IndicatorResult:
    """The verdict of a dossier indicator from its counts; no_data, with the columns named,
    when the export lacks what it reads (``counts`` is then not looked at)."""
    lacking = lacking_columns(needed_fields(plan, ind), columns)
    if lacking or counts is None:
        return IndicatorResult(
            ind,
            NO_DATA,
            None,
            None,
            None,
            reason=Reason.MISSING_COLUMN.value,
            reason_detail=lacking_detail(plan, lacking),
        )
    return ratio_result(ind, counts)


def assemble(
    plan: Plan,
    period: tuple[dt.date, dt.date],
    columns: HasColumns | None,
    counts: Mapping[str, Counts],
    inputs: tuple[InputSummary, ...],
    actuals: Actuals | None,
    registered: RegisterRun | None = None,
) -> Result:
    """Every indicator of the plan, in its order: dossier ones from ``counts`` (``columns``
    None: no export was read, they are no_data), register ones from ``registered`` (none: no
    register was given), the others from ``actuals``; the notices that the data may be
    incomplete."""
    from .plan.period import incomplete_notices

    counted = registered.results if registered is not None else {}
    results = tuple(
        IndicatorResult(ind, NO_DATA, None, None, None, reason=Reason.NO_EXPORT.value)
        if ind.source == "dossiers" and columns is None
        else dossier_result(plan, ind, columns, counts.get(ind.id))
        if ind.source == "dossiers"
        else counted.get(ind.id) or no_register(plan, ind)
        if ind.source == "registers"
        else actual_result(ind, actuals)
        for ind in plan.indicators
    )
    warnings = incomplete_notices(plan, period, inputs)
    given = registered.inputs if registered is not None else ()
    return Result(plan, period, inputs, results, actuals, warnings, registers=given)


def no_register(plan: Plan, ind: Indicator) -> IndicatorResult:
    """A register indicator without its register: no data, never a pass."""
    reg = plan.registers[ind.register]
    return IndicatorResult(
        ind,
        NO_DATA,
        None,
        None,
        None,
        reason=Reason.NO_REGISTER.value,
        reason_detail=f"{reg.title} ({reg.name})",
    )
