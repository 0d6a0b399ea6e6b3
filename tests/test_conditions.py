"""The plan's condition language: the parse tree of every construct (offsets counted by hand),
the errors a plan author sees, and Kleene evaluation of and / or / not.

The shipped plan uses only part of the grammar (no ``or``, no parentheses, no ``!=``), so a slip
in the rest would pass every plan-driven test: found by mutation testing (benchmarks/README.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_cli.errors import Reason
from cchc_cli.plan.conditions import (
    And,
    ConditionSyntaxError,
    Not,
    Or,
    Ref,
    fields_of,
    parse_condition,
)
from cchc_cli.plan.conditions import (
    Test as Cmp,
)
from cchc_cli.plan.conditions import (
    tests_of as leaves,
)
from oracle.classify import Cat, Dates, Tri, evaluate_condition
from oracle.records import EMPTY, UNKNOWN, Column

# -- parse trees -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        # a@0 and@2 b@6 or@8 not@11 c@15: "and" binds tighter than "or"
        ("a and b or not c", Or((And((Ref("a", 0), Ref("b", 6))), Not(Ref("c", 15))))),
        # parentheses: ( @6, b@7, or@9, c@12
        ("a and (b or c)", And((Ref("a", 0), Or((Ref("b", 7), Ref("c", 12)))))),
        # keywords in any case; names keep theirs: NOT@6 b@10 Or@12 c@15
        ("a AND NOT b Or c", Or((And((Ref("a", 0), Not(Ref("b", 10)))), Ref("c", 15)))),
        ("a or b or c", Or((Ref("a", 0), Ref("b", 5), Ref("c", 10)))),
        ("not not a", Not(Not(Ref("a", 8)))),
        ("channel == online", Cmp("channel", "in", ("online",), 0, (11,))),
        ("channel = online", Cmp("channel", "in", ("online",), 0, (10,))),
        ("channel != online", Cmp("channel", "not in", ("online",), 0, (11,))),
        ("X IN (p)", Cmp("X", "in", ("p",), 0, (6,))),
        # status@0 not@7 in@11 (@14 a@15 ,@16 b@18
        ("status not in (a, b)", Cmp("status", "not in", ("a", "b"), 0, (15, 18))),
        ("  sat is empty", Cmp("sat", "empty", (), 2)),
        ("sat is not empty", Cmp("sat", "not empty", (), 0)),
    ],
)
def test_parse_tree(text, tree):
    assert parse_condition(text) == tree


def test_fields_and_tests_in_order_of_appearance():
    cond = parse_condition("a and (b or not a) and c is empty")
    assert fields_of(cond) == ["a", "b", "c"]
    assert [t.field for t in leaves(cond)] == ["a", "b", "a", "c"]


# -- errors: message, offset, hint ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset", "en", "vi"),
    [
        ("", 0, "empty condition", "điều kiện rỗng"),
        ("   ", 0, "empty condition", "điều kiện rỗng"),
        (
            "a and",
            5,
            "expected a field name, found 'end of condition'",
            "cần tên trường, gặp 'hết điều kiện'",
        ),
        ("(a or b", 7, "expected ')', found 'end of condition'", "cần ')', gặp 'hết điều kiện'"),
        ("status not (a)", 11, "expected 'in', found '('", "cần 'in', gặp '('"),
        ("status in a", 10, "expected '(', found 'a'", "cần '(', gặp 'a'"),
        (
            "x is not",
            8,
            "expected 'empty', found 'end of condition'",
            "cần 'empty', gặp 'hết điều kiện'",
        ),
        ("status in (a b)", 13, "expected ')' or ',', found 'b'", "cần ')' hoặc ',', gặp 'b'"),
        (
            "x == ",
            5,
            "expected a value, found 'end of condition'",
            "cần một giá trị, gặp 'hết điều kiện'",
        ),
        ("status in (a, )", 14, "expected a value, found ')'", "cần một giá trị, gặp ')'"),
        ("a b", 2, "expected end of condition, found 'b'", "cần hết điều kiện, gặp 'b'"),
        # the right keyword or sign, not just any of its kind
        ("(a or b,", 7, "expected ')', found ','", "cần ')', gặp ','"),
        ("status not is (a)", 11, "expected 'in', found 'is'", "cần 'in', gặp 'is'"),
        ("status in )a)", 10, "expected '(', found ')'", "cần '(', gặp ')'"),
        ("status in (a(", 12, "expected ')' or ',', found '('", "cần ')' hoặc ',', gặp '('"),
        ("x is or", 5, "expected 'empty', found 'or'", "cần 'empty', gặp 'or'"),
    ],
)
def test_syntax_errors(text, offset, en, vi):
    with pytest.raises(ConditionSyntaxError) as err:
        parse_condition(text)
    assert (err.value.offset, err.value.message.en, err.value.message.vi) == (offset, en, vi)
    assert str(err.value) == en


def test_an_unexpected_character_says_which_and_what_is_allowed():
    with pytest.raises(ConditionSyntaxError) as err:
        parse_condition("channel ~= online")
    e = err.value
    assert e.offset == 8
    assert e.message.en == "unexpected character '~' in condition"
    assert e.message.vi == "ký tự không hợp lệ '~' trong điều kiện"
    assert e.hint.en == (
        "a condition uses field names, and/or/not, ==, !=, <, <=, >, >=, in (…), is empty"
    )
    assert e.hint.vi == (
        "điều kiện chỉ gồm tên trường, and/or/not, ==, !=, <, <=, >, >=, in (…), is empty"
    )
    with pytest.raises(ConditionSyntaxError) as err:
        parse_condition("a and  #b")
    assert (err.value.offset, err.value.message.en) == (7, "unexpected character '#' in condition")


# -- Kleene evaluation -------------------------------------------------------------------------

# the nine pairs of (a, b) over T(rue), F(alse), U(nknown)
A = "TTTFFFUUU"
B = "TFUTFUTFU"


def _tri(text: str) -> Tri:
    return Tri.of(np.array([c == "T" for c in text]), np.array([c != "U" for c in text]))


def _text(t: Tri) -> str:
    return "".join("U" if not k else "T" if v else "F" for v, k in zip(t.val, t.known, strict=True))


ENV = {"a": _tri(A), "b": _tri(B)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a and b", "TFUFFFUFU"),  # false wins over unknown
        ("a or b", "TTTTFUTUU"),  # true wins over unknown
        ("not a", "FFFTTTUUU"),
        ("not (a and b)", "FTUTTTUTU"),
        ("a and not a", "FFFFFFUUU"),
        ("a or not a", "TTTTTTUUU"),
    ],
)
def test_kleene_logic(text, expected):
    assert _text(evaluate_condition(parse_condition(text), ENV, None)) == expected


def test_rows_set_aside_are_known_false():
    active = np.array([c != "U" for c in B])  # set aside the rows where b is unknown
    got = evaluate_condition(parse_condition("a or b"), ENV, active)
    assert _text(got) == "TTFTFFTUF"


def test_words_and_emptiness_of_a_vocabulary_field():
    # codes: 0 = online, 1 = in_person, 2 = postal, EMPTY, UNKNOWN
    env = {"ch": Cat(np.array([0, 1, 2, EMPTY, UNKNOWN]), ("online", "in_person", "postal"))}

    def ev(text: str) -> str:
        return _text(evaluate_condition(parse_condition(text), env, None))

    assert ev("ch == online") == "TFFFU"
    assert ev("ch != online") == "FTTTU"
    assert ev("ch in (in_person, postal)") == "FTTFU"
    assert ev("ch not in (in_person, postal)") == "TFFTU"
    assert ev("ch is empty") == "FFFTU"
    assert ev("ch is not empty") == "TTTFU"


def test_a_bare_yes_no_field_means_yes():
    env = {"e": Cat(np.array([0, 1, EMPTY, UNKNOWN]), ("yes", "no"), true="yes")}
    assert _text(evaluate_condition(parse_condition("e"), env, None)) == "TFFU"
    assert _text(evaluate_condition(parse_condition("not e"), env, None)) == "FTTU"


def test_emptiness_of_dates_text_and_flags():
    # a date: given, empty, broken; a text cell: given, empty, cut off a short row
    dates = Dates(
        np.array(["2023-05-01", "NaT", "NaT"], dtype="datetime64[D]"),
        np.array([False, False, True]),
    )
    text = Column(
        "procedure",
        "text",
        pd.Series(["Hộ tịch", "", ""]),
        ((Reason.SHORT_ROW, np.array([False, False, True])),),
        "Tên thủ tục",
        3,
    )
    env = {"d": dates, "t": text, "flag": _tri("TFU")}

    def ev(cond: str) -> str:
        return _text(evaluate_condition(parse_condition(cond), env, None))

    assert (ev("d is empty"), ev("d is not empty")) == ("FTU", "TFU")
    assert (ev("t is empty"), ev("t is not empty")) == ("FTU", "TFU")
    assert ev("flag is empty") == "FFT"  # a flag is "empty" where it is unknown
    with pytest.raises(TypeError):
        evaluate_condition(parse_condition("x is empty"), {"x": 5}, None)
