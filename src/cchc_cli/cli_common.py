"""Options, enums and error printing shared by every ``cchc`` command."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .errors import CchcError, ExitCode


class Lang(str, Enum):
    vi = "vi"
    en = "en"


class By(str, Enum):
    """``--by``: each is :func:`cchc_cli.groups.groupable` for the shipped plan (a test says so)."""

    field = "field"
    procedure = "procedure"
    unit = "unit"
    month = "month"


RecordsArg = Annotated[
    Path, typer.Argument(metavar="RECORDS", help="Tệp xuất danh sách hồ sơ (.csv, .txt, .xlsx).")
]
PlanOpt = Annotated[
    Path | None,
    typer.Option(
        "--plan", help="Tệp kế hoạch YAML (mặc định: kế hoạch 2023 kèm theo). / Plan YAML."
    ),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="Kỳ: 2023, 2023-Q2, 2023-H1 (6 tháng), 2023-9M (9 tháng), 2023-05 "
        "(mặc định: năm của kế hoạch).",
    ),
]
CutoffOpt = Annotated[
    bool | None,
    typer.Option(
        "--cutoff/--calendar",
        help="Kỳ chốt số liệu (15 tháng trước – 14 tháng cuối kỳ, theo kế hoạch) hay kỳ theo lịch "
        "(mặc định: reporting.default của kế hoạch). / Cut-off window or calendar period.",
    ),
]
FromOpt = Annotated[
    str | None, typer.Option("--from", help="Từ ngày (2023-05-01 hoặc 01/05/2023).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="Đến ngày (bao gồm).")]
ActualsOpt = Annotated[
    Path | None,
    typer.Option("--actuals", help="Tệp YAML số liệu ngoài phần mềm Một cửa (sổ sách, báo cáo)."),
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Ghi kết quả ra tệp.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ / language.")]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="Ép bảng mã (utf-8, utf-16, cp1258…).")
]
DelimiterOpt = Annotated[
    str | None, typer.Option("--delimiter", help="Ép dấu phân cách: ',' ';' hoặc 'tab'.")
]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Tên trang tính (.xlsx).")]


def fail(exc: CchcError, lang: str) -> NoReturn:
    """Print a library error at the edge and exit 2: no traceback, no verdict."""
    word = "Lỗi" if lang == "vi" else "Error"
    sys.stderr.write(f"{word}: {exc.render(lang)}\n")
    raise typer.Exit(ExitCode.ERROR)
