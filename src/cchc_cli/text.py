"""Text folding used wherever headers and vocabulary words are matched."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[\s_\-.]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# Characters that print as nothing: a BOM left inside a header by concatenated exports, zero-width
# spaces and joiners, direction marks and isolates, the word joiner, soft hyphens. They never carry
# meaning in an export, but make ``Ngày tiếp nhận`` differ from a header that looks identical.
INVISIBLE = (
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
# Spaces that look like a space (no-break, narrow, figure, em, ideographic, ...). None of these
# characters is encoded with the lead byte of Vietnamese letters (E1): io.clean relies on it.
ODD_SPACES = "\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_CLEAN = {**dict.fromkeys(map(ord, INVISIBLE)), **dict.fromkeys(map(ord, ODD_SPACES), " ")}


def clean(text: str) -> str:
    """A header or cell as matched and stored: invisible characters removed, odd spaces made plain
    spaces, NFC, surrounding whitespace stripped. (:mod:`cchc_cli.io.clean` applies the same
    characters to whole columns.)"""
    return nfc(text.translate(_CLEAN)).strip()


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """File text as a message quotes it: every character that prints as nothing or as a plain
    space without being one (``\\ufeff``, ``\\u00a0``, ``\\n``, control characters) escaped, so
    two names that look identical on screen show how they differ."""
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch.isprintable()
        else _ESCAPES.get(ch, f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        for ch in text
    )


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese tone and vowel marks; đ/Đ become d/D (they are letters, not marks)."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Key for forgiving matching: NFC, case, diacritics, spaces and ``_ - .`` are ignored.

    ``Ngày tiếp nhận`` = ``ngay_tiep_nhan`` = ``NgayTiepNhan`` → ``ngaytiepnhan``.
    """
    return _SEPARATORS.sub("", strip_diacritics(nfc(str(text))).casefold())


def fold_value(text: str) -> str:
    """Key for vocabulary words: like :func:`fold` but inner spaces collapse to one.

    Words are kept apart so that ``Không hài lòng`` never touches ``Hài lòng``.
    """
    return " ".join(strip_diacritics(nfc(str(text))).casefold().split())


def shorten(text: str, width: int = 40) -> str:
    """A value cut short for a message: a 5000-digit number need not be printed whole."""
    return text if len(text) <= width else text[: width - 1] + "…"


def closest(word: str, candidates: Iterable[str], key=fold) -> str | None:
    """The candidate most like ``word`` (for 'did you mean' hints), or None."""
    pool = {key(c): c for c in candidates}
    hit = difflib.get_close_matches(key(word), list(pool), n=1, cutoff=0.6)
    return pool[hit[0]] if hit else None
