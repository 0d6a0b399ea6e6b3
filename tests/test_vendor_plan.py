"""The shipped plan reads the headers and words real one-stop systems write (TanDan, OpenCPS), a
header may carry its own words (``Trực tuyến`` true/false), and of two headers claiming one field
the one whose cells are of the field's kind is used.

The exports are CSV files written here with the vendors' headers and the dossiers of
scripts/make_vendor_fixtures.py (the readers for their .xls files are tested elsewhere).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import CchcError, ExitCode
from cchc_cli.plan.model import default_plan_path, load_plan
from conftest import ROOT, run

Q2 = ("--period", "2023-Q2")


def _vendors():
    spec = importlib.util.spec_from_file_location(
        "make_vendor_fixtures", ROOT / "scripts" / "make_vendor_fixtures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


V = _vendors()


def _write(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def opencps_csv(path: Path) -> Path:
    """The OpenCPS list as a CSV: its 13 headers, a blank written as one space, as it does."""
    rows = []
    for _unit, group in V.OPENCPS_GROUPS:
        for i, (code, proc, recv, due, done, ret, status, online, left) in enumerate(group):
            cells = [
                str(i + 1),
                code,
                proc,
                V.OPENCPS_CONTENT[proc],
                "Nguyễn Văn An",
                recv,
                due,
                "",
                done,
                ret,
                status,
                online,
                left,
            ]
            rows.append([c or " " for c in cells])
    return _write(path, V.OPENCPS_HEADERS, rows)


def tandan_csv(path: Path) -> Path:
    rows = [
        [str(i + 1), unit, proc, code, status, "Biên Hòa", "An", "An", filed, recv, due, end]
        for i, (code, unit, proc, status, filed, recv, due, end) in enumerate(V.TANDAN_ROWS)
    ]
    return _write(path, V.TANDAN_HEADERS, rows)


def check_json(path: Path, *extra: str) -> tuple[int, dict]:
    res = CliRunner().invoke(app, ["check", str(path), *Q2, "--format", "json", *extra])
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.stderr
    return res.exit_code, json.loads(res.stdout)


def figures(doc: dict) -> dict[str, tuple]:
    return {r["id"]: (r["numerator"], r["denominator"], r["status"]) for r in doc["indicators"]}


def test_shipped_plan_reads_opencps_and_tandan_as_they_come(tmp_path):
    # OpenCPS, Q2 (01/04–30/06/2023), by hand from make_vendor_fixtures.OPENCPS_GROUPS:
    #   SNV 1 online, 06/04 < due 07/04 early · 2 offline, 13/04 > 11/04 late · 3 online,
    #   17/05 = 17/05 on time · 4 offline open · 5 online "Chờ bổ sung" open · 6 online open;
    #   TTDN 1 online early · 2 offline "Rút hồ sơ" withdrawn = on time · 3 online "Chờ thanh
    #   toán" open · 4 offline "Đang xử lý liên thông" open · 5 "Từ chối" not received ·
    #   6 received and resolved in March: outside Q2.
    # Received in Q2: 10 (all but TTDN 5, 6), online ("true"): SNV 1 3 5 6, TTDN 1 3 = 6.
    # Resolved in Q2: SNV 1 2 3, TTDN 1 2 = 5; early or on time: all but SNV 2 = 4.
    _, doc = check_json(opencps_csv(tmp_path / "opencps.csv"))
    f = figures(doc)
    assert f["dossiers_online"] == (6, 10, "fail")
    assert f["dossiers_on_time"] == (4, 5, "fail")
    i = doc["inputs"][0]
    assert (i["rows_read"], i["rows_not_received"], i["rows_left_out"], i["problems"]) == (
        12,
        1,
        0,
        0,
    )
    assert i["missing_columns"] == [
        "dossier_digitized",
        "result_digitized",
        "e_result",
        "satisfaction",
        "apology_issued",
        "processing_days",
    ]
    # TanDan, Q2, from make_vendor_fixtures.TANDAN_ROWS: received ("Ngày nhận", not the citizen's
    # "Ngày nộp hồ sơ") in Q2: 0001 (filed 31/03, received 03/04), 0002–0007, 0010, 0013, 0014
    # = 10 (0008, 0011 not received, 0009 in March, 0012 in July). Resolved in Q2: 0001 0002 0003
    # 0004 0005 0009 0010 0013 0014 = 9; late: 0003 (19/04 > 17/04), 0014 (31/05 > 29/05) → 7/9.
    _, doc = check_json(tandan_csv(tmp_path / "tandan.csv"))
    assert doc["inputs"][0]["rows_received_in_period"] == 10
    assert figures(doc)["dossiers_on_time"] == (7, 9, "fail")


def test_trực_tuyến_true_false_is_the_channel(plan, tmp_path):
    from oracle.records import read_records

    path = _write(
        tmp_path / "x.csv",
        ["Mã hồ sơ", "Ngày tiếp nhận", "Trực tuyến"],
        [
            ["A", "03/04/2023", "true"],
            ["B", "03/04/2023", "false"],
            ["C", "03/04/2023", "Có"],
            ["D", "03/04/2023", "0"],
            ["E", "03/04/2023", "Trực tiếp"],
        ],
    )
    col = read_records(path, plan).columns["channel"]
    assert col.header == "Trực tuyến"
    cats = [col.categories[c] if c >= 0 else None for c in col.values]
    # 'Trực tiếp' is a word of the channel vocabulary, not of this header's own (true/false)
    assert cats == ["online", "offline", "online", "offline", None]
    assert int(col.unknown.sum()) == 1


def test_offline_counts_in_biểu_06_column_3(tmp_path):
    # the OpenCPS dossiers received in Q2 (see above): 6 online, 4 "false" = offline
    res = CliRunner().invoke(
        app, ["report", str(opencps_csv(tmp_path / "o.csv")), *Q2, "--format", "json"]
    )
    assert res.exit_code == ExitCode.OK, res.stderr
    total = json.loads(res.stdout)["total"]
    assert (total["received_online"], total["received_offline"]) == (6, 4)
    assert total["received_channel_unknown"] == 0


def _due_columns(tmp_path, first: tuple[str, list[str]], second: tuple[str, list[str]]) -> Path:
    """Three dossiers received 03/04/2023, resolved 05/04, with two columns claiming due_at."""
    rows = [
        [f"H{n}", "03/04/2023", "05/04/2023", "Trực tuyến", a, b]
        for n, (a, b) in enumerate(zip(first[1], second[1], strict=True))
    ]
    headers = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày kết thúc xử lý", "Hình thức nộp"]
    return _write(tmp_path / "due.csv", [*headers, first[0], second[0]], rows)


TEXT = ("Hạn xử lý", ["Còn 2 ngày", "Quá hạn 2.25 ngày", "Còn 0 ngày"])
DATES = ("Ngày hẹn trả", ["04/04/2023", "05/04/2023", "06/04/2023"])


@pytest.mark.parametrize("order", ["text_first", "dates_first"])
def test_due_date_column_is_the_one_holding_dates(tmp_path, order):
    pair = (TEXT, DATES) if order == "text_first" else (DATES, TEXT)
    path = _due_columns(tmp_path, *pair)
    # due 04/04, 05/04, 06/04, resolved 05/04: late, on time, early → 2 of 3 on time
    _, doc = check_json(path)
    assert figures(doc)["dossiers_on_time"] == (2, 3, "fail")
    used, other = (6, 5) if order == "text_first" else (5, 6)
    assert doc["inputs"][0]["columns_chosen"] == [
        {
            "field": "due_at",
            "header": "Ngày hẹn trả",
            "column": used,
            "kind": "date",
            "not_used": [{"header": "Hạn xử lý", "column": other, "example": "Còn 2 ngày"}],
        }
    ]
    res = CliRunner().invoke(app, ["check", str(path), *Q2, "--lang", "en"])
    assert (
        f"Column due_at: used 'Ngày hẹn trả' (column {used}: its cells are dates), "
        f"not 'Hạn xử lý' (column {other}: 'Còn 2 ngày' is not a date)"
    ) in res.stdout
    res = CliRunner().invoke(app, ["check", str(path), *Q2])
    assert (
        f"Cột due_at: dùng 'Ngày hẹn trả' (cột {used}: ô là ngày), "
        f"không dùng 'Hạn xử lý' (cột {other}: 'Còn 2 ngày' không phải ngày)"
    ) in res.stdout


def test_an_empty_claiming_column_is_not_used(tmp_path):
    path = _due_columns(tmp_path, ("Hạn xử lý", ["", "", ""]), DATES)
    _, doc = check_json(path)
    assert doc["inputs"][0]["columns_chosen"][0]["not_used"] == [
        {"header": "Hạn xử lý", "column": 5, "example": None}
    ]
    res = CliRunner().invoke(app, ["check", str(path), *Q2, "--lang", "en"])
    assert "not 'Hạn xử lý' (column 5: empty)" in res.stdout


def _alias_place(alias: str, field: str) -> str:
    """Where the shipped plan writes ``alias`` among ``field``'s aliases, as an English message
    names it: the plan by what it is (its site-packages path was never typed), line, column."""
    plan_path = default_plan_path()
    for n, line in enumerate(plan_path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"  {field}:"):
            return f"the shipped 2023 plan:{n}:{line.index(alias) + 1}"
    raise AssertionError(field)


@pytest.mark.parametrize(
    ("pair", "says"),
    [
        ((DATES, ("Hạn xử lý", DATES[1])), "the cells of both are dates"),
        ((TEXT, ("Ngày hẹn trả", TEXT[1])), "neither holds dates"),
    ],
    ids=["both_dates", "neither"],
)
def test_two_fitting_columns_or_none_is_an_error_naming_the_plan_edit(tmp_path, pair, says):
    path = _due_columns(tmp_path, *pair)
    res = CliRunner().invoke(app, ["check", str(path), *Q2, "--lang", "en"])
    assert res.exit_code == ExitCode.ERROR
    err = res.stderr
    assert f"{path}:1:6: two columns both mean 'due_at'" in err
    assert says in err
    # the hint: the plan edit, each alias with its file:line:col, and the file edit
    assert f"'Ngày hẹn trả' ({_alias_place('Ngày hẹn trả', 'due_at')})" in err
    assert f"'Hạn xử lý' ({_alias_place('Hạn xử lý', 'due_at')})" in err
    assert "drop_aliases: [" in err
    assert "rename one of the two columns in the file" in err
    assert "Traceback" not in err


def test_category_claim_goes_to_the_column_of_vocabulary_words(tmp_path, plan):
    from oracle.records import read_records

    # 'Hình thức' holds procedure codes here (no channel word); 'Trực tuyến' true/false does
    path = _write(
        tmp_path / "c.csv",
        ["Mã hồ sơ", "Ngày tiếp nhận", "Hình thức", "Trực tuyến"],
        [["A", "03/04/2023", "1.001234", "true"], ["B", "03/04/2023", "2.000567", "false"]],
    )
    r = read_records(path, plan)
    assert (r.columns["channel"].header, r.columns["channel"].index) == ("Trực tuyến", 4)
    c = r.columns_chosen[0]
    assert (c.field, c.kind, c.not_used) == ("channel", "category", (("Hình thức", 3, "1.001234"),))
    # both columns of channel words: an error
    _write(
        path,
        ["Mã hồ sơ", "Ngày tiếp nhận", "Hình thức", "Trực tuyến"],
        [["A", "03/04/2023", "Trực tiếp", "true"]],
    )
    with pytest.raises(CchcError) as err:
        read_records(path, plan)
    assert "the cells of both are words of its vocabulary" in err.value.render("en")


def test_which_column_fits_is_decided_on_a_sample(tmp_path, plan):
    """Only the first 1,000 non-empty cells are looked at: a column of 1,000 dates then 2,000
    texts is the due date (its later texts are then bad dates, each reported)."""
    from oracle.records import read_records

    n = 3000
    rows = [
        [
            f"H{i}",
            "03/04/2023",
            "Trực tuyến",
            "" if i < 5 else ("06/04/2023" if i < 1005 else "x"),
            "Còn 1 ngày",
        ]
        for i in range(n)
    ]
    path = _write(
        tmp_path / "s.csv",
        ["Mã hồ sơ", "Ngày tiếp nhận", "Hình thức nộp", "Ngày hẹn trả", "Hạn xử lý"],
        rows,
    )
    r = read_records(path, plan)
    assert r.columns["due_at"].header == "Ngày hẹn trả"
    assert int((r.problems["reason"] == "invalid_date").sum()) == n - 1005


def test_ngày_nộp_hồ_sơ_is_not_the_received_date(plan):
    from cchc_cli.text import fold
    from oracle.records import header_matcher

    m = header_matcher(plan)
    assert m[fold("Ngày nhận")] == "received_at"
    assert fold("Ngày nộp hồ sơ") not in m
    assert m[fold("Ngày hoàn thành")] == "resolved_at"


def _with_channel_aliases(tmp_path, entry: str, extra_vocab: str = "") -> Path:
    text = default_plan_path().read_text(encoding="utf-8")
    old = "{header: Trực tuyến, vocabulary: online_flag}"
    assert old in text
    text = text.replace(old, entry, 1)
    if extra_vocab:
        text = text.replace(
            "  satisfaction:                    # empty",
            extra_vocab + "\n  satisfaction:                    # empty",
            1,
        )
    p = tmp_path / "plan.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("entry", "extra", "says", "at"),
    [
        (
            "{header: Trực tuyến, vocabulary: online_flg}",
            "",
            "did you mean 'online_flag'",
            "online_flg",
        ),
        (
            "{header: Trực tuyến, vocabulary: odd}",
            '  odd:\n    categories:\n      online: ["true"]\n      maybe: ["?"]',
            "category 'maybe' of 'odd' is not a category of 'channel'",
            "odd}",
        ),
        (
            "{header: Trực tuyến, vocabular: online_flag}",
            "",
            "did you mean 'vocabulary'",
            "vocabular",
        ),
    ],
    ids=["unknown_vocabulary", "foreign_category", "unknown_key"],
)
def test_alias_vocabulary_mistakes_are_located(tmp_path, entry, extra, says, at):
    p = _with_channel_aliases(tmp_path, entry, extra)
    with pytest.raises(CchcError) as err:
        load_plan(p)
    assert says in err.value.render("en")
    lines = p.read_text(encoding="utf-8").splitlines()
    line = lines[err.value.location.line - 1]
    assert line[err.value.location.column - 1 :].startswith(at)


def test_alias_vocabulary_on_a_date_column_is_refused(tmp_path):
    text = default_plan_path().read_text(encoding="utf-8")
    text = text.replace(
        "ngay_hen_tra, Hạn giải quyết]", "ngay_hen_tra, {header: Hạn, vocabulary: online_flag}]", 1
    )
    p = tmp_path / "plan.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CchcError) as err:
        load_plan(p)
    assert "column 'due_at' has type date" in err.value.render("en")


def test_shipped_statuses_of_opencps(plan, tmp_path):
    from oracle.records import read_records

    path = opencps_csv(tmp_path / "o.csv")
    col = read_records(path, plan).columns["status"]
    got = {col.categories[c] for c in col.values}
    # Hoàn thành, Đang xử lý, Chờ bổ sung, Rút hồ sơ, Chờ thanh toán, Đang xử lý liên thông, Từ chối
    assert got == {"resolved", "in_progress", "supplement", "withdrawn", "financial", "rejected"}
    assert not re.search("unknown_value", " ".join(read_records(path, plan).problems["reason"]))
    assert run(path, plan).inputs[0].problems == 0
