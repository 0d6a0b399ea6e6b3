"""The ``cchc`` command line: parse options, call the library, map the result to an exit code.

Heavy modules (pandas, pyarrow, rich tables) are imported inside the commands so that
``cchc --help`` stays fast.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import traceback
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .cli_common import (
    ActualsOpt,
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
from .cli_explain import add_evidence
from .cli_explain import register as _register_explain
from .cli_inspect import register as _register_inspect
from .cli_report import register as _register_report
from .errors import CchcError, ExitCode

app = typer.Typer(
    name="cchc",
    help=(
        "Tính các chỉ tiêu của kế hoạch cải cách hành chính (CCHC) từ tệp xuất hồ sơ Một cửa.\n\n"
        "Compliance calculator for Vietnamese administrative-reform (CCHC) plans."
    ),
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"  # the appendix staff attach (needs -o)
    docx = "docx"
    html = "html"  # the report page with charts and worklists (needs -o)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"cchc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="In phiên bản. / Show the version."
        ),
    ] = False,
) -> None:
    """Tính các chỉ tiêu của kế hoạch CCHC từ tệp xuất hồ sơ Một cửa. / CCHC compliance calculator."""


@app.command()
def check(
    records: RecordsArg,
    plan: PlanOpt = None,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    actuals: ActualsOpt = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="Định dạng kết quả (xlsx, docx, html cần -o).")
    ] = Format.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.vi,
    strict: Annotated[
        bool, typer.Option("--strict", help="Chỉ tiêu chưa có dữ liệu cũng tính là không đạt.")
    ] = False,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence", help="Ghi thư mục bằng chứng (dòng không đạt, bị loại, manifest.json)."
        ),
    ] = None,
    by: Annotated[
        By | None,
        typer.Option(
            "--by",
            help="Thêm số liệu từng tháng / lĩnh vực / thủ tục / đơn vị. / Add a breakdown.",
        ),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="So sánh với kết quả trước (tệp JSON của 'cchc check --format json'). "
            "/ Show each indicator's change since an earlier run's JSON.",
        ),
    ] = None,
) -> None:
    """Kiểm tra mọi chỉ tiêu của kế hoạch trên tệp hồ sơ. / Check every indicator of the plan.

    Exit codes: 0 all computed indicators pass; 1 at least one fails (--strict: or has no data);
    2 bad usage or unreadable input (no verdict).
    """
    from .actuals import load_actuals
    from .classify import classify
    from .compare import attach, read_previous
    from .evaluate import breakdown, evaluate
    from .output import check_target, require_file, write_text
    from .period import resolve_period
    from .plan import load_plan
    from .records import read_records
    from .render import FILE_FORMATS, render

    try:
        if fmt.value in FILE_FORMATS:
            require_file(
                fmt.value, output, "bao-cao.html" if fmt is Format.html else f"phu-luc.{fmt.value}"
            )
        check_target(output, (records, plan, actuals, compare))  # before any file is written
        the_plan = load_plan(plan)
        check_target(output, tuple(b.path for b in the_plan.bases))  # an overlay's bases too
        span = resolve_period(
            period, date_from, date_to, the_plan.period, cutoff, the_plan.reporting
        )
        the_actuals = load_actuals(actuals, the_plan) if actuals else None
        previous = read_previous(compare) if compare is not None else None
        data = read_records(records, the_plan, encoding=encoding, delimiter=delimiter, sheet=sheet)
        classified = classify(the_plan, data, span)
        result = evaluate(the_plan, data, span, the_actuals, classified=classified)
        shown = attach(result, previous) if previous is not None else result
        groups = (by.value, breakdown(the_plan, data, span, by.value, classified)) if by else None
        months = groups if by is By.month else None  # the xlsx month sheet: what --by month gives
        if fmt in (Format.xlsx, Format.html) and months is None:
            months = ("month", breakdown(the_plan, data, span, "month", classified))
        color = output is None and fmt is Format.table and sys.stdout.isatty()
        width = shutil.get_terminal_size((160, 24)).columns if color else None
        parts = {}
        if fmt is Format.html:  # Biểu 06 and the worklists over the same period
            from .render.html_report import report_parts

            parts = report_parts(the_plan, data, span, classified)
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
            add_evidence(result, the_plan, data, classified, evidence, sys.argv)
        write_text(text, output)
    except CchcError as exc:
        fail(exc, lang.value)
    summary = result.summary
    failed = summary["fail"] > 0 or (strict and summary["no_data"] > 0)
    raise typer.Exit(ExitCode.FAIL if failed else ExitCode.OK)


class ProblemFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def validate(
    records: RecordsArg,
    plan: PlanOpt = None,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    fmt: Annotated[
        ProblemFormat, typer.Option("--format", help="Định dạng kết quả.")
    ] = ProblemFormat.table,
    output: OutputOpt = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Số vấn đề hiển thị trong bảng.")
    ] = 20,
    lang: LangOpt = Lang.vi,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Kiểm tra chất lượng dữ liệu của tệp hồ sơ. / Report what is wrong in an export.

    Exit codes: 0 no problems; 1 problems found; 2 the file could not be read.
    """
    from .output import check_target, write_text
    from .period import resolve_period
    from .plan import load_plan
    from .records import read_records
    from .render.validation import render_validation
    from .validate import validate as run_validation

    try:
        check_target(output, (records, plan))
        the_plan = load_plan(plan)
        span = resolve_period(
            period, date_from, date_to, the_plan.period, cutoff, the_plan.reporting
        )
        data = read_records(records, the_plan, encoding=encoding, delimiter=delimiter, sheet=sheet)
        result = run_validation(the_plan, data, span)
        color = output is None and fmt is ProblemFormat.table and sys.stdout.isatty()
        write_text(render_validation(result, fmt.value, lang.value, limit, color), output)
    except CchcError as exc:
        fail(exc, lang.value)
    raise typer.Exit(ExitCode.FAIL if len(result.problems) else ExitCode.OK)


