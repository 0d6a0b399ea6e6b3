"""The ``inspect`` command: how a file is read and what a new layout needs; ``cli.py`` adds it."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .cli_common import (
    DelimiterOpt,
    EncodingOpt,
    Lang,
    LangOpt,
    PlanOpt,
    RecordsArg,
    SheetOpt,
    fail,
)
from .errors import CchcError, ExitCode


class InspectFormat(str, Enum):
    table = "table"
    json = "json"


def inspect(
    records: RecordsArg,
    plan: PlanOpt = None,
    fmt: Annotated[
        InspectFormat, typer.Option("--format", help="Định dạng. / Output format.")
    ] = InspectFormat.table,
    write_plan: Annotated[
        Path | None,
        typer.Option(
            "--write-plan",
            help="Ghi lớp kế hoạch (extends: …) thêm tên cột và từ còn thiếu. "
            "/ Write a plan overlay adding the missing headers and words.",
        ),
    ] = None,
    lang: LangOpt = Lang.vi,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Xem tệp được đọc thế nào và cần thêm gì vào kế hoạch. / Show how a file is read.

    Format, encoding, sheet, header row, layout rows set aside; each header with the field it is
    read as (or "not used") and example values; words outside the vocabularies; the fields the
    plan needs that are missing and the indicators they block. Exit codes: 0 everything the plan
    needs is there; 1 something is missing or unknown; 2 the file could not be read.
    """
    from .inspection import inspect_file, overlay_yaml
    from .output import check_target, write_text
    from .plan import load_plan
    from .render.inspect import render_inspection

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
    raise typer.Exit(ExitCode.FAIL if incomplete else ExitCode.OK)


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
