"""Docs as tests: the README and the staff guide cannot drift from what cchc does.

- Every ```` ```console ```` block of README.md and docs/*.md is run: each ``$ cchc …`` line (an
  environment assignment may come first, ``CCHC_LANG=en cchc …``) through the installed entry
  point ``cchc_cli.cli.app.main`` in-process, from a fresh folder holding ``sample_data/`` (so the
  examples' relative paths work and the files they write go nowhere), the blocks of one file in
  order. Its stdout and stderr, as a terminal shows them, must be the lines written under it; a
  line ``…`` stands for any number of lines; SHA-256 hashes, ISO times and absolute paths are
  masked on both sides. ``$ echo $?`` checks the previous exit code; an example that exits 2 or
  3 must be followed by one (an error shown on purpose).
- The generated sections (CLI reference, JSON example, reason codes) are what
  ``python scripts/gen_docs.py`` makes now.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import shlex
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MASKS = [
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?"), "<time>"),
    (re.compile(r"(?<![\w.~<])/[\w.\-]+(?:/[\w.\-]+)+/?"), "<path>"),
]
ANY = "…"


@dataclass
class Step:
    line: int  # of the `$` line in the file
    command: str
    expected: list[str]


def console_blocks(text: str) -> list[tuple[int, list[str]]]:
    """(line of the opening fence, lines inside) of every ```console block."""
    out, inside, start, lines = [], False, 0, []
    for n, line in enumerate(text.splitlines(), 1):
        if not inside and line.strip() == "```console":
            inside, start, lines = True, n, []
        elif inside and line.strip() == "```":
            out.append((start, lines))
            inside = False
        elif inside:
            lines.append(line)
    assert not inside, f"unclosed ```console block at line {start}"
    return out


def steps(start: int, lines: list[str]) -> list[Step]:
    found: list[Step] = []
    for n, line in enumerate(lines, start + 1):
        if line.startswith("$ "):
            found.append(Step(n, line[2:], []))
        else:
            assert found, f"line {n}: output before any `$ ` command"
            found[-1].expected.append(line)
    return found


def mask(text: str, folder: Path) -> str:
    text = text.replace(str(folder), "/masked/folder")
    for pattern, repl in MASKS:
        text = pattern.sub(repl, text)
    return text


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, ``…`` matching any run of lines (including none)."""
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line.strip() == ANY else re.escape(line) + r"\n" for line in expected
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


def run_cchc(words: list[str], env: dict[str, str], monkeypatch) -> tuple[int, str]:
    """``cchc WORDS`` through ``main()``: exit code and what a terminal shows (stdout and stderr
    in the order written)."""
    from cchc_cli.cli.app import main

    monkeypatch.delenv("CCHC_LANG", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "argv", ["cchc", *words])
    raw = io.BytesIO()  # one stream, as a terminal: cchc writes text and (stdout) bytes
    shown = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # main() sets its own
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(shown),
        contextlib.redirect_stderr(shown),
        pytest.raises(SystemExit) as done,
    ):
        main()
    return int(done.value.code or 0), raw.getvalue().decode("utf-8")


def _parse(command: str) -> tuple[dict[str, str], list[str]]:
    words = shlex.split(command)
    env = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    return env, words


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_console_example_prints_what_the_document_says(doc, tmp_path, monkeypatch):
    # the matcher and the masks, on cases worked out by hand
    assert matches(["a", ANY, "d"], ["a", "b", "c", "d"]) and matches(["a", ANY], ["a"])
    assert not matches(["a", "d"], ["a", "b", "d"]) and not matches(["a"], ["a", "b"])
    line = "SHA-256 " + "ab" * 32 + " at 2026-01-02T03:04:05+00:00 in /x/y.yaml"
    assert mask(line, tmp_path) == "SHA-256 <sha256> at <time> in <path>"
    kept = "Biểu số 06/VPCP/KSTT, 2.732/2.811, 15/12/2022"  # not paths
    assert mask(kept, tmp_path) == kept
    (tmp_path / "sample_data").symlink_to(ROOT / "sample_data")
    monkeypatch.chdir(tmp_path)
    name = doc.relative_to(ROOT)
    blocks = console_blocks(doc.read_text(encoding="utf-8"))
    assert blocks, f"{name} has no console example"
    ran = 0
    for start, lines in blocks:
        last: int | None = None
        todo = steps(start, lines)
        for i, step in enumerate(todo):
            where = f"{name}:{step.line}: $ {step.command}"
            env, words = _parse(step.command)
            if words == ["echo", "$?"]:
                assert last is not None, f"{where}: no command before it"
                assert step.expected == [str(last)], f"{where}: the exit code was {last}"
                continue
            assert words and words[0] == "cchc" and not {"|", ">", "&&", ";"} & set(words), (
                f"{where}: examples are single cchc commands"
            )
            last, shown = run_cchc(words[1:], env, monkeypatch)
            ran += 1
            actual = mask(shown, tmp_path).splitlines()
            expected = [mask(line, tmp_path) for line in step.expected]
            actual = [line.rstrip() for line in actual]
            expected = [line.rstrip() for line in expected]
            assert matches(expected, actual), (
                f"{where}\n--- the document says:\n" + "\n".join(expected)
                + "\n--- cchc printed:\n" + "\n".join(actual)
            )  # fmt: skip
            said_code = i + 1 < len(todo) and todo[i + 1].command.strip() == "echo $?"
            assert last in (0, 1) or said_code, f"{where}: exit {last} (an example that fails)"
    assert ran


def test_the_generated_sections_are_up_to_date():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    gen = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(gen)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert gen.generate(text) == text, f"README.md is out of date: run {gen.COMMAND}"
    for name in gen.SECTIONS:  # each section is there, and not empty
        body = gen.BLOCK.search(text[text.index(f"BEGIN GENERATED {name}") - 5 :])["body"]
        assert body.strip(), name


def test_the_staff_guide_explains_every_reason_code():
    """A code validate prints, looked up in the guide's table: each one is there, in words."""
    from cchc_cli.errors import Reason

    guide = (ROOT / "docs" / "huong-dan-can-bo.md").read_text(encoding="utf-8")
    assert "(docs/huong-dan-can-bo.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [r.value for r in Reason if f"`{r.value}`" not in guide]
    assert missing == []
    for heading in ("Lấy tệp xuất", "Kiểm tra hằng tháng", "Đọc bảng", "validate", "Báo cáo quý",
                    "thanh tra"):  # fmt: skip
        assert any(line.startswith("## ") and heading in line for line in guide.splitlines()), heading
