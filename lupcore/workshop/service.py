"""Workshop rooms: open, join, answer, run activities, pool the results, delete.

Every function takes a ``Store`` and does its work in one transaction. Answers are validated in
full before anything is written, so a refused answer stores nothing; an accepted one bumps the
room's version in the same transaction (the projector polls it). A facilitator command needs the
room's admin token (a participant's token is refused); a participant can only change their own
answers (they are found by the hash of their token). No IP address is stored anywhere.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from lupcore.sanitise import clean_text
from lupcore.workshop import codes
from lupcore.workshop.answer_rules import (  # re-exported: pages and the CLI read them from the service
    CONTROL_LABELS as CONTROL_LABELS,
    EXPIRY_DAYS as EXPIRY_DAYS,
    KINDS as KINDS,
    MAX_CONTROL_METRICS as MAX_CONTROL_METRICS,
    MAX_IDEA as MAX_IDEA,
    MAX_KILLER as MAX_KILLER,
    MAX_NAME as MAX_NAME,
    MAX_REASON as MAX_REASON,
    MAX_TITLE as MAX_TITLE,
    ROLES as ROLES,
    STATES as STATES,
    Vocabulary as Vocabulary,
    validate_answer as validate_answer,
)
from lupcore.workshop.errors import (  # re-exported: callers catch them from the service
    ActivityClosedError as ActivityClosedError,
    InvalidAnswerError as InvalidAnswerError,
    NotFacilitatorError as NotFacilitatorError,
    NotParticipantError as NotParticipantError,
    StoreUnavailableError as StoreUnavailableError,
    TooManyTriesError as TooManyTriesError,
    UnknownRoomError as UnknownRoomError,
    WorkshopError as WorkshopError,
)
from lupcore.workshop.retry import retry_lost_connection
from lupcore.workshop.store import Store, activities, answers, participants, rooms


@dataclass(frozen=True)
class OpenedRoom:
    code: str
    admin_token: str


@dataclass(frozen=True)
class Room:
    id: int
    code: str
    title: str
    area_code: str
    named: bool
    version: int
    control_metrics: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    activities: dict[str, tuple[str, int]]  # kind -> (state, round)


@dataclass(frozen=True)
class Participant:
    id: int
    number: int
    name: str | None
    role: str | None

    @property
    def pseudonym(self) -> str:
        return f"P{self.number:02d}"


def now_utc() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# ----- rooms -----------------------------------------------------------------------------------

@retry_lost_connection
def open_room(store: Store, *, area_code: str, title: str, named: bool, now: datetime | None = None,
              expiry_days: int = EXPIRY_DAYS) -> OpenedRoom:
    """Open a room with every activity closed; returns its join code and the facilitator's token.

    Expired rooms (of anyone) are deleted first, with their answers.
    """
    clean, problem = clean_text(title, MAX_TITLE, "The room's title")
    if problem:
        raise WorkshopError(problem)
    if not clean:
        raise WorkshopError("Give the room a title, for example “Walsall Place Board, 12 Jan”.")
    now = now or now_utc()
    purge_expired(store, now)
    token = codes.new_token()
    for _ in range(20):  # a clash of codes among open rooms is rare; draw again
        code = codes.new_code()
        try:
            with store.engine.begin() as conn:
                room_id = conn.execute(rooms.insert().values(
                    code=code, title=clean, area_code=area_code, named=bool(named), admin_hash=codes.hash_token(token),
                    version=0, control_metrics=None, created_at=now, expires_at=now + timedelta(days=expiry_days),
                )).inserted_primary_key[0]
                conn.execute(activities.insert(), [{"room_id": room_id, "kind": k, "state": "closed", "round": 1}
                                                   for k in KINDS])
            return OpenedRoom(code, token)
        except sa.exc.IntegrityError:
            continue
    raise WorkshopError("Could not find a free join code; try again.")  # pragma: no cover


@retry_lost_connection
def purge_expired(store: Store, now: datetime | None = None) -> int:
    """Delete rooms past their expiry with everything in them; returns how many."""
    now = now or now_utc()
    with store.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(sa.select(rooms.c.id).where(rooms.c.expires_at < now))]
        for room_id in ids:
            _delete(conn, room_id)
    return len(ids)


def _delete(conn: sa.Connection, room_id: int) -> None:
    for table in (answers, participants, activities):  # explicit, whatever the backend's foreign-key setting
        conn.execute(table.delete().where(table.c.room_id == room_id))
    conn.execute(rooms.delete().where(rooms.c.id == room_id))


def room_row(conn: sa.Connection, code: str, now: datetime | None = None) -> sa.Row:
    canonical = codes.normalise_code(code)
    row = None
    if canonical:
        row = conn.execute(sa.select(rooms).where(rooms.c.code == canonical)).first()
    if row is None or aware(row.expires_at) < (now or now_utc()):
        raise UnknownRoomError(f"There is no open workshop room with the code {str(code)[:12]!r}.")
    return row


def bump(conn: sa.Connection, code: str) -> sa.Row:
    """Take the room's write lock by bumping its version first; returns the room row (version bumped)."""
    canonical = codes.normalise_code(code) or ""
    conn.execute(rooms.update().where(rooms.c.code == canonical).values(version=rooms.c.version + 1))
    return room_row(conn, code)


