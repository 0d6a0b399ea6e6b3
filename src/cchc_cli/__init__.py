"""cchc: compliance calculator for Vietnamese administrative-reform (CCHC) plans.

The library is usable without the CLI::

    from cchc_cli import load_plan, read_records
    from cchc_cli.evaluate import evaluate
    plan = load_plan()                      # the shipped 2023 plan
    records = read_records("export.csv", plan)
    result = evaluate(plan, records, period=plan.period)
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_actuals", "load_plan", "read_records"]


def __getattr__(name: str):  # lazy: keep `import cchc_cli` (and `cchc --help`) free of pandas
    if name == "load_plan":
        from .plan.model import load_plan

        return load_plan
    if name == "load_actuals":
        from .io.actuals import load_actuals

        return load_actuals
    if name == "read_records":
        from .records import read_records

        return read_records
    raise AttributeError(name)
