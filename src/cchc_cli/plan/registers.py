"""The department's registers as the plan declares them, and the indicators counted from them.

A register (registers.md) is a table kept by the department — the procedure catalogue, the staff
roster, the document books — with one row per item. The plan's ``registers:`` section gives each
its names (what its sheet or file may be called), its fields (headers, type) and its key; an
indicator with ``from: <register>`` counts that register's rows with the condition grammar of
:mod:`cchc_cli.plan.conditions`, grown for dates (``in period``, comparisons, working-day offsets) and
semi-joins (``has a R row (F) where …``). Nothing here knows a register by name: another
department's registers are a YAML edit.

Validated like the rest of the plan, with ``file:line:column`` and a suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from ..errors import CchcError, Location, Msg
from ..text import closest, fold
from . import fields as F
from .conditions import (
    PERIOD_BOUNDS,
    And,
    Compare,
    Condition,
    ConditionSyntaxError,
    Has,
    InPeriod,
    Not,
    Operand,
    Or,
    Ref,
    Test,
    leaves,
    parse_condition,
)
from .model import Alias, ColumnSpec, Vocabulary, check_words, claim_headers, field_type, not_yes_no
from .yamlfile import Node

NAME = re.compile(r"[a-z][a-z0-9_]*")
SUM = re.compile(r"\s*sum\s*\(\s*(?P<field>[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*(?:(?P<where>where)\b)?")


@dataclass(frozen=True)
class Register:
    """One register: ``names`` its sheets or files may have (matched like headers), its fields
    (as ``ColumnSpec``s, so headers bind as the export's do), its key (None: rows may repeat) and
    ``refers``: per text field, the register whose key its values name (``validate`` reports a
    value no row of that register has)."""

    name: str
    title: str
    title_en: str
    names: tuple[str, ...]
    key: str | None
    columns: Mapping[str, ColumnSpec]
    location: Location
    refers: Mapping[str, str] = field(default_factory=dict)

    def matches(self, name: str) -> bool:
        """Whether a sheet or file (stem) of this name holds the register."""
        key = fold(name)
        return any(fold(n) == key for n in (self.name, *self.names))

    def kind(self, field: str, vocabularies: Mapping[str, Vocabulary]) -> str:
        spec = self.columns[field]
        if spec.kind == F.CATEGORY and vocabularies[spec.type].boolean:
            return F.BOOL
        return spec.kind


def view(plan, register: Register):
    """The plan as a register's file is bound and read by: its columns are the register's
    fields (headers, aliases, words), so the export's header binding serves registers too."""
    from dataclasses import replace

    return replace(plan, columns=register.columns)


@dataclass(frozen=True)
class Side:
    """One side of a register ratio: the rows (``condition``, None: every row) and what they add
    up to (``sum``: a whole-number field; None: the rows are counted)."""

    condition: Condition | None
    sum: str | None = None


# -- the registers: section -----------------------------------------------------------------------

_FIELD_TYPES = (F.TEXT, F.DATE, F.INTEGER)


def parse_registers(node: Node, vocabularies: Mapping[str, Vocabulary]) -> dict[str, Register]:
    out: dict[str, Register] = {}
    seen_names: dict[str, str] = {}
    pending: dict[str, dict[str, Node]] = {}  # register -> field -> its ``refers:`` node
    for name, key_node, rnode in node.items():
        if not NAME.fullmatch(name):
            raise key_node.error(
                Msg(f"tên sổ '{name}' không hợp lệ", f"invalid register name '{name}'"),
                Msg("dùng chữ thường không dấu và '_'", "use lower-case ASCII and '_'"),
            )
        what = Msg(f" (sổ '{name}')", f" (register '{name}')")
        spec = rnode.mapping(
            ["title", "title_en", "names", "key", "fields"], ["title", "fields"], what
        )
        names = tuple(spec["names"].texts()) if "names" in spec else ()
        for shown in (name, *names):
            folded = fold(shown)
            if folded in seen_names and seen_names[folded] != name:
                raise spec.get("names", key_node).error(
                    Msg(
                        f"tên '{shown}' đã dùng cho sổ '{seen_names[folded]}'",
                        f"the name '{shown}' is already used by register '{seen_names[folded]}'",
                    ),
                    Msg(
                        "mỗi tên sheet/tệp chỉ chỉ một sổ",
                        "a sheet or file name may mean one register only",
                    ),
                )
            seen_names[folded] = name
        columns, pending[name] = _fields(spec["fields"], vocabularies, name)
        key = None
        if "key" in spec:
            key = spec["key"].text()
            if key not in columns:
                raise _unknown_field(spec["key"].error, key, name, columns)
            if columns[key].kind != F.TEXT:
                raise spec["key"].error(
                    Msg(f"trường khóa '{key}' phải có kiểu text", f"key '{key}' must be text"),
                )
            # a row without its key cannot be told apart: never empty, always there
            k = columns[key]
            columns[key] = ColumnSpec(k.field, k.headers, k.type, True, False, False, k.location)
        out[name] = Register(
            name,
            spec["title"].text(),
            spec["title_en"].text() if "title_en" in spec else "",
            names,
            key,
            columns,
            key_node.location,
        )
    for name, refs in pending.items():
        if refs:
            out[name] = replace(out[name], refers=_refers(refs, out, name))
    return out


def _refers(refs: Mapping[str, Node], registers: Mapping[str, Register], owner: str) -> dict:
    """``refers: <register>`` of each field, checked once every register is known: the register
    exists and has a key (what the values must name), and the field is text, as keys are."""
    out = {}
    for field_name, node in refs.items():
        target = node.text()
        if target not in registers:
            guess = closest(target, list(registers))
            raise node.error(
                Msg(f"kế hoạch không có sổ '{target}'", f"the plan has no register '{target}'"),
                Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
                if guess
                else Msg(f"các sổ: {', '.join(registers)}", f"registers: {', '.join(registers)}"),
            )
        if registers[target].key is None:
            raise node.error(
                Msg(
                    f"sổ '{target}' không có trường khóa (key): không tham chiếu tới được",
                    f"register '{target}' has no key: nothing to refer to",
                ),
                Msg(
                    f"thêm 'key: <trường>' cho sổ '{target}', hoặc bỏ 'refers'",
                    f"give '{target}' a 'key: <field>', or remove 'refers'",
                ),
            )
        if registers[owner].columns[field_name].kind != F.TEXT:
            raise node.error(
                Msg(
                    f"trường '{field_name}' của sổ '{owner}' tham chiếu sổ '{target}' phải có kiểu"
                    " text, như trường khóa",
                    f"field '{field_name}' of '{owner}' refers to '{target}': it must be text, "
                    "as keys are",
                ),
                Msg(
                    "đổi 'type: text', hoặc bỏ 'refers'", "make it 'type: text', or remove 'refers'"
                ),
            )
        out[field_name] = target
    return out


def _fields(
    node: Node, vocabularies: Mapping[str, Vocabulary], register: str
) -> tuple[dict[str, ColumnSpec], dict[str, Node]]:
    """``field: {aliases: [...], type: text|date|integer|<vocabulary>, allow_empty: bool,
    refers: <register>}``, and the ``refers`` nodes by field (checked by :func:`_refers`).
    An empty cell is "no date" for a date and "" for text; for a whole number, and for a word
    whose vocabulary says nothing of empty cells, it is unknown unless ``allow_empty``."""
    out: dict[str, ColumnSpec] = {}
    refers: dict[str, Node] = {}
    seen: dict[str, str] = {}
    types = [*_FIELD_TYPES, *vocabularies]
    for name, key, fnode in node.items():
        if not NAME.fullmatch(name) or name in PERIOD_BOUNDS:
            raise key.error(
                Msg(f"tên trường '{name}' không hợp lệ", f"invalid field name '{name}'"),
                Msg("dùng chữ thường không dấu và '_'", "use lower-case ASCII and '_'"),
            )
        spec = fnode.mapping(
            ["aliases", "type", "allow_empty", "refers"],
            ["aliases", "type"],
            Msg(f" (trường '{name}' của sổ '{register}')", f" (field '{name}' of '{register}')"),
        )
        ctype = field_type(spec["type"], types)
        anode = spec["aliases"]
        headers = tuple(
            Alias(a.text(), None, a.location) for a in (anode.seq() if anode.is_seq else [anode])
        )
        if not headers:
            raise anode.error(
                Msg(f"trường '{name}' cần ít nhất một tên cột", f"'{name}' needs a header"),
                Msg("ghi 'aliases: [Tên cột, …]'", "write 'aliases: [Header, …]'"),
            )
        claim_headers(headers, name, seen)
        vocab = vocabularies.get(ctype)
        default = ctype in (F.TEXT, F.DATE) or (vocab is not None and vocab.empty is not None)
        allow = spec["allow_empty"].boolean() if "allow_empty" in spec else default
        out[name] = ColumnSpec(name, headers, ctype, False, False, allow, key.location)
        if "refers" in spec:
            refers[name] = spec["refers"]
    if not out:
        raise node.error(Msg(f"sổ '{register}' không có trường", f"'{register}' has no fields"))
    return out, refers


def _unknown_field(error: Callable, name: str, register: str, columns) -> CchcError:
    names = [*columns]
    guess = closest(name, names)
    return error(
        Msg(
            f"sổ '{register}' không có trường '{name}'",
            f"register '{register}' has no field '{name}'",
        ),
        Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
        if guess
        else Msg(f"các trường: {', '.join(names)}", f"fields: {', '.join(names)}"),
    )


# -- indicators counted from a register ---------------------------------------------------------


@dataclass(frozen=True)
class RegisterRule:
    """What ``from:`` gives an indicator: its register and both sides (``denominator`` None: a
    count, its rows are the numerator's)."""

    register: str
    numerator: Side
    denominator: Side | None


def register_rule(
    spec: Mapping[str, Node],
    registers: Mapping[str, Register],
    vocabularies: Mapping[str, Vocabulary],
    ident: str,
    measure: str,
) -> RegisterRule:
    """The ``from:``, ``denominator`` and ``numerator`` of a register indicator, checked against
    the register's fields (``measure: count`` has a numerator only: the rows it counts)."""
    name = spec["from"].text()
    if name not in registers:
        guess = closest(name, list(registers))
        raise spec["from"].error(
            Msg(f"kế hoạch không có sổ '{name}'", f"the plan has no register '{name}'"),
            Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
            if guess
            else Msg(
                "khai báo sổ trong mục 'registers:'", "declare the register under 'registers:'"
            ),
        )
    if measure == "score":
        raise spec["measure"].error(
            Msg(
                "chỉ tiêu đếm từ sổ là tỷ lệ hoặc số đếm (ratio, count)",
                "a register indicator is a ratio or a count",
            )
        )
    wanted = ("numerator",) if measure == "count" else ("numerator", "denominator")
    for key in ("numerator", "denominator"):
        if key in spec and key not in wanted:
            raise spec[key].error(
                Msg(
                    "chỉ tiêu số đếm (measure: count) chỉ có 'numerator': các dòng được đếm",
                    "a count (measure: count) has a 'numerator' only: the rows counted",
                )
            )
        if key in wanted and key not in spec:
            raise spec["from"].error(
                Msg(f"chỉ tiêu '{ident}' thiếu '{key}'", f"indicator '{ident}' lacks '{key}'"),
                Msg(f"thêm '{key}: <điều kiện>'", f"add '{key}: <condition>'"),
            )
    check = Checker(registers, vocabularies)
    sides = {key: check.side(spec[key], registers[name]) for key in wanted}
    if measure == "count" and sides["numerator"].sum is not None:
        raise spec["numerator"].error(
            Msg("số đếm không cộng một trường", "a count adds up no field"),
            Msg("bỏ 'sum(…)'", "remove 'sum(…)'"),
        )
    return RegisterRule(name, sides["numerator"], sides.get("denominator"))


class Checker:
    """Checks (and settles) a register condition: every field is the register's, every word is
    a category of its vocabulary, comparisons and offsets are between dates or whole numbers."""

    def __init__(self, registers: Mapping[str, Register], vocabularies: Mapping[str, Vocabulary]):
        self.registers = registers
        self.vocabularies = vocabularies

    def side(self, node: Node, register: Register) -> Side:
        text = node.text()
        loc = _locator(node)
        m = SUM.match(text)
        if m:
            field = m.group("field")
            if field not in register.columns:
                raise _unknown_field(
                    lambda a, b: CchcError(a, b, loc(m.start("field"))),
                    field,
                    register.name,
                    register.columns,
                )
            if register.columns[field].kind != F.INTEGER:
                raise CchcError(
                    Msg(
                        f"'sum' cần một trường số nguyên, '{field}' không phải",
                        f"'sum' needs a whole-number field; '{field}' is not one",
                    ),
                    None,
                    loc(m.start("field")),
                )
            rest = text[m.end() :]
            if m.group("where") is None:
                if rest.strip():
                    raise CchcError(
                        Msg(
                            f"cần 'where', gặp '{rest.strip()}'",
                            f"expected 'where', found '{rest.strip()}'",
                        ),
                        Msg(
                            "viết 'sum(trường) where <điều kiện>'",
                            "write 'sum(field) where <condition>'",
                        ),
                        loc(m.end() + len(rest) - len(rest.lstrip())),
                    )
                return Side(None, field)
            return Side(self.condition(rest, register, lambda at: loc(m.end() + at)), field)
        return Side(self.condition(text, register, loc))

    def condition(self, text: str, register: Register, loc: Callable[[int], Location]) -> Condition:
        try:
            cond = parse_condition(text)
        except ConditionSyntaxError as exc:
            raise CchcError(exc.message, exc.hint, loc(exc.offset)) from None
        return self.settle(cond, register, loc, nested=False)

    def settle(
        self, cond: Condition, reg: Register, loc: Callable[[int], Location], nested: bool
    ) -> Condition:
        """The condition checked against ``reg``, ``FIELD == FIELD`` made a comparison."""
        if isinstance(cond, And):
            return And(tuple(self.settle(c, reg, loc, nested) for c in cond.items))
        if isinstance(cond, Or):
            return Or(tuple(self.settle(c, reg, loc, nested) for c in cond.items))
        if isinstance(cond, Not):
            return Not(self.settle(cond.item, reg, loc, nested))
        if isinstance(cond, Has):
            return self._has(cond, reg, loc, nested)
        if isinstance(cond, Compare):
            self._compare(cond, reg, loc)
            return cond
        kind = self._kind(cond.field, cond.offset, reg, loc)
        if isinstance(cond, InPeriod):
            if kind != F.DATE:
                raise CchcError(
                    Msg(f"'{cond.field}' không phải trường ngày", f"'{cond.field}' is not a date"),
                    Msg("'in period' chỉ dùng với ngày", "'in period' takes a date field"),
                    loc(cond.offset),
                )
            return cond
        if isinstance(cond, Ref):
            if kind != F.BOOL:
                raise not_yes_no(cond.field, loc(cond.offset))
            return cond
        assert isinstance(cond, Test)
        if cond.op in ("empty", "not empty"):
            return cond
        vocab = self.vocabularies.get(reg.columns[cond.field].type)
        if vocab is None:
            other = cond.values[0]
            if len(cond.values) == 1 and (other in reg.columns or other in PERIOD_BOUNDS):
                op = "=" if cond.op == "in" else "!="
                at = cond.value_offsets[0]
                settled = Compare(Operand(cond.field, cond.offset), op, Operand(other, at))
                self._compare(settled, reg, loc)
                return settled
            raise CchcError(
                Msg(
                    f"'{cond.field}' không có danh mục giá trị để so sánh",
                    f"'{cond.field}' has no vocabulary to compare with",
                ),
                Msg(
                    "so sánh với một trường khác, hoặc dùng 'is empty' / 'is not empty'",
                    "compare it with another field, or use 'is empty' / 'is not empty'",
                ),
                loc(cond.offset),
            )
        check_words(cond, vocab.categories, loc)
        return cond

    def _kind(self, name: str, at: int, reg: Register, loc: Callable[[int], Location]) -> str:
        if name in PERIOD_BOUNDS:
            return F.DATE
        if name not in reg.columns:
            raise _unknown_field(lambda a, b: CchcError(a, b, loc(at)), name, reg.name, reg.columns)
        return reg.kind(name, self.vocabularies)

    def _compare(self, cond: Compare, reg: Register, loc: Callable[[int], Location]) -> None:
        kinds = [self._kind(o.field, o.offset, reg, loc) for o in (cond.left, cond.right)]
        for o, kind in zip((cond.left, cond.right), kinds, strict=True):
            if kind not in (F.DATE, F.INTEGER):
                raise CchcError(
                    Msg(
                        f"'{o.field}' không so sánh được: chỉ so sánh ngày hoặc số nguyên",
                        f"'{o.field}' cannot be compared: only dates and whole numbers can",
                    ),
                    None,
                    loc(o.offset),
                )
            if o.unit is not None and kind != F.DATE:
                raise CchcError(
                    Msg(
                        f"'{o.field}' không phải ngày: không cộng ngày được",
                        f"'{o.field}' is not a date: days cannot be added to it",
                    ),
                    None,
                    loc(o.offset),
                )
        if kinds[0] != kinds[1]:
            raise CchcError(
                Msg(
                    f"so sánh '{cond.left.field}' ({kinds[0]}) với '{cond.right.field}' "
                    f"({kinds[1]}): khác kiểu",
                    f"'{cond.left.field}' ({kinds[0]}) and '{cond.right.field}' ({kinds[1]}) "
                    "are not of one kind",
                ),
                None,
                loc(cond.right.offset),
            )

    def _has(self, cond: Has, reg: Register, loc: Callable[[int], Location], nested: bool) -> Has:
        if nested:
            raise CchcError(
                Msg(
                    "'has' lồng trong 'has' chưa được hỗ trợ",
                    "a 'has' inside a 'has' is not supported",
                ),
                None,
                loc(cond.offset),
            )
        other = self.registers.get(cond.register)
        if other is None:
            guess = closest(cond.register, list(self.registers))
            raise CchcError(
                Msg(f"không có sổ '{cond.register}'", f"no register '{cond.register}'"),
                Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
                if guess
                else Msg(
                    f"các sổ: {', '.join(self.registers)}",
                    f"registers: {', '.join(self.registers)}",
                ),
                loc(cond.register_offset),
            )
        for name, at, where in (
            (cond.outer, cond.outer_offset, reg),
            (cond.inner, cond.inner_offset, other),
        ):
            if self._kind(name, at, where, loc) != F.TEXT:
                raise CchcError(
                    Msg(
                        f"'{name}' phải là trường text để so khớp",
                        f"'{name}' must be a text field to match rows by",
                    ),
                    None,
                    loc(at),
                )
        where = None if cond.where is None else self.settle(cond.where, other, loc, nested=True)
        return Has(
            cond.register,
            cond.outer,
            cond.inner,
            where,
            cond.offset,
            cond.register_offset,
            cond.outer_offset,
            cond.inner_offset,
        )


def _locator(node: Node) -> Callable[[int], Location]:
    """Offsets into a condition's text as file locations (exact for one-line scalars)."""
    mark = node.raw.start_mark
    shift = 1 if node.raw.style in ("'", '"') else 0

    def loc(offset: int) -> Location:
        return Location(node.path, mark.line + 1, mark.column + 1 + shift + offset)

    return loc


# -- what a rule reads ----------------------------------------------------------------------------


def reads(cond: Condition | None) -> list[str | Has]:
    """The fields of its own row a condition reads and its semi-joins, in order of appearance
    (what the first bad cell of a left-out row is looked for in)."""
    out: list[str | Has] = []
    for c in leaves(cond):
        if isinstance(c, Has):
            if c.outer not in out:
                out.append(c.outer)
            out.append(c)
        elif isinstance(c, Compare):
            out.extend(
                o.field for o in (c.left, c.right) if o.field not in PERIOD_BOUNDS + tuple(out)
            )
        elif c.field not in out:
            out.append(c.field)
    return out


def rule_reads(rule: RegisterRule) -> list[str | Has]:
    """Every field and semi-join of both sides, the denominator's first."""
    out: list[str | Has] = []
    for side in (rule.denominator, rule.numerator):
        if side is None:
            continue
        for r in [*reads(side.condition), *([side.sum] if side.sum else [])]:
            if r not in out:
                out.append(r)
    return out


def registers_read(rule: RegisterRule) -> list[str]:
    """The registers a rule needs: its own, then those its semi-joins read."""
    out = [rule.register]
    for r in rule_reads(rule):
        if isinstance(r, Has) and r.register not in out:
            out.append(r.register)
    return out


__all__ = ["Checker", "Register", "RegisterRule", "Side", "parse_registers", "register_rule"]
