"""Writing results: atomically, so a failed run never leaves a partial file behind."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from ..errors import CchcError, Location, Msg


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_target(path: str | Path | None, inputs: tuple = ()) -> None:
    """Refuse an output path that cannot be written, or that is one of the inputs, before any work
    or any other file is written."""
    if path is None or str(path) == "-":
        return
    target = Path(path)
    where = Location(str(path))
    for given in inputs:
        if (
            given is not None
            and target.exists()
            and Path(given).exists()
            and target.samefile(given)
        ):
            raise CchcError(
                Msg(
                    "--output trùng với một tệp đầu vào: sẽ ghi đè mất dữ liệu",
                    "--output is one of the input files: it would be overwritten",
                ),
                Msg("chọn một tên tệp khác cho kết quả", "choose another file name for the result"),
                where,
            )
    if target.is_dir():
        raise CchcError(
            Msg("--output là một thư mục", "--output is a directory"),
            Msg("đặt tên tệp, ví dụ ket-qua.json", "give a file name, e.g. result.json"),
            where,
        )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise CchcError(
            Msg("thư mục chứa tệp kết quả không tồn tại", "the output folder does not exist"),
            Msg(f"tạo thư mục {parent} trước", f"create {parent} first"),
            where,
        )
    if not _special(target) and not os.access(parent, os.W_OK | os.X_OK):
        raise CchcError(
            Msg("không có quyền ghi vào thư mục này", "no permission to write in this folder"),
            Msg("chọn thư mục khác cho --output", "choose another folder for --output"),
            where,
        )


def require_file(fmt: str, path: str | Path | None, example: str) -> None:
    """A binary format (xlsx, docx) or the HTML report is only ever written to a file: refuse no
    ``-o`` (or ``-o -``) before anything is read, so a terminal never receives a zip file or a
    page (``-o /dev/tty`` neither)."""
    if path is None or str(path) == "-" or _terminal(Path(path)):
        raise CchcError(
            Msg(f"định dạng {fmt} cần -o TỆP", f"{fmt} needs -o FILE"),
            Msg(
                f"ví dụ: --format {fmt} -o {example}; tệp {fmt} không in ra màn hình",
                f"e.g. --format {fmt} -o {example}; a {fmt} file is never written to the terminal",
            ),
        )


def _terminal(target: Path) -> bool:
    """Is ``target`` a terminal device (``/dev/tty``, ``/dev/stdout`` on a console)?"""
    try:
        if not stat.S_ISCHR(target.stat().st_mode):
            return False
        fd = os.open(target, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def _special(target: Path) -> bool:
    """A device or pipe (``/dev/null``, ``/dev/stdout``): written in place, never replaced."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def _write_error(exc: OSError, where: Location) -> CchcError:
    return CchcError(
        Msg(
            f"không ghi được tệp kết quả: {exc.strerror}",
            f"cannot write the output: {exc.strerror}",
        ),
        Msg("kiểm tra quyền ghi và dung lượng đĩa", "check write permission and disk space"),
        where,
    )


def write_text(text: str | bytes, path: str | Path | None, *, binary: bytes | None = None) -> None:
    """Write to ``path`` via a temporary file and rename, or to stdout when no path is given.
    Bytes (``text`` or ``binary``) are written as they are, text as UTF-8."""
    if binary is None:
        binary = text if isinstance(text, bytes) else None
    data = binary if binary is not None else text.encode("utf-8")
    if path is None or str(path) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    check_target(path)
    target = Path(path)
    where = Location(str(path))
    try:
        if _special(target):
            with open(target, "wb") as fh:
                fh.write(data)
            return
        parent = target.parent if str(target.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise _write_error(exc, where) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # mkstemp makes it private; colleagues must open the form. A file replaced keeps its mode.
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~current_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _write_error(exc, where) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_folder(target: Path, option: str, noun: Msg, marker: str) -> bool:
    """Refuse a folder target that cannot be written whole, before any work. It must not exist,
    be empty, or be one cchc wrote earlier (it holds ``marker``), which will be replaced; any
    other folder is refused, so no unrelated file is ever deleted. True: it will be replaced."""
    where = Location(str(target))
    if target.exists() and not target.is_dir():
        raise CchcError(
            Msg(f"{option} phải là một thư mục", f"{option} must be a folder"), None, where
        )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise CchcError(
            Msg(
                f"thư mục chứa {noun.vi} không tồn tại",
                f"the folder to hold the {noun.en} does not exist",
            ),
            Msg(f"tạo thư mục {parent} trước", f"create {parent} first"),
            where,
        )
    if target.is_dir() and any(target.iterdir()):
        if not (target / marker).is_file():
            raise CchcError(
                Msg(
                    f"{noun.vi} đã có tệp khác (không phải {noun.vi} cũ của cchc)",
                    f"the {noun.en} holds other files (not an earlier cchc {noun.en})",
                ),
                Msg("chọn một thư mục mới hoặc thư mục trống", "choose a new or empty folder"),
                where,
            )
        return True
    return False


def publish_folder(target: Path, fill, option: str, noun: Msg, marker: str) -> Path:
    """Write a folder all or nothing: ``fill(tmp)`` writes it in a hidden sibling, which then
    takes ``target``'s place (an earlier one is put back if that fails)."""
    replacing = check_folder(target, option, noun, marker)
    parent = target.parent if str(target.parent) else Path(".")
    where = Location(str(target))

    def failed(exc: OSError) -> CchcError:
        return CchcError(
            Msg(
                f"không ghi được {noun.vi}: {exc.strerror}",
                f"cannot write the {noun.en}: {exc.strerror}",
            ),
            Msg("kiểm tra quyền ghi và dung lượng đĩa", "check write permission and disk space"),
            where,
        )

    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise failed(exc) from None
    old: Path | None = None

    def undo() -> None:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and (old / "previous").exists() and not target.exists():
            os.replace(old / "previous", target)  # put the earlier folder back
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    try:
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes it private: a normal folder's mode
        fill(tmp)
        if replacing:
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
            os.replace(target, old / "previous")
        os.replace(tmp, target)
    except OSError as exc:
        undo()
        raise failed(exc) from None
    except BaseException:
        undo()
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
