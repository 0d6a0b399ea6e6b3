"""``check --format docx``: the Word appendix read back with python-docx says what the JSON of the
same run says, once its Vietnamese numbers (``2.732/2.811``, ``97,19%``) are parsed back."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn

from cchc_cli.errors import ExitCode
from conftest import ACTUALS_REL, SAMPLE_REL, VERDICT, cli

pytestmark = pytest.mark.usefixtures("at_root")
invoke = cli


def number(text: str, lang: str) -> Decimal:
    """``2.732`` / ``97,19`` (vi) or ``2,732`` / ``97.19`` (en) as a number."""
    group, point = (".", ",") if lang == "vi" else (",", ".")
    assert re.fullmatch(rf"\d{{1,3}}(\{group}\d{{3}})*(\{point}\d+)?", text), text
    return Decimal(text.replace(group, "").replace(point, "."))


def shown(text: str, lang: str) -> tuple[Decimal | None, int]:
    """A value cell: the number and how many decimals it shows (``–``: no figure)."""
    if text == "–":
        return None, 0
    digits = text.removesuffix("%")
    point = "," if lang == "vi" else "."
    return number(digits, lang), len(digits.partition(point)[2])


def num_den(text: str, lang: str):
    if text == "–":
        return None, None
    num, _, den = text.partition("/")
    return number(num, lang), (number(den, lang) if den else None)


def assert_same_figures(row: list[str], ind: dict, lang: str, cols: dict[str, int]) -> None:
    num, den = num_den(row[cols["num_den"]], lang)
    assert num == (None if ind["numerator"] is None else Decimal(str(ind["numerator"])))
    if den is not None or ind["measure"] != "count":
        assert den == (None if ind["denominator"] is None else Decimal(str(ind["denominator"])))
    value, places = shown(row[cols["value"]], lang)
    if ind["value"] is None:
        assert value is None
    else:  # the JSON's exact figure, rounded to the decimals shown (two at least for rates)
        assert places >= (2 if ind["measure"] != "count" else 0)
        assert value == round(Decimal(repr(ind["value"])), places), ind["id"]
        assert row[cols["value"]].endswith("%") == (ind["measure"] == "ratio")
    assert row[cols["status"]] == VERDICT[lang][ind["status"]]


def docx_of(tmp_path, *args, name="phu-luc.docx"):
    out = tmp_path / name
    res = invoke("check", *args, "--format", "docx", "-o", out)
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return out


def cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


MAIN = {"vi": ["STT", "Mục", "Nội dung chỉ tiêu", "Mục tiêu", "Tử số/Mẫu số", "Giá trị",
               "Kết quả", "Dư địa", "Nguồn số liệu"],
        "en": ["No.", "Section", "Indicator", "Target", "Num/Den", "Value", "Verdict",
               "Headroom", "Source"]}  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "extra"),
    [("vi", ("--actuals", ACTUALS_REL)), ("en", ("--actuals", ACTUALS_REL)), ("vi", ())],
    ids=["vi-actuals", "en-actuals", "vi-no-actuals"],
)
def test_every_figure_equals_the_json(tmp_path, lang, extra):
    res = invoke("check", SAMPLE_REL, *extra, "--lang", lang, "--format", "json")
    doc = json.loads(res.stdout)
    word = Document(docx_of(tmp_path, SAMPLE_REL, *extra, "--lang", lang))
    rows = cells(word.tables[0])
    assert rows[0] == MAIN[lang]
    cols = {"num_den": 4, "value": 5, "status": 6}
    assert len(rows) - 1 == len(doc["indicators"])
    for n, (row, ind) in enumerate(zip(rows[1:], doc["indicators"], strict=True), start=1):
        assert row[0] == str(n) and row[1] == ind["section"]
        assert_same_figures(row, ind, lang, cols)


def test_vietnamese_numbers_as_the_terminal_table_writes_them(tmp_path):
    word = Document(docx_of(tmp_path, SAMPLE_REL))
    row = next(
        r
        for r in cells(word.tables[0])
        if r[2] == "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%"
    )
    # 2732/2811 = 97.1896…% (README), < 98%
    assert row[3:7] == ["≥ 98%", "2.732/2.811", "97,19%", "KHÔNG ĐẠT"]
    assert row[7] == "cần thêm 1.139 hồ sơ đúng hạn"  # (2732 + g) / (2811 + g) ≥ 0.98 ⇔ g ≥ 1139
    paragraphs = [p.text for p in word.paragraphs]
    assert "Kỳ báo cáo: 01/01/2023 – 31/12/2023" in paragraphs
    assert "Kế hoạch Cải cách hành chính Sở Ngoại vụ năm 2023" in paragraphs


def test_the_by_month_table_equals_check_by_month(tmp_path):
    args = (SAMPLE_REL, "--period", "2023-Q2", "--by", "month")
    doc = json.loads(invoke("check", *args, "--format", "json").stdout)
    word = Document(docx_of(tmp_path, *args))
    assert len(word.tables) == 2
    rows = cells(word.tables[1])
    assert rows[0] == ["Nội dung chỉ tiêu", "Tháng", "Tử số/Mẫu số", "Giá trị", "Kết quả"]
    groups = doc["breakdown"]["groups"]
    measure = {i["id"]: i["measure"] for i in doc["indicators"]}
    title = {i["id"]: i["title"] for i in doc["indicators"]}
    expected = [(g["group"], g["indicators"][k]) for k in range(7) for g in groups]
    assert len(rows) - 1 == len(expected) == 21
    for n, (row, (month, ind)) in enumerate(zip(rows[1:], expected, strict=True)):
        assert row[0] == (title[ind["id"]] if n % 3 == 0 else "")  # the title atop its months
        assert row[1] == month
        assert_same_figures(row, {**ind, "measure": measure[ind["id"]]}, "vi", {
            "num_den": 2, "value": 3, "status": 4})  # fmt: skip


def test_landscape_a4_repeated_header_fixed_properties(tmp_path):
    a = docx_of(tmp_path, SAMPLE_REL, "--by", "month", name="a.docx")
    word = Document(a)
    section = word.sections[0]
    assert section.orientation == 1  # WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    for table in word.tables:
        first, second = table.rows[0]._tr, table.rows[1]._tr
        assert first.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
        assert second.trPr.find(qn("w:tblHeader")) is None
    props = word.core_properties
    fixed = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
    assert props.created == props.modified == props.last_printed == fixed
    assert props.author == "cchc"
    b = docx_of(tmp_path, SAMPLE_REL, "--by", "month", name="b.docx")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_control_characters_do_not_break_the_document(tmp_path, export):
    rows = [dict(field="Lãnh sự\x07", recv="02/05/2023", due="10/05/2023")]
    path = export(rows)
    word = Document(docx_of(tmp_path, path, "--period", "2023-05", "--by", "field"))
    assert "Lãnh sự\\u0007" in [r[1] for r in cells(word.tables[1])]
