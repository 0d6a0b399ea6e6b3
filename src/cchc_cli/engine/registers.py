"""The register indicators counted by SQL: each register's rows typed, every indicator one query.

A register file is bound to its register's fields as an export is to the plan's columns
(:func:`cchc_cli.io.binding.bind_headers` over a view of the plan whose columns are the register's),
and its cells typed by :mod:`cchc_cli.io.cells` — the dossiers' date formats, whole numbers and
vocabulary folding — into one small Arrow table per register (``reg_<name>``: ``_line``, then per
field ``v_`` the value, ``w_`` the reason code of a bad cell, ``e_`` whether the cell is empty and,
for text, ``k_`` the value folded as vocabulary words are). Registers are lists of hundreds of
rows, so typing in Python costs nothing; the counting is one SQL query per register, run by
DuckDB or, through :class:`~cchc_cli.engine.spark.SparkConnection`, by Spark (plain SQL that
sqlglot transpiles: joins, ``CASE``, a window for repeated keys, ``GROUP BY``).

Per indicator, the state of a row is 0 (outside the denominator), 1 (in it), 2 (in the numerator)
or ``3 + field * len(REASONS) + reason`` (left out, with the first bad cell the rule reads, as for
dossiers); a sum's weights are added up per state. Conditions are three-valued with SQL's NULL as
unknown: an empty date is "no date" (a comparison with it is false), a bad one is unknown; a
repeated or empty key sets its rows aside from every indicator of the register (left out where
they would, or might, be in the denominator). ``has a R row (F) where C`` is a left join on the
folded keys with R's rows aggregated: true if one meets C, unknown if none does but one might.
Working-day offsets join the plan's calendar (``work_calendar``, as for due dates).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import arrow as A
from ..errors import Reason
from ..io.binding import HeaderBinding, bind_headers
from ..io.cells import EMPTY, UNKNOWN, encode_words, parse_dates, parse_integers
from ..io.staged import (
    ABSENT,  # a cell cut off a short row
    Staged,
    cell_names,
)
from ..plan import fields as F
from ..plan.conditions import (
    PERIOD_BOUNDS,
    And,
    Compare,
    Condition,
    Has,
    InPeriod,
    Not,
    Operand,
    Or,
    Ref,
    Test,
    leaves,
)
from ..plan.model import Indicator, Plan
from ..plan.registers import Register, RegisterRule, Side, reads, registers_read, rule_reads, view
from ..results import NO_DATA, IndicatorResult, LeftOut, lacking_detail, no_register, rate
from ..text import closest, fold_value
from . import dates as D
from .calendar_sql import calendar_table
from .compile import day_lit, flatten, lit, nest

if TYPE_CHECKING:
    from .register_problems import RegisterProblems

REASONS: tuple[Reason, ...] = tuple(Reason)
UNKNOWN_FIELD = ("", "?")  # a row left out without a bad cell to name


def reason_index(reason: Reason) -> int:
    return REASONS.index(reason)


# -- typing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One register's file, bound and typed: ``typed`` is the relation the query reads."""

    register: Register
    staged: Staged
    columns: HeaderBinding
    typed: pa.Table


def cells_of(staged: Staged) -> pa.Table:
    if staged.arrow is not None:
        return staged.arrow
    import pyarrow.parquet as pq

    return pa.concat_tables([pq.read_table(p) for p in staged.parquet])


def bind_register(plan: Plan, register: Register, staged: Staged) -> Table:
    """The register's fields found among the file's headers (a field no header names is
    missing: the indicators reading it are no_data), its cells typed."""
    cells = cells_of(staged)
    info = staged.info
    names = cell_names(len(info.headers))
    columns = bind_headers(
        view(plan, register),
        info.headers,
        info.path,
        info.header_line,
        lambda i: cells[names[i]].filter(pc.not_equal(cells[names[i]], "")),
    )
    return Table(register, staged, columns, type_cells(plan, register, cells, columns))


