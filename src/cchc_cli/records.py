"""Reading a dossier export into typed canonical columns, with every bad cell reported.

Parsing is vectorised with pyarrow compute (dates via ``strptime`` plus a day-of-month check that
rejects ``31/02/2023``, vocabulary words via dictionary encoding), so a million rows take about a
second. Nothing is dropped silently: each bad cell becomes a row of :attr:`Records.problems` with
its file line, column, value and :class:`~cchc_cli.errors.Reason`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import fields as F
from .errors import CchcError, Location, Msg, Reason
from .plan import ColumnSpec, Plan, Vocabulary
from .sources import ABSENT, RawTable, read_table
from .text import closest, fold, fold_value, visible

EMPTY = -1  # category code: empty cell
UNKNOWN = -2  # category code: a word outside the vocabulary, a required cell left empty, or cut off

_ZONED_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z")
_FRACTION = r"\.\d+(Z|[+-]\d{2}:?\d{2}|)$"
_VIETNAM_OFFSET = np.timedelta64(7, "h")  # Giờ Đông Dương, UTC+7, no daylight saving
_FIRST_YEAR, _LAST_YEAR = (
    1901,
    2100,
)  # what the holidays calendar covers; also rejects 2-digit years
# Clock times that do not exist. strptime refuses hour 24 and minute 60 but reads second 60 and 61
# (leap seconds) and rolls 04/05/2023 23:59:60 over into 5 May; an offset of +24:00 moves the day
# too. Such a cell is an invalid date, never a date on another day.
_LEAP_SECOND = r"\d:[0-5]\d:6\d"
_FAR_OFFSET = r"[+-](?:1[5-9]|[2-9]\d):?\d{2}$"  # zones run from -12:00 to +14:00
_DAY_OF = r"^(?:(?P<a>\d{1,2})[/-]\d{1,2}[/-]\d{4}|\d{4}-\d{1,2}-(?P<b>\d{1,2}))"


@dataclass(frozen=True)
class Column:
    """One canonical field as read from the file (or an absent optional one, all empty)."""

    field: str
    kind: str  # text | date | integer | category
    values: (
        np.ndarray | pd.Series
    )  # date: datetime64[D]; integer: float64; category: int16; text: Series
    bad: tuple[tuple[Reason, np.ndarray], ...]  # (reason, mask) for cells that cannot be used
    header: str | None  # as in the file; None when absent
    index: int | None  # 1-based column number in the file
    categories: tuple[str, ...] = ()
    raw: pd.Series | None = field(default=None, repr=False)  # the cells as written (text and words)

    @property
    def unknown(self) -> np.ndarray:
        n = len(self.values)
        out = np.zeros(n, dtype=bool)
        for _, mask in self.bad:
            out |= mask
        return out

    @property
    def empty(self) -> np.ndarray:
        if self.kind == F.DATE:
            return np.isnat(self.values) & ~self.unknown
        if self.kind == F.INTEGER:
            return np.isnan(self.values) & ~self.unknown
        if self.kind == F.CATEGORY:
            return self.values == EMPTY
        return (self.values == "").to_numpy(dtype=bool) & ~self.unknown


@dataclass(frozen=True)
class ColumnChoice:
    """Several headers of the file mean one field: the column used, because its cells are of the
    field's kind, and the others with a cell that is not (None: they are empty)."""

    field: str
    header: str
    column: int  # 1-based
    kind: str  # text | date | integer | category
    not_used: tuple[tuple[str, int, str | None], ...]  # (header, column, a cell not of the kind)


@dataclass(frozen=True)
class Records:
    """A dossier export, typed. ``lines`` are the file lines (as an editor shows them) of each row."""

    path: str
    sha256: str
    size: int
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    n_rows: int
    blank_rows: int
    lines: np.ndarray
    columns: Mapping[str, Column]
    missing: tuple[str, ...]  # plan columns (not optional) that the file lacks
    unmatched_headers: tuple[str, ...]
    excluded: np.ndarray  # rows unusable as a whole: no dossier_id, or a repeated one
    problems: pd.DataFrame = field(repr=False)
    format: str = "csv"  # sources.RawTable.format
    layout: tuple[tuple[int, str], ...] = ()  # (line, kind): set aside, not dossiers
    columns_chosen: tuple[ColumnChoice, ...] = ()  # fields several headers claimed

    def has(self, name: str) -> bool:
        return name in self.columns and self.columns[name].header is not None


PROBLEM_COLUMNS = ["line", "column", "header", "field", "value", "reason"]


