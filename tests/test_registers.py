"""The 22 register indicators of the shipped plan, each over a small register worked by hand.

Every figure below is counted on paper from registers.md's definitions (the row comments say
where each row goes); the 2023 calendar: 29/04–03/05 are days off (30/4, 1/5 and the two days in
lieu), no make-up Saturday; 02/01/2023 is New Year's day in lieu.
"""

from __future__ import annotations

import datetime as dt

import pytest

from register_kit import YEAR, count, figures, write_register

# -- thu_tuc ---------------------------------------------------------------------------------

PUBLIC = {"kind": "TTHC", "change": "Sửa đổi"}


def _thu_tuc(tmp_path, rows):
    for i, row in enumerate(rows):
        row.setdefault("procedure_code", f"T{i:02d}")
    write_register(tmp_path, "thu_tuc", rows)
    return count(tmp_path)


def test_procedures_updated_timely_five_working_days_across_the_holiday(tmp_path):
    r = _thu_tuc(
        tmp_path,
        [
            # 10/05 (Wed) − 5 working days: 09, 08, 05, 04, then 03–29/04 off → 28/04
            {**PUBLIC, "effective_at": "10/05/2023", "announced_at": "28/04/2023"},  # num
            {**PUBLIC, "change": "Mới", "effective_at": "10/05/2023", "announced_at": "02/05/2023"},
            # 15/05 (Mon) − 5: 12, 11, 10, 09, 08 → 08/05; repealed still counts (change given)
            {
                "kind": "TTHC",
                "change": "Bãi bỏ",
                "effective_at": "15/05/2023",
                "announced_at": "08/05/2023",
            },  # num
            {**PUBLIC, "effective_at": "15/05/2023", "announced_at": "09/05/2023"},  # den
            {
                "kind": "TTHC",
                "change": "",
                "effective_at": "10/05/2023",
                "announced_at": "01/01/2023",
            },  # no change this year: out
            {**PUBLIC, "effective_at": "31/12/2022", "announced_at": "01/12/2022"},  # out of P
            {**PUBLIC, "effective_at": "", "announced_at": "01/02/2023"},  # no date: out
            {"kind": "Nội bộ", "change": "Mới", "effective_at": "10/05/2023"},  # internal: out
            {**PUBLIC, "effective_at": "10/05/2023", "announced_at": ""},  # not announced: den
            {**PUBLIC, "effective_at": "31/02/2023", "announced_at": "01/02/2023"},  # left out
            {**PUBLIC, "effective_at": "10/05/2023", "announced_at": "2023-13-01"},  # left out
        ],
    )
    assert figures(r["procedures_updated_timely"]) == (
        2,
        5,
        2,
        {("invalid_date", "thu_tuc.effective_at"): 1, ("invalid_date", "thu_tuc.announced_at"): 1},
    )
    assert r["procedures_updated_timely"].status == "fail"  # 40% < 100%


def test_procedures_published_five_working_days_after_and_kleene(tmp_path):
    done = {"content_complete": "Có"}
    r = _thu_tuc(
        tmp_path,
        [
            # 28/04 (Fri) + 5 working days: 04, 05, 08, 09, 10 → 10/05
            {**PUBLIC, **done, "announced_at": "28/04/2023", "published_at": "10/05/2023"},  # num
            {**PUBLIC, **done, "announced_at": "28/04/2023", "published_at": "11/05/2023"},  # den
            {**PUBLIC, **done, "announced_at": "28/04/2023", "published_at": ""},  # den
            {
                **PUBLIC,
                "content_complete": "Không",
                "announced_at": "28/04/2023",
                "published_at": "28/04/2023",
            },  # den
            {
                "kind": "TTHC",
                "change": "Bãi bỏ",
                **done,
                "announced_at": "03/01/2023",
                "published_at": "04/01/2023",
            },  # repealed: out
            {
                "kind": "Nội bộ",
                "change": "",
                **done,
                "announced_at": "03/01/2023",
                "published_at": "04/01/2023",
            },  # internal: out
            # unchanged this year, in force; 03/01 + 5: 04, 05, 06, 09, 10 → 10/01
            {
                "kind": "TTHC",
                "change": "",
                **done,
                "announced_at": "03/01/2023",
                "published_at": "05/01/2023",
            },  # num
            {"kind": "Khác", "change": "", **done, "announced_at": "03/01/2023"},  # left out
            # unknown and false is false: in the denominator, not left out
            {
                **PUBLIC,
                "content_complete": "Chắc vậy",
                "announced_at": "03/01/2023",
                "published_at": "",
            },  # den
            # unknown and true is unknown: left out
            {
                **PUBLIC,
                "content_complete": "Chắc vậy",
                "announced_at": "04/05/2023",
                "published_at": "05/05/2023",
            },
        ],
    )
    assert figures(r["procedures_published"]) == (
        2,
        6,
        2,
        {("unknown_value", "thu_tuc.kind"): 1, ("unknown_value", "thu_tuc.content_complete"): 1},
    )


