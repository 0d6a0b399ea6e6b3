"""``cchc report``: Biểu số 06/VPCP/KSTT over a period.

Heavy modules are imported inside the command, so ``cchc --help`` stays fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Msg, exit_code
from .common import (
    EXIT_BAD_INPUT,
    By,
    CommandHelp,
    CutoffOpt,
    DelimiterOpt,
    EncodingOpt,
    ExportsArg,
    FromOpt,
    Lang,
    LangOpt,
    OutputOpt,
    PeriodOpt,
    PlanOpt,
    SheetOpt,
    ToOpt,
    command,
    export_request,
    fail,
    gloss,
)


class ReportFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


REPORT_HELP = CommandHelp(
    summary=Msg("Lập Biểu số 06/VPCP/KSTT", "Build form 06/VPCP/KSTT"),
    about=Msg(
        "Biểu tình hình, kết quả giải quyết thủ tục hành chính (Thông tư 01/2020/TT-VPCP): mỗi "
        "dòng một lĩnh vực (hoặc thủ tục, đơn vị tiếp nhận, tháng), các cột (1)–(11), và kiểm "
        "tra các cột cộng lại khớp nhau trên từng dòng.",
        "The form on dossiers received and resolved (Circular 01/2020/TT-VPCP): one row per "
        "field (or procedure, receiving unit, month), columns (1)–(11), and a check that the "
        "columns add up on every row.",
    ),
    examples=(
        (
            "cchc report ho-so-2023.xlsx --period 2023-Q2",
            Msg("biểu quý II theo lĩnh vực", "the Q2 form by field"),
        ),
        (
            "cchc report ho-so-2023.xlsx --period 2023-Q2 --cutoff --format xlsx -o bieu06.xlsx",
            Msg("biểu quý II theo kỳ chốt, tệp Excel", "the Q2 form over the cut-off window, xlsx"),
        ),
        (
            "cchc report ho-so-2023.xlsx --by procedure --format csv",
            Msg("cả năm, mỗi dòng một thủ tục", "the whole year, one row per procedure"),
        ),
    ),
    exits=(
        (
            ExitCode.OK,
            Msg("các cột cộng lại khớp trên mọi dòng", "the columns add up on every row"),
        ),
        (
            ExitCode.FAIL,
            Msg(
                "có dòng không khớp (dữ liệu mâu thuẫn: xem cchc validate)",
                "they do not somewhere (contradictory data: see cchc validate)",
            ),
        ),
        EXIT_BAD_INPUT,
    ),
)


def report(
    records: ExportsArg,
    plan: PlanOpt = None,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    by: Annotated[
        By | None,
        typer.Option(
            "--by",
            help=gloss(
                "Mỗi dòng của biểu là một lĩnh vực, thủ tục, đơn vị tiếp nhận hoặc tháng; mặc "
                "định lĩnh vực, nếu tệp có cột này",
                "One row of the form per field, procedure, receiving unit or month; default "
                "field, when the export has it",
            ),
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format", help=gloss("Định dạng kết quả; xlsx cần -o", "Output format; xlsx needs -o")
        ),
    ] = ReportFormat.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Biểu số 06/VPCP/KSTT (help: :data:`REPORT_HELP`)."""
    from ..pipeline import run
    from ..render.output import check_target, require_file, write_text
    from ..render.report import identity_warnings, render_form, render_form_xlsx

    try:
        if fmt is ReportFormat.xlsx:
            require_file("xlsx", output, "bieu-06.xlsx" if lang is Lang.vi else "form-06.xlsx")
        exports = tuple(records)
        check_target(output, (*exports, plan))
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
            form=by.value if by else "",
        )
        form = run(request).form
        assert form is not None
        if fmt is ReportFormat.xlsx:
            write_text("", output, binary=render_form_xlsx(form, lang.value))
        else:
            color = output is None and fmt is ReportFormat.table and sys.stdout.isatty()
            write_text(render_form(form, fmt.value, lang.value, color=color), output)
    except CchcError as exc:
        fail(exc, lang.value)
    # the table and Markdown print a broken identity themselves; say it on stderr otherwise
    if not form.identity_ok and (
        output is not None or fmt not in (ReportFormat.table, ReportFormat.markdown)
    ):
        for line in identity_warnings(form, lang.value):
            sys.stderr.write(line + "\n")
    raise typer.Exit(exit_code({"fail": 0 if form.identity_ok else 1}))


def register(app: typer.Typer) -> None:
    """Add ``report`` to a Typer app."""
    command(app, "report", REPORT_HELP)(report)
