"""Runs the compiled plan in embedded DuckDB and adds up its per-state rows into the counts.

How each file's cells read (the :class:`~.compile.Binding`) is learnt from a sample of rows
spread over the file: the date formats the fast path tries, the plan's words in the order the
sample uses them, the sample's other spellings folded in Python with
:func:`cchc_cli.text.fold_value` and its odd date cells read by the exact path. The query itself
reports, per column, the distinct cells that binding left unread; those that are words once
folded, or dates by the exact path, are added and the query run again (a file whose sample
shows every spelling and format it uses takes one pass; its figures never depend on the sample).
The duplicate ids are found first by one aggregate (usually none: the query then needs no join).
Memory is bounded by DuckDB's ``memory_limit``; what does not fit spills to ``temp_directory``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import duckdb

from .. import arrow as A
from ..errors import Reason
from ..plan import fields as F
from ..plan.model import Plan
from ..results import Counts, InputSummary, LeftOut
from ..text import fold_value
from . import dates as D
from .bind import Bound, file_facts, release, sample_cells
from .calendar_sql import calendar_table
from .compile import (
    ABSENT,
    INLINE_EXACT,
    ROW_KEY,
    Binding,
    Compiler,
    Dups,
    FieldInput,
    Grouping,
    Options,
    exact_words,
    lit,
    nest,
    q,
)

Span = tuple[dt.date, dt.date]
INLINE_DUPS = 64  # more duplicate ids than this are joined, not written into the query


@dataclass(frozen=True)
class Settings:
    """DuckDB's resources; None leaves DuckDB's default."""

    memory_limit: str | None = None  # e.g. "400MB"
    temp_directory: str | None = None  # where spilled data goes
    threads: int | None = None


def connect(settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    config: dict[str, str | int] = {}
    s = settings or Settings()
    if s.memory_limit:
        config["memory_limit"] = s.memory_limit
    if s.temp_directory:
        config["temp_directory"] = s.temp_directory
    if s.threads:
        config["threads"] = s.threads
    return duckdb.connect(config=config)


def header_of(bound: Bound, name: str) -> str:
    return bound.columns.where[name][1]


class Learner:
    """The bindings of the files of one run, and what the exact path found so far."""

    def __init__(self, con, plan: Plan, bounds: Sequence[Bound]):
        self.con, self.plan, self.bounds = con, plan, bounds
        self.days: dict[tuple[str, str], dt.date] = {}  # (field, cell) -> the exact path's date
        self.tried: set[tuple[str, str]] = set()  # (field, cell) given to the exact path
        self.received: list[str] = []  # the sampled received dates (the calendar's first year)

    def first(self) -> list[Binding]:
        """The bindings a sample of each file suggests."""
        kinds = (F.DATE, F.CATEGORY)
        names = [n for n, spec in self.plan.columns.items() if spec.kind in kinds]
        out, unread = [], {}
        for b in self.bounds:
            samples = sample_cells(self.con, b, names)
            self.received += samples.get("received_at", [])
            fields: dict[str, FieldInput] = {}
            for name, spec in self.plan.columns.items():
                col = b.column(name)
                if col is None:
                    fields[name] = FieldInput(False)
                elif spec.kind == F.DATE:
                    formats = D.sniff_formats(self.con, samples[name])
                    fields[name] = FieldInput(True, formats=formats, column=col)
                    unread[b.index, name] = set(D.fast_misses(self.con, samples[name], formats))
                elif spec.kind == F.CATEGORY:
                    vocab = self.plan.cell_words(spec, spec.alias(header_of(b, name)))
                    seen = Counter(samples[name])
                    words = exact_words(vocab)
                    ranked = sorted(words, key=lambda w: -seen[w])  # stable: the plan's order
                    fields[name] = FieldInput(
                        True, {w: words[w] for w in ranked}, vocab.empty, column=col
                    )
                    unread[b.index, name] = set(seen) - words.keys()
                else:
                    fields[name] = FieldInput(True, column=col)
            out.append(Binding(fields, b.relation, b.last))
        return self.learn(out, unread) or out

    def learn(
        self, bindings: list[Binding], unread: Mapping[tuple[int, str], set[str]]
    ) -> list[Binding] | None:
        """The bindings reading also the cells of ``unread`` ((file, field) -> cells) that are
        words of the field's vocabulary once folded, or dates by the exact path; None when none
        of them is new (the figures computed with ``bindings`` stand)."""
        files = [dict(b.fields) for b in bindings]
        changed = False
        odd: dict[tuple[int, str], set[str]] = {}
        for (file, name), cells in unread.items():
            spec, got = self.plan.columns[name], files[file][name]
            if spec.kind == F.DATE:
                odd[file, name] = cells
                continue
            vocab = self.plan.cell_words(spec, spec.alias(header_of(self.bounds[file], name)))
            extra = {}
            for word in sorted(cells - got.words.keys()):
                cat = vocab.words.get(fold_value(word))  # only the misses folded
                if cat is not None:
                    extra[word] = cat
            if extra:
                files[file][name] = replace(got, words={**got.words, **extra})
                changed = True
        self._exact({(name, c) for (_, name), cells in odd.items() for c in cells})
        for (file, name), cells in odd.items():
            got = files[file][name]
            days = {c: self.days[name, c] for c in cells if (name, c) in self.days}
            if not days.keys() - got.exact.keys():
                continue
            changed = True
            exact = {**got.exact, **days}  # joined: these are in exact_dates, not the query
            files[file][name] = replace(got, exact=exact, joined=len(exact) > INLINE_EXACT)
        if not changed:
            return None
        return [replace(b, fields=f) for b, f in zip(bindings, files, strict=True)]

    def _exact(self, cells: set[tuple[str, str]]) -> None:
        """The exact path over the (field, cell) pairs not tried yet; its dates are also the
        relation ``exact_dates`` (f, c, day), which a column with too many of them joins."""
        new = sorted(cells - self.tried)
        if not new:
            return
        self.tried.update(new)
        odd = A.table({"f": A.strings([f for f, _ in new]), "c": A.strings([c for _, c in new])})
        self.con.register("odd_dates", odd)
        query = nest("SELECT f, c FROM odd_dates", D.exact_date_layers("c"))
        rows = self.con.execute(f"SELECT f, c, day FROM ({query}) AS x").fetchall()
        found = {(f, c): day for f, c, day in rows if day is not None}
        if not found:
            return
        self.days.update(found)
        keys = sorted(self.days)
        table = A.table(
            {
                "f": A.strings([f for f, _ in keys]),
                "c": A.strings([c for _, c in keys]),
                "day": A.dates([self.days[k] for k in keys]),
            }
        )
        self.con.register("exact_dates", table)


def find_dups(con, compiler: Compiler) -> Dups:
    """The ids written more than once (every file together), each with its first row: first the
    hashes of the ids that repeat (an aggregate of numbers, small even for 10 million ids), then
    the ids behind those hashes only (usually none)."""
    sql = compiler.dups_sql()
    if sql is None:
        return Dups()
    ids = compiler.ids_sql()
    hashed = f"SELECT id, k, CAST(hash(id) >> 1 AS BIGINT) AS h FROM ({ids}) AS _i"
    hashes = con.execute(
        f"SELECT h FROM ({hashed}) AS _h GROUP BY h HAVING count(*) > 1"
    ).fetchall()
    if not hashes:
        return Dups()
    con.register("dup_hashes", A.table({"h": A.numbers([h for (h,) in hashes])}))
    rows = con.execute(
        f"SELECT id, min(k) AS first_row FROM ({hashed}) AS _h"
        " WHERE h IN (SELECT h FROM dup_hashes) GROUP BY id HAVING count(*) > 1"
    ).fetchall()
    if len(rows) <= INLINE_DUPS:
        return Dups(dict(rows))
    ids = A.strings([r[0] for r in rows])
    con.register("dup_ids", A.table({"id": ids, "first_row": A.numbers([r[1] for r in rows])}))
    return Dups(joined=True)


INLINE_GROUPS = 64  # more distinct values than this are joined, not written into the query


def grouping_of(con, bounds: Sequence[Bound], by: str) -> tuple[Grouping, list[str | None]]:
    """The groups of a breakdown by text field ``by``, as :func:`cchc_cli.engine.groups.group_codes`
    makes them: cells whose :func:`~cchc_cli.engine.groups.group_key` (whitespace runs, case) is one
    are one group, shown under its most frequent spelling (the first seen among equally
    frequent ones), sorted with diacritics ignored, the empty group (None) last. The keys are
    made in Python from the few distinct cells (counted by SQL), exactly as groups.py makes them;
    the query looks each row's value up. Returns the grouping and the labels, by index."""
    from .groups import group_key

    seen: dict[str, list[int]] = {}  # spelling -> [rows, first row's key]
    cells = {"": ""}  # each distinct cell's spelling (cells are cleaned already: itself, usually)
    for b in bounds:
        col = b.column(by)
        if col is None:  # a file without the column: every row empty
            rows = con.execute(f"SELECT '', count(*), min(_line) FROM {q(b.relation)}").fetchall()
        else:
            c = q(col)
            rows = con.execute(
                f"SELECT CASE WHEN {c} = {ABSENT} THEN '' ELSE {c} END AS v, count(*), min(_line)"
                f" FROM {q(b.relation)} GROUP BY v"
            ).fetchall()
        for cell, n, first in rows:
            if not n:
                continue
            spelling = cells.setdefault(cell, unicodedata.normalize("NFC", cell.strip()))
            key = b.index * ROW_KEY + first
            got = seen.setdefault(spelling, [0, key])
            got[0] += n
            got[1] = min(got[1], key)
    spellings = sorted(seen, key=lambda sp: seen[sp][1])  # first seen first
    keys = [group_key(sp) for sp in spellings]
    lead: dict[str, str] = {}  # group key -> its label: most frequent, then first seen
    for sp, key in zip(spellings, keys, strict=True):
        if key not in lead or seen[sp][0] > seen[lead[key]][0]:
            lead[key] = sp
    labels = sorted(
        (sp or None for sp in lead.values()),
        key=lambda label: (label is None, fold_value(label or ""), label or ""),
    )
    rank = {(sp or None): i for i, sp in enumerate(labels)}
    key_of = dict(zip(spellings, keys, strict=True))
    index = {cell: rank[lead[key_of[sp]] or None] for cell, sp in cells.items() if sp in key_of}
    if len(index) <= INLINE_GROUPS:
        return Grouping(by, index), labels
    con.register(
        "group_keys",
        A.table({"c": A.strings(list(index)), "g": A.numbers(list(index.values()))}),
    )
    return Grouping(by, {"": index.get("", -1)}, joined=True), labels


