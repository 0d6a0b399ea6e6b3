"""A large text file read block by block, so that no step holds the whole file.

:class:`TextBlocks` reads the raw bytes in chunks, hashes them (SHA-256, in a thread: hashlib
releases the GIL) and looks for NUL as they arrive, and turns a lone CR into LF (both one byte,
so text offsets stay file offsets). :func:`parity_cut` and :func:`record_cut` find where a block
of CSV text may end: just after a newline outside quotes, so that each block parses on its own
exactly as it would inside the whole file.
"""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

LONE_CR = re.compile(rb"\r(?!\n)")  # a CR not starting a CRLF: a line break
_QUOTE = ord('"')


class NulByte(Exception):
    """The file holds a NUL byte at ``offset`` (it is binary, not text)."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


class TextBlocks:
    """The text of ``fh`` from file offset :attr:`base` on, in :attr:`buf` (bytes).

    ``head`` is what was already read from the start of ``fh``. A CR ending what was read waits
    for the next byte (it may start a CRLF). :class:`NulByte` is raised as soon as a NUL is
    read: callers check it first, as the whole-file reader does.
    """

    def __init__(self, fh: BinaryIO, head: bytes, chunk: int):
        self._fh = fh
        self._chunk = chunk
        self._sha = hashlib.sha256()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sha256")
        self._hashing: list[Future] = []
        self._cr = False
        self.size = 0  # raw bytes read so far
        self.eof = False
        self.base = 0
        self.buf = b""
        try:
            self._feed(head)
        except NulByte:
            self.close()
            raise

    def _feed(self, raw: bytes) -> None:
        at = self.size
        self.size += len(raw)
        if raw:
            self._hashing = [f for f in self._hashing if not f.done()]
            self._hashing.append(self._pool.submit(self._sha.update, raw))
        else:
            self.eof = True
        nul = raw.find(b"\x00")
        if nul >= 0:
            raise NulByte(at + nul)
        text = b"\r" + raw if self._cr else raw
        self._cr = not self.eof and text.endswith(b"\r")
        if self._cr:
            text = text[:-1]
        if b"\r" in text and text.count(b"\r") != text.count(b"\r\n"):
            text = LONE_CR.sub(b"\n", text)
        self.buf = self.buf + text if self.buf else text

    def more(self) -> None:
        """Read the next chunk (at the end of the file: set :attr:`eof`)."""
        if not self.eof:
            self._feed(self._fh.read(self._chunk))

    def ensure(self, n: int) -> bytes:
        """:attr:`buf`, holding at least its first ``n`` bytes unless the file ends first."""
        while len(self.buf) < n and not self.eof:
            self.more()
        return self.buf

    def consume(self, n: int) -> None:
        """Drop the first ``n`` bytes of :attr:`buf`."""
        self.buf = self.buf[n:]
        self.base += n

    def drain(self, utf8: bool) -> tuple[int, int] | None:
        """Read to the end of the file (raising :class:`NulByte` for a NUL); with ``utf8``, the
        file offset of the first byte of the unread text that is not UTF-8 and how many bytes
        Python's decoder names there (pieces end at a newline: no character is split)."""
        bad = None
        while True:
            if utf8 and bad is None:
                end = len(self.buf) if self.eof else self.buf.rfind(b"\n") + 1
                try:
                    str(memoryview(self.buf)[:end], "utf-8")
                except UnicodeDecodeError as exc:
                    bad = (self.base + exc.start, exc.end - exc.start)
                self.consume(end)
            else:
                self.consume(len(self.buf))
            if self.eof:
                return bad
            self.more()

    def sha256(self) -> str:
        """The hex digest of every byte read (call after the last read)."""
        for f in self._hashing:
            f.result()
        self._pool.shutdown()
        return self._sha.hexdigest()

    def fileno(self) -> int:
        return self._fh.fileno()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def count(self, byte: bytes, start: int, end: int) -> int:
        """How often ``byte`` (not CR) occurs in the file between two offsets (read again)."""
        fd = self.fileno()
        n, pos = 0, start
        while pos < end:
            piece = os.pread(fd, min(self._chunk, end - pos), pos)
            if not piece:
                break
            n += piece.count(byte)
            pos += len(piece)
        return n


