"""The ``template`` command: empty files to fill in, made from the plan (``registers``: the
workbook ``--registers`` reads)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Location, Msg
from .common import CommandHelp, LangOpt, PlanOpt, command, fail, gloss


class What(str, Enum):
    registers = "registers"


TEMPLATE_HELP = CommandHelp(
    summary=Msg("Tạo tệp mẫu để điền", "Write an empty file to fill in"),
    about=Msg(
        "'registers': sổ làm việc trống cho các sổ theo dõi của kế hoạch — mỗi sổ một sheet, đúng "
        "tên cột, danh sách chọn cho cột có danh mục, và sheet hướng dẫn; điền xong thì dùng "
        "cchc check … --registers <tệp>.",
        "'registers': an empty workbook for the plan's registers — a sheet per register with the "
        "headers it reads, drop-down lists for vocabulary columns and a notes sheet; once filled "
        "in, use cchc check … --registers <file>.",
    ),
    examples=(
        (
            "cchc template registers -o so-theo-doi.xlsx",
            Msg("sổ theo dõi trống của kế hoạch 2023", "the 2023 plan's empty registers"),
        ),
    ),
    exits=(
        (ExitCode.OK, Msg("đã ghi tệp", "the file was written")),
        (ExitCode.ERROR, Msg("sai cách dùng, không ghi được tệp", "bad usage, cannot write")),
    ),
)


def template(
    what: Annotated[
        What, typer.Argument(metavar="registers", help=gloss("Loại tệp mẫu", "Which template"))
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE.xlsx", help=gloss("Tệp ghi ra", "File to write")
        ),
    ] = None,
    plan: PlanOpt = None,
    lang: LangOpt = None,
) -> None:
    """An empty registers workbook (help: :data:`TEMPLATE_HELP`)."""
    from ..plan.model import load_plan
    from ..render.output import check_target, write_text
    from ..render.register_template import template_book

    try:
        if output is None or output == "-":
            raise CchcError(
                Msg(
                    "cần -o TỆP.xlsx: sổ làm việc không in ra màn hình được",
                    "needs -o FILE.xlsx: a workbook cannot be printed",
                ),
                Msg(
                    "ví dụ: cchc template registers -o so-theo-doi.xlsx",
                    "e.g. cchc template registers -o so-theo-doi.xlsx",
                ),
            )
        check_target(output, (plan,))
        if Path(output).exists():  # a template is filled in by hand: never written over
            raise CchcError(
                Msg(
                    "tệp đã có: tệp mẫu không ghi đè lên sổ đã có (có thể đã điền dữ liệu)",
                    "the file exists: a template is never written over a workbook that may "
                    "already be filled in",
                ),
                Msg(
                    "chọn một tên tệp khác, hoặc tự xóa tệp cũ nếu chắc chắn không cần",
                    "choose another file name, or delete the old file yourself if it is not needed",
                ),
                Location(output),
            )
        the_plan = load_plan(plan)
        if not the_plan.registers:
            raise CchcError(
                Msg(
                    "kế hoạch không khai báo sổ theo dõi nào (mục registers:)",
                    "the plan declares no register (registers:)",
                ),
                None,
                Location(the_plan.path),
            )
        write_text(template_book(the_plan, lang.value), output)
    except CchcError as exc:
        fail(exc, lang.value)
    raise typer.Exit(ExitCode.OK)


def register(app: typer.Typer) -> None:
    command(app, "template", TEMPLATE_HELP)(template)
