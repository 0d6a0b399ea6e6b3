"""Write the synthetic 2023 one-stop dossier export used as `cchc`'s sample data.

    python scripts/make_sample.py            # rewrites sample_data/ho-so-mot-cua-2023.csv

Everything here is made up (seeded numpy RNG, so every run writes the same bytes). It imitates the
"danh sách hồ sơ" export of a provincial Department of Foreign Affairs (Sở Ngoại vụ) from the
province's one-stop system, taken on 05/01/2024, covering dossiers received from December 2022
to the end of 2023. Due dates are counted in working days with the `holidays` package's Vietnam
calendar. The mix is tuned so that, for 2023, some plan targets pass and some fail (see
sample_data/README.md); exactly four rows carry deliberate errors.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import sample_registers

SEED = 20230101
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_data" / "ho-so-mot-cua-2023.csv"

AGENCY = "000.00.24.H19"  # mã cơ quan theo Thông tư 01/2018/TT-VPCP (giả lập)
EXPORT_DAY = dt.date(2024, 1, 5)  # the day the list was exported
YEAR_START, YEAR_END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)

HEADERS = [
    "Mã hồ sơ",
    "Mã TTHC",
    "Tên thủ tục",
    "Lĩnh vực",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Hình thức nộp",
    "Trạng thái",
    "Số hóa hồ sơ",
    "Số hóa kết quả",
    "Kết quả điện tử",
    "Mức độ hài lòng",
    "Phiếu xin lỗi",
    "Thời hạn giải quyết",
]

# (Mã TTHC, Tên thủ tục, Lĩnh vực, thời hạn giải quyết in working days, share of dossiers,
#  how keen its applicants are to file online). Codes are invented.
PROCEDURES = [
    (
        "1.001623.000.00.00.H19",
        "Cho phép tổ chức hội nghị, hội thảo quốc tế thuộc thẩm quyền của Chủ tịch UBND tỉnh",
        "Hội nghị, hội thảo quốc tế",
        15,
        0.10,
        1.0,
    ),
    (
        "2.001813.000.00.00.H19",
        "Cho chủ trương mời, đón đoàn khách nước ngoài vào làm việc tại tỉnh",
        "Quản lý đoàn ra, đoàn vào",
        7,
        0.12,
        1.0,
    ),
    (
        "2.001790.000.00.00.H19",
        "Cho phép cử cán bộ, công chức, viên chức đi công tác nước ngoài",
        "Quản lý đoàn ra, đoàn vào",
        7,
        0.10,
        1.2,
    ),
    (
        "1.003120.000.00.00.H19",
        "Xin phép xuất cảnh cán bộ, công chức, viên chức đi nước ngoài về việc riêng",
        "Quản lý đoàn ra, đoàn vào",
        5,
        0.14,
        1.0,
    ),
    (
        "1.002915.000.00.00.H19",
        "Cấp thẻ đi lại của doanh nhân APEC (thẻ ABTC)",
        "Công tác lãnh sự",
        10,
        0.26,
        1.1,
    ),
    (
        "1.002930.000.00.00.H19",
        "Cấp lại thẻ đi lại của doanh nhân APEC (thẻ ABTC) bị mất, hỏng",
        "Công tác lãnh sự",
        10,
        0.04,
        1.0,
    ),
    (
        "2.002101.000.00.00.H19",
        "Chứng nhận lãnh sự, hợp pháp hóa lãnh sự giấy tờ, tài liệu tại địa phương",
        "Công tác lãnh sự",
        5,
        0.12,
        0.5,
    ),
    (
        "1.004568.000.00.00.H19",
        "Đề nghị cấp hộ chiếu ngoại giao, hộ chiếu công vụ",
        "Công tác lãnh sự",
        5,
        0.05,
        0.8,
    ),
    (
        "2.000654.000.00.00.H19",
        "Cho phép tổ chức ký kết thỏa thuận quốc tế nhân danh cơ quan cấp tỉnh",
        "Hợp tác quốc tế",
        15,
        0.03,
        1.0,
    ),
    (
        "1.008412.000.00.00.H19",
        "Xác nhận chuyên gia nước ngoài thực hiện chương trình, dự án ODA",
        "Hợp tác quốc tế",
        10,
        0.03,
        1.0,
    ),
    (
        "2.000311.000.00.00.H19",
        "Tiếp nhận hồ sơ đăng ký hoạt động của tổ chức phi chính phủ nước ngoài",
        "Hợp tác quốc tế",
        15,
        0.01,
        0.8,
    ),
]

N_2022 = 150  # received 05/12/2022 .. 30/12/2022
N_2023 = 2_840  # received (and accepted) in 2023
N_NEW_REG = 9  # "Mới đăng ký": filed online, never accepted
N_REFUSED = 6  # "Không được tiếp nhận"
N_WITHDRAWN = 21  # "Công dân yêu cầu rút hồ sơ"
N_RETURNED = 13  # "Trả lại"
N_STUCK_2023 = 5  # still being processed at 31/12/2023 although overdue
N_STUCK_2022 = 1  # received in 2022 and still not done at 31/12/2023

# quotas among dossiers received / resolved in 2023 (see README for the resulting figures)
LATE_2023 = 76  # resolved late among those received in 2023
ONLINE_SHARE = 0.852
NOT_DIGITIZED_2023 = 14
E_RESULT_SHARE = 0.70
RESULT_DIGITIZED_SHARE = 0.921
RATED_SHARE = 0.40
UNSATISFIED_SHARE = 0.034
APOLOGY_SHARE = 0.875

SAT_GOOD = ["Rất hài lòng", "Hài lòng"]
SAT_BAD = ["Bình thường", "Không hài lòng"]


class Calendar:
    """Working days (Mon-Fri, minus Vietnam's holidays, plus make-up Saturdays)."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        vn = holidays.country_holidays("VN", years=range(first.year, last.year + 1))
        days = [first + dt.timedelta(i) for i in range((last - first).days + 1)]
        self.days = [d for d in days if vn.is_working_day(d)]
        self.index = {d: i for i, d in enumerate(self.days)}
        self._count = {}  # working days on or before each calendar day
        n = 0
        for d in days:
            n += d in self.index
            self._count[d] = n

    def add(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (`day` itself not counted); n = 0 keeps the day."""
        if n == 0:
            return day
        return self.days[self._count[day] + n - 1]

    def between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        return [d for d in self.days if first <= d <= last]


def minutes_in_office(rng: np.random.Generator, size: int) -> np.ndarray:
    """Minutes after midnight within office hours 07:30-11:30 and 13:30-17:00."""
    morning = rng.integers(7 * 60 + 30, 11 * 60 + 30, size)
    afternoon = rng.integers(13 * 60 + 30, 17 * 60, size)
    return np.where(rng.random(size) < 0.55, morning, afternoon)


def fmt(day: dt.date | None, minute: int | None, date_only: bool = False) -> str:
    if day is None:
        return ""
    text = day.strftime("%d/%m/%Y")
    if date_only or minute is None:
        return text
    return f"{text} {minute // 60:02d}:{minute % 60:02d}"


def pick(rng: np.random.Generator, pool: list[int], k: int, weights=None) -> list[int]:
    """k distinct members of pool (optionally weighted), in pool order."""
    pool = list(pool)
    k = min(k, len(pool))
    if k == 0:
        return []
    p = None
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        p = w / w.sum()
    chosen = set(rng.choice(len(pool), size=k, replace=False, p=p).tolist())
    return [x for i, x in enumerate(pool) if i in chosen]


def received_days(rng, cal: Calendar, first: dt.date, last: dt.date, n: int) -> list[dt.date]:
    """n receipt days spread over the working days in [first, last], quieter around Tết."""
    days = cal.between(first, last)
    weight = np.array(
        [
            0.55
            if d.month == 1 or (d.month == 2 and d.day < 10)
            else 1.15
            if d.month in (3, 4, 9, 10, 11)
            else 1.0
            for d in days
        ]
    )
    counts = rng.multinomial(n, weight / weight.sum())
    return [d for d, c in zip(days, counts, strict=True) for _ in range(c)]


def build(seed: int = SEED) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    cal = Calendar(dt.date(2022, 10, 1), dt.date(2024, 6, 30))

    # --- who, what, when received -------------------------------------------------------
    shares = np.array([p[4] for p in PROCEDURES])
    shares = shares / shares.sum()
    rows: list[dict] = []
    for origin, first, last, n in (
        ("2022", dt.date(2022, 12, 5), dt.date(2022, 12, 30), N_2022),
        ("2023", dt.date(2023, 1, 3), dt.date(2023, 12, 29), N_2023 + N_NEW_REG + N_REFUSED),
    ):
        days = received_days(rng, cal, first, last, n)
        procs = rng.choice(len(PROCEDURES), size=n, p=shares)
        minutes = minutes_in_office(rng, n)
        for day, proc, minute in zip(days, procs, minutes, strict=True):
            rows.append({"origin": origin, "proc": int(proc), "rec": day, "rec_min": int(minute)})
    rows.sort(key=lambda r: (r["rec"], r["rec_min"]))
    serial: Counter = Counter()
    for r in rows:
        serial[r["rec"]] += 1
        r["id"] = f"{AGENCY}-{r['rec']:%y%m%d}-{serial[r['rec']]:04d}"
        r["days"] = PROCEDURES[r["proc"]][3]
        r["due"] = cal.add(r["rec"], r["days"])
        r["kind"] = "normal"
        r["late_by"] = 0

    idx_2022 = [i for i, r in enumerate(rows) if r["origin"] == "2022"]
    idx_2023 = [i for i, r in enumerate(rows) if r["origin"] == "2023"]

    # --- not received, withdrawn, returned, stuck ------------------------------------------
    free = list(idx_2023)

    def take(k: int, pool: list[int], kind: str) -> list[int]:
        chosen = pick(rng, pool, k)
        for i in chosen:
            rows[i]["kind"] = kind
            free.remove(i)
        return chosen

    take(N_NEW_REG, free, "new_reg")
    take(N_REFUSED, free, "refused")
    take(N_WITHDRAWN, [i for i in free if rows[i]["due"] < dt.date(2023, 12, 20)], "withdrawn")
    take(N_RETURNED, [i for i in free if rows[i]["due"] < dt.date(2023, 12, 20)], "returned")
    take(
        N_STUCK_2023,
        [i for i in free if dt.date(2023, 9, 1) <= rows[i]["rec"] and rows[i]["due"] < YEAR_END],
        "stuck",
    )
    for i in pick(rng, idx_2022, N_STUCK_2022, [rows[i]["days"] for i in idx_2022]):
        rows[i]["kind"] = "stuck"

    # --- lateness --------------------------------------------------------------------------
    # Late resolutions: a fixed number among 2023 dossiers whose late finish still falls in 2023,
    # more often for the long procedures; a few among the 2022 ones.
    late_pool = [i for i in free if rows[i]["due"] <= dt.date(2023, 12, 15)]
    late_weight = [1.0 + rows[i]["days"] / 5 for i in late_pool]
    late_idx = pick(rng, late_pool, LATE_2023, late_weight)
    late_idx += [i for i in idx_2022 if rows[i]["kind"] == "normal" and rng.random() < 0.025]
    for i in late_idx:
        rows[i]["late_by"] = int(1 + min(rng.geometric(0.45) - 1, 6))

    # --- resolution and hand-over ------------------------------------------------------------
    for r in rows:
        n = r["days"]
        r.update(res=None, res_min=None, ret=None, ret_min=None)
        if r["kind"] in ("new_reg", "refused", "stuck"):
            r["status"] = {
                "new_reg": "Mới đăng ký",
                "refused": "Không được tiếp nhận",
                "stuck": "Đang xử lý",
            }[r["kind"]]
            continue
        if r["kind"] in ("withdrawn", "returned"):
            k = int(rng.integers(1, max(2, n - 1)))
        elif r["late_by"]:
            k = n + r["late_by"]
        else:  # early or on the day: most finish a day or two ahead of the due date
            k = int(max(1, n - min(rng.geometric(0.42) - 1, n - 1)))
        res = cal.add(r["rec"], k)
        res_min = int(minutes_in_office(rng, 1)[0])
        if res == r["rec"] and res_min <= r["rec_min"]:
            res_min = min(r["rec_min"] + 45, 17 * 60)
        if res > EXPORT_DAY:  # not finished when the list was exported
            fresh = r["rec"] >= dt.date(2023, 12, 27) and rng.random() < 0.5
            r["status"] = "Đã tiếp nhận" if fresh else "Đang xử lý"
            continue
        r["res"], r["res_min"] = res, res_min
        if r["kind"] == "withdrawn":
            r["status"] = "Công dân yêu cầu rút hồ sơ"
            continue
        if r["kind"] == "returned":
            r["status"] = "Trả lại"
            r["ret"], r["ret_min"] = res, min(res_min + int(rng.integers(5, 60)), 17 * 60)
            continue
        wait = int(rng.choice([0, 1, 2, 3], p=[0.5, 0.3, 0.15, 0.05]))
        ret = cal.add(res, wait)
        if ret > EXPORT_DAY or rng.random() < 0.07:
            r["status"] = "Đã xử lý xong"  # result ready, not yet handed over
            continue
        r["status"] = "Đã trả kết quả"
        ret_min = int(minutes_in_office(rng, 1)[0])
        if wait == 0:
            ret_min = min(res_min + int(rng.integers(5, 90)), 17 * 60)
        r["ret"], r["ret_min"] = ret, ret_min

    # --- channel, digitisation, results, satisfaction, apology ------------------------------
    for r in rows:
        r.update(channel=None, dig="Có", rdig="", eres="", sat="", apology="")
    online_bias = [PROCEDURES[rows[i]["proc"]][5] for i in idx_2023]
    online = set(pick(rng, idx_2023, round(ONLINE_SHARE * len(idx_2023)), online_bias))
    online |= {i for i in idx_2022 if rng.random() < 0.80}
    for i, r in enumerate(rows):
        if r["kind"] == "new_reg":
            r["channel"] = "Trực tuyến"  # filed on the portal, never accepted
        elif i in online:
            r["channel"] = "Trực tuyến"
        else:
            r["channel"] = "Trực tiếp" if rng.random() < 0.8 else "Bưu chính"
        if r["kind"] in ("new_reg", "refused"):
            r["dig"] = ""
    received_2023 = [i for i in idx_2023 if rows[i]["kind"] not in ("new_reg", "refused")]
    for i in pick(rng, received_2023, NOT_DIGITIZED_2023):
        rows[i]["dig"] = "Không"
    for i in idx_2022:
        if rng.random() < 0.03:
            rows[i]["dig"] = "Không"

    with_result = [
        i
        for i, r in enumerate(rows)
        if r["res"] is not None and r["kind"] not in ("withdrawn", "returned")
    ]
    rdig = set(pick(rng, with_result, round(RESULT_DIGITIZED_SHARE * len(with_result))))
    eres_pool = [i for i in with_result if i in rdig]
    eres = set(
        pick(
            rng,
            eres_pool,
            round(E_RESULT_SHARE * len(with_result)),
            [3.0 if rows[i]["channel"] == "Trực tuyến" else 1.0 for i in eres_pool],
        )
    )
    for i in with_result:
        rows[i]["rdig"] = "Có" if i in rdig else "Không"
        rows[i]["eres"] = "Có" if i in eres else "Không"

    rated = pick(rng, with_result, round(RATED_SHARE * len(with_result)))
    n_bad = round(UNSATISFIED_SHARE * len(rated))
    unhappy = set(pick(rng, rated, n_bad, [8.0 if rows[i]["late_by"] else 1.0 for i in rated]))
    for i in rated:
        if i in unhappy:
            rows[i]["sat"] = SAT_BAD[int(rng.random() < 0.3)]
        else:
            rows[i]["sat"] = SAT_GOOD[int(rng.random() < 0.42)]

    late_all = [
        i
        for i, r in enumerate(rows)
        if r["late_by"] or (r["kind"] == "stuck") or (r["res"] is None and r["due"] < EXPORT_DAY)
    ]
    late_all = [i for i in late_all if rows[i]["kind"] not in ("new_reg", "refused")]
    sorry = pick(
        rng,
        late_all,
        round(APOLOGY_SHARE * len(late_all)),
        [0.4 if rows[i]["kind"] == "stuck" else 1.0 for i in late_all],
    )
    for i in sorry:
        rows[i]["apology"] = "Có"

    # --- the four deliberately broken rows ----------------------------------------------------
    plain = [
        i
        for i in idx_2023
        if rows[i]["status"] == "Đã trả kết quả"
        and not rows[i]["late_by"]
        and rows[i]["res"] is not None
        and rows[i]["res"] <= dt.date(2023, 12, 1)
    ]
    feb = [i for i in plain if rows[i]["rec"].month == 2 and rows[i]["res"].month == 3]
    broken = {}
    broken["channel"] = pick(rng, [i for i in plain if i in online], 1)[0]
    broken["resolved"] = pick(rng, [i for i in feb if i != broken["channel"]], 1)[0]
    sat_pool = [i for i in plain if rows[i]["sat"] in SAT_GOOD and i not in broken.values()]
    broken["satisfaction"] = pick(rng, sat_pool, 1)[0]
    broken["received"] = pick(rng, [i for i in plain if i not in broken.values()], 1)[0]

    # --- render -------------------------------------------------------------------------------
    date_only = rng.random((len(rows), 4)) < np.array([0.03, 0.03, 0.03, 0.12])
    records = []
    for i, r in enumerate(rows):
        rec_date_only = bool(date_only[i, 0])
        records.append(
            [
                r["id"],
                PROCEDURES[r["proc"]][0],
                PROCEDURES[r["proc"]][1],
                PROCEDURES[r["proc"]][2],
                fmt(r["rec"], r["rec_min"], rec_date_only),
                fmt(r["due"], r["rec_min"], rec_date_only or bool(date_only[i, 1])),
                fmt(r["res"], r["res_min"], bool(date_only[i, 2])),
                fmt(r["ret"], r["ret_min"], bool(date_only[i, 3])),
                r["channel"],
                r["status"],
                r["dig"],
                r["rdig"],
                r["eres"],
                r["sat"],
                r["apology"],
                str(r["days"]),
            ]
        )
    df = pd.DataFrame(records, columns=HEADERS, dtype=object)
    df.loc[broken["channel"], "Hình thức nộp"] = "Qua mạng"
    df.loc[broken["resolved"], "Ngày kết thúc xử lý"] = "31/02/2023 15:20"
    df.loc[broken["satisfaction"], "Mức độ hài lòng"] = "Tốt"
    df.loc[broken["received"], "Ngày tiếp nhận"] = ""

    # --- what went in (printed so the README and tests can quote it) ----------------------------
    def open_at_end(r) -> bool:
        return r["kind"] not in ("new_reg", "refused") and (r["res"] is None or r["res"] > YEAR_END)

    summary = {
        "rows": len(df),
        "not_received": sum(r["kind"] in ("new_reg", "refused") for r in rows),
        "received_2022": len(idx_2022),
        "carried_over_from_2022": sum(
            r["origin"] == "2022" and (r["res"] is None or r["res"] >= YEAR_START) for r in rows
        ),
        "resolved_in_2022": sum(
            r["origin"] == "2022" and r["res"] is not None and r["res"] < YEAR_START for r in rows
        ),
        "withdrawn_or_returned": sum(
            r["status"] in ("Công dân yêu cầu rút hồ sơ", "Trả lại") for r in rows
        ),
        "open_at_end_2023": sum(open_at_end(r) for r in rows),
        "open_at_end_2023_overdue": sum(open_at_end(r) and r["due"] < YEAR_END for r in rows),
        "bad_rows": {k: int(v) + 2 for k, v in broken.items()},  # CSV line numbers (header = 1)
        "statuses": dict(Counter(r["status"] for r in rows).most_common()),
    }
    return df, summary


def main() -> None:
    df, summary = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(OUT, index=False, encoding="utf-8", lineterminator="\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(df)} rows")
    for key, value in summary.items():
        print(f"  {key}: {value}")
    sample_registers.main()  # the registers (sổ theo dõi) of the same department


if __name__ == "__main__":
    main()