def test_five_working_days_into_the_next_year(tmp_path):
    """The working calendar reaches past the last date the rules offset: 27/12/2023 (Wed) + 5
    working days is 28/12, 29/12, (01/01 New Year's Day) 02/01, 03/01, 04/01/2024."""
    done = {**PUBLIC, "content_complete": "Có", "announced_at": "27/12/2023"}
    r = _thu_tuc(
        tmp_path,
        [{**done, "published_at": "04/01/2024"}, {**done, "published_at": "05/01/2024"}],
    )
    assert figures(r["procedures_published"]) == (1, 2, 0, {})


def test_procedures_with_sample_dossier(tmp_path):
    r = _thu_tuc(
        tmp_path,
        [
            {**PUBLIC, "sample_dossier": "Có"},  # num
            {**PUBLIC, "sample_dossier": "x"},  # num
            {**PUBLIC, "sample_dossier": ""},  # empty is no: den
            {**PUBLIC, "sample_dossier": "Không"},  # den
            {"kind": "TTHC", "change": "Bãi bỏ", "sample_dossier": "Có"},  # repealed: out
            {"kind": "TTHC nội bộ", "change": "", "sample_dossier": "Có"},  # internal: out
        ],
    )
    assert figures(r["procedures_with_sample_dossier"]) == (2, 4, 0, {})
    assert r["procedures_with_sample_dossier"].status == "fail"  # 50% < 70%


def test_internal_procedures_published_and_simplified(tmp_path):
    internal = {"kind": "Nội bộ", "change": ""}
    r = _thu_tuc(
        tmp_path,
        [
            {
                **internal,
                "published_at": "01/02/2023",
                "specialised": "Có",
                "simplification_plan": "Có",
            },  # published; simplified
            {**internal, "published_at": "", "specialised": "Có"},  # den; den
            {
                **internal,
                "published_at": "01/02/2023",
                "specialised": "Không",
                "simplification_plan": "Có",
            },  # published; not specialised: out
            {
                "kind": "Nội bộ",
                "change": "Bãi bỏ",
                "published_at": "01/02/2023",
                "specialised": "Có",
            },  # repealed: out of both
            {**PUBLIC, "published_at": "01/02/2023", "specialised": "Có"},  # public: out
            {**internal, "published_at": "32/01/2023"},  # published: left out; not specialised
        ],
    )
    assert figures(r["internal_procedures_published"]) == (
        2,
        3,
        1,
        {("invalid_date", "thu_tuc.published_at"): 1},
    )
    assert figures(r["internal_procedures_simplified"]) == (1, 2, 0, {})
    assert r["internal_procedures_simplified"].status == "pass"  # 50% ≥ 50%


def test_procedures_simplification_plan(tmp_path):
    r = _thu_tuc(
        tmp_path,
        [
            {**PUBLIC, "simplification_plan": "Có"},
            {**PUBLIC, "simplification_plan": "Không"},
            {**PUBLIC, "simplification_plan": ""},
            {"kind": "TTHC", "change": "Bãi bỏ", "simplification_plan": "Có"},  # out
        ],
    )
    assert figures(r["procedures_simplification_plan"]) == (1, 3, 0, {})
    assert r["procedures_simplification_plan"].status == "pass"  # 33% ≥ 10%


