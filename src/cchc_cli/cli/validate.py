"""``cchc validate``: every problem in an export, and in the registers (``--registers``)."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Msg, exit_code
from .common import (
    EXIT_BAD_INPUT,
    BilingualUsageError,
    CommandHelp,
    CutoffOpt,
    DelimiterOpt,
    EncodingOpt,
    FromOpt,
    LangOpt,
    OptionalExportsArg,
    OutputOpt,
    PeriodOpt,
    PlanOpt,
    RegistersOpt,
    SheetOpt,
    ToOpt,
    command,
    export_request,
    fail,
    gloss,
)


class ProblemFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


VALIDATE_HELP = CommandHelp(
    summary=Msg("Liệt kê dữ liệu sai trong tệp", "List what is wrong in an export"),
    about=Msg(
        "Mỗi ô không dùng được (ngày sai, ô trống bắt buộc, từ ngoài danh mục, mã hồ sơ lặp …) "
        "và mỗi mâu thuẫn giữa các cột, kèm dòng, cột, giá trị trong tệp và mã lý do; các dòng "
        "bố cục (số thứ tự cột, dòng tổng, dòng nhóm) được để riêng. Sửa trong phần mềm Một cửa "
        "rồi xuất lại, hoặc ghi nhận lý do. Với --registers (khi đó có thể không cần tệp xuất), "
        "thêm các vấn đề của từng sổ theo dõi: ô sai, mã trùng, giá trị không có trong sổ được "
        "tham chiếu (dòng bồi dưỡng của mã cán bộ không có trong danh sách CBCCVC).",
        "Every cell that cannot be used (a bad date, an empty required cell, a word outside the "
        "vocabulary, a repeated dossier id …) and every contradiction between columns, with the "
        "file's line, column, value and reason code; layout rows (column numbers, totals, group "
        "rows) are listed apart. Fix them in the one-stop system and export again, or note why. "
        "With --registers (the export may then be left out), each register's bad cells, "
        "repeated keys and values naming no row of the register they refer to (a training row "
        "for a staff id the roster lacks).",
    ),
    examples=(
        ("cchc validate ho-so-2023.xlsx", Msg("20 vấn đề đầu tiên", "the first 20 problems")),
        (
            "cchc validate ho-so-2023.xlsx --format csv -o van-de.csv",
            Msg("mọi vấn đề, mở bằng Excel", "every problem, to open in Excel"),
        ),
        (
            "cchc validate ho-so-2023.xlsx --period 2023-Q2 --limit 100",
            Msg("quý II, tới 100 vấn đề", "the second quarter, up to 100 problems"),
        ),
        (
            "cchc validate --registers so-theo-doi-cchc-2023.xlsx",
            Msg("chỉ các sổ theo dõi", "the registers alone"),
        ),
    ),
    exits=(
        (ExitCode.OK, Msg("không có vấn đề", "no problems")),
        (ExitCode.FAIL, Msg("có vấn đề", "problems found")),
        EXIT_BAD_INPUT,
    ),
)


def validate(
    records: OptionalExportsArg = None,
    plan: PlanOpt = None,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    fmt: Annotated[
        ProblemFormat, typer.Option("--format", help=gloss("Định dạng kết quả", "Output format"))
    ] = ProblemFormat.table,
    output: OutputOpt = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            min=0,
            help=gloss(
                "Số vấn đề in trong bảng (csv, json luôn đủ)",
                "Problems shown in the table (csv and json list all)",
            ),
        ),
    ] = 20,
    lang: LangOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    registers: RegistersOpt = None,
) -> None:
    """Every problem in an export and the registers (help: :data:`VALIDATE_HELP`)."""
    from ..render.output import check_target, write_text
    from ..render.validation import render_validation
    from ..validate import validate as run_validation

    exports = tuple(records or ())
    books = tuple(registers or ())
    if not exports and not books:
        raise BilingualUsageError(
            Msg("thiếu tệp xuất hồ sơ hoặc --registers", "give an export or --registers"),
            Msg(
                "cchc validate HO-SO.csv, cchc validate --registers SO-THEO-DOI.xlsx, hoặc cả hai",
                "cchc validate EXPORT.csv, cchc validate --registers REGISTERS.xlsx, or both",
            ),
        )
    try:
        check_target(output, (*exports, *books, plan))
        request = export_request(
            exports,
            plan,
            period,
            date_from,
            date_to,
            cutoff,
            encoding,
            delimiter,
            sheet,
            registers=books,
        )
        result = run_validation(request)
        color = output is None and fmt is ProblemFormat.table and sys.stdout.isatty()
        write_text(render_validation(result, fmt.value, lang.value, limit, color), output)
    except CchcError as exc:
        fail(exc, lang.value)
    raise typer.Exit(exit_code({"fail": result.count}))


def register(app: typer.Typer) -> None:
    command(app, "validate", VALIDATE_HELP)(validate)
