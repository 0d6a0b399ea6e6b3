"""An indicator's definition in plain words, generated from the plan's parsed conditions.

Nothing here is written per indicator: the text is a walk over the condition tree of
:mod:`cchc_cli.plan.conditions` (``Ref`` / ``Test`` / ``Not`` / ``And`` / ``Or``). Derived fields speak
through their documentation in :data:`cchc_cli.plan.fields.DERIVED`, file columns through the plan's
first alias (the Vietnamese header of the export), and vocabulary categories through the first word
the plan lists for them (the word as written in the plan, e.g. ``Trực tuyến`` for ``online``).
Change a condition in the plan and the explanation changes with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import fields as F
from .conditions import (
    PERIOD_BOUNDS,
    And,
    Compare,
    Condition,
    Has,
    InPeriod,
    Not,
    Operand,
    Ref,
    Test,
    fields_of,
)
from .model import Indicator, Plan, Vocabulary

_QUOTE = {"vi": ("“", "”"), "en": ('"', '"')}

# Fixed rules of the counting code (classify.py), keyed by the derived field that carries them.
_RULE_NOTES = {
    "timeliness": (
        "hồ sơ có {withdrawn} được tính là đúng hạn (Biểu số 06/VPCP/KSTT)",
        "dossiers where {withdrawn} count as on time (form 06/VPCP/KSTT)",
    ),
    "late": (
        "hồ sơ có {withdrawn} được tính là đúng hạn, không trễ hẹn",
        "dossiers where {withdrawn} count as on time, never late",
    ),
    "due": (
        "ngày hẹn trả trống thì lấy ngày làm việc thứ n sau ngày tiếp nhận ({days}; n = 0: ngày tiếp nhận, hoặc ngày làm việc kế tiếp)",
        "an empty due date is the n-th working day after the received date ({days}; n = 0: that day, or the next working day)",
    ),
}


@dataclass(frozen=True)
class Definition:
    """The plain-language definition of a dossier indicator."""

    denominator: str
    numerator: str
    notes: tuple[str, ...]


def _q(text: str, lang: str) -> str:
    a, b = _QUOTE.get(lang, _QUOTE["vi"])
    return f"{a}{text}{b}"


def _category_words(vocab: Vocabulary, cat: str, limit: int = 3) -> list[str]:
    """The words an auditor would look for in the file: the plan's words, codes left out."""
    words = [w for w in vocab.labels.get(cat, ()) if not w.isdigit()] or [cat]
    return words[:limit]


def _derived_label(name: str, lang: str) -> str:
    doc = F.DERIVED[name].doc_en if lang == "en" else F.DERIVED[name].doc_vi
    return re.split(r":| \(", doc, maxsplit=1)[0].strip()


def field_label(plan: Plan, name: str, lang: str = "vi", *, quoted: bool = True) -> str:
    """A field as people know it: a column by its Vietnamese header, a derived field by its doc."""
    if name in F.DERIVED:
        return _derived_label(name, lang)
    spec = plan.columns.get(name)
    header = spec.aliases[0] if spec and spec.aliases else name
    text = _q(header, lang) if quoted else header
    return f"{text} ({name})" if lang == "en" else text


def category_label(
    plan: Plan, field: str, category: str, lang: str = "vi", *, quoted: bool = True, words: int = 1
) -> str:
    """A category word: the derived categories in words, a vocabulary one as the plan writes it."""
    if field in F.DERIVED:
        if lang == "en":
            return category.replace("_", " ")
        return F.CATEGORY_NAMES_VI.get(category, category.replace("_", " "))
    spec = plan.columns.get(field)
    vocab = plan.vocabularies.get(spec.type) if spec else None
    shown = _category_words(vocab, category, words) if vocab else [category]
    return " / ".join(_q(w, lang) if quoted else w for w in shown)


def _join(words: list[str], lang: str) -> str:
    conj = " or " if lang == "en" else " hoặc "
    return conj.join(words)


