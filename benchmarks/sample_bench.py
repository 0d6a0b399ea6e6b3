"""Whole `cchc check` processes on a small export against the DuckDB reference, alternated.

    python benchmarks/sample_bench.py [FILE] [--rounds 7] [--actuals A.yaml] [--cchc PATH]
                                      [--before CMD] [--registers R.xlsx]

Each round runs, each under ``/usr/bin/time -v``: the reference
(``duckdb_reference.py FILE --from 2023-01-01 --to 2023-12-31``) before every ``cchc`` variant,
so that each variant is timed next to a reference run (the machine is shared: load moves from
one second to the next):

- ``json+registers``: the README's main command, ``cchc check FILE --registers R --actuals A``,
  as JSON (``R`` the sample's register workbook: nine sheets read besides the export);
- ``json+actuals``: ``cchc check FILE --actuals A --format json -o OUT``;
- ``json``: ``cchc check FILE --format json -o OUT``;
- ``table+actuals``: ``cchc check FILE --actuals A`` (the table, to a pipe);
- ``help``: ``cchc --help``;
- with ``--before CMD``: ``CMD check FILE --actuals A --format json -o OUT`` (another checkout).

Prints every run, then per command the median and the minimum wall time and the median peak RSS,
and per variant its ratio to the reference: of the medians, of the minimums, and the median of
its ratios to the reference run just before it. Default file: the 3,005-row sample.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from timing import timed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "sample_data" / "ho-so-mot-cua-2023.csv"
ACTUALS = ROOT / "sample_data" / "actuals2023.yaml"
REGISTERS = ROOT / "sample_data" / "so-theo-doi-cchc-2023.xlsx"


def commands(
    path: Path,
    actuals: Path,
    cchc: str,
    out: Path,
    before: str | None = None,
    registers: Path = REGISTERS,
) -> dict[str, list[str]]:
    check = [cchc, "check", str(path)]
    json_args = ["--actuals", str(actuals), "--format", "json", "-o", str(out)]
    cmds = {
        "reference": [
            sys.executable,
            str(HERE / "duckdb_reference.py"),
            str(path),
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
        ],
        "json+registers": [*check, "--registers", str(registers), *json_args],
        "json+actuals": [*check, *json_args],
        "json": [*check, "--format", "json", "-o", str(out)],
        "table+actuals": [*check, "--actuals", str(actuals)],
        "help": [cchc, "--help"],
    }
    if before:
        cmds["before json+actuals"] = [before, "check", str(path), *json_args]
    return cmds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--actuals", type=Path, default=ACTUALS)
    parser.add_argument("--registers", type=Path, default=REGISTERS)
    parser.add_argument(
        "--cchc", default=shutil.which("cchc", path=str(Path(sys.executable).parent))
    )
    parser.add_argument(
        "--before",
        metavar="CMD",
        help="another cchc (e.g. a script running an older checkout's src/) for json+actuals",
    )
    args = parser.parse_args(argv)
    if not args.cchc:
        sys.exit("no cchc next to this Python: install the project (pip install -e .)")
    runs: dict[str, list[tuple[float, float, float]]] = {}
    paired: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmds = commands(args.file, args.actuals, args.cchc, out, args.before, args.registers)
        variants = [k for k in cmds if k != "reference"]
        for i in range(args.rounds):
            for label in variants:
                ref = timed(cmds["reference"])[:3]
                got = timed(cmds[label], ok=(0, 1))[:3]
                runs.setdefault("reference", []).append(ref)
                runs.setdefault(label, []).append(got)
                if label != "help":
                    paired.setdefault(label, []).append(got[0] / ref[0])
                print(
                    f"round {i + 1}: reference {ref[0]:5.2f} s (CPU {ref[2]:4.2f})"
                    f"  {label:14s} {got[0]:5.2f} s (CPU {got[2]:4.2f})  {got[1]:4.0f} MB",
                    flush=True,
                )

    def stats(label: str, k: int) -> tuple[float, float]:
        values = [r[k] for r in runs[label]]
        return statistics.median(values), min(values)

    ref_wall, ref_cpu = stats("reference", 0), stats("reference", 2)
    print(f"\n{args.file}, {args.rounds} rounds; median / min")
    for label in runs:
        (med, low), (cpu, cpu_low) = stats(label, 0), stats(label, 2)
        line = (
            f"  {label:14s} wall {med:5.2f} / {low:5.2f} s  CPU {cpu:5.2f} / {cpu_low:5.2f} s"
            f"  {stats(label, 1)[0]:4.0f} MB  (n={len(runs[label])})"
        )
        if label in paired:
            line += (
                f"  ÷ reference: wall medians {med / ref_wall[0]:.2f}×, minimums"
                f" {low / ref_wall[1]:.2f}×, paired median {statistics.median(paired[label]):.2f}×;"
                f" CPU medians {cpu / ref_cpu[0]:.2f}×"
            )
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
