"""One whole process under ``/usr/bin/time -v``: what every benchmark here measures."""

from __future__ import annotations

import re
import subprocess
import sys


def timed(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, float, str]:
    """Wall seconds, max RSS (MB), CPU seconds (user + system of every thread: steadier than
    wall time on a shared machine) and the standard output of ``cmd``; an exit code outside
    ``ok`` stops the benchmark (``cchc check`` exits 1 when a target fails, as the sample's do)."""
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if done.returncode not in ok:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (.+)", done.stderr)[1]
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
    times = re.findall(r"(?:User|System) time \(seconds\): ([0-9.]+)", done.stderr)
    return secs, rss / 1024, sum(float(t) for t in times), done.stdout
