"""Regenerate the README's sections that are made from the code, so they cannot drift:

- ``cli-reference``: every command (usage, summary in both languages, exit codes) and every
  option (the commands taking it, its gloss), read from the Click commands and their
  ``CommandHelp`` (:data:`cchc_cli.cli.common.HELP`);
- ``json-example``: the JSON of a real ``cchc check`` run on the sample (lists cut to one
  element, hashes and the time masked), each field with its note from :data:`NOTES`;
- ``reason-codes``: every reason code with the words the table prints for it.

Between ``<!-- BEGIN GENERATED name … -->`` and ``<!-- END GENERATED name -->`` in README.md::

    python scripts/gen_docs.py           # rewrite README.md
    python scripts/gen_docs.py --check   # exit 1, with a diff, if README.md is out of date

``tests/test_readme.py`` runs the check.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
COMMAND = "python scripts/gen_docs.py"
BLOCK = re.compile(
    r"(?P<begin><!-- BEGIN GENERATED (?P<name>[\w-]+)[^>]*-->\n)(?P<body>.*?)"
    r"(?P<end><!-- END GENERATED (?P=name) -->)",
    re.DOTALL,
)

# --------------------------------------------------------------------------- CLI reference


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _option_name(param) -> str:
    from cchc_cli.cli.usage import choices

    names = ", ".join(sorted(param.opts, key=len))
    if param.secondary_opts:
        names += " / " + ", ".join(param.secondary_opts)
    if getattr(param, "is_flag", False) or param.secondary_opts:
        return f"`{names}`"
    values = choices(param)
    shown = "\\|".join(values) if values else (param.metavar or param.name.upper())
    return f"`{names} {shown}`"


def cli_reference() -> str:
    from typer.main import get_command

    from cchc_cli.cli.app import ROOT_HELP, app
    from cchc_cli.cli.common import HELP

    group = get_command(app)
    root = group.make_context("cchc", [], resilient_parsing=True)
    out = [
        "| command | tóm tắt / summary | exit codes |",
        "|---|---|---|",
    ]
    options: dict[tuple[str, str], list[str]] = {}
    for name, help_ in [("", ROOT_HELP), *HELP.items()]:
        cmd = group.commands[name] if name else group  # type: ignore[attr-defined]
        ctx = cmd.make_context(name or "cchc", [], parent=root if name else None, resilient_parsing=True)
        for param in cmd.get_params(ctx):
            if param.name == "help":
                continue
            key = (_option_name(param) if param.param_type_name == "option" else "", param.help or "")
            if key[0]:
                options.setdefault(key, []).append(f"`{name}`" if name else "`cchc` (before a command)")
        if not name:
            continue
        pieces = [p for p in cmd.collect_usage_pieces(ctx) if p != "[OPTIONS]"]
        exits = " · ".join(f"**{int(code)}** {what.en}" for code, what in help_.exits)
        summary = f"{help_.summary.vi} — {help_.summary.en}"
        out.append(f"| `cchc {' '.join([name, *pieces])}` | {_cell(summary)} | {_cell(exits)} |")
    out += ["", "| option | commands | meaning (tiếng Việt / English) |", "|---|---|---|"]
    for (option, gloss), where in options.items():
        listed = "all" if len(where) == len(HELP) else ", ".join(where)
        out.append(f"| {option} | {listed} | {_cell(gloss)} |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- JSON example

SAMPLE = "sample_data/ho-so-mot-cua-2023.csv"
ACTUALS = "sample_data/actuals2023.yaml"
REGISTERS = "sample_data/so-theo-doi-cchc-2023.xlsx"
PREVIOUS = ("check", SAMPLE, "--period", "2023-H1", "--registers", REGISTERS, "--format", "json",
            "-o", "truoc.json")  # fmt: skip
EXAMPLE = ("check", SAMPLE, "--registers", REGISTERS, "--actuals", ACTUALS, "--compare",
           "truoc.json", "--by", "month", "--format", "json")  # fmt: skip
# Lists are cut to one element: this one (else the first).
PICK = {"indicators": "dossiers_on_time", "breakdown.groups[].indicators": "dossiers_on_time"}
NOTES = {
    "tool": "the cchc that wrote it",
    "plan": "the plan read (--plan); path as given, or the shipped file's",
    "plan.bases": "what an overlay plan extends, nearest first: [{path, sha256}]; [] otherwise",
    "period": "the period P, inclusive",
    "period.kind": "calendar | cutoff (a cut-off window, --cutoff)",
    "period.name": "the named period (--period, or the plan's year); null for bare --from/--to",
    "period.cutoff_day": "a cut-off window's day (14): it adds calendar: {start, end}; "
    "--from/--to narrowing --period adds narrowed_from: {period, start, end}",
    "inputs": "the export read, as typed on the command line; then each register file (below)",
    "inputs[].format": "csv | xlsx | xls (BIFF8) | html (a table saved as .xls)",
    "inputs[].sheet": "the sheet read (a workbook), else null",
    "inputs[].header_line": "the line of the header row (title rows above it are skipped)",
    "inputs[].rows_read": "read = used + out of period + not received + left out",
    "inputs[].rows_layout": "layout rows set aside (column numbers, totals, group rows)",
    "inputs[].layout_rows": "[{line, kind}] of those rows",
    "inputs[].left_out_by": "[{reason, field, rows}]: why rows were left out",
    "inputs[].problems": "the cells cchc validate lists",
    "inputs[].due_dates_derived": "due dates computed from the processing days",
    "inputs[].missing_columns": "plan columns the export lacks",
    "inputs[].last_received": "the latest received date in the file",
    "inputs[].columns_chosen": "two headers for one field: [{field, header, column, kind, "
    "not_used: [{header, column, example}]}]",
    "actuals": "the typed figures (--actuals), or null",
    "summary": "the verdicts: what the exit code is made from",
    "warnings": "[{code, message: {vi, en}, …}]: incomplete_data, compare_other_plan, "
    "compare_other_kind, compare_dropped; [] usually",
    "compare": "--compare: the earlier run; null without it",
    "compare.dropped": "ids the earlier run has and the plan no longer does",
    "indicators": "one per indicator of the plan (here dossiers_on_time)",
    "indicators[].source": "dossiers | registers | actuals",
    "indicators[].measure": "ratio | count | score",
    "indicators[].status": "pass | fail | no_data",
    "indicators[].value": "a percent for a ratio, full precision; null without data",
    "indicators[].target": "unit: percent | count | baseline",
    "indicators[].left_out_by": "[{reason, field, rows}]: the rows this indicator left out",
    "indicators[].reason": "why no_data: a reason code (missing_column, zero_denominator, "
    "no_register, no_actuals)",
    "indicators[].evidence": "an actuals entry's {document, date, note}; null otherwise",
    "indicators[].headroom": "kind: absorb | need | unlimited | impossible; a register's: its rows changing side",
    "indicators[].compare": "--compare: the change since the earlier run; null without it",
    "breakdown": "--by: the same figures per month (field, procedure, unit); absent without",
    "breakdown.groups": "one per group; a month is its own period",
    "generated_at": "the only field that changes between runs",
}
MASKED = {"sha256": "…", "generated_at": "…"}


def _run(args: tuple[str, ...]) -> str:
    """``cchc ARGS`` in-process, its stdout."""
    from typer.testing import CliRunner

    from cchc_cli.cli.app import app

    res = CliRunner().invoke(app, list(args))
    if res.exit_code not in (0, 1):
        raise SystemExit(f"cchc {' '.join(args)} failed: {res.stderr}")
    return res.stdout


def _example() -> dict:
    """The real JSON, run from a folder that holds the sample (so the paths are relative)."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sample_data").symlink_to(ROOT / "sample_data")
        os.chdir(tmp)
        try:
            _run(PREVIOUS)
            return json.loads(_run(EXAMPLE))
        finally:
            os.chdir(here)


