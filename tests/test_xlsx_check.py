"""``check --format xlsx``: the appendix workbook read back with openpyxl equals the JSON of the
same run, figure by figure; the month sheet equals ``check --by month``; text is never a formula;
the same run gives the same bytes; no file when the run fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zipfile

import pytest
from openpyxl import load_workbook

from cchc_cli.errors import ExitCode
from conftest import (
    ACTUALS,
    ACTUALS_REL,
    PLAN,
    REGISTERS_REL,
    SAMPLE,
    SAMPLE_REL,
    VERDICT,
    cli,
)

pytestmark = pytest.mark.usefixtures("at_root")
invoke = cli


def json_of(*args) -> dict:
    res = invoke("check", *args, "--format", "json")
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return json.loads(res.stdout)


def table(ws, first_heading: str) -> tuple[int, list[dict]]:
    """The sheet's table as dicts keyed by heading, found by the heading of its first column."""
    rows = list(ws.iter_rows())
    top = next(i for i, r in enumerate(rows) if r[0].value == first_heading)
    heads = [c.value for c in rows[top]]
    return top + 1, [dict(zip(heads, r, strict=True)) for r in rows[top + 1 :]]


def xlsx_of(tmp_path, *args, name="phu-luc.xlsx"):
    out = tmp_path / name
    res = invoke("check", *args, "--format", "xlsx", "-o", out)
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return out, res


def same(got, want) -> bool:
    return got is want is None or (want is not None and got == pytest.approx(want, rel=1e-12))


def rate(cell, measure: str):
    """The figure as JSON gives it: a ratio is held by Excel as a fraction of 1 (percent format)."""
    if cell.value is None:
        return None
    assert isinstance(cell.value, int | float) and cell.data_type == "n"
    if measure == "ratio":
        assert cell.number_format.endswith("%")
        return cell.value * 100
    return cell.value


@pytest.mark.parametrize(
    ("lang", "extra"),
    [("vi", ("--actuals", ACTUALS_REL)), ("en", ("--actuals", ACTUALS_REL)), ("vi", ())],
    ids=["vi-actuals", "en-actuals", "vi-no-actuals"],
)
def test_every_figure_equals_the_json(tmp_path, lang, extra):
    doc = json_of(SAMPLE_REL, *extra, "--lang", lang)
    out, res = xlsx_of(tmp_path, SAMPLE_REL, *extra, "--lang", lang)
    assert res.exit_code == ExitCode.FAIL and res.stdout == ""  # dossiers_on_time fails
    ws = load_workbook(out).worksheets[0]
    h = {"vi": ("Mã chỉ tiêu", "Tử số", "Mẫu số", "Giá trị", "Kết quả", "Số dòng loại ra")}
    h["en"] = ("Id", "Numerator", "Denominator", "Value", "Verdict", "Rows left out")
    ident, num, den, value, verdict, left = h[lang]
    _, rows = table(ws, "STT" if lang == "vi" else "No.")
    assert [r[ident].value for r in rows] == [i["id"] for i in doc["indicators"]]
    for r, ind in zip(rows, doc["indicators"], strict=True):
        assert r[num].value == ind["numerator"], ind["id"]
        assert r[den].value == ind["denominator"], ind["id"]
        assert same(rate(r[value], ind["measure"]), ind["value"]), ind["id"]
        assert r[verdict].value == VERDICT[lang][ind["status"]]
        assert r[left].value == ind["left_out"]
    on_time = next(r for r in rows if r[ident].value == "dossiers_on_time")
    # 2732/2811 = 97.1896…%, by hand (README); shown with two decimals, a real number underneath
    assert (on_time[num].value, on_time[den].value) == (2732, 2811)
    assert on_time[value].value == pytest.approx(2732 / 2811)
    assert on_time[value].number_format == "0.00%" and on_time[num].number_format == "#,##0"