def first_year(con, received: list[str], periods: Sequence[tuple[str, dt.date, dt.date]]):
    """A first year for the calendar, from a sample of received dates; checked by the query
    (``uncovered``)."""
    years = [start.year for _, start, _ in periods]
    if received:
        parsed = D.duck_try_strptime("c", D.DATE_FORMATS)
        ((low,),) = con.execute(
            f"SELECT min(year({parsed})) FROM (SELECT unnest(?) AS c)", [received]
        ).fetchall()
        if low is not None:
            years.append(low)
    return max(D.FIRST_YEAR, min(years) - 1)


ROWS = "cchc_rows"  # the per-row relation's view (``execute(wants=…)``)
SCRATCH = (
    ROWS,
    "work_calendar",
    "exact_dates",
    "dup_ids",
    "dup_hashes",
    "group_keys",
    "odd_dates",
)


def release_scratch(con) -> None:
    """Forget the relations a run registered besides the files' (a reused connection)."""
    for name in SCRATCH:
        release(con, name)


@dataclass
class Tally:
    """The added-up result rows of one key (period, file, group): per state, the rows of each
    dossier indicator and of the input summary, and the row totals."""

    states: list[Counter]
    totals: Counter = field(default_factory=Counter)
    last: dt.date | None = None

    def add(self, other: Tally) -> None:
        for mine, theirs in zip(self.states, other.states, strict=True):
            mine.update(theirs)
        self.totals.update(other.totals)
        if other.last is not None and (self.last is None or other.last > self.last):
            self.last = other.last