def test_declared_info_reduced_adds_up_two_columns(tmp_path):
    r = _thu_tuc(
        tmp_path,
        [
            {**PUBLIC, "info_fields": "10", "info_fields_reduced": "2"},
            {**PUBLIC, "info_fields": "8", "info_fields_reduced": "0"},
            {**PUBLIC, "info_fields": "5.0", "info_fields_reduced": "1,00"},  # Excel's 5.0
            {**PUBLIC, "info_fields": "5", "info_fields_reduced": "abc"},  # left out
            {**PUBLIC, "info_fields": "6", "info_fields_reduced": ""},  # empty: left out
            {**PUBLIC, "info_fields": "", "info_fields_reduced": "3"},  # empty: left out
            {
                "kind": "TTHC",
                "change": "Bãi bỏ",
                "info_fields": "100",
                "info_fields_reduced": "100",
            },  # repealed: out
            {"kind": "Nội bộ", "change": "", "info_fields": "7", "info_fields_reduced": "7"},
        ],
    )
    # (2 + 0 + 1) / (10 + 8 + 5) = 3/23 = 13.04% < 20%
    assert figures(r["declared_info_reduced"]) == (
        3,
        23,
        3,
        {
            ("invalid_number", "thu_tuc.info_fields_reduced"): 1,
            ("missing_value", "thu_tuc.info_fields_reduced"): 1,
            ("missing_value", "thu_tuc.info_fields"): 1,
        },
    )
    assert r["declared_info_reduced"].status == "fail"


def test_procedures_online(tmp_path):
    yes = {"online_eligible": "Có"}
    r = _thu_tuc(
        tmp_path,
        [
            {**PUBLIC, **yes, "online_level": "Toàn trình"},  # num
            {**PUBLIC, **yes, "online_level": "3"},  # partial: num
            {**PUBLIC, **yes, "online_level": ""},  # none: den
            {**PUBLIC, **yes, "online_level": "Không"},  # den
            {**PUBLIC, "online_eligible": "Không", "online_level": "4"},  # not eligible: out
            {"kind": "TTHC", "change": "Bãi bỏ", **yes, "online_level": "4"},  # out
            {**PUBLIC, **yes, "online_level": "Mức 5"},  # left out
        ],
    )
    assert figures(r["procedures_online"]) == (
        2,
        4,
        1,
        {("unknown_value", "thu_tuc.online_level"): 1},
    )


def test_iso_processes_applied_is_a_count_with_repeated_keys_set_aside(tmp_path):
    rows = [{**PUBLIC, "iso_applied": "Có", "procedure_code": f"P{i}"} for i in range(12)]
    rows += [
        {"kind": "TTHC", "change": "Bãi bỏ", "iso_applied": "Có"},  # repealed
        {"kind": "Nội bộ", "change": "", "iso_applied": "Có"},  # internal
        {**PUBLIC, "iso_applied": "Không"},
        # the same code twice, as written and in other case: both rows set aside
        {**PUBLIC, "iso_applied": "Có", "procedure_code": "TT-99"},
        {**PUBLIC, "iso_applied": "Có", "procedure_code": "tt-99"},
    ]
    r = _thu_tuc(tmp_path, rows)
    ind = r["iso_processes_applied"]
    assert figures(ind) == (12, None, 2, {("duplicate_id", "thu_tuc.procedure_code"): 2})
    assert (ind.value, ind.status) == (12, "pass")
    r = _thu_tuc(tmp_path / "eleven", rows[1:])
    assert (r["iso_processes_applied"].value, r["iso_processes_applied"].status) == (11, "fail")


# -- vbqppl -----------------------------------------------------------------------------------


