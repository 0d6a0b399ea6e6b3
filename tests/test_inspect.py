"""``cchc inspect``: how a file is read, and the overlay it writes for a layout the plan lacks."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from cchc_cli.cli.app import app
from conftest import ROOT

runner = CliRunner()
VENDORS = ROOT / "tests" / "fixtures" / "vendors"

# An invented third system ("Z"): no header the shipped plan knows except "Thủ tục".
Z_CSV = """Số biên nhận,Thủ tục,Ngày nhận hồ sơ,Hẹn trả,Ngày hoàn tất,Kênh,Tình trạng
Z1,Cấp thẻ ABTC,03/04/2023,10/04/2023,07/04/2023,Online,Hoàn tất
Z2,Cấp thẻ ABTC,05/04/2023,12/04/2023,14/04/2023,Quầy,Hoàn tất
Z3,Hợp pháp hóa,10/05/2023,17/05/2023,17/05/2023,Online,Hoàn tất
Z4,Hợp pháp hóa,20/06/2023,27/06/2023,,Quầy,Đang giải quyết
Z5,Hợp pháp hóa,21/06/2023,28/06/2023,22/06/2023,Bưu điện,Hủy
"""


def cli(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_inspect_opencps_says_how_it_was_read():
    res = cli("inspect", VENDORS / "1688522460000.xls", "--format", "json")
    assert res.exit_code == 1, res.output  # the export has no yes/no columns: something missing
    data = json.loads(res.stdout)
    f = data["file"]
    assert (f["format"], f["sheet"], f["header_line"], f["rows"]) == ("xls", "report", 3, 12)
    assert [r["kind"] for r in f["layout_rows"]] == ["column_numbers", "group", "group"]
    used = {h["header"]: h["field"] for h in data["headers"]}
    assert used["Trực tuyến"] == "channel" and used["Ngày hoàn thành"] == "resolved_at"
    assert used["Ngày hẹn trả"] == "due_at" and used["Hạn xử lý"] is None  # text, not a date
    assert used["STT"] is None
    missing = {m["field"]: m["blocks"] for m in data["missing_fields"]}
    assert missing["apology_issued"] == ["late_dossiers_apologized"]
    assert "processing_days" not in missing  # due dates are there: nothing needs it
    assert data["unknown_words"] == []


def test_inspect_a_complete_export_exits_0():
    res = cli("inspect", ROOT / "sample_data" / "ho-so-mot-cua-2023.csv", "--lang", "en")
    assert res.exit_code == 1  # the sample's one planted unknown word ('Tốt')
    assert "'Tốt' × 1" in res.stdout


def _fill(text: str, fields: dict[str, str], words: dict[str, str]) -> str:
    """What the user does with the '#?' lines: name the field or the category."""
    out = []
    for line in text.splitlines():
        m = re.match(r"#\? TRƯỜNG: \{aliases: \[(.+?)\]\}", line)
        if m and m.group(1) in fields:
            out.append(f"  {fields[m.group(1)]}: {{aliases: [{m.group(1)}]}}")
            continue
        m = re.match(r"#\?      NHÓM: \[(.+?)\]", line)
        if m:
            out.append(f"      {words[m.group(1)]}: [{m.group(1)}]")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def test_overlay_written_by_inspect_makes_a_new_layout_checkable(tmp_path):
    export = tmp_path / "z.csv"
    export.write_text(Z_CSV, encoding="utf-8")
    first = tmp_path / "z-1.yaml"
    res = cli("inspect", export, "--write-plan", first)
    assert res.exit_code == 1, res.output
    text = first.read_text(encoding="utf-8")
    assert text.splitlines()[4] == "extends: plan2023"
    # confident guesses are YAML already: names close to an alias, cells of the right kind
    for line in (
        "  received_at: {aliases: [Ngày nhận hồ sơ]}",
        "  due_at: {aliases: [Hẹn trả]}",
        "  resolved_at: {aliases: [Ngày hoàn tất]}",
        "  channel: {aliases: [Kênh]}",
        "      postal: [Bưu điện]",
    ):
        assert any(x.startswith(line) for x in text.splitlines()), line
    # no guess: left for the user
    assert "#? TRƯỜNG: {aliases: [Số biên nhận]}" in text
    assert "#? TRƯỜNG: {aliases: [Tình trạng]}" in text
    first.write_text(
        _fill(text, {"Số biên nhận": "dossier_id", "Tình trạng": "status"}, {"Quầy": "in_person"}),
        encoding="utf-8",
    )
    # a second look with the confirmed overlay: the status words
    second = tmp_path / "z-2.yaml"
    res = cli("inspect", export, "--plan", first, "--write-plan", second)
    text2 = second.read_text(encoding="utf-8")
    assert "extends: " in text2 and "z-1.yaml" in text2
    assert "      resolved: [Hoàn tất]" in text2  # nearest known word: Hoàn thành
    second.write_text(_fill(text2, {}, {"Hủy": "withdrawn"}), encoding="utf-8")
    res = cli("inspect", export, "--plan", second, "--format", "json")
    data = json.loads(res.stdout)
    assert data["unknown_words"] == [] and data["records_error"] is None

    res = cli("check", export, "--plan", second, "--period", "2023-Q2", "--format", "json")
    assert res.exit_code == 1, res.output
    out = json.loads(res.stdout)
    ind = {i["id"]: i for i in out["indicators"]}
    # resolved in Q2: Z1 early (07/04 < 10/04), Z2 late (14/04 > 12/04), Z3 on the day, Z5
    # withdrawn ("Hủy") -> on time: 3 of 4; received in Q2: 5, online Z1 and Z3
    assert (ind["dossiers_on_time"]["numerator"], ind["dossiers_on_time"]["denominator"]) == (3, 4)
    assert (ind["dossiers_online"]["numerator"], ind["dossiers_online"]["denominator"]) == (2, 5)
    assert next(b["path"] for b in out["plan"]["bases"]).endswith("z-1.yaml")


def test_write_plan_never_overwrites_the_input(tmp_path):
    export = tmp_path / "z.csv"
    export.write_text(Z_CSV, encoding="utf-8")
    res = cli("inspect", export, "--write-plan", export)
    assert res.exit_code == 2
    assert export.read_text(encoding="utf-8") == Z_CSV


def test_inspect_on_empty_input(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    res = cli("inspect", empty)
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_cell_text_cannot_inject_yaml_into_the_overlay(tmp_path):
    """A multi-line cell quoted in a comment stays in the comment: the overlay loads and the
    targets are the plan's (the cell tried to lower on-time's target to 50%)."""
    export = tmp_path / "z.csv"
    evil = 'Gọi lại\nindicators:\n  - {id: dossiers_on_time, target: ">= 50%"}\n#'
    rows = Z_CSV.splitlines()
    rows[0] += ",Ghi chú"
    rows[1] += ',"' + evil.replace('"', '""') + '"'
    rows[2:] = [r + "," for r in rows[2:]]
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    overlay = tmp_path / "o.yaml"
    cli("inspect", export, "--write-plan", overlay)
    text = overlay.read_text(encoding="utf-8")
    assert not any(line.startswith("indicators") for line in text.splitlines())
    filled = _fill(text, {"Số biên nhận": "dossier_id", "Tình trạng": "status"}, {"Quầy": "in_person"})
    overlay.write_text(filled, encoding="utf-8")
    from cchc_cli.plan.model import load_plan

    plan = load_plan(overlay)
    assert plan.indicator("dossiers_on_time").target.as_json()["value"] == 98


def test_spellings_of_one_word_are_one_unknown_word_and_negations_get_no_guess(tmp_path):
    export = tmp_path / "z.csv"
    body = [
        "Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp,Trạng thái",
        "A1,03/04/2023,Trực tuyến,Xong",
        "A2,03/04/2023,Trực tuyến,xong",
        "A3,03/04/2023,Trực tuyến,XONG",
        "A4,03/04/2023,Trực tuyến,Chưa hoàn thành",
    ]
    export.write_text("\n".join(body) + "\n", encoding="utf-8")
    data = json.loads(cli("inspect", export, "--format", "json").stdout)
    words = {w["word"]: (w["rows"], w["category"]) for w in data["unknown_words"]}
    assert words["Xong"][0] == 3 and len(words) == 2
    assert words["Chưa hoàn thành"] == (1, None)  # not 'resolved', though closest is Hoàn thành


def test_a_row_counter_is_never_guessed_as_a_field(tmp_path):
    export = tmp_path / "z.csv"
    export.write_text(
        "STT,Mã hồ sơ,Ngày tiếp nhận\n1,A1,03/04/2023\n2,A2,04/04/2023\n3,A3,05/04/2023\n",
        encoding="utf-8",
    )
    data = json.loads(cli("inspect", export, "--format", "json").stdout)
    stt = next(h for h in data["headers"] if h["header"] == "STT")
    assert stt["field"] is None and stt["guess"] is None  # 1, 2, 3 are also channel codes


def test_overlay_of_a_plan_by_path_extends_it_relative_to_the_overlay(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "out").mkdir()
    base = tmp_path / "sub" / "base.yaml"
    base.write_text("extends: plan2023\ntitle: Kế hoạch gốc\n", encoding="utf-8")
    export = tmp_path / "z.csv"
    export.write_text(Z_CSV, encoding="utf-8")
    overlay = tmp_path / "out" / "lop.yaml"
    cli("inspect", export, "--plan", base, "--write-plan", overlay)
    assert "extends: ../sub/base.yaml" in overlay.read_text(encoding="utf-8")
    from cchc_cli.plan.model import load_plan

    assert load_plan(overlay).title == "Kế hoạch gốc"  # the chain resolves from the overlay
    # and the base itself is never overwritten
    res = cli("inspect", export, "--plan", overlay, "--write-plan", base)
    assert res.exit_code == 2 and base.read_text(encoding="utf-8").startswith("extends: plan2023")