@dataclass(frozen=True)
class Outcome:
    """What one run of the query gives: the SQL, and the tally of each (period, file, group)."""

    sql: str
    compiler: Compiler
    tallies: Mapping[tuple[str, int | None, int | None], Tally]
    rows: Sequence[Mapping] = ()  # the result rows themselves (Biểu 06's placement, grouped)

    def tally(self, key: str, file: int | None = None, group: int | None = None) -> Tally:
        """The rows of period ``key``, of one file and one group, or of all of them (None)."""
        out = Tally([Counter() for _ in range(len(self.compiler.dossier_indicators()) + 1)])
        for (k, f, g), t in self.tallies.items():
            if k == key and file in (None, f) and group in (None, g):
                out.add(t)
        return out

    def figures(self, key: str, file: int | None = None, group: int | None = None):
        return figures_of(self.compiler, self.tally(key, file, group))


def execute(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    bounds: Sequence[Bound],
    periods: Sequence[tuple[str, dt.date, dt.date]],
    by_file: bool = False,
    grouping: Grouping | None = None,
    wants: Options | None = None,
) -> Outcome:
    """The query over the bound files (their relations registered in ``con``), run until every
    cell it reads is read the way records reads it and the calendar covers every due date.

    ``wants``: what the run computes besides the figures (``rows``, ``unknown``, ``form``,
    ``received``; the last two in the figures' own aggregate). With ``rows`` the per-row
    relation is the view :data:`ROWS` of ``con``, which the figures' aggregate reads and which
    stays for the caller's own queries (the rows behind a figure, the problems), until
    :func:`release_scratch`."""
    learner = Learner(con, plan, bounds)
    bindings = learner.first()
    options = replace(wants or Options(), collect=True, by_file=by_file, grouping=grouping)
    dups = find_dups(con, Compiler(plan, bindings, options))
    options = replace(options, dups=dups)
    # the calendar only when some row can derive its due date (the query's ``uncovered`` count
    # is the safety net: a row the probe missed is a row the calendar does not cover)
    first = first_year(con, learner.received, periods) if derives(con, bindings) else None
    view = options.rows
    while True:
        compiler = Compiler(plan, bindings, options)
        sql = compiler.sql(periods)
        con.register("work_calendar", calendar_table(plan, first))
        query = sql
        if view:  # one relation, read by the figures here and by the caller's rows after
            con.execute(f"CREATE OR REPLACE TEMP VIEW {ROWS} AS {compiler.rows_sql(periods)}")
            query = compiler.aggregate(ROWS, periods)
        names = compiler.result_columns()
        rows = [dict(zip(names, r, strict=True)) for r in con.execute(query).fetchall()]
        bits = 0
        for r in rows:
            bits |= r["unread"] or 0
        missed = [n for k, n in enumerate(compiler.collected()) if bits >> k & 1]
        learnt = learner.learn(bindings, unread_cells(con, plan, bindings, missed))
        uncovered = sum(r["uncovered"] for r in rows) and first != D.FIRST_YEAR
        if learnt is None and not uncovered:
            break
        bindings = learnt or bindings
        if uncovered:
            first = D.FIRST_YEAR  # a received date before the guess: the whole calendar
    return Outcome(sql, compiler, _tallies(compiler, rows), rows)


