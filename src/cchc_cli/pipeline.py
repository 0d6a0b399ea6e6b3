"""The one library pipeline every command runs: load plan → read inputs → compile → run → result.

Commands parse their options into a :class:`Request`, call :func:`run` and render the
:class:`Run`; ``verify`` re-runs a recorded request the same way. The counting is the SQL engine's
(:mod:`cchc_cli.engine`); nothing here imports pandas.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CchcError, Location, Msg
from .results import Counts, Group, IndicatorResult, Result, assemble, dossier_result

if TYPE_CHECKING:
    from .engine import EngineResult, Rows
    from .engine.problems import Checked
    from .engine.register_problems import RegisterProblems
    from .engine.registers import RegisterRun
    from .io.actuals import Actuals
    from .io.staged import Staged
    from .plan.model import Plan
    from .report import Form

Span = tuple[dt.date, dt.date]
PERIOD = "period"  # the key of the whole period among the spans run in one query
# DuckDB's memory for the query (what does not fit spills to the system's temporary folder):
# with the reader's own bounded blocks, a whole run stays near this plus ~200 MB of Python.
MEMORY_LIMIT = "300MB"


@dataclass(frozen=True)
class ReadOptions:
    """How to read the exports: None lets the reader detect it (recorded ones for verify)."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class Request:
    """A run as the command line or a recorded evidence folder states it."""

    inputs: tuple[str | Path, ...]
    plan: str | Path | None = None
    bases: Sequence[Path] | None = None  # an overlay's base files, as recorded (verify)
    period: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    cutoff: bool | None = None
    span: Span | None = None  # the period itself (verify: as recorded); overrides the above
    actuals: Path | None = None
    read: ReadOptions = ReadOptions()
    read_each: tuple[ReadOptions, ...] = ()  # per input (verify: as recorded); overrides read
    by: str | None = None  # a breakdown: "month" or a groupable text field
    months: bool = False  # each month too (the xlsx and HTML month sheets), whatever ``by`` is
    engine: str = "duckdb"  # or "spark": the same queries run by PySpark (the [spark] extra)
    master: str | None = None  # Spark's master (None: SPARK_MASTER, else local[2])
    registers: tuple[str | Path, ...] = ()  # workbooks, folders, files holding the registers
    # the rows behind figures: (indicator id, explain.KIND_CLASSES key), from the same query
    rows: tuple[tuple[str, str], ...] = ()
    form: str | None = None  # Biểu 06 too, by this field ("": the form's default, by field)
    problems: bool = False  # validate's problem rows too


@dataclass(frozen=True)
class Run:
    plan: Plan
    period: Span
    result: Result
    groups: tuple[Group, ...] | None  # per month or per value of ``Request.by``
    months: tuple[Group, ...] | None  # per month (``by="month"`` or ``months``)
    sql: str  # the query the engine ran
    whole: EngineResult | None = None  # the period's figures, per file too
    rows: Rows | None = None  # ``Request.rows``: the rows behind those figures
    form: Form | None = None  # ``Request.form``: Biểu 06 over the period
    checked: Checked | None = None  # ``Request.problems``: every problem of the exports
    registered: RegisterRun | None = None  # the register indicators, their files and rows
    # ``Request.problems`` with ``Request.registers``: every problem of the registers
    register_problems: RegisterProblems | None = None


def load(request: Request, plan: Plan | None = None) -> tuple[Plan, Span, Actuals | None]:
    """The plan (unless given, already loaded), the period and the actuals of a request:
    everything before the exports."""
    from .io.actuals import load_actuals
    from .plan.model import load_plan
    from .plan.period import resolve_period

    if plan is None:
        plan = load_plan(request.plan, bases=request.bases or ())
    span = request.span or resolve_period(
        request.period,
        request.date_from,
        request.date_to,
        plan.period,
        request.cutoff,
        plan.reporting,
    )
    actuals = load_actuals(request.actuals, plan) if request.actuals else None
    return plan, span, actuals


EXPORT_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".htm", ".html", ".parquet")
_GLOB = frozenset("*?[")


