"""The department's registers found in what ``--registers`` names: a workbook, a folder, a file.

A workbook holds one register per sheet, the sheet named like the register (``Danh mục TTHC``,
``thu_tuc`` …: matched as headers are, :func:`cchc_cli.text.fold`); a folder holds one file per
register, named likewise (``thu-tuc.csv``), or workbooks whose sheets are; a CSV file is the
register its name says. Each sheet or file is read by the export reader
(:func:`cchc_cli.io.table.stage_table`: encodings, title rows above the header, layout rows),
its header row found by the register's own headers. A register found twice is an error, as is a
source in which no register is found; sheets and files of other names are not read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import CchcError, Location, Msg
from ..plan.model import Plan
from ..plan.registers import Register, view
from .binding import header_score
from .staged import Staged

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
FILE_SUFFIXES = (".csv", ".txt", ".tsv", *WORKBOOK_SUFFIXES)


@dataclass(frozen=True)
class Found:
    """Where a register is: a file and, in a workbook, its sheet."""

    register: str
    path: Path
    sheet: str | None

    def shown(self) -> str:
        return f"{self.path} (sheet '{self.sheet}')" if self.sheet else str(self.path)


def sheet_names(path: Path) -> list[str] | None:
    """A workbook's sheet names, None when they cannot be listed (the reader then says why)."""
    try:
        if path.suffix.lower() == ".xls":
            from .xls import read_xls

            return [g.title for g in read_xls(path.read_bytes())]
        from .xlsx import sheet_titles

        return sheet_titles(path.read_bytes())
    except Exception:
        return None


# The reader's hints that send the user back to the one-stop system: a register is the
# department's own workbook, fixed there.
_EXPORT_WORDS = ("Một cửa", "danh sách hồ sơ", "xuất lại")


def _register_hint(exc: CchcError, reg: Register | None) -> CchcError:
    """The reader's error, its hint about re-exporting dossiers replaced by one about the
    register (other hints — an encoding, a stray cell — are kept); ``reg`` None: a workbook
    of registers."""
    hint = exc.hint
    if not isinstance(hint, Msg) or not any(w in hint.vi for w in _EXPORT_WORDS):
        return exc
    vi = f"sổ '{reg.title}'" if reg else "sổ làm việc"
    en = f"the register '{reg.title_en or reg.title}'" if reg else "the workbook"
    return CchcError(
        exc.message,
        Msg(
            f"mở {vi} bằng Excel, sửa rồi lưu lại (.xlsx hoặc CSV UTF-8); chưa có sổ thì tạo "
            "sổ mẫu: cchc template registers -o so-theo-doi.xlsx",
            f"open {en} in Excel, fix it and save it (.xlsx or CSV UTF-8); to start one: "
            "cchc template registers -o so-theo-doi.xlsx",
        ),
        exc.location,
    )


def _unreadable(plan: Plan, path: Path) -> None:
    """Raise the reader's own message for a workbook whose sheets cannot be listed (empty,
    damaged, not a workbook at all), as for an export."""
    from .table import stage_table

    reg = next(iter(plan.registers.values()))
    try:
        stage_table(path, header_score(view(plan, reg))).close()  # raises: it cannot be read
    except CchcError as exc:
        raise _register_hint(exc, None) from None


def _matching(plan: Plan, name: str) -> Register | None:
    return next((r for r in plan.registers.values() if r.matches(name)), None)


def locate(
    plan: Plan, sources: Sequence[str | Path], stray: list[Path] | None = None
) -> list[Found]:
    """Every register in the sources, in the order found; twice is an error. ``stray``
    collects the files of a folder that hold no register (a name mistyped: ``cbcvc.csv``)."""
    found: list[Found] = []
    for source in sources:
        p = Path(source)
        if not p.exists():
            raise CchcError(
                Msg(f"không có tệp hay thư mục '{p}'", f"no file or folder '{p}'"),
                Msg(
                    "chỉ ra sổ làm việc các sổ theo dõi (.xlsx) hoặc thư mục các tệp CSV",
                    "name the registers' workbook (.xlsx) or the folder of their CSV files",
                ),
                Location(str(p)),
            )
        files = (
            sorted(
                f
                for f in p.iterdir()
                if f.is_file()
                and f.suffix.lower() in FILE_SUFFIXES
                and not f.name.startswith((".", "~$"))
            )
            if p.is_dir()
            else [p]
        )
        here: list[Found] = []
        for f in files:
            reg = _matching(plan, f.stem)
            if reg is not None:
                here.append(Found(reg.name, f, None))
            elif f.suffix.lower() in WORKBOOK_SUFFIXES or not p.is_dir():
                sheets = sheet_names(f)
                if sheets is None:  # the reader says what is wrong with it
                    _unreadable(plan, f)
                for sheet in sheets or []:
                    reg = _matching(plan, sheet)
                    if reg is not None:
                        here.append(Found(reg.name, f, sheet))
            if stray is not None and p.is_dir() and all(h.path != f for h in here):
                stray.append(f)
        if not here:
            names = "; ".join(
                f"{r.name}: {', '.join(r.names) or r.name}" for r in plan.registers.values()
            )
            raise CchcError(
                Msg(
                    f"không tìm thấy sổ theo dõi nào trong '{p}'",
                    f"no register found in '{p}'",
                ),
                Msg(
                    "đặt tên sheet (hoặc tệp) theo tên sổ — " + names,
                    "name each sheet (or file) after its register — " + names,
                ),
                Location(str(p)),
            )
        for f in here:
            twice = next((g for g in found if g.register == f.register), None)
            if twice is not None and twice.path.resolve() == f.path.resolve():
                raise CchcError(
                    Msg(
                        f"'{f.path}' được chỉ ra hai lần (--registers): mọi sổ trong đó sẽ bị "
                        "đếm đôi",
                        f"'{f.path}' is given twice (--registers): every register in it would "
                        "be counted twice",
                    ),
                    Msg("ghi mỗi tệp, thư mục một lần", "name each file or folder once"),
                    Location(str(f.path)),
                )
            if twice is not None:
                raise CchcError(
                    Msg(
                        f"sổ '{f.register}' có ở hai nơi: {twice.shown()} và {f.shown()}",
                        f"register '{f.register}' is given twice: {twice.shown()} and {f.shown()}",
                    ),
                    Msg(
                        "giữ một sheet (tệp) cho mỗi sổ, hoặc đổi tên sheet kia",
                        "keep one sheet (file) per register, or rename the other",
                    ),
                    Location(str(f.path)),
                )
            found.append(f)
    return found


def read_registers(
    plan: Plan, sources: Sequence[str | Path], stray: list[Path] | None = None
) -> dict[str, Staged]:
    """The registers the sources hold, each staged by the export reader (the caller closes
    them); ``stray``: as :func:`locate` fills it."""
    from .table import stage_table
    from .xlsx import shared_books

    out: dict[str, Staged] = {}
    try:
        with shared_books():  # a workbook's sheets: one load
            for f in locate(plan, sources, stray):
                reg = plan.registers[f.register]
                keyed = reg.key or next(iter(reg.columns))
                try:
                    out[f.register] = stage_table(
                        f.path,
                        header_score(view(plan, reg)),
                        sheet=f.sheet,
                        min_score=min(2, len(reg.columns)),
                        expected=[spec.aliases[0] for spec in reg.columns.values()],
                        keys=[keyed, *reg.columns[keyed].aliases],
                    )
                except CchcError as exc:
                    raise _register_hint(exc, reg) from None
    except BaseException:
        for s in out.values():
            s.close()
        raise
    return out


__all__ = ["Found", "locate", "read_registers"]