_register_report(app)
_register_explain(app)
_register_inspect(app)


def _lang_of(argv: list[str]) -> str:
    """``--lang`` read from the raw arguments, for messages printed before or after Typer parses."""
    lang = "vi"
    for i, arg in enumerate(argv):  # the last one wins, as in Click
        if arg.startswith("--lang="):
            lang = arg.removeprefix("--lang=")
        elif arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
    return "en" if lang == "en" else "vi"


_python_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None, *, lang: str) -> None:
    """Print a library :class:`CchcWarning` like an error, as ``Cảnh báo:``/``Warning:`` on stderr."""
    from .errors import CchcWarning

    if not isinstance(message, CchcWarning):
        return _python_showwarning(message, category, filename, lineno, file, line)
    word = "Cảnh báo" if lang == "vi" else "Warning"
    sys.stderr.write(f"{word}: {message.render(lang)}\n")


def _internal_error(exc: BaseException, lang: str) -> NoReturn:
    """An unexpected exception is a bug: one line, exit 3 (never 1, read as a fail), and no output
    file, as every write goes through a temporary file. ``CCHC_DEBUG=1`` adds the traceback."""
    if os.environ.get("CCHC_DEBUG") == "1":
        traceback.print_exception(exc)
    detail = " ".join(str(exc).split())  # one line, whatever the exception's text
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    if lang == "en":
        sys.stderr.write(f"internal error: {what} — please report it, with the command\n")
    else:
        sys.stderr.write(f"lỗi nội bộ: {what} — xin báo lại lỗi này, kèm câu lệnh đã chạy\n")
    sys.exit(ExitCode.INTERNAL)


def main() -> None:
    """Entry point. Typer's own usage errors (an unknown option, a bad --format value) are given
    the same shape as every other error: one line in the chosen language, a hint, exit 2; any
    other exception, MemoryError and RecursionError included, is an internal error, exit 3."""
    from typer.exceptions import TyperException
    from typer.main import get_command

    from .errors import CchcWarning

    argv = sys.argv[1:]
    lang = _lang_of(argv)
    warnings.showwarning = functools.partial(_show_warning, lang=lang)
    warnings.simplefilter("always", CchcWarning)
    try:
        code = get_command(app).main(args=argv, standalone_mode=False, prog_name="cchc")
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        sys.exit(130)
    except TyperException as exc:  # click's UsageError / BadParameter, vendored by Typer
        if type(exc).__name__ == "Abort":
            sys.exit(130)
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `cchc`: the help is the answer
            sys.stdout.write(message + "\n")
            sys.exit(ExitCode.OK)
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else "cchc"
        if lang == "en":
            sys.stderr.write(f"Usage error: {message}\n  → see: {where} --help\n")
        else:
            sys.stderr.write(f"Lỗi cách dùng: {message}\n  → xem: {where} --help\n")
        sys.exit(getattr(exc, "exit_code", ExitCode.ERROR))
    except Exception as exc:  # the one place every unexpected exception ends
        _internal_error(exc, lang)
    sys.exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