def expand_inputs(given: Sequence[str | Path]) -> tuple[Path, ...]:
    """The export files a request names: a file; a folder (its export files by name, not its
    subfolders; a set ``cchc convert`` wrote is one export); a quoted glob pattern. Counting a
    file twice would double every figure, so the same file named twice is an error."""
    from .io.parquet import is_converted

    out: list[Path] = []
    for item in given:
        p = Path(item)
        if not p.exists() and _GLOB & set(str(item)):
            found = sorted(
                q for q in Path(p.anchor or ".").glob(_relative_pattern(p)) if q.is_file()
            )
            if not found:
                raise CchcError(
                    Msg(f"không tệp nào khớp mẫu {item}", f"no file matches the pattern {item}"),
                    Msg("kiểm tra thư mục và mẫu tên tệp", "check the folder and the name pattern"),
                    Location(str(item)),
                )
            out.extend(found)
        elif p.is_dir() and not is_converted(p):
            found = _folder_exports(p)
            if not found:
                raise CchcError(
                    Msg(
                        "thư mục không có tệp xuất nào (.csv, .xlsx, .xls …)",
                        "the folder holds no export file (.csv, .xlsx, .xls …)",
                    ),
                    Msg(
                        "đặt các tệp xuất hàng tháng vào thư mục, hoặc chỉ ra từng tệp",
                        "put the monthly exports in the folder, or name each file",
                    ),
                    Location(str(item)),
                )
            out.extend(found)
        else:
            out.append(p)
    _no_twice(out)
    return tuple(out)


def _folder_exports(folder: Path) -> list[Path]:
    """A folder's export files by name, and the Parquet files of a hive-partitioned set under
    its ``key=value`` folders (another system's typed export); hidden files, Excel's lock files
    and the ``_``-files Spark and Hive write beside their data are not exports."""
    found = [
        q
        for q in folder.iterdir()
        if q.is_file()
        and q.suffix.lower() in EXPORT_SUFFIXES
        and not q.name.startswith((".", "~$"))
    ]
    for sub in folder.iterdir():
        if sub.is_dir() and "=" in sub.name[1:] and not sub.name.startswith((".", "_")):
            found += [
                q
                for q in sub.rglob("*.parquet")
                if q.is_file()
                and not any(x.startswith((".", "_")) for x in q.relative_to(folder).parts)
            ]
    return sorted(found)


def _relative_pattern(p: Path) -> str:
    return str(p.relative_to(p.anchor)) if p.anchor else str(p)


def _no_twice(paths: list[Path]) -> None:
    seen: dict[tuple[int, int], Path] = {}
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue  # the reader says what is wrong with it
        key = (st.st_dev, st.st_ino)
        if key in seen:
            raise CchcError(
                Msg(
                    f"tệp được chỉ ra hai lần: {seen[key]} và {p}: mọi số liệu sẽ bị đếm đôi",
                    f"a file is named twice: {seen[key]} and {p}: every figure would count it "
                    "twice",
                ),
                Msg("chỉ ra mỗi tệp một lần", "name each file once"),
                Location(str(p)),
            )
        seen[key] = p


def read_inputs(plan: Plan, request: Request) -> tuple[Staged, ...]:
    """Each export the request names, read and staged for the engine (a big file streamed to
    Parquet parts, a set ``cchc convert`` wrote as it is); an export with no dossier is an error.
    The caller closes them (:func:`close_all`)."""
    from .io.binding import expected_headers, header_score, key_headers
    from .io.parquet import is_converted, read_set
    from .io.table import stage_table

    out: list[Staged] = []
    try:
        for k, path in enumerate(expand_inputs(request.inputs)):
            o = request.read_each[k] if request.read_each else request.read
            if is_converted(path):
                staged = read_set(path)
            else:
                staged = stage_table(
                    path,
                    header_score(plan),
                    encoding=o.encoding,
                    delimiter=o.delimiter,
                    sheet=o.sheet,
                    expected=expected_headers(plan),
                    keys=key_headers(plan),
                )
            out.append(staged)
            if staged.info.rows == 0:
                raise _no_dossiers(staged.info.path, staged.info.header_line)
    except BaseException:
        close_all(out)
        raise
    return tuple(out)


def close_all(staged: Sequence[Staged]) -> None:
    for s in staged:
        s.close()


