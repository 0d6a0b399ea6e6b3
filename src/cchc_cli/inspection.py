"""``cchc inspect``: how an export was read, what each header means, and the plan edit it needs.

A new vendor's export is usually the shipped plan plus a few aliases and words. This module
works out which, from the file itself: headers the plan does not know (with a guess at the
field when a name is close or the cells fit the field's kind), words outside the vocabularies
(with the nearest known word's category), and the indicators each missing field blocks.
:func:`overlay_yaml` writes those guesses as a plan overlay for the user to confirm.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import CchcError
from .io.binding import (
    SAMPLE_CELLS,
    HeaderBinding,
    bind_headers,
    expected_headers,
    header_matcher,
    header_score,
    key_headers,
)
from .io.cells import encode_words, parse_dates
from .io.staged import ABSENT
from .io.table import RawTable, read_table
from .plan import fields as F
from .plan.model import Plan, default_plan_path
from .results import lacking_columns, needed_fields
from .text import closest, fold, fold_value, visible

SAMPLES = 3  # distinct example values shown per header
_SNIFF = 200  # cells looked at to tell a column's kind
# Headers of a row counter: small integers that fit codes (channel "1", "2") by accident.
_COUNTERS = frozenset({"stt", "tt", "sott", "sothutu", "no", "so"})
# A word that starts with a negation means the opposite of its nearest known word.
_NEGATIONS = frozenset({"chua", "khong", "khongduoc", "not", "no", "non"})


@dataclass(frozen=True)
class HeaderInfo:
    column: int  # 1-based
    header: str
    field: str | None  # the plan field it is read as; None: not used
    samples: tuple[str, ...]
    filled: int  # non-empty cells
    guess: str | None = None  # for an unused header: the missing field it may be
    why: str = ""  # why the guess (close name / cells fit)


@dataclass(frozen=True)
class UnknownWord:
    field: str
    header: str
    word: str
    rows: int
    category: str | None  # the category of the nearest known word, if any
    nearest: str | None


@dataclass(frozen=True)
class MissingField:
    field: str
    aliases: tuple[str, ...]
    blocks: tuple[str, ...]  # indicator ids that cannot be computed without it


@dataclass(frozen=True)
class Inspection:
    plan: Plan
    table: RawTable
    headers: tuple[HeaderInfo, ...]
    unknown_words: tuple[UnknownWord, ...]
    missing: tuple[MissingField, ...]
    records_error: str | None  # why the rows could not be typed (e.g. a required column)
    guessed_header: bool = False  # the plan knows too few headers: the best row was taken

    @property
    def rows(self) -> int:
        return len(self.table.data)


def inspect_file(
    path: str | Path,
    plan: Plan,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Inspection:
    opts = {"encoding": encoding, "delimiter": delimiter, "sheet": sheet}
    guessed_header = False
    try:
        table = _read(path, plan, 2, opts)
    except CchcError:  # a layout the plan barely knows: take the best row there is as header
        table = _read(path, plan, 0, opts)
        guessed_header = True
    records: HeaderBinding | None = None  # which column is which field, as check reads them
    error = None
    try:
        records = bind_headers(
            plan, table.headers, table.path, table.header_line, lambda i: _sample(table, i)
        )
    except CchcError as exc:  # a required column missing: still describe everything else
        error = exc.render("en")
    used = _used_columns(table, plan, records)
    found = set(used.values())
    missing_names = [
        n
        for n, spec in plan.columns.items()
        if n not in found
        and not spec.optional
        and (records is None or lacking_columns([n], records))  # else another column stands in
    ]
    headers = _headers(table, plan, used, missing_names)
    guessed = {h.column - 1: h.guess for h in headers if h.guess}
    words = _unknown_words(plan, table, records, guessed)
    missing = tuple(
        MissingField(
            n,
            plan.columns[n].aliases,
            ("*",) if plan.columns[n].required else _blocked(plan, n, records),
        )
        for n in missing_names
    )
    return Inspection(plan, table, headers, words, missing, error, guessed_header)


def _read(path: str | Path, plan: Plan, min_score: int, opts: dict) -> RawTable:
    """The export as strings, its header row found by the plan's column names (at least
    ``min_score`` of them; 0: the best row, the first non-blank one if none is known)."""
    return read_table(
        path,
        header_score(plan),
        **opts,
        expected=expected_headers(plan),
        min_score=min_score,
        keys=key_headers(plan),
    )


def _column(table: RawTable, i: int):
    """Column ``i``'s cells as an Arrow string array."""
    import pyarrow as pa

    return pa.chunked_array([pa.array(table.data.iloc[:, i].to_numpy(dtype=object), pa.string())])


def _sample(table: RawTable, i: int):
    """The first SAMPLE_CELLS filled cells of column ``i``: what tells two claiming columns
    apart (:func:`cchc_cli.io.binding.bind_headers`)."""
    import pyarrow as pa

    return pa.chunked_array([pa.array(_cells(table, i)[:SAMPLE_CELLS], pa.string())])


