"""Rooms, joins, answers, activity states, rounds, results and deletion against a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lupcore.workshop import codes, participation as wp, results as wr, service as ws
from lupcore.workshop.store import (
    answers,
    create_engine,
    current_revision,
    metadata,
    open_store,
    participants,
    pool_settings,
    rooms,
)

VOCAB = ws.Vocabulary(metrics=frozenset({"gva_per_hour", "employment_rate", "healthy_life_exp", "crime_rate"}))


@pytest.fixture
def store(workshop_db_url: str) -> ws.Store:
    return open_store(workshop_db_url)


def opened(store: ws.Store, named: bool = True) -> ws.OpenedRoom:
    return ws.open_room(store, area_code="E08000030", title="Walsall Place Board, 12 Jan", named=named)


def test_migrations_build_exactly_the_tables_the_code_uses(store: ws.Store) -> None:
    assert current_revision(store.engine) == "0001"
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_codes_have_no_confusable_characters_and_tokens_are_stored_hashed(store: ws.Store) -> None:
    room = opened(store)
    assert len(room.code) == 6 and not set(room.code) & set("0O1IL")
    token, me = wp.join(store, room.code.lower(), name="Asha", role="officer")
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(rooms.c.admin_hash)).scalar()
        hashes = [r[0] for r in conn.execute(sa.select(participants.c.token_hash))]
        everything = " ".join(str(v) for t in metadata.sorted_tables for row in conn.execute(sa.select(t)) for v in row)
    assert stored == codes.hash_token(room.admin_token) and hashes == [codes.hash_token(token)]
    assert room.admin_token not in everything and token not in everything
    assert me.pseudonym == "P01" and me.name == "Asha"


def test_anonymous_room_keeps_no_names(store: ws.Store) -> None:
    room = opened(store, named=False)
    _, me = wp.join(store, room.code, name="Asha", role="police")
    assert me.name is None and me.role == "police"


def test_answers_last_one_counts_and_only_when_open(store: ws.Store) -> None:
    room = opened(store)
    token, _ = wp.join(store, room.code)
    with pytest.raises(ws.ActivityClosedError):
        wp.answer(store, room.code, token, "priorities", {"points": {"1": 100}}, VOCAB)
    ws.set_state(store, room.code, room.admin_token, "priorities", "open")
    wp.answer(store, room.code, token, "priorities", {"points": {"1": 60, "2": 40}}, VOCAB)
    v = wp.answer(store, room.code, token, "priorities", {"points": {"3": 100}}, VOCAB)
    assert v == ws.room_version(store, room.code)
    me, mine = wp.whoami(store, room.code, token)
    assert mine["priorities"] == {"points": {"3": 100}}
    res = wr.results(store, room.code)
    assert res.counts["priorities"] == 1 and res.priorities.mean[2] == 100


@pytest.mark.parametrize(("kind", "payload", "message"), [
    ("priorities", {"points": {"1": 60, "2": 30}}, "add up to 90"),
    ("priorities", {"points": {"13": 100}}, "no mission 13"),
    ("priorities", {"points": {"1": 50.5, "2": 49.5}}, "whole numbers"),
    ("killer", {"metrics": ["gva_per_hour", "nonsense"]}, "Unknown metric"),
    ("killer", {"metrics": ["gva_per_hour", "employment_rate", "crime_rate", "healthy_life_exp"]}, "at most 3"),
    ("control", {"levels": {"gva_per_hour": "total"}}, "not a level"),
    ("rag", {"ratings": {"1": "purple"}}, "not red, amber or green"),
    ("rag", {"ratings": {"1": "red"}, "reasons": {"1": "x" * 30_000}}, "30,000 characters"),
    ("rag", {"ratings": {"1": "red"}, "reasons": {"2": "why"}}, "no colour"),
    ("ideas", {"text": "<script>alert(1)</script>"}, "HTML"),
    ("ideas", {"text": "   "}, "empty"),
])
def test_bad_answers_are_refused_and_nothing_is_stored(store: ws.Store, kind: str, payload: dict, message: str) -> None:
    room = opened(store)
    token, _ = wp.join(store, room.code)
    ws.set_state(store, room.code, room.admin_token, kind, "open")
    before = ws.room_version(store, room.code)
    with pytest.raises(ws.InvalidAnswerError, match=message):
        wp.answer(store, room.code, token, kind, payload, VOCAB)
    assert ws.room_version(store, room.code) == before  # the version bump was rolled back too
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(answers)).scalar() == 0


def test_names_with_html_or_formulas_are_refused(store: ws.Store) -> None:
    room = opened(store)
    for name in ("<b>Bob</b>", "=HYPERLINK(\"http://x\")"):
        with pytest.raises(ws.WorkshopError):
            wp.join(store, room.code, name=name)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(participants)).scalar() == 0


def test_facilitator_commands_need_the_admin_token(store: ws.Store) -> None:
    room = opened(store)
    token, _ = wp.join(store, room.code)
    for wrong in (token, "nonsense", ""):
        with pytest.raises(ws.NotFacilitatorError):
            ws.set_state(store, room.code, wrong, "priorities", "open")
    with pytest.raises(ws.UnknownRoomError):
        ws.set_state(store, "ZZZZZZ", room.admin_token, "priorities", "open")


def test_nobody_changes_another_persons_answer(store: ws.Store) -> None:
    a, b = opened(store), opened(store)
    token_a, _ = wp.join(store, a.code)
    ws.set_state(store, b.code, b.admin_token, "ideas", "open")
    with pytest.raises(ws.NotParticipantError):  # a token from another room is no one here
        wp.answer(store, b.code, token_a, "ideas", {"text": "Bus punctuality"}, VOCAB)


def test_failed_joins_are_rate_limited_per_client() -> None:
    limiter = codes.FailedJoinLimiter(limit=3, window=60)
    for _ in range(3):
        limiter.record_failure("session-1")
    assert limiter.blocked("session-1") and not limiter.blocked("session-2")


def test_failed_joins_count_and_then_block(store: ws.Store) -> None:
    limiter = codes.FailedJoinLimiter(limit=2, window=60)
    room = opened(store)
    for _ in range(2):
        with pytest.raises(ws.UnknownRoomError):
            wp.join(store, "ABCDEF" if room.code != "ABCDEF" else "ABCDEG", client_key="k", limiter=limiter)
    with pytest.raises(ws.TooManyTriesError):
        wp.join(store, room.code, client_key="k", limiter=limiter)


def test_second_round_keeps_the_first_and_reports_convergence(store: ws.Store) -> None:
    room = opened(store)
    tokens = [wp.join(store, room.code)[0] for _ in range(4)]
    ws.set_state(store, room.code, room.admin_token, "priorities", "open")
    first = [{"1": 70, "2": 30}, {"2": 70, "3": 30}, {"3": 70, "4": 30}, {"1": 50, "4": 50}]
    for t, pts in zip(tokens, first, strict=True):
        wp.answer(store, room.code, t, "priorities", {"points": pts}, VOCAB)
    ws.next_round(store, room.code, room.admin_token, "priorities")
    assert wp.previous_answer(store, room.code, tokens[0], "priorities") == {"points": first[0]}
    for t in tokens:
        wp.answer(store, room.code, t, "priorities", {"points": {"1": 40, "2": 30, "3": 20, "4": 10}}, VOCAB)
    res = wr.results(store, room.code)
    assert res.room.activities["priorities"] == ("open", 2)
    assert res.previous_priorities is not None and res.previous_priorities.responses == 4
    conv = wr.priorities_convergence(res)
    assert conv.w_after == pytest.approx(1.0) and conv.w_after > conv.w_before and conv.converged


def test_results_pool_every_activity(store: ws.Store) -> None:
    room = opened(store)
    ws.set_control_metrics(store, room.code, room.admin_token, ["gva_per_hour", "crime_rate"], VOCAB)
    for kind in ws.KINDS:
        ws.set_state(store, room.code, room.admin_token, kind, "open")
    t1, _ = wp.join(store, room.code, name="A")
    t2, _ = wp.join(store, room.code, name="B")
    for t, colour in ((t1, "red"), (t2, "amber")):
        wp.answer(store, room.code, t, "killer", {"metrics": ["gva_per_hour", "crime_rate"]}, VOCAB)
        wp.answer(store, room.code, t, "control", {"levels": {"gva_per_hour": "low"}}, VOCAB)
        wp.answer(store, room.code, t, "rag", {"ratings": {"1": colour, "2": "green"}, "reasons": {"1": "Jobs"}}, VOCAB)
    with pytest.raises(ws.InvalidAnswerError):  # not on the facilitator's list
        wp.answer(store, room.code, t1, "control", {"levels": {"employment_rate": "high"}}, VOCAB)
    wp.answer(store, room.code, t1, "ideas", {"text": "Bus punctuality to the hospital"}, VOCAB)
    wp.answer(store, room.code, t2, "ideas", {"text": "=1+1 shops empty"}, VOCAB)
    wp.approve_idea(store, room.code, room.admin_token, 1)
    res = wr.results(store, room.code)
    assert res.participants == 2 and res.killer == [("crime_rate", 2), ("gva_per_hour", 2)]
    assert res.control["gva_per_hour"]["low"] == 2
    assert res.rag[1] == {"red": 1, "amber": 1, "green": 0} and wr.room_rag(res)[2] == "green"
    assert wr.room_rag(res)[1] == "split" and res.rag_reasons[1] == ["Jobs", "Jobs"]
    assert ("P01", "Bus punctuality to the hospital", True) in res.ideas
    assert ("P02", "=1+1 shops empty", False) in res.ideas


def test_delete_and_expiry_remove_everything(store: ws.Store) -> None:
    room = opened(store)
    token, _ = wp.join(store, room.code)
    ws.set_state(store, room.code, room.admin_token, "ideas", "open")
    wp.answer(store, room.code, token, "ideas", {"text": "Parks"}, VOCAB)
    with pytest.raises(ws.NotFacilitatorError):
        ws.delete_room(store, room.code, token)
    ws.delete_room(store, room.code, room.admin_token)
    with pytest.raises(ws.UnknownRoomError):
        ws.get_room(store, room.code)
    old = ws.open_room(store, area_code="E08000030", title="Old", named=False,
                       now=datetime.now(UTC) - timedelta(days=31))
    with pytest.raises(ws.UnknownRoomError):
        wp.join(store, old.code, limiter=codes.FailedJoinLimiter())
    assert ws.purge_expired(store) == 1
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0, table.name


def test_tokens_never_start_with_a_dash_and_codes_use_the_safe_alphabet() -> None:
    tokens = [codes.new_token() for _ in range(2000)]  # about 1 in 64 raw tokens would start with "-"
    assert not any(t.startswith("-") for t in tokens) and len(set(tokens)) == 2000
    assert all(len(t) >= 43 for t in tokens)
    drawn = "".join(codes.new_code() for _ in range(500))
    assert set(drawn) <= set(codes.ALPHABET) and not set(drawn) & set("0O1IL")
    assert codes.normalise_code(" k7m-q2d ") == "K7MQ2D" and codes.normalise_code("K7MQ2O") is None


def test_the_pool_is_sized_from_the_environment(workshop_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An operator sizes each replica's connections (docs/deploy.md: replicas × (size + overflow))."""
    monkeypatch.setenv("LUPE_DB_POOL_SIZE", "3")
    monkeypatch.setenv("LUPE_DB_MAX_OVERFLOW", "0")
    engine = create_engine(workshop_db_url)
    try:
        assert engine.pool.size() == 3
        held = [engine.connect() for _ in range(3)]
        assert engine.pool.checkedout() == 3 and engine.pool.overflow() == 0  # three open, none beyond the size
        for conn in held:
            conn.close()
    finally:
        engine.dispose()


@pytest.mark.parametrize(("var", "value"), [("LUPE_DB_POOL_SIZE", "0"), ("LUPE_DB_POOL_SIZE", "five"),
                                            ("LUPE_DB_MAX_OVERFLOW", "-1"), ("LUPE_DB_MAX_OVERFLOW", "1e9")])
def test_a_bad_pool_size_stops_the_start_with_one_sentence(var: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"^{var}=.*whole number"):
        pool_settings({var: value})
    assert pool_settings({}) == {"pool_size": 5, "max_overflow": 10}
