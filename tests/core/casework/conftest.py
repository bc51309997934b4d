"""Store fixtures: every store test runs on SQLite, and on PostgreSQL when NEWSDASH_TEST_PG_URL is set.

On PostgreSQL each test gets a schema of its own (search_path in the URL), dropped afterwards, so tests
never see each other's rows and a migration test starts from an empty database.
Start a throwaway server with `eval "$(scripts/postgres.sh)"`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from core.casework import CaseworkStore

PG_ENV = "NEWSDASH_TEST_PG_URL"
NO_PG = f'no PostgreSQL: set {PG_ENV} (eval "$(scripts/postgres.sh)" starts a throwaway server)'


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """A URL of an empty store: a SQLite file in tmp_path, or a fresh schema on the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'casework.sqlite'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(NO_PG)
    schema_name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema_name))
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema_name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema_name, cascade=True))
        admin.dispose()


@pytest.fixture
def store(db_url) -> Iterator[CaseworkStore]:
    with CaseworkStore(db_url) as s:
        yield s
