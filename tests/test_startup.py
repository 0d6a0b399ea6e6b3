"""What a command loads at start-up: on the 3,005-row sample most of `cchc check`'s time is
imports, the plan's YAML and the engine's set-up, not counting (benchmarks/README.md, "The
sample"). Not timed: each test pins the mechanism that keeps a cost away."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
import yaml

from cchc_cli.engine import calendar_sql, duck
from cchc_cli.pipeline import Request, run
from cchc_cli.plan import yamlfile
from cchc_cli.plan.calendar import supported_years
from conftest import ACTUALS, PLAN, REGISTERS, ROOT, SAMPLE, write_export

_spec = importlib.util.spec_from_file_location(
    "duckdb_reference", ROOT / "benchmarks" / "duckdb_reference.py"
)
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

# a fresh interpreter runs the command, then lists what it imported
_MODULES = """
import json, sys
sys.argv = ["cchc", *json.loads(sys.argv[1])]
from cchc_cli.cli.app import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def modules_of(*args, tmp_path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _MODULES, json.dumps([str(a) for a in args])],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, 1), done.stderr  # a verdict, whatever it is
    return set(report["modules"])


# what `check` of a CSV export never needs: the old pandas route (tests/oracle now), the office
# and HTML writers' libraries, plotting
NOT_FOR_CHECK = (
    "pandas",
    "openpyxl",
    "docx",
    "lxml",
    "matplotlib",
    "cchc_cli.records",
    "cchc_cli.classify",
    "cchc_cli.evaluate",
)


@pytest.mark.parametrize(
    "args",
    [
        ("--actuals", ACTUALS, "--format", "json", "-o", "out.json"),
        ("--actuals", ACTUALS),  # the table
    ],
    ids=["json", "table"],
)
def test_check_imports_no_other_route_and_one_country(args, tmp_path):
    got = modules_of("check", SAMPLE, *args, tmp_path=tmp_path)
    assert not {m for m in got if m.split(".")[0] in NOT_FOR_CHECK or m in NOT_FOR_CHECK}
    # the sample's last dossier is received before 31/12: the notice needs the last working
    # day, so Vietnam's holidays are read, but not the ~250 other countries of the package
    assert "holidays.countries.vietnam" in got
    assert "holidays.countries" not in got and "holidays.countries.japan" not in got


@pytest.mark.parametrize(
    "args",
    [
        ("explain", "dossiers_on_time", SAMPLE, "--rows", "all", "--format", "csv"),
        ("report", SAMPLE, "--format", "json"),
        ("validate", SAMPLE, "--format", "csv"),
        ("check", SAMPLE, "--format", "html", "-o", "page.html"),
        ("check", SAMPLE, "--format", "json", "-o", "out.json", "--evidence", "ev"),
    ],
    ids=["explain", "report", "validate", "html", "evidence"],
)
def test_the_rows_behind_figures_import_no_pandas(args, tmp_path):
    """explain, Biểu 06, validate, the HTML page and the evidence folder come from the engine:
    no pandas (nor an Arrow array built from Python objects, which would import it)."""
    got = modules_of(*args, tmp_path=tmp_path)
    assert "pandas" not in got
    assert not {m for m in got if m.startswith(("cchc_cli.records", "cchc_cli.classify"))}


@pytest.mark.parametrize("registers", [REGISTERS, REGISTERS.with_suffix("")], ids=["xlsx", "csv"])
def test_check_with_registers_imports_no_pandas(registers, tmp_path):
    """The registers are typed over numpy buffers (no Arrow array built from Python objects,
    no Python scalar given to a kernel, no ``to_numpy``: each would import pandas)."""
    args = ("--registers", registers, "--actuals", ACTUALS, "--format", "json", "-o", "o.json")
    got = modules_of("check", SAMPLE, *args, tmp_path=tmp_path)
    assert "pandas" not in got
    assert "cchc_cli.engine.registers" in got  # the registers were counted


def test_help_imports_no_engine(tmp_path):
    got = modules_of("--help", tmp_path=tmp_path)
    heavy = {"duckdb", "pandas", "pyarrow", "numpy", "yaml", "holidays", "pydantic", "rich"}
    assert not {m for m in got if m.split(".")[0] in heavy}


def test_no_calendar_when_no_row_derives_a_due_date(monkeypatch):
    """Every dossier of the sample has its due date: the engine never builds the working
    calendar (before: built for every run, the holiday package with it); the figures are the
    independent DuckDB reference's."""

    def refuse(*_):
        raise AssertionError("the working calendar was built")

    monkeypatch.setattr(calendar_sql, "_build", refuse)
    done = run(Request((SAMPLE,), period="2023"))
    expected = reference.compute(str(SAMPLE), *done.period)
    for r in done.result.indicators:
        if r.indicator.id in expected:
            want = expected[r.indicator.id]
            assert (r.numerator, r.denominator) == (want["numerator"], want["denominator"])


