"""The pandas/numpy route that counted before the SQL engine, kept as the oracle of the
differential suite (``tests/test_engine_diff.py``) and of the tests that check how an export is
typed: ``records`` (reading and typing the cells), ``classify`` (the official classification,
three-valued), ``evaluate`` (counting), ``validate`` (the problems), ``explain`` (each row's
class), ``report`` (Biểu 06), ``groups`` (text groups). Nothing in ``src`` imports it: the
product counts, lists and places rows with the engine only (``cchc_cli.engine``)."""
