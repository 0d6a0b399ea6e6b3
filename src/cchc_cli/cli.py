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
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .cli_common import (
    EXIT_BAD_INPUT,
    HELP,
    ActualsOpt,
    BilingualUsageError,
    By,
    CommandHelp,
    CutoffOpt,
    DelimiterOpt,
    EncodingOpt,
    ExportsArg,
    FromOpt,
    Group,
    Lang,
    LangOpt,
    OutputOpt,
    PeriodOpt,
    PlanOpt,
    SheetOpt,
    ToOpt,
    command,
    env_lang,
    export_request,
    fail,
    gloss,
)
from .cli_convert import register as _register_convert
from .cli_explain import register as _register_explain
from .cli_inspect import register as _register_inspect
from .cli_plans import register as _register_plans
from .cli_report import register as _register_report
from .errors import CchcError, ExitCode, Msg, exit_code

ROOT_HELP = CommandHelp(
    summary=Msg(
        "Tính các chỉ tiêu của kế hoạch cải cách hành chính (CCHC) từ tệp xuất hồ sơ Một cửa",
        "Compliance calculator for Vietnamese administrative-reform (CCHC) plans",
    ),
    about=Msg(
        "Đọc tệp danh sách hồ sơ xuất từ phần mềm Một cửa, tính chính xác từng chỉ tiêu của kế "
        "hoạch và in bảng ĐẠT / KHÔNG ĐẠT; kịch bản dùng JSON, CSV và mã thoát. Mỗi lệnh có "
        "'--help' riêng. Ngôn ngữ: --lang vi|en trước hoặc sau tên lệnh, hoặc biến CCHC_LANG.",
        "Reads the dossier export of a one-stop (Một cửa) system, computes every target of the "
        "plan exactly and prints a pass/fail table; scripts get JSON, CSV and exit codes. Each "
        "command has its own '--help'. Language: --lang vi|en before or after the command, or "
        "the CCHC_LANG variable.",
    ),
    examples=(
        (
            "cchc check ho-so-2023.xlsx --actuals so-lieu-2023.yaml",
            Msg("bảng ĐẠT / KHÔNG ĐẠT của cả năm", "the pass/fail table for the plan's year"),
        ),
        (
            "cchc --lang en validate ho-so-2023.xlsx",
            Msg("các ô dữ liệu sai, bằng tiếng Anh", "what is wrong in the export, in English"),
        ),
        ("cchc plans", Msg("các kế hoạch kèm theo", "the plans shipped with cchc")),
    ),
    exits=(
        (ExitCode.OK, Msg("đạt / không có vấn đề", "pass / no problems")),
        (ExitCode.FAIL, Msg("có chỉ tiêu không đạt / có vấn đề", "a target fails / problems")),
        EXIT_BAD_INPUT,
        (ExitCode.INTERNAL, Msg("lỗi nội bộ của cchc", "a bug in cchc")),
    ),
)

app = typer.Typer(
    name="cchc",
    cls=Group,
    help=ROOT_HELP.text(),
    add_completion=True,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
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
            "--version",
            callback=_version,
            is_eager=True,
            help=gloss("In phiên bản", "Show the version"),
        ),
    ] = False,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help=gloss(
                "Ngôn ngữ cho mọi lệnh (--lang sau tên lệnh vẫn đổi được); mặc định biến "
                "CCHC_LANG, rồi vi",
                "Language for every command (a --lang after the command wins); default "
                "$CCHC_LANG, then vi",
            ),
        ),
    ] = None,
) -> None:
    """Read by each command's ``--lang`` (:func:`cchc_cli.cli_common._resolve_lang`)."""


