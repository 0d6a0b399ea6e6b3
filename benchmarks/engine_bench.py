"""The SQL engine against today's pandas engine on one export, in-process (not a test).

    python benchmarks/engine_bench.py [FILE] [--period 2023] [--memory-limit 400MB]

FILE defaults to benchmarks/out/ho-so-1000000.csv (made by make_big.py if missing). Each of the
two engines runs in its own child process, so each peak RSS is its own: the file is read with
``sources.read_table`` (Python, the same for both), then typed and counted by the engine
(``cchc_cli.engine.run``) or by ``records_from_table`` + ``classify`` + ``count`` +
``input_summary``. Prints the wall time of each step, the peak RSS, whether the figures are
identical, and the share of the total the reading takes.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "out" / "ho-so-1000000.csv"


def child(path: str, mode: str, period: str, memory_limit: str | None) -> None:
    t0 = time.perf_counter()
    from cchc_cli import load_plan
    from cchc_cli.period import parse_period
    from cchc_cli.records import header_matcher
    from cchc_cli.sources import read_table
    from cchc_cli.text import fold

    plan = load_plan(HERE.parent / "plan2023.yaml")
    span = parse_period(period)
    matcher = header_matcher(plan)
    t1 = time.perf_counter()
    table = read_table(path, lambda cells: len({matcher.get(fold(c)) for c in cells if c} - {None}))
    t2 = time.perf_counter()
    if mode == "engine":
        from cchc_cli import engine

        settings = engine.Settings(memory_limit=memory_limit) if memory_limit else None
        res = engine.run(plan, table, span, settings)
        counts, summary = res.counts, res.summary
    else:
        from cchc_cli.classify import classify
        from cchc_cli.evaluate import count, input_summary
        from cchc_cli.records import records_from_table

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
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "figures": figures,
    }
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--period", default="2023")
    ap.add_argument("--memory-limit", default=None)
    ap.add_argument("--child", choices=["engine", "oracle"])
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
    runs = {}
    for mode in ("engine", "oracle"):
        cmd = [sys.executable, __file__, str(path), "--child", mode, "--period", args.period]
        if args.memory_limit:
            cmd += ["--memory-limit", args.memory_limit]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        runs[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB), period {args.period}")
    print(f"{'engine':8s} {'imports':>8s} {'read':>8s} {'type+count':>11s} {'peak RSS':>9s}")
    for mode, r in runs.items():
        print(
            f"{mode:8s} {r['imports']:8.2f} {r['read']:8.2f} {r['count']:11.2f}"
            f" {r['rss_mb']:7.0f}MB   reading = {r['read'] / (r['read'] + r['count']):.0%}"
            " of read+count"
        )
    same = runs["engine"]["figures"] == runs["oracle"]["figures"]
    print("figures identical:", same)
    if not same:
        for k, v in runs["oracle"]["figures"].items():
            if runs["engine"]["figures"].get(k) != v:
                print("  DIFF", k, runs["engine"]["figures"].get(k), v)
    ratio = runs["oracle"]["count"] / runs["engine"]["count"]
    print(f"typing+counting: engine {ratio:.2f}x faster than records+classify+evaluate")


if __name__ == "__main__":
    main()
