"""``--engine spark``: the DuckDB engine's own queries, run by PySpark (``pip install '.[spark]'``).

There is no second copy of any query. :func:`run_periods_spark` calls
:func:`cchc_cli.engine.run_periods` with a :class:`SparkConnection`, a stand-in for the DuckDB
connection: its ``execute`` parses each statement the engine sends (the compiler's query, the
prepare step's look-ups, the exact-date table) as DuckDB SQL with sqlglot, rewrites on the syntax
tree the few DuckDB constructs that Spark spells differently (:func:`to_spark`), and runs the
Spark SQL sqlglot writes; ``register`` makes an Arrow table a temp view of the same name. The
prepare step, the decoding of the per-state rows and the input summary stay the DuckDB engine's
code, so the figures are its figures, computed by Spark.

The rewrites (everything else transpiles as is):

* ``try_strptime(cell, [formats])``, the date fast path: ``COALESCE`` of Spark's
  ``try_to_timestamp`` per format, with every number at its full width (``dd``, ``MM``, ``yyyy``
  …). Spark's parser then reads exactly two digits (four for the year) and refuses impossible days
  and times, so it accepts only zero-padded cells, which glibc reads to the same value; the cells
  it leaves take the exact path, as in DuckDB. Each parse is guarded by the format's shape
  (``cell LIKE '__/__/____'``): a cell of another shape, which could only fail, never reaches the
  parser, whose failures are slow exceptions. (sqlglot's own mapping, ``d``/``M``/``H``, would
  accept a digit fewer and leaves the ``T`` of ISO dates unquoted.)
* ``regexp_extract(cell, rx, ['g1', …])`` (one STRUCT of every group): ``named_struct`` of one
  ``regexp_extract`` per group (Spark, like DuckDB, gives '' for a group that took no part).
* ``regexp_full_match``: ``RLIKE`` anchored with ``^(?:…)\\z``.
* ``regexp_replace``: the rewrite's ``\\1`` becomes Java's ``$1``, and DuckDB's replacement of the
  first match only (without ``'g'``) is kept by matching ``^(.*?)`` before the pattern.
* ``read_parquet([parts])`` (:meth:`~cchc_cli.io.staged.Staged.register`): ``spark.read.parquet``;
  ``CREATE TEMP TABLE … AS``: the query checkpointed, as a temp view.

The compiler's regular expressions use the syntax RE2 (DuckDB) and Java (Spark) share; cells are
stripped, so Java's ``$``, which also matches before a final line break, is RE2's.

The session (one per process, reused): the session time zone is UTC (a timestamp cast to a date
never shifts); ANSI mode is off, so a cast of a string that is no number gives NULL as DuckDB's
guarded casts do and never an error (AND, OR, NOT, IN and CASE are three-valued with NULL as
unknown in either mode, as in DuckDB); the CORRECTED time parser. The JVM's own output goes to
:data:`LOG` (errors reach Python as exceptions); no web UI; a local master binds to 127.0.0.1.
A cluster: ``master`` (``spark://…``, ``yarn``, ``k8s://…``) and Spark's standard settings
(``SPARK_CONF_DIR``'s spark-defaults.conf, ``PYSPARK_SUBMIT_ARGS``, ``SPARK_HOME``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import tempfile
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

try:  # the spark extra; without it this module still imports, and connect() says what is missing
    import sqlglot
    from sqlglot import exp
except ImportError:  # pragma: no cover - the tests run with the extra
    pass

from ..errors import CchcError, Msg
from ..io.staged import Staged
from ..io.table import RawTable
from ..plan.model import Plan

if TYPE_CHECKING:
    import datetime as dt

    from pyspark.sql import DataFrame, SparkSession

    from . import EngineResult

DEFAULT_MASTER = "local[2]"
# The driver's JVM (a local master's executors too) compiles with the JIT's first tier only: Spark
# generates one huge method per stage of these queries, which the optimising tier spends more time
# compiling than it saves: the sample's run about half (66-74 s -> 34-39 s), 1M rows the same
# within noise (110-117 s against 109-121 s). SPARK_SUBMIT_OPTS overrides it.
DRIVER_JVM = "-XX:TieredStopAtLevel=1"
STAGED_ROW_GROUP = 100_000  # rows per Parquet row group of a staged table: Spark's unit of work
# the JVM's own output, of the latest session started (the user's own folder: no shared /tmp)
LOG = os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
    "cchc",
    "spark.log",
)


_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""

SESSION_CONF = {
    "spark.app.name": "cchc",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.legacy.timeParserPolicy": "CORRECTED",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
LOCAL_CONF = {  # a local master: the driver's ports on the loopback address, few shuffle parts
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "4",
}


# ---------------------------------------------------------------- DuckDB SQL → Spark SQL


_JAVA_FIELDS = {"d": "dd", "m": "MM", "Y": "yyyy", "H": "HH", "M": "mm", "S": "ss"}
_PLAIN = " /-:.,"  # pattern characters Java's DateTimeFormatter takes literally


def java_pattern(fmt: str) -> tuple[str, str]:
    """A strptime format as a Spark datetime pattern, every number at its full width, and the
    LIKE shape of the cells it can parse (one ``_`` per digit, the literals as they are)."""
    pattern, shape = [], []
    for tok in re.findall(r"%.|.", fmt, flags=re.S):
        if tok.startswith("%"):
            if tok[1:] not in _JAVA_FIELDS:
                raise ValueError(f"no Spark pattern for {tok!r} in {fmt!r}")
            pattern.append(_JAVA_FIELDS[tok[1:]])
            shape.append("_" * len(_JAVA_FIELDS[tok[1:]]))
            continue
        pattern.append(tok if tok in _PLAIN else "'" + tok.replace("'", "''") + "'")
        shape.append("\\" + tok if tok in "_%\\" else tok)
    return "".join(pattern), "".join(shape)


def java_rewrite(rewrite: str, shift: int = 0) -> str:
    """An RE2 rewrite string (``\\1`` a group, ``\\\\`` a backslash) as a Java replacement
    (``$1``; every other character escaped, so a digit after a group stays a digit)."""
    out, i = [], 0
    while i < len(rewrite):
        ch = rewrite[i]
        if ch == "\\" and i + 1 < len(rewrite) and rewrite[i + 1].isdigit():
            out.append(f"${int(rewrite[i + 1]) + shift}")
            i += 2
            continue
        if ch == "\\" and i + 1 < len(rewrite):
            ch = rewrite[i + 1]
            i += 1
        out.append("\\" + ch)
        i += 1
    return "".join(out)


def _text(node: exp.Expression | None, what: str) -> str:
    if not isinstance(node, exp.Literal) or not node.is_string:
        raise ValueError(f"{what}: a string literal was expected, got {node!r}")
    return node.this


def _fast_date(node: exp.Expression) -> exp.Expression:
    """``try_strptime(cell, fmt | [fmt, …])``: the first format that parses, else NULL. A
    cell not of a format's shape is not handed to its parser (which could only fail, slowly:
    Spark's parser fails by an exception)."""
    cell, formats = node.expressions
    items = formats.expressions if isinstance(formats, exp.Array) else [formats]
    parses = []
    for f in items:
        pattern, shape = java_pattern(_text(f, "format"))
        parse = exp.Anonymous(
            this="try_to_timestamp", expressions=[cell.copy(), exp.Literal.string(pattern)]
        )
        fits = exp.Like(this=cell.copy(), expression=exp.Literal.string(shape))
        parses.append(exp.Case(ifs=[exp.If(this=fits, true=parse)]))
    return parses[0] if len(parses) == 1 else exp.Coalesce(this=parses[0], expressions=parses[1:])


