"""Mutation testing with mutmut 3, one module at a time (not CI; see benchmarks/README.md).

mutmut reads ``[tool.mutmut]`` from ``pyproject.toml`` in the folder it runs in and copies the
tree into ``mutants/`` there. To give each module its own, smaller test selection (the fast test
files that exercise it), every module runs in a scratch copy of the tree under
``benchmarks/out/mutation/<module>/`` whose ``pyproject.toml`` is the project's with
``only_mutate`` and ``pytest_add_cli_args_test_selection`` set for that module.

    python benchmarks/mutation.py run [MODULE ...] [--sample N] [--budget S] [--children 2]
    python benchmarks/mutation.py run MODULE --survivors    # the last run's survivors again
    python benchmarks/mutation.py summary [MODULE ...]      # killed / survived per module
    python benchmarks/mutation.py survivors MODULE          # the diff of every survivor

``--sample N`` runs every N-th mutant only (mutant names sorted by function and number), for a
module too big to finish in the time budget. Results stay in the scratch copies.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "mutation"
COPY = ("src", "tests", "sample_data", "benchmarks", "scripts", "plan2023.yaml", "pyproject.toml")
ALSO_COPY = ["sample_data/", "plan2023.yaml", "benchmarks/", "scripts/"]  # into mutants/

# The fast test files that exercise each module. The slow CLI, evidence, explain and property
# suites are left out for time, so a mutant only they would kill is counted as survived here.
TESTS = {
    "calendar": [
        "test_calendar.py",
        "test_calendar_edges.py",
        "test_calendar_cli.py",
        "test_boundaries.py",
        "test_rules.py",
    ],
    "classify": [
        "test_conditions.py",
        "test_rules.py",
        "test_boundaries.py",
        "test_report.py",
        "test_validate.py",
        "test_crosscheck.py",
        "test_golden_independent.py",
    ],
    "conditions": ["test_conditions.py", "test_plan.py", "test_rules.py", "test_boundaries.py"],
    "records": [
        "test_records.py",
        "test_records_edges.py",
        "test_boundaries.py",
        "test_validate.py",
        "test_rules.py",
    ],
}
# The readers (sources.py until it was split by format into io/): each module of the split keeps
# the old module's selection. A module is named by its dotted path under cchc_cli ("io.csv").
READERS = [
    "io.table",
    "io.files",
    "io.sniff",
    "io.encoding",
    "io.header",
    "io.csv",
    "io.csv_stream",
    "io.clean",
    "io.layout",
    "io.sheet",
    "io.xlsx",
    "io.xls",
    "io.html",
]
_READER_TESTS = ["test_sources.py", "test_sources_edges.py", "test_variants.py", "test_validate.py"]
TESTS.update(dict.fromkeys(READERS, _READER_TESTS))
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", None: "not run"}
TIMEOUTS = {-24, 24, 36, 152, 255}


def _status(code: int | None) -> str:
    return "timeout" if code in TIMEOUTS else STATUS.get(code, f"exit {code}")


def _path(module: str) -> str:
    """The module's file under src/cchc_cli, without ``.py``: "io.csv" -> "io/csv"."""
    return module.replace(".", "/")


def _mutmut_section(module: str) -> str:
    tests = [f"tests/{t}" for t in TESTS[module] if (ROOT / "tests" / t).exists()]
    lines = [
        "[tool.mutmut]",
        'source_paths = ["src/"]',
        f'only_mutate = ["src/cchc_cli/{_path(module)}.py"]',
        f"also_copy = {json.dumps(ALSO_COPY)}",
        'pytest_add_cli_args = ["-p", "no:cacheprovider"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
    ]
    return "\n".join(lines) + "\n"


def _prepare(module: str) -> Path:
    """A fresh scratch copy of the tree, configured for ``module``."""
    where = OUT / module
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", "out", ".hypothesis")
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, where / name, ignore=skip)
        else:
            shutil.copy2(src, where / name)
    project = (where / "pyproject.toml").read_text(encoding="utf-8")
    head, _, _ = project.partition("[tool.mutmut]")  # the project's section is the file's last
    (where / "pyproject.toml").write_text(head + _mutmut_section(module), encoding="utf-8")
    return where


def _meta(module: str) -> dict[str, int | None]:
    """Exit code per mutant: the first run's, overlaid with any later run of the survivors."""
    first = OUT / f"{module}.first.json"
    out = json.loads(first.read_text(encoding="utf-8")) if first.exists() else {}
    path = OUT / module / "mutants" / "src" / "cchc_cli" / f"{_path(module)}.py.meta"
    if path.exists():
        latest = json.loads(path.read_text(encoding="utf-8"))["exit_code_by_key"]
        out.update({k: v for k, v in latest.items() if v is not None or k not in out})
    return out


def _order(name: str) -> tuple[str, int]:
    func, _, number = name.rpartition("__mutmut_")
    return func, int(number)


