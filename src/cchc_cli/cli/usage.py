"""Click's own usage errors (a wrong ``--format``, a missing argument, an unknown option or
command) worded as cchc words every error: a bilingual :class:`~cchc_cli.errors.Msg` and a hint,
printed by ``cli.main`` in the user's language, exit 2.

Click's exceptions carry what was wrong (the parameter, the option name, its close matches);
the texts are ours, so a Vietnamese user never reads "Value error, 'jsn' is not one of …".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import CchcError, Msg
from ..text import closest
from .common import BilingualUsageError


def usage_error(exc: Exception, argv: Sequence[str], where: str = "cchc") -> CchcError:
    """The CchcError that says what Click refused. ``argv``: the arguments, to quote a value;
    ``where``: the command, when Click's parser did not say (``cchc check``)."""
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else where
    see = Msg(f"xem: {where} --help", f"see: {where} --help")
    if isinstance(exc, BilingualUsageError):
        return CchcError(exc.msg, exc.hint or see)
    kind = type(exc).__name__
    raw = " ".join(str(getattr(exc, "message", "") or exc).split())
    param = getattr(exc, "param", None)
    if kind == "NoSuchOption":
        name = exc.option_name  # type: ignore[attr-defined]
        near = list(getattr(exc, "possibilities", None) or ())
        return CchcError(
            Msg(f"không có tùy chọn {name}", f"no such option: {name}"),
            _did_you_mean(near, see) if near else see,
        )
    if kind == "MissingParameter" and param is not None:
        return _missing(param, ctx, where)
    if kind == "BadParameter" and param is not None:
        return _bad_value(exc, param, argv, see)
    if kind == "BadOptionUsage" and "requires an argument" in raw:
        name = exc.option_name  # type: ignore[attr-defined]
        return CchcError(Msg(f"{name} cần một giá trị", f"{name} needs a value"), see)
    if kind == "BadOptionUsage" and "does not take a value" in raw:
        name = exc.option_name  # type: ignore[attr-defined]
        return CchcError(
            Msg(f"{name} không nhận giá trị", f"{name} takes no value"),
            Msg(f"viết {name} không kèm '='", f"write {name} without '='"),
        )
    if (m := re.match(r"No such command '([^']*)'", raw)) and ctx is not None:
        return _no_command(m[1], ctx)
    if raw.startswith("Missing command") and ctx is not None:
        return CchcError(Msg("thiếu tên lệnh", "missing command"), _commands(ctx))
    if m := re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", raw):
        return CchcError(
            Msg(f"thừa đối số: {m[1]}", f"unexpected extra argument: {m[1]}"), _usage(ctx, where)
        )
    return CchcError(Msg(f"sai cách dùng: {raw}", raw), see)  # a case Click adds later


def _did_you_mean(near: list[str], see: Msg) -> Msg:
    """The closest of Click's close matches (it lists them best first)."""
    return Msg(f"có phải ý bạn là {near[0]}? ({see.vi})", f"did you mean {near[0]}? ({see.en})")


def _name(param) -> str:
    """``--format``, or ``RECORDS`` for an argument."""
    opts = list(getattr(param, "opts", None) or ())
    if getattr(param, "param_type_name", "") == "argument":
        return param.metavar or str(param.name).upper()
    return max(opts, key=len) if opts else str(param.name)


def _usage(ctx, where: str) -> Msg:
    if ctx is None:
        return Msg(f"xem: {where} --help", f"see: {where} --help")
    line = f"{where} {' '.join(ctx.command.collect_usage_pieces(ctx))}"
    return Msg(f"cách dùng: {line} (xem: {where} --help)", f"usage: {line} (see: {where} --help)")


def _missing(param, ctx, where: str) -> CchcError:
    what = (param.help or "").split(" / ")
    vi = f": {what[0][0].lower()}{what[0][1:]}" if what[0] else ""
    en = f": {what[-1][0].lower()}{what[-1][1:]}" if what[-1] else ""
    name = _name(param)
    if getattr(param, "param_type_name", "") == "argument":
        return CchcError(Msg(f"thiếu {name}{vi}", f"missing {name}{en}"), _usage(ctx, where))
    return CchcError(Msg(f"thiếu tùy chọn {name}", f"missing option {name}"), _usage(ctx, where))


def choices(param) -> list[str]:
    """The values a choice parameter takes, from Typer's type (or Click's ``Choice``)."""
    described = getattr(getattr(param, "type_descriptor", None), "choices", None)
    found = described or getattr(getattr(param, "type", None), "choices", None) or ()
    return [str(getattr(c, "value", c)) for c in found]


def _given(exc: Exception, param, argv: Sequence[str]) -> str | None:
    """The value the user gave: from the validation error behind Click's, else the arguments."""
    errors = getattr(exc.__cause__, "errors", None)
    if callable(errors):
        try:
            return str(errors()[0]["input"])
        except (LookupError, TypeError):
            pass
    given = None
    for i, arg in enumerate(argv):  # the last one wins, as in Click
        for opt in getattr(param, "opts", ()):
            if arg == opt and i + 1 < len(argv):
                given = argv[i + 1]
            elif arg.startswith(opt + "="):
                given = arg[len(opt) + 1 :]
    return given


def _bad_value(exc: Exception, param, argv: Sequence[str], see: Msg) -> CchcError:
    name, value = _name(param), _given(exc, param, argv)
    shown = f"'{value}'" if value is not None else "giá trị này"
    shown_en = f"'{value}'" if value is not None else "this value"
    values = choices(param)
    if values:
        listed = ", ".join(values)
        guess = closest(value, values) if value is not None else None
        return CchcError(
            Msg(
                f"{shown} không phải một giá trị của {name}; chọn: {listed}",
                f"{shown_en} is not one of the values of {name}; choose: {listed}",
            ),
            Msg(f"có phải ý bạn là '{guess}'?", f"did you mean '{guess}'?") if guess else see,
        )
    if _is_int(param):
        try:
            number = int(value) if value is not None else None
        except ValueError:
            number = None
        low, high = getattr(param, "min", None), getattr(param, "max", None)
        if number is None:
            return CchcError(
                Msg(
                    f"{name}: {shown} không phải một số nguyên",
                    f"{name}: {shown_en} is not a whole number",
                ),
                see,
            )
        if (low is not None and number < low) or (high is not None and number > high):
            bound = f"≥ {low}" if high is None else f"≤ {high}" if low is None else f"{low}–{high}"
            return CchcError(
                Msg(
                    f"{name} phải {bound} (đang là {number})",
                    f"{name} must be {bound} (got {number})",
                ),
                see,
            )
    return CchcError(
        Msg(
            f"{name}: giá trị {shown} không dùng được: {exc}",
            f"{name}: invalid value {shown_en}: {exc}",
        ),
        see,
    )


def _is_int(param) -> bool:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    return annotation is int or getattr(getattr(param, "type", None), "name", "") == "integer"


def _commands(ctx) -> Msg:
    names = ", ".join(ctx.command.list_commands(ctx))
    return Msg(f"các lệnh: {names} (xem: cchc --help)", f"commands: {names} (see: cchc --help)")


def _no_command(name: str, ctx) -> CchcError:
    guess = closest(name, ctx.command.list_commands(ctx))
    return CchcError(
        Msg(f"không có lệnh '{name}'", f"no command '{name}'"),
        Msg(
            f"có phải ý bạn là '{guess}'? (xem: cchc --help)",
            f"did you mean '{guess}'? (see: cchc --help)",
        )
        if guess
        else _commands(ctx),
    )
