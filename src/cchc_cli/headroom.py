"""Headroom: how many more failures a passing rate can absorb, or successes a failing one needs.

Closed forms over exact fractions, no loop over k.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Headroom:
    """How far a rate indicator is from its target, in whole dossiers (or cases).

    ``kind``: ``absorb`` — it passes and can take ``k`` more failures (each adds 1 to the
    denominator only, or for an upper-bound target such as "≤ 2%" 1 to both) and still pass;
    ``need`` — it fails and needs ``k`` more successes; ``unlimited`` — no number of failures can
    break it (target ≥ 0%); ``impossible`` — no number of successes can reach it (e.g. "= 100%"
    with a failure already counted).

    A register's rows are all there (the staff, the procedures): its figure moves when rows
    change side, not when rows are added. So for a register indicator ``absorb`` is how many of
    its passing rows may fail and ``need`` how many of its failing rows must pass (``= 100%``:
    every one of them, never impossible); a sum's (a count of fields, not rows) has none.
    """

    kind: str
    k: int | None


def headroom_info(result) -> Headroom | None:
    """Headroom of a computed rate indicator; None when it does not apply (no data, not a rate)."""
    ind = result.indicator
    target = ind.target
    if ind.measure != "ratio" or result.status not in ("pass", "fail") or target.value is None:
        return None
    if result.numerator is None or not result.denominator:
        return None
    num, den = Fraction(result.numerator), Fraction(result.denominator)
    t = Fraction(target.value) / 100
    op = target.op
    if op == "=":
        if t != 1:  # an exact rate other than 100% has no direction to count towards
            return None
        op = ">="
    passing = result.status == "pass"
    if ind.source == "registers":
        return _rows_moving(ind, num, den, t, op, passing)
    if op in (">=", ">"):  # good events add to numerator and denominator, bad to the denominator
        if passing:
            if t == 0:
                return Headroom("unlimited", None)
            x = num / t - den  # largest b with num / (den + b) >= t is floor(x)
            return Headroom("absorb", max(0, math.floor(x) if op == ">=" else math.ceil(x) - 1))
        if t >= 1:
            return Headroom("impossible", None)
        x = (t * den - num) / (1 - t)  # smallest g with (num + g) / (den + g) >= t is ceil(x)
        return Headroom("need", max(0, math.ceil(x) if op == ">=" else math.floor(x) + 1))
    # "<=" / "<": bad events add to numerator and denominator, good to the denominator
    if passing:
        if t >= 1:
            return Headroom("unlimited", None)
        x = (t * den - num) / (1 - t)  # largest b with (num + b) / (den + b) <= t is floor(x)
        return Headroom("absorb", max(0, math.floor(x) if op == "<=" else math.ceil(x) - 1))
    if t == 0:
        return Headroom("impossible", None)
    x = num / t - den  # smallest g with num / (den + g) <= t is ceil(x)
    return Headroom("need", max(0, math.ceil(x) if op == "<=" else math.floor(x) + 1))


def _rows_moving(ind, num: Fraction, den: Fraction, t: Fraction, op: str, passing: bool):
    """A register ratio's headroom over its own rows (the denominator stays)."""
    rule = ind.rule
    if rule is None or rule.numerator.sum or (rule.denominator and rule.denominator.sum):
        return None
    edge = t * den  # the numerator at the target exactly
    if op in (">=", ">"):  # passing rows are the good ones
        if passing:  # largest b with num - b >= edge (> edge)
            b = math.floor(num - edge) if op == ">=" else math.ceil(num - edge) - 1
            return Headroom("absorb", max(0, b))
        g = math.ceil(edge - num) if op == ">=" else math.floor(edge - num) + 1
        return Headroom("need", max(0, g))
    if passing:  # "<=" / "<": the numerator counts the bad rows; largest b with num + b <= edge
        b = math.floor(edge - num) if op == "<=" else math.ceil(edge - num) - 1
        return Headroom("absorb", max(0, b))
    g = math.ceil(num - edge) if op == "<=" else math.floor(num - edge) + 1
    return Headroom("need", max(0, g))


def headroom(result) -> int | None:
    """The number in :func:`headroom_info`: failures a passing indicator can still absorb, or
    successes a failing one needs. None when not applicable, impossible or unlimited."""
    info = headroom_info(result)
    return info.k if info else None


def headroom_text(result, lang: str = "vi") -> str | None:
    """A short phrase: "còn có thể thêm 3 hồ sơ trễ hạn", "cần thêm 12 hồ sơ đúng hạn", …

    The nouns come from the plan (``pass_label`` / ``fail_label`` of the indicator), so the engine
    holds no wording of its own for any one indicator.
    """
    info = headroom_info(result)
    if info is None:
        return None
    vi = lang == "vi"
    ind = result.indicator
    unit = {"dossiers": "hồ sơ", "registers": "dòng"}.get(ind.source, "trường hợp")
    if info.kind == "unlimited":
        return f"không giới hạn số {unit} không đạt" if vi else "no limit on failures"
    if info.kind == "impossible":
        return (
            f"đã không thể đạt trong kỳ này, dù thêm bao nhiêu {unit} đạt"
            if vi
            else "cannot reach the target this period, however many more succeed"
        )
    k = info.k
    assert k is not None
    kf = f"{k:,}".replace(",", ".") if vi else f"{k:,}"
    if ind.source == "registers":  # its rows change side; none is added
        if info.kind == "need":
            return f"thiếu {kf} dòng đạt" if vi else f"{kf} passing row{_s(k)} short"
        if k == 0:
            return "không còn dư địa" if vi else "no room left"
        return f"dư {kf} dòng đạt" if vi else f"{kf} passing row{_s(k)} to spare"
    fail_vi = ind.fail_label or f"{unit} không đạt"
    pass_vi = ind.pass_label or f"{unit} đạt"
    unit_en = "dossier" if ind.source == "dossiers" else "case"
    if info.kind == "absorb":
        if k == 0:
            return f"không thể thêm {fail_vi} nào" if vi else f"no more failing {unit_en}s allowed"
        return (
            f"còn có thể thêm {kf} {fail_vi}"
            if vi
            else f"{kf} more failing {unit_en}{_s(k)} allowed"
        )
    return f"cần thêm {kf} {pass_vi}" if vi else f"needs {kf} more passing {unit_en}{_s(k)}"


def _s(k: int) -> str:
    return "" if k == 1 else "s"
