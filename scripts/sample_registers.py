"""The synthetic registers (sổ theo dõi) of the sample department, for 2023.

    python scripts/make_sample.py       # writes them with the dossier export

Written twice with the same cells: ``sample_data/so-theo-doi-cchc-2023.xlsx`` (one sheet per
register, a title row above each header, dates as date cells, and a notes sheet that is not a
register) and ``sample_data/so-theo-doi-cchc-2023/`` (one CSV per register, dates dd/mm/yyyy).
Everything is made up; the rows are listed by rule, not drawn at random, so the 2023 figures
below are known (sample_data/README.md lists them). Three targets are missed on purpose: staff
trained 24/32, internal inspections done digitally 2/5, findings remedied 6/7. A few cells are
broken on purpose (an impossible date in the document book, an unknown word among the work files,
a staff id written twice in the roster's training record in lower case — which still matches),
and two rows name what their register does not hold (``cchc validate --registers`` lists them,
no figure changes): a course of CB041, who is not in the roster, and an inspection of "Phòng Quản
lý biên gới", a typo no unit in the unit list matches.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import holidays

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "sample_data" / "so-theo-doi-cchc-2023.xlsx"
FOLDER = ROOT / "sample_data" / "so-theo-doi-cchc-2023"
AGENCY = "SỞ NGOẠI VỤ TỈNH ĐỒNG NAI"
STAMP = (2024, 1, 5, 8, 0, 0)  # the workbook's members, so every run writes the same bytes


class Work:
    """Vietnam's working days (the holidays package), for dates a rule counts in working days."""

    def __init__(self) -> None:
        self.vn = holidays.country_holidays("VN", years=range(2019, 2025))

    def add(self, day: dt.date, n: int) -> dt.date:
        step = 1 if n > 0 else -1
        while n:
            day += dt.timedelta(step)
            if self.vn.is_working_day(day):
                n -= step
        return day


# sheet name, file name, title, headers
LAYOUT = {
    "thu_tuc": ("Danh mục TTHC", "danh-muc-tthc", "DANH MỤC THỦ TỤC HÀNH CHÍNH"),
    "vbqppl": ("VBQPPL", "vbqppl", "THEO DÕI VĂN BẢN QUY PHẠM PHÁP LUẬT"),
    "can_bo": ("CBCCVC", "cbccvc", "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC"),
    "boi_duong": ("Bồi dưỡng", "boi-duong", "THEO DÕI ĐÀO TẠO, BỒI DƯỠNG NĂM 2023"),
    "ho_so_cong_viec": ("Hồ sơ công việc", "ho-so-cong-viec", "DANH MỤC HỒ SƠ CÔNG VIỆC"),
    "van_ban": ("Sổ văn bản", "so-van-ban", "SỔ ĐĂNG KÝ VĂN BẢN ĐI, ĐẾN"),
    "don_vi": ("Đơn vị", "don-vi", "CÁC ĐƠN VỊ THUỘC SỞ"),
    "kiem_tra": ("Kiểm tra", "kiem-tra", "THEO DÕI KIỂM TRA CẢI CÁCH HÀNH CHÍNH, NỘI BỘ"),
    "ton_tai": ("Tồn tại", "ton-tai", "TỒN TẠI, HẠN CHẾ QUA KIỂM TRA"),
}

HEADERS = {
    "thu_tuc": [
        "Mã TTHC",
        "Tên thủ tục",
        "Loại TTHC",
        "Chuyên ngành",
        "Hình thức công bố",
        "Ngày hiệu lực",
        "Ngày quyết định công bố",
        "Ngày công khai",
        "Công khai đủ nội dung",
        "Có hồ sơ mẫu",
        "Đủ điều kiện trực tuyến",
        "Mức độ DVCTT",
        "Có phương án đơn giản hóa",
        "Số thông tin phải khai báo",
        "Số thông tin được cắt giảm",
        "Áp dụng ISO 9001",
    ],
    "vbqppl": [
        "Số, ký hiệu",
        "Trích yếu",
        "Vai trò",
        "Hạn trình",
        "Ngày trình",
        "Đúng quy trình",
        "Tình trạng hiệu lực",
        "Ngày rà soát",
    ],
    "can_bo": [
        "Mã cán bộ",
        "Họ và tên",
        "Loại",
        "Đơn vị",
        "Lãnh đạo",
        "Đúng tiêu chuẩn vị trí việc làm",
        "Tiếp nhận hồ sơ",
        "Hồ sơ trên CSDL",
        "Có chữ ký số",
        "Sử dụng phần mềm QLVB",
    ],
    "boi_duong": ["Mã cán bộ", "Tên lớp", "Loại bồi dưỡng", "Từ ngày", "Đến ngày"],
    "ho_so_cong_viec": ["Mã hồ sơ", "Tiêu đề", "Ngày mở", "Độ mật", "Xử lý trên môi trường mạng"],
    "van_ban": ["Số, ký hiệu", "Ngày", "Sổ", "Độ mật", "Nguồn"],
    "don_vi": ["Tên đơn vị", "Loại đơn vị"],
    "kiem_tra": [
        "Đợt kiểm tra",
        "Đơn vị được kiểm tra",
        "Loại kiểm tra",
        "Hình thức",
        "Ngày kiểm tra",
    ],
    "ton_tai": ["Mã", "Nội dung", "Ngày kết luận", "Ngày khắc phục", "Kiến nghị cấp có thẩm quyền"],
}

