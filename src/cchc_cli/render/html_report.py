"""``check --format html``: the CCHC report as one self-contained page staff attach to an e-mail.

The page holds the verdict table (with the headroom), a chart per dossier indicator of its value
month by month against the target line, Biểu số 06 over the same period, and the worklists —
the dossiers to act on before the cut-off (:data:`WORKLISTS`). Everything is inline: the style
sheet (``html_report.css`` beside this file) and the charts, drawn by matplotlib as SVG with text
kept as text. A Content-Security-Policy meta tag forbids every fetch but ``data:`` images, so the
page opens the same from a mail attachment on an office PC with no network. Every text from the
plan or the files is HTML-escaped; the same run gives the same bytes (no clock time; fixed SVG
ids from ``svg.hashsalt``, no SVG date).

Figures are also written as ``data-`` attributes (``data-numerator``, ``data-value``… as the JSON
writes them), so a test reads them from the page and compares them with ``--format json``.
"""

from __future__ import annotations

import html
import io
import json
import re
from importlib import resources

from ..errors import Msg
from ..explain import of_run
from ..text import nfc
from . import (
    STATUS_TEXT,
    change_text,
    field_header,
    fmt_int,
    fmt_target,
    fmt_value,
    number_json,
    reason_text,
)
from .appendix import (
    context_lines,
    file_lines,
    head,
    headroom_cell,
    notes_text,
    period_line,
    source_text,
    summary_line,
)
from .explain import result_line, row_cell, row_columns, rows_title
from .office import xml_text
from .report import (
    FORM_NAME,
    LEGAL,
    SHORT,
    STT,
    TITLE,
    UNIT,
    form_body,
    identity_warnings,
)
from .report import notes as form_notes

# The dossiers to act on before the cut-off: (indicator id, explain's --rows kind). Ids the plan
# lacks are skipped. Late dossiers without an apology letter; dossiers or results without the
# digitisation / electronic-result flag; open dossiers due by the period's end (they count late
# unless resolved by their due date).
WORKLISTS = (
    ("late_dossiers_apologized", "failing"),
    ("dossiers_digitized", "failing"),
    ("results_electronic", "failing"),
    ("results_digitized", "failing"),
    ("dossiers_on_time", "open-due"),
)
# Rows shown per worklist; the xlsx of ``cchc explain`` has them all.
WORKLIST_LIMIT = 200
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

TEXT = {
    "title": Msg("Báo cáo kết quả thực hiện kế hoạch cải cách hành chính", "CCHC plan report"),
    "verdicts": Msg("1. Kết quả các chỉ tiêu", "1. Results against the targets"),
    "charts": Msg("2. Chỉ tiêu tính từ hồ sơ, theo tháng", "2. Dossier indicators month by month"),
    "charts_note": Msg(
        "Mỗi tháng là một kỳ riêng; đường nét đứt là mục tiêu. Tháng không có hồ sơ nào thuộc "
        "mẫu số không có điểm.",
        "Each month is a period of its own; the dashed line is the target. A month with nothing "
        "in the denominator has no point.",
    ),
    "form": Msg("3. Biểu số 06/VPCP/KSTT (tóm tắt)", "3. Form 06/VPCP/KSTT (summary)"),
    "worklists": Msg(
        "4. Hồ sơ cần xử lý trước khi chốt số liệu", "4. Dossiers to act on before the cut-off"
    ),
    "notes": Msg("Ghi chú", "Notes"),
    "none": Msg("Không có hồ sơ nào.", "No dossiers."),
    "target": Msg("Mục tiêu", "Target"),
    "value": Msg("Giá trị", "Value"),
    "month": Msg("Tháng", "Month"),
}


def _t(key: str, lang: str) -> str:
    return TEXT[key].get(lang)


def esc(value) -> str:
    """Text from the plan or a file, safe in HTML text and attributes; characters HTML cannot
    show (control characters) escaped as messages show them (``\\u0007``)."""
    return html.escape(xml_text(nfc(str(value))), quote=True)


def _data(value) -> str:
    """A ``data-`` attribute value: the number as the JSON writes it (``null`` when none)."""
    return esc(json.dumps(value))


