"""What would it take: the smallest improvement in one metric that reaches a goal (methodology §9–6.3.3).

Goals: turn the metric's mission green, or move the area up N places (among all comparable areas
or among its peers). The search runs on the scored model itself, so the normaliser's caps and
outlier treatment are respected; when even the best possible value falls short, the answer is a
plain "this metric alone cannot do it". Other areas are held constant throughout.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lupcore.foresight._changes import people_text, valid_range
from lupcore.foresight._whatif import HELD_CONSTANT
from lupcore.format import format_change, format_value, ordinal
from lupcore.model import IndicatorMeta
from lupcore.scoring import Engine, Scores, score_rows

GRID, ROUNDS = 33, 4  # 33 candidates a round, 4 rounds: a millionth of the search range


@dataclass(frozen=True, slots=True)
class Requirement:
    """The answer to "what would it take": the value needed (or why there is none) in plain English."""

    indicator_id: str
    goal: str  # "turn Mission 5 green", "move up 10 places"
    status: str  # achievable / already met / not achievable / not applicable
    current: float | None
    required: float | None
    change: float | None
    people: float | None
    text: str
    caveat: str = HELD_CONSTANT


def _bound(meta: IndicatorMeta, x: float, reference: np.ndarray) -> float:
    """The far end of the search in the good direction, past where every normalisation saturates."""
    low, high = valid_range(meta, reference)
    p = 1.0 if int(meta.polarity) >= 0 else -1.0
    if math.isfinite(high if p > 0 else low):
        return high if p > 0 else low
    spread = float(np.ptp(reference)) if len(reference) else max(abs(x), 1.0)
    best = float(np.max(reference * p)) * p if len(reference) else x
    far = x + p * (abs(best - x) + 2.0 * max(spread, 1e-9))
    return float(np.clip(far, low, high))


def _search(engine: Engine, row: int, j: int, goal: Callable[[Scores], np.ndarray]) -> tuple[str, float | None]:
    """Smallest move of metric ``j`` from today's value that meets ``goal`` (monotone in the value)."""
    meta, x = engine.panel.indicators[j], engine.panel.values[row].copy()
    start = float(x[j])
    end = _bound(meta, start, engine.panel.reference[j])
    lo, hi = start, end
    for _ in range(ROUNDS):
        grid = np.linspace(lo, hi, GRID)
        rows = np.repeat(x[None, :], GRID, axis=0)
        rows[:, j] = grid
        met = goal(score_rows(engine, row, rows))
        if met[0] and lo == start:
            return "already met", start
        if not met.any():
            return "not achievable", None
        first = int(np.argmax(met))
        lo, hi = grid[max(first - 1, 0)], grid[first]
    return "achievable", _shown(engine, row, j, goal, float(hi), end)


def _shown(engine: Engine, row: int, j: int, goal: Callable[[Scores], np.ndarray], value: float, end: float) -> float:
    """The value at the displayed precision: the nearest one if it still meets the goal, else one step
    further towards ``end`` (which then meets it: it is past ``value`` and the goal is monotone)."""
    decimals = engine.panel.indicators[j].decimals
    nearest = round(value, decimals)
    onward = nearest + (10.0 ** -decimals if end >= value else -(10.0 ** -decimals))
    x = np.repeat(engine.panel.values[row][None, :], 2, axis=0)
    x[:, j] = nearest, onward
    met = goal(score_rows(engine, row, x))
    return float(round(nearest if met[0] else onward, decimals))


def _unusable(engine: Engine, row: int, j: int) -> str:
    meta = engine.panel.indicators[j]
    if math.isnan(engine.panel.values[row, j]):
        return f"There is no current value for {meta.label.lower()}, so no improvement can be worked out."
    if engine.scores.weights[j] <= 0 or int(meta.polarity) == 0:
        return f"{meta.label} does not count towards the score, so changing it cannot move a mission or the rank."
    return ""