def _mutmut(where: Path, names: list[str], children: int, budget: float | None = None) -> bool:
    """Run mutmut on ``names``; past ``budget`` seconds it is interrupted (it keeps the results
    it has). True if it was cut short."""
    mutmut = Path(sys.executable).with_name("mutmut")
    args = ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(children), *names]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with (where / "mutmut.log").open("a", encoding="utf-8") as log:
        proc = subprocess.Popen(
            args,
            cwd=where,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # a job started in the background has SIGINT ignored, and so would mutmut
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            proc.wait(timeout=budget)
            return False
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
            proc.wait()
            return True


def run(
    modules: list[str],
    sample: int,
    children: int,
    survivors_only: bool = False,
    budget: float | None = None,
) -> None:
    for module in modules:
        t0 = time.monotonic()
        first = OUT / f"{module}.first.json"
        if survivors_only:
            before = _meta(module)
            first.write_text(json.dumps(before), encoding="utf-8")
            again = sorted((k for k, v in before.items() if v == 0), key=_order)
            (OUT / f"{module}.rerun.txt").write_text("\n".join(again) + "\n", encoding="utf-8")
        else:
            first.unlink(missing_ok=True)
        where = _prepare(module)
        names = [f"cchc_cli.{module}.*"]
        if survivors_only:  # the survivors of the last run, against today's tests
            _mutmut(where, ["cchc_cli.nothing.matches_this"], children)
            names = again
        elif sample > 1:
            # generate the mutants (mutmut does it first, whatever the names), then pick every N-th
            _mutmut(where, ["cchc_cli.nothing.matches_this"], children)
            names = sorted(_meta(module), key=_order)[::sample]
        cut = False
        if names:
            left = None if budget is None else max(1.0, budget - (time.monotonic() - t0))
            cut = _mutmut(where, names, children, left)
        wall = time.monotonic() - t0
        if survivors_only:
            (OUT / f"{module}.rerun-wall.txt").write_text(f"{wall:.0f}\n", encoding="utf-8")
        else:
            state = "cut" if cut else "done"
            (OUT / f"{module}.wall.txt").write_text(f"{wall:.0f} {sample} {state}\n", "utf-8")
        print(_line(module), flush=True)


def _counts(module: str) -> Counter:
    return Counter(_status(c) for c in _meta(module).values())


def _line(module: str) -> str:
    c = _counts(module)
    wall_file = OUT / f"{module}.wall.txt"
    wall, sample, *state = wall_file.read_text().split() if wall_file.exists() else ("?", "1")
    ran = sum(v for k, v in c.items() if k != "not run")
    caught = c["killed"] + c["timeout"]
    extra = f", sample 1/{sample} of {sum(c.values())}" if sample != "1" else ""
    if state == ["cut"]:
        extra += ", stopped at the time budget"
    first, rerun = OUT / f"{module}.first.json", OUT / f"{module}.rerun-wall.txt"
    if first.exists() and rerun.exists():  # survivors run again after tests were added
        before = sum(v == 0 for v in json.loads(first.read_text(encoding="utf-8")).values())
        extra += f"; first run: {before} survived, rerun of those {rerun.read_text().strip()} s"
    return (
        f"{module:<11} run {ran:>4}  killed {caught:>4} (timeout {c['timeout']})  "
        f"survived {c['survived']:>3}  no tests {c['no tests']:>3}  "
        f"score {100 * caught / max(1, ran):5.1f}%  wall {wall} s{extra}"
    )


def summary(modules: list[str]) -> None:
    for module in modules:
        if _meta(module):
            print(_line(module))


def survivors(module: str) -> None:
    where = OUT / module
    mutmut = Path(sys.executable).with_name("mutmut")
    for name in sorted((k for k, v in _meta(module).items() if v == 0), key=_order):
        diff = subprocess.run(
            [str(mutmut), "show", name], cwd=where, capture_output=True, text=True
        ).stdout
        print(
            "\n".join(
                ln
                for ln in diff.splitlines()
                if ln[:1] in "#+-" and not ln.startswith(("---", "+++"))
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("run", "summary", "survivors"))
    parser.add_argument("modules", nargs="*", help=f"of {', '.join(TESTS)} (default: all)")
    parser.add_argument("--sample", type=int, default=1, help="run every N-th mutant only")
    parser.add_argument("--children", type=int, default=2, help="mutants run in parallel")
    parser.add_argument(
        "--survivors", action="store_true", help="run again only the last run's survivors"
    )
    parser.add_argument("--budget", type=float, help="seconds per module, then stop")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.modules) - set(TESTS))
    if unknown:
        parser.error(f"unknown module(s): {', '.join(unknown)}")
    args.modules = args.modules or list(TESTS)
    if args.command == "run":
        run(args.modules, args.sample, args.children, args.survivors, args.budget)
    elif args.command == "summary":
        summary(args.modules)
    else:
        for module in args.modules:
            survivors(module)
    return 0


if __name__ == "__main__":
    sys.exit(main())
