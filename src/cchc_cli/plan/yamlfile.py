"""YAML read with locations, so every plan/actuals error can say ``file:line:col``.

Only YAML's core types are accepted: an explicit tag other than ``!!str``, ``!!int``, ``!!float``,
``!!bool``, ``!!null``, ``!!timestamp``, ``!!map``, ``!!seq`` (``!include``, ``!!python/…``) is an
error at its line and column, and so is nesting deeper than :data:`~cchc_cli.errors.MAX_DEPTH`.
Scalars keep their source text, so a key such as ``section: 2.1`` or a vocabulary word ``no`` is
read as written, never as a float or ``False``. Every node remembers the file it was read from, so
a tree merged from several files (a plan overlay and its base, :func:`merge`) still locates each
mistake in its own file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import MAX_DEPTH, CchcError, Location, Msg, too_deep
from ..text import closest, shorten

# Why: a figure this large is a typo, and would overflow a float in the JSON output.
MAX_NUMBER = 10**15
_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


_FILE = "cchc_file"  # attribute set on every composed yaml.Node: the file it was read from


def _mark_location(path: str, mark: yaml.Mark) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


class _Checks:
    """The composer's checks, refusing unknown explicit tags and too deep nesting, located."""

    path: str
    depth: int

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            return super().compose_node(parent, index)
        where = _mark_location(self.path, event.start_mark)
        tag = event.tag
        if tag not in (None, "!") and tag not in _CORE_TAGS:
            short = tag.replace("tag:yaml.org,2002:", "!!")
            raise CchcError(
                Msg(f"thẻ YAML không được hỗ trợ '{short}'", f"unsupported YAML tag '{short}'"),
                Msg(
                    f"xoá '{short}' và viết giá trị trực tiếp (cchc không đọc tệp khác qua thẻ)",
                    f"remove '{short}' and write the value itself (cchc reads no file through a tag)",
                ),
                where,
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise CchcError(
                too_deep(Msg("YAML", "YAML")),
                Msg(
                    "kiểm tra ngoặc [ ] { } và thụt lề",
                    "check the [ ] { } brackets and indentation",
                ),
                where,
            )
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        setattr(node, _FILE, self.path)
        return node


class _Loader(_Checks, yaml.SafeLoader):
    """PyYAML's own (pure Python) scanner and parser under the checked composer."""

    def __init__(self, stream: str, path: str):
        yaml.SafeLoader.__init__(self, stream)
        self.path = path
        self.depth = 0


try:  # libyaml's scanner and parser, when PyYAML was built with it
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML's wheels include it
    CParser = None


if CParser is not None:

    class _FastLoader(_Checks, yaml.composer.Composer, CParser, yaml.resolver.Resolver):
        """libyaml's scanner and parser (~10× faster: most of the time a plan takes to load)
        under the same checked composer, so the nodes are the same. Used only when it reads the
        whole file: on any error the file is read again by :class:`_Loader`, whose error is the
        one reported (libyaml words its syntax errors otherwise)."""

        def __init__(self, stream: str, path: str):
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.path = path
            self.depth = 0

        def compose_scalar_node(self, anchor):
            node = super().compose_scalar_node(anchor)
            node.style = node.style or None  # a plain scalar: libyaml says '', PyYAML None
            return node


def _compose(text: str, path: str) -> yaml.Node | None:
    if CParser is not None:
        fast = _FastLoader(text, path)
        try:
            return fast.get_single_node()
        except Exception:  # read again below, by the parser whose error is reported
            pass
        finally:
            fast.dispose()
    loader = _Loader(text, path)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Node:
    """A YAML node plus the file it came from."""

    raw: yaml.Node
    path: str

    def _child(self, raw: yaml.Node) -> Node:
        return Node(raw, getattr(raw, _FILE, self.path))

    @property
    def location(self) -> Location:
        return _mark_location(self.path, self.raw.start_mark)

    def error(self, message: Msg | str, hint: Msg | str | None = None) -> CchcError:
        return CchcError(message, hint, self.location)

    @property
    def is_map(self) -> bool:
        return isinstance(self.raw, yaml.MappingNode)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.raw, yaml.SequenceNode)

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.raw, yaml.ScalarNode)

    @property
    def is_null(self) -> bool:
        return self.is_scalar and self.raw.tag == "tag:yaml.org,2002:null"

    def items(self) -> Iterator[tuple[str, Node, Node]]:
        """(key text, key node, value node) of a mapping; duplicate keys are errors."""
        if not self.is_map:
            raise self.error(
                Msg("cần một bảng 'khoá: giá trị'", "expected a mapping (key: value)"),
                Msg(
                    "viết mỗi mục một dòng dạng 'khoá: giá trị'", "write one 'key: value' per line"
                ),
            )
        seen: set[str] = set()
        for k, v in self.raw.value:
            key = self._child(k)
            if not key.is_scalar:
                raise key.error(Msg("khoá phải là chữ", "a key must be a plain word"))
            if k.value in seen:
                raise key.error(
                    Msg(f"khoá '{k.value}' bị lặp", f"duplicate key '{k.value}'"),
                    Msg("xoá một trong hai dòng", "delete one of the two entries"),
                )
            seen.add(k.value)
            yield k.value, key, self._child(v)

    def mapping(
        self, allowed: Iterable[str], required: Iterable[str] = (), what: Msg | str = ""
    ) -> dict[str, Node]:
        """The mapping's values by key; unknown or missing keys are errors with a suggestion."""
        allowed = list(allowed)
        w_vi, w_en = (what.vi, what.en) if isinstance(what, Msg) else (what, what)
        out: dict[str, Node] = {}
        for key, key_node, value in self.items():
            if key not in allowed:
                guess = closest(key, allowed)
                hint = (
                    Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
                    if guess
                    else Msg(
                        f"các khoá hợp lệ: {', '.join(allowed)}",
                        f"valid keys: {', '.join(allowed)}",
                    )
                )
                raise key_node.error(
                    Msg(f"khoá lạ '{key}'{w_vi}", f"unknown key '{key}'{w_en}"), hint
                )
            out[key] = value
        for key in required:
            if key not in out:
                raise self.error(
                    Msg(
                        f"thiếu khoá bắt buộc '{key}'{w_vi}", f"missing required key '{key}'{w_en}"
                    ),
                    Msg(f"thêm '{key}: …'", f"add '{key}: …'"),
                )
        return out

    def seq(self) -> list[Node]:
        if not self.is_seq:
            raise self.error(Msg("cần một danh sách", "expected a list"))
        return [self._child(n) for n in self.raw.value]

    def text(self) -> str:
        """The scalar exactly as written (a YAML ``no`` stays the word ``no``)."""
        if not self.is_scalar or self.is_null:
            raise self.error(Msg("cần một giá trị chữ", "expected a text value"))
        return str(self.raw.value).strip()

    def texts(self) -> list[str]:
        """A scalar or a list of scalars, as text."""
        if self.is_seq:
            return [n.text() for n in self.seq()]
        return [self.text()]

    def number(self) -> float | int:
        """A finite number below :data:`MAX_NUMBER` (``.inf``, ``.nan`` are no figures)."""
        value = self.value()
        shown = shorten(str(self.raw.value))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(Msg(f"cần một số, gặp '{shown}'", f"expected a number, got '{shown}'"))
        if value != value or abs(value) >= MAX_NUMBER:  # NaN is the one value unequal to itself
            raise self.error(
                Msg(f"số không hợp lệ '{shown}'", f"invalid number '{shown}'"),
                Msg(
                    "cần một số hữu hạn, nhỏ hơn 10^15",
                    "write a finite number below 10^15",
                ),
            )
        return value

    def boolean(self) -> bool:
        value = self.value()
        if not isinstance(value, bool):
            raise self.error(
                Msg(
                    f"cần true/false, gặp '{self.raw.value}'",
                    f"expected true/false, got '{self.raw.value}'",
                )
            )
        return value

    def date(self) -> dt.date:
        try:
            value = self.value()
        except CchcError:  # 2023-02-30 looks like a YAML date but is none: say "invalid date"
            value = None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(self.text())
        except ValueError:
            raise self.error(
                Msg(f"ngày không hợp lệ '{self.raw.value}'", f"invalid date '{self.raw.value}'"),
                Msg(
                    "viết ngày dạng YYYY-MM-DD, ví dụ 2023-12-31",
                    "write dates as YYYY-MM-DD, e.g. 2023-12-31",
                ),
            ) from None

    def value(self):
        """The node as the SafeLoader would construct it; what it cannot is a located error."""
        try:
            return yaml.SafeLoader("").construct_document(self.raw)
        except (ValueError, OverflowError, yaml.YAMLError):
            # 5000 digits (past Python's int limit), a date 2023-02-30, an unquoted '='
            shown = shorten(str(self.raw.value)) if self.is_scalar else ""
            raise self.error(
                Msg(f"không đọc được giá trị '{shown}'", f"cannot read the value '{shown}'"),
                Msg(
                    'số: tối đa 15 chữ số; ngày: YYYY-MM-DD; chữ: đặt trong dấu "…"',
                    'numbers: at most 15 digits; dates: YYYY-MM-DD; text: put it in "…"',
                ),
            ) from None