def room_of(conn: sa.Connection, row: sa.Row) -> Room:
    acts = {r.kind: (r.state, r.round) for r in conn.execute(
        sa.select(activities.c.kind, activities.c.state, activities.c.round).where(activities.c.room_id == row.id))}
    return Room(row.id, row.code, row.title, row.area_code, bool(row.named), int(row.version),
                tuple(row.control_metrics or ()), aware(row.created_at), aware(row.expires_at), acts)


@retry_lost_connection
def get_room(store: Store, code: str) -> Room:
    with store.engine.begin() as conn:
        return room_of(conn, room_row(conn, code))


@retry_lost_connection
def room_version(store: Store, code: str) -> int:
    """The room's version: one small indexed query, what a live view polls."""
    canonical = codes.normalise_code(code) or ""
    with store.engine.connect() as conn:
        v = conn.execute(sa.select(rooms.c.version).where(rooms.c.code == canonical)).scalar()
    if v is None:
        raise UnknownRoomError(f"There is no open workshop room with the code {str(code)[:12]!r}.")
    return int(v)


def check_admin_row(row: sa.Row, admin_token: str | None) -> None:
    if not admin_token or codes.hash_token(admin_token) != row.admin_hash:
        raise NotFacilitatorError("Only the facilitator can do that: the facilitator token is wrong.")


@retry_lost_connection
def check_admin(store: Store, code: str, admin_token: str | None) -> Room:
    """The room, if ``admin_token`` is its facilitator's; raises ``NotFacilitatorError`` otherwise."""
    with store.engine.begin() as conn:
        row = room_row(conn, code)
        check_admin_row(row, admin_token)
        return room_of(conn, row)


@retry_lost_connection
def delete_room(store: Store, code: str, admin_token: str) -> None:
    """Delete the room with every participant and answer (the facilitator only)."""
    with store.engine.begin() as conn:
        row = bump(conn, code)
        check_admin_row(row, admin_token)
        _delete(conn, row.id)


@retry_lost_connection
def set_state(store: Store, code: str, admin_token: str, kind: str, state: str) -> Room:
    """Open, close or reveal an activity (any order)."""
    if kind not in KINDS:
        raise WorkshopError(f"Unknown activity {kind!r}; use one of {', '.join(KINDS)}.")
    if state not in STATES:
        raise WorkshopError(f"Unknown state {state!r}; use open, closed or revealed.")
    with store.engine.begin() as conn:
        row = bump(conn, code)
        check_admin_row(row, admin_token)
        conn.execute(activities.update().where(activities.c.room_id == row.id, activities.c.kind == kind)
                     .values(state=state))
        return room_of(conn, row)


@retry_lost_connection
def next_round(store: Store, code: str, admin_token: str, kind: str) -> Room:
    """Reopen an activity for another round (Delphi): round + 1, open; earlier rounds are kept."""
    if kind not in KINDS:
        raise WorkshopError(f"Unknown activity {kind!r}; use one of {', '.join(KINDS)}.")
    with store.engine.begin() as conn:
        row = bump(conn, code)
        check_admin_row(row, admin_token)
        conn.execute(activities.update().where(activities.c.room_id == row.id, activities.c.kind == kind)
                     .values(state="open", round=activities.c.round + 1))
        return room_of(conn, row)


@retry_lost_connection
def set_control_metrics(store: Store, code: str, admin_token: str, metric_ids: Collection[str],
                        vocabulary: Vocabulary) -> Room:
    """The metrics the local-control activity asks about (empty: the room's killer metrics)."""
    ids = tuple(dict.fromkeys(metric_ids))
    unknown = [i for i in ids if i not in vocabulary.metrics]
    if unknown:
        raise WorkshopError(f"Unknown metric {unknown[0][:60]!r}.")
    if len(ids) > MAX_CONTROL_METRICS:
        raise WorkshopError(f"Ask about at most {MAX_CONTROL_METRICS} metrics.")
    with store.engine.begin() as conn:
        row = bump(conn, code)
        check_admin_row(row, admin_token)
        conn.execute(rooms.update().where(rooms.c.id == row.id).values(control_metrics=list(ids) or None))
        return room_of(conn, row)
