"""``check --format html``: one self-contained page — no fetch of any kind, every text escaped,
the same bytes every run — whose figures, charts, Biểu 06 and worklists equal the JSON of the same
run (``check``, ``check --by month``, ``report``, ``explain``). Read here as HTML; the browser test
(tests/test_browser.py) opens it in Chromium."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from cchc_cli.errors import ExitCode
from conftest import ACTUALS, HEADERS, PLAN, SAMPLE, VERDICT, cli
from test_worklist import EXPECTED, ROWS, write

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def html_of(tmp_path, *args, name="bao-cao.html") -> str:
    out = tmp_path / name
    res = cli("check", *args, "--format", "html", "-o", out)
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return out.read_text(encoding="utf-8")


def json_of(command, *args) -> dict:
    res = cli(command, *args, "--format", "json")
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory):
    args = (SAMPLE, "--actuals", ACTUALS, "--period", "2023")
    return html_of(tmp_path_factory.mktemp("html"), *args), json_of("check", *args), args


def test_page_is_self_contained(sample_page):
    text, _, _ = sample_page
    doc = lxml.html.fromstring(text)
    (csp,) = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert csp == CSP
    assert not doc.xpath("//script | //link | //img | //iframe | //object | //embed")
    # the only URLs are XML namespace names; references are to ids inside the page
    urls = set(re.findall(r"https?://[^\"'\s<>)]+", text))
    assert urls == {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert re.findall(r"url\((?!#)", text) == []
    assert all(h.startswith("#") for h in doc.xpath("//@href | //@*[local-name()='href']"))
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "every id (SVG markers and clip paths) is unique"
    assert "<?xml" not in text and "<!DOCTYPE svg" not in text
    assert "@media print" in text and "size: A4" in text


def test_figures_equal_the_json(sample_page):
    text, want, _ = sample_page
    doc = lxml.html.fromstring(text)
    rows = doc.xpath('//tr[@class="indicator"]')
    assert [r.get("data-indicator") for r in rows] == [i["id"] for i in want["indicators"]]
    for row, ind in zip(rows, want["indicators"], strict=True):
        for key in ("numerator", "denominator", "value"):
            assert json.loads(row.get(f"data-{key}")) == ind[key], (ind["id"], key)
        assert row.get("data-status") == ind["status"]
        (verdict,) = row.xpath('td[contains(@class, "status")]')
        assert verdict.text_content() == VERDICT["vi"][ind["status"]]
        if ind["denominator"] is not None:  # 2.732/2.811 with Vietnamese thousands dots
            shown = f"{ind['numerator']:,}/{ind['denominator']:,}".replace(",", ".")
            assert row.xpath('td[contains(@class, "num-den")]')[0].text_content() == shown
    summary = want["summary"]
    assert f"Tổng hợp: {summary['pass']} ĐẠT · {summary['fail']} KHÔNG ĐẠT" in text


def test_one_chart_per_dossier_indicator_month_by_month(sample_page):
    text, _, args = sample_page
    months = json_of("check", *args, "--by", "month")["breakdown"]["groups"]
    doc = lxml.html.fromstring(text)
    figures = doc.xpath('//figure[@class="chart"]')
    ids = [i["id"] for i in months[0]["indicators"]]
    assert [f.get("data-indicator") for f in figures] == ids
    for fig in figures:
        ident = fig.get("data-indicator")
        values = [next(i["value"] for i in g["indicators"] if i["id"] == ident) for g in months]
        points = fig.xpath(f'.//*[@id="points-{ident}"]//*[local-name()="use"]')
        assert len(points) == int(fig.get("data-points")) == sum(v is not None for v in values)
        assert len(fig.xpath(f'.//*[@id="target-{ident}"]')) == 1
        assert fig.xpath('.//*[local-name()="text"]'), "text stays text (svg.fonttype none)"


def test_form_06_is_report_over_the_same_period(sample_page):
    text, _, _ = sample_page
    form = json_of("report", SAMPLE, "--period", "2023")
    doc = lxml.html.fromstring(text)
    (total,) = doc.xpath('//table[@class="form06"]//tr[@class="total"]')
    got = {
        td.get("data-col"): json.loads(td.get("data-count")) for td in total.xpath("td[@data-col]")
    }
    want = {k: v for k, v in form["total"].items() if k in got}
    assert len(got) == 12 and got == want
    assert len(doc.xpath('//table[@class="form06"]/tbody/tr')) == len(form["rows"]) + 1


def test_worklists_are_the_explain_rows(tmp_path):
    path = write(tmp_path / "ho-so.csv", ROWS)
    text = html_of(tmp_path, path, "--plan", PLAN, "--period", "2023-05")
    doc = lxml.html.fromstring(text)
    lists = {h.get("data-worklist"): h for h in doc.xpath("//h3[@data-worklist]")}
    assert list(lists) == [
        "late_dossiers_apologized",
        "dossiers_digitized",
        "results_electronic",
        "results_digitized",
        "dossiers_on_time",
    ]
    for ident, head in lists.items():
        kind = head.get("data-kind")
        rows = doc.xpath(f'//table[@data-worklist="{ident}"]/tbody/tr')
        got = [(r.get("data-dossier"), int(r.get("data-line"))) for r in rows]
        want = [(d, line) for d, line, _ in EXPECTED.get((ident, kind), [])]
        assert got == want, ident
        assert int(head.get("data-total")) == len(want)
    # the late list shows the days late and the unit, as explain does
    row = doc.xpath('//table[@data-worklist="dossiers_on_time"]/tbody/tr')[-1]
    assert "33" in [td.text_content() for td in row] and "Phòng Hợp tác" in row.text_content()


def test_every_text_is_escaped(tmp_path):
    overlay = tmp_path / "plan.yaml"
    overlay.write_text(
        f"extends: {PLAN}\ntitle: \"<script>alert('x')</script> & Co\"\n", encoding="utf-8"
    )
    rows = [{**ROWS[0], "proc": "<img src=x onerror=alert(1)>", "unit": 'Phòng "A" & <B>'}]
    path = write(tmp_path / "ho-so.csv", rows)
    text = html_of(tmp_path, path, "--plan", overlay, "--period", "2023-05")
    assert "<script" not in text and "<img" not in text and "<B>" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "Phòng &quot;A&quot; &amp; &lt;B&gt;" in text


def test_same_run_same_bytes_and_english(tmp_path):
    path = write(tmp_path / "ho-so.csv", ROWS)
    a = html_of(tmp_path, path, "--plan", PLAN, "--period", "2023-05", name="a.html")
    b = html_of(tmp_path, path, "--plan", PLAN, "--period", "2023-05", name="b.html")
    assert a == b
    en = html_of(tmp_path, path, "--plan", PLAN, "--period", "2023-05", "--lang", "en")
    assert '<html lang="en">' in en and "Dossiers to act on before the cut-off" in en
    assert VERDICT["en"]["fail"] in en and "KHÔNG ĐẠT" not in en


def test_html_needs_a_file(tmp_path):
    path = write(tmp_path / "ho-so.csv", ROWS)
    res = cli("check", path, "--plan", PLAN, "--format", "html")
    assert res.exit_code == ExitCode.ERROR
    assert "html cần -o" in res.output and "bao-cao.html" in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ho-so.csv"]


def test_a_worklist_the_export_cannot_give_says_why(tmp_path):
    from conftest import write_export

    cols = [k for k in HEADERS if k != "apo"]  # no Phiếu xin lỗi column
    path = write_export(tmp_path / "ho-so.csv", ROWS, cols)
    doc = lxml.html.fromstring(html_of(tmp_path, path, "--plan", PLAN, "--period", "2023-05"))
    (head,) = doc.xpath('//h3[@data-worklist="late_dossiers_apologized"]')
    note = head.getnext().getnext()
    assert note.text_content() == "tệp thiếu cột: Phiếu xin lỗi (apology_issued)"