def header_matcher(plan: Plan) -> dict[str, str]:
    """fold(alias) -> canonical field, for every alias and the field name itself."""
    out: dict[str, str] = {}
    for name, spec in plan.columns.items():
        out[fold(name)] = name
        for alias in spec.aliases:
            out[fold(alias)] = name
    return out


def read_raw(
    path: str | Path,
    plan: Plan,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    min_score: int = 2,
) -> RawTable:
    """The export as strings, its header row found by the plan's column names (at least
    ``min_score`` of them; 0: the best row, the first non-blank one if none is known)."""
    matcher = header_matcher(plan)

    def score(cells) -> int:
        found = {matcher.get(fold(c)) for c in cells if c}
        found.discard(None)
        return len(found)

    expected = [spec.aliases[0] for spec in plan.columns.values() if spec.required]
    keys = [
        a
        for n in ("dossier_id", "received_at")
        if n in plan.columns
        for a in (n, *plan.columns[n].aliases)
    ]
    return read_table(
        path,
        score,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        expected=expected,
        min_score=min_score,
        keys=keys,
    )


def read_records(
    path: str | Path,
    plan: Plan,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Records:
    """Read and type a dossier export according to the plan's columns and vocabularies."""
    table = read_raw(path, plan, encoding=encoding, delimiter=delimiter, sheet=sheet)
    if len(table.data) == 0:
        raise CchcError(
            Msg(
                "tệp chỉ có dòng tiêu đề, không có hồ sơ nào",
                "the file has a header but no dossiers",
            ),
            Msg(
                "xuất lại danh sách hồ sơ từ phần mềm Một cửa (kiểm tra bộ lọc thời gian khi xuất)",
                "export the dossier list again (check the date filter used for the export)",
            ),
            Location(table.path, table.header_line),
        )
    return records_from_table(table, plan)


def records_from_table(table: RawTable, plan: Plan) -> Records:
    matcher = header_matcher(plan)
    claims: dict[str, list[tuple[int, str]]] = {}
    unmatched: list[str] = []
    for i, header in enumerate(table.headers):
        name = matcher.get(fold(header)) if header else None
        if name is None:
            if header:
                unmatched.append(header)
            continue
        claims.setdefault(name, []).append((i, header))
    where: dict[str, tuple[int, str]] = {}
    chosen: list[ColumnChoice] = []
    for name, found in claims.items():
        if len(found) == 1:
            where[name] = found[0]
            continue
        choice = _choose(table, plan, plan.columns[name], found)
        where[name] = (choice.column - 1, choice.header)
        chosen.append(choice)

    for name, spec in plan.columns.items():
        if spec.required and name not in where:
            known = [a for a in spec.aliases]
            guess = (
                closest(spec.aliases[0], [h for h in table.headers if h]) if table.headers else None
            )
            found = ", ".join(visible(h) for h in table.headers if h) or "(không có)"
            raise CchcError(
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
                Location(table.path, table.header_line),
            )

    n = len(table.data)
    columns: dict[str, Column] = {}
    problems: list[pd.DataFrame] = [_short_rows(table)]
    missing: list[str] = []
    for name, spec in plan.columns.items():
        if name not in where:
            if not spec.optional:
                missing.append(name)
            columns[name] = _absent(spec, plan, n)
            continue
        idx, header = where[name]
        raw = table.data.iloc[:, idx]
        col = _parse(spec, plan, raw, header, idx + 1)
        columns[name] = col
        for reason, mask in col.bad:
            if reason is Reason.SHORT_ROW:  # reported once per row, below
                continue
            if mask.any():
                problems.append(
                    pd.DataFrame(
                        {
                            "line": table.lines[mask],
                            "column": idx + 1,
                            "header": header,
                            "field": name,
                            "value": raw[mask].to_numpy(dtype=object),
                            "reason": reason.value,
                        }
                    )
                )

    excluded = np.zeros(n, dtype=bool)
    ids = columns["dossier_id"]
    id_values = ids.values
    dup = _repeated(arrow_column(id_values))
    if dup.any():
        idx = where["dossier_id"][0]
        problems.append(
            pd.DataFrame(
                {
                    "line": table.lines[dup],
                    "column": idx + 1,
                    "header": where["dossier_id"][1],
                    "field": "dossier_id",
                    "value": id_values.to_numpy()[dup],
                    "reason": Reason.DUPLICATE_ID.value,
                }
            )
        )
        columns["dossier_id"] = Column(
            ids.field,
            ids.kind,
            ids.values,
            (*ids.bad, (Reason.DUPLICATE_ID, dup)),
            ids.header,
            ids.index,
            raw=ids.raw,
        )
    excluded |= columns["dossier_id"].unknown

    prob = (
        pd.concat(problems, ignore_index=True)
        if problems
        else pd.DataFrame(
            {
                c: pd.Series(dtype="int64" if c in ("line", "column") else "str")
                for c in PROBLEM_COLUMNS
            }
        )
    )
    prob = prob.sort_values(["line", "column"], kind="stable", ignore_index=True)
    return Records(
        path=table.path,
        sha256=table.sha256,
        size=table.size,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        header_line=table.header_line,
        n_rows=n,
        blank_rows=table.blank_rows,
        format=table.format,
        layout=table.layout,
        lines=np.asarray(table.lines, dtype=np.int64),
        columns=columns,
        missing=tuple(missing),
        unmatched_headers=tuple(unmatched),
        excluded=excluded,
        problems=prob,
        columns_chosen=tuple(chosen),
    )


SAMPLE_CELLS = 1000  # non-empty cells looked at to tell which of two claiming columns fits

# What a column's cells must be to be the field's, in words (vi, en).
_KIND_WORDS = {
    F.DATE: ("ngày", "dates"),
    F.INTEGER: ("số nguyên", "whole numbers"),
    F.CATEGORY: ("từ trong danh mục", "words of its vocabulary"),
    F.TEXT: ("chữ", "text"),
}


def _fits(spec: ColumnSpec, plan: Plan, raw: pd.Series, header: str) -> tuple[bool, str | None]:
    """Whether most of the first SAMPLE_CELLS non-empty cells are of the field's kind (cheap on a
    million rows; an empty column is of no kind), and one cell that is not (None: all are)."""
    arr = arrow_column(raw)
    cells = pc.filter(arr, pc.invert(pc.is_in(arr, pa.array(["", ABSENT]))))[:SAMPLE_CELLS]
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
    table: RawTable, plan: Plan, spec: ColumnSpec, found: list[tuple[int, str]]
) -> ColumnChoice:
    """The one claiming column whose sampled cells are mostly of the field's kind (an empty
    column fits nothing); when none or several do, an error naming the plan's aliases to drop."""
    tried = []
    for i, header in found:
        fits, misfit = _fits(spec, plan, table.data.iloc[:, i], header)
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
        Location(table.path, table.header_line, tried[-1][0] + 1),
    )


