"""Every hint (the ``→`` line under an error) is written in one style, in every module: it starts
in lower case and has no final full stop — "kiểm tra lại đường dẫn", "did you mean 'x'?" — as the
message above it does. The source is walked with ``ast``: each expression passed as a hint
(``CchcError(message, hint)``, ``node.error(message, hint)``, ``hint=``, the four-text
``fail``/``error(vi, en, hint_vi, hint_en)`` of the readers in ``io/``) is followed through ``Msg(…)``,
f-strings, ``+``, conditionals and the local or module names it was built in, down to the text
that opens and the text that closes it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "cchc_cli"
ERROR_CALLS = {"CchcError", "CchcWarning", "error", "fail", "_fail"}
UPPER_OK = ("cchc", "--", "'", '"', "YYYY")  # a hint may open with a command, option or quote


def _assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """Every value assigned (or ``+=``-ed) to each plain name in a function, or at the top level
    of a module (a parameter's value is checked where the function is called)."""
    found: dict[str, list[ast.expr]] = {}
    nodes = scope.body if isinstance(scope, ast.Module) else ast.walk(scope)
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = (
                    zip(target.elts, node.value.elts, strict=False)
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                    else [(target, node.value)]
                )
                for t, v in pairs:
                    if isinstance(t, ast.Name):
                        found.setdefault(t.id, []).append(v)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(("+=", node.value))  # type: ignore[arg-type]
    return found


class _Ends:
    """The texts an expression may start and end with (unknown parts are skipped)."""

    def __init__(self, names: list[dict[str, list]]):
        self.names = names  # innermost scope first

    def lookup(self, name: str) -> list:
        for scope in self.names:
            if name in scope:
                return scope[name]
        return []

    def starts(self, e) -> list[str]:
        return self.edge(e, first=True)

    def ends(self, e) -> list[str]:
        return self.edge(e, first=False)

    def edge(self, e, *, first: bool, seen=frozenset()) -> list[str]:
        """The texts ``e`` may open (``first``) or close with."""
        walk = lambda x, s=seen: self.edge(x, first=first, seen=s)  # noqa: E731
        if isinstance(e, ast.Constant) and isinstance(e.value, str):
            return [e.value]
        if isinstance(e, ast.JoinedStr):
            part = (e.values[0] if first else e.values[-1]) if e.values else None
            return [part.value] if isinstance(part, ast.Constant) else []
        if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Add):
            return walk(e.left if first else e.right)
        if isinstance(e, ast.IfExp):
            return walk(e.body) + walk(e.orelse)
        if isinstance(e, ast.Call) and getattr(e.func, "id", None) == "Msg":
            return [t for a in e.args[:2] for t in walk(a)]
        if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.attr in ("vi", "en"):
            return [t for v in self.lookup(e.value.id) if not isinstance(v, tuple)
                    for t in self._msg_part(v, e.attr, walk)]  # fmt: skip
        if isinstance(e, ast.Name) and e.id not in seen:
            out = []
            for v in self.lookup(e.id):  # the first text is an assignment's; any may be the last
                if isinstance(v, tuple):  # a '+=': it adds to the end only
                    out += [] if first else walk(v[1], seen | {e.id})
                else:
                    out += walk(v, seen | {e.id})
            return out
        return []

    @staticmethod
    def _msg_part(v, attr: str, walk) -> list[str]:
        if isinstance(v, ast.Call) and getattr(v.func, "id", None) == "Msg":
            return walk(v.args[0 if attr == "vi" else 1])
        return []


def _hint_args(call: ast.Call) -> list[ast.expr]:
    name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
    hints = [k.value for k in call.keywords if k.arg == "hint"]
    if name in ERROR_CALLS:
        if len(call.args) >= 4:  # the readers: (vi, en, hint_vi, hint_en, …)
            hints += call.args[2:4]
        elif len(call.args) >= 2:
            hints.append(call.args[1])
    return hints


def _hints() -> list[tuple[str, int, str, str]]:
    """(file, line, 'start'|'end', text) for every text a hint starts or ends with."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = _assignments(tree)
        for fn in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
            ends = _Ends([_assignments(fn), module])
            body = fn.body if isinstance(fn, ast.Module) else [fn]
            for node in (n for b in body for n in ast.walk(b)):
                if not isinstance(node, ast.Call):
                    continue
                for hint in _hint_args(node):
                    where = f"{path.relative_to(SRC)}"
                    out += [(where, node.lineno, "start", t) for t in ends.starts(hint)]
                    out += [(where, node.lineno, "end", t) for t in ends.ends(hint)]
    return out


def _bad(kind: str, text: str) -> bool:
    if kind == "start":
        head = text.lstrip()
        return bool(head) and head[0].isupper() and not head.startswith(UPPER_OK)
    return text.rstrip().endswith(".") and not text.rstrip().endswith("…")


def test_every_hint_starts_in_lower_case_and_has_no_final_full_stop():
    # the rule, on texts worked out by hand
    assert _bad("start", "Kiểm tra lại đường dẫn") and not _bad("start", "kiểm tra lại đường dẫn")
    assert not _bad("start", "--plan cần tệp YAML") and not _bad("start", "cchc explain x")
    assert _bad("end", "check the path.") and not _bad("end", "did you mean 'x'?")
    assert not _bad("end", 'text: put it in "…"')
    hints = _hints()
    assert {"plan/model.py", "io/csv.py", "io/files.py", "plan/yamlfile.py", "plan/period.py", "render/output.py"} <= {f for f, *_ in hints}
    assert len(hints) > 200  # the walk reaches the hints (a walk finding none would pass)
    bad = sorted({(f, line, kind, text) for f, line, kind, text in hints if _bad(kind, text)})
    assert bad == [], "\n".join(f"{f}:{line}: {kind} {text!r}" for f, line, kind, text in bad)
