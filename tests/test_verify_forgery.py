"""`cchc verify` against a hostile user: a forged evidence folder never gets "everything matches".

Each forgery starts from a genuine folder (which verifies, exit 0) and edits it the way someone
hiding a failed target would: change the figures in report.json and put its new SHA-256 in
manifest.json, then make the manifest hide the re-run (no inputs, a duplicate input), point at
files outside the folder, or break a field's type. Each must give exit 1 (NOT VERIFIED /
mismatch) or 2 (malformed manifest, no traceback), never 0.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from test_evidence import make_evidence
from test_explain import ROWS

# A, B on time and C late (see test_explain.ROWS): dossiers_on_time is 2/3, below its 98%
# target, so FAIL; the forger wants 3/3, PASS.
THREE = ROWS[:3]
ON_TIME = "dossiers_on_time"


def verify(out: Path, *extra: str):
    return CliRunner().invoke(app, ["verify", str(out), *extra])


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, doc: object) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def reseal(out: Path, edit_report=None, edit_manifest=None) -> None:
    """Forge like a hostile user: edit report.json, record its new SHA-256 and size in
    manifest.json (so the file check shows ✓), then edit the manifest."""
    manifest = load(out / "manifest.json")
    if edit_report is not None:
        report = load(out / "report.json")
        edit_report(report)
        save(out / "report.json", report)
        data = (out / "report.json").read_bytes()
        entry = next(f for f in manifest["files"] if f["name"] == "report.json")
        entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    if edit_manifest is not None:
        edit_manifest(manifest)
    save(out / "manifest.json", manifest)


def on_time_passes(report: dict) -> None:
    """2/3 FAIL becomes 3/3 PASS, and the summary follows."""
    r = next(i for i in report["indicators"] if i["id"] == ON_TIME)
    assert (r["numerator"], r["denominator"], r["status"]) == (2, 3, "fail")  # as worked out above
    r.update(numerator=3, value=1.0, status="pass")
    report["summary"]["fail"] -= 1
    report["summary"]["pass"] += 1


def one_written_as_true(report: dict) -> None:
    """C is the one late dossier and was apologised for: 1/1; the forger writes the 1 as true."""
    r = next(i for i in report["indicators"] if i["id"] == "late_dossiers_apologized")
    assert (r["numerator"], r["denominator"]) == (1, 1)
    r["numerator"] = True


@pytest.fixture
def genuine(plan, export, tmp_path) -> Path:
    out = make_evidence(plan, export(THREE), tmp_path / "ev")
    res = verify(out)
    assert res.exit_code == 0, res.stdout  # the untouched folder verifies
    assert f"{ON_TIME}: khớp — 2/3, KHÔNG ĐẠT" in res.stdout
    assert "mọi thứ khớp" in res.stdout
    return out


def first_input(m: dict) -> dict:
    return m["inputs"][0]


# forgery -> (what it does to the manifest, whether report.json's figures are forged too, the
# text the message must hold); every one is a malformed manifest, exit 2
MANIFEST_FORGERIES = {
    # the re-run needs an input: hide it, or count it twice
    "no inputs": (lambda m: m.update(inputs=[]), True, "'inputs' must hold at least 1 item(s)"),
    "input listed twice": (
        lambda m: m.update(inputs=[first_input(m), first_input(m)]),
        True,
        "'inputs[1].path' repeats a listed file",
    ),
    # a read option the re-run needs is dropped: never assumed (re-detected)
    "encoding dropped": (
        lambda m: first_input(m).pop("encoding"),
        False,
        "'inputs[0].encoding' is missing",
    ),
    "period.start garbage": (
        lambda m: m["period"].update(start="garbage"),
        False,
        "'period.start' must be a date written YYYY-MM-DD (found \"garbage\")",
    ),
    "period.end a number": (
        lambda m: m["period"].update(end=20231231),
        False,
        "'period.end' must be a date written YYYY-MM-DD (found 20231231)",
    ),
    "schema_version true": (
        lambda m: m.update(schema_version=True),
        False,
        "'schema_version' must be 1 (found true)",
    ),
    "size true": (
        lambda m: first_input(m).update(size=True),
        False,
        "'inputs[0].size' must be a whole number ≥ 0 (found true)",
    ),
}


@pytest.mark.parametrize("name", MANIFEST_FORGERIES)
def test_forged_figures_behind_a_doctored_manifest_are_malformed(genuine, name):
    edit, figures, text = MANIFEST_FORGERIES[name]
    reseal(genuine, on_time_passes if figures else None, edit)
    res = verify(genuine, "--lang", "en")
    assert res.exit_code == 2, res.stdout
    assert isinstance(res.exception, SystemExit)  # no traceback
    assert "manifest.json is malformed" in res.stderr and text in res.stderr, res.stderr
    assert "everything matches" not in res.stdout
    vi = verify(genuine)
    assert "manifest.json không đúng định dạng" in vi.stderr  # Vietnamese by default


# Forgeries the manifest's shape cannot see: only the re-run, comparing every stored field, can.
REPORT_FORGERIES = {
    # a figure the old comparison (numerator, denominator, status, value) did not look at
    "left_out": (
        lambda r: next(i for i in r["indicators"] if i["id"] == ON_TIME).update(left_out=4),
        None,
        f"{ON_TIME}: MISMATCH — report says 2/3, FAIL, re-run gives 2/3, FAIL (differs at: "
        "left_out)",
    ),
    "summary": (
        lambda r: r["summary"].update(fail=0),
        None,
        "the rest of report.json (period, inputs, summary…): MISMATCH — differs from the re-run "
        "at: summary.fail",
    ),
    # JSON true equals 1 in Python: the comparison must see the type
    "a whole number written as true": (
        one_written_as_true,
        None,
        "late_dossiers_apologized: MISMATCH — report says true/1, PASS, re-run gives 1/1, PASS "
        "(differs at: numerator)",
    ),
    "rows read": (
        None,
        lambda m: first_input(m).update(rows_read=30),
        "manifest.json: MISMATCH — differs from the re-run at: inputs[0].rows_read",
    ),
    "evidence rows": (
        None,
        lambda m: next(f for f in m["files"] if f["name"] == f"{ON_TIME}.csv").update(rows=0),
        "manifest.json: MISMATCH — differs from the re-run at: files[2].rows",
    ),
}


@pytest.mark.parametrize("name", REPORT_FORGERIES)
def test_forged_figures_with_resealed_hashes_are_mismatches(genuine, name):
    edit_report, edit_manifest, text = REPORT_FORGERIES[name]
    reseal(genuine, edit_report, edit_manifest)
    res = verify(genuine, "--lang", "en")
    assert res.exit_code == 1, res.stdout
    assert "report.json: matches" in res.stdout  # the hash was resealed: only the re-run sees it
    assert text in res.stdout, res.stdout
    assert "everything matches" not in res.stdout


@pytest.mark.parametrize(
    "name", ["../outside.txt", "ABSOLUTE", "sub/x.csv", "sub\\x.csv", "C:x.csv", "..", "x.txt"]
)
def test_file_names_outside_the_folder_are_malformed_and_never_read(genuine, monkeypatch, name):
    import cchc_cli.evidence as evidence

    outside = genuine.parent / "outside.txt"
    outside.write_text("not evidence", encoding="utf-8")
    listed = str(outside) if name == "ABSOLUTE" else name
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    reseal(
        genuine, None, lambda m: m["files"].append({"name": listed, "sha256": digest, "size": 12})
    )
    read: list[str] = []
    real = evidence.sha256_file
    monkeypatch.setattr(evidence, "sha256_file", lambda p: read.append(str(p)) or real(p))
    res = verify(genuine, "--lang", "en")
    assert res.exit_code == 2, res.stdout
    assert "manifest.json is malformed: field 'files[8].name' must be the name of a file" in (
        res.stderr
    ), res.stderr
    assert read == []  # the check stops before any file is hashed


def test_a_symlink_out_of_the_folder_is_malformed(genuine):
    outside = genuine.parent / "outside.csv"
    outside.write_text("kind\n", encoding="utf-8")
    try:
        os.symlink(outside, genuine / "extra.csv")
    except (OSError, NotImplementedError):
        pytest.skip("no symbolic links here")
    data = outside.read_bytes()
    entry = {"name": "extra.csv", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    reseal(genuine, None, lambda m: m["files"].append({**entry, "rows": 0}))
    res = verify(genuine, "--lang", "en")
    assert res.exit_code == 2, res.stdout
    assert "field 'files[8].name' (extra.csv) is a link to a file outside the evidence" in (
        res.stderr
    )


def test_a_deeply_nested_manifest_is_malformed_not_a_traceback(genuine):
    (genuine / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    res = verify(genuine, "--lang", "en")
    assert res.exit_code == 2
    assert isinstance(res.exception, SystemExit)
    assert "manifest.json is malformed: nested too deeply" in res.stderr


def test_the_rerun_uses_the_recorded_read_options(genuine):
    """A wrong delimiter in the manifest is used as recorded (the header is then not found), not
    silently replaced by auto-detection."""
    reseal(genuine, None, lambda m: first_input(m).update(delimiter=";"))
    res = verify(genuine, "--lang", "en")
    assert res.exit_code == 1, res.stdout
    assert "check: MISMATCH — re-run failed:" in res.stdout


def test_not_verified_names_what_is_missing_and_how_to_supply_it(plan, export, tmp_path):
    """Actuals recorded but gone: the check is not re-run, and the verdict says which file is
    missing and how to supply it."""
    from cchc_cli.evidence import write_evidence
    from conftest import ACTUALS
    from test_evidence import evidence_run

    copy = tmp_path / "actuals.yaml"
    copy.write_bytes(ACTUALS.read_bytes())
    run = evidence_run(plan, export(THREE), actuals=copy)
    out = write_evidence(run, tmp_path / "ev", ["cchc", "check"])
    assert verify(out).exit_code == 0
    copy.unlink()
    res = verify(out, "--lang", "en")
    assert res.exit_code == 1
    assert f"check: skipped — cannot re-run: missing actuals {copy}" in res.stdout
    assert (
        f"Result: NOT VERIFIED — 1 file(s) recorded in manifest.json are missing (actuals {copy})"
        in res.stdout
    )
    assert "--inputs DIR" in res.stdout
    assert "everything matches" not in res.stdout