# (code, name): the eleven procedures of the dossier export, then seven with no dossier in 2023
PUBLIC = [
    ("1.001623.000.00.00.H19", "Cho phép tổ chức hội nghị, hội thảo quốc tế"),
    ("2.001813.000.00.00.H19", "Cho chủ trương mời, đón đoàn khách nước ngoài"),
    ("2.001790.000.00.00.H19", "Cho phép cử cán bộ, công chức, viên chức đi công tác nước ngoài"),
    ("1.003120.000.00.00.H19", "Xin phép xuất cảnh về việc riêng"),
    ("1.002915.000.00.00.H19", "Cấp thẻ đi lại của doanh nhân APEC (thẻ ABTC)"),
    ("1.002930.000.00.00.H19", "Cấp lại thẻ ABTC bị mất, hỏng"),
    ("2.002101.000.00.00.H19", "Chứng nhận lãnh sự, hợp pháp hóa lãnh sự"),
    ("1.004568.000.00.00.H19", "Đề nghị cấp hộ chiếu ngoại giao, hộ chiếu công vụ"),
    ("2.000654.000.00.00.H19", "Cho phép tổ chức ký kết thỏa thuận quốc tế"),
    ("1.008412.000.00.00.H19", "Xác nhận chuyên gia nước ngoài thực hiện dự án ODA"),
    ("2.000311.000.00.00.H19", "Tiếp nhận hồ sơ đăng ký hoạt động của tổ chức phi chính phủ"),
    ("1.005120.000.00.00.H19", "Cho phép thành lập văn phòng đại diện tổ chức quốc tế"),
    ("1.005121.000.00.00.H19", "Gia hạn giấy phép văn phòng đại diện tổ chức quốc tế"),
    ("2.002210.000.00.00.H19", "Tiếp nhận đoàn nhà báo nước ngoài đến tác nghiệp"),
    ("2.002211.000.00.00.H19", "Thẩm định nội dung hội nghị quốc tế trực tuyến"),
    ("1.009911.000.00.00.H19", "Xác nhận người gốc Việt Nam về nước đầu tư"),
    ("1.009912.000.00.00.H19", "Cho ý kiến về việc tiếp nhận viện trợ phi chính phủ"),
    ("2.003001.000.00.00.H19", "Cấp giấy mời nhập cảnh cho khách nước ngoài"),
]
INTERNAL = [
    ("NB.01", "Cử cán bộ đi công tác nước ngoài (quy trình nội bộ)", "Có"),
    ("NB.02", "Quản lý hộ chiếu công vụ", "Có"),
    ("NB.03", "Tiếp nhận đoàn vào cấp Sở", "Có"),
    ("NB.04", "Khen thưởng đối ngoại", ""),
]
INFO = [14, 12, 10, 9, 16, 11, 8, 13, 20, 9, 15, 12, 10, 8, 11, 9, 14, 18]  # fields to declare
REDUCED = [4, 3, 2, 0, 5, 3, 0, 4, 6, 0, 3, 3, 2, 0, 2, 1, 3, 5]  # 46 / 219 = 21.00%


