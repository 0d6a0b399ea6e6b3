"""The language a user gets, and Click's own usage errors in it.

``--lang`` after the command > ``--lang`` before it (``cchc --lang en check …``) > ``CCHC_LANG`` >
Vietnamese. A wrong choice, a missing argument, an unknown option or command are worded as every
cchc error is (a message, a ``→`` hint), in that language, exit 2 — through the installed entry
point, ``cchc_cli.cli.app.main``, as a shell script runs it."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app, main
from cchc_cli.errors import ExitCode

runner = CliRunner()


@pytest.fixture
def cchc(monkeypatch, capsys):
    """``cchc ARGS`` through ``main()``: (exit code, stdout, stderr)."""
    monkeypatch.delenv("CCHC_LANG", raising=False)

    def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(sys, "argv", ["cchc", *args])
        with pytest.raises(SystemExit) as done:
            main()
        out = capsys.readouterr()
        return int(done.value.code or 0), out.out, out.err

    return run


MISSING = "khong-co.csv"  # a file that is not there: the error's first word says the language


def test_the_language_before_the_command_and_from_cchc_lang(cchc):
    cases = [
        ([], {}, "Lỗi"),  # the default
        ([], {"CCHC_LANG": "en"}, "Error"),  # the variable, for a whole script
        ([], {"CCHC_LANG": " EN "}, "Error"),  # any case, spaces around
        ([], {"CCHC_LANG": ""}, "Lỗi"),  # empty is unset
        (["--lang", "vi"], {"CCHC_LANG": "en"}, "Lỗi"),  # before the command beats the variable
        (["--lang", "en"], {"CCHC_LANG": ""}, "Error"),  # `cchc --lang en validate …`
        (["--lang=en"], {}, "Error"),
    ]
    for args, env, word in cases:
        code, out, err = cchc(*args, "validate", MISSING, env=env)
        assert (code, out) == (ExitCode.ERROR, ""), (args, env)
        assert err.startswith(f"{word}: {MISSING}: "), (args, env, err)


@pytest.mark.parametrize(
    ("before", "after", "word"),
    [("en", "vi", "Lỗi"), ("vi", "en", "Error")],
)
def test_the_language_after_the_command_wins(cchc, before, after, word):
    code, _, err = cchc("--lang", before, "validate", MISSING, "--lang", after, env={"CCHC_LANG": "en"})
    assert code == ExitCode.ERROR and err.startswith(f"{word}: ")


def test_the_language_reaches_the_output_not_only_errors(tmp_path):
    """The same run in English through each route: the table's first words are English."""
    from conftest import SAMPLE

    plain = runner.invoke(app, ["validate", str(SAMPLE), "--lang", "en"])
    before = runner.invoke(app, ["--lang", "en", "validate", str(SAMPLE)])
    env = runner.invoke(app, ["validate", str(SAMPLE)], env={"CCHC_LANG": "en"})
    vi = runner.invoke(app, ["validate", str(SAMPLE)], env={"CCHC_LANG": "vi"})
    assert plain.stdout == before.stdout == env.stdout != vi.stdout
    assert plain.exit_code == before.exit_code == env.exit_code == ExitCode.FAIL  # 4 broken cells


def test_a_cchc_lang_that_is_neither_language_is_refused(cchc):
    code, out, err = cchc("validate", MISSING, env={"CCHC_LANG": "english"})
    assert (code, out) == (ExitCode.ERROR, "")
    assert err == (
        "Lỗi cách dùng: CCHC_LANG='english' không phải vi hay en\n"
        "  → đặt CCHC_LANG=vi hoặc CCHC_LANG=en, hoặc bỏ biến này\n"
    )
    code, _, err = cchc("validate", MISSING, "--lang", "en", env={"CCHC_LANG": "english"})
    assert code == ExitCode.ERROR and err.startswith("Error: ")  # an explicit --lang needs none


