"""Date cells typed in SQL, accepting exactly the cells :func:`cchc_cli.io.cells.parse_dates` accepts.

records parses dates with pyarrow's ``strptime``, which on Linux is glibc's: each number may be
preceded by white space, a space in the format matches zero or more spaces, ``%d`` reads a second
digit only when the first is 0-3 (``%m`` when it is 0-1, ``%H`` 0-2 …), ``%S`` takes 60 and 61,
``31/02`` rolls over into March, and ``%z`` takes ``Z``, ``±hh``, ``±hhmm`` and ``±hh:mm``. Then
records applies its own rules: a rolled-over day, a leap second, an offset beyond ±14 h or a year
outside 1901-2100 is not a date, fractions of a second are dropped, and a zoned time counts on
Vietnam's wall clock (UTC+7).

Two paths give that set in SQL:

* the fast path, DuckDB's ``try_strptime`` with the formats in the order the column's sample
  suggests. On cells without surrounding white space (every cell of a
  :class:`~cchc_cli.io.table.RawTable` is stripped) it accepts only strings glibc accepts, with the
  same value: it reads at most as many digits as glibc and refuses impossible days, hours 24 and
  seconds 60, so what it refuses is left to
* the exact path, for the few cells the fast path leaves (a rolled-over day, ``08: 5``, a zone, a
  fraction, a word): glibc's parse written as regular expressions (one alternative per format,
  reading digits the way glibc does, see :func:`_format_regex`), then records' checks.

The order of the formats never changes a result: no cell parses under two formats unless all of
them give a year records refuses (``12-05-04``), so trying them in any order gives the same date.
Dates come out as SQL ``DATE`` (NULL: empty or not a date). The functions below that produce
DuckDB-only SQL are marked so; a Spark dialect replaces those few.
"""

from __future__ import annotations

import re

from ..plan import fields as F

# records' formats, tried in this order on cells not yet parsed (see the module docstring: the
# order only matters for speed)
DATE_FORMATS = F.DATE_FORMATS
ZONED_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z")
FIRST_YEAR, LAST_YEAR = 1901, 2100  # what the holidays calendar covers; rejects 2-digit years
VIETNAM_OFFSET = 7 * 3600  # Giờ Đông Dương, UTC+7, no daylight saving

# records' own checks, as regular expressions (RE2, like pyarrow's)
FRACTION = r"\.[0-9]+(Z|[+-][0-9]{2}:?[0-9]{2}|)$"  # dropped before the zoned formats
LEAP_SECOND = r"[0-9]:[0-5][0-9]:6[0-9]"  # a clock time that does not exist
FAR_OFFSET = r"[+-](?:1[5-9]|[2-9][0-9]):?[0-9]{2}$"  # zones run from -12:00 to +14:00
DAY_OF = r"^(?:([0-9]{1,2})[/-][0-9]{1,2}[/-][0-9]{4}|[0-9]{4}-[0-9]{1,2}-([0-9]{1,2}))"

# glibc's isspace: space, \t, \n, \v, \f, \r (spelled out, not [[:space:]], which Java's regex,
# Spark's, does not know)
_WS = r"[ \t\n\x0b\f\r]"
# glibc's number ranges per conversion; Y has 4 digits at most
_RANGES = {"d": (1, 31), "m": (1, 12), "Y": (0, 9999), "H": (0, 23), "M": (0, 59), "S": (0, 61)}
FIELDS = ("Y", "m", "d", "H", "M", "S", "zs", "zh", "zm")  # parts a format's regex extracts
# the fewest digits a conversion followed by digits reads (glibc stops early only for these)
_FOLLOWED_BY_DIGITS = {
    "Y": (r"([0-9]{4})" + _WS + "*", "([0-9]{1,3})" + _WS + "+"),
    "d": (r"([0-3][0-9]|[4-9])" + _WS + "*", "([0-3])" + _WS + "+"),
}


def _tokens(fmt: str) -> list[str]:
    return re.findall(r"%.|.", fmt)


def _format_regex(fmt: str) -> tuple[str, list[str]]:
    """glibc's ``strptime(fmt)`` as an anchored regex, and the field of each capture group.

    A number followed by a literal or the end may be read greedily (glibc reading fewer digits
    then fails on the digit left, and a greedy read gives a number out of range). Only ``%Y`` and
    ``%d`` are followed by a space and another number in these formats; there glibc's digit
    count decides where the first number ends, so it is spelled out (``%d``: two digits only if
    the first is 0-3; fewer digits than the most only before white space).
    """
    toks = _tokens(fmt)
    out, groups = ["^"], []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.startswith("%") and tok[1] in _RANGES:
            field = tok[1]
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt == " ":
                full, short = _FOLLOWED_BY_DIGITS[field]
                out.append(f"{_WS}*(?:{full}|{short})")
                groups += [field, field]
                i += 2  # the format's space is part of the alternatives
                continue
            width = 4 if field == "Y" else 2
            out.append(f"{_WS}*([0-9]{{1,{width}}})")
            groups.append(field)
        elif tok == "%z":
            out.append(f"{_WS}*(?:(Z)|([+-])([0-9]{{2}})(?::?([0-9]{{2}}))?)")
            groups += ["zs", "zs", "zh", "zm"]
        elif tok == " ":
            out.append(f"{_WS}*")
        else:
            out.append(re.escape(tok))
        i += 1
    out.append("$")
    return "".join(out), groups