def _lower_first(label: str) -> str:
    """"Employment rate" → "employment rate", but "KS2 expected standard" stays as it is."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _answer(engine: Engine, row: int, j: int, goal_text: str, status: str, value: float | None,
            bases: Mapping[str, float], already: str) -> Requirement:
    meta = engine.panel.indicators[j]
    x = float(engine.panel.values[row, j])
    if status == "already met":
        return Requirement(meta.id, goal_text, status, x, x, 0.0, 0.0, f"No change needed: {already}")
    if status == "not achievable" or value is None:
        best = format_value(_bound(meta, x, engine.panel.reference[j]), meta)
        text = (f"{meta.label} alone cannot {goal_text}: even at {best} the goal is not reached, "
                f"so other metrics would have to improve too. {HELD_CONSTANT}")
        return Requirement(meta.id, goal_text, "not achievable", x, None, None, None, text)
    people, words = people_text(meta, value - x, bases)
    verb = "Raising" if value > x else "Lowering"
    detail = format_change(value - x, meta) + (f": {words}" if words else "")
    text = (f"{verb} {_lower_first(meta.label)} from {format_value(x, meta)} to "
            f"{format_value(value, meta)} ({detail}) would {goal_text}. {HELD_CONSTANT}")
    return Requirement(meta.id, goal_text, "achievable", x, value, value - x, people, text)


def required_for_green(engine: Engine, area_code: str, indicator_id: str,
                       bases: Mapping[str, float] | None = None) -> Requirement:
    """Smallest improvement in one metric that turns its mission green (score ≥ the all-at-target score)."""
    row, j = engine.panel.position(area_code), engine.panel.column(indicator_id)
    meta = engine.panel.indicators[j]
    goal_text = f"turn Mission {meta.mission} green"
    problem = _unusable(engine, row, j)
    if problem or meta.mission is None:
        return Requirement(meta.id, goal_text, "not applicable", None, None, None, None, problem)
    m = meta.mission - 1

    def green(scores: Scores) -> np.ndarray:
        return np.nan_to_num(scores.mission[:, m], nan=-np.inf) >= scores.mission_at_target[:, m]

    status, value = _search(engine, row, j, green)
    return _answer(engine, row, j, goal_text, status, value, bases or {}, f"Mission {meta.mission} is already green.")


def required_for_rank(engine: Engine, area_code: str, indicator_id: str, places: int,
                      peer_codes: Sequence[str] = (), bases: Mapping[str, float] | None = None) -> Requirement:
    """Smallest improvement in one metric that moves the area up ``places`` ranks.

    Among all comparable areas (same tier and nation) by default, or among ``peer_codes``;
    ties share the better rank, so drawing level with the area above counts as passing it.
    """
    panel, overall = engine.panel, engine.scores.overall
    row, j = panel.position(area_code), panel.column(indicator_id)
    rows = np.flatnonzero(np.isin(panel.codes, list(peer_codes))) if peer_codes else \
        np.flatnonzero(panel.nations == panel.nations[row])
    others = np.sort(overall[rows[(rows != row) & ~np.isnan(overall[rows])]])[::-1]
    where = "among its peers" if peer_codes else "among comparable areas"
    goal_text = f"move up {places} place{'s' if places != 1 else ''} {where}"
    now = 1 + int(np.sum(others > overall[row])) if not np.isnan(overall[row]) else None
    problem = _unusable(engine, row, j) or ("" if now is not None else "The area has no overall score to rank.")
    if not problem and now - places < 1:  # type: ignore[operator]
        problem = f"The area is {ordinal(now)} {where}, so it cannot move up {places} places."  # type: ignore[arg-type]
    if problem or places < 1:
        return Requirement(panel.ids[j], goal_text, "not applicable", None, None, None, None,
                           problem or "Choose at least one place to move up.")
    threshold = others[now - places - 1]  # type: ignore[operator]

    def passes(scores: Scores) -> np.ndarray:
        return np.nan_to_num(scores.overall, nan=-np.inf) >= threshold

    status, value = _search(engine, row, j, passes)
    return _answer(engine, row, j, goal_text, status, value, bases or {}, "the area already draws level.")