CHECK_HELP = CommandHelp(
    summary=Msg("Kiểm tra mọi chỉ tiêu của kế hoạch", "Check every indicator"),
    about=Msg(
        "Tính từng chỉ tiêu trong kỳ (mặc định: năm của kế hoạch) từ tệp hồ sơ và tệp số liệu "
        "sổ sách (--actuals), so với mục tiêu và in ĐẠT / KHÔNG ĐẠT / CHƯA CÓ DỮ LIỆU kèm dư địa. "
        "Chỉ tiêu không tính từ hồ sơ mà thiếu --actuals thì CHƯA CÓ DỮ LIỆU, không bao giờ ĐẠT.",
        "Computes each indicator over the period (default: the plan's year) from the export "
        "and the register figures (--actuals), compares it with its target and prints PASS / "
        "FAIL / NO DATA with the headroom. An indicator not computed from dossiers has NO DATA "
        "without --actuals, never PASS.",
    ),
    examples=(
        (
            "cchc check ho-so-2023.xlsx --actuals so-lieu-2023.yaml",
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


@command(app, "check", CHECK_HELP)
def check(
    records: ExportsArg,
    plan: PlanOpt = None,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    actuals: ActualsOpt = None,
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
    from .compare import attach, read_previous
    from .output import check_target, require_file, write_text
    from .pipeline import load
    from .pipeline import run as run_pipeline
    from .render import FILE_FORMATS, render

    try:
        if fmt.value in FILE_FORMATS:
            require_file(
                fmt.value, output, "bao-cao.html" if fmt is Format.html else f"phu-luc.{fmt.value}"
            )
        check_target(output, (*records, plan, actuals, compare))  # before any file is written
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
        )
        previous = read_previous(compare) if compare is not None else None
        loaded = load(request)
        if evidence is not None:  # the rows it lists, from the query that counts them
            from .evidence import evidence_request

            request = evidence_request(request, loaded[0])
        if fmt is Format.html:  # Biểu 06 and the worklists over the same period
            from .render.html_report import worklist_rows

            request = replace(request, form="", rows=request.rows + worklist_rows(loaded[0]))
        done = run_pipeline(request, loaded)
        the_plan, result = done.plan, done.result
        check_target(output, tuple(b.path for b in the_plan.bases))  # an overlay's bases too
        shown = attach(result, previous) if previous is not None else result
        groups = (by.value, done.groups) if by and done.groups is not None else None
        months = ("month", done.months) if done.months is not None else None
        color = output is None and fmt is Format.table and sys.stdout.isatty()
        width = shutil.get_terminal_size((160, 24)).columns if color else None
        parts = {}
        if fmt is Format.html:
            from .render.html_report import report_parts

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
            from .evidence import write_evidence

            write_evidence(done, evidence, list(sys.argv))
        write_text(text, output)
    except CchcError as exc:
        fail(exc, lang.value)
    raise typer.Exit(exit_code(result.summary, strict=strict))


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
        "rồi xuất lại, hoặc ghi nhận lý do.",
        "Every cell that cannot be used (a bad date, an empty required cell, a word outside the "
        "vocabulary, a repeated dossier id …) and every contradiction between columns, with the "
        "file's line, column, value and reason code; layout rows (column numbers, totals, group "
        "rows) are listed apart. Fix them in the one-stop system and export again, or note why.",
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
    ),
    exits=(
        (ExitCode.OK, Msg("không có vấn đề", "no problems")),
        (ExitCode.FAIL, Msg("có vấn đề", "problems found")),
        EXIT_BAD_INPUT,
    ),
)


@command(app, "validate", VALIDATE_HELP)
def validate(
    records: ExportsArg,
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
) -> None:
    """Every problem in an export (help: :data:`VALIDATE_HELP`)."""
    from .output import check_target, write_text
    from .render.validation import render_validation
    from .validate import validate as run_validation

    try:
        exports = tuple(records)
        check_target(output, (*exports, plan))
        request = export_request(
            exports, plan, period, date_from, date_to, cutoff, encoding, delimiter, sheet
        )
        result = run_validation(request)
        color = output is None and fmt is ProblemFormat.table and sys.stdout.isatty()
        write_text(render_validation(result, fmt.value, lang.value, limit, color), output)
    except CchcError as exc:
        fail(exc, lang.value)
    raise typer.Exit(exit_code({"fail": len(result.problems)}))


_register_report(app)
_register_explain(app)
_register_inspect(app)
_register_plans(app)
_register_convert(app)


def _lang_of(argv: list[str]) -> str:
    """The language of messages printed before Click parses or when it refuses the arguments: the
    last ``--lang`` given (after the command beats before it, as in :func:`_resolve_lang`), else
    ``CCHC_LANG``, else Vietnamese."""
    lang = None
    for i, arg in enumerate(argv):  # the last one wins, as in Click
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in Lang.__members__:
            lang = value
    if lang is None:
        try:
            lang = (env_lang() or Lang.vi).value
        except BilingualUsageError:
            lang = "vi"  # the command's --lang says it is refused
    return lang


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


def _usage_text(exc: Exception, argv: list[str], lang: str) -> str:
    """A usage error in the user's language; Click's own words if its shape is not known (a
    usage error stays exit 2 whatever Click puts in it)."""
    from .cli_usage import usage_error

    command = next((a for a in argv if a in _COMMANDS), None)
    try:
        return usage_error(exc, argv, f"cchc {command}" if command else "cchc").render(lang)
    except Exception:
        return " ".join(str(exc).split())


_COMMANDS = tuple(HELP)


def main() -> None:
    """Entry point. Click's own usage errors (an unknown option, a bad --format value, a missing
    argument) are worded like every other error (:mod:`cchc_cli.cli_usage`): a message in the
    chosen language, a hint, exit 2; any other exception, MemoryError and RecursionError
    included, is an internal error, exit 3."""
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
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `cchc`: the help is the answer
            sys.stdout.write(exc.format_message() + "\n")  # type: ignore[attr-defined]
            sys.exit(ExitCode.OK)
        word = "Usage error" if lang == "en" else "Lỗi cách dùng"
        sys.stderr.write(f"{word}: {_usage_text(exc, argv, lang)}\n")
        sys.exit(getattr(exc, "exit_code", ExitCode.ERROR))
    except Exception as exc:  # the one place every unexpected exception ends
        _internal_error(exc, lang)
    sys.exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