def thu_tuc(w: Work) -> list[list]:
    rows = []
    for i, (code, name) in enumerate(PUBLIC):
        amended = i in (4, 6)  # ABTC and legalisation: amended, effective 15/05 and 01/09/2023
        if amended:
            effective = D(2023, 5, 15) if i == 4 else D(2023, 9, 1)
            announced = w.add(effective, -6)
            change = "Sửa đổi, bổ sung"
        else:
            effective, announced, change = D(2021, 7, 1), D(2021, 6, 21), ""
        published = w.add(announced, 3)
        rows.append(
            [
                code,
                name,
                "TTHC",
                "",
                change,
                effective,
                announced,
                published,
                "Có",
                "Có" if i < 14 else "Không",  # 14 of 18 with a sample dossier
                "Có" if i < 16 else "Không",  # 16 eligible for online service
                "Toàn trình" if i % 3 else "Một phần",
                "Có" if i in (8, 13) else "",  # 2 of 18 with a simplification plan
                INFO[i],
                REDUCED[i],
                "Có" if i < 12 else "",  # the 12 ISO 9001 workflows
            ]
        )
    # repealed on 01/07/2023, announced in time: counted once, among the procedures updated
    rows.append(
        [
            "2.001100.000.00.00.H19",
            "Xác nhận lãnh sự (cũ)",
            "TTHC",
            "",
            "Bãi bỏ",
            D(2023, 7, 1),
            D(2023, 6, 20),
            D(2023, 6, 22),
            "Có",
            "Có",
            "Có",
            "Toàn trình",
            "",
            10,
            0,
            "Có",
        ]
    )
    for code, name, specialised in INTERNAL:
        rows.append(
            [
                code,
                name,
                "Nội bộ",
                specialised,
                "Ban hành mới",
                D(2023, 3, 1),
                D(2023, 2, 20),
                D(2023, 2, 22),
                "Có",
                "",
                "",
                "",
                "Có" if code in ("NB.01", "NB.02") else "",
                0,
                0,
                "",
            ]
        )
    return rows


def vbqppl() -> list[list]:
    return [
        [
            "05/2023/QĐ-UBND",
            "Quy định quản lý đoàn ra, đoàn vào",
            "Sở chủ trì",
            D(2023, 4, 30),
            D(2023, 4, 25),
            "Có",
            "Còn hiệu lực",
            "",
        ],
        [
            "21/2023/QĐ-UBND",
            "Quy chế quản lý hội nghị quốc tế",
            "Sở chủ trì",
            D(2023, 10, 31),
            D(2023, 10, 30),
            "Có",
            "Còn hiệu lực",
            "",
        ],
        [
            "12/2019/QĐ-UBND",
            "Quy chế quản lý thống nhất các hoạt động đối ngoại",
            "Thuộc lĩnh vực",
            "",
            "",
            "",
            "Còn hiệu lực",
            D(2023, 5, 10),
        ],
        [
            "34/2020/QĐ-UBND",
            "Quy định tiếp nhận viện trợ phi chính phủ",
            "Thuộc lĩnh vực",
            "",
            "",
            "",
            "Còn hiệu lực",
            D(2023, 5, 10),
        ],
        [
            "08/2021/QĐ-UBND",
            "Quy định về thẻ ABTC",
            "Thuộc lĩnh vực",
            "",
            "",
            "",
            "Còn hiệu lực",
            D(2023, 11, 2),
        ],
        [
            "15/2021/QĐ-UBND",
            "Quy chế phối hợp quản lý biên giới",
            "Thuộc lĩnh vực",
            "",
            "",
            "",
            "Hết hiệu lực một phần",
            D(2023, 11, 2),
        ],
        [
            "27/2022/QĐ-UBND",
            "Quy định hội nghị trực tuyến",
            "Thuộc lĩnh vực",
            "",
            "",
            "",
            "Còn hiệu lực",
            D(2023, 12, 1),
        ],
        [
            "03/2016/QĐ-UBND",
            "Quy định cũ về đoàn ra",
            "Thuộc lĩnh vực",
            "",
            "",
            "",
            "Hết hiệu lực",
            "",
        ],
    ]


UNITS = [
    "Văn phòng Sở",
    "Thanh tra Sở",
    "Phòng Lãnh sự - Người Việt Nam ở nước ngoài",
    "Phòng Hợp tác quốc tế",
    "Phòng Quản lý biên giới",
]
CENTRE = "Trung tâm Dịch vụ Đối ngoại"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = [
    "Văn An",
    "Thị Bình",
    "Minh Châu",
    "Quốc Dũng",
    "Thu Hà",
    "Đức Hải",
    "Ngọc Lan",
    "Thanh Long",
    "Hữu Nam",
    "Kim Oanh",
    "Hoài Phương",
    "Xuân Quang",
    "Thị Sen",
]


