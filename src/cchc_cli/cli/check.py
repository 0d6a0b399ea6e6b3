"""``cchc check``: every indicator of the plan over one period."""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Msg, exit_code
from .common import (
    EXIT_BAD_INPUT,
    ActualsOpt,
    By,
    CommandHelp,
    CutoffOpt,
    DelimiterOpt,
    EncodingOpt,
    ExportsArg,
    FromOpt,
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


class Engine(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"  # the appendix staff attach (needs -o)
    docx = "docx"
    html = "html"  # the report page with charts and worklists (needs -o)


CHECK_HELP = CommandHelp(
    summary=Msg("Kiểm tra mọi chỉ tiêu của kế hoạch", "Check every indicator"),
    about=Msg(
        "Tính từng chỉ tiêu trong kỳ (mặc định: năm của kế hoạch) từ tệp hồ sơ, các sổ theo dõi "
        "của Sở (--registers) và số liệu nhập tay (--actuals), so với mục tiêu và in ĐẠT / KHÔNG "
        "ĐẠT / CHƯA CÓ DỮ LIỆU kèm dư địa. Chỉ tiêu thiếu sổ hay số liệu của nó thì CHƯA CÓ DỮ "
        "LIỆU, không bao giờ ĐẠT.",
        "Computes each indicator over the period (default: the plan's year) from the export, "
        "the department's registers (--registers) and the typed figures (--actuals), compares "
        "it with its target and prints PASS / FAIL / NO DATA with the headroom. An indicator "
        "whose register or figure is not given has NO DATA, never PASS.",
    ),
    examples=(
        (
            "cchc check ho-so-2023.xlsx --registers so-theo-doi-2023.xlsx --actuals so-lieu-2023.yaml",
            Msg("bảng ĐẠT / KHÔNG ĐẠT của cả năm", "the pass/fail table for the plan's year"),
        ),
        (
            "cchc check ho-so-2023.xlsx --period 2023-05 --by field",
            Msg("tháng 5, thêm số liệu từng lĩnh vực", "May 2023, with each field's figures"),
        ),
        (
            "cchc check ho-so-2023.xlsx --period 2023-Q2 --cutoff --format xlsx -o phu-luc.xlsx",
            Msg("phụ lục quý II theo kỳ chốt số liệu", "the Q2 appendix over the cut-off window"),
        ),
        (
            "cchc check ho-so-2023.xlsx --format json -o ket-qua.json --evidence bang-chung/",
            Msg("kết quả JSON kèm thư mục bằng chứng", "JSON result and an evidence folder"),
        ),
        (
            "cchc check ho-so-2023.xlsx --compare ket-qua-thang-truoc.json",
            Msg("thay đổi so với lần chạy trước", "the change since an earlier run"),
        ),
    ),
    exits=(
        (ExitCode.OK, Msg("mọi chỉ tiêu đã tính đều đạt", "every computed indicator passes")),
        (
            ExitCode.FAIL,
            Msg(
                "có chỉ tiêu không đạt (--strict: hoặc chưa có dữ liệu)",
                "an indicator fails (--strict: or has no data)",
            ),
        ),
        EXIT_BAD_INPUT,
    ),
)


def check(
    records: ExportsArg,
    plan: PlanOpt = None,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    actuals: ActualsOpt = None,
    registers: RegistersOpt = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help=gloss(
                "Định dạng kết quả; xlsx, docx, html cần -o",
                "Output format; xlsx, docx, html need -o",
            ),
        ),
    ] = Format.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help=gloss(
                "Chỉ tiêu chưa có dữ liệu cũng làm mã thoát thành 1",
                "An indicator with no data also makes the exit code 1",
            ),
        ),
    ] = False,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence",
            metavar="DIR",
            help=gloss(
                "Ghi thư mục bằng chứng cho thanh tra: dòng không đạt, dòng bị loại, mã băm "
                "(cchc verify kiểm tra lại)",
                "Write an evidence folder for auditors: failing and left-out rows, hashes "
                "(re-checked by cchc verify)",
            ),
        ),
    ] = None,
    by: Annotated[
        By | None,
        typer.Option(
            "--by",
            help=gloss(
                "Thêm số liệu từng tháng, lĩnh vực, thủ tục hoặc đơn vị tiếp nhận",
                "Add each month's, field's, procedure's or receiving unit's figures",
            ),
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help=gloss(
                "Máy tính: duckdb (mặc định, trong máy) hoặc spark (cụm Apache Spark; cài thêm "
                "'.[spark]')",
                "What runs the queries: duckdb (default, embedded) or spark (an Apache Spark "
                "cluster; needs the '.[spark]' extra)",
            ),
        ),
    ] = Engine.duckdb,
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            metavar="URL",
            help=gloss(
                "Spark master (spark://…, yarn, local[4]); mặc định SPARK_MASTER hoặc local[2]",
                "The Spark master (spark://…, yarn, local[4]); default SPARK_MASTER or local[2]",
            ),
        ),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            metavar="PREVIOUS.json",
            help=gloss(
                "So sánh với kết quả JSON của một lần chạy trước (cchc check --format json)",
                "Show each indicator's change since an earlier run's JSON",
            ),
        ),
    ] = None,
) -> None:
    """Every indicator of the plan over one period (help: :data:`CHECK_HELP`)."""
    from ..pipeline import load
    from ..pipeline import run as run_pipeline
    from ..render import FILE_FORMATS, render
    from ..render.output import check_target, require_file, write_text

    try:
        if fmt.value in FILE_FORMATS:
            require_file(
                fmt.value, output, "bao-cao.html" if fmt is Format.html else f"phu-luc.{fmt.value}"
            )
        # before any file is written
        check_target(output, (*records, plan, actuals, compare, *(registers or ())))
        request = export_request(
            records,
            plan,
            period,
            date_from,
            date_to,
            cutoff,
            encoding,
            delimiter,
            sheet,
            actuals=actuals,
            by=by.value if by else None,
            months=fmt in (Format.xlsx, Format.html),  # their month sheet
            engine=engine.value,
            master=master,
            registers=tuple(registers or ()),
        )
        previous = None
        if compare is not None:
            from ..compare import read_previous

            previous = read_previous(compare)
        loaded = load(request)
        if evidence is not None:  # the rows it lists, from the query that counts them
            from ..evidence import evidence_request

            request = evidence_request(request, loaded[0])
        if fmt is Format.html:  # Biểu 06 and the worklists over the same period
            from ..render.html_report import worklist_rows

            request = replace(request, form="", rows=request.rows + worklist_rows(loaded[0]))
        done = run_pipeline(request, loaded)
        the_plan, result = done.plan, done.result
        check_target(output, tuple(b.path for b in the_plan.bases))  # an overlay's bases too
        shown = result
        if previous is not None:
            from ..compare import attach

            shown = attach(result, previous)
        groups = (by.value, done.groups) if by and done.groups is not None else None
        months = ("month", done.months) if done.months is not None else None
        color = output is None and fmt is Format.table and sys.stdout.isatty()
        width = shutil.get_terminal_size((160, 24)).columns if color else None
        parts = {}
        if fmt is Format.html:
            from ..render.html_report import report_parts

            parts = report_parts(done)
        text = render(
            shown,
            fmt.value,
            lang.value,
            color=color,
            width=width,
            breakdown=groups,
            months=months,
            **parts,
        )
        if evidence is not None:  # after all computing: a failure above leaves no folder
            # the run itself, which verify can re-run: the comparison is not part of it
            from ..evidence import write_evidence

            write_evidence(done, evidence, list(sys.argv))
        write_text(text, output)
    except CchcError as exc:
        fail(exc, lang.value)
    raise typer.Exit(exit_code(result.summary, strict=strict))


def register(app: typer.Typer) -> None:
    command(app, "check", CHECK_HELP)(check)
