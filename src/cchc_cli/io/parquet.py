"""A staged export as a hive-partitioned Parquet set (``cchc convert``), and read back.

The set holds the staged cells exactly (``_line`` and the string columns ``"0"``, ``"1"`` …),
partitioned by the received date's year and month (``year=2023/month=5/part-0.parquet``; rows
whose received date is empty or unusable under ``__HIVE_DEFAULT_PARTITION__``), and a
``_cchc.json`` describing the original file (its :class:`~cchc_cli.io.staged.TableInfo`). Read
back it is that export again: the same cells, the same figures, every message naming the original
file's lines. DuckDB and Spark read the parts as any hive-partitioned set (files starting with
``_`` are skipped by both).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CchcError, Location, Msg
from .staged import Staged, TableInfo

if TYPE_CHECKING:
    import pyarrow as pa

SET_FILE = "_cchc.json"  # marks a folder cchc wrote; also what ``publish_folder`` replaces
SET_FORMAT = "cchc-parquet"
SET_VERSION = 1
PARTITIONS = ("year", "month")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def is_converted(path: str | Path) -> bool:
    p = Path(path)
    return p.is_dir() and (p / SET_FILE).is_file()


def write_set(
    info: TableInfo, batches: Iterator[pa.RecordBatch], received: int | None, folder: Path
) -> dict[str, int]:
    """Write the cells (batches of ``_line``, ``"0"`` …) into ``folder``, partitioned by the
    received date of column ``received`` (0-based; None: one partition of unknown dates).
    Returns rows per partition ("2023-05", "" for the unknown ones)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from .cells import parse_dates
    from .staged import ABSENT

    counts: dict[str, int] = {}

    def with_partitions() -> Iterator[pa.RecordBatch]:
        for batch in batches:
            n = batch.num_rows
            if received is None:
                years = np.zeros(n, dtype=np.int16)
                known = np.zeros(n, dtype=bool)
                months = years.astype(np.int8)
                ym = np.zeros(n, dtype=np.int64)
            else:
                cells = pc.if_else(
                    pc.equal(batch.column(str(received)), ABSENT),
                    "",
                    batch.column(str(received)),
                )
                cells = pa.chunked_array([cells])
                empty = np.asarray(pc.equal(cells, "").to_numpy(zero_copy_only=False), dtype=bool)
                days, invalid = parse_dates(cells, empty)
                known = ~np.isnat(days) & ~invalid
                ym = days.astype("datetime64[M]").astype(np.int64)
                years = np.where(known, ym // 12 + 1970, 0).astype(np.int16)
                months = np.where(known, ym % 12 + 1, 0).astype(np.int8)
            codes, per = np.unique(ym[known], return_counts=True)  # months since 1970-01
            for code, rows in zip(codes.tolist(), per.tolist(), strict=True):
                key = f"{code // 12 + 1970:04d}-{code % 12 + 1:02d}"
                counts[key] = counts.get(key, 0) + rows
            if (~known).any():
                counts[""] = counts.get("", 0) + int((~known).sum())
            mask = pa.array(~known)
            yield pa.RecordBatch.from_arrays(
                [
                    *batch.columns,
                    pc.if_else(mask, pa.scalar(None, pa.int16()), pa.array(years)),
                    pc.if_else(mask, pa.scalar(None, pa.int8()), pa.array(months)),
                ],
                names=[*batch.schema.names, *PARTITIONS],
            )

    names = ["_line", *(str(i) for i in range(len(info.headers)))]
    schema = pa.schema(
        [("_line", pa.int64())]
        + [(n, pa.string()) for n in names[1:]]
        + [("year", pa.int16()), ("month", pa.int8())]
    )
    reader = pa.RecordBatchReader.from_batches(schema, (b.cast(schema) for b in with_partitions()))
    ds.write_dataset(
        reader,
        folder,
        format="parquet",
        partitioning=ds.partitioning(
            pa.schema([("year", pa.int16()), ("month", pa.int8())]), flavor="hive"
        ),
        basename_template="part-{i}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        max_rows_per_group=1 << 20,
    )
    doc = {
        "format": SET_FORMAT,
        "version": SET_VERSION,
        "partitioning": list(PARTITIONS),
        "table": _info_json(info),
        "rows": dict(sorted(counts.items())),
    }
    (folder / SET_FILE).write_text(
        json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return counts


def read_set(path: str | Path) -> Staged:
    """A folder ``cchc convert`` wrote, as the export it came from."""
    folder = Path(path)
    where = Location(str(folder / SET_FILE))
    try:
        doc = json.loads((folder / SET_FILE).read_text(encoding="utf-8"))
        if doc.get("format") != SET_FORMAT or doc.get("version") != SET_VERSION:
            raise ValueError("not a cchc Parquet set of this version")
        info = _info_from(doc["table"])
        expected = sum(int(v) for v in doc["rows"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CchcError(
            Msg(
                f"tệp mô tả của bộ Parquet không đọc được: {exc}",
                f"the Parquet set's description cannot be read: {exc}",
            ),
            Msg(
                "tạo lại bộ Parquet: cchc convert <tệp xuất> --to parquet <thư mục>",
                "make the set again: cchc convert <export> --to parquet <folder>",
            ),
            where,
        ) from None
    parts = tuple(sorted(str(p) for p in folder.rglob("*.parquet")))
    rows = _rows_in(parts, where)
    if rows != expected or rows != info.rows:
        raise CchcError(
            Msg(
                f"bộ Parquet thiếu hoặc thừa dòng: các phần có {rows} dòng, tệp mô tả ghi "
                f"{info.rows}",
                f"the Parquet set has missing or extra rows: its parts hold {rows}, its "
                f"description says {info.rows}",
            ),
            Msg(
                "đừng xoá hay thêm phần nào; tạo lại bộ bằng cchc convert",
                "do not delete or add parts; make the set again with cchc convert",
            ),
            Location(str(folder)),
        )
    return Staged(info, parquet=parts)


def _rows_in(parts: tuple[str, ...], where: Location) -> int:
    import pyarrow.parquet as pq

    total = 0
    for part in parts:
        try:
            total += pq.ParquetFile(part).metadata.num_rows
        except (OSError, ValueError) as exc:
            raise CchcError(
                Msg(f"phần Parquet hỏng: {part}: {exc}", f"a broken Parquet part: {part}: {exc}"),
                Msg("tạo lại bộ bằng cchc convert", "make the set again with cchc convert"),
                where,
            ) from None
    return total


def _info_json(info: TableInfo) -> dict:
    return {
        "path": info.path,
        "sha256": info.sha256,
        "size": info.size,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "sheet": info.sheet,
        "header_line": info.header_line,
        "headers": list(info.headers),
        "rows": info.rows,
        "blank_rows": info.blank_rows,
        "format": info.format,
        "layout": [list(x) for x in info.layout],
    }


def _info_from(doc: dict) -> TableInfo:
    return TableInfo(
        path=str(doc["path"]),
        sha256=str(doc["sha256"]),
        size=int(doc["size"]),
        encoding=doc["encoding"],
        delimiter=doc["delimiter"],
        sheet=doc["sheet"],
        header_line=int(doc["header_line"]),
        headers=tuple(str(h) for h in doc["headers"]),
        rows=int(doc["rows"]),
        blank_rows=int(doc["blank_rows"]),
        format=str(doc["format"]),
        layout=tuple((int(line), str(kind)) for line, kind in doc["layout"]),
    )
