"""An evidence folder for a check (``cchc check … --evidence DIR``) and its verification
(``cchc verify DIR``).

The folder holds, for every dossier and register indicator, ``<id>.csv`` with its failing and
left-out rows (file order, the columns ``explain`` shows; a register's rows named by register, file,
sheet and line), the report itself as ``report.json``, and ``manifest.json``: tool version, plan
(and every base an overlay plan extends), every input file (path, SHA-256, size, row counts), every
register file (which register, path, sheet, SHA-256, how it was read), the actuals file, the
period, the command line and working directory, and the SHA-256 of every evidence file. It is written into a temporary folder next to
DIR and renamed at the end, so a failure leaves nothing half-written. The same inputs give byte-identical CSV files; ``report.json``
and ``manifest.json`` differ only in ``generated_at`` (and the manifest in the report's hash).

``verify`` first checks the manifest against one strict schema (``MANIFEST_SHAPE``: a wrong
type, a file name that leaves the folder, anything but exactly one input is malformed, exit 2),
then re-hashes the evidence files and the recorded inputs (relative paths are taken from the
recorded working directory, or found by name in ``--inputs``), re-runs the check with exactly the
recorded plan, period, actuals and read options, rebuilds the whole folder and compares every
field of every figure, every file and the manifest. Only that gives "everything matches"; what it
could not recompute (an input missing) is NOT VERIFIED.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import CchcError, Location, Msg, say
from .render.output import check_folder, publish_folder

if TYPE_CHECKING:
    from .pipeline import Request, Run
    from .plan.model import Plan

MANIFEST = "manifest.json"
REPORT = "report.json"
MANIFEST_SCHEMA = 1

OK, MISMATCH, MISSING, SKIPPED = "ok", "mismatch", "missing", "skipped"


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def evidence_files(run: Run, names: Sequence[str] | None = None) -> dict[str, bytes]:
    """``<id>.csv`` for every dossier indicator of the run, as bytes (deterministic)."""
    return {name: data for name, (data, _) in _evidence_csvs(run, names).items()}


def _evidence_csvs(
    run: Run, names: Sequence[str] | None = None, registers: dict[str, str] | None = None
) -> dict[str, tuple[bytes, int]]:
    """``<id>.csv`` -> (bytes, data rows) for every dossier indicator of the run (which fetched
    their failing and left-out rows, :func:`evidence_request`); each indicator's figures are
    the run's own (not counted again). ``names``: how the rows name their files when several
    were counted as one (default: their paths); ``registers``: how they name each register's
    file (register -> path; default: its path)."""
    from .explain import EVIDENCE, evidence_csv, register_row_table, row_table

    assert run.rows is not None and run.whole is not None, "the run fetched no rows"
    files = list(names) if names is not None else [f.path for f in run.whole.files]
    listed = run.registered.rows if run.registered is not None else {}
    out: dict[str, tuple[bytes, int]] = {}
    for r in run.result.indicators:
        ind = r.indicator
        if ind.source == "registers" and ind.id in listed:  # none: its register was not given
            path = (registers or {}).get(ind.register)
            table = register_row_table(ind, listed[ind.id], EVIDENCE, path)
        elif ind.source == "dossiers":
            table = row_table(run.plan, ind, run.rows, EVIDENCE, run.whole, r, files)
        else:
            continue
        text, n = evidence_csv(table)
        out[f"{ind.id}.csv"] = (text.encode("utf-8"), n)
    return out


def evidence_request(request: Request, plan: Plan) -> Request:
    """The request with the rows an evidence folder lists: every dossier and register
    indicator's failing and left-out rows, fetched from the query that counts them."""
    from .explain import EVIDENCE

    counted = ("dossiers", "registers")
    picks = tuple((i.id, EVIDENCE) for i in plan.indicators if i.source in counted)
    return dataclasses.replace(request, rows=picks)


def _json_bytes(doc: dict) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _folder(
    run: Run, command_line, generated_at: str, cwd: str, pin=None, names=None, registers=None
) -> tuple[dict[str, bytes], dict, dict]:
    """Every file of an evidence folder (name -> bytes), its report and its manifest.

    ``write_evidence`` writes these and ``verify`` rebuilds them from its re-run and compares, so
    the two cannot disagree on what a folder holds. ``pin(doc)`` rewrites the report and the
    manifest before they are serialised (verify: back to the recorded paths and tool version,
    which a re-run on another machine cannot reproduce); ``names``: how the rows name their
    files and register files (verify: as recorded).
    """
    from .render.json import result_dict

    result = run.result
    csvs = _evidence_csvs(run, names, registers)
    report = result_dict(result, generated_at)
    if pin is not None:
        pin(report)
    files = {name: data for name, (data, _) in csvs.items()}
    files[REPORT] = _json_bytes(report)
    manifest = build_manifest(
        result,
        run.plan,
        files,
        command_line,
        generated_at,
        cwd,
        {name: n for name, (_, n) in csvs.items()},
    )
    if pin is not None:
        pin(manifest)
    return files, report, manifest


