"""``cchc explain``: an indicator's definition, counts and the rows behind them.

Heavy modules are imported inside the command, so ``cchc --help`` stays fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Msg
from .common import (
    ActualsOpt,
    CommandHelp,
    CutoffOpt,
    DelimiterOpt,
    EncodingOpt,
    FromOpt,
    Lang,
    LangOpt,
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


class ExplainFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"  # the worklist staff work through (needs -o)


class RowsKind(str, Enum):
    failing = "failing"
    counted = "counted"
    left_out = "left-out"
    open_due = "open-due"
    all = "all"


EXPLAIN_HELP = CommandHelp(
    summary=Msg("Giải thích một chỉ tiêu, kèm các dòng", "Explain one indicator"),
    about=Msg(
        "Định nghĩa của chỉ tiêu bằng lời (sinh từ điều kiện trong kế hoạch), tử số, mẫu số, "
        "giá trị và mục tiêu, các dòng bị loại ra kèm lý do, rồi danh sách hồ sơ đằng sau con "
        "số: mỗi dòng kèm số dòng trong tệp, để tra lại trong phần mềm Một cửa.",
        "The indicator's definition in words (generated from the plan's conditions), its "
        "numerator, denominator, value and target, the rows left out and why, then the "
        "dossiers behind the figure, each with its line in the file, to look up in the "
        "one-stop system.",
    ),
    examples=(
        (
            "cchc explain dossiers_on_time ho-so-2023.xlsx",
            Msg("các hồ sơ trễ hạn", "the dossiers resolved late"),
        ),
        (
            "cchc explain dossiers_online ho-so-2023.xlsx --rows left-out --format csv",
            Msg("các dòng bị loại ra, kèm lý do", "the rows left out, with the reason"),
        ),
        (
            "cchc explain staff_trained --registers so-theo-doi-2023.xlsx",
            Msg(
                "chỉ tiêu từ sổ theo dõi: các cán bộ chưa được bồi dưỡng, không cần tệp hồ sơ",
                "a register indicator: the staff not trained, no export needed",
            ),
        ),
        (
            "cchc explain center_self_financed --actuals so-lieu-2023.yaml",
            Msg("số liệu nhập tay kèm minh chứng", "a typed figure and its evidence"),
        ),
    ),
    exits=(
        (ExitCode.OK, Msg("đã in phần giải thích", "the explanation was written")),
        (
            ExitCode.ERROR,
            Msg(
                "sai cách dùng, mã chỉ tiêu không có, hoặc tệp không đọc được",
                "bad usage, an unknown indicator, or unreadable input",
            ),
        ),
    ),
)


def explain_command(
    indicator: Annotated[
        str,
        typer.Argument(
            metavar="INDICATOR",
            help=gloss(
                "Mã chỉ tiêu, ví dụ dossiers_on_time (cột Mã của cchc check)",
                "Indicator id, e.g. dossiers_on_time (the id column of cchc check)",
            ),
        ),
    ],
    records: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="RECORDS",
            help=gloss(
                "Tệp xuất danh sách hồ sơ (cần cho chỉ tiêu tính từ hồ sơ); nhiều tệp, một thư "
                "mục hoặc thư mục của cchc convert được tính như một tệp",
                "The dossier export (needed for an indicator computed from dossiers); several "
                "files, a folder or a folder cchc convert wrote count as one export",
            ),
        ),
    ] = None,
    plan: PlanOpt = None,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    actuals: ActualsOpt = None,
    registers: RegistersOpt = None,
    rows: Annotated[
        RowsKind,
        typer.Option(
            "--rows",
            help=gloss(
                "Dòng cần liệt kê: failing (không đạt), counted (thuộc mẫu số), left-out (bị loại "
                "ra), open-due (đang giải quyết, đến hạn trong kỳ), all (tất cả)",
                "Rows to list: failing, counted (in the denominator), left-out, open-due (still "
                "open, due within the period), all",
            ),
        ),
    ] = RowsKind.failing,
    fmt: Annotated[
        ExplainFormat,
        typer.Option(
            "--format", help=gloss("Định dạng kết quả; xlsx cần -o", "Output format; xlsx needs -o")
        ),
    ] = ExplainFormat.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            min=0,
            help=gloss(
                "Số dòng in trong bảng (csv, json luôn đủ)",
                "Rows shown in the table (csv and json list all)",
            ),
        ),
    ] = 50,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """One indicator and the rows behind it (help: :data:`EXPLAIN_HELP`)."""
    from ..explain import explain
    from ..render.explain import render_explain
    from ..render.output import check_target, require_file, write_text

    try:
        if fmt is ExplainFormat.xlsx:
            require_file(
                "xlsx", output, "viec-can-lam.xlsx" if lang is Lang.vi else "worklist.xlsx"
            )
        exports = tuple(records or ())
        check_target(output, (*exports, plan, actuals, *(registers or ())))
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
            actuals=actuals,
            registers=tuple(registers or ()),
        )
        expl = explain(request, indicator, rows=rows.value)
        color = output is None and fmt is ExplainFormat.table and sys.stdout.isatty()
        text = render_explain(expl, fmt.value, lang.value, limit=limit, color=color)
        write_text(text, output)
    except CchcError as exc:
        fail(exc, lang.value)
    raise typer.Exit(ExitCode.OK)


def register(app: typer.Typer) -> None:
    """Add ``explain`` to a Typer app."""
    command(app, "explain", EXPLAIN_HELP)(explain_command)


__all__ = ["explain_command", "register"]