def _group_struct(node: exp.RegexpExtract) -> exp.Expression:
    """``regexp_extract(cell, rx, ['g1', …])``: a struct of the groups 1, 2, … named so."""
    args: list[exp.Expression] = []
    for i, name in enumerate(node.args["group"].expressions, start=1):
        group = exp.RegexpExtract(
            this=node.this.copy(), expression=node.expression.copy(), group=exp.Literal.number(i)
        )
        args += [exp.Literal.string(_text(name, "group name")), group]
    return exp.Anonymous(this="named_struct", expressions=args)


def _replace(node: exp.RegexpReplace) -> exp.Expression:
    modifiers = node.args.get("modifiers")
    if node.args.get("position") or node.args.get("occurrence"):
        raise ValueError(f"regexp_replace with a position or occurrence: {node.sql('duckdb')}")
    flags = _text(modifiers, "regexp_replace options") if modifiers else ""
    pattern = _text(node.expression, "regexp_replace pattern")
    rewrite = _text(node.args.get("replacement"), "regexp_replace rewrite")
    if set(flags) - {"g"}:
        raise ValueError(f"regexp_replace options {flags!r} have no Spark form")
    if "g" in flags:
        rewrite = java_rewrite(rewrite)
    else:  # the first match only: what comes before it kept as group 1
        pattern, rewrite = f"(?s)^(.*?)(?:{pattern})", "$1" + java_rewrite(rewrite, shift=1)
    return exp.RegexpReplace(
        this=node.this.copy(),
        expression=exp.Literal.string(pattern),
        replacement=exp.Literal.string(rewrite),
    )


