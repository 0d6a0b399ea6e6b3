"""Errors, exit codes and reason codes shared by the library, the CLI, JSON output and tests."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ExitCode(enum.IntEnum):
    """Process exit codes of every ``cchc`` command.

    ====  ==========  ============================================================
    code  name        meaning
    ====  ==========  ============================================================
    0     OK          every computed indicator passes (``validate``: no problems)
    1     FAIL        at least one indicator fails (``--strict``: or has no data);
                      ``validate``: problems were found
    2     ERROR       usage error, unreadable or invalid input, plan or actuals;
                      no verdict is given and no output file is left behind
    3     INTERNAL    a bug in cchc (an unexpected exception, out of memory …): no
                      verdict, no output file; never 1, which scripts read as a fail
    ====  ==========  ============================================================
    """

    OK = 0
    FAIL = 1
    ERROR = 2
    INTERNAL = 3


def exit_code(summary: dict[str, int], *, strict: bool = False) -> ExitCode:
    """The exit code of a verdict, the one policy every command follows: FAIL when something
    failed (``summary["fail"]``: failing indicators, problems found, broken identities,
    mismatches …), or with ``strict`` when something could not be computed
    (``summary["no_data"]``); OK otherwise. Errors never get here: they exit ERROR at the edge."""
    if summary.get("fail", 0) > 0 or (strict and summary.get("no_data", 0) > 0):
        return ExitCode.FAIL
    return ExitCode.OK


class Reason(str, enum.Enum):
    """Why a row (or a value in it) was left out of a count.

    The value is the stable code used in JSON/CSV output and in tests.
    """

    NOT_RECEIVED = "not_received"  # status Mới đăng ký / Không được tiếp nhận
    MISSING_VALUE = "missing_value"  # a required cell is empty
    INVALID_DATE = "invalid_date"  # unparseable or impossible date
    UNKNOWN_VALUE = "unknown_value"  # a word outside the column's vocabulary
    INVALID_NUMBER = "invalid_number"  # processing_days not a whole number >= 0
    DUPLICATE_ID = "duplicate_id"  # dossier_id seen on an earlier line
    SHORT_ROW = "short_row"  # the row has fewer cells than the header: the rest are unknown
    NO_DUE_DATE = "no_due_date"  # neither due_at nor processing_days
    END_BEFORE_RECEIVED = "end_before_received"
    DUE_BEFORE_RECEIVED = "due_before_received"
    RESOLVED_WITHOUT_END = "resolved_without_end"
    END_WITHOUT_RESOLVED = "end_without_resolved"
    CODE_DATE_MISMATCH = "code_date_mismatch"
    MISSING_COLUMN = "missing_column"  # indicator-level: a needed column is absent
    ZERO_DENOMINATOR = "zero_denominator"  # indicator-level: nothing to compute from
    NO_ACTUALS = "no_actuals"  # indicator-level: no actuals file / no entry
    NO_REGISTER = "no_register"  # indicator-level: a register it counts was not given
    NO_EXPORT = "no_export"  # indicator-level: a run of the registers alone (explain, validate)
    UNKNOWN_REFERENCE = "unknown_reference"  # names no row of the register it refers to


@dataclass(frozen=True)
class Location:
    """Where a problem is: file, 1-based line and column (as an editor shows them)."""

    path: str
    line: int | None = None
    column: int | str | None = None

    def render(self, lang: str = "vi") -> str:
        parts = [shown_path(self.path, lang)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return self.render("vi")


@dataclass(frozen=True)
class Msg:
    """A user-facing text in both UI languages; the edge picks one with :meth:`get`."""

    vi: str
    en: str

    def get(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi

    def __str__(self) -> str:
        return self.vi


Text = Msg | str


def say(text: Text | None, lang: str = "vi") -> str:
    if text is None:
        return ""
    return text.get(lang) if isinstance(text, Msg) else text


# Paths cchc found itself, which the user never typed (the plan shipped inside the package lives
# under site-packages): messages name them by what they are. ``plan.py`` adds the shipped plans.
_SHOWN: dict[str, Msg] = {}


def show_path_as(path: str, name: Msg) -> None:
    _SHOWN[path] = name


def shown_path(path: str, lang: str = "vi") -> str:
    """A path as messages show it: as the user typed it, or what cchc found ("the shipped 2023
    plan")."""
    name = _SHOWN.get(path)
    return name.get(lang) if name is not None else path


# Deepest nesting accepted anywhere in a plan or actuals file: YAML levels, and a condition's '('
# and 'not'. Why a limit: parsing and every walk over the result recurse once per level, and real
# files nest four or five deep; past this it is a mistake, reported before a RecursionError.
MAX_DEPTH = 50


def too_deep(what: Msg) -> Msg:
    """One wording for every nesting limit: '<what> nested too deeply (more than 50 levels)'."""
    return Msg(
        f"{what.vi} lồng quá sâu (quá {MAX_DEPTH} tầng)",
        f"{what.en} nested too deeply (more than {MAX_DEPTH} levels)",
    )


class _Located:
    """``message`` says what is wrong, ``hint`` what to do about it, ``location`` where."""

    def __init__(self, message: Text, hint: Text | None = None, location: Location | None = None):
        super().__init__(say(message))
        self.message = message
        self.hint = hint
        self.location = location

    def render(self, lang: str = "vi") -> str:
        text = say(self.message, lang)
        head = f"{self.location.render(lang)}: {text}" if self.location else text
        return f"{head}\n  → {say(self.hint, lang)}" if self.hint else head

    def __str__(self) -> str:
        return self.render("vi")


class CchcError(_Located, Exception):
    """The one error type the library raises for bad input; the CLI prints it and exits 2."""


class CchcWarning(_Located, UserWarning):
    """Something legal but probably not meant (a plan target of ``>= 0.98%``), issued with
    :func:`warnings.warn` by the library; the CLI prints it on stderr in the chosen language."""


@dataclass(frozen=True)
class Notice:
    """Something a result's reader must know that is not an error (the export may stop before
    the period ends; the run compared with is of another plan): printed under the table header,
    listed in the JSON ``warnings``. ``detail``: the facts behind it, JSON-ready."""

    code: str
    message: Msg
    detail: tuple[tuple[str, object], ...] = ()

    def as_json(self) -> dict:
        message = {"vi": self.message.vi, "en": self.message.en}
        return {"code": self.code, "message": message, **dict(self.detail)}
