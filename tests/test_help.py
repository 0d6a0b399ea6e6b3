"""``--help`` teaches every command in both languages: ``cchc --help`` lists each command with a
one-line summary in Vietnamese and English; each command's help has a description, an Examples
section whose lines are real command lines, its exit codes, a usage line without stray braces,
and every option and argument glossed "Vietnamese / English"."""

from __future__ import annotations

import re

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cchc_cli.cli.app import app

runner = CliRunner()
GROUP = get_command(app)
COMMANDS = list(GROUP.commands)  # type: ignore[attr-defined]
# Letters only Vietnamese has (tone marks, ă â đ ê ô ơ ư): a text holding one is Vietnamese.
VI_LETTER = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)


def _is_vietnamese(text: str) -> bool:
    return bool(VI_LETTER.search(text))


def _is_english(text: str) -> bool:
    """Words, none with a letter only Vietnamese has."""
    return bool(re.search(r"[A-Za-z]{3}", text)) and not _is_vietnamese(text)


def _bilingual(text: str) -> bool:
    """"Vietnamese / English": some " / " has Vietnamese before it and only English after."""
    parts = text.split(" / ")
    return any(
        _is_vietnamese(" / ".join(parts[:i])) and _is_english(" / ".join(parts[i:]))
        for i in range(1, len(parts))
    )


def _help(*args: str) -> str:
    res = runner.invoke(app, [*args, "--help"])
    assert res.exit_code == 0, res.output
    return res.stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_command_list_gives_each_summary_in_both_languages():
    out = _help()
    listed = out[out.index("Commands:") :]
    # one entry per command: its name, then the summary (wrapped lines joined)
    entries = re.findall(r"^  (\w+) +(.+(?:\n {4,}.+)*)", listed, re.MULTILINE)
    assert [name for name, _ in entries] == COMMANDS
    assert {"check", "validate", "report", "calendar", "explain", "verify", "inspect", "plans"} <= set(
        COMMANDS
    )
    for name, summary in entries:
        vi, sep, en = _flat(summary).partition(" — ")
        assert sep and _is_vietnamese(vi) and _is_english(en), (name, summary)
        assert not en.endswith(("...", "…")), (name, summary)  # not cut by Click


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_each_help_has_a_description_examples_and_exit_codes(name):
    out = _help(*([name] if name else []))
    usage, _, body = out.partition("\n\n")
    assert usage.startswith(f"Usage: cchc {name + ' ' if name else ''}[OPTIONS]")
    assert not re.search(r"[{}]", usage), usage  # `{RECORDS}` is Typer's, no shell wants it
    first = _flat(body.split("\n\n")[0])
    vi, _, en = first.partition(". / ")
    assert _is_vietnamese(vi) and _is_english(en), first  # the summary, both languages
    assert "Ví dụ / Examples:" in out and "Mã thoát / Exit codes:" in out
    examples = out[out.index("Ví dụ / Examples:") : out.index("Mã thoát / Exit codes:")]
    lines = [line.strip() for line in examples.splitlines()[1:] if line.strip()]
    runs = [line for line in lines if line.startswith("cchc ")]
    said = [line[2:] for line in lines if line.startswith("# ")]
    assert runs and len(said) == 2 * len(runs), examples  # each example: vi, en, command
    assert all(_is_vietnamese(v) and _is_english(e) for v, e in zip(said[::2], said[1::2], strict=True))
    if name:
        assert all(line.split()[1] == name or line.split()[1] in COMMANDS for line in runs)
    codes = out[out.index("Mã thoát / Exit codes:") :].split("\n\n")[1]
    assert re.findall(r"^ {4}(\d)  ", codes, re.MULTILINE), codes


def _example_lines(text: str) -> list[list[str]]:
    part = text[text.index("Ví dụ / Examples:") : text.index("Mã thoát / Exit codes:")]
    return [line.split()[1:] for line in part.splitlines() if line.strip().startswith("cchc ")]


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_every_example_is_a_command_line_cchc_accepts(name):
    """Parsed, not run: every option, choice and argument of the example exists."""
    for args in _example_lines(_help(*([name] if name else []))):
        i = 0
        while args[i].startswith("--"):  # global options (`cchc --lang en validate …`)
            i += 2
        cmd = GROUP.commands[args[i]]  # type: ignore[attr-defined]
        ctx = cmd.make_context(args[i], args[i + 1 :])  # raises on a usage error
        assert ctx.params, args


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_every_option_and_argument_is_glossed_in_both_languages(name):
    # the rule, on texts worked out by hand: both halves are needed, in their languages
    assert _bilingual("Định dạng kết quả / Output format")
    assert _bilingual("Thêm số liệu từng tháng / lĩnh vực / thủ tục / Add a breakdown by month")
    assert not _bilingual("Định dạng kết quả.")  # Vietnamese only
    assert not _bilingual("Show this message and exit.")  # English only
    assert not _bilingual("Kỳ: 2023, 2023-Q2 / 2023-05 (mặc định: năm của kế hoạch)")
    cmd = GROUP if name is None else GROUP.commands[name]  # type: ignore[attr-defined]
    ctx = cmd.make_context(name or "cchc", [], resilient_parsing=True)
    params = cmd.get_params(ctx)
    assert any(p.name == "help" for p in params)  # Click's own --help too
    if name is None:
        assert {"install_completion", "show_completion", "lang", "version"} <= {p.name for p in params}
    shown = _help(*([name] if name else []))
    for p in params:
        assert p.help and _bilingual(p.help), (name, p.name, p.help)
        assert all(opt in shown for opt in p.opts if opt.startswith("-")), p.opts


def test_help_is_the_same_whatever_the_language():
    """Help is bilingual: --lang and CCHC_LANG do not change it (nor refuse it)."""
    plain = _help("check")
    assert runner.invoke(app, ["--lang", "en", "check", "--help"]).stdout == plain
    assert runner.invoke(app, ["check", "--help"], env={"CCHC_LANG": "en"}).stdout == plain


def test_shell_completion_is_offered_and_completes_commands_and_choices():
    out = _help()
    assert "--install-completion" in out and "--show-completion" in out
    env = {"_CCHC_COMPLETE": "complete_bash", "COMP_WORDS": "cchc ch", "COMP_CWORD": "1"}
    res = runner.invoke(app, [], env=env, prog_name="cchc")
    assert res.stdout.split() == ["check"]
    env = {**env, "COMP_WORDS": "cchc validate x.csv --format ", "COMP_CWORD": "4"}
    res = runner.invoke(app, [], env=env, prog_name="cchc")
    assert res.stdout.split() == ["table", "json", "csv"]