def _leaf(plan: Plan, cond: Ref | Test, lang: str, neg: bool, words: int = 1) -> str:
    en = lang == "en"
    name = cond.field
    label = field_label(plan, name, lang)
    if isinstance(cond, Ref):
        if name in F.DERIVED:
            doc = F.DERIVED[name].doc_en if en else F.DERIVED[name].doc_vi
            if not neg:
                return doc
            if re.search(r" (or|and|hoặc|và) ", doc):
                doc = f"({doc})"
            return f"not {doc}" if en else f"không phải {doc}"
        vocab = plan.vocabulary_of(name)
        yes = category_label(plan, name, getattr(vocab, "true", None) or "yes", lang)
        if neg:
            return f"{label} is not {yes}" if en else f"{label} khác {yes}"
        return f"{label} is {yes}" if en else f"{label} là {yes}"
    op = cond.op
    if neg:
        op = {"in": "not in", "not in": "in", "empty": "not empty", "not empty": "empty"}[op]
    if op == "empty":
        return f"{label} is empty" if en else f"{label} để trống"
    if op == "not empty":
        return f"{label} is not empty" if en else f"{label} không để trống"
    words = [category_label(plan, name, v, lang, words=words) for v in cond.values]
    if op == "in":
        return f"{label} is {_join(words, lang)}" if en else f"{label} là {_join(words, lang)}"
    if len(words) == 1:
        return f"{label} is not {words[0]}" if en else f"{label} khác {words[0]}"
    return (
        f"{label} is none of {', '.join(words)}"
        if en
        else f"{label} không thuộc {', '.join(words)}"
    )


def describe(plan: Plan, cond: Condition, lang: str = "vi", *, words: int = 1) -> str:
    """A condition in words, e.g. ``timeliness in (early, on_time)`` →
    ``kết quả giải quyết là trước hạn hoặc đúng hạn``. ``words``: how many of a category's words
    to show (the classification notes show every spelling an auditor may meet in the file)."""
    return _walk(plan, cond, lang, neg=False, top=True, words=words)


_BOUNDS = {
    "period_start": ("ngày đầu kỳ", "the period's first day"),
    "period_end": ("ngày cuối kỳ", "the period's last day"),
}
_OPS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "=": "=", "==": "=", "!=": "≠"}


def _operand(plan: Plan, o: Operand, lang: str) -> str:
    en = lang == "en"
    if o.field in PERIOD_BOUNDS:
        text = _BOUNDS[o.field][1 if en else 0]
    else:
        text = field_label(plan, o.field, lang)
    if o.unit is None:
        return text
    unit = (
        ("working days" if en else "ngày làm việc")
        if o.unit == "working_days"
        else ("days" if en else "ngày")
    )
    return f"{text} {'+' if o.days > 0 else '−'} {abs(o.days)} {unit}"


def _register_leaf(plan: Plan, cond: Compare | InPeriod | Has, lang: str, words: int) -> str:
    """A register condition's own leaves: a date in P, a comparison, a row of another register."""
    en = lang == "en"
    if isinstance(cond, InPeriod):
        label = field_label(plan, cond.field, lang)
        return f"{label} is within the period" if en else f"{label} trong kỳ"
    if isinstance(cond, Compare):
        op = _OPS.get(cond.op, cond.op)
        return f"{_operand(plan, cond.left, lang)} {op} {_operand(plan, cond.right, lang)}"
    from .registers import view

    other = plan.registers[cond.register]
    inner = view(plan, other)
    title = _q(other.title_en or other.title, lang) if en else _q(other.title, lang)
    key = field_label(inner, cond.inner, lang)
    text = f"a row of {title} with the same {key}" if en else f"có dòng trong sổ {title} cùng {key}"
    if cond.where is not None:
        where = _walk(inner, cond.where, lang, neg=False, top=True, words=words)
        text += f" where {where}" if en else f" mà {where}"
    return text