def _count_rows(data: bytes) -> int:
    """Data rows of an evidence CSV."""
    import csv
    import io

    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return max(sum(1 for _ in reader) - 1, 0)


def build_manifest(
    result,
    plan,
    files: dict[str, bytes],
    command_line,
    generated_at: str,
    cwd: str,
    rows: dict[str, int] | None = None,
) -> dict:
    """``rows``: data rows of the CSV files when known (else each file is parsed to count them)."""
    from .render.json import bases_list, input_dict, period_json

    inputs = [input_dict(i) for i in result.inputs]
    actuals = result.actuals
    return {
        "schema_version": MANIFEST_SCHEMA,
        "tool": {"name": "cchc", "version": __version__},
        "generated_at": generated_at,
        "command_line": [str(a) for a in command_line],
        "cwd": cwd,
        "plan": {
            "id": plan.id,
            "path": plan.path,
            "sha256": plan.sha256,
            "bases": bases_list(plan),
        },
        "period": period_json(result.period),
        "inputs": inputs,
        # only when registers were read: a folder written before them verifies as it was
        **(
            {"registers": [register_entry(i) for i in result.registers]} if result.registers else {}
        ),
        "actuals": {"path": actuals.path, "sha256": actuals.sha256} if actuals else None,
        "files": [
            {
                "name": name,
                "sha256": _sha(data),
                "size": len(data),
                **(
                    {"rows": rows[name] if rows and name in rows else _count_rows(data)}
                    if name.endswith(".csv")
                    else {}
                ),
            }
            for name, data in sorted(files.items())
        ],
    }


def register_entry(i) -> dict:
    """A register file in the manifest: which register, where, its hash and how it was read
    (what ``verify`` re-reads it with)."""
    return {
        "register": i.register,
        "path": i.path,
        "sheet": i.sheet,
        "sha256": i.sha256,
        "size": i.size,
        "format": i.format,
        "encoding": i.encoding,
        "delimiter": i.delimiter,
        "header_line": i.header_line,
        "rows_read": i.rows_read,
    }


EVIDENCE_FOLDER = Msg("thư mục bằng chứng", "evidence folder")


def write_evidence(
    run: Run,
    directory: str | Path,
    command_line,
    *,
    generated_at: str | None = None,
    cwd: str | None = None,
) -> Path:
    """Write the evidence folder of ``run`` (a run of :func:`evidence_request`) into
    ``directory`` (all or nothing).

    ``directory`` must not exist, be empty, or be an earlier evidence folder (it holds a
    manifest.json), which is replaced; any other folder is refused, so no unrelated file is ever
    deleted.
    """
    target = Path(directory)
    check_folder(target, "--evidence", EVIDENCE_FOLDER, MANIFEST)  # before the work
    files, _, manifest = _folder(
        run, command_line, generated_at or _now(), cwd or os.path.abspath(os.getcwd())
    )
    manifest_bytes = _json_bytes(manifest)

    def fill(tmp: Path) -> None:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        (tmp / MANIFEST).write_bytes(manifest_bytes)

    return publish_folder(target, fill, "--evidence", EVIDENCE_FOLDER, MANIFEST)


# ---------------------------------------------------------------------------------------------
# verify


@dataclass(frozen=True)
class Check:
    kind: str  # file | input | figures | rows | manifest
    subject: str | Msg
    status: str  # ok | mismatch | missing | skipped
    detail: Msg | None = None


@dataclass(frozen=True)
class Verification:
    directory: str
    manifest: dict
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """Every recorded file was re-hashed and the check re-run, and everything matched: a
        missing input or a skipped re-run is not a pass."""
        return bool(self.checks) and all(c.status == OK for c in self.checks)

    @property
    def missing(self) -> int:
        return sum(c.status == MISSING for c in self.checks)

    @property
    def mismatches(self) -> int:
        return sum(c.status == MISMATCH for c in self.checks)


# The manifest schema: one declarative table, checked before anything else is read. A leaf is an
# ``_Is`` (what the value must be, in words, and the test), a dict an object with exactly these
# keys (``"key?"``: optional), ``_ListOf`` a list, ``_Maybe`` "this or null". ``bool`` is never an
# int, and an evidence file name can only name a file directly inside the folder.


@dataclass(frozen=True)
class _Is:
    vi: str
    en: str
    test: Callable[[object], bool]


@dataclass(frozen=True)
class _ListOf:
    item: object
    least: int = 0
    most: int | None = None


@dataclass(frozen=True)
class _Maybe:
    shape: object