def test_the_month_sheet_equals_check_by_month(tmp_path):
    doc = json_of(SAMPLE_REL, "--by", "month", "--period", "2023-Q2")
    out, _ = xlsx_of(
        tmp_path, SAMPLE_REL, "--period", "2023-Q2"
    )  # no --by: the sheet is always there
    wb = load_workbook(out)
    assert wb.sheetnames == ["Phụ lục", "Theo tháng"]
    _, rows = table(wb["Theo tháng"], "Mã chỉ tiêu")
    expected = [
        (ind["id"], g["group"], g["period"], ind)
        for k in range(len(doc["breakdown"]["groups"][0]["indicators"]))
        for g in doc["breakdown"]["groups"]
        for ind in [g["indicators"][k]]
    ]
    assert len(rows) == len(expected) == 7 * 3  # seven dossier indicators, April to June
    measure = {i["id"]: i["measure"] for i in doc["indicators"]}
    for r, (ident, month, period, ind) in zip(rows, expected, strict=True):
        assert (r["Mã chỉ tiêu"].value, r["Tháng"].value) == (ident, month)
        assert r["Từ ngày"].value.date() == dt.date.fromisoformat(period["start"])
        assert r["Đến ngày"].value.date() == dt.date.fromisoformat(period["end"])
        assert r["Tử số"].value == ind["numerator"]
        assert r["Mẫu số"].value == ind["denominator"]
        assert same(rate(r["Giá trị"], measure[ident]), ind["value"])
        assert r["Kết quả"].value == VERDICT["vi"][ind["status"]]
        assert r["Số dòng loại ra"].value == ind["left_out"]


def test_with_another_by_a_third_sheet(tmp_path, export):
    rows = [
        dict(field="Lãnh sự", recv="02/05/2023", due="10/05/2023", end="05/05/2023"),
        dict(field="Lãnh sự", recv="03/05/2023", due="10/05/2023", end="12/05/2023"),
        dict(field="Hội nghị", recv="04/05/2023", due="10/05/2023", end="08/05/2023"),
    ]
    path = export(rows)
    doc = json_of(path, "--period", "2023-05", "--by", "field", "--lang", "en")
    out, _ = xlsx_of(tmp_path, path, "--period", "2023-05", "--by", "field", "--lang", "en")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Appendix", "By month", "By field"]
    _, got = table(wb["By field"], "Id")
    on_time = {r["Field"].value: r for r in got if r["Id"].value == "dossiers_on_time"}
    # by hand: Lãnh sự 1 of 2 on time (one ends 12/05, due 10/05), Hội nghị 1 of 1
    assert {k: (r["Numerator"].value, r["Denominator"].value) for k, r in on_time.items()} == {
        "Lãnh sự": (1, 2),
        "Hội nghị": (1, 1),
    }
    want = {
        g["group"]: i
        for g in doc["breakdown"]["groups"]
        for i in g["indicators"]
        if i["id"] == "dossiers_on_time"
    }
    assert {k: r["Verdict"].value for k, r in on_time.items()} == {
        k: VERDICT["en"][i["status"]] for k, i in want.items()
    }


def test_the_heading_names_plan_period_and_files_with_hashes(tmp_path):
    out, _ = xlsx_of(tmp_path, SAMPLE_REL, "--actuals", ACTUALS_REL, "--period", "2023-Q2")
    ws = load_workbook(out).worksheets[0]
    top, _ = table(ws, "STT")
    lines = [ws.cell(row=n, column=1).value for n in range(1, top - 1)]
    assert "Kế hoạch Cải cách hành chính Sở Ngoại vụ năm 2023" in lines
    assert "Sở Ngoại vụ tỉnh Đồng Nai" in lines
    assert "Kỳ báo cáo: 01/04/2023 – 30/06/2023" in lines
    text = "\n".join(v for v in lines if v)
    for path in (SAMPLE, ACTUALS, PLAN.resolve()):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in text
    assert f"Tệp hồ sơ: {SAMPLE_REL} — SHA-256 " in text


def test_frozen_header_print_setup_and_wrapping(tmp_path):
    out, _ = xlsx_of(tmp_path, SAMPLE_REL)
    for ws in load_workbook(out).worksheets:
        top, rows = table(ws, ws.cell(row=top_row(ws), column=1).value)
        assert ws.freeze_panes == f"A{top + 1}"  # everything below the header row scrolls
        assert ws.print_title_rows == f"${top}:${top}"  # the header row on every page
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
            "landscape",
            9,  # A4
            1,
            0,  # as many pages down as it takes
        )
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_margins.left < 0.75  # narrower than Excel's default
        title = rows[0]["Nội dung chỉ tiêu"]
        assert title.alignment.wrap_text and ws.column_dimensions[title.column_letter].width >= 40


