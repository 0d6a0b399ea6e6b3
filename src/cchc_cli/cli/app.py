"""The ``cchc`` command line: the root command, each command registered from its own module
(``check``, ``validate``, ``report``, ``explain`` …), and :func:`main`, where every error ends.

Heavy modules (pandas, pyarrow, rich tables) are imported inside the commands so that
``cchc --help`` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
import warnings
from typing import Annotated, NoReturn

import typer

from ..errors import ExitCode, Msg
from .calendar import register as _register_calendar
from .check import register as _register_check
from .common import (
    EXIT_BAD_INPUT,
    HELP,
    BilingualUsageError,
    CommandHelp,
    Group,
    Lang,
    env_lang,
    gloss,
)
from .convert import register as _register_convert
from .explain import register as _register_explain
from .inspect import register as _register_inspect
from .plans import register as _register_plans
from .report import register as _register_report
from .template import register as _register_template
from .validate import register as _register_validate
from .verify import register as _register_verify

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


def _version(value: bool) -> None:
    if value:
        from .. import __version__

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
    """Read by each command's ``--lang`` (:func:`cchc_cli.cli.common._resolve_lang`)."""


_register_check(app)
_register_validate(app)
_register_report(app)
_register_calendar(app)
_register_explain(app)
_register_verify(app)
_register_inspect(app)
_register_plans(app)
_register_convert(app)
_register_template(app)


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
    from ..errors import CchcWarning

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
    from .usage import usage_error

    command = next((a for a in argv if a in _COMMANDS), None)
    try:
        return usage_error(exc, argv, f"cchc {command}" if command else "cchc").render(lang)
    except Exception:
        return " ".join(str(exc).split())


_COMMANDS = tuple(HELP)


def main() -> None:
    """Entry point. Click's own usage errors (an unknown option, a bad --format value, a missing
    argument) are worded like every other error (:mod:`cchc_cli.cli.usage`): a message in the
    chosen language, a hint, exit 2; any other exception, MemoryError and RecursionError
    included, is an internal error, exit 3."""
    from typer.exceptions import TyperException
    from typer.main import get_command

    from ..errors import CchcWarning

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