def derives(con, bindings: Sequence[Binding]) -> bool:
    """Whether some row may derive its due date from the working calendar: an empty (or
    missing) due date beside a filled processing time (the query's ``can_derive`` asks more)."""
    for b in bindings:
        days, due = b.fields.get("processing_days"), b.fields.get("due_at")
        if days is None or not days.present:
            continue
        c = q(days.column or "processing_days")
        where = f"{c} <> '' AND {c} <> {ABSENT}"
        if due is not None and due.present:
            d = q(due.column or "due_at")
            where += f" AND ({d} = '' OR {d} = {ABSENT})"
        if con.execute(f"SELECT 1 FROM {q(b.relation)} WHERE {where} LIMIT 1").fetchall():
            return True
    return False


def unread_cells(
    con, plan: Plan, bindings: Sequence[Binding], names: Sequence[str]
) -> dict[tuple[int, str], set[str]]:
    """The distinct filled cells of the named fields that ``bindings`` do not read (a date cell
    neither the fast path nor the exact path's known cells read, a word not among the known
    ones), per (file, field): looked up only for the columns the query found such cells in."""
    out = {}
    for file, b in enumerate(bindings):
        for name in names:
            got = b.fields[name]
            if not got.present:
                continue
            c, rel = q(got.column or name), q(b.relation)
            filled = f"{c} <> '' AND {c} <> {ABSENT}"
            if plan.columns[name].kind == F.DATE:
                # the fast path once per distinct cell: a filter on the aggregate, which the
                # optimizer cannot push below the GROUP BY to every row
                fast = D.fast_date(f"min({c})", got.formats)
                sql = (
                    f"SELECT min({c}) FROM {rel} WHERE {filled} GROUP BY {c} HAVING {fast} IS NULL"
                )
                cells = {r[0] for r in con.execute(sql).fetchall()} - got.exact.keys()
            else:
                known = ", ".join(lit(w) for w in got.words) or "''"
                sql = f"SELECT DISTINCT {c} FROM {rel} WHERE {filled} AND {c} NOT IN ({known})"
                cells = {r[0] for r in con.execute(sql).fetchall()}
            out[file, name] = cells
    return out


