"""Write the file-format fixtures that tests/test_sources.py reads.

    python scripts/make_fixtures.py      # rewrites tests/fixtures/variants/ and tests/fixtures/bad/

``variants/`` holds ONE canonical table of 12 dossiers written in every format the reader must
accept (encodings, delimiters, NFD text, title rows, DVCQG CamelCase headers, xlsx). Every
variant must decode to the cells in ``variants/expected.json``:

* ``rows`` are the canonical cells as strings; every variant gives exactly these, except
* ``xlsx-dates.xlsx``, whose four date columns are real Excel date cells. The reader turns those
  into ISO text, so for that file the expected cells are ``rows_xlsx_dates``: ``2023-05-02``
  for a date at midnight, ``2023-05-02T08:15:00`` for a date-time ("" stays "").

Layout of the canonical table, for working out line numbers by hand: a header line, then one
line per dossier, except that dossier 4's "Tên thủ tục" holds a newline, so that record takes
two lines and every later record starts one line further down. Dossiers 2, 3 and 4 hold a
comma inside a quoted field and dossier 8 a pair of double quotes.

Variant-specific twists (all documented where they are written below): ``title-rows.csv`` has
three title lines and a blank line above the header, an all-empty record after dossier 6 and a
blank line at the end (``blank_rows`` = 2); ``semicolon.csv`` pads a few cells with spaces and a
no-break space (the reader strips them); ``xlsx-text.xlsx`` has four title rows (the fourth
empty) above its header and a second sheet.

``bad/`` holds files the reader must refuse with a clear error (and ``header-only.csv``, which
is not an error: it reads as 0 rows).

Everything is deterministic: no clock, a seeded RNG for the binary file, fixed zip timestamps
and document properties in the xlsx files, so re-running rewrites identical bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ROOT / "tests" / "fixtures" / "variants"
BAD = ROOT / "tests" / "fixtures" / "bad"
SEED = 20230504
FIXED_TIME = (2023, 6, 1, 0, 0, 0)

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by path (tests)
from make_sample import HEADERS  # noqa: E402  the export's Vietnamese headers, one list

# The DVCQG (national portal) export names; snake_case where there is no CamelCase form.
HEADERS_DVCQG = [
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "LinhVuc",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "HinhThuc",
    "TrangThaiHoSo",
    "so_hoa_ho_so",
    "so_hoa_ket_qua",
    "ket_qua_dien_tu",
    "muc_do_hai_long",
    "phieu_xin_loi",
    "thoi_han_giai_quyet",
]
DATE_COLUMNS = (4, 5, 6, 7)  # Ngày tiếp nhận, Ngày hẹn trả, Ngày kết thúc xử lý, Ngày trả kết quả

# fmt: off
ROWS = [
    ["H56.22-230502-0001", "1.001612", "Đăng ký khai sinh", "Hộ tịch", "02/05/2023 08:15",
     "03/05/2023", "02/05/2023 15:40", "03/05/2023", "Trực tuyến", "Đã trả kết quả", "Có", "Có",
     "Có", "Rất hài lòng", "Không", "1"],
    ["H56.22-230502-0002", "2.000635", "Cấp bản sao, trích lục hộ tịch", "Hộ tịch",
     "02/05/2023 09:30", "02/05/2023", "02/05/2023 10:05", "02/05/2023", "Trực tiếp",
     "Đã trả kết quả", "Có", "Không", "Không", "Hài lòng", "Không", "1"],
    ["H56.22-230503-0003", "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
     "Chứng thực", "03/05/2023 07:45", "03/05/2023", "03/05/2023 11:20", "03/05/2023",
     "Trực tiếp", "Đã trả kết quả", "Không", "Không", "Không", "", "Không", "1"],
    ["H56.22-230503-0004", "1.004227",
     "Cấp giấy chứng nhận quyền sử dụng đất,\nquyền sở hữu nhà ở và tài sản khác gắn liền với đất",
     "Đất đai", "03/05/2023 14:00", "02/06/2023", "05/06/2023 16:30", "06/06/2023", "Trực tiếp",
     "Đã trả kết quả", "Có", "Có", "Không", "Bình thường", "Có", "30"],
    ["H56.22-230504-0005", "2.000720", "Đăng ký thành lập hộ kinh doanh",
     "Thành lập và hoạt động của hộ kinh doanh", "04/05/2023 08:30", "09/05/2023",
     "08/05/2023 09:10", "08/05/2023", "Trực tuyến", "Đã trả kết quả", "Có", "Có", "Có",
     "Rất hài lòng", "Không", "3"],
    ["H56.22-230504-0006", "1.009972", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng",
     "04/05/2023 10:00", "19/05/2023", "", "", "Trực tuyến", "Đang xử lý", "Có", "", "", "", "",
     "15"],
    ["H56.22-230505-0007", "1.000894", "Đăng ký kết hôn", "Hộ tịch", "05/05/2023 13:20",
     "08/05/2023", "05/05/2023 16:00", "08/05/2023", "Dịch vụ bưu chính công ích",
     "Đã trả kết quả", "Có", "Có", "Có", "Hài lòng", "Không", "3"],
    ["H56.22-230508-0008", "2.000488", 'Cấp giấy xác nhận "tình trạng hôn nhân"', "Hộ tịch",
     "08/05/2023 08:05", "11/05/2023", "10/05/2023 14:45", "11/05/2023", "Trực tuyến",
     "Đã trả kết quả", "Có", "Có", "Có", "Rất hài lòng", "Không", "3"],
    ["H56.22-230508-0009", "1.003010", "Chuyển mục đích sử dụng đất", "Đất đai",
     "08/05/2023 15:10", "29/05/2023", "01/06/2023 09:00", "01/06/2023", "Trực tiếp",
     "Đã trả kết quả", "Có", "Không", "Không", "Không hài lòng", "Có", "15"],
    ["H56.22-230509-0010", "1.004203", "Đăng ký biến động quyền sử dụng đất", "Đất đai",
     "09/05/2023 09:40", "23/05/2023", "22/05/2023 10:15", "", "Trực tiếp", "Đã xử lý xong",
     "Không", "Không", "Không", "", "Không", "10"],
    ["H56.22-230510-0011", "1.002804", "Cấp đổi giấy phép lái xe", "Đường bộ",
     "10/05/2023 11:25", "15/05/2023", "12/05/2023 08:00", "15/05/2023", "Trực tuyến",
     "Đã trả kết quả", "Có", "Có", "Có", "Hài lòng", "Không", "3"],
    ["H56.22-230511-0012", "1.001029", "Cấp giấy phép kinh doanh karaoke (dịch vụ giải trí)",
     "Văn hóa", "11/05/2023 14:50", "18/05/2023", "12/05/2023 09:30", "", "Bưu chính",
     "Dừng xử lý", "Có", "", "", "", "", "5"],
]
# fmt: on

TITLES = [
    ["UBND TỈNH QUẢNG NAM"],
    ["TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG, TỈNH QUẢNG NAM"],
    ["SỔ THEO DÕI HỒ SƠ", "", "Từ ngày 01/05/2023 đến ngày 31/05/2023"],
]
SHEET = "Danh sách hồ sơ"


# --------------------------------------------------------------------------- helpers


def csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


def table(headers: list[str] = HEADERS) -> list[list[str]]:
    return [list(headers), *(list(r) for r in ROWS)]


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 the way Vietnamese Windows writes it: base letters with their vowel marks
    (â ê ô ơ ư ă đ) precomposed where the code page has them, tone marks as combining
    characters (U+0300 U+0301 U+0303 U+0309 U+0323, bytes CC EC DE D2 F2)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out += (base + tones).encode("cp1258")
    return bytes(out)


def parse_date(text: str) -> dt.datetime | dt.date | None:
    if not text:
        return None
    if " " in text:
        return dt.datetime.strptime(text, "%d/%m/%Y %H:%M")
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def iso(text: str) -> str:
    value = parse_date(text)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def deterministic_xlsx(wb: openpyxl.Workbook) -> bytes:
    """Save, then rewrite the zip with fixed entry timestamps and document dates."""
    raw = io.BytesIO()
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2023-06-01T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data, compresslevel=6)
    return out.getvalue()


def new_workbook() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.properties.creator = "cchc fixtures"
    wb.properties.created = wb.properties.modified = dt.datetime(2023, 6, 1)
    return wb


def xlsx_dates() -> bytes:
    """Header on row 1; the four date columns are real date / date-time cells; the number of
    days is a number cell."""
    wb = new_workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for row in ROWS:
        cells: list[object] = list(row)
        for i in DATE_COLUMNS:
            cells[i] = parse_date(row[i])
        cells[15] = int(row[15])
        ws.append(cells)
    for r in range(2, len(ROWS) + 2):
        for c in (5, 7):  # Ngày tiếp nhận, Ngày kết thúc xử lý: date and time
            ws.cell(r, c).number_format = "dd/mm/yyyy hh:mm"
        for c in (6, 8):  # Ngày hẹn trả, Ngày trả kết quả: dates
            ws.cell(r, c).number_format = "dd/mm/yyyy"
    return deterministic_xlsx(wb)


def xlsx_text() -> bytes:
    """Everything as text; title rows 1-3, row 4 empty, header on row 5; a second sheet."""
    wb = new_workbook()
    ws = wb.active
    ws.title = SHEET
    for title in TITLES:
        ws.append(title)
    ws.append([])
    ws.append(HEADERS)
    for row in ROWS:
        ws.append(list(row))
    ws.cell(5 + 4, 3).alignment = openpyxl.styles.Alignment(wrap_text=True)  # dossier 4
    notes = wb.create_sheet("Tổng hợp")
    notes.append(["Tổng số hồ sơ", len(ROWS)])
    notes.append(["Ngày xuất", "01/06/2023"])
    return deterministic_xlsx(wb)


# --------------------------------------------------------------------------- variants


def variants() -> dict[str, bytes]:
    t = table()
    plain = csv_text(t)
    out: dict[str, bytes] = {}
    out["utf8.csv"] = plain.encode("utf-8")
    # Excel "CSV UTF-8": BOM and CRLF line ends
    out["utf8-bom.csv"] = b"\xef\xbb\xbf" + csv_text(t, newline="\r\n").encode("utf-8")
    # Excel "Unicode Text": UTF-16 LE with BOM, tab separated, CRLF
    out["utf16le-tab.txt"] = b"\xff\xfe" + csv_text(t, "\t", "\r\n").encode("utf-16-le")
    out["utf16be.csv"] = b"\xfe\xff" + plain.encode("utf-16-be")
    # older Vietnamese Windows exports: Windows-1258, combining tone marks, CRLF
    out["cp1258.csv"] = encode_cp1258(csv_text(t, newline="\r\n"))
    out["nfd.csv"] = unicodedata.normalize("NFD", plain).encode("utf-8")
    # semicolon separated; some cells padded with spaces / a no-break space (stripped on read)
    padded = table()
    padded[2][3] = "  " + padded[2][3] + " "
    padded[9][9] = padded[9][9] + "\u00a0"
    padded[11][0] = "\t" + padded[11][0]
    out["semicolon.csv"] = csv_text(padded, ";").encode("utf-8")
    out["tab.tsv"] = csv_text(t, "\t").encode("utf-8")
    # three title lines, a blank line, the header (line 5); an all-empty record after dossier 6
    # and a blank line at the end: blank_rows = 2
    body = [*t[:7], [""] * len(HEADERS), *t[7:]]
    out["title-rows.csv"] = (csv_text(TITLES) + "\n" + csv_text(body) + "\n").encode("utf-8")
    out["dvcqg-camelcase.csv"] = csv_text(table(HEADERS_DVCQG)).encode("utf-8")
    out["xlsx-dates.xlsx"] = xlsx_dates()
    out["xlsx-text.xlsx"] = xlsx_text()
    rows_dates = []
    for row in ROWS:
        cells = list(row)
        for i in DATE_COLUMNS:
            cells[i] = iso(row[i])
        rows_dates.append(cells)
    expected = {
        "about": (
            "Canonical cells of every file in this folder (see scripts/make_fixtures.py). "
            "All variants decode to 'rows' with 'headers' (dvcqg-camelcase.csv: "
            "'headers_dvcqg'), except xlsx-dates.xlsx, whose date columns "
            "(0-based 'date_columns') are real date cells and read as ISO text: "
            "'rows_xlsx_dates'."
        ),
        "headers": HEADERS,
        "headers_dvcqg": HEADERS_DVCQG,
        "date_columns": list(DATE_COLUMNS),
        "rows": ROWS,
        "rows_xlsx_dates": rows_dates,
    }
    out["expected.json"] = (json.dumps(expected, ensure_ascii=False, indent=1) + "\n").encode()
    return out


# --------------------------------------------------------------------------- bad files


def bad_files() -> dict[str, bytes]:
    rng = random.Random(SEED)
    header = csv_text([HEADERS])
    out: dict[str, bytes] = {}
    out["empty.csv"] = b""
    out["whitespace.csv"] = b"  \n\t\n   \r\n\n"
    out["header-only.csv"] = header.encode("utf-8")  # NOT an error: 0 rows
    noise = bytearray(rng.randbytes(4096))
    noise[100] = noise[2000] = 0  # make sure there are NUL bytes
    out["binary.csv"] = bytes(noise)
    out["pdf-renamed.csv"] = (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
        b"%%EOF\n"
    )
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    out["old-excel.xls"] = ole2 + bytes(1024 - len(ole2))
    # An encrypted OOXML workbook is an OLE2 container holding these two streams.
    entries = b"".join(
        name.encode("utf-16-le").ljust(64, b"\x00") + bytes(64)
        for name in ("EncryptionInfo", "EncryptedPackage")
    )
    out["encrypted.xlsx"] = (ole2 + bytes(512 - len(ole2)) + entries).ljust(2048, b"\x00")
    good = xlsx_dates()
    out["corrupt.xlsx"] = good[: len(good) // 2]  # truncated download
    # line 3: the procedure name holds an unquoted comma -> 17 cells
    r1 = csv_text([ROWS[0]])
    r2 = ",".join([*ROWS[2][:2], "Chứng thực chữ ký, điểm chỉ", *ROWS[2][3:]]) + "\n"
    out["ragged.csv"] = (header + r1 + r2 + csv_text([ROWS[4]])).encode("utf-8")
    # data rows only: nothing looks like a header
    out["no-header.csv"] = csv_text(ROWS[:5]).encode("utf-8")
    # line 4 opens a quote that is never closed (a truncated export)
    cut = csv_text([ROWS[1]])
    out["unclosed-quote.csv"] = (
        header + csv_text([ROWS[0]]) + cut + ",".join(ROWS[4][:2]) + ',"Đăng ký thành lập\n'
    ).encode("utf-8")
    # an "Excel" download that is the system's login page (the session had expired): no table
    out["html-login.xls"] = (
        '<html><head><meta charset="utf-8"><title>Đăng nhập</title></head><body>'
        '<form action="/login"><input name="user"><input name="password" type="password">'
        "</form></body></html>\n"
    ).encode()
    return out


def write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def main() -> None:
    write(VARIANTS, variants())
    write(BAD, bad_files())
    print(f"wrote {VARIANTS.relative_to(ROOT)}/ and {BAD.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