def test_a_derived_due_date_is_counted_even_when_the_probe_says_none(monkeypatch, tmp_path):
    """The probe only saves work: a row it missed is one the (empty) calendar does not cover,
    and the query runs again with the whole calendar. Received Fri 28/04/2023 with 2 working
    days: Sat 29/04 to Wed 03/05 are off (the Hùng Kings' day, 30/04, 01/05 and the two days in
    lieu), so due Fri 05/05: resolved Thu 04/05 or Fri 05/05 on time, Mon 08/05 late."""
    ends = ("04/05/2023 16:00", "05/05/2023 09:00", "08/05/2023 09:00")
    rows = [
        {"recv": "28/04/2023 08:00", "end": e, "days": "2", "st": "Đã trả kết quả"} for e in ends
    ]
    path = write_export(tmp_path / "e.csv", rows)
    for probe in (True, False):
        monkeypatch.setattr(duck, "derives", lambda con, bindings, probe=probe: probe)
        done = run(Request((path,), period="2023"))
        on_time = next(r for r in done.result.indicators if r.indicator.id == "dossiers_on_time")
        assert (on_time.numerator, on_time.denominator) == (2, 3), probe
        assert done.result.inputs[0].due_dates_derived == 3


def test_supported_years_need_no_import_of_holidays(tmp_path):
    code = "import sys; from cchc_cli.plan.calendar import supported_years as s; s(); "
    code += "print('holidays' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False"
    assert supported_years() == (1901, 2100)


# -- the plan's YAML ----------------------------------------------------------------------------


def _tree(node: yaml.Node) -> tuple:
    """Everything of a composed node the plan and actuals readers look at."""
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    head = (type(node).__name__, node.tag, marks, getattr(node, "cchc_file", None))
    if isinstance(node, yaml.ScalarNode):
        return (*head, node.value, node.style)
    if isinstance(node, yaml.SequenceNode):
        return (*head, tuple(_tree(n) for n in node.value))
    return (*head, tuple((_tree(k), _tree(v)) for k, v in node.value))


TRICKY = [
    "a: 1\nb: [x, 'y', \"z\\u00e9\"]\nc: {d: no, e: 2.1}\n",
    "tên: Tỷ lệ hồ sơ giải quyết đúng hạn  # chú thích\nmục tiêu: 95\n",
    "long: >\n  folded\n  text\n\nkeep: |\n  line 1\n   line 2\n",
    "anchors:\n  base: &b {x: 1}\n  copy: *b\n",
    "- - nested\n  - [1, 2, {k: v}]\n- ~\n- 2023-12-31\n",
    "key: !!str 12\nother: 'it''s'\n",
    "plain: a b\n  c d\nempty:\nquoted: ''\n",
]


@pytest.mark.parametrize(
    "text",
    [
        *TRICKY,
        *(
            p.read_text(encoding="utf-8-sig")
            for p in (PLAN, ACTUALS, ROOT / "src" / "cchc_cli" / "plans" / "plan2023.yaml")
        ),
    ],
)
def test_libyaml_composes_the_nodes_pyyaml_composes(text):
    fast, slow = yamlfile._FastLoader(text, "p.yaml"), yamlfile._Loader(text, "p.yaml")
    try:
        assert _tree(fast.get_single_node()) == _tree(slow.get_single_node())
    finally:
        fast.dispose()
        slow.dispose()


def test_plans_are_read_by_libyaml_and_errors_worded_by_pyyaml(monkeypatch, tmp_path):
    """The pure-Python scanner (most of a plan's loading time) is not used for a good file;
    a bad one is read again by it, so its error is PyYAML's, located as before."""
    from cchc_cli.errors import CchcError
    from cchc_cli.plan.model import load_plan

    scan = yaml.scanner.Scanner.fetch_more_tokens

    def refuse(self):
        raise AssertionError("the pure-Python scanner read a good file")

    monkeypatch.setattr(yaml.scanner.Scanner, "fetch_more_tokens", refuse)
    assert load_plan(PLAN).indicators
    monkeypatch.setattr(yaml.scanner.Scanner, "fetch_more_tokens", scan)
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\nb: c: d\n", encoding="utf-8")
    with pytest.raises(CchcError) as err:
        yamlfile.load_yaml(bad)
    assert "mapping values are not allowed here" in err.value.message.en  # PyYAML's words
    assert (err.value.location.line, err.value.location.column) == (2, 5)