def type_cells(plan: Plan, register: Register, cells: pa.Table, columns: HeaderBinding) -> pa.Table:
    """The typed relation of one register file (columns over numpy buffers: ``pa.array`` would
    import pandas on ``check``'s path)."""
    n = cells.num_rows
    out: dict[str, pa.Array] = {"_line": cells["_line"].combine_chunks()}
    short, missing = reason_index(Reason.SHORT_ROW), reason_index(Reason.MISSING_VALUE)
    blank = A.strings([""] * n)
    for name, spec in register.columns.items():
        found = columns.where.get(name)
        if found is None:  # absent: the indicators reading it are no_data, never counted
            out[f"v_{name}"] = pa.nulls(n, _arrow_type(spec.kind))
            out[f"w_{name}"] = pa.nulls(n, pa.int32())
            out[f"e_{name}"] = A.flags(np.ones(n, dtype=bool))
            out[f"r_{name}"] = blank
            if spec.kind == F.TEXT:
                out[f"k_{name}"] = blank
            continue
        arr = cells[str(found[0])]
        arr = pc.cast(arr, pa.large_string())  # words may come dictionary-coded
        cut, empty = A.is_text(arr, ABSENT), A.is_text(arr, "")
        arr = pc.if_else(A.flags(cut), blank, arr)
        if not isinstance(arr, pa.ChunkedArray):  # as the readers give cells
            arr = pa.chunked_array([arr])
        out[f"r_{name}"] = arr  # as written: the rows behind a figure show it
        why = np.full(n, -1, dtype=np.int32)
        if spec.kind == F.TEXT:
            texts = arr.to_pylist()
            value = arr
            folded = {t: fold_value(t) for t in set(texts)}
            out[f"k_{name}"] = A.strings([folded[t] for t in texts])
        elif spec.kind == F.DATE:
            days, bad = parse_dates(arr, empty | cut)
            why[bad] = reason_index(Reason.INVALID_DATE)
            epoch = (days - np.datetime64("1970-01-01", "D")).astype(np.int64)
            value = A.numbers(np.where(np.isnat(days), 0, epoch), pa.date32(), ~np.isnat(days))
        elif spec.kind == F.INTEGER:
            numbers, bad = parse_integers(arr, empty | cut)
            why[bad] = reason_index(Reason.INVALID_NUMBER)
            ok = ~np.isnan(numbers)
            value = A.numbers(np.where(ok, numbers, 0), pa.int64(), ok)
        else:
            vocab = plan.vocabularies[spec.type]
            codes, bad = encode_words(arr, vocab, empty | cut)
            why[bad] = reason_index(Reason.UNKNOWN_VALUE)
            words = [*vocab.categories]
            value = A.strings(
                [None if c == UNKNOWN else "" if c == EMPTY else words[c] for c in codes.tolist()]
            )
        if not spec.allow_empty:
            why[empty] = missing
        why[cut] = short
        known = why < 0
        if not spec.allow_empty or spec.kind != F.TEXT:
            value = pc.if_else(A.flags(known), value, pa.nulls(n, value.type))
        out[f"v_{name}"] = value
        out[f"w_{name}"] = A.numbers(np.where(known, 0, why), pa.int32(), ~known)
        out[f"e_{name}"] = A.flags(empty)
    return A.table(out)


def _arrow_type(kind: str) -> pa.DataType:
    return {F.DATE: pa.date32(), F.INTEGER: pa.int64()}.get(kind, pa.large_string())


# -- the query ---------------------------------------------------------------------------------


