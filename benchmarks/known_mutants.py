"""Re-plant the plausible bugs of issue 8 one at a time and check that the tests now catch them.

Each mutant is one textual edit of a copy of ``src/`` (in a temporary folder, put first on
``PYTHONPATH``); the tests run against the copy and must fail. The unmutated copy must pass the
same tests, so a failure is the mutant's doing.

    python benchmarks/known_mutants.py                  # the tests that should kill each mutant
    python benchmarks/known_mutants.py --tests tests    # the whole suite instead
    python benchmarks/known_mutants.py --tests tests --ignore tests/test_boundaries.py
                                                        # ... without the new tests: they survive
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # under src/cchc_cli
    old: str
    new: str
    tests: tuple[str, ...]  # the tests meant to kill it


MUTANTS = (
    Mutant(
        "a: open at the end of P also when resolved on P's last day",
        "classify.py",
        'open_at_end = received & received_at.cmp("<=", end) & ~end_at.cmp("<=", end)',
        'open_at_end = received & received_at.cmp("<=", end) & ~end_at.cmp("<", end)',
        ("tests/test_boundaries.py",),
    ),
    Mutant(
        "b: vocabulary folding keeps diacritics",
        "text.py",
        'return " ".join(strip_diacritics(nfc(str(text))).casefold().split())',
        'return " ".join(nfc(str(text)).casefold().split())',
        ("tests/test_boundaries.py",),
    ),
    Mutant(
        "c: two blank ids also flagged duplicate_id",
        "records.py",
        "        dup &= codes != blank\n",
        "        pass\n",
        ("tests/test_boundaries.py",),
    ),
)


def _pytest(src: Path, tests: list[str], ignore: list[str]) -> int:
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    args = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    args += [f"--ignore={p}" for p in ignore]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", nargs="*", help="test paths (default: each mutant's own)")
    parser.add_argument("--ignore", nargs="*", default=[], help="test paths to leave out")
    args = parser.parse_args(argv)
    survivors = 0
    with tempfile.TemporaryDirectory(prefix="cchc-mutant-") as tmp:
        src = Path(tmp) / "src"
        for m in MUTANTS:
            shutil.rmtree(src, ignore_errors=True)
            shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
            tests = args.tests or list(m.tests)
            if _pytest(src, tests, args.ignore) != 0:
                print(f"ERROR  {m.name}: the tests fail without the mutant")
                return 2
            target = src / "cchc_cli" / m.path
            text = target.read_text(encoding="utf-8")
            if text.count(m.old) != 1:
                print(f"ERROR  {m.name}: the line to mutate is not in {m.path} exactly once")
                return 2
            target.write_text(text.replace(m.old, m.new), encoding="utf-8")
            killed = _pytest(src, tests, args.ignore) != 0
            survivors += not killed
            print(f"{'killed ' if killed else 'SURVIVED'} {m.name}  [{' '.join(tests)}]")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
