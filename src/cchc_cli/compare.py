"""``check --compare PREVIOUS.json``: each indicator's change since an earlier run.

The earlier run is a JSON written by ``cchc check --format json`` (last month's report, say). It
is read as hostile input: a file too big, not UTF-8, not JSON, nested too deep, a number too large,
a field of the wrong type or a figure that contradicts itself is a :class:`CchcError` (exit 2)
naming the file and the field, never a traceback. Indicators are matched by id; the comparison is
a :class:`Comparison` on the :class:`~cchc_cli.results.Result`, so every renderer (table, JSON,
Markdown, CSV, xlsx, HTML) reads the same figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from .errors import CchcError, Location, Msg, Notice
from .plan.model import MEASURES
from .plan.period import CALENDAR, CUTOFF, Span, span_from_json, span_json
from .results import Result

MAX_BYTES = 64 * 2**20  # a check JSON of 31 indicators is ~30 KB; with --by, a few MB
STATUSES = ("pass", "fail", "no_data")

_HINT = Msg(
    "--compare cần tệp JSON do 'cchc check --format json' ghi ra (ví dụ kết quả tháng trước), "
    "không sửa tay",
    "--compare takes a JSON written by 'cchc check --format json' (e.g. last month's), "
    "not edited by hand",
)


@dataclass(frozen=True)
class PreviousFigure:
    """One indicator of the earlier run: its verdict and exact value (None: no data)."""

    status: str
    measure: str
    value: Fraction | None


@dataclass(frozen=True)
class PreviousRun:
    """What :func:`read_previous` keeps of an earlier ``check`` JSON."""

    path: str
    sha256: str
    plan_id: str
    period: Span
    figures: Mapping[str, PreviousFigure]  # by indicator id, in the file's order


@dataclass(frozen=True)
class Change:
    """One indicator's change since the earlier run. ``new``: the earlier run has no indicator
    of that id. ``delta``: value now minus value then, in the indicator's own unit (percentage
    points for a ratio), None when either has no value or the measure changed."""

    new: bool
    previous_value: Fraction | None
    previous_status: str | None
    delta: Fraction | None
    status_changed: bool

    def as_json(self) -> dict:
        def num(v: Fraction | None):
            return None if v is None else (int(v) if v.denominator == 1 else float(v))

        return {
            "new": self.new,
            "previous_value": num(self.previous_value),
            "previous_status": self.previous_status,
            "delta": num(self.delta),
            "status_changed": self.status_changed,
        }


@dataclass(frozen=True)
class Comparison:
    """A result compared with an earlier run: a :class:`Change` for every indicator of the
    result, the earlier run's ids the plan no longer has, and the caveats (another plan, another
    kind of period), which :func:`attach` adds to the result's warnings."""

    path: str
    sha256: str
    plan_id: str
    period: Span
    changes: Mapping[str, Change]
    dropped: tuple[str, ...]
    warnings: tuple[Notice, ...]

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "period": span_json(self.period),
            "plan_id": self.plan_id,
            "dropped": list(self.dropped),
        }


class _Refused(Exception):
    def __init__(self, where: str, vi: str, en: str):
        super().__init__(where)
        self.where, self.vi, self.en = where, vi, en


def _error(path: str, vi: str, en: str, line: int | None = None, col: int | None = None):
    return CchcError(
        Msg(
            f"không dùng được kết quả trước (--compare): {vi}",
            f"cannot use the earlier run (--compare): {en}",
        ),
        _HINT,
        Location(path, line, col),
    )


def _number(text: str) -> Fraction | int:
    """A JSON number, exactly, if it is one a check writes: finite, below 10^15, short."""
    if len(text) > 40:
        raise _Refused("", f"số quá dài '{text[:20]}…'", f"number too long '{text[:20]}…'")
    try:
        d = Decimal(text)
    except InvalidOperation:  # pragma: no cover - json only passes number syntax
        raise _Refused("", f"số không hợp lệ '{text}'", f"invalid number '{text}'") from None
    if d != 0 and not -40 <= d.adjusted() < 15:
        raise _Refused(
            "",
            f"số ngoài khoảng cho phép '{text}' (cần nhỏ hơn 10^15)",
            f"number out of range '{text}' (must be below 10^15)",
        )
    value = Fraction(d)
    return int(value) if "." not in text and "e" not in text.lower() else value


def _constant(name: str):
    raise _Refused("", f"'{name}' không phải một số", f"'{name}' is not a number")


