"""Issue 3: the same dossiers in every file variant give identical figures; bad files exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from conftest import ROOT

VARIANTS = sorted((ROOT / "tests" / "fixtures" / "variants").glob("*.*"))
VARIANTS = [p for p in VARIANTS if p.suffix != ".json"]
BAD = sorted((ROOT / "tests" / "fixtures" / "bad").glob("*.*"))
runner = CliRunner()


def _indicators(path: Path, *extra: str) -> tuple[str, dict]:
    res = runner.invoke(
        app, ["check", str(path), "--period", "2023-05", "--format", "json", *extra]
    )
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.stderr
    doc = json.loads(res.stdout)
    return json.dumps(doc["indicators"], ensure_ascii=False, sort_keys=True), doc


def test_there_are_variants():
    assert len(VARIANTS) >= 11 and len(BAD) >= 10


def test_canonical_figures_by_hand():
    # utf8.csv: 12 dossiers received in May 2023 (see scripts/make_fixtures.py)
    _, doc = _indicators(ROOT / "tests" / "fixtures" / "variants" / "utf8.csv")
    assert doc["inputs"][0]["rows_read"] == 12
    canonical = json.loads(
        (ROOT / "tests" / "fixtures" / "variants" / "expected.json").read_text("utf-8")
    )
    rows = [dict(zip(canonical["headers"], r, strict=True)) for r in canonical["rows"]]
    online = sum(r["Hình thức nộp"] in ("Trực tuyến", "2") for r in rows)
    ind = {i["id"]: i for i in doc["indicators"]}
    received_may = [
        r for r in rows if r["Trạng thái"] not in ("Mới đăng ký", "Không được tiếp nhận")
    ]
    assert ind["dossiers_online"]["denominator"] == len(received_may)
    assert ind["dossiers_online"]["numerator"] == sum(
        r["Hình thức nộp"] in ("Trực tuyến", "2") for r in received_may
    )
    assert online >= ind["dossiers_online"]["numerator"]


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.name)
def test_variant_gives_identical_indicators(path):
    reference, _ = _indicators(ROOT / "tests" / "fixtures" / "variants" / "utf8.csv")
    got, doc = _indicators(path)
    assert got == reference
    assert doc["inputs"][0]["rows_read"] == 12


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_file_clear_message_exit_2(path, tmp_path):
    out = tmp_path / "out.json"
    for lang in ("vi", "en"):
        res = runner.invoke(
            app, ["check", str(path), "--format", "json", "-o", str(out), "--lang", lang]
        )
        assert res.exit_code == ExitCode.ERROR, res.stdout
        assert path.name in res.stderr
        assert "Traceback" not in res.stderr
        assert "→" in res.stderr  # a hint says what to do
        assert not out.exists()
        v = runner.invoke(app, ["validate", str(path), "--lang", lang])
        assert v.exit_code == ExitCode.ERROR and path.name in v.stderr


def test_xls_says_resave():
    res = runner.invoke(
        app, ["check", str(ROOT / "tests/fixtures/bad/old-excel.xls"), "--lang", "en"]
    )
    assert res.exit_code == ExitCode.ERROR
    assert "xlsx" in res.stderr and "CSV" in res.stderr


def test_missing_path_and_directory(tmp_path):
    res = runner.invoke(app, ["check", str(tmp_path / "khong-co.csv")])
    assert res.exit_code == ExitCode.ERROR and "khong-co.csv" in res.stderr
    res = runner.invoke(app, ["check", str(tmp_path)])
    assert res.exit_code == ExitCode.ERROR and "Traceback" not in res.stderr


def test_validate_agrees_with_check_on_counts():
    path = ROOT / "sample_data" / "ho-so-mot-cua-2023.csv"
    v = json.loads(runner.invoke(app, ["validate", str(path), "--format", "json"]).stdout)
    c = json.loads(runner.invoke(app, ["check", str(path), "--format", "json"]).stdout)
    assert v["rows"]["read"] == c["inputs"][0]["rows_read"] == 3005
    assert len(v["problems"]) == c["inputs"][0]["problems"] == 4
    assert v["rows"]["not_received"] == c["inputs"][0]["rows_not_received"]
    # the four deliberately broken cells, at the file lines a text editor shows
    got = {(p["line"], p["header"], p["reason"]) for p in v["problems"]}
    assert got == {
        (415, "Ngày kết thúc xử lý", "invalid_date"),
        (482, "Mức độ hài lòng", "unknown_value"),
        (886, "Hình thức nộp", "unknown_value"),
        (1462, "Ngày tiếp nhận", "missing_value"),
    }
