"""Which column of an export is which field of the plan: headers, aliases, claiming columns.

Pandas-free, so the engine binds a file from a sample of its cells (fetched by SQL) and the pandas
route (:mod:`.records`) binds it from its DataFrame, through the same rules and errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..errors import CchcError, Location, Msg
from ..plan import fields as F
from ..plan.model import ColumnSpec, Plan
from ..text import closest, fold, visible
from .cells import encode_words, parse_dates, parse_integers


@dataclass(frozen=True)
class ColumnChoice:
    """Several headers of the file mean one field: the column used, because its cells are of the
    field's kind, and the others with a cell that is not (None: they are empty)."""

    field: str
    header: str
    column: int  # 1-based
    kind: str  # text | date | integer | category
    not_used: tuple[tuple[str, int, str | None], ...]  # (header, column, a cell not of the kind)


def header_matcher(plan: Plan) -> dict[str, str]:
    """fold(alias) -> canonical field, for every alias and the field name itself."""
    out: dict[str, str] = {}
    for name, spec in plan.columns.items():
        out[fold(name)] = name
        for alias in spec.aliases:
            out[fold(alias)] = name
    return out


def header_score(plan: Plan) -> Callable[[Sequence[str]], int]:
    """How many of the plan's fields a row's cells name: what finds the header row."""
    matcher = header_matcher(plan)

    def score(cells) -> int:
        found = {matcher.get(fold(c)) for c in cells if c}
        found.discard(None)
        return len(found)

    return score


def expected_headers(plan: Plan) -> list[str]:
    """The headers to suggest when no header row is found: the required fields' first aliases."""
    return [spec.aliases[0] for spec in plan.columns.values() if spec.required]


def key_headers(plan: Plan) -> list[str]:
    """Every spelling of the columns each dossier fills (its id, its received date): a row with
    one of them filled is never layout."""
    return [
        a
        for n in ("dossier_id", "received_at")
        if n in plan.columns
        for a in (n, *plan.columns[n].aliases)
    ]


@dataclass(frozen=True)
class HeaderBinding:
    """Per field found, its 0-based column and header; what the file lacks or does not use."""

    where: Mapping[str, tuple[int, str]]
    missing: tuple[str, ...]  # plan columns (not optional) the file lacks
    unmatched: tuple[str, ...]  # headers no field claims
    chosen: tuple[ColumnChoice, ...]  # fields several headers claimed

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """(field, header as in the file) of the fields found, in the plan's order."""
        return tuple((n, self.where[n][1]) for n in self.order if n in self.where)

    order: tuple[str, ...] = ()  # the plan's fields, in its order

    def has(self, name: str) -> bool:
        """Whether the file has the field's column (so this is a ``results.HasColumns``)."""
        return name in self.where


def claiming_columns(
    plan: Plan, headers: Sequence[str]
) -> tuple[dict[str, list[tuple[int, str]]], tuple[str, ...]]:
    """Field -> the (0-based column, header) pairs whose header names it; and the headers that
    name no field."""
    matcher = header_matcher(plan)
    claims: dict[str, list[tuple[int, str]]] = {}
    unmatched: list[str] = []
    for i, header in enumerate(headers):
        name = matcher.get(fold(header)) if header else None
        if name is not None:
            claims.setdefault(name, []).append((i, header))
        elif header:
            unmatched.append(header)
    return claims, tuple(unmatched)


def bind_headers(
    plan: Plan,
    headers: Sequence[str],
    path: str,
    header_line: int,
    sample: Callable[[int], pa.ChunkedArray],
) -> HeaderBinding:
    """Bind a file's headers to the plan's fields; ``sample(i)``: the first
    :data:`SAMPLE_CELLS` non-empty cells of column ``i`` (asked only of claiming columns).
    A required field no header names is an error naming the closest header."""
    claims, unmatched = claiming_columns(plan, headers)
    where: dict[str, tuple[int, str]] = {}
    chosen: list[ColumnChoice] = []
    for name, found in claims.items():
        if len(found) == 1:
            where[name] = found[0]
            continue
        choice = _choose(plan, plan.columns[name], found, sample, path, header_line)
        where[name] = (choice.column - 1, choice.header)
        chosen.append(choice)
    for name, spec in plan.columns.items():
        if spec.required and name not in where:
            raise _missing_error(spec, name, headers, path, header_line)
    missing = tuple(n for n, spec in plan.columns.items() if n not in where and not spec.optional)
    return HeaderBinding(where, missing, unmatched, tuple(chosen), tuple(plan.columns))


