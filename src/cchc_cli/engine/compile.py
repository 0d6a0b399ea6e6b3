"""The plan compiled to one SQL query: typing, the official classification, every indicator.

The query reads each file's cells from the relation its :class:`Binding` names (``_line``, the
file line where the row starts, increasing in file order, and one VARCHAR column per header cell:
those of the plan's fields are read, the header's last one tells a short row), and
``work_calendar`` (``day``, ``ord``: working days up to and including it, ``working``); for what
is too long to write into the query it joins ``exact_dates`` (f, c, day), ``dup_ids`` (id,
first_row) and ``group_keys`` (c, g). Several files are typed each on its own and made one union
(``_file``: the file's index). Periods are inlined. It returns one row per distinct combination
of keys (period; file, group if asked) and per-row states (a few hundred at most), which
:mod:`cchc_cli.engine.duck` adds up: per indicator, the state of a row is 0 (outside the
denominator), 1 (in it, not in the numerator), 2 (in the numerator) or ``3 + reason code`` (left
out, with the first bad cell in the order the rule reads the fields, exactly as
the oracle's ``classify.first_reasons`` picks it).

The rules are written as named definitions; :func:`flatten` stacks them in as few projections as
their dependencies allow, so each value is computed once, and what does not depend on the period
is computed before the rows are repeated per period.

Every rule mirrors the pandas route kept as the tests' oracle (``tests/oracle``: ``records``,
typing; ``classify``, the classification, three-valued: SQL's NULL is Kleene's unknown, so
``AND``/``OR``/``NOT`` are ``Tri``'s operators; ``evaluate``, counting); the differential tests
hold them to the same figures and rows.
Nothing in it is written per indicator: conditions are compiled from the plan's AST.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import Reason
from ..plan import fields as F
from ..plan.conditions import And, Condition, Not, Or, Ref, Test
from ..plan.model import Plan
from ..results import needed_fields
from . import dates as D

REASONS: tuple[Reason, ...] = tuple(Reason)
UNKNOWN_FIELD = "?"  # a row left out without a bad cell to name (never expected; totals reconcile)
ABSENT = "chr(0)"  # io.staged.ABSENT: a cell cut off a short row
SUMMARY_FIELDS = ("dossier_id", "status", "received_at", "resolved_at", "returned_at")
INTEGER_CELL = "[0-9]{1,6}([.,]0+)?"  # records.parse_integers: 5, 5.0 (Excel), 5,00
CODE_DATE = "-([0-9]{6})-[0-9]{1,6}$"  # validate._CODE_DATE: Thông tư 01/2018 dossier codes
CODE_DATE_REVERSED = "^[0-9]{1,6}-([0-9]{6})-"  # the same, on the code written backwards
NO_CODE = "CAST(NULL AS INTEGER)"  # no reason: the cell is usable
ROW_KEY = 1 << 32  # _file * ROW_KEY + _line orders the rows of several files (lines < 2^32)


@dataclass(frozen=True)
class FieldInput:
    """One plan column as this file gives it."""

    present: bool
    words: Mapping[str, str] = field(default_factory=dict)  # cell -> category (category kind)
    empty: str | None = None  # category an empty cell means (None: no category, "empty")
    formats: tuple[str, ...] = D.DATE_FORMATS  # the fast path's formats (date kind)
    exact: Mapping[str, dt.date] = field(default_factory=dict)  # date cells the fast path
    # leaves, read by the exact path (those that are no date are absent)
    joined: bool = False  # many: the query joins them (the relation exact_dates), not inlined
    column: str | None = None  # the relation's column of its cells (None: the field's name)


INLINE_EXACT = 256  # more exact-path dates than this are joined, not written into the query


@dataclass(frozen=True)
class Binding:
    """What the query must know about the file: which fields it has and how their cells read."""

    fields: Mapping[str, FieldInput]
    relation: str = "cells"  # the file's cells: ``_line`` and the columns of ``fields``
    last: str | None = None  # its column of the header's last cell (ABSENT there: a short row)

    @staticmethod
    def assumed(plan: Plan) -> Binding:
        """Every column present, read with its own words (for ``sql_for`` without a file)."""
        out = {}
        for name, spec in plan.columns.items():
            if spec.kind == F.CATEGORY:
                vocab = plan.vocabularies[spec.type]
                out[name] = FieldInput(True, exact_words(vocab), vocab.empty)
            else:
                out[name] = FieldInput(True)
        return Binding(out)


@dataclass(frozen=True)
class Dups:
    """The duplicate ids, found before the query: each with the row key (``_file * ROW_KEY +
    _line``) of its first row; ``joined``: too many to inline, the relation ``dup_ids`` (id,
    first_row) holds them."""

    first: Mapping[str, int] = field(default_factory=dict)
    joined: bool = False


@dataclass(frozen=True)
class Grouping:
    """A breakdown by a text field: the group index of each distinct value (``v_<field>``,
    "" included); ``joined``: too many to inline, the relation ``group_keys`` (c, g) holds them."""

    field: str
    index: Mapping[str, int] = field(default_factory=dict)
    joined: bool = False


@dataclass(frozen=True)
class Options:
    """What the query computes besides the figures. ``dups`` None: the query finds the duplicate
    ids by its own aggregate; ``collect``: which category and date columns have filled cells the
    binding does not read (``unread``: bit k for the k-th of :meth:`Compiler.collected`);
    ``by_file``: the figures per file."""

    dups: Dups | None = None
    collect: bool = False
    by_file: bool = False
    grouping: Grouping | None = None
    rows: bool = False  # each field's cell as written too (``r_<field>``): the per-row output
    # fields a file lacks that read as unknown (reason missing_column), not as empty cells
    unknown: frozenset[str] = frozenset()
    # Biểu 06's placement of each row (:mod:`.form`, grouped by too); the keys of its columns
    # not available
    form: frozenset[str] | None = None
    received: bool = False  # validate's counts: the rows by received date against the period


def exact_words(vocab) -> dict[str, str]:
    """The vocabulary's words as written (and NFC), each with its category: the cells matched
    without folding."""
    from ..text import fold_value, nfc

    out = {}
    for labels in vocab.labels.values():
        for word in labels:
            for form in (word, nfc(word)):
                cat = vocab.words.get(fold_value(form))
                if cat is not None and form:
                    out[form] = cat
    return out


def q(name: str) -> str:
    """A quoted identifier (field names are [a-z][a-z0-9_]*, but may be SQL keywords)."""
    return '"' + name + '"'


def lit(text: str) -> str:
    return D.sql_str(text)


def code_digits(cell: str) -> str:
    """The six digits of CODE_DATE in ``cell`` ('' if none). RE2 runs a pattern anchored at the
    start once, one anchored at the end from every position: an ASCII code (one character a
    byte, reversed exactly: DuckDB reverses grapheme clusters, which would move a combining mark
    after a hyphen) is matched reversed, anchored at its start."""
    backwards = f"reverse(regexp_extract(reverse({cell}), {lit(CODE_DATE_REVERSED)}, 1))"
    forwards = f"regexp_extract({cell}, {lit(CODE_DATE)}, 1)"
    ascii = f"bit_length({cell}) = 8 * length({cell})"  # a byte per character
    return f"CASE WHEN {ascii} THEN {backwards} ELSE {forwards} END"


def day_lit(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def reason_code(reason: Reason) -> int:
    return REASONS.index(reason)


# ---------------------------------------------------------------- values of fields in SQL


@dataclass(frozen=True)
class Val:
    """A field's value for conditions: ``kind`` bool (``expr`` NULL = unknown), cat (``expr``:
    category, '' = empty, NULL = unknown), date/text/integer (``expr`` the value, NULL = empty or
    bad; ``bad`` whether it is unknown, never NULL)."""

    kind: str
    expr: str
    bad: str = "FALSE"
    true: str | None = None  # cat: the category a bare reference means


def cmp(value: Val, op: str, day: str) -> str:
    """``Dates.cmp``: an empty date compares False (known), a bad one is unknown (a bad date's
    value is NULL, and ``bad`` is never NULL; the fallback is evaluated for NULL values only)."""
    return f"COALESCE({value.expr} {op} {day}, NULLIF({value.bad}, TRUE))"


def condition_sql(cond: Condition, env: Callable[[str], Val]) -> str:
    """A plan condition as a SQL boolean; NULL is "unknown" (Kleene logic, as ``Tri``)."""
    if isinstance(cond, And):
        return "(" + " AND ".join(condition_sql(c, env) for c in cond.items) + ")"
    if isinstance(cond, Or):
        return "(" + " OR ".join(condition_sql(c, env) for c in cond.items) + ")"
    if isinstance(cond, Not):
        return f"(NOT {condition_sql(cond.item, env)})"
    value = env(cond.field)
    if isinstance(cond, Ref):
        if value.kind == F.BOOL:
            return value.expr
        assert value.kind == F.CATEGORY and value.true is not None
        return f"({value.expr} IN ({lit(value.true)}))"
    assert isinstance(cond, Test)
    if cond.op in ("empty", "not empty"):
        if value.kind == F.CATEGORY:
            res = f"({value.expr} = '')"
        elif value.kind == F.BOOL:
            res = f"({value.expr} IS NULL)"
        elif value.kind == F.TEXT:
            res = f"(CASE WHEN {value.bad} THEN NULL ELSE {value.expr} = '' END)"
        else:
            res = f"(CASE WHEN {value.bad} THEN NULL ELSE {value.expr} IS NULL END)"
        return res if cond.op == "empty" else f"(NOT {res})"
    res = f"({value.expr} IN ({', '.join(lit(w) for w in cond.values)}))"
    return res if cond.op == "in" else f"(NOT {res})"


# ---------------------------------------------------------------- the query


Layer = list[tuple[str, str]]  # (name, expression) projected on top of the layer below

_QUOTED = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def nest(source: str, layers: Sequence[Layer]) -> str:
    """``SELECT *, <layer> FROM (… FROM source)``: each layer may use the names below it."""
    sql = source
    for layer in layers:
        if layer:
            cols = ", ".join(f"{expr} AS {name}" for name, expr in layer)
            sql = f"SELECT *, {cols} FROM ({sql}) AS _l"
    return sql


def flatten(defs: Sequence[tuple[str, str]]) -> list[Layer]:
    """The definitions as few layers as their dependencies allow: each goes to the lowest layer
    above every definition it names (a name in a string literal or a quoted cell column is no
    dependency), so the query has as few projections as possible and computes each value once."""
    level: dict[str, int] = {}
    layers: list[Layer] = []
    for name, expr in defs:
        assert name not in level, name
        used = uses(expr) & level.keys()
        k = 1 + max((level[u] for u in used), default=-1)
        level[name] = k
        while len(layers) <= k:
            layers.append([])
        layers[k].append((name, expr))
    return layers


def substitute(expr: str, names: Mapping[str, str]) -> str:
    """``expr`` with each name (outside literals and quoted names) replaced by its SQL."""
    out, at = [], 0
    for m in _QUOTED.finditer(expr):
        out.append(_NAME.sub(lambda t: names.get(t.group(), t.group()), expr[at : m.start()]))
        out.append(m.group())
        at = m.end()
    out.append(_NAME.sub(lambda t: names.get(t.group(), t.group()), expr[at:]))
    return "".join(out)


def split_off(
    defs: Sequence[tuple[str, str]], roots: set[str]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The definitions that use none of ``roots`` (nor any definition that does), and the rest."""
    tainted = set(roots)
    free, rest = [], []
    for name, expr in defs:
        if uses(expr) & tainted:
            tainted.add(name)
            rest.append((name, expr))
        else:
            free.append((name, expr))
    return free, rest


