"""No import cycles: every cchc_cli module imports on its own, and no module needs, at import
time, one that needs it back (directly or round a loop).

A cycle may work or break depending on which module a program imports first, so both are
checked: the import-time imports read from the source (``ast``: module level, ``try``/``if``
included, function bodies and ``if TYPE_CHECKING:`` left out, as Python runs them) must form no
loop; and, in a fresh interpreter, each module is imported with no cchc_cli module loaded
(those of the previous import are dropped from ``sys.modules``), as a fresh interpreter per
module would, at a fraction of the time.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted((SRC / "cchc_cli").rglob("*.py"))}


def _at_import(body: list[ast.stmt]):
    """The import statements Python runs when the module is imported."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _at_import(node.orelse)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    yield from _at_import(inner)


def _imports(module: str) -> set[str]:
    """The cchc_cli modules ``module`` imports at import time."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in _at_import(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in MODULES}
            continue
        base = node.module or ""
        if node.level:
            up = package
            for _ in range(node.level - 1):
                up = up.rpartition(".")[0]
            base = f"{up}.{base}" if base else up
        for alias in node.names:  # `from . import x`: the module x, else the package's name x
            target = f"{base}.{alias.name}"
            if target in MODULES:
                out.add(target)
            elif base in MODULES:
                out.add(base)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each loop of ``graph``, as a path from a module back to itself (one per strongly
    connected part)."""
    found, done = [], set()
    for start in sorted(graph):
        if start in done:
            continue
        stack, path, on_path = [(start, iter(sorted(graph[start])))], [start], {start}
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
            elif child in on_path:
                found.append([*path[path.index(child) :], child])
            elif child not in done:
                stack.append((child, iter(sorted(graph[child]))))
                path.append(child)
                on_path.add(child)
    return found


def test_the_cycle_finder_finds_loops():
    # worked out by hand: a -> b -> c -> a is a loop, d -> a is not part of it
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(map(tuple, _cycles(graph))) == [("a", "b", "c", "a"), ("e", "e")]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_one_that_imports_it_back():
    graph = {m: _imports(m) for m in MODULES}
    assert "cchc_cli.io.files" in graph["cchc_cli.io.table"]  # the walk sees relative imports
    cycles = _cycles(graph)
    assert cycles == [], "\n".join(" -> ".join(c) for c in cycles)


_IMPORT_EACH = """
import importlib, json, sys, traceback
failed = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m == "cchc_cli" or m.startswith("cchc_cli.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except BaseException:
        failed[name] = traceback.format_exc(limit=-3)
print(json.dumps(failed))
"""


def test_every_module_imports_on_its_own():
    names = [m for m in MODULES if not m.endswith("__main__")]  # __main__ runs the CLI
    assert len(names) > 50
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, json.dumps(names)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    failed = json.loads(done.stdout.strip().splitlines()[-1])
    assert failed == {}, "\n".join(f"{m}:\n{tb}" for m, tb in failed.items())
