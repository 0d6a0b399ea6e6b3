"""The HTML report in a real browser: Debian's Chromium, headless, driven by Playwright (its own
browser downloads are never used: ``executable_path`` is the system Chromium, which ``.ci/run``
installs when missing). The page must load with no console error and no request but the file
itself; the figures it shows must equal ``check --format json`` of the same run; every chart must
have rendered (a box of non-zero size, one marker per month with a figure, placed in the order of
the values); printing gives A4 pages. A screenshot is saved (``CCHC_SCREENSHOT=path`` also writes
the charts section there: how docs/bao-cao.png was made)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from cchc_cli.errors import ExitCode
from conftest import ACTUALS, SAMPLE, VERDICT, cli

CHROMIUM = next(
    (p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None
)
# CI installs Chromium (.ci/run): there the test must run, never be skipped
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Chromium not found (.ci/run installs it)"
)
ARGS = (SAMPLE, "--actuals", ACTUALS, "--period", "2023")


def _json(*args) -> dict:
    res = cli("check", *args, "--format", "json")
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "bao-cao.html"
    res = cli("check", *ARGS, "--format", "html", "-o", out)
    assert res.exit_code in (ExitCode.OK, ExitCode.FAIL), res.output
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "CI is set but Chromium is not installed (see .ci/run)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def test_page_in_chromium(browser, page_file, tmp_path):
    url = page_file.resolve().as_uri()
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    assert requests == [url], "no request but the page itself"
    assert problems == [], problems

    # the figures shown, from the data attributes and the cells, equal the JSON
    want = _json(*ARGS)
    shown = page.eval_on_selector_all(
        "tr.indicator",
        """rows => rows.map(r => ({id: r.dataset.indicator, status: r.dataset.status,
             numerator: JSON.parse(r.dataset.numerator), denominator: JSON.parse(r.dataset.denominator),
             value: JSON.parse(r.dataset.value),
             verdict: r.querySelector('td.status').innerText.trim(),
             numDen: r.querySelector('td.num-den').innerText.trim()}))""",
    )
    assert [s["id"] for s in shown] == [i["id"] for i in want["indicators"]]
    for s, i in zip(shown, want["indicators"], strict=True):
        assert (s["numerator"], s["denominator"], s["value"], s["status"]) == (
            i["numerator"],
            i["denominator"],
            i["value"],
            i["status"],
        ), i["id"]
        assert s["verdict"] == VERDICT["vi"][i["status"]]
        if i["denominator"] is not None:
            assert s["numDen"] == f"{i['numerator']:,}/{i['denominator']:,}".replace(",", ".")

    # every chart rendered: a real box, one marker per month that has a figure, in value order
    months = _json(*ARGS, "--by", "month")["breakdown"]["groups"]
    charts = page.eval_on_selector_all(
        "figure.chart",
        """figs => figs.map(f => {
             const svg = f.querySelector('svg'), box = svg.getBoundingClientRect();
             const pts = [...svg.querySelectorAll('[id="points-' + f.dataset.indicator + '"] use')];
             return {id: f.dataset.indicator, width: box.width, height: box.height,
                     points: pts.map(u => u.getBoundingClientRect()).map(b => [b.width, b.y])};
           })""",
    )
    assert [c["id"] for c in charts] == [i["id"] for i in months[0]["indicators"]]
    for c in charts:
        values = [
            v
            for g in months
            for i in g["indicators"]
            if i["id"] == c["id"] and (v := i["value"]) is not None
        ]
        assert c["width"] > 300 and c["height"] > 80, c
        assert len(c["points"]) == len(values), c["id"]
        assert all(w > 0 for w, _ in c["points"]), "every marker is drawn"
        ys = [y for _, y in c["points"]]
        for a in range(len(values)):  # a higher value is drawn higher up (smaller y)
            for b in range(len(values)):
                if values[a] > values[b] + 1e-9:
                    assert ys[a] < ys[b], (c["id"], a, b)

    page.screenshot(path=tmp_path / "bao-cao.png")
    assert (tmp_path / "bao-cao.png").stat().st_size > 10_000
    if os.environ.get("CCHC_SCREENSHOT"):
        page.locator("section.monthly").screenshot(path=os.environ["CCHC_SCREENSHOT"])

    # printable: A4 pages, each section starting on its own
    pdf = page.pdf(prefer_css_page_size=True)
    pages = pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page>")
    assert pages >= 4, pages
    page.close()