def to_spark(
    tree: exp.Expression, parquet: Callable[[list[str]], str] | None = None
) -> exp.Expression:
    """The rewrites of the module docstring on a DuckDB syntax tree (a new tree).
    ``parquet(paths) -> view name`` registers the parts a ``read_parquet`` reads."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and node.name.lower() == "try_strptime":
            return _fast_date(node)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "strlen":
            # DuckDB's strlen counts bytes, as Spark's octet_length does
            return exp.Anonymous(
                this="OCTET_LENGTH", expressions=[e.copy() for e in node.expressions]
            )
        if isinstance(node, exp.RegexpExtract) and isinstance(node.args.get("group"), exp.Array):
            return _group_struct(node)
        if isinstance(node, exp.RegexpFullMatch):
            pattern = _text(node.expression, "regexp_full_match pattern")
            return exp.RegexpLike(
                this=node.this.copy(), expression=exp.Literal.string(f"^(?:{pattern})\\z")
            )
        if isinstance(node, exp.RegexpReplace):
            return _replace(node)
        if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
            node = node.copy()  # DuckDB's AS MATERIALIZED: Spark plans the CTE itself
            node.set("materialized", None)
            return node
        if isinstance(node, exp.ReadParquet):
            if parquet is None:
                raise ValueError("read_parquet needs a Spark session")
            return exp.to_identifier(parquet(_paths(node)))
        return node

    return tree.transform(rewrite)


def _paths(node: exp.ReadParquet) -> list[str]:
    if len(node.expressions) != 1:
        raise ValueError(f"read_parquet options have no Spark form: {node.sql('duckdb')}")
    arg = node.expressions[0]
    items = arg.expressions if isinstance(arg, exp.Array) else [arg]
    return [_text(p, "parquet path") for p in items]


def transpile(sql: str) -> str:
    """One DuckDB statement as Spark SQL (``read_parquet`` not allowed: no session)."""
    return to_spark(sqlglot.parse_one(sql, read="duckdb")).sql(dialect="spark")


# ---------------------------------------------------------------- the connection


def _value(value: Any) -> Any:
    """A Spark value as DuckDB's Python API gives it: a STRUCT (a Row) as a dict."""
    if isinstance(value, tuple) and hasattr(value, "asDict"):
        return {k: _value(v) for k, v in value.asDict().items()}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


class _Result:
    def __init__(
        self, rows: list[tuple], frame: DataFrame | None = None, names: Sequence[str] = ()
    ):
        self._rows = rows
        self._frame = frame
        self.description = [(n,) for n in names]  # as a DB-API cursor: the column names

    def fetchall(self) -> list[tuple]:
        return self._rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def to_arrow_table(self) -> pa.Table:
        assert self._frame is not None
        with _quiet():
            return self._frame.toArrow()