def top_row(ws) -> int:
    """The header row: the first row with a value in its second column."""
    return next(r[0].row for r in ws.iter_rows() if r[1].value is not None)


def test_source_says_export_register_or_typed(tmp_path):
    actuals = tmp_path / "actuals.yaml"
    actuals.write_text(
        "plan: snv-dongnai-2023\nindicators:\n"
        "  center_self_financed: {numerator: 3850, denominator: 3620}\n",
        encoding="utf-8",
    )
    out, _ = xlsx_of(tmp_path, SAMPLE_REL, "--actuals", actuals, "--registers", REGISTERS_REL)
    _, rows = table(load_workbook(out).worksheets[0], "STT")
    source = {r["Mã chỉ tiêu"].value: r["Nguồn số liệu"].value for r in rows}
    assert source["dossiers_on_time"] == "Tệp xuất phần mềm Một cửa"
    assert source["staff_trained"] == "Sổ theo dõi can_bo (--registers)"
    assert source["center_self_financed"] == "Nhập tay (--actuals), không có văn bản"
    assert source["par_index_improved"] == "Sổ sách, báo cáo (--actuals): chưa có"
    out, _ = xlsx_of(tmp_path, SAMPLE_REL, "--actuals", ACTUALS_REL)
    _, rows = table(load_workbook(out).worksheets[0], "STT")
    source = {r["Mã chỉ tiêu"].value: r["Nguồn số liệu"].value for r in rows}
    assert source["par_index_improved"] == (
        "Sổ sách, văn bản: Quyết định số 612/QĐ-UBND ngày 20/03/2024 (Chỉ số CCHC 2023)"
    )


def test_a_rate_is_shown_with_the_decimals_that_keep_its_verdict(tmp_path):
    """19999/20000 = 99.995% fails "≥ 100%"; "0.00%" would show 100.00%."""
    actuals = tmp_path / "actuals.yaml"
    actuals.write_text(
        "plan: snv-dongnai-2023\nindicators:\n"
        "  center_self_financed: {numerator: 19999, denominator: 20000}\n",
        encoding="utf-8",
    )
    out, _ = xlsx_of(tmp_path, SAMPLE_REL, "--actuals", actuals)
    _, rows = table(load_workbook(out).worksheets[0], "STT")
    row = next(r for r in rows if r["Mã chỉ tiêu"].value == "center_self_financed")
    assert row["Giá trị"].value == pytest.approx(0.99995)
    assert (row["Giá trị"].number_format, row["Kết quả"].value) == ("0.000%", "KHÔNG ĐẠT")


