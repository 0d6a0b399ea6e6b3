"""Plan overlays: ``extends:`` a shipped plan or a file, holding only what changes; errors located
in the file that wrote them; chains, cycles; the chain recorded in JSON, evidence and verify."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import CchcError, ExitCode
from cchc_cli.plan.model import default_plan_path, load_plan
from conftest import PLAN

# An invented third one-stop system ("phần mềm Z"): other headers, a status word of its own
# ("Đã hủy": the citizen cancelled, i.e. withdrawn), a lower on-time target, no ratings.
VENDOR_Z = """\
# Phần mềm Một cửa Z
extends: plan2023
title: Kế hoạch CCHC 2023 — phần mềm Z
columns:
  dossier_id: {aliases: [Số biên nhận]}
  received_at: {aliases: [Ngày nhận HS]}
  due_at: {aliases: [Hạn trả]}
  resolved_at: {aliases: [Ngày xong]}
  channel: {aliases: [Kênh]}
  status: {aliases: [Tình trạng]}
vocabularies:
  channel:
    categories:
      online: [Qua mạng]
      in_person: [Tại quầy]
  status:
    categories:
      withdrawn: [Đã hủy]
      resolved: [Xong]
indicators:
  - id: dossiers_on_time
    target: ">= 75%"
  - id: citizen_satisfaction
    drop: true
