"""What a file is, from its first bytes: a workbook (zip: xlsx; OLE2: xls), or a file that is
certainly not a readable export — a PDF, an archive, a page or XML with no table, an Excel 2003
XML spreadsheet, an "xlsx" that is none — which is an error saying what it is and what to do.
"""

from __future__ import annotations

from ..errors import CchcError, Location, Msg
from . import sizes
from .files import Ctx
from .html import markup_kind

_XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = (b"PK\x03\x04", b"PK\x05\x06")


def looks_like_xlsx(data: bytes, ctx: Ctx) -> bool:
    """True for a zip (xlsx); raise for files that are certainly not a readable export."""
    suffix = ctx.path.suffix.lower()
    shown = ctx.name
    head = data[:sizes.SAMPLE]

    def fail(vi: str, en: str, hint_vi: str, hint_en: str) -> CchcError:
        return CchcError(Msg(vi, en), Msg(hint_vi, hint_en), Location(ctx.shown))

    if head.startswith(OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data or b"E\x00n\x00c\x00r\x00y" in head:
            raise fail(
                f"tệp Excel '{shown}' đang được đặt mật khẩu (mã hóa)",
                f"Excel file '{shown}' is password-protected (encrypted)",
                "mở tệp bằng Excel, gỡ mật khẩu (File › Info › Protect Workbook › Encrypt with "
                "Password: xóa trống) rồi lưu lại dạng .xlsx",
                "open it in Excel, remove the password (File › Info › Protect Workbook › Encrypt "
                "with Password: clear it) and save it again as .xlsx",
            )
        if suffix in _XLSX_SUFFIXES:
            raise fail(
                f"'{shown}' không phải tệp .xlsx thật: đây là tệp Excel cũ (.xls, 97-2003) "
                "hoặc tệp đã đặt mật khẩu",
                f"'{shown}' is not a real .xlsx: it is an old Excel 97-2003 (.xls) file "
                "or a password-protected workbook",
                "mở bằng Excel, gỡ mật khẩu nếu có, rồi 'Lưu thành' Excel Workbook (.xlsx) "
                "hoặc CSV UTF-8",
                "open it in Excel, remove any password, and 'Save As' Excel Workbook (.xlsx) "
                "or CSV UTF-8",
            )
        raise fail(
            f"'{shown}' là tệp Excel cũ (.xls, 97-2003), định dạng không được hỗ trợ",
            f"'{shown}' is an old Excel 97-2003 (.xls) file, which is not supported",
            "mở bằng Excel và 'Lưu thành' Excel Workbook (.xlsx) hoặc CSV UTF-8",
            "open it in Excel and 'Save As' Excel Workbook (.xlsx) or CSV UTF-8",
        )
    if head.startswith(ZIP):
        return True
    if head.startswith(b"%PDF"):
        raise fail(
            f"'{shown}' là tệp PDF, không phải bảng dữ liệu",
            f"'{shown}' is a PDF document, not a data table",
            "xuất danh sách hồ sơ ra Excel (.xlsx) hoặc CSV từ phần mềm Một cửa; "
            "không đổi tên tệp PDF",
            "export the dossier list as Excel (.xlsx) or CSV from the one-stop system; "
            "renaming a PDF does not convert it",
        )
    for magic, kind in (
        (b"\x1f\x8b", "gzip"),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
        (b"Rar!\x1a\x07", "RAR"),
    ):
        if head.startswith(magic):
            raise fail(
                f"'{shown}' là tệp nén {kind}, không phải bảng dữ liệu",
                f"'{shown}' is a {kind} archive, not a data table",
                "giải nén trước, rồi chỉ định tệp .csv/.xlsx bên trong",
                "extract it first and give the .csv/.xlsx inside",
            )
    markup = markup_kind(data)  # a page or XML (UTF-8, UTF-16, …) that is not a table page
    if markup is not None:
        if markup == "spreadsheet":
            raise fail(
                f"'{shown}' là bảng tính XML Excel 2003, không phải CSV hay .xlsx",
                f"'{shown}' is an Excel 2003 XML spreadsheet, not CSV or .xlsx",
                "mở bằng Excel và 'Lưu thành' Excel Workbook (.xlsx) hoặc CSV UTF-8",
                "open it in Excel and 'Save As' Excel Workbook (.xlsx) or CSV UTF-8",
            )
        raise fail(
            f"'{shown}' là trang HTML không có bảng dữ liệu nào (thường là trang đăng nhập "
            "hoặc trang báo lỗi tải về thay cho danh sách)",
            f"'{shown}' is an HTML page with no table in it (usually the login or error page "
            "saved instead of the list)",
            "đăng nhập lại phần mềm Một cửa rồi tải lại danh sách hồ sơ",
            "log in to the one-stop system again and download the dossier list again",
        )
    if suffix in _XLSX_SUFFIXES:
        raise fail(
            f"'{shown}' không phải tệp Excel .xlsx hợp lệ (không có cấu trúc zip)",
            f"'{shown}' is not a valid Excel .xlsx file (not a zip container)",
            "nếu đây là tệp CSV, đổi phần mở rộng thành .csv; nếu không, mở bằng Excel và "
            "lưu lại dạng .xlsx, hoặc xuất lại tệp",
            "if it is a CSV file, rename it to .csv; otherwise open it in Excel and save it "
            "again as .xlsx, or export it again",
        )
    return False
