"""Opening an export file: the reading's context (which file, what the caller asks of it), the
file's bytes and their SHA-256, and the messages for a file that cannot be opened or read, is
empty, or is binary.

Every reader's errors are made by :meth:`Ctx.error`, so they all name the file alike.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import CchcError, Location, Msg
from ..text import closest

# How many cells of a row the caller recognises as column headers: the row scoring highest is
# the header (the readers know nothing about the plan).
HeaderScore = Callable[[Sequence[str]], int]


@dataclass(frozen=True)
class Ctx:
    """The file being read (``shown`` as the user gave it) and what the caller asks of it: how
    header rows score, the least score, the headers to suggest, the key columns."""

    shown: str
    path: Path
    score: HeaderScore
    min_score: int
    expected: tuple[str, ...]
    keys: frozenset[str] = frozenset()  # folded headers of the columns every dossier fills

    @property
    def name(self) -> str:
        """The file as messages name it (the location already gives the full path)."""
        return self.path.name or self.shown

    def error(self, vi: str, en: str, hint_vi: str, hint_en: str, line: int | None = None):
        """The CchcError every reader raises: bilingual message and hint, at the file (line)."""
        return CchcError(Msg(vi, en), Msg(hint_vi, hint_en), Location(self.shown, line))


class Sha256:
    """SHA-256 of the file computed in a thread (hashlib releases the GIL) while we parse."""

    def __init__(self, data: bytes):
        self._value = ""
        self._thread = threading.Thread(target=self._run, args=(data,), daemon=True)
        self._thread.start()

    def _run(self, data: bytes) -> None:
        self._value = hashlib.sha256(data).hexdigest()

    def result(self) -> str:
        self._thread.join()
        return self._value


def file_error(exc: OSError, p: Path, shown: str) -> CchcError:
    """The message for a file that cannot be opened or read."""

    def fail(vi: str, en: str, hint_vi: str, hint_en: str) -> CchcError:
        return CchcError(Msg(vi, en), Msg(hint_vi, hint_en), Location(shown))

    name = p.name or shown
    if isinstance(exc, FileNotFoundError):
        hint_vi, hint_en = "kiểm tra lại đường dẫn và tên tệp", "check the path and file name"
        parent = p.parent if str(p.parent) else Path(".")
        try:
            siblings = [c.name for c in parent.iterdir() if c.is_file()]
        except OSError:
            siblings = []
        near = closest(p.name, siblings) if siblings else None
        if near:
            hint_vi += f"; có phải ý bạn là '{parent / near}'?"
            hint_en += f"; did you mean '{parent / near}'?"
        return fail(
            f"không tìm thấy tệp '{shown}'", f"file '{shown}' does not exist", hint_vi, hint_en
        )
    if isinstance(exc, IsADirectoryError):
        return fail(
            f"'{shown}' là một thư mục, không phải tệp",
            f"'{shown}' is a directory, not a file",
            "chỉ định tệp danh sách hồ sơ (.csv, .txt hoặc .xlsx) bên trong thư mục",
            "give the dossier export file (.csv, .txt or .xlsx) inside it",
        )
    if isinstance(exc, PermissionError):
        return fail(
            f"không có quyền đọc tệp '{name}'",
            f"permission denied reading '{name}'",
            "cấp quyền đọc cho tệp, hoặc đóng chương trình đang khóa tệp (ví dụ Excel) "
            "rồi thử lại",
            "make the file readable, or close the program locking it (e.g. Excel) and retry",
        )
    return fail(
        f"không đọc được tệp '{name}': {exc.strerror or exc}",
        f"cannot read '{name}': {exc.strerror or exc}",
        "kiểm tra tệp và ổ đĩa, rồi thử lại",
        "check the file and the disk, then retry",
    )


def open_file(p: Path, shown: str) -> BinaryIO:
    try:
        fh = open(p, "rb")  # noqa: SIM115 - the caller's with-block closes it
        if os.path.isdir(p):  # some systems open a directory for reading
            fh.close()
            raise IsADirectoryError(p)
        return fh
    except OSError as exc:
        raise file_error(exc, p, shown) from None


def read_from(fh: BinaryIO, p: Path, shown: str, n: int) -> bytes:
    try:
        return fh.read(n)
    except OSError as exc:
        raise file_error(exc, p, shown) from None


def empty_error(p: Path, shown: str) -> CchcError:
    name = p.name or shown
    return CchcError(
        Msg(f"tệp '{name}' rỗng (0 byte)", f"file '{name}' is empty (0 bytes)"),
        Msg(
            "xuất lại danh sách hồ sơ từ phần mềm Một cửa",
            "export the dossier list from the one-stop system again",
        ),
        Location(shown),
    )


def binary_error(ctx: Ctx, offset: int | None) -> CchcError:
    at_vi = f" (byte NUL tại vị trí {offset})" if offset is not None else " (có ký tự NUL)"
    at_en = f" (NUL byte at offset {offset})" if offset is not None else " (contains NUL)"
    return ctx.error(
        f"'{ctx.name}' là tệp nhị phân, không phải văn bản CSV{at_vi}",
        f"'{ctx.name}' is a binary file, not CSV text{at_en}",
        "chỉ định tệp danh sách hồ sơ dạng .xlsx hoặc CSV; nếu là Excel, 'Lưu thành' CSV UTF-8",
        "give the dossier export as .xlsx or CSV; from Excel, 'Save As' CSV UTF-8",
    )
