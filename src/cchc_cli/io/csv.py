"""Delimited text (CSV/TSV) read whole: decoded (:mod:`cchc_cli.io.encoding`), its header row
found (:func:`find_header`), then its records parsed into string columns (:func:`parse_region`):
pyarrow's multi-threaded reader first; rows with fewer cells re-read and padded with
:data:`~cchc_cli.io.staged.ABSENT`; rows with more cells and a quote left open reported (via
pandas' C parser, imported only then). A large UTF-8 file is read block by block with the same
functions (:mod:`cchc_cli.io.csv_stream`).
"""

from __future__ import annotations

import csv
import functools
import io
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from ..errors import CchcError, Location, Msg
from . import sizes
from .blocks import LONE_CR
from .clean import finish
from .encoding import Decoded, NotUtf8, decode, decode_error, decode_legacy, first_bad_utf8, head_at
from .files import Ctx, binary_error
from .header import (
    DELIMITERS,
    Hit,
    Record,
    any_field_size,
    best_header,
    blank_error,
    head_records,
    no_header_error,
)
from .staged import ABSENT, cell_names

_DELIMITER_NAMES = {
    "tab": "\t",
    "\\t": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
}


def delimiter_option(delimiter: str | None, shown: str) -> str | None:
    if delimiter is None:
        return None
    d = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
    if len(d) != 1 or d in '"\r\n' or d.isalnum():
        raise CchcError(
            Msg(f"dấu phân cách không hợp lệ: {delimiter!r}", f"invalid delimiter: {delimiter!r}"),
            Msg(
                "dùng một ký tự: ',' ';' hoặc 'tab'",
                "use a single character: ',' ';' or 'tab'",
            ),
            Location(shown),
        )
    return d


def text_table(data: bytes, ctx: Ctx, encoding: str | None, delimiter: str | None) -> dict:
    dec = decode(ctx, data, encoding, delimiter)
    try:
        return _decoded_table(ctx, data, dec, delimiter)
    except NotUtf8:
        # a large file whose head is UTF-8 has an invalid byte further on
        bad = first_bad_utf8(data, dec.start)
        if bad is None:  # pragma: no cover - the parser and Python disagree
            raise csv_parse_error(ctx, "invalid UTF-8") from None
        if dec.must:
            exc = UnicodeDecodeError("utf-8", data, bad, bad + 1, "invalid byte")
            raise decode_error(ctx, data, "utf-8", exc) from None
        return legacy_table(ctx, data, delimiter)


def legacy_table(ctx: Ctx, data: bytes, delimiter: str | None) -> dict:
    """A text file that is not UTF-8 after all, decoded whole with the code page that fits."""
    return _decoded_table(ctx, data, decode_legacy(ctx, data, delimiter), delimiter)


def csv_parse_error(ctx: Ctx, detail: str) -> CchcError:
    return ctx.error(
        f"không phân tích được '{ctx.name}' như tệp CSV: {detail}",
        f"cannot parse '{ctx.name}' as CSV: {detail}",
        "mở bằng Excel và 'Lưu thành' CSV UTF-8, hoặc xuất lại tệp",
        "open it in Excel and 'Save As' CSV UTF-8, or export it again",
    )


def _decoded_table(ctx: Ctx, data: bytes, dec: Decoded, delimiter: str | None) -> dict:
    buf, start = dec.buf, dec.start
    if b"\x00" in buf:  # NUL characters in the text
        raise binary_error(ctx, buf.find(b"\x00") if buf is data else None)
    if b"\r" in buf and buf.count(b"\r") != buf.count(b"\r\n"):
        buf = buf[:start] + LONE_CR.sub(b"\n", buf[start:])  # lone CR = line break
    hit, offset = find_header(ctx, lambda _: buf, start, delimiter)
    width, first_line = len(hit.record.cells), hit.record.end + 1
    region = Region(buf, offset, hit.delimiter, width, first_line, dec.verified)
    columns, nrec = parse_region(ctx, region)
    cells, lines, blank, layout = finish(
        columns, nrec, region.physical, first_line, hit.record.cells, ctx.keys
    )
    return text_parts(dec.encoding, hit, cells, lines, blank, layout)