def test_legal_docs_on_schedule(tmp_path):
    drafted = {"role": "Sở chủ trì", "deadline": "30/06/2023"}
    rows = [
        {**drafted, "submitted_at": "29/06/2023", "due_process": "Có"},  # num
        {**drafted, "submitted_at": "01/07/2023", "due_process": "Có"},  # late: den
        {**drafted, "submitted_at": "30/06/2023", "due_process": ""},  # on the day, no: den
        {
            "role": "Chủ trì",
            "deadline": "15/01/2024",
            "submitted_at": "01/01/2024",
            "due_process": "Có",
        },  # deadline after P: out
        {"role": "Thuộc lĩnh vực", "deadline": "30/06/2023", "submitted_at": "01/06/2023"},
        {**drafted, "submitted_at": "", "due_process": "Có"},  # not submitted: den
        {"role": "Sở chủ trì", "deadline": "30/06/23", "submitted_at": "29/06/2023"},  # left out
        {
            "role": "",
            "deadline": "30/06/2023",
            "submitted_at": "29/06/2023",
            "due_process": "Có",
        },  # role empty: unknown, left out
        {"role": "", "deadline": "30/06/2022"},  # unknown and false: out
    ]
    for i, row in enumerate(rows):
        row["doc_number"] = f"{i}/2023/QĐ-UBND"
    write_register(tmp_path, "vbqppl", rows)
    r = count(tmp_path)
    assert figures(r["legal_docs_on_schedule"]) == (
        1,
        4,
        2,
        {("invalid_date", "vbqppl.deadline"): 1, ("missing_value", "vbqppl.role"): 1},
    )


def test_legal_docs_reviewed(tmp_path):
    field = {"role": "Thuộc lĩnh vực"}
    rows = [
        {**field, "status": "Còn hiệu lực", "reviewed_at": "05/05/2023"},  # num
        {**field, "status": "Hết hiệu lực một phần", "reviewed_at": "05/05/2022"},  # den
        {**field, "status": "Hết hiệu lực", "reviewed_at": "05/05/2023"},  # expired: out
        {"role": "Sở chủ trì", "status": "Còn hiệu lực", "reviewed_at": "05/05/2023"},  # out
        {**field, "status": "Còn hiệu lực", "reviewed_at": ""},  # den
        {**field, "status": "Đang hiệu lực", "reviewed_at": "05/05/2023"},  # left out
    ]
    for i, row in enumerate(rows):
        row["doc_number"] = f"{i}/QĐ"
    write_register(tmp_path, "vbqppl", rows)
    assert figures(count(tmp_path)["legal_docs_reviewed"]) == (
        1,
        3,
        1,
        {("unknown_value", "vbqppl.status"): 1},
    )


# -- can_bo and boi_duong ---------------------------------------------------------------------

STAFF = [
    {
        "staff_id": "CB01",
        "kind": "Công chức",
        "meets_standard": "Có",
        "in_database": "Có",
        "uses_document_system": "Có",
        "leader": "Có",
        "digital_signature": "Có",
        "reception": "Có",
    },
    {"staff_id": "CB02", "kind": "Viên chức", "meets_standard": "Không", "in_database": "Có"},
    {
        "staff_id": "CB03",
        "kind": "Hợp đồng lao động",
        "meets_standard": "Có",
        "leader": "Có",
        "digital_signature": "Không",
    },  # a contract worker: out of the staff rules
    {
        "staff_id": "Cb04",
        "kind": "Công chức",
        "meets_standard": "Có",
        "in_database": "",
        "uses_document_system": "Không",
    },
    # CB05 twice (as written and lower-case): both set aside
    {"staff_id": "CB05", "kind": "Công chức", "meets_standard": "Có", "reception": "Có"},
    {"staff_id": "cb05", "kind": "Công chức", "meets_standard": "Có"},
    {"staff_id": "CB06", "kind": "Tạm tuyển", "meets_standard": "Có"},  # unknown word
]


def _staff(tmp_path, training=()):
    write_register(tmp_path, "can_bo", [dict(s) for s in STAFF])
    write_register(tmp_path, "boi_duong", list(training))
    return count(tmp_path)


