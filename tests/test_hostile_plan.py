"""Hostile plans and actuals: too deep, unknown tags, numbers no figure can be — each a located
input error, exit 2, never a traceback or exit 1 (which a script reads as "a target failed")."""

from __future__ import annotations

import json
import warnings
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import CchcError, CchcWarning, ExitCode
from cchc_cli.plan.model import load_plan
from conftest import ACTUALS, PLAN, SAMPLE

runner = CliRunner()


def _edited(source: Path, tmp_path: Path, old: str, new: str, name: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / name
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def _where(path: Path, needle: str, offset: int = 0) -> str:
    """``path:line:col`` of the ``offset``-th character after ``needle`` starts (1-based)."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return f"{path}:{i}:{line.index(needle) + 1 + offset}"
    raise AssertionError(needle)


def _check(*args: str):
    return runner.invoke(app, ["check", str(SAMPLE), *args])


def _assert_input_error(res, where: str, says: str) -> None:
    assert res.exit_code == ExitCode.ERROR, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert f"{where}: " in res.stderr, res.stderr
    assert says in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""


# The condition is the value of ``numerator: e_result`` (line 151); 50 levels pass, the 51st is
# refused at its own column: the 51st '(' is 50 characters into the text, the 51st 'not ' 200.
@pytest.mark.parametrize(
    ("condition", "offset"),
    [
        ("(" * 1000 + "e_result" + ")" * 1000, 50),
        ("not " * 5000 + "e_result", 200),
        ("(not " * 700 + "e_result" + ")" * 700, 50 * 5 // 2),  # '(' and 'not' both count
    ],
)
def test_condition_nested_too_deeply_is_located(tmp_path, condition, offset):
    p = _edited(PLAN, tmp_path, "numerator: e_result", f'numerator: "{condition}"', "plan.yaml")
    where = _where(p, '"(' if condition[0] == "(" else '"not', 1 + offset)
    res = _check("--plan", str(p), "--lang", "en")
    _assert_input_error(res, where, "condition nested too deeply (more than 50 levels")


def test_condition_nested_50_deep_loads_51_does_not(tmp_path):
    deep = "(" * 25 + "not " * 25 + "e_result" + ")" * 25
    p = _edited(PLAN, tmp_path, "numerator: e_result", f'numerator: "{deep}"', "plan.yaml")
    ind = next(i for i in load_plan(p).indicators if i.numerator_text == deep)
    node = ind.numerator
    for _ in range(25):  # brackets leave no node; each 'not' is one
        node = node.item
    assert node.field == "e_result"
    p.write_text(p.read_text(encoding="utf-8").replace(deep, "(" + deep + ")"), encoding="utf-8")
    with pytest.raises(CchcError) as err:
        load_plan(p)
    assert str(err.value.location) == _where(
        p, '"(', 1 + 26 + 4 * 24
    )  # 26 '(' then 25 'not': the 25th is the 51st level


@pytest.mark.parametrize(
    ("source", "option", "name"),
    [(PLAN, "--plan", "plan.yaml"), (ACTUALS, "--actuals", "actuals.yaml")],
)
@pytest.mark.parametrize(
    ("nested", "at"),
    [
        ("[" * 5000 + "]" * 5000, 49),  # the root mapping is level 1: the 50th '[' is the 51st
        ("{a: " * 5000 + "1" + "}" * 5000, 48 * 4 + 1),  # the key 'a' of the 49th map
    ],
)
def test_yaml_nested_too_deeply_is_located(tmp_path, source, option, name, nested, at):
    p = tmp_path / name
    p.write_text(source.read_text(encoding="utf-8") + f"\nextra: {nested}\n", encoding="utf-8")
    res = _check(option, str(p), "--lang", "en")
    _assert_input_error(res, _where(p, "extra: ", len("extra: ") + at), "YAML nested too deeply")


@pytest.mark.parametrize(
    ("source", "option", "old", "new", "needle", "tag"),
    [
        (PLAN, "--plan", "title: Kế hoạch", "title: !include /etc/passwd\nx: Kế", "!include", "!include"),
        (PLAN, "--plan", "id: ", "id: !!binary ", "!!binary", "!!binary"),
        (ACTUALS, "--actuals", "numerator: 3850 ", "numerator: !env NUM ", "!env", "!env"),
        (ACTUALS, "--actuals", "indicators:", "indicators: !!python/object:os.system", "!!python", "!!python/object:os.system"),
    ],
)  # fmt: skip
def test_unknown_tags_are_refused_where_they_stand(tmp_path, source, option, old, new, needle, tag):
    p = _edited(source, tmp_path, old, new, "in.yaml")
    res = _check(option, str(p), "--lang", "en")
    _assert_input_error(res, _where(p, needle), f"unsupported YAML tag '{tag}'")


def test_core_tags_are_read_others_refused(tmp_path):
    p = _edited(PLAN, tmp_path, "schema: 1", "schema: !!int 1", "plan.yaml")
    p.write_text(p.read_text(encoding="utf-8").replace("id: ", "id: !!str ", 1), encoding="utf-8")
    assert load_plan(p).id == load_plan(PLAN).id
    p.write_text(p.read_text(encoding="utf-8").replace("!!int 1", "!!set 1"), encoding="utf-8")
    with pytest.raises(CchcError) as err:
        load_plan(p)
    assert str(err.value.location) == _where(p, "!!set")


@pytest.mark.parametrize(
    "figure",
    [".inf", "-.inf", ".nan", ".NaN", "1.0e+400", "9" * 5000, "1" + "0" * 15, "="],
)
def test_actuals_figure_that_is_no_number_is_located(tmp_path, figure):
    p = _edited(ACTUALS, tmp_path, "numerator: 3850 ", f"numerator: {figure} ", "actuals.yaml")
    res = _check("--actuals", str(p), "--lang", "en")
    where = _where(p, "numerator: " + figure[:20], len("numerator: "))
    says = "cannot read the value" if len(figure) > 4300 or figure == "=" else "invalid number"
    _assert_input_error(res, where, says)
    assert len(res.stderr) < 400  # the 5000 digits are not echoed


def test_actuals_impossible_date_is_located(tmp_path):
    p = _edited(ACTUALS, tmp_path, "date: 2024-01-15", "date: 2023-02-30", "actuals.yaml")
    res = _check("--actuals", str(p), "--lang", "en")
    where = _where(p, "2023-02-30")
    _assert_input_error(res, where, "invalid date '2023-02-30'")


def test_actuals_largest_figure_allowed_one_more_refused(tmp_path):
    big = "999999999999999"  # 10^15 - 1
    p = _edited(ACTUALS, tmp_path, "numerator: 3850 ", f"numerator: {big} ", "actuals.yaml")
    p.write_text(
        p.read_text(encoding="utf-8").replace("denominator: 3620", f"denominator: {big}", 1),
        encoding="utf-8",
    )
    res = _check("--actuals", str(p), "--format", "json")
    assert res.exit_code == ExitCode.FAIL, res.output  # the sample fails on other indicators
    doc = json.loads(res.stdout)
    (row,) = [r for r in doc["indicators"] if r["id"] == "center_self_financed"]
    assert (row["numerator"], row["denominator"], row["value"]) == (10**15 - 1, 10**15 - 1, 100)
    p.write_text(p.read_text(encoding="utf-8").replace(big, str(10**15)), encoding="utf-8")
    res = _check("--actuals", str(p), "--lang", "en")
    _assert_input_error(res, _where(p, "numerator: 1000", len("numerator: ")), "invalid number")


@pytest.mark.parametrize(
    ("old", "new", "needle", "says"),
    [
        ("year: 2023", "year: 99999", "99999", "invalid year 99999: it must be a year within 1901–2100"),
        ("year: 2023", "year: 2023.5", "2023.5", "invalid year 2023.5"),
        ("year: 2023", "year: .inf", ".inf", "invalid number '.inf'"),
        ('target: ">= 98%"', 'target: ">= 1' + "0" * 5000 + '%"', '">= 1000', "malformed target"),
    ],
)  # fmt: skip
def test_plan_numbers_no_plan_can_hold_are_located(tmp_path, old, new, needle, says):
    p = _edited(PLAN, tmp_path, old, new, "plan.yaml")
    with pytest.raises(CchcError) as err:
        load_plan(p)
    assert str(err.value.location) == _where(p, needle)
    assert says in err.value.render("en")


# --- targets: the hint that passes everything, and the target that almost always passes -------


@pytest.mark.parametrize(
    ("target", "meant"),
    [(">= 0.98", ">= 98%"), ("≥ 0,985", "≥ 98.5%"), ("= 1", "= 100%")],
)
def test_ratio_target_without_percent_suggests_the_percent_meant(tmp_path, target, meant):
    p = _edited(PLAN, tmp_path, 'target: ">= 98%"', f'target: "{target}"', "plan.yaml")
    with pytest.raises(CchcError) as err:
        load_plan(p)
    assert f"a ratio target needs '%': '{meant}'" in err.value.render("en")
    assert str(err.value.location) == _where(p, f'"{target}"')


def test_percent_target_below_one_percent_warns_with_location(tmp_path):
    p = _edited(PLAN, tmp_path, 'target: ">= 98%"', 'target: ">= 0.98%"', "plan.yaml")
    with pytest.warns(CchcWarning) as caught:
        plan = load_plan(p)
    (w,) = [c.message for c in caught if isinstance(c.message, CchcWarning)]
    assert str(w.location) == _where(p, '">= 0.98%"')
    assert "target '>= 0.98%' is below 1% — did you mean '>= 98%'?" in w.render("en")
    assert "mục tiêu '>= 0.98%' dưới 1% — có phải ý bạn là '>= 98%'?" in w.render("vi")
    assert next(i for i in plan.indicators if i.id == "dossiers_on_time").target.value == Fraction(
        98, 100
    )


def test_no_warning_for_one_percent_zero_or_the_shipped_plan(tmp_path):
    for target in ("= 0%", "<= 1%", ">= 1%", ">= 0.5%"):
        p = _edited(PLAN, tmp_path, 'target: ">= 98%"', f'target: "{target}"', "plan.yaml")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            load_plan(p)
            load_plan(PLAN)
        assert [c.message.message.vi for c in caught] == (
            ["mục tiêu '>= 0.5%' dưới 1% — có phải ý bạn là '>= 50%'?"] if "0.5" in target else []
        )
