"""The workshop database: tables, engine, migrations (SQLAlchemy 2 Core, Alembic).

Default: an embedded SQLite file ``var/workshop.sqlite3`` in the repository (git-ignored), in WAL
mode (readers never block the one writer), ``synchronous=FULL`` (a committed answer survives a
crash of the process or the machine) and a 10 s busy timeout. ``LUPE_DATABASE_URL`` selects any
other SQLAlchemy URL, e.g. ``postgresql+psycopg://user:pw@host/db`` (a bare ``postgresql://`` URL
is read as psycopg 3). Column types are portable (String, Integer, Boolean, DateTime, JSON), and the
same Alembic scripts (``lupcore/workshop/migrations``) build the schema on both; ``open_store``
applies ``upgrade head`` programmatically, so ``make run`` needs no set-up.

Every write transaction begins by bumping its room's ``version`` (``UPDATE rooms SET version =
version + 1``): on SQLite this takes the write lock first (so the busy timeout applies instead of
a deadlock error), on PostgreSQL it locks the room row, and readers polling the version see a
change exactly when something was committed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lupcore.workshop.retry import retry_lost_connection

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / "var" / "workshop.sqlite3"
ENV_URL = "LUPE_DATABASE_URL"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
# Connections per replica: POOL_SIZE kept open, up to MAX_OVERFLOW more at a peak (docs/deploy.md sizes them).
POOL_SIZE_VAR, MAX_OVERFLOW_VAR = "LUPE_DB_POOL_SIZE", "LUPE_DB_MAX_OVERFLOW"
POOL_DEFAULTS = {POOL_SIZE_VAR: 5, MAX_OVERFLOW_VAR: 10}
POOL_LIMITS = {POOL_SIZE_VAR: (1, 100), MAX_OVERFLOW_VAR: (0, 200)}

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s",
})

rooms = sa.Table(
    "rooms", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(6), nullable=False, unique=True),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("area_code", sa.String(9), nullable=False),
    sa.Column("named", sa.Boolean, nullable=False),
    sa.Column("admin_hash", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("control_metrics", sa.JSON, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)
activities = sa.Table(
    "activities", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("round", sa.Integer, nullable=False, server_default="1"),
    sa.UniqueConstraint("room_id", "kind", name="uq_activities_room_kind"),
)
participants = sa.Table(
    "participants", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("number", sa.Integer, nullable=False),  # 1, 2, 3… within the room: the pseudonym P01
    sa.Column("name", sa.String(60), nullable=True),
    sa.Column("role", sa.String(20), nullable=True),
    sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("room_id", "number", name="uq_participants_room_number"),
)
answers = sa.Table(
    "answers", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("approved", sa.Boolean, nullable=False, server_default=sa.false()),  # ideas: shown once approved
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("participant_id", "kind", "round", name="uq_answers_participant_kind_round"),
)


@dataclass(frozen=True)
class Store:
    """An engine whose schema is at the newest migration."""

    engine: Engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)


def database_url(url: str | None = None) -> str:
    """``url``, else ``LUPE_DATABASE_URL``, else the default SQLite file (its folder created)."""
    url = url or os.environ.get(ENV_URL) or ""
    if not url:
        DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DEFAULT_PATH}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL, FULL sync, busy timeout, foreign keys; real transactions (SQLAlchemy's pysqlite recipe)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # the driver's own implicit BEGIN is off; we emit it below
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        conn.exec_driver_sql("BEGIN")


def pool_settings(environ: Mapping[str, str] = os.environ) -> dict[str, int]:
    """``pool_size`` and ``max_overflow`` from the environment (defaults 5 and 10); a bad value stops the start."""
    settings = {}
    for var, default in POOL_DEFAULTS.items():
        text = environ.get(var, "").strip()
        low, high = POOL_LIMITS[var]
        if text and not (text.isdigit() and low <= int(text) <= high):
            raise ValueError(f"{var}={text!r}: give a whole number from {low} to {high}")
        settings["pool_size" if var == POOL_SIZE_VAR else "max_overflow"] = int(text) if text else default
    return settings


def create_engine(url: str | None = None) -> Engine:
    """An engine with a pool per process (5 + 10 by default: a room of 50 on one replica)."""
    url = database_url(url)
    pool = pool_settings()
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, **pool, pool_timeout=30,
                                  connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
        _sqlite_pragmas(engine)
        return engine
    # connect_timeout: a database that does not answer is a short wait and a plain message (retry.py), not a hang
    return sa.create_engine(url, **pool, pool_timeout=30, pool_pre_ping=True,
                            pool_recycle=1800, connect_args={"connect_timeout": 5})


def upgrade(engine: Engine) -> None:
    """Apply the Alembic migrations up to ``head`` on ``engine`` (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


_STORES: dict[str, Store] = {}
_LOCK = threading.Lock()


@retry_lost_connection
def open_store(url: str | None = None) -> Store:
    """The process's store for ``url`` (created and migrated on first use, then shared)."""
    resolved = database_url(url)
    with _LOCK:
        store = _STORES.get(resolved)
        if store is None:
            engine = create_engine(resolved)
            try:
                upgrade(engine)
            except sa.exc.DBAPIError:  # another process migrating at the same moment: its work is done now
                upgrade(engine)
            store = _STORES[resolved] = Store(engine)
        return store


def close_store(url: str | None = None) -> None:
    """Dispose of a cached store's connections (tests, or after deleting the file)."""
    with _LOCK:
        store = _STORES.pop(database_url(url), None)
    if store is not None:
        store.engine.dispose()