def _tallies(compiler: Compiler, rows: list[dict]) -> dict[tuple, Tally]:
    k = len(compiler.dossier_indicators())
    states = compiler.states()
    out: dict[tuple, Tally] = {}
    for row in rows:
        key = (row["p_key"], row.get("_file"), row.get("_g"))
        tally = out.setdefault(key, Tally([Counter() for _ in range(k + 1)]))
        n = row["n"]
        for i, s in enumerate(states):
            tally.states[i][row[s]] += n
        tally.totals.update(
            rows=n,
            problems=row["problems"],
            due_derived=row["due_derived"],
            rip=row["received_in_period"],
            resip=row["resolved_in_period"],
            **{name: row[name] for name, _ in compiler.received_counts()},
        )
        last = row["last_received"]
        if last is not None and (tally.last is None or last > tally.last):
            tally.last = last
    return out


def figures_of(compiler: Compiler, tally: Tally) -> tuple[dict[str, Counts], dict]:
    """Per dossier indicator its counts, and the input summary's totals, of one tally."""
    inds = compiler.dossier_indicators()
    counts = {ind.id: _counts(compiler, tally.states[i]) for i, ind in enumerate(inds)}
    summary = tally.states[len(inds)]
    left = _left_out(compiler, summary)
    tot = tally.totals
    return counts, {
        "rows": tot["rows"],
        "rows_used": summary[0],
        "rows_out_of_period": summary[1],
        "rows_not_received": summary[2],
        "rows_left_out": sum(lo.rows for lo in left),
        "left_out_by": left,
        "problems": tot["problems"],
        "due_dates_derived": tot["due_derived"],
        "rows_received_in_period": tot["rip"],
        "rows_resolved_in_period": tot["resip"],
        "last_received": tally.last,
    }


def _left_out(compiler: Compiler, states: Counter) -> tuple[LeftOut, ...]:
    by: Counter = Counter()
    for s, n in states.items():
        if s >= 3 and n:
            by[compiler.decode(s)] += n
    return tuple(LeftOut(r, f, n) for (r, f), n in sorted(by.items()))


def _counts(compiler: Compiler, states: Counter) -> Counts:
    left = _left_out(compiler, states)
    return Counts(states[2], states[1] + states[2], sum(lo.rows for lo in left), left)


def summary(bound: Bound, totals: Mapping) -> InputSummary:
    """The input summary of one file (``rows_read`` and the file's facts from its TableInfo)."""
    info, cols = bound.info, bound.columns
    return InputSummary(
        **file_facts(info),
        rows_read=info.rows,
        rows_used=totals["rows_used"],
        rows_out_of_period=totals["rows_out_of_period"],
        rows_not_received=totals["rows_not_received"],
        rows_left_out=totals["rows_left_out"],
        left_out_by=totals["left_out_by"],
        blank_rows=info.blank_rows,
        problems=totals["problems"],
        due_dates_derived=totals["due_dates_derived"],
        missing_columns=cols.missing,
        headers=cols.headers,
        rows_received_in_period=totals["rows_received_in_period"],
        rows_resolved_in_period=totals["rows_resolved_in_period"],
        columns_chosen=cols.chosen,
        format=info.format,
        layout=info.layout,
        last_received=totals["last_received"],
    )


__all__ = ["Reason", "Settings", "execute", "summary"]