def _short_rows(table: RawTable) -> pd.DataFrame:
    """One problem per CSV row with fewer cells than the header, at its first missing column."""
    # the cut-off cells of a row are its last ones: walk back from the last column over the
    # short rows only, and stop at the first column where none of them is cut (100,000 columns)
    first = np.zeros(len(table.data), dtype=np.int64)
    rows = np.arange(len(table.data))
    for i in range(table.data.shape[1] - 1, -1, -1):
        col = table.data.iloc[:, i]
        cells = arrow_column(col if len(rows) == len(col) else col.iloc[rows])
        absent = np.asarray(pc.equal(cells, ABSENT).to_numpy(zero_copy_only=False), dtype=bool)
        if not absent.any():
            break
        rows = rows[absent]
        first[rows] = i + 1
    rows = np.flatnonzero(first)
    return pd.DataFrame(
        {
            "line": table.lines[rows],
            "column": first[rows],
            "header": [table.headers[c - 1] for c in first[rows]],
            "field": "",
            "value": "",
            "reason": Reason.SHORT_ROW.value,
        }
    )


def _repeated(arr: pa.ChunkedArray) -> np.ndarray:
    """Rows whose non-empty value already appeared on an earlier row."""
    encoded = pc.dictionary_encode(arr).combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    n = len(codes)
    if n == 0 or len(encoded.dictionary) == n:  # all distinct: the usual case, no sort
        return np.zeros(n, dtype=bool)
    first = np.full(len(encoded.dictionary), n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n))
    dup = first[codes] != np.arange(n)
    blank = pc.index(encoded.dictionary, "").as_py()
    if blank >= 0:
        dup &= codes != blank
    return dup


def _absent(spec: ColumnSpec, plan: Plan, n: int) -> Column:
    kind = spec.kind
    if kind == F.DATE:
        values = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    elif kind == F.INTEGER:
        values = np.full(n, np.nan)
    elif kind == F.CATEGORY:
        vocab = plan.vocabularies[spec.type]
        fill = vocab.categories.index(vocab.empty) if vocab.empty else EMPTY
        return Column(
            spec.field, kind, np.full(n, fill, dtype=np.int16), (), None, None, vocab.categories
        )
    else:
        values = pd.Series([""] * n, dtype="str")
    return Column(spec.field, kind, values, (), None, None)