@dataclass(frozen=True)
class Cut:
    """Where a block of text ends, and what one pass over its bytes found in it."""

    end: int  # offset just after the block's last newline (0: no newline where one may end)
    lines: int  # LF bytes in the block
    odd_quotes: bool  # an odd number of quote bytes in it
    watched: bool  # it holds a byte of the ``watch`` set


def _kept(buf: bytes, end: int, watch: bytes) -> bytes:
    """The LF, quote and ``watch`` bytes of ``buf[:end]``, in order (one translate pass)."""
    keep = _KEEP.get(watch)
    if keep is None:
        wanted = set(watch) | {0x0A, _QUOTE}
        keep = _KEEP[watch] = bytes(b for b in range(256) if b not in wanted)
    return (buf if end == len(buf) else buf[:end]).translate(None, keep)


_KEEP: dict[bytes, bytes] = {}


def measure(buf: bytes, end: int, watch: bytes = b"") -> Cut:
    """The :class:`Cut` of the block ``buf[:end]``."""
    kept = _kept(buf, end, watch)
    lines, quotes = kept.count(b"\n"), kept.count(b'"')
    return Cut(end, lines, bool(quotes & 1), len(kept) > lines + quotes)


def parity_cut(buf: bytes, end: int, watch: bytes = b"") -> Cut:
    """The block of ``buf[:end]`` up to its last newline preceded by an even number of quotes
    (``Cut.end`` 0: none): where a record ends, unless a quote stands inside an unquoted field
    (pyarrow reads it as text; see :func:`record_cut`)."""
    kept = _kept(buf, end, watch)
    nl = kept.rfind(b"\n")
    back = 0  # newlines of buf[:end] after the cut
    odd = nl >= 0 and kept.count(b'"', 0, nl) & 1
    while odd:
        prev = kept.rfind(b"\n", 0, nl)
        if prev < 0:
            nl = -1
            break
        odd ^= kept.count(b'"', prev + 1, nl) & 1
        nl, back = prev, back + 1
    if nl < 0:
        return Cut(0, 0, False, False)
    cut = end
    for _ in range(back + 1):
        cut = buf.rfind(b"\n", 0, cut)
    head = kept[: nl + 1]
    lines, quotes = head.count(b"\n"), head.count(b'"')
    return Cut(cut + 1, lines, False, len(head) > lines + quotes)


def record_cut(buf: bytes, end: int, delimiter: str) -> int:
    """Just after the last newline of ``buf[:end]`` that ends a record (0: none), quotes read as
    pyarrow's CSV parser reads them from the start of ``buf``: a quote opens a quoted field only
    at the start of a field, ``""`` inside one is a quote, and any other quote is text.

    Vectorised over runs of consecutive quotes: outside quotes, an odd run at a field start
    opens a field, an odd run elsewhere is text; inside, an odd run closes the field (the last
    quote), an even one is escaped quotes. So each run either toggles the state, resets it to
    "outside" or leaves it: the state after a run is the parity of the toggles since the last
    reset."""
    a = np.frombuffer(buf, dtype=np.uint8, count=end)
    nl = buf.rfind(b"\n", 0, end)
    q = np.flatnonzero(a == _QUOTE)
    if not len(q):
        return nl + 1
    first = np.r_[0, np.flatnonzero(np.diff(q) != 1) + 1]
    starts = q[first]
    odd = (np.diff(np.r_[first, len(q)]) & 1).astype(bool)
    before = a[np.maximum(starts - 1, 0)]
    sep = delimiter.encode("utf-8")[-1]
    at_start = (starts == 0) | (before == sep) | (before == 0x0A) | (before == 0x0D)
    toggles = np.cumsum(odd & at_start)
    reset = odd & ~at_start
    last_reset = np.maximum.accumulate(np.where(reset, np.arange(len(starts)), -1))
    inside = (toggles - np.where(last_reset >= 0, toggles[np.maximum(last_reset, 0)], 0)) & 1
    while nl >= 0:
        i = int(np.searchsorted(starts, nl)) - 1  # the last run before this newline
        if i < 0 or not inside[i]:
            return nl + 1
        nl = buf.rfind(b"\n", 0, int(starts[i]))
    return 0
