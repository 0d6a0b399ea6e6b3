"""Layout rows (column numbers, group and total rows, repeated headers) and the grid readers."""

from __future__ import annotations

import pytest

from cchc_cli import load_plan
from cchc_cli.io.html import read_html
from cchc_cli.io.layout import COLUMN_NUMBERS, GROUP, REPEATED_HEADER, TOTAL, layout_kind
from cchc_cli.io.staged import ABSENT
from cchc_cli.io.table import read_table
from conftest import ROOT
from oracle.records import read_records


def encode_cp1258(text: str) -> bytes:
    import importlib.util

    spec = importlib.util.spec_from_file_location("mf", ROOT / "scripts" / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.encode_cp1258(text)


H = ["STT", "Mã hồ sơ", "Ngày tiếp nhận", "Hình thức nộp"]


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (["(1)", "(2)", "(3)", "(4)"], COLUMN_NUMBERS),
        (["1", "2", "3", "4"], COLUMN_NUMBERS),
        (["", "(2)", "(3)", "(4)"], COLUMN_NUMBERS),  # STT not numbered
        (["1", "3", "4", ""], None),  # not consecutive: a dossier numbered 1 with id 3?
        (["1", "2", "", ""], None),  # two cells only: a (bad) dossier row, reported
        (["STT", "Mã hồ sơ", "Ngày tiếp nhận", "Hình thức nộp"], REPEATED_HEADER),
        (["stt", "MA HO SO", "", ""], REPEATED_HEADER),  # folded, half the header
        (["STT", "", "", ""], GROUP),  # one header word alone is not the header repeated
        (["Tổng cộng", "", "12", ""], TOTAL),
        (["Cộng:", "", "", "3"], TOTAL),
        (["Sở Ngoại vụ ( 37 )", "", "", ""], GROUP),
        (["", "", "Trung tâm ( 5 )", ""], GROUP),
        (["H1", ABSENT, ABSENT, ABSENT], None),  # a CSV row cut off: reported, not set aside
        (["1", "H19-1", "03/04/2023", "Trực tuyến"], None),
        (["Công chứng", "H2", "03/04/2023", ""], None),  # a word starting like "Cộng"
    ],
)
def test_layout_kind(cells, kind):
    assert layout_kind(cells, H) == kind


def test_a_filled_key_cell_makes_a_dossier_whatever_else():
    """With the id and date columns known, 'Cộng' in the first cell is a procedure's name and a
    lone id is a dossier; a column number or a total's count in a key column is not a value."""
    keys = [1, 2]  # Mã hồ sơ, Ngày tiếp nhận
    assert layout_kind(["Cộng", "H1", "03/04/2023", ""], H, key_at=keys) is None
    assert layout_kind(["", "H1", "", ""], H, key_at=keys) is None
    assert layout_kind(["Tổng cộng", "", "12", ""], H, key_at=keys) == TOTAL
    assert layout_kind(["(1)", "(2)", "(3)", "(4)"], H, key_at=keys) == COLUMN_NUMBERS
    assert layout_kind(["Sở Ngoại vụ ( 3 )", "", "", ""], H, key_at=keys) == GROUP


def _plan():
    return load_plan(ROOT / "plan2023.yaml")


