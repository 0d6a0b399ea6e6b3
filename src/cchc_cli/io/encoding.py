"""The encoding of a text file, and the located error for bytes that do not decode.

Detection: BOM, then strict UTF-8 (only the head of a large file is checked here; the CSV
parser validates the rest, :class:`NotUtf8`), UTF-16 without BOM from its NUL pattern, else
the code page under which the header row reads best (cp1258, charset-normalizer's guess — a
lazy import — and cp1252; :func:`legacy_order`). UTF-8 that is valid for the most part but has
a bad byte is reported (line, byte offset), not read as a code page.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from ..errors import CchcError, Msg
from ..text import nfc
from . import bom_codec, sizes
from .files import Ctx, binary_error
from .header import best_header

_CHUNK = 16 << 20  # UTF-8 validation / NFC check chunk
# Letters that only Vietnamese text decoded with the right code page produces (after NFC).
_VIETNAMESE = frozenset("ăđơưĂĐƠƯĩũĨŨ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA)))


@dataclass
class Decoded:
    """A text file's bytes as UTF-8 for the parser, and the encoding they were read with."""

    encoding: str
    buf: bytes  # UTF-8 (NFC or not: cells are normalised per column after parsing)
    start: int  # where the text starts in buf (after a UTF-8 BOM)
    verified: bool = True  # False: buf past the first MiB is UTF-8 only if the parser agrees
    must: bool = False  # UTF-8 was forced (option or BOM): invalid bytes are an error


class NotUtf8(Exception):
    """The CSV parser (or the header search) met invalid UTF-8 past the first MiB of a file."""


def head_at(buf: bytes, start: int, size: int) -> tuple[str, bool]:
    """The NFC text of ``buf[start:start + size]`` cut after its last newline, for the header
    search, and whether it is the whole text."""
    complete = start + size >= len(buf)
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(
            memoryview(buf)[start : start + size], final=complete
        )
    except UnicodeDecodeError:
        raise NotUtf8 from None
    if not complete:
        text = text[: text.rfind("\n") + 1] or text
    return nfc(text), complete


def first_bad_utf8(data: bytes, start: int) -> int | None:
    """Offset of the first byte that is not valid UTF-8 (decoding chunk by chunk, cut after a
    newline so that no character is split), or None."""
    view = memoryview(data)
    n = len(data)
    pos = start
    while pos < n:
        end = pos + _CHUNK
        if end < n:
            nl = data.find(b"\n", end)
            end = n if nl < 0 else nl + 1
        else:
            end = n
        try:
            str(view[pos:end], "utf-8")
        except UnicodeDecodeError as exc:
            return pos + exc.start
        pos = end
    return None


def _from_text(text: str, encoding: str) -> Decoded:
    if text.startswith("\ufeff"):
        text = text[1:]
    return Decoded(encoding, text.encode("utf-8"), 0)


def decode_error(
    ctx: Ctx,
    data: bytes,
    encoding: str,
    exc: UnicodeDecodeError,
    base: int = 0,
    hint: Msg | None = None,
):
    """The located decoding error; ``hint`` replaces the default one (which assumes the user
    may have given ``--encoding``)."""
    offset = base + exc.start
    before = data[:offset].decode(encoding, errors="replace")
    bad = data[offset : offset + min(4, max(1, exc.end - exc.start))]
    return located_decode_error(
        ctx, encoding, offset, bad, before.count("\n") + 1, bom_codec(data), hint
    )


def located_decode_error(
    ctx: Ctx,
    encoding: str,
    offset: int,
    bad_bytes: bytes,
    line: int,
    bom: str | None,
    hint: Msg | None = None,
) -> CchcError:
    """:func:`decode_error` from its parts: the bytes at ``offset`` that do not decode, on
    ``line``; ``bom`` is the codec the file's byte-order mark names."""
    bad = bad_bytes.hex(" ")
    hint_vi = (
        "chỉ định đúng bảng mã (utf-8, utf-16, cp1258), hoặc bỏ tùy chọn bảng mã để tự nhận "
        "diện; tốt nhất là mở bằng Excel và 'Lưu thành' CSV UTF-8"
    )
    hint_en = (
        "give the right encoding (utf-8, utf-16, cp1258) or leave it out to auto-detect; "
        "best, open the file in Excel and 'Save As' CSV UTF-8"
    )
    if hint is not None:
        hint_vi, hint_en = hint.vi, hint.en
    name = bom
    if name is not None and codecs.lookup(name).name != codecs.lookup(encoding).name:
        hint_vi = f"tệp bắt đầu bằng BOM của {name}: dùng bảng mã {name}; " + hint_vi
        hint_en = f"the file starts with a {name} byte-order mark: use {name}; " + hint_en
    return ctx.error(
        f"không giải mã được '{ctx.name}' theo bảng mã {encoding}: byte {bad} tại vị trí "
        f"{offset} (dòng {line})",
        f"cannot decode '{ctx.name}' as {encoding}: byte {bad} at offset {offset} (line {line})",
        hint_vi,
        hint_en,
        line,
    )


