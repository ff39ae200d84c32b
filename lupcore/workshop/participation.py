"""Taking part in a room: joining (optional name and role, a token kept in the link), answering (one answer
per person, activity and round; the last one counts; validated in full first) and approving ideas.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from lupcore.sanitise import clean_text
from lupcore.workshop import codes
from lupcore.workshop.answer_rules import KINDS, MAX_NAME, ROLES, Vocabulary, validate_answer
from lupcore.workshop.errors import (
    ActivityClosedError,
    InvalidAnswerError,
    NotParticipantError,
    TooManyTriesError,
    UnknownRoomError,
    WorkshopError,
)
from lupcore.workshop.retry import retry_lost_connection
from lupcore.workshop.service import Participant, bump, check_admin_row, now_utc, room_of, room_row
from lupcore.workshop.store import Store, activities, answers, participants


@retry_lost_connection
def join(store: Store, code: str, *, name: str | None = None, role: str | None = None,
         client_key: str = "anonymous", limiter: codes.FailedJoinLimiter | None = None) -> tuple[str, Participant]:
    """Join a room; returns the participant's secret token and their record.

    In an anonymous room a name is not stored. Failed joins count against ``client_key`` (a browser
    session id or a CLI process, never an IP address); too many in a minute are refused.
    """
    limiter = limiter or codes.LIMITER
    if limiter.blocked(client_key):
        raise TooManyTriesError("Too many wrong codes from this device; wait a minute and try again.")
    clean_name, problem = clean_text(name, MAX_NAME, "Your name")
    if problem:
        raise WorkshopError(problem)
    if role not in (None, "", *ROLES):
        raise WorkshopError(f"Unknown role {str(role)[:30]!r}; use one of {', '.join(ROLES)}.")
    token = codes.new_token()
    try:
        with store.engine.begin() as conn:
            row = bump(conn, code)
            number = (conn.execute(sa.select(sa.func.max(participants.c.number))
                                   .where(participants.c.room_id == row.id)).scalar() or 0) + 1
            stored_name = (clean_name or None) if row.named else None
            pid = conn.execute(participants.insert().values(
                room_id=row.id, token_hash=codes.hash_token(token), number=number, name=stored_name,
                role=role or None, joined_at=now_utc())).inserted_primary_key[0]
    except UnknownRoomError:
        limiter.record_failure(client_key)
        raise
    return token, Participant(pid, number, stored_name, role or None)


def _participant(conn: sa.Connection, room_id: int, token: str | None) -> sa.Row:
    row = None
    if token:
        row = conn.execute(sa.select(participants).where(participants.c.token_hash == codes.hash_token(token),
                                                         participants.c.room_id == room_id)).first()
    if row is None:
        raise NotParticipantError("This link does not belong to a participant of this room; join with the code again.")
    return row


@retry_lost_connection
def whoami(store: Store, code: str, token: str) -> tuple[Participant, dict[str, dict[str, Any]]]:
    """The participant and their answers in each activity's current round (the last answer)."""
    with store.engine.begin() as conn:
        row = room_row(conn, code)
        p = _participant(conn, row.id, token)
        room = room_of(conn, row)
        mine = {}
        for a in conn.execute(sa.select(answers.c.kind, answers.c.round, answers.c.payload)
                              .where(answers.c.participant_id == p.id)):
            if a.round == room.activities[a.kind][1]:
                mine[a.kind] = dict(a.payload)
        return Participant(p.id, p.number, p.name, p.role), mine


@retry_lost_connection
def previous_answer(store: Store, code: str, token: str, kind: str) -> dict[str, Any] | None:
    """The participant's answer in the previous round (round 2 starts from it)."""
    with store.engine.begin() as conn:
        row = room_row(conn, code)
        p = _participant(conn, row.id, token)
        rnd = room_of(conn, row).activities[kind][1]
        got = conn.execute(sa.select(answers.c.payload).where(
            answers.c.participant_id == p.id, answers.c.kind == kind, answers.c.round == rnd - 1)).scalar()
        return dict(got) if got is not None else None


# ----- answers -----------------------------------------------------------------------------------

def answer(store: Store, code: str, token: str, kind: str, payload: Mapping[str, Any], vocabulary: Vocabulary) -> int:
    """Store the participant's answer for the activity's current round (the last one counts).

    Returns the room's new version. Raises ``UnknownRoomError``, ``NotParticipantError``, ``ActivityClosedError``
    or ``InvalidAnswerError``; in every case nothing is written.
    """
    return answer_many(store, code, token, {kind: payload}, vocabulary)


@retry_lost_connection
def answer_many(store: Store, code: str, token: str, given: Mapping[str, Mapping[str, Any]],
                vocabulary: Vocabulary) -> int:
    """Several activities' answers in one transaction: all stored, or (on any problem) none."""
    unknown = [k for k in given if k not in KINDS]
    if unknown or not given:
        raise InvalidAnswerError(f"Unknown activity {(unknown or [''])[0]!r}; use one of {', '.join(KINDS)}.")
    with store.engine.begin() as conn:
        row = bump(conn, code)
        p = _participant(conn, row.id, token)
        acts = {r.kind: (r.state, r.round) for r in conn.execute(
            sa.select(activities.c.kind, activities.c.state, activities.c.round).where(activities.c.room_id == row.id))}
        stored = {}
        for kind, payload in given.items():
            if acts[kind][0] != "open":
                raise ActivityClosedError(f"{KINDS[kind]} is not open for answers now.")
            stored[kind] = validate_answer(kind, payload, vocabulary, tuple(row.control_metrics or ()))
        now = now_utc()
        for kind, value in stored.items():
            rnd = acts[kind][1]
            done = conn.execute(answers.update().where(
                answers.c.participant_id == p.id, answers.c.kind == kind, answers.c.round == rnd,
            ).values(payload=value, updated_at=now, approved=False)).rowcount
            if not done:
                conn.execute(answers.insert().values(room_id=row.id, participant_id=p.id, kind=kind, round=rnd,
                                                     payload=value, approved=False, updated_at=now))
        return int(row.version)


@retry_lost_connection
def approve_idea(store: Store, code: str, admin_token: str, participant_number: int, approved: bool = True) -> None:
    """Show (or hide again) one participant's idea in the current round."""
    with store.engine.begin() as conn:
        row = bump(conn, code)
        check_admin_row(row, admin_token)
        rnd = room_of(conn, row).activities["ideas"][1]
        pid = conn.execute(sa.select(participants.c.id).where(
            participants.c.room_id == row.id, participants.c.number == int(participant_number))).scalar()
        conn.execute(answers.update().where(answers.c.participant_id == pid, answers.c.kind == "ideas",
                                            answers.c.round == rnd).values(approved=bool(approved)))
