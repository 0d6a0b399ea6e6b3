"""The plan file: indicators, column aliases and vocabularies, validated with locations.

A plan may extend another (``extends: plan2023`` or ``extends: base.yaml``) and hold only what it
adds or changes; the files of the chain are merged node by node (:func:`_overlay`) before the one
validation below, and every node keeps its own file, so a mistake is located where it was written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CchcError, CchcWarning, Location, Msg, show_path_as
from ..text import closest, fold, fold_value, shorten
from . import fields as F
from .conditions import (
    Condition,
    ConditionSyntaxError,
    Ref,
    Test,
    extended_of,
    offset_of,
    parse_condition,
    tests_of,
)
from .period import CALENDAR, CUTOFF, Reporting, whole_months
from .yamlfile import Node, load_yaml, merge, new_mapping, new_sequence

if TYPE_CHECKING:
    from .registers import Register, RegisterRule

SCHEMA_VERSION = 1
DEFAULT_PLAN = "plan2023.yaml"

_OPS = {"≥": ">=", "≤": "<=", "==": "=", ">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "="}
_TARGET = re.compile(
    r"^\s*(?P<op>>=|<=|==|≥|≤|>|<|=)\s*(?:(?P<num>\d{1,15}(?:[.,]\d{1,15})?)\s*(?P<pct>%?)|(?P<base>baseline))\s*$"
)
MEASURES = ("ratio", "count", "score")
SOURCES = ("dossiers", "actuals", "registers")


@dataclass(frozen=True)
class Target:
    """``op value`` where value is a percent (ratio), a count, or the baseline (score)."""

    op: str
    value: Fraction | None  # None: compare with the baseline
    unit: str  # "percent" | "count" | "baseline"

    def met(self, value: Fraction, baseline: Fraction | None = None) -> bool:
        ref = baseline if self.value is None else self.value
        assert ref is not None
        return {
            ">=": value >= ref,
            ">": value > ref,
            "<=": value <= ref,
            "<": value < ref,
            "=": value == ref,
        }[self.op]

    @property
    def symbol(self) -> str:
        return {">=": "≥", "<=": "≤"}.get(self.op, self.op)

    def as_json(self) -> dict:
        if self.value is None:
            return {"op": self.op, "value": None, "unit": "baseline"}
        v = self.value
        number = int(v) if v.denominator == 1 else float(v)
        return {"op": self.op, "value": number, "unit": self.unit}


@dataclass(frozen=True)
class Vocabulary:
    """Words that may stand in a column, each mapped to one category."""

    name: str
    categories: tuple[str, ...]
    words: Mapping[str, str]  # fold_value(word) -> category
    empty: str | None  # what an empty cell means (None: empty is 'not given')
    true: str | None = None  # the category a bare reference (``e_result``) tests for
    labels: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # category -> words as written

    @property
    def boolean(self) -> bool:
        return self.true is not None


@dataclass(frozen=True)
class Alias:
    """A header that means a field; ``vocabulary``: the words of that header's cells, when they
    are not the field's own (``Trực tuyến`` holding true/false for ``channel``)."""

    header: str
    vocabulary: str | None
    location: Location


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    headers: tuple[Alias, ...]
    type: str  # text | date | integer | <vocabulary name>
    required: bool  # the file is unusable without it
    optional: bool  # absent = every cell empty, no indicator loses data
    allow_empty: bool  # empty cells are fine (else: missing_value, left out)
    location: Location

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(a.header for a in self.headers)

    def alias(self, header: str) -> Alias | None:
        """The alias a file's header matched (None: the field's own name)."""
        key = fold(header)
        return next((a for a in self.headers if fold(a.header) == key), None)

    @property
    def kind(self) -> str:
        if self.type in (F.TEXT, F.DATE, F.INTEGER):
            return self.type
        return F.CATEGORY


@dataclass(frozen=True)
class PlanFile:
    """A file a plan was read from: the plan itself or a base it extends."""

    path: str
    sha256: str


