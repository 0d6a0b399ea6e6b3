"""A large UTF-8 text file read block by block (:func:`stream_text`), so that memory stays
bounded whatever its size, with exactly the cells, lines and errors of the whole-file reading
(:mod:`cchc_cli.io.csv`): the byte blocks come from :class:`~cchc_cli.io.blocks.TextBlocks`,
each is parsed and finished by the whole-file reader's functions.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from ..errors import CchcError
from . import bom_codec, sizes
from .blocks import NulByte, TextBlocks, measure, parity_cut, record_cut
from .clean import OGHAM_SPACE, WATCH, finish
from .csv import Region, csv_parse_error, delimiter_option, find_header, parse_region, text_parts
from .encoding import (
    NotUtf8,
    codec,
    decode_error,
    first_bad_utf8,
    legacy_order,
    located_decode_error,
)
from .files import Ctx, binary_error, file_error
from .html import markup_kind
from .sniff import OLE2, ZIP, looks_like_xlsx
from .staged import StageWriter


def stream_text(
    ctx: Ctx,
    fh: BinaryIO,
    head: bytes,
    encoding: str | None,
    delimiter: str | None,
    sink: StageWriter,
) -> dict | None:
    """A large UTF-8 text file read block by block into ``sink``, with the whole-file reader's
    results and errors; None when the file is something else (the caller reads it whole).

    ``head`` is the file's first bytes (more follow), enough for every test the whole-file
    reader makes on the start of a file. Blocks of about ``sizes.STREAM_BLOCK`` bytes end just after
    a record (:func:`_parse_block`) and are parsed and finished one at a time (pyarrow,
    multi-threaded within a block), starting on the line where the previous one stopped. What
    the whole-file reader looks for in the whole file comes first whatever block holds it: a
    NUL, then (past the header) invalid UTF-8, then the first bad row; so once a problem is
    found the rest of the file is only scanned for what outranks it (:meth:`TextBlocks.drain`).
    Blank and layout rows (a repeated header at a page break too) are judged row by row, so
    per block. A file that turns out not to be UTF-8 is read again whole (a code page)."""
    if head.startswith((OLE2, *ZIP)) or markup_kind(head) is not None:
        return None
    looks_like_xlsx(head, ctx)  # a PDF, an archive, a .xlsx that is not one: the same errors
    delimiter = delimiter_option(delimiter, ctx.shown)
    if encoding is not None:
        name = codec(ctx, encoding)
        must = True
    else:
        name = bom_codec(head) or "utf-8"
        must = name != "utf-8"
        if not must and b"\x00" in head[:sizes.SAMPLE]:
            return None  # UTF-16 without a BOM, or a binary file
    if name not in ("utf-8", "utf-8-sig"):
        return None
    start = 3 if head.startswith(codecs.BOM_UTF8) else 0
    try:  # the whole-file reader's test of the head of a large file
        codecs.getincrementaldecoder("utf-8")().decode(
            memoryview(head)[start : start + sizes.HEAD_CHARS]
        )
    except UnicodeDecodeError as exc:
        if not must:
            return None  # a code page
        raise decode_error(ctx, head, "utf-8", exc, start) from None
    try:
        blocks = TextBlocks(fh, head, sizes.STREAM_BLOCK)
    except NulByte as nul:
        raise binary_error(ctx, nul.offset) from None
    try:
        return _stream_blocks(ctx, blocks, head, name, must, start, delimiter, sink)
    except NulByte as nul:
        raise binary_error(ctx, nul.offset) from None
    except OSError as exc:
        raise file_error(exc, ctx.path, ctx.shown) from None
    finally:
        blocks.close()


class CodePageText(Exception):
    """The streamed file is not UTF-8 after all: it is read again, whole, with a code page."""


def _stream_blocks(
    ctx: Ctx,
    blocks: TextBlocks,
    head: bytes,
    encoding: str,
    must: bool,
    start: int,
    delimiter: str | None,
    sink: StageWriter,
) -> dict:
    def bad_utf8(offset: int, span: int) -> CchcError:
        """Invalid UTF-8 at ``offset`` (``span``: the bytes Python names): the rest of the file
        is scanned for a NUL, which comes first; then the whole-file reader's error (a forced
        or BOM-announced UTF-8 shows one byte), or CodePageText when a code page reads better."""
        blocks.drain(utf8=False)
        if not must and legacy_order(ctx, head[:sizes.SAMPLE], False, delimiter)[0] != "utf-8":
            raise CodePageText
        bad = os.pread(blocks.fileno(), 1 if must else min(4, max(1, span)), offset)
        line = blocks.count(b"\n", 0, offset) + 1
        return located_decode_error(ctx, "utf-8", offset, bad, line, bom_codec(head))

    try:
        hit, offset = find_header(ctx, blocks.ensure, start, delimiter)
    except NotUtf8:
        bad = first_bad_utf8(blocks.buf, start)
        if bad is None:  # pragma: no cover - the decoder and itself disagree
            raise csv_parse_error(ctx, "invalid UTF-8") from None
        raise bad_utf8(bad, _utf8_span(blocks.buf, bad)) from None
    except CchcError:
        blocks.drain(utf8=False)  # a NUL further on is reported first
        raise
    blocks.consume(offset)
    headers = hit.record.cells
    blank, layout = 0, []
    region = Region(b"", 0, hit.delimiter, len(headers), hit.record.end + 1, False, last=False)
    # Block k+1 is cut and parsed in a thread (pyarrow and the byte scans release the GIL)
    # while block k is finished here: the two cores stay busy.
    with ThreadPoolExecutor(1, thread_name_prefix="cchc-block") as pool:
        buf = blocks.ensure(sizes.STREAM_BLOCK + 1)
        pending = pool.submit(_parse_block, ctx, buf, blocks.eof, region)
        while not region.last:
            region, columns, nrec = _block_result(ctx, blocks, pending, region, bad_utf8)
            if not region.last:
                blocks.consume(region.stop)
                buf = blocks.ensure(sizes.STREAM_BLOCK + 1)
                pending = pool.submit(_parse_block, ctx, buf, blocks.eof, region)
            cells, lines, emptied, found = finish(
                columns, nrec, region.physical, region.first_line, headers, ctx.keys, region.plain
            )
            sink.add(cells, lines)
            blank += emptied
            layout += found
    parts = text_parts(encoding, hit, None, None, blank, layout)
    del parts["cells"], parts["lines"]
    return {"sha256": blocks.sha256(), "size": blocks.size, **parts}


class _BlockError(Exception):
    """A block, cut where its records end, does not parse: ``error`` (at ``cut``)."""

    def __init__(self, error: CchcError, cut: int):
        super().__init__(error)
        self.error, self.cut = error, cut


def _parse_block(
    ctx: Ctx, buf: bytes, eof: bool, prev: Region, exact: bool = False
) -> tuple[Region, list[pa.ChunkedArray], int] | None:
    """The records at the start of ``buf`` (the text after ``prev``, the block before; at the
    end of the file, ``eof``: all of it), parsed; None when no record ends in ``buf``.

    The block is cut after the last newline preceded by an even number of quotes
    (:func:`parity_cut`). That is where a record ends unless a quote stands inside an unquoted
    field (pyarrow reads it as text), which then is in a cell: parsed cells holding no quote
    prove the cut. Otherwise, and when the block fails to parse, the cut is checked with
    :func:`record_cut` (pyarrow's reading of quotes), and the block cut (``exact``) and parsed
    again if it was wrong. A block that still fails raises :class:`_BlockError`."""
    if eof:
        found = measure(buf, len(buf), WATCH)
    elif exact:
        found = measure(buf, record_cut(buf, len(buf), prev.delimiter), WATCH)
    else:
        found = parity_cut(buf, len(buf), WATCH)
    cut = found.end
    if cut == 0 and not eof:
        return None
    region = Region(
        buf,
        0,
        prev.delimiter,
        prev.width,
        prev.first_line + prev.physical,
        False,
        last=eof,
        odd_quotes=prev.odd_quotes ^ prev.odd_here,
        multiline=prev.multiline or prev.records != prev.physical,
        end=cut,
        lines=found.lines,
        plain=not found.watched and buf.find(OGHAM_SPACE, 0, cut) < 0,
    )
    checked = eof or exact
    try:
        columns, nrec = parse_region(ctx, region)
    except CchcError as err:
        if not checked and record_cut(buf, cut, prev.delimiter) != cut:
            return _parse_block(ctx, buf, eof, prev, exact=True)
        raise _BlockError(err, cut) from None
    if not checked and _cells_hold_quote(columns) and record_cut(buf, cut, prev.delimiter) != cut:
        return _parse_block(ctx, buf, eof, prev, exact=True)
    region.records, region.odd_here = nrec, found.odd_quotes
    return region, columns, nrec


def _block_result(
    ctx: Ctx,
    blocks: TextBlocks,
    pending: Future,
    prev: Region,
    bad_utf8: Callable[[int, int], CchcError],
) -> tuple[Region, list[pa.ChunkedArray], int]:
    """The parsed block ``pending`` computes from ``blocks.buf`` (the block after ``prev``),
    read further while no record ends in it. The first problem found (a bad row, an unclosed
    quote) is raised only after the rest of the file was scanned for what the whole-file
    reader reports first: a NUL, then invalid UTF-8."""
    try:
        done = pending.result()
        while done is None:  # one record longer than what was read: read more
            done = _parse_block(ctx, blocks.ensure(2 * len(blocks.buf)), blocks.eof, prev)
        return done
    except NotUtf8:
        # the first bad byte of the text read is in the block (the bytes before were valid)
        bad = first_bad_utf8(blocks.buf, 0)
        if bad is None:  # pragma: no cover - the parser and Python disagree
            raise csv_parse_error(ctx, "invalid UTF-8") from None
        raise bad_utf8(blocks.base + bad, _utf8_span(blocks.buf, bad)) from None
    except _BlockError as failed:
        blocks.consume(failed.cut)
        found = blocks.drain(utf8=True)
        if found is not None:
            raise bad_utf8(*found) from None
        raise failed.error from None


def _utf8_span(buf: bytes, bad: int) -> int:
    """How many bytes from ``bad`` (the first that is not UTF-8) Python's decoder names."""
    end = buf.find(b"\n", bad)
    try:
        str(memoryview(buf)[bad : len(buf) if end < 0 else end + 1], "utf-8")
    except UnicodeDecodeError as exc:
        return exc.end - exc.start
    return 1  # pragma: no cover - bad is where decoding failed


def _cells_hold_quote(columns: list[pa.ChunkedArray]) -> bool:
    """Whether a parsed cell holds a quote (a doubled one, or one inside an unquoted field)."""
    for col in columns:
        for chunk in col.chunks:
            if len(chunk) == 0:
                continue
            _, off_buf, data_buf = chunk.buffers()
            offsets = np.frombuffer(off_buf, dtype=np.int64)
            lo, hi = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
            if hi > lo and (np.frombuffer(data_buf, np.uint8, hi - lo, lo) == 0x22).any():
                return True
    return False
