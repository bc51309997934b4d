"""The store's schema and its versioned migrations: a small runner over an ordered list of steps.

`schema_version` holds one row, the version the database is at. Opening a store runs every step above
that version, in order, in ONE transaction (DDL is transactional in both SQLite and PostgreSQL, so a
failed step leaves the old version intact). A database from a newer version is refused: this code
cannot know what a later step changed. Why not Alembic: see docs/casework.md.

Each step builds its own Table objects instead of reusing the live ones below, so an old step keeps
doing exactly what it did when it shipped even after the live schema moves on.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# Lock id for PostgreSQL's advisory lock around migrations (two app servers starting at once).
_PG_MIGRATION_LOCK = 16_202_612


class SchemaVersionError(RuntimeError):
    """The database was written by a newer newsdash (or is not a casework store)."""


# --- the live schema (what the store reads and writes) -------------------------------------------

metadata = sa.MetaData()

# BigInteger on PostgreSQL, INTEGER on SQLite: SQLite autoincrements only an "INTEGER PRIMARY KEY".
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("corpus", sa.String(128), nullable=False),
    sa.Column("scope", sa.String(320), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("family", sa.String(32), nullable=False),
    sa.Column("subject", sa.Text(), nullable=False),
    sa.Column("value", sa.Text(), nullable=False),
    sa.Column("who", sa.String(320), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer(), nullable=False),
)


# --- the steps -------------------------------------------------------------------------------------


def _v1_decisions_table(conn: Connection) -> None:
    """v1: the append-only decisions table."""
    meta = sa.MetaData()
    sa.Table(
        "decisions",
        meta,
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("corpus", sa.String(128), nullable=False),
        sa.Column("scope", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("who", sa.String(320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    meta.create_all(conn)


def _v2_corpus_scope_index(conn: Connection) -> None:
    """v2: an index for `current(corpus, scope)` and `history(corpus)` (a scan per page load otherwise)."""
    meta = sa.MetaData()
    table = sa.Table("decisions", meta, autoload_with=conn)
    sa.Index("ix_decisions_corpus_scope_id", table.c.corpus, table.c.scope, table.c.id).create(conn)


# (version, what it does, the step). Append only; never edit a shipped step.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "decisions table", _v1_decisions_table),
    (2, "index on (corpus, scope, id)", _v2_corpus_scope_index),
)
LATEST = MIGRATIONS[-1][0]


# --- the runner ------------------------------------------------------------------------------------


def current_version(conn: Connection) -> int:
    """The version the database is at: 0 for an empty database."""
    if not sa.inspect(conn).has_table("schema_version"):
        if sa.inspect(conn).has_table("decisions"):
            raise SchemaVersionError("a 'decisions' table without 'schema_version': not a newsdash casework store")
        return 0
    version = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
    return int(version or 0)


def migrate(conn: Connection, target: int = LATEST) -> int:
    """Bring the database to `target` inside the caller's transaction; returns the version it was at.

    Raises SchemaVersionError when the database is newer than this code knows.
    """
    if conn.dialect.name == "postgresql":
        # two servers opening a fresh database at once: the second waits here, then finds it migrated
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
    was = current_version(conn)
    if was > LATEST:
        raise SchemaVersionError(
            f"the casework store is at schema version {was}, newer than this newsdash knows (up to {LATEST}); "
            "upgrade newsdash, or open a copy of the store with the version that wrote it"
        )
    if was >= target:
        return was
    if was == 0:
        schema_version.create(conn)
        conn.execute(schema_version.insert().values(version=0))
    for version, _what, step in MIGRATIONS:
        if was < version <= target:
            step(conn)
    conn.execute(schema_version.update().values(version=target))
    return was