def text_parts(encoding: str, hit: Hit, cells, lines, blank: int, layout) -> dict:
    return {
        "encoding": encoding,
        "delimiter": hit.delimiter,
        "sheet": None,
        "header_line": hit.record.start,
        "headers": tuple(hit.record.cells),
        "cells": cells,
        "lines": lines,
        "blank_rows": blank,
        "layout": tuple(layout),
    }


def find_header(
    ctx: Ctx, text: Callable[[int], bytes], start: int, delimiter: str | None
) -> tuple[Hit, int]:
    """The header row (the best one under the best delimiter) and the offset just after it.

    ``text(n)`` gives the text with at least its first ``n`` bytes (or all of it): the head
    searched grows 4x at a time until it holds HEADER_SEARCH_ROWS records."""
    size = sizes.HEAD_CHARS
    while True:
        buf = text(start + size + 1)
        head, complete = head_at(buf, start, size)
        hit, final = best_header(ctx, head, complete, delimiter)
        if final:
            break
        size *= 4
    if hit is None:
        raise blank_error(ctx)
    if hit.score < ctx.min_score:
        widest = max(
            (head_records(head, complete, d) for d in ((delimiter,) if delimiter else DELIMITERS)),
            key=lambda recs: len(recs[0].cells) if recs else 0,
        )
        raise no_header_error(ctx, widest, "", "")
    # byte offset after the header record's last line
    offset = start
    for _ in range(hit.record.end):
        nl = buf.find(b"\n", offset)
        if nl < 0:
            offset = len(buf)
            break
        offset = nl + 1
    return hit, offset


@dataclass
class Region:
    """The data records: buf[offset:], UTF-8, starting on file line ``first_line``."""

    buf: bytes
    offset: int
    delimiter: str
    width: int  # header cells
    first_line: int
    verified: bool  # buf is known to be valid UTF-8
    # Read block by block (large files): whether this block ends the file, and what the blocks
    # before it say for the unclosed-quote test, which the whole-file reader makes on the whole
    # text: an odd number of quotes in them, a record spanning lines in them.
    last: bool = True
    odd_quotes: bool = False
    multiline: bool = False
    records: int = 0  # parsed records (set once parsed)
    odd_here: bool = False  # an odd number of quotes in this block (set once parsed)
    end: int = -1  # where the records end in buf (-1: at its end)
    lines: int = -1  # LF bytes in the region, if counted already
    plain: bool = False  # no byte of WATCH nor U+1680: cells clean, NFC, ASCII spaces only

    @property
    def stop(self) -> int:
        return len(self.buf) if self.end < 0 else self.end

    @functools.cached_property
    def physical(self) -> int:
        """Text lines in the region (a last line without a newline counts)."""
        buf, stop = self.buf, self.stop
        tail = stop > self.offset and buf[stop - 1] != 0x0A
        lines = self.lines if self.lines >= 0 else buf.count(b"\n", self.offset, stop)
        return lines + (1 if tail else 0)

    def view(self) -> memoryview:
        return memoryview(self.buf)[self.offset : self.stop]


