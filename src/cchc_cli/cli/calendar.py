"""``cchc calendar``: the working-day calendar the plan counts with.

Heavy modules are imported inside the command, so ``cchc --help`` stays fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Msg
from .common import (
    CommandHelp,
    LangOpt,
    PlanOpt,
    command,
    fail,
    gloss,
)


class CalendarFormat(str, Enum):
    table = "table"
    json = "json"


CALENDAR_HELP = CommandHelp(
    summary=Msg("In lịch làm việc, ngày nghỉ", "Show the working calendar"),
    about=Msg(
        "Các ngày nghỉ kèm tên (ngày lễ, ngày nghỉ bù, ngày nghỉ riêng của kế hoạch), các ngày "
        "làm bù, và số ngày làm việc mỗi tháng: đúng lịch cchc dùng để tính ngày hẹn trả từ "
        "'Thời hạn giải quyết'.",
        "Days off with their names (public holidays, compensatory days, the plan's local days "
        "off), make-up working days, and the working days in each month: the calendar cchc "
        "uses to derive a due date from the processing days.",
    ),
    examples=(
        ("cchc calendar 2023", Msg("lịch năm 2023", "the 2023 calendar")),
        (
            "cchc calendar 2024 --plan ke-hoach-2024.yaml --format json",
            Msg("lịch 2024 kèm ngày nghỉ riêng của kế hoạch", "2024 with the plan's own days off"),
        ),
    ),
    exits=(
        (ExitCode.OK, Msg("đã in lịch", "the calendar was printed")),
        (
            ExitCode.ERROR,
            Msg("năm ngoài 1901–2100 hoặc kế hoạch sai", "a year outside 1901–2100 or a bad plan"),
        ),
    ),
)


def calendar(
    year: Annotated[
        int, typer.Argument(metavar="YEAR", help=gloss("Năm, ví dụ 2023", "Year, e.g. 2023"))
    ],
    plan: PlanOpt = None,
    fmt: Annotated[
        CalendarFormat, typer.Option("--format", help=gloss("Định dạng kết quả", "Output format"))
    ] = CalendarFormat.table,
    lang: LangOpt = None,
) -> None:
    """The working calendar of a year (help: :data:`CALENDAR_HELP`)."""
    from ..plan.model import load_plan
    from ..render.report import render_calendar
    from ..report import calendar_dict

    try:
        the_plan = load_plan(plan)
        data = calendar_dict(the_plan, year)
    except CchcError as exc:
        fail(exc, lang.value)
    color = fmt is CalendarFormat.table and sys.stdout.isatty()
    sys.stdout.write(render_calendar(data, fmt.value, lang.value, color=color))
    raise typer.Exit(ExitCode.OK)


def register(app: typer.Typer) -> None:
    """Add ``calendar`` to a Typer app."""
    command(app, "calendar", CALENDAR_HELP)(calendar)
