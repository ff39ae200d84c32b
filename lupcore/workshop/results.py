"""A room's answers pooled for the reveal: priorities by mean, median and trimmed mean with Kendall's W, votes,
local-control levels and the room's RAG beside the data's (methodology §10). Read in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import sqlalchemy as sa

from lupcore.workshop.answer_rules import KINDS
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
from lupcore.workshop.service import Room, aware, room_of, room_row
from lupcore.workshop.store import Store, answers, participants


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
        row = room_row(conn, code)
        room = room_of(conn, row)
        q = (sa.select(answers.c.kind, answers.c.round, answers.c.payload, answers.c.approved, answers.c.updated_at,
                       participants.c.number, participants.c.name, participants.c.role)
             .join(participants, participants.c.id == answers.c.participant_id)
             .where(answers.c.room_id == row.id).order_by(participants.c.number))
        rows = [AnswerRow(r.number, r.name, r.role, r.kind, r.round, dict(r.payload), bool(r.approved),
                          aware(r.updated_at)) for r in conn.execute(q)]
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