@pytest.mark.parametrize(
    ("args", "vi", "en"),
    [
        (
            ["validate", "x.csv", "--format", "jsn"],
            "Lỗi cách dùng: 'jsn' không phải một giá trị của --format; chọn: table, json, csv\n"
            "  → có phải ý bạn là 'json'?\n",
            "Usage error: 'jsn' is not one of the values of --format; choose: table, json, csv\n"
            "  → did you mean 'json'?\n",
        ),
        (
            ["inspect"],  # a command of one export file
            "Lỗi cách dùng: thiếu RECORDS: tệp xuất danh sách hồ sơ của phần mềm Một cửa (.csv, "
            ".txt, .xlsx, .xls)\n"
            "  → cách dùng: cchc inspect [OPTIONS] RECORDS (xem: cchc inspect --help)\n",
            "Usage error: missing RECORDS: the one-stop system's dossier export (.csv, .txt, .xlsx, "
            ".xls)\n"
            "  → usage: cchc inspect [OPTIONS] RECORDS (see: cchc inspect --help)\n",
        ),
        (
            ["validate", "x.csv", "--limt", "5"],
            "Lỗi cách dùng: không có tùy chọn --limt\n"
            "  → có phải ý bạn là --limit? (xem: cchc validate --help)\n",
            "Usage error: no such option: --limt\n"
            "  → did you mean --limit? (see: cchc validate --help)\n",
        ),
        (
            ["valdate", "x.csv"],
            "Lỗi cách dùng: không có lệnh 'valdate'\n"
            "  → có phải ý bạn là 'validate'? (xem: cchc --help)\n",
            "Usage error: no command 'valdate'\n  → did you mean 'validate'? (see: cchc --help)\n",
        ),
        (
            ["validate", "x.csv", "--limit", "-3"],
            "Lỗi cách dùng: --limit phải ≥ 0 (đang là -3)\n  → xem: cchc validate --help\n",
            "Usage error: --limit must be ≥ 0 (got -3)\n  → see: cchc validate --help\n",
        ),
        (
            ["calendar", "năm-nay"],
            "Lỗi cách dùng: YEAR: 'năm-nay' không phải một số nguyên\n"
            "  → xem: cchc calendar --help\n",
            "Usage error: YEAR: 'năm-nay' is not a whole number\n  → see: cchc calendar --help\n",
        ),
        (
            ["validate", "x.csv", "--plan"],
            "Lỗi cách dùng: --plan cần một giá trị\n  → xem: cchc validate --help\n",
            "Usage error: --plan needs a value\n  → see: cchc validate --help\n",
        ),
        (
            ["inspect", "x.csv", "y.csv"],
            "Lỗi cách dùng: thừa đối số: y.csv\n"
            "  → cách dùng: cchc inspect [OPTIONS] RECORDS (xem: cchc inspect --help)\n",
            "Usage error: unexpected extra argument: y.csv\n"
            "  → usage: cchc inspect [OPTIONS] RECORDS (see: cchc inspect --help)\n",
        ),
    ],
    ids=["choice", "missing", "option", "command", "range", "integer", "no_value", "extra"],
)
def test_usage_errors_in_the_users_language(cchc, args, vi, en):
    assert cchc(*args) == (ExitCode.ERROR, "", vi)
    assert cchc(*args, env={"CCHC_LANG": "en"}) == (ExitCode.ERROR, "", en)
    assert cchc("--lang", "en", *args) == (ExitCode.ERROR, "", en)


def test_a_usage_error_of_a_new_shape_is_still_one_line_and_exit_2(cchc, monkeypatch):
    """Whatever Click adds later: its own words, exit 2, never a traceback."""

    def broken(*_args, **_kwargs):
        raise AttributeError("a shape cli_usage does not know")

    monkeypatch.setattr("cchc_cli.cli.usage.usage_error", broken)
    code, out, err = cchc("validate", "x.csv", "--format", "jsn")
    assert (code, out) == (ExitCode.ERROR, "")
    assert err.startswith("Lỗi cách dùng: ") and "jsn" in err and "Traceback" not in err
