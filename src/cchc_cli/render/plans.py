"""``cchc plans``: the plans shipped with cchc, as a table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from . import text_console


def plans_dict(plans) -> dict:
    """What ``cchc plans --format json`` prints: each plan's id, name (``--plan`` and
    ``extends:`` take either), title, year, file and SHA-256 — never its site-packages path."""
    return {
        "schema_version": 1,
        "plans": [
            {
                "id": p.id,
                "name": Path(p.path).stem,
                "title": p.title,
                "agency": p.agency,
                "year": p.year,
                "indicators": len(p.indicators),
                "file": Path(p.path).name,
                "sha256": p.sha256,
            }
            for p in plans
        ],
    }


def render_plans(plans, fmt: str = "table", lang: str = "vi", *, color: bool = False) -> str:
    data = plans_dict(plans)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    from rich.table import Table

    vi = lang == "vi"
    console, buf = text_console(color, 160)
    t = Table(header_style="bold", expand=False)
    for head in (
        ("Mã (id)", "Id"),
        ("Tên", "Name"),
        ("Kế hoạch", "Title"),
        ("Năm", "Year"),
        ("Chỉ tiêu", "Indicators"),
        ("Tệp", "File"),
    ):
        t.add_column(head[0] if vi else head[1], no_wrap=head[1] != "Title")
    for p in data["plans"]:
        t.add_row(p["id"], p["name"], p["title"], str(p["year"]), str(p["indicators"]), p["file"])
    console.print(t)
    console.print(
        "Dùng: --plan <mã hoặc tên> (hoặc 'extends: <mã hoặc tên>' trong một lớp kế hoạch)"
        if vi
        else "Use: --plan <id or name> (or 'extends: <id or name>' in a plan overlay)"
    )
    return buf.getvalue()
