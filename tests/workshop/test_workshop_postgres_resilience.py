"""On PostgreSQL a lost connection is replaced or the transaction retried; a database that stays away
gives one plain sentence (lupcore/workshop/retry.py). Real disconnects: the server is told to end the
backends (``pg_terminate_backend``), as a restart or a failover would."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from lupcore.workshop import participation as wp, results as wr, retry, service as ws
from lupcore.workshop.store import Store, close_store, create_engine, open_store
from lupserve.procs import free_port

VOCAB = ws.Vocabulary(metrics=frozenset({"gva_per_hour"}))
ON_POSTGRES = pytest.mark.parametrize("workshop_db_url", ["postgresql"], indirect=True)


def _terminate(url: str, pid: int | None = None) -> int:
    """End every backend of ``url``'s database (or just ``pid``) from another connection; how many."""
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            where = "pid = :pid" if pid is not None else "datname = current_database() and pid <> pg_backend_pid()"
            return len(conn.execute(sa.text(f"select pg_terminate_backend(pid) from pg_stat_activity where {where}"),
                                    {"pid": pid}).fetchall())
    finally:
        admin.dispose()


def _room_with_participant(store: Store) -> tuple[str, str]:
    room = ws.open_room(store, area_code="E08000030", title="Resilience", named=False)
    ws.set_state(store, room.code, room.admin_token, "ideas", "open")
    token, _ = wp.join(store, room.code)
    return room.code, token


@ON_POSTGRES
def test_connections_dropped_between_transactions_are_replaced(workshop_db_url: str) -> None:
    store = open_store(workshop_db_url)
    code, token = _room_with_participant(store)
    assert _terminate(workshop_db_url) >= 1  # the pool's idle connections are now dead
    wp.answer(store, code, token, "ideas", {"text": "after the restart"}, VOCAB)
    assert [text for _, text, _ in wr.results(store, code).ideas] == ["after the restart"]


@ON_POSTGRES
def test_a_connection_lost_inside_a_transaction_is_retried_and_the_answer_stored_once(workshop_db_url: str) -> None:
    store = open_store(workshop_db_url)
    code, token = _room_with_participant(store)
    seen: list[int] = []

    def kill_first_write(conn, cursor, statement, *_):  # noqa: ANN001 - SQLAlchemy's event signature
        if statement.lstrip().upper().startswith("UPDATE ROOMS"):
            seen.append(conn.connection.dbapi_connection.info.backend_pid)
            if len(seen) == 1:  # the server ends this very connection just before the write
                _terminate(workshop_db_url, seen[0])

    sa.event.listen(store.engine, "before_cursor_execute", kill_first_write)
    try:
        wp.answer(store, code, token, "ideas", {"text": "said once"}, VOCAB)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", kill_first_write)
    assert len(seen) == 2 and seen[0] != seen[1]  # a second attempt, on a new connection
    assert [text for _, text, _ in wr.results(store, code).ideas] == ["said once"]


def test_a_database_that_stays_away_gives_one_plain_sentence() -> None:
    url = f"postgresql+psycopg://lupe:x@127.0.0.1:{free_port()}/lupe"  # nothing listens there
    store = Store(create_engine(url))
    started = time.monotonic()
    with pytest.raises(ws.StoreUnavailableError) as caught:
        ws.get_room(store, "ABCDEF")
    assert str(caught.value) == retry.UNAVAILABLE
    assert isinstance(caught.value, ws.WorkshopError)  # pages show a WorkshopError's sentence, not a traceback
    assert 2 < time.monotonic() - started < 20  # it did wait and retry, and it did not hang
    with pytest.raises(ws.StoreUnavailableError):
        open_store(url)
    close_store(url)
    store.engine.dispose()
