"""cchc: compliance calculator for Vietnamese administrative-reform (CCHC) plans.

The library is usable without the CLI: every command is one run of the pipeline::

    from cchc_cli.pipeline import Request, run
    done = run(Request(("export.csv",)))    # the shipped 2023 plan, over its year
    result = done.result                    # every indicator, as `cchc check` shows it
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_actuals", "load_plan"]


def __getattr__(name: str):  # lazy: keep `import cchc_cli` (and `cchc --help`) free of pandas
    if name == "load_plan":
        from .plan.model import load_plan

        return load_plan
    if name == "load_actuals":
        from .io.actuals import load_actuals

        return load_actuals
    raise AttributeError(name)