def _missing_error(
    spec: ColumnSpec, name: str, headers: Sequence[str], path: str, header_line: int
) -> CchcError:
    known = list(spec.aliases)
    guess = closest(spec.aliases[0], [h for h in headers if h]) if headers else None
    found = ", ".join(visible(h) for h in headers if h) or "(không có)"
    return CchcError(
        Msg(
            f"thiếu cột '{spec.aliases[0]}' ({name}); các cột có trong tệp: {found}",
            f"missing column '{spec.aliases[0]}' ({name}); columns in the file: {found}",
        ),
        Msg(
            f"đặt tên một cột là '{spec.aliases[0]}' (hoặc: {', '.join(known[1:])})"
            + (f"; cột gần giống nhất: '{visible(guess)}'" if guess else ""),
            f"name a column '{spec.aliases[0]}' (or: {', '.join(known[1:])})"
            + (f"; closest header found: '{visible(guess)}'" if guess else ""),
        ),
        Location(path, header_line),
    )


SAMPLE_CELLS = 1000  # non-empty cells looked at to tell which of two claiming columns fits

# What a column's cells must be to be the field's, in words (vi, en).
_KIND_WORDS = {
    F.DATE: ("ngày", "dates"),
    F.INTEGER: ("số nguyên", "whole numbers"),
    F.CATEGORY: ("từ trong danh mục", "words of its vocabulary"),
    F.TEXT: ("chữ", "text"),
}


def _fits(
    spec: ColumnSpec, plan: Plan, cells: pa.ChunkedArray, header: str
) -> tuple[bool, str | None]:
    """Whether most of the first SAMPLE_CELLS non-empty cells are of the field's kind (cheap on a
    million rows; an empty column is of no kind), and one cell that is not (None: all are)."""
    none = np.zeros(len(cells), dtype=bool)
    if spec.kind == F.DATE:
        bad = parse_dates(cells, none)[1]
    elif spec.kind == F.INTEGER:
        bad = parse_integers(cells, none)[1]
    elif spec.kind == F.CATEGORY:
        bad = encode_words(cells, plan.cell_words(spec, spec.alias(header)), none)[1]
    else:
        bad = none
    first = np.flatnonzero(bad)
    fits = len(cells) > 0 and 2 * int(bad.sum()) < len(cells)
    return fits, (cells[int(first[0])].as_py() if first.size else None)


def _choose(
    plan: Plan,
    spec: ColumnSpec,
    found: list[tuple[int, str]],
    sample: Callable[[int], pa.ChunkedArray],
    path: str,
    header_line: int,
) -> ColumnChoice:
    """The one claiming column whose sampled cells are mostly of the field's kind (an empty
    column fits nothing); when none or several do, an error naming the plan's aliases to drop."""
    tried = []
    for i, header in found:
        fits, misfit = _fits(spec, plan, sample(i), header)
        tried.append((i, header, fits, misfit))
    good = [t for t in tried if t[2]]
    kind_vi, kind_en = _KIND_WORDS[spec.kind]
    if len(good) == 1:
        i, header, _, _ = good[0]
        others = tuple((h, j + 1, m) for j, h, _, m in tried if j != i)
        return ColumnChoice(spec.field, header, i + 1, spec.kind, others)
    shown = " và ".join(f"'{h}' (cột {i + 1})" for i, h, _, _ in tried)
    shown_en = " and ".join(f"'{h}' (column {i + 1})" for i, h, _, _ in tried)
    which = (
        ("ô của cả hai đều là " + kind_vi, f"the cells of both are {kind_en}")
        if good
        else ("không cột nào chứa " + kind_vi, f"neither holds {kind_en}")
    )
    places = [
        (h, spec.alias(h).location if spec.alias(h) else spec.location) for _, h, _, _ in tried
    ]
    aliases = " hoặc ".join(f"'{h}' ({loc.render('vi')})" for h, loc in places)
    aliases_en = " or ".join(f"'{h}' ({loc.render('en')})" for h, loc in places)
    drop = places[-1][0]
    raise CchcError(
        Msg(
            f"hai cột cùng là '{spec.field}': {shown}, và {which[0]}",
            f"two columns both mean '{spec.field}': {shown_en}, and {which[1]}",
        ),
        Msg(
            f"bỏ một tên khỏi aliases của '{spec.field}' trong kế hoạch: {aliases} (trong kế hoạch "
            f"mở rộng: 'columns: {{{spec.field}: {{drop_aliases: [{drop}]}}}}'), "
            "hoặc xoá hay đổi tên một trong hai cột trong tệp",
            f"drop one of the aliases of '{spec.field}' in the plan: {aliases_en} (in an overlay "
            f"plan: 'columns: {{{spec.field}: {{drop_aliases: [{drop}]}}}}'), "
            "or delete or rename one of the two columns in the file",
        ),
        Location(path, header_line, tried[-1][0] + 1),
    )
