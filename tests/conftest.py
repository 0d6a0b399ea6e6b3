"""Shared helpers: tiny hand-made exports written as CSV, evaluated through the public library."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "ho-so-mot-cua-2023.csv"
ACTUALS = ROOT / "sample_data" / "actuals2023.yaml"
PLAN = ROOT / "plan2023.yaml"
SAMPLE_REL = "sample_data/ho-so-mot-cua-2023.csv"
ACTUALS_REL = "sample_data/actuals2023.yaml"
REGISTERS = ROOT / "sample_data" / "so-theo-doi-cchc-2023.xlsx"  # the 22 counted figures' rows
REGISTERS_REL = "sample_data/so-theo-doi-cchc-2023.xlsx"
# What staff read in the verdict column, written out here rather than taken from the code.
VERDICT = {
    "vi": {"pass": "ĐẠT", "fail": "KHÔNG ĐẠT", "no_data": "CHƯA CÓ DỮ LIỆU"},
    "en": {"pass": "PASS", "fail": "FAIL", "no_data": "NO DATA"},
}

HEADERS = {
    "id": "Mã hồ sơ",
    "proc": "Tên thủ tục",
    "field": "Lĩnh vực",
    "recv": "Ngày tiếp nhận",
    "due": "Ngày hẹn trả",
    "end": "Ngày kết thúc xử lý",
    "ret": "Ngày trả kết quả",
    "ch": "Hình thức nộp",
    "st": "Trạng thái",
    "dig": "Số hóa hồ sơ",
    "rdig": "Số hóa kết quả",
    "eres": "Kết quả điện tử",
    "sat": "Mức độ hài lòng",
    "apo": "Phiếu xin lỗi",
    "days": "Thời hạn giải quyết",
}


def write_export(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    """Rows use the short keys of HEADERS; missing keys are empty cells."""
    keys = columns or list(HEADERS)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([HEADERS[k] for k in keys])
        for i, row in enumerate(rows):
            cells = dict(row)
            cells.setdefault("id", f"H{i + 1:03d}")
            cells.setdefault("ch", "Trực tuyến")
            w.writerow([cells.get(k, "") for k in keys])
    return path


@pytest.fixture
def export(tmp_path):
    def make(rows, columns=None, name="export.csv"):
        return write_export(tmp_path / name, rows, columns)

    return make


@pytest.fixture
def at_root(monkeypatch):
    """Run from the repository root, so the sample's relative paths resolve."""
    monkeypatch.chdir(ROOT)


def cli(*args):
    """``cchc ARGS`` through Typer's test runner; paths may be ``Path`` objects."""
    from typer.testing import CliRunner

    from cchc_cli.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="session")
def plan():
    from cchc_cli import load_plan

    return load_plan(PLAN)


def run(path, plan, period=None, actuals=None):
    """``check``'s result over one export: the pipeline (the engine), with a loaded plan."""
    from cchc_cli.pipeline import Request
    from cchc_cli.pipeline import run as run_pipeline

    span = period or plan.period
    return run_pipeline(Request((path,), plan.path, span=span), (plan, span, actuals)).result


def by_id(result):
    return {r.indicator.id: r for r in result.indicators}