def _arrow_csv(
    region: Region, on_invalid, threads: bool = True, newlines: bool = True
) -> pa.Table:
    names = cell_names(region.width)
    return pa_csv.read_csv(
        pa.BufferReader(pa.py_buffer(region.view())),
        read_options=pa_csv.ReadOptions(
            column_names=names,
            # two pieces at least, one per core (a streamed block may be smaller than sizes.BLOCK)
            block_size=min(sizes.BLOCK, max(1 << 20, (region.stop - region.offset) // 2 + 1)),
            use_threads=threads,
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=region.delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=newlines,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=not region.verified,
        ),
    )


def parse_region(ctx: Ctx, region: Region) -> tuple[list[pa.ChunkedArray], int]:
    """Parse the region into ``width`` string columns; raise on rows wider than that.

    Fast path: pyarrow, multi-threaded. Rows with fewer cells are re-read single-threaded and
    padded (:func:`_parse_region_padded`); a possibly unclosed quote goes to the C parser of
    pandas, which reports it (:func:`_parse_region_pandas`)."""
    if region.offset >= region.stop:
        return [pa.chunked_array([], pa.large_string()) for _ in range(region.width)], 0
    invalid: list[int] = []

    def on_invalid(row) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    # Most exports have no line break inside a quoted cell. pyarrow splits blocks fastest when told
    # so; the guess is proven by the counts: one record per physical line and no short rows (a
    # quoted line break makes a record span two lines, or, cut at a block edge, a short row).
    # Otherwise the file is parsed again allowing line breaks in cells.
    if region.physical > 1:
        try:
            fast = _arrow_csv(region, on_invalid, newlines=False)
        except pa.ArrowException:
            fast = None
        if fast is not None and not invalid and fast.num_rows == region.physical:
            return list(fast.columns), fast.num_rows
        del fast
        invalid.clear()
    try:
        table = _arrow_csv(region, on_invalid)
    except pa.ArrowInvalid as exc:
        if not region.verified and "utf8" in str(exc).lower():
            raise NotUtf8 from None
        return _parse_region_pandas(ctx, region)
    except pa.ArrowException:  # pragma: no cover - pyarrow failing otherwise
        return _parse_region_pandas(ctx, region)
    if _maybe_unclosed_quote(region, table.num_rows + len(invalid)):
        del table
        return _parse_region_pandas(ctx, region)
    if invalid:
        del table
        return _parse_region_padded(ctx, region)
    return list(table.columns), table.num_rows


def _parse_region_padded(ctx: Ctx, region: Region) -> tuple[list[pa.ChunkedArray], int]:
    """Rows with fewer cells than the header: pyarrow skips them and, single-threaded, tells
    their record number and text; they are parsed here, padded with ABSENT and put back."""
    short: list[tuple[int | None, str]] = []

    def on_invalid(row) -> str:
        short.append((row.number, row.text))
        return "skip"

    table = _arrow_csv(region, on_invalid, threads=False)
    total = table.num_rows + len(short)
    pos = np.array([num - 1 if num else -1 for num, _ in short], dtype=np.int64)
    if (pos < 0).any() or (pos >= total).any() or (np.diff(pos) <= 0).any():
        return _parse_region_pandas(ctx, region)  # pragma: no cover - numbers unknown
    extra: list[list[str]] = [[] for _ in range(region.width)]
    for _, text in short:
        cells = next(csv.reader(io.StringIO(text), delimiter=region.delimiter), [])
        if len(cells) > region.width:
            # a trailing delimiter (Excel, some exporters) adds empty cells: nothing is lost by
            # dropping them; a non-empty extra cell would shift data, so that stays an error
            if any(c.strip() for c in cells[region.width :]):
                raise _ragged_error(ctx, region)
            cells = cells[: region.width]
        pad = ABSENT if any(c.strip() for c in cells) else ""  # a blank line stays blank
        for i in range(region.width):
            extra[i].append(cells[i] if i < len(cells) else pad)
    columns = []
    if len(short) <= 1000:  # splice the few padded rows in between zero-copy slices
        cuts = pos - np.arange(len(short))  # where each short row goes among the parsed ones
        for col, more in zip(table.columns, extra, strict=True):
            pieces, prev = [], 0
            for k, cut in enumerate(cuts.tolist()):
                pieces.append(col.slice(prev, cut - prev))
                pieces.append(pa.chunked_array([pa.array(more[k : k + 1], pa.large_string())]))
                prev = cut
            pieces.append(col.slice(prev))
            chunks = [c for piece in pieces for c in piece.chunks if len(c)]
            columns.append(pa.chunked_array(chunks, pa.large_string()))
        return columns, total
    order = np.empty(total, dtype=np.int64)
    is_short = np.zeros(total, dtype=bool)
    is_short[pos] = True
    order[~is_short] = np.arange(table.num_rows)
    order[pos] = table.num_rows + np.arange(len(short))
    take = pa.array(order)
    for col, more in zip(table.columns, extra, strict=True):
        both = pa.chunked_array([*col.chunks, pa.array(more, pa.large_string())])
        columns.append(pc.take(both, take))
    return columns, total


def _maybe_unclosed_quote(region: Region, nrec: int) -> bool:
    """pyarrow takes a quote left open at the end of the file as running to the end; the C
    parser reports it, so it checks the file when the quote count suggests one. A block that
    is not the file's last ends after a record: no quote is open there."""
    if not region.last:
        return False
    buf, stop = region.buf, region.stop
    if region.physical == nrec and not region.multiline:  # only the last line can be open
        last = buf.rfind(b"\n", region.offset, stop - 1) + 1
        return buf.count(b'"', max(last, region.offset), stop) % 2 == 1
    return (buf.count(b'"', region.offset, stop) + region.odd_quotes) % 2 == 1


def _parse_region_pandas(ctx: Ctx, region: Region) -> tuple[list[pa.ChunkedArray], int]:
    """Slower path that pads short rows and reports unterminated quotes."""
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.BytesIO(region.view()),
                sep=region.delimiter,
                header=None,
                names=cell_names(region.width),
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                quotechar='"',
                doublequote=True,
                engine="c",
                encoding="utf-8",
            )
    except UnicodeDecodeError:
        if region.verified:  # pragma: no cover - cannot happen for verified text
            raise csv_parse_error(ctx, "invalid UTF-8") from None
        raise NotUtf8 from None
    except pd.errors.ParserWarning:
        raise _ragged_error(ctx, region) from None
    except pd.errors.ParserError as exc:
        text = str(exc)
        m = re.search(r"EOF inside string starting at row (\d+)", text)
        if m:
            line = _record_line(region, int(m.group(1)))
            raise ctx.error(
                f"'{ctx.name}' có dấu ngoặc kép mở mà không đóng (từ dòng {line} đến hết tệp)",
                f"'{ctx.name}' has a quote that is never closed (from line {line} to the end)",
                'sửa ô đó: một ô bắt đầu bằng " phải kết thúc bằng "; dấu " bên trong ô viết '
                'thành ""; tệp cũng có thể bị cắt cụt: hãy xuất lại',
                'fix that cell: a cell starting with " must end with "; a " inside it is '
                'written ""; the file may also be truncated: export it again',
                line,
            ) from None
        if "Expected" in text:
            raise _ragged_error(ctx, region) from None
        raise csv_parse_error(ctx, text) from None
    if len(df) and df.iloc[:, -1].eq("").any():  # pandas pads short rows with "": find them
        for i, rec in enumerate(_scan(region)):
            if (
                i < len(df)
                and 0 < len(rec.cells) < region.width
                and any(c.strip() for c in rec.cells)
            ):
                df.iloc[i, len(rec.cells) :] = ABSENT
    cols = [pa.chunked_array([pa.array(df[c], pa.large_string())]) for c in df.columns]
    return cols, len(df)


def _scan(region: Region) -> Iterator[Record]:
    """Records of the region with their file lines, via the csv module (error paths only)."""
    with any_field_size():
        reader = csv.reader(
            io.StringIO(str(region.view(), "utf-8", "replace")),
            delimiter=region.delimiter,
            quotechar='"',
            strict=False,
        )
        prev = 0
        for row in reader:
            start, prev = prev + 1, reader.line_num
            yield Record(region.first_line + start - 1, region.first_line + prev - 1, row)


def _record_line(region: Region, index: int) -> int:
    rec = None
    for i, rec in enumerate(_scan(region)):
        if i == index:
            return rec.start
    return rec.start if rec else region.first_line


def _ragged_error(ctx: Ctx, region: Region) -> CchcError:
    n = region.width
    line = count = None
    for rec in _scan(region):
        if len(rec.cells) > n and any(c.strip() for c in rec.cells[n:]):  # empty extras are fine
            line, count = rec.start, len(rec.cells)
            break
    shown_d = {"\t": "tab"}.get(region.delimiter, region.delimiter)
    where_vi = f"dòng {line} có {count} ô" if line else "có dòng có nhiều ô"
    where_en = f"line {line} has {count} cells" if line else "a row has more cells"
    return ctx.error(
        f"'{ctx.name}': {where_vi}, nhiều hơn {n} cột của dòng tiêu đề",
        f"'{ctx.name}': {where_en}, more than the header's {n} columns",
        f"thường do một ô chứa dấu phân cách ('{shown_d}') mà không nằm trong ngoặc kép, "
        "dấu ngoặc kép không cân, hoặc tệp bị cắt cụt. Sửa dòng đó hoặc xuất lại tệp "
        "(từ Excel: 'Lưu thành' CSV UTF-8)",
        f"usually a cell contains the delimiter ('{shown_d}') without being quoted, quotes are "
        "unbalanced, or the file is truncated. Fix that line or export the file again "
        "(from Excel: 'Save As' CSV UTF-8)",
        line,
    )
