"""``validate``'s register problems: what in a register file keeps rows from being counted right.

Read from the typed relations ``reg_<name>`` the counting queries read
(:mod:`cchc_cli.engine.registers`), so ``validate`` and ``check`` never disagree about a file:

- every bad cell (:func:`~cchc_cli.engine.registers.bad_cells`: a bad date, a word outside the
  vocabulary, a needed cell empty — an empty key among them, ``missing_value``);
- every row of a repeated key (``duplicate_id``), each naming the other lines of that key: the
  counting sets all of them aside, so all are listed;
- every value of a field the plan says ``refers:`` to another register that no row of that
  register has as its key (``unknown_reference``): a training row for a staff id the roster lacks.
  Values are compared folded, as the semi-join compares them (NFC, trimmed, case and diacritics
  ignored); an empty cell names nothing and is no such problem.

A reference to a register that was not given cannot be checked: it is skipped, with a note.
Plain SQL (a window, a left join), so the same queries run on Spark.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import Reason
from ..plan.model import Plan
from .registers import Table, bad_cells


@dataclass(frozen=True)
class RegisterProblem:
    """One problem of a register file: where (file, sheet, line, column and header), the value
    as written, why; ``refers``: the register it should be a key of (``unknown_reference``);
    ``other_lines``: the other lines of the same key (``duplicate_id``)."""

    register: str
    path: str
    sheet: str | None
    line: int
    column: int  # 1-based
    header: str
    field: str
    value: str
    reason: str
    refers: str | None = None
    other_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Unchecked:
    """A reference not checked: ``register.field`` refers to ``refers``, which was not given."""

    register: str
    field: str
    refers: str


@dataclass(frozen=True)
class RegisterProblems:
    """Per register given (in the plan's order): its problems by line and column, and the
    references it could not check."""

    problems: Mapping[str, tuple[RegisterProblem, ...]]
    unchecked: Mapping[str, tuple[Unchecked, ...]]

    def __len__(self) -> int:
        return sum(len(p) for p in self.problems.values())


def register_problems(plan: Plan, tables: Mapping[str, Table], con) -> RegisterProblems:
    """The problems of every register in ``tables``, whose typed cells ``con`` holds as
    ``reg_<name>``."""
    problems: dict[str, tuple[RegisterProblem, ...]] = {}
    unchecked: dict[str, tuple[Unchecked, ...]] = {}
    for name in plan.registers:
        t = tables.get(name)
        if t is None:
            continue
        found = [_bad(t, b) for b in bad_cells(t)]
        found += _repeated(t, con)
        skipped = []
        for field, target in t.register.refers.items():
            if target not in tables:
                skipped.append(Unchecked(name, field, target))
            elif field in t.columns.where:
                found += _dangling(t, tables[target], field, con)
        problems[name] = tuple(sorted(found, key=lambda p: (p.line, p.column)))
        unchecked[name] = tuple(skipped)
    return RegisterProblems(problems, unchecked)


def _problem(t: Table, field: str, line: int, value: str, reason: Reason, **more) -> RegisterProblem:
    col, header = t.columns.where[field]
    info = t.staged.info
    return RegisterProblem(
        t.register.name,
        info.path,
        info.sheet,
        line,
        col + 1,
        header,
        field,
        value,
        reason.value,
        **more,
    )


def _bad(t: Table, b) -> RegisterProblem:
    field = next(f for f, (col, _) in t.columns.where.items() if col + 1 == b.column)
    return _problem(t, field, b.line, b.value, Reason(b.reason))


def _repeated(t: Table, con) -> list[RegisterProblem]:
    """Every row whose key another row has too (an empty key is a bad cell, not a repeat)."""
    key = t.register.key
    if key is None:
        return []
    rows = con.execute(
        f"SELECT _line, v_{key}, k_{key} FROM ("
        f"SELECT _line, v_{key}, k_{key}, count(*) OVER (PARTITION BY k_{key}) AS n"
        f" FROM reg_{t.register.name} WHERE w_{key} IS NULL) AS d WHERE n > 1 ORDER BY _line"
    ).fetchall()
    lines: dict[str, list[int]] = {}
    for line, _, k in rows:
        lines.setdefault(k, []).append(line)
    return [
        _problem(
            t,
            key,
            line,
            value,
            Reason.DUPLICATE_ID,
            other_lines=tuple(x for x in lines[k] if x != line),
        )
        for line, value, k in rows
    ]


def _dangling(t: Table, target: Table, field: str, con) -> list[RegisterProblem]:
    """The rows whose ``field`` names no key of ``target`` (compared folded)."""
    key = target.register.key
    rows = con.execute(
        f"SELECT r._line, r.v_{field} FROM reg_{t.register.name} AS r"
        f" LEFT JOIN (SELECT DISTINCT k_{key} AS k FROM reg_{target.register.name}"
        f" WHERE k_{key} <> '') AS s ON s.k = r.k_{field}"
        f" WHERE r.w_{field} IS NULL AND r.k_{field} <> '' AND s.k IS NULL ORDER BY r._line"
    ).fetchall()
    return [
        _problem(
            t,
            field,
            line,
            value,
            Reason.UNKNOWN_REFERENCE,
            refers=target.register.name,
        )
        for line, value in rows
    ]


__all__ = ["RegisterProblem", "RegisterProblems", "Unchecked", "register_problems"]