def new_mapping(like: Node, pairs: Iterable[tuple[Node, Node]]) -> Node:
    """A mapping node made of (key, value) nodes from any file, located where ``like`` is."""
    raw = yaml.MappingNode(
        "tag:yaml.org,2002:map",
        [(k.raw, v.raw) for k, v in pairs],
        like.raw.start_mark,
        like.raw.end_mark,
    )
    setattr(raw, _FILE, like.path)
    return Node(raw, like.path)


def new_sequence(like: Node, items: Iterable[Node]) -> Node:
    """A list node made of nodes from any file, located where ``like`` is."""
    raw = yaml.SequenceNode(
        "tag:yaml.org,2002:seq", [n.raw for n in items], like.raw.start_mark, like.raw.end_mark
    )
    setattr(raw, _FILE, like.path)
    return Node(raw, like.path)


def merge(base: Node, over: Node) -> Node:
    """``over`` laid on ``base``: mappings merged key by key (recursively), lists concatenated
    (a single scalar counts as a one-item list, as ``aliases: X`` does), anything else replaced;
    an empty (null) value in ``over`` changes nothing. Nodes keep their own files, so a later
    error points into the file that wrote the value."""
    if over.is_null:
        return base
    if base.is_map and over.is_map:
        pairs: dict[str, tuple[Node, Node]] = {k: (kn, v) for k, kn, v in base.items()}
        for k, kn, v in over.items():
            pairs[k] = (pairs[k][0], merge(pairs[k][1], v)) if k in pairs else (kn, v)
        return new_mapping(base, pairs.values())
    listed = (base.is_seq or over.is_seq) and not (base.is_map or over.is_map)
    if listed and not base.is_null:
        items = [*(base.seq() if base.is_seq else [base]), *(over.seq() if over.is_seq else [over])]
        return new_sequence(base if base.is_seq else over, items)
    return over


