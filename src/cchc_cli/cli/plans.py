"""The ``plans`` command: the plans shipped with cchc, which ``--plan`` takes by id or name."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Msg
from .common import CommandHelp, LangOpt, command, fail, gloss


class PlansFormat(str, Enum):
    table = "table"
    json = "json"


PLANS_HELP = CommandHelp(
    summary=Msg("Liệt kê các kế hoạch kèm theo", "List the shipped plans"),
    about=Msg(
        "Các kế hoạch cài sẵn cùng cchc: mã (id), tên tệp, tên kế hoạch, năm, số chỉ tiêu. Mọi "
        "lệnh nhận --plan theo mã hoặc tên (--plan plan2023, --plan snv-dongnai-2023); một tệp "
        "có sẵn ở đường dẫn đó được ưu tiên.",
        "The plans installed with cchc: id, file name, title, year, number of indicators. Every "
        "command takes --plan by id or name (--plan plan2023, --plan snv-dongnai-2023); a file "
        "at that path comes first.",
    ),
    examples=(
        ("cchc plans", Msg("bảng các kế hoạch", "the table of plans")),
        ("cchc plans --format json", Msg("cho kịch bản", "for scripts")),
        (
            "cchc check ho-so-2023.xlsx --plan snv-dongnai-2023",
            Msg("dùng một kế hoạch theo mã", "use a plan by its id"),
        ),
    ),
    exits=(
        (ExitCode.OK, Msg("đã in danh sách", "the list was printed")),
        (ExitCode.ERROR, Msg("sai cách dùng", "bad usage")),
    ),
)


def plans(
    fmt: Annotated[
        PlansFormat, typer.Option("--format", help=gloss("Định dạng kết quả", "Output format"))
    ] = PlansFormat.table,
    lang: LangOpt = None,
) -> None:
    """The shipped plans (help: :data:`PLANS_HELP`)."""
    from ..plan.model import shipped_plans
    from ..render.plans import render_plans

    try:
        found = shipped_plans()
    except CchcError as exc:  # a broken installation
        fail(exc, lang.value)
    color = fmt is PlansFormat.table and sys.stdout.isatty()
    sys.stdout.write(render_plans(found, fmt.value, lang.value, color=color))
    raise typer.Exit(ExitCode.OK)


def register(app: typer.Typer) -> None:
    command(app, "plans", PLANS_HELP)(plans)
