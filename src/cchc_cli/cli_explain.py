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

from .errors import CchcError, ExitCode


class ExplainFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class RowsKind(str, Enum):
    failing = "failing"
    counted = "counted"
    left_out = "left-out"
    all = "all"


class Lang(str, Enum):
    vi = "vi"
    en = "en"


def _fail(exc: CchcError, lang: str) -> None:
    word = "Lỗi" if lang == "vi" else "Error"
    sys.stderr.write(f"{word}: {exc.render(lang)}\n")
    raise typer.Exit(ExitCode.ERROR)


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    return "\t" if value.lower() in ("tab", "\\t") else value


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
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan", help="Tệp kế hoạch YAML (mặc định: kế hoạch 2023 kèm theo). / Plan YAML."
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Kỳ: 2023, 2023-Q2, 2023-05 (mặc định: năm của kế hoạch)."),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Từ ngày (2023-05-01 hoặc 01/05/2023).")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Đến ngày (bao gồm).")] = None,
    actuals: Annotated[
        Path | None,
        typer.Option(
            "--actuals", help="Tệp YAML số liệu ngoài phần mềm Một cửa (sổ sách, báo cáo)."
        ),
    ] = None,
    rows: Annotated[
        RowsKind,
        typer.Option(
            "--rows",
            help=(
                "Dòng cần liệt kê: failing (không đạt), counted (thuộc mẫu số), "
                "left-out (bị loại ra), all."
            ),
        ),
    ] = RowsKind.failing,
    fmt: Annotated[
        ExplainFormat, typer.Option("--format", help="Định dạng kết quả.")
    ] = ExplainFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Ghi kết quả ra tệp.")
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ / language.")] = Lang.vi,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Số dòng hiển thị trong bảng (csv/json luôn đủ).")
    ] = 50,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Ép bảng mã (utf-8, utf-16, cp1258…).")
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="Ép dấu phân cách: ',' ';' hoặc 'tab'.")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Tên trang tính (.xlsx).")] = None,
) -> None:
    """Giải thích một chỉ tiêu: định nghĩa, số liệu và các dòng đằng sau. / Explain one indicator.

    Exit codes: 0 the explanation was written; 2 bad usage or unreadable input.
    """
    from .actuals import load_actuals
    from .explain import explain
    from .output import write_text
    from .period import resolve_period
    from .plan import load_plan
    from .render.explain import render_explain

    try:
        the_plan = load_plan(plan)
        ind = the_plan.indicator(indicator)
        span = resolve_period(period, date_from, date_to, the_plan.period)
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
                records, the_plan, encoding=encoding, delimiter=_delimiter(delimiter), sheet=sheet
            )
        expl = explain(the_plan, ind, data, span, the_actuals, rows=rows.value)
        color = output is None and fmt is ExplainFormat.table and sys.stdout.isatty()
        text = render_explain(expl, fmt.value, lang.value, limit=limit, color=color)
        write_text(text, output)
    except CchcError as exc:
        _fail(exc, lang.value)
    raise typer.Exit(ExitCode.OK)


def verify_command(
    directory: Annotated[
        Path, typer.Argument(help="Thư mục bằng chứng do 'check --evidence' tạo ra.")
    ],
    lang: Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ / language.")] = Lang.vi,
) -> None:
    """Kiểm tra lại thư mục bằng chứng. / Verify an evidence folder against its inputs.

    Exit codes: 0 everything matches; 1 something differs (an input byte, an evidence file, a
    figure); 2 the manifest cannot be read.
    """
    from .evidence import render_verification, verify

    try:
        v = verify(directory)
    except CchcError as exc:
        _fail(exc, lang.value)
    sys.stdout.write(render_verification(v, lang.value))
    sys.stdout.flush()
    raise typer.Exit(ExitCode.OK if v.ok else ExitCode.FAIL)


def register(app: typer.Typer) -> None:
    """Add ``explain`` and ``verify`` to a Typer app."""
    app.command("explain")(explain_command)
    app.command("verify")(verify_command)


__all__ = ["add_evidence", "explain_command", "register", "verify_command"]
