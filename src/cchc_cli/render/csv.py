"""One CSV row per indicator, safe to open in Excel (UTF-8 BOM, formula cells neutralised)."""

from __future__ import annotations

import csv
import io

from . import STATUS_TEXT, number_json, reason_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Excel would run ``=…`` as a formula (CSV injection): prefix such text with a quote."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(header: list[str], rows, bom: bool = True) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return ("\ufeff" if bom else "") + buf.getvalue()


def render_csv(result, lang: str = "vi", breakdown=None) -> str:
    """One row per indicator; with a breakdown, one row per indicator and group."""
    if breakdown is not None:
        by, groups = breakdown
        header = [
            by,
            "start",
            "end",
            "id",
            "status",
            "value",
            "numerator",
            "denominator",
            "left_out",
            "reason",
        ]
        rows = [
            [
                g.key or "",
                g.period[0].isoformat(),
                g.period[1].isoformat(),
                r.indicator.id,
                r.status,
                None if r.value is None else repr(float(r.value)),
                number_json(r.numerator),
                number_json(r.denominator),
                r.left_out,
                r.reason,
            ]
            for g in groups
            for r in g.results
        ]
        return write_csv(header, rows)
    header = [
        "id",
        "section",
        "title",
        "status",
        "status_text",
        "value",
        "numerator",
        "denominator",
        "target_op",
        "target_value",
        "target_unit",
        "left_out",
        "reason",
        "reason_text",
    ]
    rows = []
    for r in result.indicators:
        t = r.indicator.target.as_json()
        rows.append(
            [
                r.indicator.id,
                r.indicator.section,
                r.indicator.title_in(lang),
                r.status,
                STATUS_TEXT[r.status].get(lang),
                None if r.value is None else repr(float(r.value)),
                number_json(r.numerator),
                number_json(r.denominator),
                t["op"],
                t["value"] if t["value"] is not None else "baseline",
                t["unit"],
                r.left_out,
                r.reason,
                reason_text(r.reason, lang) if r.reason else "",
            ]
        )
    return write_csv(header, rows)
