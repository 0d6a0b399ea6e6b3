"""The documented, versioned JSON report (see README, "JSON")."""

from __future__ import annotations

import datetime as dt
import json

from .. import __version__
from . import number_json, period_json

SCHEMA_VERSION = 1


def _left_out(items) -> list[dict]:
    return [{"reason": lo.reason, "field": lo.field, "rows": lo.rows} for lo in items]


def _headroom(r) -> dict | None:
    from ..headroom import headroom_info

    info = headroom_info(r)
    return {"kind": info.kind, "count": info.k} if info else None


def bases_list(plan) -> list[dict]:
    """The files an overlay plan extends, nearest first (``[]`` for a whole plan)."""
    return [{"path": b.path, "sha256": b.sha256} for b in plan.bases]


def columns_chosen_list(i) -> list[dict]:
    """Fields several headers claimed: the column used, and the others with a cell showing why."""
    return [
        {
            "field": c.field,
            "header": c.header,
            "column": c.column,
            "kind": c.kind,
            "not_used": [{"header": h, "column": n, "example": v} for h, n, v in c.not_used],
        }
        for c in i.columns_chosen
    ]


def _file(i) -> dict:
    """What identifies a file read and how it was read: an export's or a register's."""
    return {
        "path": i.path,
        "sha256": i.sha256,
        "size": i.size,
        "format": i.format,
        "encoding": i.encoding,
        "delimiter": i.delimiter,
        "sheet": i.sheet,
        "header_line": i.header_line,
        "rows_read": i.rows_read,
        "rows_layout": len(i.layout),
        "layout_rows": [{"line": line, "kind": kind} for line, kind in i.layout],
    }


def input_dict(i) -> dict:
    """One input file: where it came from, its hash, and where every row went."""
    return {
        **_file(i),
        "rows_used": i.rows_used,
        "rows_out_of_period": i.rows_out_of_period,
        "rows_not_received": i.rows_not_received,
        "rows_left_out": i.rows_left_out,
        "rows_received_in_period": i.rows_received_in_period,
        "rows_resolved_in_period": i.rows_resolved_in_period,
        "left_out_by": _left_out(i.left_out_by),
        "blank_rows": i.blank_rows,
        "problems": i.problems,
        "due_dates_derived": i.due_dates_derived,
        "missing_columns": list(i.missing_columns),
        "last_received": i.last_received.isoformat() if i.last_received else None,
        "columns_chosen": columns_chosen_list(i),
    }


def register_input_dict(i) -> dict:
    """One register file read (``register``: which): its hash, and the rows its key set aside."""
    return {
        "register": i.register,
        **_file(i),
        "blank_rows": i.blank_rows,
        "rows_set_aside": i.rows_set_aside,
        "set_aside_by": _left_out(i.set_aside_by),
        "problems": i.problems,
        "missing_columns": list(i.missing_columns),
    }


def result_dict(result, generated_at: str | None = None) -> dict:
    plan = result.plan
    comparison = result.comparison
    changes = comparison.changes if comparison is not None else {}
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cchc", "version": __version__},
        "plan": {
            "id": plan.id,
            "title": plan.title,
            "path": plan.path,
            "sha256": plan.sha256,
            "bases": bases_list(plan),
        },
        "period": period_json(result.period),
        "inputs": [
            *(input_dict(i) for i in result.inputs),
            *(register_input_dict(i) for i in getattr(result, "registers", ())),
        ],
        "actuals": (
            {"path": result.actuals.path, "sha256": result.actuals.sha256}
            if result.actuals
            else None
        ),
        "summary": result.summary,
        "warnings": [w.as_json() for w in result.warnings],
        "compare": comparison.as_json() if comparison is not None else None,
        "indicators": [
            {
                "id": r.indicator.id,
                "section": r.indicator.section,
                "title": r.indicator.title,
                "source": r.indicator.source,
                "measure": r.indicator.measure,
                "status": r.status,
                "value": None if r.value is None else float(r.value),
                "numerator": number_json(r.numerator),
                "denominator": number_json(r.denominator),
                "baseline": number_json(r.baseline),
                "target": r.indicator.target.as_json(),
                "left_out": r.left_out,
                "left_out_by": _left_out(r.left_out_by),
                "reason": r.reason,
                "reason_detail": r.reason_detail,
                "evidence": r.evidence.as_json() if r.evidence else None,
                "headroom": _headroom(r),
                "compare": (
                    changes[r.indicator.id].as_json() if r.indicator.id in changes else None
                ),
            }
            for r in result.indicators
        ],
        "generated_at": generated_at
        or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def breakdown_dict(by: str, groups) -> dict:
    return {
        "by": by,
        "groups": [
            {
                "group": g.key,
                "group_empty": g.key is None,  # the rows with no value in the column
                "period": {"start": g.period[0].isoformat(), "end": g.period[1].isoformat()},
                "indicators": [
                    {
                        "id": r.indicator.id,
                        "status": r.status,
                        "value": None if r.value is None else float(r.value),
                        "numerator": number_json(r.numerator),
                        "denominator": number_json(r.denominator),
                        "left_out": r.left_out,
                        "reason": r.reason,
                        "reason_detail": r.reason_detail,
                    }
                    for r in g.results
                ],
            }
            for g in groups
        ],
    }


def render_json(result, generated_at: str | None = None, breakdown=None, **_) -> str:
    doc = result_dict(result, generated_at)
    if breakdown is not None:  # before generated_at, which stays the last key
        stamp = doc.pop("generated_at")
        doc["breakdown"] = breakdown_dict(*breakdown)
        doc["generated_at"] = stamp
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