def worklist_rows(plan) -> tuple[tuple[str, str], ...]:
    """The rows the page lists (``Request.rows``): each worklist of the plan's indicators."""
    ids = {i.id for i in plan.indicators if i.source == "dossiers"}
    return tuple((ident, kind) for ident, kind in WORKLISTS if ident in ids)


def report_parts(run) -> dict:
    """What the page needs besides the result: Biểu 06 over the same period and the worklists
    (keyword arguments of :func:`render_check_html`), from a run that asked for them
    (``form`` and :func:`worklist_rows`)."""
    worklists = tuple(of_run(run, ident, kind) for ident, kind in worklist_rows(run.plan))
    return {"form": run.form, "worklists": worklists}


# -- pieces ---------------------------------------------------------------------------------------


def _verdict_table(result, lang: str) -> list[str]:
    """One row per indicator; with ``--compare``, its change since the earlier run beside the
    verdict (as in the xlsx appendix)."""
    comparison = getattr(result, "comparison", None)
    compared = comparison is not None
    out = [
        '<table class="verdicts"><thead><tr>',
        *(
            f"<th>{esc(head(k, lang))}</th>"
            for k in ("no", "section", "title", "target", "num_den", "value", "status")
        ),
        *([f"<th>{esc(head('change', lang))}</th>"] if compared else []),
        f"<th>{esc(head('headroom', lang))}</th><th>{esc(head('source', lang))}</th>",
        "</tr></thead><tbody>",
    ]
    for n, r in enumerate(result.indicators, start=1):
        ind = r.indicator
        value = None if r.value is None else float(r.value)
        attrs = (
            f'data-indicator="{esc(ind.id)}" data-status="{esc(r.status)}" '
            f'data-numerator="{_data(number_json(r.numerator))}" '
            f'data-denominator="{_data(number_json(r.denominator))}" '
            f'data-value="{_data(value)}"'
        )
        num_den = (
            f"{fmt_int(r.numerator, lang)}/{fmt_int(r.denominator, lang)}"
            if r.denominator is not None
            else "–"
        )
        out.append(
            f'<tr class="indicator" {attrs}><td class="num">{n}</td>'
            f'<td class="c">{esc(ind.section)}</td>'
            f'<td>{esc(ind.title_in(lang))}<span class="id">{esc(ind.id)}</span></td>'
            f'<td class="c">{esc(fmt_target(r, lang))}</td>'
            f'<td class="num num-den">{esc(num_den)}</td>'
            f'<td class="num value">{esc(fmt_value(r, lang))}</td>'
            f'<td class="status {esc(r.status)}">{esc(STATUS_TEXT[r.status].get(lang))}</td>'
            + (f'<td class="change">{esc(change_text(comparison, r, lang))}</td>' if compared else "")
            + f"<td>{esc(headroom_cell(r, lang))}</td>"
            f'<td class="small">{esc(source_text(r, lang))}</td></tr>'
        )
    out.append("</tbody></table>")
    header = field_header(result)
    notes = [
        f"{r.indicator.id}: {text}"
        for r in result.indicators
        if (text := notes_text(r, header, lang))
    ]
    if notes:
        out.append(f"<p><b>{esc(_t('notes', lang))}:</b></p>")
        out.append('<ul class="notes">' + "".join(f"<li>{esc(x)}</li>" for x in notes) + "</ul>")
    return out


def _month_label(group, lang: str) -> str:
    start = group.period[0]
    if lang == "vi":
        return f"T{start.month}/{start.year % 100:02d}"
    return f"{start:%b} {start.year % 100:02d}"


