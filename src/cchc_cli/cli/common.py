"""Options, enums, help texts and error printing shared by every ``cchc`` command.

Every text a user reads in ``--help`` is in both languages, Vietnamese first: a command's one-line
summary, description, examples and exit codes are a :class:`CommandHelp` written next to the
command; every option's help is "Vietnamese / English".
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from ..errors import CchcError, ExitCode, Msg


class Lang(str, Enum):
    vi = "vi"
    en = "en"


class By(str, Enum):
    """``--by``: each is :func:`cchc_cli.engine.groups.groupable` for the shipped plan (a test says so)."""

    field = "field"
    procedure = "procedure"
    unit = "unit"
    month = "month"


LANG_VARIABLE = "CCHC_LANG"


def env_lang() -> Lang | None:
    """The language ``CCHC_LANG`` sets (``vi``/``en``, any case; empty is unset); a value that is
    neither is refused (exit 2), so a script's ``CCHC_LANG=english`` is not read as Vietnamese."""
    value = os.environ.get(LANG_VARIABLE, "").strip().lower()
    if not value:
        return None
    if value not in Lang.__members__:
        raise BilingualUsageError(
            Msg(
                f"{LANG_VARIABLE}='{os.environ[LANG_VARIABLE]}' không phải vi hay en",
                f"{LANG_VARIABLE}='{os.environ[LANG_VARIABLE]}' is neither vi nor en",
            ),
            Msg(
                f"đặt {LANG_VARIABLE}=vi hoặc {LANG_VARIABLE}=en, hoặc bỏ biến này",
                f"set {LANG_VARIABLE}=vi or {LANG_VARIABLE}=en, or unset it",
            ),
        )
    return Lang(value)


def _resolve_lang(ctx: typer.Context, value: Lang | None) -> Lang:
    """``--lang`` after the command > ``--lang`` before it (``cchc --lang en check …``) >
    ``CCHC_LANG`` > Vietnamese."""
    if value is not None:
        return value
    before = ctx.find_root().params.get("lang")
    return before if before is not None else env_lang() or Lang.vi


class BilingualUsageError(typer.BadParameter):
    """A usage error cchc words itself (both languages); ``cli.main`` prints it like Click's."""

    def __init__(self, message: Msg, hint: Msg | None = None):
        super().__init__(message.en)
        self.msg, self.hint = message, hint


def gloss(vi: str, en: str) -> str:
    """An option's help: "Vietnamese / English"."""
    return f"{vi} / {en}"


@dataclass(frozen=True)
class CommandHelp:
    """A command's ``--help`` in both languages: the one line of ``cchc --help`` (set as Click's
    ``short_help``: Click would cut the summary at its first full stop), a description, examples
    (``\\b`` keeps Click from re-wrapping them) and exit codes."""

    summary: Msg
    about: Msg
    examples: tuple[tuple[str, Msg], ...]
    exits: tuple[tuple[ExitCode, Msg], ...] = ()

    @property
    def short(self) -> str:
        return f"{self.summary.vi} — {self.summary.en}"

    def text(self) -> str:
        out = [f"{self.summary.vi}. / {self.summary.en}.", "", self.about.vi, "", self.about.en]
        out += ["", "Ví dụ / Examples:"]
        for line, what in self.examples:
            out += ["", "\b", f"  # {what.vi}", f"  # {what.en}", f"  {line}"]
        if self.exits:
            out += ["", "Mã thoát / Exit codes:", "", "\b"]
            for code, what in self.exits:
                out += [f"  {int(code)}  {what.vi}", f"     {what.en}"]
        return "\n".join(out)


# Exit 2 of every command that reads an export: one wording.
EXIT_BAD_INPUT = (
    ExitCode.ERROR,
    Msg(
        "sai cách dùng hoặc tệp không đọc được: không có kết luận",
        "bad usage or unreadable input: no verdict",
    ),
)

# Every command's help by name, in the order of ``cchc --help``: the README's command table is
# generated from it (scripts/gen_docs.py).
HELP: dict[str, CommandHelp] = {}


def command(app: typer.Typer, name: str, help: CommandHelp) -> Callable[[Any], Any]:
    """``app.command`` with the command's bilingual help (and its name recorded in :data:`HELP`)."""
    HELP[name] = help
    return app.command(name, help=help.text(), short_help=help.short, cls=Command)


HELP_OPTION = gloss("In trợ giúp này", "Show this help")
COMPLETION_OPTIONS = {
    "install_completion": gloss(
        "Cài gợi ý lệnh (phím Tab) cho shell đang dùng",
        "Install Tab completion for the current shell",
    ),
    "show_completion": gloss(
        "In đoạn mã gợi ý lệnh để tự cài", "Show the completion script, to install it by hand"
    ),
}


