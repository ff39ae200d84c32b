"""Fixtures for the workshop tests: a fresh database per test, on SQLite and (when asked) PostgreSQL.

``workshop_db_url`` yields a new SQLite file URL, and every test using it runs a second time on
PostgreSQL, the server named by ``LUPE_TEST_POSTGRES_URL`` (``make test`` and ``.ci/run`` start a
throwaway one; without it the PostgreSQL runs fail in CI and are skipped with a banner elsewhere) (one database per test session, created with a unique
name and dropped at the end; each test gets its own schema-clean state by dropping the tables).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from lupcore.workshop.store import close_store, database_url, metadata
from tests.conftest import require_postgres_url

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str]:
    """A uniquely named database on the server in ``LUPE_TEST_POSTGRES_URL`` for this test session."""
    server = sa.engine.make_url(database_url(require_postgres_url()))
    name = f"lupe_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        close_store(server.set(database=name).render_as_string(hide_password=False))
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def workshop_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty workshop database URL (the schema is created by the code under test)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'workshop.sqlite3'}"
        yield url
        close_store(url)
        return
    url = request.getfixturevalue("_postgres_database")
    close_store(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a clean slate: no tables, no alembic_version
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()
    yield url
    close_store(url)
