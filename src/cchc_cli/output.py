"""Writing results: atomically, so a failed run never leaves a partial file behind."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import CchcError, Location, Msg


def write_text(text: str, path: str | Path | None, *, binary: bytes | None = None) -> None:
    """Write to ``path`` via a temporary file and rename, or to stdout when no path is given."""
    if path is None or str(path) == "-":
        if binary is not None:
            sys.stdout.buffer.write(binary)
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise CchcError(
            Msg("--output là một thư mục", "--output is a directory"),
            Msg("đặt tên tệp, ví dụ ket-qua.json", "give a file name, e.g. result.json"),
            Location(str(path)),
        )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise CchcError(
            Msg("thư mục chứa tệp kết quả không tồn tại", "the output folder does not exist"),
            Msg(f"tạo thư mục {parent} trước", f"create {parent} first"),
            Location(str(path)),
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(binary if binary is not None else text.encode("utf-8"))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CchcError(
            Msg(
                f"không ghi được tệp kết quả: {exc.strerror}",
                f"cannot write the output: {exc.strerror}",
            ),
            None,
            Location(str(path)),
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