def _walk(plan: Plan, cond: Condition, lang: str, *, neg: bool, top: bool, words: int = 1) -> str:
    if isinstance(cond, (Ref, Test)):
        return _leaf(plan, cond, lang, neg, words)
    if isinstance(cond, (Compare, InPeriod, Has)):
        text = _register_leaf(plan, cond, lang, words)
        if not neg:
            return text
        return f"not ({text})" if lang == "en" else f"không phải ({text})"
    if isinstance(cond, Not):
        return _walk(plan, cond.item, lang, neg=not neg, top=top, words=words)
    conj = (
        (" and " if lang == "en" else " và ")
        if isinstance(cond, And)
        else (" or " if lang == "en" else " hoặc ")
    )
    text = conj.join(_walk(plan, c, lang, neg=False, top=False, words=words) for c in cond.items)
    if neg:
        return f"not ({text})" if lang == "en" else f"không phải ({text})"
    return text if top else f"({text})"


def definition(plan: Plan, ind: Indicator, lang: str = "vi") -> Definition:
    """Numerator and denominator of a dossier indicator in words, plus the rules behind them."""
    assert ind.numerator is not None and ind.denominator is not None
    den = describe(plan, ind.denominator, lang)
    num = describe(plan, ind.numerator, lang)
    notes: list[str] = []
    en = lang == "en"
    not_received = describe(plan, plan.classification["not_received"], lang, words=3)
    notes.append(
        f"rows where {not_received} (not received) are never counted"
        if en
        else f"hồ sơ có {not_received} (chưa được tiếp nhận) không bao giờ được tính"
    )
    used = set(fields_of(ind.denominator)) | set(fields_of(ind.numerator))
    withdrawn = describe(plan, plan.classification["withdrawn"], lang, words=3)
    for name in ("timeliness", "late"):
        if name in used:
            notes.append(_RULE_NOTES[name][1 if en else 0].format(withdrawn=withdrawn))
            break
    if used & {"timeliness", "late", "due", "overdue_at_end"}:
        days = field_label(plan, "processing_days", lang)
        notes.append(_RULE_NOTES["due"][1 if en else 0].format(days=days))
    notes.append(
        "a row whose value for this indicator is unknown (bad cell) is left out of both"
        if en
        else "dòng không xác định được cho chỉ tiêu này (ô lỗi) bị loại khỏi cả tử số và mẫu số"
    )
    return Definition(den, num, tuple(notes))


def register_definition(plan: Plan, ind: Indicator, lang: str = "vi") -> Definition:
    """A register indicator's denominator and numerator in words (the register's headers and
    words), plus how its rows are counted."""
    from .registers import view

    en = lang == "en"
    rule = ind.rule
    assert rule is not None
    reg = plan.registers[rule.register]
    fields = view(plan, reg)
    title = _q(reg.title_en or reg.title, lang) if en else _q(reg.title, lang)

    def side(s, every: str | None) -> str:
        """``every``: what a side without a condition covers (None: the rows already named)."""
        whole = s is None or s.condition is None
        rows = every if whole else describe(fields, s.condition, lang)
        if s is None or s.sum is None:
            return rows or ""
        total = field_label(fields, s.sum, lang)
        if rows is None:
            return f"the sum of {total}" if en else f"tổng {total}"
        return f"the sum of {total} over: {rows}" if en else f"tổng {total} của: {rows}"

    every = f"every row of {title}" if en else f"mọi dòng của sổ {title}"
    if rule.denominator is None:  # a count: its rows are the numerator's
        den = f"the rows of {title} counted" if en else f"đếm các dòng của sổ {title}"
        num = side(rule.numerator, every)
    else:
        den = side(rule.denominator, every)
        num = side(rule.numerator, None)
    notes = []
    if reg.key is not None:
        key = field_label(fields, reg.key, lang)
        notes.append(
            f"rows whose {key} is repeated or empty are set aside (left out where they might count)"
            if en
            else f"dòng có {key} trùng hoặc để trống bị để riêng (loại ra nơi có thể được tính)"
        )
    notes.append(
        "an empty date is no date (a comparison with it is false); a bad cell leaves its row "
        "out of both"
        if en
        else "ngày để trống là không có ngày (so sánh với nó là sai); ô lỗi làm dòng bị loại "
        "khỏi cả tử số và mẫu số"
    )
    return Definition(den, num, tuple(notes))


__all__ = [
    "Definition",
    "category_label",
    "definition",
    "describe",
    "field_label",
    "register_definition",
]