def _union_regex(formats: tuple[str, ...]) -> tuple[str, list[str]]:
    """One regex whose alternatives are the formats; a field's text is the concatenation of its
    groups (those of the alternatives that did not match are empty)."""
    parts, groups = [], []
    for fmt in formats:
        rx, gs = _format_regex(fmt)
        parts.append("(?:" + rx[1:-1] + ")")
        groups += gs
    return "^(?:" + "|".join(parts) + ")$", groups


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------- DuckDB-only pieces


def duck_try_strptime(cell: str, formats: tuple[str, ...]) -> str:
    """DuckDB: the first of ``formats`` that parses ``cell``, as a TIMESTAMP, else NULL."""
    return f"try_strptime({cell}, [{', '.join(sql_str(f) for f in formats)}])"


def duck_group(cell: str, regex: str, index: int) -> str:
    """DuckDB: capture group ``index`` of the first match ('' if none)."""
    return f"regexp_extract({cell}, {sql_str(regex)}, {index})"


def duck_groups(cell: str, regex: str, count: int) -> str:
    """DuckDB: every capture group of the first match, as a STRUCT of fields g1, g2, … ('' where
    a group took no part or nothing matched), so one regex pass serves all the fields."""
    names = ", ".join(f"'g{i + 1}'" for i in range(count))
    return f"regexp_extract({cell}, {sql_str(regex)}, [{names}])"


def duck_matches(cell: str, regex: str) -> str:
    """DuckDB: whether ``regex`` matches somewhere in ``cell``."""
    return f"regexp_matches({cell}, {sql_str(regex)})"


def duck_replace(cell: str, regex: str, rewrite: str) -> str:
    return f"regexp_replace({cell}, {sql_str(regex)}, {sql_str(rewrite)})"


# ---------------------------------------------------------------- portable SQL


def days_from_civil(y: str, m: str) -> str:
    """Days from 1970-01-01 to the first of month ``m`` of year ``y`` (y >= 1; H. Hinnant's
    algorithm in integer arithmetic, so day ``d`` of the month is this plus d - 1 and an
    impossible day rolls over as it does in glibc/pyarrow)."""
    yy = f"({y} - CASE WHEN {m} <= 2 THEN 1 ELSE 0 END)"
    era = f"({yy} // 400)"
    yoe = f"({yy} - {era} * 400)"
    doy = f"((153 * (({m} + 9) % 12) + 2) // 5)"
    doe = f"({yoe} * 365 + {yoe} // 4 - {yoe} // 100 + {doy})"
    return f"({era} * 146097 + {doe} - 719468)"


def fast_date(cell: str, formats: tuple[str, ...]) -> str:
    """The fast path: a DATE, or NULL when it cannot say (the exact path decides then)."""
    if not formats:
        return "CAST(NULL AS DATE)"
    return f"CAST({duck_try_strptime(cell, formats)} AS DATE)"


def in_years(day: str) -> str:
    return f"(year({day}) BETWEEN {FIRST_YEAR} AND {LAST_YEAR})"


def _parts(struct: str, groups: list[str], suffix: str) -> list[tuple[str, str]]:
    """The numbers of a parse (``Y1``, ``m1`` …) from the STRUCT of :func:`duck_groups`: a
    field's text is the concatenation of its groups (only the matching alternative's are set)."""
    out = []
    for field in FIELDS:
        idx = [i + 1 for i, g in enumerate(groups) if g == field]
        text = " || ".join(f"{struct}.g{i}" for i in idx) if idx else "''"
        value = text if field == "zs" else f"CAST(NULLIF({text}, '') AS BIGINT)"
        out.append((_column(field, suffix), value))
    return out


def _column(field: str, suffix: str) -> str:
    """The SQL name of a part (SQL names ignore case: %m and %M need different ones)."""
    return {"m": "mon", "M": "min"}.get(field, field) + suffix