_SHA_RE = re.compile(r"[0-9a-f]{64}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CSV_NAME_RE = re.compile(r"[a-z][a-z0-9_]*\.csv")  # <indicator id>.csv (ids: [a-z][a-z0-9_]*)


def _is_date(v: object) -> bool:
    if not (isinstance(v, str) and _DATE_RE.fullmatch(v)):
        return False
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _exactly(value: object) -> _Is:
    shown = json.dumps(value)
    return _Is(shown, shown, lambda v: type(v) is type(value) and v == value)


_TEXT = _Is("một chuỗi", "a string", lambda v: isinstance(v, str))
_PATH = _Is(
    "một đường dẫn (chuỗi khác rỗng)",
    "a path (a non-empty string)",
    lambda v: isinstance(v, str) and v != "" and "\x00" not in v,
)
_COUNT = _Is("một số nguyên ≥ 0", "a whole number ≥ 0", lambda v: type(v) is int and v >= 0)
_SHA256 = _Is(
    "64 chữ số hex thường (SHA-256)",
    "64 lowercase hex digits (a SHA-256)",
    lambda v: isinstance(v, str) and bool(_SHA_RE.fullmatch(v)),
)
_DATE = _Is("một ngày dạng YYYY-MM-DD", "a date written YYYY-MM-DD", _is_date)
_FILE_NAME = _Is(
    "tên một tệp ngay trong thư mục: report.json hoặc <mã chỉ tiêu>.csv "
    "(không có /, \\, .., ổ đĩa hay đường dẫn tuyệt đối)",
    "the name of a file directly in the folder: report.json or <indicator id>.csv "
    "(no /, \\, .., drive letter or absolute path)",
    lambda v: v == REPORT or (isinstance(v, str) and bool(_CSV_NAME_RE.fullmatch(v))),
)
_INPUT_SHAPE = {  # render.json.input_dict
    "path": _PATH,
    "sha256": _SHA256,
    "size": _COUNT,
    "format": _TEXT,
    "encoding": _Maybe(_TEXT),
    "delimiter": _Maybe(_TEXT),
    "sheet": _Maybe(_TEXT),
    "header_line": _COUNT,
    "rows_read": _COUNT,
    "rows_used": _COUNT,
    "rows_out_of_period": _COUNT,
    "rows_not_received": _COUNT,
    "rows_left_out": _COUNT,
    "rows_received_in_period": _COUNT,
    "rows_resolved_in_period": _COUNT,
    "left_out_by": _ListOf({"reason": _TEXT, "field": _TEXT, "rows": _COUNT}),
    "blank_rows": _COUNT,
    "rows_layout": _COUNT,
    "layout_rows": _ListOf({"line": _COUNT, "kind": _TEXT}),
    "problems": _COUNT,
    "due_dates_derived": _COUNT,
    "missing_columns": _ListOf(_TEXT),
    "last_received": _Maybe(_DATE),
    "columns_chosen": _ListOf(
        {
            "field": _TEXT,
            "header": _TEXT,
            "column": _COUNT,
            "kind": _TEXT,
            "not_used": _ListOf({"header": _TEXT, "column": _COUNT, "example": _Maybe(_TEXT)}, 1),
        }
    ),
}
_FILE_SHAPE = {"path": _PATH, "sha256": _SHA256}
_REGISTER_SHAPE = {  # register_entry
    "register": _TEXT,
    "path": _PATH,
    "sheet": _Maybe(_TEXT),
    "sha256": _SHA256,
    "size": _COUNT,
    "format": _TEXT,
    "encoding": _Maybe(_TEXT),
    "delimiter": _Maybe(_TEXT),
    "header_line": _COUNT,
    "rows_read": _COUNT,
}
_DAYS = {"start": _DATE, "end": _DATE}
_PERIOD_SHAPE = {  # period.span_json
    **_DAYS,
    "kind": _Is(
        "calendar hoặc cutoff", "calendar or cutoff", lambda v: v in ("calendar", "cutoff")
    ),
    "name": _Maybe(_TEXT),
    "cutoff_day": _Maybe(_COUNT),
    "calendar?": _DAYS,
    "narrowed_from?": {"period": _TEXT, **_DAYS},
}
MANIFEST_SHAPE = {  # build_manifest
    "schema_version": _exactly(MANIFEST_SCHEMA),
    "tool": {"name": _exactly("cchc"), "version": _TEXT},
    "generated_at": _TEXT,
    "command_line": _ListOf(_TEXT),
    "cwd": _PATH,
    "plan": {"id": _TEXT, "path": _PATH, "sha256": _SHA256, "bases": _ListOf(_FILE_SHAPE)},
    "period": _PERIOD_SHAPE,
    "inputs": _ListOf(_INPUT_SHAPE, 1),  # several files counted as one: one each
    "registers?": _ListOf(_REGISTER_SHAPE),  # register_entry (absent: written before registers)
    "actuals": _Maybe(_FILE_SHAPE),
    "files": _ListOf({"name": _FILE_NAME, "sha256": _SHA256, "size": _COUNT, "rows?": _COUNT}, 1),
}
_MALFORMED_HINT = Msg(
    "manifest.json do 'cchc check --evidence' ghi ra và không được sửa tay; "
    "hãy tạo lại thư mục bằng chứng từ các tệp gốc",
    "manifest.json is written by 'cchc check --evidence' and must not be edited by hand; "
    "write the evidence folder again from the original files",
)


class _Malformed(Exception):
    """One field of the manifest breaks the schema: ``field`` and what is wrong, in both
    languages."""

    def __init__(self, field: str, vi: str, en: str):
        super().__init__(field)
        self.field, self.vi, self.en = field, vi, en


def _shown(value: object) -> str:
    """A short, safe picture of a JSON value (containers are not walked: they may be deep)."""
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


_OBJECT = _Is("một đối tượng {…}", "an object {…}", lambda v: isinstance(v, dict))
_LIST = _Is("một danh sách […]", "a list […]", lambda v: isinstance(v, list))


def _must(value: object, leaf: _Is, where: str) -> None:
    if not leaf.test(value):
        raise _Malformed(
            where,
            f"phải là {leaf.vi} (đang là {_shown(value)})",
            f"must be {leaf.en} (found {_shown(value)})",
        )


def _conform(value: object, shape: object, where: str) -> None:
    """Raise _Malformed at the first place ``value`` breaks ``shape``."""
    if isinstance(shape, _Maybe):
        if value is None:
            return
        shape = shape.shape
    if isinstance(shape, dict):
        _must(value, _OBJECT, where)
        names = {key.rstrip("?"): key for key in shape}
        for name, key in names.items():
            inner = f"{where}.{name}" if where else name
            if name in value:
                _conform(value[name], shape[key], inner)
            elif not key.endswith("?"):
                raise _Malformed(inner, "bị thiếu", "is missing")
        for name in value:
            if name not in names:
                inner = f"{where}.{name}" if where else name
                raise _Malformed(inner, "không có trong định dạng", "is not a manifest field")
    elif isinstance(shape, _ListOf):
        _must(value, _LIST, where)
        most = len(value) if shape.most is None else shape.most
        if not shape.least <= len(value) <= most:
            if shape.least == most:
                vi, en = f"đúng {most}", f"exactly {most}"
            elif len(value) < shape.least:
                vi, en = f"ít nhất {shape.least}", f"at least {shape.least}"
            else:
                vi, en = f"nhiều nhất {most}", f"at most {most}"
            raise _Malformed(
                where,
                f"phải có {vi} mục (đang có {len(value)})",
                f"must hold {en} item(s) (holds {len(value)})",
            )
        for n, item in enumerate(value):
            _conform(item, shape.item, f"{where}[{n}]")
    else:
        _must(value, shape, where)


def _check_relations(m: dict) -> None:
    """What the table cannot say: one entry per file, report.json listed, row counts exactly for
    the CSV files, a period that does not end before it starts."""
    seen: set[str] = set()
    for n, f in enumerate(m["files"]):
        where = f"files[{n}]"
        if f["name"] in seen:
            raise _Malformed(f"{where}.name", "lặp lại một tệp đã ghi", "repeats a listed file")
        seen.add(f["name"])
        if ("rows" in f) != f["name"].endswith(".csv"):
            raise _Malformed(
                f"{where}.rows",
                "chỉ có (và phải có) ở tệp .csv",
                "belongs to (every) .csv file only",
            )
    if REPORT not in seen:
        raise _Malformed("files", f"không ghi {REPORT}", f"does not list {REPORT}")
    paths: set[str] = set()
    for n, i in enumerate(m["inputs"]):  # check refuses a file named twice: so must a manifest
        if i["path"] in paths:
            raise _Malformed(f"inputs[{n}].path", "lặp lại một tệp đã ghi", "repeats a listed file")
        paths.add(i["path"])
    if m["period"]["end"] < m["period"]["start"]:  # ISO dates sort as text
        raise _Malformed("period.end", "trước period.start", "is before period.start")
    cutoff = m["period"]["kind"] == "cutoff"
    if cutoff != ("calendar" in m["period"]) or cutoff != (m["period"]["cutoff_day"] is not None):
        raise _Malformed(
            "period.kind",
            "cutoff đi cùng (và chỉ cùng) calendar và cutoff_day",
            "cutoff goes with (and only with) calendar and cutoff_day",
        )


def _inside(directory: Path, name: str) -> bool:
    """``name`` in ``directory`` is, after every symbolic link, a file directly in it."""
    return os.path.dirname(os.path.realpath(directory / name)) == os.path.realpath(directory)


def read_manifest(directory: str | Path) -> dict:
    """The manifest of an evidence folder, checked against MANIFEST_SHAPE; anything unreadable or
    malformed (a field of the wrong type, a file name outside the folder) is a CchcError (exit 2),
    raised before any other file is read."""
    d = Path(directory)
    path = d / MANIFEST
    where = Location(str(path))
    if not d.is_dir():
        raise CchcError(
            Msg("không tìm thấy thư mục bằng chứng", "evidence folder not found"),
            None,
            Location(str(directory)),
        )
    if path.exists() and not _inside(d, MANIFEST):
        raise CchcError(
            Msg(
                "manifest.json là liên kết trỏ ra ngoài thư mục bằng chứng",
                "manifest.json is a link to a file outside the evidence folder",
            ),
            _MALFORMED_HINT,
            where,
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise CchcError(
            Msg("thư mục không có manifest.json", "the folder has no manifest.json"),
            Msg(
                "đây có phải thư mục do 'cchc check --evidence' tạo ra?",
                "is this a folder written by 'cchc check --evidence'?",
            ),
            where,
        ) from None
    except RecursionError:
        raise CchcError(
            Msg(
                "manifest.json không đúng định dạng: lồng nhau quá sâu",
                "manifest.json is malformed: nested too deeply",
            ),
            _MALFORMED_HINT,
            where,
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CchcError(
            Msg(f"không đọc được manifest.json: {exc}", f"cannot read manifest.json: {exc}"),
            None,
            where,
        ) from None
    try:
        _conform(data, MANIFEST_SHAPE, "")
        _check_relations(data)
        for n, f in enumerate(data["files"]):
            if not _inside(d, f["name"]):
                raise _Malformed(
                    f"files[{n}].name",
                    f"({f['name']}) là liên kết trỏ ra ngoài thư mục bằng chứng",
                    f"({f['name']}) is a link to a file outside the evidence folder",
                )
    except _Malformed as bad:
        field_name = bad.field or "(gốc)"
        field_en = bad.field or "(top level)"
        raise CchcError(
            Msg(
                f"manifest.json không đúng định dạng: trường '{field_name}' {bad.vi}",
                f"manifest.json is malformed: field '{field_en}' {bad.en}",
            ),
            _MALFORMED_HINT,
            where,
        ) from None
    return data


def _resolve(
    path: str,
    cwd: str,
    inputs: Sequence[Path] = (),
    sha256: str | None = None,
    plan: bool = False,
) -> Path:
    """Where a recorded file is now: as recorded (relative to the recorded cwd), else by its name
    in the ``inputs`` folders (the auditor received the files in: directly in one, or in a
    subfolder; of several with that name, the one whose hash is the recorded ``sha256``), else —
    for a ``plan`` — the plan shipped with cchc when its hash is the recorded one."""
    p = Path(path)
    recorded = p if p.is_absolute() else Path(cwd) / p
    if recorded.is_file() or (not inputs and not plan):
        return recorded
    named = [q for folder in inputs for q in _named(Path(folder), p.name)] if p.name else []
    same = [q for q in named if sha256 is not None and sha256_file(q) == sha256]
    if same or named:
        return (same or named)[0]
    if plan and sha256 is not None:
        from .plan.model import default_plan_path

        shipped = default_plan_path()
        if shipped.is_file() and sha256_file(shipped) == sha256:
            return shipped
    return recorded


def _named(folder: Path, name: str) -> list[Path]:
    """The files called ``name`` in ``folder``: directly in it first, then in its subfolders."""
    direct = folder / name
    nested = sorted(q for q in folder.rglob(name) if q.is_file() and q != direct)
    return [direct, *nested] if direct.is_file() else nested


def _hash_check(kind: str, subject: str | Msg, path: Path, expected: str) -> Check:
    if not path.is_file():
        return Check(kind, subject, MISSING, Msg(f"không tìm thấy {path}", f"not found at {path}"))
    try:
        actual = sha256_file(path)
    except OSError as exc:
        return Check(
            kind,
            subject,
            MISSING,
            Msg(f"không đọc được: {exc.strerror}", f"unreadable: {exc.strerror}"),
        )
    if actual != expected:
        return Check(
            kind,
            subject,
            MISMATCH,
            Msg(
                f"SHA-256 khác: ghi nhận {expected[:12]}…, hiện tại {actual[:12]}…",
                f"SHA-256 differs: recorded {expected[:12]}…, now {actual[:12]}…",
            ),
        )
    return Check(kind, subject, OK, None)


def verify(
    directory: str | Path, inputs: str | Path | Sequence[str | Path] | None = None
) -> Verification:
    """Check an evidence folder against its manifest and its inputs.

    Passes only when every evidence file and recorded input (plan, export, actuals) hashes as
    recorded and the check, re-run with the recorded plan, period, actuals and read options,
    rebuilds every evidence file, report.json and manifest.json as stored. ``inputs``: folders
    holding the recorded input files (found there by name, in a subfolder too) when they are no
    longer at their recorded paths, e.g. on an auditor's machine.
    """
    if inputs is None:
        received: tuple[Path, ...] = ()
    elif isinstance(inputs, (str, Path)):
        received = (Path(inputs),)
    else:
        received = tuple(Path(i) for i in inputs)
    d = Path(directory)
    m = read_manifest(d)
    checks: list[Check] = []

    listed = {f["name"] for f in m["files"]}
    for f in m["files"]:
        checks.append(_hash_check("file", f["name"], d / f["name"], f["sha256"]))
        if checks[-1].status == MISSING:
            checks[-1] = Check(
                "file", f["name"], MISMATCH, Msg("tệp bằng chứng bị mất", "evidence file is gone")
            )
    for extra in sorted(p.name for p in d.iterdir() if p.is_file()):
        if extra not in listed and extra != MANIFEST and not extra.startswith((".", "~$")):
            checks.append(
                Check(
                    "file",
                    extra,
                    MISMATCH,
                    Msg("tệp lạ, không có trong manifest", "unexpected file, not in the manifest"),
                )
            )

    recorded = [("plan", m["plan"], Msg("kế hoạch", "plan"))]
    for n, base in enumerate(m["plan"]["bases"]):  # every file of an overlay plan's chain
        recorded.append((f"base{n}", base, Msg("kế hoạch gốc", "base plan")))
    for n, entry in enumerate(m["inputs"]):  # every export counted
        recorded.append((f"records{n}", entry, Msg("tệp hồ sơ", "records")))
    if m["actuals"] is not None:
        recorded.append(("actuals", m["actuals"], Msg("tệp số liệu", "actuals")))
    for n, entry in enumerate(register_files(m)):  # a workbook once, for all its sheets
        recorded.append((f"register{n}", entry, Msg("sổ theo dõi", "register")))
    found: dict[str, Path] = {}
    gone: list[Msg] = []
    for key, entry, word in recorded:
        subject = Msg(f"{word.vi} {entry['path']}", f"{word.en} {entry['path']}")
        # the shipped plan may stand in for a plan (or a base) recorded with its hash
        is_plan = key == "plan" or key.startswith("base")
        found[key] = _resolve(entry["path"], m["cwd"], received, entry["sha256"], is_plan)
        checks.append(_hash_check("input", subject, found[key], entry["sha256"]))
        if checks[-1].status == MISSING:
            gone.append(subject)
    if gone:
        checks.append(
            Check(
                "figures",
                "check",
                SKIPPED,
                Msg(
                    "không chạy lại được: thiếu " + ", ".join(g.vi for g in gone),
                    "cannot re-run: missing " + ", ".join(g.en for g in gone),
                ),
            )
        )
    else:
        checks.extend(_rerun(d, m, found))
    return Verification(str(directory), m, tuple(checks))


def register_files(m: dict) -> list[dict]:
    """The register files a manifest records, each once (a workbook holds several registers)."""
    out: dict[str, dict] = {}
    for entry in m.get("registers", ()):
        out.setdefault(entry["path"], entry)
    return list(out.values())


def _as_recorded(m: dict):
    """``pin`` for :func:`_folder`: the recorded paths and tool version, which a re-run from
    files found elsewhere (``--inputs``, the shipped plan) or by another cchc cannot reproduce."""

    def pin(doc: dict) -> None:
        doc["tool"]["version"] = m["tool"]["version"]
        doc["plan"]["path"] = m["plan"]["path"]
        for got, rec in zip(doc["plan"]["bases"], m["plan"]["bases"], strict=False):
            got["path"] = rec["path"]
        exports = [i for i in doc["inputs"] if "register" not in i]
        for got, rec in zip(exports, m["inputs"], strict=False):
            got["path"] = rec["path"]
        registers = [i for i in doc["inputs"] if "register" in i] + doc.get("registers", [])
        where = {e["register"]: e["path"] for e in m.get("registers", ())}
        for got in registers:  # the report's register inputs, the manifest's registers
            got["path"] = where.get(got["register"], got["path"])
        if doc["actuals"] is not None and m["actuals"] is not None:
            doc["actuals"]["path"] = m["actuals"]["path"]

    return pin


def _rerun(d: Path, m: dict, paths: dict[str, Path]) -> list[Check]:
    """Re-run the check through the pipeline with exactly the recorded plan, period, actuals,
    exports and read options (never re-detected), rebuild the folder and compare it, figure by
    figure and byte by byte."""
    from .pipeline import ReadOptions, Request, load
    from .pipeline import run as run_pipeline
    from .plan.period import span_from_json

    recorded = m["inputs"]
    try:
        bases = tuple(paths[f"base{n}"] for n in range(len(m["plan"]["bases"])))
        request = Request(
            tuple(paths[f"records{n}"] for n in range(len(recorded))),
            paths["plan"],
            bases=bases,
            span=span_from_json(m["period"]),  # as recorded: a cut-off window, a narrowed period
            actuals=paths.get("actuals"),
            registers=tuple(paths[f"register{n}"] for n in range(len(register_files(m)))),
            read_each=tuple(
                ReadOptions(i["encoding"], i["delimiter"], i["sheet"]) for i in recorded
            ),
        )
        loaded = load(request)
        run = run_pipeline(evidence_request(request, loaded[0]), loaded)
    except CchcError as exc:
        vi, en = f"chạy lại thất bại: {exc.render('vi')}", f"re-run failed: {exc.render('en')}"
        return [_mismatch("check", vi, en)]
    names = [i["path"] for i in recorded]
    registers = {e["register"]: e["path"] for e in m.get("registers", ())}
    files, report, manifest = _folder(
        run, m["command_line"], m["generated_at"], m["cwd"], _as_recorded(m), names, registers
    )
    checks = _compare_report(d, report)
    listed = {f["name"]: f["sha256"] for f in m["files"]}
    for name, data in sorted(files.items()):
        same = listed.get(name) == _sha(data)
        checks.append(
            Check(
                "rows",
                name,
                OK if same else MISMATCH,
                None
                if same
                else Msg(
                    "tệp tạo lại khi chạy lại khác với tệp bằng chứng đã ghi",
                    "the file rebuilt by the re-run differs from the recorded evidence file",
                ),
            )
        )
    diff = _differences(manifest, m)
    checks.append(
        Check("manifest", MANIFEST, MISMATCH if diff else OK, _differs_at(diff) if diff else None)
    )
    return checks


def _mismatch(subject: str | Msg, vi: str, en: str) -> Check:
    return Check("figures", subject, MISMATCH, Msg(vi, en))


def _compare_report(d: Path, expected: dict) -> list[Check]:
    """Every field of every indicator, then the rest of the report, against report.json."""
    try:
        stored = json.loads((d / REPORT).read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        stored = None
    if not isinstance(stored, dict):
        return [_mismatch(REPORT, "không đọc được report.json", "cannot read report.json")]
    listed = stored.get("indicators")
    entries = listed if isinstance(listed, list) else []
    recorded: dict[str, dict] = {}
    for e in entries:
        if isinstance(e, dict) and isinstance(e.get("id"), str):
            recorded.setdefault(e["id"], e)

    checks: list[Check] = []
    for want in expected["indicators"]:
        ident, got = want["id"], _figures(want)
        rec = recorded.get(ident)
        if _same(rec, want):
            checks.append(Check("figures", ident, OK, Msg(_figs(got, "vi"), _figs(got, "en"))))
            continue
        shown = _figs(_figures(rec), "vi") if rec is not None else "không có"
        shown_en = _figs(_figures(rec), "en") if rec is not None else "absent"
        where = ", ".join(_differences(want, rec)[:6]) if rec is not None else ""
        checks.append(
            _mismatch(
                ident,
                f"báo cáo ghi {shown}, chạy lại được {_figs(got, 'vi')}"
                + (f" (khác ở: {where})" if where else ""),
                f"report says {shown_en}, re-run gives {_figs(got, 'en')}"
                + (f" (differs at: {where})" if where else ""),
            )
        )
    fresh = {want["id"] for want in expected["indicators"]}
    for ident in sorted(set(recorded) - fresh):
        checks.append(
            _mismatch(
                ident,
                "có trong báo cáo nhưng không có trong kế hoạch",
                "in the report but not in the plan",
            )
        )

    def rest(doc: dict, items: object) -> dict:
        ids = (
            [e.get("id") if isinstance(e, dict) else e for e in items]
            if isinstance(items, list)
            else items
        )
        return {**{k: v for k, v in doc.items() if k != "indicators"}, "indicators": ids}

    diff = _differences(rest(expected, expected["indicators"]), rest(stored, listed))
    checks.append(
        Check(
            "figures",
            Msg(
                "phần còn lại của report.json (kỳ, tệp đầu vào, tổng hợp…)",
                "the rest of report.json (period, inputs, summary…)",
            ),
            MISMATCH if diff else OK,
            _differs_at(diff) if diff else None,
        )
    )
    return checks


def _same(a: object, b: object) -> bool:
    """JSON equality where the type counts (``true`` is not ``1``, ``6.0`` is not ``6``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return a == b


_ABSENT = object()


def _differences(want: object, got: object, where: str = "") -> list[str]:
    """The fields (``inputs[0].rows_read``) where ``got`` is not ``want``; it descends only as deep
    as ``want`` (the rebuilt document), however deep ``got`` is."""
    if isinstance(want, dict) and isinstance(got, dict):
        keys = list(want) + [k for k in got if k not in want]
        return [
            p
            for k in keys
            for p in _differences(
                want.get(k, _ABSENT), got.get(k, _ABSENT), f"{where}.{k}" if where else str(k)
            )
        ]
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [
            p
            for n, (x, y) in enumerate(zip(want, got, strict=True))
            for p in _differences(x, y, f"{where}[{n}]")
        ]
    return [] if _same(want, got) else [where or "(gốc)"]


def _differs_at(fields: list[str]) -> Msg:
    shown = ", ".join(fields[:6]) + (f" (+{len(fields) - 6})" if len(fields) > 6 else "")
    return Msg(f"khác với bản chạy lại ở: {shown}", f"differs from the re-run at: {shown}")


def _figures(doc: dict) -> tuple:
    return (doc.get("numerator"), doc.get("denominator"), doc.get("status"), doc.get("value"))


def _figs(t, lang: str) -> str:
    """``num/den, VERDICT``; a forged report's values are shown as JSON, never walked."""
    num, den, status, value = t
    from .render import STATUS_TEXT

    known = isinstance(status, str) and status in STATUS_TEXT
    word = STATUS_TEXT[status].get(lang) if known else _shown(status)
    if den is None:
        if num is not None:
            return f"{_shown(num)}, {word}"
        return f"{value:g}, {word}" if isinstance(value, float) else f"–, {word}"
    return f"{_shown(num)}/{_shown(den)}, {word}"


STATUS_WORD = {
    OK: Msg("khớp", "matches"),
    MISMATCH: Msg("KHÔNG KHỚP", "MISMATCH"),
    MISSING: Msg("KHÔNG TÌM THẤY", "NOT FOUND"),
    SKIPPED: Msg("bỏ qua", "skipped"),
}
KIND_WORD = {
    "file": Msg("Tệp bằng chứng", "Evidence file"),
    "input": Msg("Tệp đầu vào", "Input"),
    "figures": Msg("Số liệu", "Figures"),
    "rows": Msg("Tệp tạo lại khi chạy lại", "Files rebuilt by the re-run"),
    "manifest": Msg("Manifest tạo lại khi chạy lại", "Manifest rebuilt by the re-run"),
}


def render_verification(v: Verification, lang: str = "vi") -> str:
    vi = lang != "en"
    m = v.manifest
    lines = [
        (
            f"Thư mục bằng chứng: {v.directory} (cchc {m['tool']['version']}, "
            f"tạo lúc {m['generated_at']})"
        )
        if vi
        else (
            f"Evidence folder: {v.directory} (cchc {m['tool']['version']}, "
            f"written {m['generated_at']})"
        ),
        (
            f"Kỳ: {m['period']['start']} – {m['period']['end']}; "
            f"thư mục làm việc khi chạy: {m['cwd']}"
        )
        if vi
        else (
            f"Period: {m['period']['start']} – {m['period']['end']}; "
            f"working directory at check time: {m['cwd']}"
        ),
    ]
    kind = None
    for c in v.checks:
        if c.kind != kind:
            kind = c.kind
            lines.append(KIND_WORD.get(kind, Msg(kind, kind)).get(lang) + ":")
        mark = {OK: "✓", MISMATCH: "✗"}.get(c.status, "–")
        text = f"  {mark} {say(c.subject, lang)}: {STATUS_WORD[c.status].get(lang)}"
        if c.detail is not None:
            text += f" — {c.detail.get(lang)}"
        lines.append(text)
    n, gone = v.mismatches, v.missing
    if n:
        lines.append(f"Kết quả: {n} điểm KHÔNG KHỚP." if vi else f"Result: {n} mismatch(es).")
    if not v.ok and not n:
        names = "; ".join(say(c.subject, lang) for c in v.checks if c.status == MISSING)
        lines.append(
            f"Kết quả: CHƯA KIỂM TRA LẠI ĐƯỢC — thiếu {gone} tệp đã ghi trong manifest.json "
            f"({names}), nên không chạy lại được phép tính; đặt các tệp đó đúng đường dẫn đã ghi, "
            "hoặc chỉ thư mục chứa chúng bằng --inputs THƯ_MỤC, rồi chạy lại."
            if vi
            else f"Result: NOT VERIFIED — {gone} file(s) recorded in manifest.json are missing "
            f"({names}), so the check could not be re-run; put them back at the recorded paths, "
            "or point --inputs DIR at the folder holding them, and run verify again."
        )
    if v.ok:
        lines.append("Kết quả: mọi thứ khớp." if vi else "Result: everything matches.")
    return "\n".join(lines) + "\n"


__all__ = [
    "MANIFEST_SHAPE",
    "Verification",
    "read_manifest",
    "render_verification",
    "verify",
    "write_evidence",
]
