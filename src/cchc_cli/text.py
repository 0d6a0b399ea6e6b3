"""Text folding used wherever headers and vocabulary words are matched."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[\s_\-.]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


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
