"""The ``inspect`` command: how a file is read and what a new layout needs; ``cli.py`` adds it."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Msg, exit_code
from .common import (
    CommandHelp,
    DelimiterOpt,
    EncodingOpt,
    LangOpt,
    PlanOpt,
    RecordsArg,
    SheetOpt,
    command,
    fail,
    gloss,
)


class InspectFormat(str, Enum):
    table = "table"
    json = "json"


INSPECT_HELP = CommandHelp(
    summary=Msg("Xem tệp được đọc thế nào", "Show how a file is read"),
    about=Msg(
        "Định dạng, bảng mã, trang tính, dòng tiêu đề, các dòng bố cục được để riêng; mỗi cột "
        "được đọc thành trường nào (hoặc 'không dùng', kèm phỏng đoán) và ví dụ giá trị; các từ "
        "ngoài danh mục; các trường kế hoạch cần mà tệp thiếu và các chỉ tiêu bị ảnh hưởng. "
        "--write-plan ghi một lớp kế hoạch để xác nhận rồi dùng với --plan.",
        "Format, encoding, sheet, header row, layout rows set aside; what field each header is "
        "read as (or 'not used', with a guess) and example values; words outside the "
        "vocabularies; the fields the plan needs that are missing and the indicators they "
        "block. --write-plan writes a plan overlay to confirm, then use with --plan.",
    ),
    examples=(
        (
            "cchc inspect ho-so-moi.xls",
            Msg("tệp của một phần mềm mới", "an export of a new system"),
        ),
        (
            "cchc inspect ho-so-moi.xls --write-plan lop.yaml",
            Msg("ghi lớp kế hoạch để xác nhận", "write a plan overlay to confirm"),
        ),
        (
            "cchc check ho-so-moi.xls --plan lop.yaml",
            Msg("rồi kiểm tra với lớp đó", "then check with that overlay"),
        ),
    ),
    exits=(
        (ExitCode.OK, Msg("kế hoạch đọc được mọi thứ cần", "the plan reads everything it needs")),
        (ExitCode.FAIL, Msg("có trường thiếu hoặc từ lạ", "something is missing or unknown")),
        (ExitCode.ERROR, Msg("tệp không đọc được", "the file could not be read")),
    ),
)


def inspect(
    records: RecordsArg,
    plan: PlanOpt = None,
    fmt: Annotated[
        InspectFormat, typer.Option("--format", help=gloss("Định dạng kết quả", "Output format"))
    ] = InspectFormat.table,
    write_plan: Annotated[
        Path | None,
        typer.Option(
            "--write-plan",
            metavar="OVERLAY",
            help=gloss(
                "Ghi lớp kế hoạch (extends: …) thêm tên cột và từ còn thiếu",
                "Write a plan overlay adding the missing headers and words",
            ),
        ),
    ] = None,
    lang: LangOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """How a file is read (help: :data:`INSPECT_HELP`)."""
    from ..inspection import inspect_file, overlay_yaml
    from ..plan.model import load_plan
    from ..render.inspect import render_inspection
    from ..render.output import check_target, write_text

    try:
        check_target(write_plan, (records, plan))
        the_plan = load_plan(plan)
        check_target(write_plan, tuple(b.path for b in the_plan.bases))  # nor a base plan
        ins = inspect_file(records, the_plan, encoding=encoding, delimiter=delimiter, sheet=sheet)
        if write_plan is not None:
            write_text(overlay_yaml(ins, write_plan), write_plan)
        color = fmt is InspectFormat.table and sys.stdout.isatty()
        sys.stdout.write(render_inspection(ins, fmt.value, lang.value, color=color))
    except CchcError as exc:
        fail(exc, lang.value)
    incomplete = ins.missing or ins.unknown_words or ins.records_error
    raise typer.Exit(exit_code({"fail": 1 if incomplete else 0}))


def register(app: typer.Typer) -> None:
    command(app, "inspect", INSPECT_HELP)(inspect)