def _load(path: str) -> tuple[object, str]:
    try:
        p = Path(path)
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise _error(
                path,
                f"tệp quá lớn ({size:,} byte, tối đa {MAX_BYTES:,})",
                f"the file is too big ({size:,} bytes, at most {MAX_BYTES:,})",
            )
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _error(
            path, f"không mở được tệp ({reason})", f"cannot open the file ({reason})"
        ) from None
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(
            path,
            f"tệp không phải UTF-8 (byte {exc.start})",
            f"the file is not UTF-8 (byte {exc.start})",
        ) from None
    try:
        doc = json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_constant)
    except _Refused as exc:
        raise _error(path, exc.vi, exc.en) from None
    except json.JSONDecodeError as exc:
        raise _error(
            path, f"không phải JSON ({exc.msg})", f"not JSON ({exc.msg})", exc.lineno, exc.colno
        ) from None
    except RecursionError:
        raise _error(path, "JSON lồng quá sâu", "the JSON is nested too deeply") from None
    return doc, sha


def _field(doc: object, key: str, where: str, kinds: tuple[type, ...], words: Msg) -> object:
    """``doc[key]`` if ``doc`` is an object holding a value of one of ``kinds`` there."""
    name = f"{where}.{key}" if where else key
    if not isinstance(doc, dict):
        raise _Refused(where or "(gốc)", "phải là một đối tượng {…}", "must be an object {…}")
    if key not in doc:
        raise _Refused(name, "bị thiếu", "is missing")
    value = doc[key]
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise _Refused(name, f"phải là {words.vi}", f"must be {words.en}")
    return value


_TEXT = Msg("một chuỗi", "a string")
_OBJECT = Msg("một đối tượng {…}", "an object {…}")
_NUMBER = Msg("một số hoặc null", "a number or null")
_NUM = (int, Fraction, type(None))


