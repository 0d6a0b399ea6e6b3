"""The plan's small condition language: parsed here, never handed to ``eval``.

Grammar (keywords are case-insensitive)::

    expr   := term ('or' term)*
    term   := factor ('and' factor)*
    factor := 'not' factor | '(' expr ')' | test
    test   := FIELD                                  # a yes/no field or derived flag
            | FIELD ('=' | '==' | '!=') WORD
            | FIELD ['not'] 'in' '(' WORD (',' WORD)* ')'
            | FIELD 'is' ['not'] 'empty'

``FIELD`` is a canonical column or a derived field; ``WORD`` is a category of the field's
vocabulary (``online``, ``very_satisfied``, ``early`` …). Names are checked against the plan when
it is loaded, so a typo is reported with its line and column before any data is read.
"""

from __future__ import annotations

import re
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


Condition = Ref | Test | Not | And | Or

_TOKEN = re.compile(r"\s*(?:(?P<op>==|!=|=|\(|\)|,)|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")
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
                    "điều kiện chỉ gồm tên trường, and/or/not, ==, !=, in (…), is empty",
                    "a condition uses field names, and/or/not, ==, !=, in (…), is empty",
                ),
            )
        if m.group("op"):
            tokens.append(("op", m.group("op"), m.start("op")))
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
        kind, value, _ = self.peek()
        if kind == "op" and value in ("=", "==", "!="):
            self.take()
            _, word, word_at = self.expect("word", None, Msg("một giá trị", "a value"))
            return Test(field, "in" if value != "!=" else "not in", (word,), at, (word_at,))
        if (kind, value) in (("kw", "in"), ("kw", "not")):
            negate = value == "not"
            self.take()
            if negate:
                self.expect("kw", "in", Msg("'in'", "'in'"))
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


def parse_condition(text: str) -> Condition:
    return _Parser(text).parse()


def fields_of(cond: Condition) -> list[str]:
    """Fields a condition names, in order of first appearance."""
    out: list[str] = []

    def walk(c: Condition) -> None:
        if isinstance(c, (Ref, Test)):
            if c.field not in out:
                out.append(c.field)
        elif isinstance(c, Not):
            walk(c.item)
        else:
            for item in c.items:
                walk(item)

    walk(cond)
    return out


def tests_of(cond: Condition) -> list[Ref | Test]:
    if isinstance(cond, (Ref, Test)):
        return [cond]
    if isinstance(cond, Not):
        return tests_of(cond.item)
    return [t for item in cond.items for t in tests_of(item)]
