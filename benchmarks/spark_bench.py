"""``--engine spark`` against the DuckDB engine on one export, whole processes (not a test).

    python benchmarks/spark_bench.py [FILE] [--period 2023] [--master local[2]]

Runs, each in its own process under ``/usr/bin/time -v``: the DuckDB reference
(``duckdb_reference.py``, the yardstick), the SQL engine on DuckDB (``cchc_cli.engine.run``)
and the same queries through PySpark (``engine.spark.run_periods_spark``); the file is read
with ``io.table.read_table`` by both engines. Prints wall time and peak RSS of each process (for
Spark also the JVM's own peak, which ``time`` does not see: the JVM is not the Python process's
waited-for child) and whether the two engines' figures are identical (numerator, denominator,
left_out, left_out_by per indicator, the whole input summary). FILE defaults to
benchmarks/out/ho-so-1000000.csv. Spark settings: ``PYSPARK_SUBMIT_ARGS`` (e.g.
``--driver-memory 4g pyspark-shell``) and SPARK_CONF_DIR, as for any PySpark program.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import asdict
from pathlib import Path

from timing import timed

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "out" / "ho-so-1000000.csv"


def child(path: str, engine_name: str, period: str, master: str) -> None:
    t0 = time.perf_counter()
    from cchc_cli import load_plan
    from cchc_cli.io.binding import header_matcher
    from cchc_cli.io.table import read_table
    from cchc_cli.plan.period import parse_period
    from cchc_cli.text import fold

    plan = load_plan(HERE.parent / "plan2023.yaml")
    span = parse_period(period)
    matcher = header_matcher(plan)
    table = read_table(path, lambda cells: len({matcher.get(fold(c)) for c in cells if c} - {None}))
    t1 = time.perf_counter()
    jvm_kb = None
    if engine_name == "spark":
        from cchc_cli.engine import spark

        con = spark.connect(master)
        t2 = time.perf_counter()
        res = spark.run_periods_spark(plan, table, {"p": span}, master)["p"]
        jvm_kb = _peak_kb(con.spark.sparkContext._gateway.proc.pid)
    else:
        from cchc_cli import engine

        t2 = time.perf_counter()
        res = engine.run(plan, table, span)
    t3 = time.perf_counter()
    # every figure: per indicator numerator, denominator, left_out, left_out_by; the summary
    figures = {
        "counts": {k: asdict(c) for k, c in res.counts.items()},
        "summary": asdict(res.summary),
    }
    steps = {"read": t1 - t0, "start": t2 - t1, "count": t3 - t2, "jvm_kb": jvm_kb}
    print(json.dumps({"steps": steps, "figures": figures}, default=str))


def _peak_kb(pid: int) -> int | None:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    m = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
    return int(m[1]) if m else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--period", default="2023")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--child", choices=["duckdb", "spark"])
    args = ap.parse_args()
    if args.child:
        child(args.file, args.child, args.period, args.master)
        return
    year = int(args.period[:4])
    ref = [sys.executable, str(HERE / "duckdb_reference.py"), args.file]
    ref += ["--from", f"{year}-01-01", "--to", f"{year}-12-31"] if args.period == str(year) else []
    wall, rss, _, _ = timed(ref)
    print(f"file: {args.file}, period {args.period}")
    print(f"{'duckdb_reference':18s} wall {wall:6.2f} s  max RSS {rss:6.0f} MB")
    runs = {}
    for name in ("duckdb", "spark"):
        cmd = [sys.executable, __file__, args.file, "--child", name, "--period", args.period]
        wall, rss, _, out = timed([*cmd, "--master", args.master])
        runs[name] = json.loads(out.strip().splitlines()[-1])
        st = runs[name]["steps"]
        jvm = f", JVM peak {st['jvm_kb'] / 1024:.0f} MB" if st["jvm_kb"] else ""
        print(
            f"{'engine ' + name:18s} wall {wall:6.2f} s  max RSS {rss:6.0f} MB{jvm}"
            f"  (read {st['read']:.2f} s, session {st['start']:.2f} s,"
            f" queries {st['count']:.2f} s)"
        )
    same = runs["duckdb"]["figures"] == runs["spark"]["figures"]
    print("figures identical:", same)
    for part in ("counts", "summary"):
        for k, v in runs["duckdb"]["figures"][part].items():
            if runs["spark"]["figures"][part].get(k) != v:
                print("  DIFF", part, k, runs["spark"]["figures"][part].get(k), v)


if __name__ == "__main__":
    main()
