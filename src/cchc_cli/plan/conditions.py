"""The plan's small condition language: parsed here, never handed to ``eval``.

Grammar (keywords are case-insensitive)::

    expr   := term ('or' term)*
    term   := factor ('and' factor)*
    factor := 'not' factor | '(' expr ')' | test
    test   := FIELD                                  # a yes/no field or derived flag
            | FIELD ('=' | '==' | '!=') WORD
            | FIELD ['not'] 'in' '(' WORD (',' WORD)* ')'
            | FIELD 'is' ['not'] 'empty'
            | FIELD ['not'] 'in' 'period'             # registers: a date within P
            | OPERAND CMP OPERAND                     # registers: two fields compared
            | 'has' ('a' | 'an') REGISTER 'row' '(' FIELD ['=' FIELD] ')' ['where' expr]
    OPERAND := FIELD [('+' | '-') NUMBER ['working'] ('days' | 'day')]
    CMP     := '<' | '<=' | '>' | '>=' | '==' | '=' | '!='

``FIELD`` is a canonical column or a derived field; ``WORD`` is a category of the field's
vocabulary (``online``, ``very_satisfied``, ``early`` …). Names are checked against the plan when
it is loaded, so a typo is reported with its line and column before any data is read.

The last three forms are read only in the conditions of register indicators (``from:``), which
:mod:`cchc_cli.plan.registers` checks: ``period_start`` / ``period_end`` are operands too, a date
offset counts working days on the plan's calendar or calendar days, and ``has a R row (F) where
C`` (a semi-join) is true when a row of register R with the same F (after vocabulary folding)
meets C — its ``where`` takes the rest of the condition, so bracket it to stop it earlier.
``FIELD == WORD`` stays a vocabulary test; the loader reads it as a comparison when WORD names a
field of the register and the left field has no vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import MAX_DEPTH, Msg, too_deep


class ConditionSyntaxError(ValueError):
    """Raised with the 0-based offset into the condition text; the plan loader adds the file mark."""

    def __init__(self, message: Msg, offset: int, hint: Msg | None = None):
        super().__init__(message.en)
        self.message = message
        self.offset = offset
        self.hint = hint


@dataclass(frozen=True)
class Ref:
    field: str
    offset: int


@dataclass(frozen=True)
class Test:
    """``field op values``; op is one of ``in``, ``not in``, ``empty``, ``not empty``."""

    field: str
    op: str
    values: tuple[str, ...]
    offset: int
    value_offsets: tuple[int, ...] = ()


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class And:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Condition, ...]


MAX_OFFSET = 3650  # days (calendar or working) a date may be moved by


@dataclass(frozen=True)
class Operand:
    """A field (or ``period_start`` / ``period_end``) with an optional date offset: ``days``
    signed, ``unit`` "working_days" or "days" (None: no offset)."""

    field: str
    offset: int
    days: int = 0
    unit: str | None = None


@dataclass(frozen=True)
class Compare:
    """``left op right``, op one of ``<``, ``<=``, ``>``, ``>=``, ``=``, ``!=``."""

    left: Operand
    op: str
    right: Operand


@dataclass(frozen=True)
class InPeriod:
    """``field in period``: the date is known and start <= it <= end."""

    field: str
    offset: int


@dataclass(frozen=True)
class Has:
    """``has a <register> row (<outer> = <inner>) where <cond>``: a semi-join on the keys."""

    register: str
    outer: str
    inner: str
    where: Condition | None
    offset: int
    register_offset: int
    outer_offset: int
    inner_offset: int


Condition = Ref | Test | Not | And | Or | Compare | InPeriod | Has
EXTENDED = (Compare, InPeriod, Has)  # the forms only register indicators may use

_TOKEN = re.compile(
    r"\s*(?:(?P<op><=|>=|==|!=|=|<|>|\(|\)|,|\+|-)|(?P<num>[0-9]+)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*))"
)
_COMPARE = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "=": "=", "!=": "!="}
_BLANK_END = re.compile(r"\s*\Z")
_KEYWORDS = {"and", "or", "not", "in", "is", "empty"}


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if _BLANK_END.match(text, pos):  # not text[pos:]: copying the rest per token is quadratic
            break
        m = _TOKEN.match(text, pos)
        if not m:
            bad = text[pos:].lstrip()
            at = len(text) - len(bad)
            raise ConditionSyntaxError(
                Msg(
                    f"ký tự không hợp lệ '{bad[0]}' trong điều kiện",
                    f"unexpected character '{bad[0]}' in condition",
                ),
                at,
                Msg(
                    "điều kiện chỉ gồm tên trường, and/or/not, ==, !=, <, <=, >, >=, in (…), "
                    "is empty",
                    "a condition uses field names, and/or/not, ==, !=, <, <=, >, >=, in (…), "
                    "is empty",
                ),
            )
        if m.group("op"):
            tokens.append(("op", m.group("op"), m.start("op")))
        elif m.group("num"):
            tokens.append(("num", m.group("num"), m.start("num")))
        else:
            word = m.group("word")
            kind = "kw" if word.lower() in _KEYWORDS else "word"
            tokens.append((kind, word.lower() if kind == "kw" else word, m.start("word")))
        pos = m.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, kind: str, value: str | None, what: Msg) -> tuple[str, str, int]:
        tok = self.take()
        if tok[0] != kind or (value is not None and tok[1] != value):
            found = tok[1] or "hết điều kiện"
            raise ConditionSyntaxError(
                Msg(
                    f"cần {what.vi}, gặp '{found}'",
                    f"expected {what.en}, found '{tok[1] or 'end of condition'}'",
                ),
                tok[2],
            )
        return tok

    def parse(self) -> Condition:
        if self.peek()[0] == "end":
            raise ConditionSyntaxError(Msg("điều kiện rỗng", "empty condition"), 0)
        node = self.expr()
        self.expect("end", None, Msg("hết điều kiện", "end of condition"))
        return node

    def expr(self) -> Condition:
        items = [self.term()]
        while self.peek()[:2] == ("kw", "or"):
            self.take()
            items.append(self.term())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def term(self) -> Condition:
        items = [self.factor()]
        while self.peek()[:2] == ("kw", "and"):
            self.take()
            items.append(self.factor())
        return items[0] if len(items) == 1 else And(tuple(items))

    def factor(self) -> Condition:
        kind, value, at = self.peek()
        if (kind, value) not in (("kw", "not"), ("op", "(")):
            return self.test()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionSyntaxError(
                too_deep(Msg("điều kiện", "condition")),
                at,
                Msg(
                    "mỗi '(' và 'not' là một tầng: bỏ ngoặc thừa, 'not not x' là 'x'",
                    "each '(' and 'not' is a level: drop needless brackets; 'not not x' is 'x'",
                ),
            )
        self.take()
        if value == "not":
            node: Condition = Not(self.factor())
        else:
            node = self.expr()
            self.expect("op", ")", Msg("')'", "')'"))
        self.depth -= 1
        return node

    def test(self) -> Condition:
        _, field, at = self.expect("word", None, Msg("tên trường", "a field name"))
        if field.lower() == "has" and self.peek()[:2] in (("word", "a"), ("word", "an")):
            return self.has(at)
        kind, value, _ = self.peek()
        if kind == "op" and value in ("+", "-"):
            left = self.operand(field, at)
            kind, value, _ = self.peek()
            if kind != "op" or value not in _COMPARE:
                self.expect(
                    "op",
                    "<=",
                    Msg(
                        "một phép so sánh (<, <=, >, >=, ==, !=)",
                        "a comparison (<, <=, >, >=, ==, !=)",
                    ),
                )
            self.take()
            return Compare(left, _COMPARE[value], self.right_operand())
        if kind == "op" and value in ("<", "<=", ">", ">="):
            self.take()
            return Compare(Operand(field, at), value, self.right_operand())
        if kind == "op" and value in ("=", "==", "!="):
            self.take()
            _, word, word_at = self.expect("word", None, Msg("một giá trị", "a value"))
            if self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
                return Compare(Operand(field, at), _COMPARE[value], self.operand(word, word_at))
            return Test(field, "in" if value != "!=" else "not in", (word,), at, (word_at,))
        if (kind, value) in (("kw", "in"), ("kw", "not")):
            negate = value == "not"
            self.take()
            if negate:
                self.expect("kw", "in", Msg("'in'", "'in'"))
            if self.peek()[:2] == ("word", "period"):
                self.take()
                node: Condition = InPeriod(field, at)
                return Not(node) if negate else node
            self.expect("op", "(", Msg("'('", "'('"))
            words, offsets = [], []
            while True:
                _, word, word_at = self.expect("word", None, Msg("một giá trị", "a value"))
                words.append(word)
                offsets.append(word_at)
                if self.peek()[:2] == ("op", ","):
                    self.take()
                    continue
                self.expect("op", ")", Msg("')' hoặc ','", "')' or ','"))
                break
            return Test(field, "not in" if negate else "in", tuple(words), at, tuple(offsets))
        if (kind, value) == ("kw", "is"):
            self.take()
            negate = self.peek()[:2] == ("kw", "not")
            if negate:
                self.take()
            self.expect("kw", "empty", Msg("'empty'", "'empty'"))
            return Test(field, "not empty" if negate else "empty", (), at)
        return Ref(field, at)

    def right_operand(self) -> Operand:
        _, field, at = self.expect("word", None, Msg("tên trường", "a field name"))
        return self.operand(field, at)

    def operand(self, field: str, at: int) -> Operand:
        """``field`` and, after it, an optional ``± N [working] day(s)``."""
        kind, sign, _ = self.peek()
        if kind != "op" or sign not in ("+", "-"):
            return Operand(field, at)
        self.take()
        _, number, _ = self.expect("num", None, Msg("một số ngày", "a number of days"))
        unit = "days"
        if self.peek()[:2] == ("word", "working"):
            self.take()
            unit = "working_days"
        kind, word, word_at = self.take()
        if kind != "word" or word.lower() not in ("day", "days"):
            raise ConditionSyntaxError(
                Msg(
                    f"cần 'days' hoặc 'working days', gặp '{word or 'hết điều kiện'}'",
                    f"expected 'days' or 'working days', found '{word or 'end of condition'}'",
                ),
                word_at,
                Msg(
                    "ví dụ 'effective_at - 5 working days' hoặc 'found_at + 30 days'",
                    "e.g. 'effective_at - 5 working days' or 'found_at + 30 days'",
                ),
            )
        if not 1 <= int(number) <= MAX_OFFSET:  # 0 says nothing; more than ten years, a slip
            raise ConditionSyntaxError(
                Msg(
                    f"số ngày phải từ 1 đến {MAX_OFFSET}, gặp {number}",
                    f"the number of days must be 1 to {MAX_OFFSET}, found {number}",
                ),
                at,
                Msg(
                    "bỏ phần ± nếu không dời ngày", "leave out the ± part to compare the day itself"
                ),
            )
        days = int(number) if sign == "+" else -int(number)
        return Operand(field, at, days, unit)

    def has(self, at: int) -> Condition:
        """``has a R row (F [= G]) [where expr]`` after ``has``."""
        self.take()  # a / an
        _, register, register_at = self.expect("word", None, Msg("tên sổ", "a register name"))
        _, row, row_at = self.expect("word", None, Msg("'row'", "'row'"))
        if row.lower() != "row":
            raise ConditionSyntaxError(
                Msg(f"cần 'row', gặp '{row}'", f"expected 'row', found '{row}'"), row_at
            )
        self.expect("op", "(", Msg("'(' và trường khóa", "'(' and the key field"))
        _, outer, outer_at = self.expect("word", None, Msg("tên trường", "a field name"))
        inner, inner_at = outer, outer_at
        if self.peek()[:2] in (("op", "="), ("op", "==")):
            self.take()
            _, inner, inner_at = self.expect("word", None, Msg("tên trường", "a field name"))
        self.expect("op", ")", Msg("')'", "')'"))
        where = None
        if self.peek()[:2] == ("word", "where"):
            self.take()
            where = self.expr()
        return Has(register, outer, inner, where, at, register_at, outer_at, inner_at)


def parse_condition(text: str) -> Condition:
    return _Parser(text).parse()


def leaves(cond: Condition | None) -> Iterator[Condition]:
    """Every leaf of a condition in order of appearance, through ``and``/``or``/``not`` (not
    into a ``has``'s ``where``: that condition reads another register's rows)."""
    if cond is None:
        return
    if isinstance(cond, Not):
        yield from leaves(cond.item)
    elif isinstance(cond, (And, Or)):
        for item in cond.items:
            yield from leaves(item)
    else:
        yield cond


def fields_of(cond: Condition) -> list[str]:
    """Fields a condition names, in order of first appearance (a register condition's
    comparisons and dates in P too; not the fields of another register a ``has`` reads)."""
    out: list[str] = []
    for leaf in leaves(cond):
        out.extend(n for n in _own_fields(leaf) or () if n not in out)
    return out


def _own_fields(c: Condition) -> list[str] | None:
    """The fields a leaf reads of its own row (None: not a leaf)."""
    if isinstance(c, (Ref, Test, InPeriod)):
        return [c.field]
    if isinstance(c, Compare):
        return [o.field for o in (c.left, c.right) if o.field not in PERIOD_BOUNDS]
    if isinstance(c, Has):
        return [c.outer]
    return None


PERIOD_BOUNDS = ("period_start", "period_end")


def tests_of(cond: Condition) -> list[Ref | Test]:
    """The vocabulary tests and bare references, in order (a register condition's other leaves
    are :func:`extended_of`'s)."""
    return [leaf for leaf in leaves(cond) if isinstance(leaf, (Ref, Test))]


def offset_of(node: Compare | InPeriod | Has) -> int:
    """Where a register-only leaf starts in its condition's text."""
    return node.left.offset if isinstance(node, Compare) else node.offset


def extended_of(cond: Condition) -> list[Compare | InPeriod | Has]:
    """The register-only leaves of a condition, in order (not inside a ``has``'s ``where``)."""
    return [leaf for leaf in leaves(cond) if isinstance(leaf, EXTENDED)]
