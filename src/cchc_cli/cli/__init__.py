"""The ``cchc`` command line: one module per command, each a thin wrapper over the library."""