def can_bo() -> list[list]:
    rows = []
    for n in range(1, 35):
        kind = "Công chức" if n <= 22 else "Viên chức" if n <= 32 else "Hợp đồng lao động"
        unit = UNITS[n % 5] if n <= 22 else CENTRE
        leader = "Có" if n in (1, 2, 3, 6, 9, 12, 15, 18, 23) else ""  # 9 leaders
        reception = "Có" if n in (4, 7, 10) else ""
        name = f"{SURNAMES[n % 10]} {GIVEN[n % 13]}"
        rows.append(
            [
                f"CB{n:03d}",
                name,
                kind,
                unit,
                leader,
                "Có",
                reception,
                "Có",
                "Có" if leader else "",
                "Có" if n <= 22 else "",
            ]
        )
    return rows


def boi_duong() -> list[list]:
    rows = []
    trained = [n for n in range(1, 33) if n not in (5, 11, 17, 21, 26, 28, 30, 31)]  # 24 of 32
    for n in trained:
        topic = "Kỹ năng tiếp nhận hồ sơ" if n in (4, 7, 10) else "Chuyên môn nghiệp vụ"
        start = D(2023, 3 + n % 9, 5)
        end = D(2023, 12, 31) if n == 1 else start + dt.timedelta(days=4)  # one ends on 31/12
        staff = f"cb{n:03d}" if n == 13 else f"CB{n:03d}"  # written in lower case: still CB013
        rows.append([staff, f"Lớp bồi dưỡng {topic.lower()} {n}", topic, start, end])
    # not counted: a course ending the day after 2023, a political theory course
    rows.append(["CB005", "Lớp bồi dưỡng ngoại ngữ", "Nghiệp vụ", D(2023, 12, 25), D(2024, 1, 1)])
    rows.append(
        [
            "CB011",
            "Lớp trung cấp lý luận chính trị",
            "Lý luận chính trị",
            D(2023, 2, 1),
            D(2023, 9, 30),
        ]
    )
    # a staff id the roster lacks (unknown_reference): it counts for no one on the roster
    rows.append(["CB041", "Lớp bồi dưỡng nghiệp vụ lễ tân", "Nghiệp vụ", D(2023, 4, 3), D(2023, 4, 7)])
    return rows


def ho_so_cong_viec() -> list[list]:
    rows = []
    for n in range(1, 241):
        opened = D(2023, 1, 3) + dt.timedelta(days=(n * 37) % 360)
        secret = "Mật" if n % 20 == 0 else ""  # 12 secret files, handled on paper
        rows.append(
            [
                f"HSCV.2023.{n:03d}",
                f"Hồ sơ công việc số {n}",
                opened,
                secret,
                "" if secret else "Có",
            ]
        )
    rows.append(["HSCV.2022.118", "Hồ sơ công việc năm 2022", D(2022, 11, 20), "", ""])  # out
    rows.append(["HSCV.2023.241", "Hồ sơ công việc số 241", D(2023, 12, 4), "Bình thường", "Có"])
    return rows


def van_ban() -> list[list]:
    rows = []
    for n in range(1, 361):
        day = D(2023, 1, 3) + dt.timedelta(days=(n * 53) % 360)
        direction = "Văn bản đi" if n % 2 else "Văn bản đến"
        if n % 30 == 0:
            rows.append([f"{n}/SNgV-M", day, direction, "Mật", "Bản giấy"])
        elif n % 12 == 0:
            rows.append([f"{n}/TB-SNgV", day, direction, "", "Nội bộ"])
        else:
            rows.append(
                [f"{n}/SNgV-VP", day, direction, "", "Trục liên thông" if n % 3 else "LGSP"]
            )
    rows.append(["361/SNgV-VP", "31/11/2023", "Văn bản đi", "", "LGSP"])  # no 31 November
    return rows


def kiem_tra() -> list[list]:
    return [
        ["Đợt 1/2023", "Văn phòng Sở", "Kiểm tra CCHC", "Trực tiếp", D(2023, 6, 12)],
        ["Đợt 1/2023", "thanh tra so", "Kiểm tra CCHC", "Trực tiếp", D(2023, 6, 13)],
        [
            "Đợt 2/2023",
            "Phòng Lãnh sự - Người Việt Nam ở nước ngoài",
            "Kiểm tra CCHC",
            "Trực tiếp",
            D(2023, 10, 17),
        ],
        ["Đợt 2/2023", "PHÒNG HỢP TÁC QUỐC TẾ", "Kiểm tra CCHC", "Trực tiếp", D(2023, 10, 18)],
        ["Đợt 2/2023", CENTRE, "Kiểm tra CCHC", "Trực tiếp", D(2023, 10, 19)],
        # a unit written wrong (unknown_reference): it matches no unit, so none counts it
        ["Đợt 2/2023", "Phòng Quản lý biên gới", "Kiểm tra CCHC", "Trực tiếp", D(2023, 10, 20)],
        ["NB 01", "Văn phòng Sở", "Kiểm tra nội bộ", "Phần mềm", D(2023, 3, 15)],
        [
            "NB 02",
            "Phòng Lãnh sự - Người Việt Nam ở nước ngoài",
            "Kiểm tra nội bộ",
            "Trực tiếp",
            D(2023, 5, 9),
        ],
        ["NB 03", "Phòng Hợp tác quốc tế", "Kiểm tra nội bộ", "Trực tiếp", D(2023, 8, 22)],
        ["NB 04", "Phòng Quản lý biên giới", "Kiểm tra nội bộ", "Môi trường số", D(2023, 11, 7)],
        ["NB 05", CENTRE, "Kiểm tra nội bộ", "Trực tiếp", D(2023, 12, 5)],
    ]