def _day(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _Refused(where, "phải là một ngày YYYY-MM-DD", "must be a date YYYY-MM-DD") from None


def _pair(doc: object, where: str) -> dict:
    start = _day(_field(doc, "start", where, (str,), _TEXT), f"{where}.start")
    end = _day(_field(doc, "end", where, (str,), _TEXT), f"{where}.end")
    if end < start:
        raise _Refused(f"{where}.end", "trước start", "is before start")
    return {"start": start.isoformat(), "end": end.isoformat()}


def _period(doc: object) -> Span:
    """The earlier run's period (an older cchc wrote only start and end: a calendar period)."""
    period = _field(doc, "period", "", (dict,), _OBJECT)
    out: dict = _pair(period, "period")
    kind = period.get("kind", CALENDAR)
    if kind not in (CALENDAR, CUTOFF):
        raise _Refused("period.kind", "phải là calendar hoặc cutoff", "must be calendar or cutoff")
    out["kind"] = kind
    name = period.get("name")
    if name is not None and not isinstance(name, str):
        raise _Refused("period.name", "phải là một chuỗi hoặc null", "must be a string or null")
    out["name"] = name
    if kind == CUTOFF:
        day = _field(period, "cutoff_day", "period", (int,), Msg("một số nguyên", "a whole number"))
        if not 1 <= day <= 28:
            raise _Refused("period.cutoff_day", "phải trong 1–28", "must be within 1–28")
        out["cutoff_day"] = day
        out["calendar"] = _pair(
            _field(period, "calendar", "period", (dict,), _OBJECT), "period.calendar"
        )
    if isinstance(period.get("narrowed_from"), dict):
        narrowed = period["narrowed_from"]
        asked = _field(narrowed, "period", "period.narrowed_from", (str,), _TEXT)
        out["narrowed_from"] = {"period": asked, **_pair(narrowed, "period.narrowed_from")}
    return span_from_json(out)


def _figure(entry: object, where: str) -> tuple[str, PreviousFigure]:
    ident = _field(entry, "id", where, (str,), _TEXT)
    if not ident or len(ident) > 200:
        raise _Refused(f"{where}.id", "phải là một mã chỉ tiêu", "must be an indicator id")
    status = _field(entry, "status", where, (str,), _TEXT)
    if status not in STATUSES:
        raise _Refused(
            f"{where}.status", "phải là pass, fail hoặc no_data", "must be pass, fail or no_data"
        )
    measure = _field(entry, "measure", where, (str,), _TEXT)
    if measure not in MEASURES:
        raise _Refused(
            f"{where}.measure", "phải là ratio, count hoặc score", "must be ratio, count or score"
        )
    value, num, den = (
        _field(entry, k, where, _NUM, _NUMBER) for k in ("value", "numerator", "denominator")
    )
    if (value is None) != (status == "no_data"):
        raise _Refused(
            f"{where}.value",
            "phải là null đúng khi status là no_data",
            "must be null exactly when status is no_data",
        )
    if value is not None and measure == "ratio" and num is not None and den:
        exact = Fraction(num) * 100 / Fraction(den)  # exact, where value is a float of it
        if abs(Fraction(value) - exact) > Fraction(1, 10**9) * max(1, abs(exact)):
            raise _Refused(
                f"{where}.value",
                "khác numerator × 100 / denominator",
                "differs from numerator × 100 / denominator",
            )
        value = exact
    return ident, PreviousFigure(status, measure, None if value is None else Fraction(value))


def read_previous(path: str | Path) -> PreviousRun:
    """An earlier ``check --format json``, checked field by field; anything else is exit 2."""
    path = str(path)
    doc, sha = _load(path)
    try:
        if not isinstance(doc, dict) or "indicators" not in doc or "schema_version" not in doc:
            raise _Refused(
                "(gốc)",
                "không phải kết quả của cchc check --format json",
                "is not the output of cchc check --format json",
            )
        version = _field(doc, "schema_version", "", (int,), Msg("một số nguyên", "a whole number"))
        if version != 1:
            raise _Refused(
                "schema_version",
                f"phiên bản {version} không được hỗ trợ",
                f"version {version} is not supported",
            )
        plan = _field(doc, "plan", "", (dict,), _OBJECT)
        plan_id = _field(plan, "id", "plan", (str,), _TEXT)
        period = _period(doc)
        entries = _field(doc, "indicators", "", (list,), Msg("một danh sách […]", "a list […]"))
        figures: dict[str, PreviousFigure] = {}
        for k, entry in enumerate(entries):
            ident, figure = _figure(entry, f"indicators[{k}]")
            if ident in figures:
                raise _Refused(f"indicators[{k}].id", f"'{ident}' bị lặp", f"'{ident}' is repeated")
            figures[ident] = figure
    except _Refused as exc:
        raise _error(path, f"{exc.where} {exc.vi}", f"{exc.where} {exc.en}") from None
    return PreviousRun(path, sha, plan_id, period, figures)


def compare(result: Result, previous: PreviousRun) -> Comparison:
    """Each indicator of ``result`` against the earlier run's of the same id."""
    changes: dict[str, Change] = {}
    for r in result.indicators:
        before = previous.figures.get(r.indicator.id)
        if before is None:
            changes[r.indicator.id] = Change(True, None, None, None, False)
            continue
        comparable = before.measure == r.indicator.measure
        delta = (
            r.value - before.value
            if comparable and r.value is not None and before.value is not None
            else None
        )
        changes[r.indicator.id] = Change(
            False, before.value, before.status, delta, before.status != r.status
        )
    dropped = tuple(i for i in previous.figures if i not in changes)
    return Comparison(
        previous.path,
        previous.sha256,
        previous.plan_id,
        previous.period,
        changes,
        dropped,
        _caveats(result, previous, dropped),
    )


def _caveats(result: Result, previous: PreviousRun, dropped: tuple[str, ...]) -> tuple[Notice, ...]:
    out = []
    plan = result.plan.id
    if previous.plan_id != plan:
        out.append(
            Notice(
                "compare_other_plan",
                Msg(
                    f"lần chạy so sánh ({previous.path}) thuộc kế hoạch '{previous.plan_id}', "
                    f"không phải '{plan}': các chỉ tiêu được ghép theo mã",
                    f"the run compared with ({previous.path}) is of plan '{previous.plan_id}', "
                    f"not '{plan}': indicators are matched by id",
                ),
                (("previous_plan_id", previous.plan_id), ("plan_id", plan)),
            )
        )
    now = getattr(result.period, "kind", CALENDAR)
    if previous.period.kind != now:
        word = {CALENDAR: Msg("theo lịch", "calendar"), CUTOFF: Msg("kỳ chốt số liệu", "cut-off")}
        out.append(
            Notice(
                "compare_other_kind",
                Msg(
                    f"lần chạy so sánh tính theo {word[previous.period.kind].vi}, lần này theo "
                    f"{word[now].vi}: thay đổi gồm cả phần do cách lấy kỳ",
                    f"the run compared with used a {word[previous.period.kind].en} period, this one "
                    f"a {word[now].en} period: the change includes the shift of the window",
                ),
                (("previous_kind", previous.period.kind), ("kind", now)),
            )
        )
    if dropped:
        ids = ", ".join(dropped)
        out.append(
            Notice(
                "compare_dropped",
                Msg(
                    f"chỉ tiêu có ở lần chạy so sánh nhưng không còn trong kế hoạch: {ids}",
                    f"indicators of the run compared with that the plan no longer has: {ids}",
                ),
                (("ids", list(dropped)),),
            )
        )
    return tuple(out)


def attach(result: Result, previous: PreviousRun) -> Result:
    """``result`` with its :class:`Comparison` and the comparison's caveats among its warnings."""
    c = compare(result, previous)
    return dataclasses.replace(result, comparison=c, warnings=result.warnings + c.warnings)
