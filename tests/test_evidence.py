"""Evidence folders (`check --evidence DIR`) and `cchc verify DIR`."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cchc_cli.errors import CchcError
from conftest import PLAN
from test_explain import MAY, ROWS

DOSSIER_IDS = [
    "dossiers_digitized",
    "results_electronic",
    "dossiers_online",
    "dossiers_on_time",
    "citizen_satisfaction",
    "late_dossiers_apologized",
    "results_digitized",
]


@pytest.fixture
def app():
    from cchc_cli.cli.explain import register as add_explain
    from cchc_cli.cli.verify import register as add_verify

    a = typer.Typer()

    @a.callback()
    def _root() -> None:
        """test app"""

    add_explain(a)
    add_verify(a)
    return a


def verify(app, directory, *extra):
    return CliRunner().invoke(app, ["verify", str(directory), *extra])


def evidence_run(plan, paths, period=MAY, actuals=None):
    """The pipeline's run of ``check --evidence`` over the exports ``paths`` (a path or several)."""
    from cchc_cli.evidence import evidence_request
    from cchc_cli.pipeline import Request, run

    paths = (paths,) if isinstance(paths, str | Path) else tuple(paths)
    return run(evidence_request(Request(paths, PLAN, span=period, actuals=actuals), plan))


def make_evidence(plan, records_path, directory, generated_at=None, argv=("cchc", "check")):
    from cchc_cli.evidence import write_evidence

    run = evidence_run(plan, records_path)
    return write_evidence(run, directory, list(argv), generated_at=generated_at)


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_folder_contents_and_rows(plan, export, tmp_path):
    out = make_evidence(plan, export(ROWS), tmp_path / "ev")
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{i}.csv" for i in DOSSIER_IDS] + ["manifest.json", "report.json"])
    rows = read_csv(out / "dossiers_on_time.csv")
    assert rows[0][:5] == ["kind", "reason", "reason_field", "dossier_id", "line"]
    # file order: failing C (4), E (6), left out L (11), failing N (12), S (16) — see test_explain
    assert [(r[0], r[1], r[3], r[4]) for r in rows[1:]] == [
        ("failing", "", "C", "4"),
        ("failing", "", "E", "6"),
        ("left_out", "invalid_date", "L", "11"),
        ("failing", "", "N", "12"),
        ("failing", "", "S", "16"),
    ]
    n = dict(zip(rows[0], rows[4], strict=True))
    assert (n["due"], n["due_derived"], n["processing_days"]) == ("18/05/2023", "true", "3")
    late = read_csv(out / "late_dossiers_apologized.csv")
    assert [(r[0], r[3], r[4]) for r in late[1:]] == [
        ("failing", "E", "6"),
        ("left_out", "L", "11"),
        ("failing", "N", "12"),
        ("left_out", "S", "16"),
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["plan"]["sha256"] == plan.sha256
    assert manifest["inputs"][0]["rows_read"] == 15
    assert manifest["period"] == {  # a plain (start, end) from the library: a calendar period
        "start": "2023-05-01",
        "end": "2023-05-31",
        "kind": "calendar",
        "name": None,
        "cutoff_day": None,
    }
    assert manifest["command_line"] == ["cchc", "check"]
    assert os.path.isabs(manifest["cwd"])
    files = {f["name"]: f for f in manifest["files"]}
    assert files["dossiers_on_time.csv"]["rows"] == 5
    assert "report.json" in files
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    on_time = next(r for r in report["indicators"] if r["id"] == "dossiers_on_time")
    assert (on_time["numerator"], on_time["denominator"]) == (6, 10)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folder left


def test_verify_passes_on_a_fresh_folder(app, plan, export, tmp_path):
    out = make_evidence(plan, export(ROWS), tmp_path / "ev")
    res = verify(app, out)
    assert res.exit_code == 0, res.stdout
    assert "mọi thứ khớp" in res.stdout
    assert "dossiers_on_time: khớp — 6/10, KHÔNG ĐẠT" in res.stdout
    res = verify(app, out, "--lang", "en")
    assert res.exit_code == 0
    assert "everything matches" in res.stdout


def test_verify_detects_a_changed_input_byte(app, plan, export, tmp_path):
    path = export(ROWS)
    out = make_evidence(plan, path, tmp_path / "ev")
    data = path.read_bytes()
    assert data.count(b"19/05/2023") == 1
    path.write_bytes(data.replace(b"19/05/2023", b"17/05/2023"))  # N resolved before its due date
    res = verify(app, out)
    assert res.exit_code == 1
    assert "SHA-256 khác" in res.stdout
    # N is now early: 7 of 10 on time, and the evidence rows no longer match
    assert (
        "dossiers_on_time: KHÔNG KHỚP — báo cáo ghi 6/10, KHÔNG ĐẠT, chạy lại được 7/10, KHÔNG ĐẠT"
        in res.stdout
    )
    assert "dossiers_on_time.csv: KHÔNG KHỚP" in res.stdout


def test_verify_detects_a_changed_evidence_file(app, plan, export, tmp_path):
    out = make_evidence(plan, export(ROWS), tmp_path / "ev")
    target = out / "dossiers_online.csv"
    target.write_bytes(target.read_bytes().replace(b"\r\n", b"\n", 1))
    res = verify(app, out)
    assert res.exit_code == 1
    assert "dossiers_online.csv: KHÔNG KHỚP — SHA-256 khác" in res.stdout


def test_verify_detects_a_missing_or_added_file(app, plan, export, tmp_path):
    out = make_evidence(plan, export(ROWS), tmp_path / "ev")
    (out / "results_digitized.csv").unlink()
    (out / "extra.csv").write_text("x", encoding="utf-8")
    res = verify(app, out, "--lang", "en")
    assert res.exit_code == 1
    assert "results_digitized.csv: MISMATCH — evidence file is gone" in res.stdout
    assert "extra.csv: MISMATCH" in res.stdout


def test_verify_unreadable_manifest_exits_2(app, plan, export, tmp_path):
    out = make_evidence(plan, export(ROWS), tmp_path / "ev")
    (out / "manifest.json").write_text("{not json", encoding="utf-8")
    res = verify(app, out)
    assert res.exit_code == 2
    assert "manifest.json" in res.stderr
    (out / "manifest.json").write_text('{"schema_version": 1}', encoding="utf-8")
    assert verify(app, out).exit_code == 2
    assert verify(app, tmp_path / "nowhere").exit_code == 2


def test_relative_paths_resolve_from_the_recorded_cwd(app, plan, export, tmp_path, monkeypatch):
    export(ROWS, name="rel.csv")
    monkeypatch.chdir(tmp_path)
    out = make_evidence(plan, Path("rel.csv"), Path("ev"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"][0]["path"] == "rel.csv"
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    res = verify(app, tmp_path / "ev")
    assert res.exit_code == 0, res.stdout
    assert "tệp hồ sơ rel.csv: khớp" in res.stdout


def test_csv_injection_is_neutralised(plan, export, tmp_path):
    rows = [
        dict(
            id='=HYPERLINK("http://evil.example","bấm vào")',
            recv="02/05/2023",
            due="05/05/2023",
            end="08/05/2023",
        ),
        dict(id="+84-28-3822-1234", recv="02/05/2023", due="05/05/2023", end="09/05/2023"),
        dict(id="@SUM(1+1)", recv="02/05/2023", due="05/05/2023", end="10/05/2023"),
        dict(id="-2+3", recv="02/05/2023", due="05/05/2023", end="10/05/2023"),
    ]
    out = make_evidence(plan, export(rows), tmp_path / "ev")
    ids = [r[3] for r in read_csv(out / "dossiers_on_time.csv")[1:]]
    assert ids == [
        '\'=HYPERLINK("http://evil.example","bấm vào")',
        "'+84-28-3822-1234",
        "'@SUM(1+1)",
        "'-2+3",
    ]
    assert not any(i.startswith(("=", "+", "-", "@")) for i in ids)


def test_two_runs_are_byte_identical(plan, export, tmp_path):
    path = export(ROWS)
    a = make_evidence(plan, path, tmp_path / "a", generated_at="2024-01-05T00:00:00+00:00")
    b = make_evidence(plan, path, tmp_path / "b")  # another time
    for name in (f"{i}.csv" for i in DOSSIER_IDS):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    ra, rb = (json.loads((d / "report.json").read_text(encoding="utf-8")) for d in (a, b))
    ra.pop("generated_at")
    rb.pop("generated_at")
    assert ra == rb
    c = make_evidence(plan, path, tmp_path / "c", generated_at="2024-01-05T00:00:00+00:00")
    for p in a.iterdir():
        assert p.read_bytes() == (c / p.name).read_bytes(), p.name


def test_rewrites_an_evidence_folder_but_not_other_folders(plan, export, tmp_path):
    path = export(ROWS)
    out = make_evidence(plan, path, tmp_path / "ev")
    (out / "dossiers_on_time.csv").write_text("tampered", encoding="utf-8")
    make_evidence(plan, path, out)  # an earlier evidence folder is replaced
    assert read_csv(out / "dossiers_on_time.csv")[0][0] == "kind"
    other = tmp_path / "docs"
    other.mkdir()
    (other / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CchcError):
        make_evidence(plan, path, other)
    assert [p.name for p in other.iterdir()] == ["keep.txt"]


def test_failure_leaves_nothing_behind(plan, export, tmp_path, monkeypatch):

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", boom)
    with pytest.raises(CchcError):
        make_evidence(plan, export(ROWS), tmp_path / "ev")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_evidence_of_a_check_command_line(app, plan, export, tmp_path):
    """What `check --evidence` writes for its run: the command line recorded, verifiable."""
    from cchc_cli.evidence import write_evidence

    run = evidence_run(plan, export(ROWS))
    argv = ["cchc", "check", "x.csv", "--evidence", "ev"]
    out = write_evidence(run, tmp_path / "ev", argv)
    assert verify(app, out).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command_line"][-2:] == ["--evidence", "ev"]
    assert manifest["plan"]["path"] == str(PLAN)


def test_inputs_gone_still_checks_the_evidence(app, plan, export, tmp_path):
    """Evidence moved without its inputs: its own files are still checked, but a missing input
    is not a pass (an auditor must not read "everything matches")."""
    path = export(ROWS)
    out = make_evidence(plan, path, tmp_path / "ev")
    path.unlink()
    res = verify(app, out)
    assert res.exit_code == 1, res.stdout
    assert "KHÔNG TÌM THẤY" in res.stdout
    assert "CHƯA KIỂM TRA LẠI ĐƯỢC" in res.stdout
    assert "mọi thứ khớp" not in res.stdout
    assert "không chạy lại được" in res.stdout
    (out / "report.json").write_bytes(b"{}")
    assert verify(app, out).exit_code == 1


def test_inputs_found_by_name_in_another_folder(app, plan, export, tmp_path):
    """An auditor receives the evidence and the export elsewhere: --inputs points at them."""
    import shutil

    path = export(ROWS)
    out = make_evidence(plan, path, tmp_path / "ev")
    elsewhere = tmp_path / "received"
    elsewhere.mkdir()
    shutil.move(str(path), elsewhere / path.name)
    assert verify(app, out).exit_code == 1  # not at the recorded path: not verified
    res = CliRunner().invoke(app, ["verify", str(out), "--inputs", str(elsewhere)])
    assert res.exit_code == 0, res.stdout
    assert "mọi thứ khớp" in res.stdout
    (elsewhere / path.name).write_bytes((elsewhere / path.name).read_bytes() + b"\n")
    assert CliRunner().invoke(app, ["verify", str(out), "--inputs", str(elsewhere)]).exit_code == 1


# ---------------------------------------------------------------------------------------------
# the column-wise CSV writer gives exactly the bytes of write_csv (csv module, safe_cell)

TRICKY = [
    "",
    "plain",
    "Đã trả kết quả",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+84-28",
    "-2+3",
    "-5",
    "+1e3",
    " -1",
    "-inf",
    "-nan",
    "1_000",
    "@SUM(1)",
    "\tTAB",
    "\rCR",
    "a,b",
    'say "hi"',
    "two\nlines",
    "cr\rin",
    "\r\n",
    ",",
    '"',
    "'",
]


def _reference(header, rows) -> str:
    from cchc_cli.render.csv import write_csv

    return write_csv(header, rows)


@pytest.mark.parametrize("n", [1, 3, 300])  # 300: long columns take the Arrow path
def test_csv_join_matches_write_csv(n):
    from cchc_cli.render.csv import csv_column, csv_join

    cells = (TRICKY * (n // len(TRICKY) + 1))[:n]
    columns = [cells, cells[::-1], [None, 5, -3, 2.5, True, *cells][:n]]
    header = ["=h", "a,b", "plain"]
    rows = list(zip(*columns, strict=True))
    assert csv_join(header, [csv_column(c) for c in columns]) == _reference(header, rows)
    # a single column: csv writes an empty row as ""
    assert csv_join([""], [csv_column(cells)]) == _reference([""], [[c] for c in cells])
    assert csv_join(header, [[], [], []]) == _reference(header, [])


def test_csv_join_matches_write_csv_on_any_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cchc_cli.render.csv import csv_column, csv_join

    text = st.text(alphabet=st.sampled_from(list("=+-@\t\r\n,\"' a1.eÐ")), max_size=6)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.tuples(text, text), min_size=1, max_size=300))
    def check(rows):
        columns = [list(c) for c in zip(*rows, strict=True)]
        assert csv_join(["x", "y"], [csv_column(c) for c in columns]) == _reference(
            ["x", "y"], rows
        )

    check()


MESSY_IDS = ['=HYPERLINK("x")', "+84-28", "-5", "a,b", 'q"uote', "multi\nline", "\tTAB", "dup"]


def _messy_rows() -> list[dict]:
    import random

    rng = random.Random(5)
    dates = ["02/05/2023", "03/05/2023 10:00", "31/02/2023", "", "x", "=1", "-3", "20/05/2023"]
    words = ["Trực tuyến", "Trực tiếp", "Qua mạng", "=cmd", "", "a,b"]
    status = ["Đã trả kết quả", "Đang xử lý", "Rút hồ sơ", "-x", ""]
    yes_no = ["Có", "Không", "", "+x"]
    rows = []
    for i in range(400):
        rows.append(
            dict(
                id=rng.choice(MESSY_IDS) if rng.random() < 0.3 else f"H{i:04d}",
                proc=rng.choice(["Cấp phép", "=evil", "a,b"]),
                recv=rng.choice(dates),
                due=rng.choice(dates),
                end=rng.choice(dates),
                ret=rng.choice(dates),
                ch=rng.choice(words),
                st=rng.choice(status),
                dig=rng.choice(yes_no),
                rdig=rng.choice(yes_no),
                eres=rng.choice(yes_no),
                sat=rng.choice(["Hài lòng", "Tốt", ""]),
                apo=rng.choice(yes_no),
                days=rng.choice(["3", "", "x", "-2", "=5"]),
            )
        )
    return rows


@pytest.mark.parametrize("drop", [(), ("due",), ("ret", "days"), ("dig",)])
def test_evidence_csv_is_write_csv_of_the_rows(plan, export, drop):
    """The column-wise evidence CSV is byte for byte write_csv over the row dicts, on rows full
    of bad cells, formulas, quotes, commas and newlines (and with columns missing)."""
    from cchc_cli.evidence import evidence_files
    from cchc_cli.explain import EVIDENCE, evidence_csv, evidence_rows, row_table
    from conftest import HEADERS
    from oracle.classify import classify
    from oracle.evaluate import evaluate
    from oracle.explain import evidence_csv as oracle_csv
    from oracle.records import read_records

    path = export(_messy_rows(), [k for k in HEADERS if k not in drop])
    records = read_records(path, plan)
    for period in (MAY, plan.period):
        run = evidence_run(plan, path, period)
        files = evidence_files(run)
        cl = classify(plan, records, period)  # the pandas route's rows, the oracle
        oracle = {r.indicator.id: r for r in evaluate(plan, records, period, classified=cl).indicators}
        for r in run.result.indicators:
            if r.indicator.source != "dossiers":
                continue
            table = row_table(plan, r.indicator, run.rows, EVIDENCE, run.whole, r)
            header, rows = evidence_rows(table)
            want = _reference(header, rows)
            text, n = evidence_csv(table)
            assert (text, n) == (want, len(rows)), r.indicator.id
            assert files[f"{r.indicator.id}.csv"] == want.encode("utf-8")
            assert r == oracle[r.indicator.id]
            assert oracle_csv(plan, r.indicator, records, cl, r) == (want, len(rows))


def test_manifest_row_counts_match_the_files(plan, export, tmp_path):
    from cchc_cli.evidence import _count_rows

    out = make_evidence(plan, export(_messy_rows()), tmp_path / "ev")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for f in manifest["files"]:
        if f["name"].endswith(".csv"):
            assert f["rows"] == _count_rows((out / f["name"]).read_bytes()), f["name"]
    assert verify_ok(out)


def verify_ok(directory) -> bool:
    from cchc_cli.evidence import verify as run

    return run(directory).ok