class _Bilingual:
    """What Typer and Click write in English only: the ``--help`` and completion options."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def get_params(self, ctx):
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            param.help = COMPLETION_OPTIONS.get(param.name or "", param.help)
        return params


class Command(_Bilingual, TyperCommand):
    def collect_usage_pieces(self, ctx) -> list[str]:
        """``cchc check [OPTIONS] RECORDS``: Typer writes a required argument as ``{RECORDS}``, a
        brace no shell wants typed."""
        out = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument) and param.required:
                out.append(param.display_name_raw + ("..." if param.nargs != 1 else ""))
            else:
                out.extend(param.get_usage_pieces(ctx))
        return out


class Group(_Bilingual, TyperGroup):
    pass


RecordsArg = Annotated[
    Path,
    typer.Argument(
        metavar="RECORDS",
        help=gloss(
            "Tệp xuất danh sách hồ sơ của phần mềm Một cửa (.csv, .txt, .xlsx, .xls)",
            "The one-stop system's dossier export (.csv, .txt, .xlsx, .xls)",
        ),
    ),
]
EXPORTS_HELP = gloss(
    "Tệp xuất danh sách hồ sơ (.csv, .txt, .xlsx, .xls); nhiều tệp, một thư mục hoặc một "
    "mẫu tên trong dấu nháy ('ho-so-*.csv') được tính như một tệp; hoặc thư mục của cchc "
    "convert",
    "The dossier export (.csv, .txt, .xlsx, .xls); several files, a folder or a quoted "
    "pattern ('ho-so-*.csv') count as one export; or a folder cchc convert wrote",
)
ExportsArg = Annotated[list[Path], typer.Argument(metavar="RECORDS...", help=EXPORTS_HELP)]
# validate's: the export may be left out when registers are checked alone
OptionalExportsArg = Annotated[
    list[Path] | None, typer.Argument(metavar="RECORDS", help=EXPORTS_HELP)
]
PlanOpt = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        metavar="PLAN",
        help=gloss(
            "Tệp kế hoạch YAML, hoặc tên một kế hoạch kèm theo (xem cchc plans); mặc định kế hoạch "
            "2023 kèm theo",
            "A plan YAML file, or a shipped plan's name (see cchc plans); default the shipped 2023 "
            "plan",
        ),
    ),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help=gloss(
            "Kỳ: 2023 (năm), 2023-Q2 (quý), 2023-H1 (6 tháng), 2023-9M (9 tháng), 2023-05 (tháng); "
            "mặc định năm của kế hoạch",
            "Period: year, quarter, half year, nine months, month; default the plan's year",
        ),
    ),
]
CutoffOpt = Annotated[
    bool | None,
    typer.Option(
        "--cutoff/--calendar",
        help=gloss(
            "Kỳ chốt số liệu (15 tháng trước – 14 tháng cuối kỳ) hay kỳ theo lịch; mặc định theo "
            "kế hoạch (reporting.default)",
            "The period's cut-off window (15th of the month before – 14th of its last month) or "
            "its calendar dates; default the plan's reporting.default",
        ),
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="DATE",
        help=gloss(
            "Từ ngày (2023-05-01 hoặc 01/05/2023)", "From this date (2023-05-01 or 01/05/2023)"
        ),
    ),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to",
        metavar="DATE",
        help=gloss("Đến ngày, tính cả ngày này", "Up to this date, inclusive"),
    ),
]
ActualsOpt = Annotated[
    Path | None,
    typer.Option(
        "--actuals",
        metavar="FILE",
        help=gloss(
            "Tệp YAML số liệu từ sổ sách, báo cáo (các chỉ tiêu không tính từ hồ sơ)",
            "A YAML file of register figures (the indicators not computed from dossiers)",
        ),
    ),
]
RegistersOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--registers",
        metavar="PATH",
        help=gloss(
            "Sổ theo dõi của Sở: sổ làm việc (mỗi sổ một sheet) hoặc thư mục tệp CSV/xlsx; "
            "có thể ghi nhiều lần",
            "The department's registers: a workbook (a sheet per register) or a folder of "
            "CSV/xlsx files; may be given more than once",
        ),
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help=gloss(
            "Ghi kết quả ra tệp này (lỗi thì không để lại tệp dở dang)",
            "Write the result to this file (a failed run leaves none)",
        ),
    ),
]
LangOpt = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        callback=_resolve_lang,
        help=gloss(
            "Ngôn ngữ kết quả và thông báo; mặc định --lang trước tên lệnh, biến CCHC_LANG, rồi vi",
            "Language of output and messages; default --lang before the command, $CCHC_LANG, "
            "then vi",
        ),
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help=gloss(
            "Ép bảng mã thay vì tự nhận diện (utf-8, utf-16, cp1258)",
            "Force the encoding instead of detecting it (utf-8, utf-16, cp1258)",
        ),
    ),
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        metavar="CHAR",
        help=gloss("Ép dấu phân cách: ',' ';' hoặc 'tab'", "Force the delimiter: ',' ';' or 'tab'"),
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        metavar="NAME",
        help=gloss(
            "Trang tính cần đọc (.xlsx, .xls); mặc định trang hiện đầu tiên",
            "The sheet to read (.xlsx, .xls); default the first visible one",
        ),
    ),
]


def fail(exc: CchcError, lang: str) -> NoReturn:
    """Print a library error at the edge and exit 2: no traceback, no verdict."""
    word = "Lỗi" if lang == "vi" else "Error"
    sys.stderr.write(f"{word}: {exc.render(lang)}\n")
    raise typer.Exit(ExitCode.ERROR)


def export_request(
    records, plan, period, date_from, date_to, cutoff, encoding, delimiter, sheet, **more
):
    """The pipeline request of the options every command reading exports shares (the exports,
    the plan, the period, how to read the files); ``more``: the command's own (actuals, rows …)."""
    from ..pipeline import ReadOptions, Request

    return Request(
        tuple(records or ()),
        plan,
        period=period,
        date_from=date_from,
        date_to=date_to,
        cutoff=cutoff,
        read=ReadOptions(encoding, delimiter, sheet),
        **more,
    )
