"""Re-plant plausible bugs (issues 8 and 11) one at a time and check that the tests now catch them.

Each mutant is one textual edit of a copy of ``src/`` (in a temporary folder, put first on
``PYTHONPATH``); the tests run against the copy and must fail. The unmutated copy must pass the
same tests, so a failure is the mutant's doing.

    python benchmarks/known_mutants.py                  # the tests that should kill each mutant
    python benchmarks/known_mutants.py --only r         # issue 11's (the register rows)
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
        "engine/compile.py",
        """f"(received AND {cmp(recv, '<=', 'p_end')} AND NOT {cmp(end, '<=', 'p_end')})",""",
        """f"(received AND {cmp(recv, '<=', 'p_end')} AND NOT {cmp(end, '<', 'p_end')})",""",
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
        "c: the first row of a repeated dossier id set aside too",
        "engine/compile.py",
        'later = f"_file * {ROW_KEY} + _line > {first}"',
        'later = f"_file * {ROW_KEY} + _line >= {first}"',
        ("tests/test_boundaries.py",),
    ),
    # issue 11: the rows behind register figures, their evidence and months
    Mutant(
        "r1: counted rows passing and failing swapped",
        "engine/registers.py",
        'f"CASE s0 WHEN 2 THEN {idx[COUNTED_PASS]} WHEN 1 THEN {idx[COUNTED_FAIL]}"',
        'f"CASE s0 WHEN 1 THEN {idx[COUNTED_PASS]} WHEN 2 THEN {idx[COUNTED_FAIL]}"',
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r2: a row its key sets aside outside the denominator gives no reason",
        "engine/registers.py",
        "        why += f\" WHEN _aside IS NOT NULL THEN {compiler.code(reg.name, reg.key, '_aside')}\"",
        '        why += ""',
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r3: a register date shown as ISO",
        "engine/rows.py",
        "return f\"strftime({expr}, '%d/%m/%Y')\"",
        "return f\"strftime({expr}, '%Y-%m-%d')\"",
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r4: rows listed for an indicator missing a column",
        "engine/registers.py",
        "if results[ind.id].reason in (Reason.MISSING_COLUMN.value, Reason.NO_REGISTER.value):",
        "if results[ind.id].reason in (Reason.NO_REGISTER.value,):",
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r5: each month counted over the whole period",
        "engine/registers.py",
        "            compiler = Compiler(plan, days, calendar)\n",
        "            compiler = Compiler(plan, span, calendar)\n",
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r6: the months not passed to the registers",
        "pipeline.py",
        "registered = run_registers(plan, request, span, con, months)",
        "registered = run_registers(plan, request, span, con)",
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r7: evidence without the register indicators' rows",
        "evidence.py",
        'counted = ("dossiers", "registers")',
        'counted = ("dossiers",)',
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r8: verify names a moved register file by where it was found",
        "evidence.py",
        "            path = (registers or {}).get(ind.register)\n",
        "            path = None\n",
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r9: verify reads a workbook once per register",
        "evidence.py",
        '        out.setdefault(entry["path"], entry)',
        '        out.setdefault(entry["register"], entry)',
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r10: a register row's cells named by field alone",
        "engine/registers.py",
        'AS "t_{reg.name}.{n}"',
        'AS "t_{n}"',
        ("tests/test_register_rows.py",),
    ),
    Mutant(
        "r11: a register's headroom rounds the rows it needs down",
        "headroom.py",
        'g = math.ceil(edge - num) if op == ">=" else math.floor(edge - num) + 1',
        'g = math.floor(edge - num) if op == ">=" else math.floor(edge - num) + 1',
        ("tests/test_register_review.py", "tests/test_register_rows.py", "tests/test_registers.py"),
    ),
    Mutant(
        "r12: a register's headroom lets one row too many slip",
        "headroom.py",
        'b = math.floor(num - edge) if op == ">=" else math.ceil(num - edge) - 1',
        'b = math.ceil(num - edge) if op == ">=" else math.ceil(num - edge) - 1',
        ("tests/test_register_review.py", "tests/test_register_rows.py", "tests/test_registers.py"),
    ),
    Mutant(
        "r13: a text compared by its byte length alone",
        "arrow.py",
        "    if want and hit.any():  # the cells of its length only, compared by a kernel\n",
        "    if False:\n",
        (
            "tests/test_arrow.py",
            "tests/test_register_review.py",
            "tests/test_register_rows.py",
            "tests/test_registers.py",
        ),
    ),
    Mutant(
        "r14: a null read from a buffer kept as the value beneath it",
        "arrow.py",
        '    out[~valid] = np.datetime64("NaT") if out.dtype.kind == "M" else np.nan\n',
        "    pass\n",
        (
            "tests/test_arrow.py",
            "tests/test_register_review.py",
            "tests/test_register_rows.py",
            "tests/test_registers.py",
        ),
    ),
    Mutant(
        "r15: a count over an empty register is a count of 0",
        "engine/registers.py",
        'if ind.measure == "count" and not sum(s.values()):',
        'if ind.measure == "count" and False:',
        ("tests/test_register_review.py", "tests/test_register_rows.py", "tests/test_registers.py"),
    ),
    Mutant(
        "r16: a file matching no register is not named",
        "io/registers.py",
        "                stray.append(f)\n",
        "                pass\n",
        ("tests/test_register_review.py", "tests/test_register_rows.py", "tests/test_registers.py"),
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
    parser.add_argument("--only", nargs="*", default=[""], help="mutants whose name starts so")
    args = parser.parse_args(argv)
    survivors = 0
    with tempfile.TemporaryDirectory(prefix="cchc-mutant-") as tmp:
        src = Path(tmp) / "src"
        for m in (m for m in MUTANTS if m.name.startswith(tuple(args.only))):
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
