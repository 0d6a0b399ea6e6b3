"""The one exit-code policy (errors.exit_code), as a pure function: every verdict maps through it."""

from __future__ import annotations

import pytest

from cchc_cli.errors import ExitCode, exit_code


@pytest.mark.parametrize(
    ("summary", "strict", "code"),
    [
        ({"pass": 3, "fail": 0, "no_data": 0}, False, ExitCode.OK),
        ({"pass": 3, "fail": 1, "no_data": 0}, False, ExitCode.FAIL),
        ({"pass": 3, "fail": 0, "no_data": 2}, False, ExitCode.OK),  # no data is not a fail…
        ({"pass": 3, "fail": 0, "no_data": 2}, True, ExitCode.FAIL),  # … unless --strict
        ({"pass": 0, "fail": 0, "no_data": 0}, True, ExitCode.OK),
        ({"fail": 4}, False, ExitCode.FAIL),  # validate: 4 problems found
        ({}, False, ExitCode.OK),
    ],
)
def test_exit_code(summary, strict, code):
    assert exit_code(summary, strict=strict) is code


def test_a_verdict_never_exits_2_or_3():
    """2 and 3 are for errors, raised at the edge; a verdict is only ever 0 or 1."""
    codes = {exit_code({"fail": f, "no_data": n}, strict=s) for f in (0, 5) for n in (0, 5) for s in (0, 1)}
    assert codes == {ExitCode.OK, ExitCode.FAIL}
