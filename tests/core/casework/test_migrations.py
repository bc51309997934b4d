"""Schema migrations: a fresh store starts at the latest version, an old one is upgraded with its rows
kept, a newer one (or a foreign `decisions` table) is refused with a clear message."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.casework import SCHEMA_VERSION, CaseworkStore, SchemaVersionError, merge_subject
from core.casework import migrations as mig


def test_migrations_are_numbered_in_order_from_one():
    assert [v for v, _what, _step in mig.MIGRATIONS] == list(range(1, len(mig.MIGRATIONS) + 1))
    assert mig.MIGRATIONS[-1][0] == SCHEMA_VERSION


def test_a_fresh_store_is_at_the_latest_version(db_url):
    with CaseworkStore(db_url) as s:
        assert s.upgraded_from == 0
        assert s.schema_version == SCHEMA_VERSION


def test_opening_a_store_twice_migrates_once(db_url):
    CaseworkStore(db_url).close()
    with CaseworkStore(db_url) as s:
        assert s.upgraded_from == SCHEMA_VERSION


def test_opening_a_version_1_store_upgrades_it_and_keeps_its_rows(db_url):
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        mig.migrate(conn, target=1)
        assert mig.current_version(conn) == 1
        # a row written by the version-1 code
        conn.execute(
            mig.decisions.insert().values(
                corpus="c1",
                scope="shared",
                kind="merge_rejected",
                family="merge",
                subject=merge_subject("iraq", "Iraqi"),
                value="",
                who="ana",
                at=sa.func.now(),
            )
        )
    engine.dispose()
    with CaseworkStore(db_url) as s:
        assert s.upgraded_from == 1
        assert s.schema_version == SCHEMA_VERSION
        assert s.current("c1").get_column("who").to_list() == ["ana"]
        with s.engine.connect() as conn:
            indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("decisions")}
        assert "ix_decisions_corpus_scope_id" in indexes  # what step 2 added


def test_a_store_from_a_newer_version_is_refused(db_url):
    CaseworkStore(db_url).close()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(mig.schema_version.update().values(version=SCHEMA_VERSION + 1))
    engine.dispose()
    with pytest.raises(
        SchemaVersionError, match=rf"schema version {SCHEMA_VERSION + 1}, newer than .*upgrade newsdash"
    ):
        CaseworkStore(db_url)


def test_a_foreign_decisions_table_is_refused(db_url):
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        sa.Table("decisions", sa.MetaData(), sa.Column("x", sa.Integer)).create(conn)
    engine.dispose()
    with pytest.raises(SchemaVersionError, match="not a newsdash casework store"):
        CaseworkStore(db_url)


def test_a_failed_step_leaves_the_old_version(db_url, monkeypatch):
    def broken(conn):
        raise RuntimeError("step failed")

    monkeypatch.setattr(mig, "MIGRATIONS", (*mig.MIGRATIONS[:1], (2, "broken", broken)))
    with pytest.raises(RuntimeError, match="step failed"):
        CaseworkStore(db_url)
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert mig.current_version(conn) == 0  # the whole upgrade rolled back, v1 included
        assert not sa.inspect(conn).has_table("decisions")
    engine.dispose()