def uses(expr: str) -> set[str]:
    """The names ``expr`` refers to (outside literals and quoted names)."""
    return set(_NAME.findall(_QUOTED.sub(" ", expr)))


class Compiler:
    """Builds the query for one plan, the bindings of its files (one per file, counted as one
    export: ``_file`` is the file's index) and a list of periods."""

    def __init__(
        self, plan: Plan, binding: Binding | Sequence[Binding], options: Options | None = None
    ):
        self.plan = plan
        self.bindings = (binding,) if isinstance(binding, Binding) else tuple(binding)
        self.binding = self.bindings[0]
        self.options = options or Options()
        names = list(plan.columns)
        self.field_index = {n: i for i, n in enumerate([*names, UNKNOWN_FIELD])}

    # -- codes -------------------------------------------------------------------------------

    def code(self, field: str, reason: Reason | str) -> str:
        """The left-out state of a row whose first bad cell is ``field``'s, for ``reason``
        (a Reason, or SQL giving its index)."""
        r = reason_code(reason) if isinstance(reason, Reason) else reason
        return f"({3 + self.field_index[field] * len(REASONS)} + {r})"

    def decode(self, state: int) -> tuple[str, str]:
        k = state - 3
        names = list(self.field_index)
        return REASONS[k % len(REASONS)].value, names[k // len(REASONS)]

    # -- environment -------------------------------------------------------------------------

    def env(self, name: str) -> Val:
        if name in F.DERIVED:
            kind = F.DERIVED[name].kind
            if name == "end_at":
                return Val(F.DATE, "end_k", "end_bad")
            if name == "due":
                return Val(F.DATE, "due_k", "due_bad")
            if kind == F.CATEGORY:
                return Val(F.CATEGORY, name)
            return Val(F.BOOL, name)
        spec = self.plan.columns[name]
        if spec.kind == F.CATEGORY:
            vocab = self.plan.vocabularies[spec.type]
            return Val(F.CATEGORY, f"v_{name}", true=vocab.true)
        return Val(spec.kind, f"v_{name}", f"(w_{name} IS NOT NULL)")

    def cond(self, cond: Condition) -> str:
        return condition_sql(cond, self.env)

    def present(self, name: str) -> bool:
        """Whether any file has the field's column."""
        return any(b.fields[name].present for b in self.bindings)

    # -- typing ------------------------------------------------------------------------------

    def typed_columns(self) -> list[str]:
        """What each file's typing gives, in this order (so the files' rows make one union)."""
        out = ["_file", "_line", "_short", "h_status"]
        for name in self.plan.columns:
            out += [f"v_{name}", "wc_dossier_id" if name == "dossier_id" else f"w_{name}"]
        if self.options.collect:
            out.append("_unread")
        if self.options.grouping is not None:
            out.append("_g")
        if self.options.rows:
            out += [f"r_{name}" for name in self.plan.columns]
        return out

    def collected(self) -> list[str]:
        """The fields whose unread cells the query reports (``Options.collect``)."""
        if not self.options.collect:
            return []
        kinds = (F.DATE, F.CATEGORY)
        return [
            n for n, spec in self.plan.columns.items() if spec.kind in kinds and self.present(n)
        ]

    def _typing(self, binding: Binding) -> list[tuple[str, str]]:
        """``v_<field>`` (value) and ``w_<field>`` (reason code of a bad cell) of one file's
        cells, each cell read once: categories by one CASE of the words (exact spellings and the
        folded misses), integers by a regular expression, dates by the fast path and, for the cells
        it leaves, the exact one (inlined, or joined as ``e_<field>``)."""
        defs: list[tuple[str, str]] = []
        short, missing = reason_code(Reason.SHORT_ROW), reason_code(Reason.MISSING_VALUE)
        for name, spec in self.plan.columns.items():
            got = binding.fields[name]
            v = f"v_{name}"
            w = "wc_dossier_id" if name == "dossier_id" else f"w_{name}"
            if not got.present:
                unknown = name in self.options.unknown
                defs += [
                    (v, self._unknown(name) if unknown else self._absent(name)),
                    (w, str(reason_code(Reason.MISSING_COLUMN)) if unknown else NO_CODE),
                    (f"m_{name}", "FALSE"),
                ]
                if self.options.rows:
                    defs.append((f"r_{name}", "''"))
                continue
            c = q(got.column or name)
            cut = f"{c} = {ABSENT}"
            if self.options.rows:
                defs.append((f"r_{name}", f"CASE WHEN {cut} THEN '' ELSE {c} END"))
            empty_why = f"{missing}" if not spec.allow_empty else "NULL"
            head = f"CASE WHEN {cut} THEN {short} WHEN {c} = '' THEN {empty_why}"
            if spec.kind == F.TEXT:
                defs += [(v, f"CASE WHEN {cut} THEN '' ELSE {c} END"), (w, head + " END")]
            elif spec.kind == F.INTEGER:
                value = (  # plain digits first (one simpler expression)
                    f"CASE WHEN regexp_full_match({c}, '[0-9]{{1,6}}') THEN CAST({c} AS INTEGER)"
                    f" WHEN regexp_full_match({c}, {lit(INTEGER_CELL)})"
                    f" THEN CAST(CAST(replace({c}, ',', '.') AS DOUBLE) AS INTEGER) END"
                )
                why = f" WHEN {v} IS NULL THEN {reason_code(Reason.INVALID_NUMBER)} END"
                defs += [(v, value), (w, head + why)]
            elif spec.kind == F.DATE:
                if got.joined:
                    exact = f"e_{name}"
                elif got.exact:
                    branches = " ".join(
                        f"WHEN {lit(cell)} THEN {day_lit(day)}"
                        for cell, day in sorted(got.exact.items())
                    )
                    exact = f"CASE {c} {branches} END"
                else:
                    exact = "CAST(NULL AS DATE)"
                fast = D.fast_date(c, got.formats)
                picked = exact if fast == "CAST(NULL AS DATE)" else f"COALESCE({fast}, {exact})"
                f = f"f_{name}"
                why = f" WHEN {v} IS NULL THEN {reason_code(Reason.INVALID_DATE)} END"
                defs += [
                    (f, f"CASE WHEN {c} = '' OR {cut} THEN NULL ELSE {picked} END"),
                    (v, f"CASE WHEN {D.in_years(f)} THEN {f} END"),
                    (w, head + why),
                    (f"m_{name}", f"({f} IS NULL AND {c} <> '' AND NOT {cut})"),
                ]
            else:
                on_empty = "NULL" if not spec.allow_empty else lit(got.empty or "")
                branches = " ".join(
                    f"WHEN {lit(word)} THEN {lit(cat)}" for word, cat in got.words.items()
                )
                unknown = reason_code(Reason.UNKNOWN_VALUE)
                defs += [
                    (v, f"CASE {c} WHEN {ABSENT} THEN NULL WHEN '' THEN {on_empty} {branches} END"),
                    (w, head + f" WHEN {v} IS NULL THEN {unknown} END"),
                    (f"m_{name}", f"({v} IS NULL AND {c} <> '' AND NOT {cut})"),
                ]
        return defs

    def _branch(self, index: int, binding: Binding) -> str:
        """One file's rows typed: the columns of :meth:`typed_columns`."""
        joined = [n for n, got in binding.fields.items() if got.joined]
        source = f"SELECT s.*{''.join(f', e_{n}.day AS e_{n}' for n in joined)}"
        source += f" FROM {q(binding.relation)} AS s"
        for n in joined:  # the exact path's dates of a column with many odd cells
            col = q(binding.fields[n].column or n)
            source += (
                f" LEFT JOIN (SELECT c, day FROM exact_dates WHERE f = {lit(n)}) AS e_{n}"
                f" ON s.{col} = e_{n}.c"
            )
        last = f"({q(binding.last)} = {ABSENT})" if binding.last else "FALSE"
        status = "TRUE" if binding.fields["status"].present else "FALSE"
        defs = [
            ("_file", str(index)),
            ("_short", last),
            ("h_status", status),
            *self._typing(binding),
        ]
        if self.options.collect:
            bits = [
                f"CASE WHEN m_{n} THEN {1 << k} ELSE 0 END" for k, n in enumerate(self.collected())
            ]
            defs.append(("_unread", " + ".join(bits) or "0"))
        grouping = self.options.grouping
        if grouping is not None:  # the group of the row's value ("" too), by one look-up
            got = binding.fields[grouping.field]
            if grouping.joined and got.present:
                c = f"s.{q(got.column or grouping.field)}"
                source = (
                    f"SELECT s.*, gk.g AS _g FROM ({source}) AS s LEFT JOIN group_keys AS gk"
                    f" ON CASE WHEN {c} = {ABSENT} THEN '' ELSE {c} END = gk.c"
                )
            elif grouping.joined:
                defs.append(("_g", str(grouping.index.get("", -1))))
            else:
                branches = " ".join(
                    f"WHEN {lit(c)} THEN {g}" for c, g in sorted(grouping.index.items())
                )
                defs.append(("_g", f"CASE v_{grouping.field} {branches} END"))
        inner = nest(source, flatten(defs))
        return f"SELECT {', '.join(self.typed_columns())} FROM ({inner}) AS _t"

    def _unknown(self, name: str) -> str:
        """report._lacking_unknown: a column the file lacks, read as unknown on every row."""
        kind = self.plan.columns[name].kind
        sql_type = {F.DATE: "DATE", F.INTEGER: "INTEGER"}.get(kind, "VARCHAR")
        return "''" if kind == F.TEXT else f"CAST(NULL AS {sql_type})"

    def _absent(self, name: str) -> str:
        """records._absent: a column the file lacks is empty on every row."""
        spec = self.plan.columns[name]
        if spec.kind == F.TEXT:
            return "''"
        if spec.kind == F.CATEGORY:
            return lit(self.plan.vocabularies[spec.type].empty or "")
        return "CAST(NULL AS DATE)" if spec.kind == F.DATE else "CAST(NULL AS INTEGER)"

    def ids_sql(self) -> str | None:
        """Every filled dossier id of every file (``id``) with its row key (``k``: ``_file *
        ROW_KEY + _line``, in file order); None when no file has the column."""
        parts = []
        for i, b in enumerate(self.bindings):
            got = b.fields["dossier_id"]
            if got.present:
                c = q(got.column or "dossier_id")
                parts.append(
                    f"SELECT {c} AS id, {i} * {ROW_KEY} + _line AS k FROM {q(b.relation)}"
                    f" WHERE {c} <> '' AND {c} <> {ABSENT}"
                )
        return " UNION ALL ".join(parts) if parts else None

    def dups_sql(self) -> str | None:
        """The duplicate ids of every file together, as one aggregate: each id written more than
        once and its first row."""
        ids = self.ids_sql()
        if ids is None:
            return None
        return f"SELECT id, min(k) AS first_row FROM ({ids}) AS _i GROUP BY id HAVING count(*) > 1"

    def _rows(self) -> tuple[str, list[tuple[str, str]]]:
        """Every file's typed rows, and the definitions on top: the dossier id's reason (a later
        row of an id written more than once is a duplicate), the code date and the
        period-independent classification."""
        source = " UNION ALL ".join(self._branch(i, b) for i, b in enumerate(self.bindings))
        known = self.options.dups
        first = None  # the row key of the first row of the row's id, if written more than once
        if known is None or known.joined:  # joined with the ids and their first rows
            dups = self.dups_sql() if known is None else "SELECT id, first_row FROM dup_ids"
            if dups is not None:
                source = (
                    f"SELECT t.*, d.first_row AS _first FROM ({source}) AS t"
                    f" LEFT JOIN ({dups}) AS d ON t.v_dossier_id = d.id"
                )
                first = "_first"
        elif known.first:  # few: written into the query
            firsts = " ".join(f"WHEN {lit(i)} THEN {k}" for i, k in sorted(known.first.items()))
            first = f"CASE v_dossier_id {firsts} END"
        dup = reason_code(Reason.DUPLICATE_ID)
        why = "wc_dossier_id"
        if first is not None:
            later = f"_file * {ROW_KEY} + _line > {first}"
            why = f"COALESCE(wc_dossier_id, CASE WHEN {later} THEN {dup} END)"
        defs = [
            ("w_dossier_id", why),
            ("_active", "w_dossier_id IS NULL"),
            *self._code_day(),
            *self._classification(),
        ]
        return source, defs

    # -- classification (period-independent part) ---------------------------------------------

    def _classification(self) -> list[tuple[str, str]]:
        cls = self.plan.classification
        bad = {n: f"(w_{n} IS NOT NULL)" for n in self.plan.columns}
        first: Layer = [
            ("not_received", self.cond(cls["not_received"])),
            ("withdrawn", self.cond(cls["withdrawn"])),
            ("resolved_c", self.cond(cls["resolved"]) if "resolved" in cls else "NULL"),
            ("use_returned", f"(v_resolved_at IS NULL AND NOT {bad['resolved_at']})"),
            # before: both dates known and the later one earlier (a bad date's value is NULL)
            *(
                (f"before_{later}", f"COALESCE(v_{later} < v_{earlier}, FALSE)")
                for later, earlier, _ in F.DATE_ORDER
            ),
            ("take", f"(v_due_at IS NULL AND NOT {bad['due_at']})"),
        ]
        second: Layer = [
            ("received", "(NOT not_received)"),
            ("end_v", "COALESCE(v_resolved_at, CASE WHEN use_returned THEN v_returned_at END)"),
            (
                "end_unknown",
                f"({bad['resolved_at']} OR (use_returned AND {bad['returned_at']}))",
            ),
            (
                "ended",
                "(withdrawn OR resolved_c)" if "resolved" in cls else "withdrawn",
            ),
            (
                "before_end",  # both never NULL
                "((use_returned AND before_returned_at)"
                " OR (NOT use_returned AND before_resolved_at))",
            ),
            (
                "can_derive",
                f"(take AND v_processing_days IS NOT NULL AND NOT {bad['received_at']}"
                " AND v_received_at IS NOT NULL)",
            ),
        ]
        third: Layer = [
            ("without_end", "(COALESCE(ended, FALSE) AND end_v IS NULL AND NOT end_unknown)"),
        ]
        fourth: Layer = [
            ("end_bad", "(end_unknown OR without_end OR before_end)"),
            # the end date where it is known, for comparisons (Val: a bad value is NULL)
            ("end_k", "CASE WHEN NOT end_bad THEN end_v END"),
        ]
        return [*first, *second, *third, *fourth]

    def _due(self) -> tuple[str, list[tuple[str, str]]]:
        """The join with the working calendar (the ``processing_days``-th working day after the
        received date; a same-day procedure received on a day off is due the next working day)
        and the due date's columns."""
        join = (
            " LEFT JOIN work_calendar wc ON can_derive AND wc.day = v_received_at"
            " LEFT JOIN work_calendar wd ON wd.working AND wd.ord = wc.ord + v_processing_days"
            " + CASE WHEN v_processing_days = 0 AND NOT wc.working THEN 1 ELSE 0 END"
        )
        bad = "(w_{} IS NOT NULL)"
        layer: Layer = [
            ("due_derived", "(can_derive AND wd_day IS NOT NULL)"),
            ("due_v", "CASE WHEN take THEN wd_day ELSE v_due_at END"),
            ("_uncovered", "(can_derive AND wc_day IS NULL)"),
        ]
        after: Layer = [
            (
                "no_due",
                f"(take AND NOT due_derived AND NOT {bad.format('processing_days')}"
                f" AND NOT {bad.format('received_at')})",
            ),
            (
                "due_bad",
                f"({bad.format('due_at')} OR (take AND NOT due_derived) OR before_due_at)",
            ),
            ("due_k", "CASE WHEN NOT due_bad THEN due_v END"),
        ]
        return join, [*layer, *after]

    # -- problems (validate.all_problems, counted per row) -------------------------------------

    def _problems(self) -> Layer:
        short = reason_code(Reason.SHORT_ROW)
        missing = reason_code(Reason.MISSING_VALUE)
        # a dossier never received (Mới đăng ký…) has no received date to give: not a problem
        never = f" AND NOT (w_received_at = {missing} AND not_received IS TRUE)"
        cells = [
            f"CASE WHEN w_{n} IS NOT NULL AND w_{n} <> {short}"
            f"{never if n == 'received_at' else ''} THEN 1 ELSE 0 END"
            for n in self.plan.columns
            if self.present(n)
        ]
        checks = ["without_end", *(f"before_{later}" for later, _, _ in F.DATE_ORDER)]
        # an end date, but a status that says the dossier is still being processed (a warning)
        unresolved = "FALSE"
        if "resolved" in self.plan.classification and self.present("status"):
            unresolved = (
                "(h_status AND end_v IS NOT NULL AND NOT end_bad AND resolved_c IS FALSE"
                " AND withdrawn IS FALSE AND received IS TRUE AND NOT COALESCE(v_status = '', FALSE))"
            )
            checks.append("end_unresolved")
        checks.append("code_mismatch")
        active = " + ".join(f"CASE WHEN {c} THEN 1 ELSE 0 END" for c in checks)
        total = " + ".join(["CASE WHEN _short THEN 1 ELSE 0 END", *cells])
        return [
            ("end_unresolved", unresolved),
            ("problems", f"({total} + CASE WHEN _active THEN {active} ELSE 0 END)"),
        ]

    def _code_day(self) -> list[tuple[str, str]]:
        """validate's CODE_DATE_MISMATCH: the received date written in the dossier code
        (glibc's %y%m%d: two-digit years from 1969, 31/02 rolled over). The six digits are cut
        out once and read as one number; its parts by integer arithmetic."""
        n, m, d = "code_n", "code_m", "code_d"
        # glibc reads a second digit of the month only after 0-1, of the day only after 0-3
        ok = (
            f"{n} IS NOT NULL AND {n} // 1000 % 10 <= 1 AND {m} BETWEEN 1 AND 12"
            f" AND {n} // 10 % 10 <= 3 AND {d} BETWEEN 1 AND 31"
        )
        days = D.days_from_civil("code_year", m)
        return [
            (n, f"TRY_CAST({code_digits('v_dossier_id')} AS INTEGER)"),
            (m, f"{n} // 100 % 100"),
            (d, f"{n} % 100"),
            ("code_year", f"(CASE WHEN {n} >= 690000 THEN 1900 ELSE 2000 END + {n} // 10000)"),
            (
                "code_mismatch",
                f"(CASE WHEN {ok} THEN DATE '1970-01-01' + CAST({days} + {d} - 1 AS INTEGER) END"
                " <> v_received_at)",
            ),
        ]

    # -- per period ----------------------------------------------------------------------------

    def _period(self) -> list[tuple[str, str]]:
        recv = self.env("received_at")
        end = Val(F.DATE, "end_k", "end_bad")
        due = Val(F.DATE, "due_k", "due_bad")
        first: Layer = [
            ("ended_before", cmp(end, "<", "p_start")),
            ("received_after", cmp(recv, ">", "p_end")),
            (
                "timeliness",  # the usual case (both dates known, not withdrawn) first
                "CASE WHEN NOT end_bad AND end_v IS NOT NULL AND withdrawn IS FALSE"
                " AND NOT due_bad AND due_v IS NOT NULL THEN CASE WHEN end_v < due_v THEN 'early'"
                " WHEN end_v = due_v THEN 'on_time' ELSE 'late' END"
                " WHEN end_bad THEN NULL WHEN end_v IS NULL THEN ''"
                " WHEN withdrawn IS NULL THEN NULL WHEN withdrawn THEN 'on_time' END",
            ),
        ]
        second: Layer = [
            (
                "received_in_period",
                f"(received AND {cmp(recv, '>=', 'p_start')} AND {cmp(recv, '<=', 'p_end')}"
                " AND NOT COALESCE(ended_before, FALSE))",
            ),
            (
                "resolved_in_period",
                f"(received AND {cmp(end, '>=', 'p_start')} AND {cmp(end, '<=', 'p_end')}"
                " AND NOT COALESCE(received_after, FALSE))",
            ),
            (
                "open_at_end",
                f"(received AND {cmp(recv, '<=', 'p_end')} AND NOT {cmp(end, '<=', 'p_end')})",
            ),
            (
                "carried_over",
                f"(received AND {cmp(recv, '<', 'p_start')} AND NOT {cmp(end, '<', 'p_start')})",
            ),
        ]
        third: Layer = [("overdue_at_end", f"(open_at_end AND {cmp(due, '<', 'p_end')})")]
        fourth: Layer = [
            (
                "late",
                "((resolved_in_period AND timeliness IN ('late')) OR overdue_at_end)",
            )
        ]
        return [*first, *second, *third, *fourth]

    # -- reasons ------------------------------------------------------------------------------

    def reason_entries(self, name: str) -> list[tuple[str, str]]:
        """``cl.reasons`` of a field as (mask, state) SQL pairs, in classify's order."""
        if name in ("due_at", "processing_days"):
            return [
                ("w_due_at IS NOT NULL", self.code("due_at", "w_due_at")),
                (
                    "take AND w_processing_days IS NOT NULL",
                    self.code("processing_days", "w_processing_days"),
                ),
                ("no_due", self.code("due_at", Reason.NO_DUE_DATE)),
                ("before_due_at", self.code("due_at", Reason.DUE_BEFORE_RECEIVED)),
            ]
        out = [(f"w_{name} IS NOT NULL", self.code(name, f"w_{name}"))]
        if name == "status":
            out.append(("without_end", self.code("status", Reason.RESOLVED_WITHOUT_END)))
        elif name == "resolved_at":
            out.append(
                ("before_end AND NOT use_returned", self.code(name, Reason.END_BEFORE_RECEIVED))
            )
        elif name == "returned_at":
            out.append(("before_end AND use_returned", self.code(name, Reason.END_BEFORE_RECEIVED)))
        return out

    def why(self, names: Sequence[str]) -> str:
        """``first_reasons``: the state of a left-out row, from the first bad cell among names."""
        seen: list[str] = []
        pairs = []
        for name in ("dossier_id", *(n for n in names if n != "dossier_id")):
            group = "due" if name in ("due_at", "processing_days") else name
            if group in seen:
                continue
            seen.append(group)
            pairs += self.reason_entries(name)
        return self.first_of(pairs)

    def first_of(self, pairs: Sequence[tuple[str, str]]) -> str:
        """The code of the first (mask, code) pair whose mask holds; should none, the row's
        unknown has no bad cell to name: ``unknown_value`` of no field (totals reconcile)."""
        branches = " ".join(f"WHEN {m} THEN {c}" for m, c in pairs)
        return f"CASE {branches} ELSE {self.code(UNKNOWN_FIELD, Reason.UNKNOWN_VALUE)} END"

    # -- indicators and the input summary -------------------------------------------------------

    def dossier_indicators(self):
        return [i for i in self.plan.indicators if i.source == "dossiers"]

    def _indicators(self) -> list[tuple[str, str]]:
        raw: Layer = []
        masked: Layer = []
        nums: Layer = []
        states: Layer = []
        for k, ind in enumerate(self.dossier_indicators()):
            assert ind.denominator is not None and ind.numerator is not None
            raw += [(f"d{k}", self.cond(ind.denominator)), (f"n{k}", self.cond(ind.numerator))]
            # evaluate.count: a row set aside as a whole that would, or might, be in the
            # denominator is left out of it (unknown); elsewhere excluded rows are known-false.
            # Kleene logic, no CASE: _active is never NULL, so ``_active OR NULL`` is TRUE or
            # unknown, and ``d AND unknown`` is FALSE only where d is FALSE
            masked.append((f"den{k}", f"(d{k} AND (_active OR NULL))"))
            nums.append((f"num{k}", f"(_active AND den{k} AND n{k})"))
            why = self.why(needed_fields(self.plan, ind))
            # 0 outside the denominator, 1 in it, 2 in the numerator: den + num, which is NULL
            # exactly when the row is left out (den unknown, or den and num unknown); the
            # reason is worked out for those rows only
            known = f"CAST(den{k} AS INTEGER) + CAST(num{k} AS INTEGER)"
            states.append((f"s{k}", f"COALESCE({known}, {why})"))
        summary: Layer = [
            ("in_period", "(received_in_period OR resolved_in_period OR open_at_end)"),
            ("nr", "(_active AND received IS FALSE)"),
        ]
        why = self.why(SUMMARY_FIELDS)
        summary_state: Layer = [
            (
                "s_input",
                f"CASE WHEN NOT _active OR (NOT nr AND in_period IS NULL) THEN {why}"
                " WHEN nr THEN 2 WHEN in_period THEN 0 ELSE 1 END",
            )
        ]
        return [*raw, *summary, *masked, *nums, *states, *summary_state]

    def states(self) -> list[str]:
        return [f"s{k}" for k in range(len(self.dossier_indicators()))] + ["s_input"]

    # -- the whole query -----------------------------------------------------------------------

    def keys(self) -> list[str]:
        """The result's grouping columns besides the states: the period, the file, the group."""
        out = ["p_key"]
        if self.options.by_file:
            out.append("_file")
        if self.options.grouping is not None:
            out.append("_g")
        return out

    def placements(self) -> list[str]:
        """Biểu 06's per-row placement, grouped by as the states are (``Options.form``)."""
        return ["f_in", "f_unk", "f_why"] if self.options.form is not None else []

    def received_counts(self) -> list[tuple[str, str]]:
        """validate's counts (``Options.received``): rows not set aside nor known never received,
        by their received date against the period; rows known never received; rows with a
        problem."""
        if not self.options.received:
            return []
        counted = "(_active AND NOT COALESCE(not_received, FALSE))"
        day = "v_received_at"
        return [
            ("received_before", f"{counted} AND {day} < p_start"),
            ("received_within", f"{counted} AND {day} >= p_start AND {day} <= p_end"),
            ("received_after", f"{counted} AND {day} > p_end"),
            ("received_none", f"{counted} AND {day} IS NULL"),
            ("never_received", "_active AND not_received IS TRUE"),
            ("with_problems", "problems > 0"),
        ]

    def result_columns(self) -> list[str]:
        """The names of the columns :meth:`sql` gives, in order."""
        out = [*self.keys(), *self.states(), *self.placements(), "n", "problems", "due_derived"]
        out += ["received_in_period", "resolved_in_period", "last_received", "uncovered"]
        out += ["unread"] if self.options.collect else []
        return out + [name for name, _ in self.received_counts()]

    def sql(self, periods: Sequence[tuple[str, dt.date, dt.date]]) -> str:
        """One row per combination of keys and states: :meth:`aggregate` over the per-row
        relation :meth:`rows_sql`, written inline."""
        return self.aggregate(f"({self.rows_sql(periods)})", periods)

    def rows_sql(self, periods: Sequence[tuple[str, dt.date, dt.date]]) -> str:
        """The per-row relation: every row of every file (each period's, ``p_key``, with several
        periods), typed and classified, with each indicator's state ``s<k>`` (the aggregate's
        input; the per-row output reads it too, so rows and figures cannot differ). The period's
        rules are written once for every period (one period: its dates are literals, no join);
        whatever does not depend on the period is computed before the rows are repeated per
        period."""
        source, defs = self._rows()
        join, due = self._due()
        per_period = [*self._period(), *self._indicators()]
        if self.options.form is not None:
            from .form import placement

            per_period += placement(self, self.options.form)
        if len(periods) == 1:
            fixed = self.fixed(periods[0])
            hoisted, per_period = [(n, substitute(e, fixed)) for n, e in per_period], []
        else:
            hoisted, per_period = split_off(per_period, {"p_key", "p_start", "p_end"})
        typed = nest(source, flatten(defs))
        rows = nest(
            f"SELECT t.*, wc.day AS wc_day, wd.day AS wd_day FROM ({typed}) AS t{join}",
            flatten([*due, *self._problems(), *hoisted]),
        )
        if len(periods) > 1:
            values = ", ".join(
                f"({lit(key)}, {day_lit(start)}, {day_lit(end)})" for key, start, end in periods
            )
            rows = nest(
                f"SELECT * FROM ({rows}) AS r"
                f" CROSS JOIN (VALUES {values}) AS periods(p_key, p_start, p_end)",
                flatten(per_period),
            )
        return rows

    @staticmethod
    def fixed(period: tuple[str, dt.date, dt.date]) -> dict[str, str]:
        """The SQL of a single period's keys, inlined where its rules name them."""
        key, start, end = period
        return {"p_key": lit(key), "p_start": day_lit(start), "p_end": day_lit(end)}

    def aggregate(self, rows: str, periods: Sequence[tuple[str, dt.date, dt.date]]) -> str:
        """The figures of the per-row relation ``rows`` (a subquery or a view's name)."""
        keys = [(k, k) for k in self.keys()]
        counts = self.received_counts()
        if len(periods) == 1:
            fixed = self.fixed(periods[0])
            keys = [(k, fixed.get(k, k)) for k, _ in keys]
            counts = [(n, substitute(e, fixed)) for n, e in counts]
        also = [*self.states(), *self.placements()]
        groups = ", ".join([*(expr for _, expr in keys), *also])
        picked = ", ".join([*(f"{expr} AS {k}" for k, expr in keys), *also])
        misses = ", bit_or(_unread) AS unread" if self.options.collect else ""
        misses += "".join(f", SUM(CASE WHEN {e} THEN 1 ELSE 0 END) AS {n}" for n, e in counts)
        return (
            f"SELECT {picked}, count(*) AS n,"
            " SUM(problems) AS problems,"
            " SUM(CASE WHEN due_derived THEN 1 ELSE 0 END) AS due_derived,"
            " SUM(CASE WHEN received_in_period THEN 1 ELSE 0 END) AS received_in_period,"
            " SUM(CASE WHEN resolved_in_period THEN 1 ELSE 0 END) AS resolved_in_period,"
            " MAX(v_received_at) AS last_received,"  # a bad date's value is NULL
            f" SUM(CASE WHEN _uncovered THEN 1 ELSE 0 END) AS uncovered{misses}"
            f" FROM {rows} AS p GROUP BY {groups}"
        )
