"""CaseworkStore: the analysts' decisions, append-only, in SQLite (default) or PostgreSQL.

Every decision is a row (id, corpus, scope, kind, family, subject, value, who, at). Nothing is updated
or deleted: the latest row per (corpus, scope, family, subject) wins and an `undo` row clears it, so
`history` shows every step with who and when. Queries are SQLAlchemy Core with bound parameters.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.casework import migrations
from core.casework.decisions import SHARED, UNDO, Decision, check_decision
from core.casework.migrations import decisions as T

# Environment variable naming the store (a SQLAlchemy URL or a path to a SQLite file).
DB_ENV = "NEWSDASH_DB"
# How long a SQLite writer waits for another's transaction before giving up (two analysts at once).
SQLITE_BUSY_TIMEOUT_S = 30.0

# The frame `history` and `current` return (`at` in UTC).
DECISION_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "corpus": pl.String(),
    "scope": pl.String(),
    "kind": pl.String(),
    "family": pl.String(),
    "subject": pl.String(),
    "value": pl.String(),
    "who": pl.String(),
    "at": pl.Datetime("us", "UTC"),
}


def store_url(target: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a file path ("cases.db" -> "sqlite:///cases.db").

    `postgresql://` is read as `postgresql+psycopg://` (psycopg 3 is the driver this project ships).
    """
    text = str(target)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser()}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def default_url(data_dir: str | Path) -> str:
    """The store to use: $NEWSDASH_DB when set, else `casework.sqlite` in `data_dir` (no set-up needed)."""
    return store_url(os.environ.get(DB_ENV) or Path(data_dir) / "casework.sqlite")


def _sqlite_engine(url: str) -> Engine:
    """A SQLite engine in WAL mode whose write transactions take the write lock at BEGIN.

    BEGIN IMMEDIATE: a deferred transaction that reads and then writes can fail at once with
    "database is locked" when another writer got in between; an immediate one waits (busy timeout).
    """
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor it them
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("casework_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class CaseworkStore:
    """The decisions store at `url` (SQLAlchemy URL or SQLite path); opening it migrates it to the latest schema.

    Raises migrations.SchemaVersionError when the database comes from a newer version.
    """

    def __init__(self, url: str | Path) -> None:
        self.url = store_url(url)
        if self.url.startswith("sqlite"):
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = sa.create_engine(self.url, pool_pre_ping=True)
        try:
            with self._write() as conn:
                self.upgraded_from = migrations.migrate(conn)
        except BaseException:
            self.engine.dispose()  # a refused or failed store leaves no open connection behind
            raise

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> CaseworkStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        with self.engine.connect().execution_options(casework_write=True) as conn, conn.begin():
            yield conn

    @property
    def schema_version(self) -> int:
        """The schema version the database is at."""
        with self.engine.connect() as conn:
            return migrations.current_version(conn)

    # --- writes ------------------------------------------------------------------------------------

    def record(
        self,
        corpus: str,
        kind: str,
        subject: str,
        value: str = "",
        *,
        who: str,
        scope: str = SHARED,
        family: str = "",
    ) -> int:
        """Append one decision; returns its id. Raises DecisionError (nothing written) when it is malformed."""
        return self.record_many(corpus, [Decision(kind, subject, value, who, scope, family)])[0]

    def undo(self, corpus: str, family: str, subject: str, *, who: str, scope: str = SHARED) -> int:
        """Append an undo: the subject has no current decision of `family` any more; returns its id."""
        return self.record(corpus, UNDO, subject, who=who, scope=scope, family=family)

    def record_many(self, corpus: str, rows: Iterable[Decision]) -> list[int]:
        """Append decisions in ONE transaction (all land or none); returns their ids in order.

        Every row is checked first (decisions.check_decision): one malformed row writes nothing.
        """
        if not corpus:
            raise ValueError("corpus key is empty")
        now = datetime.now(UTC)
        checked = [check_decision(d) for d in rows]
        values = [
            {
                "corpus": corpus,
                "scope": d.scope,
                "kind": d.kind,
                "family": d.family,
                "subject": d.subject,
                "value": d.value,
                "who": d.who,
                "at": (d.at or now).astimezone(UTC),
            }
            for d in checked
        ]
        if not values:
            return []
        with self._write() as conn:
            # SQLAlchemy's "insertmanyvalues": batched INSERT ... RETURNING, ids in parameter order
            result = conn.execute(T.insert().returning(T.c.id, sort_by_parameter_order=True), values)
            return [int(i) for i in result.scalars()]

    # --- reads -------------------------------------------------------------------------------------

    def history(self, corpus: str, scope: str | None = None) -> pl.DataFrame:
        """Every decision on `corpus` (in one `scope`, or all scopes), oldest first (DECISION_SCHEMA)."""
        sqlite = self.engine.dialect.name == "sqlite"
        # SQLite keeps `at` as ISO text: Polars parses the column at once (SQLAlchemy would, row by row)
        at = sa.type_coerce(T.c.at, sa.String()) if sqlite else T.c.at
        query = sa.select(*T.c[:-1], at).where(T.c.corpus == corpus)
        if scope is not None:
            query = query.where(T.c.scope == scope)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(T.c.id)).all()
        names = list(DECISION_SCHEMA)
        columns = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {n: () for n in names}
        frame = pl.DataFrame(
            {n: list(columns[n]) for n in names[:-1]}, schema={n: DECISION_SCHEMA[n] for n in names[:-1]}
        )
        if sqlite:
            stamps = pl.Series("at", list(columns["at"]), dtype=pl.String).str.to_datetime(
                "%Y-%m-%d %H:%M:%S%.f", time_unit="us"
            )
            stamps = stamps.dt.replace_time_zone("UTC")
        else:
            stamps = pl.Series("at", list(columns["at"]), dtype=pl.Datetime("us", "UTC"))
        return frame.with_columns(stamps)

    def current(self, corpus: str, scope: str = SHARED) -> pl.DataFrame:
        """The decisions in force on `corpus` for `scope`: the latest row per (family, subject), undone ones left out.

        Same columns as `history`, ordered by id. Cost: one indexed query plus a Polars group-by.
        """
        return latest_decisions(self.history(corpus, scope))

    def corpora(self) -> list[str]:
        """The corpus keys that have decisions."""
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.select(T.c.corpus).distinct().order_by(T.c.corpus))]


def latest_decisions(history: pl.DataFrame) -> pl.DataFrame:
    """The rows in force: the latest per (corpus, scope, family, subject) by id, without undo rows."""
    return (
        history.sort("id")
        .unique(subset=["corpus", "scope", "family", "subject"], keep="last", maintain_order=True)
        .filter(pl.col("kind") != UNDO)
        .sort("id")
    )