def ton_tai() -> list[list]:
    return [
        ["TT.2022.04", "Chưa niêm yết thủ tục mới", D(2022, 11, 10), D(2022, 12, 1), ""],
        ["TT.2023.01", "Chậm cập nhật hồ sơ trên phần mềm", D(2023, 6, 12), D(2023, 7, 3), ""],
        ["TT.2023.02", "Thiếu phiếu xin lỗi hồ sơ trễ hạn", D(2023, 6, 13), D(2023, 6, 30), ""],
        ["TT.2023.03", "Sổ theo dõi chưa cập nhật", D(2023, 6, 13), D(2023, 8, 15), ""],
        ["TT.2023.04", "Hồ sơ lưu trữ chưa đủ thành phần", D(2023, 10, 17), D(2023, 12, 20), ""],
        ["TT.2023.05", "Phân công tiếp nhận chưa hợp lý", D(2023, 10, 18), D(2023, 11, 30), ""],
        ["TT.2023.06", "Phần mềm chuyên ngành chưa liên thông", D(2023, 10, 18), "", "Có"],
        ["TT.2023.07", "Chưa số hóa kết quả cũ", D(2023, 10, 19), "", ""],  # still open
    ]


def registers() -> dict[str, list[list]]:
    w = Work()
    return {
        "thu_tuc": thu_tuc(w),
        "vbqppl": vbqppl(),
        "can_bo": can_bo(),
        "boi_duong": boi_duong(),
        "ho_so_cong_viec": ho_so_cong_viec(),
        "van_ban": van_ban(),
        "don_vi": [
            [
                u,
                "Văn phòng"
                if u.startswith("Văn")
                else "Thanh tra"
                if u.startswith("Thanh")
                else "Phòng",
            ]
            for u in UNITS
        ]
        + [[CENTRE, "Đơn vị sự nghiệp"]],
        "kiem_tra": kiem_tra(),
        "ton_tai": ton_tai(),
    }


def _text(value) -> str:
    return f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)


def write_folder(data: dict[str, list[list]], folder: Path = FOLDER) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        with (folder / f"{LAYOUT[name][1]}.csv").open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(HEADERS[name])
            out.writerows([_text(v) for v in row] for row in rows)


def write_book(data: dict[str, list[list]], path: Path = BOOK) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Ghi chú"
    notes.append(["Sổ theo dõi CCHC năm 2023 — dữ liệu mẫu, giả lập (synthetic sample data)"])
    notes.append(["Mỗi sheet là một sổ; cchc check … --registers so-theo-doi-cchc-2023.xlsx"])
    for name, rows in data.items():
        sheet, _, title = LAYOUT[name]
        ws = wb.create_sheet(sheet)
        ws.append([f"{AGENCY} — {title}"])
        ws["A1"].font = Font(bold=True)
        ws.append([])
        ws.append(HEADERS[name])
        for row in rows:
            ws.append(row)
        for cells in ws.iter_rows(min_row=4):
            for c in cells:
                if isinstance(c.value, dt.date):
                    c.number_format = "DD/MM/YYYY"
    fixed = dt.datetime(*STAMP)
    wb.properties.created = wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    # the same bytes every run: the zip members' times fixed
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-05T08:00:00Z", data
                )
            dst.writestr(info, data)


def main() -> None:
    data = registers()
    write_book(data)
    write_folder(data)
    print(
        f"wrote {BOOK.relative_to(ROOT)} and {FOLDER.relative_to(ROOT)}/: "
        + ", ".join(f"{n} {len(r)}" for n, r in data.items())
    )


if __name__ == "__main__":
    main()
