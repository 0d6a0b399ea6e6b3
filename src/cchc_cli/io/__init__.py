"""Readers, one module per file format; each turns a file's bytes into rows of cells."""

from __future__ import annotations

import codecs

BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_codec(data: bytes) -> str | None:
    """The codec a byte-order mark at the start of ``data`` names (``utf-8-sig``, ``utf-16``,
    ``utf-32``), if any: CSV text and HTML pages alike."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None
