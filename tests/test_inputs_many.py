"""Several exports as one: which files a folder, a glob or a list names (pipeline.expand_inputs)."""

from __future__ import annotations

import os

import pytest

from cchc_cli.errors import CchcError
from cchc_cli.pipeline import expand_inputs


def _touch(path, text="x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_names_its_exports_by_name_and_nothing_else(tmp_path):
    for name in (
        "2023-02.csv",
        "2023-01.xlsx",
        "2023-03.XLS",
        "notes.md",
        ".hidden.csv",
        "~$2023-01.xlsx",
        "sub/2023-04.csv",
    ):
        _touch(tmp_path / name)
    got = [p.name for p in expand_inputs([tmp_path])]
    assert got == ["2023-01.xlsx", "2023-02.csv", "2023-03.XLS"]


def test_a_glob_pattern_and_plain_files_keep_their_order(tmp_path, monkeypatch):
    for name in ("a/t1.csv", "a/t2.csv", "a/x.csv", "b.csv"):
        _touch(tmp_path / name)
    monkeypatch.chdir(tmp_path)
    got = [str(p) for p in expand_inputs(["b.csv", "a/t*.csv"])]
    assert got == ["b.csv", os.path.join("a", "t1.csv"), os.path.join("a", "t2.csv")]
    absolute = [p.name for p in expand_inputs([str(tmp_path / "a" / "?.csv")])]
    assert absolute == ["x.csv"]


def test_the_same_file_twice_is_refused_even_through_a_folder(tmp_path):
    one = _touch(tmp_path / "m" / "2023-01.csv")
    with pytest.raises(CchcError) as err:
        expand_inputs([tmp_path / "m", one])
    assert "named twice" in err.value.render("en")


@pytest.mark.parametrize("given", ["nothing-*.csv", "empty-dir"])
def test_nothing_to_read_is_an_error(tmp_path, monkeypatch, given):
    (tmp_path / "empty-dir").mkdir()
    _touch(tmp_path / "empty-dir" / "readme.txt.bak")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CchcError) as err:
        expand_inputs([given])
    assert err.value.location is not None and err.value.location.path == given


def test_a_converted_set_is_one_export(tmp_path):
    _touch(tmp_path / "set" / "_cchc.json", "{}")
    _touch(tmp_path / "set" / "year=2023" / "month=1" / "part-0.parquet")
    assert expand_inputs([tmp_path / "set"]) == (tmp_path / "set",)