def _prune(value, path: str = ""):
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            out[key] = MASKED[key] if key in MASKED and v is not None else _prune(v, _join(path, key))
        return out
    if isinstance(value, list):
        if not value:
            return []
        want = PICK.get(path)
        kept = next((v for v in value if isinstance(v, dict) and v.get("id") == want), value[0])
        return [_prune(kept, path + "[]")]
    if isinstance(value, str) and value.startswith("/"):  # an absolute path: its own end only
        return "…/" + "/".join(Path(value).parts[-3:])
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _lines(value, path: str, key: str | None, indent: str, width: int = 100) -> list[list[str]]:
    """[text, note] rows of a jsonc rendering: short values on one line, notes after them."""
    head = f'{indent}"{key}": ' if key is not None else indent
    inline = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    note = NOTES.get(path, "")
    if not isinstance(value, (dict, list)) or not value or len(head + inline) <= width - 20:
        return [[head + inline, note]]
    is_map = isinstance(value, dict)
    rows = [[head + ("{" if is_map else "["), note]]
    items = list(value.items()) if is_map else [(None, v) for v in value]
    for n, (k, v) in enumerate(items):
        inner = _join(path, k) if is_map else path + "[]"
        sub = _lines(v, inner, k, indent + "  ", width)
        if n < len(items) - 1:
            sub[-1][0] += ","
        rows += sub
    rows.append([indent + ("}" if is_map else "]"), ""])
    return rows


