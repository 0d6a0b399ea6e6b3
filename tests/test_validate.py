"""`cchc validate`: every reason code at the exact file line and column (title rows counted)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cchc_cli.cli.app import app
from cchc_cli.errors import ExitCode

runner = CliRunner()

FILE = (
    "SỞ NGOẠI VỤ TỈNH ĐỒNG NAI\n"  # line 1: title rows are skipped, but lines keep counting
    "DANH SÁCH HỒ SƠ THÁNG 5/2023\n"  # line 2
    "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Hình thức nộp,Trạng thái\n"  # 3
    "H-230502-0001,02/05/2023,10/05/2023,09/05/2023,Trực tuyến,Đã trả kết quả\n"  # 4 clean
    "H-230502-0001,02/05/2023,10/05/2023,09/05/2023,Trực tuyến,Đã trả kết quả\n"  # 5 duplicate
    "H-230503-0003,03/05/2023,31/02/2023,,Trực tuyến,Đang xử lý\n"  # 6 impossible date
    "H-230504-0004,04/05/2023,10/05/2023,,Qua Zalo,Đang xử lý\n"  # 7 unknown word
    "H-230505-0005,05/05/2023,10/05/2023,03/05/2023,Trực tuyến,Đã trả kết quả\n"  # 8 end < received
    "H-230506-0006,06/05/2023,01/05/2023,,Trực tuyến,Đang xử lý\n"  # 9 due < received
    "H-230507-0007,07/05/2023,15/05/2023,,Trực tuyến,Đã trả kết quả\n"  # 10 resolved, no end
    "H-230508-0008,08/05/2023,15/05/2023,10/05/2023,Trực tuyến,Đang xử lý\n"  # 11 end, not resolved
    "H-230101-0009,09/05/2023,15/05/2023,,Trực tuyến,Đang xử lý\n"  # 12 code date differs
    "H-230510-0010,,15/05/2023,,Trực tuyến,Đang xử lý\n"  # 13 no received date
)

EXPECTED = [
    (5, 1, "duplicate_id"),
    (6, 3, "invalid_date"),
    (7, 5, "unknown_value"),
    (8, 4, "end_before_received"),
    (9, 3, "due_before_received"),
    (10, 6, "resolved_without_end"),
    (11, 6, "end_without_resolved"),
    (12, 1, "code_date_mismatch"),
    (13, 2, "missing_value"),
]


def test_every_reason_at_its_line_and_column(tmp_path):
    path = tmp_path / "may.csv"
    path.write_text(FILE, encoding="utf-8")
    res = runner.invoke(app, ["validate", str(path), "--period", "2023-05", "--format", "json"])
    assert res.exit_code == ExitCode.FAIL
    doc = json.loads(res.stdout)
    got = [(p["line"], p["column"], p["reason"]) for p in doc["problems"]]
    assert got == EXPECTED
    assert doc["input"]["header_line"] == 3
    assert doc["rows"]["read"] == 10
    assert doc["rows"]["with_problems"] == 9
    a = doc["accounting"]
    assert a["read"] == a["used"] + a["out_of_period"] + a["not_received"] + a["left_out"]
    # check reports the same number of problems
    chk = json.loads(
        runner.invoke(app, ["check", str(path), "--period", "2023-05", "--format", "json"]).stdout
    )
    assert chk["inputs"][0]["problems"] == len(EXPECTED)


def test_clean_file_exits_0_and_csv_lists_problems(tmp_path):
    clean = tmp_path / "clean.csv"
    clean.write_text("\n".join(FILE.splitlines()[2:4]) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["validate", str(clean), "--period", "2023-05"])
    assert res.exit_code == ExitCode.OK and "Không phát hiện vấn đề nào" in res.stdout
    path = tmp_path / "may.csv"
    path.write_text(FILE, encoding="utf-8")
    out = runner.invoke(
        app, ["validate", str(path), "--period", "2023-05", "--format", "csv"]
    ).stdout
    assert out.startswith("\ufeff") and len(out.strip().splitlines()) == 1 + len(EXPECTED)
    table = runner.invoke(
        app, ["validate", str(path), "--period", "2023-05", "--limit", "3"]
    ).stdout
    assert "… và 6 vấn đề khác" in table
