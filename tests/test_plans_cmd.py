"""The shipped plans by name: ``cchc plans`` lists them; ``--plan plan2023`` (file stem) and
``--plan snv-dongnai-2023`` (id) work wherever ``--plan`` is taken, a file at that path coming
first; an unknown name is exit 2 listing the names. Messages name the shipped plan by what it is
("kế hoạch 2023 kèm theo" / "the shipped 2023 plan"), never by its site-packages path."""

from __future__ import annotations

import hashlib
import json

import pytest
import yaml
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode
from conftest import ACTUALS, PLAN, SAMPLE

runner = CliRunner()
SHIPPED = PLAN.resolve()  # the repository's plan2023.yaml links to the packaged file


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_plans_lists_the_shipped_plan_as_json():
    """Read back from the YAML and its bytes here, not from cchc."""
    doc = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    res = invoke("plans", "--format", "json")
    assert res.exit_code == ExitCode.OK
    assert json.loads(res.stdout) == {
        "schema_version": 1,
        "plans": [
            {
                "id": "snv-dongnai-2023",
                "name": "plan2023",
                "title": doc["title"],
                "agency": doc["agency"],
                "year": 2023,
                "indicators": len(doc["indicators"]),
                "file": "plan2023.yaml",
                "sha256": hashlib.sha256(SHIPPED.read_bytes()).hexdigest(),
            }
        ],
    }
    assert len(doc["indicators"]) == 31


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_plans_table_names_each_plan_and_how_to_use_it(lang):
    res = invoke("plans", "--lang", lang)
    assert res.exit_code == ExitCode.OK
    row = next(line for line in res.stdout.splitlines() if "snv-dongnai-2023" in line)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells == [
        "snv-dongnai-2023",
        "plan2023",
        "Kế hoạch Cải cách hành chính Sở Ngoại vụ năm 2023",
        "2023",
        "31",
        "plan2023.yaml",
    ]
    assert "--plan" in res.stdout and "/" not in row  # a file name, never a folder path


def _without_volatile(out: str) -> str:
    doc = json.loads(out)
    doc.pop("generated_at", None)
    return json.dumps(doc, sort_keys=True)


@pytest.mark.parametrize("name", ["plan2023", "snv-dongnai-2023"])
@pytest.mark.parametrize(
    "args",
    [
        ("check", SAMPLE, "--actuals", ACTUALS, "--format", "json"),
        ("validate", SAMPLE, "--format", "json"),
        ("report", SAMPLE, "--period", "2023-Q2", "--format", "json"),
        ("explain", "dossiers_on_time", SAMPLE, "--format", "json"),
        ("calendar", "2023", "--format", "json"),
        ("inspect", SAMPLE, "--format", "json"),
    ],
    ids=lambda a: a[0] if isinstance(a, tuple) else a,
)
def test_a_shipped_plan_by_name_everywhere_plan_is_taken(args, name):
    by_default, by_name = invoke(*args), invoke(*args, "--plan", name)
    assert by_name.exit_code == by_default.exit_code != ExitCode.ERROR, by_name.stderr
    assert _without_volatile(by_name.stdout) == _without_volatile(by_default.stdout)


def test_a_file_at_that_path_comes_before_a_shipped_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = invoke("check", SAMPLE, "--plan", "plan2023")  # no such file here: the shipped plan
    assert res.exit_code == ExitCode.FAIL
    assert res.stdout.startswith("Kế hoạch Cải cách hành chính Sở Ngoại vụ năm 2023\n")
    mine = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    mine["title"] = "Kế hoạch của tôi"
    (tmp_path / "plan2023").write_text(yaml.safe_dump(mine, allow_unicode=True), encoding="utf-8")
    res = invoke("check", SAMPLE, "--plan", "plan2023")
    assert res.exit_code == ExitCode.FAIL and res.stdout.startswith("Kế hoạch của tôi\n")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "vi",
            "Lỗi: không có tệp 'plan2032', cũng không có kế hoạch kèm theo tên này\n"
            "  → có phải ý bạn là 'plan2023'? các kế hoạch kèm theo: plan2023 (snv-dongnai-2023) "
            "(xem: cchc plans), hoặc ghi đường dẫn tệp YAML\n",
        ),
        (
            "en",
            "Error: no file 'plan2032', nor a shipped plan of that name\n"
            "  → did you mean 'plan2023'? shipped plans: plan2023 (snv-dongnai-2023) "
            "(see: cchc plans), or give a YAML file's path\n",
        ),
    ],
)
def test_an_unknown_plan_name_is_exit_2_listing_the_names(lang, said, tmp_path):
    res = invoke("check", SAMPLE, "--plan", "plan2032", "--lang", lang)
    assert (res.exit_code, res.stdout, res.stderr) == (ExitCode.ERROR, "", said)
    res = invoke("check", SAMPLE, "--plan", tmp_path / "nope.yaml", "--lang", "en")  # a path
    assert res.exit_code == ExitCode.ERROR
    assert res.stderr == f"Error: {tmp_path / 'nope.yaml'}: file not found\n  → check the path\n"


def test_messages_name_the_plan_as_the_user_gave_it(at_root):
    ids = "legal_docs_on_schedule, legal_docs_reviewed"
    for args, vi, en in [
        ((), "kế hoạch 2023 kèm theo", "the shipped 2023 plan"),
        (("--plan", "snv-dongnai-2023"), "kế hoạch 2023 kèm theo", "the shipped 2023 plan"),
        (("--plan", "plan2023.yaml"), "plan2023.yaml", "plan2023.yaml"),  # a path: as typed
    ]:
        res = invoke("explain", "dossiers_ontime", SAMPLE, *args)
        assert (res.exit_code, res.stdout) == (ExitCode.ERROR, "")
        assert res.stderr == (
            f"Lỗi: {vi}: không có chỉ tiêu 'dossiers_ontime' trong kế hoạch\n"
            "  → có phải ý bạn là 'dossiers_on_time'?\n"
        )
        res = invoke("explain", "zzz", *args, "--lang", "en")
        assert res.stderr.startswith(
            f"Error: {en}: no indicator 'zzz' in the plan\n  → indicator ids: {ids}"
        )
        assert "site-packages" not in res.stderr and "cchc_cli" not in res.stderr


def test_the_explain_header_names_the_shipped_plan():
    res = invoke("explain", "dossiers_on_time", SAMPLE, "--lang", "en")
    assert res.exit_code == ExitCode.OK
    assert res.stdout.splitlines()[1] == (
        "Section 2.1 · target ≥ 98% · plan: Kế hoạch Cải cách hành chính Sở Ngoại vụ năm 2023 "
        "(the shipped 2023 plan)"
    )