def _paths(value, path: str = "") -> set[str]:
    found = {path} if path else set()
    if isinstance(value, dict):
        for k, v in value.items():
            found |= _paths(v, _join(path, k))
    elif isinstance(value, list):
        for v in value:
            found |= _paths(v, path + "[]")
    return found


def json_example() -> str:
    doc = _prune(_example())
    stale = set(NOTES) - _paths(doc)
    if stale:
        raise SystemExit(f"notes for fields the JSON no longer has: {sorted(stale)}")
    rows = _lines(doc, "", None, "")
    out = [f"{text}  // {note}" if note else text for text, note in rows]
    return "```jsonc\n" + "\n".join(out) + "\n```\n"


def reason_codes() -> str:
    """Every :class:`~cchc_cli.errors.Reason` with the words tables and notes print for it."""
    from cchc_cli.errors import Reason
    from cchc_cli.render import REASON_TEXT

    out = ["| code | tiếng Việt | English |", "|---|---|---|"]
    for reason in Reason:
        words = REASON_TEXT[reason.value]
        out.append(f"| `{reason.value}` | {_cell(words.vi)} | {_cell(words.en)} |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- README

SECTIONS = {"cli-reference": cli_reference, "json-example": json_example, "reason-codes": reason_codes}


def generate(text: str) -> str:
    """README text with every generated section made again."""
    made: dict[str, str] = {}

    def fill(m: re.Match) -> str:
        name = m["name"]
        if name not in SECTIONS:
            raise SystemExit(f"README.md: unknown generated section '{name}'")
        made[name] = made.get(name) or SECTIONS[name]()
        return m["begin"] + made[name] + m["end"]

    new = BLOCK.sub(fill, text)
    missing = set(SECTIONS) - set(made)
    if missing:
        raise SystemExit(f"README.md lacks the generated sections {sorted(missing)}")
    return new


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if README.md is out of date")
    args = parser.parse_args()
    with contextlib.redirect_stderr(io.StringIO()):
        old = README.read_text(encoding="utf-8")
        new = generate(old)
    if args.check:
        if new != old:
            diff = difflib.unified_diff(
                old.splitlines(True), new.splitlines(True), "README.md", f"README.md ({COMMAND})"
            )
            sys.stdout.writelines(diff)
            print(f"\nREADME.md is out of date: run {COMMAND}")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