def _no_dossiers(path: str, header_line: int) -> CchcError:
    return CchcError(
        Msg("tệp chỉ có dòng tiêu đề, không có hồ sơ nào", "the file has a header but no dossiers"),
        Msg(
            "xuất lại danh sách hồ sơ từ phần mềm Một cửa (kiểm tra bộ lọc thời gian khi xuất)",
            "export the dossier list again (check the date filter used for the export)",
        ),
        Location(path, header_line),
    )


def run(request: Request, loaded: tuple[Plan, Span, Actuals | None] | None = None) -> Run:
    """Load (unless ``loaded`` gives the plan, period and actuals :func:`load` gave), read,
    compile and run; the whole period and, with ``by="month"``, each month in the same query."""
    from . import engine
    from .engine.groups import MONTH

    plan, span, actuals = loaded or load(request)
    if not request.inputs:
        return _registers_only(plan, span, actuals, request)
    staged = read_inputs(plan, request)
    try:
        monthly = request.months or MONTH in (request.by, request.form)
        spans = {PERIOD: span, **dict(_month_keys(span) if monthly else [])}
        con = _connection(request)
        settings = engine.Settings(memory_limit=os.environ.get("CCHC_MEMORY_LIMIT", MEMORY_LIMIT))
        wants = _wants(plan, request)
        figures, extras = engine.run_wanted(plan, staged, spans, wants, settings, connection=con)
        whole = figures[PERIOD]
        months = {k: s for k, s in spans.items() if k != PERIOD}
        registered = run_registers(plan, request, span, con, months)
        result = assemble(plan, span, whole, whole.counts, whole.files, actuals, registered)
        per_month = None
        if monthly:
            per_month = tuple(
                _group(
                    plan,
                    whole,
                    key,
                    figures[key].period,
                    figures[key].counts,
                    registered.months[key] if registered and request.registers else {},
                )
                for key in months
            )
        groups = per_month if request.by == MONTH else None
        if request.by is not None and request.by != MONTH:
            groups = tuple(
                _group(plan, whole, g.key, g.period, g.counts)
                for g in engine.breakdown(plan, staged, span, request.by, settings, con)
            )
    finally:
        close_all(staged)
    form = None
    if extras.form is not None:
        from .engine.form import form_of_placement

        files = [f.path for f in whole.files]
        form = form_of_placement(plan, span, whole.summary, extras.form, files)
    return Run(
        plan,
        span,
        result,
        groups,
        per_month,
        whole.sql,
        whole,
        extras.rows,
        form,
        extras.checked,
        registered,
        registered.problems if registered is not None else None,
    )


def _registers_only(plan: Plan, span: Span, actuals: Actuals | None, request: Request) -> Run:
    """A run with no export (``explain`` of a register indicator, ``validate`` of registers):
    the register indicators and the typed figures; the dossier ones no_data."""
    registered = run_registers(plan, request, span, _connection(request))
    result = assemble(plan, span, None, {}, (), actuals, registered)
    found = registered.problems if registered is not None else None
    return Run(plan, span, result, None, None, "", registered=registered, register_problems=found)


def _month_keys(span: Span) -> list[tuple[str, Span]]:
    from .engine.groups import months_of

    return [(f"{m[0]:%Y-%m}", m) for m in months_of(span)]


def _wants(plan: Plan, request: Request):
    """What the engine computes besides the figures: the rows of ``request.rows`` (one pick per
    indicator, every class any of its kinds lists)."""
    from .engine import Pick, Wants
    from .explain import reads_due, shown_cells

    kinds = _kinds(plan, request, "dossiers")
    picks = []
    for ident, sets in kinds.items():
        classes = None if None in sets else frozenset().union(*sets)
        picks.append(Pick(ident, classes, reads_due(plan, plan.indicator(ident))))
    shown = shown_cells(plan, [plan.indicator(i) for i in kinds]) if picks else ()
    return Wants(tuple(picks), shown, PERIOD, request.form, request.problems)


def _kinds(plan: Plan, request: Request, source: str) -> dict[str, list[frozenset[str] | None]]:
    """The row classes ``request.rows`` asks of each indicator counted from ``source``."""
    from .explain import KIND_CLASSES

    kinds: dict[str, list[frozenset[str] | None]] = {}
    for ident, kind in request.rows:
        ind = plan.indicator(ident)
        if ind.source == source:
            kinds.setdefault(ind.id, []).append(KIND_CLASSES[kind])
    return kinds


