"""Hostile HTML "xls" and BIFF8 files: every row is read, set aside or reported — never lost.

Most files are TanDan's page (scripts/make_vendor_fixtures.py) with one thing made hostile; the
figures it must still give are those worked out by hand in tests/test_vendors.py: 14 dossiers,
11 used, on time 7 of 9 in 2023-Q2. The rest are small tables whose rows are written out here.
"""

from __future__ import annotations

import codecs
import importlib.util
import json
import subprocess
import sys
import time

import pytest

from cchc_cli.io.html import read_html
from conftest import ROOT, cli


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


MVF = _script("make_vendor_fixtures")
MF = _script("make_fixtures")
PAGE = MVF.tandan_html().decode("utf-8")
TABLE_START = PAGE.index("<table")
TABLE_END = PAGE.index("</table>") + len("</table>")
OPENCPS = ROOT / "tests" / "fixtures" / "vendors" / "1688522460000.xls"
Q2 = ("--period", "2023-Q2")


def dossier_row(n: int) -> tuple[int, int]:
    """Where the n-th dossier's <tr>…</tr> is in PAGE (1-based, as in TANDAN_ROWS)."""
    start = PAGE.index('<tbody id="data">') + len('<tbody id="data">')
    for _ in range(n - 1):
        start = PAGE.index("</tr>", start) + len("</tr>")
    return start, PAGE.index("</tr>", start) + len("</tr>")


def write(tmp_path, content: str | bytes, name: str = "x.xls"):
    p = tmp_path / name
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return p


def check(path, *extra):
    res = cli("check", path, *Q2, "--format", "json", *extra)
    assert res.exit_code in (0, 1), res.output
    data = json.loads(res.stdout)
    return data["inputs"][0], {i["id"]: i for i in data["indicators"]}


def assert_all_dossiers(path, *extra):
    """TanDan's figures (tests/test_vendors.py): nothing lost, nothing invented."""
    i, ind = check(path, *extra)
    assert (i["rows_read"], i["rows_used"], i["problems"], i["rows_layout"]) == (14, 11, 0, 0)
    on_time = ind["dossiers_on_time"]
    assert (on_time["numerator"], on_time["denominator"]) == (7, 9)
    return i


def error(path, *extra) -> str:
    res = cli("check", path, *Q2, "--lang", "en", *extra)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.stderr + res.stdout
    return " ".join(res.stderr.split())


# --------------------------------------------------------------------------- 1 parser limits


def test_245_divs_and_12_spans_in_a_cell_lose_no_row(tmp_path):
    """libxml2's tree parser stops at depth 256 (no error raised): 245 + html, body, table,
    tbody, tr, td and 12 spans go past it."""
    start, end = dossier_row(5)
    row = PAGE[start:end]
    cell, cell_end = row.index(">", row.index("<td ")) + 1, row.index("</td>")
    row = row[:cell] + "<span>" * 12 + row[cell:cell_end] + "</span>" * 12 + row[cell_end:]
    page = PAGE[:start] + row + PAGE[end:]
    page = page[:TABLE_START] + "<div>" * 245 + page[TABLE_START:]
    page = page.replace("</table>", "</table>" + "</div>" * 245)
    assert_all_dossiers(write(tmp_path, page))


def test_300_divs_around_the_table_lose_no_row(tmp_path):
    page = PAGE[:TABLE_START] + "<div>" * 300 + PAGE[TABLE_START:TABLE_END]
    page += "</div>" * 300 + PAGE[TABLE_END:]
    assert_all_dossiers(write(tmp_path, page))


def test_a_17_mb_cell_loses_no_row_after_it(tmp_path):
    """libxml2's tree parser stops at a 10 MB text node; the rows after it vanished."""
    address = MVF._PLACES[2 % len(MVF._PLACES)]  # the 3rd dossier's address cell
    start, end = dossier_row(3)
    row = PAGE[start:end].replace(address, "x" * 17_600_000)
    assert_all_dossiers(write(tmp_path, PAGE[:start] + row + PAGE[end:]))


