"""Write dossier lists laid out exactly as two public one-stop systems write them.

    python scripts/make_vendor_fixtures.py     # rewrites tests/fixtures/vendors/

Staff download these files every month and must be able to give them to ``cchc`` as they are.
The layouts are reproduced from the systems' public source code (read, not copied):

* **TanDan "DichVuCong"** (Thanh Hóa), repository HuanVu201/DichVuCong_KhoaLuan_PASETO:
  ``quantri_client/src/features/hoSoTheoBaoCaoTongHop/exportElements/
  XuatDanhSachHoSoTheoBaoCaoTongHop.tsx`` renders the table (two title rows of merged empty
  cells — ``colSpan`` 9 holding a ``<br/>``, ``colSpan`` 8 holding an empty ``<strong>`` — then
  the twelve header cells in ``<strong>``, then one row per dossier, dates as
  ``dayjs(...).format(FORMAT_DATE)`` = ``DD/MM/YYYY HH:mm:ss``, the status from the national
  list ``TRANGTHAIHOSO``); ``quantri_client/src/pages/dvc/MauPhieu/documents/excel/
  exportTableToExcel.js`` wraps it in an Excel-flavoured HTML page (``x:ExcelWorksheet`` named
  after the title, no ``<meta charset>``) and saves it base64-encoded from UTF-8 — no BOM — as
  ``{title} D/M/YYYY H:m.xls``. A browser cannot put ``/`` or ``:`` in a file name and writes
  ``_`` instead.
* **OpenCPS v2**, repositories VietOpenCPS/opencps-v2 (``StatisticManagementImpl.
  exportDossierStatistic``: Apache POI ``HSSFWorkbook``, one sheet ``report``, every cell
  written with ``setCellValue(String)``, text rows merged across the table's width) and
  VietOpenCPS/frontend-opencps-v2.1 (``dynamic_report_ver_3/src/components/screens/Landing.vue``:
  the document definition sent to it — two title rows, the header, a row of column numbers
  ``(1) (2) …``, then per agency a merged group row ``Tên cơ quan ( n )`` followed by its
  dossiers with STT restarting at 1, and a blank written as one space). The file is BIFF8
  ``.xls`` named by the server's clock in milliseconds.

Both files hold small, hand-countable dossier lists; ``tests/test_vendors.py`` states the
figures worked out by hand from the tables below (period 2023-Q2 = 01/04–30/06/2023). The same
dossiers are also written in the project's canonical CSV layout (``*-canonical.csv``) so that
the independent DuckDB reference (benchmarks/reference.sql) can count them too.

Deterministic: no clock, fixed names; re-running writes identical bytes.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import xlwt

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "vendors"

TANDAN_NAME = "Danh sách hồ sơ 5_7_2023 9_41.xls"
OPENCPS_NAME = "1688522460000.xls"

SNV = "Sở Ngoại vụ"
TTDN = "Trung tâm Dịch vụ Đối ngoại"
HOI_NGHI = "Cho phép tổ chức hội nghị, hội thảo quốc tế"
ABTC = "Cho phép sử dụng thẻ đi lại của doanh nhân APEC (ABTC)"
LANH_SU = "Chứng nhận lãnh sự, hợp pháp hóa lãnh sự"

# ---------------------------------------------------------------------------------------------
# TanDan: STT, Đơn vị tiếp nhận, Tên thủ tục hành chính, Mã hồ sơ, Trạng thái, Địa chỉ, Người nộp,
# Chủ hồ sơ, Ngày nộp hồ sơ, Ngày nhận, Ngày hẹn trả, Ngày kết thúc xử lý.
# "Ngày nộp hồ sơ" is when the citizen filed it (online, often at night or at a weekend);
# "Ngày nhận" is when the department received it — the date every count uses. T01 was filed on
# 31/03 (Q1) and received on 03/04 (Q2): reading the wrong column would move it out of Q2.
TANDAN_HEADERS = [
    "STT",
    "Đơn vị tiếp nhận",
    "Tên thủ tục hành chính",
    "Mã hồ sơ",
    "Trạng thái",
    "Địa chỉ",
    "Người nộp",
    "Chủ hồ sơ",
    "Ngày nộp hồ sơ",
    "Ngày nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
]
# id, unit, procedure, status, filed, received, due, ended   (worked out in tests/test_vendors.py)
TANDAN_ROWS = [
    ("000.24.H19-230403-0001", SNV, HOI_NGHI, "Đã trả kết quả",
     "31/03/2023 22:05:10", "03/04/2023 08:15:00", "10/04/2023 17:00:00", "07/04/2023 10:00:00"),
    ("000.24.H19-230405-0002", SNV, HOI_NGHI, "Đã xử lý xong",
     "05/04/2023 08:40:00", "05/04/2023 09:00:00", "12/04/2023 17:00:00", "12/04/2023 15:30:00"),
    ("000.24.H19-230410-0003", SNV, ABTC, "Đã trả kết quả",
     "09/04/2023 20:00:00", "10/04/2023 08:30:00", "17/04/2023 17:00:00", "19/04/2023 09:00:00"),
    ("000.24.H19-230502-0004", TTDN, LANH_SU, "Đã trả kết quả",
     "02/05/2023 07:55:00", "02/05/2023 08:00:00", "09/05/2023 17:00:00", "08/05/2023 14:00:00"),
    ("000.24.H19-230504-0005", TTDN, LANH_SU, "Công dân yêu cầu rút hồ sơ",
     "04/05/2023 09:10:00", "04/05/2023 09:20:00", "11/05/2023 17:00:00", "06/05/2023 10:00:00"),
    ("000.24.H19-230620-0006", TTDN, LANH_SU, "Đang xử lý",
     "19/06/2023 16:00:00", "20/06/2023 08:00:00", "27/06/2023 17:00:00", ""),
    ("000.24.H19-230626-0007", SNV, ABTC, "Yêu cầu bổ sung giấy tờ",
     "24/06/2023 10:00:00", "26/06/2023 08:00:00", "05/07/2023 17:00:00", ""),
    ("000.24.H19-230628-0008", SNV, HOI_NGHI, "Mới đăng ký",
     "28/06/2023 21:00:00", "", "", ""),
    ("000.24.H19-230328-0009", TTDN, LANH_SU, "Đã trả kết quả",
     "27/03/2023 15:00:00", "28/03/2023 08:00:00", "04/04/2023 17:00:00", "03/04/2023 16:00:00"),
    ("000.24.H19-230615-0010", SNV, HOI_NGHI, "Đã trả kết quả",
     "15/06/2023 07:30:00", "15/06/2023 08:00:00", "22/06/2023 17:00:00", "22/06/2023 16:00:00"),
    ("000.24.H19-230601-0011", TTDN, ABTC, "Không được tiếp nhận",
     "01/06/2023 11:00:00", "", "", ""),
    ("000.24.H19-230703-0012", SNV, ABTC, "Đã trả kết quả",
     "03/07/2023 08:00:00", "03/07/2023 08:10:00", "10/07/2023 17:00:00", "07/07/2023 09:00:00"),
    ("000.24.H19-230612-0013", TTDN, LANH_SU, "Dừng xử lý",
     "12/06/2023 08:00:00", "12/06/2023 08:30:00", "19/06/2023 17:00:00", "14/06/2023 11:00:00"),
    ("000.24.H19-230522-0014", SNV, HOI_NGHI, "Đã trả kết quả",
     "21/05/2023 19:45:00", "22/05/2023 08:00:00", "29/05/2023 17:00:00", "31/05/2023 10:00:00"),
]
_PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Công ty TNHH Đông Á"]
_PLACES = ["Biên Hòa, Đồng Nai", "Long Khánh, Đồng Nai", "Nhơn Trạch, Đồng Nai"]


def tandan_html(rows: list[tuple[str, ...]] = TANDAN_ROWS) -> bytes:
    """The page exportTableToExcel.js saves: Excel HTML, UTF-8, no BOM, no charset (``rows``:
    another list in TANDAN_ROWS' shape, e.g. benchmarks/make_big_html.py's)."""
    td = '<td style="vertical-align: middle; padding: 5px; border: 1px solid #333;">{}</td>'
    head = "".join(td.format(f"<strong>{html.escape(h)}</strong>") for h in TANDAN_HEADERS)
    body = []
    for i, (code, unit, proc, status, filed, recv, due, end) in enumerate(rows):
        who = _PEOPLE[i % len(_PEOPLE)]
        cells = [str(i + 1), unit, proc, code, status, _PLACES[i % len(_PLACES)], who, who,
                 filed, recv, due, end]
        body.append("<tr>" + "".join(td.format(html.escape(c)) for c in cells) + "</tr>")
    table = (
        "<thead>"
        '<tr><td colspan="9" style="vertical-align: middle; padding: 5px; font-size: 16px;">'
        "<br></td></tr>"
        '<tr><td colspan="8" style="vertical-align: middle; padding: 5px;"><strong></strong>'
        "</td></tr>"
        f"<tr>{head}</tr>"
        "</thead>"
        f'<tbody id="data">{"".join(body)}</tbody>'
    )
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns="http://www.w3.org/TR/REC-html40">'
        "<head><!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet>"
        "<x:Name>Danh sách hồ sơ</x:Name><x:WorksheetOptions><x:DisplayGridlines/>"
        "</x:WorksheetOptions></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml>"
        "<![endif]--></head><body>"
        '<table style="font-family: &quot;Times New Roman&quot;, Times, serif; font-size: 17px">'
        f"{table}</table></body></html>"
    )
    return page.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# OpenCPS: STT, Mã hồ sơ, Mã thủ tục, Nội dung, Chủ hồ sơ, Ngày tiếp nhận, Ngày hẹn trả,
# Ngày gia hạn, Ngày hoàn thành, Ngày trả, Trạng thái, Trực tuyến, Hạn xử lý.
# "Hạn xử lý" is a text ("Còn 2 ngày", "Quá hạn 2.25 ngày"), not a date: the due date is
# "Ngày hẹn trả". "Trực tuyến" is true/false.
OPENCPS_HEADERS = [
    "STT",
    "Mã hồ sơ",
    "Mã thủ tục",
    "Nội dung",
    "Chủ hồ sơ",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày gia hạn",
    "Ngày hoàn thành",
    "Ngày trả",
    "Trạng thái",
    "Trực tuyến",
    "Hạn xử lý",
]
# id, procedure code, received, due, completed, returned, status, online, time left
OPENCPS_GROUPS = [
    (SNV, [
        ("H19.24-230403-0001", "1.001234", "03/04/2023 08:00", "07/04/2023 17:00",
         "06/04/2023 10:00", "07/04/2023 09:00", "Hoàn thành", "true", "Còn 1 ngày"),
        ("H19.24-230404-0002", "1.001234", "04/04/2023 09:30", "11/04/2023 17:00",
         "13/04/2023 16:00", "14/04/2023 08:30", "Hoàn thành", "false", "Quá hạn 2.25 ngày"),
        ("H19.24-230510-0003", "2.000567", "10/05/2023 14:00", "17/05/2023 17:00",
         "17/05/2023 11:00", "", "Hoàn thành", "true", "Còn 0 ngày"),
        ("H19.24-230615-0004", "2.000567", "15/06/2023 08:15", "22/06/2023 17:00",
         "", "", "Đang xử lý", "false", "Quá hạn 5 ngày"),
        ("H19.24-230620-0005", "1.001234", "20/06/2023 10:00", "05/07/2023 17:00",
         "", "", "Chờ bổ sung", "true", "Còn 3 ngày"),
        ("H19.24-230626-0006", "2.000567", "26/06/2023 09:00", "03/07/2023 17:00",
         "", "", "Đang xử lý", "true", "Còn 2 ngày"),
    ]),
    (TTDN, [
        ("H19.24.01-230502-0001", "1.008899", "02/05/2023 08:00", "09/05/2023 17:00",
         "05/05/2023 15:00", "08/05/2023 08:00", "Hoàn thành", "true", "Còn 2 ngày"),
        ("H19.24.01-230508-0002", "1.008899", "08/05/2023 10:00", "15/05/2023 17:00",
         "10/05/2023 09:00", "", "Rút hồ sơ", "false", ""),
        ("H19.24.01-230612-0003", "1.008899", "12/06/2023 13:00", "19/06/2023 17:00",
         "", "", "Chờ thanh toán", "true", "Quá hạn 8 ngày"),
        ("H19.24.01-230614-0004", "1.009900", "14/06/2023 08:00", "21/06/2023 17:00",
         "", "", "Đang xử lý liên thông", "false", "Quá hạn 6.5 ngày"),
        ("H19.24.01-230616-0005", "1.009900", "16/06/2023 09:00", "23/06/2023 17:00",
         "", "", "Từ chối", "true", ""),
        ("H19.24.01-230325-0006", "1.008899", "25/03/2023 08:00", "03/04/2023 17:00",
         "31/03/2023 10:00", "31/03/2023 14:00", "Hoàn thành", "false", "Còn 1 ngày"),
    ]),
]
OPENCPS_CONTENT = {"1.001234": "Cấp phép hội nghị quốc tế", "2.000567": "Cấp thẻ ABTC",
                   "1.008899": "Hợp pháp hóa lãnh sự", "1.009900": "Chứng nhận lãnh sự"}


def _blank(text: str) -> str:
    """OpenCPS writes an empty value as one space."""
    return text if text else " "


def opencps_xls() -> bytes:
    """The BIFF8 workbook exportDossierStatistic writes: sheet "report", every cell a string."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("report")
    width = len(OPENCPS_HEADERS)
    ws.write_merge(0, 0, 0, width - 1, "DANH SÁCH HỒ SƠ")
    ws.write_merge(1, 1, 0, width - 1, "Từ ngày 01/04/2023 đến ngày 30/06/2023")
    for c, h in enumerate(OPENCPS_HEADERS):
        ws.write(2, c, h)
    for c in range(width):
        ws.write(3, c, f"({c + 1})")
    r = 4
    for unit, rows in OPENCPS_GROUPS:
        ws.write_merge(r, r, 0, width - 1, f"{unit} ( {len(rows)} )")
        r += 1
        for i, (code, proc, recv, due, done, ret, status, online, left) in enumerate(rows):
            owner = _PEOPLE[(i + r) % len(_PEOPLE)]
            cells = [str(i + 1), code, proc, OPENCPS_CONTENT[proc], owner, recv, due, "",
                     done, ret, status, online, left]
            for c, v in enumerate(cells):
                ws.write(r, c, _blank(v))
            r += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# The same dossiers in the project's canonical layout, for the DuckDB reference.
