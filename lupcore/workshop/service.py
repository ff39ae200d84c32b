"""Workshop rooms: open, join, answer, run activities, pool the results, delete.

Every function takes a ``Store`` and does its work in one transaction. Answers are validated in
full before anything is written, so a refused answer stores nothing; an accepted one bumps the
room's version in the same transaction (the projector polls it). A facilitator command needs the
room's admin token (a participant's token is refused); a participant can only change their own
answers (they are found by the hash of their token). No IP address is stored anywhere.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa

from lupcore.sanitise import clean_text
from lupcore.workshop import codes
from lupcore.workshop.answer_rules import (  # re-exported: pages and the CLI read them from the service
    CONTROL_LABELS as CONTROL_LABELS,
)
from lupcore.workshop.answer_rules import (
    EXPIRY_DAYS as EXPIRY_DAYS,
)
from lupcore.workshop.answer_rules import (
    KINDS as KINDS,
)
from lupcore.workshop.answer_rules import (
    MAX_CONTROL_METRICS as MAX_CONTROL_METRICS,
)
from lupcore.workshop.answer_rules import (
    MAX_IDEA as MAX_IDEA,
)
from lupcore.workshop.answer_rules import (
    MAX_KILLER as MAX_KILLER,
)
from lupcore.workshop.answer_rules import (
    MAX_NAME as MAX_NAME,
)
from lupcore.workshop.answer_rules import (
    MAX_REASON as MAX_REASON,
)
from lupcore.workshop.answer_rules import (
    MAX_TITLE as MAX_TITLE,
)
from lupcore.workshop.answer_rules import (
    ROLES as ROLES,
)
from lupcore.workshop.answer_rules import (
    STATES as STATES,
)
from lupcore.workshop.answer_rules import (
    Vocabulary as Vocabulary,
)
from lupcore.workshop.answer_rules import (
    validate_answer as validate_answer,
)
from lupcore.workshop.errors import (  # re-exported: callers catch them from the service
    ActivityClosedError as ActivityClosedError,
)
from lupcore.workshop.errors import (
    InvalidAnswerError as InvalidAnswerError,
)
from lupcore.workshop.errors import (
    NotFacilitatorError as NotFacilitatorError,
)
from lupcore.workshop.errors import (
    NotParticipantError as NotParticipantError,
)
from lupcore.workshop.errors import (
    StoreUnavailableError as StoreUnavailableError,
)
from lupcore.workshop.errors import (
    TooManyTriesError as TooManyTriesError,
)
from lupcore.workshop.errors import (
    UnknownRoomError as UnknownRoomError,
)
from lupcore.workshop.errors import (
    WorkshopError as WorkshopError,
)
from lupcore.workshop.pooling import (
    CONTROL_LEVELS,
    MISSIONS,
    RAG_COLOURS,
    PooledPriorities,
    convergence,
    points_matrix,
    pool_priorities,
    room_view,
    tally_levels,
    tally_votes,
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


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
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
    now = now or _now()
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
    now = now or _now()
    with store.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(sa.select(rooms.c.id).where(rooms.c.expires_at < now))]
        for room_id in ids:
            _delete(conn, room_id)
    return len(ids)


def _delete(conn: sa.Connection, room_id: int) -> None:
    for table in (answers, participants, activities):  # explicit, whatever the backend's foreign-key setting
        conn.execute(table.delete().where(table.c.room_id == room_id))
    conn.execute(rooms.delete().where(rooms.c.id == room_id))


def _room_row(conn: sa.Connection, code: str, now: datetime | None = None) -> sa.Row:
    canonical = codes.normalise_code(code)
    row = None
    if canonical:
        row = conn.execute(sa.select(rooms).where(rooms.c.code == canonical)).first()
    if row is None or _aware(row.expires_at) < (now or _now()):
        raise UnknownRoomError(f"There is no open workshop room with the code {str(code)[:12]!r}.")
    return row


def _bump(conn: sa.Connection, code: str) -> sa.Row:
    """Take the room's write lock by bumping its version first; returns the room row (version bumped)."""
    canonical = codes.normalise_code(code) or ""
    conn.execute(rooms.update().where(rooms.c.code == canonical).values(version=rooms.c.version + 1))
    return _room_row(conn, code)


def _room(conn: sa.Connection, row: sa.Row) -> Room:
    acts = {r.kind: (r.state, r.round) for r in conn.execute(
        sa.select(activities.c.kind, activities.c.state, activities.c.round).where(activities.c.room_id == row.id))}
    return Room(row.id, row.code, row.title, row.area_code, bool(row.named), int(row.version),
                tuple(row.control_metrics or ()), _aware(row.created_at), _aware(row.expires_at), acts)


