"""Write a big synthetic dossier export for benchmarking (vectorised numpy/pandas).

    python benchmarks/make_big.py N OUT.csv [--seed 7] [--repeat K]

Same headers and formats as sample_data/ho-so-mot-cua-2023.csv (UTF-8, comma, `dd/mm/yyyy HH:MM`,
a few date-only cells, Có/Không), with the same procedures and roughly the same mix: ~5% received
in December 2022, the rest in 2023; not received, withdrawn/returned, late, open and overdue
dossiers; and about one broken value per 50,000 rows of each of the four kinds the sample shows
(unknown channel word, impossible date, unknown rating, empty received date). Due dates are the
n-th working day after receipt on the `holidays` Vietnam calendar. 1,000,000 rows take a few
seconds.

``--repeat K`` writes the N rows K times, the dossier id of copy k suffixed ``-k`` (so ids stay
unique) and every other cell the same: every figure of the file is exactly K times the N-row
file's (10,000,000 rows as ten copies of the 1,000,000-row file: about a minute, 2.9 GB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from make_sample import AGENCY, HEADERS, PROCEDURES

CAL_FIRST = dt.date(2022, 10, 1)
CAL_LAST = dt.date(2024, 12, 31)
EXPORT_DAY = dt.date(2024, 1, 5)


def working_calendar() -> tuple[np.ndarray, np.ndarray]:
    """(working days as day offsets from CAL_FIRST, working days on or before each offset)."""
    vn = holidays.country_holidays("VN", years=range(CAL_FIRST.year, CAL_LAST.year + 1))
    n_days = (CAL_LAST - CAL_FIRST).days + 1
    working = np.array(
        [vn.is_working_day(CAL_FIRST + dt.timedelta(i)) for i in range(n_days)], dtype=bool
    )
    return np.flatnonzero(working), np.cumsum(working)


def day_strings() -> np.ndarray:
    """'dd/mm/yyyy' for every offset, plus '' at index -1 (used for empty cells)."""
    n_days = (CAL_LAST - CAL_FIRST).days + 1
    days = pd.date_range(CAL_FIRST, periods=n_days, freq="D").strftime("%d/%m/%Y")
    return np.array([*days, ""], dtype=object)


def time_strings() -> np.ndarray:
    """' HH:MM' for every minute of the day, plus '' at index -1 (date-only cells)."""
    return np.array([f" {m // 60:02d}:{m % 60:02d}" for m in range(1440)] + [""], dtype=object)


def office_minutes(rng: np.random.Generator, n: int) -> np.ndarray:
    morning = rng.integers(7 * 60 + 30, 11 * 60 + 30, n)
    afternoon = rng.integers(13 * 60 + 30, 17 * 60, n)
    return np.where(rng.random(n) < 0.55, morning, afternoon)


def generate(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    wd, upto = working_calendar()  # wd[k] = offset of working day k; upto[d] = #working <= d
    export = (EXPORT_DAY - CAL_FIRST).days
    first_2022 = upto[(dt.date(2022, 12, 1) - CAL_FIRST).days]
    first_2023 = upto[(dt.date(2023, 1, 1) - CAL_FIRST).days]
    last_2023 = upto[(dt.date(2023, 12, 31) - CAL_FIRST).days]

    # received: working-day ordinals (0-based into wd)
    in_2022 = rng.random(n) < 0.05
    k_rec = np.where(
        in_2022,
        rng.integers(first_2022, first_2023, n),
        rng.integers(first_2023, last_2023, n),
    )
    rec = wd[k_rec]
    rec_min = office_minutes(rng, n)

    shares = np.array([p[4] for p in PROCEDURES])
    proc = rng.choice(len(PROCEDURES), size=n, p=shares / shares.sum())
    days = np.array([p[3] for p in PROCEDURES])[proc]
    due = wd[k_rec + days]  # k_rec is rec's own ordinal: the n-th working day after it

    # kinds: 0 normal, 1 not registered, 2 refused, 3 withdrawn, 4 returned, 5 stuck
    kind = np.searchsorted(
        np.cumsum([0.986, 0.003, 0.002, 0.0045, 0.0035, 0.001]), rng.random(n), side="right"
    )
    kind = np.minimum(kind, 5)
    late_by = np.where(
        (kind == 0) & (rng.random(n) < 0.027), np.minimum(rng.geometric(0.45, n), 6), 0
    )
    early = np.minimum(rng.geometric(0.42, n) - 1, days - 1)
    k_res = np.where(late_by > 0, days + late_by, np.maximum(1, days - early))
    k_res = np.where((kind == 3) | (kind == 4), rng.integers(1, np.maximum(2, days - 1)), k_res)
    res = wd[k_rec + k_res]
    res_min = office_minutes(rng, n)
    done = (kind == 0) | (kind == 3) | (kind == 4)
    done &= res <= export
    wait = rng.choice([0, 1, 2, 3], size=n, p=[0.5, 0.3, 0.15, 0.05])
    ret = wd[k_rec + k_res + wait]
    ret_min = np.where(wait == 0, np.minimum(res_min + rng.integers(5, 90, n), 17 * 60), 0)
    ret_min = np.where(wait == 0, ret_min, office_minutes(rng, n))
    handed = done & (kind == 0) & (ret <= export) & (rng.random(n) >= 0.07)
    ret = np.where(kind == 4, res, ret)
    ret_min = np.where(kind == 4, np.minimum(res_min + 30, 17 * 60), ret_min)
    handed |= done & (kind == 4)

    status = np.select(
        [
            kind == 1,
            kind == 2,
            kind == 5,
            ~done,
            kind == 3,
            kind == 4,
            handed,
        ],
        [
            "Mới đăng ký",
            "Không được tiếp nhận",
            "Đang xử lý",
            np.where(rng.random(n) < 0.3, "Đã tiếp nhận", "Đang xử lý"),
            "Công dân yêu cầu rút hồ sơ",
            "Trả lại",
            "Đã trả kết quả",
        ],
        default="Đã xử lý xong",
    ).astype(object)

    not_received = (kind == 1) | (kind == 2)
    with_result = done & (kind == 0)
    u = rng.random((n, 8))
    online = (kind == 1) | (u[:, 0] < 0.852)
    channel = np.where(online, "Trực tuyến", np.where(u[:, 1] < 0.8, "Trực tiếp", "Bưu chính"))
    yes_no = np.array(["Không", "Có", ""], dtype=object)
    dig = yes_no[np.where(not_received, 2, (u[:, 2] >= 0.005).astype(int))]
    rdig_yes = u[:, 3] < 0.921
    rdig = yes_no[np.where(with_result, rdig_yes.astype(int), 2)]
    eres = yes_no[np.where(with_result, (rdig_yes & (u[:, 4] < 0.70 / 0.921)).astype(int), 2)]
    ratings = np.array(["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", ""], object)
    rate = np.searchsorted([0.55, 0.966, 0.99], u[:, 5], side="right")
    sat = ratings[np.where(with_result & (u[:, 6] < 0.40), rate, 4)]
    late = (late_by > 0) | (~done & ~not_received & (due < export))
    apology = np.where(late & (u[:, 7] < 0.875), "Có", "").astype(object)

    # strings
    dstr, tstr = day_strings(), time_strings()
    date_only = rng.random((n, 4)) < np.array([0.03, 0.03, 0.03, 0.12])
    empty = -1

    def cell(day: np.ndarray, minute: np.ndarray, present: np.ndarray, d_only: np.ndarray):
        day_idx = np.where(present, day, empty)
        min_idx = np.where(present & ~d_only, minute, empty)
        return dstr[day_idx] + tstr[min_idx]

    everywhere = np.ones(n, dtype=bool)
    rec_cell = cell(rec, rec_min, everywhere, date_only[:, 0])
    due_cell = cell(due, rec_min, everywhere, date_only[:, 0] | date_only[:, 1])
    res_cell = cell(res, res_min, done, date_only[:, 2])
    ret_cell = cell(ret, ret_min, handed, date_only[:, 3])

    # ids: agency-yymmdd-serial, serial in order of receipt within the day
    order = np.lexsort((rec_min, rec))
    rec_sorted = rec[order]
    starts = np.r_[0, np.flatnonzero(np.diff(rec_sorted)) + 1]
    run = np.repeat(starts, np.diff(np.r_[starts, n]))
    serial = np.empty(n, dtype=np.int64)
    serial[order] = np.arange(n) - run + 1
    width = max(4, len(str(int(serial.max()))))
    yymmdd = pd.to_datetime(CAL_FIRST) + pd.to_timedelta(np.arange(dstr.size - 1), unit="D")
    yymmdd = np.asarray(yymmdd.strftime("%y%m%d"), dtype=object)
    ids = (f"{AGENCY}-" + yymmdd[rec]) + "-" + pd.Series(serial).astype(str).str.zfill(width)

    codes = np.array([p[0] for p in PROCEDURES], dtype=object)
    names = np.array([p[1] for p in PROCEDURES], dtype=object)
    fields = np.array([p[2] for p in PROCEDURES], dtype=object)
    df = pd.DataFrame(
        {
            HEADERS[0]: ids.to_numpy(dtype=object),
            HEADERS[1]: codes[proc],
            HEADERS[2]: names[proc],
            HEADERS[3]: fields[proc],
            HEADERS[4]: rec_cell,
            HEADERS[5]: due_cell,
            HEADERS[6]: res_cell,
            HEADERS[7]: ret_cell,
            HEADERS[8]: channel.astype(object),
            HEADERS[9]: status,
            HEADERS[10]: dig,
            HEADERS[11]: rdig,
            HEADERS[12]: eres,
            HEADERS[13]: sat,
            HEADERS[14]: apology,
            HEADERS[15]: days.astype(str).astype(object),
        }
    )

    # about one broken value of each kind per 50,000 rows
    n_bad = max(1, n // 50_000)
    bad = rng.choice(
        np.flatnonzero(with_result), size=min(4 * n_bad, int(with_result.sum())), replace=False
    )
    b1, b2, b3, b4 = np.array_split(bad, 4)
    df.loc[b1, HEADERS[8]] = "Qua mạng"
    df.loc[b2, HEADERS[6]] = "31/02/2023 15:20"
    df.loc[b3, HEADERS[13]] = "Tốt"
    df.loc[b4, HEADERS[4]] = ""
    return df.iloc[order].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of rows")
    parser.add_argument("out", type=Path, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="K", help="write the rows K times (ids -1..-K)"
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    df = generate(args.n, args.seed)
    t1 = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.repeat == 1:
        df.to_csv(args.out, index=False, encoding="utf-8", lineterminator="\n")
    else:
        ids = df[HEADERS[0]].copy()
        with args.out.open("w", encoding="utf-8", newline="") as fh:
            for k in range(1, args.repeat + 1):
                df[HEADERS[0]] = ids + f"-{k}"
                df.to_csv(fh, index=False, header=k == 1, lineterminator="\n")
    t2 = time.perf_counter()
    size = args.out.stat().st_size / 1e6
    print(
        f"make_big: {args.n * args.repeat} rows -> {args.out} ({size:.0f} MB): "
        f"generate {t1 - t0:.1f} s, write {t2 - t1:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
