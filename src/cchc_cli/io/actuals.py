"""Figures the dossier export cannot give (registers, staff, documents …), with their evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import CchcError, Location, Msg
from ..plan.model import Plan
from ..plan.yamlfile import Node, load_yaml
from ..text import closest


@dataclass(frozen=True)
class Evidence:
    document: str
    date: dt.date | None
    note: str | None = None

    def as_json(self) -> dict:
        return {
            "document": self.document,
            "date": self.date.isoformat() if self.date else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class Actual:
    id: str
    numerator: Fraction | None
    denominator: Fraction | None
    value: Fraction | None
    baseline: Fraction | None
    evidence: Evidence | None
    line: int


@dataclass(frozen=True)
class Actuals:
    path: str
    sha256: str
    entries: Mapping[str, Actual]


def _fraction(node: Node) -> Fraction:
    number = node.number()
    value = Fraction(str(number)) if isinstance(number, float) else Fraction(number)
    if value < 0:
        raise node.error(Msg("số liệu không được âm", "figures cannot be negative"))
    return value


def load_actuals(path: str | Path, plan: Plan) -> Actuals:
    """Read an actuals file; keys and ids are checked against the plan, with locations."""
    root = load_yaml(path)
    if not root.is_map:
        raise CchcError(
            Msg("tệp này không phải tệp số liệu YAML", "this is not an actuals YAML file"),
            Msg(
                "--actuals cần tệp YAML có mục 'indicators:' (xem sample_data/actuals2023.yaml)",
                "--actuals takes a YAML file with 'indicators:' (see sample_data/actuals2023.yaml)",
            ),
            Location(str(path)),
        )
    top = root.mapping(
        ["plan", "period", "indicators"], ["indicators"], Msg(" (tệp số liệu)", " (actuals)")
    )
    if "plan" in top and top["plan"].text() != plan.id:
        raise top["plan"].error(
            Msg(
                f"tệp số liệu dành cho kế hoạch '{top['plan'].text()}', không phải '{plan.id}'",
                f"these actuals are for plan '{top['plan'].text()}', not '{plan.id}'",
            ),
            Msg(
                "dùng đúng tệp số liệu, hoặc sửa dòng 'plan:'",
                "use the matching actuals file, or fix 'plan:'",
            ),
        )
    kinds = {i.id: i for i in plan.indicators}
    entries: dict[str, Actual] = {}
    for ident, key, node in top["indicators"].items():
        ind = kinds.get(ident)
        if ind is None or ind.source != "actuals":
            candidates = [i.id for i in plan.indicators if i.source == "actuals"]
            guess = closest(ident, candidates)
            why = (
                Msg(
                    f"'{ident}' được đếm từ sổ '{ind.register}' (--registers), không nhập tay: "
                    "mỗi chỉ tiêu chỉ có một nguồn số liệu",
                    f"'{ident}' is counted from the register '{ind.register}' (--registers), "
                    "not entered: one source for each figure",
                )
                if ind is not None and ind.register is not None
                else Msg(
                    f"'{ident}' được tính từ tệp hồ sơ, không nhập tay",
                    f"'{ident}' is computed from the dossier export, not entered",
                )
                if ind is not None
                else Msg(
                    f"kế hoạch không có chỉ tiêu '{ident}'", f"the plan has no indicator '{ident}'"
                )
            )
            raise key.error(
                why,
                Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?")
                if guess and ind is None
                else Msg(
                    f"xoá mục '{ident}' khỏi tệp số liệu; đưa sổ vào bằng --registers",
                    f"delete the entry '{ident}' from the actuals file; give the register with "
                    "--registers",
                )
                if ind is not None and ind.register is not None
                else None,
            )
        spec = node.mapping(
            ["numerator", "denominator", "value", "baseline", "evidence"], [], f" ({ident})"
        )
        get = {
            k: _fraction(spec[k])
            for k in ("numerator", "denominator", "value", "baseline")
            if k in spec
        }
        need = {
            "ratio": ("numerator", "denominator"),
            "count": ("numerator",),
            "score": ("value",),
        }[ind.measure]
        for k in need:
            if k not in get:
                raise node.error(
                    Msg(
                        f"'{ident}' ({ind.measure}) cần '{k}'",
                        f"'{ident}' ({ind.measure}) needs '{k}'",
                    ),
                    Msg(f"thêm '{k}: <số>'", f"add '{k}: <number>'"),
                )
        if ind.measure == "score" and ind.target.value is None and "baseline" not in get:
            raise node.error(
                Msg(
                    f"'{ident}' so với năm gốc: cần 'baseline'",
                    f"'{ident}' compares with a baseline: add 'baseline'",
                ),
            )
        if ind.measure == "ratio" and get["numerator"] > get["denominator"]:
            # only a target above 100% (own revenue / spending) makes sense of a larger numerator
            t = ind.target
            if not (t.op in (">=", ">") and t.value is not None and t.value >= 100):
                raise node.error(
                    Msg(
                        f"'{ident}': tử số {get['numerator']} lớn hơn mẫu số {get['denominator']}",
                        f"'{ident}': numerator {get['numerator']} exceeds denominator {get['denominator']}",
                    ),
                    Msg(
                        "tỷ lệ này không thể vượt 100%: kiểm tra lại hai số",
                        "this rate cannot exceed 100%: check both figures",
                    ),
                )
        evidence = None
        if "evidence" in spec:
            ev = spec["evidence"].mapping(
                ["document", "date", "note"], ["document"], f" ({ident}.evidence)"
            )
            evidence = Evidence(
                ev["document"].text(),
                ev["date"].date() if "date" in ev else None,
                ev["note"].text() if "note" in ev else None,
            )
        entries[ident] = Actual(
            ident,
            get.get("numerator"),
            get.get("denominator"),
            get.get("value"),
            get.get("baseline"),
            evidence,
            key.location.line or 0,
        )
    return Actuals(str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest(), entries)
