"""Names and kinds of the fields that conditions may use.

Canonical fields come from the plan's ``columns``; a few have a fixed meaning in the counting rules
(``ROLE_FIELDS``). Derived fields are the official classification of a dossier (Biểu số
06/VPCP/KSTT, Thông tư 01/2020/TT-VPCP), computed by the engine (:mod:`cchc_cli.engine.compile`) for a period
P = [start, end].
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Reason

# The date forms of an export (dossier-export.md: day first, always), tried in this order on the
# cells not yet parsed; comparisons are by calendar date, so time is kept only to validate it.
DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
)

BOOL = "bool"
DATE = "date"
TEXT = "text"
INTEGER = "integer"
CATEGORY = "category"


@dataclass(frozen=True)
class DerivedField:
    name: str
    kind: str
    depends: tuple[str, ...]  # canonical columns whose bad values make it unknown
    doc_vi: str
    doc_en: str
    categories: tuple[str, ...] = ()


# Canonical fields the counting rules rely on, with the kind each must have in the plan.
ROLE_FIELDS: dict[str, str] = {
    "dossier_id": TEXT,
    "received_at": DATE,
    "due_at": DATE,
    "resolved_at": DATE,
    "returned_at": DATE,
    "status": CATEGORY,
    "processing_days": INTEGER,
}

# The orderings a dossier's dates must respect, as (later, earlier, reason): it cannot fall due,
# end or have its result returned before it is received. One table for every date field of the
# plan (test_validate checks none is left out): classify makes a date that breaks it unknown where
# it is used, validate reports every break.
DATE_ORDER: tuple[tuple[str, str, Reason], ...] = (
    ("due_at", "received_at", Reason.DUE_BEFORE_RECEIVED),
    ("resolved_at", "received_at", Reason.END_BEFORE_RECEIVED),
    ("returned_at", "received_at", Reason.END_BEFORE_RECEIVED),
)

_END = ("resolved_at", "returned_at")
_DUE = ("due_at", "processing_days", "received_at")

DERIVED: dict[str, DerivedField] = {
    f.name: f
    for f in (
        DerivedField(
            "received",
            BOOL,
            ("status",),
            "hồ sơ đã được tiếp nhận (không phải Mới đăng ký / Không được tiếp nhận)",
            "the dossier was received (not 'Mới đăng ký' / 'Không được tiếp nhận')",
        ),
        DerivedField(
            "withdrawn",
            BOOL,
            ("status",),
            "hồ sơ rút / trả lại / dừng xử lý",
            "withdrawn or returned dossier",
        ),
        DerivedField(
            "end_at",
            DATE,
            _END,
            "ngày kết thúc (kết thúc xử lý, nếu trống thì ngày trả)",
            "end date (resolved_at, else returned_at)",
        ),
        DerivedField(
            "due",
            DATE,
            _DUE,
            "ngày hẹn trả (nếu trống thì tính theo số ngày làm việc)",
            "due date (due_at, else derived from processing_days in working days)",
        ),
        DerivedField(
            "received_in_period",
            BOOL,
            ("status", "received_at"),
            "tiếp nhận trong kỳ",
            "received in the period",
        ),
        DerivedField(
            "resolved_in_period",
            BOOL,
            ("status", *_END),
            "đã giải quyết trong kỳ",
            "resolved in the period",
        ),
        DerivedField(
            "open_at_end",
            BOOL,
            ("status", "received_at", *_END),
            "đang giải quyết tại cuối kỳ",
            "still open at the end of the period",
        ),
        DerivedField(
            "overdue_at_end",
            BOOL,
            ("status", "received_at", *_END, *_DUE),
            "đang giải quyết tại cuối kỳ và đã quá hạn",
            "open at the end of the period and overdue",
        ),
        DerivedField(
            "carried_over",
            BOOL,
            ("status", "received_at", *_END),
            "từ kỳ trước chuyển qua",
            "carried over from the previous period",
        ),
        DerivedField(
            "timeliness",
            CATEGORY,
            ("status", *_END, *_DUE),
            "kết quả giải quyết: trước hạn / đúng hạn / quá hạn",
            "outcome: early / on time / late",
            ("early", "on_time", "late"),
        ),
        DerivedField(
            "late",
            BOOL,
            ("status", "received_at", *_END, *_DUE),
            "hồ sơ trễ hẹn (giải quyết quá hạn trong kỳ, hoặc tồn cuối kỳ đã quá hạn)",
            "late dossier (resolved late in the period, or open and overdue at its end)",
        ),
    )
}

CATEGORY_NAMES_VI = {
    "early": "trước hạn",
    "on_time": "đúng hạn",
    "late": "quá hạn",
}