def _seconds(suffix: str, zoned: bool) -> str:
    """glibc's ranges checked, the parse as seconds from the epoch (UTC for a zoned format)."""
    y, m, d, h, mi, s = (_column(f, suffix) for f in ("Y", "m", "d", "H", "M", "S"))
    h, mi, s = (f"COALESCE({x}, 0)" for x in (h, mi, s))
    checks = [f"{y} IS NOT NULL"]
    for field, value in (("m", m), ("d", d), ("H", h), ("M", mi), ("S", s)):
        lo, hi = _RANGES[field]
        checks.append(f"{value} BETWEEN {lo} AND {hi}")
    # outside 1900-2101 no shift (zone, roll-over, 23:59:61) brings a date into 1901-2100
    checks.append(f"{y} BETWEEN {FIRST_YEAR - 1} AND {LAST_YEAR + 1}")
    secs = f"(({days_from_civil(y, m)} + {d} - 1) * 86400 + {h} * 3600 + {mi} * 60 + {s})"
    if zoned:
        zs, zh, zm = _column("zs", suffix), _column("zh", suffix), f"COALESCE(zm{suffix}, 0)"
        checks.append(f"{zm} < 60")
        offset = f"(CASE WHEN {zs} = '-' THEN -1 ELSE 1 END * ({zh} * 3600 + {zm} * 60))"
        secs = f"({secs} - CASE WHEN {zs} = 'Z' THEN 0 ELSE {offset} END)"
    return f"CASE WHEN {' AND '.join(checks)} THEN {secs} END"


def _day_of(seconds: str) -> str:
    """The DATE of a number of seconds from the epoch (floor, like numpy's datetime64)."""
    return f"(DATE '1970-01-01' + CAST(floor(({seconds}) / 86400.0) AS INTEGER))"


def exact_date_layers(cell: str) -> list[list[tuple[str, str]]]:
    """The exact path as successive projections of (name, expression), each layer using the
    names below it, so each regex runs once per cell; ``day`` is the DATE records gives the
    non-empty ``cell`` (NULL: not a date). Run on the distinct cells the fast path leaves."""
    plain, plain_groups = _union_regex(DATE_FORMATS)
    zoned, zoned_groups = _union_regex(ZONED_FORMATS)
    return [
        [("g1", duck_groups(cell, plain, len(plain_groups)))],
        _parts("g1", plain_groups, "1"),
        [("p1", _seconds("1", zoned=False))],
        # fractions of a second dropped, then a zone tried, then the plain formats again
        [("sub", f"CASE WHEN p1 IS NULL THEN {duck_replace(cell, FRACTION, chr(92) + '1')} END")],
        [
            ("g2", f"CASE WHEN p1 IS NULL THEN {duck_groups('sub', zoned, len(zoned_groups))} END"),
            ("g3", f"CASE WHEN p1 IS NULL THEN {duck_groups('sub', plain, len(plain_groups))} END"),
        ],
        _parts("g2", zoned_groups, "z") + _parts("g3", plain_groups, "3"),
        [("pz", _seconds("z", zoned=True)), ("p3", _seconds("3", zoned=False))],
        [("secs", "COALESCE(p1, pz, p3)"), ("zoned", "p1 IS NULL AND pz IS NOT NULL")],
        [("utc", _day_of("secs"))],
        [
            # 31/02 rolled over into 3 March: the written day-of-month differs (records checks
            # the days 1-3 only, on the day before any zone shift, where the text shows it)
            (
                "written",
                f"CASE WHEN day(utc) <= 3 THEN CAST(NULLIF({duck_group(cell, DAY_OF, 1)} || "
                f"{duck_group(cell, DAY_OF, 2)}, '') AS INTEGER) END",
            )
        ],
        [
            (
                "day",
                "CASE WHEN secs IS NULL THEN NULL"
                " WHEN written IS NOT NULL AND written <> day(utc) THEN NULL"
                f" WHEN zoned AND {duck_matches(cell, FAR_OFFSET)} THEN NULL"
                f" WHEN {duck_matches(cell, LEAP_SECOND)} THEN NULL"
                f" WHEN zoned THEN {_day_of(f'secs + {VIETNAM_OFFSET}')}"
                f" ELSE utc END",
            )
        ],
    ]


def sniff_formats(con, sample: list[str]) -> tuple[str, ...]:
    """The formats DuckDB's fast path reads in ``sample`` (a list of cells), most often first
    (ties keep records' order); the cells of other formats take the exact path. Only speed
    depends on it."""
    if not sample:
        return ()
    counts = ", ".join(f"count({duck_try_strptime('c', (f,))})" for f in DATE_FORMATS)
    (hits,) = con.execute(f"SELECT {counts} FROM (SELECT unnest(?) AS c)", [sample]).fetchall()
    ranked = sorted(zip(DATE_FORMATS, hits, strict=True), key=lambda fh: -fh[1])
    return tuple(f for f, h in ranked if h)


def fast_misses(con, sample: list[str], formats: tuple[str, ...]) -> list[str]:
    """The distinct cells of ``sample`` the fast path with ``formats`` does not read."""
    if not sample:
        return []
    fast = fast_date("c", formats)
    rows = con.execute(
        f"SELECT DISTINCT c FROM (SELECT unnest(?) AS c) WHERE {fast} IS NULL", [sample]
    ).fetchall()
    return [r[0] for r in rows]
