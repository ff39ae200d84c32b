"""Adopt the room's view: pooled mission weights, top killer metrics and local-control ratings.

The result is ordinary ``Settings``, so the link carries the weights themselves (``mw=``,
``kill=``, ``lc=``) and keeps working after the room is deleted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from lupcore.settings import MAX_KILLER_METRICS, Settings
from lupcore.workshop.answer_rules import MAX_KILLER
from lupcore.workshop.results import Results


@dataclass(frozen=True)
class Adoption:
    settings: Settings
    method: str
    mission_weights: tuple[tuple[int, float], ...]
    killer: tuple[str, ...]
    control: tuple[tuple[str, str], ...]


def room_control(res: Results) -> tuple[tuple[str, str], ...]:
    """Per metric, the level most of the room chose among high, medium and low.

    "Don't know" answers are left out; a tie at the top leaves the registry's rating in place.
    """
    out = []
    for metric, counts in sorted(res.control.items()):
        known = {level: counts.get(level, 0) for level in ("high", "medium", "low")}
        top = max(known.values())
        winners = [level for level, k in known.items() if k == top]
        if top and len(winners) == 1:
            out.append((metric, winners[0]))
    return tuple(out)


def adopt(settings: Settings, res: Results, method: str = "mean", top: int = MAX_KILLER) -> Adoption:
    """``settings`` with the room's weights (``method``: mean, median or trimmed_mean), killer metrics
    (the ``top`` most voted) and local control; anything the room did not answer is left as it was.
    """
    weights = res.priorities.weights(method)
    changes: dict[str, object] = {}
    mw: tuple[tuple[int, float], ...] = ()
    if res.priorities.responses and all(math.isfinite(w) for w in weights.values()):
        mw = tuple((m, round(w, 2)) for m, w in sorted(weights.items()))
        changes["mission_weights"] = mw
    killer = tuple(i for i, _ in res.killer[:min(top, MAX_KILLER_METRICS)])
    if killer:
        changes["killer"] = killer
    control = room_control(res)
    if control:
        merged = dict(settings.control) | dict(control)
        changes["control"] = tuple(sorted(merged.items()))
    return Adoption(replace(settings, **changes), method, mw, killer, control)  # type: ignore[arg-type]