@pytest.mark.parametrize("opener", ["<!-- ", "<script>", "<plaintext>", "<textarea>"])
def test_markup_left_open_is_an_error_naming_the_last_row_read(tmp_path, opener):
    """What swallows the rest of the page (no closing tag) would silently drop the dossiers
    after it. A row commented out and a <tr> in a script, both closed, are text, not losses:
    rows read are the two title rows, the header and dossiers 1, 3-7 (sheet rows 1-9); the
    page's 18 <tr> are those 9, the 2 in text, and the 7 of dossiers 8-14, lost."""
    s2, e2 = dossier_row(2)
    s8, _ = dossier_row(8)
    page = PAGE[:s2] + "<!--" + PAGE[s2:e2] + "-->" + PAGE[e2:s8] + opener + PAGE[s8:]
    page = page.replace("</head>", "<script>var t = '<tr><td>x</td></tr>';</script></head>")
    msg = error(write(tmp_path, page))
    assert "cannot read all of the HTML page 'x.xls' after row 9" in msg
    assert "7 of its 18 <tr> tags were not read as rows" in msg


# --------------------------------------------------------------------------- 2 span cost


def test_a_title_spanning_every_column_costs_one_step_per_row():
    """A rowspan's columns used to stay in the pending table at zero, scanned by every row."""
    body = "".join(f"<tr><td>H{i}</td><td>{i}</td></tr>" for i in range(3000))
    page = f'<table><tr><td colspan="16384" rowspan="2">Tiêu đề</td></tr><tr></tr>{body}</table>'
    t0 = time.perf_counter()
    rows = list(read_html(page).iter_rows())
    assert time.perf_counter() - t0 < 1.5  # 3000 x 16384 column steps took ~15 s
    assert rows[:3] == [("Tiêu đề",), (), ("H0", "0")]
    assert len(rows) == 3002 and rows[-1] == ("H2999", "2999")


def test_a_wide_empty_cell_at_each_row_end_is_not_materialised():
    body = "".join(f'<tr><td>H{i}</td><td colspan="16384"></td></tr>' for i in range(3000))
    t0 = time.perf_counter()
    rows = list(read_html(f"<table>{body}</table>").iter_rows())
    assert time.perf_counter() - t0 < 1.5  # 3000 rows of 16,385 cells each took ~10 s
    assert rows[0] == ("H0",) and rows[-1] == ("H2999",) and len(rows) == 3000


def test_rowspans_and_colspans_still_place_cells():
    page = (
        "<table>"
        '<tr><td rowspan="3">A</td><td colspan="2">B</td><td rowspan="2">C</td></tr>'
        "<tr><td>D</td><td>E</td></tr>"  # A covers col 0, C col 3
        "<tr><td>F</td><td>G</td><td>H</td></tr>"  # A still covers col 0; C is done
        "<tr><td>I</td></tr>"
        "</table>"
    )
    assert list(read_html(page).iter_rows()) == [
        ("A", "B", None, "C"),
        (None, "D", "E"),
        (None, "F", "G", "H"),
        ("I",),
    ]


# --------------------------------------------------------------------------- 3 structure


def test_cells_with_no_tr_make_a_row_per_parent():
    page = (
        "<table><tr><td>h1</td><td>h2</td></tr>"
        "<tbody><td>a</td><td>b</td><tr><td>c</td></tr><td>d</td></tbody>"
        "<tbody><td>e</td></tbody></table>"
    )
    assert list(read_html(page).iter_rows()) == [
        ("h1", "h2"),
        ("a", "b"),
        ("c",),
        ("d",),  # after a <tr>: a new implied row
        ("e",),  # another parent: another row
    ]


def test_cells_inside_a_div_or_form_belong_to_their_tr():
    page = (
        "<table><tr><div><td>a</td><td>b</td></div></tr>"
        "<tr><form><td>c</td></form><td>d</td></tr></table>"
    )
    assert list(read_html(page).iter_rows()) == [("a", "b"), ("c", "d")]


def test_dossiers_written_without_tr_or_inside_a_form_are_read(tmp_path):
    s4, e4 = dossier_row(4)
    s6, e6 = dossier_row(6)
    row4 = PAGE[s4:e4].replace("<tr>", "<tr><form>").replace("</tr>", "</form></tr>")
    row6 = PAGE[s6:e6].replace("<tr>", "").replace("</tr>", "")  # cells right in <tbody>
    page = PAGE[:s4] + row4 + PAGE[e4:s6] + row6 + PAGE[e6:]
    assert_all_dossiers(write(tmp_path, page))


# --------------------------------------------------------------------------- 4 cell text


def test_script_and_style_text_is_not_cell_text():
    page = (
        "<table><tr><td>A1<script>var x='</td><td>';</script><style>td{}</style>"
        "<noscript>bật JavaScript</noscript><template><b>t</b></template></td><td>B</td></tr>"
        "</table>"
    )
    assert list(read_html(page).iter_rows()) == [("A1", "B")]