def test_staff_rules_over_the_roster(tmp_path):
    r = _staff(tmp_path)
    aside = {("duplicate_id", "can_bo.staff_id"): 2}
    kind = {("unknown_value", "can_bo.kind"): 1}
    # civil servants and public employees: CB01, CB02, Cb04 (CB03 contract; CB05 ×2, CB06 out)
    assert figures(r["staff_placed_correctly"]) == (2, 3, 3, {**aside, **kind})
    assert figures(r["staff_records_in_database"]) == (2, 3, 3, {**aside, **kind})
    # civil servants: CB01, Cb04
    assert figures(r["staff_using_document_system"]) == (1, 2, 3, {**aside, **kind})
    # leaders: CB01 (signs), CB03 (does not); CB05's rows are no leaders: not left out
    assert figures(r["leaders_digital_signature"]) == (1, 2, 0, {})


def test_staff_trained_semi_join_keys_fold_and_the_last_day_of_p(tmp_path):
    r = _staff(
        tmp_path,
        [
            {"staff_id": "CB01", "topic": "Nghiệp vụ", "ended_at": "31/12/2023"},  # P's last day
            {"staff_id": "cb02", "topic": "Cải cách hành chính", "ended_at": "01/01/2024"},
            {"staff_id": "CB02", "topic": "Lý luận chính trị", "ended_at": "10/10/2023"},
            {"staff_id": " cb04 ", "topic": "Chuyên môn nghiệp vụ", "ended_at": "15/06/2023"},
            {"staff_id": "CB03", "topic": "Nghiệp vụ", "ended_at": "15/06/2023"},  # contract
        ],
    )
    # CB01 (31/12) and Cb04 (" cb04 ": case and spaces folded); CB02's course ends the day after
    # P and the other is politics
    assert figures(r["staff_trained"]) == (
        2,
        3,
        3,
        {("duplicate_id", "can_bo.staff_id"): 2, ("unknown_value", "can_bo.kind"): 1},
    )


def test_reception_staff_trained_with_a_bad_date_in_the_training_register(tmp_path):
    r = _staff(
        tmp_path,
        [
            {"staff_id": "CB01", "topic": "Nghiệp vụ", "ended_at": "15/06/2023"},  # not cchc
            {"staff_id": "CB01", "topic": "Kỹ năng tiếp nhận hồ sơ", "ended_at": "31/02/2023"},
        ],
    )
    # reception: CB01 (CB05 set aside: left out); CB01's cchc course has no date we can read,
    # so whether CB01 was trained is unknown: left out, reason in the training register
    assert figures(r["reception_staff_trained"]) == (
        0,
        0,
        2,
        {("duplicate_id", "can_bo.staff_id"): 1, ("invalid_date", "boi_duong.ended_at"): 1},
    )
    assert r["reception_staff_trained"].status == "no_data"  # nothing left to divide by
    r = _staff(
        tmp_path / "ok",
        [{"staff_id": "cb01", "topic": "Kỹ năng tiếp nhận hồ sơ", "ended_at": "01/03/2023"}],
    )
    assert figures(r["reception_staff_trained"])[:2] == (1, 1)


# -- ho_so_cong_viec, van_ban -------------------------------------------------------------------


def test_work_files_online(tmp_path):
    rows = [
        {"opened_at": "02/03/2023", "secrecy": "", "online": "Có"},  # normal (empty): num
        {"opened_at": "02/03/2023", "secrecy": "Thường", "online": ""},  # den
        {"opened_at": "02/03/2023", "secrecy": "Mật", "online": "Có"},  # secret: out
        {"opened_at": "02/03/2022", "secrecy": "", "online": "Có"},  # before P: out
        {"opened_at": "02/03/2023", "secrecy": "Tối mật", "online": ""},  # out
        {"opened_at": "02/03/2023", "secrecy": "Không mật", "online": "Có"},  # left out
    ]
    for i, row in enumerate(rows):
        row["file_code"] = f"HS{i}"
    write_register(tmp_path, "ho_so_cong_viec", rows)
    assert figures(count(tmp_path)["work_files_online"]) == (
        1,
        2,
        1,
        {("unknown_value", "ho_so_cong_viec.secrecy"): 1},
    )