class SparkConnection:
    """What the engine asks of a DuckDB connection (``register``, ``execute(sql, params)``
    with ``fetchall``/``fetchone``, ``close``), answered by a Spark session.

    ``staging``: a folder every executor reads (a local master's temp folder), where a
    registered Arrow table is written as Parquet and read back by Spark, in parallel; None
    (a cluster): the table is sent from the driver (``createDataFrame``) and cached, since a
    table sent from the driver is otherwise sent again by every query that reads it."""

    def __init__(self, spark: SparkSession, staging: str | None = None):
        self.spark = spark
        self.staging = staging
        # name -> the table last registered (weakly: a file's cells are not kept alive by it)
        self._views: dict[str, weakref.ref] = {}
        self._held: dict[str, str | DataFrame] = {}  # name -> its Parquet file or cached frame
        self._parts = 0

    def register(self, name: str, table: pa.Table | DataFrame) -> None:
        """``table`` as the temp view ``name`` (not converted again if it is the same table)."""
        last = self._views.get(name)
        if last is not None and last() is table:
            return
        held: str | DataFrame | None = None
        if isinstance(table, pa.Table) and self.staging:
            self._parts += 1
            held = os.path.join(self.staging, f"{name}-{self._parts}.parquet")
            pq.write_table(table, held, row_group_size=STAGED_ROW_GROUP)
            df = self.spark.read.parquet(held)
        elif isinstance(table, pa.Table):
            with _quiet():
                df = held = self.spark.createDataFrame(table).persist()
        else:
            df = table
        df.createOrReplaceTempView(name)
        self._views[name] = weakref.ref(table)
        self._release(name)
        if held is not None:
            self._held[name] = held

    def _release(self, name: str) -> None:
        """The file or cache of the table ``name`` showed before (no view reads it now)."""
        old = self._held.pop(name, None)
        if isinstance(old, str):
            with contextlib.suppress(OSError):
                os.remove(old)
        elif old is not None:
            old.unpersist()

    def _parquet(self, paths: list[str]) -> str:
        self._parts += 1
        name = f"_parquet_{self._parts}"
        self.spark.read.parquet(*paths).createOrReplaceTempView(name)
        return name

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> _Result:
        (tree,) = sqlglot.parse(sql, read="duckdb")
        assert tree is not None
        tree = to_spark(tree, self._parquet)
        args = list(parameters) if parameters else None
        if isinstance(tree, exp.Create):
            return self._create(tree, args)
        if isinstance(tree, exp.Drop):
            for table in tree.args.get("tables") or [tree.this]:
                self.unregister(table.name)  # and forget what was registered under the name
            return _Result([])
        frame = self.spark.sql(tree.sql(dialect="spark"), args=args)
        rows = frame.collect()
        return _Result([tuple(_value(v) for v in r) for r in rows], names=frame.columns)

    def _create(self, tree: exp.Create, args) -> _Result:
        """``CREATE [OR REPLACE] [TEMP] TABLE|VIEW name AS query``: a temp view (a table's
        query computed once, as DuckDB's table is)."""
        kind = (tree.args.get("kind") or "").upper()
        target, query = tree.this, tree.expression
        if kind not in ("TABLE", "VIEW") or not isinstance(target, exp.Table) or query is None:
            raise ValueError(f"no Spark form for: {tree.sql('duckdb')[:200]}")
        df = self.spark.sql(query.sql(dialect="spark"), args=args)
        if kind == "TABLE":
            df = df.localCheckpoint()
        df.createOrReplaceTempView(target.name)
        self._views.pop(target.name, None)
        self._release(target.name)
        return _Result([])

    def sql(self, sql: str) -> _Result:
        """A query whose result is read as Arrow (``.to_arrow_table()``), as DuckDB's ``sql``."""
        (tree,) = sqlglot.parse(sql, read="duckdb")
        assert tree is not None
        tree = to_spark(tree, self._parquet)
        return _Result([], self.spark.sql(tree.sql(dialect="spark")))

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        self._views.pop(name, None)
        self._release(name)

    def close(self) -> None:
        """The session is kept for the next run (see :func:`connect`)."""


_ACTIVE: dict[str, SparkConnection] = {}