def formula_plan(tmp_path):
    """The shipped plan with text that Excel would take for formulas."""
    text = PLAN.read_text(encoding="utf-8")
    for old, new in (
        ("title: Kế hoạch Cải cách hành chính Sở Ngoại vụ năm 2023", "title: '=1+1'"),
        ("title: 70% hồ sơ thủ tục hành chính có hồ sơ mẫu", "title: '+SUM(A1:A9)'"),
        ("title: 100% hồ sơ thủ tục hành chính được số hóa", "title: '=HYPERLINK(\"x\")'"),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_text_cells_are_never_formulas(tmp_path, export):
    rows = [
        dict(field=field, recv="02/05/2023", due="10/05/2023")
        for field in ("-1+2", "@SUM(1)", "=cmd|' /C calc'!A0", "Lãnh sự\x07")
    ]
    path = export(rows, name="=danh-sach.csv")
    plan = formula_plan(tmp_path)
    args = (path, "--plan", plan, "--period", "2023-05", "--by", "field")
    out, _ = xlsx_of(tmp_path, *args)
    wb = load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for value in (
        "=1+1",
        "+SUM(A1:A9)",
        '=HYPERLINK("x")',
        "-1+2",
        "@SUM(1)",
        "=cmd|' /C calc'!A0",
    ):
        assert value in texts, value
        assert texts[value].data_type == "s" and texts[value].quotePrefix, value
    # a control character XML cannot hold is shown escaped, as messages show it
    assert "Lãnh sự\\u0007" in texts
    # and in the file itself: a string, never a <f> element
    with zipfile.ZipFile(out) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"=1+1" in xml


def test_the_same_run_gives_the_same_bytes(tmp_path):
    a, _ = xlsx_of(tmp_path, SAMPLE_REL, "--period", "2023-05", name="a.xlsx")
    b, _ = xlsx_of(tmp_path, SAMPLE_REL, "--period", "2023-05", name="b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("1980-01-01T00:00:00Z") == 2 and "cchc" in core
    props = load_workbook(a).properties
    assert props.created == props.modified == dt.datetime(1980, 1, 1)


def test_form_06_workbook_is_fixed_too(tmp_path):
    """Biểu 06 shares the workbook pieces: fixed dates, A4, text never a formula."""
    out = tmp_path / "bieu06.xlsx"
    res = invoke("report", SAMPLE_REL, "--period", "2023-05", "--format", "xlsx", "-o", out)
    assert res.exit_code == ExitCode.OK, res.output
    with zipfile.ZipFile(out) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert load_workbook(out).active.page_setup.paperSize == 9


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("where", [(), ("-o", "-")], ids=["no-o", "stdout"])
def test_office_formats_need_a_file(fmt, where):
    res = invoke("check", SAMPLE_REL, "--format", fmt, *where, "--lang", "en")
    assert res.exit_code == ExitCode.ERROR
    assert f"Error: {fmt} needs -o FILE" in res.stderr and res.stdout == ""


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_office_formats_are_never_written_to_a_terminal_device(fmt):
    import pty

    parent, child = pty.openpty()
    try:
        res = invoke("check", SAMPLE_REL, "--format", fmt, "-o", os.ttyname(child), "--lang", "en")
        assert res.exit_code == ExitCode.ERROR and f"{fmt} needs -o FILE" in res.stderr
        os.set_blocking(parent, False)
        with pytest.raises(BlockingIOError):
            os.read(parent, 1)  # nothing reached the terminal
    finally:
        os.close(parent)
        os.close(child)
    assert invoke(
        "check", SAMPLE_REL, "--period", "2023-05", "--format", fmt, "-o", os.devnull
    ).exit_code in (ExitCode.OK, ExitCode.FAIL)  # a device that is not a terminal is fine


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_no_file_when_the_run_fails(tmp_path, fmt):
    bad = tmp_path / "bad.csv"
    bad.write_text("Mã hồ sơ,Tên thủ tục\nH1,x\n", encoding="utf-8")  # no received date column
    out = tmp_path / f"phu-luc.{fmt}"
    res = invoke("check", bad, "--format", fmt, "-o", out)
    assert res.exit_code == ExitCode.ERROR and "Lỗi" in res.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]
    # a file already there is left as it was
    out.write_bytes(b"old")
    assert invoke("check", bad, "--format", fmt, "-o", out).exit_code == ExitCode.ERROR
    assert out.read_bytes() == b"old"


def test_compare_column_and_line_follow_the_json(tmp_path):
    """--compare: the change column holds the JSON's delta (percentage points, 2 decimals,
    Vietnamese comma), and the heading names the earlier run."""
    prev = tmp_path / "t4.json"
    res = invoke("check", SAMPLE_REL, "--period", "2023-04", "--format", "json", "-o", prev)
    assert res.exit_code in (0, 1), res.output
    args = ("--period", "2023-05", "--compare", prev)
    want = {i["id"]: i["compare"] for i in json_of(SAMPLE_REL, *args)["indicators"]}
    out, _ = xlsx_of(tmp_path, SAMPLE_REL, *args)
    ws = load_workbook(out).worksheets[0]
    assert any(f"So sánh với: {prev}" in str(c.value) for c in ws["A"] if c.value)
    _, rows = table(ws, "STT")
    seen = 0
    for row in rows:
        ident = row["Mã chỉ tiêu"].value
        delta = want[ident]["delta"]
        text = row["Thay đổi so với lần trước"].value
        if delta is None or delta == 0:
            continue
        sign = "+" if delta > 0 else "−"
        assert text.startswith(f"{sign}{abs(delta):.2f}".replace(".", ",") + " điểm %"), (
            ident,
            text,
        )
        seen += 1
    assert seen >= 3  # on time, online, digitised… all moved between April and May