@dataclass(frozen=True)
class Indicator:
    id: str
    section: str
    title: str
    title_en: str
    target: Target
    source: str  # dossiers | actuals
    measure: str  # ratio | count | score
    numerator_text: str | None
    denominator_text: str | None
    numerator: Condition | None
    denominator: Condition | None
    location: Location
    note: str | None = None
    pass_label: str | None = None  # e.g. "hồ sơ đúng hạn", for headroom texts
    fail_label: str | None = None  # e.g. "hồ sơ trễ hạn"
    rule: RegisterRule | None = None  # source "registers": the register and what is counted

    @property
    def register(self) -> str | None:
        """The register a ``source: registers`` indicator counts (``from:``)."""
        return self.rule.register if self.rule is not None else None

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    agency: str
    year: int
    path: str
    sha256: str
    period: tuple[dt.date, dt.date]
    columns: Mapping[str, ColumnSpec]
    vocabularies: Mapping[str, Vocabulary]
    classification: Mapping[str, Condition]
    indicators: tuple[Indicator, ...]
    days_off: Mapping[dt.date, str] = field(default_factory=dict)
    working_days: Mapping[dt.date, str] = field(default_factory=dict)
    bases: tuple[PlanFile, ...] = ()  # what the plan extends, nearest first (empty: a whole plan)
    # the cut-off day, and whether a period means its cut-off window by default
    reporting: Reporting = field(default_factory=Reporting)
    registers: Mapping[str, Register] = field(default_factory=dict)  # the department's lists

    def indicator(self, ident: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == ident:
                return ind
        guess = closest(ident, [i.id for i in self.indicators])
        raise CchcError(
            Msg(
                f"không có chỉ tiêu '{ident}' trong kế hoạch", f"no indicator '{ident}' in the plan"
            ),
            Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
            if guess
            else Msg(
                "các mã chỉ tiêu: " + ", ".join(i.id for i in self.indicators),
                "indicator ids: " + ", ".join(i.id for i in self.indicators),
            ),
            Location(self.path),
        )

    def vocabulary_of(self, name: str) -> Vocabulary | None:
        spec = self.columns.get(name)
        return self.vocabularies.get(spec.type) if spec else None

    def field_kind(self, name: str) -> str | None:
        if name in F.DERIVED:
            return F.DERIVED[name].kind
        spec = self.columns.get(name)
        if spec is None:
            return None
        if spec.kind == F.CATEGORY and self.vocabularies[spec.type].boolean:
            return F.BOOL
        return spec.kind

    def cell_words(self, spec: ColumnSpec, alias: Alias | None) -> Vocabulary:
        """The vocabulary a column's cells are read with: the field's, or the matched header's own
        words mapped onto the field's categories (``true`` → ``online``)."""
        own = self.vocabularies[spec.type]
        if alias is None or alias.vocabulary is None:
            return own
        words = self.vocabularies[alias.vocabulary]
        return Vocabulary(
            words.name, own.categories, words.words, words.empty, own.true, words.labels
        )


def default_plan_path() -> Path:
    """The 2023 plan shipped inside the package (the repository's ``plan2023.yaml`` links to it)."""
    return _shipped(Path(str(resources.files("cchc_cli") / "plans" / DEFAULT_PLAN)))


def builtin_plans() -> dict[str, Path]:
    """The plans shipped with cchc, by file stem (``plan2023``)."""
    return {p.stem: _shipped(p) for p in sorted(default_plan_path().parent.glob("*.yaml"))}


def _shipped(path: Path) -> Path:
    """A shipped plan's path, which messages show as "kế hoạch 2023 kèm theo" / "the shipped 2023
    plan": the user never typed its site-packages path."""
    year = re.fullmatch(r"plan(\d{4})", path.stem)
    show_path_as(
        str(path),
        Msg(f"kế hoạch {year[1]} kèm theo", f"the shipped {year[1]} plan")
        if year
        else Msg(f"kế hoạch kèm theo '{path.stem}'", f"the shipped plan '{path.stem}'"),
    )
    return path


def shipped_plan_ids() -> dict[str, Path]:
    """The shipped plans by their ``id:`` (``snv-dongnai-2023``)."""
    ids = {}
    for p in builtin_plans().values():
        ident = _get(load_yaml(p), "id")
        if ident is not None and ident.is_scalar:
            ids[ident.text()] = p
    return ids


def shipped_plans() -> list[Plan]:
    """Every shipped plan, loaded and validated (``cchc plans``)."""
    return [load_plan(p) for p in builtin_plans().values()]


def _names_a_path(text: str) -> bool:
    """``plan2023`` is a name; ``plans/x.yaml``, ``x.yml`` are paths."""
    return "/" in text or "\\" in text or text.lower().endswith((".yaml", ".yml"))


def _shipped_by_name(name: str) -> Path | None:
    """A shipped plan named by file stem or id, when ``name`` reads as a name, not a path."""
    if _names_a_path(name):
        return None
    return builtin_plans().get(name) or shipped_plan_ids().get(name)


def plan_file(path: str | Path | None) -> str:
    """The file ``--plan`` names: the shipped 2023 plan when left out; a path that exists; else a
    shipped plan by file stem or id (``plan2023``, ``snv-dongnai-2023``) — a file wins over a
    name, so a plan saved as ``plan2023`` in the current folder is still read."""
    if path is None:
        return str(default_plan_path())
    text = str(path)
    if Path(text).exists():
        return text
    found = _shipped_by_name(text)
    if found is not None:
        return str(found)
    if _names_a_path(text):
        return text  # a path: reading it says it is not there
    shipped = builtin_plans()
    ids = shipped_plan_ids()
    guess = closest(text, [*shipped, *ids])
    listed = ", ".join(f"{p.stem} ({ident})" for ident, p in ids.items())
    raise CchcError(
        Msg(
            f"không có tệp '{text}', cũng không có kế hoạch kèm theo tên này",
            f"no file '{text}', nor a shipped plan of that name",
        ),
        Msg(
            (f"có phải ý bạn là '{guess}'? " if guess else "")
            + f"các kế hoạch kèm theo: {listed} (xem: cchc plans), hoặc ghi đường dẫn tệp YAML",
            (f"did you mean '{guess}'? " if guess else "")
            + f"shipped plans: {listed} (see: cchc plans), or give a YAML file's path",
        ),
    )


def load_plan(path: str | Path | None = None, *, bases: Sequence[str | Path] = ()) -> Plan:
    """Read and validate a plan; every mistake is a CchcError with ``file:line:col``.

    ``bases``: the files its ``extends:`` chain is read from, nearest first, instead of resolving
    each ``extends`` (``verify`` passes the recorded files it found); the rest are resolved.
    """
    root, files = _read_chain(plan_file(path), bases)
    top = root.mapping(
        [
            "schema",
            "id",
            "title",
            "agency",
            "source",
            "year",
            "period",
            "reporting",
            "calendar",
            "columns",
            "vocabularies",
            "classification",
            "indicators",
            "registers",
        ],
        [
            "schema",
            "id",
            "title",
            "year",
            "columns",
            "vocabularies",
            "classification",
            "indicators",
        ],
    )
    schema = top["schema"].number()
    if schema != SCHEMA_VERSION:
        raise top["schema"].error(
            Msg(
                f"phiên bản lược đồ {schema} không được hỗ trợ",
                f"schema version {schema} is not supported",
            ),
            Msg(f"dùng 'schema: {SCHEMA_VERSION}'", f"use 'schema: {SCHEMA_VERSION}'"),
        )
    year = _year(top["year"], top["year"].number())
    period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    if "period" in top:
        pm = top["period"].mapping(["start", "end"], ["start", "end"], Msg(" (kỳ)", " (period)"))
        period = (pm["start"].date(), pm["end"].date())
        for key, day in zip(("start", "end"), period, strict=True):
            _year(pm[key], day.year)
        if period[1] < period[0]:
            raise top["period"].error(
                Msg("kỳ có ngày kết thúc trước ngày bắt đầu", "period ends before it starts")
            )
    reporting = _reporting(top["reporting"], period) if "reporting" in top else Reporting()
    vocabularies = _vocabularies(top["vocabularies"])
    columns = _columns(top["columns"], vocabularies)
    days_off, working_days = _calendar(top["calendar"]) if "calendar" in top else ({}, {})
    registers = {}
    if "registers" in top:
        from .registers import parse_registers

        registers = parse_registers(top["registers"], vocabularies)
    plan = Plan(
        id=top["id"].text(),
        title=top["title"].text(),
        agency=top["agency"].text() if "agency" in top else "",
        year=year,
        path=files[0].path,
        sha256=files[0].sha256,
        period=period,
        columns=columns,
        vocabularies=vocabularies,
        classification={},
        indicators=(),
        days_off=days_off,
        working_days=working_days,
        bases=tuple(files[1:]),
        reporting=reporting,
        registers=registers,
    )
    classification = _classification(top["classification"], plan)
    indicators = _indicators(top["indicators"], plan)
    return Plan(**{**plan.__dict__, "classification": classification, "indicators": indicators})


def _plan_root(path: str) -> tuple[Node, str]:
    """One plan file's YAML tree (a mapping) and the SHA-256 of its bytes."""
    root = load_yaml(path)
    if not root.is_map:
        raise CchcError(
            Msg("tệp này không phải tệp kế hoạch YAML", "this is not a plan YAML file"),
            Msg(
                "--plan cần tệp YAML có các mục schema, id, title, columns, indicators (xem plan2023.yaml)",
                "--plan takes a YAML file with schema, id, title, columns, indicators (see plan2023.yaml)",
            ),
            Location(path),
        )
    return root, hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _get(node: Node, key: str) -> Node | None:
    return next((v for k, _, v in node.items() if k == key), None)


def _without(node: Node, *keys: str) -> Node:
    return new_mapping(node, [(kn, v) for k, kn, v in node.items() if k not in keys])


def _read_chain(path: str, bases: Sequence[str | Path]) -> tuple[Node, list[PlanFile]]:
    """The plan's tree with every base it extends merged under it, and the files read (the plan
    first, then its base, that base's base …). A file met twice is a cycle."""
    files: list[PlanFile] = []
    roots: list[Node] = []
    seen: set[str] = set()
    current, via = path, None
    while True:
        real = os.path.realpath(current)
        if via is not None and real in seen:
            chain = " → ".join([*(f.path for f in files), current])
            raise via.error(
                Msg(
                    f"các kế hoạch mở rộng lẫn nhau thành vòng: {chain}",
                    f"the plans extend each other in a cycle: {chain}",
                ),
                Msg(
                    "bỏ 'extends' ở một tệp trong vòng",
                    "remove 'extends' from one file of the cycle",
                ),
            )
        seen.add(real)
        root, sha = _plan_root(current)
        files.append(PlanFile(current, sha))
        roots.append(root)
        via = _get(root, "extends")
        if via is None:
            break
        n = len(files) - 1
        current = str(bases[n]) if n < len(bases) else _base_of(via, current)
    merged = roots[-1]
    for over in reversed(roots[:-1]):
        merged = _overlay(merged, over)
    return merged, files


def _base_of(node: Node, here: str) -> str:
    """The file ``extends:`` names: a shipped plan by file stem or id (``plan2023``,
    ``snv-dongnai-2023``), else a path relative to the file that says it."""
    name = node.text()
    found = _shipped_by_name(name)
    if found is not None:
        return str(found)
    shipped = builtin_plans()
    if not _names_a_path(name):
        guess = closest(name, [*shipped, *shipped_plan_ids()])
        raise node.error(
            Msg(f"không có kế hoạch kèm theo tên '{name}'", f"no shipped plan named '{name}'"),
            Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
            if guess
            else Msg(
                "ghi tên một kế hoạch kèm theo (" + ", ".join(shipped) + ") hoặc đường dẫn tệp "
                "YAML, tính từ thư mục của tệp này",
                "name a shipped plan (" + ", ".join(shipped) + ") or a YAML file's path, "
                "relative to this file's folder",
            ),
        )
    target = Path(name)
    if not target.is_absolute():
        target = Path(os.path.normpath(Path(here).parent / target))
    if not target.is_file():
        raise node.error(
            Msg(
                f"không tìm thấy kế hoạch gốc '{name}' ({target})",
                f"base plan '{name}' not found ({target})",
            ),
            Msg(
                "đường dẫn tính từ thư mục của tệp kế hoạch này",
                "the path is relative to this plan file's folder",
            ),
        )
    return str(target)


def _overlay(base: Node, over: Node) -> Node:
    """An overlay laid on its base (README, "Kế hoạch mở rộng"): mappings merged, lists added
    to, scalars replaced; ``indicators`` matched by id (``drop: true`` removes one) and a column
    may ``drop_aliases``."""
    pairs = {k: (kn, v) for k, kn, v in base.items()}
    for key, knode, value in over.items():
        if key == "extends":
            continue
        if key not in pairs:
            pairs[key] = (knode, value)
            continue
        bkey, bvalue = pairs[key]
        if key == "indicators":
            pairs[key] = (bkey, _overlay_indicators(bvalue, value))
        elif key == "columns" and bvalue.is_map and value.is_map:
            pairs[key] = (bkey, _overlay_columns(bvalue, value))
        else:
            pairs[key] = (bkey, merge(bvalue, value))
    return new_mapping(over, pairs.values())


def _indicator_id(node: Node) -> str | None:
    ident = _get(node, "id") if node.is_map else None
    return ident.text() if ident is not None and ident.is_scalar and not ident.is_null else None


def _overlay_indicators(base: Node, over: Node) -> Node:
    """Indicators by id: a new id is added, a known one changed key by key or dropped."""
    entries: list[Node | None] = list(base.seq())
    index = {i: n for n, e in enumerate(entries) if (i := _indicator_id(e)) is not None}
    seen: dict[str, Location] = {}
    for item in over.seq():
        ident_node = _get(item, "id") if item.is_map else None
        if ident_node is None:
            raise item.error(
                Msg(
                    "chỉ tiêu trong kế hoạch mở rộng cần 'id'",
                    "an indicator in an overlay needs its 'id'",
                ),
                Msg(
                    "ghi 'id:' của chỉ tiêu cần thêm, sửa hoặc bỏ",
                    "write the 'id:' of the indicator to add, change or drop",
                ),
            )
        ident = ident_node.text()
        if ident in seen:
            raise _duplicate_id(
                ident_node, seen[ident], Msg("gộp hai mục làm một", "merge the two entries")
            )
        seen[ident] = ident_node.location
        drop = _get(item, "drop")
        if drop is not None and drop.boolean():
            if ident not in index:
                guess = closest(ident, list(index))
                raise ident_node.error(
                    Msg(
                        f"kế hoạch gốc không có chỉ tiêu '{ident}' để bỏ",
                        f"the base plan has no indicator '{ident}' to drop",
                    ),
                    Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
                    if guess
                    else None,
                )
            extra = [k for k, _, _ in item.items() if k not in ("id", "drop")]
            if extra:
                raise drop.error(
                    Msg(
                        f"'drop: true' bỏ cả chỉ tiêu; xoá '{extra[0]}'",
                        f"'drop: true' removes the whole indicator; delete '{extra[0]}'",
                    ),
                )
            entries[index[ident]] = None
            continue
        change = _without(item, "drop") if drop is not None else item
        if ident in index and entries[index[ident]] is not None:
            entries[index[ident]] = merge(entries[index[ident]], change)
        else:
            entries.append(change)
    return new_sequence(base, [e for e in entries if e is not None])


def _alias_header(node: Node) -> str | None:
    if node.is_map:
        header = _get(node, "header")
        return header.text() if header is not None and header.is_scalar else None
    return node.text() if node.is_scalar and not node.is_null else None


def _overlay_columns(base: Node, over: Node) -> Node:
    """Columns by field: a new field is added, a known one merged (aliases added to, or dropped
    with ``drop_aliases``)."""
    pairs = {k: (kn, v) for k, kn, v in base.items()}
    for name, knode, spec in over.items():
        if name not in pairs:
            pairs[name] = (knode, spec)
            continue
        bkey, bspec = pairs[name]
        drop = _get(spec, "drop_aliases") if spec.is_map else None
        if drop is not None and bspec.is_map:
            bspec = _drop_aliases(bspec, drop, name)
            spec = _without(spec, "drop_aliases")
        pairs[name] = (bkey, merge(bspec, spec))
    return new_mapping(base, pairs.values())


def _drop_aliases(spec: Node, drop: Node, name: str) -> Node:
    aliases = _get(spec, "aliases")
    listed = (aliases.seq() if aliases.is_seq else [aliases]) if aliases is not None else []
    kept = list(listed)
    for word in drop.seq() if drop.is_seq else [drop]:
        header = word.text()
        hit = next((a for a in kept if (h := _alias_header(a)) and fold(h) == fold(header)), None)
        if hit is None:
            known = [h for a in kept if (h := _alias_header(a))]
            guess = closest(header, known)
            raise word.error(
                Msg(
                    f"'{header}' không phải tên cột của '{name}' trong kế hoạch gốc",
                    f"'{header}' is not a header of '{name}' in the base plan",
                ),
                Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
                if guess
                else Msg(f"các tên cột: {', '.join(known)}", f"headers: {', '.join(known)}"),
            )
        kept.remove(hit)
    pairs = [(kn, new_sequence(v, kept) if k == "aliases" else v) for k, kn, v in spec.items()]
    return new_mapping(spec, pairs)


def _year(node: Node, year: float | int) -> int:
    """A whole year the working calendar covers (the bound ``cchc calendar`` and --period use)."""
    from .calendar import supported_years

    first, last = supported_years()
    if year != int(year) or not first <= year <= last:
        raise node.error(
            Msg(
                f"năm {year} không hợp lệ: cần một năm trong {first}–{last}",
                f"invalid year {year}: it must be a year within {first}–{last}",
            ),
            Msg(
                "khoảng năm có lịch làm việc (ngày lễ, ngày làm bù)",
                "the years with a working calendar (holidays, make-up days)",
            ),
        )
    return int(year)


def _reporting(node: Node, period: tuple[dt.date, dt.date]) -> Reporting:
    """``reporting: {cutoff_day: 14, default: calendar | cutoff}`` (periods.md): the day a
    cut-off window ends (1–28: every month has it), and what a period means by default."""
    m = node.mapping(["cutoff_day", "default"], [], Msg(" (reporting)", " (reporting)"))
    day = Reporting().cutoff_day
    if "cutoff_day" in m:
        day = m["cutoff_day"].number()
        if day != int(day) or not 1 <= day <= 28:
            raise m["cutoff_day"].error(
                Msg(
                    f"ngày chốt số liệu {day} không hợp lệ: cần một số nguyên 1–28",
                    f"invalid cut-off day {day}: it must be a whole number 1–28",
                ),
                Msg(
                    "ngày có trong mọi tháng; Nghị định 09/2019/NĐ-CP: 14",
                    "a day every month has; Decree 09/2019/NĐ-CP: 14",
                ),
            )
    default = CALENDAR
    if "default" in m:
        default = m["default"].text()
        if default not in (CALENDAR, CUTOFF):
            raise m["default"].error(
                Msg(f"giá trị lạ '{default}'", f"unknown value '{default}'"),
                Msg("dùng 'calendar' hoặc 'cutoff'", "use 'calendar' or 'cutoff'"),
            )
        if default == CUTOFF and not whole_months(period):
            raise m["default"].error(
                Msg(
                    "kỳ của kế hoạch không gồm trọn các tháng: không có kỳ chốt số liệu",
                    "the plan's period is not whole months: it has no cut-off window",
                ),
                Msg(
                    "để 'period' bắt đầu ngày 1 và kết thúc ngày cuối tháng, hoặc dùng 'calendar'",
                    "make 'period' start on a 1st and end on a month's last day, or use 'calendar'",
                ),
            )
    return Reporting(int(day), default == CUTOFF)


def _vocabularies(node: Node) -> dict[str, Vocabulary]:
    out: dict[str, Vocabulary] = {}
    for name, _, vnode in node.items():
        spec = vnode.mapping(
            ["categories", "empty", "true"],
            ["categories"],
            Msg(f" (danh mục '{name}')", f" (vocabulary '{name}')"),
        )
        words: dict[str, str] = {}
        cats: list[str] = []
        labels: dict[str, list[str]] = {}
        for cat, _, wnode in spec["categories"].items():
            cats.append(cat)
            for word_node in wnode.seq() if wnode.is_seq else [wnode]:
                word = word_node.text()
                labels.setdefault(cat, []).append(word)
                key = fold_value(word)
                if key in words and words[key] != cat:
                    raise word_node.error(
                        Msg(
                            f"từ '{word}' đã thuộc nhóm '{words[key]}' (so khớp bỏ dấu, không phân biệt hoa thường)",
                            f"word '{word}' already belongs to '{words[key]}' (matching ignores case and diacritics)",
                        ),
                        Msg("mỗi từ chỉ thuộc một nhóm", "a word may belong to one category only"),
                    )
                words[key] = cat
        picked: dict[str, str | None] = {"empty": None, "true": None}
        for key in picked:
            if key in spec:
                picked[key] = spec[key].text()
                if picked[key] not in cats:
                    raise spec[key].error(
                        Msg(
                            f"'{picked[key]}' không phải một nhóm của '{name}'",
                            f"'{picked[key]}' is not a category of '{name}'",
                        ),
                        Msg(
                            f"chọn một trong: {', '.join(cats)}",
                            f"choose one of: {', '.join(cats)}",
                        ),
                    )
        true = picked["true"] or ("yes" if set(cats) == {"yes", "no"} else None)
        out[name] = Vocabulary(
            name,
            tuple(cats),
            words,
            picked["empty"],
            true,
            {c: tuple(ws) for c, ws in labels.items()},
        )
    return out


def _columns(node: Node, vocabularies: Mapping[str, Vocabulary]) -> dict[str, ColumnSpec]:
    out: dict[str, ColumnSpec] = {}
    seen_alias: dict[str, str] = {}
    types = [F.TEXT, F.DATE, F.INTEGER, *vocabularies]
    for name, key, cnode in node.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise key.error(
                Msg(f"tên trường '{name}' không hợp lệ", f"invalid field name '{name}'"),
                Msg(
                    "dùng chữ thường không dấu và '_', ví dụ 'ket_qua_dien_tu'",
                    "use lower-case ASCII and '_'",
                ),
            )
        if name in F.DERIVED:
            raise key.error(
                Msg(
                    f"'{name}' là trường suy ra, không đặt làm cột",
                    f"'{name}' is a derived field, not a column",
                )
            )
        spec = cnode.mapping(
            ["aliases", "type", "required", "optional", "allow_empty"],
            ["aliases", "type"],
            Msg(f" (cột '{name}')", f" (column '{name}')"),
        )
        ctype = field_type(spec["type"], types)
        headers = _aliases(spec["aliases"], name, ctype, vocabularies)
        claim_headers(headers, name, seen_alias)
        cs = ColumnSpec(
            field=name,
            headers=headers,
            type=ctype,
            required=spec["required"].boolean() if "required" in spec else False,
            optional=spec["optional"].boolean() if "optional" in spec else False,
            allow_empty=spec["allow_empty"].boolean() if "allow_empty" in spec else True,
            location=key.location,
        )
        if name in ("dossier_id", "received_at") and (not cs.required or cs.allow_empty):
            raise key.error(
                Msg(
                    f"cột '{name}' là bắt buộc cho mọi dòng",
                    f"column '{name}' is needed on every row",
                ),
                Msg(
                    "ghi 'required: true, allow_empty: false'",
                    "write 'required: true, allow_empty: false'",
                ),
            )
        role = F.ROLE_FIELDS.get(name)
        if role and cs.kind != role:
            raise spec["type"].error(
                Msg(f"cột '{name}' phải có kiểu {role}", f"column '{name}' must have type {role}")
            )
        out[name] = cs
    for name in F.ROLE_FIELDS:
        if name not in out:
            raise node.error(
                Msg(
                    f"kế hoạch thiếu cột '{name}' (quy tắc đếm cần đến)",
                    f"the plan lacks column '{name}' (the counting rules need it)",
                ),
                Msg(f"thêm '{name}:' vào mục columns", f"add '{name}:' under columns"),
            )
    return out


def _aliases(
    node: Node, name: str, ctype: str, vocabularies: Mapping[str, Vocabulary]
) -> tuple[Alias, ...]:
    """``[Header, …]``; an entry ``{header: H, vocabulary: V}`` reads H's cells with V's words,
    whose categories must be the field's (``online_flag``: true → online, false → offline)."""
    out: list[Alias] = []
    for entry in node.seq() if node.is_seq else [node]:
        if not entry.is_map:
            out.append(Alias(entry.text(), None, entry.location))
            continue
        what = Msg(f" (tên cột của '{name}')", f" (a header of '{name}')")
        spec = entry.mapping(["header", "vocabulary"], ["header", "vocabulary"], what)
        words = spec["vocabulary"].text()
        if words not in vocabularies:
            guess = closest(words, list(vocabularies))
            raise spec["vocabulary"].error(
                Msg(f"danh mục '{words}' không tồn tại", f"unknown vocabulary '{words}'"),
                Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
                if guess
                else Msg(f"thêm '{words}:' vào vocabularies", f"add '{words}:' under vocabularies"),
            )
        own = vocabularies.get(ctype)
        if own is None:
            raise spec["vocabulary"].error(
                Msg(
                    f"cột '{name}' có kiểu {ctype}, không đọc theo danh mục",
                    f"column '{name}' has type {ctype}; its cells are not read by a vocabulary",
                ),
                Msg("bỏ 'vocabulary:' ở tên cột này", "remove 'vocabulary:' from this header"),
            )
        foreign = [c for c in vocabularies[words].categories if c not in own.categories]
        if foreign:
            raise spec["vocabulary"].error(
                Msg(
                    f"nhóm '{foreign[0]}' của '{words}' không phải nhóm của '{ctype}'",
                    f"category '{foreign[0]}' of '{words}' is not a category of '{ctype}'",
                ),
                Msg(
                    f"các nhóm của '{words}' phải là nhóm của '{ctype}': {', '.join(own.categories)}",
                    f"the categories of '{words}' must be those of '{ctype}': "
                    f"{', '.join(own.categories)}",
                ),
            )
        out.append(Alias(spec["header"].text(), words, spec["header"].location))
    if not out:
        raise node.error(
            Msg(
                f"cột '{name}' cần ít nhất một tên cột",
                f"column '{name}' needs at least one header",
            ),
            Msg("ghi 'aliases: [Tên cột, …]'", "write 'aliases: [Header, …]'"),
        )
    return tuple(out)


def _calendar(node: Node) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    spec = node.mapping(["days_off", "working_days"], [], Msg(" (lịch)", " (calendar)"))
    result = []
    for key in ("days_off", "working_days"):
        days: dict[dt.date, str] = {}
        if key in spec and not spec[key].is_null:
            for _, knode, vnode in spec[key].items():
                days[knode.date()] = vnode.text()
        result.append(days)
    return result[0], result[1]


def _condition(node: Node, plan: Plan) -> Condition:
    text = node.text()
    mark = node.raw.start_mark
    # offsets map onto the file only for plain or quoted one-line scalars
    style_shift = 1 if node.raw.style in ("'", '"') else 0

    def loc(offset: int) -> Location:
        return Location(node.path, mark.line + 1, mark.column + 1 + style_shift + offset)

    try:
        cond = parse_condition(text)
    except ConditionSyntaxError as exc:
        raise CchcError(exc.message, exc.hint, loc(exc.offset)) from None
    for leaf in extended_of(cond)[:1]:
        raise CchcError(
            Msg(
                "so sánh hai trường, 'in period' và 'has a … row' chỉ dùng cho chỉ tiêu đếm từ sổ",
                "comparisons of two fields, 'in period' and 'has a … row' are for register "
                "indicators only",
            ),
            Msg(
                "chỉ tiêu từ hồ sơ dùng các trường suy ra (received_in_period, …); chỉ tiêu đếm "
                "từ sổ ghi 'from: <sổ>'",
                "dossier indicators use the derived fields (received_in_period, …); a register "
                "indicator says 'from: <register>'",
            ),
            loc(offset_of(leaf)),
        )
    for test in tests_of(cond):
        kind = plan.field_kind(test.field)
        if kind is None:
            names = [*plan.columns, *F.DERIVED]
            guess = closest(test.field, names)
            raise CchcError(
                Msg(f"trường lạ '{test.field}'", f"unknown field '{test.field}'"),
                Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
                if guess
                else Msg(f"các trường: {', '.join(names)}", f"fields: {', '.join(names)}"),
                loc(test.offset),
            )
        if isinstance(test, Ref):
            if kind != F.BOOL:
                raise not_yes_no(test.field, loc(test.offset))
            continue
        if test.op in ("empty", "not empty"):
            if test.field in F.DERIVED and kind == F.BOOL:
                raise CchcError(
                    Msg(
                        f"'{test.field}' luôn có giá trị có/không, không thể 'is empty'",
                        f"'{test.field}' is always yes or no; it cannot be 'empty'",
                    ),
                    Msg(
                        f"dùng '{test.field}' hoặc 'not {test.field}'",
                        f"use '{test.field}' or 'not {test.field}'",
                    ),
                    loc(test.offset),
                )
            continue
        cats = _categories(plan, test.field)
        if cats is None:
            raise CchcError(
                Msg(
                    f"'{test.field}' không có danh mục giá trị để so sánh",
                    f"'{test.field}' has no vocabulary to compare with",
                ),
                Msg(
                    "chỉ dùng 'is empty' / 'is not empty' với trường này",
                    "use only 'is empty' / 'is not empty' with it",
                ),
                loc(test.offset),
            )
        check_words(test, cats, loc)
    return cond


def field_type(node: Node, types: Sequence[str]) -> str:
    """A column's or register field's ``type:``, one of ``types`` (else did-you-mean)."""
    ctype = node.text()
    if ctype not in types:
        guess = closest(ctype, types)
        raise node.error(
            Msg(f"kiểu '{ctype}' không tồn tại", f"unknown type '{ctype}'"),
            Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
            if guess
            else Msg(f"các kiểu: {', '.join(types)}", f"types: {', '.join(types)}"),
        )
    return ctype


def claim_headers(headers: Sequence[Alias], name: str, seen: dict[str, str]) -> None:
    """Record that ``headers`` mean field ``name``; a header another field has is an error."""
    for alias in headers:
        k = fold(alias.header)
        if k in seen and seen[k] != name:
            raise CchcError(
                Msg(
                    f"tên cột '{alias.header}' đã dùng cho '{seen[k]}'",
                    f"header '{alias.header}' is already used by '{seen[k]}'",
                ),
                None,
                alias.location,
            )
        seen[k] = name


def not_yes_no(name: str, where: Location) -> CchcError:
    """A bare field reference to a field that is not yes/no."""
    return CchcError(
        Msg(f"'{name}' không phải trường có/không", f"'{name}' is not a yes/no field"),
        Msg(
            f"viết ví dụ '{name} == …' hoặc '{name} is empty'",
            f"write e.g. '{name} == …' or '{name} is empty'",
        ),
        where,
    )


def check_words(test: Test, cats: Sequence[str], loc) -> None:
    """Every word a vocabulary test names is a category of the field (else did-you-mean, at
    the word: ``loc(offset)``)."""
    for word, at in zip(test.values, test.value_offsets, strict=True):
        if word not in cats:
            guess = closest(word, cats)
            raise CchcError(
                Msg(
                    f"'{word}' không phải giá trị của '{test.field}'",
                    f"'{word}' is not a value of '{test.field}'",
                ),
                Msg(
                    f"có phải ý bạn là '{guess}'? Các giá trị: {', '.join(cats)}",
                    f"did you mean '{guess}'? Values: {', '.join(cats)}",
                )
                if guess
                else Msg(f"các giá trị: {', '.join(cats)}", f"values: {', '.join(cats)}"),
                loc(at),
            )


def _categories(plan: Plan, name: str) -> tuple[str, ...] | None:
    if name in F.DERIVED:
        return F.DERIVED[name].categories or None
    vocab = plan.vocabulary_of(name)
    return vocab.categories if vocab else None


def _classification(node: Node, plan: Plan) -> dict[str, Condition]:
    spec = node.mapping(
        ["not_received", "withdrawn", "resolved"],
        ["not_received", "withdrawn"],
        Msg(" (phân loại)", " (classification)"),
    )
    out = {}
    for key, cnode in spec.items():
        cond = _condition(cnode, plan)
        bad = [t.field for t in tests_of(cond) if t.field in F.DERIVED]
        if bad:
            raise cnode.error(
                Msg(
                    f"'{key}' chỉ được dựa trên cột của tệp, không dùng '{bad[0]}'",
                    f"'{key}' may use file columns only, not '{bad[0]}'",
                )
            )
        out[key] = cond
    return out


def parse_target(node: Node, measure: str) -> Target:
    text = node.text()
    m = _TARGET.match(text)
    if not m:
        raise node.error(
            Msg(
                f"chỉ tiêu '{shorten(text)}' không đúng dạng",
                f"malformed target '{shorten(text)}'",
            ),
            Msg(
                "viết ví dụ '>= 98%', '= 100%', '>= 12' hoặc '> baseline'",
                "write e.g. '>= 98%', '= 100%', '>= 12' or '> baseline'",
            ),
        )
    op = _OPS[m.group("op")]
    if m.group("base"):
        if measure != "score":
            raise node.error(
                Msg(
                    "'baseline' chỉ dùng với measure: score",
                    "'baseline' goes with measure: score only",
                )
            )
        return Target(op, None, "baseline")
    number = m.group("num").replace(",", ".")
    value = Fraction(number)
    pct = bool(m.group("pct"))
    if measure == "ratio" and not pct:
        # 0.98 is a fraction written for 98%: '0.98%' would pass nearly everything
        meant = f"{m.group('op')} {_percent_text(number)}%" if value <= 1 else f"{text}%"
        raise node.error(
            Msg(f"chỉ tiêu tỷ lệ cần dấu %: '{meant}'", f"a ratio target needs '%': '{meant}'"),
            Msg(
                f"{number} viết dạng thập phân; theo phần trăm là {_percent_text(number)}%",
                f"{number} is a decimal fraction; as a percent it is {_percent_text(number)}%",
            )
            if value <= 1
            else Msg("ví dụ '>= 98%'", "e.g. '>= 98%'"),
        )
    if measure != "ratio" and pct:
        raise node.error(
            Msg(f"measure '{measure}' không dùng %", f"measure '{measure}' takes no '%'"),
        )
    if pct and 0 < value < 1:
        meant = f"{m.group('op')} {_percent_text(number)}%"
        warnings.warn(
            CchcWarning(
                Msg(
                    f"mục tiêu '{text}' dưới 1% — có phải ý bạn là '{meant}'?",
                    f"target '{text}' is below 1% — did you mean '{meant}'?",
                ),
                Msg(
                    "nếu đúng là dưới 1%, bỏ qua cảnh báo này",
                    "if below 1% is meant, ignore this warning",
                ),
                node.location,
            ),
            stacklevel=2,
        )
    return Target(op, value, "percent" if pct else measure)


def _percent_text(number: str) -> str:
    """``0.98`` → ``98``, ``0.985`` → ``98.5``: the fraction written as a percent."""
    return format((Decimal(number) * 100).normalize(), "f")


_IND_KEYS = [
    "id",
    "section",
    "title",
    "title_en",
    "target",
    "source",
    "measure",
    "numerator",
    "denominator",
    "note",
    "pass_label",
    "fail_label",
    "from",
]


def _duplicate_id(node: Node, first: Location, hint: Msg) -> CchcError:
    """An indicator id written a second time (``first``: where it was written before)."""
    ident = node.text()
    return node.error(
        Msg(
            f"mã chỉ tiêu '{ident}' bị trùng (đã có ở dòng {first.line})",
            f"duplicate indicator id '{ident}' (first at line {first.line})",
        ),
        hint,
    )


def _indicators(node: Node, plan: Plan) -> tuple[Indicator, ...]:
    out: list[Indicator] = []
    ids: dict[str, Location] = {}
    for inode in node.seq():
        spec = inode.mapping(
            _IND_KEYS, ["id", "section", "title", "target"], Msg(" (chỉ tiêu)", " (indicator)")
        )
        ident = spec["id"].text()
        if not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
            raise spec["id"].error(
                Msg(f"mã chỉ tiêu '{ident}' không hợp lệ", f"invalid indicator id '{ident}'"),
                Msg(
                    "dùng chữ thường không dấu và '_'",
                    "use lower-case ASCII letters, digits and '_'",
                ),
            )
        if ident in ids:
            raise _duplicate_id(
                spec["id"],
                ids[ident],
                Msg("mỗi chỉ tiêu cần một mã riêng", "give each indicator its own id"),
            )
        ids[ident] = spec["id"].location
        source = (
            spec["source"].text()
            if "source" in spec
            else (
                "registers"
                if "from" in spec
                else ("dossiers" if "denominator" in spec else "actuals")
            )
        )
        if source not in SOURCES:
            raise spec["source"].error(
                Msg(f"nguồn '{source}' không hợp lệ", f"unknown source '{source}'"),
                Msg(f"chọn: {', '.join(SOURCES)}", f"choose: {', '.join(SOURCES)}"),
            )
        measure = spec["measure"].text() if "measure" in spec else "ratio"
        if measure not in MEASURES:
            guess = closest(measure, MEASURES)
            raise spec["measure"].error(
                Msg(f"cách đo '{measure}' không hợp lệ", f"unknown measure '{measure}'"),
                Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
                if guess
                else Msg(f"chọn: {', '.join(MEASURES)}", f"choose: {', '.join(MEASURES)}"),
            )
        num = den = None
        num_text = den_text = None
        rule = None
        if ("from" in spec) != (source == "registers"):
            raise (spec["from"] if "from" in spec else spec["source"]).error(
                Msg(
                    "chỉ tiêu đếm từ sổ cần 'from: <sổ>' và không ghi 'source' khác",
                    "a register indicator has 'from: <register>' and no other 'source'",
                ),
                Msg(
                    f"các sổ: {', '.join(plan.registers) or '(chưa khai báo)'}",
                    f"registers: {', '.join(plan.registers) or '(none declared)'}",
                ),
            )
        if source == "registers":
            from .registers import register_rule

            rule = register_rule(spec, plan.registers, plan.vocabularies, ident, measure)
            num_text = spec["numerator"].text()
            den_text = spec["denominator"].text() if "denominator" in spec else None
        elif source == "dossiers":
            if measure != "ratio":
                raise spec["measure"].error(
                    Msg("chỉ tiêu từ hồ sơ luôn là tỷ lệ (ratio)", "dossier indicators are ratios"),
                )
            for key in ("numerator", "denominator"):
                if key not in spec:
                    raise inode.error(
                        Msg(
                            f"chỉ tiêu '{ident}' thiếu '{key}'",
                            f"indicator '{ident}' lacks '{key}'",
                        ),
                        Msg(f"thêm '{key}: <điều kiện>'", f"add '{key}: <condition>'"),
                    )
            den_text, num_text = spec["denominator"].text(), spec["numerator"].text()
            den = _condition(spec["denominator"], plan)
            num = _condition(spec["numerator"], plan)
        else:
            for key in ("numerator", "denominator"):
                if key in spec:
                    raise spec[key].error(
                        Msg(
                            f"chỉ tiêu nguồn '{source}' lấy số liệu từ tệp actuals, không có '{key}'",
                            f"a '{source}' indicator takes its figures from the actuals file; remove '{key}'",
                        ),
                    )
        out.append(
            Indicator(
                id=ident,
                section=spec["section"].text(),
                title=spec["title"].text(),
                title_en=spec["title_en"].text() if "title_en" in spec else "",
                target=parse_target(spec["target"], measure),
                source=source,
                measure=measure,
                numerator_text=num_text,
                denominator_text=den_text,
                numerator=num,
                denominator=den,
                location=inode.location,
                note=spec["note"].text() if "note" in spec else None,
                pass_label=spec["pass_label"].text() if "pass_label" in spec else None,
                fail_label=spec["fail_label"].text() if "fail_label" in spec else None,
                rule=rule,
            )
        )
    if not out:
        raise node.error(Msg("kế hoạch không có chỉ tiêu nào", "the plan has no indicators"))
    return tuple(out)


__all__ = [
    "Alias",
    "Indicator",
    "Plan",
    "PlanFile",
    "Target",
    "Test",
    "Vocabulary",
    "builtin_plans",
    "load_plan",
]
