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
    rows: Callable[[], Iterator[tuple[object, ...]]] = field(repr=False)
    format: str  # "xls" | "html"
    sheet_state: str = "visible"  # openpyxl's word: "visible" | "hidden" | "veryHidden"

    def iter_rows(
        self, min_row: int = 1, max_row: int | None = None, values_only: bool = True
    ) -> Iterator[tuple[object, ...]]:
        """openpyxl's read-only signature, so one row loop serves every kind of sheet."""
        for i, row in enumerate(self.rows(), start=1):
            if max_row is not None and i > max_row:
                return
            if i >= min_row:
                yield row