def connect(master: str | None = DEFAULT_MASTER) -> SparkConnection:
    """The process's Spark session, created on first use and reused; a different ``master``
    stops it and starts another (Spark runs one per process). None: Spark's own settings."""
    key = master or ""
    if key in _ACTIVE:
        return _ACTIVE[key]
    for old in list(_ACTIVE):
        _ACTIVE.pop(old).spark.stop()
    staging = None
    if master and master.startswith("local"):
        staging = tempfile.mkdtemp(prefix="cchc-spark-")
        atexit.register(shutil.rmtree, staging, True)
    _ACTIVE[key] = SparkConnection(_start(master), staging)
    return _ACTIVE[key]


def _start(master: str | None) -> SparkSession:
    """A session, or a CchcError that says what is missing: the extra, or a JVM that starts."""
    try:
        import sqlglot  # noqa: F401

        with _quiet():
            from pyspark.sql import SparkSession
    except ImportError as exc:
        name = (exc.name or "pyspark").split(".")[0]
        raise CchcError(
            Msg(
                f"--engine spark cần gói bổ sung spark ({name} chưa được cài)",
                f"--engine spark needs the spark extra ({name} is not installed)",
            ),
            Msg(
                "cài bằng pip install 'cchc-cli[spark]' (Spark cần Java 17 trở lên)",
                "install it with pip install 'cchc-cli[spark]' (Spark needs Java 17 or later)",
            ),
        ) from exc

    builder = SparkSession.builder
    conf = dict(SESSION_CONF)
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            conf.update(LOCAL_CONF)
    for key, value in conf.items():
        builder = builder.config(key, value)
    log = _log_file()
    try:
        with _jvm_output(log), _quiet():
            spark = builder.getOrCreate()
    except Exception as exc:  # pyspark's own errors for a JVM that did not start
        raise CchcError(
            Msg(
                f"không khởi động được Spark (master {master or 'theo cấu hình Spark'})",
                f"Spark did not start (master {master or 'from the Spark settings'})",
            ),
            Msg(
                f"kiểm tra java -version (cần 17 trở lên) và JAVA_HOME; lời báo của Spark ở {log}",
                f"check java -version (17 or later) and JAVA_HOME; Spark's own messages are in {log}",
            ),
        ) from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _log_file() -> str:
    """:data:`LOG`, or a new private temp folder's file where the user's folder is not writable."""
    try:
        os.makedirs(os.path.dirname(LOG), mode=0o700, exist_ok=True)
        return LOG
    except OSError:
        return os.path.join(tempfile.mkdtemp(prefix="cchc-spark-log-"), "spark.log")


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pyspark warns, once, that it does not know pandas 3 (where it checks pandas' version);
    the Arrow paths used here do not go through pandas."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        yield


@contextlib.contextmanager
def _jvm_output(log: str) -> Iterator[None]:
    """The JVM started meanwhile writes its stdout and stderr to ``log``, reads the log4j
    settings beside it (errors only) and takes :data:`DRIVER_JVM`."""
    settings = log + ".log4j2.properties"
    with open(settings, "w", encoding="utf-8") as fh:
        fh.write(_LOG4J)
    old_opts = os.environ.get("SPARK_SUBMIT_OPTS")
    ours = f"{DRIVER_JVM} -Dlog4j2.configurationFile=file:{settings}"
    os.environ["SPARK_SUBMIT_OPTS"] = f"{ours} {old_opts or ''}"  # the user's own options win
    saved = [os.dup(1), os.dup(2)]
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.dup2(out, 1)
        os.dup2(out, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, out):
            os.close(fd)
        if old_opts is None:
            os.environ.pop("SPARK_SUBMIT_OPTS", None)
        else:
            os.environ["SPARK_SUBMIT_OPTS"] = old_opts


# ---------------------------------------------------------------- the engine's entry point


def run_periods_spark(
    plan: Plan,
    source: Staged | RawTable | Sequence[Staged | RawTable],
    periods: Mapping[str, tuple[dt.date, dt.date]],
    master: str | None = DEFAULT_MASTER,
) -> dict[str, EngineResult]:
    """What :func:`cchc_cli.engine.run_periods` gives, each query run by Spark."""
    from . import run_periods

    con = connect(master)
    return run_periods(plan, source, periods, connection=con)  # type: ignore[arg-type]


__all__ = ["SparkConnection", "connect", "java_pattern", "run_periods_spark", "transpile"]
