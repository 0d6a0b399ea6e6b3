"""Small register files written inside tests, counted through the library's own route."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

YEAR = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))

# The dossier columns of a small test plan whose figures are its registers' (the plan needs
# columns; its vocabularies then declare ``tt``, and classification reads ``status``).
DOSSIER_COLUMNS = """\
columns:
  dossier_id: {aliases: [Số hồ sơ], type: text, required: true, allow_empty: false}
  received_at: {aliases: [Ngày nhận], type: date, required: true, allow_empty: false}
  due_at: {aliases: [Hẹn trả], type: date}
  resolved_at: {aliases: [Ngày xong], type: date}
  returned_at: {aliases: [Ngày giao], type: date, optional: true}
  status: {aliases: [Tình trạng], type: tt, optional: true}
  processing_days: {aliases: [Số ngày], type: integer, optional: true}
"""

# The headers a department writes (the first header registers.md gives each field).
HEADERS = {
    "thu_tuc": {
        "procedure_code": "Mã TTHC",
        "procedure": "Tên thủ tục",
        "kind": "Loại TTHC",
        "specialised": "Chuyên ngành",
        "change": "Hình thức công bố",
        "effective_at": "Ngày hiệu lực",
        "announced_at": "Ngày quyết định công bố",
        "published_at": "Ngày công khai",
        "content_complete": "Công khai đủ nội dung",
        "sample_dossier": "Có hồ sơ mẫu",
        "online_eligible": "Đủ điều kiện trực tuyến",
        "online_level": "Mức độ DVCTT",
        "simplification_plan": "Có phương án đơn giản hóa",
        "info_fields": "Số thông tin phải khai báo",
        "info_fields_reduced": "Số thông tin được cắt giảm",
        "iso_applied": "Áp dụng ISO 9001",
    },
    "vbqppl": {
        "doc_number": "Số, ký hiệu",
        "title": "Trích yếu",
        "role": "Vai trò",
        "deadline": "Hạn trình",
        "submitted_at": "Ngày trình",
        "due_process": "Đúng quy trình",
        "status": "Tình trạng hiệu lực",
        "reviewed_at": "Ngày rà soát",
    },
    "can_bo": {
        "staff_id": "Mã cán bộ",
        "name": "Họ và tên",
        "kind": "Loại",
        "unit": "Đơn vị",
        "leader": "Lãnh đạo",
        "meets_standard": "Đúng tiêu chuẩn vị trí việc làm",
        "reception": "Tiếp nhận hồ sơ",
        "in_database": "Hồ sơ trên CSDL",
        "digital_signature": "Có chữ ký số",
        "uses_document_system": "Sử dụng phần mềm QLVB",
    },
    "boi_duong": {
        "staff_id": "Mã cán bộ",
        "course": "Tên lớp",
        "topic": "Loại bồi dưỡng",
        "started_at": "Từ ngày",
        "ended_at": "Đến ngày",
    },
    "ho_so_cong_viec": {
        "file_code": "Mã hồ sơ",
        "title": "Tiêu đề",
        "opened_at": "Ngày mở",
        "secrecy": "Độ mật",
        "online": "Xử lý trên môi trường mạng",
    },
    "van_ban": {
        "doc_number": "Số, ký hiệu",
        "date": "Ngày",
        "direction": "Sổ",
        "secrecy": "Độ mật",
        "channel": "Nguồn",
    },
    "don_vi": {"unit": "Tên đơn vị", "kind": "Loại đơn vị"},
    "kiem_tra": {
        "batch": "Đợt kiểm tra",
        "unit": "Đơn vị được kiểm tra",
        "kind": "Loại kiểm tra",
        "method": "Hình thức",
        "inspected_at": "Ngày kiểm tra",
    },
    "ton_tai": {
        "finding_id": "Mã",
        "content": "Nội dung",
        "found_at": "Ngày kết luận",
        "remedied_at": "Ngày khắc phục",
        "escalated": "Kiến nghị cấp có thẩm quyền",
    },
}


def edited_plan(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped plan with ``old`` (which must be there) replaced by ``new``, as a file."""
    from conftest import PLAN

    text = PLAN.read_text(encoding="utf-8")
    assert old in text, old
    p = tmp_path / "plan.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def write_register(
    folder: Path, register: str, rows: list[dict], *, drop: tuple[str, ...] = (), name=None
) -> Path:
    """``rows`` keyed by field name (missing: empty cell), as ``<register>.csv`` in ``folder``;
    ``drop``: fields whose column the file lacks."""
    folder.mkdir(parents=True, exist_ok=True)
    fields = [f for f in HEADERS[register] if f not in drop]
    path = folder / f"{name or register}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([HEADERS[register][f] for f in fields])
        for row in rows:
            unknown = set(row) - set(HEADERS[register])
            assert not unknown, unknown
            w.writerow([row.get(f, "") for f in fields])
    return path


def count(folder: Path, plan=None, period=YEAR) -> dict:
    """Every register indicator's result over the registers in ``folder``."""
    from cchc_cli.engine.registers import run_registers
    from cchc_cli.io.registers import read_registers
    from cchc_cli.plan.model import load_plan

    plan = plan or load_plan()
    staged = read_registers(plan, [folder])
    try:
        return dict(run_registers(plan, staged, period).results)
    finally:
        for s in staged.values():
            s.close()


def figures(result) -> tuple:
    """(numerator, denominator, left_out, {(reason, field): rows}) as plain numbers."""
    return (
        None if result.numerator is None else int(result.numerator),
        None if result.denominator is None else int(result.denominator),
        result.left_out,
        {(lo.reason, lo.field): lo.rows for lo in result.left_out_by},
    )