def load_yaml(path: str | Path) -> Node:
    """Compose (not construct) a YAML file so that every node keeps its mark."""
    p = Path(path)
    where = Location(str(path))
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CchcError(
            Msg("không tìm thấy tệp", "file not found"),
            Msg("kiểm tra lại đường dẫn", "check the path"),
            where,
        ) from None
    except IsADirectoryError:
        raise CchcError(
            Msg("đây là thư mục, không phải tệp", "this is a directory, not a file"), None, where
        ) from None
    except UnicodeDecodeError as exc:
        raise CchcError(
            Msg(
                f"tệp không phải UTF-8 (byte {exc.start})", f"file is not UTF-8 (byte {exc.start})"
            ),
            Msg("lưu lại tệp YAML với mã hoá UTF-8", "save the YAML file as UTF-8"),
            where,
        ) from None
    except OSError as exc:
        raise CchcError(
            Msg(f"không đọc được tệp: {exc.strerror}", f"cannot read file: {exc.strerror}"),
            None,
            where,
        ) from None
    try:
        root = _compose(text, str(path))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _mark_location(str(path), mark) if mark else where
        raise CchcError(
            Msg(f"lỗi cú pháp YAML: {exc.problem}", f"YAML syntax error: {exc.problem}"),
            Msg("kiểm tra thụt lề và dấu ':' ở dòng này", "check indentation and ':' on this line"),
            loc,
        ) from None
    except yaml.YAMLError as exc:
        raise CchcError(Msg(f"lỗi YAML: {exc}", f"YAML error: {exc}"), None, where) from None
    if root is None:
        raise CchcError(Msg("tệp YAML rỗng", "the YAML file is empty"), None, where)
    return Node(root, str(path))
