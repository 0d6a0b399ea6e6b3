"""The plan is data: validated with file:line:col, and a different plan needs no code."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest

from cchc_cli.errors import CchcError
from cchc_cli.plan.model import default_plan_path, load_plan
from conftest import PLAN, by_id, run


def test_shipped_plan_has_every_indicator_of_the_spec(plan):
    spec = Path(__file__).resolve().parents[2] / "shared" / "spec" / "indicators.md"
    if not spec.exists():
        pytest.skip("shared/spec not beside the checkout")
    ids = set(re.findall(r"^\| `([a-z_]+)` \|", spec.read_text(encoding="utf-8"), flags=re.M))
    assert len(ids) == 31
    assert ids == {i.id for i in plan.indicators}


def test_top_level_plan_is_the_packaged_one():
    assert PLAN.read_bytes() == default_plan_path().read_bytes()


def test_plan_targets(plan):
    t = {i.id: i.target for i in plan.indicators}
    assert (t["dossiers_on_time"].op, t["dossiers_on_time"].value) == (">=", 98)
    assert (t["dossiers_digitized"].op, t["dossiers_digitized"].value) == ("=", 100)
    assert (t["iso_processes_applied"].op, t["iso_processes_applied"].value) == (">=", 12)
    assert t["par_index_improved"].value is None and t["par_index_improved"].op == ">"


def _broken(tmp_path, old: str, new: str) -> Path:
    text = PLAN.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "plan.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


CASES = [
    # (replace, with, text expected in message/hint, where the error points)
    ('    target: ">= 98%"', '    tagret: ">= 98%"', "did you mean 'target'", "tagret"),
    ('    target: ">= 98%"', '    target: ">= 98"', "'%'", '>= 98"'),
    ('    target: ">= 98%"', '    target: "at least 98%"', "malformed target", "at least"),
    (
        "numerator: channel == online",
        "numerator: chanel == online",
        "did you mean 'channel'",
        "chanel",
    ),
    (
        "numerator: channel == online",
        "numerator: channel == onlin",
        "did you mean 'online'",
        "onlin",
    ),
    (  # a comparison parses, but is a register indicator's
        "numerator: channel == online",
        "numerator: channel >= online",
        "for register indicators only",
        "channel >=",
    ),
    ("numerator: e_result", "numerator: channel", "not a yes/no field", "numerator: channel"),
    (
        "  - id: results_digitized",
        "  - id: dossiers_online",
        "duplicate indicator id",
        "id: dossiers_online\n",
    ),
    ("type: satisfaction}", "type: satisfation}", "did you mean 'satisfaction'", "satisfation"),
    (
        "      online: [Trực tuyến,",
        "      online: [Trực tiếp,",
        "already belongs",
        "in_person: [Trực tiếp",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "says", "where"), CASES, ids=[c[1].strip()[:30] for c in CASES]
)
def test_plan_mistakes_are_located(tmp_path, old, new, says, where):
    p = _broken(tmp_path, old, new)
    with pytest.raises(CchcError) as err:
        load_plan(p)
    e = err.value
    text = e.render("en")
    assert says in text
    assert e.location.path == str(p)
    needle = where.rstrip("\n")
    lines = [
        i for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if needle in line
    ]
    if where.endswith("\n"):
        lines = lines[-1:]  # the second occurrence is the duplicate
    assert e.location.line in lines


def test_unknown_key_column_points_at_key(tmp_path):
    p = _broken(tmp_path, '    target: ">= 98%"', '    tagret: ">= 98%"')
    with pytest.raises(CchcError) as err:
        load_plan(p)
    assert err.value.location.line == _line_of(p, "tagret")
    assert err.value.location.column == 5
    assert str(err.value).startswith(f"{p}:{_line_of(p, 'tagret')}:5: ")


def test_condition_error_column_points_into_the_expression(tmp_path):
    p = _broken(tmp_path, "numerator: channel == online", "numerator: chanel == online")
    with pytest.raises(CchcError) as err:
        load_plan(p)
    line = p.read_text(encoding="utf-8").splitlines()[err.value.location.line - 1]
    assert line[err.value.location.column - 1 :].startswith("chanel")


def test_python_tags_are_not_constructed(tmp_path):
    p = _broken(
        tmp_path,
        "title: Kế hoạch",
        "title: !!python/object/apply:os.system ['echo hacked']\nx: Kế hoạch",
    )
    with pytest.raises(CchcError):
        load_plan(p)


def test_yaml_syntax_error_has_location(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("schema: 1\nid: x\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(CchcError) as err:
        load_plan(p)
    assert err.value.location.line is not None


SECOND_PLAN = textwrap.dedent(
    """\
    schema: 1
    id: so-tu-phap-2024
    title: Kế hoạch CCHC Sở Tư pháp năm 2024 (thử nghiệm)
    year: 2024
    columns:
      dossier_id: {aliases: [Số hồ sơ], type: text, required: true, allow_empty: false}
      received_at: {aliases: [Ngày nhận hồ sơ], type: date, required: true, allow_empty: false}
      due_at: {aliases: [Hẹn trả], type: date}
      resolved_at: {aliases: [Ngày xong], type: date}
      returned_at: {aliases: [Ngày giao], type: date, optional: true}
      status: {aliases: [Tình trạng], type: trang_thai, optional: true}
      processing_days: {aliases: [Số ngày], type: integer}
      channel: {aliases: [Kênh], type: kenh, allow_empty: false}
      fee_paid_online: {aliases: [Thanh toán trực tuyến], type: co_khong}
    vocabularies:
      co_khong:
        empty: khong
        true: co
        categories: {co: [Có], khong: [Không]}
      kenh:
        categories: {mang: [Qua mạng], quay: [Tại quầy], buu_dien: [Bưu điện]}
      trang_thai:
        categories: {huy: [Hủy], rut: [Rút], xong: [Xong], dang: [Đang làm]}
    classification:
      not_received: status == huy
      withdrawn: status == rut
    indicators:
      - id: counter_share
        section: "A"
        title: Tỷ lệ hồ sơ nộp tại quầy không quá 40%
        target: "<= 40%"
        denominator: received_in_period
        numerator: channel == quay
      - id: online_fee
        section: "B"
        title: Hồ sơ trực tuyến thanh toán phí trực tuyến
        target: ">= 50%"
        denominator: received_in_period and channel == mang
        numerator: fee_paid_online
      - id: no_late_at_all
        section: "C"
        title: Không có hồ sơ trễ hạn
        target: "= 0%"
        denominator: resolved_in_period
        numerator: timeliness == late
    """
)


def test_second_plan_runs_without_code_changes(tmp_path):
    plan_path = tmp_path / "plan2024.yaml"
    plan_path.write_text(SECOND_PLAN, encoding="utf-8")
    plan = load_plan(plan_path)
    export = tmp_path / "tu-phap.csv"
    export.write_text(
        "Số hồ sơ,Ngày nhận hồ sơ,Hẹn trả,Ngày xong,Tình trạng,Kênh,Thanh toán trực tuyến\n"
        "T1,02/01/2024,05/01/2024,04/01/2024,Xong,Qua mạng,Có\n"  # early; online, paid online
        "T2,03/01/2024,05/01/2024,08/01/2024,Xong,Tại quầy,\n"  # late; counter
        "T3,04/01/2024,10/01/2024,,Đang làm,Qua mạng,Không\n"  # open; online, not paid
        "T4,04/01/2024,10/01/2024,,Hủy,Tại quầy,\n"  # not received
        "T5,05/01/2024,10/01/2024,12/01/2024,Rút,Bưu điện,\n",  # withdrawn -> on time
        encoding="utf-8",
    )
    r = by_id(run(export, plan, (dt.date(2024, 1, 1), dt.date(2024, 12, 31))))
    # received: T1 T2 T3 T5 = 4; at the counter: T2 = 1 -> 25% <= 40% pass
    assert (
        r["counter_share"].numerator,
        r["counter_share"].denominator,
        r["counter_share"].status,
    ) == (1, 4, "pass")
    # online received: T1 T3; paid online: T1 -> 50% >= 50% pass
    assert (r["online_fee"].numerator, r["online_fee"].denominator, r["online_fee"].status) == (
        1,
        2,
        "pass",
    )
    # resolved: T1 T2 T5; late: T2 -> 33.3% vs = 0% fail
    assert (
        r["no_late_at_all"].numerator,
        r["no_late_at_all"].denominator,
        r["no_late_at_all"].status,
    ) == (1, 3, "fail")
    assert plan.period == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
