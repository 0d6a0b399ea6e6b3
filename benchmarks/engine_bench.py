"""The SQL engine against today's pandas engine and the DuckDB reference on one export (not a test).

    python benchmarks/engine_bench.py [FILE] [--period 2023] [--memory-limit 400MB]
                                      [--before SRC] [--repeat N]

FILE defaults to benchmarks/out/ho-so-1000000.csv (made by make_big.py if missing). Each run is
its own child process, so each peak RSS is its own: the file is read with ``io.table.read_table``
(Python, the same for both engines), then typed and counted by the engine
(``cchc_cli.engine.run``) or by ``records_from_table`` + ``classify`` + ``count`` +
``input_summary``; the reference is ``duckdb_reference.compute`` (reading the CSV itself).
``--before SRC`` adds the engine of another checkout's ``src`` (e.g. a ``git worktree`` of the
commit before a change), so before and after are measured in the same run. Prints per run the wall
time and the CPU time (user + system, all threads) of each step, the peak RSS, whether the
figures are identical, and each engine's typing+counting against the reference's ``compute``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "out" / "ho-so-1000000.csv"


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def reference(path: str, period: str) -> None:
    """duckdb_reference.compute over the CSV, timed."""
    sys.path.insert(0, str(HERE))
    from duckdb_reference import compute

    from cchc_cli.plan.period import parse_period

    start, end = parse_period(period)
    t0, c0 = time.perf_counter(), cpu()
    compute(path, start, end)
    out = {"count": time.perf_counter() - t0, "count_cpu": cpu() - c0}
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def child(path: str, mode: str, period: str, memory_limit: str | None) -> None:
    if mode == "reference":
        reference(path, period)
        return
    t0 = time.perf_counter()
    from cchc_cli import load_plan
    from cchc_cli.io.binding import header_matcher
    from cchc_cli.io.table import read_table
    from cchc_cli.plan.period import parse_period
    from cchc_cli.text import fold

    plan = load_plan(HERE.parent / "plan2023.yaml")
    span = parse_period(period)
    matcher = header_matcher(plan)
    t1 = time.perf_counter()
    table = read_table(path, lambda cells: len({matcher.get(fold(c)) for c in cells if c} - {None}))
    t2, c2 = time.perf_counter(), cpu()
    if mode == "engine":
        from cchc_cli import engine

        settings = engine.Settings(memory_limit=memory_limit) if memory_limit else None
        res = engine.run(plan, table, span, settings)
        counts, summary = res.counts, res.summary
    else:
        sys.path.insert(0, str(HERE.parent / "tests"))  # the pandas route: the tests' oracle
        from oracle.classify import classify
        from oracle.evaluate import count, input_summary
        from oracle.records import records_from_table

        records = records_from_table(table, plan)
        cl = classify(plan, records, span)
        counts = {i.id: count(plan, i, cl)[0] for i in plan.indicators if i.source == "dossiers"}
        summary = input_summary(plan, records, cl)
    t3 = time.perf_counter()
    figures = {
        k: [
            c.numerator,
            c.denominator,
            c.left_out,
            [list(x.__dict__.values()) for x in c.left_out_by],
        ]
        for k, c in counts.items()
    }
    figures["_input"] = [
        summary.rows_read,
        summary.rows_used,
        summary.rows_out_of_period,
        summary.rows_not_received,
        summary.rows_left_out,
        summary.problems,
        summary.due_dates_derived,
    ]
    out = {
        "imports": t1 - t0,
        "read": t2 - t1,
        "count": t3 - t2,
        "count_cpu": cpu() - c2,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "figures": figures,
    }
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--period", default="2023")
    ap.add_argument("--memory-limit", default=None)
    ap.add_argument("--before", default=None, help="another checkout's src/ for a second engine")
    ap.add_argument("--repeat", type=int, default=1, help="rounds (each runs every child once)")
    ap.add_argument("--child", choices=["engine", "oracle", "reference"])
    args = ap.parse_args()
    if args.child:
        child(args.file, args.child, args.period, args.memory_limit)
        return
    path = Path(args.file)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(HERE / "make_big.py"), "1000000", str(path)], check=True
        )
    modes = [("reference", "reference", None), ("engine", "engine", None)]
    if args.before:
        modes.append(("engine-before", "engine", args.before))
    modes.append(("oracle", "oracle", None))
    print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB), period {args.period}")
    print(
        f"{'run':14s} {'imports':>8s} {'read':>6s} {'type+count':>11s} {'cpu':>6s}"
        f" {'peak RSS':>9s} {'÷ reference':>12s}"
    )
    figures = {}
    for _ in range(args.repeat):
        runs = {}
        for label, mode, src in modes:
            cmd = [sys.executable, __file__, str(path), "--child", mode, "--period", args.period]
            if args.memory_limit:
                cmd += ["--memory-limit", args.memory_limit]
            env = dict(os.environ)
            if src:
                env["PYTHONPATH"] = str(Path(src).resolve())
            done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
            runs[label] = json.loads(done.stdout.strip().splitlines()[-1])
        ref = runs["reference"]
        for label, r in runs.items():
            print(
                f"{label:14s} {r.get('imports', 0):8.2f} {r.get('read', 0):6.2f}"
                f" {r['count']:11.2f} {r['count_cpu']:6.2f} {r['rss_mb']:7.0f}MB"
                f" {r['count'] / ref['count']:8.2f} wall {r['count_cpu'] / ref['count_cpu']:5.2f} cpu"
            )
            if "figures" in r:
                figures[label] = r["figures"]
    want = figures["oracle"]
    for label, got in figures.items():
        if label == "oracle":
            continue
        print(f"figures of {label} identical to the oracle's:", got == want)
        for k, v in want.items():
            if got.get(k) != v:
                print("  DIFF", k, got.get(k), v)


if __name__ == "__main__":
    main()