class Compiler:
    """The SQL of the indicators of one register over the typed relations ``reg_<name>``, for
    the period ``span`` (inlined)."""

    def __init__(self, plan: Plan, span: tuple[dt.date, dt.date], calendar: pa.Table):
        self.plan = plan
        self.span = span
        self.calendar = calendar
        self.fields = [(r, f) for r, reg in plan.registers.items() for f in reg.columns]
        self.fields.append(UNKNOWN_FIELD)
        self.field_index = {rf: i for i, rf in enumerate(self.fields)}

    # codes of left-out rows

    def code(self, register: str, field: str, reason_sql: str) -> str:
        k = self.field_index[register, field]
        return f"({3 + k * len(REASONS)} + {reason_sql})"

    def decode(self, state: int) -> tuple[str, str, str]:
        """(reason, register, field) of a left-out state."""
        k = state - 3
        register, field = self.fields[k // len(REASONS)]
        return REASONS[k % len(REASONS)].value, register, field

    # the rows of a register, with the columns a set of conditions needs

    def rows(self, reg: Register, conditions: Sequence[Condition | None]) -> tuple[str, dict]:
        """``reg``'s rows with ``_aside`` (the reason its key sets the row aside), each offset
        operand's date (``o<i>``) and each semi-join's outcome (``j<i>_m``: 2 true, 1 unknown,
        0 or NULL false; ``j<i>_why``: the state of an unknown one); and the names given to
        those operands and semi-joins."""
        base = f"reg_{reg.name}"
        aside = "CAST(NULL AS INTEGER)"
        if reg.key is not None:
            dup = reason_index(Reason.DUPLICATE_ID)
            aside = (
                f"CASE WHEN w_{reg.key} IS NOT NULL THEN w_{reg.key}"
                f" WHEN count(*) OVER (PARTITION BY k_{reg.key}) > 1 THEN {dup} END"
            )
        sql = f"SELECT r.*, {aside} AS _aside FROM {base} AS r"
        names: dict = {}
        picked, joins = [], []
        for cond in conditions:
            for node in leaves(cond):
                operands = [node.left, node.right] if isinstance(node, Compare) else []
                for o in operands:
                    if o.unit is None or o.field in PERIOD_BOUNDS or o in names:
                        continue
                    i = len(names)
                    names[o] = f"o{i}"
                    col = f"t.v_{o.field}"
                    if o.unit == "days":
                        picked.append(f"CAST({col} + INTERVAL '{o.days}' DAY AS DATE) AS o{i}")
                        continue
                    back = f" + CASE WHEN c{i}.working THEN 0 ELSE 1 END" if o.days < 0 else ""
                    joins.append(
                        f" LEFT JOIN work_calendar AS c{i} ON c{i}.day = {col}"
                        f" LEFT JOIN work_calendar AS d{i} ON d{i}.working"
                        f" AND d{i}.ord = c{i}.ord + ({o.days}){back}"
                    )
                    picked.append(f"d{i}.day AS o{i}")
                if isinstance(node, Has) and node not in names:
                    i = len(names)
                    names[node] = f"j{i}"
                    joins.append(
                        f" LEFT JOIN ({self.semi_join(node)}) AS j{i} ON j{i}.k = t.k_{node.outer}"
                    )
                    picked += [f"j{i}.m AS j{i}_m", f"j{i}.why AS j{i}_why"]
        cols = "".join(f", {p}" for p in picked)
        return f"SELECT t.*{cols} FROM ({sql}) AS t{''.join(joins)}", names

    def semi_join(self, has: Has) -> str:
        """The rows of ``has.register`` per folded key: ``m`` 2 if one meets the condition, 1
        if none does but one might (unknown, or set aside), 0 otherwise; ``why`` the smallest
        state of the unknown ones."""
        reg = self.plan.registers[has.register]
        rows, names = self.rows(reg, [has.where])
        cond = self.cond(has.where, reg, names)
        why = self.why(reg, reads(has.where), names)
        layers = [
            [("_c", cond)],
            [("_m", "CASE WHEN _aside IS NULL AND _c THEN 2 WHEN _c IS FALSE THEN 0 ELSE 1 END")],
        ]
        inner = nest(rows, layers)
        k = f"k_{has.inner}"
        return (
            f"SELECT {k} AS k, MAX(_m) AS m, MIN(CASE WHEN _m = 1 THEN {why} END) AS why"
            f" FROM ({inner}) AS s WHERE {k} <> '' GROUP BY {k}"
        )

    # conditions

    def cond(self, cond: Condition | None, reg: Register, names: Mapping) -> str:
        if cond is None:
            return "TRUE"
        if isinstance(cond, And):
            return "(" + " AND ".join(self.cond(c, reg, names) for c in cond.items) + ")"
        if isinstance(cond, Or):
            return "(" + " OR ".join(self.cond(c, reg, names) for c in cond.items) + ")"
        if isinstance(cond, Not):
            return f"(NOT {self.cond(cond.item, reg, names)})"
        if isinstance(cond, Has):
            j = names[cond]
            return (
                f"(CASE WHEN w_{cond.outer} IS NOT NULL THEN NULL WHEN {j}_m = 2 THEN TRUE"
                f" WHEN {j}_m = 1 THEN NULL ELSE FALSE END)"
            )
        if isinstance(cond, Compare):
            (va, ea, ba), (vb, eb, bb) = (self.operand(o, names) for o in (cond.left, cond.right))
            op = "<>" if cond.op == "!=" else cond.op
            return (
                f"(CASE WHEN {ea} OR {eb} THEN FALSE WHEN {ba} OR {bb} THEN NULL"
                f" ELSE {va} {op} {vb} END)"
            )
        v, w = f"v_{cond.field}", f"w_{cond.field}"
        if isinstance(cond, InPeriod):
            start, end = (day_lit(d) for d in self.span)
            return (
                f"(CASE WHEN {w} IS NOT NULL THEN NULL WHEN {v} IS NULL THEN FALSE"
                f" ELSE {v} >= {start} AND {v} <= {end} END)"
            )
        if isinstance(cond, Ref):
            vocab = self.plan.vocabularies[reg.columns[cond.field].type]
            return f"({v} IN ({lit(vocab.true or '')}))"
        assert isinstance(cond, Test)
        if cond.op in ("empty", "not empty"):
            res = f"(CASE WHEN e_{cond.field} THEN TRUE WHEN {w} IS NOT NULL THEN NULL ELSE FALSE END)"
            return res if cond.op == "empty" else f"(NOT {res})"
        res = f"({v} IN ({', '.join(lit(x) for x in cond.values)}))"
        return res if cond.op == "in" else f"(NOT {res})"

    def operand(self, o: Operand, names: Mapping) -> tuple[str, str, str]:
        """(value, empty, unknown) of an operand, as SQL."""
        if o.field in PERIOD_BOUNDS:
            day = self.span[0] if o.field == "period_start" else self.span[1]
            return day_lit(self.shift(day, o)), "FALSE", "FALSE"
        v, w = f"v_{o.field}", f"w_{o.field}"
        empty = f"({v} IS NULL AND {w} IS NULL)"
        if o.unit is None:
            return v, empty, f"({w} IS NOT NULL)"
        day = names[o]
        return day, empty, f"({w} IS NOT NULL OR ({v} IS NOT NULL AND {day} IS NULL))"

    def shift(self, day: dt.date, o: Operand) -> dt.date:
        """A period bound moved by the operand's offset (the calendar table, as in the query)."""
        if o.unit is None or o.days == 0:
            return day
        if o.unit == "days":
            return day + dt.timedelta(days=o.days)
        days = self.calendar["day"].to_pylist()
        ords = self.calendar["ord"].to_numpy()
        working = np.asarray(self.calendar["working"].to_pylist(), dtype=bool)
        at = days.index(day)
        target = ords[at] + o.days + (0 if o.days > 0 or working[at] else 1)
        hit = np.flatnonzero(working & (ords == target))
        return days[int(hit[0])]

    def why(self, reg: Register, read: Sequence, names: Mapping) -> str:
        """The state of a left-out row: its key's reason first, then the first bad cell of what
        the rule reads, in order."""
        branches = []
        if reg.key is not None:
            branches.append(
                f"WHEN _aside IS NOT NULL THEN {self.code(reg.name, reg.key, '_aside')}"
            )
        for r in read:
            if isinstance(r, Has):
                branches.append(f"WHEN {names[r]}_m = 1 THEN {names[r]}_why")
            elif r != reg.key:
                branches.append(f"WHEN w_{r} IS NOT NULL THEN {self.code(reg.name, r, f'w_{r}')}")
        fallback = self.code(*UNKNOWN_FIELD, str(reason_index(Reason.UNKNOWN_VALUE)))
        return f"CASE {' '.join(branches)} ELSE {fallback} END"

    # the indicators of one register

    def indicators(self, reg: Register) -> list[Indicator]:
        return [i for i in self.plan.indicators if i.register == reg.name]

    def states_sql(self, reg: Register, inds: Sequence[Indicator]) -> tuple[str, list[str]]:
        """Every row of ``reg`` with its state per indicator (``s<k>``) and, per sum side, its
        summand in the denominator / numerator (``dw<k>`` / ``nw<k>``): the relation both the
        figures and the rows behind them are read from; and the sums' names."""
        conds = [c for ind in inds for c in _conditions(ind.rule)]
        rows, names = self.rows(reg, conds)
        defs = [("_active", "(_aside IS NULL)")]
        sums: list[str] = []
        for k, ind in enumerate(inds):
            rule = ind.rule
            # a count has no denominator: its rows are those it might count, so a row set aside
            # is left out only where it might have been counted
            den = rule.denominator or Side(rule.numerator.condition)
            d = _known_sum(self.cond(den.condition, reg, names), den.sum)
            n = _known_sum(self.cond(rule.numerator.condition, reg, names), rule.numerator.sum)
            why = self.why(reg, rule_reads(rule), names)
            defs += [
                (f"d{k}", d),
                (f"n{k}", n),
                (f"den{k}", f"(d{k} AND (_active OR NULL))"),
                (f"num{k}", f"(_active AND den{k} AND n{k})"),
                (f"s{k}", f"COALESCE(CAST(den{k} AS INTEGER) + CAST(num{k} AS INTEGER), {why})"),
            ]
            if den.sum is not None:
                defs.append((f"dw{k}", f"CASE WHEN s{k} IN (1, 2) THEN v_{den.sum} ELSE 0 END"))
                sums.append(f"SUM(dw{k}) AS dw{k}")
            if rule.numerator.sum is not None:
                field = rule.numerator.sum
                defs.append((f"nw{k}", f"CASE WHEN s{k} = 2 THEN v_{field} ELSE 0 END"))
                sums.append(f"SUM(nw{k}) AS nw{k}")
        return nest(rows, flatten(defs)), sums

    def sql(self, reg: Register, inds: Sequence[Indicator]) -> str:
        """One row per combination of the indicators' states: ``n`` rows, and per sum side
        ``dw<k>`` / ``nw<k>`` the sum of its field over the rows in the denominator / numerator."""
        typed, sums = self.states_sql(reg, inds)
        group = ", ".join(f"s{k}" for k in range(len(inds)))
        extra = "".join(f", {s}" for s in sums)
        return f"SELECT {group}, count(*) AS n{extra} FROM ({typed}) AS x GROUP BY {group}"

    def summary_sql(self, reg: Register) -> str:
        """Rows set aside by their key, per reason, and the bad cells."""
        rows, _ = self.rows(reg, [])
        bad = " + ".join(f"CASE WHEN w_{f} IS NOT NULL THEN 1 ELSE 0 END" for f in reg.columns)
        return f"SELECT _aside, count(*) AS n, SUM({bad}) AS bad FROM ({rows}) AS x GROUP BY _aside"


# -- the rows behind a figure -------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterPick:
    """What to list of one register indicator: its rows of these classes (None: every row)."""

    indicator: str
    classes: frozenset[str] | None


@dataclass(frozen=True)
class RegisterRows:
    """The listed rows of one register indicator, in the shape :class:`cchc_cli.explain.RowTable`
    reads (``_file``, ``_line``, ``c_<id>`` class index, ``r_<id>`` reason state, ``t_<name>``
    the cells as a person reads them), and where they are: the register's file and sheet. Cells
    are named ``register.field`` (``key`` and ``fields`` too), as ``left_out_by`` names them:
    a register's field can be called anything, even ``kind`` or ``line``, without meeting the
    columns every row list has."""

    indicator: str
    register: str
    path: str
    sheet: str | None
    key: str | None
    fields: tuple[str, ...]
    table: pa.Table
    compiler: Compiler

    def decode(self, state: int) -> tuple[str, str]:
        """(reason, ``register.field``) of a left-out state, as ``left_out_by`` names it."""
        reason, register, field = self.compiler.decode(state)
        return reason, f"{register}.{field}" if register else field


def shown_fields(reg: Register, rule: RegisterRule) -> tuple[str, ...]:
    """The cells listed per row: the key (else the first field), the first other text field
    (what a person recognises the row by: a procedure's name, a course), then what the rule
    reads, in order."""
    first = reg.key or next(iter(reg.columns))
    out = [first]
    label = next((n for n, s in reg.columns.items() if s.kind == F.TEXT and n != first), None)
    if label is not None:
        out.append(label)
    for r in rule_reads(rule):
        name = r.outer if isinstance(r, Has) else r
        if name not in out:
            out.append(name)
    return tuple(out)


def rows_sql(compiler: Compiler, reg: Register, ind: Indicator, pick: RegisterPick) -> str:
    """The rows of ``ind`` that ``pick`` selects, in file order, from the relation its figures
    are counted from (:meth:`Compiler.states_sql`), so the list and the counts cannot differ."""
    from ..explain import CLASSES, COUNTED_FAIL, COUNTED_PASS, LEFT_OUT, NOT_IN_DENOMINATOR
    from .rows import cell_sql

    states, _ = compiler.states_sql(reg, [ind])
    idx = {c: CLASSES.index(c) for c in CLASSES}
    cls = (
        f"CASE s0 WHEN 2 THEN {idx[COUNTED_PASS]} WHEN 1 THEN {idx[COUNTED_FAIL]}"
        f" WHEN 0 THEN {idx[NOT_IN_DENOMINATOR]} ELSE {idx[LEFT_OUT]} END"
    )
    why = "CASE WHEN s0 >= 3 THEN s0"  # a row its key sets aside: the key says why
    if reg.key is not None:
        why += f" WHEN _aside IS NOT NULL THEN {compiler.code(reg.name, reg.key, '_aside')}"
    why += " END"
    cols = [
        "0 AS _file",
        "_line",
        f'{cls} AS "c_{ind.id}"',
        f'{why} AS "r_{ind.id}"',
        *(
            f'{cell_sql(reg.columns[n].kind, n)} AS "t_{reg.name}.{n}"'
            for n in shown_fields(reg, ind.rule)
        ),
    ]
    sql = f"SELECT {', '.join(cols)} FROM ({states}) AS x"
    if pick.classes is not None:
        codes = ", ".join(str(idx[c]) for c in sorted(pick.classes))
        sql = f'SELECT * FROM ({sql}) AS y WHERE "c_{ind.id}" IN ({codes or "NULL"})'
    return sql + " ORDER BY _line"


def _known_sum(cond: str, field: str | None) -> str:
    """A side's condition, unknown where its summand is (a row with a bad number is left out)."""
    if field is None:
        return cond
    return f"({cond} AND CASE WHEN w_{field} IS NULL THEN TRUE END)"


def _conditions(rule: RegisterRule) -> list[Condition | None]:
    return [s.condition for s in (rule.denominator, rule.numerator) if s is not None]


# -- running ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterInput:
    """One register file read: where it came from, and its rows set aside by their key."""

    register: str
    path: str
    sha256: str
    size: int
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    rows_read: int
    blank_rows: int
    rows_set_aside: int
    set_aside_by: tuple[LeftOut, ...]
    problems: int  # bad cells
    missing_columns: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    layout: tuple[tuple[int, str], ...] = ()
    # per missing field, its first header and the file's unclaimed header most like one of its
    # names ('' when none is): "Có chữ kí số" for "Có chữ ký số"
    near: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class RegisterRun:
    """Every register indicator's result, and the register files read."""

    results: Mapping[str, IndicatorResult]
    inputs: tuple[RegisterInput, ...]
    sql: str = ""
    months: Mapping[str, Mapping[str, IndicatorResult]] = dataclasses.field(default_factory=dict)
    rows: Mapping[str, RegisterRows] = dataclasses.field(
        default_factory=dict
    )  # the picks' rows, by id
    problems: RegisterProblems | None = None  # ``problems=True``: validate's, from the same tables


def calendar_years(plan: Plan, tables: Sequence[Table], span) -> tuple[int | None, int | None]:
    """The years the working-day offsets of the register rules need (None, None: no rule has
    one, the calendar is not built): from the year before the first date they read, or P's,
    to a year after the last (far enough for the largest offset)."""
    fields, most = _working_offsets(plan)
    if not fields:
        return None, None
    first, last = [span[0].year], [span[1].year]
    for t in tables:
        for name in fields.get(t.register.name, ()):
            values = t.typed[f"v_{name}"]
            low, high = pc.min(values).as_py(), pc.max(values).as_py()
            if low is not None:
                first.append(low.year)
                last.append(high.year)
    reach = most // 200  # working days in a year: ~250
    return max(D.FIRST_YEAR, min(first) - 1 - reach), max(last) + 1 + reach


def _working_offsets(plan: Plan) -> tuple[dict[str, set[str]], int]:
    """Per register, the date fields its rules offset by working days, and the largest offset."""
    fields: dict[str, set[str]] = {}
    most = 0

    def walk(cond: Condition | None, register: str) -> None:
        nonlocal most
        for node in leaves(cond):
            if isinstance(node, Has):
                walk(node.where, node.register)
            elif isinstance(node, Compare):
                for o in (node.left, node.right):
                    if o.unit not in (None, "days"):
                        most = max(most, abs(o.days))
                        if o.field not in PERIOD_BOUNDS:
                            fields.setdefault(register, set()).add(o.field)

    for ind in plan.indicators:
        if ind.rule is not None:
            for cond in _conditions(ind.rule):
                walk(cond, ind.rule.register)
    if most and not fields:  # a period bound moved by working days: the period's years only
        fields = {"": set()}
    return fields, most


def run_registers(
    plan: Plan,
    staged: Mapping[str, Staged],
    span: tuple[dt.date, dt.date],
    connection=None,
    *,
    months: Mapping[str, tuple[dt.date, dt.date]] | None = None,
    picks: Sequence[RegisterPick] = (),
    problems: bool = False,
    stray: Sequence[str] = (),
) -> RegisterRun:
    """The register indicators of the plan over the given registers (by name) for ``span`` and
    each of ``months`` (key -> span), and the rows ``picks`` ask for; a register not given
    leaves the indicators that read it no_data, with the reason; with ``problems``, every
    problem of the registers too (:mod:`.register_problems`). ``stray``: the files of the given
    folders that hold no register, named beside a register not given (a mistyped name)."""
    tables = {name: bind_register(plan, plan.registers[name], s) for name, s in staged.items()}
    import duckdb

    spans = {None: span, **(months or {})}
    con = connection or duckdb.connect()
    try:
        low = min(s[0] for s in spans.values())
        calendar = calendar_table(
            plan, *calendar_years(plan, list(tables.values()), (low, span[1]))
        )
        con.register("work_calendar", calendar)
        for name, t in tables.items():
            con.register(f"reg_{name}", t.typed)
        per_span: dict = {}
        queries = []
        for key, days in spans.items():
            compiler = Compiler(plan, days, calendar)
            results: dict[str, IndicatorResult] = {}
            for reg in plan.registers.values():
                inds = compiler.indicators(reg)
                ready = [i for i in inds if _available(plan, i, tables, stray) is None]
                for ind in inds:
                    missing = _available(plan, ind, tables, stray)
                    if missing is not None:
                        results[ind.id] = missing
                if ready:
                    sql = compiler.sql(reg, ready)
                    if key is None:
                        queries.append(sql)
                    rows = con.execute(sql).fetchall()
                    results.update(_figures(compiler, ready, rows))
            per_span[key] = {i.id: results[i.id] for i in plan.indicators if i.id in results}
        compiler = Compiler(plan, span, calendar)
        listed = _fetch(con, compiler, tables, picks, per_span[None])
        inputs = tuple(_input(compiler, con, tables[n]) for n in plan.registers if n in tables)
        found = None
        if problems:
            from .register_problems import register_problems

            found = register_problems(plan, tables, con)
    finally:
        if connection is None:
            con.close()
    by_month = {k: v for k, v in per_span.items() if k is not None}
    return RegisterRun(per_span[None], inputs, ";\n".join(queries), by_month, listed, found)


def _fetch(
    con,
    compiler: Compiler,
    tables: Mapping[str, Table],
    picks: Sequence[RegisterPick],
    results: Mapping[str, IndicatorResult],
) -> dict[str, RegisterRows]:
    """The rows each pick lists (none for an indicator without its register or a field it
    reads: its rows would say nothing about it)."""
    from .rows import arrow_of

    out = {}
    for pick in picks:
        ind = compiler.plan.indicator(pick.indicator)
        t = tables.get(ind.register)
        if t is None or any(n not in tables for n in registers_read(ind.rule)):
            continue  # a register it reads was not given: no_register, nothing to list
        reg = t.register
        table = arrow_of(con, rows_sql(compiler, reg, ind, pick))
        if results[ind.id].reason in (Reason.MISSING_COLUMN.value, Reason.NO_REGISTER.value):
            table = table.slice(0, 0)
        info = t.staged.info
        out[ind.id] = RegisterRows(
            ind.id,
            reg.name,
            info.path,
            info.sheet,
            f"{reg.name}.{reg.key}" if reg.key else None,
            tuple(f"{reg.name}.{n}" for n in shown_fields(reg, ind.rule)),
            table,
            compiler,
        )
    return out


def _available(
    plan: Plan, ind: Indicator, tables: Mapping[str, Table], stray: Sequence[str] = ()
) -> IndicatorResult | None:
    """no_data when a register the indicator reads was not given (and the files that matched
    no register's name, when a folder had some), or lacks a field it reads."""
    rule = ind.rule
    for name in registers_read(rule):
        if name not in tables:
            detail = _title(plan, name)
            if stray:
                detail += " — tệp không khớp tên sổ nào / matching no register: " + ", ".join(stray)
            return replace(no_register(plan, ind), reason_detail=detail)
    lacking = []
    for r in rule_reads(rule):
        pairs = [(rule.register, r)] if isinstance(r, str) else [(rule.register, r.outer)]
        if isinstance(r, Has):
            pairs.append((r.register, r.inner))
            pairs += [(r.register, f) for f in reads(r.where) if isinstance(f, str)]
        for reg, field in pairs:
            if field in tables[reg].columns.missing and (reg, field) not in lacking:
                lacking.append((reg, field))
    if lacking:
        detail = ", ".join(
            lacking_detail(view(plan, plan.registers[reg]), [field])
            + ("" if reg == rule.register else f" — {reg}")
            for reg, field in lacking
        )
        return IndicatorResult(
            ind, NO_DATA, None, None, None, reason=Reason.MISSING_COLUMN.value, reason_detail=detail
        )
    return None


def _title(plan: Plan, name: str) -> str:
    return f"{plan.registers[name].title} ({name})"


def _figures(compiler: Compiler, inds: Sequence[Indicator], rows) -> dict[str, IndicatorResult]:
    states = [Counter() for _ in inds]
    sums: list[dict[str, int]] = [{"dw": 0, "nw": 0} for _ in inds]
    width = len(inds)
    names = [*(f"s{k}" for k in range(width)), "n"]
    for k, ind in enumerate(inds):
        if (ind.rule.denominator or Side(None)).sum is not None:
            names.append(f"dw{k}")
        if ind.rule.numerator.sum is not None:
            names.append(f"nw{k}")
    for row in rows:
        got = dict(zip(names, row, strict=True))
        for k in range(width):
            states[k][got[f"s{k}"]] += got["n"]
            for side in ("dw", "nw"):
                if f"{side}{k}" in got:
                    sums[k][side] += got[f"{side}{k}"] or 0
    out = {}
    for k, ind in enumerate(inds):
        s = states[k]
        left = _left_out(compiler, s)
        lo = sum(x.rows for x in left)
        rule = ind.rule
        num = sums[k]["nw"] if rule.numerator.sum else s[2]
        if ind.measure == "count" and not sum(s.values()):  # an empty register counts nothing
            out[ind.id] = IndicatorResult(
                ind,
                NO_DATA,
                None,
                None,
                None,
                reason=Reason.ZERO_DENOMINATOR.value,
                reason_detail=_title(compiler.plan, ind.register),
            )
            continue
        if ind.measure == "count":
            met = "pass" if ind.target.met(Fraction(num)) else "fail"
            out[ind.id] = IndicatorResult(
                ind, met, Fraction(num), None, Fraction(num), left_out=lo, left_out_by=left
            )
            continue
        den = sums[k]["dw"] if (rule.denominator or Side(None)).sum else s[1] + s[2]
        out[ind.id] = rate(ind, Fraction(num), Fraction(den), left_out=lo, left_out_by=left)
    return out


def _left_out(compiler: Compiler, states: Counter) -> tuple[LeftOut, ...]:
    """Left-out rows by (reason, field), the field named ``register.field``."""
    by: Counter = Counter()
    for state, n in states.items():
        if state >= 3 and n:
            reason, register, field = compiler.decode(state)
            by[reason, f"{register}.{field}" if register else field] += n
    return tuple(LeftOut(r, f, n) for (r, f), n in sorted(by.items()))


def _input(compiler: Compiler, con, t: Table) -> RegisterInput:
    rows = con.execute(compiler.summary_sql(t.register)).fetchall()
    aside = Counter()
    bad = 0
    for reason, n, cells in rows:
        bad += cells or 0
        if reason is not None:
            aside[REASONS[reason].value] += n
    info = t.staged.info
    key = t.register.key or ""
    return RegisterInput(
        register=t.register.name,
        path=info.path,
        sha256=info.sha256,
        size=info.size,
        format=info.format,
        encoding=info.encoding,
        delimiter=info.delimiter,
        sheet=info.sheet,
        header_line=info.header_line,
        rows_read=info.rows,
        blank_rows=info.blank_rows,
        rows_set_aside=sum(aside.values()),
        set_aside_by=tuple(LeftOut(r, key, n) for r, n in sorted(aside.items())),
        problems=bad,
        missing_columns=t.columns.missing,
        headers=t.columns.headers,
        layout=info.layout,
        near=_near(t),
    )


def _near(t: Table) -> tuple[tuple[str, str, str], ...]:
    """(field, its first header, the closest header of the file no field claimed)."""
    claimed = {h for _, h in t.columns.headers}
    free = [h for h in t.staged.info.headers if h and h not in claimed]
    out = []
    for name in t.columns.missing:
        aliases = t.register.columns[name].aliases
        hits = [h for h in (closest(a, free) for a in aliases) if h]
        out.append((name, aliases[0], hits[0] if hits else ""))
    return tuple(out)


@dataclass(frozen=True)
class BadCell:
    """A register cell that cannot be used: where it is, what it holds, why."""

    register: str
    path: str
    sheet: str | None
    line: int
    column: int  # 1-based
    header: str
    value: str
    reason: str


def bad_cells(t: Table) -> list[BadCell]:
    """Every bad cell of a register file, by line then column."""
    cells = cells_of(t.staged)
    out = []
    lines = t.typed["_line"].to_pylist()
    for name in t.register.columns:
        found = t.columns.where.get(name)
        if found is None:
            continue
        col, header = found
        why = t.typed[f"w_{name}"].to_pylist()
        values = cells[str(col)].to_pylist()
        for line, w, value in zip(lines, why, values, strict=True):
            if w is not None:
                out.append(
                    BadCell(
                        t.register.name,
                        t.staged.info.path,
                        t.staged.info.sheet,
                        line,
                        col + 1,
                        header,
                        "" if value == ABSENT else value,
                        REASONS[w].value,
                    )
                )
    return sorted(out, key=lambda b: (b.line, b.column))


__all__ = [
    "BadCell",
    "RegisterInput",
    "RegisterPick",
    "RegisterRows",
    "RegisterRun",
    "bad_cells",
    "run_registers",
]
