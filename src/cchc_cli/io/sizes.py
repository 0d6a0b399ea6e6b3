"""The byte sizes the readers work in, in one place. Code reads them as ``sizes.NAME`` when it
runs (never ``from .sizes import NAME``), so that a test can shrink them all at once and make a
few-KB file "large" (streamed, its header searched in several steps)."""

from __future__ import annotations

# Bytes first examined for the header row; the search reads 4x more each time until it holds
# HEADER_SEARCH_ROWS records or the whole file, so a huge header or cell never hides the header.
HEAD_CHARS = 1 << 20
BLOCK = 8 << 20  # pyarrow CSV block: fewer, larger chunks keep per-chunk overhead low
# UTF-8 text files larger than this are read block by block (csv_stream), each block about
# this size: the few-thousand-row files of a department are read whole, as one block.
STREAM_BLOCK = 8 << 20
PROBE = 64 << 10  # at least the bytes io.html sniffs a page by
SAMPLE = 64 << 10  # bytes given to charset-normalizer and the NUL/binary sniffers
