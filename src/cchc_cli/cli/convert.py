"""The ``convert`` command: an export as a partitioned Parquet set, for repeated checks."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Msg
from .common import (
    EXIT_BAD_INPUT,
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


class ConvertTo(str, Enum):
    parquet = "parquet"


CONVERT_HELP = CommandHelp(
    summary=Msg("Chuyển tệp xuất thành bộ Parquet", "Turn an export into a Parquet set"),
    about=Msg(
        "Đọc tệp xuất một lần (bảng mã, dòng tiêu đề, dòng bố cục như check) và ghi các ô vào "
        "một thư mục Parquet chia theo năm/tháng tiếp nhận (year=2023/month=5/…). check nhận thư "
        "mục đó như chính tệp xuất: cùng số liệu, thông báo vẫn chỉ "
        "dòng của tệp gốc, nhưng không phải đọc lại tệp lớn mỗi lần.",
        "Reads the export once (encoding, header row, layout rows as check does) and writes its "
        "cells to a Parquet folder partitioned by received year/month (year=2023/month=5/…). "
        "check takes that folder as the export itself: the same "
        "figures, messages still naming the original file's lines, without reading the big file "
        "again each time.",
    ),
    examples=(
        (
            "cchc convert ho-so-2023.csv --to parquet ho-so-2023/",
            Msg("ghi bộ Parquet", "write the Parquet set"),
        ),
        (
            "cchc check ho-so-2023/ --period 2023-Q2",
            Msg("rồi kiểm tra từ bộ đó", "then check from the set"),
        ),
    ),
    exits=(
        (ExitCode.OK, Msg("đã ghi bộ Parquet", "the set was written")),
        EXIT_BAD_INPUT,
    ),
)


def convert(
    records: RecordsArg,
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help=gloss(
                "Thư mục ghi bộ Parquet (mới, trống, hoặc bộ cũ của cchc: được thay)",
                "The folder to write the set to (new, empty, or an earlier cchc set: replaced)",
            ),
        ),
    ],
    to: Annotated[
        ConvertTo,
        typer.Option("--to", help=gloss("Định dạng ghi ra", "The format to write")),
    ] = ConvertTo.parquet,
    plan: PlanOpt = None,
    lang: LangOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """An export as a Parquet set (help: :data:`CONVERT_HELP`)."""
    from ..pipeline import ReadOptions, Request
    from ..pipeline import convert as run_convert

    try:
        request = Request((records,), plan, read=ReadOptions(encoding, delimiter, sheet))
        done = run_convert(request, folder)
    except CchcError as exc:
        fail(exc, lang.value)
    months = [k for k in done.partitions if k]
    span = f"{months[0]} … {months[-1]}" if months else "—"
    unknown = done.partitions.get("", 0)
    line = Msg(
        f"Đã ghi {done.rows} hồ sơ vào {folder} ({len(months)} tháng tiếp nhận: {span}"
        + (f"; {unknown} dòng không rõ ngày tiếp nhận" if unknown else "")
        + ")",
        f"Wrote {done.rows} dossiers to {folder} ({len(months)} received months: {span}"
        + (f"; {unknown} row(s) with no usable received date" if unknown else "")
        + ")",
    )
    sys.stdout.write(line.get(lang.value) + "\n")
    raise typer.Exit(ExitCode.OK)


def register(app: typer.Typer) -> None:
    command(app, "convert", CONVERT_HELP)(convert)
