"""One CSV row per indicator, safe to open in Excel (UTF-8 BOM, formula cells neutralised)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from . import STATUS_TEXT, group_name, number_json, reason_text

# In CSV the comparison is a word: a cell "=" or ">=" would be read by Excel as a formula.
OP_WORD = {">=": "ge", ">": "gt", "<=": "le", "<": "lt", "=": "eq"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A superset of the cells csv_cell changes: a formula start, or a character the csv module quotes
# (the delimiter, the quote, the line terminator's \r and \n).
_NEEDS_CARE = r'^[=+\-@\t\r]|[,"\r\n]'
_QUOTED = (",", '"', "\r", "\n")
_ARROW_FROM = 256  # longer columns are checked with Arrow, shorter ones cell by cell


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


def csv_cell(value) -> str:
    """One cell exactly as :func:`write_csv` writes it: made safe, then quoted the way the csv
    module quotes (``QUOTE_MINIMAL``, ``\\r\\n`` line ends: a cell holding a comma, a quote, CR
    or LF is wrapped in quotes, its quotes doubled)."""
    text = safe_cell(value)
    if any(c in text for c in _QUOTED):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_column(values: Sequence, arrow=None) -> list[str]:
    """:func:`csv_cell` of every value, fast: only the cells that need a change are touched.

    ``arrow``: the same values as an Arrow string array, if the caller has them. A long column of plain
    ``str`` is checked with one Arrow regex pass; anything else goes cell by cell.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    out = list(values)
    if arrow is None and len(out) >= _ARROW_FROM and all(type(v) is str for v in out):
        arrow = pa.array(out, type=pa.large_string())
    if arrow is None or len(out) < _ARROW_FROM or arrow.null_count:
        return [csv_cell(v) for v in out]
    if len(arrow) != len(out):
        raise ValueError("csv_column: the Arrow array does not match the values")
    hit = pc.indices_nonzero(pc.match_substring_regex(arrow, _NEEDS_CARE))  # no pandas import
    for i in hit.to_pylist():
        out[i] = csv_cell(out[i])
    return out


def csv_few(values: Sequence) -> list[str]:
    """:func:`csv_cell` of every value of a column with few distinct values (each done once)."""
    done: dict = {}
    return [done[v] if v in done else done.setdefault(v, csv_cell(v)) for v in values]


def csv_join(header: Sequence, columns: Sequence[list[str]], bom: bool = True) -> str:
    """The text :func:`write_csv` gives for ``header`` and the rows ``zip(*columns)``, when every
    cell of ``columns`` has already been through :func:`csv_cell` (or :func:`csv_column`).

    Joining the cells directly is several times faster than ``csv.writer`` on large tables.
    """
    head = [csv_cell(h) for h in header]
    if len(head) == 1 and head[0] == "":
        head = ['""']  # as csv.writer writes a row of one empty cell
    lines = [",".join(head)]
    if columns and len(columns[0]):
        if len(columns) == 1:
            lines.extend(c if c != "" else '""' for c in columns[0])
        else:
            lines.append("\r\n".join(map(",".join, zip(*columns, strict=True))))
    return ("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n"


def render_csv(result, lang: str = "vi", breakdown=None) -> str:
    """One row per indicator; with a breakdown, one row per indicator and group."""
    if breakdown is not None:
        by, groups = breakdown
        # the whole period first, with an empty group; a group with no value is named
        # "(không rõ đơn vị)"… and says group_empty true
        header = [
            by,
            "group_empty",
            "start",
            "end",
            "id",
            "status",
            "value",
            "numerator",
            "denominator",
            "left_out",
            "reason",
            "reason_detail",
        ]
        whole = [
            (
                "",
                False,
                result.period,
                [r for r in result.indicators if r.indicator.source == "dossiers"],
            )
        ]
        rows = [
            [
                key,
                "true" if empty else "false",
                span[0].isoformat(),
                span[1].isoformat(),
                r.indicator.id,
                r.status,
                None if r.value is None else repr(float(r.value)),
                number_json(r.numerator),
                number_json(r.denominator),
                r.left_out,
                r.reason,
                r.reason_detail,
            ]
            for key, empty, span, results in [
                *whole,
                *(
                    (group_name(g.key, lang, by), g.key is None, g.period, g.results)
                    for g in groups
                ),
            ]
            for r in results
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
    comparison = result.comparison
    if comparison is not None:  # --compare: the change since the earlier run, as numbers
        header += ["previous_value", "previous_status", "delta", "status_changed", "new"]
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
                OP_WORD[t["op"]],
                t["value"] if t["value"] is not None else "baseline",
                t["unit"],
                r.left_out,
                r.reason,
                reason_text(r.reason, lang) if r.reason else "",
                *(_change_cells(comparison.changes[r.indicator.id]) if comparison else ()),
            ]
        )
    return write_csv(header, rows)


def _change_cells(c) -> list:
    """A :class:`cchc_cli.compare.Change` as numbers and words (``delta`` at full precision,
    like ``value``; the table's ``+1,20 điểm %`` would start with a formula character)."""

    def num(v):
        return None if v is None else repr(float(v))

    return [
        num(c.previous_value),
        c.previous_status,
        num(c.delta),
        "true" if c.status_changed else "false",
        "true" if c.new else "false",
    ]
