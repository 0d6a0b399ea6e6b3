"""Write a big TanDan-style HTML "xls" export and the same table as CSV (for benchmarking).

    python benchmarks/make_big_html.py N OUT.xls [OUT.csv]

The page is scripts/make_vendor_fixtures.py's ``tandan_html`` (two merged title rows, the header
in ``<strong>``, a styled ``<td>`` per cell) with its 14 dossiers repeated until there are N,
each with its own id; 150,000 rows make about 110 MB. The CSV holds the very same cells (the
header row then one line per dossier), so ``cchc check`` must give both files the same figures.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from make_vendor_fixtures import _PEOPLE, _PLACES, TANDAN_HEADERS, TANDAN_ROWS, tandan_html


def rows(n: int) -> list[tuple[str, ...]]:
    """N dossiers cycling through TANDAN_ROWS, the id's serial replaced by the row number."""
    out = []
    for i in range(n):
        code, *rest = TANDAN_ROWS[i % len(TANDAN_ROWS)]
        out.append((f"{code.rsplit('-', 1)[0]}-{i + 1:07d}", *rest))
    return out


def as_csv(dossiers: list[tuple[str, ...]]) -> bytes:
    """The cells tandan_html writes for the same dossiers, as CSV."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(TANDAN_HEADERS)
    for i, (code, unit, proc, status, filed, recv, due, end) in enumerate(dossiers):
        who = _PEOPLE[i % len(_PEOPLE)]
        w.writerow(
            [
                i + 1,
                unit,
                proc,
                code,
                status,
                _PLACES[i % len(_PLACES)],
                who,
                who,
                filed,
                recv,
                due,
                end,
            ]
        )
    return buf.getvalue().encode("utf-8")


def main() -> None:
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    dossiers = rows(n)
    out.write_bytes(tandan_html(dossiers))
    print(f"{out}: {out.stat().st_size} bytes, {n} rows")
    if len(sys.argv) > 3:
        twin = Path(sys.argv[3])
        twin.write_bytes(as_csv(dossiers))
        print(f"{twin}: {twin.stat().st_size} bytes")


if __name__ == "__main__":
    main()