def test_nested_blocks_are_kept_apart_by_a_space():
    page = (
        "<table><tr><td>Sở XYZ<table><tr><td>Ngoại vụ</td><td>Phòng 1</td></tr></table></td>"
        "<td>a<div>b</div>c<p>d</p><b>e</b>f</td></tr></table>"
    )
    assert list(read_html(page).iter_rows()) == [("Sở XYZ Ngoại vụ Phòng 1", "a b c d ef")]


# --------------------------------------------------------------------------- 5 one bad byte


def test_one_bad_byte_in_utf8_is_reported_where_it_is(tmp_path):
    """No charset, UTF-8 but for one byte: the byte is named, not the page read as cp1258."""
    start, _ = dossier_row(9)
    head, rest = (PAGE[:start] + "\n").encode(), PAGE[start:].encode()
    at = rest.index("Đồng Nai".encode())  # the 9th dossier's address
    page = head + rest[:at] + b"\xff" + rest[at:]
    p = write(tmp_path, page)
    offset = len(head) + at
    msg = error(p)
    assert f"cannot decode 'x.xls' as utf-8: byte ff at offset {offset} (line 2)" in msg
    assert "--encoding" in msg and "leave it out" not in msg


# --------------------------------------------------------------------------- 6 sniffing


def test_utf16_page_with_a_bom_is_read(tmp_path):
    p = write(tmp_path, codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le"))
    assert assert_all_dossiers(p)["encoding"] == "utf-16"


def test_xhtml_with_an_xml_declaration_is_read(tmp_path):
    page = '<?xml version="1.0" encoding="utf-8"?>\n' + PAGE
    assert_all_dossiers(write(tmp_path, page))


def test_a_table_after_a_2_mb_logo_is_found(tmp_path):
    logo = '<link rel="icon" href="data:image/png;base64,' + "QUJD" * 500_000 + '">'
    assert_all_dossiers(write(tmp_path, PAGE.replace("<head>", "<head>" + logo)))


def test_a_utf16_page_with_no_table_says_so(tmp_path):
    page = "<html><body><form>Đăng nhập</form></body></html>"
    msg = error(write(tmp_path, codecs.BOM_UTF16_LE + page.encode("utf-16-le")))
    assert "is an HTML page with no table in it" in msg


# --------------------------------------------------------------------------- 7 xlrd's log


def test_xlrd_warnings_do_not_reach_stdout(tmp_path):
    """xlrd prints "WARNING *** file size … not 512 + multiple of sector size" to the stdout it
    was imported with (not the test runner's): a real process shows it."""
    p = write(tmp_path, OPENCPS.read_bytes() + b"\0" * 100)
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_cli", "check", str(p), *Q2, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["inputs"][0]["rows_read"] == 12  # tests/test_vendors.py


# --------------------------------------------------------------------------- 8 misdiagnoses


def test_sheet_option_must_name_the_pages_sheet(tmp_path):
    p = write(tmp_path, PAGE)
    msg = error(p, "--sheet", "Báo cáo")
    assert "no sheet 'Báo cáo' in 'x.xls'" in msg and "'Danh sách hồ sơ'" in msg
    assert_all_dossiers(p, "--sheet", "danh sach ho so")  # matched as a workbook's would be


def test_a_lying_charset_gets_a_hint_about_the_page_not_the_option(tmp_path):
    page = PAGE.replace("<head>", '<head><meta charset="utf-8">')
    data = page.encode("utf-8").replace("Biên Hòa".encode(), MF.encode_cp1258("Biên Hòa"))
    msg = error(write(tmp_path, data))
    assert "cannot decode 'x.xls' as utf-8" in msg
    assert "the page declares utf-8" in msg and "leave it out" not in msg


def test_a_word_document_renamed_xls_is_not_a_damaged_workbook(tmp_path):
    """The OPENCPS workbook with its directory entry renamed from Workbook to WordDocument:
    an OLE2 file that holds a Word document's stream and no workbook."""
    data = OPENCPS.read_bytes()
    entry = data.index("Workbook".encode("utf-16-le") + b"\0\0")
    name = "WordDocument".encode("utf-16-le") + b"\0\0"
    dirent = (
        name.ljust(64, b"\0") + len(name).to_bytes(2, "little") + data[entry + 66 : entry + 128]
    )
    msg = error(write(tmp_path, data[:entry] + dirent + data[entry + 128 :]))
    assert "'x.xls' is not an Excel workbook: it is a Word document (.doc)" in msg
    assert "damaged" not in msg
