"""Staging an export (``io.table.stage_table``) against the DuckDB reference and pyarrow's read.

    python benchmarks/stage_bench.py [FILE ...] [--runs 3] [--memory-rows N]

For each file, ``--runs`` rounds of three whole processes, each under ``/usr/bin/time -v``:

- ``reference``: ``benchmarks/duckdb_reference.py FILE`` (the yardstick of every timing);
- ``pyarrow``: ``pyarrow.csv.read_csv`` of the whole file, multi-threaded, every column a
  string (what reading the file at all costs; it holds the whole table);
- ``stage``: ``stage_table(FILE)`` with the shipped plan's header names, into Parquet parts
  (Arrow below ``--memory-rows``), then ``close()``.

Prints each run's wall time, peak RSS and CPU time (user + system: steadier than wall time on a
shared machine), and the time of the work itself (without start-up, imports and the plan), then
the medians and ``stage`` as ratios of the ``reference`` and ``pyarrow`` medians. Default file:
benchmarks/out/ho-so-1000000.csv.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("reference", "pyarrow", "stage")


def _child(mode: str, path: str, memory_rows: int | None) -> None:
    t0 = time.perf_counter()
    if mode == "pyarrow":
        import pyarrow as pa
        import pyarrow.csv as pa_csv

        with open(path, "rb") as fh:
            width = fh.readline().count(b",") + 1  # the benchmark files: one comma per column
        names = [str(i) for i in range(width)]
        t0 = time.perf_counter()  # pyarrow imported: reading only
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=8 << 20),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()), strings_can_be_null=False
            ),
        )
        rows = table.num_rows
    else:
        from cchc_cli.io.table import stage_table
        from cchc_cli.plan.model import load_plan
        from cchc_cli.text import fold

        plan = load_plan()
        names = {fold(a): n for n, spec in plan.columns.items() for a in (n, *spec.aliases)}
        keys = [a for n in ("dossier_id", "received_at") for a in (n, *plan.columns[n].aliases)]

        def score(cells) -> int:
            return len({names[fold(c)] for c in cells if fold(c) in names})

        t0 = time.perf_counter()  # the plan loaded: staging only
        more = {} if memory_rows is None else {"memory_rows": memory_rows}
        staged = stage_table(path, score, keys=keys, **more)
        rows = staged.info.rows
        where = "arrow" if staged.arrow is not None else f"{len(staged.parquet)} parquet part(s)"
        staged.close()
        print(where, file=sys.stderr)
    print(f"{mode}: {rows} rows in {time.perf_counter() - t0:.2f} s", file=sys.stderr)


def _run(mode: str, path: Path, memory_rows: int | None) -> tuple[float, float, float, float]:
    """(wall seconds, max RSS MB, CPU seconds) of one whole process, and the seconds it reports
    for its work itself (without Python's start-up and imports)."""
    if mode == "reference":
        cmd = [sys.executable, str(HERE / "duckdb_reference.py"), str(path)]
    else:
        cmd = [sys.executable, __file__, "--child", mode, str(path)]
        if memory_rows is not None:
            cmd += ["--memory-rows", str(memory_rows)]
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        done = subprocess.run(
            ["/usr/bin/time", "-v", "-o", out.name, *cmd], capture_output=True, text=True
        )
        if done.returncode:
            sys.exit(f"{mode} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        report = out.read()
    inside = float(re.findall(r"([0-9.]+) s", done.stderr)[-1])
    wall = rss = cpu = 0.0
    for line in report.splitlines():
        if "User time" in line or "System time" in line:
            cpu += float(line.rsplit(" ", 1)[1])
        if "Elapsed (wall clock)" in line:
            wall = 0.0
            for part in line.rsplit(" ", 1)[1].split(":"):
                wall = wall * 60 + float(part)
        elif "Maximum resident set size" in line:
            rss = int(line.rsplit(" ", 1)[1]) / 1024
    return wall, rss, cpu, inside


def _show(label: str, mode: str, figures) -> None:
    wall, rss, cpu, inside = figures
    print(
        f"  {label:7s} {mode:10s} wall {wall:6.2f} s  max RSS {rss:7.0f} MB  CPU {cpu:6.2f} s"
        f"  (its work: {inside:.2f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-rows", type=int, default=None, help="default: the library's")
    parser.add_argument("--child", choices=MODES[1:], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, str(args.files[0]), args.memory_rows)
        return 0
    for path in args.files or [HERE / "out" / "ho-so-1000000.csv"]:
        print(f"{path} ({path.stat().st_size / 1e6:.0f} MB), {args.runs} runs")
        runs: dict[str, list[tuple[float, ...]]] = {m: [] for m in MODES}
        for i in range(args.runs):
            for mode in MODES:
                runs[mode].append(_run(mode, path, args.memory_rows))
                _show(f"run {i + 1}", mode, runs[mode][-1])
        med = {m: [statistics.median(x[k] for x in runs[m]) for k in range(4)] for m in MODES}
        for mode in MODES:
            _show("median", mode, med[mode])
        ratios = [s[0] / r[0] for s, r in zip(runs["stage"], runs["reference"], strict=True)]
        print(
            f"  stage / reference: wall {med['stage'][0] / med['reference'][0]:.2f}x "
            f"(runs: {', '.join(f'{r:.2f}' for r in ratios)}), "
            f"RSS {med['stage'][1] / med['reference'][1]:.2f}x; "
            f"stage / pyarrow: wall {med['stage'][0] / med['pyarrow'][0]:.2f}x, "
            f"RSS {med['stage'][1] / med['pyarrow'][1]:.2f}x, "
            f"CPU {med['stage'][2] / med['pyarrow'][2]:.2f}x; "
            f"stage_table / read_csv (their work): {med['stage'][3] / med['pyarrow'][3]:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
