"""The low-level reader: every export format decodes to the same strings and exact lines;
every bad file gives one clear, bilingual CchcError.

Fixtures come from scripts/make_fixtures.py (see its docstring for the canonical table).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import unicodedata
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from cchc_cli.errors import CchcError, Msg
from cchc_cli.io.sheet import cell_text
from cchc_cli.io.sizes import HEAD_CHARS
from cchc_cli.io.staged import ABSENT
from cchc_cli.io.table import RawTable, read_table
from cchc_cli.text import fold

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VARIANTS = FIXTURES / "variants"
BAD = FIXTURES / "bad"
EXPECTED = json.loads((VARIANTS / "expected.json").read_text(encoding="utf-8"))
HEADERS: list[str] = EXPECTED["headers"]
KNOWN = {fold(h) for h in HEADERS + EXPECTED["headers_dvcqg"]}


def score(cells) -> int:
    return sum(1 for c in cells if fold(c) in KNOWN)


def read(path, **kw) -> RawTable:
    return read_table(path, score, **kw)


# --------------------------------------------------------------------------- variants

# Line numbers worked out by hand from the canonical layout: header on line 1, one line per
# dossier, but dossier 4's "Tên thủ tục" holds a newline, so dossier 4 takes lines 5-6 and every
# later dossier starts one line further down.
PLAIN_LINES = [2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14]
# title-rows.csv: 3 title lines + a blank line, header on line 5, dossiers 1-4 on 6, 7, 8, 9-10,
# dossier 5 on 11, dossier 6 on 12, an all-empty record on 13 (dropped), dossiers 7-12 on
# 14-19, a blank line 20 at the end (dropped): blank_rows = 2.
TITLE_LINES = [6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19]

# name: (encoding, delimiter, sheet, header_line, lines, blank_rows)
VARIANT_META = {
    "utf8.csv": ("utf-8", ",", None, 1, PLAIN_LINES, 0),
    "utf8-bom.csv": ("utf-8-sig", ",", None, 1, PLAIN_LINES, 0),
    "utf16le-tab.txt": ("utf-16", "\t", None, 1, PLAIN_LINES, 0),
    "utf16be.csv": ("utf-16", ",", None, 1, PLAIN_LINES, 0),
    "cp1258.csv": ("cp1258", ",", None, 1, PLAIN_LINES, 0),
    "nfd.csv": ("utf-8", ",", None, 1, PLAIN_LINES, 0),
    "semicolon.csv": ("utf-8", ";", None, 1, PLAIN_LINES, 0),
    "tab.tsv": ("utf-8", "\t", None, 1, PLAIN_LINES, 0),
    "title-rows.csv": ("utf-8", ",", None, 5, TITLE_LINES, 2),
    "dvcqg-camelcase.csv": ("utf-8", ",", None, 1, PLAIN_LINES, 0),
    # worksheets: lines are sheet rows; a newline inside a cell does not move later rows
    "xlsx-dates.xlsx": (None, None, "Danh sách hồ sơ", 1, list(range(2, 14)), 0),
    "xlsx-text.xlsx": (None, None, "Danh sách hồ sơ", 5, list(range(6, 18)), 0),
}
VARIANT_FILES = sorted(p for p in VARIANTS.iterdir() if p.name != "expected.json")


def test_every_variant_is_described():
    assert {p.name for p in VARIANT_FILES} == set(VARIANT_META)


@pytest.mark.parametrize("path", VARIANT_FILES, ids=lambda p: p.name)
def test_variant_decodes_to_the_canonical_table(path: Path):
    table = read(path)
    encoding, delimiter, sheet, header_line, lines, blank_rows = VARIANT_META[path.name]
    headers = EXPECTED["headers_dvcqg"] if "dvcqg" in path.name else HEADERS
    rows = EXPECTED["rows_xlsx_dates"] if path.name == "xlsx-dates.xlsx" else EXPECTED["rows"]

    assert table.path == str(path)
    raw = path.read_bytes()
    assert table.size == len(raw)
    assert table.sha256 == hashlib.sha256(raw).hexdigest()
    assert table.encoding == encoding
    assert table.delimiter == delimiter
    assert table.sheet == sheet
    assert table.header_line == header_line
    assert table.headers == tuple(headers)
    assert list(table.data.columns) == [str(i) for i in range(16)]
    assert table.data.values.tolist() == rows
    assert all(type(v) is str for v in table.data.to_numpy().ravel())
    assert all(unicodedata.is_normalized("NFC", v) for v in table.data.to_numpy().ravel())
    assert table.lines.dtype == np.int64
    assert table.lines.tolist() == lines
    assert table.blank_rows == blank_rows


def test_expected_json_dates_are_iso_only_where_cells_are_real_dates():
    cols = EXPECTED["date_columns"]
    for plain, dated in zip(EXPECTED["rows"], EXPECTED["rows_xlsx_dates"], strict=True):
        for i, (a, b) in enumerate(zip(plain, dated, strict=True)):
            if i not in cols or a == "":
                assert a == b
            else:
                assert b[:4] == "2023" and b[5:7] == a[3:5] and b[8:10] == a[:2]


# --------------------------------------------------------------------------- bad files

# name: (line or None, words in the English message+hint, words in the Vietnamese ones)
BAD_EXPECT = {
    "empty.csv": (None, ["empty", "export"], ["rỗng", "xuất lại"]),
    "whitespace.csv": (None, ["no data", "export"], ["không có dữ liệu", "xuất lại"]),
    "binary.csv": (None, ["binary", "CSV"], ["nhị phân", "CSV"]),
    "pdf-renamed.csv": (None, ["PDF", "xlsx", "CSV"], ["PDF", "xlsx", "CSV"]),
    "old-excel.xls": (None, ["damaged", "save it again"], ["bị hỏng", "lưu lại"]),
    "encrypted.xlsx": (None, ["password", "remove"], ["mật khẩu", "gỡ"]),
    "corrupt.xlsx": (None, ["damaged", "save it again"], ["bị hỏng", "lưu lại"]),
    "ragged.csv": (3, ["line 3", "17 cells", "16 columns", "quoted"], ["dòng 3", "ngoặc kép"]),
    "no-header.csv": (None, ["no header row", "Mã hồ sơ, Ngày tiếp nhận"], ["tiêu đề"]),
    "unclosed-quote.csv": (4, ["never closed", "line 4"], ["ngoặc kép", "dòng 4"]),
    "html-login.xls": (None, ["HTML", "no table", "log in"], ["HTML", "không có bảng", "đăng nhập"]),
}
BAD_FILES = sorted(p for p in BAD.iterdir() if p.name != "header-only.csv")


def test_every_bad_file_is_described():
    assert {p.name for p in BAD_FILES} == set(BAD_EXPECT)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.name)
def test_bad_file_gives_one_clear_error(path: Path):
    with pytest.raises(CchcError) as info:
        read_table(path, score, expected=["Mã hồ sơ", "Ngày tiếp nhận"])
    err = info.value
    line, words_en, words_vi = BAD_EXPECT[path.name]
    assert err.location is not None
    assert err.location.path == str(path)
    assert err.location.line == line
    assert isinstance(err.message, Msg) and isinstance(err.hint, Msg)
    assert path.name in err.message.vi and path.name in err.message.en
    en = f"{err.message.en} {err.hint.en}"
    vi = f"{err.message.vi} {err.hint.vi}"
    for word in words_en:
        assert word in en, (word, en)
    for word in words_vi:
        assert word in vi, (word, vi)
    assert str(path) in err.render("en")


def test_header_only_is_zero_rows_not_an_error():
    table = read(BAD / "header-only.csv")
    assert table.headers == tuple(HEADERS)
    assert table.header_line == 1
    assert table.data.shape == (0, 16)
    assert table.lines.dtype == np.int64 and len(table.lines) == 0
    assert table.blank_rows == 0


def test_no_header_shows_first_row_and_expected(tmp_path):
    with pytest.raises(CchcError) as info:
        read_table(BAD / "no-header.csv", score, expected=["Mã hồ sơ", "Ngày tiếp nhận"])
    msg = info.value.message.en
    assert "line 1" in msg and "H56.22-230502-0001 | 1.001612 | Đăng ký khai sinh" in msg
    assert "Mã hồ sơ, Ngày tiếp nhận" in info.value.hint.vi


# --------------------------------------------------------------------------- options


def test_forced_encoding():
    table = read(VARIANTS / "cp1258.csv", encoding="windows-1258")
    assert table.encoding == "cp1258"
    assert table.data.values.tolist() == EXPECTED["rows"]


def test_forced_encoding_names_line_and_offset():
    path = VARIANTS / "cp1258.csv"
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError) as py:
        raw.decode("utf-8")
    offset = py.value.start
    line = raw[:offset].count(b"\n") + 1
    with pytest.raises(CchcError) as info:
        read(path, encoding="utf-8")
    err = info.value
    assert err.location.line == line
    assert f"offset {offset}" in err.message.en and f"line {line}" in err.message.en
    assert f"vị trí {offset}" in err.message.vi


def test_forced_encoding_contradicting_bom_says_so():
    with pytest.raises(CchcError) as info:
        read(VARIANTS / "utf16le-tab.txt", encoding="utf-8")
    assert "utf-16" in info.value.hint.en


def test_unknown_encoding():
    with pytest.raises(CchcError) as info:
        read(VARIANTS / "utf8.csv", encoding="klingon")
    assert "klingon" in info.value.message.en and "cp1258" in info.value.hint.en


def test_forced_delimiter():
    assert read(VARIANTS / "semicolon.csv", delimiter=";").delimiter == ";"
    for name in ("tab", "\\t", "\t"):
        table = read(VARIANTS / "tab.tsv", delimiter=name)
        assert table.delimiter == "\t"
        assert table.data.values.tolist() == EXPECTED["rows"]
    with pytest.raises(CchcError) as info:  # the whole header is one cell under ","
        read(VARIANTS / "semicolon.csv", delimiter=",")
    assert "no header row" in info.value.message.en
    with pytest.raises(CchcError):
        read(VARIANTS / "utf8.csv", delimiter="ab")


def test_min_score(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("Mã hồ sơ,Ghi chú\nH1,x\n", encoding="utf-8")
    with pytest.raises(CchcError):
        read(path)
    assert read(path, min_score=1).data.values.tolist() == [["H1", "x"]]


# --------------------------------------------------------------------------- worksheets


def test_sheet_by_name_and_by_folded_name():
    for name in ("Danh sách hồ sơ", "danh sach ho so"):
        table = read(VARIANTS / "xlsx-text.xlsx", sheet=name)
        assert table.sheet == "Danh sách hồ sơ"
        assert table.data.values.tolist() == EXPECTED["rows"]


def test_unknown_sheet_lists_the_sheets():
    with pytest.raises(CchcError) as info:
        read(VARIANTS / "xlsx-text.xlsx", sheet="Sheet9")
    assert "Sheet9" in info.value.message.en
    assert "'Danh sách hồ sơ'" in info.value.hint.en and "'Tổng hợp'" in info.value.hint.vi


def test_sheet_without_header():
    with pytest.raises(CchcError) as info:
        read(VARIANTS / "xlsx-text.xlsx", sheet="Tổng hợp")
    assert "Tổng hợp" in info.value.message.en and "no header row" in info.value.message.en


def _workbook(tmp_path: Path, rows: list[list[object]], name: str = "book.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    path = tmp_path / name
    wb.save(path)
    return path


def test_xlsx_blank_rows_short_rows_and_values(tmp_path):
    path = _workbook(
        tmp_path,
        [
            ["Báo cáo"],
            [],
            ["Mã hồ sơ", "Ngày tiếp nhận", "Thời hạn giải quyết", " Số hóa hồ sơ "],
            ["H1", dt.datetime(2023, 5, 4, 8, 30), 5.0, True],
            [],
            ["H2", dt.date(2023, 5, 5)],  # trailing cells missing: padded
            [None, None, None, None],
        ],
    )
    table = read(path)
    assert table.header_line == 3
    assert table.headers == ("Mã hồ sơ", "Ngày tiếp nhận", "Thời hạn giải quyết", "Số hóa hồ sơ")
    assert table.data.values.tolist() == [
        ["H1", "2023-05-04T08:30:00", "5", "TRUE"],
        ["H2", "2023-05-05", "", ""],
    ]
    assert table.lines.tolist() == [4, 6]
    assert table.blank_rows == 1  # row 5 (row 7 holds no cells at all, so the sheet ends at 6)


def test_xlsx_data_beyond_the_header_is_an_error(tmp_path):
    path = _workbook(
        tmp_path, [["Mã hồ sơ", "Ngày tiếp nhận"], ["H1", "04/05/2023"], ["H2", "x", None, "?"]]
    )
    with pytest.raises(CchcError) as info:
        read(path)
    assert info.value.location.line == 3
    assert "column D" in info.value.message.en


def test_cell_text():
    assert cell_text(None) == ""
    assert cell_text(5.0) == "5"
    assert cell_text(1.5) == "1.5"
    assert cell_text(12) == "12"
    assert cell_text(False) == "FALSE"
    assert cell_text(dt.datetime(2023, 5, 4)) == "2023-05-04"
    assert cell_text(dt.datetime(2023, 5, 4, 8, 30)) == "2023-05-04T08:30:00"
    assert cell_text(dt.datetime(2023, 5, 4, 8, 29, 59, 999_500)) == "2023-05-04T08:30:00"
    assert cell_text(dt.datetime(2023, 5, 4, 8, 29, 59, 999_996)) == "2023-05-04T08:30:00"
    # a real 23:59:59.7 is still 4 May: fractions are not rounded up into the next day
    assert cell_text(dt.datetime(2023, 5, 4, 23, 59, 59, 700_000)) == "2023-05-04T23:59:59"
    assert cell_text(dt.date(2023, 5, 4)) == "2023-05-04"
    assert cell_text(dt.time(8, 30)) == "08:30:00"
    assert cell_text(dt.timedelta(hours=36, minutes=5)) == "36:05:00"
    assert cell_text(unicodedata.normalize("NFD", "  Hộ tịch ")) == "Hộ tịch"


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("export.csv", "Mã hồ sơ,Ngày tiếp nhận\n")
    with pytest.raises(CchcError) as info:
        read(path)
    assert "export.csv" in info.value.message.en and "extract" in info.value.hint.en


# --------------------------------------------------------------------------- text layout


def test_lone_cr_line_ends(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes("Tiêu đề\rMã hồ sơ,Ngày tiếp nhận\rH1,a\r\rH2,b\r".encode())
    table = read(path)
    assert table.header_line == 2
    assert table.data.values.tolist() == [["H1", "a"], ["H2", "b"]]
    assert table.lines.tolist() == [3, 5]
    assert table.blank_rows == 1


def test_short_rows_are_marked_absent_and_lines_stay_exact(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(
        'Mã hồ sơ,Tên thủ tục,Ngày tiếp nhận\nH1,"a\nb\nc",x\nH2\n\nH3,"d\r\ne",y\n',
        encoding="utf-8",
    )
    table = read(path)
    assert table.data.values.tolist() == [
        ["H1", "a\nb\nc", "x"],
        ["H2", ABSENT, ABSENT],  # cut off: not empty cells (records reports the row)
        ["H3", "d\r\ne", "y"],
    ]
    assert table.lines.tolist() == [2, 5, 7]
    assert table.blank_rows == 1


def test_short_multiline_rows_keep_their_order_and_lines(tmp_path):
    path = tmp_path / "short2.csv"
    path.write_text(
        'Mã hồ sơ,Tên thủ tục,Ngày tiếp nhận\nH1,"x\ny",z\nH2,"p\nq"\n\nH3\nH4,1,2\nH5,"m\nn"\n',
        encoding="utf-8",
    )
    table = read(path)
    assert table.data.values.tolist() == [
        ["H1", "x\ny", "z"],
        ["H2", "p\nq", ABSENT],
        ["H3", ABSENT, ABSENT],
        ["H4", "1", "2"],
        ["H5", "m\nn", ABSENT],
    ]
    assert table.lines.tolist() == [2, 4, 7, 8, 9]
    assert table.blank_rows == 1


def test_many_short_rows(tmp_path):
    n = 3000  # more than are spliced in one by one
    body = [f'H{i},"a\nb",c' if i % 2 else f"H{i}" for i in range(n)]
    path = tmp_path / "short3.csv"
    path.write_text("\n".join(["Mã hồ sơ,Tên thủ tục,Ngày tiếp nhận", *body]) + "\n")
    table = read(path)
    assert table.data["0"].tolist() == [f"H{i}" for i in range(n)]
    assert table.data["2"].tolist() == ["c" if i % 2 else ABSENT for i in range(n)]
    expected, line = [], 2
    for i in range(n):
        expected.append(line)
        line += 2 if i % 2 else 1
    assert table.lines.tolist() == expected


def test_ragged_row_after_multiline_field(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text('Mã hồ sơ,Ngày tiếp nhận\nH1,"a\nb"\nH2,x\nH3,y,z\n', encoding="utf-8")
    with pytest.raises(CchcError) as info:
        read(path)
    assert info.value.location.line == 5


def test_ragged_first_data_row(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("Mã hồ sơ,Ngày tiếp nhận\nH1,x,y\nH2\n", encoding="utf-8")
    with pytest.raises(CchcError) as info:
        read(path)
    assert info.value.location.line == 2


def test_headers_are_nfc_and_stripped(tmp_path):
    path = tmp_path / "h.csv"
    text = unicodedata.normalize("NFD", " Mã hồ sơ ;\u00a0Ngày tiếp nhận\nH1; x \n")
    path.write_bytes(text.encode("utf-8"))
    table = read(path)
    assert table.headers == ("Mã hồ sơ", "Ngày tiếp nhận")
    assert table.data.values.tolist() == [["H1", "x"]]


def test_utf16_without_bom(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("Mã hồ sơ\tNgày tiếp nhận\r\nH1\tx\r\n".encode("utf-16-le"))
    table = read(path)
    assert table.encoding == "utf-16-le" and table.delimiter == "\t"
    assert table.data.values.tolist() == [["H1", "x"]]


# --------------------------------------------------------------------------- paths


def test_missing_file_suggests_a_neighbour(tmp_path):
    (tmp_path / "ho-so-2023.csv").write_text("x", encoding="utf-8")
    with pytest.raises(CchcError) as info:
        read(tmp_path / "ho-so-2032.csv")
    assert "does not exist" in info.value.message.en
    assert "ho-so-2023.csv" in info.value.hint.en


def test_directory(tmp_path):
    with pytest.raises(CchcError) as info:
        read(tmp_path)
    assert "directory" in info.value.message.en and "thư mục" in info.value.message.vi


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_permission_denied(tmp_path):
    path = tmp_path / "locked.csv"
    path.write_text("Mã hồ sơ,Ngày tiếp nhận\n", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(CchcError) as info:
            read(path)
        assert "permission" in info.value.message.en
    finally:
        path.chmod(0o600)


# --------------------------------------------------------------------------- large files

BIG_ROWS = 40_000  # > 2 MiB: the path that checks UTF-8 while parsing, not beforehand


def _big_rows(n: int, vietnamese: bool = True) -> list[list[str]]:
    names = ["Đăng ký khai sinh", "Cấp bản sao, trích lục hộ tịch", "Chứng thực chữ ký"]
    if not vietnamese:
        names = ["Dang ky khai sinh", "Cap ban sao, trich luc ho tich", "Chung thuc chu ky"]
    return [
        [f"H{i:06d}", names[i % 3], f"{1 + i % 28:02d}/05/2023 08:30", "Trực tuyến"]
        for i in range(n)
    ]


def _big_csv(headers: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(headers)
    w.writerows(rows)
    return out.getvalue()


BIG_HEADERS = ["Mã hồ sơ", "Tên thủ tục", "Ngày tiếp nhận", "Hình thức nộp"]


def test_large_utf8(tmp_path):
    rows = _big_rows(BIG_ROWS)
    rows[100][1] = "Cấp giấy chứng nhận,\nquyền sử dụng đất"
    path = tmp_path / "big.csv"
    path.write_text(_big_csv(BIG_HEADERS, rows), encoding="utf-8")
    assert path.stat().st_size > 2 * HEAD_CHARS
    table = read(path)
    assert table.encoding == "utf-8"
    assert table.data.values.tolist() == rows
    expected_lines = np.arange(2, BIG_ROWS + 2)
    expected_lines[101:] += 1
    assert table.lines.tolist() == expected_lines.tolist()


def test_large_nfd_is_normalised(tmp_path):
    rows = _big_rows(BIG_ROWS)
    path = tmp_path / "big-nfd.csv"
    path.write_bytes(unicodedata.normalize("NFD", _big_csv(BIG_HEADERS, rows)).encode("utf-8"))
    assert path.stat().st_size > 2 * HEAD_CHARS
    table = read(path)
    assert table.headers == tuple(BIG_HEADERS)
    assert table.data.values.tolist() == rows


def test_large_damaged_utf8_names_the_byte(tmp_path):
    raw = bytearray(_big_csv(BIG_HEADERS, _big_rows(BIG_ROWS)).encode("utf-8"))
    at = len(raw) - 1000
    at = raw.index(b"\n", at) + 3  # inside the dossier id of a late row
    raw[at] = 0xFF
    path = tmp_path / "damaged.csv"
    path.write_bytes(bytes(raw))
    assert len(raw) > 2 * HEAD_CHARS
    with pytest.raises(CchcError) as info:
        read(path)
    line = raw[:at].count(b"\n") + 1
    assert info.value.location.line == line
    assert f"offset {at}" in info.value.message.en


def test_large_cp1258_after_an_ascii_head(tmp_path):
    """The first MiB is plain ASCII (valid UTF-8), Vietnamese in Windows-1258 comes later."""
    from_ascii = _big_rows(BIG_ROWS, vietnamese=False)
    for row in from_ascii:
        row[3] = "Truc tuyen"
    tail = _big_rows(2000)
    headers = ["MaHoSo", "TenTTHC", "NgayTiepNhan", "HinhThuc"]
    text = _big_csv(headers, from_ascii + tail)
    path = tmp_path / "legacy.csv"
    raw = _cp1258(text)
    path.write_bytes(raw)
    assert len(raw) > 2 * HEAD_CHARS and raw[:HEAD_CHARS].isascii() and not raw.isascii()
    table = read(path)
    assert table.encoding == "cp1258"
    assert table.data.values.tolist()[-2000:] == tail


def _cp1258(text: str) -> bytes:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_fixtures", Path(__file__).resolve().parents[1] / "scripts" / "make_fixtures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.encode_cp1258(text)


@pytest.mark.parametrize("block", [4096, 65536])
def test_line_breaks_in_cells_across_many_blocks(tmp_path, monkeypatch, block):
    """The fast parse (no line breaks in cells) must never be trusted when a block edge falls
    inside a quoted line break: records and their start lines stay exact."""
    from cchc_cli.io import sizes

    monkeypatch.setattr(sizes, "BLOCK", block)
    n = 3000
    lines = [",".join(HEADERS)]
    starts = []
    line = 2
    for i in range(n):
        multi = i % 3 != 2  # two rows in three have a cell spanning two lines
        name = f'"Thủ tục {i},\ndòng hai"' if multi else f"Thủ tục {i}"
        cells = [f"H{i:05d}", "1.001", name] + ["x"] * (len(HEADERS) - 3)
        lines.append(",".join(cells))
        starts.append(line)
        line += 2 if multi else 1
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read(path)
    assert len(table.data) == n
    assert table.lines.tolist() == starts
    assert table.data.iloc[0, 2] == "Thủ tục 0,\ndòng hai"
    assert table.data.iloc[2, 2] == "Thủ tục 2"
    assert table.data.iloc[:, 0].tolist() == [f"H{i:05d}" for i in range(n)]


def test_trailing_empty_cells_are_dropped_but_a_real_extra_cell_is_an_error(tmp_path):
    ok = tmp_path / "trailing.csv"
    ok.write_text(
        "Mã hồ sơ,Ngày tiếp nhận\nH1,02/05/2023,\nH2,03/05/2023\nH3,04/05/2023,,\n",
        encoding="utf-8",
    )
    table = read(ok)
    assert table.data.values.tolist() == [
        ["H1", "02/05/2023"],
        ["H2", "03/05/2023"],
        ["H3", "04/05/2023"],
    ]
    bad = tmp_path / "extra.csv"
    bad.write_text("Mã hồ sơ,Ngày tiếp nhận\nH1,02/05/2023,\nH2,03/05/2023,x\n", encoding="utf-8")
    with pytest.raises(CchcError) as info:
        read(bad)
    assert info.value.location.line == 3  # the row with a non-empty extra cell, not line 2


def test_cover_sheet_first_names_the_other_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Bìa"
    wb.active["A1"] = "BÁO CÁO"
    data = wb.create_sheet("Danh sách")
    data.append(["Mã hồ sơ", "Ngày tiếp nhận"])
    data.append(["H1", "02/05/2023"])
    path = tmp_path / "cover.xlsx"
    wb.save(path)
    with pytest.raises(CchcError) as info:
        read(path)
    assert "Danh sách" in info.value.message.en and "--sheet" in info.value.message.en
    assert read(path, sheet="Danh sách").data.values.tolist() == [["H1", "02/05/2023"]]  # text