def _used_columns(table: RawTable, plan: Plan, records: HeaderBinding | None) -> dict[int, str]:
    """0-based column -> field, as the check reads the file."""
    if records is not None:
        return {i: n for n, (i, _) in records.where.items()}
    matcher = header_matcher(plan)
    out: dict[int, str] = {}
    for i, h in enumerate(table.headers):
        name = matcher.get(fold(h)) if h else None
        if name is not None and name not in out.values():
            out[i] = name
    return out


def _cells(table: RawTable, i: int) -> list[str]:
    col = table.data[str(i)]
    return [c for c in col.tolist() if c and c != ABSENT]


def _headers(
    table: RawTable, plan: Plan, used: dict[int, str], missing: list[str]
) -> tuple[HeaderInfo, ...]:
    out = []
    taken: set[str] = set()
    for i, h in enumerate(table.headers):
        cells = _cells(table, i)
        samples = tuple(dict.fromkeys(cells))[:SAMPLES]
        guess, why = (None, "")
        if i not in used and h:
            guess, why = _guess_field(plan, h, cells, [m for m in missing if m not in taken])
            if guess:
                taken.add(guess)
        out.append(HeaderInfo(i + 1, h, used.get(i), samples, len(cells), guess, why))
    return tuple(out)


def _kind_fits(plan: Plan, field: str, cells: list[str], some: bool = False) -> bool:
    """Most cells are of the field's kind (``some``: for words, at least one is known)."""
    sample = cells[:_SNIFF]
    if not sample:
        return False
    kind = plan.columns[field].kind
    if kind == F.DATE:
        import pyarrow as pa

        arr = pa.chunked_array([pa.array(sample, pa.large_string())])
        _, bad = parse_dates(arr, np.zeros(len(sample), dtype=bool))
        return int(bad.sum()) * 2 < len(sample)
    vocab = plan.vocabulary_of(field)
    if vocab is not None:
        hits = sum(1 for c in sample if fold_value(c) in vocab.words)
        return hits > 0 if some else hits * 2 > len(sample)
    if kind == F.INTEGER:
        return sum(c.isdigit() for c in sample) * 2 > len(sample)
    return False


def _guess_field(plan: Plan, header: str, cells: list[str], missing: list[str]):
    """The missing field an unused header most likely holds: a close name whose cells fit (or
    whose kind is text), else the only missing field of a typed kind that its cells fit. A row
    counter (STT) is never guessed."""
    if fold(header) in _COUNTERS:
        return None, ""
    by_alias = {a: n for n in missing for a in (n, *plan.columns[n].aliases)}
    near = closest(header, list(by_alias))
    if near is not None:
        name = by_alias[near]
        kind = plan.columns[name].kind
        if kind == F.TEXT or _kind_fits(plan, name, cells, some=kind == F.CATEGORY):
            return name, f"close to '{near}'"
    # without a close name only dates and words say enough (any counter column holds integers)
    typed = [n for n in missing if plan.columns[n].kind in (F.DATE, F.CATEGORY)]
    fitting = [n for n in typed if _kind_fits(plan, n, cells)]
    if len(fitting) == 1:
        return fitting[0], "its cells fit"
    return None, ""


def _unknown_words(
    plan: Plan, table: RawTable, records: HeaderBinding | None, guessed: dict[int, str]
) -> tuple[UnknownWord, ...]:
    """Words no vocabulary knows: as the check reads them (each word column with the words of
    its header), and in the columns a guess gives a field to (the raw cells against the field's
    vocabulary)."""
    import pyarrow.compute as pc

    found: list[tuple[str, str, Counter]] = []
    for name, (i, header) in records.where.items() if records is not None else ():
        spec = plan.columns[name]
        if spec.kind != F.CATEGORY:
            continue
        cells = _column(table, i)
        cells = pc.if_else(pc.equal(cells, ABSENT), "", cells)  # a short row's cut-off cells
        blank = np.asarray(pc.equal(cells, "").to_numpy(zero_copy_only=False), dtype=bool)
        _, unknown = encode_words(cells, plan.cell_words(spec, spec.alias(header)), blank)
        if unknown.any():
            raw = np.asarray(cells.to_numpy(zero_copy_only=False), dtype=object)[unknown]
            found.append((name, header, Counter(w for w in raw.tolist() if w)))
    for i, name in guessed.items():
        vocab = plan.vocabulary_of(name)
        if vocab is None or plan.columns[name].kind != F.CATEGORY:
            continue
        cells = _cells(table, i)
        found.append(
            (name, table.headers[i], Counter(c for c in cells if fold_value(c) not in vocab.words))
        )
    out = []
    for name, header, counts in found:
        vocab = plan.vocabulary_of(name)
        known = {w: c for c, words in (vocab.labels.items() if vocab else ()) for w in words}
        spellings: dict[str, Counter] = {}  # Xong, xong, XONG: one word, as the check reads it
        for word, n in counts.items():
            spellings.setdefault(fold_value(word), Counter())[word] += n
        ranked = sorted(
            spellings.values(), key=lambda c: (-sum(c.values()), c.most_common(1)[0][0])
        )
        for forms in ranked:
            word = forms.most_common(1)[0][0]
            nearest = closest(word, list(known))
            if nearest is not None and _negated(word) != _negated(nearest):
                nearest = None  # 'Chưa hoàn thành' is not 'Hoàn thành'
            category = known.get(nearest) if nearest is not None else None
            out.append(UnknownWord(name, header, word, sum(forms.values()), category, nearest))
    return tuple(out)


