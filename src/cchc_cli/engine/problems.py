"""``validate``'s problem rows, from the per-row relation the figures are counted from.

The query already counts each row's problems (``problems``, the figure ``check`` prints); only
the rows that have some are fetched, with the reason code of each field's bad cell (``w_<f>``),
the cell as written (``r_<f>``) and the row's contradictions, and each problem is written out
in Python: every unusable cell at its file line and column, a short row at its first missing
column, then the contradictions between columns. Sorted as ``validate`` always listed them: by
file, line and column, cell problems before contradictions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import Reason
from ..io.staged import ABSENT
from ..plan import fields as F
from .bind import Bound
from .compile import ABSENT as ABSENT_SQL
from .compile import REASONS, Compiler, lit, q, reason_code
from .duck import ROWS, Outcome
from .rows import arrow_of


@dataclass(frozen=True)
class Problems:
    """Every problem, one entry per list position (file order)."""

    file: tuple[int, ...]  # index of the file among those counted together
    line: tuple[int, ...]
    column: tuple[int, ...]  # 1-based; 0 for a field the file lacks
    header: tuple[str, ...]
    field: tuple[str, ...]  # "" for a short row
    value: tuple[str, ...]
    reason: tuple[str, ...]  # a Reason value

    def __len__(self) -> int:
        return len(self.line)


@dataclass(frozen=True)
class Checked:
    """What ``validate`` reports besides the problems: where the received dates fall."""

    problems: Problems
    unmatched: tuple[str, ...]  # headers no field claims (every file's, first seen first)
    rows_before: int
    rows_in: int
    rows_after: int
    rows_no_received_date: int
    rows_not_received: int
    rows_with_problems: int


def checked(
    con,
    outcome: Outcome,
    bounds: Sequence[Bound],
    periods: Sequence[tuple[str, dt.date, dt.date]],
    key: str,
) -> Checked:
    """The problems and the received-date counts of period ``key`` (a query run with ``rows``
    and ``received``: the problems from its view, the counts from its aggregate)."""
    where = "" if len(periods) == 1 else f" WHERE p_key = {lit(key)}"
    unmatched = tuple(dict.fromkeys(h for b in bounds for h in b.columns.unmatched))
    totals = outcome.tally(key).totals
    names = (
        "received_before",
        "received_within",
        "received_after",
        "received_none",
        "never_received",
        "with_problems",
    )
    return Checked(
        _problems(con, outcome.compiler, bounds, where),
        unmatched,
        *(int(totals[n]) for n in names),
    )


def _problems(con, compiler: Compiler, bounds: Sequence[Bound], where: str) -> Problems:
    plan = compiler.plan
    names = [n for n in plan.columns if compiler.present(n)]
    later = [(f, reason) for f, _, reason in F.DATE_ORDER]
    cols = ["_file", "_line", "_short", "_active", "not_received IS TRUE AS nr"]
    cols += [f"w_{n}" for n in names] + [f"r_{n}" for n in names]
    cols += [f"v_{f}" for f, _ in later]
    checks = ["without_end", *(f"before_{f}" for f, _ in later), "end_unresolved", "code_mismatch"]
    cols += checks
    cond = f"{where} AND" if where else " WHERE"
    sql = f"SELECT {', '.join(cols)} FROM {ROWS}{cond} problems > 0 ORDER BY _file, _line"
    rows = arrow_of(con, sql).to_pylist()
    cut = _first_cut(con, bounds, {(r["_file"], r["_line"]) for r in rows if r["_short"]})
    short, missing = reason_code(Reason.SHORT_ROW), reason_code(Reason.MISSING_VALUE)
    extras = [
        ("without_end", "status", Reason.RESOLVED_WITHOUT_END),
        *((f"before_{f}", f, reason) for f, reason in later),
        ("end_unresolved", "status", Reason.END_WITHOUT_RESOLVED),
        ("code_mismatch", "dossier_id", Reason.CODE_DATE_MISMATCH),
    ]
    out: list[tuple] = []  # (file, line, column, seq, header, field, value, reason)
    for r in rows:
        b = bounds[r["_file"]]
        at = b.columns.where
        file, line = r["_file"], r["_line"]
        place = {n: (c + 1, h) for n, (c, h) in at.items()}

        if r["_short"]:
            c = cut[file, line]
            out.append((file, line, c, 0, b.info.headers[c - 1], "", "", Reason.SHORT_ROW.value))
        for seq, n in enumerate(names, start=1):
            w = r[f"w_{n}"]
            if w is None or w == short or n not in at:
                continue
            if n == "received_at" and w == missing and r["nr"]:
                continue  # never received (Mới đăng ký…): no received date to give
            column, header = place[n]
            out.append((file, line, column, seq, header, n, r[f"r_{n}"], REASONS[w].value))
        if not r["_active"]:
            continue
        for seq, (flag, name, reason) in enumerate(extras, start=len(names) + 1):
            if not r[flag]:
                continue
            column, header = place.get(name, (0, name))
            value = r.get(f"r_{name}", "") if name not in dict(later) else _date(r[f"v_{name}"])
            out.append((file, line, column, seq, header, name, value, reason.value))
    out.sort(key=lambda p: p[:4])
    columns = list(zip(*out, strict=True)) or [()] * 8
    file_, line_, column_, _, header_, field_, value_, reason_ = (tuple(c) for c in columns)
    return Problems(file_, line_, column_, header_, field_, value_, reason_)


def _date(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def _first_cut(con, bounds: Sequence[Bound], short: set[tuple[int, int]]) -> dict:
    """(file, line) -> the 1-based column of the first cell cut off each short row."""
    out = {}
    for file in sorted({f for f, _ in short}):
        b = bounds[file]
        sql = f"SELECT * FROM {q(b.relation)} WHERE {q(b.last or '0')} = {ABSENT_SQL}"
        for row in arrow_of(con, sql).to_pylist():
            cells = [row[str(i)] for i in range(len(b.info.headers))]
            i = len(cells)
            while i > 0 and cells[i - 1] == ABSENT:
                i -= 1
            out[file, row["_line"]] = i + 1
    return out