def chart_svg(ident: str, groups, index: int, target, lang: str) -> tuple[str, int]:
    """The SVG of one dossier indicator's monthly values (``groups[*].results[index]``) against
    its target, and the number of points drawn. matplotlib's SVG backend, text left as text
    (``svg.fonttype: none``), ids salted by the indicator (unique within the page, the same every
    run), no date in the metadata."""
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    values = [g.results[index].value for g in groups]
    ys = [float("nan") if v is None else float(v) for v in values]
    xs = list(range(len(groups)))
    rc = {"svg.fonttype": "none", "svg.hashsalt": f"cchc-{ident}", "font.size": 8}
    with mpl.rc_context(rc):
        fig = Figure(figsize=(6.4, 2.3))
        ax = fig.add_subplot()
        ax.plot(
            xs, ys, marker="o", markersize=4, color="#2f5496", linewidth=1.4, gid=f"points-{ident}"
        )
        if target.value is not None:
            label = f"{_t('target', lang)} {target.symbol} {fmt_percent(target.value, lang)}"
            ax.axhline(
                float(target.value),
                color="#c00000",
                linestyle="--",
                linewidth=1,
                label=label,
                gid=f"target-{ident}",
            )
            # above the plot, right: never over a point
            ax.legend(loc="lower right", bbox_to_anchor=(1, 1), fontsize=7, frameon=False)
        ax.set_xticks(xs, [_month_label(g, lang) for g in groups])
        ax.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_percent(v, lang)))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.subplots_adjust(left=0.1, right=0.985, top=0.88, bottom=0.12)  # no layout pass
        buf = io.StringIO()
        fig.savefig(
            buf,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # the XML declaration and DOCTYPE have no place inside HTML
    return _unique_ids(svg, ident), sum(v is not None for v in values)


_ID = re.compile(r'\sid="([^"]*)"')


def _unique_ids(svg: str, ident: str) -> str:
    """Drop the ids matplotlib numbers per figure (``figure_1``, ``axes_1``…), which would repeat
    from one chart to the next; the ids referenced (markers, clip paths: salted, so unique) and
    this chart's own (``points-…``, ``target-…``) stay."""
    keep = set(re.findall(r"#([^\s\")]+)", svg)) | {f"points-{ident}", f"target-{ident}"}
    return _ID.sub(lambda m: m.group(0) if m.group(1) in keep else "", svg)


def fmt_percent(v, lang: str) -> str:
    text = f"{float(v):.6g}"
    return (text.replace(".", ",") if lang == "vi" else text) + "%"


def _charts(result, months, lang: str) -> list[str]:
    if months is None:
        return []
    _, groups = months
    if not groups:
        return []
    out = [f'<p class="small">{esc(_t("charts_note", lang))}</p>']
    out.append('<div class="charts">')
    for k, r in enumerate(groups[0].results):
        ind = r.indicator
        if ind.measure != "ratio":
            continue
        svg, points = chart_svg(ind.id, groups, k, ind.target, lang)
        whole = next(x for x in result.indicators if x.indicator.id == ind.id)
        out.append(
            f'<figure class="chart" data-indicator="{esc(ind.id)}" data-points="{points}" '
            f'data-months="{len(groups)}">'
            f"<figcaption>{esc(ind.title_in(lang))} "
            f'<span class="small">— {esc(ind.id)}; {esc(_t("target", lang).lower())} '
            f"{esc(fmt_target(whole, lang))}; {esc(_t('value', lang).lower())} "
            f"{esc(fmt_value(whole, lang))} ({esc(STATUS_TEXT[whole.status].get(lang))})"
            f"</span></figcaption>{svg}</figure>"
        )
    out.append("</div>")
    return out


def _form(form, lang: str) -> list[str]:
    from ..report import ALL_KEYS, COLUMN_LABEL
    from .report import group_head

    out = [
        f"<p><b>{esc(FORM_NAME.get(lang))}</b> {esc(LEGAL.get(lang))} — {esc(TITLE.get(lang))}</p>",
        f'<p class="small">{esc(UNIT.get(lang))}</p>',
        '<table class="form06"><thead><tr>',
        f"<th>{esc(STT.get(lang))}</th><th>{esc(group_head(form, lang))}</th>",
        *(f"<th>{esc(COLUMN_LABEL[k])}<br>{esc(SHORT[k].get(lang))}</th>" for k in ALL_KEYS),
        "</tr></thead><tbody>",
    ]
    for stt, name, values, is_total in form_body(form, lang):
        cells = "".join(
            f'<td class="num" data-col="{k}" data-count="{_data(v)}">'
            f"{esc('—' if v is None else fmt_int(v, lang))}</td>"
            for k, v in zip(ALL_KEYS, values, strict=True)
        )
        cls = ' class="total"' if is_total else ""
        out.append(f'<tr{cls}><td class="num">{esc(stt)}</td><td>{esc(name)}</td>{cells}</tr>')
    out.append("</tbody></table>")
    warnings = identity_warnings(form, lang)
    out += [f'<p class="status fail">{esc(w)}</p>' for w in warnings]
    out.append('<ul class="notes">')
    out += [f"<li>{esc(n)}</li>" for n in form_notes(form, lang)]
    out.append("</ul>")
    return out


def _worklist(expl, lang: str, command: str) -> list[str]:
    ind, rows = expl.indicator, expl.rows
    n = len(rows)
    out = [
        f'<h3 data-worklist="{esc(ind.id)}" data-kind="{esc(expl.rows_kind)}" data-total="{n}">'
        f"{esc(ind.title_in(lang))} — {esc(rows_title(expl.rows_kind, lang))}: "
        f"{esc(fmt_int(n, lang))}</h3>",
        f'<p class="small">{esc(ind.id)} · {esc(result_line(expl, lang))}</p>',
    ]
    if n == 0:  # none, or none known: the export lacks a column the rule reads
        r = expl.result
        why = _t("none", lang)
        if r.status == "no_data" and r.reason:
            why = reason_text(r.reason, lang) + (f": {r.reason_detail}" if r.reason_detail else "")
        return [*out, f'<p class="empty">{esc(why)}</p>']
    columns = row_columns(expl, lang)
    out.append(f'<table class="worklist" data-worklist="{esc(ind.id)}"><thead><tr>')
    out += [f"<th>{esc(heading)}</th>" for _, heading in columns]
    out.append("</tr></thead><tbody>")
    for row in rows.rows(0, WORKLIST_LIMIT):
        cells = []
        for key, _ in columns:
            value = row_cell(row, key, lang)
            cls = ' class="num"' if key in ("line", "days_late") else ""
            cells.append(f"<td{cls}>{esc('' if value is None else value)}</td>")
        out.append(
            f'<tr data-dossier="{esc(row["dossier_id"])}" data-line="{row["line"]}">'
            + "".join(cells)
            + "</tr>"
        )
    out.append("</tbody></table>")
    more = n - WORKLIST_LIMIT
    if more > 0:
        cmd = f"{command} {ind.id} … --rows {expl.rows_kind} --format xlsx -o viec-can-lam.xlsx"
        out.append(
            '<p class="more">'
            + esc(
                f"… và {fmt_int(more, lang)} hồ sơ nữa — danh sách đủ: {cmd}"
                if lang == "vi"
                else f"… and {fmt_int(more, lang)} more — the full list: {cmd}"
            )
            + "</p>"
        )
    return out


# -- the page -------------------------------------------------------------------------------------


def render_check_html(
    result, lang: str = "vi", *, months=None, form=None, worklists=(), **_
) -> str:
    """The whole page. ``months``: ``("month", groups)`` of :func:`cchc_cli.engine.breakdown`;
    ``form`` and ``worklists``: :func:`report_parts`."""
    plan = result.plan
    css = resources.files(__package__).joinpath("html_report.css").read_text(encoding="utf-8")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "vi"}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(plan.title)} — {esc(period_line(result, lang))}</title>",
        f"<style>\n{css}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{esc(_t('title', lang))}</h1>",
        f'<p class="meta"><b>{esc(plan.title)}</b></p>',
    ]
    if plan.agency:
        out.append(f'<p class="meta">{esc(plan.agency)}</p>')
    out.append(f'<p class="meta period">{esc(period_line(result, lang))}</p>')
    out += [f'<p class="files">{esc(line)}</p>' for line in file_lines(result, lang)]
    out += [f'<p class="context">{esc(line)}</p>' for line in context_lines(result, lang)]
    out.append(f'<p class="summary">{esc(summary_line(result, lang))}</p>')
    out.append("</header>")
    out += ['<section class="verdicts">', f"<h2>{esc(_t('verdicts', lang))}</h2>"]
    out += _verdict_table(result, lang)
    out.append("</section>")
    charts = _charts(result, months, lang)
    if charts:
        out += ['<section class="monthly">', f"<h2>{esc(_t('charts', lang))}</h2>", *charts]
        out.append("</section>")
    if form is not None:
        out += ['<section class="form">', f"<h2>{esc(_t('form', lang))}</h2>", *_form(form, lang)]
        out.append("</section>")
    if worklists:
        out += ['<section class="worklists">', f"<h2>{esc(_t('worklists', lang))}</h2>"]
        for expl in worklists:
            out += _worklist(expl, lang, "cchc explain")
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