@retry_lost_connection
def get_room(store: Store, code: str) -> Room:
    with store.engine.begin() as conn:
        return _room(conn, _room_row(conn, code))


@retry_lost_connection
def room_version(store: Store, code: str) -> int:
    """The room's version: one small indexed query, what a live view polls."""
    canonical = codes.normalise_code(code) or ""
    with store.engine.connect() as conn:
        v = conn.execute(sa.select(rooms.c.version).where(rooms.c.code == canonical)).scalar()
    if v is None:
        raise UnknownRoomError(f"There is no open workshop room with the code {str(code)[:12]!r}.")
    return int(v)


def _check_admin(row: sa.Row, admin_token: str | None) -> None:
    if not admin_token or codes.hash_token(admin_token) != row.admin_hash:
        raise NotFacilitatorError("Only the facilitator can do that: the facilitator token is wrong.")


@retry_lost_connection
def check_admin(store: Store, code: str, admin_token: str | None) -> Room:
    """The room, if ``admin_token`` is its facilitator's; raises ``NotFacilitatorError`` otherwise."""
    with store.engine.begin() as conn:
        row = _room_row(conn, code)
        _check_admin(row, admin_token)
        return _room(conn, row)


@retry_lost_connection
def delete_room(store: Store, code: str, admin_token: str) -> None:
    """Delete the room with every participant and answer (the facilitator only)."""
    with store.engine.begin() as conn:
        row = _bump(conn, code)
        _check_admin(row, admin_token)
        _delete(conn, row.id)


@retry_lost_connection
def set_state(store: Store, code: str, admin_token: str, kind: str, state: str) -> Room:
    """Open, close or reveal an activity (any order)."""
    if kind not in KINDS:
        raise WorkshopError(f"Unknown activity {kind!r}; use one of {', '.join(KINDS)}.")
    if state not in STATES:
        raise WorkshopError(f"Unknown state {state!r}; use open, closed or revealed.")
    with store.engine.begin() as conn:
        row = _bump(conn, code)
        _check_admin(row, admin_token)
        conn.execute(activities.update().where(activities.c.room_id == row.id, activities.c.kind == kind)
                     .values(state=state))
        return _room(conn, row)


@retry_lost_connection
def next_round(store: Store, code: str, admin_token: str, kind: str) -> Room:
    """Reopen an activity for another round (Delphi): round + 1, open; earlier rounds are kept."""
    if kind not in KINDS:
        raise WorkshopError(f"Unknown activity {kind!r}; use one of {', '.join(KINDS)}.")
    with store.engine.begin() as conn:
        row = _bump(conn, code)
        _check_admin(row, admin_token)
        conn.execute(activities.update().where(activities.c.room_id == row.id, activities.c.kind == kind)
                     .values(state="open", round=activities.c.round + 1))
        return _room(conn, row)


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
        row = _bump(conn, code)
        _check_admin(row, admin_token)
        conn.execute(rooms.update().where(rooms.c.id == row.id).values(control_metrics=list(ids) or None))
        return _room(conn, row)


# ----- participants ------------------------------------------------------------------------------

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
            row = _bump(conn, code)
            number = (conn.execute(sa.select(sa.func.max(participants.c.number))
                                   .where(participants.c.room_id == row.id)).scalar() or 0) + 1
            stored_name = (clean_name or None) if row.named else None
            pid = conn.execute(participants.insert().values(
                room_id=row.id, token_hash=codes.hash_token(token), number=number, name=stored_name,
                role=role or None, joined_at=_now())).inserted_primary_key[0]
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
        row = _room_row(conn, code)
        p = _participant(conn, row.id, token)
        room = _room(conn, row)
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
        row = _room_row(conn, code)
        p = _participant(conn, row.id, token)
        rnd = _room(conn, row).activities[kind][1]
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
        row = _bump(conn, code)
        p = _participant(conn, row.id, token)
        acts = {r.kind: (r.state, r.round) for r in conn.execute(
            sa.select(activities.c.kind, activities.c.state, activities.c.round).where(activities.c.room_id == row.id))}
        stored = {}
        for kind, payload in given.items():
            if acts[kind][0] != "open":
                raise ActivityClosedError(f"{KINDS[kind]} is not open for answers now.")
            stored[kind] = validate_answer(kind, payload, vocabulary, tuple(row.control_metrics or ()))
        now = _now()
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
        row = _bump(conn, code)
        _check_admin(row, admin_token)
        rnd = _room(conn, row).activities["ideas"][1]
        pid = conn.execute(sa.select(participants.c.id).where(
            participants.c.room_id == row.id, participants.c.number == int(participant_number))).scalar()
        conn.execute(answers.update().where(answers.c.participant_id == pid, answers.c.kind == "ideas",
                                            answers.c.round == rnd).values(approved=bool(approved)))


