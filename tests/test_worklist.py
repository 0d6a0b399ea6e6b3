"""Worklists: ``cchc explain ID FILE --rows failing|open-due --format xlsx`` on a small export
worked out by hand — which dossiers, their days late, unit and procedure — and the workbook read
back with openpyxl equal to ``explain --format json`` of the same run."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from cchc_cli.errors import ExitCode
from conftest import HEADERS, PLAN, cli

UNIT = "Đơn vị tiếp nhận"
FORMULA = '=HYPERLINK("http://x","y")'
# Period: May 2023 (31/05 its last day). Line n+2 for the n-th row.
ROWS = [
    # line 2, W1: resolved 15/05, due 10/05 -> late by 5 days, no apology letter
    dict(
        id="W1",
        recv="02/05/2023",
        due="10/05/2023",
        end="15/05/2023",
        st="Đã trả kết quả",
        dig="Có",
        eres="Có",
        rdig="Có",
        unit="Phòng Lãnh sự",
        proc="Cấp thị thực",
    ),
    # line 3, W2: late by 3 days, apologised: not on the late list
    dict(
        id="W2",
        recv="03/05/2023",
        due="05/05/2023",
        end="08/05/2023",
        st="Đã trả kết quả",
        dig="Có",
        eres="Có",
        rdig="Có",
        apo="Có",
        unit="Phòng Lãnh sự",
        proc="Cấp thị thực",
    ),
    # line 4, W3: open at the end of May, due 22/05 -> overdue 9 days, no apology
    dict(
        id="W3",
        recv="10/05/2023",
        due="22/05/2023",
        st="Đang xử lý",
        dig="Có",
        unit="Phòng Hợp tác",
        proc=FORMULA,
    ),
    # line 5, W4: open, due on the period's last day: not late yet, on the open-due list (0 days)
    dict(
        id="W4",
        recv="15/05/2023",
        due="31/05/2023",
        st="Đang xử lý",
        dig="Có",
        unit="Phòng Hợp tác",
        proc="Tổ chức hội nghị quốc tế",
    ),
    # line 6, W5: open, due in June: on no list
    dict(
        id="W5",
        recv="25/05/2023",
        due="05/06/2023",
        st="Đang xử lý",
        dig="Có",
        unit="Phòng Hợp tác",
        proc="Tổ chức hội nghị quốc tế",
    ),
    # line 7, W6: on time, dossier not digitised
    dict(
        id="W6",
        recv="04/05/2023",
        due="12/05/2023",
        end="11/05/2023",
        st="Đã trả kết quả",
        dig="Không",
        eres="Có",
        rdig="Có",
        unit="Phòng Lãnh sự",
        proc="Cấp thị thực",
    ),
    # line 8, W7: on time, no electronic result
    dict(
        id="W7",
        recv="05/05/2023",
        due="12/05/2023",
        end="12/05/2023",
        st="Đã trả kết quả",
        dig="Có",
        eres="Không",
        rdig="Có",
        unit="Phòng Lãnh sự",
        proc="Cấp thị thực",
    ),
    # line 9, W8: resolved 05/06, so open at the end of May, due 25/05 -> 6 days late by 31/05
    dict(
        id="W8",
        recv="20/05/2023",
        due="25/05/2023",
        end="05/06/2023",
        st="Đã trả kết quả",
        dig="Có",
        eres="Có",
        rdig="Có",
        unit="Phòng Lãnh sự",
        proc="Cấp thị thực",
    ),
    # line 10, W9: received in April, due 28/04, still open -> 33 days late by 31/05
    dict(
        id="W9",
        recv="20/04/2023",
        due="28/04/2023",
        st="Đang xử lý",
        dig="Có",
        unit="Phòng Hợp tác",
        proc="Tổ chức hội nghị quốc tế",
    ),
]
# (indicator, --rows) -> [(dossier, line, days late)], worked out by hand from the comments above
EXPECTED = {
    ("late_dossiers_apologized", "failing"): [
        ("W1", 2, 5),
        ("W3", 4, 9),
        ("W8", 9, 6),
        ("W9", 10, 33),
    ],
    ("dossiers_on_time", "open-due"): [("W3", 4, 9), ("W4", 5, 0), ("W8", 9, 6), ("W9", 10, 33)],
    ("dossiers_on_time", "failing"): [("W1", 2, 5), ("W2", 3, 3)],
    ("dossiers_digitized", "failing"): [("W6", 7, None)],
    ("results_electronic", "failing"): [("W7", 8, None)],
}


def write(path, rows, unit=True):
    keys = [*HEADERS, "unit"] if unit else list(HEADERS)
    heads = {**HEADERS, "unit": UNIT}
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([heads[k] for k in keys])
        for row in rows:
            w.writerow([{"ch": "Trực tuyến", **row}.get(k, "") for k in keys])
    return path


@pytest.fixture
def worklist_export(tmp_path):
    return write(tmp_path / "ho-so.csv", ROWS)


def explain_json(path, ind, rows) -> dict:
    res = cli(
        "explain",
        ind,
        path,
        "--plan",
        PLAN,
        "--period",
        "2023-05",
        "--rows",
        rows,
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.parametrize(("ind", "rows"), list(EXPECTED))
def test_worklist_rows_by_hand(worklist_export, ind, rows):
    doc = explain_json(worklist_export, ind, rows)
    got = [(r["dossier_id"], r["line"], r.get("days_late")) for r in doc["rows"]["items"]]
    assert got == EXPECTED[(ind, rows)]
    assert doc["rows"]["total"] == len(EXPECTED[(ind, rows)])
    first = doc["rows"]["items"][0]
    assert first["unit"] in ("Phòng Lãnh sự", "Phòng Hợp tác")
    assert first["procedure"] in ("Cấp thị thực", FORMULA)
    assert first["received_at"] == next(r["recv"] for r in ROWS if r["id"] == first["dossier_id"])


def test_open_due_rows_are_a_class_of_their_own(worklist_export):
    doc = explain_json(worklist_export, "dossiers_on_time", "all")
    cls = {r["dossier_id"]: r["class"] for r in doc["rows"]["items"]}
    assert sorted(k for k, v in cls.items() if v == "open_due") == ["W3", "W4", "W8", "W9"]
    assert cls["W5"] == "not_in_denominator"  # due in June
    # and the figure is check's: 4 resolved in May (W1 W2 W6 W7), 2 of them on time
    assert (doc["result"]["numerator"], doc["result"]["denominator"]) == (2, 4)
    # the apology indicator: W4 is due on the last day, not late yet, so not in its denominator
    doc = explain_json(worklist_export, "late_dossiers_apologized", "open-due")
    assert [r["dossier_id"] for r in doc["rows"]["items"]] == ["W4"]
    # an indicator whose rule does not read the due date has no such class, nor days late
    doc = explain_json(worklist_export, "dossiers_digitized", "all")
    assert {r["class"] for r in doc["rows"]["items"]} <= {
        "counted_pass",
        "counted_fail",
        "not_in_denominator",
    }
    assert "days_late" not in doc["rows"]["columns"]


def _sheet_rows(ws):
    rows = list(ws.iter_rows())
    top = next(i for i, r in enumerate(rows) if r[0].value == "STT")
    return top, [c.value for c in rows[top]], rows[top + 1 :]


def _as_json(cell):
    """A worklist cell as ``explain --format json`` writes the value."""
    v = cell.value
    if isinstance(v, dt.datetime):
        assert cell.number_format == "dd/mm/yyyy"
        return v.strftime("%d/%m/%Y")
    return v


# The columns of the worklist, in order, as this test expects them: STT then the JSON keys.
KEYS_LATE = ["dossier_id", "line", "unit", "procedure", "received_at", "due", "days_late",
             "processing_days", "end_at", "apology_issued", "status"]  # fmt: skip


@pytest.mark.parametrize(("ind", "rows"), list(EXPECTED))
def test_xlsx_worklist_equals_the_json(tmp_path, worklist_export, ind, rows):
    out = tmp_path / "viec-can-lam.xlsx"
    res = cli("explain", ind, worklist_export, "--plan", PLAN, "--period", "2023-05",
              "--rows", rows, "--format", "xlsx", "-o", out)  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = explain_json(worklist_export, ind, rows)
    ws = load_workbook(out).active
    top, heads, body = _sheet_rows(ws)
    assert heads[:3] == ["STT", "Mã hồ sơ", "Dòng"]
    assert heads[3:5] == [UNIT, "Tên thủ tục"]
    items = doc["rows"]["items"]
    keys = [k for k in doc["rows"]["columns"][3:] if k != "due_derived"]
    assert len(heads) == 1 + len(keys)
    if ind == "late_dossiers_apologized":
        assert keys == KEYS_LATE
        assert heads[5:10] == ["Ngày tiếp nhận", "Ngày hẹn trả", "Số ngày trễ hẹn (ngày lịch)",
                               "Thời hạn giải quyết", "Ngày kết thúc"]  # fmt: skip
    assert [c[0].value for c in body] == list(range(1, len(items) + 1))
    for cells, item in zip(body, items, strict=True):
        got = {k: _as_json(c) for k, c in zip(keys, cells[1:], strict=True)}
        assert got == {k: (item[k] if item[k] != "" else None) for k in keys}
    # frozen header, autofilter over the table, header repeated on printed pages, A4 landscape
    assert ws.freeze_panes == f"A{top + 2}"
    assert ws.auto_filter.ref.startswith(f"A{top + 1}:")
    assert ws.print_title_rows == f"${top + 1}:${top + 1}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9


def test_xlsx_text_is_never_a_formula(tmp_path, worklist_export):
    out = tmp_path / "w.xlsx"
    res = cli("explain", "late_dossiers_apologized", worklist_export, "--plan", PLAN,
              "--period", "2023-05", "--format", "xlsx", "-o", out)  # fmt: skip
    assert res.exit_code == 0, res.output
    ws = load_workbook(out).active
    _, heads, body = _sheet_rows(ws)
    cell = body[1][heads.index("Tên thủ tục")]  # W3's procedure
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix


def test_without_the_unit_column_there_is_none(tmp_path):
    path = write(tmp_path / "no-unit.csv", ROWS, unit=False)
    out = tmp_path / "w.xlsx"
    res = cli("explain", "dossiers_on_time", path, "--plan", PLAN, "--period", "2023-05",
              "--rows", "open-due", "--format", "xlsx", "-o", out)  # fmt: skip
    assert res.exit_code == 0, res.output
    _, heads, body = _sheet_rows(load_workbook(out).active)
    assert UNIT not in heads and heads[3] == "Tên thủ tục"
    assert [c[1].value for c in body] == ["W3", "W4", "W8", "W9"]


def test_xlsx_needs_a_file(worklist_export, tmp_path):
    res = cli("explain", "dossiers_on_time", worklist_export, "--plan", PLAN, "--format", "xlsx")
    assert res.exit_code == ExitCode.ERROR
    assert "xlsx cần -o" in res.output and "viec-can-lam.xlsx" in res.output
    assert list(tmp_path.iterdir()) == [worklist_export]


def test_same_run_same_bytes(tmp_path, worklist_export):
    outs = [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    for out in outs:
        res = cli("explain", "dossiers_digitized", worklist_export, "--plan", PLAN,
                  "--period", "2023-05", "--format", "xlsx", "-o", out)  # fmt: skip
        assert res.exit_code == 0, res.output
    assert outs[0].read_bytes() == outs[1].read_bytes()