def _strict_decode(ctx: Ctx, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise decode_error(ctx, data, encoding, exc) from None


def codec(ctx: Ctx, forced: str) -> str:
    """Python's name for an ``--encoding`` value, or a clear error."""
    try:
        return codecs.lookup(forced).name
    except LookupError:
        raise ctx.error(
            f"không biết bảng mã '{forced}'",
            f"unknown encoding '{forced}'",
            "dùng utf-8, utf-8-sig, utf-16 hoặc cp1258 (Windows-1258)",
            "use utf-8, utf-8-sig, utf-16 or cp1258 (Windows-1258)",
        ) from None


def decode(ctx: Ctx, data: bytes, forced: str | None, delimiter: str | None) -> Decoded:
    if forced is not None:
        name = codec(ctx, forced)
        if name in ("utf-8", "utf-8-sig"):
            return _decode_utf8(ctx, data, name, must=True)
        return _from_text(_strict_decode(ctx, data, name), name)

    bom = bom_codec(data)
    if bom is not None:
        if bom == "utf-8-sig":
            return _decode_utf8(ctx, data, bom, must=True)
        return _from_text(_strict_decode(ctx, data, bom), bom)

    nul = data.find(b"\x00")
    if nul >= 0:
        utf16 = _utf16_without_bom(data[:4096]) if nul < sizes.SAMPLE else None
        if utf16 is None:
            raise binary_error(ctx, nul)
        return _from_text(_strict_decode(ctx, data, utf16), utf16)

    decoded = _decode_utf8(ctx, data, "utf-8", must=False)
    if decoded is not None:
        return decoded
    return decode_legacy(ctx, data, delimiter)


def _utf16_without_bom(sample: bytes) -> str | None:
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) // 2)
    odd = sample[1::2].count(0) / (len(sample) // 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _decode_utf8(ctx: Ctx, data: bytes, name: str, must: bool) -> Decoded | None:
    """UTF-8 (``must``: forced or BOM). Small files are validated here; for large ones only the
    head is, and the CSV parser validates the rest (see :class:`NotUtf8`)."""
    start = 3 if data.startswith(codecs.BOM_UTF8) else 0
    view = memoryview(data)
    small = len(data) - start <= 2 * sizes.HEAD_CHARS
    try:
        if small:
            str(view[start:], "utf-8")
        else:
            codecs.getincrementaldecoder("utf-8")().decode(view[start : start + sizes.HEAD_CHARS])
    except UnicodeDecodeError as exc:
        if not must:
            return None
        raise decode_error(ctx, data, "utf-8", exc, start) from None
    return Decoded(name, data, start, verified=small, must=must)


def _vietnamese_letters(text: str) -> int:
    return sum(1 for ch in text if ch in _VIETNAMESE)


def mostly_utf8(sample: bytes, final: bool) -> bool:
    """``sample`` (``final``: up to the file's end) reads as UTF-8 but for a few invalid
    sequences — at least 8 non-ASCII characters, at most one bad sequence per 20 of them: it is
    damaged UTF-8, not a code page."""
    probe = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=final)
    bad = probe.count("\ufffd")
    good = sum(1 for ch in probe if ch > "\x7f") - bad
    return good >= 8 and bad * 20 <= good


def decode_legacy(ctx: Ctx, data: bytes, delimiter: str | None) -> Decoded:
    """Not valid UTF-8 and no BOM: pick the code page under which the header reads best."""
    sample = data[:sizes.SAMPLE]
    first_error: CchcError | None = None
    for enc in legacy_order(ctx, sample, len(sample) == len(data), delimiter):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            err = decode_error(ctx, data, enc, exc)
            if enc == "utf-8":  # the header reads as UTF-8: the file is damaged UTF-8
                raise err from None
            first_error = first_error or err
            continue
        return _from_text(text, enc)
    if first_error is not None:
        raise first_error
    raise binary_error(ctx, None)  # pragma: no cover - cp1252 decodes almost anything


def legacy_order(ctx: Ctx, sample: bytes, complete: bool, delimiter: str | None) -> list[str]:
    """The codecs to try for a file that is not UTF-8, best first: scored by how well the
    header row of ``sample`` (``complete``: the whole file) reads under each."""
    candidates: list[str] = []
    # Mostly-valid UTF-8 with a few bad bytes is damaged UTF-8, not a code page: if it wins
    # below, its strict decode fails and the bad byte is reported.
    if mostly_utf8(sample, complete):
        candidates.append("utf-8")
    candidates.append("cp1258")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        if best is not None:
            candidates.append(codecs.lookup(best.encoding).name)
    except Exception:  # detection is advisory only
        pass
    candidates.append("cp1252")

    scored = []
    for rank, enc in enumerate(dict.fromkeys(candidates)):
        errors = "replace" if enc == "utf-8" else "strict"
        try:
            head = codecs.getincrementaldecoder(enc)(errors).decode(sample, final=complete)
        except (UnicodeDecodeError, LookupError):
            continue
        head = nfc(head)
        if not complete:
            head = head[: head.rfind("\n") + 1] or head
        hit, _ = best_header(ctx, head, complete, delimiter)
        score = hit.score if hit else -1
        scored.append(((score, _vietnamese_letters(head), -rank), enc))
    scored.sort(reverse=True)
    return [enc for _, enc in scored]
