"""What every spreadsheet-like reader returns: a sheet as rows of Python cell values.

xlsx (openpyxl), BIFF8 .xls (xlrd) and HTML tables saved as "xls" (lxml) all end here, so the
header search, layout rows, extra-cell checks and line numbers are one code path for all three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Grid:
    """One sheet: ``rows()`` yields each row's cell values (None = empty), row 1 first."""

    title: str
    rows: Callable[[], Iterator[tuple[object, ...]]]
    format: str  # "xlsx" | "xls" | "html"
    others: tuple[str, ...] = field(default=())  # the other visible sheets, for messages

    def iter_rows(self, min_row: int = 1, values_only: bool = True) -> Iterator[tuple[object, ...]]:
        """openpyxl's signature, so the xlsx reader's row loop serves every grid."""
        for i, row in enumerate(self.rows(), start=1):
            if i >= min_row:
                yield row
