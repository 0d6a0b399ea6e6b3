"""An evidence folder for a check (``cchc check … --evidence DIR``) and its verification
(``cchc verify DIR``).

The folder holds, for every dossier indicator, ``<id>.csv`` with its failing and left-out rows
(file order, the columns ``explain`` shows), the report itself as ``report.json``, and
``manifest.json``: tool version, plan, every input file (path, SHA-256, size, row counts), the
actuals file, the period, the command line and working directory, and the SHA-256 of every
evidence file. It is written into a temporary folder next to DIR and renamed at the end, so a
failure leaves nothing half-written. The same inputs give byte-identical CSV files; ``report.json``
and ``manifest.json`` differ only in ``generated_at`` (and the manifest in the report's hash).

``verify`` re-hashes the evidence files and the recorded inputs, re-runs the check from the
inputs when they are still at the recorded paths (relative paths are taken from the recorded
working directory), and compares each indicator's numerator, denominator and status, and each
evidence CSV, with what was recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import CchcError, Location, Msg, say
from .output import _umask

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


def evidence_files(result, plan, records, classified) -> dict[str, bytes]:
    """``<id>.csv`` for every dossier indicator of the result, as bytes (deterministic)."""
    return {
        name: data for name, (data, _) in _evidence_csvs(result, plan, records, classified).items()
    }


def _evidence_csvs(result, plan, records, classified) -> dict[str, tuple[bytes, int]]:
    """``<id>.csv`` -> (bytes, data rows) for every dossier indicator of the result; each
    indicator's figures are the result's own (not counted again)."""
    from .explain import evidence_csv

    out: dict[str, tuple[bytes, int]] = {}
    for r in result.indicators:
        ind = r.indicator
        if ind.source != "dossiers":
            continue
        text, n = evidence_csv(plan, ind, records, classified, r)
        out[f"{ind.id}.csv"] = (text.encode("utf-8"), n)
    return out


def _report_bytes(result, generated_at: str) -> bytes:
    from .render.json import result_dict

    return (
        json.dumps(result_dict(result, generated_at), ensure_ascii=False, indent=2) + "\n"
    ).encode("utf-8")


def _count_rows(data: bytes) -> int:
    """Data rows of an evidence CSV."""
    import csv
    import io

    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return max(sum(1 for _ in reader) - 1, 0)


def build_manifest(
    result,
    plan,
    records,
    files: dict[str, bytes],
    command_line,
    generated_at: str,
    cwd: str,
    rows: dict[str, int] | None = None,
) -> dict:
    """``rows``: data rows of the CSV files when known (else each file is parsed to count them)."""
    from .render.json import input_dict

    inputs = [input_dict(i) for i in result.inputs]
    actuals = result.actuals
    return {
        "schema_version": MANIFEST_SCHEMA,
        "tool": {"name": "cchc", "version": __version__},
        "generated_at": generated_at,
        "command_line": [str(a) for a in command_line],
        "cwd": cwd,
        "plan": {"id": plan.id, "path": plan.path, "sha256": plan.sha256},
        "period": {"start": result.period[0].isoformat(), "end": result.period[1].isoformat()},
        "inputs": inputs,
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


def write_evidence(
    result,
    plan,
    records,
    classified,
    directory: str | Path,
    command_line,
    *,
    generated_at: str | None = None,
    cwd: str | None = None,
) -> Path:
    """Write the evidence folder for ``result`` into ``directory`` (all or nothing).

    ``classified`` may be None (it is then computed for the result's period). ``directory`` must
    not exist, be empty, or be an earlier evidence folder (it holds a manifest.json), which is
    replaced; any other folder is refused, so no unrelated file is ever deleted.
    """
    from .classify import classify

    target = Path(directory)
    where = Location(str(directory))
    if target.exists() and not target.is_dir():
        raise CchcError(
            Msg("--evidence phải là một thư mục", "--evidence must be a folder"), None, where
        )
    replacing = False
    if target.is_dir() and any(target.iterdir()):
        if not (target / MANIFEST).is_file():
            raise CchcError(
                Msg(
                    "thư mục bằng chứng đã có tệp khác (không phải bằng chứng cũ của cchc)",
                    "the evidence folder holds other files (not an earlier cchc evidence folder)",
                ),
                Msg("chọn một thư mục mới hoặc thư mục trống", "choose a new or empty folder"),
                where,
            )
        replacing = True
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise CchcError(
            Msg(
                "thư mục chứa thư mục bằng chứng không tồn tại",
                "the folder to hold the evidence does not exist",
            ),
            Msg(f"tạo thư mục {parent} trước", f"create {parent} first"),
            where,
        )
    cl = classified if classified is not None else classify(plan, records, result.period)
    generated_at = generated_at or _now()
    csvs = _evidence_csvs(result, plan, records, cl)
    files = {name: data for name, (data, _) in csvs.items()}
    files[REPORT] = _report_bytes(result, generated_at)
    manifest = build_manifest(
        result,
        plan,
        records,
        files,
        command_line,
        generated_at,
        cwd or os.path.abspath(os.getcwd()),
        {name: n for name, (_, n) in csvs.items()},
    )
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise CchcError(
            Msg(
                f"không ghi được thư mục bằng chứng: {exc.strerror}",
                f"cannot write the evidence folder: {exc.strerror}",
            ),
            Msg("kiểm tra quyền ghi và dung lượng đĩa", "check write permission and disk space"),
            where,
        ) from None
    old: Path | None = None
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; give it a normal folder's mode
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        (tmp / MANIFEST).write_bytes(manifest_bytes)
        if replacing:
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
            os.replace(target, old / "evidence")
        os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and (old / "evidence").exists() and not target.exists():
            os.replace(old / "evidence", target)  # put the earlier evidence back
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise CchcError(
            Msg(
                f"không ghi được thư mục bằng chứng: {exc.strerror}",
                f"cannot write the evidence folder: {exc.strerror}",
            ),
            None,
            where,
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and (old / "evidence").exists() and not target.exists():
            os.replace(old / "evidence", target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


# ---------------------------------------------------------------------------------------------
# verify


@dataclass(frozen=True)
class Check:
    kind: str  # file | input | figures | rows | folder
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
        """Everything recorded was found and matched: a missing input is not a pass."""
        return not any(c.status in (MISMATCH, MISSING) for c in self.checks)

    @property
    def missing(self) -> int:
        return sum(c.status == MISSING for c in self.checks)

    @property
    def mismatches(self) -> int:
        return sum(c.status == MISMATCH for c in self.checks)


def read_manifest(directory: str | Path) -> dict:
    """The manifest of an evidence folder; anything unreadable is a CchcError (exit 2)."""
    path = Path(directory) / MANIFEST
    where = Location(str(path))
    if not Path(directory).is_dir():
        raise CchcError(
            Msg("không tìm thấy thư mục bằng chứng", "evidence folder not found"),
            None,
            Location(str(directory)),
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
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CchcError(
            Msg(f"không đọc được manifest.json: {exc}", f"cannot read manifest.json: {exc}"),
            None,
            where,
        ) from None
    try:
        ok = (
            isinstance(data, dict)
            and data.get("schema_version") == MANIFEST_SCHEMA
            and isinstance(data["files"], list)
            and all(
                isinstance(f["name"], str) and isinstance(f["sha256"], str) for f in data["files"]
            )
            and isinstance(data["plan"]["path"], str)
            and isinstance(data["plan"]["sha256"], str)
            and isinstance(data["inputs"], list)
            and all(
                isinstance(i["path"], str) and isinstance(i["sha256"], str) for i in data["inputs"]
            )
            and isinstance(data["period"]["start"], str)
            and isinstance(data["cwd"], str)
        )
    except (KeyError, TypeError):
        ok = False
    if not ok:
        raise CchcError(
            Msg("manifest.json không đúng định dạng", "manifest.json is malformed"), None, where
        )
    return data


def _resolve(path: str, cwd: str, inputs: Path | None = None, sha256: str | None = None) -> Path:
    """Where a recorded file is now: as recorded (relative to the recorded cwd), else by its name
    in ``inputs`` (a folder the auditor received the files in), else — for the plan — the plan
    shipped with cchc when its hash is the recorded one."""
    p = Path(path)
    recorded = p if p.is_absolute() else Path(cwd) / p
    if recorded.is_file() or (inputs is None and sha256 is None):
        return recorded
    if inputs is not None and (Path(inputs) / p.name).is_file():
        return Path(inputs) / p.name
    if sha256 is not None:
        from .plan import default_plan_path

        shipped = default_plan_path()
        if shipped.is_file() and sha256_file(shipped) == sha256:
            return shipped
    return recorded


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


def verify(directory: str | Path, inputs: str | Path | None = None) -> Verification:
    """Check an evidence folder against its manifest and, when they are present, its inputs.

    ``inputs``: a folder holding the recorded input files (found there by name) when they are no
    longer at their recorded paths, e.g. on an auditor's machine.
    """
    received = Path(inputs) if inputs is not None else None
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

    cwd = m["cwd"]
    plan_path = _resolve(m["plan"]["path"], cwd, received, m["plan"]["sha256"])
    pp = m["plan"]["path"]
    checks.append(
        _hash_check("input", Msg(f"kế hoạch {pp}", f"plan {pp}"), plan_path, m["plan"]["sha256"])
    )
    plan_ok = checks[-1].status != MISSING
    inputs_ok = True
    for i in m["inputs"]:
        checks.append(
            _hash_check(
                "input",
                Msg(f"tệp hồ sơ {i['path']}", f"records {i['path']}"),
                _resolve(i["path"], cwd, received),
                i["sha256"],
            )
        )
        inputs_ok &= checks[-1].status != MISSING
    actuals_ok = False
    if m.get("actuals"):
        a = m["actuals"]
        checks.append(
            _hash_check(
                "input",
                Msg(f"tệp số liệu {a['path']}", f"actuals {a['path']}"),
                _resolve(a["path"], cwd, received),
                a["sha256"],
            )
        )
        actuals_ok = checks[-1].status != MISSING

    if plan_ok and inputs_ok and len(m["inputs"]) == 1:
        checks.extend(_rerun(d, m, plan_path, actuals_ok, received))
    else:
        checks.append(
            Check(
                "figures",
                "check",
                SKIPPED,
                Msg(
                    "không chạy lại được: thiếu tệp đầu vào ở đường dẫn đã ghi",
                    "cannot re-run: inputs are not at the recorded paths",
                ),
            )
        )
    return Verification(str(directory), m, tuple(checks))


def _rerun(
    d: Path, m: dict, plan_path: Path, actuals_ok: bool, received: Path | None = None
) -> list[Check]:
    from .actuals import load_actuals
    from .classify import classify
    from .evaluate import evaluate
    from .plan import load_plan
    from .records import read_records
    from .render import number_json

    checks: list[Check] = []
    i = m["inputs"][0]
    cwd = m["cwd"]
    try:
        plan = load_plan(plan_path)
        period = (
            dt.date.fromisoformat(m["period"]["start"]),
            dt.date.fromisoformat(m["period"]["end"]),
        )
        actuals = (
            load_actuals(_resolve(m["actuals"]["path"], cwd, received), plan)
            if actuals_ok
            else None
        )
        path = _resolve(i["path"], cwd, received)
        try:
            records = read_records(
                path,
                plan,
                encoding=i.get("encoding"),
                delimiter=i.get("delimiter"),
                sheet=i.get("sheet"),
            )
        except (
            CchcError
        ):  # the recorded encoding/delimiter names may not be accepted back: detect again
            records = read_records(path, plan)
        cl = classify(plan, records, period)
        result = evaluate(plan, records, period, actuals, classified=cl)
    except CchcError as exc:
        return [
            Check(
                "figures",
                "check",
                MISMATCH,
                Msg(f"chạy lại thất bại: {exc.render('vi')}", f"re-run failed: {exc.render('en')}"),
            )
        ]

    try:
        report = json.loads((d / REPORT).read_bytes().decode("utf-8"))
        recorded = {r["id"]: r for r in report["indicators"]}
    except (OSError, ValueError, KeyError, TypeError):
        return [
            Check(
                "figures",
                REPORT,
                MISMATCH,
                Msg("không đọc được report.json", "cannot read report.json"),
            )
        ]

    fresh_ids = set()
    for r in result.indicators:
        ident = r.indicator.id
        fresh_ids.add(ident)
        if r.indicator.source != "dossiers" and m.get("actuals") and not actuals_ok:
            checks.append(
                Check(
                    "figures",
                    ident,
                    SKIPPED,
                    Msg("tệp số liệu không còn ở đường dẫn đã ghi", "the actuals file is gone"),
                )
            )
            continue
        got = (
            number_json(r.numerator),
            number_json(r.denominator),
            r.status,
            None if r.value is None else float(r.value),
        )
        rec = recorded.get(ident)
        want = (
            (rec.get("numerator"), rec.get("denominator"), rec.get("status"), rec.get("value"))
            if isinstance(rec, dict)
            else None
        )
        if want == got:
            checks.append(Check("figures", ident, OK, Msg(_figs(got, "vi"), _figs(got, "en"))))
        else:
            shown = _figs(want, "vi") if want else "không có"
            shown_en = _figs(want, "en") if want else "absent"
            checks.append(
                Check(
                    "figures",
                    ident,
                    MISMATCH,
                    Msg(
                        f"báo cáo ghi {shown}, chạy lại được {_figs(got, 'vi')}",
                        f"report says {shown_en}, re-run gives {_figs(got, 'en')}",
                    ),
                )
            )
    for ident in sorted(set(recorded) - fresh_ids):
        checks.append(
            Check(
                "figures",
                ident,
                MISMATCH,
                Msg(
                    "có trong báo cáo nhưng không có trong kế hoạch",
                    "in the report but not in the plan",
                ),
            )
        )

    listed = {f["name"]: f["sha256"] for f in m["files"]}
    for name, data in sorted(evidence_files(result, plan, records, cl).items()):
        if listed.get(name) == _sha(data):
            checks.append(Check("rows", name, OK, None))
        else:
            checks.append(
                Check(
                    "rows",
                    name,
                    MISMATCH,
                    Msg(
                        "các dòng chạy lại khác với tệp bằng chứng đã ghi",
                        "the re-run's rows differ from the recorded evidence file",
                    ),
                )
            )
    return checks


def _figs(t, lang: str) -> str:
    num, den, status, value = t
    from .render import STATUS_TEXT

    word = STATUS_TEXT[status].get(lang) if status in STATUS_TEXT else str(status)
    if den is None:
        shown = num if num is not None else (f"{value:g}" if isinstance(value, float) else "–")
        return f"{shown}, {word}"
    return f"{num}/{den}, {word}"


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
    "rows": Msg("Dòng chạy lại", "Re-run rows"),
}


def render_verification(v: Verification, lang: str = "vi") -> str:
    vi = lang != "en"
    m = v.manifest
    lines = [
        (
            f"Thư mục bằng chứng: {v.directory} (cchc {m.get('tool', {}).get('version', '?')}, "
            f"tạo lúc {m.get('generated_at', '?')})"
        )
        if vi
        else (
            f"Evidence folder: {v.directory} (cchc {m.get('tool', {}).get('version', '?')}, "
            f"written {m.get('generated_at', '?')})"
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
    if gone:
        lines.append(
            f"Kết quả: CHƯA KIỂM TRA LẠI ĐƯỢC — thiếu {gone} tệp đã ghi trong manifest.json; "
            "đặt các tệp đó đúng đường dẫn đã ghi, hoặc chỉ thư mục chứa chúng bằng --inputs THƯ_MỤC, "
            "rồi chạy lại."
            if vi
            else f"Result: NOT VERIFIED — {gone} file(s) recorded in manifest.json are missing; "
            "put them back at the recorded paths, or point --inputs DIR at the folder holding "
            "them, and run verify again."
        )
    if not n and not gone:
        lines.append("Kết quả: mọi thứ khớp." if vi else "Result: everything matches.")
    return "\n".join(lines) + "\n"


__all__ = ["Verification", "read_manifest", "render_verification", "verify", "write_evidence"]