# ----- results -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerRow:
    participant: int  # the room-local number (pseudonym P01…)
    name: str | None
    role: str | None
    kind: str
    round: int
    payload: dict[str, Any]
    approved: bool
    updated_at: datetime


@dataclass(frozen=True)
class Results:
    """Everything the reveal, the CLI, the exports and adopt need, from one read."""

    room: Room
    participants: int
    counts: dict[str, int]  # answers per activity in its current round
    priorities: PooledPriorities
    previous_priorities: PooledPriorities | None  # the round before, after a reopen
    points: np.ndarray  # n × 12, the current round (for the dot plot)
    killer: list[tuple[str, int]]
    control: dict[str, dict[str, int]]
    rag: dict[int, dict[str, int]]
    rag_reasons: dict[int, list[str]]
    ideas: list[tuple[str, str, bool]]  # (pseudonym, text, approved)
    rows: list[AnswerRow] = field(default_factory=list)

    def room_median(self) -> dict[int, float]:
        """The current round's median points per mission (unscaled), shown to people in round 2."""
        if not self.priorities.responses:
            return {}
        return {m: float(v) for m, v in zip(MISSIONS, np.median(self.points, axis=0), strict=True)}


@retry_lost_connection
def results(store: Store, code: str) -> Results:
    """Pool the room's answers (the caller decides what to show before "reveal")."""
    with store.engine.begin() as conn:
        row = _room_row(conn, code)
        room = _room(conn, row)
        q = (sa.select(answers.c.kind, answers.c.round, answers.c.payload, answers.c.approved, answers.c.updated_at,
                       participants.c.number, participants.c.name, participants.c.role)
             .join(participants, participants.c.id == answers.c.participant_id)
             .where(answers.c.room_id == row.id).order_by(participants.c.number))
        rows = [AnswerRow(r.number, r.name, r.role, r.kind, r.round, dict(r.payload), bool(r.approved),
                          _aware(r.updated_at)) for r in conn.execute(q)]
        n_people = conn.execute(sa.select(sa.func.count()).select_from(participants)
                                .where(participants.c.room_id == row.id)).scalar() or 0
    current = {k: [r for r in rows if r.kind == k and r.round == room.activities[k][1]] for k in KINDS}
    rnd = room.activities["priorities"][1]
    before = [r for r in rows if r.kind == "priorities" and r.round == rnd - 1]
    pts = points_matrix([{int(m): v for m, v in r.payload["points"].items()} for r in current["priorities"]])
    prev = (pool_priorities(points_matrix([{int(m): v for m, v in r.payload["points"].items()} for r in before]))
            if before else None)
    rag_counts = tally_levels(({int(m): c for m, c in r.payload["ratings"].items()} for r in current["rag"]),
                              RAG_COLOURS)
    reasons: dict[int, list[str]] = {}
    for r in current["rag"]:
        for m, why in r.payload.get("reasons", {}).items():
            reasons.setdefault(int(m), []).append(why)
    return Results(
        room=room, participants=int(n_people), counts={k: len(v) for k, v in current.items()},
        priorities=pool_priorities(pts), previous_priorities=prev, points=pts,
        killer=tally_votes(r.payload["metrics"] for r in current["killer"]),
        control=tally_levels((r.payload["levels"] for r in current["control"]), CONTROL_LEVELS),
        rag={int(m): c for m, c in rag_counts.items()}, rag_reasons=reasons,
        ideas=[(f"P{r.participant:02d}", r.payload["text"], r.approved) for r in current["ideas"]],
        rows=rows,
    )


def priorities_convergence(res: Results):  # noqa: ANN201 - a pooling.Convergence or None
    """Round before against this round for the priorities, or None before a second round."""
    rnd = res.room.activities["priorities"][1]
    if rnd < 2:
        return None
    pick = lambda k: points_matrix([{int(m): v for m, v in r.payload["points"].items()}  # noqa: E731
                                    for r in res.rows if r.kind == "priorities" and r.round == k])
    return convergence(pick(rnd - 1), pick(rnd))


def room_rag(res: Results) -> dict[int, str | None]:
    """The room's colour per mission (most votes; "split" for a tie at the top)."""
    return {m: room_view(res.rag.get(m, {})) for m in MISSIONS}
