"""``cchc verify``: an evidence folder re-checked by running its recorded check again.

Heavy modules are imported inside the command, so ``cchc --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import CchcError, ExitCode, Msg, exit_code
from .common import (
    CommandHelp,
    LangOpt,
    command,
    fail,
    gloss,
)

VERIFY_HELP = CommandHelp(
    summary=Msg("Kiểm tra lại thư mục bằng chứng", "Re-check an evidence folder"),
    about=Msg(
        "Tính lại mã băm SHA-256 của mọi tệp đầu vào và tệp bằng chứng, chạy lại cchc check với "
        "đúng kế hoạch, kỳ, số liệu và cách đọc đã ghi, rồi so từng con số: thanh tra dùng lệnh "
        "này để biết kết quả không bị sửa.",
        "Re-hashes (SHA-256) every input and evidence file, re-runs cchc check with the "
        "recorded plan, period, actuals and read options, and compares every figure: what an "
        "auditor runs to know the result was not edited.",
    ),
    examples=(
        (
            "cchc verify bang-chung/",
            Msg("tệp đầu vào ở đường dẫn đã ghi", "inputs at the recorded paths"),
        ),
        (
            "cchc verify bang-chung/ --inputs ban-sao/",
            Msg("tìm tệp đầu vào theo tên trong ban-sao/", "inputs found by name in ban-sao/"),
        ),
    ),
    exits=(
        (ExitCode.OK, Msg("mọi thứ khớp", "everything matches")),
        (
            ExitCode.FAIL,
            Msg(
                "có chỗ khác (một byte, một tệp, một con số), hoặc CHƯA XÁC MINH (thiếu tệp đầu vào)",
                "something differs (a byte, a file, a figure), or NOT VERIFIED (an input missing)",
            ),
        ),
        (
            ExitCode.ERROR,
            Msg(
                "manifest.json không đọc được hoặc sai định dạng",
                "the manifest is unreadable or malformed",
            ),
        ),
    ),
)


def verify_command(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help=gloss(
                "Thư mục bằng chứng do cchc check --evidence ghi",
                "An evidence folder written by cchc check --evidence",
            ),
        ),
    ],
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--inputs",
            metavar="FOLDER",
            help=gloss(
                "Thư mục chứa các tệp đầu vào (tìm theo tên, cả trong thư mục con) khi chúng không "
                "còn ở đường dẫn đã ghi; có thể ghi nhiều lần",
                "A folder to find the inputs in (by name, in its subfolders too) when they are no "
                "longer where recorded; may be given more than once",
            ),
        ),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Re-check an evidence folder (help: :data:`VERIFY_HELP`)."""
    from ..evidence import render_verification, verify

    try:
        v = verify(directory, inputs)
    except CchcError as exc:
        fail(exc, lang.value)
    sys.stdout.write(render_verification(v, lang.value))
    sys.stdout.flush()
    raise typer.Exit(exit_code({"fail": 0 if v.ok else 1}))


def register(app: typer.Typer) -> None:
    """Add ``verify`` to a Typer app."""
    command(app, "verify", VERIFY_HELP)(verify_command)