"""

Z_EXPORT = """\
Số biên nhận,Ngày nhận HS,Hạn trả,Ngày xong,Kênh,Tình trạng
Z1,03/04/2023,10/04/2023,07/04/2023,Qua mạng,Xong
Z2,05/04/2023,12/04/2023,14/04/2023,Tại quầy,Xong
Z3,10/05/2023,17/05/2023,12/05/2023,Qua mạng,Đã hủy
Z4,15/05/2023,22/05/2023,22/05/2023,Qua mạng,Xong
Z5,20/06/2023,27/06/2023,,Tại quầy,Đang xử lý
"""
# Q2 by hand: received Z1–Z5 = 5, online Z1 Z3 Z4 = 3 → 60% (< 80%, fail).
# Resolved in Q2: Z1 (early), Z2 (14/04 > 12/04, late), Z3 (withdrawn: on time), Z4 (= due: on
# time) = 4; on time or early 3 → 75%: passes the overlay's ">= 75%" (would fail the base's 98%).


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def vendor(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("vendor-z.yaml").write_text(VENDOR_Z, encoding="utf-8")
    Path("z.csv").write_text(Z_EXPORT, encoding="utf-8")
    return tmp_path


def test_third_vendor_overlay_figures_by_hand(vendor):
    res = invoke(
        "check", "z.csv", "--plan", "vendor-z.yaml", "--period", "2023-Q2", "--format", "json"
    )
    assert res.exit_code == ExitCode.FAIL, res.stderr  # dossiers_online fails
    doc = json.loads(res.stdout)
    got = {r["id"]: r for r in doc["indicators"]}
    on_time, online = got["dossiers_on_time"], got["dossiers_online"]
    assert (on_time["numerator"], on_time["denominator"], on_time["status"]) == (3, 4, "pass")
    assert on_time["target"] == {"op": ">=", "value": 75, "unit": "percent"}
    assert (online["numerator"], online["denominator"], online["status"]) == (3, 5, "fail")
    assert "citizen_satisfaction" not in got and len(got) == 30  # 31 in the base, one dropped
    assert doc["inputs"][0]["problems"] == 0
    shipped = default_plan_path()
    assert doc["plan"] == {
        "id": "snv-dongnai-2023",
        "title": "Kế hoạch CCHC 2023 — phần mềm Z",
        "path": "vendor-z.yaml",
        "sha256": sha(vendor / "vendor-z.yaml"),
        "bases": [{"path": str(shipped), "sha256": sha(shipped)}],
    }
    table = invoke("check", "z.csv", "--plan", "vendor-z.yaml", "--period", "2023-Q2").stdout
    assert f"Kế hoạch: vendor-z.yaml (SHA-256 {sha(vendor / 'vendor-z.yaml')})" in table
    assert f"  mở rộng từ: kế hoạch 2023 kèm theo (SHA-256 {sha(shipped)})" in table  # not its path


def test_overlay_merges_rather_than_replaces(vendor):
    plan = load_plan("vendor-z.yaml")
    base = load_plan(default_plan_path())
    # extra aliases and words are added to the base's, nothing else changes
    assert plan.columns["dossier_id"].aliases == (
        *base.columns["dossier_id"].aliases,
        "Số biên nhận",
    )
    assert plan.columns["dossier_id"].required and not plan.columns["dossier_id"].allow_empty
    status = plan.vocabularies["status"]
    assert status.labels["withdrawn"] == (
        *base.vocabularies["status"].labels["withdrawn"],
        "Đã hủy",
    )
    assert status.categories == base.vocabularies["status"].categories
    # the changed indicator keeps the base's other keys, and its place in the base
    changed, before = plan.indicator("dossiers_on_time"), base.indicator("dossiers_on_time")
    assert (changed.numerator_text, changed.title, changed.location) == (
        before.numerator_text,
        before.title,
        before.location,
    )
    assert [i.id for i in plan.indicators] == [
        i.id for i in base.indicators if i.id != "citizen_satisfaction"
    ]


def test_a_chain_of_overlays_lists_every_base(vendor):
    Path("common").mkdir()
    Path("common/province.yaml").write_text(
        "extends: snv-dongnai-2023\n"  # a shipped plan by its id
        "agency: Sở Ngoại vụ (bản tỉnh)\n"
        "calendar: {days_off: {'2023-04-28': Nghỉ riêng của tỉnh}}\n"
        "indicators:\n  - id: counter_share\n    section: '2.1'\n    title: Nộp tại quầy\n"
        "    target: '<= 40%'\n    denominator: received_in_period\n"
        "    numerator: channel == in_person\n",
        encoding="utf-8",
    )
    Path("plans").mkdir()
    Path("plans/z.yaml").write_text(
        VENDOR_Z.replace("extends: plan2023", "extends: ../common/province.yaml"), encoding="utf-8"
    )
    plan = load_plan("plans/z.yaml")
    assert [b.path for b in plan.bases] == ["common/province.yaml", str(default_plan_path())]
    assert plan.agency == "Sở Ngoại vụ (bản tỉnh)" and plan.title.endswith("phần mềm Z")
    assert plan.indicators[-1].id == "counter_share"
    assert list(plan.days_off) == [__import__("datetime").date(2023, 4, 28)]
    res = invoke(
        "check", "z.csv", "--plan", "plans/z.yaml", "--period", "2023-Q2", "--format", "json"
    )
    got = {r["id"]: r for r in json.loads(res.stdout)["indicators"]}
    # received Z1–Z5, at the counter Z2 Z5 → 2/5 = 40% <= 40%
    assert (got["counter_share"]["numerator"], got["counter_share"]["denominator"]) == (2, 5)
    assert got["counter_share"]["status"] == "pass"


def _error(path: str | Path) -> CchcError:
    with pytest.raises(CchcError) as err:
        load_plan(path)
    return err.value


def _where(path: Path, needle: str, nth: int = 0) -> tuple[int, int]:
    """line, column (1-based) of the nth occurrence of ``needle`` in the file."""
    hits = [
        (n, line.index(needle) + 1)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]
    return hits[nth]


OVERLAY_MISTAKES = [
    # (replace in VENDOR_Z, with, says, where the error points in the overlay)
    ('    target: ">= 75%"', '    tagret: ">= 75%"', "did you mean 'target'", "tagret"),
    ("columns:\n", "colums:\n", "did you mean 'columns'", "colums"),
    (
        "  due_at: {aliases: [Hạn trả]}",
        "  due_at: {aliases: [Ngày tiếp nhận]}",
        "header 'Ngày tiếp nhận' is already used by 'received_at'",
        "Ngày tiếp nhận",
    ),
    (
        "      resolved: [Xong]",
        "      resolved: [Xong, Đang xử lý]",
        "word 'Đang xử lý' already belongs to 'in_progress'",
        "Đang xử lý",
    ),
    (
        '    target: ">= 75%"',
        '    target: ">= 75%"\n    numerator: timeliness in (early, on_tme)',
        "did you mean 'on_time'",
        "on_tme",
    ),
    (
        "  - id: citizen_satisfaction",
        "  - id: citizen_satisfation",
        "the base plan has no indicator 'citizen_satisfation' to drop",
        "citizen_satisfation",
    ),
    (
        "    drop: true",
        "    drop: true\n    target: '>= 1%'",
        "'drop: true' removes the whole",
        "true",
    ),
    (
        "columns:\n",
        "columns:\n  due_at: {drop_aliases: [Hạn xử lí]}\n",
        "'Hạn xử lí' is not a header of 'due_at' in the base plan",
        "Hạn xử lí",
    ),
    ("extends: plan2023", "extends: plan2032", "did you mean 'plan2023'", "plan2032"),
    ("extends: plan2023", "extends: nothere.yaml", "base plan 'nothere.yaml' not found", "nothere"),
]


@pytest.mark.parametrize(
    ("old", "new", "says", "at"), OVERLAY_MISTAKES, ids=[m[3] for m in OVERLAY_MISTAKES]
)
def test_mistakes_in_an_overlay_are_located_in_the_overlay(tmp_path, old, new, says, at):
    assert old in VENDOR_Z
    p = tmp_path / "vendor-z.yaml"
    p.write_text(VENDOR_Z.replace(old, new, 1), encoding="utf-8")
    e = _error(p)
    assert says in e.render("en")
    assert (e.location.path, e.location.line, e.location.column) == (str(p), *_where(p, at))


def test_an_id_twice_in_an_overlay_is_an_error(tmp_path):
    p = tmp_path / "vendor-z.yaml"
    p.write_text(VENDOR_Z + "  - id: dossiers_on_time\n    target: '>= 70%'\n", encoding="utf-8")
    e = _error(p)
    line, _ = _where(p, "id: dossiers_on_time")
    assert f"duplicate indicator id 'dossiers_on_time' (first at line {line})" in e.render("en")
    assert (e.location.line, e.location.column) == _where(p, "dossiers_on_time", 1)


def test_mistakes_in_a_base_are_located_in_the_base(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text(
        PLAN.read_text(encoding="utf-8").replace("type: satisfaction}", "type: satisfation}", 1),
        encoding="utf-8",
    )
    over = tmp_path / "over.yaml"
    over.write_text(VENDOR_Z.replace("extends: plan2023", "extends: base.yaml"), encoding="utf-8")
    e = _error(over)
    assert "did you mean 'satisfaction'" in e.render("en")
    assert (e.location.path, e.location.line, e.location.column) == (
        str(base),
        *_where(base, "satisfation}"),
    )
    # a base's indicator changed by the overlay: a mistake left in the base still points there
    base.write_text(
        PLAN.read_text(encoding="utf-8").replace(
            "numerator: channel == online", "numerator: channel == onlin", 1
        ),
        encoding="utf-8",
    )
    e = _error(over)
    assert "did you mean 'online'" in e.render("en")
    assert (e.location.path, e.location.line) == (str(base), _where(base, "== onlin")[0])


def test_a_cycle_is_an_error(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("extends: b.yaml\ntitle: A\n", encoding="utf-8")
    b.write_text("extends: ./a.yaml\n", encoding="utf-8")
    e = _error(a)
    assert f"cycle: {a} → {b} → {a}" in e.render("en")
    assert (e.location.path, e.location.line, e.location.column) == (str(b), 1, 10)
    a.write_text("extends: a.yaml\n", encoding="utf-8")
    e = _error(a)
    assert "cycle" in e.render("en") and e.location.path == str(a)
    res = invoke("check", str(tmp_path / "x.csv"), "--plan", str(a))
    assert res.exit_code == ExitCode.ERROR and "Traceback" not in res.stderr


# ---- evidence and verify ---------------------------------------------------------------------


@pytest.fixture
def chained(tmp_path, monkeypatch):
    """work/plans/z.yaml extends ../common/province.yaml, which extends the shipped plan."""
    work = tmp_path / "work"
    (work / "plans").mkdir(parents=True)
    (work / "common").mkdir()
    (work / "common" / "province.yaml").write_text(
        "extends: plan2023\nagency: Sở Ngoại vụ (bản tỉnh)\n", encoding="utf-8"
    )
    (work / "plans" / "z.yaml").write_text(
        VENDOR_Z.replace("extends: plan2023", "extends: ../common/province.yaml"), encoding="utf-8"
    )
    (work / "z.csv").write_text(Z_EXPORT, encoding="utf-8")
    monkeypatch.chdir(work)
    res = invoke(
        "check", "z.csv", "--plan", "plans/z.yaml", "--period", "2023-Q2", "--evidence", "ev"
    )
    assert res.exit_code == ExitCode.FAIL, res.stderr
    return work


def test_the_manifest_records_every_plan_file(chained):
    m = json.loads((chained / "ev" / "manifest.json").read_text(encoding="utf-8"))
    shipped = default_plan_path()
    assert m["plan"]["path"] == "plans/z.yaml"
    assert m["plan"]["sha256"] == sha(chained / "plans" / "z.yaml")
    assert m["plan"]["bases"] == [
        {"path": "common/province.yaml", "sha256": sha(chained / "common" / "province.yaml")},
        {"path": str(shipped), "sha256": sha(shipped)},
    ]
    res = invoke("verify", "ev", "--lang", "en")
    assert res.exit_code == ExitCode.OK, res.stdout
    assert "base plan common/province.yaml: matches" in res.stdout
    assert f"base plan {shipped}: matches" in res.stdout
    assert "everything matches" in res.stdout


def test_verify_finds_the_chain_by_name_elsewhere_and_checks_each_file(
    chained, tmp_path, monkeypatch
):
    # the auditor receives the files in one flat folder: '../common/province.yaml' no longer
    # resolves from the overlay, so verify must use the base it found itself
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for f in ("z.csv", "plans/z.yaml", "common/province.yaml"):
        shutil.copy(chained / f, inbox)
    shutil.copytree(chained / "ev", tmp_path / "ev")
    shutil.rmtree(chained)
    monkeypatch.chdir(tmp_path)
    res = invoke("verify", "ev", "--inputs", "inbox", "--lang", "en")
    assert res.exit_code == ExitCode.OK, res.stdout
    assert "everything matches" in res.stdout
    # one byte of the middle file changed: the base's hash and the re-run both say so
    province = inbox / "province.yaml"
    province.write_text(
        province.read_text(encoding="utf-8").replace("tỉnh", "tinh"), encoding="utf-8"
    )
    res = invoke("verify", "ev", "--inputs", "inbox", "--lang", "en")
    assert res.exit_code == ExitCode.FAIL
    assert "base plan common/province.yaml: MISMATCH — SHA-256 differs" in res.stdout
    province.unlink()
    res = invoke("verify", "ev", "--inputs", "inbox", "--lang", "en")
    assert res.exit_code == ExitCode.FAIL
    assert "NOT VERIFIED" in res.stdout and "base plan common/province.yaml" in res.stdout


def test_a_manifest_without_the_plan_chain_is_malformed(chained):
    path = chained / "ev" / "manifest.json"
    m = json.loads(path.read_text(encoding="utf-8"))
    del m["plan"]["bases"]
    path.write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    res = invoke("verify", "ev", "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert "field 'plan.bases' is missing" in res.stderr
