"""The ``report`` (Biểu số 06/VPCP/KSTT) and ``calendar`` commands; ``cli.py`` adds them with
:func:`register`. Heavy modules are imported inside the commands so ``cchc --help`` stays fast."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from .cli_common import (
    By,
    CutoffOpt,
    DelimiterOpt,
    EncodingOpt,
    FromOpt,
    Lang,
    LangOpt,
    OutputOpt,
    PeriodOpt,
    PlanOpt,
    RecordsArg,
    SheetOpt,
    ToOpt,
    fail,
)
from .errors import CchcError, ExitCode


class ReportFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


class CalendarFormat(str, Enum):
    table = "table"
    json = "json"


def report(
    records: RecordsArg,
    plan: PlanOpt = None,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    by: Annotated[
        By | None,
        typer.Option(
            "--by",
            help="Mỗi dòng của biểu là một lĩnh vực, thủ tục, đơn vị tiếp nhận hoặc tháng "
            "(mặc định: lĩnh vực, nếu tệp có cột này).",
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="Định dạng (xlsx cần --output).")
    ] = ReportFormat.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.vi,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Lập Biểu số 06/VPCP/KSTT (tình hình, kết quả giải quyết TTHC). / Build form 06/VPCP/KSTT.

    Exit codes: 0 the form's columns add up on every row; 1 they do not somewhere (contradictory
    data: see cchc validate); 2 bad usage or unreadable input.
    """
    from .output import check_target, require_file, write_text
    from .period import resolve_period
    from .plan import load_plan
    from .records import read_records
    from .render.report import identity_warnings, render_form, render_form_xlsx
    from .report import build_form

    try:
        if fmt is ReportFormat.xlsx:
            require_file("xlsx", output, "bieu-06.xlsx" if lang is Lang.vi else "form-06.xlsx")
        check_target(output, (records, plan))
        the_plan = load_plan(plan)
        span = resolve_period(
            period, date_from, date_to, the_plan.period, cutoff, the_plan.reporting
        )
        data = read_records(records, the_plan, encoding=encoding, delimiter=delimiter, sheet=sheet)
        form = build_form(the_plan, data, span, by.value if by else None)
        if fmt is ReportFormat.xlsx:
            write_text("", output, binary=render_form_xlsx(form, lang.value))
        else:
            color = output is None and fmt is ReportFormat.table and sys.stdout.isatty()
            write_text(render_form(form, fmt.value, lang.value, color=color), output)
    except CchcError as exc:
        fail(exc, lang.value)
    if not form.identity_ok:
        # the table and Markdown print the warning themselves; say it on stderr otherwise
        if output is not None or fmt not in (ReportFormat.table, ReportFormat.markdown):
            for line in identity_warnings(form, lang.value):
                sys.stderr.write(line + "\n")
        raise typer.Exit(ExitCode.FAIL)
    raise typer.Exit(ExitCode.OK)


def calendar(
    year: Annotated[int, typer.Argument(help="Năm, ví dụ 2023. / Year.")],
    plan: PlanOpt = None,
    fmt: Annotated[
        CalendarFormat, typer.Option("--format", help="Định dạng.")
    ] = CalendarFormat.table,
    lang: LangOpt = Lang.vi,
) -> None:
    """In lịch làm việc dùng để tính ngày hẹn trả. / Show the working calendar used for due dates.

    Days off with their names (public holidays, compensatory days, the plan's local days off),
    make-up working days, and the number of working days in each month.
    """
    from .plan import load_plan
    from .render.report import render_calendar
    from .report import calendar_dict

    try:
        the_plan = load_plan(plan)
        data = calendar_dict(the_plan, year)
    except CchcError as exc:
        fail(exc, lang.value)
    color = fmt is CalendarFormat.table and sys.stdout.isatty()
    sys.stdout.write(render_calendar(data, fmt.value, lang.value, color=color))
    raise typer.Exit(ExitCode.OK)


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``calendar`` to the ``cchc`` application."""
    app.command("report")(report)
    app.command("calendar")(calendar)