def arrow_column(raw: pd.Series) -> pa.ChunkedArray:
    """The column as an Arrow string array (zero-copy for pandas' Arrow-backed strings)."""
    arr = pa.array(raw.to_numpy(dtype=object) if raw.dtype == object else raw)
    chunked = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    if chunked.type != pa.string():  # large_string, or null for an empty object column
        chunked = chunked.cast(pa.string())
    return chunked


def _parse(spec: ColumnSpec, plan: Plan, raw: pd.Series, header: str, index: int) -> Column:
    kind = spec.kind
    arr = arrow_column(raw)
    bad: list[tuple[Reason, np.ndarray]] = []
    absent = pc.equal(arr, ABSENT)
    cut = np.zeros(len(raw), dtype=bool)
    if pc.any(absent).as_py():  # cells cut off a short row: unknown (reported once per row)
        cut = absent.to_numpy(zero_copy_only=False).astype(bool)
        arr = pc.if_else(absent, "", arr)
        raw = pd.Series(arr.to_pandas(types_mapper=pd.ArrowDtype).astype("str"), index=raw.index)
        bad.append((Reason.SHORT_ROW, cut))
    blank = pc.equal(arr, "").to_numpy(zero_copy_only=False).astype(bool)  # parsers: no value
    empty = blank & ~cut
    missing_mask = empty if not spec.allow_empty else np.zeros(len(raw), dtype=bool)
    if missing_mask.any():
        bad.append((Reason.MISSING_VALUE, missing_mask))
    if kind == F.DATE:
        values, invalid = parse_dates(arr, blank)
        bad.insert(0, (Reason.INVALID_DATE, invalid))
        return Column(spec.field, kind, values, tuple(bad), header, index)
    if kind == F.INTEGER:
        values, invalid = parse_integers(arr, blank)
        bad.insert(0, (Reason.INVALID_NUMBER, invalid))
        return Column(spec.field, kind, values, tuple(bad), header, index)
    if kind == F.CATEGORY:
        vocab = plan.cell_words(spec, spec.alias(header))
        codes, unknown = encode_words(arr, vocab, blank)
        codes[missing_mask | cut] = UNKNOWN
        bad.insert(0, (Reason.UNKNOWN_VALUE, unknown))
        return Column(
            spec.field,
            kind,
            codes,
            tuple(bad),
            header,
            index,
            vocab.categories,
            raw.reset_index(drop=True),
        )
    values = (raw if raw.dtype != object else raw.astype("str")).reset_index(drop=True)
    return Column(spec.field, kind, values, tuple(bad), header, index, raw=values)