def test_documents_via_interconnect(tmp_path):
    rows = [
        {"doc_number": "12/SNgV", "date": "05/04/2023", "direction": "Đi", "channel": "LGSP"},
        {
            "doc_number": "12/SNgV",
            "date": "06/04/2023",
            "direction": "Đến",
            "channel": "Trục liên thông",
        },  # the same number in and out: no key, both count
        {"doc_number": "13/SNgV", "date": "06/04/2023", "channel": "Email"},  # den
        {"doc_number": "14/SNgV", "date": "06/04/2023", "channel": "Nội bộ"},  # internal: out
        {"doc_number": "15/SNgV", "date": "06/04/2023", "secrecy": "Mật", "channel": "LGSP"},
        {"doc_number": "16/SNgV", "date": "06/04/2022", "channel": "LGSP"},  # out of P
        {"doc_number": "17/SNgV", "date": "06/04/2023", "channel": "Fax"},  # left out
        {"doc_number": "18/SNgV", "date": "06/04/2023", "channel": ""},  # left out
    ]
    write_register(tmp_path, "van_ban", rows)
    assert figures(count(tmp_path)["documents_via_interconnect"]) == (
        2,
        3,
        2,
        {("unknown_value", "van_ban.channel"): 1, ("missing_value", "van_ban.channel"): 1},
    )


# -- don_vi, kiem_tra, ton_tai ------------------------------------------------------------------


def test_units_inspected_matches_unit_names_without_case_or_diacritics(tmp_path):
    write_register(
        tmp_path,
        "don_vi",
        [
            {"unit": "Văn phòng Sở", "kind": "Văn phòng"},
            {"unit": "Phòng Lãnh sự", "kind": "Phòng"},
            {"unit": "Phòng Hợp tác quốc tế", "kind": "Phòng ban"},
            {"unit": "Thanh tra Sở", "kind": "Thanh tra"},
            {"unit": "Trung tâm Dịch vụ Đối ngoại", "kind": "Trung tâm"},  # service: out
        ],
    )
    write_register(
        tmp_path,
        "kiem_tra",
        [
            {"unit": "phong lanh su", "kind": "Kiểm tra CCHC", "inspected_at": "12/06/2023"},
            {"unit": "Văn phòng Sở", "kind": "Kiểm tra nội bộ", "inspected_at": "12/06/2023"},
            {"unit": "VĂN PHÒNG SỞ", "kind": "Kiểm tra CCHC", "inspected_at": "20/12/2022"},
            {"unit": "Thanh tra Sở", "kind": "Cải cách hành chính", "inspected_at": "31/12/2023"},
            {
                "unit": "Trung tâm Dịch vụ Đối ngoại",
                "kind": "Kiểm tra CCHC",
                "inspected_at": "12/06/2023",
            },
        ],
    )
    r = count(tmp_path)
    assert figures(r["units_inspected"]) == (2, 4, 0, {})
    assert r["units_inspected"].status == "fail"  # 50% < 70%


def test_internal_inspections_digital(tmp_path):
    inside = {"kind": "Kiểm tra nội bộ", "inspected_at": "03/08/2023"}
    write_register(
        tmp_path,
        "kiem_tra",
        [
            {**inside, "method": "Phần mềm"},  # num
            {**inside, "method": "Trực tiếp"},  # den
            {"kind": "Nội bộ", "inspected_at": "03/08/2022", "method": "Phần mềm"},  # out
            {"kind": "Kiểm tra CCHC", "inspected_at": "03/08/2023", "method": "Phần mềm"},
            {**inside, "method": "Hỗn hợp"},  # left out
            {"kind": "Nội bộ", "inspected_at": "", "method": "Phần mềm"},  # no date: out
        ],
    )
    assert figures(count(tmp_path)["internal_inspections_digital"]) == (
        1,
        2,
        1,
        {("unknown_value", "kiem_tra.method"): 1},
    )


