"""Readers, one module per file format; each turns a file's bytes into rows of cells."""