def parse_dates(arr: pa.ChunkedArray, empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Day-first dates to datetime64[D]; returns (values, invalid mask). Empty cells are NaT, valid.

    Formats are tried most-common-first (sniffed on a sample), each only on the cells still
    unparsed, so a uniform column costs one ``strptime`` pass.
    """
    n = len(arr)
    zoned = np.zeros(n, dtype=bool)  # written with a zone: shifted to Vietnam time after checks
    formats = _sniff_formats(arr, np.flatnonzero(~empty))
    if not formats:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"), np.zeros(n, dtype=bool)
    values = _strptime(arr, formats[0])  # the usual case: one pass over the whole column
    todo = np.flatnonzero(np.isnat(values) & ~empty)
    for fmt in formats[1:]:
        if todo.size == 0:
            break
        got = _strptime(arr.take(pa.array(todo)), fmt)
        ok = ~np.isnat(got)
        values[todo[ok]] = got[ok]
        todo = todo[~ok]
    if todo.size:
        # Fractions of a second (SQL, .NET exports) are dropped; a time with a zone (``Z``,
        # ``+07:00``) is converted to Vietnam's wall clock (UTC+7), whose calendar date counts.
        sub = pc.replace_substring_regex(arr.take(pa.array(todo)), _FRACTION, r"\1")
        for fmt in _ZONED_FORMATS:
            got = _strptime(sub, fmt)
            ok = ~np.isnat(got)
            values[todo[ok]] = got[ok]
            zoned[todo[ok]] = True
            todo, sub = todo[~ok], sub.filter(pa.array(~ok))
        for fmt in F.DATE_FORMATS:
            if todo.size == 0:
                break
            got = _strptime(sub, fmt)
            ok = ~np.isnat(got)
            values[todo[ok]] = got[ok]
            todo, sub = todo[~ok], sub.filter(pa.array(~ok))
    days = values.astype("datetime64[D]")
    # strptime rolls 31/02 over into March (day 1-3): check the written day of those cells only
    as_dates = pa.array(days)  # date32, NaT as null: pyarrow's calendar fields are cheap
    day_of_month = pc.fill_null(pc.day(as_dates), 99).to_numpy(zero_copy_only=False)
    suspect = np.flatnonzero(day_of_month <= 3)
    if suspect.size:
        found = pc.extract_regex(arr.take(pa.array(suspect)), _DAY_OF)
        a, b = pc.struct_field(found, "a"), pc.struct_field(found, "b")  # dd/mm/… or …-mm-dd
        written = pc.if_else(pc.equal(a, ""), b, a)
        written = pc.cast(pc.if_else(pc.equal(written, ""), None, written), pa.int64())
        written = np.asarray(written.to_numpy(zero_copy_only=False), dtype=float)
        rolled = suspect[~np.isnan(written) & (written != day_of_month[suspect])]
        days[rolled] = np.datetime64("NaT")
    zoned &= ~np.isnat(days)
    if zoned.any():
        at = np.flatnonzero(zoned)
        far = pc.match_substring_regex(arr.take(pa.array(at)), _FAR_OFFSET)
        far = at[np.asarray(far.to_numpy(zero_copy_only=False), dtype=bool)]
        days[far] = np.datetime64("NaT")
        zoned[far] = False
    if pc.any(pc.match_substring(arr, ":6")).as_py():  # cheap test first
        leap = pc.match_substring_regex(arr, _LEAP_SECOND).to_numpy(zero_copy_only=False)
        days[np.asarray(leap, dtype=bool)] = np.datetime64("NaT")
        zoned &= ~np.isnat(days)
    if zoned.any():
        days[zoned] = (values[zoned] + _VIETNAM_OFFSET).astype("datetime64[D]")
    # two-digit years parse as year 23 AD; the calendar covers 1901-2100: outside it, not a date
    years = pc.fill_null(pc.year(pa.array(days)), _FIRST_YEAR).to_numpy(zero_copy_only=False)
    days[(years < _FIRST_YEAR) | (years > _LAST_YEAR)] = np.datetime64("NaT")
    invalid = np.isnat(days) & ~empty
    return days, invalid


def _strptime(arr, fmt: str) -> np.ndarray:
    got = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
    return np.asarray(got.to_numpy(zero_copy_only=False), dtype="datetime64[s]")


def _sniff_formats(arr: pa.ChunkedArray, todo: np.ndarray) -> list[str]:
    """The date formats, those matching most of a sample first (ties keep the documented order)."""
    if todo.size == 0:
        return []
    sample = arr.take(pa.array(todo[:: max(1, todo.size // 500)][:500]))
    hits = {fmt: int((~np.isnat(_strptime(sample, fmt))).sum()) for fmt in F.DATE_FORMATS}
    return sorted(F.DATE_FORMATS, key=lambda f: -hits[f])


def parse_integers(arr: pa.ChunkedArray, empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers ≥ 0 (``5``, ``5.0`` from Excel); returns (float values with NaN, invalid mask)."""
    ok = pc.match_substring_regex(arr, r"^\d{1,6}(?:[.,]0+)?$")
    digits = pc.replace_substring_regex(arr, r"[.,]0+$", "")
    values = pc.cast(pc.if_else(ok, digits, None), pa.float64()).to_numpy(zero_copy_only=False)
    values = np.asarray(values, dtype=float)
    invalid = np.isnan(values) & ~empty
    return values, invalid


def encode_words(
    arr: pa.ChunkedArray, vocab: Vocabulary, empty: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vocabulary words to category codes; unknown words get UNKNOWN and are flagged."""
    encoded = pc.dictionary_encode(arr).combine_chunks()
    words = encoded.dictionary.to_pylist()
    empty_code = vocab.categories.index(vocab.empty) if vocab.empty else EMPTY
    lookup = np.empty(len(words), dtype=np.int16)
    for i, w in enumerate(words):
        if w == "":
            lookup[i] = empty_code
        else:
            cat = vocab.words.get(fold_value(w))
            lookup[i] = vocab.categories.index(cat) if cat is not None else UNKNOWN
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    codes = lookup[indices] if len(words) else np.full(len(arr), EMPTY, dtype=np.int16)
    return codes.astype(np.int16), codes == UNKNOWN