def _negated(word: str) -> bool:
    first = fold_value(word).split(" ", 1)[0]
    return first in _NEGATIONS


def _blocked(plan: Plan, name: str, records: HeaderBinding | None) -> tuple[str, ...]:
    out = []
    for ind in plan.indicators:
        if ind.source != "dossiers":
            continue
        needs = needed_fields(plan, ind)
        if name not in needs:
            continue
        if records is None or lacking_columns([name], records):
            out.append(ind.id)
    return tuple(out)


def _q(text: str) -> str:
    """A YAML flow scalar: plain when it can only read as itself, else a JSON string (a valid
    YAML double-quoted scalar: every line break and quote escaped)."""
    plain = text and all(ch.isalnum() or ch in " ()./-" for ch in text) and not text[0].isdigit()
    if plain and text.lower() not in ("yes", "no", "true", "false", "null", "on", "off", "y", "n"):
        return text
    return json.dumps(text, ensure_ascii=False)


def _c(text: str) -> str:
    """File text inside a YAML comment: on one line whatever it holds (no line break can end
    the comment and start YAML of the file's choosing)."""
    out = visible(text)
    for ch in "\n\r\x85\u2028\u2029":
        out = out.replace(ch, " ")
    return out


def overlay_yaml(
    ins: Inspection,
    target: str | Path | None = None,
    base: str | None = None,
    today: dt.date | None = None,
) -> str:
    """A plan overlay adding what the file needs; every guess is marked for the user to confirm.

    Confident guesses (a close name whose cells fit; the nearest known word) are written as YAML;
    headers and words with no guess are left as comments to fill in. ``target``: where the
    overlay will be written — ``extends:`` is resolved from the overlay's folder, so a base
    given by path is written relative to it.
    """
    plan = ins.plan
    if base is None:
        shipped = Path(plan.path).resolve() == default_plan_path().resolve()
        if shipped:
            base = Path(plan.path).stem
        elif target is not None:
            base = os.path.relpath(Path(plan.path).resolve(), Path(target).resolve().parent)
        else:
            base = str(Path(plan.path).resolve())
    name = _c(Path(ins.table.path).name)
    lines = [
        f"# Lớp kế hoạch cho tệp '{name}' — do `cchc inspect --write-plan` viết"
        + (f" ngày {today.isoformat()}" if today else "")
        + ".",
        f"# Plan overlay for '{name}', written by `cchc inspect --write-plan`.",
        "# Kiểm tra từng dòng có ghi chú 'kiểm tra'; điền các dòng bắt đầu bằng '#?' rồi bỏ '#?'.",
        "# Check every line marked 'check'; fill in the lines starting with '#?' and remove '#?'.",
        f"extends: {_q(base)}",
    ]
    cols = [h for h in ins.headers if h.field is None and h.header]
    if cols:
        lines.append("columns:")
        for h in cols:
            ex = _c(", ".join(f"'{s}'" for s in h.samples)) or "(trống / empty)"
            if h.guess:
                lines.append(
                    f"  {h.guess}: {{aliases: [{_q(h.header)}]}}"
                    f"  # kiểm tra / check: cột {h.column}, ví dụ {ex} ({h.why})"
                )
            else:
                lines.append(
                    f"#? TRƯỜNG: {{aliases: [{_c(_q(h.header))}]}}"
                    f"  # cột {h.column} chưa dùng / not used, ví dụ {ex}"
                )
    if ins.unknown_words:
        lines.append("vocabularies:")
        by_vocab: dict[str, list[UnknownWord]] = {}
        for w in ins.unknown_words:
            vocab = plan.vocabulary_of(w.field)
            by_vocab.setdefault(vocab.name if vocab else w.field, []).append(w)
        for vname, words in by_vocab.items():
            lines.append(f"  {vname}:")
            lines.append("    categories:")
            guessed: dict[str, list[UnknownWord]] = {}
            for w in words:
                if w.category:
                    guessed.setdefault(w.category, []).append(w)
            for category, group in guessed.items():
                notes = _c("; ".join(f"'{w.word}' ~ '{w.nearest}' ({w.rows})" for w in group))
                listed = ", ".join(_q(w.word) for w in group)
                lines.append(f"      {category}: [{listed}]  # kiểm tra / check: {notes}")
            for w in words:
                if not w.category:
                    lines.append(
                        f"#?      NHÓM: [{_q(w.word)}]"
                        f"  # {w.rows} dòng / rows, cột '{_c(w.header)}'"
                    )
    return "\n".join(lines) + "\n"