def test_csv_layout_rows_are_set_aside_with_their_lines(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text(
        "STT,Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp\n"  # 1
        "(1),(2),(3),(4)\n"  # 2 column numbers
        "Phòng Lãnh sự ( 2 ),,,\n"  # 3 group
        "1,H1,03/04/2023,Trực tuyến\n"  # 4
        "2,H2,04/04/2023,Trực tiếp\n"  # 5
        "STT,Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp\n"  # 6 header again (page break)
        "Tổng cộng,,2,\n",  # 7 total
        encoding="utf-8",
    )
    rec = read_records(p, _plan())
    assert rec.n_rows == 2 and rec.lines.tolist() == [4, 5]
    assert rec.layout == ((2, COLUMN_NUMBERS), (3, GROUP), (6, REPEATED_HEADER), (7, TOTAL))
    assert len(rec.problems) == 0


def test_spaces_only_cells_are_empty(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp\nH1,03/04/2023, \n", encoding="utf-8")
    t = read_table(p, lambda cells: sum(bool(c) for c in cells))
    assert t.data.values.tolist() == [["H1", "03/04/2023", ""]]


def _html(body: str) -> str:
    return f"<html><body><table>{body}</table></body></html>"


def test_html_spans_become_merged_cells():
    g = read_html(
        _html(
            '<tr><td colspan="3">Tiêu đề</td></tr>'
            '<tr><td rowspan="2">A</td><td>B</td><td>C</td></tr>'
            "<tr><td>D</td><td>E</td></tr>"
            "<tr><td>F<br>G</td><td>&nbsp;</td><td>  H \n I </td></tr>"
        )
    )
    assert list(g.iter_rows()) == [
        ("Tiêu đề",),  # a row ends at its last value: merged empty cells after it are not cells
        ("A", "B", "C"),
        (None, "D", "E"),
        ("F G", None, "H I"),  # &nbsp; alone: a cell of only spaces is empty
    ]


def test_html_tables_follow_each_other_and_nested_ones_stay_in_their_cell():
    g = read_html(
        "<html><body><table><tr><td>x<table><tr><td>inner</td></tr></table></td></tr></table>"
        "<table><tr><td>y</td></tr></table></body></html>"
    )
    assert list(g.iter_rows()) == [("x inner",), ("y",)]  # a nested table is a block: a space


def test_html_declared_cp1258_is_decoded(tmp_path):
    text = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        "</head><body><table><tr><td>Mã hồ sơ</td><td>Ngày tiếp nhận</td><td>Hình thức nộp</td>"
        "</tr><tr><td>H1</td><td>03/04/2023</td><td>Trực tuyến</td></tr></table></body></html>"
    )
    p = tmp_path / "x.xls"
    p.write_bytes(encode_cp1258(text))
    rec = read_records(p, _plan())
    assert rec.encoding == "cp1258" and rec.format == "html"
    assert rec.columns["channel"].raw.tolist() == ["Trực tuyến"]


def _xls(tmp_path, sheets):
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows, hidden in sheets:
        ws = wb.add_sheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                ws.write(r, c, v)
        if hidden:
            ws.visibility = 1
    p = tmp_path / "x.xls"
    wb.save(str(p))
    return p


def test_xls_first_visible_sheet_is_read_and_real_dates_are_dates(tmp_path):
    import datetime as dt

    import xlwt

    stale = [["Mã hồ sơ", "Ngày tiếp nhận", "Hình thức nộp"], ["OLD", "01/01/2020", "1"]]
    fmt = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    p = tmp_path / "x.xls"
    wb = xlwt.Workbook(encoding="utf-8")  # a hidden, stale first sheet; a real date cell
    old = wb.add_sheet("cu")
    for r, row in enumerate(stale):
        for c, v in enumerate(row):
            old.write(r, c, v)
    old.visibility = 1
    new = wb.add_sheet("moi")
    for c, v in enumerate(stale[0]):
        new.write(0, c, v)
    new.write(1, 0, "H1")
    new.write(1, 1, dt.datetime(2023, 4, 3, 8, 30), fmt)
    new.write(1, 2, "Trực tuyến")
    wb.save(str(p))
    rec = read_records(p, _plan())
    assert rec.sheet == "moi" and rec.format == "xls"
    assert rec.columns["dossier_id"].raw.tolist() == ["H1"]
    assert str(rec.columns["received_at"].values[0]) == "2023-04-03"


def test_broken_xls_is_a_clear_error(tmp_path):
    from cchc_cli.errors import CchcError

    p = tmp_path / "x.xls"
    good = _xls(tmp_path, [("a", [["Mã hồ sơ", "Ngày tiếp nhận"], ["H1", "03/04/2023"]], False)])
    p.write_bytes(good.read_bytes()[:1500])
    with pytest.raises(CchcError) as info:
        read_records(p, _plan())
    assert "damaged" in info.value.message.en and "bị hỏng" in info.value.message.vi


def test_a_dossier_is_never_set_aside_whatever_its_first_cells_say(tmp_path):
    """A row that fills the id or the received date is a dossier: a procedure called 'Cộng',
    a lone id, small numbers in STT/id are reported if wrong, never hidden as layout."""
    p = tmp_path / "x.csv"
    p.write_text(
        "STT,Tên thủ tục,Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp,Đơn vị,Trạng thái,Ghi chú\n"  # 1
        "1,Cộng,H1,03/04/2023,Trực tuyến,,,\n"  # 2 a procedure named like a total
        "2,Tổng,H2,04/04/2023,Trực tiếp,,,\n"  # 3
        "3,Total,H3,05/04/2023,Trực tiếp,,,\n"  # 4
        ",,H4,,,,,\n"  # 5 only the id: a dossier missing its date (reported)
        "5,6,7,,,,,\n"  # 6 small numbers in 3 of 8 columns: not a column-number row
        "Tổng cộng,,,4,,,,\n",  # 7 the real total row
        encoding="utf-8",
    )
    rec = read_records(p, _plan())
    assert rec.lines.tolist() == [2, 3, 4, 5, 6]
    assert rec.layout == ((7, TOTAL),)
    bad = set(zip(rec.problems["line"], rec.problems["reason"], strict=True))
    assert (5, "missing_value") in bad and (6, "missing_value") in bad
