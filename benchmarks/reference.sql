-- Independent DuckDB implementation of the seven dossier indicators of
-- /work/shared/spec/indicators.md, used to cross-check `cchc check` (see duckdb_reference.py).
--
-- duckdb_reference.py runs the statements below in order (they are split on the `-- name:` lines).
-- Before the first one it creates:
--   raw(...)       view over the CSV, every column VARCHAR, Vietnamese headers as in the sample
--   params(p_start DATE, p_end DATE)       the period P, inclusive, by calendar date
-- and before `indicators` (and `placed`, the same rules in three-valued logic, for Biểu 06 and
-- the row accounting) it creates, from the `holidays` package's Vietnam calendar:
--   workdays(day DATE, n_upto INTEGER)     every calendar day, with the number of working days <= it
--   workday_ordinals(ordinal INTEGER, day DATE)   the ordinal-th working day
-- (only used to work out a due date from `Thời hạn giải quyết` when `Ngày hẹn trả` is empty).
--
-- Simplifications (deliberate, documented):
--   * Vocabulary words are matched exactly after trim + lower-case, on the NFC spellings used in
--     the sample (no diacritic folding, no NFD input). DVCQG codes are accepted for channel/status.
--   * A broken or empty `Ngày tiếp nhận` leaves a row out only where the rule reads the received
--     date: "received in P" (online, digitized) and "open at the end of P" (late dossiers, for rows
--     with no end date or one after P). "Resolved in P" does not read it (cchc's documented choice).
--   * End date = resolved_at, else returned_at. It is unknown (row left out of the indicators that
--     use it) when resolved_at is present but broken, or resolved_at is empty and returned_at broken.
--   * Needed columns: on time = end, due; satisfaction = end, rating; online = channel;
--     digitized = dossier_digitized; results_* = end, the yes/no column; late = end, due, apology.
--   * `left_out` counts every received row (status not 1/3) with an unusable needed value,
--     whatever its dates; it is informational only (run.sh compares numerator/denominator).

-- name: macros
CREATE OR REPLACE TEMP MACRO ref_date(s) AS
    CAST(try_strptime(s, ['%d/%m/%Y %H:%M', '%d/%m/%Y', '%d/%m/%Y %H:%M:%S',
                          '%Y-%m-%d', '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S']) AS DATE);

CREATE OR REPLACE TEMP MACRO ref_yesno(s) AS
    CASE WHEN s IN ('có', 'đã', 'x', '1', 'true', 'yes') THEN TRUE
         WHEN s IN ('không', 'chưa', '', '0', 'false', 'no') THEN FALSE
         ELSE NULL END;

-- name: cells
-- The export's cells, trimmed (and lower-cased where they are words); `line` is the row's
-- position in the file (1 = first dossier). Read by `parse` and by `placed`.
CREATE OR REPLACE TEMP TABLE cells AS
SELECT
    row_number() OVER ()                         AS line,
    nullif(trim("Mã hồ sơ"), '')                 AS id,
    trim(coalesce("Lĩnh vực", ''))               AS field,
    lower(trim(coalesce("Trạng thái", '')))      AS status,
    nullif(trim("Ngày tiếp nhận"), '')           AS rec_s,
    nullif(trim("Ngày hẹn trả"), '')             AS due_s,
    nullif(trim("Ngày kết thúc xử lý"), '')      AS res_s,
    nullif(trim("Ngày trả kết quả"), '')         AS ret_s,
    lower(trim(coalesce("Hình thức nộp", '')))   AS channel,
    lower(trim(coalesce("Số hóa hồ sơ", '')))    AS dig_s,
    lower(trim(coalesce("Số hóa kết quả", '')))  AS rdig_s,
    lower(trim(coalesce("Kết quả điện tử", ''))) AS eres_s,
    lower(trim(coalesce("Mức độ hài lòng", ''))) AS sat_s,
    lower(trim(coalesce("Phiếu xin lỗi", '')))   AS apo_s,
    try_cast(trim("Thời hạn giải quyết") AS INTEGER) AS days_n
FROM raw;

-- name: parse
CREATE OR REPLACE TEMP TABLE dossiers AS
WITH src AS (SELECT * FROM cells),
dated AS (
    SELECT *,
        ref_date(rec_s) AS rec_d,
        ref_date(due_s) AS due_given_d,
        ref_date(res_s) AS res_d,
        ref_date(ret_s) AS ret_d
    FROM src
)
SELECT
    status IN ('mới đăng ký', 'không được tiếp nhận', '1', '3')                   AS not_received,
    status IN ('công dân yêu cầu rút hồ sơ', 'rút hồ sơ', 'dừng xử lý', 'trả lại', '7', '8')
                                                                                 AS withdrawn,
    rec_d,
    (rec_d IS NULL)                                                              AS rec_bad,
    coalesce(res_d, ret_d)                                                       AS end_d,
    ((res_s IS NOT NULL AND res_d IS NULL)
        OR (res_s IS NULL AND ret_s IS NOT NULL AND ret_d IS NULL))              AS end_bad,
    due_given_d,
    (due_s IS NOT NULL AND due_given_d IS NULL)                                  AS due_given_bad,
    (due_s IS NULL)                                                              AS due_missing,
    days_n,
    CASE WHEN channel IN ('trực tuyến', '2') THEN TRUE
         WHEN channel IN ('trực tiếp', '1', 'bưu chính', 'dịch vụ bưu chính công ích', 'bcci', '3')
             THEN FALSE
         ELSE NULL END                                                           AS online,
    ref_yesno(dig_s)                                                             AS digitized,
    ref_yesno(rdig_s)                                                            AS result_digitized,
    ref_yesno(eres_s)                                                            AS e_result,
    CASE WHEN sat_s = '' THEN 'none'
         WHEN sat_s IN ('rất hài lòng', 'hài lòng') THEN 'good'
         WHEN sat_s IN ('bình thường', 'không hài lòng') THEN 'bad'
         ELSE NULL END                                                           AS rating,
    ref_yesno(apo_s)                                                             AS apology
FROM dated;

-- name: due_range
-- received dates of the rows whose due date has to be counted from `Thời hạn giải quyết`
SELECT min(rec_d), max(rec_d) FROM dossiers WHERE due_missing AND NOT not_received;

-- name: indicators
WITH d AS (
    SELECT
        k.*,
        CASE WHEN NOT k.due_missing THEN k.due_given_d
             WHEN k.days_n = 0 THEN k.rec_d
             WHEN k.days_n > 0 THEN w.day END                                    AS due_d
    FROM dossiers k
    LEFT JOIN workdays c ON k.due_missing AND c.day = k.rec_d
    LEFT JOIN workday_ordinals w ON w.ordinal = c.n_upto + k.days_n
    WHERE NOT k.not_received
),
c AS (
    SELECT
        d.*,
        (due_d IS NULL)                                                          AS due_bad,
        (end_d BETWEEN p.p_start AND p.p_end)                                    AS resolved_in_p,
        (rec_d BETWEEN p.p_start AND p.p_end)                                    AS received_in_p,
        (rec_d <= p.p_end AND (end_d IS NULL OR end_d > p.p_end))                AS open_at_end,
        p.p_end
    FROM d, params p
),
f AS (
    SELECT
        *,
        NOT (end_bad OR due_bad)                                                 AS ok_on_time,
        NOT (end_bad OR rating IS NULL)                                          AS ok_sat,
        NOT (rec_bad OR online IS NULL)                                          AS ok_online,
        NOT (rec_bad OR digitized IS NULL)                                       AS ok_dig,
        NOT (end_bad OR e_result IS NULL)                                        AS ok_eres,
        NOT (end_bad OR result_digitized IS NULL)                                AS ok_rdig,
        NOT (end_bad OR due_bad OR apology IS NULL
             OR (rec_bad AND (end_d IS NULL OR end_d > p_end)))                  AS ok_late
    FROM c
),
g AS (
    SELECT
        *,
        coalesce(resolved_in_p AND NOT withdrawn AND end_d > due_d, FALSE)
            OR coalesce(open_at_end AND due_d < p_end, FALSE)                    AS late_dossier
    FROM f
),
a AS (
    SELECT
        count(*) FILTER (WHERE ok_on_time AND resolved_in_p AND (withdrawn OR end_d <= due_d)) AS on_n,
        count(*) FILTER (WHERE ok_on_time AND resolved_in_p)                           AS on_d,
        count(*) FILTER (WHERE NOT ok_on_time)                                         AS on_x,
        count(*) FILTER (WHERE ok_sat AND resolved_in_p AND rating = 'good')           AS sat_n,
        count(*) FILTER (WHERE ok_sat AND resolved_in_p AND rating <> 'none')          AS sat_d,
        count(*) FILTER (WHERE NOT ok_sat)                                             AS sat_x,
        count(*) FILTER (WHERE ok_online AND received_in_p AND online)                 AS onl_n,
        count(*) FILTER (WHERE ok_online AND received_in_p)                            AS onl_d,
        count(*) FILTER (WHERE NOT ok_online)                                          AS onl_x,
        count(*) FILTER (WHERE ok_dig AND received_in_p AND digitized)                 AS dig_n,
        count(*) FILTER (WHERE ok_dig AND received_in_p)                               AS dig_d,
        count(*) FILTER (WHERE NOT ok_dig)                                             AS dig_x,
        count(*) FILTER (WHERE ok_eres AND resolved_in_p AND NOT withdrawn AND e_result) AS eres_n,
        count(*) FILTER (WHERE ok_eres AND resolved_in_p AND NOT withdrawn)            AS eres_d,
        count(*) FILTER (WHERE NOT ok_eres)                                            AS eres_x,
        count(*) FILTER (WHERE ok_rdig AND resolved_in_p AND NOT withdrawn AND result_digitized)
                                                                                 AS rdig_n,
        count(*) FILTER (WHERE ok_rdig AND resolved_in_p AND NOT withdrawn)            AS rdig_d,
        count(*) FILTER (WHERE NOT ok_rdig)                                            AS rdig_x,
        count(*) FILTER (WHERE ok_late AND late_dossier AND apology)                   AS late_n,
        count(*) FILTER (WHERE ok_late AND late_dossier)                               AS late_d,
        count(*) FILTER (WHERE NOT ok_late)                                            AS late_x
    FROM g
)
SELECT u.id, u.numerator, u.denominator, u.left_out
FROM (
    SELECT unnest([
        {'id': 'dossiers_on_time', 'numerator': on_n, 'denominator': on_d, 'left_out': on_x},
        {'id': 'citizen_satisfaction', 'numerator': sat_n, 'denominator': sat_d, 'left_out': sat_x},
        {'id': 'dossiers_online', 'numerator': onl_n, 'denominator': onl_d, 'left_out': onl_x},
        {'id': 'dossiers_digitized', 'numerator': dig_n, 'denominator': dig_d, 'left_out': dig_x},
        {'id': 'results_electronic', 'numerator': eres_n, 'denominator': eres_d,
         'left_out': eres_x},
        {'id': 'results_digitized', 'numerator': rdig_n, 'denominator': rdig_d,
         'left_out': rdig_x},
        {'id': 'late_dossiers_apologized', 'numerator': late_n, 'denominator': late_d,
         'left_out': late_x}
    ]) AS u
    FROM a
);

-- name: placed
-- One row per dossier with the period tests of indicators.md in SQL's own three-valued logic
-- (NULL = unknown), for Biểu 06 and the row accounting of `cchc check` (duckdb_reference.py's
-- `placements`). Unlike `indicators` above, a bad cell is NULL wherever it is read:
--   * received date empty or broken -> NULL; end date = resolved_at, else returned_at; a cell
--     present but broken -> NULL; neither present -> no end (still open);
--   * an end date before the received date, or a withdrawn/resolved status with no end date,
--     makes the end date unknown; a due date before the received date makes the due unknown;
--   * a dossier ends on or after the day it is received, so a known end before P rules out
--     "received in P" and a known received date after P rules out "resolved in P";
--   * a row with no `Mã hồ sơ`, or repeating an earlier one, is set aside (`excluded`).
CREATE OR REPLACE TEMP TABLE placed AS
WITH src AS (SELECT * FROM cells),
ids AS (
    SELECT *,
        id IS NOT NULL AND row_number() OVER (PARTITION BY id ORDER BY line) > 1 AS repeated
    FROM src
),
dated AS (
    SELECT *,
        ref_date(rec_s)                                                AS rec_d,
        CASE WHEN res_s IS NOT NULL THEN ref_date(res_s) ELSE ref_date(ret_s) END AS end_raw,
        (res_s IS NULL AND ret_s IS NULL)                              AS no_end,
        status IN ('mới đăng ký', 'không được tiếp nhận', '1', '3')   AS not_received,
        status IN ('công dân yêu cầu rút hồ sơ', 'rút hồ sơ', 'dừng xử lý', 'trả lại', '7', '8')
                                                                       AS withdrawn,
        status IN ('đã xử lý xong', 'đã trả kết quả', '9', '10')       AS resolved_status,
        CASE WHEN channel IN ('trực tuyến', '2') THEN TRUE
             WHEN channel IN ('trực tiếp', '1', 'bưu chính', 'dịch vụ bưu chính công ích',
                              'bcci', '3') THEN FALSE
        END                                                            AS online
    FROM ids
),
ended AS (
    SELECT d.*,
        -- NULL where the end is unknown; no_end rows have no end at all
        CASE WHEN no_end THEN NULL
             WHEN end_raw < rec_d THEN NULL
             ELSE end_raw END                                          AS end_d,
        (no_end AND (withdrawn OR resolved_status))                    AS end_missing,
        CASE WHEN d.due_s IS NOT NULL THEN ref_date(d.due_s)
             WHEN d.days_n = 0 THEN d.rec_d
             WHEN d.days_n > 0 THEN w.day END                          AS due_raw
    FROM dated d
    LEFT JOIN workdays c ON d.due_s IS NULL AND c.day = d.rec_d
    LEFT JOIN workday_ordinals w ON w.ordinal = c.n_upto + d.days_n
),
tested AS (
    SELECT e.*,
        CASE WHEN due_raw < rec_d THEN NULL ELSE due_raw END           AS due_d,
        -- the end compared with a day: no end -> FALSE (known), unknown end -> NULL
        CASE WHEN end_missing THEN NULL WHEN no_end THEN FALSE ELSE end_d < p.p_start END
                                                                       AS ended_before,
        CASE WHEN end_missing THEN NULL WHEN no_end THEN FALSE
             ELSE end_d BETWEEN p.p_start AND p.p_end END              AS end_in_p,
        CASE WHEN end_missing THEN NULL WHEN no_end THEN TRUE ELSE end_d > p.p_end END
                                                                       AS ends_after,
        CASE WHEN end_missing THEN NULL WHEN no_end THEN TRUE ELSE end_d >= p.p_start END
                                                                       AS open_at_start,
        p.p_start, p.p_end
    FROM ended e, params p
),
periods AS (
    SELECT *,
        (NOT not_received) AND (rec_d BETWEEN p_start AND p_end)
            AND NOT coalesce(ended_before, FALSE)                      AS received_in_p,
        (NOT not_received) AND end_in_p AND NOT coalesce(rec_d > p_end, FALSE) AS resolved_in_p,
        (NOT not_received) AND rec_d <= p_end AND ends_after           AS open_at_end,
        (NOT not_received) AND rec_d < p_start AND open_at_start      AS carried_over,
        CASE WHEN end_missing OR (NOT no_end AND end_d IS NULL) THEN NULL
             WHEN no_end THEN NULL
             WHEN withdrawn THEN 'on_time'
             WHEN end_d < due_d THEN 'early'
             WHEN end_d = due_d THEN 'on_time'
             WHEN end_d > due_d THEN 'late' END                        AS timeliness
    FROM tested
)
SELECT
    line, id, field, not_received, (id IS NULL OR repeated) AS excluded,
    received_in_p, resolved_in_p, open_at_end, carried_over,
    open_at_end AND due_d < p_end                                      AS overdue_at_end,
    online, timeliness, withdrawn,
    ref_yesno(dig_s) AS digitized, ref_yesno(rdig_s) AS result_digitized,
    ref_yesno(eres_s) AS e_result, ref_yesno(apo_s) AS apology,
    CASE WHEN sat_s = '' THEN 'none'
         WHEN sat_s IN ('rất hài lòng', 'hài lòng') THEN 'good'
         WHEN sat_s IN ('bình thường', 'không hài lòng') THEN 'bad' END AS rating,
    -- the bad cells, for the reasons of left-out rows
    CASE WHEN id IS NULL THEN 'missing_value' WHEN repeated THEN 'duplicate_id' END AS bad_id,
    CASE WHEN rec_s IS NULL THEN 'missing_value' WHEN rec_d IS NULL THEN 'invalid_date' END
                                                                       AS bad_received,
    CASE WHEN res_s IS NOT NULL AND ref_date(res_s) IS NULL THEN 'invalid_date'
         WHEN res_s IS NOT NULL AND end_raw < rec_d THEN 'end_before_received' END AS bad_resolved,
    CASE WHEN res_s IS NULL AND ret_s IS NOT NULL AND ref_date(ret_s) IS NULL THEN 'invalid_date'
         WHEN res_s IS NULL AND ret_s IS NOT NULL AND end_raw < rec_d
             THEN 'end_before_received' END                            AS bad_returned,
    CASE WHEN end_missing THEN 'resolved_without_end' END              AS bad_status,
    CASE WHEN channel = '' THEN 'missing_value' WHEN online IS NULL THEN 'unknown_value' END
                                                                       AS bad_channel,
    CASE WHEN due_s IS NOT NULL AND ref_date(due_s) IS NULL THEN 'invalid_date'
         WHEN due_raw < rec_d THEN 'due_before_received'
         WHEN due_raw IS NULL AND rec_d IS NOT NULL THEN 'no_due_date' END AS bad_due,
    (due_s IS NULL AND due_raw IS NOT NULL)                            AS due_derived
FROM periods
ORDER BY line;
