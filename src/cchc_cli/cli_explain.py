"""``cchc explain`` and ``cchc verify``, plus the helper ``check --evidence`` calls.

Kept out of :mod:`cchc_cli.cli` so that it can be registered on any Typer app::

    from .cli_explain import register
    register(app)

Heavy modules are imported inside the commands, as in ``cli.py``.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .cli_common import (
    ActualsOpt,
    CutoffOpt,
    DelimiterOpt,
    EncodingOpt,
    FromOpt,
    Lang,
    LangOpt,
    OutputOpt,
    PeriodOpt,
    PlanOpt,
    SheetOpt,
    ToOpt,
    fail,
)
from .errors import CchcError, ExitCode


class ExplainFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"  # the worklist staff work through (needs -o)


class RowsKind(str, Enum):
    failing = "failing"
    counted = "counted"
    left_out = "left-out"
    open_due = "open-due"
    all = "all"


def add_evidence(result, plan, records, classified, dir, argv) -> Path:
    """Write the evidence folder of a ``check`` run (see :func:`cchc_cli.evidence.write_evidence`).

    Raises CchcError (the caller prints it and exits 2); ``classified`` may be None.
    """
    from .evidence import write_evidence

    return write_evidence(result, plan, records, classified, dir, list(argv))


def explain_command(
    indicator: Annotated[
        str, typer.Argument(help="Mã chỉ tiêu, ví dụ dossiers_on_time. / Indicator id.")
    ],
    records: Annotated[
        Path | None,
        typer.Argument(
            help="Tệp xuất danh sách hồ sơ (cần cho chỉ tiêu tính từ hồ sơ). / Dossier export."
        ),
    ] = None,
    plan: PlanOpt = None,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    actuals: ActualsOpt = None,
    rows: Annotated[
        RowsKind,
        typer.Option(
            "--rows",
            help=(
                "Dòng cần liệt kê: failing (không đạt), counted (thuộc mẫu số), "
                "left-out (bị loại ra), open-due (đang giải quyết, đến hạn trong kỳ), all."
            ),
        ),
    ] = RowsKind.failing,
    fmt: Annotated[
        ExplainFormat, typer.Option("--format", help="Định dạng kết quả (xlsx cần -o).")
    ] = ExplainFormat.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.vi,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Số dòng hiển thị trong bảng (csv/json luôn đủ).")
    ] = 50,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Giải thích một chỉ tiêu: định nghĩa, số liệu và các dòng đằng sau. / Explain one indicator.

    Exit codes: 0 the explanation was written; 2 bad usage or unreadable input.
    """
    from .actuals import load_actuals
    from .explain import explain
    from .output import check_target, require_file, write_text
    from .period import resolve_period
    from .plan import load_plan
    from .render.explain import render_explain

    try:
        if fmt is ExplainFormat.xlsx:
            require_file(
                "xlsx", output, "viec-can-lam.xlsx" if lang is Lang.vi else "worklist.xlsx"
            )
        check_target(output, (records, plan, actuals))
        the_plan = load_plan(plan)
        ind = the_plan.indicator(indicator)
        span = resolve_period(
            period, date_from, date_to, the_plan.period, cutoff, the_plan.reporting
        )
        the_actuals = load_actuals(actuals, the_plan) if actuals else None
        data = None
        if ind.source == "dossiers":
            if records is None:
                raise CchcError(
                    f"'{ind.id}' được tính từ tệp hồ sơ: cần đường dẫn tệp xuất hồ sơ"
                    if lang is Lang.vi
                    else f"'{ind.id}' is computed from the dossier export: give the file",
                    f"cchc explain {ind.id} <tệp hồ sơ.csv>"
                    if lang is Lang.vi
                    else f"cchc explain {ind.id} <export.csv>",
                )
            from .records import read_records

            data = read_records(
                records,
                the_plan,
                encoding=encoding,
                delimiter=delimiter,
                sheet=sheet,
            )
        expl = explain(the_plan, ind, data, span, the_actuals, rows=rows.value)
        color = output is None and fmt is ExplainFormat.table and sys.stdout.isatty()
        text = render_explain(expl, fmt.value, lang.value, limit=limit, color=color)
        write_text(text, output)
    except CchcError as exc:
        fail(exc, lang.value)
    raise typer.Exit(ExitCode.OK)


def verify_command(
    directory: Annotated[
        Path, typer.Argument(help="Thư mục bằng chứng do 'check --evidence' tạo ra.")
    ],
    inputs: Annotated[
        Path | None,
        typer.Option(
            "--inputs",
            help="Thư mục chứa các tệp đầu vào (tìm theo tên) khi chúng không còn ở đường dẫn đã ghi.",
        ),
    ] = None,
    lang: LangOpt = Lang.vi,
) -> None:
    """Kiểm tra lại thư mục bằng chứng. / Verify an evidence folder against its inputs.

    Exit codes: 0 every input re-hashed, the check re-run and everything matches; 1 something
    differs (an input byte, an evidence file, a figure) or NOT VERIFIED (an input is missing);
    2 the manifest cannot be read or is malformed.
    """
    from .evidence import render_verification, verify

    try:
        v = verify(directory, inputs)
    except CchcError as exc:
        fail(exc, lang.value)
    sys.stdout.write(render_verification(v, lang.value))
    sys.stdout.flush()
    raise typer.Exit(ExitCode.OK if v.ok else ExitCode.FAIL)


def register(app: typer.Typer) -> None:
    """Add ``explain`` and ``verify`` to a Typer app."""
    app.command("explain")(explain_command)
    app.command("verify")(verify_command)


__all__ = ["add_evidence", "explain_command", "register", "verify_command"]
