"""Readers, one module per file format; each turns a file's bytes into rows of cells.

Where each step lives (a module imports only modules listed above it, never one below):

* ``sizes`` — the byte sizes the readers work in (tests shrink them); ``grid`` — the sheet
  shape xls and HTML give; ``blocks`` — a large text file's raw bytes, block by block;
* ``staged`` — the contract with the engine: ``TableInfo``, ``Staged``, ``ABSENT``;
* ``files`` — opening a file, the reading's context (``Ctx``), can't-read / empty / binary;
* ``header`` — the header row among the first records; ``encoding`` — a text file's encoding;
* ``layout`` — layout rows (column numbers, totals, group rows); ``clean`` — cells made final;
* ``sheet`` — what xlsx, xls and HTML share; then ``xlsx``, ``xls``, ``html``, one per format;
* ``sniff`` — what a file is, from its first bytes; ``typed`` — another system's Parquet file,
  its typed columns as the text cells a workbook would give;
* ``csv`` — delimited text read whole; ``csv_stream`` — a large one, block by block;
* ``table`` — the entry points ``read_table`` / ``stage_table``: a reader chosen by content.

``parquet`` writes and reads Parquet sets of staged cells (``cchc convert``, Parquet inputs).
"""

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
