"""What a participant may answer, checked in full before anything is stored: the activities, their limits
and the validation of each kind of answer (points adding up to 100, known missions and metrics, plain text).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from lupcore.sanitise import contains_html, strip_control
from lupcore.workshop.errors import InvalidAnswerError
from lupcore.workshop.pooling import CONTROL_LEVELS, MISSIONS, RAG_COLOURS

KINDS: dict[str, str] = {
    "priorities": "Mission priorities",
    "killer": "Killer metrics",
    "control": "Local control",
    "rag": "Mission RAG",
    "ideas": "Proposed local metrics",
}
STATES: dict[str, str] = {"closed": "Closed", "open": "Open", "revealed": "Revealed"}
ROLES: dict[str, str] = {
    "officer": "Council officer", "councillor": "Councillor", "health": "Health", "police": "Police",
    "business": "Business", "voluntary": "Voluntary sector", "resident": "Resident", "other": "Other",
}
CONTROL_LABELS: dict[str, str] = {"high": "High", "medium": "Medium", "low": "Low", "dont_know": "Don't know"}
EXPIRY_DAYS = 30
MAX_KILLER = 3
MAX_CONTROL_METRICS = 12
MAX_TITLE, MAX_NAME, MAX_REASON, MAX_IDEA = 120, 60, 500, 280


@dataclass(frozen=True)
class Vocabulary:
    """What answers may name: the metric ids of the data (killer metrics, local control)."""

    metrics: frozenset[str]
    missions: tuple[int, ...] = MISSIONS


def validate_answer(kind: str, payload: Mapping[str, Any], vocabulary: Vocabulary,
                    control_metrics: Collection[str] = ()) -> dict[str, Any]:
    """The answer in its stored form, or ``InvalidAnswerError`` naming the first problem (nothing is written)."""
    if not isinstance(payload, Mapping):
        raise InvalidAnswerError("The answer is not in the expected form.")
    if kind == "priorities":
        return {"points": _points(payload.get("points"), vocabulary)}
    if kind == "killer":
        return {"metrics": _killer(payload.get("metrics"), vocabulary)}
    if kind == "control":
        return {"levels": _levels(payload.get("levels"), vocabulary, control_metrics)}
    if kind == "rag":
        return _rag(payload.get("ratings"), payload.get("reasons") or {}, vocabulary)
    if kind == "ideas":
        return {"text": _free_text(payload.get("text"), MAX_IDEA, "Your idea", required=True)}
    raise InvalidAnswerError(f"Unknown activity {kind!r}.")


def _mission_key(key: object, vocabulary: Vocabulary) -> int:
    try:
        mission = int(str(key))
    except ValueError:
        raise InvalidAnswerError(f"{str(key)[:20]!r} is not a mission number (1-12).") from None
    if mission not in vocabulary.missions:
        raise InvalidAnswerError(f"There is no mission {mission}; missions are numbered 1 to 12.")
    return mission


def _points(raw: object, vocabulary: Vocabulary) -> dict[str, int]:
    if not isinstance(raw, Mapping) or not raw:
        raise InvalidAnswerError("Give points to at least one mission.")
    out: dict[str, int] = {}
    for key, value in raw.items():
        mission = _mission_key(key, vocabulary)
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or not 0 <= value <= 100:
            raise InvalidAnswerError(f"Mission {mission}: points must be whole numbers from 0 to 100.")
        out[str(mission)] = out.get(str(mission), 0) + int(value)
    total = sum(out.values())
    if total != 100:
        raise InvalidAnswerError(f"Your points add up to {total}; they must add up to exactly 100.")
    return {k: v for k, v in sorted(out.items(), key=lambda kv: int(kv[0])) if v}


def _killer(raw: object, vocabulary: Vocabulary) -> list[str]:
    if not isinstance(raw, list | tuple) or not raw:
        raise InvalidAnswerError("Pick at least one metric.")
    ids = list(dict.fromkeys(str(i) for i in raw))
    if len(ids) > MAX_KILLER:
        raise InvalidAnswerError(f"Pick at most {MAX_KILLER} metrics.")
    unknown = [i for i in ids if i not in vocabulary.metrics]
    if unknown:
        raise InvalidAnswerError(f"Unknown metric {unknown[0][:60]!r}.")
    return ids


def _levels(raw: object, vocabulary: Vocabulary, allowed: Collection[str]) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not raw:
        raise InvalidAnswerError("Rate at least one metric.")
    out = {}
    for key, level in raw.items():
        key = str(key)
        if key not in vocabulary.metrics or (allowed and key not in allowed):
            raise InvalidAnswerError(f"Metric {key[:60]!r} is not one this activity asks about.")
        if level not in CONTROL_LEVELS:
            raise InvalidAnswerError(f"{str(level)[:20]!r} is not a level; use high, medium, low or dont_know.")
        out[key] = str(level)
    return out


def _free_text(raw: object, limit: int, label: str, *, required: bool = False) -> str:
    if raw is not None and not isinstance(raw, str):
        raise InvalidAnswerError(f"{label} must be text.")
    if raw is not None and len(raw) > limit * 4:  # refuse at once: never clean or store a huge paste
        raise InvalidAnswerError(f"{label} is {len(raw):,} characters long; keep it to {limit} or fewer.")
    text = strip_control(raw or "")
    if len(text) > limit:
        raise InvalidAnswerError(f"{label} is {len(text):,} characters long; keep it to {limit} or fewer.")
    if contains_html(text):
        raise InvalidAnswerError(f"{label} contains HTML such as '<b>' or '&#60;'; use plain text only.")
    if required and not text:
        raise InvalidAnswerError(f"{label} is empty.")
    return text


def _rag(ratings: object, reasons: object, vocabulary: Vocabulary) -> dict[str, Any]:
    if not isinstance(ratings, Mapping) or not ratings:
        raise InvalidAnswerError("Rate at least one mission red, amber or green.")
    if not isinstance(reasons, Mapping):
        raise InvalidAnswerError("The reasons are not in the expected form.")
    out_r, out_why = {}, {}
    for key, colour in ratings.items():
        mission = _mission_key(key, vocabulary)
        if colour not in RAG_COLOURS:
            raise InvalidAnswerError(f"Mission {mission}: {str(colour)[:20]!r} is not red, amber or green.")
        out_r[str(mission)] = colour
    for key, why in reasons.items():
        mission = _mission_key(key, vocabulary)
        text = _free_text(why, MAX_REASON, f"The reason for mission {mission}")
        if text:
            if str(mission) not in out_r:
                raise InvalidAnswerError(f"Mission {mission} has a reason but no colour.")
            out_why[str(mission)] = text
    return {"ratings": dict(sorted(out_r.items(), key=lambda kv: int(kv[0]))), "reasons": out_why}