CANONICAL_HEADERS = ["Mã hồ sơ", "Đơn vị", "Tên thủ tục", "Ngày tiếp nhận", "Ngày hẹn trả",
                     "Ngày kết thúc xử lý", "Ngày trả kết quả", "Hình thức nộp", "Trạng thái"]
_OPENCPS_STATUS = {"Hoàn thành": "Đã xử lý xong", "Rút hồ sơ": "Rút hồ sơ",
                   "Đang xử lý": "Đang xử lý", "Chờ bổ sung": "Yêu cầu bổ sung giấy tờ",
                   "Chờ thanh toán": "Yêu cầu thực hiện nghĩa vụ tài chính",
                   "Đang xử lý liên thông": "Đang xử lý", "Từ chối": "Không được tiếp nhận"}


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def tandan_canonical() -> bytes:
    """TanDan has no channel and no return date: the twin has neither."""
    headers = [h for h in CANONICAL_HEADERS if h not in ("Hình thức nộp", "Ngày trả kết quả")]
    return _csv(headers, [[c, u, p, r, d, e, s] for c, u, p, s, _f, r, d, e in TANDAN_ROWS])


def opencps_canonical() -> bytes:
    rows = []
    for unit, group in OPENCPS_GROUPS:
        for code, proc, recv, due, done, ret, status, online, _left in group:
            channel = "Trực tuyến" if online == "true" else "Trực tiếp"
            rows.append([code, unit, OPENCPS_CONTENT[proc], recv, due, done, ret, channel,
                         _OPENCPS_STATUS[status]])
    return _csv(CANONICAL_HEADERS, rows)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        TANDAN_NAME: tandan_html(),
        OPENCPS_NAME: opencps_xls(),
        "tandan-canonical.csv": tandan_canonical(),
        "opencps-canonical.csv": opencps_canonical(),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"{OUT.relative_to(ROOT) / name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