def run_registers(
    plan: Plan,
    request: Request,
    span: Span,
    connection=None,
    months: Mapping[str, Span] | None = None,
):
    """The register indicators over the registers the request names (none given: each is
    no_data, with the register it needs), for the period and each of ``months``, with the rows
    ``request.rows`` asks of them; None when the plan counts nothing from registers (and no
    register is to be validated). With ``problems``, the registers' problems too."""
    from .engine.registers import RegisterPick
    from .engine.registers import run_registers as count
    from .io.registers import read_registers

    validating = request.problems and bool(request.registers)
    if not validating and not any(i.source == "registers" for i in plan.indicators):
        return None
    picks = [
        RegisterPick(ident, None if None in sets else frozenset().union(*sets))
        for ident, sets in _kinds(plan, request, "registers").items()
    ]
    stray: list[Path] = []
    staged = read_registers(plan, request.registers, stray) if request.registers else {}
    try:
        return count(
            plan,
            staged,
            span,
            connection,
            months=months,
            picks=picks,
            problems=request.problems,
            stray=tuple(p.name for p in stray),
        )
    finally:
        close_all(list(staged.values()))


def _connection(request: Request):
    """None: the engine opens (and closes) an embedded DuckDB; a Spark session otherwise,
    which answers the engine's queries in Spark SQL (kept for the next run)."""
    if request.engine == "duckdb":
        return None
    from .engine import spark

    return spark.connect(request.master or os.environ.get("SPARK_MASTER") or spark.DEFAULT_MASTER)


def _group(
    plan: Plan,
    columns: EngineResult,
    key: str | None,
    span: Span,
    counts: Mapping[str, Counts],
    registered: Mapping[str, IndicatorResult] | None = None,
) -> Group:
    """One group's results: the dossier indicators', then (a month) the register ones'."""
    dossier = [i for i in plan.indicators if i.source == "dossiers"]
    counted = tuple(dossier_result(plan, i, columns, counts.get(i.id)) for i in dossier)
    return Group(key, span, counted + tuple((registered or {}).values()))


@dataclass(frozen=True)
class Converted:
    folder: Path
    rows: int
    partitions: dict[str, int]  # "2023-05" -> rows; "" -> rows with no usable received date


def convert(request: Request, folder: Path) -> Converted:
    """``cchc convert``: the export staged and written as a partitioned Parquet set (all or
    nothing), which ``check`` and the other commands then read as the export itself."""
    import duckdb

    from .engine.bind import first_cells
    from .io.binding import bind_headers
    from .io.parquet import SET_FILE, write_set
    from .io.staged import cell_names
    from .plan.model import load_plan
    from .render.output import check_folder, publish_folder

    noun = Msg("thư mục Parquet", "Parquet folder")
    check_folder(folder, "DIR", noun, SET_FILE)
    plan = load_plan(request.plan, bases=request.bases or ())
    staged_all = read_inputs(plan, request)
    if len(staged_all) != 1:
        close_all(staged_all)
        raise CchcError(
            Msg(
                "convert đọc đúng một tệp xuất mỗi lần",
                "convert reads exactly one export at a time",
            ),
            Msg("chạy convert cho từng tệp", "run convert for each file"),
            Location(str(request.inputs[0])),
        )
    (staged,) = staged_all
    info = staged.info
    con = duckdb.connect()
    try:
        staged.register(con, "cells")
        names = cell_names(len(info.headers))
        bound = bind_headers(
            plan,
            info.headers,
            info.path,
            info.header_line,
            lambda i: first_cells(con, "cells", names[i]),
        )
        received = bound.where.get("received_at", (None, ""))[0]
        partitions: dict[str, int] = {}

        def fill(tmp: Path) -> None:
            batches = con.sql("SELECT * FROM cells").to_arrow_reader(1 << 17)
            partitions.update(write_set(info, iter(batches), received, tmp))

        publish_folder(folder, fill, "DIR", noun, SET_FILE)
    finally:
        con.close()
        staged.close()
    return Converted(folder, info.rows, dict(sorted(partitions.items())))