FINDINGS = [
    {"finding_id": "F1", "found_at": "10/03/2023", "remedied_at": "30/06/2023"},  # num
    {"finding_id": "F2", "found_at": "10/03/2023", "remedied_at": "31/12/2023"},  # num
    {"finding_id": "F3", "found_at": "10/03/2023", "remedied_at": "02/01/2024"},  # den
    {"finding_id": "F4", "found_at": "10/03/2023", "escalated": "Có"},  # num
    {"finding_id": "F5", "found_at": "10/03/2023"},  # den
    {"finding_id": "F6", "found_at": "10/03/2022", "remedied_at": "30/06/2022"},  # out
    {"finding_id": "F7", "found_at": ""},  # out
    {"finding_id": "F8", "found_at": "10/03/2023", "remedied_at": "30/06/2023"},  # set aside
    {"finding_id": "f8", "found_at": "10/03/2023"},  # set aside
    {"finding_id": "F9", "found_at": "10/03/2023", "remedied_at": "x", "escalated": "Có"},
    {"finding_id": "F10", "found_at": "10/03/2023", "remedied_at": "x"},  # left out
]


def test_findings_remedied_or_escalated(tmp_path):
    write_register(tmp_path, "ton_tai", [dict(f) for f in FINDINGS])
    # F9: escalated or unknown is true; F10: no or unknown stays unknown
    assert figures(count(tmp_path)["findings_remedied"]) == (
        4,
        6,
        3,
        {("duplicate_id", "ton_tai.finding_id"): 2, ("invalid_date", "ton_tai.remedied_at"): 1},
    )


def test_findings_remedied_by_the_end_of_another_period(tmp_path):
    write_register(tmp_path, "ton_tai", [dict(f) for f in FINDINGS])
    # the first half-year: remedied by 30/06 (F1), escalated (F4, F9); F2, F3, F5 are not yet
    r = count(tmp_path, period=(dt.date(2023, 1, 1), dt.date(2023, 6, 30)))
    assert figures(r["findings_remedied"])[:3] == (3, 6, 3)


# -- what no register gives ----------------------------------------------------------------------


def test_a_register_not_given_leaves_its_indicators_no_data(tmp_path):
    write_register(tmp_path, "can_bo", [dict(s) for s in STAFF])
    r = count(tmp_path)
    assert r["staff_placed_correctly"].status != "no_data"
    for ident, detail in [
        ("staff_trained", "Đào tạo, bồi dưỡng (boi_duong)"),  # the semi-join's register
        ("procedures_online", "Danh mục thủ tục hành chính (thu_tuc)"),
    ]:
        assert (r[ident].status, r[ident].reason, r[ident].reason_detail) == (
            "no_data",
            "no_register",
            detail,
        )


def test_a_column_the_rule_reads_missing_is_no_data(tmp_path):
    write_register(tmp_path, "thu_tuc", [{**PUBLIC, "procedure_code": "A"}], drop=("online_level",))
    r = count(tmp_path)
    assert (r["procedures_online"].status, r["procedures_online"].reason) == (
        "no_data",
        "missing_column",
    )
    assert "Mức độ DVCTT (online_level)" in r["procedures_online"].reason_detail
    assert r["procedures_with_sample_dossier"].status == "fail"  # 0/1: it does not read it


@pytest.mark.parametrize("span", [YEAR])
def test_every_register_indicator_has_a_result(tmp_path, span):
    write_register(tmp_path, "don_vi", [{"unit": "Văn phòng Sở", "kind": "Văn phòng"}])
    r = count(tmp_path, period=span)
    assert len(r) == 22


def test_a_count_over_a_register_with_no_row_is_no_data(tmp_path):
    """An empty sheet (a template not filled in yet) says nothing: not 0 processes, a fail."""
    r = _thu_tuc(tmp_path, [])
    ind = r["iso_processes_applied"]
    assert (ind.status, ind.reason, ind.value) == ("no_data", "zero_denominator", None)
    assert "thu_tuc" in ind.reason_detail
    # one row, not applying ISO: a real count of 0, which fails
    r = _thu_tuc(tmp_path / "one", [{**PUBLIC, "iso_applied": "Không"}])
    assert (r["iso_processes_applied"].status, r["iso_processes_applied"].value) == ("fail", 0)
